// SPDX-License-Identifier: GPL-2.0
/*
 * tput.c - closed-loop throughput over the translation model (see tput.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "calibrate/tput.h"
#include "calibrate/fit.h"
#include "lib/heap.h"
#include "model/xlate/model.h"

#define TPUT_WARM 12000
#define TPUT_MEASURE 20000

int cal_tput(const struct model_cfg *cfg, const struct cal_device *dev, const uint64_t *win_bytes,
	     uint32_t nr, double *gbps)
{
	struct heap h = HEAP_INIT(struct heap_time);

	if (!dev->outstanding || nr > PB_MAX_WINDOWS)
		return -EINVAL;
	for (uint32_t i = 0; i < nr; i++)
		if (!(dev->cap_gbps[i] > 0) || !(dev->data_ns[i] >= 0))
			return -EINVAL;
	if (heap__reserve(&h, dev->outstanding))
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		struct model *m = model__new(cfg);
		struct model_access a = {.bytes = 64, .sid = 0x100, .domain = 1};
		struct prng prng = cal_stream(cfg->seed, win_bytes[i]);
		uint64_t lines = win_bytes[i] / 64,
			 round = (win_bytes[i] + (2u << 20) - 1) & ~0x1fffffull;
		uint64_t base = round < (1ull << 32) ? (1ull << 32) - round : 1ull << 32;
		uint64_t last_ps = 0, t0_ps = 0, xdone_ps = 0;
		uint64_t gap_ps = (uint64_t)(512.0 / dev->cap_gbps[i] * 1000.0 + 0.5);

		if (!m) {
			heap__release(&h);
			return -errno;
		}
		/* times in ps: the link gap is a fraction of a ns */
		h.nr = 0;
		for (uint32_t k = 0; k < dev->outstanding; k++)
			(void)heap__push_time(&h, 0); /* reserved: cannot fail */
		for (uint32_t k = 0; k < TPUT_WARM + TPUT_MEASURE; k++) {
			struct heap_time *first = heap__top(&h, struct heap_time);
			uint64_t t_ps = first->time_ns, lat0, x_ns, xdone;

			if (k && t_ps < last_ps + gap_ps)
				t_ps = last_ps + gap_ps;
			if (k == TPUT_WARM)
				t0_ps = t_ps;
			last_ps = t_ps;
			a.iova = base + prng_below(&prng, lines) * 64;
			model__advance(m, t_ps / 1000);
			lat0 = model__latency_sum_ns(m);
			model__access(m, t_ps / 1000, &a);
			x_ns = model__latency_sum_ns(m) - lat0;
			xdone = t_ps + x_ns * 1000;
			/* in order: done no earlier than the read before it (tput.h) */
			if (dev->in_order && xdone < xdone_ps)
				xdone = xdone_ps;
			xdone_ps = xdone;
			/* the earliest-free slot issues it: its free time moves on, in place */
			first->time_ns = xdone + (uint64_t)(dev->data_ns[i] * 1000.0);
			heap__fix_top(&h, struct heap_time);
		}
		model__free(m);
		gbps[i] = last_ps > t0_ps
			      ? (double)TPUT_MEASURE * 512.0 / ((double)(last_ps - t0_ps) / 1000.0)
			      : 0;
	}
	heap__release(&h);
	return 0;
}

double cal_curve_at(const struct pb_curve *c, uint64_t win_bytes)
{
	double x = log2((double)win_bytes);

	if (!c->nr)
		return NAN;
	if (win_bytes <= c->win_bytes[0])
		return c->val[0];
	for (uint32_t i = 1; i < c->nr; i++) {
		if (win_bytes <= c->win_bytes[i]) {
			double x0 = log2((double)c->win_bytes[i - 1]),
			       x1 = log2((double)c->win_bytes[i]);

			return c->val[i - 1] + (c->val[i] - c->val[i - 1]) * (x - x0) / (x1 - x0);
		}
	}
	return c->val[c->nr - 1];
}

double cal_tput_err(const double *pred, const struct pb_curve *meas, const struct pb_curve *off,
		    uint32_t *at)
{
	double worst = 0;

	*at = 0;
	for (uint32_t i = 0; i < meas->nr; i++) {
		double ref = off && off->nr == meas->nr ? off->val[i] : meas->val[0];
		double e = fabs(pred[i] - meas->val[i]) / (ref > 0 ? ref : 1);

		if (e > worst) {
			worst = e;
			*at = i;
		}
	}
	return worst;
}
