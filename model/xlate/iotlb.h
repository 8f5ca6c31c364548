/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iotlb.h - a set-associative (or fully associative) translation tag store:
 * the IOMMU's IOTLB, and, reused with other shifts, the device ATC, the
 * paging-structure caches, the context cache and the PASID cache.
 *
 * An entry is keyed by (context, page number, page size): the context is a
 * small index interned from (domain or source id, PASID) by iotlb__ctx(), so
 * the hot path compares one 64-bit word per way and never hashes a struct.
 * A lookup that misses fills the entry at once (classic trace-driven cache
 * simulation). Replacement is a pluggable const ops table (LRU, FIFO, random).
 * Sets of up to IOTLB_SCAN_WAYS ways are scanned; wider sets (a fully
 * associative IOTLB) are found through a hash index and keep their order in
 * a per-set recency list, so a lookup costs O(1) at any associativity with
 * the same hits, misses and victims as the scan.
 *
 * Model assumptions:
 * - The set index (iotlb.set_index, default ctx-hash) is
 *     set = (page number + ctx offset) mod sets,
 *     ctx offset = floor(frac(key * phi) * sets), key = domain << 20 ^ PASID
 *   (Fibonacci hashing, Knuth TAOCP vol. 3, 6.4: consecutive keys, as the
 *   kernel allocates PASIDs and domain ids, spread evenly over the sets).
 *   Address spaces that use the same page numbers (every process's buffers
 *   at the same VA, clients at large power-of-two strides) then no longer
 *   pile into one set, while one address space sees its sets merely rotated,
 *   so its hits and misses are exactly those of the plain index. The plain
 *   page index (set = page number mod sets) is kept as iotlb.set_index=page.
 *   Each page size indexes with its own page number.
 * - A miss fills immediately; a second lookup of the same page while its
 *   walk is in flight hits (no miss-status holding registers modelled).
 * - Entries of all page sizes share the sets; a lookup names its page size
 *   (the replay knows it from the mapping), so no multi-size probing.
 * - At most IOTLB_MAX_CTX distinct (domain, PASID) contexts per instance;
 *   more alias onto the last one (counted in nr_ctx_overflow).
 */
#ifndef SVATRACE_MODEL_IOTLB_H
#define SVATRACE_MODEL_IOTLB_H

#include <stdbool.h>
#include <stdint.h>

struct prng;

#define IOTLB_NR_PSZ 3	      /* page sizes: 4 KiB, 2 MiB, 1 GiB */
#define IOTLB_MAX_CTX 4096    /* contexts per instance (12 bits of the key) */
#define IOTLB_ANY 0xffffffffu /* wildcard domain/PASID in invalidations */
#define IOTLB_SCAN_WAYS 16    /* wider sets are indexed (two cache lines of keys) */

enum iotlb_psz {
	IOTLB_PSZ_4K = 0,
	IOTLB_PSZ_2M = 1,
	IOTLB_PSZ_1G = 2,
};

/* A replacement policy: one const table per policy, listed in IOTLB_POLICIES below. */
struct iotlb_policy {
	const char *name;    /* "lru" */
	const char *summary; /* one line */
	bool stamp_on_hit;   /* refresh the way's stamp on a hit (LRU) */
	bool evict_oldest;   /* victim = oldest stamp: indexed stores use a list */
	/*
	 * Pick the way to evict in a set. @stamps: per-way stamp of the last
	 * fill (or last use if stamp_on_hit), 0 for an invalid way; @full: the
	 * set has no invalid way (the store counts them, so a policy need not
	 * look); @prng: the instance's PRNG.
	 */
	uint32_t (*victim)(const uint64_t *stamps, uint32_t ways, bool full, struct prng *prng);
};

/*
 * The registry: one line per policy, in the order parameter enums store
 * (an index into this list). Policy NAME is `const struct iotlb_policy
 * iotlb_policy_NAME` in its own file, model/xlate/policy_NAME.c, whose
 * .name is "NAME". The registry array and the choice string are both made
 * from this list, so a stored index always names the policy whose word was
 * parsed. Adding a policy: one file and one line here.
 */
#define IOTLB_POLICIES(X)                                                                          \
	X(lru)                                                                                     \
	X(fifo)                                                                                    \
	X(random)

#define IOTLB_POLICY_DECLARE_(n) extern const struct iotlb_policy iotlb_policy_##n;
IOTLB_POLICIES(IOTLB_POLICY_DECLARE_)
#undef IOTLB_POLICY_DECLARE_

#define IOTLB_POLICY_WORD_(n) "|" #n
/* "lru|fifo|random": the choices of a policy parameter (a constant expression) */
#define IOTLB_POLICY_CHOICES (IOTLB_POLICIES(IOTLB_POLICY_WORD_) + 1)

/** iotlb_policy_find() - policy by name, NULL if unknown. */
const struct iotlb_policy *iotlb_policy_find(const char *name);

/** iotlb_policy_choices() - IOTLB_POLICY_CHOICES (for the parameter table). */
const char *iotlb_policy_choices(void);

/** iotlb_policy_count() - number of registered policies. */
uint32_t iotlb_policy_count(void);

/** iotlb_policy_by_index() - policy number @i of the registry (enum order). */
const struct iotlb_policy *iotlb_policy_by_index(uint32_t i);

/* How a lookup picks its set (see the model assumptions above). */
enum iotlb_index {
	IOTLB_INDEX_CTX_HASH = 0, /* page number + Fibonacci hash of (domain, PASID) */
	IOTLB_INDEX_PAGE = 1,	  /* page number only */
	IOTLB_INDEX_NR_
};

/** iotlb_index_choices() - "ctx-hash|page" (for the parameter table, enum order). */
const char *iotlb_index_choices(void);

struct iotlb_geom {
	uint32_t entries;		   /* total entries (> 0) */
	uint32_t ways;			   /* ways per set; == entries: fully associative */
	const struct iotlb_policy *policy; /* replacement */
	uint64_t seed;			   /* PRNG seed (random policy) */
	uint32_t index;			   /* enum iotlb_index (0: ctx-hash) */
	bool custom_shift;		   /* use shift[]; else 12/21/30 */
	uint8_t shift[IOTLB_NR_PSZ];	   /* address shift per page size */
	bool no_index;			   /* always scan the ways (tests compare both paths) */
};

/* Kinds of invalidation. */
enum iotlb_inval_kind {
	IOTLB_INV_GLOBAL = 0, /* everything */
	IOTLB_INV_DOMAIN = 1, /* every entry of a domain */
	IOTLB_INV_PASID = 2,  /* every entry of (domain or any, PASID) */
	IOTLB_INV_RANGE = 3,  /* entries overlapping [addr, addr+bytes) of (domain, PASID) */
	IOTLB_INV_NR_KINDS_
};

struct iotlb_inval {
	enum iotlb_inval_kind kind; /* what to drop */
	uint32_t domain;	    /* domain/source id, IOTLB_ANY for all */
	uint32_t pasid;		    /* PASID, IOTLB_ANY for all */
	uint64_t addr;		    /* RANGE: start address */
	uint64_t bytes;		    /* RANGE: length (> 0) */
};

struct iotlb_stats {
	uint64_t nr_lookups;			/* iotlb__access calls */
	uint64_t nr_hits;			/* of which hits */
	uint64_t nr_misses;			/* of which misses (filled) */
	uint64_t nr_evictions;			/* valid entries replaced on a fill */
	uint64_t nr_inval[IOTLB_INV_NR_KINDS_]; /* invalidation requests per kind */
	uint64_t nr_inval_entries;		/* entries dropped by invalidations */
	uint64_t nr_ctx_overflow;		/* contexts aliased because the table was full */
};

struct iotlb;

/**
 * iotlb_geom_check() - validate a geometry.
 * Return: 0, or -EINVAL with a reason in @why (a static string).
 */
int iotlb_geom_check(const struct iotlb_geom *g, const char **why);

/** iotlb__new() - empty tag store; NULL with errno (EINVAL: bad geometry). */
struct iotlb *iotlb__new(const struct iotlb_geom *g);

/**
 * iotlb_ctx_hash() - the 64-bit fraction frac(key * phi) of a context under
 * the ctx-hash set index: its set offset is (frac * sets) >> 64 (0 for (0, 0)).
 */
uint64_t iotlb_ctx_hash(uint32_t domain, uint32_t pasid);

/** iotlb__free() - free; NULL is a no-op. */
void iotlb__free(struct iotlb *t);

/**
 * iotlb__ctx() - the context index of (@domain, @pasid), interning it.
 * Cheap when called again with the previous pair.
 */
uint32_t iotlb__ctx(struct iotlb *t, uint32_t domain, uint32_t pasid);

/**
 * iotlb__access() - look up the page of @addr; fill it on a miss.
 * @t: tag store.
 * @ctx: from iotlb__ctx().
 * @addr: address (IOVA); the page number is @addr >> shift[@psz].
 * @psz: enum iotlb_psz.
 *
 * Return: true on a hit.
 */
bool iotlb__access(struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz);

/** iotlb__probe() - true if the page is cached; changes nothing (not even stats). */
bool iotlb__probe(const struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz);

/** iotlb__drop() - remove one page's entry if cached (not counted as an invalidation). */
void iotlb__drop(struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz);

/** iotlb__inval() - drop matching entries. Return: entries dropped. */
uint64_t iotlb__inval(struct iotlb *t, const struct iotlb_inval *inv);

/** iotlb__stats() - counters so far. */
const struct iotlb_stats *iotlb__stats(const struct iotlb *t);

/** iotlb__nr_valid() - valid entries now (for tests). */
uint64_t iotlb__nr_valid(const struct iotlb *t);

#endif /* SVATRACE_MODEL_IOTLB_H */
