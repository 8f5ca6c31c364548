// SPDX-License-Identifier: GPL-2.0
/*
 * test_lib.c - the toolkit in lib/: the (time, seq) heap against a sorted
 * reference.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_heap_ties_fifo),
	    cmocka_unit_test(test_heap_vs_sorted),
	    cmocka_unit_test(test_heap_fix_top),
	    cmocka_unit_test(test_heap_reserve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
