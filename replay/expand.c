// SPDX-License-Identifier: GPL-2.0
/*
 * expand.c - pending map expansions, stepped in time order (see expand.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lib/alloc.h"
#include "lib/heap.h"
#include "lib/u64map.h"
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
HEAP_ITEM_CHECK(struct expansion, due_ns, seq);

struct expand {
	struct expand_cfg cfg;	/* settings */
	struct heap exp;	/* of struct expansion (lib/heap), one step per page/line */
	bool seen_dma_map;	/* source=auto: a DMA-API map was offered */
	uint64_t nr_maps;	/* maps queued */
	uint64_t nr_accesses;	/* accesses emitted */
	uint64_t nr_cut;	/* accesses not made: their map was unmapped first */
	struct u64map dev_free; /* device index -> when its stream is free (ns) */
};

struct expand *expand__new(const struct expand_cfg *cfg)
{
	struct expand *x;

	if (cfg->mode == REPLAY_EXPAND_AUTO || cfg->mode > REPLAY_EXPAND_REQUEST ||
	    cfg->source > REPLAY_EXPSRC_BOTH || !cfg->bytes_per_us || !cfg->line_bytes ||
	    !cfg->page_bytes || (cfg->page_bytes & (cfg->page_bytes - 1)) ||
	    (cfg->mode == REPLAY_EXPAND_REQUEST &&
	     (!cfg->read_req_bytes || cfg->read_req_bytes > 4096 ||
	      (cfg->read_req_bytes & (cfg->read_req_bytes - 1)) || !cfg->write_req_bytes ||
	      cfg->write_req_bytes > 4096 ||
	      (cfg->write_req_bytes & (cfg->write_req_bytes - 1))))) {
		errno = EINVAL;
		return NULL;
	}
	x = svt_calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->cfg = *cfg;
	x->exp = HEAP_INIT(struct expansion);
	if (u64map_init(&x->dev_free)) {
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	return x;
}

void expand__free(struct expand *x)
{
	if (!x)
		return;
	heap__release(&x->exp);
	u64map_fini(&x->dev_free);
	free(x);
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

	uint64_t free_ns, bytes = m->bytes ? m->bytes : 1;

	if (m->origin == EXPAND_FROM_DMA_MAP)
		x->seen_dma_map = true;
	if (x->cfg.mode == REPLAY_EXPAND_OFF || !selected(x, m->origin))
		return 0;
	/* one stream per device: this map starts when the device has streamed the earlier ones */
	if (u64map_get(&x->dev_free, m->dev, &free_ns) && free_ns > e.start_ns)
		e.start_ns = e.due_ns = free_ns;
	if (u64map_put(&x->dev_free, m->dev, e.start_ns + bytes * 1000 / x->cfg.bytes_per_us) < 0)
		return -ENOMEM;
	rc = heap__push(&x->exp, &e);
	if (rc)
		return rc;
	x->nr_maps++;
	return 1;
}

/* Touch the next page (or line) of the earliest expansion; reschedule the rest. */
static int step(struct expand *x, expand_access_fn fn, void *ctx)
{
	struct expansion *e = heap__top(&x->exp, struct expansion);
	bool page = x->cfg.mode == REPLAY_EXPAND_PAGE, req = x->cfg.mode == REPLAY_EXPAND_REQUEST;
	uint64_t unit = page  ? x->cfg.page_bytes
			: req ? (e->write ? x->cfg.write_req_bytes : x->cfg.read_req_bytes)
			      : x->cfg.line_bytes;
	uint64_t bytes = e->bytes ? e->bytes : 1;
	uint64_t a_start = e->iova + e->off;
	/* up to the next unit boundary (page mode: the rest of this page) */
	uint64_t a_end = page || req ? (a_start | (unit - 1)) + 1 : a_start + unit;
	struct expand_access a = {
	    .iova = a_start, .dev = e->dev, .pasid = e->pasid, .write = e->write};
	uint64_t due = e->due_ns;

	if (a_end > e->iova + bytes || a_end < a_start)
		a_end = e->iova + bytes;
	a.bytes = a_end - a_start;
	x->nr_accesses++;
	e->off += a.bytes;
	if (e->off >= bytes) {
		heap__drop(&x->exp, struct expansion);
	} else {
		/* the device streams at bytes_per_us */
		e->due_ns = e->start_ns + e->off * 1000 / x->cfg.bytes_per_us;
		heap__fix_top(&x->exp, struct expansion);
	}
	return fn(ctx, due, &a);
}

int expand__run(struct expand *x, uint64_t t_ns, expand_access_fn fn, void *ctx)
{
	while (x->exp.nr && heap__top(&x->exp, struct expansion)->due_ns <= t_ns) {
		int rc = step(x, fn, ctx);

		if (rc)
			return rc;
	}
	return 0;
}

uint64_t expand__next_due_ns(const struct expand *x)
{
	return x->exp.nr ? heap__top(&x->exp, struct expansion)->due_ns : UINT64_MAX;
}

/* (time, seq) order: a sorted array is a valid heap */
static int cmp_due(const void *pa, const void *pb)
{
	const struct expansion *a = pa, *b = pb;

	if (a->due_ns != b->due_ns)
		return a->due_ns < b->due_ns ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int expand__unmap(struct expand *x, uint64_t iova, uint64_t bytes)
{
	uint64_t end = iova + (bytes ? bytes : 1), unit;
	bool page = x->cfg.mode == REPLAY_EXPAND_PAGE, req = x->cfg.mode == REPLAY_EXPAND_REQUEST;
	struct expansion *v = x->exp.v;
	size_t kept = 0;

	for (size_t i = 0; i < x->exp.nr; i++) {
		struct expansion *e = &v[i];
		uint64_t e_end = e->iova + (e->bytes ? e->bytes : 1);

		if (e_end <= iova || end <= e->iova) {
			v[kept++] = *e;
			continue;
		}
		/* the device is done with a buffer once it is unmapped: the rest is not touched */
		unit = page  ? x->cfg.page_bytes
		       : req ? (e->write ? x->cfg.write_req_bytes : x->cfg.read_req_bytes)
			     : x->cfg.line_bytes;
		x->nr_cut += (e_end - (e->iova + e->off) + unit - 1) / unit;
	}
	if (kept != x->exp.nr) {
		/* restore the heap order by sorting (cuts are rare next to steps) */
		x->exp.nr = kept;
		qsort(v, kept, sizeof(*v), cmp_due);
	}
	return 0;
}

uint64_t expand__nr_cut(const struct expand *x)
{
	return x->nr_cut;
}

uint64_t expand__nr_maps(const struct expand *x)
{
	return x->nr_maps;
}

uint64_t expand__nr_accesses(const struct expand *x)
{
	return x->nr_accesses;
}
