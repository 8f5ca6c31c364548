// SPDX-License-Identifier: GPL-2.0
/*
 * test_suggest.c - edit distance (with neighbour swaps as one edit) and the
 * "did you mean" threshold: typos of the examples find their word,
 * unrelated words find nothing, ties keep the first candidate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/suggest.h"

static void test_distance(void **state)
{
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(suggest_distance("replya", "replay"), 1); /* swap */
	assert_int_equal(suggest_distance("jsn", "json"), 1);	   /* insert */
	assert_int_equal(suggest_distance("iotlb.entires", "iotlb.entries"), 1);
}

static void test_closest(void **state)
{
	static const char *const cmds[] = {"collect", "replay", "report", "runs", "sweep"};
	static const char *const keys[] = {"iotlb.entries", "iotlb.ways", "atc.entries"};

	assert_string_equal(suggest_closest("replya", cmds, 5), "replay");
	assert_string_equal(suggest_closest("swep", cmds, 5), "sweep");
	assert_string_equal(suggest_closest("iotlb.entires", keys, 3), "iotlb.entries");
	assert_null(suggest_closest("xyzzy", cmds, 5));
	assert_null(suggest_closest("replay", cmds, 5)); /* exact: nothing to suggest */
	assert_null(suggest_closest("", cmds, 0));
	/* "rep" is 3 from replay and report: too far for a 3-letter word */
	assert_null(suggest_closest("rep", cmds, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance),
	    cmocka_unit_test(test_closest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
