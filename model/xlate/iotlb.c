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
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/xlate/iotlb.h"
#include "model/prng.h"

#define IOTLB_KEY_INVALID UINT64_MAX
#define IOTLB_VPN_BITS 50
#define IOTLB_VPN_MASK ((1ull << IOTLB_VPN_BITS) - 1)

struct iotlb_ctx_ent {
	uint32_t domain;	/* domain or source id */
	uint32_t pasid;		/* PASID */
	uint32_t set_offset;	/* added to the page number to pick the set */
};

struct iotlb {
	uint64_t *keys;				/* nr_sets * ways keys */
	uint64_t *stamps;			/* per way: fill or last-use stamp */
	uint64_t clock;				/* stamp source, +1 per access */
	uint64_t set_mask;			/* nr_sets - 1 if a power of two */
	uint32_t nr_sets;			/* entries / ways */
	uint32_t ways;				/* ways per set */
	uint32_t index;				/* enum iotlb_index */
	bool sets_pow2;				/* set index by mask */
	bool stamp_on_hit;			/* copy of policy->stamp_on_hit */
	uint8_t shift[IOTLB_NR_PSZ];		/* address shift per page size */
	const struct iotlb_policy *policy;	/* replacement */
	uint64_t prng;				/* PRNG state (random policy) */
	struct iotlb_ctx_ent *ctxs;		/* interned contexts */
	uint32_t nr_ctxs;			/* used entries of ctxs */
	uint32_t last_ctx;			/* index returned last by iotlb__ctx */
	struct iotlb_stats st;			/* counters */
};

/* ---------------------------------------------------------------- policies */

static uint32_t victim_oldest(const uint64_t *stamps, uint32_t ways, uint64_t *prng)
{
	uint32_t best = 0;

	for (uint32_t w = 1; w < ways; w++)
		if (stamps[w] < stamps[best])
			best = w;
	return best;
}

static uint32_t victim_random(const uint64_t *stamps, uint32_t ways, uint64_t *prng)
{
	/* invalid ways (stamp 0) first, as hardware fills empty ways first */
	for (uint32_t w = 0; w < ways; w++)
		if (!stamps[w])
			return w;
	return (uint32_t)prng_below(prng, ways);
}

const struct iotlb_policy iotlb_policy_lru = {
	.name = "lru", .summary = "least recently used", .stamp_on_hit = true,
	.victim = victim_oldest,
};
const struct iotlb_policy iotlb_policy_fifo = {
	.name = "fifo", .summary = "first in, first out (oldest fill)", .stamp_on_hit = false,
	.victim = victim_oldest,
};
const struct iotlb_policy iotlb_policy_random = {
	.name = "random", .summary = "uniformly random way (seeded)", .stamp_on_hit = false,
	.victim = victim_random,
};

/* The registry: adding a policy is one const table and one line here. */
static const struct iotlb_policy *const iotlb_policies[] = {
	&iotlb_policy_lru,
	&iotlb_policy_fifo,
	&iotlb_policy_random,
};
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
	/* keep in registry order: parameter enums store the index */
	return "lru|fifo|random";
}

/* ---------------------------------------------------------------- store */

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

struct iotlb *iotlb__new(const struct iotlb_geom *g)
{
	static const uint8_t dflt_shift[IOTLB_NR_PSZ] = { 12, 21, 30 };
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
	t->prng = g->seed;
	for (int i = 0; i < IOTLB_NR_PSZ; i++)
		t->shift[i] = g->custom_shift ? g->shift[i] : dflt_shift[i];
	/* 64-byte alignment keeps an 8-way set in one cache line */
	if (posix_memalign((void **)&t->keys, 64, (size_t)g->entries * sizeof(uint64_t)) ||
	    posix_memalign((void **)&t->stamps, 64, (size_t)g->entries * sizeof(uint64_t)))
		goto nomem;
	memset(t->keys, 0xff, (size_t)g->entries * sizeof(uint64_t));
	memset(t->stamps, 0, (size_t)g->entries * sizeof(uint64_t));
	t->ctxs = calloc(IOTLB_MAX_CTX, sizeof(*t->ctxs));
	if (!t->ctxs)
		goto nomem;
	t->ctxs[0].domain = 0;
	t->ctxs[0].pasid = 0;
	t->nr_ctxs = 1;		/* context 0 = (0, 0), the common case */
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
static uint32_t ctx_set_offset(const struct iotlb *t, uint32_t domain, uint32_t pasid)
{
	uint64_t key = ((uint64_t)domain << 20) ^ pasid;
	uint64_t frac = key * 0x9e3779b97f4a7c15ull;

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

bool iotlb__access(struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz)
{
	uint64_t vpn = addr >> t->shift[psz];
	uint64_t key = make_key(vpn, ctx, psz);
	uint64_t base = set_of(t, ctx, vpn) * t->ways;
	uint64_t *keys = t->keys + base;
	uint64_t *stamps = t->stamps + base;
	uint32_t ways = t->ways, w;

	t->clock++;
	t->st.nr_lookups++;
	for (w = 0; w < ways; w++) {
		if (keys[w] == key) {
			t->st.nr_hits++;
			if (t->stamp_on_hit)
				stamps[w] = t->clock;
			return true;
		}
	}
	t->st.nr_misses++;
	w = t->policy->victim(stamps, ways, &t->prng);
	if (keys[w] != IOTLB_KEY_INVALID)
		t->st.nr_evictions++;
	keys[w] = key;
	stamps[w] = t->clock;
	return false;
}

bool iotlb__probe(const struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz)
{
	uint64_t vpn = addr >> t->shift[psz];
	uint64_t key = make_key(vpn, ctx, psz);
	const uint64_t *keys = t->keys + set_of(t, ctx, vpn) * t->ways;

	for (uint32_t w = 0; w < t->ways; w++)
		if (keys[w] == key)
			return true;
	return false;
}

void iotlb__drop(struct iotlb *t, uint32_t ctx, uint64_t addr, unsigned int psz)
{
	uint64_t vpn = addr >> t->shift[psz];
	uint64_t key = make_key(vpn, ctx, psz);
	uint64_t base = set_of(t, ctx, vpn) * t->ways;

	for (uint32_t w = 0; w < t->ways; w++) {
		if (t->keys[base + w] == key) {
			t->keys[base + w] = IOTLB_KEY_INVALID;
			t->stamps[base + w] = 0;
		}
	}
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
		t->keys[i] = IOTLB_KEY_INVALID;
		t->stamps[i] = 0;
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
