// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_pinned.c - `pinned`: the classic DMA-API path instead of SVA.
 * Page requests and faults go; every buffer a descriptor uses is pinned and
 * mapped before submission and unmapped, invalidated and unpinned after its
 * completion; pages a device touches outside any mapping are pinned and
 * mapped at first use and released at the end of the trace.
 *
 * Memory: one 16-byte slot per page mapped now (by the trace or here), the
 * table at most half full; a trace unmap removes its pages (they used to
 * stay, so a trace that mapped new IOVAs kept growing). At most :max_pages
 * pages are tracked; a trace that maps more at once stops with a message
 * naming the cap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lib/prng.h"
#include "replay/scenario.h"

struct range {
	uint64_t desc_id;   /* descriptor the range belongs to */
	uint64_t addr;	    /* first page */
	uint64_t bytes;	    /* page-aligned length */
	uint32_t device_id; /* device it is mapped for */
	uint32_t prot;	    /* IOMMU_READ/WRITE */
};

struct page {
	uint64_t page_flags; /* address >> 12, flags (PAGE_*) in bits 62..63 */
	uint32_t pasid_p1;   /* PASID + 2 (0: empty slot) */
	uint32_t device_id;  /* device it was mapped for here */
};

#define PAGE_TRACE (1ull << 62) /* mapped by the trace */
#define PAGE_HERE (1ull << 63)	/* mapped here (a first touch outside any mapping) */
#define PAGE_FLAGS (PAGE_TRACE | PAGE_HERE)
#define PINNED_MAX_PAGES (1ull << 22) /* 16 GiB of 4 KiB pages, 128 MiB of table */

struct state {
	struct range *live; /* ranges of outstanding descriptors */
	size_t nr_live, cap_live;
	struct page *tab; /* pages mapped (by the trace or here) */
	uint64_t cap, nr;
	uint64_t max_pages;	/* cap on nr (:max_pages) */
	uint64_t last_ns;	/* latest record time (for the final release) */
	uint32_t iommu_id, did; /* last seen in an invalidation */
	char kv[64];		/* override */
};

static int init(void **state, const char *value, const struct scenario_arg *args, size_t nr_args,
		uint64_t seed)
{
	struct state *st = calloc(1, sizeof(*st));
	int rc = 0;

	if (!st)
		return -ENOMEM;
	st->max_pages = PINNED_MAX_PAGES;
	for (size_t i = 0; i < nr_args && !rc; i++) {
		if (!strcmp(args[i].key, "max_pages"))
			rc = scenario_arg_u64("pinned", &args[i], &st->max_pages, UNITS_COUNT);
		else
			rc = scenario_bad_arg("pinned", &args[i]);
	}
	if (!rc && !st->max_pages) {
		scenario_err("scenario pinned: argument 'max_pages' must be at least 1");
		rc = -EINVAL;
	}
	if (rc) {
		free(st);
		return rc;
	}
	snprintf(st->kv, sizeof(st->kv), "%s=pinned", SCN_KEY_MODE);
	*state = st;
	return 0;
}

static uint64_t hash(uint32_t p1, uint64_t page)
{
	return prng_derive(page, p1); /* a keyed hash of two words */
}

static uint64_t page_of(const struct page *p)
{
	return p->page_flags & ~PAGE_FLAGS;
}

static uint64_t slot_of(const struct state *st, const struct page *p)
{
	return hash(p->pasid_p1, page_of(p)) & (st->cap - 1);
}

/*
 * The page's slot; with @add, a new empty-flagged one if absent (NULL and
 * errno: ENOMEM, or E2BIG past :max_pages after scenario_fail()).
 */
static struct page *lookup(struct state *st, uint32_t pasid, uint64_t page, int add)
{
	uint32_t p1 = pasid + 2;
	uint64_t j;

	if (add && st->nr * 2 >= st->cap && st->nr < st->max_pages) {
		uint64_t cap = st->cap ? st->cap * 2 : 1024;
		struct page *tab = calloc(cap, sizeof(*tab));

		if (!tab) {
			errno = ENOMEM;
			return NULL;
		}
		for (uint64_t i = 0; i < st->cap; i++) {
			if (!st->tab[i].pasid_p1)
				continue;
			for (j = hash(st->tab[i].pasid_p1, page_of(&st->tab[i])) & (cap - 1);
			     tab[j].pasid_p1; j = (j + 1) & (cap - 1))
				;
			tab[j] = st->tab[i];
		}
		free(st->tab);
		st->tab = tab;
		st->cap = cap;
	}
	if (!st->cap) {
		errno = ENOMEM;
		return NULL;
	}
	for (j = hash(p1, page) & (st->cap - 1); st->tab[j].pasid_p1; j = (j + 1) & (st->cap - 1))
		if (st->tab[j].pasid_p1 == p1 && page_of(&st->tab[j]) == page)
			return &st->tab[j];
	if (!add)
		return NULL;
	if (st->nr >= st->max_pages) {
		scenario_fail("scenario pinned: more than %llu pages mapped at once (the cap "
			      ":max_pages, 32 to 64 bytes each; page 0x%llx); raise the cap",
			      (unsigned long long)st->max_pages, (unsigned long long)(page << 12));
		errno = E2BIG;
		return NULL;
	}
	st->tab[j].pasid_p1 = p1;
	st->tab[j].page_flags = page;
	st->nr++;
	return &st->tab[j];
}

/* Remove @p from the table (linear probing: later entries of its run move back). */
static void del(struct state *st, struct page *p)
{
	uint64_t mask = st->cap - 1, hole = (uint64_t)(p - st->tab), i = hole;

	for (;;) {
		uint64_t home;

		i = (i + 1) & mask;
		if (!st->tab[i].pasid_p1)
			break;
		home = slot_of(st, &st->tab[i]);
		/* it may move into the hole unless its home lies cyclically in (hole, i] */
		if (hole <= i ? home <= hole || home > i : home <= hole && home > i) {
			st->tab[hole] = st->tab[i];
			hole = i;
		}
	}
	st->tab[hole] = (struct page){0};
	st->nr--;
}

static void hdr_from(struct trace_rec *h, const struct trace_rec *cause, unsigned int kind,
		     size_t size, uint64_t ts)
{
	memset(h, 0, size);
	h->ts_ns = ts;
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
	h->cpu = cause->cpu;
	h->pid = cause->pid;
	h->comm_id = cause->comm_id;
}

/* pin_user_pages + iommu_map (the DMA API's view of a user buffer) */
static int pin_map(const struct trace_rec *cause, const struct range *r,
		   const struct scenario_emit *next)
{
	struct trace_rec_iommu_map m;
	struct trace_rec_pin p;
	int rc;

	hdr_from(&p.hdr, cause, TRACE_REC_PIN, sizeof(p), cause->ts_ns);
	p.addr = r->addr;
	p.nr_pages = (uint32_t)(r->bytes / 4096);
	p.nr_done = (int32_t)p.nr_pages;
	p.op = TRACE_PIN;
	rc = next->emit(next, &p.hdr);
	hdr_from(&m.hdr, cause, TRACE_REC_IOMMU_MAP, sizeof(m), cause->ts_ns);
	m.iova = r->addr; /* keeps the SVA address as the IOVA: same pages, same spread */
	m.size_bytes = r->bytes;
	m.device_id = r->device_id;
	m.prot = r->prot;
	return rc ? rc : next->emit(next, &m.hdr);
}

/* iommu_unmap + strict page-selective invalidation + unpin_user_pages */
static int unmap_unpin(struct state *st, const struct trace_rec *cause, uint64_t ts,
		       const struct range *r, const struct scenario_emit *next)
{
	struct trace_rec_iommu_unmap u;
	struct trace_rec_qi_submit q;
	struct trace_rec_pin p;
	int rc;

	hdr_from(&u.hdr, cause, TRACE_REC_IOMMU_UNMAP, sizeof(u), ts);
	u.iova = r->addr;
	u.size_bytes = r->bytes;
	u.unmapped_bytes = r->bytes;
	u.device_id = r->device_id;
	rc = next->emit(next, &u.hdr);
	scenario_qi_iotlb(&q, ts, st->iommu_id, st->did, 3, r->addr, scenario_log2_pages(r->bytes));
	q.hdr.cpu = cause->cpu;
	q.hdr.pid = cause->pid;
	q.hdr.comm_id = cause->comm_id;
	if (!rc)
		rc = next->emit(next, &q.hdr);
	hdr_from(&p.hdr, cause, TRACE_REC_PIN, sizeof(p), ts);
	p.addr = r->addr;
	p.nr_pages = (uint32_t)(r->bytes / 4096);
	p.nr_done = (int32_t)p.nr_pages;
	p.op = TRACE_UNPIN;
	return rc ? rc : next->emit(next, &p.hdr);
}

static int add_live(struct state *st, const struct range *r)
{
	if (st->nr_live == st->cap_live) {
		size_t cap = st->cap_live ? st->cap_live * 2 : 64;
		struct range *n = realloc(st->live, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		st->live = n;
		st->cap_live = cap;
	}
	st->live[st->nr_live++] = *r;
	return 0;
}

static int submit(struct state *st, const struct trace_rec_wq_submit *w,
		  const struct scenario_emit *next)
{
	const uint64_t addrs[2] = {w->src, w->dst};
	int rc = 0;

	if (w->opcode == 0x01 || !w->xfer_bytes)
		return next->emit(next, &w->hdr);
	for (int i = 0; i < 2 && !rc; i++) {
		struct range r = {
		    .desc_id = w->desc_id, .device_id = w->device_id, .prot = i ? 2 : 1};

		if (!addrs[i])
			continue;
		r.addr = addrs[i] & ~0xfffull;
		r.bytes = ((addrs[i] + w->xfer_bytes + 4095) & ~0xfffull) - r.addr;
		rc = pin_map(&w->hdr, &r, next);
		if (!rc)
			rc = add_live(st, &r);
	}
	return rc ? rc : next->emit(next, &w->hdr);
}

static int complete(struct state *st, const struct trace_rec_wq_complete *c,
		    const struct scenario_emit *next)
{
	int rc = next->emit(next, &c->hdr);

	/* release in submission order; oldest first keeps the scan short */
	for (size_t i = 0; !rc && i < st->nr_live;) {
		if (st->live[i].desc_id != c->desc_id || st->live[i].device_id != c->device_id) {
			i++;
			continue;
		}
		rc = unmap_unpin(st, &c->hdr, c->hdr.ts_ns, &st->live[i], next);
		memmove(&st->live[i], &st->live[i + 1],
			(st->nr_live - i - 1) * sizeof(st->live[0]));
		st->nr_live--;
	}
	return rc;
}

static int dev_touch(struct state *st, const struct trace_rec_dev_access *a,
		     const struct scenario_emit *next)
{
	uint64_t end = a->iova + (a->size_bytes ? a->size_bytes : 1);
	int rc = 0;

	for (uint64_t pg = a->iova >> 12; !rc && pg <= (end - 1) >> 12; pg++) {
		struct page *p = lookup(st, a->pasid, pg, 1);

		if (!p)
			return -errno;
		if (p->page_flags & PAGE_FLAGS)
			continue;
		/* pin and map on first use (a pin-down cache); released at the end */
		p->page_flags |= PAGE_HERE;
		p->device_id = a->device_id;
		rc = pin_map(
		    &a->hdr,
		    &(struct range){
			.addr = pg << 12, .bytes = 4096, .device_id = a->device_id, .prot = 3},
		    next);
	}
	return rc ? rc : next->emit(next, &a->hdr);
}

/* A trace map (@map) or unmap of [@iova, @iova + @bytes): 0 or -errno. */
static int mark_trace_map(struct state *st, uint64_t iova, uint64_t bytes, int map)
{
	for (uint64_t pg = iova >> 12; pg < (iova + bytes + 4095) >> 12; pg++) {
		struct page *p = lookup(st, TRACE_NO_PASID, pg, map);

		if (map && !p)
			return -errno;
		if (!p || (p->page_flags & PAGE_HERE))
			continue; /* pages mapped here stay until the end */
		if (map)
			p->page_flags |= PAGE_TRACE;
		else
			del(st, p);
	}
	return 0;
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	struct state *st = state;

	if (rec->ts_ns > st->last_ns)
		st->last_ns = rec->ts_ns;
	switch (rec->kind) {
	case TRACE_REC_PAGE_REQ:
	case TRACE_REC_PAGE_RESP:
	case TRACE_REC_IO_PAGE_FAULT:
		return 0; /* pinned pages never fault */
	case TRACE_REC_QI_SUBMIT: {
		const struct trace_rec_qi_submit *q = (const void *)rec;

		if (q->type == TRACE_QI_PAGE_GRP_RESP)
			return 0;
		if (q->type == TRACE_QI_IOTLB_INV) {
			st->iommu_id = q->iommu_id;
			st->did = q->domain_id;
		}
		return next->emit(next, rec);
	}
	case TRACE_REC_IOMMU_MAP: {
		const struct trace_rec_iommu_map *m = (const void *)rec;

		int rc = mark_trace_map(st, m->iova, m->size_bytes, 1);

		return rc ? rc : next->emit(next, rec);
	}
	case TRACE_REC_IOMMU_UNMAP: {
		const struct trace_rec_iommu_unmap *u = (const void *)rec;

		int rc = mark_trace_map(st, u->iova, u->size_bytes, 0);

		return rc ? rc : next->emit(next, rec);
	}
	case TRACE_REC_WQ_SUBMIT:
		return submit(st, (const void *)rec, next);
	case TRACE_REC_WQ_COMPLETE:
		return complete(st, (const void *)rec, next);
	case TRACE_REC_DEV_ACCESS:
		return dev_touch(st, (const void *)rec, next);
	default:
		return next->emit(next, rec);
	}
}

static int finish(void *state, const struct scenario_emit *next)
{
	struct state *st = state;
	struct trace_rec cause = {0};
	int rc = 0;

	cause.ts_ns = st->last_ns;
	for (uint64_t i = 0; i < st->cap && !rc; i++) {
		struct page *p = &st->tab[i];

		if (p->pasid_p1 && (p->page_flags & PAGE_HERE))
			rc = unmap_unpin(st, &cause, st->last_ns,
					 &(struct range){.addr = page_of(p) << 12,
							 .bytes = 4096,
							 .device_id = p->device_id},
					 next);
	}
	/* descriptors that never completed: release at the end too */
	for (size_t i = 0; i < st->nr_live && !rc; i++)
		rc = unmap_unpin(st, &cause, st->last_ns, &st->live[i], next);
	st->nr_live = 0;
	return rc;
}

static size_t overrides(const void *state, const char **kv)
{
	kv[0] = ((const struct state *)state)->kv;
	return 1;
}

static void fr(void *state)
{
	struct state *st = state;

	if (!st)
		return;
	free(st->live);
	free(st->tab);
	free(st);
}

const struct scenario_ops scenario_pinned = {
    .name = "pinned",
    .summary =
	"DMA API: pin + map before the device uses a buffer, unmap + invalidate + unpin after",
    .help = "Drops page requests, page group responses and I/O page faults. A work-queue\n"
	    "descriptor's source and destination ranges (page aligned) are each pinned\n"
	    "(PIN) and mapped (IOMMU_MAP, IOVA = the SVA address) at its submission, and\n"
	    "unmapped, invalidated (page-selective, strict) and unpinned at its completion.\n"
	    "A DEV_ACCESS to a page no mapping covers pins and maps that page at first use\n"
	    "(a pin-down cache) and releases it at the end of the trace. Mappings already\n"
	    "in the trace are kept and count as covering their pages. Domain and IOMMU ids\n"
	    "of added invalidations are the last seen. At most :max_pages=N (4194304: 16\n"
	    "GiB of 4 KiB pages, up to 64 bytes each) pages are mapped at once; a trace that\n"
	    "maps more stops with a message naming the cap. Sets " SCN_KEY_MODE "=pinned.",
    .init = init,
    .push = push,
    .finish = finish,
    .overrides = overrides,
    .free = fr,
};
