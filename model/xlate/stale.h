/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stale.h - the use-after-unmap set of the translation model: 4 KiB pages
 * unmapped whose translation the IOTLB or an ATC may still hold (no
 * invalidation has reached that cache since the unmap). The model adds
 * pages at each unmap, marks them at a map of the same page, clears a
 * cache's bit at each invalidation reaching that cache, and looks pages up
 * at each translation (model.c stale_check_).
 *
 * The set is embedded in the model (as its u64maps are) so that the hot
 * path's "is anything stale?" is one load: stale_empty().
 *
 * Model assumptions:
 * - Pages are tracked per 4 KiB (x86 PAGE_SIZE, the unit of VT-d address
 *   masks), at most STALE_MAX_PAGES per unmap (1 GiB).
 * - An invalidation clears the cache's bit of every stale page it covers
 *   with that cache's semantics (stale_inval()); a page no cache may hold
 *   leaves the set.
 */
#ifndef SVATRACE_MODEL_XLATE_STALE_H
#define SVATRACE_MODEL_XLATE_STALE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/u64map.h"
#include "model/xlate/iotlb.h"

#define STALE_IOTLB 1u		   /* the IOTLB may hold it */
#define STALE_ATC 2u		   /* an ATC may hold it */
#define STALE_REMAPPED 4u	   /* mapped again since: a walk finds the new translation */
#define STALE_MAX_PAGES (1u << 18) /* pages tracked per unmap (1 GiB of 4 KiB) */
#define STALE_NR_DOMS 8		   /* domains a range invalidation of any domain looks up */

struct stale {
	struct u64map map; /* stale_key(domain, page) -> page << 20 | domain << 4 | bits */
	uint16_t dom[STALE_NR_DOMS]; /* key domains (low 12 bits) put since the set was empty */
	uint32_t nr_dom;	     /* used in dom[]; STALE_NR_DOMS + 1: more than fit */
	bool high;		     /* a page at or above 2^56 was put (its value truncates it) */
	uint64_t nr_scans, nr_looks; /* invalidations served by a scan / by lookups (tests) */
};

/** stale_init() - empty set; 0 or -ENOMEM. */
int stale_init(struct stale *s);

/** stale_fini() - free it. */
void stale_fini(struct stale *s);

/** stale_empty() - true when no page is stale (the hot path's test). */
static inline bool stale_empty(const struct stale *s)
{
	return !s->map.nr;
}

/**
 * stale_unmap() - [iova, iova+bytes) of @domain was unmapped: its pages are
 * stale in the caches @bits (STALE_IOTLB, STALE_ATC); a page already in the
 * set starts over. Return: 0 or -ENOMEM (pages after the failure are lost).
 */
int stale_unmap(struct stale *s, uint32_t domain, uint64_t iova, uint64_t bytes, uint32_t bits);

/** stale_map() - [iova, iova+bytes) of @domain was mapped: mark its stale pages STALE_REMAPPED. */
void stale_map(struct stale *s, uint32_t domain, uint64_t iova, uint64_t bytes);

/**
 * stale_inval() - @inv reached the IOTLB (@atc false: its domain must match
 * unless global) or the ATCs (@atc true: any domain): clear that cache's bit
 * of every page it covers; pages no cache may hold leave the set.
 */
void stale_inval(struct stale *s, const struct iotlb_inval *inv, bool atc);

/** stale_get() - true and the page's STALE_* bits if 4 KiB page @page of @domain is stale. */
bool stale_get(const struct stale *s, uint32_t domain, uint64_t page, uint32_t *bits);

#endif /* SVATRACE_MODEL_XLATE_STALE_H */
