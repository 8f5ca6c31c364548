// SPDX-License-Identifier: GPL-2.0
/*
 * test_sweep.c - the sweep library (sweep/): the duplicate-point check on a
 * large grid (linear: hashed point keys), duplicate points found through a
 * plan, and the error codes of the plan, the runner and the job emitter
 * (0/-errno, never CLI exit statuses); a point's replay builds its
 * scenario chain once (issue 11); the wide views name the keys of the
 * sweep's runs once it ends.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/log.h"
#include "replay/registry.h"
#include "replay/scenario.h"
#include "trace/trace.h"
#include "sweep/jobs.h"
#include "sweep/plan.h"
#include "sweep/runner.h"

static char tmpdir[64];

static const char *tpath(const char *name)
{
	static char buf[4][256];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/svt-sweep.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	/* not a trace: hashing works, every replay of it fails */
	write_file(tpath("bad.svt"), "this is not an svatrace trace\n");
	svt_log_set_level(SVT_LOG_ERROR);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/*
 * 400k keys, 150k distinct: key i repeats key i % 150000. Every duplicate
 * must name the first occurrence. Comparing every pair (the old check)
 * takes 8e10 string compares here, minutes; hashed, well under a second.
 */
static void test_duplicates_large(void **state)
{
	const size_t nr = 400000, distinct = 150000;
	char(*text)[40] = calloc(nr, sizeof(*text));
	const char **keys = calloc(nr, sizeof(*keys));
	size_t *dup_of = calloc(nr, sizeof(*dup_of));
	size_t nr_dups = 0;
	double t0;

	(void)state;
	assert_true(text && keys && dup_of);
	for (size_t i = 0; i < nr; i++) {
		/* same length and prefix for all: only the hash tells them apart */
		snprintf(text[i], sizeof(text[i]), "%032zx", (i % distinct) * 2654435761u);
		keys[i] = text[i];
	}
	t0 = now_s();
	assert_int_equal(sweep_find_duplicates(keys, nr, dup_of), 0);
	/* generous bound (sanitizer build, loaded machine); quadratic misses it by far */
	assert_true(now_s() - t0 < 20.0);
	for (size_t i = 0; i < nr; i++) {
		size_t want = i < distinct ? nr : i % distinct;

		if (dup_of[i] != want)
			fail_msg("key %zu: dup_of %zu, want %zu", i, dup_of[i], want);
		nr_dups += dup_of[i] < nr;
	}
	assert_int_equal(nr_dups, nr - distinct);
	free(text);
	free(keys);
	free(dup_of);
}

/* Equal keys far apart, different keys with one character changed. */
static void test_duplicates_exact(void **state)
{
	const char *keys[] = {"a", "b", "ab", "ba", "a", "", "", "ab", "abc"};
	size_t dup_of[9];
	const size_t want[9] = {9, 9, 9, 9, 0, 9, 5, 2, 9};

	(void)state;
	assert_int_equal(sweep_find_duplicates(keys, 9, dup_of), 0);
	for (size_t i = 0; i < 9; i++)
		assert_int_equal(dup_of[i], want[i]);
	assert_int_equal(sweep_find_duplicates(keys, 0, dup_of), 0);
}

static struct sweep_grid *grid_of(const char *const *axes, size_t nr)
{
	struct sweep_grid *g = sweep_grid__new();
	struct params *check = params__new(svt_param_registry);
	char err[256];

	assert_non_null(g);
	assert_non_null(check);
	for (size_t i = 0; i < nr; i++)
		if (sweep_grid__add_axis(g, axes[i], check, err, sizeof(err)))
			fail_msg("%s: %s", axes[i], err);
	params__free(check);
	return g;
}

/*
 * A plan over 2 x 1000 points where the two page sizes are one value in two
 * spellings: the second half duplicates the first, point by point.
 */
static void test_plan_duplicates(void **state)
{
	const char *axes[] = {"pt.page_bytes=4096,4K", "iotlb.entries=16..16000+16"};
	struct sweep_opts o = {.trace = tpath("bad.svt")};
	struct sweep_plan *sp;
	size_t counts[SWEEP_NR_PT_STATES];
	char err[256];

	(void)state;
	sp = sweep_plan__new(&o, grid_of(axes, 2), err, sizeof(err));
	if (!sp)
		fail_msg("plan: %s", err);
	assert_int_equal(sweep_plan__nr_points(sp), 2000);
	sweep_plan__count(sp, counts);
	assert_int_equal(counts[SWEEP_PT_TODO], 1000);
	assert_int_equal(counts[SWEEP_PT_DUP], 1000);
	for (size_t i = 1000; i < 2000; i++) {
		const struct sweep_point *pt = sweep_plan__point(sp, i);

		assert_int_equal(pt->state, SWEEP_PT_DUP);
		assert_int_equal(pt->dup_of, i - 1000);
		assert_string_equal(pt->key, sweep_plan__point(sp, i - 1000)->key);
	}
	/* and the first half are all different points */
	assert_string_not_equal(sweep_plan__point(sp, 0)->key, sweep_plan__point(sp, 1)->key);
	sweep_plan__free(sp);
}

/* sweep_plan__new(): errno names the failure; the message names the point. */
static void test_plan_errors(void **state)
{
	const char *big[] = {"iotlb.entries=1..1000", "walk.walkers=1..1001"};
	const char *bad[] = {"iotlb.entries=16,12"};
	const char *ok[] = {"iotlb.entries=16"};
	struct sweep_opts o = {.trace = tpath("bad.svt")};
	char err[256];

	(void)state;
	errno = 0;
	assert_null(sweep_plan__new(&o, grid_of(big, 2), err, sizeof(err)));
	assert_int_equal(errno, E2BIG);

	assert_null(sweep_plan__new(&o, grid_of(bad, 1), err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "point 1 (iotlb.entries=12)"));

	o.profile = "no-such-profile";
	assert_null(sweep_plan__new(&o, grid_of(ok, 1), err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "no-such-profile"));
	o.profile = NULL;

	o.trace = tpath("missing.svt");
	assert_null(sweep_plan__new(&o, grid_of(ok, 1), err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "missing.svt"));
}

/* check_db: a missing file per mode, a file that is not a database. */
static void test_check_db_errors(void **state)
{
	const char *axes[] = {"iotlb.entries=16,32"};
	struct sweep_opts o = {.trace = tpath("bad.svt"), .db = tpath("none.db")};
	struct sweep_plan *sp = sweep_plan__new(&o, grid_of(axes, 1), NULL, 0);
	char err[256];

	(void)state;
	assert_non_null(sp);
	assert_int_equal(sweep_plan__check_db(sp, SWEEP_DB_MUST_EXIST, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "none.db"));
	assert_int_equal(sweep_plan__check_db(sp, SWEEP_DB_IF_EXISTS, err, sizeof(err)), 0);
	assert_int_equal(access(tpath("none.db"), F_OK), -1); /* not created */
	sweep_plan__free(sp);

	write_file(tpath("text.db"), "not a database, only text long enough to be looked at\n");
	o.db = tpath("text.db");
	sp = sweep_plan__new(&o, grid_of(axes, 1), err, sizeof(err));
	assert_non_null(sp);
	assert_int_equal(sweep_plan__check_db(sp, SWEEP_DB_CREATE, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not an SQLite database"));
	sweep_plan__free(sp);
}

struct hook_log {
	size_t nr_failed;   /* point_failed calls */
	size_t nr_progress; /* progress calls */
	bool raise_int;	    /* raise SIGINT from the first progress call */
};

static void on_progress(void *ctx, const struct sweep_progress *pg)
{
	struct hook_log *l = ctx;

	(void)pg;
	if (l->raise_int && !l->nr_progress)
		raise(SIGINT);
	l->nr_progress++;
}

static void on_failed(void *ctx, const struct sweep_plan *sp, size_t idx)
{
	struct hook_log *l = ctx;

	assert_int_equal(sweep_plan__point(sp, idx)->state, SWEEP_PT_FAILED);
	l->nr_failed++;
}

/*
 * The runner: bad arguments are -EINVAL; points whose replay fails end
 * FAILED with a non-zero exit status and the run still returns 0; a
 * SIGINT stops it with -EINTR, points not started stay TODO, and the
 * caller's SIGINT handler is back afterwards.
 */
static void test_runner_errors(void **state)
{
	const char *axes[] = {"iotlb.entries=16,32,64,128"};
	struct sweep_opts o = {.trace = tpath("bad.svt"), .db = tpath("run.db")};
	struct hook_log log = {0};
	const struct sweep_hooks hooks = {on_progress, on_failed, &log, false};
	struct sweep_plan *sp = sweep_plan__new(&o, grid_of(axes, 1), NULL, 0);
	size_t counts[SWEEP_NR_PT_STATES];
	struct sigaction before, old;
	double wall_s;

	(void)state;
	/* the handler the caller had (SIG_IGN under nohup or a background job) */
	assert_int_equal(sigaction(SIGINT, NULL, &before), 0);
	assert_non_null(sp);
	assert_int_equal(sweep_plan__check_db(sp, SWEEP_DB_CREATE, NULL, 0), 0);
	assert_int_equal(sweep_plan__run(sp, 0, &hooks, &wall_s), -EINVAL);
	assert_int_equal(sweep_plan__run(sp, SWEEP_MAX_JOBS + 1, &hooks, &wall_s), -EINVAL);

	assert_int_equal(sweep_plan__run(sp, 2, &hooks, &wall_s), 0);
	sweep_plan__count(sp, counts);
	assert_int_equal(counts[SWEEP_PT_FAILED], 4);
	assert_int_equal(log.nr_failed, 4);
	for (size_t i = 0; i < 4; i++) {
		int wst = sweep_plan__point(sp, i)->wait_status;

		assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) != 0);
	}
	sweep_plan__free(sp);

	/* interrupted: one worker at a time, SIGINT before the first finishes */
	log = (struct hook_log){.raise_int = true};
	sp = sweep_plan__new(&o, grid_of(axes, 1), NULL, 0);
	assert_non_null(sp);
	assert_int_equal(sweep_plan__run(sp, 1, &hooks, &wall_s), -EINTR);
	sweep_plan__count(sp, counts);
	assert_int_equal(counts[SWEEP_PT_TODO], 3);
	assert_int_equal(counts[SWEEP_PT_RUNNING], 0);
	assert_int_equal(sigaction(SIGINT, NULL, &old), 0);
	assert_true(old.sa_handler == before.sa_handler);
	sweep_plan__free(sp);

	/* a plan without a database cannot run */
	o.db = NULL;
	sp = sweep_plan__new(&o, grid_of(axes, 1), NULL, 0);
	assert_int_equal(sweep_plan__run(sp, 1, &hooks, &wall_s), -EINVAL);
	sweep_plan__free(sp);
}

/* The job emitter: -errno and the path for an unwritable place; lines per TODO point. */
static void test_emit_jobs(void **state)
{
	const char *axes[] = {"pt.page_bytes=4096,4K", "iotlb.entries=16,32"};
	struct sweep_opts o = {.trace = tpath("bad.svt")};
	struct sweep_jobs_opts jo = {.jobs_path = tpath("nodir/sub/jobs.txt"),
				     .shards_dir = tpath("shards"),
				     .exe = "svatrace"};
	struct sweep_plan *sp = sweep_plan__new(&o, grid_of(axes, 2), NULL, 0);
	char err[512], line[4096];
	size_t n = 99;
	FILE *f;

	(void)state;
	assert_non_null(sp);
	assert_int_equal(sweep_plan__emit_jobs(sp, &jo, &n, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "nodir/sub/jobs.txt"));
	assert_int_equal(n, 0);

	jo.jobs_path = tpath("jobs.txt");
	assert_int_equal(sweep_plan__emit_jobs(sp, &jo, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2); /* 4 points, 2 of them duplicates */
	f = fopen(tpath("jobs.txt"), "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "svatrace -q replay "));
	assert_non_null(strstr(line, "--set pt.page_bytes=4096 --set iotlb.entries=16"));
	assert_non_null(strstr(line, "/shards/point-0.db"));
	fclose(f);
	assert_int_equal(access(tpath("jobs.txt.sbatch"), X_OK), 0);
	sweep_plan__free(sp);
}

static int null_metric(void *ctx, const char *key, double v, const char *unit)
{
	(void)key;
	(void)unit;
	(*(double *)ctx) += v >= 0;
	return 0;
}

/*
 * Issue 11: a sweep point's scenario chain is built once, by the resolve
 * that reads its overrides, and that chain is the one its replay runs;
 * before, the replay built a second one from the spec.
 */
static void test_point_chain_built_once(void **state)
{
	const char *axes[] = {"iotlb.entries=32,64"};
	struct sweep_opts o = {.trace = tpath("acc.svt")};
	struct trace_writer *w = trace_writer__open(o.trace, TRACE_CLOCK_SYNTHETIC, 0, "{}");
	const struct results_sink_ops ops = {.metric = null_metric};
	double nr_metrics = 0;
	const struct results_sink sink = {&ops, &nr_metrics};
	struct sweep_grid *g = grid_of(axes, 1);
	struct sweep_point_run run;
	struct sweep_plan *sp;
	char err[512];
	uint64_t before;

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 100; i++) {
		struct trace_rec_dev_access a = {.hdr = {.ts_ns = 1000 + 10 * (uint64_t)i,
							 .kind = TRACE_REC_DEV_ACCESS,
							 .size_bytes = sizeof(a)},
						 .iova = 0x100000 + 4096 * (uint64_t)(i % 7),
						 .size_bytes = 64,
						 .pasid = TRACE_NO_PASID};

		assert_int_equal(trace_writer__append(w, &a.hdr), 0);
	}
	assert_int_equal(trace_writer__close(w), 0);
	assert_int_equal(sweep_grid__add_scenario(g, "pinned"), 0);
	sp = sweep_plan__new(&o, g, err, sizeof(err));
	if (!sp)
		fail_msg("plan: %s", err);
	before = scenario_chain_nr_built();
	assert_int_equal(sweep_point__prepare(sp, 1, &run, err, sizeof(err)), 0);
	assert_non_null(run.chain);
	assert_int_equal(replay_run(&run.opts, &sink), 0);
	sweep_point__release(&run);
	assert_int_equal(scenario_chain_nr_built() - before, 1);
	assert_true(nr_metrics > 10); /* the replay ran and reported */
	sweep_plan__free(sp);
}

/* The SQL of view @name in database @path, read without svatrace (no refresh); malloc'd. */
static char *view_sql(const char *path, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *sql = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = ?", -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		sql = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_non_null(sql);
	return sql;
}

/*
 * A sweep's workers' opens do not rebuild the wide views (every open parsed
 * and rebuilt them); the commits that store new keys do, so after the sweep
 * they name the metric keys its runs stored.
 */
static void test_views_after_sweep(void **state)
{
	const char *axes[] = {"iotlb.entries=32,64"};
	struct sweep_opts o = {.trace = tpath("views.svt"), .db = tpath("views.db")};
	struct trace_writer *w = trace_writer__open(o.trace, TRACE_CLOCK_SYNTHETIC, 0, "{}");
	const struct sweep_hooks hooks = {0};
	size_t counts[SWEEP_NR_PT_STATES];
	struct sweep_plan *sp;
	char err[512], *sql;
	double wall_s;

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 50; i++) {
		struct trace_rec_dev_access a = {.hdr = {.ts_ns = 1000 + 10 * (uint64_t)i,
							 .kind = TRACE_REC_DEV_ACCESS,
							 .size_bytes = sizeof(a)},
						 .iova = 0x100000 + 4096 * (uint64_t)(i % 5),
						 .size_bytes = 64,
						 .pasid = TRACE_NO_PASID};

		assert_int_equal(trace_writer__append(w, &a.hdr), 0);
	}
	assert_int_equal(trace_writer__close(w), 0);
	sp = sweep_plan__new(&o, grid_of(axes, 1), err, sizeof(err));
	if (!sp)
		fail_msg("plan: %s", err);
	assert_int_equal(sweep_plan__check_db(sp, SWEEP_DB_CREATE, err, sizeof(err)), 0);
	sql = view_sql(o.db, "run_metrics_wide");
	assert_null(strstr(sql, "iotlb.lookups")); /* an empty database: no keys yet */
	free(sql);
	assert_int_equal(sweep_plan__run(sp, 1, &hooks, &wall_s), 0);
	sweep_plan__count(sp, counts);
	assert_int_equal(counts[SWEEP_PT_OK], 2);
	sql = view_sql(o.db, "run_metrics_wide");
	assert_non_null(strstr(sql, "iotlb.lookups"));
	free(sql);
	sweep_plan__free(sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duplicates_large),  cmocka_unit_test(test_duplicates_exact),
	    cmocka_unit_test(test_plan_duplicates),   cmocka_unit_test(test_plan_errors),
	    cmocka_unit_test(test_check_db_errors),   cmocka_unit_test(test_runner_errors),
	    cmocka_unit_test(test_emit_jobs),	      cmocka_unit_test(test_point_chain_built_once),
	    cmocka_unit_test(test_views_after_sweep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
