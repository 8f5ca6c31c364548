/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq-local.h - internals shared by the files of the work-queue model: its
 * seeded PRNG and the retry-policy ops table.
 *
 * Model assumptions: none beyond wq.h.
 */
#ifndef SVATRACE_MODEL_WQ_LOCAL_H
#define SVATRACE_MODEL_WQ_LOCAL_H

#include <math.h>
#include <stdint.h>

#include "model/wq/wq.h"

/** wq_rng_next() - splitmix64 (Steele et al., OOPSLA 2014); state is one word. */
static inline uint64_t wq_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/** wq_rng_unit() - uniform double in [0, 1). */
static inline double wq_rng_unit(uint64_t *state)
{
	return (double)(wq_rng_next(state) >> 11) * 0x1.0p-53;
}

/** wq_rng_exp_ns() - exponential variate with mean @mean_ns, rounded to ns. */
static inline uint64_t wq_rng_exp_ns(uint64_t *state, uint64_t mean_ns)
{
	return (uint64_t)llround(-(double)mean_ns * log1p(-wq_rng_unit(state)));
}

/* What a retry policy decides after an ENQCMD was answered "retry". */
struct wq_retry_ops {
	const char *name;	/* "kernel", "spin", "backoff" */
	/*
	 * Delay before the next attempt (ns), or -1 to give up (-EAGAIN).
	 * @nr_failed: attempts answered "retry" so far for this descriptor (>= 1).
	 */
	int64_t (*next_delay_ns)(const struct wq_config *cfg, uint32_t nr_failed, uint64_t *rng);
};

/* Registry indexed by enum wq_retry_policy. */
extern const struct wq_retry_ops *const wq_retry_registry[WQ_RETRY_NR_];

#endif /* SVATRACE_MODEL_WQ_LOCAL_H */
