// SPDX-License-Identifier: GPL-2.0
/*
 * test_wq_hostcfg.c - a DSA configuration read from accel-config's JSON and
 * the same configuration read from a trace's host snapshot (the flat
 * /sys/bus/dsa lists `svatrace collect` records) give the same wq.*
 * settings, equal to a list written out by hand; bad input names what is
 * wrong; a snapshot without configured WQs sets nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "replay/wq_hostcfg.h"

/* wq0.0 dedicated and wq0.1 shared in group 0 (2 engines), wq0.4 in group 1 (1 engine). */
static const char accel_json[] =
    "[ { \"dev\":\"dsa1\", \"groups\":[] },"
    "  { \"dev\":\"dsa0\", \"work_queue_size\":128, \"max_read_buffers\":96,"
    "    \"max_batch_size\":1024, \"groups\":["
    "    { \"dev\":\"group0.0\", \"grouped_workqueues\":["
    "      { \"dev\":\"wq0.1\", \"mode\":\"shared\", \"size\":64, \"group_id\":0, \"priority\":5,"
    "        \"block_on_fault\":1, \"threshold\":48 },"
    "      { \"dev\":\"wq0.0\", \"mode\":\"dedicated\", \"size\":32, \"group_id\":0,"
    "        \"priority\":10, \"block_on_fault\":0, \"threshold\":0 } ],"
    "      \"grouped_engines\":[ { \"dev\":\"engine0.0\", \"group_id\":0 },"
    "                            { \"dev\":\"engine0.1\", \"group_id\":0 } ] },"
    "    { \"dev\":\"group0.1\", \"grouped_workqueues\":["
    "      { \"dev\":\"wq0.4\", \"mode\":\"dedicated\", \"size\":16, \"group_id\":1, "
    "\"priority\":1,"
    "        \"block_on_fault\":0, \"threshold\":0 } ],"
    "      \"grouped_engines\":[ { \"dev\":\"engine0.2\", \"group_id\":1 } ] } ],"
    "    \"ungrouped_engines\":[ { \"dev\":\"engine0.3\" } ] } ]";

/* The same device as collect/host.c records it (sysfs values, some as text). */
static const char snapshot_json[] =
    "{ \"devices\":[ { \"name\":\"dsa0\", \"max_work_queues_size\":128,"
    "                  \"max_batch_size\":1024, \"max_read_buffers\":96 } ],"
    "  \"groups\":[ { \"name\":\"group0.0\", \"engines\":\"engine0.0 engine0.1\" } ],"
    "  \"engines\":[ { \"name\":\"engine0.0\", \"group_id\":0 }, { \"name\":\"engine0.1\", "
    "\"group_id\":0 },"
    "               { \"name\":\"engine0.2\", \"group_id\":1 }, { \"name\":\"engine0.3\", "
    "\"group_id\":-1 },"
    "               { \"name\":\"engine1.0\", \"group_id\":0 } ],"
    "  \"wqs\":[ { \"name\":\"wq0.0\", \"mode\":\"dedicated\", \"size\":32, \"group_id\":0,"
    "             \"priority\":10, \"block_on_fault\":0, \"threshold\":0 },"
    "           { \"name\":\"wq0.1\", \"mode\":\"shared\", \"size\":\"64\", \"group_id\":0, "
    "\"priority\":5,"
    "             \"block_on_fault\":1, \"threshold\":48 },"
    "           { \"name\":\"wq0.2\", \"mode\":\"dedicated\", \"size\":0, \"group_id\":-1 },"
    "           { \"name\":\"wq0.4\", \"mode\":\"dedicated\", \"size\":16, \"group_id\":1,"
    "             \"priority\":1, \"block_on_fault\":0, \"threshold\":0 },"
    "           { \"name\":\"wq1.0\", \"mode\":\"shared\", \"size\":8, \"group_id\":0 } ] }";

static const char *const want[] = {
    "wq.nr_groups=2",
    "wq.group0.engines=2",
    "wq.group1.engines=1",
    "wq.device_wq_entries=128",
    "wq.max_batch=1024",
    "wq.max_read_buffers=96",
    "wq.nr_wqs=3",
    "wq.wq0.mode=dedicated",
    "wq.wq0.size=32",
    "wq.wq0.group=0",
    "wq.wq0.priority=10",
    "wq.wq0.block_on_fault=0",
    "wq.wq1.mode=shared",
    "wq.wq1.size=64",
    "wq.wq1.group=0",
    "wq.wq1.priority=5",
    "wq.wq1.threshold=48",
    "wq.wq1.block_on_fault=1",
    "wq.wq2.mode=dedicated",
    "wq.wq2.size=16",
    "wq.wq2.group=1",
    "wq.wq2.priority=1",
    "wq.wq2.block_on_fault=0",
};

static void check_want(const struct wq_hostcfg_kv *kv, size_t nr)
{
	char s[80];

	for (size_t i = 0; i < nr; i++) {
		snprintf(s, sizeof(s), "%s=%s", kv[i].key, kv[i].value);
		if (i >= sizeof(want) / sizeof(want[0]) || strcmp(s, want[i]))
			fail_msg("setting %zu: got %s, want %s", i, s,
				 i < sizeof(want) / sizeof(want[0]) ? want[i] : "(none)");
	}
	assert_int_equal(nr, sizeof(want) / sizeof(want[0]));
}

static void test_accel_json(void **state)
{
	struct wq_hostcfg_kv kv[WQ_HOSTCFG_MAX_KV];
	json_t *root = json_loads(accel_json, 0, NULL);
	char err[200];
	size_t nr;

	(void)state;
	assert_non_null(root);
	assert_int_equal(wq_hostcfg_from_accel(root, NULL, kv, &nr, err, sizeof(err)), 0);
	check_want(kv, nr);
	assert_int_equal(wq_hostcfg_from_accel(root, "dsa0", kv, &nr, err, sizeof(err)), 0);
	check_want(kv, nr);
	assert_int_equal(wq_hostcfg_from_accel(root, "dsa7", kv, &nr, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "dsa7"));
	json_decref(root);
}

static void test_snapshot_equals_accel(void **state)
{
	struct wq_hostcfg_kv kv[WQ_HOSTCFG_MAX_KV];
	json_t *dsa = json_loads(snapshot_json, 0, NULL), *empty;
	char err[200];
	size_t nr;

	(void)state;
	assert_non_null(dsa);
	assert_int_equal(wq_hostcfg_from_snapshot(dsa, NULL, kv, &nr, err, sizeof(err)), 0);
	check_want(kv, nr);
	json_decref(dsa);
	/* no configured WQ (or no DSA at all): nothing set, not an error */
	empty = json_loads("{ \"devices\":[], \"wqs\":[ { \"name\":\"wq0.0\", \"size\":0 } ] }", 0,
			   NULL);
	assert_int_equal(wq_hostcfg_from_snapshot(empty, NULL, kv, &nr, err, sizeof(err)), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(wq_hostcfg_from_snapshot(NULL, NULL, kv, &nr, err, sizeof(err)), 0);
	assert_int_equal(nr, 0);
	json_decref(empty);
}

static void test_bad_input(void **state)
{
	struct wq_hostcfg_kv kv[WQ_HOSTCFG_MAX_KV];
	char err[200];
	size_t nr;
	json_t *j;

	(void)state;
	j = json_loads("[ { \"dev\":\"dsa0\", \"groups\":[ { \"dev\":\"group0.0\", "
		       "\"grouped_workqueues\":[ { \"dev\":\"wq0.2\", \"mode\":\"dedicated\", "
		       "\"size\":8, \"group_id\":6 } ] } ] } ]",
		       0, NULL);
	assert_int_equal(wq_hostcfg_from_accel(j, NULL, kv, &nr, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq2: group 6"));
	json_decref(j);
	assert_int_equal(wq_hostcfg_read_file("/nonexistent/accel.json", kv, &nr, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "/nonexistent/accel.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accel_json),
	    cmocka_unit_test(test_snapshot_equals_accel),
	    cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
