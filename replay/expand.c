// SPDX-License-Identifier: GPL-2.0
/*
 * expand.c - pending map expansions, stepped in time order (see expand.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lib/alloc.h"
#include "replay/expand.h"
#include "replay/replay.h"

struct expansion {
	uint64_t due_ns;   /* when the device touches the next part */
	uint64_t seq;	   /* creation order: tie-break */
	uint64_t start_ns; /* when it touches the first byte */
	uint64_t iova;	   /* start of the map */
	uint64_t bytes;	   /* length of the map */
	uint64_t off;	   /* next byte to touch */
	uint32_t dev;	   /* device index */
	uint32_t pasid;	   /* PASID */
	uint8_t write;	   /* device writes */
};

struct expand {
	struct expand_cfg cfg; /* settings */
	struct expansion *exp; /* min-heap by (due_ns, seq), one step per page/line */
	uint64_t nr, cap, seq; /* used, allocated, next seq */
	bool seen_dma_map;     /* source=auto: a DMA-API map was offered */
	uint64_t nr_maps;      /* maps queued */
	uint64_t nr_accesses;  /* accesses emitted */
};

struct expand *expand__new(const struct expand_cfg *cfg)
{
	struct expand *x;

	if (cfg->mode > REPLAY_EXPAND_LINE || cfg->source > REPLAY_EXPSRC_BOTH ||
	    !cfg->bytes_per_us || !cfg->line_bytes || !cfg->page_bytes ||
	    (cfg->page_bytes & (cfg->page_bytes - 1))) {
		errno = EINVAL;
		return NULL;
	}
	x = svt_calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->cfg = *cfg;
	return x;
}

void expand__free(struct expand *x)
{
	if (!x)
		return;
	free(x->exp);
	free(x);
}

static bool before(const struct expansion *a, const struct expansion *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void sift_down(struct expand *x, uint64_t i)
{
	struct expansion e = x->exp[i];

	for (;;) {
		uint64_t c = 2 * i + 1;

		if (c >= x->nr)
			break;
		if (c + 1 < x->nr && before(&x->exp[c + 1], &x->exp[c]))
			c++;
		if (!before(&x->exp[c], &e))
			break;
		x->exp[i] = x->exp[c];
		i = c;
	}
	x->exp[i] = e;
}

static int push(struct expand *x, struct expansion e)
{
	uint64_t i;

	if (x->nr == x->cap) {
		uint64_t cap = x->cap ? 2 * x->cap : 256;
		struct expansion *n = svt_realloc(x->exp, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		x->exp = n;
		x->cap = cap;
	}
	e.seq = x->seq++;
	i = x->nr++;
	while (i > 0) {
		uint64_t parent = (i - 1) / 2;

		if (!before(&e, &x->exp[parent]))
			break;
		x->exp[i] = x->exp[parent];
		i = parent;
	}
	x->exp[i] = e;
	return 0;
}

static bool selected(struct expand *x, unsigned int origin)
{
	switch (x->cfg.source) {
	case REPLAY_EXPSRC_BOTH:
		return true;
	case REPLAY_EXPSRC_IOMMU:
		return origin == EXPAND_FROM_IOMMU_MAP;
	case REPLAY_EXPSRC_DMA:
		return origin != EXPAND_FROM_IOMMU_MAP;
	default:
		return origin != EXPAND_FROM_IOMMU_MAP || !x->seen_dma_map;
	}
}

int expand__map(struct expand *x, uint64_t ts_ns, const struct expand_map *m)
{
	struct expansion e = {
	    .due_ns = ts_ns + x->cfg.delay_ns,
	    .start_ns = ts_ns + x->cfg.delay_ns,
	    .iova = m->iova,
	    .bytes = m->bytes,
	    .dev = m->dev,
	    .pasid = m->pasid,
	    .write = m->write,
	};
	int rc;

	if (m->origin == EXPAND_FROM_DMA_MAP)
		x->seen_dma_map = true;
	if (x->cfg.mode == REPLAY_EXPAND_OFF || !selected(x, m->origin))
		return 0;
	rc = push(x, e);
	if (rc)
		return rc;
	x->nr_maps++;
	return 1;
}

/* Touch the next page (or line) of the earliest expansion; reschedule the rest. */
static int step(struct expand *x, expand_access_fn fn, void *ctx)
{
	struct expansion *e = &x->exp[0];
	bool page = x->cfg.mode == REPLAY_EXPAND_PAGE;
	uint64_t unit = page ? x->cfg.page_bytes : x->cfg.line_bytes;
	uint64_t bytes = e->bytes ? e->bytes : 1;
	uint64_t a_start = e->iova + e->off;
	/* up to the next unit boundary (page mode: the rest of this page) */
	uint64_t a_end = page ? (a_start | (unit - 1)) + 1 : a_start + unit;
	struct expand_access a = {
	    .iova = a_start, .dev = e->dev, .pasid = e->pasid, .write = e->write};
	uint64_t due = e->due_ns;

	if (a_end > e->iova + bytes || a_end < a_start)
		a_end = e->iova + bytes;
	a.bytes = a_end - a_start;
	x->nr_accesses++;
	e->off += a.bytes;
	if (e->off >= bytes) {
		x->exp[0] = x->exp[--x->nr];
	} else {
		/* the device streams at bytes_per_us */
		e->due_ns = e->start_ns + e->off * 1000 / x->cfg.bytes_per_us;
	}
	if (x->nr)
		sift_down(x, 0);
	return fn(ctx, due, &a);
}

int expand__run(struct expand *x, uint64_t t_ns, expand_access_fn fn, void *ctx)
{
	while (x->nr && x->exp[0].due_ns <= t_ns) {
		int rc = step(x, fn, ctx);

		if (rc)
			return rc;
	}
	return 0;
}

uint64_t expand__nr_maps(const struct expand *x)
{
	return x->nr_maps;
}

uint64_t expand__nr_accesses(const struct expand *x)
{
	return x->nr_accesses;
}
