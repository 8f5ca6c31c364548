// SPDX-License-Identifier: GPL-2.0
/*
 * wq_xlate.c - the fixed-cost translation stand-in for the work-queue model:
 * a stall per access plus a stall per page touched. Tests and the benchmark
 * use it until the IOTLB/ATC/PRI model implements struct wq_xlate_ops.
 *
 * Model assumptions:
 * - Every access pays per_access_ns; every page of [addr, addr + bytes)
 *   pays per_page_ns (no caching: a pessimistic, history-free stand-in).
 */
#include "model/wq.h"

static uint64_t fixed_stall_ns(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes,
			       bool write, uint64_t now_ns)
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
