/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gen-local.h - helpers shared by the generator kinds (collect/gen_*.c):
 * the event type of their time-ordered queue (lib/heap) and record
 * constructors. Not public.
 *
 * Every generator is a little discrete-event program: it schedules each
 * client's next action, pops the earliest, emits its records and schedules
 * what follows. Ties break by insertion order, so output is deterministic.
 */
#ifndef SVATRACE_COLLECT_GEN_LOCAL_H
#define SVATRACE_COLLECT_GEN_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "collect/gen/gen.h"
#include "lib/heap.h"

/* x86 PAGE_SIZE: what the kernel maps, pins and hands to a device at least */
#define GEN_PAGE_BYTES 4096ull

struct gen_ev {
	uint64_t ts_ns; /* when */
	uint64_t seq;	/* insertion order: FIFO tie-break */
	uint32_t who;	/* client / queue / slot index */
	uint32_t what;	/* generator-defined event type */
	uint64_t a;	/* generator-defined */
	uint64_t b;	/* generator-defined */
	uint64_t c;	/* generator-defined */
};

/* Generators queue gen_ev items in a lib/heap (HEAP_INIT(struct gen_ev)). */
HEAP_ITEM_CHECK(struct gen_ev, ts_ns, seq);

/** gen_rec_init() - zero @rec of @size bytes and fill its header. */
static inline void gen_rec_init(void *rec, unsigned int kind, size_t size, uint64_t ts_ns)
{
	struct trace_rec *h = rec;

	memset(rec, 0, size);
	h->ts_ns = ts_ns;
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
}

/** gen_emit() - emit one record through @out. */
static inline int gen_emit(const struct gen_out *out, const void *rec)
{
	return out->emit(out->ctx, rec);
}

/* VT-d invalidation descriptors as Linux builds them (drivers/iommu/intel/iommu.h). */

/** gen_qi_iotlb_psi() - page-selective-within-domain IOTLB invalidation, 2^@am pages at @addr. */
void gen_qi_iotlb_psi(struct trace_rec_qi_submit *q, uint32_t did, uint64_t addr, unsigned int am);

/** gen_qi_dev_tlb() - device-TLB invalidation of 2^@am pages at @addr for requester @sid. */
void gen_qi_dev_tlb(struct trace_rec_qi_submit *q, uint16_t sid, uint64_t addr, unsigned int am);

/** gen_log2_pages() - smallest am with 2^am 4 KiB pages >= @bytes. */
unsigned int gen_log2_pages(uint64_t bytes);

#endif /* SVATRACE_COLLECT_GEN_LOCAL_H */
