// SPDX-License-Identifier: GPL-2.0
/*
 * store_write.c - the one write path of the results store. A run reported
 * through the results sink (analyze/store_sink.c) is staged in an in-memory
 * schema attached to the same connection ("stage") and copied into the file
 * in one short transaction at the end of the run: the file's write lock is
 * held for milliseconds, not for the length of a run, and a killed writer
 * leaves no partial run behind. `db merge` reuses the same copy, from an
 * attached shard instead of the stage.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/store-local.h"
#include "gen/model_rev.h"

#define STAGE_RUN_ID 1 /* the stage holds one run */

static void utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void bind_run_info(sqlite3_stmt *s, const struct results_run_info *info)
{
	char now[32];

	utc_now(now, sizeof(now));
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, store_nz(info->tool_version), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, store_nz(info->label), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, store_nz(info->scenario), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, (int64_t)info->seed);
	sqlite3_bind_text(s, 6, store_nz(info->trace_path), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 7, (int64_t)info->trace_bytes);
	sqlite3_bind_text(s, 8, store_nz(info->trace_hash), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 9, store_nz(info->trace_meta_json), -1, SQLITE_TRANSIENT);
}

/*
 * The stage insert @which with its first two parameters, the staged run and
 * @key, bound. Return: 0, -EINVAL (no run staged, no key) or -EIO.
 */
static int stage_stmt(struct store *st, enum store_stmt which, const char *key, sqlite3_stmt **out)
{
	sqlite3_stmt *s;

	if (!st->stage_open || !key || !*key)
		return -EINVAL;
	s = store_get_stmt(st, which);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, STAGE_RUN_ID);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	*out = s;
	return 0;
}

int store__stage_config(struct store *st, const char *key, const char *value, const char *source)
{
	sqlite3_stmt *s;
	int rc = stage_stmt(st, S_STAGE_CONFIG, key, &s);

	if (rc)
		return rc;
	sqlite3_bind_text(s, 3, store_nz(value), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, store_nz(source), -1, SQLITE_TRANSIENT);
	return store_step_done(st, s, "insert config");
}

int store__stage_metric(struct store *st, const char *key, double value, const char *unit)
{
	sqlite3_stmt *s;
	int rc = stage_stmt(st, S_STAGE_METRIC, key, &s);

	if (rc)
		return rc;
	if (isfinite(value))
		sqlite3_bind_double(s, 3, value);
	else
		sqlite3_bind_null(s, 3); /* SQLite has no NaN; NULL reads back as missing */
	sqlite3_bind_text(s, 4, store_nz(unit), -1, SQLITE_TRANSIENT);
	return store_step_done(st, s, "insert metric");
}

int store__stage_hist(struct store *st, const char *key, const struct results_hist *h)
{
	sqlite3_stmt *s;
	int rc = stage_stmt(st, S_STAGE_HIST, key, &s);

	if (rc)
		return rc;
	if (!h || !h->counts)
		return -EINVAL;
	sqlite3_bind_text(s, 3, h->unit ? h->unit : "ns", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, (int64_t)h->nr);
	sqlite3_bind_int64(s, 5, (int64_t)h->sum);
	sqlite3_bind_int64(s, 6, (int64_t)h->min);
	sqlite3_bind_int64(s, 7, (int64_t)h->max);
	rc = store_step_done(st, s, "insert histogram");
	for (uint32_t b = 0; !rc && b < RESULTS_HIST_BUCKETS; b++) {
		if (!h->counts[b])
			continue;
		rc = stage_stmt(st, S_STAGE_BUCKET, key, &s);
		if (rc)
			return rc;
		sqlite3_bind_int(s, 3, (int)b);
		sqlite3_bind_int64(s, 4, (int64_t)results_hist_bucket_low(b));
		sqlite3_bind_int64(s, 5, (int64_t)h->counts[b]);
		rc = store_step_done(st, s, "insert histogram bucket");
	}
	return rc;
}

int store__stage_series(struct store *st, const char *key, uint64_t start_ns, uint64_t window_ns,
			const double *values, size_t nr)
{
	sqlite3_stmt *s;
	char *text;
	int rc = stage_stmt(st, S_STAGE_SERIES, key, &s);

	if (rc)
		return rc;
	if (nr && !values)
		return -EINVAL;
	text = store_series_text(values, nr);
	if (!text)
		return -ENOMEM;
	sqlite3_bind_int64(s, 3, (int64_t)start_ns);
	sqlite3_bind_int64(s, 4, (int64_t)window_ns);
	sqlite3_bind_int64(s, 5, (int64_t)nr);
	sqlite3_bind_text(s, 6, text, -1, SQLITE_TRANSIENT);
	rc = store_step_done(st, s, "insert series");
	free(text);
	return rc;
}

/* The staged run's status, and its point key from the config rows staged. */
static int stage_set_status(struct store *st, int status, char key[STORE_POINT_KEY_LEN + 1])
{
	sqlite3_stmt *s;
	int rc = store_point_key_of(st, "stage", STAGE_RUN_ID, key);

	if (rc)
		return rc;
	s = store_prepare(st, "UPDATE stage.runs SET status = ?, point_key = ? WHERE id = ?");
	if (!s)
		return -EIO;
	sqlite3_bind_int(s, 1, status);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, STAGE_RUN_ID);
	rc = store_step_done(st, s, "set run status");
	sqlite3_finalize(s);
	return rc;
}

/*
 * What produced the staged run: the model revision this binary was built
 * from, and the profile file its parameters name (the source of their
 * config rows, "profile FILE: ...") with the content hash of that file now,
 * while the run is stored: a profile edited later is a different profile.
 */
static int stage_set_provenance(struct store *st)
{
	char path[1024] = "", hash[2 * STORE_PROFILE_HASH_BYTES + 1] = "";
	sqlite3_stmt *s;
	int rc;

	rc = store_profile_of(st, "stage", STAGE_RUN_ID, path, sizeof(path));
	if (rc)
		return rc;
	if (*path)
		store_file_hash(path, hash, sizeof(hash));
	s = store_prepare(st, "UPDATE stage.runs SET model_rev = ?, profile = ?, profile_hash = ? "
			      "WHERE id = ?");
	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, SVT_MODEL_REV, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, STAGE_RUN_ID);
	rc = store_step_done(st, s, "set run provenance");
	sqlite3_finalize(s);
	return rc;
}

/*
 * Whether run @src of @from has a metric or config key that main has no row
 * of: then the wide views need a column for it. One index seek per key
 * (metrics_key, run_config_key), where rebuilding the views at every open
 * scanned every key and compared two views of hundreds of columns.
 */
static int has_new_keys(struct store *st, const char *from, int64_t src, bool *new_keys)
{
	char sql[512];
	sqlite3_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT EXISTS (SELECT 1 FROM %s.metrics n WHERE n.run_id = ?1 AND NOT EXISTS "
		 "(SELECT 1 FROM main.metrics m WHERE m.key = n.key)) OR EXISTS (SELECT 1 FROM "
		 "%s.run_config n WHERE n.run_id = ?1 AND NOT EXISTS (SELECT 1 FROM "
		 "main.run_config c WHERE c.key = n.key))",
		 from, from);
	s = store_prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, src);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_int(s, 0))
			*new_keys = true;
		rc = 0;
	} else {
		rc = store_sql_err(st, "look for new keys");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_copy_run(struct store *st, const char *from, int64_t src, int64_t *new_id, bool *new_keys)
{
	static const char *const children[] = {
	    "INSERT INTO main.run_config (run_id, key, value, source) "
	    "SELECT ?1, key, value, source FROM %s.run_config WHERE run_id = ?2",
	    "INSERT INTO main.metrics (run_id, key, value, unit) "
	    "SELECT ?1, key, value, unit FROM %s.metrics WHERE run_id = ?2",
	    "INSERT INTO main.histograms (run_id, key, unit, nr, sum, min, max) "
	    "SELECT ?1, key, unit, nr, sum, min, max FROM %s.histograms WHERE run_id = ?2",
	    "INSERT INTO main.hist_buckets (run_id, key, bucket, low, count) "
	    "SELECT ?1, key, bucket, low, count FROM %s.hist_buckets WHERE run_id = ?2",
	    "INSERT INTO main.series (run_id, key, start_ns, window_ns, nr_values, values_json) "
	    "SELECT ?1, key, start_ns, window_ns, nr_values, values_json FROM %s.series WHERE "
	    "run_id = ?2",
	};
	char sql[512];
	sqlite3_stmt *s;
	int64_t id;
	int rc;

	rc = has_new_keys(st, from, src, new_keys);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.runs (" RUN_COLS ") SELECT " RUN_COLS
		 " FROM %s.runs WHERE id = ?",
		 from);
	s = store_prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, src);
	rc = store_step_done(st, s, "copy run");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	id = sqlite3_last_insert_rowid(st->db);
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		snprintf(sql, sizeof(sql), children[i], from);
		s = store_prepare(st, sql);
		if (!s)
			return -EIO;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, src);
		rc = store_step_done(st, s, "copy run data");
		sqlite3_finalize(s);
		if (rc)
			return rc;
	}
	if (new_id)
		*new_id = id;
	return 0;
}

/* ------------------------------------------------------------ staging */

static int stage_attach(struct store *st)
{
	static const char *const tables[] = {"runs",	   "run_config",   "metrics",
					     "histograms", "hist_buckets", "series"};
	char sql[160];
	int rc;

	if (st->staged)
		return 0;
	rc = store_exec(st, "ATTACH DATABASE ':memory:' AS stage");
	for (size_t i = 0; !rc && i < sizeof(tables) / sizeof(tables[0]); i++) {
		/* Same columns as the file; the stage holds one run, STAGE_RUN_ID. */
		snprintf(sql, sizeof(sql), "CREATE TABLE stage.%s AS SELECT * FROM main.%s WHERE 0",
			 tables[i], tables[i]);
		rc = store_exec(st, sql);
	}
	if (!rc)
		st->staged = true;
	return rc;
}

static int stage_clear(struct store *st)
{
	return store_exec(st, "DELETE FROM stage.runs; DELETE FROM stage.run_config; "
			      "DELETE FROM stage.metrics; DELETE FROM stage.histograms; "
			      "DELETE FROM stage.hist_buckets; DELETE FROM stage.series");
}

int store__stage_begin(struct store *st, const struct results_run_info *info)
{
	sqlite3_stmt *s;
	int rc = stage_attach(st);

	if (!rc)
		rc = stage_clear(st);
	if (rc)
		return rc;
	/* ?10 is the id: bind_run_info() binds ?1..?9 */
	s = store_prepare(st, "INSERT INTO stage.runs (id, " RUN_COLS
			      ") VALUES (?10,?1,?2,?3,?4,?5,NULL,?6,?7,?8,?9,NULL,'','','')");
	if (!s)
		return -EIO;
	bind_run_info(s, info);
	sqlite3_bind_int64(s, 10, STAGE_RUN_ID);
	rc = store_step_done(st, s, "stage run");
	sqlite3_finalize(s);
	st->stage_open = !rc;
	return rc;
}

int store_commit_run(struct store *st, const char *from, int64_t src, int status, const char *key,
		     int64_t *id)
{
	bool new_keys = false;
	int rc;

	if (st->flags & STORE_READONLY)
		return -EROFS;
	rc = store__begin(st);
	if (rc)
		return rc;
	/*
	 * BEGIN IMMEDIATE holds the write lock, so this check and the insert
	 * are one step for every writer: of two sweeps that ran the same point
	 * at once, the second to commit finds the first's row and drops its own.
	 */
	if (status == 0 && (st->flags & STORE_ONE_PER_POINT)) {
		rc = store__has_point(st, key);
		if (rc) {
			store__rollback(st);
			return rc > 0 ? -EEXIST : rc;
		}
	}
	rc = store_copy_run(st, from, src, id, &new_keys);
	if (!rc && new_keys && !st->memory)
		store_views_update(st);
	if (!rc)
		rc = store__commit(st);
	if (rc)
		store__rollback(st);
	return rc;
}

int store__stage_commit(struct store *st, int status, int64_t *id)
{
	char key[STORE_POINT_KEY_LEN + 1];
	int rc;

	if (!st->stage_open)
		return -EINVAL;
	if (st->flags & STORE_READONLY)
		return -EROFS;
	rc = stage_set_status(st, status, key);
	if (!rc)
		rc = stage_set_provenance(st);
	if (!rc)
		rc = store_commit_run(st, "stage", STAGE_RUN_ID, status, key, id);
	if (rc && rc != -EEXIST)
		return rc; /* stage kept: the caller may retry */
	st->stage_open = false;
	if (rc == -EEXIST) {
		stage_clear(st);
		return rc;
	}
	return stage_clear(st);
}
