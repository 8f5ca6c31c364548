// SPDX-License-Identifier: GPL-2.0
/*
 * test_prng.c - lib/prng: reference values of the generator and its
 * seeding, what prng_derive() promises, bounds, and the distributions'
 * moments against their closed forms.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/prng.h"

/* splitmix64 from state 0: first outputs of the reference implementation */
static void test_splitmix_reference(void **state)
{
	assert_int_equal(prng_hash64(0), 0xe220a8397b1dcdafull);
	assert_int_equal(prng_hash64(0x9e3779b97f4a7c15ull), 0x6e789e6aa1b965f4ull);
	assert_int_equal(prng_hash64(2 * 0x9e3779b97f4a7c15ull), 0x06c45d188009454full);
}

/*
 * xoshiro256** seeded through splitmix64: the values the former
 * common/prng.c (the reference C, seeded the same way) drew for these seeds,
 * so generator outputs did not move when the PRNGs were merged.
 */
static void test_xoshiro_reference(void **state)
{
	struct prng p;

	prng_seed(&p, 42);
	assert_int_equal(prng_next(&p), 0x15780b2e0c2ec716ull);
	assert_int_equal(prng_next(&p), 0x6104d9866d113a7eull);
	assert_int_equal(prng_next(&p), 0xae17533239e499a1ull);
	prng_seed(&p, 0);
	assert_int_equal(prng_next(&p), 0x99ec5f36cb75f2b4ull);
}

/*
 * prng_derive(): injective in the stream id for one seed, a bijection of the
 * seed for one stream id, never the identity, and derived streams differ.
 */
static void test_derive(void **state)
{
	enum { N = 4096 };
	static uint64_t by_id[N], by_seed[N];
	struct prng a, b;
	int same = 0;

	for (uint64_t i = 0; i < N; i++) {
		by_id[i] = prng_derive(7, i);
		by_seed[i] = prng_derive(i, PRNG_STREAM_WQ_CLIENT);
		assert_int_not_equal(by_id[i], 7);
	}
	for (uint64_t i = 0; i < N; i++)
		for (uint64_t j = i + 1; j < N; j++) {
			assert_int_not_equal(by_id[i], by_id[j]);
			assert_int_not_equal(by_seed[i], by_seed[j]);
		}
	/* the same pair always gives the same seed: results are reproducible */
	assert_int_equal(prng_derive(1, PRNG_STREAM_XLATE), prng_derive(1, PRNG_STREAM_XLATE));
	/* neighbouring streams of one seed draw unrelated numbers (no shared prefix) */
	prng_seed(&a, prng_derive(1, PRNG_STREAM_XLATE_IOTLB));
	prng_seed(&b, prng_derive(1, PRNG_STREAM_XLATE_ATC));
	for (int i = 0; i < 1000; i++)
		same += prng_next(&a) == prng_next(&b);
	assert_int_equal(same, 0);
	/* the mixer's avalanche: one input bit flips about half of the output bits */
	for (int bit = 0; bit < 64; bit++) {
		int flipped =
		    __builtin_popcountll(prng_derive(5, 3) ^ prng_derive(5 ^ (1ull << bit), 3));

		assert_true(flipped >= 12 && flipped <= 52);
	}
}

static void test_same_seed_same_stream(void **state)
{
	struct prng a, b, c;
	int differ = 0;

	prng_seed(&a, 42);
	prng_seed(&b, 42);
	prng_seed(&c, 43);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = prng_next(&a);

		assert_int_equal(x, prng_next(&b));
		differ += x != prng_next(&c);
	}
	assert_true(differ > 990);
}

/* below(n) stays in range and is unbiased: chi-square over 10 bins */
static void test_below_uniform(void **state)
{
	struct prng p;
	uint64_t bins[10] = {0};
	const int n = 200000;
	double chi = 0;

	prng_seed(&p, 7);
	for (int i = 0; i < n; i++) {
		uint64_t v = prng_below(&p, 10);

		assert_true(v < 10);
		bins[v]++;
	}
	for (int i = 0; i < 10; i++)
		chi += pow((double)bins[i] - n / 10.0, 2) / (n / 10.0);
	assert_true(chi < 27.9); /* 9 d.o.f., p = 0.001 */
	assert_int_equal(prng_below(&p, 0), 0);
	assert_int_equal(prng_below(&p, 1), 0);
}

static void test_exp_mean(void **state)
{
	struct prng p;
	double sum = 0;
	const int n = 400000;

	prng_seed(&p, 3);
	for (int i = 0; i < n; i++)
		sum += prng_exp(&p, 250.0);
	assert_true(fabs(sum / n - 250.0) < 2.5); /* 1%; sigma of the mean is 0.16% */
}

/* Zipf: P(rank 1) = 1 / H(n, s); P(rank 2) = P(1) / 2^s */
static void test_zipf_frequencies(void **state)
{
	struct prng_zipf z;
	struct prng p;
	const uint64_t n = 1000;
	const int draws = 400000;
	double h = 0, p1, f1, f2;
	int c1 = 0, c2 = 0;

	assert_int_equal(prng_zipf_init(&z, n, 1.0), 0);
	prng_seed(&p, 11);
	for (uint64_t k = 1; k <= n; k++)
		h += 1.0 / (double)k;
	p1 = 1.0 / h;
	for (int i = 0; i < draws; i++) {
		uint64_t k = prng_zipf(&z, &p);

		assert_true(k >= 1 && k <= n);
		c1 += k == 1;
		c2 += k == 2;
	}
	f1 = (double)c1 / draws;
	f2 = (double)c2 / draws;
	assert_true(fabs(f1 - p1) / p1 < 0.02);
	assert_true(fabs(f2 - p1 / 2) / (p1 / 2) < 0.03);
	assert_int_equal(prng_zipf_init(&z, 0, 1.0), -EINVAL);
	assert_int_equal(prng_zipf_init(&z, 10, 0.0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_splitmix_reference),
	    cmocka_unit_test(test_xoshiro_reference),
	    cmocka_unit_test(test_derive),
	    cmocka_unit_test(test_same_seed_same_stream),
	    cmocka_unit_test(test_below_uniform),
	    cmocka_unit_test(test_exp_mean),
	    cmocka_unit_test(test_zipf_frequencies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
