// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_faulting.c - `faulting`: shared virtual addressing instead of
 * pinning. Drops pin/unpin, IOMMU map/unmap, DMA-API map/unmap and the
 * invalidations of unmaps; the device's first touch of a page that is not
 * resident becomes a page request (ATS + PRI), per a seeded residency model.
 * With prq=trace the page requests are records in the stream, and the pages
 * one record touches form one page request group (PCIe PRG: the pages a
 * device needs together to make progress, answered by one response).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lib/prng.h"
#include "replay/scenario.h"
#include "trace/trace.h"

/* A page request waiting for the rest of its record's touches. */
struct pend {
	uint64_t addr;	 /* page address */
	uint32_t dev;	 /* device string id */
	uint32_t pasid;	 /* PASID or TRACE_NO_PASID */
	unsigned int rw; /* bit0 read, bit1 write */
};

/* The PASID a device's SVA touches use (learned from its records that carry one). */
struct dev_pasid {
	uint32_t dev;	/* device string id */
	uint32_t pasid; /* PASID */
};

/*
 * A touch without a PASID (a dropped map's, or a RID-only access) uses the
 * device's PASID: Linux rejects page requests without one (prq_event_thread:
 * "Page request without PASID"), so under SVA the device works in its
 * process's PASID. Before any record of the device shows it: the first
 * PASID Linux's SVA allocator hands out (1; iommu_sva_bind_device).
 */
#define SVA_FIRST_PASID 1

/*
 * One page the device touched: resident now or not. 16 bytes, at most half
 * of the table's slots used, plus 4 bytes in the resident array: 36 to 72
 * bytes a page (it was 24-byte slots and 8-byte positions, about 200 bytes
 * a page with the growth peaks: a 16 GiB map took 850 MB).
 */
struct page {
	uint64_t page;	   /* address >> 12 */
	uint32_t pasid_p1; /* PASID + 1 (0: empty slot); TRACE_NO_PASID wraps to 0, so +2 */
	uint32_t pos_p1;   /* 0: not resident; else 1 + its index in the resident array */
};

/*
 * Distinct pages tracked, by default: 16 GiB of 4 KiB pages, about 210 MB at
 * the peak of the last growth. The state is per page by nature (residency,
 * reclaim victims); a trace that touches more stops with a message naming
 * the cap (:max_pages raises it) rather than using memory without bound.
 */
#define FAULTING_MAX_PAGES (1ull << 22)
#define FAULTING_MAX_PAGES_LIMIT (1ull << 31) /* positions are 32-bit */

struct state {
	double resident_frac; /* P(a page is resident at its first device touch) */
	double reclaim_per_s; /* resident pages reclaimed per second */
	int map_touch;	      /* a dropped map becomes device touches of its pages */
	int prq_trace;	      /* emit PAGE_REQ records here (else the model's residency decides) */
	int prq_keep;	      /* the trace's own page requests are the faults */
	int prg_page;	      /* prq=trace: each request its own group (else one per record) */
	struct pend *pend;    /* faults of the record being touched, not yet emitted */
	size_t nr_pend, cap_pend;     /* used, allocated */
	uint64_t seed;		      /* residency hash key */
	struct prng rng;	      /* reclaim victims */
	struct page *tab;	      /* open-addressing table of touched pages */
	uint64_t cap;		      /* slots (power of two) */
	uint64_t nr;		      /* pages in the table */
	uint32_t *res;		      /* slots of resident pages (dense, for random victims) */
	uint64_t max_pages;	      /* cap on nr (:max_pages) */
	uint64_t nr_res;	      /* entries in res */
	uint64_t t0_ns;		      /* time of the first record */
	int have_t0;		      /* t0_ns valid */
	uint64_t nr_reclaimed;	      /* reclaims done so far */
	uint16_t grpid;		      /* next page request group index */
	struct dev_pasid *pasids;     /* per device: the PASID of its touches */
	size_t nr_pasids, cap_pasids; /* used, allocated */
	char kv[4][64];		      /* overrides */
};

static int init(void **state, const char *value, const struct scenario_arg *args, size_t nr_args,
		uint64_t seed)
{
	struct state *st = calloc(1, sizeof(*st));
	int rc = 0;

	if (!st)
		return -ENOMEM;
	st->map_touch = 1;
	st->max_pages = FAULTING_MAX_PAGES;
	for (size_t i = 0; i < nr_args && !rc; i++) {
		if (!strcmp(args[i].key, "resident"))
			rc = scenario_arg_real("faulting", &args[i], UNITS_REAL, 0, 1,
					       &st->resident_frac);
		else if (!strcmp(args[i].key, "reclaim"))
			rc = scenario_arg_real("faulting", &args[i], UNITS_RATE, 0, 1e12,
					       &st->reclaim_per_s);
		else if (!strcmp(args[i].key, "prq") &&
			 (!strcmp(args[i].value, "trace") || !strcmp(args[i].value, "model") ||
			  !strcmp(args[i].value, "keep"))) {
			st->prq_trace = !strcmp(args[i].value, "trace");
			st->prq_keep = !strcmp(args[i].value, "keep");
		} else if (!strcmp(args[i].key, "prg") &&
			   (!strcmp(args[i].value, "record") || !strcmp(args[i].value, "page")))
			st->prg_page = !strcmp(args[i].value, "page");
		else if (!strcmp(args[i].key, "max_pages"))
			rc = scenario_arg_u64("faulting", &args[i], &st->max_pages, UNITS_COUNT);
		else if (!strcmp(args[i].key, "map_touch") &&
			 (!strcmp(args[i].value, "on") || !strcmp(args[i].value, "off")))
			st->map_touch = !strcmp(args[i].value, "on");
		else
			rc = scenario_bad_arg("faulting", &args[i]);
	}
	if (!rc && (st->max_pages < 1 || st->max_pages > FAULTING_MAX_PAGES_LIMIT)) {
		scenario_err("scenario faulting: argument 'max_pages': %llu is not in 1..%llu",
			     (unsigned long long)st->max_pages,
			     (unsigned long long)FAULTING_MAX_PAGES_LIMIT);
		rc = -EINVAL;
	}
	if (!rc && st->reclaim_per_s > 0 && !st->prq_trace) {
		scenario_err("scenario faulting: argument 'reclaim' needs :prq=trace (the model "
			     "has no reclaim)");
		rc = -EINVAL;
	}
	if (!rc && st->prq_keep && st->resident_frac > 0) {
		scenario_err("scenario faulting: argument 'resident' has no effect with :prq=keep "
			     "(the trace's page requests are the faults)");
		rc = -EINVAL;
	}
	if (rc) {
		free(st);
		return rc;
	}
	st->seed = prng_derive(seed, PRNG_STREAM_FAULTING_RESIDENCY);
	prng_seed(&st->rng, prng_derive(seed, PRNG_STREAM_FAULTING_RECLAIM));
	snprintf(st->kv[0], sizeof(st->kv[0]), "%s=faulting", SCN_KEY_MODE);
	snprintf(st->kv[1], sizeof(st->kv[1]), "%s=on", SCN_KEY_ATS);
	/* SVA needs ATS and PRI: every device the scenario faults has them */
	snprintf(st->kv[3], sizeof(st->kv[3]), "%s=all", SCN_KEY_ATS_DEVICES);
	/* prq=trace|keep: the page requests are in the stream; every other page is resident */
	snprintf(st->kv[2], sizeof(st->kv[2]), "%s=%g", SCN_KEY_RESIDENT,
		 st->prq_trace || st->prq_keep ? 1.0 : st->resident_frac);
	*state = st;
	return 0;
}

static uint64_t key_hash(uint32_t pasid, uint64_t page)
{
	return prng_derive(page, pasid); /* a keyed hash of two words */
}

static int grow(struct state *st)
{
	uint64_t cap = st->cap ? st->cap * 2 : 1024;
	struct page *tab = calloc(cap, sizeof(*tab));
	uint32_t *res = realloc(st->res, cap / 2 * sizeof(*res));

	if (!tab || !res) {
		free(tab);
		if (res)
			st->res = res;
		return -ENOMEM;
	}
	st->res = res;
	for (uint64_t i = 0; i < st->cap; i++) {
		struct page *p = &st->tab[i];
		uint64_t j;

		if (!p->pasid_p1)
			continue;
		for (j = key_hash(p->pasid_p1, p->page) & (cap - 1); tab[j].pasid_p1;
		     j = (j + 1) & (cap - 1))
			;
		tab[j] = *p;
		if (p->pos_p1)
			st->res[p->pos_p1 - 1] = (uint32_t)j;
	}
	free(st->tab);
	st->tab = tab;
	st->cap = cap;
	return 0;
}

/* Residency at first touch: a hash of (seed, pasid, page), so it does not depend on order. */
static int first_touch_resident(const struct state *st, uint32_t pasid, uint64_t page)
{
	uint64_t h = prng_derive(st->seed, key_hash(pasid, page));

	return (double)(h >> 11) * 0x1.0p-53 < st->resident_frac;
}

/*
 * The mmu notifier's invalidation of one reclaimed page of @pasid (Linux
 * 6.1 intel_invalidate_range -> intel_flush_svm_range_dev): a
 * PASID-selective page IOTLB invalidation (qi_flush_piotlb, VT-d 6.5.2.4)
 * and a PASID-based device-TLB invalidation (qi_flush_dev_iotlb_pasid,
 * VT-d 6.5.2.6), each its own qi_submit_sync.
 */
static int sva_inval(const struct trace_rec *cause, uint32_t pasid, uint64_t addr,
		     const struct scenario_emit *next)
{
	struct trace_rec_qi_submit q;
	int rc;

	memset(&q, 0, sizeof(q));
	q.hdr = *cause;
	q.hdr.kind = TRACE_REC_QI_SUBMIT;
	q.hdr.size_bytes = sizeof(q);
	q.hdr.event_id = 0;
	q.hdr.flags = 0;
	/* PASID 51:32, granularity 3 (page-selective within PASID) 5:4, type 6; address, AM 0 */
	q.qw[0] = ((uint64_t)(pasid & 0xfffff) << 32) | (3u << 4) | TRACE_QI_P_IOTLB_INV;
	q.qw[1] = addr & ~0xfffull;
	trace_qi_decode(&q);
	if ((rc = next->emit(next, &q.hdr)))
		return rc;
	/* PASID 51:32, type 8; one page (S = 0) */
	q.qw[0] = ((uint64_t)(pasid & 0xfffff) << 32) | TRACE_QI_P_DEV_TLB_INV;
	q.qw[1] = addr & ~0xfffull;
	trace_qi_decode(&q);
	return next->emit(next, &q.hdr);
}

static int reclaim(struct state *st, const struct trace_rec *cause,
		   const struct scenario_emit *next)
{
	uint64_t due, now = cause->ts_ns;
	double d;
	int rc = 0;

	if (!st->have_t0) {
		st->t0_ns = now;
		st->have_t0 = 1;
	}
	if (st->reclaim_per_s <= 0 || now <= st->t0_ns)
		return 0;
	d = (double)(now - st->t0_ns) * st->reclaim_per_s / 1e9;
	due = d < 18446744073709549568.0 ? (uint64_t)d : UINT64_MAX; /* the cast of more is UB */
	while (!rc && st->nr_reclaimed < due) {
		if (!st->nr_res) { /* nothing resident: the reclaims still due find nothing (O(1))
				    */
			st->nr_reclaimed = due;
			break;
		}
		st->nr_reclaimed++;
		if (st->nr_res) {
			uint64_t k = prng_below(&st->rng, st->nr_res), slot = st->res[k];
			const struct page *p = &st->tab[slot];

			/* the last entry fills the hole; cleared after, in case it is the victim */
			st->res[k] = st->res[--st->nr_res];
			st->tab[st->res[k]].pos_p1 = (uint32_t)k + 1;
			st->tab[slot].pos_p1 = 0;
			/* pasid_p1 = PASID + 2 (TRACE_NO_PASID wraps to 1) */
			rc = sva_inval(cause, p->pasid_p1 - 2, p->page << 12, next);
		}
	}
	return rc;
}

/* Touch one page; emit a page request first if it is not resident. */
static int touch(struct state *st, const struct trace_rec *cause, uint32_t dev, uint32_t pasid,
		 uint64_t addr, unsigned int rw, const struct scenario_emit *next)
{
	uint32_t p1 = pasid + 2; /* TRACE_NO_PASID + 2 == 1: never the empty mark */
	uint64_t page = addr >> 12, j;
	struct page *p;
	int fault;

	/* at the cap the table is at most half full: a lookup still ends */
	if (st->nr * 2 >= st->cap && st->nr < st->max_pages && grow(st))
		return -ENOMEM;
	for (j = key_hash(p1, page) & (st->cap - 1); st->tab[j].pasid_p1;
	     j = (j + 1) & (st->cap - 1))
		if (st->tab[j].pasid_p1 == p1 && st->tab[j].page == page)
			break;
	p = &st->tab[j];
	if (!p->pasid_p1) {
		if (st->nr >= st->max_pages) {
			scenario_fail(
			    "scenario faulting: more than %llu distinct pages touched (the "
			    "cap :max_pages, 36 to 72 bytes each; the device's touches or "
			    "a map's pages reached page 0x%llx); raise the cap, up to %llu",
			    (unsigned long long)st->max_pages, (unsigned long long)(page << 12),
			    (unsigned long long)FAULTING_MAX_PAGES_LIMIT);
			return -E2BIG;
		}
		p->pasid_p1 = p1;
		p->page = page;
		st->nr++;
		fault = !first_touch_resident(st, pasid, page);
	} else {
		if (p->pos_p1)
			return 0;
		fault = 1; /* reclaimed since */
	}
	st->res[st->nr_res++] = (uint32_t)j;
	p->pos_p1 = (uint32_t)st->nr_res;
	if (fault && st->prq_trace) {
		if (st->nr_pend == st->cap_pend) {
			size_t cap = st->cap_pend ? 2 * st->cap_pend : 16;
			struct pend *n = realloc(st->pend, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			st->pend = n;
			st->cap_pend = cap;
		}
		st->pend[st->nr_pend++] =
		    (struct pend){.addr = addr, .dev = dev, .pasid = pasid, .rw = rw};
	}
	return 0;
}

/*
 * Emit the page requests of @cause's touches, just before @cause: one group
 * (last-in-group on the final request) or, with :prg=page, one group each.
 */
static int flush_pend(struct state *st, const struct trace_rec *cause,
		      const struct scenario_emit *next)
{
	struct trace_rec_page_req r;
	int rc = 0;

	for (size_t i = 0; i < st->nr_pend && !rc; i++) {
		const struct pend *q = &st->pend[i];
		int last = st->prg_page || i + 1 == st->nr_pend;

		scenario_page_req(&r, cause->ts_ns, q->dev, q->pasid, q->addr, q->rw, st->grpid);
		if (!last) {
			r.last = 0;
			r.dw[2] &= ~(1u << 2); /* LPIG: bit 2 of the second quad word */
		} else {
			st->grpid++;
		}
		r.hdr.cpu = cause->cpu;
		r.hdr.pid = cause->pid;
		r.hdr.comm_id = cause->comm_id;
		rc = next->emit(next, &r.hdr);
	}
	st->nr_pend = 0;
	return rc;
}

/* Remember @pasid as @dev's (first one wins: a device's SVA address space). */
static int pasid_learn(struct state *st, uint32_t dev, uint32_t pasid)
{
	if (pasid == TRACE_NO_PASID)
		return 0;
	for (size_t i = 0; i < st->nr_pasids; i++)
		if (st->pasids[i].dev == dev)
			return 0;
	if (st->nr_pasids == st->cap_pasids) {
		size_t cap = st->cap_pasids ? 2 * st->cap_pasids : 8;
		struct dev_pasid *n = realloc(st->pasids, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		st->pasids = n;
		st->cap_pasids = cap;
	}
	st->pasids[st->nr_pasids++] = (struct dev_pasid){.dev = dev, .pasid = pasid};
	return 0;
}

/* The PASID a touch by @dev carrying @pasid uses (see SVA_FIRST_PASID). */
static uint32_t pasid_of(const struct state *st, uint32_t dev, uint32_t pasid)
{
	if (pasid != TRACE_NO_PASID)
		return pasid;
	for (size_t i = 0; i < st->nr_pasids; i++)
		if (st->pasids[i].dev == dev)
			return st->pasids[i].pasid;
	return SVA_FIRST_PASID;
}

static int touch_range(struct state *st, const struct trace_rec *cause, uint32_t dev,
		       uint32_t pasid, uint64_t addr, uint64_t bytes, unsigned int rw,
		       const struct scenario_emit *next)
{
	int rc = 0;

	if (!bytes)
		bytes = 1;
	for (uint64_t a = addr & ~0xfffull; !rc && a < addr + bytes; a += 4096)
		rc = touch(st, cause, dev, pasid, a, rw, next);
	return rc;
}

/*
 * prq=trace, a map the replay will expand: the residency of each of its
 * pages is decided now (as a touch), and a page that is not resident gets
 * a page request marked TRACE_RF_AT_TOUCH (a group of its own) and, like
 * the map, without a PASID: the model faults it at the device's first
 * touch, in the device's SVA PASID.
 */
static int map_faults(struct state *st, const struct trace_rec *cause, uint32_t dev, uint64_t iova,
		      uint64_t bytes, unsigned int rw, const struct scenario_emit *next)
{
	uint32_t pasid = pasid_of(st, dev, TRACE_NO_PASID);
	struct trace_rec_page_req r;
	int rc = touch_range(st, cause, dev, pasid, iova, bytes, rw, next);

	for (size_t i = 0; i < st->nr_pend && !rc; i++) {
		const struct pend *q = &st->pend[i];

		/* no PASID, like the map: the model gives it the device's SVA PASID, as it
		 * does the map's accesses (and tenants=N moves both to the same copy) */
		scenario_page_req(&r, cause->ts_ns, q->dev, TRACE_NO_PASID, q->addr, q->rw,
				  st->grpid++);
		r.hdr.cpu = cause->cpu;
		r.hdr.pid = cause->pid;
		r.hdr.comm_id = cause->comm_id;
		r.hdr.flags = TRACE_RF_AT_TOUCH;
		rc = next->emit(next, &r.hdr);
	}
	st->nr_pend = 0;
	return rc;
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	struct state *st = state;
	int rc;

	if ((rc = reclaim(st, rec, next)))
		return rc;
	switch (rec->kind) {
	case TRACE_REC_IOMMU_UNMAP:
		/* prq=model: the unmap tells the replay the device is done with the buffer
		 * (its expansion stops there, as in every scenario); the model maps and
		 * unmaps nothing in faulting mode */
		if (!st->prq_keep && st->map_touch)
			return next->emit(next, rec);
		return st->prq_keep ? next->emit(next, rec) : 0;
	case TRACE_REC_PIN:
	case TRACE_REC_QI_WAIT:
	case TRACE_REC_PAGE_REQ: /* regenerated from the residency model, unless kept */
	case TRACE_REC_PAGE_RESP:
	case TRACE_REC_IO_PAGE_FAULT:
		return st->prq_keep ? next->emit(next, rec) : 0;
	case TRACE_REC_DMA: {
		uint16_t op = ((const struct trace_rec_dma *)rec)->op;

		/*
		 * prq=model: a map goes on to the replay, which expands it into the
		 * device's accesses with the same timing as in every scenario (the
		 * model maps nothing in faulting mode), and so do unmaps (they end it).
		 */
		if (!st->prq_keep && st->map_touch && op <= TRACE_DMA_UNMAP_SG) {
			const struct trace_rec_dma *d = (const void *)rec;

			if (st->prq_trace && (op == TRACE_DMA_MAP_PAGE || op == TRACE_DMA_MAP_SG) &&
			    (rc = map_faults(st, rec, d->device_id, d->dma_addr, d->size_bytes,
					     d->dir == 2 ? 2 : 1, next)))
				return rc;
			return next->emit(next, rec);
		}
		return op <= TRACE_DMA_UNMAP_SG ? 0 : next->emit(next, rec);
	}
	case TRACE_REC_QI_SUBMIT: {
		uint16_t t = ((const struct trace_rec_qi_submit *)rec)->type;

		if (t == TRACE_QI_IOTLB_INV || t == TRACE_QI_DEV_TLB_INV ||
		    t == TRACE_QI_P_IOTLB_INV || t == TRACE_QI_P_DEV_TLB_INV)
			return 0; /* invalidations of the unmaps that are gone */
		return next->emit(next, rec);
	}
	case TRACE_REC_IOMMU_MAP: {
		const struct trace_rec_iommu_map *m = (const void *)rec;

		if (!st->map_touch)
			return 0;
		/*
		 * Expanded by the replay (see TRACE_REC_DMA). prq=trace decides here
		 * which of its pages are not resident; their page requests go out
		 * marked at-touch: the device faults when its expansion first
		 * touches the page, not at map time.
		 */
		if (st->prq_trace && (rc = map_faults(st, rec, m->device_id, m->iova, m->size_bytes,
						      (m->prot & 2) ? 2 : 1, next)))
			return rc;
		return next->emit(next, rec);
	}
	case TRACE_REC_DEV_ACCESS: {
		const struct trace_rec_dev_access *a = (const void *)rec;
		struct trace_rec_dev_access c;

		if ((rc = pasid_learn(st, a->device_id, a->pasid)))
			return rc;
		c = *a;
		c.pasid = pasid_of(st, a->device_id, a->pasid);
		rc = touch_range(st, rec, c.device_id, c.pasid, c.iova, c.size_bytes,
				 c.dir == TRACE_DIR_WRITE ? 2 : 1, next);
		if (!rc)
			rc = flush_pend(st, rec, next);
		return rc ? rc : next->emit(next, &c.hdr);
	}
	case TRACE_REC_WQ_SUBMIT: {
		const struct trace_rec_wq_submit *w = (const void *)rec;

		if ((rc = pasid_learn(st, w->device_id, w->pasid)))
			return rc;
		if (w->opcode != 0x01 &&
		    w->xfer_bytes) { /* a batch's own range is its descriptor list */
			rc = touch_range(st, rec, w->device_id, w->pasid, w->src, w->xfer_bytes, 1,
					 next);
			if (!rc && w->dst)
				rc = touch_range(st, rec, w->device_id, w->pasid, w->dst,
						 w->xfer_bytes, 2, next);
			if (!rc)
				rc = flush_pend(st, rec, next);
			if (rc)
				return rc;
		}
		return next->emit(next, rec);
	}
	default:
		return next->emit(next, rec);
	}
}

static size_t overrides(const void *state, const char **kv)
{
	const struct state *st = state;

	kv[0] = st->kv[0];
	kv[1] = st->kv[1];
	kv[2] = st->kv[2];
	kv[3] = st->kv[3];
	return 4;
}

static void fr(void *state)
{
	struct state *st = state;

	if (!st)
		return;
	free(st->tab);
	free(st->res);
	free(st->pend);
	free(st->pasids);
	free(st);
}

const struct scenario_ops scenario_faulting = {
    .name = "faulting",
    .summary = "SVA: no pinning or mapping; first touches of non-resident pages fault (ATS + PRI)",
    .help = "Drops pin/unpin, IOMMU map/unmap, DMA-API map/unmap/map_sg/unmap_sg, IOTLB\n"
	    "and device-TLB invalidations and invalidation waits, and (unless :prq=keep) the\n"
	    "trace's own page requests, responses and I/O page faults (they are\n"
	    "regenerated). Device touches are DEV_ACCESS records, the source and\n"
	    "destination ranges of work-queue descriptors, and (with :map_touch=on,\n"
	    "default) the maps: they go on to the replay, which expands them into the\n"
	    "device's accesses (replay.expand*) with the same timing as in every other\n"
	    "scenario, while the model maps nothing in faulting mode (with :prq=trace the\n"
	    "residency of a map's pages is decided at the map, and each page that is not\n"
	    "resident gets a page request the model sends at the expansion's first touch\n"
	    "of it). A touch without a PASID (a map's, a RID-only access)\n"
	    "uses the device's PASID (the first one its records carry, else 1): Linux\n"
	    "rejects page requests without a PASID. Residency model: a page is resident at its "
	    "first device\n"
	    "touch with probability :resident=F (0), decided by a hash of (seed, PASID,\n"
	    "page) so it is independent of order; :reclaim=R (0) resident pages per second\n"
	    "are reclaimed at random (seeded) and fault again on their next touch; each\n"
	    "reclaim is the mmu notifier's PASID-selective IOTLB and device-TLB\n"
	    "invalidation of the page (two QI_SUBMIT records, two waits). A touch\n"
	    "of a non-resident page makes it resident. The scenario tracks at most\n"
	    ":max_pages=N (4194304: 16 GiB of 4 KiB pages, up to 72 bytes each) distinct\n"
	    "pages; a trace that touches more stops with a message naming the cap.\n"
	    "Where faults are decided (:prq=):\n"
	    "  model (default)  no page requests in the stream; the resident fraction goes\n"
	    "                   to the model (" SCN_KEY_RESIDENT "), whose own residency\n"
	    "                   model faults first touches.\n"
	    "  trace            the non-resident pages one record touches become PAGE_REQ\n"
	    "                   records just before it, one page request group per record\n"
	    "                   (last-in-group on the final one; :prg=page: a group each);\n"
	    "                   a map's become page requests marked at-touch, a group each,\n"
	    "                   that fault at the device's first touch of the page.\n"
	    "                   The model takes them through its PRI path (one response per\n"
	    "                   group; pri.requests = PAGE_REQ records unless the PRQ\n"
	    "                   overflows) and does not translate the touch that faulted\n"
	    "                   twice. Sets\n"
	    "                   " SCN_KEY_RESIDENT "=1 so the model does not fault other\n"
	    "                   pages. Needed for :reclaim. With :resident=0 and\n"
	    "                   :prg=page it gives the same model results as prq=model.\n"
	    "  keep             the trace's own page requests (e.g. intel_iommu:prq_report\n"
	    "                   of an SVA workload) pass through and are the only faults;\n"
	    "                   none are generated; " SCN_KEY_RESIDENT "=1.\n"
	    "Sets " SCN_KEY_MODE "=faulting, " SCN_KEY_ATS "=on and " SCN_KEY_ATS_DEVICES "=all.",
    .init = init,
    .push = push,
    .overrides = overrides,
    .free = fr,
};
