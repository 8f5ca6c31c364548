// SPDX-License-Identifier: GPL-2.0
/*
 * stackdist.c - one-pass LRU miss counts for many cache sizes (see
 * stackdist.h for the methods and the assumptions).
 *
 * Fully associative part (Mattson 1970): the keys of the max_entries most
 * recent distinct references, each with its last-use time, in a hash (key ->
 * slot) and a recency list (the oldest is dropped when a new key arrives and
 * the stack is full: its next distance is at least max_entries, a miss of
 * every tracked size). A Fenwick tree over times holds one mark per live
 * key at its last use, so the distance of a reference whose key was last
 * used at t is the number of marks after t. Times run up to a fixed
 * capacity (4x the stack); then the live keys are renumbered 0..n-1 in
 * recency order from the list, O(stack) every 3x stack references.
 *
 * Set-associative part (Hill & Smith 1989): for each tracked set count, an
 * array of per-set stacks of max_ways keys, newest first; the depth where a
 * reference is found is its distance within its set. With one set-index
 * offset in use, a key newest in its set at one count is newest at every
 * finer count (refinement): the counts are searched coarsest first and the
 * finer ones skipped from there.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/xlate/stackdist.h"

#define SD_EMPTY UINT64_MAX
#define SD_NONE UINT32_MAX

struct sd_sets {
	uint64_t *keys;	   /* nr_sets * max_ways, newest first per set */
	uint64_t *hist;	   /* max_ways: references found at depth d */
	uint64_t set_mask; /* nr_sets - 1 */
};

struct stackdist {
	struct stackdist_cfg cfg; /* as given */
	uint64_t nr_refs;	  /* references */
	uint64_t first_hash;	  /* set_hash of the first reference */
	bool mixed;		  /* references with two set_hash values seen */
	/* fully associative */
	uint64_t *hkeys;	 /* hash slots: key or SD_EMPTY */
	uint32_t *hslots;	 /* hash slots: stack slot of the key */
	uint64_t hmask;		 /* hash capacity - 1 */
	unsigned int hshift;	 /* 64 - log2(hash capacity) */
	uint64_t *skey;		 /* stack slot: key */
	uint32_t *stime;	 /* stack slot: last-use time */
	uint32_t *sprev, *snext; /* stack slot: recency list (prev = newer) */
	uint32_t head, tail;	 /* newest, oldest slot */
	uint32_t nr_live;	 /* keys in the stack */
	uint32_t *fen;		 /* Fenwick tree, 1-based, tcap entries */
	uint32_t tcap;		 /* time capacity */
	uint32_t now;		 /* next time */
	uint64_t *hist_fa;	 /* max_entries: references at distance d */
	/* set-associative */
	struct sd_sets sets[STACKDIST_MAX_SETS_LOG2 + 1]; /* per log2(set count) */
	unsigned int
	    levels[STACKDIST_MAX_SETS_LOG2 + 1]; /* tracked log2(set count), finest first */
	unsigned int nr_levels;			 /* tracked set counts */
};

/* ---------------------------------------------------------------- hash */

static inline uint64_t h_home(const struct stackdist *sd, uint64_t key)
{
	return (key * 0x9e3779b97f4a7c15ull) >> sd->hshift & sd->hmask;
}

static inline uint64_t h_slot(const struct stackdist *sd, uint64_t key)
{
	uint64_t i = h_home(sd, key);

	while (sd->hkeys[i] != key && sd->hkeys[i] != SD_EMPTY)
		i = (i + 1) & sd->hmask;
	return i;
}

static void h_del(struct stackdist *sd, uint64_t key)
{
	uint64_t i = h_slot(sd, key), j = i;

	for (;;) {
		uint64_t k;

		j = (j + 1) & sd->hmask;
		if (sd->hkeys[j] == SD_EMPTY)
			break;
		k = h_home(sd, sd->hkeys[j]);
		if (((j - k) & sd->hmask) >= ((j - i) & sd->hmask)) {
			sd->hkeys[i] = sd->hkeys[j];
			sd->hslots[i] = sd->hslots[j];
			i = j;
		}
	}
	sd->hkeys[i] = SD_EMPTY;
}

/* ---------------------------------------------------------------- Fenwick */

static inline void fen_add(struct stackdist *sd, uint32_t t, int32_t v)
{
	for (uint32_t i = t + 1; i <= sd->tcap; i += i & -i)
		sd->fen[i - 1] += (uint32_t)v;
}

/* Marks at times 0..t. */
static inline uint32_t fen_prefix(const struct stackdist *sd, uint32_t t)
{
	uint32_t s = 0;

	for (uint32_t i = t + 1; i; i -= i & -i)
		s += sd->fen[i - 1];
	return s;
}

/* ---------------------------------------------------------------- list */

static inline void list_unlink(struct stackdist *sd, uint32_t s)
{
	if (sd->sprev[s] != SD_NONE)
		sd->snext[sd->sprev[s]] = sd->snext[s];
	else
		sd->head = sd->snext[s];
	if (sd->snext[s] != SD_NONE)
		sd->sprev[sd->snext[s]] = sd->sprev[s];
	else
		sd->tail = sd->sprev[s];
}

static inline void list_push(struct stackdist *sd, uint32_t s)
{
	sd->sprev[s] = SD_NONE;
	sd->snext[s] = sd->head;
	if (sd->head != SD_NONE)
		sd->sprev[sd->head] = s;
	else
		sd->tail = s;
	sd->head = s;
}

/* Renumber the live keys' times 0..n-1, oldest first, and rebuild the tree. */
static void compact(struct stackdist *sd)
{
	uint32_t t = 0;

	for (uint32_t s = sd->tail; s != SD_NONE; s = sd->sprev[s])
		sd->stime[s] = t++;
	memset(sd->fen, 0, (size_t)sd->tcap * sizeof(*sd->fen));
	/* linear build: each node passes its sum to its parent (all nodes) */
	for (uint32_t i = 1; i <= sd->tcap; i++) {
		uint32_t j = i + (i & -i);

		sd->fen[i - 1] += i <= t;
		if (j <= sd->tcap)
			sd->fen[j - 1] += sd->fen[i - 1];
	}
	sd->now = t;
}

static void ref_fa(struct stackdist *sd, uint64_t key)
{
	uint64_t h = h_slot(sd, key);
	uint32_t s;

	if (sd->now == sd->tcap)
		compact(sd);
	if (sd->hkeys[h] == key) {
		s = sd->hslots[h];
		/* marks after its last use = distinct keys referenced since */
		sd->hist_fa[sd->nr_live - fen_prefix(sd, sd->stime[s])]++;
		fen_add(sd, sd->stime[s], -1);
		list_unlink(sd, s);
	} else {
		if (sd->nr_live == sd->cfg.max_entries) {
			s = sd->tail; /* beyond every tracked size from now on */
			fen_add(sd, sd->stime[s], -1);
			list_unlink(sd, s);
			h_del(sd, sd->skey[s]);
			h = h_slot(sd, key);
		} else {
			s = sd->nr_live++;
		}
		sd->hkeys[h] = key;
		sd->hslots[h] = s;
		sd->skey[s] = key;
	}
	sd->stime[s] = sd->now;
	fen_add(sd, sd->now++, 1);
	list_push(sd, s);
}

/*
 * One reference in the per-set stacks of one set count; returns the depth
 * where the key was found, or @ways for a miss.
 *
 * The search and the move to the front are one loop: each slot passes its
 * key one deeper until the key is found (or the oldest falls out), so the
 * step costs a load and a store per slot above the key's depth and no
 * library call (a memmove per set count was 11% of a sweep, plus the scan).
 */
static inline uint32_t ref_sets(struct sd_sets *ss, unsigned int k, uint32_t ways, uint64_t key,
				uint64_t page, uint64_t set_hash)
{
	/* (set_hash * 2^k) >> 64, the context's offset with 2^k sets */
	uint64_t off = k ? set_hash >> (64 - k) : 0;
	uint64_t *st = ss->keys + ((page + off) & ss->set_mask) * ways;
	uint64_t carry = key, t;
	uint32_t d;

	for (d = 0; d < ways; d++) {
		t = st[d];
		st[d] = carry;
		if (t == key) {
			ss->hist[d]++;
			return d;
		}
		carry = t;
	}
	return ways;
}

void stackdist__ref(struct stackdist *sd, uint64_t key, uint64_t page, uint64_t set_hash)
{
	if (!sd->nr_refs++)
		sd->first_hash = set_hash;
	else if (set_hash != sd->first_hash)
		sd->mixed = true;
	if (sd->cfg.max_entries)
		ref_fa(sd, key);
	if (sd->mixed) {
		/* no refinement across contexts' offsets: every set count */
		for (unsigned int i = 0; i < sd->nr_levels; i++) {
			unsigned int k = sd->levels[i];

			ref_sets(&sd->sets[k], k, sd->cfg.max_ways, key, page, set_hash);
		}
		return;
	}
	/*
	 * Coarsest first. The newest key of its set at one set count is the
	 * newest of its set at every finer one (no key of the finer set was
	 * referenced since: set refinement, Hill & Smith 1989, one context):
	 * depth 0 at every finer count, and its stacks need no move. The finer
	 * counts' arrays are the large ones, so this skips most of the memory
	 * a reference would touch when the stream repeats a page.
	 */
	for (unsigned int i = sd->nr_levels; i-- > 0;) {
		unsigned int k = sd->levels[i];

		if (!ref_sets(&sd->sets[k], k, sd->cfg.max_ways, key, page, set_hash)) {
			while (i-- > 0)
				sd->sets[sd->levels[i]].hist[0]++;
			return;
		}
	}
}

uint64_t stackdist__refs(const struct stackdist *sd)
{
	return sd->nr_refs;
}

int stackdist__misses(const struct stackdist *sd, uint32_t entries, uint32_t ways, uint64_t *misses)
{
	uint64_t hits = 0, sets;
	unsigned int k = 0;

	if (!entries || !ways || entries % ways)
		return -EINVAL;
	if (ways == entries && entries <= sd->cfg.max_entries) {
		for (uint32_t d = 0; d < entries; d++)
			hits += sd->hist_fa[d];
		*misses = sd->nr_refs - hits;
		return 0;
	}
	sets = entries / ways;
	if (sets & (sets - 1) || ways > sd->cfg.max_ways)
		return -EINVAL;
	while ((1ull << k) < sets)
		k++;
	if (k > STACKDIST_MAX_SETS_LOG2 || !sd->sets[k].keys)
		return -EINVAL;
	for (uint32_t d = 0; d < ways; d++)
		hits += sd->sets[k].hist[d];
	*misses = sd->nr_refs - hits;
	return 0;
}

/* ---------------------------------------------------------------- lifetime */

static int fa_init(struct stackdist *sd)
{
	uint64_t d = sd->cfg.max_entries, cap = 1;
	unsigned int bits = 0;

	while (cap < 2 * d) {
		cap <<= 1;
		bits++;
	}
	sd->hmask = cap - 1;
	sd->hshift = 64 - bits;
	sd->tcap = d < 256 ? 1024 : (uint32_t)(4 * d);
	sd->head = sd->tail = SD_NONE;
	sd->hkeys = malloc(cap * sizeof(*sd->hkeys));
	sd->hslots = malloc(cap * sizeof(*sd->hslots));
	sd->skey = malloc(d * sizeof(*sd->skey));
	sd->stime = malloc(d * sizeof(*sd->stime));
	sd->sprev = malloc(d * sizeof(*sd->sprev));
	sd->snext = malloc(d * sizeof(*sd->snext));
	sd->fen = calloc(sd->tcap, sizeof(*sd->fen));
	sd->hist_fa = calloc(d, sizeof(*sd->hist_fa));
	if (!sd->hkeys || !sd->hslots || !sd->skey || !sd->stime || !sd->sprev || !sd->snext ||
	    !sd->fen || !sd->hist_fa)
		return -ENOMEM;
	memset(sd->hkeys, 0xff, cap * sizeof(*sd->hkeys));
	return 0;
}

struct stackdist *stackdist__new(const struct stackdist_cfg *cfg)
{
	struct stackdist *sd;

	if (cfg->max_entries > (1u << 28) || (cfg->sets_mask && !cfg->max_ways) ||
	    cfg->max_ways > 4096 ||
	    (STACKDIST_MAX_SETS_LOG2 < 31 && cfg->sets_mask >> (STACKDIST_MAX_SETS_LOG2 + 1))) {
		errno = EINVAL;
		return NULL;
	}
	sd = calloc(1, sizeof(*sd));
	if (!sd)
		return NULL;
	sd->cfg = *cfg;
	if (cfg->max_entries && fa_init(sd))
		goto nomem;
	for (uint32_t k = 0; k <= STACKDIST_MAX_SETS_LOG2; k++) {
		struct sd_sets *ss = &sd->sets[k];
		size_t n = ((size_t)1 << k) * cfg->max_ways;

		if (!(cfg->sets_mask >> k & 1))
			continue;
		ss->set_mask = (1ull << k) - 1;
		/* a set of 8 ways in one cache line, not straddling two */
		ss->keys = aligned_alloc(64, (n * sizeof(*ss->keys) + 63) & ~(size_t)63);
		ss->hist = calloc(cfg->max_ways, sizeof(*ss->hist));
		if (!ss->keys || !ss->hist)
			goto nomem;
		memset(ss->keys, 0xff, n * sizeof(*ss->keys));
	}
	for (int k = STACKDIST_MAX_SETS_LOG2; k >= 0; k--)
		if (sd->sets[k].keys)
			sd->levels[sd->nr_levels++] = (unsigned int)k;
	return sd;
nomem:
	stackdist__free(sd);
	errno = ENOMEM;
	return NULL;
}

void stackdist__free(struct stackdist *sd)
{
	if (!sd)
		return;
	free(sd->hkeys);
	free(sd->hslots);
	free(sd->skey);
	free(sd->stime);
	free(sd->sprev);
	free(sd->snext);
	free(sd->fen);
	free(sd->hist_fa);
	for (uint32_t k = 0; k <= STACKDIST_MAX_SETS_LOG2; k++) {
		free(sd->sets[k].keys);
		free(sd->sets[k].hist);
	}
	free(sd);
}
