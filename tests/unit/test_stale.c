// SPDX-License-Identifier: GPL-2.0
/*
 * test_stale.c - the translation model's use-after-unmap set
 * (model/xlate/stale.c): a range invalidation clears exactly the pages it
 * covers, in its domain only (IOTLB) or in every domain (ATC); a flush
 * clears everything of its domain; a map marks pages remapped; and, over
 * random operations, the set agrees page for page with the algorithm it
 * replaced (every invalidation filters every entry into a new map), through
 * both of its ways to serve an invalidation (page lookups and the scan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/prng.h"
#include "lib/u64map.h"
#include "model/xlate/stale.h"
#include "model/xlate/xlate-local.h"

#define BOTH (STALE_IOTLB | STALE_ATC)

/* Bits of page @page of @domain, 0 if not stale. */
static uint32_t bits_of(const struct stale *s, uint32_t domain, uint64_t page)
{
	uint32_t b;

	return stale_get(s, domain, page, &b) ? b : 0;
}

static struct iotlb_inval range(uint32_t domain, uint64_t addr, uint64_t bytes)
{
	return (struct iotlb_inval){.kind = IOTLB_INV_RANGE,
				    .domain = domain,
				    .pasid = IOTLB_ANY,
				    .addr = addr,
				    .bytes = bytes};
}

static void test_range_clears_covered(void **state)
{
	struct stale s;
	struct iotlb_inval inv;

	assert_int_equal(stale_init(&s), 0);
	assert_int_equal(stale_unmap(&s, 1, 0x10000, 8 * 4096, BOTH), 0);
	assert_int_equal(stale_unmap(&s, 2, 0x10000, 4 * 4096, BOTH), 0);
	assert_int_equal(s.map.nr, 12);

	/* IOTLB, domain 1, an unaligned range over pages 0x12000 and 0x13000 */
	inv = range(1, 0x12800, 0x1000);
	stale_inval(&s, &inv, false);
	assert_int_equal(s.nr_looks, 1);
	for (uint64_t p = 0x10000; p < 0x18000; p += 4096)
		assert_int_equal(bits_of(&s, 1, p),
				 p == 0x12000 || p == 0x13000 ? STALE_ATC : BOTH);
	for (uint64_t p = 0x10000; p < 0x14000; p += 4096)
		assert_int_equal(bits_of(&s, 2, p), BOTH); /* another domain */

	/* ATC: every domain; pages left in no cache leave the set */
	inv = range(1, 0x12000, 0x3000);
	stale_inval(&s, &inv, true);
	assert_int_equal(s.nr_looks, 2);
	assert_int_equal(bits_of(&s, 1, 0x12000), 0);
	assert_int_equal(bits_of(&s, 1, 0x13000), 0);
	assert_int_equal(bits_of(&s, 1, 0x14000), STALE_IOTLB);
	assert_int_equal(bits_of(&s, 1, 0x15000), BOTH);
	assert_int_equal(bits_of(&s, 2, 0x11000), BOTH);
	assert_int_equal(bits_of(&s, 2, 0x12000), STALE_IOTLB);
	assert_int_equal(bits_of(&s, 2, 0x13000), STALE_IOTLB);
	assert_int_equal(s.map.nr, 10);

	/* a map of a stale page marks it; an unmap starts it over */
	stale_map(&s, 2, 0x13000, 4096);
	assert_int_equal(bits_of(&s, 2, 0x13000), STALE_IOTLB | STALE_REMAPPED);
	assert_int_equal(stale_unmap(&s, 2, 0x13000, 4096, BOTH), 0);
	assert_int_equal(bits_of(&s, 2, 0x13000), BOTH);
	stale_fini(&s);
}

/* A lazy flush queue's flush: the domain's IOTLB entries, then every ATC. */
static void test_flush_clears_all(void **state)
{
	struct iotlb_inval dom = {.kind = IOTLB_INV_DOMAIN, .domain = 1, .pasid = IOTLB_ANY};
	struct iotlb_inval all = {
	    .kind = IOTLB_INV_GLOBAL, .domain = IOTLB_ANY, .pasid = IOTLB_ANY};
	struct stale s;

	assert_int_equal(stale_init(&s), 0);
	for (uint64_t i = 0; i < 300; i++) /* enough to grow the map a few times */
		assert_int_equal(stale_unmap(&s, 1 + (uint32_t)(i & 1), i << 16, 3 * 4096, BOTH),
				 0);
	assert_int_equal(s.map.nr, 900);
	stale_inval(&s, &dom, false);
	assert_int_equal(s.map.nr, 900); /* the ATCs may still hold them */
	assert_int_equal(bits_of(&s, 1, 0), STALE_ATC);
	assert_int_equal(bits_of(&s, 2, 1 << 16), BOTH);
	stale_inval(&s, &all, true);
	assert_int_equal(s.map.nr, 450); /* domain 2's, in its IOTLB */
	for (uint64_t i = 0; i < 300; i++)
		for (uint64_t p = 0; p < 3; p++)
			assert_int_equal(bits_of(&s, 1 + (uint32_t)(i & 1), (i << 16) + (p << 12)),
					 i & 1 ? STALE_IOTLB : 0);
	stale_inval(&s, &all, false);
	assert_true(stale_empty(&s));
	assert_true(s.nr_scans == 3 && s.nr_looks == 0);
	stale_fini(&s);
}

/* ------------------------------------------------ against the replaced algorithm */

/* The replaced stale_inval's test, verbatim. */
static bool ref_covered(const struct iotlb_inval *inv, uint64_t v, bool atc)
{
	uint64_t page = (v >> 20) << 12;
	uint32_t domain = (uint32_t)(v >> 4) & 0xffff;

	if (!atc && inv->domain != IOTLB_ANY && (inv->domain & 0xffff) != domain &&
	    inv->kind != IOTLB_INV_GLOBAL)
		return false;
	if (inv->kind != IOTLB_INV_RANGE)
		return true;
	return page + 4096 > inv->addr && page < inv->addr + inv->bytes;
}

static void ref_unmap(struct u64map *r, uint32_t domain, uint64_t iova, uint64_t bytes,
		      uint32_t bits)
{
	uint64_t first = iova & ~0xfffull, n = ((iova & 0xfff) + bytes + 0xfff) >> 12;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t p = first + (i << 12);

		assert_int_equal(
		    u64map_put(r, xlate_map_key(domain, p),
			       (p >> 12) << 20 | (uint64_t)(domain & 0xffff) << 4 | bits),
		    0);
	}
}

static void ref_map(struct u64map *r, uint32_t domain, uint64_t iova, uint64_t bytes)
{
	uint64_t first = iova & ~0xfffull, n = ((iova & 0xfff) + bytes + 0xfff) >> 12, v;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t key = xlate_map_key(domain, first + (i << 12));

		if (u64map_get(r, key, &v))
			assert_int_equal(u64map_put(r, key, v | STALE_REMAPPED), 0);
	}
}

/* Every entry filtered into a new map. */
static void ref_inval(struct u64map *r, const struct iotlb_inval *inv, bool atc)
{
	uint32_t bit = atc ? STALE_ATC : STALE_IOTLB;
	struct u64map keep;

	assert_int_equal(u64map_init(&keep), 0);
	for (uint64_t i = 0; i < r->cap; i++) {
		uint64_t k = r->slots[i].key, v = r->slots[i].val;

		if (k == U64MAP_EMPTY)
			continue;
		if (ref_covered(inv, v, atc))
			v &= ~(uint64_t)bit;
		if (v & BOTH)
			assert_int_equal(u64map_put(&keep, k, v), 0);
	}
	u64map_fini(r);
	*r = keep;
}

/* Domains: 4097 shares domain 1's key; 5..20 overflow dom[]. */
static const uint32_t doms[] = {1, 2, 3, 4097, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
#define NR_PAGES 96

static uint64_t page_at(uint64_t base, uint64_t i)
{
	return base + (i << 12);
}

static void check_same(const struct stale *s, const struct u64map *r, uint32_t nr_doms,
		       uint64_t base)
{
	assert_int_equal(s->map.nr, r->nr);
	for (size_t d = 0; d < nr_doms; d++)
		for (uint64_t i = 0; i < NR_PAGES; i++) {
			uint64_t v = 0;
			uint32_t want = 0;

			if (u64map_get(r, xlate_map_key(doms[d], page_at(base, i)), &v))
				want = (uint32_t)v & (BOTH | STALE_REMAPPED);
			assert_int_equal(bits_of(s, doms[d], page_at(base, i)), want);
		}
}

/* A high page's value truncates its number to the low page's: the scan covers both. */
#define HIGH (1ull << 56)

/*
 * @nr_doms domains of doms[], pages from @base (and, @high, as many HIGH
 * above it); steps of random unmaps, maps and invalidations (range ones
 * mostly), compared after each step.
 */
static void random_run(uint64_t seed, uint32_t nr_doms, uint64_t base, bool high, uint64_t *looks,
		       uint64_t *scans)
{
	struct stale s;
	struct u64map r;
	struct prng g;

	prng_seed(&g, seed);
	assert_int_equal(stale_init(&s), 0);
	assert_int_equal(u64map_init(&r), 0);
	for (int step = 0; step < 2000; step++) {
		uint32_t dom = doms[prng_below(&g, nr_doms)], op = (uint32_t)prng_below(&g, 10);
		uint64_t first = prng_below(&g, NR_PAGES - 8), n = 1 + prng_below(&g, 6);
		uint64_t iova = page_at(base, first) + prng_below(&g, 4) * 0x400;
		uint64_t bytes = (n << 12) - prng_below(&g, 2) * 0x800;

		if (op < 5 && high && prng_below(&g, 2))
			iova += HIGH;
		if (op < 4) {
			uint32_t bits = prng_below(&g, 3) ? BOTH : STALE_IOTLB;

			assert_int_equal(stale_unmap(&s, dom, iova, bytes, bits), 0);
			ref_unmap(&r, dom, iova, bytes, bits);
		} else if (op < 5) {
			stale_map(&s, dom, iova, bytes);
			ref_map(&r, dom, iova, bytes);
		} else {
			static const uint32_t kinds[] = {
			    IOTLB_INV_RANGE,  IOTLB_INV_RANGE,	IOTLB_INV_RANGE, IOTLB_INV_RANGE,
			    IOTLB_INV_DOMAIN, IOTLB_INV_GLOBAL, IOTLB_INV_PASID};
			struct iotlb_inval inv = range(prng_below(&g, 4) ? dom : IOTLB_ANY, iova,
						       prng_below(&g, 20) ? bytes : 1ull << 63);
			bool atc = prng_below(&g, 3) == 0;

			inv.kind = kinds[prng_below(&g, sizeof(kinds) / sizeof(kinds[0]))];
			stale_inval(&s, &inv, atc);
			ref_inval(&r, &inv, atc);
		}
		check_same(&s, &r, nr_doms, base);
		if (high)
			check_same(&s, &r, nr_doms, base + HIGH);
	}
	*looks += s.nr_looks;
	*scans += s.nr_scans;
	stale_fini(&s);
	u64map_fini(&r);
}

static void test_against_filter(void **state)
{
	const uint64_t base = 0x7f0000000000ull;
	uint64_t looks = 0, scans = 0, high_looks = 0, high_scans = 0;

	for (uint64_t seed = 1; seed <= 3; seed++) {
		random_run(seed, 3, base, false, &looks, &scans);  /* lookups serve ranges */
		random_run(seed, 4, base, false, &looks, &scans);  /* 4097 aliases 1 */
		random_run(seed, 16, base, false, &looks, &scans); /* dom[] overflows */
		/* pages at 2^56 and above: only the scan is exact */
		random_run(seed, 3, base, true, &high_looks, &high_scans);
	}
	assert_true(looks > 1000 && scans > 1000);
	assert_true(high_scans > 10 * high_looks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_range_clears_covered),
	    cmocka_unit_test(test_flush_clears_all),
	    cmocka_unit_test(test_against_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
