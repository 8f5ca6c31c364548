// SPDX-License-Identifier: GPL-2.0
/*
 * test_wq_hostcfg.c - a DSA configuration read from accel-config's JSON and
 * the same configuration read from a trace's host snapshot (the flat
 * /sys/bus/dsa lists `svatrace collect` records) give the same wq.*
 * settings, equal to a list written out by hand; bad input names what is
 * wrong; a snapshot without configured WQs sets nothing; a trace carrying
 * the snapshot in its META chunk sets the parameters, naming itself as
 * their origin.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/params.h"
#include "model/wq/wq_params.h"
#include "replay/registry.h"
#include "replay/wq_hostcfg.h"
#include "trace/trace.h"

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

static const char *const want_kv[] = {
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
		if (i >= sizeof(want_kv) / sizeof(want_kv[0]) || strcmp(s, want_kv[i]))
			fail_msg("setting %zu: got %s, want %s", i, s,
				 i < sizeof(want_kv) / sizeof(want_kv[0]) ? want_kv[i] : "(none)");
	}
	assert_int_equal(nr, sizeof(want_kv) / sizeof(want_kv[0]));
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

struct origin_ck {
	const char *key;   /* key to look at */
	char origin[1200]; /* its origin */
};

static void origin_of(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	struct origin_ck *o = ctx;

	(void)value;
	if (!strcmp(d->key, o->key))
		snprintf(o->origin, sizeof(o->origin), "%s", origin);
}

static char *write_trace(const char *meta)
{
	char *path = strdup("/tmp/test_wq_hostcfg.XXXXXX");
	struct trace_writer *w;
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	w = trace_writer__open(path, TRACE_CLOCK_MONOTONIC, 0, meta);
	assert_non_null(w);
	assert_int_equal(trace_writer__close(w), 0);
	return path;
}

/*
 * A trace whose META chunk carries the host snapshot configures the WQ
 * model: the values land in the parameters with the trace named as their
 * origin; a trace without a snapshot sets nothing.
 */
static void test_apply_trace(void **state)
{
	struct params *p = params__new(svt_param_registry);
	struct origin_ck ck = {.key = "wq.wq1.threshold"};
	const struct wq_config *c;
	char *meta, *path, err[300], want[1200];
	int n;

	(void)state;
	assert_non_null(p);
	meta = malloc(strlen(snapshot_json) + 64);
	assert_non_null(meta);
	sprintf(meta, "{ \"host\": { \"dsa\": %s } }", snapshot_json);
	path = write_trace(meta);
	n = wq_hostcfg_apply_trace(p, path, err, sizeof(err));
	assert_int_equal(n, (int)(sizeof(want_kv) / sizeof(want_kv[0])));
	assert_int_equal(params__validate(p, err, sizeof(err)), 0);
	c = params__cfg(p, &wq_param_table);
	assert_int_equal(c->nr_wqs, 3);
	assert_int_equal(c->wq[1].mode, WQ_MODE_SHARED);
	assert_int_equal(c->wq[1].threshold, 48);
	assert_int_equal(c->wq[1].block_on_fault, 1);
	assert_int_equal(c->wq[2].group, 1);
	assert_int_equal(c->group_engines[0], 2);
	params__foreach(p, origin_of, &ck);
	snprintf(want, sizeof(want), "trace host snapshot (%s)", path);
	assert_string_equal(ck.origin, want);
	unlink(path);
	free(path);
	params__free(p);

	p = params__new(svt_param_registry);
	path = write_trace("{ \"host\": { \"kernel_release\": \"6.1\" } }");
	assert_int_equal(wq_hostcfg_apply_trace(p, path, err, sizeof(err)), 0);
	c = params__cfg(p, &wq_param_table);
	assert_int_equal(c->nr_wqs, 1);
	unlink(path);
	free(path);
	params__free(p);
	free(meta);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accel_json),
	    cmocka_unit_test(test_snapshot_equals_accel),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_apply_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
