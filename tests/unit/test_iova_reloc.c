// SPDX-License-Identifier: GPL-2.0
/*
 * test_iova_reloc.c - replay/iova_reloc: maps moved off held IOVAs, and a
 * range that spans several maps (a scatterlist's segments) split into the
 * runs of pages that moved together.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "replay/iova_reloc.h"

#define B IOVA_RELOC_BASE

/* pages 0x10 and 0x12 are held; 0x11 is not */
static bool held(void *ctx, uint64_t page)
{
	(void)ctx;
	return page == 0x10 || page == 0x12;
}

/*
 * Three one-page maps of one allocation at 0x10000: the first and third
 * move (to B and B + 0x1000), the second stays. The range's one unmap is
 * three runs, each where its own map went; moved whole from its first page
 * it would run over B + 0x2000, a page no map of it holds.
 */
static void test_run_splits_segments(void **state)
{
	struct iova_reloc *r = iova_reloc__new();
	uint64_t iova, run;

	(void)state;
	assert_non_null(r);
	iova = 0x10000;
	assert_int_equal(iova_reloc__map(r, &iova, 0x1000, held, NULL), 1);
	assert_int_equal(iova, B);
	iova = 0x11000;
	assert_int_equal(iova_reloc__map(r, &iova, 0x1000, held, NULL), 0);
	assert_int_equal(iova, 0x11000);
	iova = 0x12000;
	assert_int_equal(iova_reloc__map(r, &iova, 0x1000, held, NULL), 1);
	assert_int_equal(iova, B + 0x1000);

	assert_int_equal(iova_reloc__run(r, 0x10000, 0x3000, &run), B);
	assert_int_equal(run, 0x1000);
	assert_int_equal(iova_reloc__run(r, 0x11000, 0x2000, &run), 0x11000);
	assert_int_equal(run, 0x1000);
	assert_int_equal(iova_reloc__run(r, 0x12000, 0x1000, &run), B + 0x1000);
	assert_int_equal(run, 0x1000);
	/* an offset into the first page: the run ends at that page's end */
	assert_int_equal(iova_reloc__run(r, 0x10800, 0x2000, &run), B + 0x800);
	assert_int_equal(run, 0x800);
	iova_reloc__free(r);
}

/* A map moved whole is one run, however long; an unmoved range is itself. */
static void test_run_whole(void **state)
{
	struct iova_reloc *r = iova_reloc__new();
	uint64_t iova = 0x10000, run;

	(void)state;
	assert_non_null(r);
	assert_int_equal(iova_reloc__map(r, &iova, 0x3000, held, NULL), 1);
	assert_int_equal(iova_reloc__run(r, 0x10000, 0x3000, &run), B);
	assert_int_equal(run, 0x3000);
	assert_int_equal(iova_reloc__run(r, 0x40000, 0x5000, &run), 0x40000);
	assert_int_equal(run, 0x5000);
	assert_int_equal(iova_reloc__run(r, 0x40000, 0, &run), 0x40000);
	assert_int_equal(run, 0);
	iova_reloc__free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_run_splits_segments),
	    cmocka_unit_test(test_run_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
