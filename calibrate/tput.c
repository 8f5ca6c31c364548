// SPDX-License-Identifier: GPL-2.0
/*
 * tput.c - closed-loop throughput over the translation model (see tput.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/tput.h"
#include "calibrate/fit.h"
#include "lib/heap.h"
#include "model/xlate/model.h"

#define TPUT_WARM 12000
#define TPUT_MEASURE 20000

/*
 * The device's read slots: when each is free again, earliest first. In
 * order, each read completes no earlier than the one before it, so a slot's
 * new free time (its completion plus the window's fixed data latency) is
 * never earlier than any other slot's: the slots come round in the order
 * they were refilled, a ring (the heap's earliest time, at O(1): the heap
 * was a fifth of the fit's CPU). Out of order, the (time, seq) heap.
 */
struct slots {
	struct heap h;	/* !in_order */
	uint64_t *ring; /* in_order: free times (ps), ring[head] the earliest */
	uint32_t nr, head;
	int in_order;
};

static int slots__init(struct slots *s, const struct cal_device *dev)
{
	s->h = (struct heap)HEAP_INIT(struct heap_time);
	s->nr = dev->outstanding;
	s->head = 0;
	s->in_order = dev->in_order;
	s->ring = NULL;
	if (s->in_order)
		return (s->ring = malloc(s->nr * sizeof(*s->ring))) ? 0 : -ENOMEM;
	return heap__reserve(&s->h, s->nr) ? -ENOMEM : 0;
}

static void slots__release(struct slots *s)
{
	free(s->ring);
	heap__release(&s->h);
}

/* Every slot free at time 0. */
static void slots__reset(struct slots *s)
{
	s->head = 0;
	if (s->in_order) {
		memset(s->ring, 0, s->nr * sizeof(*s->ring));
		return;
	}
	s->h.nr = 0;
	for (uint32_t k = 0; k < s->nr; k++)
		(void)heap__push_time(&s->h, 0); /* reserved: cannot fail */
}

/* When the earliest-free slot is free. */
static inline uint64_t slots__first(const struct slots *s)
{
	return s->in_order ? s->ring[s->head] : heap__top(&s->h, struct heap_time)->time_ns;
}

/* The earliest-free slot issues a read: it is free again at @free_ps. */
static inline void slots__refill(struct slots *s, uint64_t free_ps)
{
	if (s->in_order) {
		s->ring[s->head] = free_ps;
		s->head = s->head + 1 == s->nr ? 0 : s->head + 1;
		return;
	}
	/* its free time moves on, in place */
	heap__top(&s->h, struct heap_time)->time_ns = free_ps;
	heap__fix_top(&s->h, struct heap_time);
}

/*
 * One window's closed loop: its Gb/s in *gbps and, in *queued, how many
 * walks found every walker busy (walk.queued: 0 means walk.walkers never
 * held a walk back in this window).
 */
static int tput_window(const struct model_cfg *cfg, const struct cal_device *dev,
		       uint64_t win_bytes, uint32_t i, struct slots *sl, double *gbps,
		       double *queued)
{
	struct model *m = model__new(cfg);
	struct model_access a = {.bytes = 64, .sid = 0x100, .domain = 1};
	struct prng prng = cal_stream(cfg->seed, win_bytes);
	uint64_t lines = win_bytes / 64, round = (win_bytes + (2u << 20) - 1) & ~0x1fffffull;
	uint64_t base = round < (1ull << 32) ? (1ull << 32) - round : 1ull << 32;
	uint64_t last_ps = 0, t0_ps = 0, xdone_ps = 0;
	uint64_t gap_ps = (uint64_t)(512.0 / dev->cap_gbps[i] * 1000.0 + 0.5);

	if (!m)
		return -errno;
	/* times in ps: the link gap is a fraction of a ns */
	slots__reset(sl);
	for (uint32_t k = 0; k < TPUT_WARM + TPUT_MEASURE; k++) {
		uint64_t t_ps = slots__first(sl), lat0, x_ns, xdone;

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
		slots__refill(sl, xdone + (uint64_t)(dev->data_ns[i] * 1000.0));
	}
	*queued = model__metric(m, "walk.queued");
	model__free(m);
	*gbps = last_ps > t0_ps
		    ? (double)TPUT_MEASURE * 512.0 / ((double)(last_ps - t0_ps) / 1000.0)
		    : 0;
	return 0;
}

/* The device's inputs are usable: 0 or -EINVAL. */
static int tput_check(const struct cal_device *dev, uint32_t nr)
{
	if (!dev->outstanding || nr > PB_MAX_WINDOWS)
		return -EINVAL;
	for (uint32_t i = 0; i < nr; i++)
		if (!(dev->cap_gbps[i] > 0) || !(dev->data_ns[i] >= 0))
			return -EINVAL;
	return 0;
}

int cal_tput(const struct model_cfg *cfg, const struct cal_device *dev, const uint64_t *win_bytes,
	     uint32_t nr, double *gbps)
{
	struct slots sl;
	double queued;
	int rc;

	if ((rc = tput_check(dev, nr)) || (rc = slots__init(&sl, dev)))
		return rc;
	for (uint32_t i = 0; i < nr && !rc; i++)
		rc = tput_window(cfg, dev, win_bytes[i], i, &sl, &gbps[i], &queued);
	slots__release(&sl);
	return rc;
}

int cal_tput_walkers(const struct model_cfg *cfg, const struct cal_device *dev,
		     const uint64_t *win_bytes, uint32_t nr, uint32_t max_walkers,
		     double (*gbps)[PB_MAX_WINDOWS])
{
	struct model_cfg c = *cfg;
	struct slots sl;
	int rc;

	if ((rc = tput_check(dev, nr)) || (rc = slots__init(&sl, dev)))
		return rc;
	for (uint32_t i = 0; i < nr && !rc; i++) {
		for (uint32_t w = 1; w <= max_walkers; w++) {
			double queued;

			c.walkers = w;
			if ((rc = tput_window(&c, dev, win_bytes[i], i, &sl, &gbps[w - 1][i],
					      &queued)))
				break;
			/*
			 * No walk waited for a walker: every walk started when it
			 * arrived, more walkers start none later (tput.h), so the
			 * window's run is the same for every larger count.
			 */
			if (queued == 0) {
				for (uint32_t v = w + 1; v <= max_walkers; v++)
					gbps[v - 1][i] = gbps[w - 1][i];
				break;
			}
		}
	}
	slots__release(&sl);
	return rc;
}

_Static_assert(PB_MAX_WINDOWS <= 32, "the walker search keeps windows in 32-bit sets");

/* The walker fit's search state (cal_tput_fit_walkers(); counts from 0 for walk.walkers 1). */
struct wsearch {
	const struct pb_curve *meas;		     /* the measured curve */
	uint32_t nw;				     /* counts in the grid */
	double val[CAL_MAX_WALKERS][PB_MAX_WINDOWS]; /* Gb/s of the runs made */
	uint32_t ran[CAL_MAX_WALKERS];		     /* windows each count ran (bits) */
	uint32_t sat[PB_MAX_WINDOWS];		     /* smallest count whose run had no wait */
	uint32_t left[CAL_MAX_WALKERS];		     /* windows not yet in part[] (bits) */
	double part[CAL_MAX_WALKERS];		     /* sum of the terms of the other windows */
};

static double sq_err(const struct wsearch *s, uint32_t i, double v)
{
	return (v - s->meas->val[i]) * (v - s->meas->val[i]);
}

/* Count @w's value at window @i when known without a run: 1, else 0. */
static int ws_known(const struct wsearch *s, uint32_t w, uint32_t i, double *v)
{
	if (s->ran[w] & 1u << i) {
		*v = s->val[w][i];
		return 1;
	}
	if (s->sat[i] <= w) {
		*v = s->val[s->sat[i]][i];
		return 1;
	}
	return 0;
}

/*
 * The window count @w runs next: one no count has run yet (the smallest),
 * else the one where the nearest count that ran it was furthest off.
 */
static uint32_t ws_next_window(const struct wsearch *s, uint32_t w)
{
	uint32_t best_i = (uint32_t)__builtin_ctz(s->left[w]); /* if every estimate is NaN */
	double best_e = -1;

	for (uint32_t i = 0; i < s->meas->nr; i++) {
		uint32_t near = UINT32_MAX;

		if (!(s->left[w] & 1u << i))
			continue;
		for (uint32_t d = 0; d < s->nw && near == UINT32_MAX; d++) {
			if (w >= d && s->ran[w - d] & 1u << i)
				near = w - d;
			else if (w + d < s->nw && s->ran[w + d] & 1u << i)
				near = w + d;
		}
		if (near == UINT32_MAX)
			return i;
		if (sq_err(s, i, s->val[near][i]) > best_e) {
			best_e = sq_err(s, i, s->val[near][i]);
			best_i = i;
		}
	}
	return best_i;
}

int cal_tput_fit_walkers(const struct model_cfg *cfg, const struct cal_device *dev,
			 const struct pb_curve *meas, uint32_t max_walkers,
			 struct cal_walkers_fit *fit)
{
	struct wsearch *s;
	struct model_cfg c = *cfg;
	double sse[CAL_MAX_WALKERS];
	uint32_t done = 0, all = meas->nr >= 32 ? UINT32_MAX : (1u << meas->nr) - 1;
	struct slots sl;
	int rc;

	memset(fit, 0, sizeof(*fit));
	if (!max_walkers || max_walkers > CAL_MAX_WALKERS || !meas->nr)
		return -EINVAL;
	if ((rc = tput_check(dev, meas->nr)) || (rc = slots__init(&sl, dev)))
		return rc;
	if (!(s = calloc(1, sizeof(*s)))) {
		slots__release(&sl);
		return -ENOMEM;
	}
	s->meas = meas;
	s->nw = max_walkers;
	for (uint32_t i = 0; i < meas->nr; i++)
		s->sat[i] = UINT32_MAX;
	for (uint32_t w = 0; w < s->nw; w++)
		s->left[w] = all;
	for (;;) {
		uint32_t w = UINT32_MAX, i;
		double best = INFINITY, v, queued;

		/* every value known without a run goes into its count's sum; whole sums in
		 * window order, as a scan of the grid adds them */
		for (uint32_t k = 0; k < s->nw; k++) {
			if (done & 1u << k)
				continue;
			for (i = 0; i < meas->nr; i++)
				if (s->left[k] & 1u << i && ws_known(s, k, i, &v)) {
					s->part[k] += sq_err(s, i, v);
					s->left[k] &= ~(1u << i);
				}
			if (s->left[k])
				continue;
			done |= 1u << k;
			sse[k] = 0;
			for (i = 0; i < meas->nr; i++) {
				(void)ws_known(s, k, i, &v);
				sse[k] += sq_err(s, i, v);
			}
		}
		for (uint32_t k = 0; k < s->nw; k++) {
			if (done & 1u << k)
				best = fmin(best, sse[k]);
			else if (w == UINT32_MAX || s->part[k] < s->part[w])
				w = k;
		}
		/* the smallest partial sum is above a whole one: no other count can win */
		if (w == UINT32_MAX || s->part[w] > best * (1 + 1e-9))
			break;
		i = ws_next_window(s, w);
		c.walkers = w + 1;
		if ((rc = tput_window(&c, dev, meas->win_bytes[i], i, &sl, &v, &queued)))
			break;
		fit->nr_runs++;
		s->val[w][i] = v;
		s->ran[w] |= 1u << i;
		if (queued == 0 && w < s->sat[i])
			s->sat[i] = w;
	}
	if (!rc) {
		/* the scan of every count: the first smallest whole sum */
		fit->sse = INFINITY;
		for (uint32_t k = 0; k < s->nw; k++)
			if (done & 1u << k && sse[k] < fit->sse) {
				fit->sse = sse[k];
				fit->walkers = k + 1;
			}
		if (!fit->walkers)
			fit->walkers = 1; /* no sum is finite (as the scan, which starts at 1) */
		for (uint32_t i = 0; i < meas->nr; i++)
			if (!ws_known(s, fit->walkers - 1, i, &fit->pred[i]))
				fit->pred[i] = NAN;
	}
	free(s);
	slots__release(&sl);
	return rc;
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
