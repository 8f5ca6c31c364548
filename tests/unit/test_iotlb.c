// SPDX-License-Identifier: GPL-2.0
/*
 * test_iotlb.c - the IOTLB tag store against an independent, plainly written
 * reference LRU simulator (per-set recency lists of (ctx, page, size)
 * structs), the LRU stack property, FIFO's Belady anomaly, invalidation by
 * every kind, geometry validation and determinism of the random policy. The
 * reference indexes sets by the documented (domain, PASID) hash of iotlb.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/xlate/iotlb.h"
#include "lib/prng.h"

/* ------------------------------------------------ reference simulator */

struct ref_ent {
	int valid;
	uint32_t ctx;
	uint64_t page;
	unsigned int psz;
};

struct ref {
	unsigned int sets, ways;
	struct ref_ent *e; /* sets * ways; within a set, index 0 is most recent */
	uint64_t hits, misses;
	uint64_t off[8]; /* set offset of contexts 0..7 (iotlb.h: ctx-hash) */
};

/* iotlb.h's ctx-hash offset, written out: floor(frac(key * phi) * sets). */
static void ref_ctx(struct ref *r, uint32_t ctx, uint32_t domain, uint32_t pasid)
{
	uint64_t key = ((uint64_t)domain << 20) ^ pasid;
	long double frac =
	    (long double)(uint64_t)(key * 0x9e3779b97f4a7c15ull) / 18446744073709551616.0L;

	r->off[ctx] = (uint64_t)(frac * r->sets);
}

static void ref_init(struct ref *r, unsigned int entries, unsigned int ways)
{
	r->sets = entries / ways;
	r->ways = ways;
	r->e = calloc(entries, sizeof(*r->e));
	r->hits = r->misses = 0;
	memset(r->off, 0, sizeof(r->off));
}

static int ref_access(struct ref *r, uint32_t ctx, uint64_t addr, unsigned int psz)
{
	unsigned int shift = psz == 0 ? 12 : psz == 1 ? 21 : 30;
	uint64_t page = addr >> shift;
	struct ref_ent *set = &r->e[((page + r->off[ctx]) % r->sets) * r->ways];
	unsigned int i, found = r->ways;
	struct ref_ent hit;

	for (i = 0; i < r->ways; i++) {
		if (set[i].valid && set[i].ctx == ctx && set[i].page == page && set[i].psz == psz) {
			found = i;
			break;
		}
	}
	if (found < r->ways) {
		hit = set[found];
		for (i = found; i > 0; i--)
			set[i] = set[i - 1];
		set[0] = hit;
		r->hits++;
		return 1;
	}
	/* shift everything down one place, dropping the least recent */
	for (i = r->ways - 1; i > 0; i--)
		set[i] = set[i - 1];
	set[0].valid = 1;
	set[0].ctx = ctx;
	set[0].page = page;
	set[0].psz = psz;
	r->misses++;
	return 0;
}

/* A stream with a hot set, sequential runs and uniform random pages. */
static uint64_t stream_addr(struct prng *rng, unsigned int psz, uint64_t *seq)
{
	uint64_t page_bytes = psz == 0 ? 4096 : 2u << 20;
	uint64_t r = prng_below(rng, 100);

	if (r < 50)
		return prng_below(rng, 48) * page_bytes + prng_below(rng, page_bytes);
	if (r < 75) {
		*seq += 64;
		return (1ull << 34) + *seq;
	}
	return prng_below(rng, 4096) * page_bytes + prng_below(rng, page_bytes);
}

static struct iotlb *mk(unsigned int entries, unsigned int ways, const struct iotlb_policy *p,
			uint64_t seed)
{
	struct iotlb_geom g = {.entries = entries, .ways = ways, .policy = p, .seed = seed};
	struct iotlb *t = iotlb__new(&g);

	assert_non_null(t);
	return t;
}

static void compare_with_reference(unsigned int entries, unsigned int ways, unsigned int psz)
{
	struct iotlb *t = mk(entries, ways, &iotlb_policy_lru, 1);
	uint64_t seq = 0;
	struct prng rng;
	struct ref r;
	uint32_t c0 = iotlb__ctx(t, 3, 7), c1 = iotlb__ctx(t, 3, 8);

	prng_seed(&rng, 42 + entries + ways + psz);
	ref_init(&r, entries, ways);
	ref_ctx(&r, c0, 3, 7);
	ref_ctx(&r, c1, 3, 8);
	for (int i = 0; i < 200000; i++) {
		uint32_t ctx = prng_below(&rng, 8) ? c0 : c1;
		uint64_t a = stream_addr(&rng, psz, &seq);
		int want = ref_access(&r, ctx, a, psz);
		int got = iotlb__access(t, ctx, a, psz);

		if (want != got)
			fail_msg("access %d (addr 0x%llx): reference %s, iotlb %s", i,
				 (unsigned long long)a, want ? "hit" : "miss",
				 got ? "hit" : "miss");
	}
	assert_int_equal(iotlb__stats(t)->nr_hits, r.hits);
	assert_int_equal(iotlb__stats(t)->nr_misses, r.misses);
	assert_int_equal(iotlb__stats(t)->nr_lookups, r.hits + r.misses);
	/* a useful stream: neither all hits nor all misses */
	assert_true(r.hits > 1000 && r.misses > 1000);
	free(r.e);
	iotlb__free(t);
}

static void test_ref_direct_mapped_4k(void **state)
{
	compare_with_reference(64, 1, IOTLB_PSZ_4K);
}

static void test_ref_direct_mapped_2m(void **state)
{
	compare_with_reference(64, 1, IOTLB_PSZ_2M);
}

static void test_ref_8way_4k(void **state)
{
	compare_with_reference(64, 8, IOTLB_PSZ_4K);
	compare_with_reference(512, 8, IOTLB_PSZ_4K);
}

static void test_ref_8way_2m(void **state)
{
	compare_with_reference(512, 8, IOTLB_PSZ_2M);
}

static void test_ref_fully_assoc_4k(void **state)
{
	compare_with_reference(64, 64, IOTLB_PSZ_4K);
}

static void test_ref_fully_assoc_2m(void **state)
{
	compare_with_reference(32, 32, IOTLB_PSZ_2M);
}

static void test_ref_non_pow2_sets(void **state)
{
	compare_with_reference(48, 8, IOTLB_PSZ_4K); /* 6 sets: modulo path */
}

/* Fully associative LRU: misses never increase with size; inclusion per access. */
static void test_lru_stack_property(void **state)
{
	enum { MAXN = 96, N = 20000 };
	static uint64_t addrs[N];
	static uint8_t hit[MAXN + 1][N];
	uint64_t prev_misses = UINT64_MAX;

	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct prng rng;

		prng_seed(&rng, seed);
		for (int i = 0; i < N; i++) {
			/* skewed random pages: small ones far more often */
			uint64_t a = prng_below(&rng, 1 + prng_below(&rng, 200));

			addrs[i] = a << 12;
		}
		prev_misses = UINT64_MAX;
		for (unsigned int n = 1; n <= MAXN; n++) {
			struct iotlb *t = mk(n, n, &iotlb_policy_lru, 1);

			for (int i = 0; i < N; i++)
				hit[n][i] = iotlb__access(t, 0, addrs[i], IOTLB_PSZ_4K);
			assert_true(iotlb__stats(t)->nr_misses <= prev_misses);
			prev_misses = iotlb__stats(t)->nr_misses;
			if (n > 1)
				for (int i = 0; i < N; i++)
					if (hit[n - 1][i] && !hit[n][i])
						fail_msg(
						    "size %u misses access %d that size %u hits", n,
						    i, n - 1);
			iotlb__free(t);
		}
	}
}

/* FIFO shows Belady's anomaly on the textbook string; LRU does not. */
static void test_fifo_belady(void **state)
{
	static const int s[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
	uint64_t miss[2][2];

	for (int p = 0; p < 2; p++) {
		for (int n = 3; n <= 4; n++) {
			struct iotlb *t = mk(n, n, p ? &iotlb_policy_lru : &iotlb_policy_fifo, 1);

			for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
				iotlb__access(t, 0, (uint64_t)s[i] << 12, IOTLB_PSZ_4K);
			miss[p][n - 3] = iotlb__stats(t)->nr_misses;
			iotlb__free(t);
		}
	}
	assert_int_equal(miss[0][0], 9);  /* FIFO, 3 frames */
	assert_int_equal(miss[0][1], 10); /* FIFO, 4 frames: more misses */
	assert_int_equal(miss[1][0], 10); /* LRU, 3 frames */
	assert_int_equal(miss[1][1], 8);  /* LRU, 4 frames */
}

static void test_random_deterministic(void **state)
{
	uint64_t m[3];

	for (int k = 0; k < 3; k++) {
		struct iotlb *t = mk(64, 8, &iotlb_policy_random, k == 2 ? 99 : 5);
		uint64_t seq = 0;
		struct prng rng;

		prng_seed(&rng, 7);
		for (int i = 0; i < 50000; i++)
			iotlb__access(t, 0, stream_addr(&rng, 0, &seq), IOTLB_PSZ_4K);
		m[k] = iotlb__stats(t)->nr_misses;
		assert_int_equal(iotlb__stats(t)->nr_hits + m[k], 50000);
		iotlb__free(t);
	}
	assert_int_equal(m[0], m[1]);
	assert_int_not_equal(m[0], m[2]);
}

/*
 * The indexed store (hash + recency list, sets wider than IOTLB_SCAN_WAYS)
 * against the way scan of the same geometry: every access's outcome, every
 * probe, and the counters equal, through drops and invalidations of every
 * kind, for each policy (random: the same victims, so the same draws).
 */
static void indexed_vs_scan(unsigned int entries, unsigned int ways, const struct iotlb_policy *p)
{
	struct iotlb_geom g = {.entries = entries, .ways = ways, .policy = p, .seed = 11};
	struct iotlb *ix, *sc;
	uint64_t seq = 0;
	struct prng rng = prng_make(1234 + entries + ways);
	uint32_t ctx[2][3];

	ix = iotlb__new(&g);
	g.no_index = true;
	sc = iotlb__new(&g);
	assert_non_null(ix);
	assert_non_null(sc);
	for (int k = 0; k < 3; k++) {
		ctx[0][k] = iotlb__ctx(ix, 1 + k % 2, 5 + k);
		ctx[1][k] = iotlb__ctx(sc, 1 + k % 2, 5 + k);
	}
	for (int i = 0; i < 300000; i++) {
		unsigned int psz = prng_below(&rng, 16) ? IOTLB_PSZ_4K : IOTLB_PSZ_2M;
		unsigned int c = (unsigned int)prng_below(&rng, 3);
		uint64_t a = stream_addr(&rng, psz, &seq);
		uint64_t r = prng_below(&rng, 20000);

		if (r < 20) {
			iotlb__drop(ix, ctx[0][c], a, psz);
			iotlb__drop(sc, ctx[1][c], a, psz);
		} else if (r < 24) {
			struct iotlb_inval inv = {
			    .kind = (enum iotlb_inval_kind)(r - 20),
			    .domain = 1 + c % 2,
			    .pasid = 5 + c,
			    .addr = a & ~0xfffffull,
			    .bytes = 1u << 22,
			};

			assert_int_equal(iotlb__inval(ix, &inv), iotlb__inval(sc, &inv));
		}
		if (iotlb__probe(ix, ctx[0][c], a, psz) != iotlb__probe(sc, ctx[1][c], a, psz))
			fail_msg("probe %d differs", i);
		if (iotlb__access(ix, ctx[0][c], a, psz) != iotlb__access(sc, ctx[1][c], a, psz))
			fail_msg("access %d (addr 0x%llx) differs", i, (unsigned long long)a);
	}
	assert_int_equal(iotlb__stats(ix)->nr_hits, iotlb__stats(sc)->nr_hits);
	assert_int_equal(iotlb__stats(ix)->nr_evictions, iotlb__stats(sc)->nr_evictions);
	assert_int_equal(iotlb__stats(ix)->nr_inval_entries, iotlb__stats(sc)->nr_inval_entries);
	assert_int_equal(iotlb__nr_valid(ix), iotlb__nr_valid(sc));
	/* a useful stream: hits, evictions and invalidations all happen */
	assert_true(iotlb__stats(sc)->nr_hits > 10000 && iotlb__stats(sc)->nr_misses > 10000);
	assert_true(iotlb__stats(sc)->nr_evictions > 1000 &&
		    iotlb__stats(sc)->nr_inval_entries > 100);
	iotlb__free(ix);
	iotlb__free(sc);
}

static void test_indexed_lru(void **state)
{
	indexed_vs_scan(512, 512, &iotlb_policy_lru); /* fully associative */
	indexed_vs_scan(512, 32, &iotlb_policy_lru);  /* 16 sets */
	indexed_vs_scan(96, 48, &iotlb_policy_lru);   /* 2 sets, wider than a scan */
}

static void test_indexed_fifo(void **state)
{
	indexed_vs_scan(512, 512, &iotlb_policy_fifo);
	indexed_vs_scan(384, 64, &iotlb_policy_fifo); /* 6 sets: modulo */
}

static void test_indexed_random(void **state)
{
	indexed_vs_scan(512, 512, &iotlb_policy_random);
	indexed_vs_scan(256, 32, &iotlb_policy_random);
}

static void test_invalidation(void **state)
{
	struct iotlb *t = mk(256, 256, &iotlb_policy_lru, 1);
	uint32_t a = iotlb__ctx(t, 1, 10), b = iotlb__ctx(t, 1, 11), c = iotlb__ctx(t, 2, 10);
	struct iotlb_inval inv;

	for (uint64_t p = 0; p < 16; p++) {
		iotlb__access(t, a, p << 12, IOTLB_PSZ_4K);
		iotlb__access(t, b, p << 12, IOTLB_PSZ_4K);
		iotlb__access(t, c, p << 12, IOTLB_PSZ_4K);
	}
	iotlb__access(t, a, 1ull << 30, IOTLB_PSZ_2M); /* one 2M page at 1 GiB */
	assert_int_equal(iotlb__nr_valid(t), 49);

	/* one page of (1, 10) */
	inv = (struct iotlb_inval){
	    .kind = IOTLB_INV_RANGE, .domain = 1, .pasid = 10, .addr = 3 << 12, .bytes = 4096};
	assert_int_equal(iotlb__inval(t, &inv), 1);
	assert_false(iotlb__probe(t, a, 3 << 12, IOTLB_PSZ_4K));
	assert_true(iotlb__probe(t, b, 3 << 12, IOTLB_PSZ_4K));
	/* a range inside the 2M page drops it; a range of pages 4..7 any PASID of domain 1 */
	inv.addr = (1ull << 30) + 8192;
	inv.bytes = 100;
	assert_int_equal(iotlb__inval(t, &inv), 1);
	inv = (struct iotlb_inval){.kind = IOTLB_INV_RANGE,
				   .domain = 1,
				   .pasid = IOTLB_ANY,
				   .addr = 4 << 12,
				   .bytes = 4 << 12};
	assert_int_equal(iotlb__inval(t, &inv), 8);
	/* PASID 11 in any domain */
	inv = (struct iotlb_inval){.kind = IOTLB_INV_PASID, .domain = IOTLB_ANY, .pasid = 11};
	assert_int_equal(iotlb__inval(t, &inv), 12);
	/* domain 2 */
	inv = (struct iotlb_inval){.kind = IOTLB_INV_DOMAIN, .domain = 2};
	assert_int_equal(iotlb__inval(t, &inv), 16);
	assert_int_equal(iotlb__nr_valid(t), 11);
	inv = (struct iotlb_inval){.kind = IOTLB_INV_GLOBAL};
	assert_int_equal(iotlb__inval(t, &inv), 11);
	assert_int_equal(iotlb__nr_valid(t), 0);
	assert_int_equal(iotlb__stats(t)->nr_inval_entries, 49);
	assert_int_equal(iotlb__stats(t)->nr_inval[IOTLB_INV_RANGE], 3);
	/* after invalidation the page misses again */
	assert_false(iotlb__access(t, a, 0, IOTLB_PSZ_4K));
	iotlb__free(t);
}

static void test_geometry_checks(void **state)
{
	struct iotlb_geom g = {.entries = 64, .ways = 0, .policy = &iotlb_policy_lru};
	const char *why;

	assert_int_not_equal(iotlb_geom_check(&g, &why), 0);
	assert_non_null(strstr(why, "ways"));
	g.ways = 5;
	assert_int_not_equal(iotlb_geom_check(&g, &why), 0);
	assert_non_null(strstr(why, "divisible"));
	assert_null(iotlb__new(&g));
	g.ways = 8;
	assert_int_equal(iotlb_geom_check(&g, &why), 0);
	assert_ptr_equal(iotlb_policy_find("fifo"), &iotlb_policy_fifo);
	assert_null(iotlb_policy_find("plru"));
	assert_ptr_equal(iotlb_policy_by_index(2), &iotlb_policy_random);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ref_direct_mapped_4k),
	    cmocka_unit_test(test_ref_direct_mapped_2m),
	    cmocka_unit_test(test_ref_8way_4k),
	    cmocka_unit_test(test_ref_8way_2m),
	    cmocka_unit_test(test_ref_fully_assoc_4k),
	    cmocka_unit_test(test_ref_fully_assoc_2m),
	    cmocka_unit_test(test_ref_non_pow2_sets),
	    cmocka_unit_test(test_lru_stack_property),
	    cmocka_unit_test(test_fifo_belady),
	    cmocka_unit_test(test_random_deterministic),
	    cmocka_unit_test(test_indexed_lru),
	    cmocka_unit_test(test_indexed_fifo),
	    cmocka_unit_test(test_indexed_random),
	    cmocka_unit_test(test_invalidation),
	    cmocka_unit_test(test_geometry_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
