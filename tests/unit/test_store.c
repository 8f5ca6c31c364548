// SPDX-License-Identifier: GPL-2.0
/*
 * test_store.c - the SQLite results store: round trip of every table through
 * the results sink (the one write path), concurrent writer processes, a
 * writer killed inside its commit transaction, migration of a hand-made v1
 * database, refusal of non-database files and newer schemas, point keys,
 * shard merges, and runs handed over as database images.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "gen/model_rev.h"
#include "analyze/store.h"
#include "analyze/store_sink.h"

static char tmpdir[64];

static const char *tpath(const char *name)
{
	static char buf[4][256];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

static int setup(void **state)
{
	strcpy(tmpdir, "/tmp/svt-store.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static struct store *open_ok(const char *path)
{
	char err[256] = "";
	struct store *st = store__open(path, STORE_CREATE, err, sizeof(err));

	if (!st)
		fail_msg("open %s: %s", path, err);
	return st;
}

/* Write one run through the sink with values derived from @n. */
static int64_t sink_run(struct store *st, int n, const char *label)
{
	struct store_sink *ss = store_sink__new(st);
	struct results_sink sink = store_sink__sink(ss);
	uint64_t counts[RESULTS_HIST_BUCKETS] = {0};
	struct results_hist h = {.counts = counts, .unit = "ns"};
	struct results_run_info info = {
	    .label = label,
	    .trace_path = "/data/t.svt",
	    .trace_hash = "abc123",
	    .trace_bytes = 4096,
	    .trace_meta_json = "{\"host\":\"h1\"}",
	    .scenario = "faulting",
	    .tool_version = "0.1.0",
	    .seed = 7,
	};
	double series[3] = {1.0 * n, 2.0 * n, NAN};
	char val[32];
	int64_t id;

	assert_non_null(ss);
	assert_int_equal(sink.ops->begin_run(sink.ctx, &info), 0);
	snprintf(val, sizeof(val), "%d", n);
	assert_int_equal(sink.ops->config(sink.ctx, "iotlb.entries", val, "--set"), 0);
	assert_int_equal(sink.ops->config(sink.ctx, "iotlb.ways", "8", "default"), 0);
	assert_int_equal(sink.ops->metric(sink.ctx, "iotlb.misses", 10.0 * n, "count"), 0);
	assert_int_equal(sink.ops->metric(sink.ctx, "iotlb.hits", 0.25, ""), 0);
	counts[results_hist_bucket(100)] = 3;
	counts[results_hist_bucket(5000)] = (uint64_t)n;
	h.nr = 3 + (uint64_t)n;
	h.sum = 300 + 5000ull * (uint64_t)n;
	h.min = 100;
	h.max = 5000;
	assert_int_equal(sink.ops->histogram(sink.ctx, "translation.latency_ns", &h), 0);
	assert_int_equal(sink.ops->series(sink.ctx, "pri.requests", 1000, 500, series, 3), 0);
	assert_int_equal(sink.ops->end_run(sink.ctx, 0), 0);
	id = store_sink__last_run_id(ss);
	store_sink__free(ss);
	return id;
}

static void test_round_trip(void **state)
{
	struct store *st = open_ok(tpath("rt.db"));
	struct store_run r;
	struct store_hist h;
	struct store_series s;
	char unit[16], *v;
	double x;
	int64_t id = sink_run(st, 5, "run-a");

	assert_true(id > 0);
	store__close(st);
	st = open_ok(tpath("rt.db")); /* read back from the file, not the connection */

	assert_int_equal(store__get_run(st, id, &r), 0);
	assert_string_equal(r.label, "run-a");
	assert_string_equal(r.scenario, "faulting");
	assert_string_equal(r.trace_path, "/data/t.svt");
	assert_string_equal(r.trace_hash, "abc123");
	assert_string_equal(r.trace_meta_json, "{\"host\":\"h1\"}");
	assert_string_equal(r.tool_version, "0.1.0");
	assert_int_equal(r.trace_bytes, 4096);
	assert_int_equal(r.seed, 7);
	assert_int_equal(r.status, 0);
	assert_int_equal(strlen(r.point_key), STORE_POINT_KEY_LEN);
	assert_int_equal(strlen(r.time_utc), 20);

	{
		/* The stored point key is the one a sweep computes up front. */
		const char *keys[] = {"iotlb.ways", "iotlb.entries"};
		const char *vals[] = {"8", "5"};
		char pk[STORE_POINT_KEY_LEN + 1];

		assert_int_equal(store_point_key("abc123", "faulting", keys, vals, 2, pk), 0);
		assert_string_equal(pk, r.point_key);
		assert_int_equal(store__has_point(st, pk), 1);
		vals[1] = "6";
		assert_int_equal(store_point_key("abc123", "faulting", keys, vals, 2, pk), 0);
		assert_string_not_equal(pk, r.point_key);
		assert_int_equal(store__has_point(st, pk), 0);
	}
	store_run_clear(&r);

	v = store__get_config(st, id, "iotlb.entries");
	assert_string_equal(v, "5");
	free(v);
	assert_null(store__get_config(st, id, "nope"));

	assert_int_equal(store__get_metric(st, id, "iotlb.misses", &x, unit, sizeof(unit)), 0);
	assert_true(x == 50.0);
	assert_string_equal(unit, "count");
	assert_int_equal(store__get_metric(st, id, "iotlb.hits", &x, NULL, 0), 0);
	assert_true(x == 0.25);
	assert_int_equal(store__get_metric(st, id, "nope", &x, NULL, 0), -ENOENT);

	assert_int_equal(store__get_hist(st, id, "translation.latency_ns", &h), 0);
	assert_int_equal(h.nr, 8);
	assert_int_equal(h.sum, 300 + 25000);
	assert_int_equal(h.min, 100);
	assert_int_equal(h.max, 5000);
	assert_string_equal(h.unit, "ns");
	assert_int_equal(h.counts[results_hist_bucket(100)], 3);
	assert_int_equal(h.counts[results_hist_bucket(5000)], 5);
	/* p25 falls in the 100 bucket; p90 in the 5000 bucket (clamped to max). */
	/* rank 2 of the 3 in [100, 103]: 100 + floor(4 * 1.5 / 3) (lib/hist.h) */
	assert_int_equal(store_hist_quantile(&h, 0.25), 102);
	assert_int_equal(store_hist_quantile(&h, 0.9), 5000);
	store_hist_clear(&h);

	assert_int_equal(store__get_series(st, id, "pri.requests", &s), 0);
	assert_int_equal(s.start_ns, 1000);
	assert_int_equal(s.window_ns, 500);
	assert_int_equal(s.nr_values, 3);
	assert_true(s.values[0] == 5.0 && s.values[1] == 10.0 && isnan(s.values[2]));
	store_series_clear(&s);

	{
		struct store_where w[] = {{"iotlb.entries", "5"}, {"scenario", "faulting"}};
		struct store_where miss[] = {{"iotlb.entries", "6"}};
		struct store_run *runs;
		size_t nr;

		assert_int_equal(store__list_runs(st, w, 2, &runs, &nr), 0);
		assert_int_equal(nr, 1);
		assert_int_equal(runs[0].id, id);
		store_runs_free(runs, nr);
		assert_int_equal(store__list_runs(st, miss, 1, &runs, &nr), 0);
		assert_int_equal(nr, 0);
		store_runs_free(runs, nr);
	}
	assert_int_equal(store__find_run(st, "run-a"), id);
	assert_int_equal(store__find_run(st, "no-such-label"), -ENOENT);
	store__close(st);
}

/* Two processes writing 150 runs each at once: all 300 arrive, none mixed. */
static void test_two_writers(void **state)
{
	const char *path = tpath("two.db");
	struct store *st = open_ok(path);
	pid_t pid[2];
	struct store_run *runs;
	size_t nr;

	store__close(st);
	for (int w = 0; w < 2; w++) {
		pid[w] = fork();
		assert_true(pid[w] >= 0);
		if (pid[w] == 0) {
			char err[256];
			struct store *cst = store__open(path, 0, err, sizeof(err));
			char label[32];

			if (!cst)
				_exit(3);
			for (int i = 0; i < 150; i++) {
				snprintf(label, sizeof(label), "w%d-%d", w, i);
				if (sink_run(cst, w * 1000 + i, label) <= 0)
					_exit(4);
			}
			store__close(cst);
			_exit(0);
		}
	}
	for (int w = 0; w < 2; w++) {
		int status;

		assert_int_equal(waitpid(pid[w], &status, 0), pid[w]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	st = open_ok(path);
	assert_int_equal(store__list_runs(st, NULL, 0, &runs, &nr), 0);
	assert_int_equal(nr, 300);
	for (size_t i = 0; i < nr; i++) {
		int w, n;
		double x;

		assert_int_equal(sscanf(runs[i].label, "w%d-%d", &w, &n), 2);
		assert_int_equal(store__get_metric(st, runs[i].id, "iotlb.misses", &x, NULL, 0), 0);
		assert_true(x == 10.0 * (w * 1000 + n));
	}
	store_runs_free(runs, nr);
	store__close(st);
}

static off_t file_bytes(const char *path)
{
	struct stat sb;

	return stat(path, &sb) ? 0 : sb.st_size;
}

#define BIG_SERIES 6	  /* series of the run that is killed */
#define BIG_VALUES 300000 /* values per series: ~3 MB of JSON each */

/*
 * In the child: commit one small run, stage a big one (~18 MB of series),
 * tell the parent, then commit it; the parent kills us during that commit.
 */
static void killed_child(const char *path, int fd)
{
	char err[256];
	struct store *cst = store__open(path, 0, err, sizeof(err));
	struct store_sink *ss;
	struct results_sink sink;
	struct results_run_info info = {.label = "big", .scenario = ""};
	double *values = malloc(BIG_VALUES * sizeof(*values));

	if (!cst || !values || sink_run(cst, 3, "committed") <= 0)
		_exit(3);
	ss = store_sink__new(cst);
	sink = store_sink__sink(ss);
	for (int i = 0; i < BIG_VALUES; i++)
		values[i] = i + 0.5;
	if (sink.ops->begin_run(sink.ctx, &info))
		_exit(4);
	for (int k = 0; k < BIG_SERIES; k++) {
		char key[32];

		snprintf(key, sizeof(key), "big.%d", k);
		if (sink.ops->series(sink.ctx, key, 0, 1000, values, BIG_VALUES))
			_exit(5);
	}
	if (write(fd, "x", 1) != 1)
		_exit(6);
	sink.ops->end_run(sink.ctx, 0);
	_exit(0);
}

/*
 * One try: kill the child once its commit has written 1 MiB to the WAL (of
 * ~18 MB: the commit record comes last). Return: runs in the database
 * afterwards (1 if the kill landed inside the transaction).
 */
static size_t kill_during_commit(const char *path)
{
	char wal[300], c;
	struct store *st = open_ok(path);
	int fds[2], status;
	off_t base;
	pid_t pid;
	struct store_run *runs;
	size_t nr;
	sqlite3 *db;
	sqlite3_stmt *s;

	store__close(st);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		killed_child(path, fds[1]);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	base = file_bytes(wal);
	while (file_bytes(wal) < base + (1 << 20) && waitpid(pid, &status, WNOHANG) == 0)
		usleep(200);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	sqlite3_close(db);

	st = open_ok(path);
	assert_int_equal(store__list_runs(st, NULL, 0, &runs, &nr), 0);
	assert_true(nr >= 1 && nr <= 2);
	assert_string_equal(runs[0].label, "committed");
	{
		struct store_hist h;

		assert_int_equal(store__get_hist(st, runs[0].id, "translation.latency_ns", &h), 0);
		assert_int_equal(h.nr, 6);
		store_hist_clear(&h);
	}
	for (int k = 0; nr == 2 && k < BIG_SERIES; k++) {
		struct store_series ser;
		char key[32];

		/* the kill came after the commit: then the run must be whole */
		snprintf(key, sizeof(key), "big.%d", k);
		assert_int_equal(store__get_series(st, runs[1].id, key, &ser), 0);
		assert_int_equal(ser.nr_values, BIG_VALUES);
		store_series_clear(&ser);
	}
	store_runs_free(runs, nr);
	store__close(st);
	return nr;
}

/*
 * A writer SIGKILLed inside its commit transaction (through the real write
 * path: the sink's staged run being copied into the file): the database
 * stays consistent, the run committed before is complete, the killed run is
 * absent. A kill that lands after the commit (a loaded machine) is retried.
 */
static void test_killed_writer(void **state)
{
	size_t nr = 0;

	for (int attempt = 0; attempt < 4; attempt++) {
		char name[32];

		snprintf(name, sizeof(name), "kill%d.db", attempt);
		nr = kill_during_commit(tpath(name));
		if (nr == 1)
			break;
	}
	assert_int_equal(nr, 1);
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql: %s", msg);
	sqlite3_close(db);
}

/* A database in the v1 layout (no point keys), made by hand as v1 wrote it. */
static void test_migrate_v1(void **state)
{
	const char *path = tpath("v1.db");
	struct store *st;
	struct store_run r;
	char pk[STORE_POINT_KEY_LEN + 1];
	const char *keys[] = {"iotlb.entries", "page_size"};
	const char *vals[] = {"64", "4k"};
	double x;

	exec_sql(
	    path,
	    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
	    "INSERT INTO schema_version VALUES (1);"
	    "CREATE TABLE runs (id INTEGER PRIMARY KEY, time_utc TEXT NOT NULL,"
	    " tool_version TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT '',"
	    " scenario TEXT NOT NULL DEFAULT '', seed INTEGER NOT NULL DEFAULT 0, status INTEGER,"
	    " trace_path TEXT NOT NULL DEFAULT '', trace_bytes INTEGER NOT NULL DEFAULT 0,"
	    " trace_hash TEXT NOT NULL DEFAULT '', trace_meta TEXT NOT NULL DEFAULT '');"
	    "CREATE TABLE run_config (run_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT "
	    "NULL,"
	    " source TEXT NOT NULL DEFAULT '', PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	    "CREATE TABLE metrics (run_id INTEGER NOT NULL, key TEXT NOT NULL, value REAL,"
	    " unit TEXT NOT NULL DEFAULT '', PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	    "CREATE TABLE histograms (run_id INTEGER NOT NULL, key TEXT NOT NULL,"
	    " unit TEXT NOT NULL DEFAULT 'ns', nr INTEGER NOT NULL, sum INTEGER NOT NULL,"
	    " min INTEGER NOT NULL, max INTEGER NOT NULL, PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	    "CREATE TABLE hist_buckets (run_id INTEGER NOT NULL, key TEXT NOT NULL,"
	    " bucket INTEGER NOT NULL, low INTEGER NOT NULL, count INTEGER NOT NULL,"
	    " PRIMARY KEY (run_id, key, bucket)) WITHOUT ROWID;"
	    "CREATE TABLE series (run_id INTEGER NOT NULL, key TEXT NOT NULL, start_ns INTEGER NOT "
	    "NULL,"
	    " window_ns INTEGER NOT NULL, nr_values INTEGER NOT NULL, values_json TEXT NOT NULL,"
	    " PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	    "CREATE INDEX metrics_key ON metrics(key);"
	    "INSERT INTO runs VALUES (1, '2024-01-02T03:04:05Z', '0.0.9', 'old', 'pinned', 1, 0,"
	    " 't.svt', 10, 'feed', '');"
	    "INSERT INTO run_config VALUES (1, 'iotlb.entries', '64', 'default'),"
	    " (1, 'page_size', '4k', 'profile data/profiles/x.ini: a source');"
	    "INSERT INTO metrics VALUES (1, 'iotlb.misses', 42, 'count');");
	st = open_ok(path);
	assert_int_equal(store__get_run(st, 1, &r), 0);
	assert_string_equal(r.label, "old");
	assert_int_equal(store_point_key("feed", "pinned", keys, vals, 2, pk), 0);
	assert_string_equal(r.point_key, pk); /* filled by the 1 -> 2 step */
	/* the 2 -> 3 step names the profile from the config sources; what it
	 * hashed to and the model that ran it are not known */
	assert_string_equal(r.profile, "data/profiles/x.ini");
	assert_string_equal(r.profile_hash, "");
	assert_string_equal(r.model_rev, "");
	store_run_clear(&r);
	assert_int_equal(store__get_metric(st, 1, "iotlb.misses", &x, NULL, 0), 0);
	assert_true(x == 42);
	assert_int_equal(store__has_point(st, pk), 1);
	/* and it takes new runs in the new layout, with the model revision */
	assert_true(sink_run(st, 1, "new") > 1);
	assert_int_equal(store__get_run(st, 2, &r), 0);
	assert_string_equal(r.model_rev, SVT_MODEL_REV);
	assert_string_equal(r.profile, "");
	store_run_clear(&r);
	{
		struct store_info info;

		assert_int_equal(store__info(st, &info), 0);
		assert_int_equal(info.schema_version, STORE_SCHEMA_VERSION);
		assert_int_equal(info.nr_runs, 2);
		assert_string_equal(info.journal_mode, "wal");
	}
	store__close(st);
}

/* A run records its profile file and that file's content hash as it was
 * when the run was stored: an edited profile is another profile. */
static void test_profile_hash(void **state)
{
	const char *db = tpath("prof.db"), *ini = tpath("p.ini");
	struct store *st = open_ok(db);
	char src[512], first[64];
	struct store_run r;

	for (int i = 0; i < 2; i++) {
		struct store_sink *ss = store_sink__new(st);
		struct results_sink sink = store_sink__sink(ss);
		struct results_run_info info = {
		    .label = "p", .trace_hash = "ab", .tool_version = "1"};
		FILE *f = fopen(ini, "w");

		fprintf(f, "[iotlb]\nentries = %d\n", 64 << i);
		fclose(f);
		snprintf(src, sizeof(src), "profile %s: a source", ini);
		assert_int_equal(sink.ops->begin_run(sink.ctx, &info), 0);
		assert_int_equal(sink.ops->config(sink.ctx, "iotlb.entries", "64", src), 0);
		assert_int_equal(sink.ops->end_run(sink.ctx, 0), 0);
		store_sink__free(ss);
		assert_int_equal(store__get_run(st, i + 1, &r), 0);
		assert_string_equal(r.profile, ini);
		assert_int_equal(strlen(r.profile_hash), 32);
		if (i)
			assert_string_not_equal(r.profile_hash, first);
		else
			snprintf(first, sizeof(first), "%s", r.profile_hash);
		store_run_clear(&r);
	}
	store__close(st);
}

static void test_refuses(void **state)
{
	char err[256];
	FILE *f = fopen(tpath("text.db"), "w");

	fputs("this is not a database, just some text that is long enough to matter\n", f);
	fclose(f);
	assert_null(store__open(tpath("text.db"), STORE_CREATE, err, sizeof(err)));
	assert_non_null(strstr(err, "not an SQLite database"));
	assert_non_null(strstr(err, "text.db"));

	exec_sql(tpath("other.db"), "CREATE TABLE t (x);");
	assert_null(store__open(tpath("other.db"), 0, err, sizeof(err)));
	assert_non_null(strstr(err, "not an svatrace results database"));

	store__close(open_ok(tpath("new.db")));
	exec_sql(tpath("new.db"), "UPDATE schema_version SET version = 99;");
	assert_null(store__open(tpath("new.db"), 0, err, sizeof(err)));
	assert_non_null(strstr(err, "v99 is newer"));

	assert_null(store__open(tpath("missing.db"), 0, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_null(store__open(tmpdir, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "directory"));
}

static size_t nr_runs(struct store *st)
{
	struct store_run *runs;
	size_t nr;

	assert_int_equal(store__list_runs(st, NULL, 0, &runs, &nr), 0);
	store_runs_free(runs, nr);
	return nr;
}

/* Shards with overlapping points merge to the union; merging again adds nothing. */
static void test_merge(void **state)
{
	struct store *a = open_ok(tpath("shard-a.db"));
	struct store *b = open_ok(tpath("shard-b.db"));
	struct store *out;
	struct store_merge_stats ms;
	char err[256];
	int64_t id;
	struct store_hist h;

	for (int n = 1; n <= 4; n++)
		sink_run(a, n, "a");
	for (int n = 3; n <= 6; n++) /* 3 and 4 duplicate shard a's points */
		sink_run(b, n, "b");
	store__close(a);
	store__close(b);
	out = open_ok(tpath("merged.db"));
	assert_int_equal(store__merge(out, tpath("shard-a.db"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.nr_runs, 4);
	assert_int_equal(ms.nr_copied, 4);
	assert_int_equal(store__merge(out, tpath("shard-b.db"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.nr_copied, 2);
	assert_int_equal(ms.nr_duplicates, 2);
	assert_int_equal(nr_runs(out), 6);
	/* idempotent */
	assert_int_equal(store__merge(out, tpath("shard-a.db"), &ms, err, sizeof(err)), 0);
	assert_int_equal(store__merge(out, tpath("shard-b.db"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.nr_copied, 0);
	assert_int_equal(nr_runs(out), 6);
	/* the data came along, not only the run rows */
	{
		struct store_where w[] = {{"iotlb.entries", "6"}};
		struct store_run *runs;
		size_t nr;

		assert_int_equal(store__list_runs(out, w, 1, &runs, &nr), 0);
		assert_int_equal(nr, 1);
		id = runs[0].id;
		store_runs_free(runs, nr);
	}
	assert_int_equal(store__get_hist(out, id, "translation.latency_ns", &h), 0);
	assert_int_equal(h.counts[results_hist_bucket(5000)], 6);
	store_hist_clear(&h);
	/* a bad shard is refused with its name */
	assert_int_not_equal(store__merge(out, tpath("nope.db"), &ms, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "nope.db"));
	store__close(out);
}

/* A failed run of a point is replaced by a complete one on merge. */
static void test_merge_replaces_failed(void **state)
{
	struct store *a = open_ok(tpath("f-a.db"));
	struct store *out;
	struct store_merge_stats ms;
	struct results_run_info info = {
	    .label = "x", .trace_hash = "abc123", .scenario = "faulting"};
	struct store_sink *ss = store_sink__new(a);
	struct results_sink sink = store_sink__sink(ss);
	struct store_run r;
	char err[256];

	/* an interrupted run of the point that sink_run(9) completes below */
	assert_int_equal(sink.ops->begin_run(sink.ctx, &info), 0);
	assert_int_equal(sink.ops->config(sink.ctx, "iotlb.entries", "9", ""), 0);
	assert_int_equal(sink.ops->config(sink.ctx, "iotlb.ways", "8", ""), 0);
	assert_int_equal(sink.ops->end_run(sink.ctx, -EINTR), 0);
	assert_int_equal(store__get_run(a, store_sink__last_run_id(ss), &r), 0);
	assert_int_equal(r.status, -EINTR);
	store_run_clear(&r);
	store_sink__free(ss);
	store__close(a);
	a = open_ok(tpath("f-b.db"));
	sink_run(a, 9, "ok");
	store__close(a);

	out = open_ok(tpath("f-out.db"));
	assert_int_equal(store__merge(out, tpath("f-a.db"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.nr_copied, 1);
	assert_int_equal(store__merge(out, tpath("f-b.db"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.nr_replaced, 1);
	assert_int_equal(nr_runs(out), 1);
	assert_int_equal(store__find_run(out, "ok") > 0, 1);
	store__close(out);
}

/* The text jansson made of a series, as every store before store_series.c
 * wrote it: the reference store_series_text() must equal byte for byte. */
static char *jansson_text(const double *v, size_t nr)
{
	json_t *arr = json_array();
	char *t;

	for (size_t i = 0; i < nr; i++)
		json_array_append_new(arr, isfinite(v[i]) ? json_real(v[i]) : json_null());
	t = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(arr);
	return t;
}

/* The values_json text stored for series @key of run @id in @path. */
static char *stored_text(const char *path, int64_t id, const char *key)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *t = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT values_json FROM series WHERE run_id = ? "
					    "AND key = ?",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		t = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_non_null(t);
	return t;
}

#define NR_SERIES_VALUES 4096

/*
 * A series is stored as the same text jansson wrote (integral values,
 * signs, -0, exponents both ways, the largest and smallest doubles, 2^53
 * and its neighbours, non-finite as null, and random bit patterns) and
 * reads back bit for bit; a text the scan does not take (integer tokens,
 * spaces, a string) reads as jansson reads it, and a text that is not an
 * array is refused.
 */
static void test_series_text(void **state)
{
	static const double fixed[] = {
	    0.0,	-0.0,	     1.0,   -1.0,   97.0,     16777216.0, 0x1p53 - 1, 0x1p53,
	    0x1p53 + 2, -0x1p53 + 1, 1e15,  1e16,   1e17,     1e21,	  -1e300,     0.1,
	    1.0 / 3,	2.5e-7,	     1e-5,  5e-324, DBL_MAX,  -DBL_MAX,	  DBL_MIN,    123.456,
	    -0.001,	0.5,	     1e100, NAN,    INFINITY, -INFINITY,  4.35,	      1e-300,
	};
	const size_t nr_fixed = sizeof(fixed) / sizeof(fixed[0]);
	const char *path = tpath("series.db");
	struct store *st = open_ok(path);
	struct store_sink *ss = store_sink__new(st);
	struct results_sink sink = store_sink__sink(ss);
	struct results_run_info info = {.label = "series", .tool_version = "0.1.0"};
	double *v = calloc(NR_SERIES_VALUES, sizeof(double));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct store_series ser;
	char *want, *got;
	int64_t id;

	assert_non_null(v);
	memcpy(v, fixed, sizeof(fixed));
	for (size_t i = nr_fixed; i < NR_SERIES_VALUES; i++) {
		x ^= x << 13; /* xorshift64: any exponent, any mantissa */
		x ^= x >> 7;
		x ^= x << 17;
		if (i % 4 == 0) {
			v[i] = (double)(int64_t)(x % 2000001) - 1000000.0; /* counts and levels */
		} else {
			memcpy(&v[i], &x, sizeof(v[i]));
		}
	}
	assert_int_equal(sink.ops->begin_run(sink.ctx, &info), 0);
	assert_int_equal(sink.ops->series(sink.ctx, "s", 0, 1000, v, NR_SERIES_VALUES), 0);
	assert_int_equal(sink.ops->series(sink.ctx, "empty", 0, 1000, v, 0), 0);
	assert_int_equal(sink.ops->end_run(sink.ctx, 0), 0);
	id = store_sink__last_run_id(ss);
	store_sink__free(ss);

	want = jansson_text(v, NR_SERIES_VALUES);
	got = stored_text(path, id, "s");
	assert_string_equal(got, want);
	free(want);
	free(got);
	got = stored_text(path, id, "empty");
	assert_string_equal(got, "[]");
	free(got);

	assert_int_equal(store__get_series(st, id, "s", &ser), 0);
	assert_int_equal(ser.nr_values, NR_SERIES_VALUES);
	for (size_t i = 0; i < NR_SERIES_VALUES; i++) {
		if (isfinite(v[i]))
			assert_memory_equal(&ser.values[i], &v[i], sizeof(double));
		else
			assert_true(isnan(ser.values[i]));
	}
	store_series_clear(&ser);
	assert_int_equal(store__get_series(st, id, "empty", &ser), 0);
	assert_int_equal(ser.nr_values, 0);
	store_series_clear(&ser);

	/* texts of another writer: jansson's reading */
	exec_sql(path,
		 "UPDATE series SET values_json = '[1, 2.5,null,\"x\",3e2,-0]' WHERE key = 's'");
	assert_int_equal(store__get_series(st, id, "s", &ser), 0);
	assert_int_equal(ser.nr_values, 6);
	assert_true(ser.values[0] == 1.0 && ser.values[1] == 2.5 && isnan(ser.values[2]) &&
		    isnan(ser.values[3]) && ser.values[4] == 300.0 && ser.values[5] == 0.0);
	store_series_clear(&ser);
	exec_sql(path, "UPDATE series SET values_json = '[1.0,2.0' WHERE key = 's'");
	assert_int_equal(store__get_series(st, id, "s", &ser), -EINVAL);
	exec_sql(path, "UPDATE series SET values_json = '[1.0,1e999]' WHERE key = 's'");
	assert_int_equal(store__get_series(st, id, "s", &ser), -EINVAL);
	exec_sql(path, "UPDATE series SET values_json = '[1.0,]' WHERE key = 's'");
	assert_int_equal(store__get_series(st, id, "s", &ser), -EINVAL);
	store__close(st);
	free(v);
}

/* Whether view @view of @path has a column named @col (a fresh connection). */
static bool view_has(const char *path, const char *view, const char *col)
{
	char sql[128];
	sqlite3 *db;
	sqlite3_stmt *s;
	bool found = false;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('%s')", view);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		found |= !strcmp((const char *)sqlite3_column_text(s, 0), col);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return found;
}

/* The schema cookie of @path: it changes with every CREATE or DROP. */
static int schema_cookie(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* One run whose only metric is @key (a key a commit may be the first to store). */
static void metric_run(struct store *st, const char *label, const char *key)
{
	struct store_sink *ss = store_sink__new(st);
	struct results_sink sink = store_sink__sink(ss);
	struct results_run_info info = {.label = label, .tool_version = "0.1.0"};

	assert_int_equal(sink.ops->begin_run(sink.ctx, &info), 0);
	assert_int_equal(sink.ops->config(sink.ctx, "run.label", label, "--label"), 0);
	assert_int_equal(sink.ops->metric(sink.ctx, key, 1.0, ""), 0);
	assert_int_equal(sink.ops->end_run(sink.ctx, 0), 0);
	store_sink__free(ss);
}

/*
 * The wide views: made with the file, rebuilt in the commit of a run with
 * a key they have no column for (no reopen needed), left alone (no schema
 * change, which every other connection would reparse) by a run without
 * one and by a plain open; a merge bringing a new key rebuilds them;
 * STORE_VIEWS rebuilds them at open from keys written behind the store.
 */
static void test_views(void **state)
{
	const char *path = tpath("views.db");
	struct store *st = open_ok(path), *sh;
	struct store_merge_stats ms;
	char err[256];
	int cookie;

	sink_run(st, 1, "a");
	assert_true(view_has(path, "run_metrics_wide", "iotlb.misses"));
	assert_true(view_has(path, "run_config_wide", "iotlb.entries"));
	assert_false(view_has(path, "run_metrics_wide", "x.new"));
	cookie = schema_cookie(path);
	sink_run(st, 2, "b"); /* the same keys */
	assert_int_equal(schema_cookie(path), cookie);
	metric_run(st, "c", "x.new");
	assert_true(view_has(path, "run_metrics_wide", "x.new"));
	assert_true(view_has(path, "run_config_wide", "run.label"));
	assert_true(view_has(path, "run_metrics_wide", "iotlb.misses"));
	store__close(st);

	sh = open_ok(tpath("views-shard.db"));
	metric_run(sh, "d", "x.merged");
	store__close(sh);
	st = open_ok(path);
	assert_int_equal(store__merge(st, tpath("views-shard.db"), &ms, err, sizeof(err)), 0);
	assert_int_equal(ms.nr_copied, 1);
	assert_true(view_has(path, "run_metrics_wide", "x.merged"));
	store__close(st);

	exec_sql(path,
		 "INSERT INTO metrics (run_id, key, value, unit) VALUES (1, 'x.behind', 2, '')");
	cookie = schema_cookie(path);
	store__close(open_ok(path));
	assert_int_equal(schema_cookie(path), cookie);
	assert_false(view_has(path, "run_metrics_wide", "x.behind"));
	st = store__open(path, STORE_VIEWS, err, sizeof(err));
	assert_non_null(st);
	store__close(st);
	assert_true(view_has(path, "run_metrics_wide", "x.behind"));
}

/* Every row a run stored, in one string: the runs row without its id and time. */
static char *dump_rows(const char *path)
{
	static const char *const sql[] = {
	    "SELECT tool_version, label, scenario, seed, status, trace_path, trace_bytes, "
	    "trace_hash, trace_meta, point_key, model_rev, profile, profile_hash FROM runs",
	    "SELECT key, value, source FROM run_config ORDER BY key",
	    "SELECT key, value, unit FROM metrics ORDER BY key",
	    "SELECT key, unit, nr, sum, min, max FROM histograms ORDER BY key",
	    "SELECT key, bucket, low, count FROM hist_buckets ORDER BY key, bucket",
	    "SELECT key, start_ns, window_ns, nr_values, values_json FROM series ORDER BY key",
	};
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);
	sqlite3 *db;

	assert_non_null(out);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_prepare_v2(db, sql[i], -1, &s, NULL), SQLITE_OK);
		while (sqlite3_step(s) == SQLITE_ROW)
			for (int c = 0; c < sqlite3_column_count(s); c++) {
				const char *v = (const char *)sqlite3_column_text(s, c);

				len +=
				    (size_t)snprintf(out + len, cap - len, "%s|", v ? v : "NULL");
				assert_true(len < cap);
			}
		sqlite3_finalize(s);
		len += (size_t)snprintf(out + len, cap - len, "\n");
	}
	sqlite3_close(db);
	return out;
}

/*
 * A run handed over as an image (a sweep worker's memory store, stored by
 * its parent) is stored row for row as the same run written straight into
 * a file; the second copy of a complete point is refused (-EEXIST) under
 * STORE_ONE_PER_POINT; the parent's views gain the new keys; a damaged
 * image is an error that leaves the file as it was.
 */
static void test_handoff(void **state)
{
	char err[256] = "", *direct, *handed;
	struct store *file, *mem, *mem2;
	void *image, *image2;
	size_t bytes, bytes2;
	int64_t id = 0;
	static char junk[8192];

	file = open_ok(tpath("direct.db"));
	assert_true(sink_run(file, 3, "x") > 0);
	assert_int_equal(store__image(file, &image, &bytes), -EINVAL); /* a file store */
	store__close(file);

	mem = store__open_memory(err, sizeof(err));
	if (!mem)
		fail_msg("memory store: %s", err);
	assert_int_equal(sink_run(mem, 3, "x"), 1);
	assert_int_equal(store__image(mem, &image, &bytes), 0);
	assert_true(bytes > 0);
	assert_int_equal(store__commit_image(mem, image, bytes, NULL), -EINVAL);

	file =
	    store__open(tpath("handed.db"), STORE_CREATE | STORE_ONE_PER_POINT, err, sizeof(err));
	assert_non_null(file);
	assert_false(view_has(tpath("handed.db"), "run_metrics_wide", "iotlb.misses"));
	assert_int_equal(store__commit_image(file, image, bytes, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(nr_runs(file), 1);
	assert_true(view_has(tpath("handed.db"), "run_metrics_wide", "iotlb.misses"));
	assert_true(view_has(tpath("handed.db"), "run_config_wide", "iotlb.entries"));
	/* the same complete point again: dropped */
	assert_int_equal(store__commit_image(file, image, bytes, &id), -EEXIST);
	assert_int_equal(nr_runs(file), 1);

	/* not a database: an error, nothing stored, and the next image still goes in */
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(store__commit_image(file, junk, sizeof(junk), NULL), -EINVAL);
	assert_int_equal(nr_runs(file), 1);
	/* a database header over damaged pages: refused when read, the file still usable */
	memcpy(junk, image, 100);
	assert_true(store__commit_image(file, junk, sizeof(junk), NULL) < 0);
	assert_int_equal(nr_runs(file), 1);
	mem2 = store__open_memory(err, sizeof(err));
	assert_non_null(mem2);
	assert_int_equal(sink_run(mem2, 4, "y"), 1);
	assert_int_equal(store__image(mem2, &image2, &bytes2), 0);
	assert_int_equal(store__commit_image(file, image2, bytes2, &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(nr_runs(file), 2);
	store_image_free(image2);
	store__close(mem2);
	store__close(file);

	/* row for row the run written straight into a file */
	exec_sql(tpath("handed.db"), "DELETE FROM runs WHERE id = 2; DELETE FROM run_config WHERE "
				     "run_id = 2; DELETE FROM metrics WHERE run_id = 2; DELETE "
				     "FROM histograms WHERE run_id = 2; DELETE FROM hist_buckets "
				     "WHERE run_id = 2; DELETE FROM series WHERE run_id = 2");
	direct = dump_rows(tpath("direct.db"));
	handed = dump_rows(tpath("handed.db"));
	assert_string_equal(handed, direct);
	assert_non_null(strstr(direct, "iotlb.misses|30.0|count|"));
	free(direct);
	free(handed);
	store_image_free(image);
	store__close(mem);
}

/*
 * A config row the run derives (RESULTS_SOURCE_DERIVED, e.g. wq.replay.note)
 * is not in its point key, so the key a plan computes from the inputs finds
 * the stored run; a v3 file's keys (which held those rows) are computed
 * again when it is opened.
 */
static void test_derived_key(void **state)
{
	const char *path = tpath("derived.db");
	struct store *st = open_ok(path);
	struct store_sink *ss = store_sink__new(st);
	struct results_sink sink = store_sink__sink(ss);
	struct results_run_info info = {.label = "w", .trace_hash = "feed", .scenario = "dwq"};
	const char *keys[] = {"wq.nr_wqs"}, *vals[] = {"8"};
	char pk[STORE_POINT_KEY_LEN + 1];
	struct store_run r;

	assert_int_equal(store_point_key("feed", "dwq", keys, vals, 1, pk), 0);
	assert_int_equal(sink.ops->begin_run(sink.ctx, &info), 0);
	assert_int_equal(sink.ops->config(sink.ctx, "wq.nr_wqs", "8", "default"), 0);
	assert_int_equal(
	    sink.ops->config(sink.ctx, "wq.replay.note", "a note", RESULTS_SOURCE_DERIVED), 0);
	assert_int_equal(sink.ops->metric(sink.ctx, "wq.device.desc_per_s", 1e6, "1/s"), 0);
	assert_int_equal(sink.ops->end_run(sink.ctx, 0), 0);
	assert_int_equal(store__get_run(st, store_sink__last_run_id(ss), &r), 0);
	assert_string_equal(r.point_key, pk);
	assert_int_equal(store__has_point(st, pk), 1);
	store_run_clear(&r);
	store_sink__free(ss);
	store__close(st);

	/* as a v3 file stored it: the note in the key */
	exec_sql(path,
		 "UPDATE runs SET point_key = 'v3 key'; UPDATE schema_version SET version = 3");
	st = open_ok(path);
	assert_int_equal(store__get_run(st, 1, &r), 0);
	assert_string_equal(r.point_key, pk);
	store_run_clear(&r);
	store__close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),	  cmocka_unit_test(test_two_writers),
	    cmocka_unit_test(test_killed_writer), cmocka_unit_test(test_migrate_v1),
	    cmocka_unit_test(test_profile_hash),  cmocka_unit_test(test_refuses),
	    cmocka_unit_test(test_merge),	  cmocka_unit_test(test_merge_replaces_failed),
	    cmocka_unit_test(test_series_text),	  cmocka_unit_test(test_views),
	    cmocka_unit_test(test_handoff),	  cmocka_unit_test(test_derived_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
