// SPDX-License-Identifier: GPL-2.0
/*
 * test_sens_keys.c - `sweep --sensitivity --keys estimated` varies what is
 * an estimate at the base point, judged by where each value came from (as
 * the report judges it): a value a profile cites is not varied even when
 * the built-in default is an estimate, and neither is a --set value.
 * Before, the built-in source alone decided: under qemu-vtd, whose
 * inval.qi_wait_ns cites a published vIOMMU figure, it was still varied
 * while the report called it "not an estimate".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sweep/sensitivity.h"

static bool has(const char **keys, size_t nr, const char *key)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

static void pick(const char *profile, const struct sweep_setting *set, size_t nr_set,
		 const char ***keys, size_t *nr)
{
	struct sweep_opts o = {
	    .trace = "unused", .profile = profile, .user = set, .nr_user = nr_set};
	struct sens_opts so = {.o = &o, .keys = "estimated"};
	char err[256] = "";

	assert_int_equal(sens_select_keys(&so, keys, nr, err, sizeof(err)), 0);
	assert_true(*nr > 10);
}

static void test_builtin_estimate_varied(void **state)
{
	const char **k;
	size_t n;

	(void)state;
	pick(NULL, NULL, 0, &k, &n);
	assert_true(has(k, n, "inval.qi_wait_ns")); /* default.ini: "estimate: ..." */
	assert_true(has(k, n, "walk.walkers"));
	assert_false(has(k, n, "model.seed"));
	free(k);
}

static void test_profile_citation_not_varied(void **state)
{
	const char **k;
	size_t n;

	(void)state;
	pick("data/profiles/qemu-vtd.ini", NULL, 0, &k, &n);
	assert_false(has(k, n, "inval.qi_wait_ns")); /* qemu-vtd.ini cites F&S (SOSP'24) */
	assert_true(has(k, n, "walk.walkers"));	     /* still the built-in estimate */
	free(k);
}

static void test_set_value_not_varied(void **state)
{
	static const struct sweep_setting set[] = {{"walk.walkers", "8", "--set"}};
	const char **k;
	size_t n;

	(void)state;
	pick(NULL, set, 1, &k, &n);
	assert_false(has(k, n, "walk.walkers"));
	assert_true(has(k, n, "inval.qi_wait_ns"));
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_estimate_varied),
	    cmocka_unit_test(test_profile_citation_not_varied),
	    cmocka_unit_test(test_set_value_not_varied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
