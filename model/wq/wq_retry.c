// SPDX-License-Identifier: GPL-2.0
/*
 * wq_retry.c - what a submitter does when ENQCMD(S) answers "retry" (ZF=1,
 * the DMWr Request Retry Status): the kernel's bounded loop, an unbounded
 * spin, or exponential backoff. One const ops table per policy plus one line
 * in the registry.
 *
 * Model assumptions:
 * - kernel: Linux idxd_enqcmds() retries wq->enqcmds_retries times (default
 *   IDXD_ENQCMDS_RETRIES = 32, drivers/dma/idxd/idxd.h) with cpu_relax()
 *   between attempts, then returns -EAGAIN; cpu_relax() is retry_pause_ns.
 * - spin: a user-space loop around ENQCMD retrying at once, never giving up.
 * - pause: the same loop with one PAUSE (retry_pause_ns) per retry, as in
 *   `while (_enqcmd(portal, desc)) _mm_pause();`.
 * - backoff: delay doubles from backoff_min_ns up to backoff_max_ns, with a
 *   uniform jitter in [delay/2, delay] drawn from the client's PRNG.
 */
#include "model/wq/wq-local.h"

static int64_t kernel_next(const struct wq_config *cfg, uint32_t nr_failed, struct prng *rng)
{
	(void)rng;
	if (nr_failed > cfg->retry_max)
		return -1;
	return (int64_t)cfg->retry_pause_ns;
}

static int64_t spin_next(const struct wq_config *cfg, uint32_t nr_failed, struct prng *rng)
{
	(void)cfg;
	(void)nr_failed;
	(void)rng;
	return 0;
}

static int64_t pause_next(const struct wq_config *cfg, uint32_t nr_failed, struct prng *rng)
{
	(void)nr_failed;
	(void)rng;
	return (int64_t)cfg->retry_pause_ns;
}

static int64_t backoff_next(const struct wq_config *cfg, uint32_t nr_failed, struct prng *rng)
{
	uint64_t d = cfg->backoff_min_ns;
	uint32_t i;

	for (i = 1; i < nr_failed && d < cfg->backoff_max_ns; i++)
		d *= 2;
	if (d > cfg->backoff_max_ns)
		d = cfg->backoff_max_ns;
	/* jitter keeps clients that collided once from colliding again in lockstep */
	d = d / 2 + (uint64_t)(prng_double(rng) * (double)(d - d / 2));
	return (int64_t)d;
}

static const struct wq_retry_ops kernel_ops = {.name = "kernel", .next_delay_ns = kernel_next};
static const struct wq_retry_ops spin_ops = {.name = "spin", .next_delay_ns = spin_next};
static const struct wq_retry_ops pause_ops = {.name = "pause", .next_delay_ns = pause_next};
static const struct wq_retry_ops backoff_ops = {.name = "backoff", .next_delay_ns = backoff_next};

const struct wq_retry_ops *const wq_retry_registry[WQ_RETRY_NR_] = {
    [WQ_RETRY_KERNEL] = &kernel_ops,
    [WQ_RETRY_SPIN] = &spin_ops,
    [WQ_RETRY_BACKOFF] = &backoff_ops,
    [WQ_RETRY_PAUSE] = &pause_ops,
};
