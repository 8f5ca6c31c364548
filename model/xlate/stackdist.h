/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stackdist.h - LRU stack-distance analysis: one pass over a stream of tag
 * lookups gives the hits and misses of every LRU cache size at once, exactly
 * as separate simulations of iotlb.c's LRU tag store (no invalidations).
 *
 * Fully associative caches: Mattson et al., "Evaluation techniques for
 * storage hierarchies", IBM Systems Journal 9(2), 1970: the stack distance
 * of a reference is the number of distinct keys referenced since the last
 * reference to its key; an LRU cache of E entries hits iff distance < E.
 * Computed in O(log) per reference with a Fenwick tree over last-use times.
 *
 * Set-associative caches with power-of-two set counts S and bit-selection
 * indexing (set = page number mod S, as iotlb.c): Hill & Smith, "Evaluating
 * associativity in CPU caches", IEEE Trans. Computers 38(12), 1989: one LRU
 * stack per set for each S gives, from the depth at which a reference is
 * found, the hits of every associativity of that set count at once (the
 * inclusion property holds within each set).
 *
 * Model assumptions:
 * - LRU replacement only (FIFO and random lack the inclusion property).
 * - No invalidations or drops between references (callers that have them
 *   replay those points fully).
 * - Set index as iotlb.c: page number plus a per-context offset that
 *   depends on the set count (ctx-hash). Set refinement (a miss with 2S sets
 *   is a miss with S) holds within one context; once a second context's
 *   offset appears, every set count is searched.
 * - Distances at or beyond the largest tracked size count as misses of
 *   every tracked size, so memory is bounded by the tracked sizes, not by
 *   the stream's length or footprint.
 */
#ifndef SVATRACE_MODEL_STACKDIST_H
#define SVATRACE_MODEL_STACKDIST_H

#include <stdint.h>

#define STACKDIST_MAX_SETS_LOG2 24 /* set counts up to 2^24 */

struct stackdist_cfg {
	uint32_t max_entries; /* largest fully associative size (0: none) */
	uint32_t max_ways;    /* largest associativity of the set-associative sizes */
	uint32_t sets_mask;   /* bit k: track 2^k sets (k <= STACKDIST_MAX_SETS_LOG2) */
};

struct stackdist;

/** stackdist__new() - empty analysis; NULL with errno (EINVAL, ENOMEM). */
struct stackdist *stackdist__new(const struct stackdist_cfg *cfg);

/** stackdist__free() - free; NULL is a no-op. */
void stackdist__free(struct stackdist *sd);

/**
 * stackdist__ref() - one reference.
 * @key: the tag (unique per context, page number and page size; never UINT64_MAX).
 * @page: the page number the set index is taken from.
 * @set_hash: the context's set-index fraction (iotlb_ctx_hash(); 0 for the
 *	plain page index): with S sets the set is (page + (set_hash * S >> 64)) mod S,
 *	as iotlb.c indexes.
 */
void stackdist__ref(struct stackdist *sd, uint64_t key, uint64_t page, uint64_t set_hash);

/** stackdist__refs() - references so far. */
uint64_t stackdist__refs(const struct stackdist *sd);

/**
 * stackdist__misses() - misses of an LRU cache of @entries entries and @ways
 * ways (@ways == @entries: fully associative).
 * Return: 0, or -EINVAL if that geometry was not tracked.
 */
int stackdist__misses(const struct stackdist *sd, uint32_t entries, uint32_t ways,
		      uint64_t *misses);

#endif /* SVATRACE_MODEL_STACKDIST_H */
