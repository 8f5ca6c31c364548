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

#define NR_FQ 256	    /* per-CPU rings (and state); CPUs beyond share by cpu % NR_FQ */
#define PEND_UNMAPS 8	    /* per CPU: lazy unmaps whose domain no flush has named yet */
#define PEND_WAIT_NS 100000 /* ... after this long, the last domain seen is theirs */

#define CM_MAPS 64	 /* recent maps per CPU a caching-mode flush may follow (scatterlists) */
#define SINCE_KEPT 1	 /* an invalidation went on */
#define SINCE_DROPPED 2	 /* an invalidation was dropped (this transform re-issues it) */
#define EARLY_UNMAPS 256 /* strict: unmaps before the trace showed it has ATS devices */

/* Per CPU: maps not yet followed by their caching-mode flush. */
struct recent_map {
	uint64_t iova, bytes; /* the map (what no flush covered yet) */
};

struct recent {
	uint32_t nr;		      /* used */
	struct recent_map v[CM_MAPS]; /* oldest first */
};

/* An unmapped range waiting in a flush queue: its IOVAs are not handed out again. */
struct held {
	uint64_t iova, bytes; /* the range (after relocation) */
};

/* One CPU's ring of a domain's flush queue (Linux struct iova_fq). */
struct ring {
	struct held *v;	  /* entries */
	uint32_t nr, cap; /* used, allocated */
};

/*
 * One domain's flush queue (Linux 6.1 dma-iommu.c: the cookie's per-CPU
 * rings of IOVA_FQ_SIZE and one fq_timer).
 */
struct dom_fq {
	uint32_t did;		 /* domain id */
	uint32_t iommu_id;	 /* its IOMMU unit */
	uint16_t sid;		 /* requester id of its ATS device */
	bool ats;		 /* a device-TLB invalidation followed one of its IOTLB flushes */
	bool timer_on;		 /* fq_timer armed */
	uint64_t timer_ns;	 /* when it fires */
	struct ring ring[NR_FQ]; /* per CPU */
};

/* An unmap (after relocation) waiting for the trace's flush to name its domain. */
struct pend {
	uint64_t orig;	/* its IOVA in the trace (what the trace's flush names) */
	uint64_t iova;	/* its IOVA after relocation */
	uint64_t bytes; /* length */
	uint64_t ts_ns; /* when it was unmapped */
};

/* Per CPU: unmaps not yet in a domain's queue, and the domain of its last IOTLB flush. */
struct cpu_st {
	struct pend v[PEND_UNMAPS]; /* oldest first */
	uint32_t nr;		    /* used */
	uint32_t last_did;	    /* DID of its last IOTLB invalidation (0 before any) */
};

struct state {
	int lazy;		  /* 1 lazy, 0 strict */
	struct u64map quar;	  /* lazy: page -> 1 while its unmap waits for a flush */
	struct iova_reloc *reloc; /* lazy: maps moved off held IOVAs (replay/iova_reloc.h) */
	struct dom_fq **doms;	  /* lazy: per-domain flush queues */
	uint32_t nr_doms;	  /* used */
	struct cpu_st cpu[NR_FQ]; /* lazy: per CPU */
	int map_kind;	     /* which records carry the IOMMU side: 0 unknown, iommu map or DMA */
	uint64_t fq_size;    /* lazy: entries per queue before a flush */
	uint64_t timeout_ns; /* lazy: flush the queue this long after its first entry */
	uint32_t did;	     /* last domain id seen in an invalidation */
	uint32_t iommu_id;   /* last IOMMU unit seen */
	uint16_t sid;	     /* last requester id seen in a device-TLB invalidation */
	int ats_seen;	     /* the trace invalidates device TLBs */
	uint64_t last_ns;    /* latest record time seen (what goes out is never earlier) */
	struct held early[EARLY_UNMAPS]; /* strict: unmaps re-issued before ats_seen */
	uint32_t nr_early;		 /* used */
	struct recent recent[NR_FQ];	 /* per CPU: maps a caching-mode flush may follow */
	int waits_seen;			 /* the trace shows its waits (AMD-Vi COMPLETION_WAIT) */
	uint8_t since[NR_FQ];		 /* per CPU since its last traced wait: SINCE_* */
	char kv[64];			 /* the override */
};

static uint64_t pages_of(uint64_t iova, uint64_t bytes)
{
	return ((iova & 0xfff) + (bytes ? bytes : 1) + 0xfff) >> 12;
}

static void fr(void *state)
{
	struct state *st = state;

	if (!st)
		return;
	u64map_fini(&st->quar);
	iova_reloc__free(st->reloc);
	for (uint32_t d = 0; d < st->nr_doms; d++) {
		for (size_t i = 0; i < NR_FQ; i++)
			free(st->doms[d]->ring[i].v);
		free(st->doms[d]);
	}
	free(st->doms);
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

/* Release @r's ranges (Linux fq_ring_free: their IOVAs may be handed out again). */
static void ring_free(struct state *st, struct ring *r)
{
	for (uint32_t i = 0; i < r->nr; i++)
		for (uint64_t a = r->v[i].iova; a < r->v[i].iova + r->v[i].bytes; a += 4096)
			u64map_del(&st->quar, a >> 12);
	r->nr = 0;
}

/*
 * A trace that shows its waits (AMD-Vi: COMPLETION_WAIT after the commands
 * of one flush, Linux domain_flush_complete) has them re-issued with the
 * flushes: one after each flush this transform makes, on the CPU of that
 * flush. Traces without (VT-d: the wait is inside qi_submit_sync) get none.
 */
static int emit_wait(struct state *st, const struct trace_rec_qi_submit *after,
		     const struct scenario_emit *next)
{
	struct trace_rec_qi_submit w;

	if (!st->waits_seen)
		return 0;
	memset(&w, 0, sizeof(w));
	w.hdr = after->hdr;
	w.type = TRACE_QI_INV_WAIT;
	w.iommu_id = after->iommu_id;
	w.pasid = TRACE_NO_PASID;
	return next->emit(next, &w.hdr);
}

/*
 * A traced wait on @cpu: dropped when every invalidation it waited for was
 * dropped (this transform re-issues those with their own wait), else kept.
 */
static int traced_wait(struct state *st, const struct trace_rec *rec,
		       const struct scenario_emit *next)
{
	uint8_t *since = &st->since[rec->cpu % NR_FQ];
	bool drop = *since == SINCE_DROPPED;

	st->waits_seen = 1;
	*since = 0;
	return drop ? 0 : next->emit(next, rec);
}

/* fq_flush_iotlb(): the domain's IOTLB (flush_iotlb_all: domain-selective) and its ATS device's
 * ATC. */
static int flush(struct state *st, struct dom_fq *q, uint64_t ts, const struct scenario_emit *next)
{
	struct trace_rec_qi_submit d;
	int rc;

	scenario_qi_iotlb(&d, ts, q->iommu_id, q->did, 2, 0, 0);
	rc = next->emit(next, &d.hdr);
	if (!rc && q->ats) {
		/* whole-ATC invalidation: size bit with all address bits set below 63 */
		scenario_qi_dev_tlb(&d, ts, q->iommu_id, q->sid, 0, 51);
		rc = next->emit(next, &d.hdr);
	}
	return rc ? rc : emit_wait(st, &d, next);
}

/* fq_flush_timeout(): flush every domain whose timer passed by @now, earliest first. */
static int expire(struct state *st, uint64_t now, const struct scenario_emit *next)
{
	for (;;) {
		struct dom_fq *due = NULL;
		int rc;

		for (uint32_t i = 0; i < st->nr_doms; i++) {
			struct dom_fq *q = st->doms[i];

			if (q->timer_on && q->timer_ns <= now &&
			    (!due || q->timer_ns < due->timer_ns))
				due = q;
		}
		if (!due)
			return 0;
		due->timer_on = false;
		if ((rc = flush(st, due, due->timer_ns, next)))
			return rc;
		for (size_t i = 0; i < NR_FQ; i++)
			ring_free(st, &due->ring[i]);
	}
}

/* @did's flush queue (made at its first lazy unmap); NULL without memory. */
static struct dom_fq *dom_get(struct state *st, uint32_t did, uint32_t iommu_id)
{
	struct dom_fq **v, *q;

	for (uint32_t i = 0; i < st->nr_doms; i++)
		if (st->doms[i]->did == did)
			return st->doms[i];
	v = realloc(st->doms, (st->nr_doms + 1) * sizeof(*v));
	if (!v)
		return NULL;
	st->doms = v;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->did = did;
	q->iommu_id = iommu_id;
	st->doms[st->nr_doms++] = q;
	return q;
}

/*
 * queue_iova(): a lazy unmap of @p on @cpu joins @did's queue at @now. A full
 * ring flushes the domain and frees that CPU's ring; the domain's timer is
 * armed if it is off (fires IOVA_FQ_TIMEOUT after the unmap).
 */
static int fq_queue(struct state *st, uint32_t did, uint32_t iommu_id, size_t cpu,
		    const struct pend *p, uint64_t now, const struct scenario_emit *next)
{
	struct dom_fq *q = dom_get(st, did, iommu_id);
	struct ring *r;
	int rc;

	if (!q)
		return -ENOMEM;
	r = &q->ring[cpu];
	if (r->nr == r->cap) {
		uint32_t cap = r->cap ? 2 * r->cap : 64;
		struct held *h = realloc(r->v, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		r->v = h;
		r->cap = cap;
	}
	r->v[r->nr++] =
	    (struct held){.iova = p->iova & ~0xfffull, .bytes = pages_of(p->iova, p->bytes) << 12};
	if (r->nr >= st->fq_size) {
		if ((rc = flush(st, q, now, next)))
			return rc;
		ring_free(st, r);
	}
	if (!q->timer_on) {
		q->timer_on = true;
		q->timer_ns = p->ts_ns + st->timeout_ns;
		if (q->timer_ns < now)
			q->timer_ns = now;
	}
	return 0;
}

/*
 * Pending unmaps of @cpu: those the trace's page-selective flush (@did,
 * [@base, +@range)) names join @did's queue; with @range 0, those unmapped
 * before @older_than join the last domain seen (no flush named them: a
 * trace recorded lazily, or a kernel that batches).
 */
static int pend_settle(struct state *st, size_t cpu, uint32_t did, uint32_t iommu_id, uint64_t base,
		       uint64_t range, uint64_t older_than, uint64_t now,
		       const struct scenario_emit *next)
{
	struct cpu_st *c = &st->cpu[cpu];
	uint32_t j = 0;
	int rc = 0;

	for (uint32_t i = 0; i < c->nr; i++) {
		struct pend *p = &c->v[i];
		bool take =
		    range ? p->orig < base + range && base < p->orig + (p->bytes ? p->bytes : 1)
			  : p->ts_ns < older_than;

		if (!take || rc) {
			c->v[j++] = *p;
			continue;
		}
		rc = fq_queue(st, range ? did : st->did, range ? iommu_id : st->iommu_id, cpu, p,
			      now, next);
	}
	c->nr = j;
	return rc;
}

/* A lazy unmap on @cpu: its pages are held now; its queue is known once a flush names it. */
static int lazy_unmap(struct state *st, size_t cpu, uint64_t orig, uint64_t iova, uint64_t bytes,
		      uint64_t now, const struct scenario_emit *next)
{
	struct cpu_st *c = &st->cpu[cpu];
	uint64_t n = pages_of(iova, bytes);
	int rc;

	for (uint64_t i = 0; i < n; i++)
		if (u64map_put(&st->quar, (iova >> 12) + i, 1) < 0)
			return -ENOMEM;
	if (c->nr == PEND_UNMAPS &&
	    (rc = pend_settle(st, cpu, 0, 0, 0, 0, c->v[0].ts_ns + 1, now, next)))
		return rc;
	c->v[c->nr++] = (struct pend){.orig = orig, .iova = iova, .bytes = bytes, .ts_ns = now};
	return 0;
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
		uint64_t a = r->v[i].iova, end = a + r->v[i].bytes;
		int hit = !(end <= addr || addr + bytes <= a);

		if (hit && (all || !found)) {
			found = 1;
			/* a flush of part of it (AMD-Vi NpCache flushes an unaligned map in
			 * aligned pieces): the rest waits for the next piece */
			if (!all && addr > a && addr + bytes >= end)
				r->v[i].bytes = addr - a;
			else if (!all && addr <= a && addr + bytes < end)
				r->v[i] = (struct recent_map){addr + bytes, end - addr - bytes};
			else
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

/* The IOVA an unmap record names in the trace. */
static uint64_t rec_iova(const struct trace_rec *rec)
{
	return rec->kind == TRACE_REC_IOMMU_UNMAP
		   ? ((const struct trace_rec_iommu_unmap *)(const void *)rec)->iova
		   : ((const struct trace_rec_dma *)(const void *)rec)->dma_addr;
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
		const struct trace_rec_iommu_unmap *o = (const void *)rec;
		struct trace_rec_iommu_unmap u = *o;
		uint64_t bytes = o->unmapped_bytes ? o->unmapped_bytes : o->size_bytes, run;

		/* one unmap per run of pages that moved together (a scatterlist's maps may not) */
		for (uint64_t off = 0; !rc && off < (bytes ? bytes : 1); off += run) {
			u.iova = iova_reloc__run(st->reloc, o->iova + off, bytes - off, &run);
			u.size_bytes = u.unmapped_bytes = bytes ? run : 0;
			if (!bytes)
				run = 1;
			rc = next->emit(next, &u.hdr);
			if (!rc)
				rc = lazy_unmap(st, rec->cpu % NR_FQ, o->iova + off, u.iova,
						u.size_bytes, rec->ts_ns, next);
		}
		return rc;
	}
	case TRACE_REC_DMA: {
		struct trace_rec_dma d = *(const struct trace_rec_dma *)rec;

		if (st->map_kind == TRACE_REC_IOMMU_MAP) {
			/* follows the iommu side: one record per run of pages that moved together
			 */
			const struct trace_rec_dma *o = (const void *)rec;
			uint64_t bytes = o->size_bytes ? o->size_bytes : 1, run;

			for (uint64_t off = 0; !rc && off < bytes; off += run) {
				d.dma_addr = iova_reloc__run(st->reloc, o->dma_addr + off,
							     bytes - off, &run);
				d.size_bytes = o->size_bytes ? run : 0;
				rc = next->emit(next, &d.hdr);
			}
			return rc;
		} else if (dma_is_map(d.op)) {
			st->map_kind = TRACE_REC_DMA;
			rc = lazy_map(st, &d.dma_addr, d.size_bytes);
		} else if (dma_is_unmap(d.op)) {
			d.dma_addr = moved(st, d.dma_addr);
			if ((rc = next->emit(next, &d.hdr)))
				return rc;
			return lazy_unmap(st, rec->cpu % NR_FQ, rec_iova(rec), d.dma_addr,
					  d.size_bytes, rec->ts_ns, next);
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

	if (rec->ts_ns > st->last_ns)
		st->last_ns = rec->ts_ns;
	/* flushes due by now go out first, whatever the record (time order out) */
	if (st->lazy && (rc = expire(st, rec->ts_ns, next)))
		return rc;
	/* unmaps no flush named within PEND_WAIT_NS join the last domain seen */
	if (st->lazy && rec->ts_ns > PEND_WAIT_NS &&
	    (rc = pend_settle(st, rec->cpu % NR_FQ, 0, 0, 0, 0, rec->ts_ns - PEND_WAIT_NS,
			      rec->ts_ns, next)))
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
		uint8_t *since = &st->since[rec->cpu % NR_FQ], before = *since;

		if (q->type == TRACE_QI_INV_WAIT)
			return traced_wait(st, rec, next);
		/* what goes on below is kept; the returns that drop say so first */
		*since = before | SINCE_KEPT;
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
			uint64_t range = 4096ull << (q->addr_mask < 52 ? q->addr_mask : 52);

			st->did = q->domain_id;
			st->iommu_id = q->iommu_id;
			st->cpu[rec->cpu % NR_FQ].last_did = q->domain_id;
			/* the per-unmap (page-selective) ones are what this transform replaces;
			 * they name the domain of the unmaps they cover (Linux: one flush queue per
			 * domain) */
			if (q->type == TRACE_QI_P_IOTLB_INV || q->granularity == 3 || !st->lazy)
				*since = before | SINCE_DROPPED;
			if (q->type == TRACE_QI_P_IOTLB_INV || q->granularity == 3)
				return st->lazy ? pend_settle(st, rec->cpu % NR_FQ, q->domain_id,
							      q->iommu_id, q->addr & ~(range - 1),
							      range, 0, rec->ts_ns, next)
						: 0;
			if (!st->lazy)
				return 0; /* strict: a flush-queue flush has no place */
		}
		if (q->type == TRACE_QI_DEV_TLB_INV || q->type == TRACE_QI_P_DEV_TLB_INV) {
			uint32_t did = st->cpu[rec->cpu % NR_FQ].last_did;

			*since = before | SINCE_DROPPED;
			st->sid = (uint16_t)q->sid;
			/* after that CPU's IOTLB flush of a domain: the domain's ATS device */
			if (st->lazy) {
				struct dom_fq *dq = dom_get(st, did, q->iommu_id);

				if (!dq)
					return -ENOMEM;
				dq->ats = true;
				dq->sid = (uint16_t)q->sid;
			}
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
	if (st->lazy)
		return lazy_rewrite(st, rec, next);
	rc = next->emit(next, rec);
	if (rc || rec->kind != TRACE_REC_IOMMU_UNMAP)
		return rc;
	{
		const struct trace_rec_iommu_unmap *u = (const void *)rec;
		uint64_t bytes = u->unmapped_bytes ? u->unmapped_bytes : u->size_bytes;
		unsigned int am = scenario_log2_pages(bytes);
		struct trace_rec_qi_submit d;

		scenario_qi_iotlb(&d, rec->ts_ns, st->iommu_id, st->did, 3, u->iova, am);
		if (st->waits_seen)
			d.hdr.cpu = rec->cpu; /* its wait is the unmap's */
		rc = next->emit(next, &d.hdr);
		if (!st->ats_seen && st->nr_early < EARLY_UNMAPS)
			st->early[st->nr_early++] = (struct held){.iova = u->iova, .bytes = bytes};
		if (!rc && st->ats_seen) {
			scenario_qi_dev_tlb(&d, rec->ts_ns, st->iommu_id, st->sid, u->iova, am);
			if (st->waits_seen)
				d.hdr.cpu = rec->cpu;
			rc = next->emit(next, &d.hdr);
		}
		return rc ? rc : emit_wait(st, &d, next);
	}
}

static int finish(void *state, const struct scenario_emit *next)
{
	struct state *st = state;
	int rc = 0;

	if (!st->lazy)
		return 0;
	/* unmaps no flush named: the last domain seen; then every timer fires */
	for (size_t c = 0; c < NR_FQ && !rc; c++)
		if (st->cpu[c].nr)
			rc = pend_settle(st, c, 0, 0, 0, 0, UINT64_MAX, st->last_ns, next);
	return rc ? rc : expire(st, UINT64_MAX, next);
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
	    "Linux's flush queue, one per domain with a ring per CPU: an unmap joins the\n"
	    "queue of the domain the trace's page-selective flush after it names (the last\n"
	    "domain seen if none does within 100us); a ring holding :fq_size=N (256)\n"
	    "entries flushes its domain (one domain-selective invalidation, plus a whole-ATC\n"
	    "one if a device-TLB invalidation followed that domain's flushes) and frees\n"
	    "that ring; the domain's timer, armed by an entry while off, flushes it and\n"
	    "frees every ring :timeout=T (10ms) later (IOVA_FQ_SIZE, IOVA_FQ_TIMEOUT,\n"
	    "queue_iova in drivers/iommu/dma-iommu.c). Until its ring is freed an unmapped\n"
	    "IOVA is not reused: a map of one moves to a fresh range (replay/iova_reloc.h).\n"
	    "Strict: domain and IOMMU ids are the last seen. Sets " SCN_KEY_INVAL ".",
    .init = init,
    .push = push,
    .finish = finish,
    .overrides = overrides,
    .free = fr,
};
