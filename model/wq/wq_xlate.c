// SPDX-License-Identifier: GPL-2.0
/*
 * wq_xlate.c - translation stalls for the work-queue model: the translation
 * model (model/xlate/model.h: ATC, IOTLB, walk caches and walkers, PRI) behind
 * struct wq_xlate_ops, and a fixed-cost stand-in (a stall per access plus a
 * stall per page touched) for tests, benchmarks and what-ifs.
 *
 * Model assumptions:
 * - Translation model: an engine translates the pages of a descriptor's
 *   access one after another before moving their data, so the access's
 *   stall is the sum of the model's per-page translation latencies (the
 *   model looks every page up at the access's start time; its queueing on
 *   walkers and the PRI path is the model's own). The model sees only the
 *   WQ model's accesses, in engine-start order, so its time never goes back.
 * - Page faults (block_on_fault=0 WQs): the model's residency decides
 *   (model__fault_probe(): model.mode=faulting, model.resident_fraction);
 *   the faulting page is then present, as software touched it.
 * - Fixed: every access pays per_access_ns; every page of [addr, addr +
 *   bytes) pays per_page_ns (no caching: a history-free stand-in).
 */
#include <math.h>

#include "model/xlate/model.h"
#include "model/wq/wq.h"

static uint64_t fixed_stall_ns(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes, bool write,
			       uint64_t now_ns)
{
	const struct wq_xlate_fixed *f = ctx;
	uint64_t first, last;

	(void)pasid;
	(void)write;
	(void)now_ns;
	if (!bytes || !f->page_bytes)
		return f->per_access_ns;
	first = addr / f->page_bytes;
	last = (addr + bytes - 1) / f->page_bytes;
	return f->per_access_ns + (last - first + 1) * f->per_page_ns;
}

const struct wq_xlate_ops wq_xlate_fixed_ops = {
    .name = "fixed",
    .stall_ns = fixed_stall_ns,
};

/* The stall of one descriptor range is the growth of the model's latency sum. */
static uint64_t lat_sum(const struct model *m)
{
	return model__latency_sum_ns(m);
}

static uint64_t model_stall_ns(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes, bool write,
			       uint64_t now_ns)
{
	struct wq_xlate_model *x = ctx;
	struct model_access a = {
	    .iova = addr,
	    .bytes = bytes ? bytes : 1,
	    .dev = x->dev,
	    .sid = x->sid,
	    .domain = x->domain,
	    .pasid = pasid,
	    .write = write,
	};
	uint64_t before, stall;

	model__advance(x->m, now_ns);
	before = lat_sum(x->m);
	x->nr_pages += model__access(x->m, now_ns, &a);
	stall = lat_sum(x->m) - before;
	x->nr_accesses++;
	x->stall_ns += stall;
	return stall;
}

static uint64_t model_fault_offset(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes,
				   bool write, uint64_t now_ns)
{
	struct wq_xlate_model *x = ctx;
	struct model_access a = {
	    .iova = addr,
	    .bytes = bytes,
	    .dev = x->dev,
	    .sid = x->sid,
	    .domain = x->domain,
	    .pasid = pasid,
	    .write = write,
	};

	(void)now_ns;
	return model__fault_probe(x->m, &a);
}

const struct wq_xlate_ops wq_xlate_model_ops = {
    .name = "model",
    .stall_ns = model_stall_ns,
    .fault_offset = model_fault_offset,
};
