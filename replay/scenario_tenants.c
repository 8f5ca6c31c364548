// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_tenants.c - `tenants=N`: replicate the trace's clients under N
 * tenants, each shifted in time, as N processes (PASIDs) sharing a device or
 * N virtual functions (devices) each with its own domain.
 *
 * Memory is bounded: copies wait in a heap until the input passes their
 * time, at most :max_held of them (a shift that holds more, or a trace
 * denser than that within N x shift, stops the replay saying so), and the
 * (device, tenant) -> name table is a hash of the pairs actually seen, not
 * an array indexed by device id x N (a device id of 2^20 asked for 32 GiB).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lib/heap.h"
#include "replay/scenario.h"

struct held {
	uint64_t ts_ns;	       /* when the copy is due */
	uint64_t seq;	       /* FIFO tie-break */
	struct trace_rec *rec; /* malloc'd copy */
};

/* One (device id, tenant) -> tenant's device id entry of the name cache. */
struct dev_ent {
	uint64_t key; /* device id << 12 | tenant, + 1 (0: empty slot) */
	uint32_t id;  /* the tenant's device string id */
	uint32_t pad; /* zero */
};

#define TENANTS_MAX 4096	      /* N; also fits the tenant in 12 bits of a key */
#define TENANTS_MAX_HELD (1ull << 20) /* copies waiting, by default (about 100 MB) */

struct state {
	uint64_t n;	       /* tenants, the original included */
	uint64_t shift_ns;     /* tenant t runs t * shift_ns later */
	uint64_t pasid_stride; /* tenant t's PASID = pasid + t * stride (mod 2^20) */
	uint64_t max_held;     /* copies that may wait in the heap */
	struct heap heap;      /* of struct held: copies not yet due (lib/heap) */
	struct dev_ent *devs;  /* (device id, tenant) -> new id: open addressing */
	size_t devs_cap;       /* slots (power of two) */
	size_t nr_devs;	       /* slots used */
};

HEAP_ITEM_CHECK(struct held, ts_ns, seq);

static int init(void **state, const char *value, const struct scenario_arg *args, size_t nr_args,
		uint64_t seed)
{
	struct scenario_arg v = {"N", value};
	struct state *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return -ENOMEM;
	st->heap = HEAP_INIT(struct held);
	st->shift_ns = 1000;
	st->pasid_stride = 1024;
	st->max_held = TENANTS_MAX_HELD;
	rc = scenario_arg_u64("tenants", &v, &st->n, UNITS_COUNT);
	if (!rc && (st->n < 1 || st->n > TENANTS_MAX)) {
		scenario_err("scenario tenants: N must be 1..%d", TENANTS_MAX);
		rc = -EINVAL;
	}
	for (size_t i = 0; i < nr_args && !rc; i++) {
		if (!strcmp(args[i].key, "shift"))
			rc = scenario_arg_u64("tenants", &args[i], &st->shift_ns, UNITS_NS);
		else if (!strcmp(args[i].key, "pasid_stride"))
			rc = scenario_arg_u64("tenants", &args[i], &st->pasid_stride, UNITS_COUNT);
		else if (!strcmp(args[i].key, "max_held"))
			rc = scenario_arg_u64("tenants", &args[i], &st->max_held, UNITS_COUNT);
		else
			rc = scenario_bad_arg("tenants", &args[i]);
	}
	if (!rc && st->max_held < st->n - 1) {
		scenario_err("scenario tenants: argument 'max_held': %llu cannot hold the %llu "
			     "copies of one record",
			     (unsigned long long)st->max_held, (unsigned long long)(st->n - 1));
		rc = -EINVAL;
	}
	if (rc) {
		free(st);
		return rc;
	}
	*state = st;
	return 0;
}

static struct trace_rec *heap_pop(struct state *st)
{
	struct held h;

	heap__pop(&st->heap, &h);
	return h.rec;
}

static int release(struct state *st, uint64_t upto, const struct scenario_emit *next)
{
	while (st->heap.nr && heap__top(&st->heap, struct held)->ts_ns <= upto) {
		struct trace_rec *r = heap_pop(st);
		int rc = next->emit(next, r);

		free(r);
		if (rc)
			return rc;
	}
	return 0;
}

static size_t dev_slot(const struct dev_ent *tab, size_t cap, uint64_t key)
{
	size_t j = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);

	while (tab[j].key && tab[j].key != key)
		j = (j + 1) & (cap - 1);
	return j;
}

/* Room for one more entry in the name cache (load at most 1/2); 0 or -ENOMEM. */
static int devs_grow(struct state *st)
{
	size_t cap = st->devs_cap ? st->devs_cap * 2 : 64;
	struct dev_ent *tab;

	if ((st->nr_devs + 1) * 2 <= st->devs_cap)
		return 0;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (size_t i = 0; i < st->devs_cap; i++)
		if (st->devs[i].key)
			tab[dev_slot(tab, cap, st->devs[i].key)] = st->devs[i];
	free(st->devs);
	st->devs = tab;
	st->devs_cap = cap;
	return 0;
}

/* Tenant t's name for a device with no PASID: "NAME#t" (a VF of its own). */
static uint32_t tenant_dev(struct state *st, const struct scenario_emit *next, uint32_t id,
			   uint64_t t)
{
	uint64_t key = ((uint64_t)id << 12 | t) + 1;
	const char *name;
	struct dev_ent *e;
	char buf[256];

	if (!id)
		return 0;
	if (devs_grow(st))
		return id;
	e = &st->devs[dev_slot(st->devs, st->devs_cap, key)];
	if (!e->key) {
		name = next->out->string ? next->out->string(next->out->ctx, id) : NULL;
		if (name)
			snprintf(buf, sizeof(buf), "%s#%llu", name, (unsigned long long)t);
		else
			snprintf(buf, sizeof(buf), "dev%u#%llu", id, (unsigned long long)t);
		e->key = key;
		e->id = next->out->intern(next->out->ctx, buf);
		st->nr_devs++;
	}
	return e->id;
}

static uint32_t tenant_pasid(const struct state *st, uint32_t pasid, uint64_t t)
{
	return pasid == TRACE_NO_PASID ? pasid
				       : (uint32_t)((pasid + t * st->pasid_stride) & 0xfffff);
}

/* Rewrite a copy for tenant @t. */
static void retarget(struct state *st, const struct scenario_emit *next, struct trace_rec *r,
		     uint64_t t)
{
	r->ts_ns += t * st->shift_ns;
	switch (r->kind) {
	case TRACE_REC_WQ_SUBMIT: {
		struct trace_rec_wq_submit *w = (void *)r;

		w->pasid = tenant_pasid(st, w->pasid, t);
		w->desc_id ^= t << 48;
		break;
	}
	case TRACE_REC_WQ_COMPLETE: {
		struct trace_rec_wq_complete *c = (void *)r;

		c->pasid = tenant_pasid(st, c->pasid, t);
		c->desc_id ^= t << 48;
		break;
	}
	case TRACE_REC_DEV_ACCESS: {
		struct trace_rec_dev_access *a = (void *)r;

		if (a->pasid == TRACE_NO_PASID)
			a->device_id = tenant_dev(st, next, a->device_id, t);
		a->pasid = tenant_pasid(st, a->pasid, t);
		break;
	}
	case TRACE_REC_PAGE_REQ: {
		struct trace_rec_page_req *p = (void *)r;

		/* like the access it faulted for: without a PASID the tenant is its own device */
		if (p->pasid == TRACE_NO_PASID)
			p->device_id = tenant_dev(st, next, p->device_id, t);
		p->pasid = tenant_pasid(st, p->pasid, t);
		p->dw[1] = (p->dw[1] & ~0xfffffu) | (p->pasid & 0xfffff);
		break;
	}
	case TRACE_REC_IOMMU_MAP: {
		struct trace_rec_iommu_map *m = (void *)r;

		m->device_id = tenant_dev(st, next, m->device_id, t);
		break;
	}
	case TRACE_REC_IOMMU_UNMAP: {
		struct trace_rec_iommu_unmap *u = (void *)r;

		u->device_id = tenant_dev(st, next, u->device_id, t);
		break;
	}
	case TRACE_REC_DMA: {
		struct trace_rec_dma *d = (void *)r;

		d->device_id = tenant_dev(st, next, d->device_id, t);
		break;
	}
	case TRACE_REC_QI_SUBMIT: {
		struct trace_rec_qi_submit *q = (void *)r;

		/* each VF has its own domain and requester id */
		if (q->type == TRACE_QI_IOTLB_INV) {
			q->domain_id = (q->domain_id + (uint32_t)t) & 0xffff;
			q->qw[0] = (q->qw[0] & ~(0xffffull << 16)) | ((uint64_t)q->domain_id << 16);
		} else if (q->type == TRACE_QI_DEV_TLB_INV) {
			q->sid = (q->sid + (uint32_t)t) & 0xffff;
			q->qw[0] = (q->qw[0] & ~(0xffffull << 32)) | ((uint64_t)q->sid << 32);
		}
		break;
	}
	default:
		break;
	}
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	struct state *st = state;
	int rc = release(st, rec->ts_ns, next);

	if (!rc)
		rc = next->emit(next, rec);
	if (!rc && st->heap.nr + st->n - 1 > st->max_held) {
		scenario_fail("scenario tenants: more than %llu copies would wait for their time "
			      "(the cap :max_held, about 100 bytes each): %llu tenants x the "
			      "records within %llu x :shift=%llu ns; lower the shift or raise "
			      "the cap",
			      (unsigned long long)st->max_held, (unsigned long long)st->n,
			      (unsigned long long)(st->n - 1), (unsigned long long)st->shift_ns);
		return -E2BIG;
	}
	for (uint64_t t = 1; !rc && t < st->n; t++) {
		struct trace_rec *copy = malloc(rec->size_bytes);

		if (!copy)
			return -ENOMEM;
		memcpy(copy, rec, rec->size_bytes);
		retarget(st, next, copy, t);
		rc = heap__push(&st->heap, (&(struct held){.ts_ns = copy->ts_ns, .rec = copy}));
		if (rc)
			free(copy);
	}
	return rc;
}

static int finish(void *state, const struct scenario_emit *next)
{
	return release(state, UINT64_MAX, next);
}

static void fr(void *state)
{
	struct state *st = state;

	if (!st)
		return;
	/* in array order: popping each (O(log n), a cache miss a level) took
	 * seconds for the 2^20 copies a stopped replay may hold */
	for (size_t i = 0; i < st->heap.nr; i++)
		free(((struct held *)st->heap.v)[i].rec);
	heap__release(&st->heap);
	free(st->devs);
	free(st);
}

static uint64_t copies(const void *state)
{
	return ((const struct state *)state)->n;
}

const struct scenario_ops scenario_tenants = {
    .name = "tenants",
    .value = "N",
    .summary = "replicate every client under N tenants, time-shifted",
    .help = "Each record is emitted once per tenant t = 0..N-1, tenant t shifted by\n"
	    "t * :shift=T (1us) so tenants do not move in lock step. Records with a PASID\n"
	    "get PASID + t * :pasid_stride=S (1024), mod 2^20 (tenants are processes\n"
	    "sharing the device, SIOV style); records without one move to device\n"
	    "\"NAME#t\" (an SR-IOV virtual function of its own), and IOTLB/device-TLB\n"
	    "invalidations to domain id + t / requester id + t. Descriptor ids get t in\n"
	    "bits 48..63. IOVAs are unchanged: each tenant has its own address space.\n"
	    "Copies wait in a reorder buffer until the input passes their time, at most\n"
	    ":max_held=N (1048576, about 100 bytes each) of them: a replay that needs more\n"
	    "(N x the records within (N-1) x shift) stops and says so. Stacked tenants\n"
	    "multiply: a chain makes at most 4096 copies of a record.",
    .init = init,
    .push = push,
    .finish = finish,
    .copies = copies,
    .free = fr,
};
