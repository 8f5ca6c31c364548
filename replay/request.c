// SPDX-License-Identifier: GPL-2.0
/*
 * request.c - trace records -> model requests, device numbering and the
 * strings scenario transforms add (see request.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/xlate/iotlb.h"
#include "lib/alloc.h"
#include "replay/iova_reloc.h"
#include "replay/request.h"

struct request {
	bool domain_per_device;	  /* each device its own domain */
	bool expand_wq;		  /* offer work-descriptor ranges for expansion */
	request_string_fn string; /* trace string table */
	void *string_ctx;	  /* for string */
	/* devices: string id -> index + 1 (0 = not yet numbered) */
	uint32_t *dev_of_id;	/* indexed by string id */
	uint32_t dev_of_id_cap; /* slots */
	uint32_t nr_devs;	/* devices numbered */
	/* strings a scenario transform added: id REQUEST_INTERN_BASE + i */
	char **interned;	  /* names */
	uint32_t *dev_of_intern;  /* device index + 1 per name (0 = not yet) */
	uint32_t nr_interned;	  /* names used */
	uint32_t interned_cap;	  /* names allocated */
	bool seen_iommu_map;	  /* an iommu:map record was normalised */
	const struct owners *own; /* what the trace says about owners (NULL: nothing) */
	uint32_t next_unit;	  /* unit string id of the device being numbered (or OWNERS_NONE) */
	uint32_t *dom_of_dev;	  /* per device index: its DID + 1 (0: not known) */
	uint32_t named_dom;	  /* owner_dev: the domain last named (OWNERS_NONE: none) */
	uint32_t named_dom_id;	  /* its interned "sid:..."/"dom:N" id */
	uint32_t dom_of_dev_cap;  /* slots */
	struct iova_reloc *reloc; /* maps moved off held IOVAs (NULL until one moves) */
	struct request_stats stats; /* counts */
};

struct request *request__new(bool domain_per_device, bool expand_wq, request_string_fn string,
			     void *string_ctx)
{
	struct request *rq = svt_calloc(1, sizeof(*rq));

	if (!rq)
		return NULL;
	rq->domain_per_device = domain_per_device;
	rq->next_unit = OWNERS_NONE;
	rq->named_dom = OWNERS_NONE;
	rq->expand_wq = expand_wq;
	rq->string = string;
	rq->string_ctx = string_ctx;
	return rq;
}

void request__free(struct request *rq)
{
	if (!rq)
		return;
	free(rq->dev_of_id);
	for (uint32_t i = 0; i < rq->nr_interned; i++)
		free(rq->interned[i]);
	free(rq->interned);
	free(rq->dev_of_intern);
	free(rq->dom_of_dev);
	iova_reloc__free(rq->reloc);
	free(rq);
}

/* ---------------------------------------------------------------- devices */

/* The next device index + 1; devices beyond the model's limit share the last. */
static uint32_t next_dev(struct request *rq)
{
	return rq->nr_devs < MODEL_MAX_DEVS ? ++rq->nr_devs : MODEL_MAX_DEVS;
}

/*
 * "SSSS:BB:DD.F" (a PCI device name) -> its source id (bus << 8 | dev << 3 | fn).
 * "SSSS:BB:DD.F#t" is the tenants scenario's copy t of that device (a
 * virtual function of it): a copy of the device, ATS or not, so it answers
 * for the device's source id. Without this a copy of a device without ATS
 * got the profile's default (ATS on) and an ATC no invalidation flushes.
 */
static bool pci_sid(const char *name, uint32_t *sid)
{
	unsigned int seg, bus, d, fn;
	char end;
	int n;

	if (!name)
		return false;
	n = sscanf(name, "%x:%x:%x.%x%c", &seg, &bus, &d, &fn, &end);
	if ((n != 4 && !(n == 5 && end == '#')) || bus > 0xff || d > 0x1f || fn > 7)
		return false;
	*sid = bus << 8 | d << 3 | fn;
	return true;
}

/*
 * Does the device named @name have ATS, as far as the trace says? Only a
 * trace with device-TLB invalidations says anything (replay/owners.h): a
 * device whose source id they name has it, one they never name does not;
 * "sid:" devices (page requests, which only ATS devices send) and
 * "dom:" devices (maps of a domain without an ATS device) are named so.
 */
static int dev_ats(const struct request *rq, const char *name)
{
	uint32_t sid;

	if (!rq->own || !owners__ats_known(rq->own) || !name)
		return REQUEST_ATS_UNKNOWN;
	if (!strncmp(name, "sid:", 4))
		return REQUEST_ATS_YES;
	if (!strncmp(name, "dom:", 4))
		return REQUEST_ATS_NO;
	if (pci_sid(name, &sid))
		return owners__sid_ats(rq->own, sid) ? REQUEST_ATS_YES : REQUEST_ATS_NO;
	return REQUEST_ATS_UNKNOWN;
}

/* A device got index @dev: tell the model what the trace says about it. */
static int dev_new(struct request *rq, uint32_t dev, uint32_t string_id,
		   const struct request_ops *ops, void *ctx)
{
	int ats = dev_ats(rq, request__string(rq, string_id));
	uint32_t unit = rq->own && rq->next_unit != OWNERS_NONE
			    ? owners__unit_index(rq->own, rq->next_unit)
			    : OWNERS_NONE;

	if ((ats == REQUEST_ATS_UNKNOWN && unit == OWNERS_NONE) || !ops || !ops->device)
		return 0;
	return ops->device(ctx, dev, ats, unit);
}

/* Make zero-filled @*v (capacity @*cap) hold index @idx, doubling from 64; 0 or -ENOMEM. */
static int grow_u32(uint32_t **v, uint32_t *cap, uint32_t idx)
{
	uint32_t c = *cap ? *cap : 64;
	uint32_t *n;

	if (idx < *cap)
		return 0;
	while (c <= idx)
		c *= 2;
	n = svt_realloc(*v, c * sizeof(*n));
	if (!n)
		return -ENOMEM;
	memset(n + *cap, 0, (c - *cap) * sizeof(*n));
	*v = n;
	*cap = c;
	return 0;
}

static int dev_index_ops(struct request *rq, uint32_t string_id, uint32_t *dev,
			 const struct request_ops *ops, void *ctx)
{
	if (string_id >= REQUEST_INTERN_BASE && string_id - REQUEST_INTERN_BASE < rq->nr_interned) {
		uint32_t *d = &rq->dev_of_intern[string_id - REQUEST_INTERN_BASE];
		bool fresh = !*d;

		if (fresh)
			*d = next_dev(rq);
		*dev = *d - 1;
		return fresh ? dev_new(rq, *dev, string_id, ops, ctx) : 0;
	}
	if (string_id < rq->dev_of_id_cap && rq->dev_of_id[string_id]) {
		*dev = rq->dev_of_id[string_id] - 1; /* every record after a device's first */
		return 0;
	}
	if (grow_u32(&rq->dev_of_id, &rq->dev_of_id_cap, string_id))
		return -ENOMEM;
	if (!rq->dev_of_id[string_id]) {
		rq->dev_of_id[string_id] = next_dev(rq);
		*dev = rq->dev_of_id[string_id] - 1;
		return dev_new(rq, *dev, string_id, ops, ctx);
	}
	*dev = rq->dev_of_id[string_id] - 1;
	return 0;
}

int request__intern(struct request *rq, const char *s, uint32_t *id)
{
	for (uint32_t i = 0; i < rq->nr_interned; i++) {
		if (!strcmp(rq->interned[i], s)) {
			*id = REQUEST_INTERN_BASE + i;
			return 0;
		}
	}
	if (rq->nr_interned == rq->interned_cap) {
		uint32_t cap = rq->interned_cap ? 2 * rq->interned_cap : 16;
		char **n = svt_realloc(rq->interned, cap * sizeof(*n));
		uint32_t *d;

		if (!n)
			return -ENOMEM;
		rq->interned = n;
		d = svt_realloc(rq->dev_of_intern, cap * sizeof(*d));
		if (!d)
			return -ENOMEM;
		rq->dev_of_intern = d;
		rq->interned_cap = cap;
	}
	rq->interned[rq->nr_interned] = svt_strdup(s);
	if (!rq->interned[rq->nr_interned])
		return -ENOMEM;
	rq->dev_of_intern[rq->nr_interned] = 0;
	*id = REQUEST_INTERN_BASE + rq->nr_interned++;
	return 0;
}

const char *request__string(const struct request *rq, uint32_t id)
{
	if (id >= REQUEST_INTERN_BASE)
		return id - REQUEST_INTERN_BASE < rq->nr_interned
			   ? rq->interned[id - REQUEST_INTERN_BASE]
			   : NULL;
	return rq->string ? rq->string(rq->string_ctx, id) : NULL;
}

uint32_t request__nr_devs(const struct request *rq)
{
	return rq->nr_devs;
}

const struct request_stats *request__stats(const struct request *rq)
{
	return &rq->stats;
}

/* ---------------------------------------------------------------- held IOVAs */

struct held_ctx {
	const struct request_ops *ops; /* ops->iova_held */
	void *ctx;		       /* its context */
	uint32_t domain;	       /* the map's domain */
};

static bool page_held(void *ctx, uint64_t page)
{
	const struct held_ctx *h = ctx;

	return h->ops->iova_held(h->ctx, h->domain, page << 12, 4096);
}

/* A map's IOVA: moved if a lazy flush queue still holds a page of it. */
static int map_iova(struct request *rq, uint32_t domain, uint64_t *iova, uint64_t bytes,
		    const struct request_ops *ops, void *ctx)
{
	struct held_ctx h = {.ops = ops, .ctx = ctx, .domain = domain};
	int rc;

	if (!ops->iova_held)
		return 0;
	if (!rq->reloc && !ops->iova_held(ctx, domain, *iova, bytes))
		return 0; /* nothing moved so far, nothing to move now */
	if (!rq->reloc && !(rq->reloc = iova_reloc__new()))
		return -ENOMEM;
	rc = iova_reloc__map(rq->reloc, iova, bytes, page_held, &h);
	rq->stats.nr_moved += rc > 0;
	return rc < 0 ? rc : 0;
}

/* Where a record's @iova is after the moves. */
static uint64_t moved(const struct request *rq, uint64_t iova)
{
	return rq->reloc ? iova_reloc__moved(rq->reloc, iova) : iova;
}

/* ---------------------------------------------------------------- records */

uint32_t request__domain(const struct request *rq, uint32_t dev)
{
	if (!rq->domain_per_device)
		return 0;
	/* the trace's DID where it tied the device to one, else its own index */
	return dev < rq->dom_of_dev_cap && rq->dom_of_dev[dev] ? rq->dom_of_dev[dev] - 1 : dev;
}

static uint32_t domain_of(const struct request *rq, uint32_t dev)
{
	return request__domain(rq, dev);
}

void request__set_owners(struct request *rq, const struct owners *own)
{
	rq->own = own;
}

static int dom_note(struct request *rq, uint32_t dev, uint32_t domain)
{
	if (grow_u32(&rq->dom_of_dev, &rq->dom_of_dev_cap, dev))
		return -ENOMEM;
	rq->dom_of_dev[dev] = domain + 1;
	return 0;
}

/*
 * A map or unmap record without a device: the device of the domain the
 * trace ties it to (owners__map_domain), named "sid:0xNNNN" when the domain
 * has an ATS device, else "dom:N"; when nothing ties it, "dom:unknown"
 * (no ATS) if the trace names ATS devices, else @dev unchanged (0).
 */
static int owner_dev(struct request *rq, const struct trace_rec *rec, uint64_t iova, uint32_t *dev,
		     const struct request_ops *ops, void *ctx)
{
	uint32_t dom, sid, id;
	char name[32];
	int rc;

	if (!rq->own)
		return 0;
	dom = owners__map_domain(rq->own, rec->cpu, rec->ts_ns, iova);
	if (dom == OWNERS_NONE) {
		/*
		 * Nothing ties it to a domain (e.g. a scenario's shifted copy): when
		 * the trace says which devices have ATS, it is not shown to be one
		 */
		if (!owners__ats_known(rq->own))
			return 0;
		rq->stats.nr_unattributed++;
		return (rc = request__intern(rq, "dom:unknown", &id))
			   ? rc
			   : dev_index_ops(rq, id, dev, ops, ctx);
	}
	sid = owners__domain_sid(rq->own, dom);
	id = owners__domain_dev(rq->own, dom);
	rq->next_unit = owners__domain_unit(rq->own, dom);
	rc = 0;
	/* the device the dma:* records name (one device, one name), else the
	 * domain's requester id or the domain itself */
	if (id == OWNERS_NONE && dom == rq->named_dom) {
		/* the name is the domain's for the whole run: no formatting and search per record
		 */
		id = rq->named_dom_id;
	} else if (id == OWNERS_NONE) {
		if (sid != OWNERS_NONE)
			snprintf(name, sizeof(name), "sid:%#06x", sid & 0xffff);
		else
			snprintf(name, sizeof(name), "dom:%u", dom);
		rc = request__intern(rq, name, &id);
		if (!rc) {
			rq->named_dom = dom;
			rq->named_dom_id = id;
		}
	}
	if (!rc)
		rc = dev_index_ops(rq, id, dev, ops, ctx);
	rq->next_unit = OWNERS_NONE;
	if (rc)
		return rc;
	rq->stats.nr_attributed++;
	return dom_note(rq, *dev, dom);
}

static void fill_access(const struct request *rq, struct model_access *a, uint32_t dev,
			uint32_t pasid)
{
	a->dev = dev;
	a->sid = dev;
	a->domain = domain_of(rq, dev);
	a->pasid = pasid == TRACE_NO_PASID ? 0 : pasid;
}

int request__access(struct request *rq, const struct trace_rec_dev_access *d,
		    const struct request_ops *ops, void *ctx, struct model_access *a)
{
	uint32_t dev;
	int rc = dev_index_ops(rq, d->device_id, &dev, ops, ctx);

	if (rc)
		return rc;
	*a = (struct model_access){
	    .iova = d->iova, .bytes = d->size_bytes, .write = d->dir == TRACE_DIR_WRITE};
	fill_access(rq, a, dev, d->pasid);
	a->iova = moved(rq, a->iova);
	return 0;
}

bool request__peek_access(const struct request *rq, const struct trace_rec_dev_access *d,
			  struct model_access *a)
{
	uint32_t id = d->device_id;

	/* a device seen already, from the trace's table: nothing to number or tell */
	if (id >= REQUEST_INTERN_BASE || id >= rq->dev_of_id_cap || !rq->dev_of_id[id])
		return false;
	*a = (struct model_access){
	    .iova = d->iova, .bytes = d->size_bytes, .write = d->dir == TRACE_DIR_WRITE};
	fill_access(rq, a, rq->dev_of_id[id] - 1, d->pasid);
	a->iova = moved(rq, a->iova);
	return true;
}

static int dev_access(struct request *rq, const struct trace_rec_dev_access *d, uint64_t ts,
		      const struct request_ops *ops, void *ctx)
{
	struct model_access a;
	int rc = request__access(rq, d, ops, ctx, &a);

	return rc ? rc : ops->access(ctx, ts, &a);
}

static int iommu_map(struct request *rq, const struct trace_rec_iommu_map *mp, uint64_t ts,
		     const struct request_ops *ops, void *ctx)
{
	struct expand_map e = {.iova = mp->iova,
			       .bytes = mp->size_bytes,
			       .pasid = TRACE_NO_PASID,
			       .origin = EXPAND_FROM_IOMMU_MAP};
	int rc = mp->device_id ? dev_index_ops(rq, mp->device_id, &e.dev, ops, ctx)
			       : owner_dev(rq, &mp->hdr, mp->iova, &e.dev, ops, ctx);

	if (rc || (rc = map_iova(rq, domain_of(rq, e.dev), &e.iova, e.bytes, ops, ctx)))
		return rc;
	rq->seen_iommu_map = true;
	rq->stats.nr_maps++;
	rc = ops->map(ctx, ts, mp->hdr.cpu, domain_of(rq, e.dev), e.iova, mp->size_bytes);
	return rc ? rc : ops->expand(ctx, ts, &e);
}

static int iommu_unmap(struct request *rq, const struct trace_rec_iommu_unmap *u, uint64_t ts,
		       const struct request_ops *ops, void *ctx)
{
	uint64_t bytes = u->unmapped_bytes ? u->unmapped_bytes : u->size_bytes, run;
	uint32_t dev = 0;
	int rc = u->device_id ? dev_index_ops(rq, u->device_id, &dev, ops, ctx)
			      : owner_dev(rq, &u->hdr, u->iova, &dev, ops, ctx);

	if (rc || !rq->reloc)
		return rc ? rc
			  : ops->unmap(ctx, ts, u->hdr.cpu, domain_of(rq, dev), u->iova, bytes);
	/* one unmap per run of pages that moved together (a scatterlist's maps may not) */
	for (uint64_t off = 0; !rc && off < (bytes ? bytes : 1); off += bytes ? run : 1) {
		uint64_t iova = iova_reloc__run(rq->reloc, u->iova + off, bytes - off, &run);

		rc = ops->unmap(ctx, ts, u->hdr.cpu, domain_of(rq, dev), iova, bytes ? run : 0);
	}
	return rc;
}

static int dma(struct request *rq, const struct trace_rec_dma *d, uint64_t ts,
	       const struct request_ops *ops, void *ctx)
{
	bool map = d->op == TRACE_DMA_MAP_PAGE || d->op == TRACE_DMA_MAP_SG ||
		   d->op == TRACE_DMA_MAP_RESOURCE || d->op == TRACE_DMA_ALLOC;
	bool unmap = d->op == TRACE_DMA_UNMAP_PAGE || d->op == TRACE_DMA_UNMAP_SG ||
		     d->op == TRACE_DMA_UNMAP_RESOURCE || d->op == TRACE_DMA_FREE;
	/* dma_data_direction: 2 = DMA_FROM_DEVICE, the device writes */
	struct expand_map e = {.iova = d->dma_addr,
			       .bytes = d->size_bytes,
			       .pasid = TRACE_NO_PASID,
			       .write = d->dir == TRACE_DMA_FROM_DEVICE,
			       .origin = EXPAND_FROM_DMA_MAP};
	int rc = dev_index_ops(rq, d->device_id, &e.dev, ops, ctx);
	uint32_t dom = domain_of(rq, e.dev);

	if (rc)
		return rc;
	if (map) {
		rq->stats.nr_dma_maps++;
		/* iommu:map records carry the IOMMU side when present; else the DMA map does */
		if (rq->seen_iommu_map && rq->reloc) {
			/* follows the iommu side, one run of pages that moved together at a time */
			uint64_t bytes = d->size_bytes ? d->size_bytes : 1, run;

			for (uint64_t off = 0; !rc && off < bytes; off += run) {
				e.iova = iova_reloc__run(rq->reloc, d->dma_addr + off, bytes - off,
							 &run);
				e.bytes = d->size_bytes ? run : 0;
				rc = ops->expand(ctx, ts, &e);
			}
			return rc;
		}
		if (!rq->seen_iommu_map &&
		    ((rc = map_iova(rq, dom, &e.iova, e.bytes, ops, ctx)) ||
		     (rc = ops->map(ctx, ts, d->hdr.cpu, dom, e.iova, d->size_bytes))))
			return rc;
		return ops->expand(ctx, ts, &e);
	}
	if (unmap && !rq->seen_iommu_map)
		return ops->unmap(ctx, ts, d->hdr.cpu, dom, moved(rq, d->dma_addr), d->size_bytes);
	return 0;
}

static int qi_submit(struct request *rq, const struct trace_rec_qi_submit *q, uint64_t ts,
		     const struct request_ops *ops, void *ctx)
{
	struct model_qi mq = {
	    .type = q->type,
	    .granularity = q->granularity,
	    .domain = rq->domain_per_device ? q->domain_id : IOTLB_ANY,
	    .pasid = q->pasid == TRACE_NO_PASID ? IOTLB_ANY : q->pasid,
	    .addr = q->addr,
	    .addr_mask = q->addr_mask,
	    .cpu = q->hdr.cpu,
	};
	uint32_t unit = rq->own ? owners__unit_index(rq->own, q->iommu_id) : OWNERS_NONE;

	mq.unit = unit == OWNERS_NONE ? 0 : unit;

	rq->stats.nr_qi[q->type & TRACE_QI_TYPE_MASK]++;
	return ops->qi(ctx, ts, &mq);
}

static int wq_submit(struct request *rq, const struct trace_rec_wq_submit *w, uint64_t ts,
		     const struct request_ops *ops, void *ctx)
{
	struct expand_map e = {.bytes = w->xfer_bytes, .pasid = w->pasid, .origin = EXPAND_FROM_WQ};
	int rc = dev_index_ops(rq, w->device_id, &e.dev, ops, ctx);

	if (rc)
		return rc;
	if (rq->expand_wq && w->status == 0 && w->xfer_bytes) {
		e.iova = w->src;
		if ((rc = ops->expand(ctx, ts, &e)))
			return rc;
		e.iova = w->dst;
		e.write = 1;
		if ((rc = ops->expand(ctx, ts, &e)))
			return rc;
	}
	return ops->wq_submit(ctx, ts, w);
}

/*
 * A page request is PRI input for the model. Its device is the record's
 * device name, or, when the collector could not name it, its requester id
 * (one device per "sid:0xNNNN").
 */
/* qi_submit types pass to the model unchanged: its enum must match the trace's. */
#define SAME_QI(t) _Static_assert((int)MODEL_QI_##t == (int)TRACE_QI_##t, "qi type " #t)
SAME_QI(CC_INV);
SAME_QI(IOTLB_INV);
SAME_QI(DEV_TLB_INV);
SAME_QI(IEC_INV);
SAME_QI(INV_WAIT);
SAME_QI(P_IOTLB_INV);
SAME_QI(PC_INV);
SAME_QI(P_DEV_TLB_INV);
SAME_QI(PAGE_GRP_RESP);
#undef SAME_QI
_Static_assert((int)MODEL_QI_NR_TYPES_ == TRACE_QI_NR_TYPES, "qi type counters");

static int page_req(struct request *rq, const struct trace_rec_page_req *q, uint64_t ts,
		    const struct request_ops *ops, void *ctx)
{
	/* rw: bit0 read, bit1 write (VT-d 7.5.1) */
	struct model_page_req r = {
	    .addr = q->addr,
	    .grpid = q->grpid,
	    .write = (q->rw & TRACE_PRQ_WRITE) != 0,
	    .last = q->last,
	    .at_touch = (q->hdr.flags & TRACE_RF_AT_TOUCH) != 0,
	};
	struct model_access a;
	uint32_t id = q->device_id, dev;
	int rc = 0;

	if (!id) {
		char name[32];

		snprintf(name, sizeof(name), "sid:%#06x", q->sid & 0xffff);
		rc = request__intern(rq, name, &id);
	}
	rq->next_unit = q->iommu_id;
	if (!rc)
		rc = dev_index_ops(rq, id, &dev, ops, ctx);
	rq->next_unit = OWNERS_NONE;
	if (rc)
		return rc;
	fill_access(rq, &a, dev, q->pasid);
	r.dev = a.dev;
	r.sid = a.sid;
	r.domain = a.domain;
	r.pasid = a.pasid;
	return ops->page_req(ctx, ts, &r);
}

int request__record(struct request *rq, const struct trace_rec *rec, uint64_t ts_ns,
		    const struct request_ops *ops, void *ctx)
{
	switch (rec->kind) {
	case TRACE_REC_DEV_ACCESS:
		return dev_access(rq, (const void *)rec, ts_ns, ops, ctx);
	case TRACE_REC_IOMMU_MAP:
		return iommu_map(rq, (const void *)rec, ts_ns, ops, ctx);
	case TRACE_REC_IOMMU_UNMAP:
		return iommu_unmap(rq, (const void *)rec, ts_ns, ops, ctx);
	case TRACE_REC_DMA:
		return dma(rq, (const void *)rec, ts_ns, ops, ctx);
	case TRACE_REC_QI_SUBMIT:
		return qi_submit(rq, (const void *)rec, ts_ns, ops, ctx);
	case TRACE_REC_PIN: {
		const struct trace_rec_pin *pn = (const void *)rec;

		if (pn->nr_done > 0)
			return ops->pin(ctx, ts_ns, (uint64_t)pn->nr_done, pn->op == TRACE_UNPIN);
		return 0;
	}
	case TRACE_REC_WQ_SUBMIT:
		return wq_submit(rq, (const void *)rec, ts_ns, ops, ctx);
	case TRACE_REC_WQ_COMPLETE:
		return ops->wq_complete(ctx, ts_ns, (const void *)rec);
	case TRACE_REC_PAGE_REQ:
		return page_req(rq, (const void *)rec, ts_ns, ops, ctx);
	default:
		/* responses, faults, groups, waits, cache tags: counted, not modelled */
		return 0;
	}
}
