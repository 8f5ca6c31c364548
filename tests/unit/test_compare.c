// SPDX-License-Identifier: GPL-2.0
/*
 * test_compare.c - the "why" of analyze/compare: from a latency
 * decomposition (xlate.part.*_ns over accesses, submit.part.*_ns over
 * descriptors) the parts that moved most, per unit of work, in words; the
 * headline as numbers; and the fallback to the metrics that moved when a
 * run has no decomposition. Runs are written into a temporary database
 * through the store's results sink, as replay writes them.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/compare.h"
#include "analyze/store.h"
#include "analyze/store_sink.h"
#include "model/metric_keys.h"

static char dbpath[64];

struct kv {
	const char *key; /* metric key, NULL ends */
	double v;	 /* value */
};

/* A run with @m metrics and a translation latency histogram of @nr values summing to @sum. */
static int64_t put_run(struct store *st, const char *label, const struct kv *m, uint64_t nr,
		       uint64_t sum)
{
	struct store_sink *ss = store_sink__new(st);
	struct results_sink sink = store_sink__sink(ss);
	uint64_t counts[RESULTS_HIST_BUCKETS] = {0};
	struct results_hist h = {.counts = counts, .unit = "ns", .nr = nr, .sum = sum};
	struct results_run_info info = {.label = label,
					.trace_path = "t.svt",
					.trace_hash = "abc",
					.scenario = "",
					.tool_version = "test"};
	int64_t id;

	assert_non_null(ss);
	assert_int_equal(sink.ops->begin_run(sink.ctx, &info), 0);
	assert_int_equal(sink.ops->config(sink.ctx, "label.only", label, "test"), 0);
	for (; m->key; m++)
		assert_int_equal(sink.ops->metric(sink.ctx, m->key, m->v, "ns"), 0);
	if (nr) {
		counts[results_hist_bucket(sum / nr)] = nr;
		h.min = h.max = sum / nr;
		assert_int_equal(sink.ops->histogram(sink.ctx, KEY_XLATE_LAT, &h), 0);
	}
	assert_int_equal(sink.ops->end_run(sink.ctx, 0), 0);
	id = store_sink__last_run_id(ss);
	store_sink__free(ss);
	return id;
}

static struct store *open_db(void)
{
	char err[256] = "";
	struct store *st;

	snprintf(dbpath, sizeof(dbpath), "/tmp/svt-compare.%d.db", (int)getpid());
	unlink(dbpath);
	st = store__open(dbpath, STORE_CREATE, err, sizeof(err));
	if (!st)
		fail_msg("open: %s", err);
	return st;
}

/*
 * Pinned vs faulting as the xlate parts would show it: 1000 accesses each;
 * B adds 128 us of page-request queueing and 1 us of fault service per
 * access, and its IOTLB hit time drops a little. A metric that moves by a
 * larger ratio (ATC invalidations 10 -> 5000) must not take the lead: the
 * parts explain the headline.
 */
static void test_xlate_parts(void **state)
{
	const struct kv a[] = {{"xlate.part.hit_ns", 1000 * 100.0},
			       {"xlate.part.walk_mem_ns", 1000 * 400.0},
			       {"xlate.part.pri_handler_wait_ns", 0},
			       {"xlate.part.fault_ns", 0},
			       {"atc.inval_entries", 10},
			       {NULL, 0}};
	const struct kv b[] = {{"xlate.part.hit_ns", 1000 * 90.0},
			       {"xlate.part.walk_mem_ns", 1000 * 400.0},
			       {"xlate.part.pri_handler_wait_ns", 1000 * 128000.0},
			       {"xlate.part.fault_ns", 1000 * 1000.0},
			       {"atc.inval_entries", 5000},
			       {NULL, 0}};
	struct store *st = open_db();
	int64_t ia = put_run(st, "pinned", a, 1000, 1000 * 500);
	int64_t ib = put_run(st, "faulting", b, 1000, 1000 * 129490);
	struct compare c;

	(void)state;
	assert_int_equal(compare_runs(st, ia, ib, &c), 0);
	print_message("%s\n%s\n", c.headline, c.why);
	assert_non_null(c.hl.metric);
	assert_string_equal(c.hl.metric, KEY_XLATE_LAT "@mean");
	assert_true(fabs(c.hl.baseline - 500) < 1e-9);
	assert_true(fabs(c.hl.value - 129490) < 1e-9);
	assert_true(fabs(c.hl.ratio - 258.98) < 1e-9);
	assert_non_null(c.cause.prefix);
	assert_string_equal(c.cause.prefix, "xlate.part.");
	assert_string_equal(c.cause.per, "access");
	assert_int_equal(c.cause.nr, 3); /* walk_mem did not move */
	assert_string_equal(c.cause.part[0].words, "page-request queueing (fault-handler wait)");
	assert_true(fabs(c.cause.part[0].delta - 128000) < 1e-6);
	assert_string_equal(c.cause.part[1].words, "fault service");
	assert_true(fabs(c.cause.part[1].delta - 1000) < 1e-6);
	assert_string_equal(c.cause.part[2].key, "xlate.part.hit_ns");
	assert_true(fabs(c.cause.part[2].delta + 10) < 1e-6);
	assert_true(fabs(c.cause.total_delta - 128990) < 1e-6);
	assert_non_null(strstr(
	    c.why,
	    "why: page-request queueing (fault-handler wait) +128 us of +129 us per access"));
	/* the metric that moved most still appears, after the parts */
	assert_true(strstr(c.why, "atc.inval_entries") > strstr(c.why, "fault service"));
	compare_clear(&c);
	store__close(st);
	unlink(dbpath);
}

/*
 * Submission parts divide by submit.nr_completed, which differs between the
 * runs: per descriptor, A spends 600 ns in the WQ and B 6600 ns, although
 * B's summed WQ wait is only 5.5x A's.
 */
static void test_submit_parts_per_desc(void **state)
{
	const struct kv a[] = {{PREFIX_SUBMIT_PART "wq_wait_ns", 1000 * 600.0},
			       {PREFIX_SUBMIT_PART "engine_ns", 1000 * 400.0},
			       {KEY_SUBMIT_PART_TOTAL, 1000 * 1000.0},
			       {KEY_SUBMIT_PART_COUNT, 1000},
			       {KEY_DESC_E2E_LAT "@mean", 1000},
			       {NULL, 0}};
	const struct kv b[] = {{PREFIX_SUBMIT_PART "wq_wait_ns", 500 * 6600.0},
			       {PREFIX_SUBMIT_PART "engine_ns", 500 * 400.0},
			       {KEY_SUBMIT_PART_TOTAL, 500 * 7000.0},
			       {KEY_SUBMIT_PART_COUNT, 500},
			       {KEY_DESC_E2E_LAT "@mean", 7000},
			       {NULL, 0}};
	struct store *st = open_db();
	int64_t ia = put_run(st, "dwq", a, 0, 0);
	int64_t ib = put_run(st, "swq", b, 0, 0);
	struct compare c;

	(void)state;
	assert_int_equal(compare_runs(st, ia, ib, &c), 0);
	print_message("%s\n%s\n", c.headline, c.why);
	assert_string_equal(c.hl.metric, KEY_DESC_E2E_LAT "@mean");
	assert_true(c.hl.speedup < 1);
	assert_string_equal(c.cause.prefix, PREFIX_SUBMIT_PART);
	assert_string_equal(c.cause.per, "descriptor");
	assert_int_equal(c.cause.nr, 1);
	assert_string_equal(c.cause.part[0].words, "WQ queueing");
	assert_true(fabs(c.cause.part[0].a - 600) < 1e-9);
	assert_true(fabs(c.cause.part[0].b - 6600) < 1e-9);
	assert_true(fabs(c.cause.total_delta - 6000) < 1e-9);
	/* the total and count are not parts, and not "other changes" either */
	assert_null(strstr(c.why, KEY_SUBMIT_PART_TOTAL));
	assert_null(strstr(c.why, KEY_SUBMIT_PART_COUNT));
	compare_clear(&c);
	store__close(st);
	unlink(dbpath);
}

/* No decomposition in either run: the why names the metrics that moved. */
static void test_no_parts(void **state)
{
	const struct kv a[] = {{KEY_RUN_DURATION, 1000}, {"iotlb.misses", 10}, {NULL, 0}};
	const struct kv b[] = {{KEY_RUN_DURATION, 2000}, {"iotlb.misses", 40}, {NULL, 0}};
	struct store *st = open_db();
	int64_t ia = put_run(st, "a", a, 0, 0);
	int64_t ib = put_run(st, "b", b, 0, 0);
	struct compare c;
	struct compare_why w;

	(void)state;
	assert_int_equal(compare_runs(st, ia, ib, &c), 0);
	assert_string_equal(c.hl.metric, KEY_RUN_DURATION);
	assert_true(fabs(c.hl.speedup - 0.5) < 1e-12);
	assert_null(c.cause.prefix);
	assert_int_equal(c.cause.nr, 1);
	assert_string_equal(c.cause.part[0].key, "iotlb.misses");
	assert_true(fabs(c.cause.part[0].delta - 30) < 1e-12);
	assert_int_equal(compare_decompose(&c, &compare_families[0], &w), -ENOENT);
	compare_clear(&c);
	store__close(st);
	unlink(dbpath);
}

static void test_words(void **state)
{
	char buf[64];

	(void)state;
	compare_part_words(PREFIX_XLATE_PART, "pri_handler_wait_ns", buf, sizeof(buf));
	assert_string_equal(buf, "page-request queueing (fault-handler wait)");
	/* one name, two families, two meanings */
	compare_part_words(PREFIX_XLATE_PART, "fault", buf, sizeof(buf));
	assert_string_equal(buf, "fault service");
	compare_part_words(PREFIX_SUBMIT_PART, "fault", buf, sizeof(buf));
	assert_string_equal(buf, "page-fault resubmission");
	compare_part_words(PREFIX_XLATE_PART, "some_new_part", buf, sizeof(buf));
	assert_string_equal(buf, "some new part");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xlate_parts),
	    cmocka_unit_test(test_submit_parts_per_desc),
	    cmocka_unit_test(test_no_parts),
	    cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
