/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq-local.h - internals shared by the files of the work-queue model: its
 * exponential draw and the retry-policy ops table.
 *
 * Model assumptions: none beyond wq.h.
 */
#ifndef SVATRACE_MODEL_WQ_LOCAL_H
#define SVATRACE_MODEL_WQ_LOCAL_H

#include <math.h>
#include <stdint.h>

#include "lib/prng.h"
#include "model/wq/wq.h"

/** wq_rng_exp_ns() - exponential variate (lib/prng) with mean @mean_ns, rounded to ns. */
static inline uint64_t wq_rng_exp_ns(struct prng *p, uint64_t mean_ns)
{
	return (uint64_t)llround(prng_exp(p, (double)mean_ns));
}

/* What a retry policy decides after an ENQCMD was answered "retry". */
struct wq_retry_ops {
	const char *name; /* "kernel", "spin", "backoff" */
	/*
	 * Delay before the next attempt (ns), or -1 to give up (-EAGAIN).
	 * @nr_failed: attempts answered "retry" so far for this descriptor (>= 1).
	 */
	int64_t (*next_delay_ns)(const struct wq_config *cfg, uint32_t nr_failed, struct prng *rng);
};

/* Registry indexed by enum wq_retry_policy. */
extern const struct wq_retry_ops *const wq_retry_registry[WQ_RETRY_NR_];

#endif /* SVATRACE_MODEL_WQ_LOCAL_H */
