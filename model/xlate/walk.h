/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk.h - page walks: the context cache, the PASID cache and one
 * paging-structure cache (PWC) per non-leaf level decide how many memory
 * reads a walk needs; a pool of walkers serves walks first come, first
 * served, so walks queue when all walkers are busy.
 *
 * Model assumptions:
 * - A walk reads every level below the lowest PWC level that hits, down to
 *   the leaf (4 KiB leaf = level 1, 2 MiB = 2, 1 GiB = 3); every PWC level
 *   that missed is filled by the walk. Upper levels above a hit are not
 *   touched (their recency is not refreshed).
 * - Context-cache miss: 2 reads (root + context entry). Scalable mode
 *   PASID-cache miss: 2 reads (PASID directory + PASID table entry).
 * - Nested walk: each first-stage (guest) table read is preceded by a
 *   second-stage walk of that table's guest-physical page, and the final
 *   guest-physical address is walked too; with no cache hits that is
 *   (G+1)(H+1)-1 reads (24 for 4+4). Guest table pages get synthetic
 *   guest-physical addresses derived from (level, covered region) because
 *   traces do not record them; host PWCs cache second-stage walks.
 * - Each first-stage level k has its own cache; its reach is entries x
 *   2^(12+9(k-1)) bytes (2 MiB per level-2 entry). pwc.lK_entries gives a
 *   level its own fully associative size, else pwc.entries/pwc.ways apply:
 *   the caches are per level in VT-d (spec 6.2.3, "paging-structure caches"
 *   PML4/PDPE/PDE), and the pcie-bench curves need a level-2 reach separate
 *   from the upper levels (docs/calibration.md: Broadwell's second rise past
 *   2-4 MiB, none on Ivy Bridge or Sandy Bridge up to 64 MiB).
 * - A walk's service time is walk.fixed_ns + reads x (mem.read_ns, plus
 *   mem.remote_extra_ns when pt.remote: tables in the other socket's memory,
 *   as in pcie-bench's s0-s1-s1 runs; every read of the walk pays it). Reads
 *   are serial; both latencies are fitted to pcie-bench (docs/calibration.md).
 * - Walkers: c identical servers; a walk starts at max(arrival, earliest
 *   free walker). Arrivals are expected in time order; a late arrival is
 *   served as if it came in order (small error, no reordering).
 * - With walk.leaf_serial (model.c), a walk whose leaf table (its PDE: a
 *   2 MiB region of 4 KiB pages) has a walk in flight arrives when that
 *   walk ends: one outstanding miss per paging-structure entry, like a
 *   cache's MSHR per line. Inferred from Sandy Bridge's pcie-bench
 *   throughput (docs/calibration.md), an estimate; off by default.
 */
#ifndef SVATRACE_MODEL_WALK_H
#define SVATRACE_MODEL_WALK_H

#include <stdint.h>

#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"

#define WALK_MAX_LEVELS 5

/* ------------------------------------------------ walker queue */

struct walkq_stats {
	uint64_t nr;	      /* walks served */
	uint64_t wait_ns;     /* sum of queueing delays */
	uint64_t max_wait_ns; /* largest queueing delay */
	uint64_t busy_ns;     /* sum of service times */
	uint64_t nr_waited;   /* walks that found every walker busy */
};

struct walkq;

/** walkq__new() - @servers walkers, all free at time 0; NULL with errno. */
struct walkq *walkq__new(uint32_t servers);

/** walkq__free() - free; NULL is a no-op. */
void walkq__free(struct walkq *q);

/**
 * walkq__serve() - queue one walk.
 * @q: walkers.
 * @arrival_ns: when the walk is requested.
 * @service_ns: how long it takes once started.
 *
 * Return: the time it starts (>= @arrival_ns); it ends at start + service.
 */
uint64_t walkq__serve(struct walkq *q, uint64_t arrival_ns, uint64_t service_ns);

/** walkq__stats() - counters. */
const struct walkq_stats *walkq__stats(const struct walkq *q);

/* ------------------------------------------------ walk with caches */

struct pwalk_stats {
	uint64_t nr_walks;			/* walks */
	uint64_t mem_reads;			/* memory reads of all walks */
	uint64_t pwc_hits[WALK_MAX_LEVELS + 1]; /* per level (2..5): lowest level hit */
	uint64_t pwc_misses;			/* walks with no PWC hit */
	uint64_t cc_hits, cc_misses;		/* context cache */
	uint64_t pasidc_hits, pasidc_misses;	/* PASID cache */
	uint64_t nested_reads;			/* of mem_reads: second-stage reads */
};

struct pwalk;

/** pwalk__new() - caches per @c (validated); NULL with errno. */
struct pwalk *pwalk__new(const struct model_cfg *c);

/** pwalk__free() - free; NULL is a no-op. */
void pwalk__free(struct pwalk *w);

/**
 * pwalk__walk() - memory reads needed to translate @addr, updating caches.
 * @sid: source id (context cache key); @domain, @pasid: address space;
 * @psz: leaf page size (enum iotlb_psz).
 */
uint32_t pwalk__walk(struct pwalk *w, uint32_t sid, uint32_t domain, uint32_t pasid, uint64_t addr,
		     unsigned int psz);

/** pwalk__inval() - drop PWC entries matching @inv (context/PASID caches untouched). */
void pwalk__inval(struct pwalk *w, const struct iotlb_inval *inv);

/** pwalk__inval_cc() - context-cache invalidation (all entries). */
void pwalk__inval_cc(struct pwalk *w);

/** pwalk__inval_pasidc() - PASID-cache invalidation; @pasid IOTLB_ANY for all. */
void pwalk__inval_pasidc(struct pwalk *w, uint32_t pasid);

/** pwalk__stats() - counters. */
const struct pwalk_stats *pwalk__stats(const struct pwalk *w);

#endif /* SVATRACE_MODEL_WALK_H */
