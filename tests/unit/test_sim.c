// SPDX-License-Identifier: GPL-2.0
/*
 * test_sim.c - the discrete-event core: events fire in (time, insertion)
 * order whatever order they were scheduled in, the past is refused, and
 * handlers may schedule more events.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "model/sim.h"

struct log {
	uint64_t t[20000];  /* fire times */
	uint64_t id[20000]; /* arg of each fired event */
	int n;		    /* fired */
};

static void record(struct sim *s, const struct sim_event *ev)
{
	struct log *l = ev->obj;

	assert_int_equal(sim__now_ns(s), ev->time_ns);
	l->t[l->n] = ev->time_ns;
	l->id[l->n] = ev->arg;
	l->n++;
}

static void test_order_and_fifo_ties(void **state)
{
	static struct log l;
	struct sim *s = sim__new();
	uint64_t x = 12345;

	(void)state;
	l.n = 0;
	/* 20000 events at pseudo-random times in [0, 500): many ties */
	for (uint64_t i = 0; i < 20000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		assert_int_equal(sim__schedule(s, (x >> 33) % 500, record, &l, i, 0), 0);
	}
	assert_int_equal(sim__pending(s), 20000);
	assert_int_equal(sim__run(s), 20000);
	for (int i = 1; i < l.n; i++) {
		assert_true(l.t[i - 1] <= l.t[i]);
		if (l.t[i - 1] == l.t[i]) /* same time: scheduling order */
			assert_true(l.id[i - 1] < l.id[i]);
	}
	assert_int_equal(sim__pending(s), 0);
	sim__free(s);
}

static void chain(struct sim *s, const struct sim_event *ev)
{
	uint64_t *count = ev->obj;

	(*count)++;
	if (ev->arg > 0)
		sim__schedule(s, sim__now_ns(s) + 10, chain, count, ev->arg - 1, 0);
}

static void test_handlers_schedule_and_run_until(void **state)
{
	struct sim *s = sim__new();
	uint64_t count = 0;

	(void)state;
	assert_int_equal(sim__schedule(s, 5, chain, &count, 99, 0), 0);
	/* events at 5, 15, ..., 995: run_until(500) fires those <= 500 */
	assert_int_equal(sim__run_until(s, 500), 50);
	assert_int_equal(sim__now_ns(s), 500);
	assert_int_equal(sim__next_time_ns(s), 505);
	assert_int_equal(sim__schedule(s, 499, chain, &count, 0, 0), -EINVAL);
	assert_int_equal(sim__run(s), 50);
	assert_int_equal(count, 100);
	assert_int_equal(sim__now_ns(s), 995);
	assert_int_equal(sim__nr_fired(s), 100);
	assert_int_equal(sim__next_time_ns(s), UINT64_MAX);
	sim__free(s);
	sim__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_fifo_ties),
	    cmocka_unit_test(test_handlers_schedule_and_run_until),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
