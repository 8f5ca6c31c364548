// SPDX-License-Identifier: GPL-2.0
/*
 * test_lib_hist.c - the one histogram quantile (lib/hist.h): bucket bounds
 * tile the integers; quantiles of known distributions equal the exact
 * nearest-rank value within the stated bound (same bucket, < 1/16 of the
 * value) and exactly where the definition promises (small values, min, max,
 * evenly filled buckets); statistic names parse one way.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/hist.h"

static const double qs[] = {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact nearest-rank quantile of sorted @v[@n]. */
static uint64_t exact_q(const uint64_t *v, size_t n, double q)
{
	uint64_t rank = (uint64_t)ceil(q * (double)n);

	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

/* Fill @h from @v[@n] (sorted on return); checks every quantile against the bound. */
static void check_bound(uint64_t *v, size_t n)
{
	struct hist h;

	assert_int_equal(hist_init(&h, true), 0);
	for (size_t i = 0; i < n; i++)
		hist_add(&h, v[i]);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		uint64_t ex = exact_q(v, n, qs[i]), est = hist_quantile(&h, qs[i]);
		uint64_t err = est > ex ? est - ex : ex - est;

		/* same bucket as the exact value */
		assert_int_equal(hist_bucket(est), hist_bucket(ex));
		assert_true(err <= hist_bucket_width(hist_bucket(ex)) - 1);
		assert_true(err * HIST_SUB <= ex);
	}
	/* the ends are exact: clamped to min and max */
	assert_int_equal(hist_quantile(&h, 0), v[0]);
	assert_int_equal(hist_quantile(&h, 1), v[n - 1]);
	hist_fini(&h);
}

static void test_buckets_tile_the_integers(void **state)
{
	(void)state;
	assert_int_equal(hist_bucket_low(0), 0);
	for (uint32_t b = 0; b + 1 < HIST_BUCKETS; b++)
		assert_int_equal(hist_bucket_low(b + 1), hist_bucket_low(b) + hist_bucket_width(b));
	for (uint64_t v = 0; v < 100000; v += 7) {
		uint32_t b = hist_bucket(v);

		assert_true(v >= hist_bucket_low(b) &&
			    v < hist_bucket_low(b) + hist_bucket_width(b));
		/* width below 1/16 of any value in it, or one value */
		assert_true(hist_bucket_width(b) == 1 || hist_bucket_width(b) * HIST_SUB <= v);
	}
	assert_int_equal(hist_bucket(UINT64_MAX), HIST_BUCKETS - 1);
}

/* Every integer of a range that ends on a bucket boundary once: buckets fill
 * evenly, so the estimate is exact. A low-end, middle or high-end rule gets
 * these wrong by up to a bucket width (p99 of 1..131071: 129761 exact; low
 * end 126976, middle 129023, high end 131071). */
static void test_uniform_is_exact(void **state)
{
	static const uint64_t n = 131071; /* last bucket [122880, 131071] full */
	struct hist h;

	(void)state;
	assert_int_equal(hist_init(&h, true), 0);
	for (uint64_t v = 1; v <= n; v++)
		hist_add(&h, v);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		uint64_t rank = (uint64_t)ceil(qs[i] * (double)n);

		assert_int_equal(hist_quantile(&h, qs[i]), rank ? rank : 1);
	}
	assert_int_equal(hist_quantile(&h, 0.99), 129761);
	hist_fini(&h);
}

/* Exponential (mean 1000 ns), log-normal-like and two-point distributions,
 * drawn deterministically from their inverse CDFs. */
static void test_known_distributions_within_bound(void **state)
{
	enum { N = 20000 };
	static uint64_t v[N];

	(void)state;
	for (size_t i = 0; i < N; i++)
		v[i] = (uint64_t)(-1000.0 * log(1.0 - ((double)i + 0.5) / N));
	check_bound(v, N);
	for (size_t i = 0; i < N; i++) {
		double u = ((double)i + 0.5) / N;

		/* heavy tail: 200 ns floor, Pareto alpha 1.5 */
		v[i] = (uint64_t)(200.0 * pow(1.0 - u, -1.0 / 1.5));
	}
	check_bound(v, N);
	for (size_t i = 0; i < 8; i++)
		v[i] = i < 3 ? 100 : 5000;
	check_bound(v, 8);
	for (size_t i = 0; i < N; i++)
		v[i] = 4864 + (i % 3) * 255; /* three values in two 256-wide buckets */
	check_bound(v, N);
}

static void test_small_values_exact(void **state)
{
	struct hist h;

	(void)state;
	assert_int_equal(hist_init(&h, true), 0);
	for (uint64_t v = 0; v < 32; v++)
		for (uint64_t k = 0; k <= v; k++)
			hist_add(&h, v); /* v appears v+1 times */
	/* 528 values; rank 264 is the value 22 (cumulative (v+1)(v+2)/2) */
	assert_int_equal(hist_quantile(&h, 0.5), 22);
	assert_int_equal(hist_quantile(&h, 1), 31);
	assert_int_equal(hist_quantile(&h, 0), 0);
	hist_fini(&h);
}

static void test_one_value_is_exact(void **state)
{
	struct hist h;
	double x;

	(void)state;
	assert_int_equal(hist_init(&h, true), 0);
	hist_add(&h, 1000003);
	assert_int_equal(hist_quantile(&h, 0.5), 1000003);
	assert_int_equal(hist_stat(&h, "p99", &x), 0);
	assert_true(x == 1000003);
	hist_fini(&h);
}

static void test_stat_names(void **state)
{
	struct hist h;
	double x;

	(void)state;
	assert_int_equal(hist_init(&h, true), 0);
	assert_int_equal(hist_stat(&h, "p99", &x), -ENODATA);
	assert_int_equal(hist_stat(&h, "mean", &x), -ENODATA);
	assert_int_equal(hist_stat(&h, "nr", &x), 0);
	assert_true(x == 0);
	for (uint64_t v = 1; v <= 1023; v++) /* buckets filled evenly: exact */
		hist_add(&h, v);
	assert_int_equal(hist_stat(&h, "mean", &x), 0);
	assert_true(x == 512);
	assert_int_equal(hist_stat(&h, "p50", &x), 0);
	assert_true(x == 512);
	assert_int_equal(hist_stat(&h, "p999", &x), 0);
	assert_true(x == 1022);
	assert_int_equal(hist_stat(&h, "p9", &x), 0); /* "0.9" */
	assert_true(x == 921);
	assert_int_equal(hist_stat(&h, "min", &x), 0);
	assert_true(x == 1);
	assert_int_equal(hist_stat(&h, "max", &x), 0);
	assert_true(x == 1023);
	assert_int_equal(hist_stat(&h, "sum", &x), 0);
	assert_true(x == 523776);
	assert_int_equal(hist_stat(&h, "median", &x), -EINVAL);
	assert_int_equal(hist_stat(&h, "p", &x), -EINVAL);
	assert_int_equal(hist_stat(&h, "p9x", &x), -EINVAL);
	hist_fini(&h);

	/* summary only: no quantiles, but mean and max */
	assert_int_equal(hist_init(&h, false), 0);
	hist_add(&h, 7);
	assert_int_equal(hist_stat(&h, "p50", &x), -ENODATA);
	assert_int_equal(hist_stat(&h, "max", &x), 0);
	assert_true(x == 7);
	hist_fini(&h);
	hist_fini(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buckets_tile_the_integers),
	    cmocka_unit_test(test_uniform_is_exact),
	    cmocka_unit_test(test_known_distributions_within_bound),
	    cmocka_unit_test(test_small_values_exact),
	    cmocka_unit_test(test_one_value_is_exact),
	    cmocka_unit_test(test_stat_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
