// SPDX-License-Identifier: GPL-2.0
/*
 * test_lib_series.c - a run's time series (lib/series.h): series fed at the
 * same timestamps land in the same windows whatever their first sample, all
 * share the origin and coarsen together, and the three kinds (sum, level,
 * time integral) give the values their definitions say; sets on one
 * shared grid (a run's two models) keep one axis.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/series.h"

#define MAXV 64

struct got {
	int n;		    /* series emitted */
	char key[8][32];    /* their keys */
	uint64_t start[8];  /* start_ns */
	uint64_t window[8]; /* window_ns */
	size_t nr[8];	    /* windows */
	double v[8][MAXV];  /* values */
};

static int collect(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		   const double *values, size_t nr)
{
	struct got *g = ctx;

	assert_true(g->n < 8 && nr <= MAXV);
	strcpy(g->key[g->n], key);
	g->start[g->n] = start_ns;
	g->window[g->n] = window_ns;
	g->nr[g->n] = nr;
	memcpy(g->v[g->n], values, nr * sizeof(*values));
	g->n++;
	return 0;
}

/* Maps at 1.0 s, invalidations caused by them first seen 2.5 s later: the
 * invalidation at 3.5 s must land in window 25 on both series' common axis,
 * not in window 0 of its own. */
static void test_same_time_same_window(void **state)
{
	struct series *s = series__new(100000000, MAXV); /* 100 ms windows */
	struct got g = {0};
	int maps, inval;

	(void)state;
	assert_non_null(s);
	maps = series__define(s, "map.count", SERIES_SUM);
	inval = series__define(s, "inval.count", SERIES_SUM);
	assert_true(maps >= 0 && inval >= 0 && maps != inval);
	series__start(s, 1000000000);		 /* the run's first timestamp */
	series__add(s, maps, 1000000000, 1);	 /* window 0 */
	series__add(s, maps, 1250000000, 1);	 /* window 2 */
	series__add(s, inval, 3500000000ull, 1); /* window 25 */
	series__add(s, maps, 3500000000ull, 1);	 /* the same window */
	series__finish(s, 3600000000ull);
	assert_int_equal(series__emit(s, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.key[0], "map.count");
	assert_int_equal(g.start[0], 1000000000);
	assert_int_equal(g.start[1], 1000000000);
	assert_int_equal(g.window[0], g.window[1]);
	/* both end at the window holding the end: same length */
	assert_int_equal(g.nr[0], 27);
	assert_int_equal(g.nr[1], 27);
	assert_true(g.v[0][0] == 1 && g.v[0][2] == 1 && g.v[0][25] == 1);
	assert_true(g.v[1][25] == 1 && g.v[1][0] == 0 && g.v[1][24] == 0);
	series__free(s);
}

/* One series overflowing its windows coarsens every series: indexes agree. */
static void test_coarsen_together(void **state)
{
	struct series *s = series__new(10, 8);
	struct got g = {0};
	int a, b;

	(void)state;
	a = series__define(s, "a", SERIES_SUM);
	b = series__define(s, "b", SERIES_LEVEL);
	series__add(s, a, 0, 1);
	series__add(s, b, 5, 7);  /* level 7 from t=5 */
	series__add(s, b, 35, 3); /* drops to 3 in window 3 */
	series__add(s, a, 75, 2); /* window 7 */
	series__add(s, a, 85, 4); /* window 8 > 7: width 20, then window 4 */
	series__finish(s, 90);
	assert_int_equal(series__window_ns(s), 20);
	assert_int_equal(series__emit(s, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.window[0], 20);
	assert_int_equal(g.window[1], 20);
	assert_int_equal(g.nr[0], 5);
	assert_int_equal(g.nr[1], 5);
	/* sums: [0,20) 1, [60,80) 2, [80,100) 4 */
	assert_true(g.v[0][0] == 1 && g.v[0][1] == 0 && g.v[0][3] == 2 && g.v[0][4] == 4);
	/* levels: max in window, carried: 7, 7 (7 then 3), 3, 3, 3 */
	assert_true(g.v[1][0] == 7 && g.v[1][1] == 7 && g.v[1][2] == 3 && g.v[1][4] == 3);
	series__free(s);
}

/* Time integral: occupancy 2 over [100, 250), 4 over [250, 300); end 320. */
static void test_integral_mean(void **state)
{
	struct series *s = series__new(100, MAXV);
	struct got g = {0};
	int q;

	(void)state;
	q = series__define(s, "wq.0.occupancy", SERIES_INTEGRAL);
	series__span(s, q, 0, 100, 0); /* zero level: no origin, nothing */
	series__start(s, 100);
	series__span(s, q, 100, 250, 2);
	series__span(s, q, 250, 300, 4);
	series__finish(s, 320);
	assert_int_equal(series__origin_ns(s), 100);
	assert_int_equal(series__emit(s, collect, &g), 0);
	assert_int_equal(g.nr[0], 3);
	assert_true(g.v[0][0] == 2);			     /* [100,200) */
	assert_true(g.v[0][1] == (50.0 * 2 + 50 * 4) / 100); /* [200,300) */
	assert_true(g.v[0][2] == 0);			     /* [300,320) */
	series__free(s);
}

/*
 * Two sets on one grid (the two models of a replay): each emits only its own
 * series, on the grid's origin, and a sample late in one set coarsens the
 * other too. Separate grids (before: one per model) gave the WQ set its own
 * origin (its first sample) and a window that never doubled with the other's.
 */
static void test_shared_grid(void **state)
{
	struct series_grid *grid = series_grid__new(1000, 8); /* 1 us windows */
	struct series *xl, *wq;
	struct got gx = {0}, gw = {0};
	int miss, occ;

	(void)state;
	assert_non_null(grid);
	xl = series__new_on(grid);
	wq = series__new_on(grid);
	assert_non_null(xl);
	assert_non_null(wq);
	miss = series__define(xl, "iotlb.misses", SERIES_SUM);
	occ = series__define(wq, "wq.0.occupancy", SERIES_SUM);
	series_grid__start(grid, 500);	 /* the run's first record */
	series__add(wq, occ, 2500, 1);	 /* window 2 */
	series__add(xl, miss, 700, 1);	 /* window 0 */
	series__add(xl, miss, 12600, 1); /* window 12: 8 windows of 1 us no longer fit */
	series__finish(xl, 12600);
	series__finish(wq, 2600);
	assert_int_equal(series__emit(xl, collect, &gx), 0);
	assert_int_equal(series__emit(wq, collect, &gw), 0);
	assert_int_equal(gx.n, 1);
	assert_int_equal(gw.n, 1);
	assert_string_equal(gx.key[0], "iotlb.misses");
	assert_string_equal(gw.key[0], "wq.0.occupancy");
	assert_int_equal(gx.start[0], 500);
	assert_int_equal(gw.start[0], 500);
	assert_int_equal(gx.window[0], 2000); /* doubled once, for both sets */
	assert_int_equal(gw.window[0], 2000);
	assert_int_equal(gx.nr[0], 7); /* [500, 14500) */
	assert_true(gx.v[0][0] == 1 && gx.v[0][6] == 1);
	assert_int_equal(gw.nr[0], 2); /* its sample at 2500 is in window 1 now */
	assert_true(gw.v[0][0] == 0 && gw.v[0][1] == 1);
	series__free(xl);
	series__free(wq);
	series_grid__free(grid);
}

static void test_bad_args_and_empty(void **state)
{
	struct series *s;
	struct got g = {0};

	(void)state;
	errno = 0;
	assert_null(series__new(0, 16));
	assert_int_equal(errno, EINVAL);
	assert_null(series__new(10, 1));
	s = series__new(10, 16);
	series__define(s, "never", SERIES_SUM);
	series__finish(s, 100); /* nothing sampled: nothing to extend */
	assert_int_equal(series__emit(s, collect, &g), 0);
	assert_int_equal(g.n, 0);
	series__free(s);
	series__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_time_same_window), cmocka_unit_test(test_coarsen_together),
	    cmocka_unit_test(test_integral_mean),	  cmocka_unit_test(test_shared_grid),
	    cmocka_unit_test(test_bad_args_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
