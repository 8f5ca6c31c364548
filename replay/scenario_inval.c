// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_inval.c - `inval=strict|lazy`: IOTLB invalidation per unmap
 * (strict, iommu.strict=1) or batched in Linux's flush queue (lazy).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lib/u64map.h"
#include "replay/iova_reloc.h"
#include "replay/scenario.h"

#define NR_FQ 256 /* per-CPU flush queues; CPUs beyond share by cpu % NR_FQ */

struct fq {
	uint64_t nr;	   /* unmaps waiting for a flush */
	uint64_t first_ns; /* time of the oldest */
};

#define CM_MAPS 64	 /* recent maps per CPU a caching-mode flush may follow (scatterlists) */
#define EARLY_UNMAPS 256 /* strict: unmaps before the trace showed it has ATS devices */

/* Per CPU: maps not yet followed by their caching-mode flush. */
struct recent {
	uint32_t nr; /* used */
	struct {
		uint64_t iova, bytes; /* the map */
	} v[CM_MAPS];
};

/* An unmapped range waiting in a flush queue: its IOVAs are not handed out again. */
struct held {
	uint64_t iova, bytes; /* the range (after relocation) */
};

struct state {
	int lazy;		  /* 1 lazy, 0 strict */
	struct u64map quar;	  /* lazy: page -> 1 while its unmap waits for a flush */
	struct iova_reloc *reloc; /* lazy: maps moved off held IOVAs (replay/iova_reloc.h) */
	struct held *held[NR_FQ]; /* lazy: per queue, the ranges its flush releases */
	uint32_t nr_held[NR_FQ], cap_held[NR_FQ]; /* used, allocated */
	int map_kind;	     /* which records carry the IOMMU side: 0 unknown, iommu map or DMA */
	uint64_t fq_size;    /* lazy: entries per queue before a flush */
	uint64_t timeout_ns; /* lazy: flush the queue this long after its first entry */
	uint32_t did;	     /* last domain id seen in an invalidation */
	uint32_t iommu_id;   /* last IOMMU unit seen */
	uint16_t sid;	     /* last requester id seen in a device-TLB invalidation */
	int ats_seen;	     /* the trace invalidates device TLBs */
	struct held early[EARLY_UNMAPS]; /* strict: unmaps re-issued before ats_seen */
	uint32_t nr_early;		 /* used */
	struct fq fq[NR_FQ];		 /* lazy: per-CPU flush queues */
	struct recent recent[NR_FQ];	 /* per CPU: maps a caching-mode flush may follow */
	char kv[64];			 /* the override */
};

static void fr(void *state)
{
	struct state *st = state;

	if (!st)
		return;
	u64map_fini(&st->quar);
	iova_reloc__free(st->reloc);
	for (size_t i = 0; i < NR_FQ; i++)
		free(st->held[i]);
	free(st);
}

static int init(void **state, const char *value, const struct scenario_arg *args, size_t nr_args,
		uint64_t seed)
{
	struct state *st;
	int lazy, rc = 0;

	if (!strcmp(value, "lazy"))
		lazy = 1;
	else if (!strcmp(value, "strict"))
		lazy = 0;
	else {
		scenario_err("scenario inval: '%s' is not strict or lazy", value);
		return -EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->lazy = lazy;
	st->reloc = iova_reloc__new();
	if (!st->reloc || u64map_init(&st->quar)) {
		iova_reloc__free(st->reloc);
		free(st);
		return -ENOMEM;
	}
	st->fq_size = 256;	   /* IOVA_FQ_SIZE, drivers/iommu/dma-iommu.c */
	st->timeout_ns = 10000000; /* IOVA_FQ_TIMEOUT 10 ms, same file */
	for (size_t i = 0; i < nr_args && !rc; i++) {
		if (lazy && !strcmp(args[i].key, "fq_size"))
			rc = scenario_arg_u64("inval", &args[i], &st->fq_size, UNITS_ENTRIES);
		else if (lazy && !strcmp(args[i].key, "timeout"))
			rc = scenario_arg_u64("inval", &args[i], &st->timeout_ns, UNITS_NS);
		else
			rc = scenario_bad_arg("inval", &args[i]);
	}
	if (!rc && (!st->fq_size || !st->timeout_ns)) {
		scenario_err("scenario inval: fq_size and timeout must be > 0");
		rc = -EINVAL;
	}
	if (rc) {
		fr(st);
		return rc;
	}
	snprintf(st->kv, sizeof(st->kv), "%s=%s", SCN_KEY_INVAL, value);
	*state = st;
	return 0;
}

/* A flush-queue flush: flush_iotlb_all, i.e. a domain-selective IOTLB invalidation (+ATC). */
static int flush(struct state *st, struct fq *q, uint64_t ts, const struct scenario_emit *next)
{
	struct trace_rec_qi_submit d;
	size_t qi = (size_t)(q - st->fq);
	int rc;

	q->nr = 0;
	/* the flush frees the queued IOVAs for reuse (Linux fq_ring_free -> free_iova_fast) */
	for (uint32_t i = 0; i < st->nr_held[qi]; i++)
		for (uint64_t a = st->held[qi][i].iova;
		     a < st->held[qi][i].iova + st->held[qi][i].bytes; a += 4096)
			u64map_del(&st->quar, a >> 12);
	st->nr_held[qi] = 0;
	scenario_qi_iotlb(&d, ts, st->iommu_id, st->did, 2, 0, 0);
	rc = next->emit(next, &d.hdr);
	if (!rc && st->ats_seen) {
		/* whole-ATC invalidation: size bit with all address bits set below 63 */
		scenario_qi_dev_tlb(&d, ts, st->iommu_id, st->sid, 0, 51);
		rc = next->emit(next, &d.hdr);
	}
	return rc;
}

/* Flush every queue whose timeout passed by @now, earliest deadline first (time order out). */
static int expire(struct state *st, uint64_t now, const struct scenario_emit *next)
{
	for (;;) {
		struct fq *due = NULL;
		int rc;

		for (size_t i = 0; i < NR_FQ; i++) {
			struct fq *q = &st->fq[i];

			if (q->nr && q->first_ns + st->timeout_ns <= now &&
			    (!due || q->first_ns < due->first_ns))
				due = q;
		}
		if (!due)
			return 0;
		rc = flush(st, due, due->first_ns + st->timeout_ns, next);
		if (rc)
			return rc;
	}
}

/*
 * Caching mode (VT-d CAP.CM=1, a vIOMMU): the kernel flushes the IOTLB
 * page-selectively right after a map (Linux __mapping_notify_one). Those
 * flushes belong to maps, not unmaps: strict and lazy both keep them (the
 * model drops them with iommu.caching_mode=off). A flush on a CPU that
 * overlaps a map that CPU made since its last unmap of it is one.
 */
static void recent_map(struct recent *r, uint64_t iova, uint64_t bytes)
{
	if (r->nr == CM_MAPS)
		memmove(&r->v[0], &r->v[1], (CM_MAPS - 1) * sizeof(r->v[0]));
	else
		r->nr++;
	r->v[r->nr - 1].iova = iova;
	r->v[r->nr - 1].bytes = bytes ? bytes : 1;
}

/* Drop (@all: an unmap) or consume one of (a flush) the recent maps overlapping [@addr, +@bytes).
 */
static int recent_take(struct recent *r, uint64_t addr, uint64_t bytes, int all)
{
	uint32_t j = 0;
	int found = 0;

	for (uint32_t i = 0; i < r->nr; i++) {
		int hit = !(r->v[i].iova + r->v[i].bytes <= addr || addr + bytes <= r->v[i].iova);

		if (hit && (all || !found)) {
			found = 1;
			continue;
		}
		r->v[j++] = r->v[i];
	}
	r->nr = j;
	return found;
}

/* Is @q a page-selective IOTLB flush of a map its CPU just made? */
static int cm_flush(struct state *st, const struct trace_rec_qi_submit *q)
{
	uint64_t range = 4096ull << (q->addr_mask < 52 ? q->addr_mask : 52);

	if ((q->type != TRACE_QI_IOTLB_INV && q->type != TRACE_QI_P_IOTLB_INV) ||
	    q->granularity != 3)
		return 0;
	return recent_take(&st->recent[q->hdr.cpu % NR_FQ], q->addr & ~(range - 1), range, 0);
}

/*
 * Lazy: Linux frees an unmapped IOVA only when its flush queue is flushed,
 * so a map never reuses an IOVA whose unmap still waits for a flush. The
 * trace was recorded under another policy and reuses them at once (2600 of
 * the bundled trace's 4036 maps); such a map is moved to a fresh range
 * (replay/iova_reloc.h: the same moves as --set inval.mode=lazy), and its
 * accesses and unmap follow it.
 * Only the records that carry the IOMMU side are moved (iommu:map if the
 * trace has them, else DMA-API maps).
 */
static uint64_t pages_of(uint64_t iova, uint64_t bytes)
{
	return ((iova & 0xfff) + (bytes ? bytes : 1) + 0xfff) >> 12;
}

/* The address @iova has after relocation (itself if its page was not moved). */
static uint64_t moved(struct state *st, uint64_t iova)
{
	return iova_reloc__moved(st->reloc, iova);
}

static bool quar_held(void *ctx, uint64_t page)
{
	return u64map_get(&((struct state *)ctx)->quar, page, NULL);
}

/* A map of [@iova, +@bytes): its address, moved if a page of it waits for a flush. */
static int lazy_map(struct state *st, uint64_t *iova, uint64_t bytes)
{
	int rc = iova_reloc__map(st->reloc, iova, bytes, quar_held, st);

	return rc < 0 ? rc : 0;
}

/* An unmap of [@iova, +@bytes) (already moved) waits in queue @qi: its pages are held. */
static int lazy_unmap(struct state *st, size_t qi, uint64_t iova, uint64_t bytes)
{
	uint64_t n = pages_of(iova, bytes);

	if (st->nr_held[qi] == st->cap_held[qi]) {
		uint32_t cap = st->cap_held[qi] ? 2 * st->cap_held[qi] : 64;
		struct held *h = realloc(st->held[qi], cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		st->held[qi] = h;
		st->cap_held[qi] = cap;
	}
	st->held[qi][st->nr_held[qi]++] = (struct held){.iova = iova & ~0xfffull, .bytes = n << 12};
	for (uint64_t i = 0; i < n; i++)
		if (u64map_put(&st->quar, (iova >> 12) + i, 1) < 0)
			return -ENOMEM;
	return 0;
}

static bool dma_is_map(uint16_t op)
{
	return op == TRACE_DMA_MAP_PAGE || op == TRACE_DMA_MAP_SG || op == TRACE_DMA_MAP_RESOURCE ||
	       op == TRACE_DMA_ALLOC;
}

static bool dma_is_unmap(uint16_t op)
{
	return op == TRACE_DMA_UNMAP_PAGE || op == TRACE_DMA_UNMAP_SG ||
	       op == TRACE_DMA_UNMAP_RESOURCE || op == TRACE_DMA_FREE;
}

/* Lazy: move maps off IOVAs still held, and what refers to them; then push on. */
static int lazy_rewrite(struct state *st, const struct trace_rec *rec,
			const struct scenario_emit *next)
{
	int rc = 0;

	switch (rec->kind) {
	case TRACE_REC_IOMMU_MAP: {
		struct trace_rec_iommu_map m = *(const struct trace_rec_iommu_map *)rec;

		st->map_kind = TRACE_REC_IOMMU_MAP;
		if ((rc = lazy_map(st, &m.iova, m.size_bytes)))
			return rc;
		return next->emit(next, &m.hdr);
	}
	case TRACE_REC_IOMMU_UNMAP: {
		struct trace_rec_iommu_unmap u = *(const struct trace_rec_iommu_unmap *)rec;

		u.iova = moved(st, u.iova);
		if ((rc = lazy_unmap(st, rec->cpu % NR_FQ, u.iova,
				     u.unmapped_bytes ? u.unmapped_bytes : u.size_bytes)))
			return rc;
		return next->emit(next, &u.hdr);
	}
	case TRACE_REC_DMA: {
		struct trace_rec_dma d = *(const struct trace_rec_dma *)rec;

		if (st->map_kind == TRACE_REC_IOMMU_MAP) {
			d.dma_addr = moved(st, d.dma_addr); /* follows the iommu side */
		} else if (dma_is_map(d.op)) {
			st->map_kind = TRACE_REC_DMA;
			rc = lazy_map(st, &d.dma_addr, d.size_bytes);
		} else if (dma_is_unmap(d.op)) {
			d.dma_addr = moved(st, d.dma_addr);
			rc = lazy_unmap(st, rec->cpu % NR_FQ, d.dma_addr, d.size_bytes);
		} else {
			d.dma_addr = moved(st, d.dma_addr);
		}
		return rc ? rc : next->emit(next, &d.hdr);
	}
	case TRACE_REC_DEV_ACCESS: {
		struct trace_rec_dev_access a = *(const struct trace_rec_dev_access *)rec;

		a.iova = moved(st, a.iova);
		return next->emit(next, &a.hdr);
	}
	default:
		return next->emit(next, rec);
	}
}

/*
 * Strict: the trace's first device-TLB invalidation shows it has ATS
 * devices; the unmaps already re-issued without one get theirs now (the
 * trace's own first one came just as late), so no ATC keeps them.
 */
static int strict_catch_up(struct state *st, const struct trace_rec *rec,
			   const struct scenario_emit *next)
{
	struct trace_rec_qi_submit d;
	int rc = 0;

	for (uint32_t i = 0; i < st->nr_early && !st->lazy && !rc; i++) {
		scenario_qi_dev_tlb(&d, rec->ts_ns, st->iommu_id, st->sid, st->early[i].iova,
				    scenario_log2_pages(st->early[i].bytes));
		d.hdr.cpu = rec->cpu;
		rc = next->emit(next, &d.hdr);
	}
	st->nr_early = 0;
	return rc;
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	struct state *st = state;
	int rc;

	/* flushes due by now go out first, whatever the record (time order out) */
	if (st->lazy && (rc = expire(st, rec->ts_ns, next)))
		return rc;
	if (rec->kind == TRACE_REC_IOMMU_MAP) {
		const struct trace_rec_iommu_map *m = (const void *)rec;

		recent_map(&st->recent[rec->cpu % NR_FQ], m->iova, m->size_bytes);
	} else if (rec->kind == TRACE_REC_IOMMU_UNMAP) {
		const struct trace_rec_iommu_unmap *u = (const void *)rec;

		recent_take(&st->recent[rec->cpu % NR_FQ], u->iova,
			    u->size_bytes ? u->size_bytes : 1, 1);
	}
	if (rec->kind == TRACE_REC_QI_SUBMIT) {
		const struct trace_rec_qi_submit *q = (const void *)rec;

		if (cm_flush(st, q)) {
			/* a caching-mode flush after a map: kept (at the map's address if it moved)
			 */
			struct trace_rec_qi_submit d = *q;
			uint64_t a = moved(st, q->addr);

			if (a != q->addr) {
				scenario_qi_iotlb(&d, rec->ts_ns, q->iommu_id, q->domain_id, 3, a,
						  q->addr_mask);
				d.hdr = q->hdr;
			}
			return next->emit(next, &d.hdr);
		}
		if (q->type == TRACE_QI_IOTLB_INV || q->type == TRACE_QI_P_IOTLB_INV) {
			st->did = q->domain_id;
			st->iommu_id = q->iommu_id;
			/* the per-unmap (page-selective) ones are what this transform replaces */
			if (q->type == TRACE_QI_P_IOTLB_INV || q->granularity == 3)
				return 0;
			if (!st->lazy)
				return 0; /* strict: a flush-queue flush has no place */
		}
		if (q->type == TRACE_QI_DEV_TLB_INV || q->type == TRACE_QI_P_DEV_TLB_INV) {
			st->sid = (uint16_t)q->sid;
			if (!st->ats_seen) {
				st->ats_seen = 1;
				return strict_catch_up(st, rec, next);
			}
			return 0;
		}
		return next->emit(next, rec);
	}
	if (rec->kind == TRACE_REC_QI_WAIT)
		return 0; /* wait times belong to the invalidations this transform replaced */
	rc = st->lazy ? lazy_rewrite(st, rec, next) : next->emit(next, rec);
	if (rc || rec->kind != TRACE_REC_IOMMU_UNMAP)
		return rc;
	if (st->lazy) {
		struct fq *q = &st->fq[rec->cpu % NR_FQ];

		if (!q->nr++)
			q->first_ns = rec->ts_ns;
		return q->nr >= st->fq_size ? flush(st, q, rec->ts_ns, next) : 0;
	} else {
		const struct trace_rec_iommu_unmap *u = (const void *)rec;
		uint64_t bytes = u->unmapped_bytes ? u->unmapped_bytes : u->size_bytes;
		unsigned int am = scenario_log2_pages(bytes);
		struct trace_rec_qi_submit d;

		scenario_qi_iotlb(&d, rec->ts_ns, st->iommu_id, st->did, 3, u->iova, am);
		rc = next->emit(next, &d.hdr);
		if (!st->ats_seen && st->nr_early < EARLY_UNMAPS)
			st->early[st->nr_early++] = (struct held){.iova = u->iova, .bytes = bytes};
		if (!rc && st->ats_seen) {
			scenario_qi_dev_tlb(&d, rec->ts_ns, st->iommu_id, st->sid, u->iova, am);
			rc = next->emit(next, &d.hdr);
		}
		return rc;
	}
}

static int finish(void *state, const struct scenario_emit *next)
{
	struct state *st = state;

	return st->lazy ? expire(st, UINT64_MAX, next) : 0;
}

static size_t overrides(const void *state, const char **kv)
{
	kv[0] = ((const struct state *)state)->kv;
	return 1;
}

const struct scenario_ops scenario_inval = {
    .name = "inval",
    .value = "strict|lazy",
    .summary = "IOTLB invalidation per unmap (strict) or batched in a flush queue (lazy)",
    .help = "Both drop the trace's page-selective IOTLB and device-TLB invalidations and\n"
	    "its invalidation waits, then re-issue them their way; page-selective IOTLB\n"
	    "flushes of a map the same CPU just made (caching mode, a vIOMMU) are kept. strict: "
	    "one page-\n"
	    "selective IOTLB invalidation right after every unmap (plus a device-TLB one\n"
	    "if the trace had any), and domain-selective flushes are dropped. lazy:\n"
	    "Linux's flush queue: unmaps queue per CPU; a queue is flushed with one\n"
	    "domain-selective invalidation (plus a whole-ATC one) when it holds :fq_size=N\n"
	    "(256) entries or :timeout=T (10ms) after its first entry (IOVA_FQ_SIZE and\n"
	    "IOVA_FQ_TIMEOUT in drivers/iommu/dma-iommu.c). Domain and IOMMU ids are the\n"
	    "last seen in the trace. Sets " SCN_KEY_INVAL ".",
    .init = init,
    .push = push,
    .finish = finish,
    .overrides = overrides,
    .free = fr,
};
