// SPDX-License-Identifier: GPL-2.0
/*
 * test_stackdist.c - one-pass stack-distance counts against separate LRU
 * simulations of iotlb.c: for every fully associative size up to the
 * tracked maximum and every (power-of-two set count, ways) pair, the misses
 * equal those of an iotlb of that geometry fed the same references (two
 * contexts under the ctx-hash set index, and one, where set refinement
 * lets a key newest in its set at a coarser count skip every finer one,
 * with the coarsest tracked count 1 set and 4 sets); the
 * bounded stack (sizes beyond it fall out) and untracked geometries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/prng.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/stackdist.h"

#define NR_REFS 200000

static unsigned int nr_ctx = 2; /* contexts in the stream (1: set refinement applies) */

/* Sequential runs, a hot set, wide random pages, and nr_ctx contexts. */
static void next_ref(struct prng *rng, uint64_t *seq, uint32_t *ctx, uint64_t *addr)
{
	uint64_t r = prng_below(rng, 100);

	*ctx = prng_below(rng, 5) == 0 && nr_ctx > 1;
	if (r < 40) {
		*seq += 64;
		*addr = (1ull << 33) + *seq;
	} else if (r < 80) {
		*addr = prng_below(rng, 300) << 12;
	} else {
		*addr = prng_below(rng, 1u << 16) << 12;
	}
}

static uint64_t iotlb_misses(uint32_t entries, uint32_t ways)
{
	struct iotlb_geom g = {.entries = entries, .ways = ways, .policy = &iotlb_policy_lru};
	struct iotlb *t = iotlb__new(&g);
	uint64_t seq = 0, addr, m;
	struct prng rng = prng_make(99);
	uint32_t ctx, c[2];

	assert_non_null(t);
	c[0] = iotlb__ctx(t, 0, 0);
	c[1] = iotlb__ctx(t, 0, 1);
	for (int i = 0; i < NR_REFS; i++) {
		next_ref(&rng, &seq, &ctx, &addr);
		iotlb__access(t, c[ctx], addr, IOTLB_PSZ_4K);
	}
	m = iotlb__stats(t)->nr_misses;
	iotlb__free(t);
	return m;
}

static struct stackdist *run(const struct stackdist_cfg *cfg)
{
	struct stackdist *sd = stackdist__new(cfg);
	uint64_t seq = 0, addr;
	struct prng rng = prng_make(99);
	uint32_t ctx;

	assert_non_null(sd);
	for (int i = 0; i < NR_REFS; i++) {
		next_ref(&rng, &seq, &ctx, &addr);
		/* the iotlb indexes by ctx-hash (the default): the same offsets */
		stackdist__ref(sd, (addr >> 12) << 1 | ctx, addr >> 12, iotlb_ctx_hash(0, ctx));
	}
	assert_int_equal(stackdist__refs(sd), NR_REFS);
	return sd;
}

static void test_fully_associative(void **state)
{
	/* a small tracked stack: its time capacity (1024) is renumbered ~200 times */
	struct stackdist_cfg cfg = {.max_entries = 200};
	struct stackdist *sd = run(&cfg);
	uint64_t m, prev = UINT64_MAX;
	uint32_t sizes[] = {1, 2, 7, 16, 64, 100, 128, 199, 200};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(stackdist__misses(sd, sizes[i], sizes[i], &m), 0);
		assert_int_equal(m, iotlb_misses(sizes[i], sizes[i]));
		assert_true(m <= prev); /* inclusion: never more misses when larger */
		prev = m;
	}
	/* beyond the tracked stack: not answered */
	assert_int_equal(stackdist__misses(sd, 256, 256, &m), -EINVAL);
	stackdist__free(sd);
}

static void test_fully_associative_large(void **state)
{
	struct stackdist_cfg cfg = {.max_entries = 4096};
	struct stackdist *sd = run(&cfg);
	uint64_t m;

	for (uint32_t e = 256; e <= 4096; e *= 4) {
		assert_int_equal(stackdist__misses(sd, e, e, &m), 0);
		assert_int_equal(m, iotlb_misses(e, e));
	}
	stackdist__free(sd);
}

/*
 * @sd answers, for set counts @sets_lo, x @sets_step, ... up to 1024 and
 * 1, 2, 4 ... @max_ways ways, the misses of an iotlb of that geometry.
 */
static void expect_iotlb_misses(const struct stackdist *sd, uint32_t sets_lo, uint32_t sets_step,
				uint32_t max_ways)
{
	uint64_t m;

	for (uint32_t sets = sets_lo; sets <= 1024; sets *= sets_step) {
		for (uint32_t ways = 1; ways <= max_ways; ways *= 2) {
			assert_int_equal(stackdist__misses(sd, sets * ways, ways, &m), 0);
			if (m != iotlb_misses(sets * ways, ways))
				fail_msg("%u sets x %u ways: stackdist %llu misses", sets, ways,
					 (unsigned long long)m);
		}
	}
}

static void test_set_associative(void **state)
{
	/* set counts 1..1024, up to 16 ways */
	struct stackdist_cfg cfg = {.max_ways = 16, .sets_mask = 0x7ff};
	struct stackdist *sd = run(&cfg);
	uint64_t m;

	expect_iotlb_misses(sd, 1, 4, 16);
	/* untracked: 3 sets, 32 ways, 2048 sets */
	assert_int_equal(stackdist__misses(sd, 24, 8, &m), -EINVAL);
	assert_int_equal(stackdist__misses(sd, 64, 32, &m), -EINVAL);
	assert_int_equal(stackdist__misses(sd, 2048 * 8, 8, &m), -EINVAL);
	stackdist__free(sd);
}

static void test_set_associative_one_ctx(void **state)
{
	nr_ctx = 1;
	test_set_associative(state);
	nr_ctx = 2;
}

/*
 * One context, coarsest tracked count 4 sets: a reference newest in its set
 * there counts depth 0 at every count without a search (set refinement).
 */
static void test_set_associative_coarsest_4(void **state)
{
	struct stackdist_cfg cfg = {.max_ways = 8, .sets_mask = 0x7fc}; /* 4..1024 sets */
	struct stackdist *sd;
	uint64_t m;

	(void)state;
	nr_ctx = 1;
	sd = run(&cfg);
	expect_iotlb_misses(sd, 4, 2, 8);
	assert_int_equal(stackdist__misses(sd, 2 * 8, 8, &m), -EINVAL); /* 2 sets: untracked */
	stackdist__free(sd);
	nr_ctx = 2;
}

static void test_bad_config(void **state)
{
	struct stackdist_cfg cfg = {.sets_mask = 1}; /* sets without ways */

	assert_null(stackdist__new(&cfg));
	assert_int_equal(errno, EINVAL);
	stackdist__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fully_associative),
	    cmocka_unit_test(test_fully_associative_large),
	    cmocka_unit_test(test_set_associative),
	    cmocka_unit_test(test_set_associative_one_ctx),
	    cmocka_unit_test(test_set_associative_coarsest_4),
	    cmocka_unit_test(test_bad_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
