// SPDX-License-Identifier: GPL-2.0
/*
 * test_lib.c - the toolkit in lib/: the (time, seq) heap against a sorted
 * reference; the unit parser's table (each unit, each kind, each error);
 * the u64map against a direct-mapped array (puts, deletions, in-place
 * values, clears of a grown and of a small table).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/heap.h"
#include "lib/prng.h"
#include "lib/u64map.h"
#include "lib/units.h"

struct item {
	uint64_t t;	 /* time */
	uint64_t seq;	 /* stamped by the heap */
	uint32_t id;	 /* push order, to check FIFO among equal times */
	uint8_t pad[20]; /* an odd size: the heap must not assume 16 bytes */
};
HEAP_ITEM_CHECK(struct item, t, seq);

/* Equal times leave in push order, whatever the interleaving with other times. */
static void test_heap_ties_fifo(void **state)
{
	struct heap h = HEAP_INIT(struct item);
	struct item x;
	uint32_t id = 0, last_id[3] = {0};
	bool seen[3] = {false};

	(void)state;
	for (int round = 0; round < 50; round++)
		for (uint64_t t = 3; t-- > 0;) {
			x = (struct item){.t = t * 10, .id = id++};
			assert_int_equal(heap__push(&h, &x), 0);
		}
	for (int n = 0; n < 150; n++) {
		assert_true(heap__pop(&h, &x));
		if (seen[x.t / 10])
			assert_true(x.id > last_id[x.t / 10]);
		seen[x.t / 10] = true;
		last_id[x.t / 10] = x.id;
		if (n < 50)
			assert_int_equal(x.t, 0);
		else if (n >= 100)
			assert_int_equal(x.t, 20);
	}
	assert_false(heap__pop(&h, &x));
	heap__release(&h);
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Many items, few distinct times, pushes interleaved with pops (the heap
 * grows from empty past several doublings): the order out is the stable
 * sort of what went in.
 */
static void test_heap_vs_sorted(void **state)
{
	enum { N = 20000 };
	struct item *in = calloc(N, sizeof(*in)), *out = calloc(N, sizeof(*out));
	struct heap h = HEAP_INIT(struct item);
	struct prng p;
	size_t nr_out = 0, max_nr = 0;

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	prng_seed(&p, 5);
	for (uint32_t i = 0; i < N; i++) {
		uint64_t floor_t = (i / 100) * 10; /* no later item is earlier than this */

		in[i] = (struct item){.t = floor_t + prng_below(&p, 64), .id = i};
		assert_int_equal(heap__push(&h, &in[i]), 0);
		if (h.nr > max_nr)
			max_nr = h.nr;
		/* pop what no later push can precede, so the output stays comparable */
		while (h.nr && heap__top(&h, struct item)->t < floor_t)
			assert_true(heap__pop(&h, &out[nr_out++]));
	}
	assert_true(nr_out > N / 2);			  /* pops really interleaved */
	assert_true(max_nr > 100 && h.cap >= max_nr + 1); /* grew past the first 16 */
	while (heap__pop(&h, &out[nr_out]))
		nr_out++;
	assert_int_equal(nr_out, N);
	qsort(in, N, sizeof(*in), cmp_item);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(out[i].t, in[i].t);
		assert_int_equal(out[i].id, in[i].id);
	}
	heap__release(&h);
	assert_null(h.v);
	free(in);
	free(out);
}

/*
 * heap__fix_top(): raising the top's time re-seats it; it keeps its seq, so
 * among equal times it goes before items pushed after it. Used as a pool of
 * k servers (walkers), it gives the same start times as a sorted list.
 */
static void test_heap_fix_top(void **state)
{
	struct heap h = HEAP_INIT(struct item);
	struct item x;
	uint64_t free_at[4] = {0};

	(void)state;
	for (uint32_t i = 0; i < 4; i++) {
		x = (struct item){.t = 0, .id = i};
		assert_int_equal(heap__push(&h, &x), 0);
	}
	for (uint64_t job = 0; job < 1000; job++) {
		uint64_t arrive = job * 7, service = 5 + job % 23, start;
		struct item *top = heap__top(&h, struct item);
		uint32_t k = 0;

		/* reference: the earliest-free server (lowest index on ties) */
		for (uint32_t i = 1; i < 4; i++)
			if (free_at[i] < free_at[k])
				k = i;
		start = free_at[k] > arrive ? free_at[k] : arrive;
		assert_int_equal(top->t, free_at[k]);
		free_at[k] = start + service;
		top->t = start + service;
		heap__fix_top(&h, struct item);
	}
	/* an item raised to an equal time keeps its turn */
	heap__release(&h);
	h = HEAP_INIT(struct item);
	x = (struct item){.t = 1, .id = 0};
	assert_int_equal(heap__push(&h, &x), 0);
	x = (struct item){.t = 5, .id = 1};
	assert_int_equal(heap__push(&h, &x), 0);
	heap__top(&h, struct item)->t = 5;
	heap__fix_top(&h, struct item);
	assert_true(heap__pop(&h, &x));
	assert_int_equal(x.id, 0);
	heap__release(&h);
}

/* heap__reserve(): pushes up to the reserved count never reallocate. */
static void test_heap_reserve(void **state)
{
	struct heap h = HEAP_INIT(struct heap_time);
	void *v;

	(void)state;
	assert_int_equal(heap__reserve(&h, 100), 0);
	v = h.v;
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(heap__push_time(&h, 100 - i), 0);
	assert_ptr_equal(h.v, v);
	assert_int_equal(heap__top(&h, struct heap_time)->time_ns, 1);
	assert_true(heap__drop(&h, struct heap_time));
	assert_int_equal(heap__top(&h, struct heap_time)->time_ns, 2);
	heap__release(&h);
}

/* ------------------------------------------------ units */

struct u64_case {
	const char *text;
	enum units_kind kind;
	uint64_t want;
};

/* Every unit of every kind, with the value a broken table would get wrong. */
static void test_units_table(void **state)
{
	static const struct u64_case ok[] = {
	    /* bytes: binary, optional b / ib, any case */
	    {"4096", UNITS_BYTES, 4096},
	    {"4k", UNITS_BYTES, 4096},
	    {"4K", UNITS_BYTES, 4096},
	    {"4kb", UNITS_BYTES, 4096},
	    {"4KiB", UNITS_BYTES, 4096},
	    {"2m", UNITS_BYTES, 2097152},
	    {"2MiB", UNITS_BYTES, 2097152},
	    {"1g", UNITS_BYTES, 1073741824},
	    {"1GB", UNITS_BYTES, 1073741824},
	    {"1t", UNITS_BYTES, 1099511627776ull},
	    {"1TiB", UNITS_BYTES, 1099511627776ull},
	    {"64b", UNITS_BYTES, 64},
	    {"1.5k", UNITS_BYTES, 1536},
	    {" 8 k ", UNITS_BYTES, 8192},
	    {"0x1000", UNITS_BYTES, 4096},
	    /* entries: binary */
	    {"1k", UNITS_ENTRIES, 1024},
	    {"1K", UNITS_ENTRIES, 1024},
	    {"2m", UNITS_ENTRIES, 2097152},
	    {"64", UNITS_ENTRIES, 64},
	    /* count and rate: decimal */
	    {"1k", UNITS_COUNT, 1000},
	    {"1M", UNITS_COUNT, 1000000},
	    {"3g", UNITS_COUNT, 3000000000ull},
	    {"2T", UNITS_COUNT, 2000000000000ull},
	    {"0x300", UNITS_COUNT, 768},
	    {"2.5k", UNITS_COUNT, 2500},
	    {"1e3", UNITS_COUNT, 1000},
	    {"250e-1", UNITS_COUNT, 25},
	    {"30G", UNITS_RATE, 30000000000ull},
	    {"1k", UNITS_RATE, 1000},
	    /* durations: ns by default, exact fractions */
	    {"500", UNITS_NS, 500},
	    {"500ns", UNITS_NS, 500},
	    {"1.5us", UNITS_NS, 1500},
	    {"1.1us", UNITS_NS, 1100},
	    {"100ms", UNITS_NS, 100000000},
	    {"2s", UNITS_NS, 2000000000},
	    {"2S", UNITS_NS, 2000000000},
	    {"0.000001s", UNITS_NS, 1000},
	    {"1.000000000000000000000000000000000000000000us", UNITS_NS, 1000},
	    /* the edge of 64 bits, exact */
	    {"18446744073709551615", UNITS_COUNT, UINT64_MAX},
	    {"17999999999999999999", UNITS_COUNT, 17999999999999999999ull},
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t v = 0xdead, want = ok[i].want;

		if (units_parse_u64(ok[i].text, ok[i].kind, &v, err, sizeof(err)))
			fail_msg("'%s' as %s: %s", ok[i].text, units_kind_name(ok[i].kind), err);
		if (v != want)
			fail_msg("'%s' as %s: %llu, want %llu", ok[i].text,
				 units_kind_name(ok[i].kind), (unsigned long long)v,
				 (unsigned long long)want);
	}
}

struct err_case {
	const char *text;
	enum units_kind kind;
	int rc;
	const char *why; /* a part of the message */
};

static void test_units_errors(void **state)
{
	static const struct err_case bad[] = {
	    {"5ms", UNITS_ENTRIES, -EINVAL,
	     "'ms' is a duration unit, but this value is an entry count"},
	    {"4kb", UNITS_ENTRIES, -EINVAL, "a byte unit"},
	    {"4kb", UNITS_COUNT, -EINVAL, "a byte unit"},
	    {"1k", UNITS_NS, -EINVAL, "a multiplier, but this value is a duration"},
	    {"1m", UNITS_NS, -EINVAL, "a multiplier"},
	    {"5us", UNITS_BYTES, -EINVAL, "a duration unit"},
	    {"0.5k", UNITS_REAL, -EINVAL, "a plain number"},
	    {"4kHz", UNITS_BYTES, -EINVAL, "unknown unit 'kHz'"},
	    {"0xZZ", UNITS_COUNT, -EINVAL, "'0xZZ' is not a number"},
	    {"0x", UNITS_COUNT, -EINVAL, "not a number"},
	    {"abc", UNITS_COUNT, -EINVAL, "'abc' is not a number"},
	    {"inf", UNITS_RATE, -EINVAL, "not a number"},
	    {"nan", UNITS_REAL, -EINVAL, "not a number"},
	    {"+5", UNITS_COUNT, -EINVAL, "not a number"},
	    {"-5", UNITS_COUNT, -EINVAL, "'-5' is negative"},
	    {"-0.5", UNITS_REAL, -EINVAL, "negative"},
	    {"", UNITS_BYTES, -EINVAL, "empty value"},
	    {"   ", UNITS_BYTES, -EINVAL, "empty value"},
	    {"0.3k", UNITS_BYTES, -EINVAL, "not a whole number"},
	    {"25e-1", UNITS_COUNT, -EINVAL, "not a whole number"},
	    {"1.5", UNITS_ENTRIES, -EINVAL, "not a whole number"},
	    {"0.1ns", UNITS_NS, -EINVAL, "not a whole number"},
	    {"18446744073709551616", UNITS_COUNT, -ERANGE, "too large"},
	    {"16384t", UNITS_ENTRIES, -ERANGE, "too large"}, /* 2^14 * 2^40 = 2^54: fits */
	    {"0x10000000000000000", UNITS_COUNT, -ERANGE, "too large"},
	    {"1e30", UNITS_COUNT, -ERANGE, "too large"},
	    {"4 k b", UNITS_BYTES, -EINVAL, "unknown unit"},
	    {"1.2.3", UNITS_COUNT, -EINVAL, "unknown unit '.3'"},
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 0xdead;
		double d = -1;
		int rc;

		if (!strcmp(bad[i].text, "16384t")) {
			/* 2^54 fits: the overflow edge is 2^24 t */
			assert_int_equal(
			    units_parse_u64("16384t", UNITS_ENTRIES, &v, err, sizeof(err)), 0);
			assert_int_equal(v, 1ull << 54);
			assert_int_equal(
			    units_parse_u64("16777216t", UNITS_ENTRIES, &v, err, sizeof(err)),
			    -ERANGE);
			continue;
		}
		rc = bad[i].kind == UNITS_REAL || bad[i].kind == UNITS_RATE
			 ? units_parse_double(bad[i].text, bad[i].kind, &d, err, sizeof(err))
			 : units_parse_u64(bad[i].text, bad[i].kind, &v, err, sizeof(err));
		if (rc != bad[i].rc || !strstr(err, bad[i].why))
			fail_msg("'%s' as %s: rc %d, message \"%s\"; want rc %d with \"%s\"",
				 bad[i].text, units_kind_name(bad[i].kind), rc, err, bad[i].rc,
				 bad[i].why);
		assert_int_equal(v, 0xdead); /* untouched on error */
	}
}

/* Reals: fractions kept, the same units, hex read exactly. */
static void test_units_double(void **state)
{
	char err[256];
	double d;

	(void)state;
	assert_int_equal(units_parse_double("0.25", UNITS_REAL, &d, err, sizeof(err)), 0);
	assert_true(d == 0.25);
	assert_int_equal(units_parse_double("2.5M", UNITS_RATE, &d, err, sizeof(err)), 0);
	assert_true(d == 2.5e6);
	assert_int_equal(units_parse_double("1.5e-3", UNITS_REAL, &d, err, sizeof(err)), 0);
	assert_true(d == 1.5e-3);
	assert_int_equal(units_parse_double("4k", UNITS_BYTES, &d, err, sizeof(err)), 0);
	assert_true(d == 4096);
	assert_int_equal(units_parse_double("0x10", UNITS_COUNT, &d, err, sizeof(err)), 0);
	assert_true(d == 16);
	assert_int_equal(units_parse_double("1e400", UNITS_REAL, &d, err, sizeof(err)), -ERANGE);
	assert_string_equal(units_kind_name(UNITS_ENTRIES), "entries");
	assert_non_null(strstr(units_kind_rule(UNITS_ENTRIES), "1k = 1024"));
	assert_non_null(strstr(units_kind_rule(UNITS_COUNT), "1k = 1000"));
}

/* ------------------------------------------------ u64map */

#define MAP_KEYS 4096 /* key k stands for k * 0x10001000 (page-like, spread) */

static void check_map(const struct u64map *m, const uint64_t *ref, const bool *in)
{
	uint64_t n = 0, v;

	for (uint64_t k = 0; k < MAP_KEYS; k++) {
		bool got = u64map_get(m, k * 0x10001000ull, &v);

		assert_int_equal(got, in[k]);
		if (got)
			assert_true(v == ref[k]);
		n += in[k];
	}
	assert_true(m->nr == n);
}

static void test_u64map_vs_array(void **state)
{
	static uint64_t ref[MAP_KEYS];
	static bool in[MAP_KEYS];
	struct u64map m;
	struct prng g;

	prng_seed(&g, 3);
	assert_int_equal(u64map_init(&m), 0);
	assert_int_equal(u64map_put(&m, U64MAP_EMPTY, 1), -EINVAL);
	for (int round = 0; round < 6; round++) {
		/* grow well past the size a clear keeps, or (odd rounds) stay small */
		uint64_t steps = round & 1 ? 40 : 20000;

		for (uint64_t i = 0; i < steps; i++) {
			uint64_t k = prng_below(&g, round & 1 ? 64 : MAP_KEYS),
				 key = k * 0x10001000ull;
			uint64_t op = prng_below(&g, 4), *v;

			if (op < 2) {
				assert_int_equal(u64map_put(&m, key, i), 0);
				ref[k] = i;
				in[k] = true;
			} else if (op == 2) {
				assert_int_equal(u64map_del(&m, key), in[k]);
				in[k] = false;
			} else if ((v = u64map_ref(&m, key))) {
				assert_true(in[k]);
				*v += 7; /* changed in place: the next get sees it */
				ref[k] += 7;
			} else {
				assert_false(in[k]);
			}
		}
		check_map(&m, ref, in);
		if (!(round & 1))
			assert_true(m.cap > 1024);
		u64map_clear(&m);
		memset(in, 0, sizeof(in));
		check_map(&m, ref, in);
		assert_true(m.cap <= 256); /* a grown table shrank back */
	}
	u64map_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_heap_ties_fifo), cmocka_unit_test(test_heap_vs_sorted),
	    cmocka_unit_test(test_heap_fix_top),   cmocka_unit_test(test_heap_reserve),
	    cmocka_unit_test(test_units_table),	   cmocka_unit_test(test_units_errors),
	    cmocka_unit_test(test_units_double),   cmocka_unit_test(test_u64map_vs_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
