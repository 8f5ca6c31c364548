// SPDX-License-Identifier: GPL-2.0
/*
 * iotlb.c - the translation tag store (see iotlb.h for the assumptions).
 *
 * Layout for speed: two flat arrays, keys[] and stamps[], with set s in
 * [s*ways, (s+1)*ways). A key packs (page number << 14 | context << 2 |
 * page size); an invalid way holds IOTLB_KEY_INVALID (page size field 3,
 * which no real key has). A lookup computes the set with a mask (power-of-two
 * set counts) or a modulo, scans the ways' keys (8 ways = one cache line),
 * and on a hit writes the way's stamp if the policy asks. A miss asks the
 * policy for a victim among the set's stamps; invalid ways carry stamp 0 so
 * LRU and FIFO pick them first without a special case.
 *
 * Sets wider than IOTLB_SCAN_WAYS add an index: a chained hash from key to
 * way (at least twice as many buckets as entries, a chain link per way, so
 * it never grows or allocates; the keys stay in keys[], so a chain holds
 * way numbers only and a deletion unlinks one way: the open-addressing
 * table it replaced spent 4% of the replay in its backward-shift deletion
 * on the issue-16 stream), and, for the policies that
 * evict the oldest stamp (LRU, FIFO), a circular doubly linked list per set
 * ordered newest first with the invalid ways at the tail. A hit (LRU) moves
 * its way to the front, a fill takes the tail: the tail is an invalid way
 * if there is one, else the way with the oldest stamp, which is the way the
 * scan would pick (valid stamps are unique: the clock ticks per access).
 * Random keeps the ways and stamps, and its victim function is told whether
 * the set is full, so it draws the same numbers without scanning.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/xlate/iotlb.h"
#include "lib/prng.h"

#define IOTLB_KEY_INVALID UINT64_MAX
#define IOTLB_VPN_BITS 50
#define IOTLB_VPN_MASK ((1ull << IOTLB_VPN_BITS) - 1)
#define IOTLB_NO_WAY UINT32_MAX

struct iotlb_ctx_ent {
	uint32_t domain;     /* domain or source id */
	uint32_t pasid;	     /* PASID */
	uint32_t set_offset; /* added to the page number to pick the set */
};

struct iotlb {
	uint64_t *keys;			   /* nr_sets * ways keys */
	uint64_t *stamps;		   /* per way: fill or last-use stamp */
	uint32_t *nr_valid;		   /* per set: valid ways */
	uint64_t clock;			   /* stamp source, +1 per access */
	uint64_t set_mask;		   /* nr_sets - 1 if a power of two */
	uint32_t nr_sets;		   /* entries / ways */
	uint32_t ways;			   /* ways per set */
	uint32_t index;			   /* enum iotlb_index */
	bool sets_pow2;			   /* set index by mask */
	bool stamp_on_hit;		   /* copy of policy->stamp_on_hit */
	bool indexed;			   /* hash index instead of a way scan */
	bool listed;			   /* indexed and the policy evicts the oldest */
	uint32_t *hhead;		   /* index: hmask + 1 buckets, first way of each chain */
	uint32_t *hnext;		   /* index: per way, the next way of its chain */
	uint64_t hmask;			   /* index buckets - 1 */
	unsigned int hshift;		   /* 64 - log2(capacity) */
	uint32_t *prev, *next;		   /* list: per way, neighbours in its set */
	uint32_t *head;			   /* list: per set, newest way */
	uint8_t shift[IOTLB_NR_PSZ];	   /* address shift per page size */
	const struct iotlb_policy *policy; /* replacement */
	struct prng prng;		   /* PRNG state (random policy) */
	struct iotlb_ctx_ent *ctxs;	   /* interned contexts */
	uint32_t nr_ctxs;		   /* used entries of ctxs */
	uint32_t last_ctx;		   /* index returned last by iotlb__ctx */
	struct iotlb_stats st;		   /* counters */
};

/* ---------------------------------------------------------------- policies */

/* The registry, made from IOTLB_POLICIES (iotlb.h): index = stored enum value. */
#define POLICY_ENTRY_(n) &iotlb_policy_##n,
static const struct iotlb_policy *const iotlb_policies[] = {IOTLB_POLICIES(POLICY_ENTRY_)};
#undef POLICY_ENTRY_
#define NR_POLICIES (sizeof(iotlb_policies) / sizeof(iotlb_policies[0]))

const struct iotlb_policy *iotlb_policy_find(const char *name)
{
	for (size_t i = 0; i < NR_POLICIES; i++)
		if (!strcmp(iotlb_policies[i]->name, name))
			return iotlb_policies[i];
	return NULL;
}

const struct iotlb_policy *iotlb_policy_by_index(uint32_t i)
{
	return i < NR_POLICIES ? iotlb_policies[i] : NULL;
}

const char *iotlb_policy_choices(void)
{
	return IOTLB_POLICY_CHOICES;
}

uint32_t iotlb_policy_count(void)
{
	return NR_POLICIES;
}

/* ---------------------------------------------------------------- geometry */

int iotlb_geom_check(const struct iotlb_geom *g, const char **why)
{
	if (!g->entries) {
		*why = "entries must be > 0";
		return -EINVAL;
	}
	if (!g->ways) {
		*why = "ways must be > 0";
		return -EINVAL;
	}
	if (g->ways > g->entries) {
		*why = "ways must be <= entries";
		return -EINVAL;
	}
	if (g->entries % g->ways) {
		*why = "entries must be divisible by ways";
		return -EINVAL;
	}
	if (g->index >= IOTLB_INDEX_NR_) {
		*why = "unknown set index function";
		return -EINVAL;
	}
	if (!g->policy) {
		*why = "no replacement policy";
		return -EINVAL;
	}
	for (int i = 0; i < IOTLB_NR_PSZ; i++) {
		if (g->shift[i] > 63) {
			*why = "page shift must be < 64";
			return -EINVAL;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- index */

static int index_init(struct iotlb *t)
{
	uint64_t entries = (uint64_t)t->nr_sets * t->ways, cap = 1;
	unsigned int bits = 0;

	while (cap < 2 * entries) {
		cap <<= 1;
		bits++;
	}
	t->hhead = malloc(cap * sizeof(*t->hhead));
	t->hnext = malloc(entries * sizeof(*t->hnext));
	if (!t->hhead || !t->hnext)
		return -ENOMEM;
	memset(t->hhead, 0xff, cap * sizeof(*t->hhead));
	t->hmask = cap - 1;
	t->hshift = 64 - bits;
	t->indexed = true;
	if (!t->policy->evict_oldest)
		return 0;
	t->prev = malloc(entries * sizeof(*t->prev));
	t->next = malloc(entries * sizeof(*t->next));
	t->head = malloc(t->nr_sets * sizeof(*t->head));
	if (!t->prev || !t->next || !t->head)
		return -ENOMEM;
	for (uint32_t s = 0; s < t->nr_sets; s++) {
		uint32_t base = s * t->ways;

		for (uint32_t w = 0; w < t->ways; w++) {
			t->next[base + w] = base + (w + 1) % t->ways;
			t->prev[base + w] = base + (w + t->ways - 1) % t->ways;
		}
		t->head[s] = base;
	}
	t->listed = true;
	return 0;
}

static inline uint64_t index_home(const struct iotlb *t, uint64_t key)
{
	/* Fibonacci hashing: page numbers in the low bits spread over the table */
	return (key * 0x9e3779b97f4a7c15ull) >> t->hshift & t->hmask;
}

/* The way holding @key, or IOTLB_NO_WAY: its bucket's chain, the keys read from keys[]. */
static inline uint32_t index_find(const struct iotlb *t, uint64_t key)
{
	uint32_t g = t->hhead[index_home(t, key)];

	while (g != IOTLB_NO_WAY && t->keys[g] != key)
		g = t->hnext[g];
	return g;
}

/* Index way @way, which now holds @key. */
static inline void index_put(struct iotlb *t, uint64_t key, uint32_t way)
{
	uint32_t *h = &t->hhead[index_home(t, key)];

	t->hnext[way] = *h;
	*h = way;
}

/* Unindex way @way, which holds @key (still in keys[]). */
static inline void index_del(struct iotlb *t, uint64_t key, uint32_t way)
{
	uint32_t *p = &t->hhead[index_home(t, key)];

	while (*p != way)
		p = &t->hnext[*p];
	*p = t->hnext[way];
}

/* List: make way @g of set @s the newest. */
static inline void list_front(struct iotlb *t, uint32_t s, uint32_t g)
{
	uint32_t h = t->head[s];

	if (g == h)
		return;
	if (g != t->prev[h]) {
		t->next[t->prev[g]] = t->next[g];
		t->prev[t->next[g]] = t->prev[g];
		t->prev[g] = t->prev[h];
		t->next[g] = h;
		t->next[t->prev[h]] = g;
		t->prev[h] = g;
	}
	/* the tail sits just before the head: making it the head rotates */
	t->head[s] = g;
}

/* List: make way @g of set @s the tail (it has just become invalid). */
static void list_back(struct iotlb *t, uint32_t s, uint32_t g)
{
	uint32_t h = t->head[s];

	if (g == h) {
		t->head[s] = t->next[h];
		return;
	}
	if (g == t->prev[h])
		return;
	t->next[t->prev[g]] = t->next[g];
	t->prev[t->next[g]] = t->prev[g];
	t->prev[g] = t->prev[h];
	t->next[g] = h;
	t->next[t->prev[h]] = g;
	t->prev[h] = g;
}

/* ---------------------------------------------------------------- store */

struct iotlb *iotlb__new(const struct iotlb_geom *g)
{
	static const uint8_t dflt_shift[IOTLB_NR_PSZ] = {12, 21, 30};
	const char *why;
	struct iotlb *t;

	if (iotlb_geom_check(g, &why)) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ways = g->ways;
	t->nr_sets = g->entries / g->ways;
	t->sets_pow2 = !(t->nr_sets & (t->nr_sets - 1));
	t->set_mask = t->nr_sets - 1;
	t->index = g->index;
	t->policy = g->policy;
	t->stamp_on_hit = g->policy->stamp_on_hit;
	prng_seed(&t->prng, g->seed);
	for (int i = 0; i < IOTLB_NR_PSZ; i++)
		t->shift[i] = g->custom_shift ? g->shift[i] : dflt_shift[i];
	/* 64-byte alignment keeps an 8-way set in one cache line */
	if (posix_memalign((void **)&t->keys, 64, (size_t)g->entries * sizeof(uint64_t)) ||
	    posix_memalign((void **)&t->stamps, 64, (size_t)g->entries * sizeof(uint64_t)))
		goto nomem;
	memset(t->keys, 0xff, (size_t)g->entries * sizeof(uint64_t));
	memset(t->stamps, 0, (size_t)g->entries * sizeof(uint64_t));
	t->nr_valid = calloc(t->nr_sets, sizeof(*t->nr_valid));
	if (!t->nr_valid || (t->ways > IOTLB_SCAN_WAYS && !g->no_index && index_init(t)))
		goto nomem;
	t->ctxs = calloc(IOTLB_MAX_CTX, sizeof(*t->ctxs));
	if (!t->ctxs)
		goto nomem;
	t->ctxs[0].domain = 0;
	t->ctxs[0].pasid = 0;
	t->nr_ctxs = 1; /* context 0 = (0, 0), the common case */
	return t;
nomem:
	iotlb__free(t);
	errno = ENOMEM;
	return NULL;
}

void iotlb__free(struct iotlb *t)
{
	if (!t)
		return;
	free(t->keys);
	free(t->stamps);
	free(t->nr_valid);
	free(t->hhead);
	free(t->hnext);
	free(t->prev);
	free(t->next);
	free(t->head);
	free(t->ctxs);
	free(t);
}

const char *iotlb_index_choices(void)
{
	return "ctx-hash|page";
}

/*
 * Fibonacci hashing (Knuth TAOCP vol. 3, 6.4): the fraction of key * phi,
 * scaled to [0, nr_sets). Key 0, context (0, 0), gets offset 0, so traces
 * without domains or PASIDs index exactly as by page number.
 */
uint64_t iotlb_ctx_hash(uint32_t domain, uint32_t pasid)
{
	uint64_t key = ((uint64_t)domain << 20) ^ pasid;

	return key * 0x9e3779b97f4a7c15ull;
}

static uint32_t ctx_set_offset(const struct iotlb *t, uint32_t domain, uint32_t pasid)
{
	uint64_t frac = iotlb_ctx_hash(domain, pasid);

	if (t->index == IOTLB_INDEX_PAGE)
		return 0;
	return (uint32_t)(((unsigned __int128)frac * t->nr_sets) >> 64);
}

uint32_t iotlb__ctx(struct iotlb *t, uint32_t domain, uint32_t pasid)
{
	const struct iotlb_ctx_ent *c = &t->ctxs[t->last_ctx];

	if (c->domain == domain && c->pasid == pasid)
		return t->last_ctx;
	for (uint32_t i = 0; i < t->nr_ctxs; i++) {
		if (t->ctxs[i].domain == domain && t->ctxs[i].pasid == pasid) {
			t->last_ctx = i;
			return i;
		}
	}
	if (t->nr_ctxs == IOTLB_MAX_CTX) {
		t->st.nr_ctx_overflow++;
		return IOTLB_MAX_CTX - 1;
	}
	t->ctxs[t->nr_ctxs].domain = domain;
	t->ctxs[t->nr_ctxs].pasid = pasid;
	t->ctxs[t->nr_ctxs].set_offset = ctx_set_offset(t, domain, pasid);
	t->last_ctx = t->nr_ctxs;
	return t->nr_ctxs++;
}

static inline uint64_t make_key(uint64_t vpn, uint32_t ctx, unsigned int psz)
{
	return ((vpn & IOTLB_VPN_MASK) << 14) | ((uint64_t)ctx << 2) | psz;
}

static inline uint64_t set_of(const struct iotlb *t, uint32_t ctx, uint64_t vpn)
{
	vpn += t->ctxs[ctx].set_offset;
	return t->sets_pow2 ? (vpn & t->set_mask) : vpn % t->nr_sets;
}

/* Fill way @g (global index) of set @s with @key after a miss. */
static inline void fill(struct iotlb *t, uint32_t s, uint64_t g, uint64_t key)
{
	if (t->keys[g] != IOTLB_KEY_INVALID) {
		t->st.nr_evictions++;
		if (t->indexed)
			index_del(t, t->keys[g], (uint32_t)g);
	} else {
		t->nr_valid[s]++;
	}
	t->keys[g] = key;
	t->stamps[g] = t->clock;
	if (t->indexed)
		index_put(t, key, (uint32_t)g);
	if (t->listed)
		list_front(t, s, (uint32_t)g);
}

/* The indexed path of iotlb__access (sets wider than IOTLB_SCAN_WAYS). */
static bool access_indexed(struct iotlb *t, uint64_t key, uint32_t s)
{
	uint32_t g = index_find(t, key);

	if (g != IOTLB_NO_WAY) {
		t->st.nr_hits++;
		if (t->stamp_on_hit) {
			t->stamps[g] = t->clock;
			if (t->listed)
				list_front(t, s, g);
		}
		return true;
	}
	t->st.nr_misses++;
	if (t->listed) {
		g = t->prev[t->head[s]]; /* the tail: invalid, else oldest */
	} else {
		uint64_t base = (uint64_t)s * t->ways;

		g = (uint32_t)base + t->policy->victim(t->stamps + base, t->ways,
						       t->nr_valid[s] == t->ways, &t->prng);
	}
	fill(t, s, g, key);
	return false;
}

/*
 * The way of @key among @ways keys (a key is in at most one way), @ways if
 * none. Every way is compared into a match mask, no exit on a match: the
 * loop's branches no longer depend on where the page sits, which the
 * early-exit scan mispredicted (its exit was 21% of iotlb__access on the
 * issue-16 stream). Inlined with a constant @ways (scan_ways()), the loop
 * unrolls into straight compares.
 */
static inline __attribute__((always_inline)) uint32_t match_way(const uint64_t *keys, uint64_t key,
								uint32_t ways)
{
	uint32_t match = 0;

#pragma GCC unroll 16
	for (uint32_t w = 0; w < ways; w++)
		match |= (uint32_t)(keys[w] == key) << w;
	return match ? (uint32_t)__builtin_ctz(match) : ways;
}

/*
 * The oldest stamp's way, the first of equal ones (policy_victim_oldest()),
 * for a constant @ways: unrolled into conditional moves.
 */
static inline __attribute__((always_inline)) uint32_t oldest_way(const uint64_t *stamps,
								 uint32_t ways)
{
	uint32_t best = 0;
	uint64_t min = stamps[0];

#pragma GCC unroll 16
	for (uint32_t w = 1; w < ways; w++) {
		bool lt = stamps[w] < min;

		min = lt ? stamps[w] : min;
		best = lt ? w : best;
	}
	return best;
}

/* A lookup in the set at @base (not indexed); @ways may be a constant (scan_ways()). */
static inline __attribute__((always_inline)) bool
access_scan(struct iotlb *t, uint64_t key, uint32_t s, uint64_t base, uint32_t ways)
{
	uint64_t *keys = t->keys + base;
	uint64_t *stamps = t->stamps + base;
	uint32_t w;

	if (ways <= 32) {
		w = match_way(keys, key, ways);
	} else { /* wide sets scanned on request (geometry no_index) */
		for (w = 0; w < ways && keys[w] != key; w++)
			;
	}
	if (w < ways) {
		t->st.nr_hits++;
		if (t->stamp_on_hit)
			stamps[w] = t->clock;
		return true;
	}
	t->st.nr_misses++;
	/* LRU and FIFO: the oldest stamp, inline (no call through the policy per miss) */
	w = t->policy->evict_oldest
		? oldest_way(stamps, ways)
		: t->policy->victim(stamps, ways, t->nr_valid[s] == ways, &t->prng);
	fill(t, s, base + w, key);
	return false;
}

bool iotlb__access(struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz)
{
	uint64_t vpn = addr >> t->shift[psz];
	uint64_t key = make_key(vpn, ctx, psz);
	uint32_t s = (uint32_t)set_of(t, ctx, vpn);
	uint64_t base = (uint64_t)s * t->ways;

	t->clock++;
	t->st.nr_lookups++;
	if (t->indexed)
		return access_indexed(t, key, s);
	/* the common geometries with a constant way count: straight-line compares */
	switch (t->ways) {
	case 4:
		return access_scan(t, key, s, base, 4);
	case 8:
		return access_scan(t, key, s, base, 8);
	case 16:
		return access_scan(t, key, s, base, 16);
	default:
		return access_scan(t, key, s, base, t->ways);
	}
}

/* The global way index of @key, or IOTLB_NO_WAY. */
static uint32_t find_way(const struct iotlb *t, uint64_t key, uint32_t ctx, uint64_t vpn)
{
	uint64_t base;

	if (t->indexed)
		return index_find(t, key);
	base = set_of(t, ctx, vpn) * t->ways;
	for (uint32_t w = 0; w < t->ways; w++)
		if (t->keys[base + w] == key)
			return (uint32_t)(base + w);
	return IOTLB_NO_WAY;
}

bool iotlb__probe(const struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz)
{
	uint64_t vpn = addr >> t->shift[psz];

	return find_way(t, make_key(vpn, ctx, psz), ctx, vpn) != IOTLB_NO_WAY;
}

/* Invalidate way @g (global index), which holds a valid key. */
static void invalidate_way(struct iotlb *t, uint64_t g)
{
	uint32_t s = (uint32_t)(g / t->ways);

	if (t->indexed)
		index_del(t, t->keys[g], (uint32_t)g);
	if (t->listed)
		list_back(t, s, (uint32_t)g);
	t->keys[g] = IOTLB_KEY_INVALID;
	t->stamps[g] = 0;
	t->nr_valid[s]--;
}

void iotlb__drop(struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz)
{
	uint64_t vpn = addr >> t->shift[psz];
	uint32_t g = find_way(t, make_key(vpn, ctx, psz), ctx, vpn);

	/* a key is held by at most one way: fills happen only after a miss */
	if (g != IOTLB_NO_WAY)
		invalidate_way(t, g);
}

static bool entry_matches(const struct iotlb *t, uint64_t key, const struct iotlb_inval *inv)
{
	uint32_t ctx = (uint32_t)(key >> 2) & (IOTLB_MAX_CTX - 1);
	const struct iotlb_ctx_ent *c = &t->ctxs[ctx];
	unsigned int psz = (unsigned int)(key & 3);
	uint64_t start, end;

	if (inv->kind == IOTLB_INV_GLOBAL)
		return true;
	if (inv->domain != IOTLB_ANY && c->domain != inv->domain)
		return false;
	if (inv->kind == IOTLB_INV_DOMAIN)
		return true;
	if (inv->pasid != IOTLB_ANY && c->pasid != inv->pasid)
		return false;
	if (inv->kind == IOTLB_INV_PASID)
		return true;
	start = (key >> 14) << t->shift[psz];
	end = start + (1ull << t->shift[psz]);
	return start < inv->addr + inv->bytes && inv->addr < end;
}

uint64_t iotlb__inval(struct iotlb *t, const struct iotlb_inval *inv)
{
	uint64_t n = 0, total = (uint64_t)t->nr_sets * t->ways;

	if (inv->kind < IOTLB_INV_NR_KINDS_)
		t->st.nr_inval[inv->kind]++;
	if (inv->kind == IOTLB_INV_RANGE && !inv->bytes)
		return 0;
	/*
	 * A scan of every way: invalidations are rare next to lookups, and a
	 * scan is right for every page size and range length at once.
	 */
	for (uint64_t i = 0; i < total; i++) {
		if (t->keys[i] == IOTLB_KEY_INVALID || !entry_matches(t, t->keys[i], inv))
			continue;
		invalidate_way(t, i);
		n++;
	}
	t->st.nr_inval_entries += n;
	return n;
}

const struct iotlb_stats *iotlb__stats(const struct iotlb *t)
{
	return &t->st;
}

uint64_t iotlb__nr_valid(const struct iotlb *t)
{
	uint64_t n = 0, total = (uint64_t)t->nr_sets * t->ways;

	for (uint64_t i = 0; i < total; i++)
		n += t->keys[i] != IOTLB_KEY_INVALID;
	return n;
}
