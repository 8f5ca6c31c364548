// SPDX-License-Identifier: GPL-2.0
/*
 * store_read.c - reading the results store back: runs (listed, filtered,
 * found by id or label), config, metrics, histograms and their quantiles,
 * series, point lookups, and the counts of `db info`.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/store-local.h"
#include "common/log.h"

/* ------------------------------------------------------------ reading */

static const char *const run_columns[] = {
    "id",	 "label",	 "scenario", "status",	  "seed",    "trace_hash",   "trace_path",
    "point_key", "tool_version", "time_utc", "model_rev", "profile", "profile_hash",
};

static void read_run(sqlite3_stmt *s, struct store_run *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->time_utc = store_dup_col(s, 1);
	r->tool_version = store_dup_col(s, 2);
	r->label = store_dup_col(s, 3);
	r->scenario = store_dup_col(s, 4);
	r->seed = (uint64_t)sqlite3_column_int64(s, 5);
	r->status =
	    sqlite3_column_type(s, 6) == SQLITE_NULL ? -EINPROGRESS : sqlite3_column_int(s, 6);
	r->trace_path = store_dup_col(s, 7);
	r->trace_bytes = (uint64_t)sqlite3_column_int64(s, 8);
	r->trace_hash = store_dup_col(s, 9);
	r->trace_meta_json = store_dup_col(s, 10);
	r->point_key = store_dup_col(s, 11);
	r->model_rev = store_dup_col(s, 12);
	r->profile = store_dup_col(s, 13);
	r->profile_hash = store_dup_col(s, 14);
}

void store_run_clear(struct store_run *r)
{
	if (!r)
		return;
	free(r->time_utc);
	free(r->tool_version);
	free(r->label);
	free(r->scenario);
	free(r->trace_path);
	free(r->trace_hash);
	free(r->trace_meta_json);
	free(r->point_key);
	free(r->model_rev);
	free(r->profile);
	free(r->profile_hash);
	memset(r, 0, sizeof(*r));
}

void store_runs_free(struct store_run *runs, size_t nr)
{
	for (size_t i = 0; runs && i < nr; i++)
		store_run_clear(&runs[i]);
	free(runs);
}

int store__list_runs(struct store *st, const struct store_where *where, size_t nr_where,
		     struct store_run **out, size_t *nr_out)
{
	size_t len = 512 + nr_where * 160, n = 0, cap = 0;
	char *sql = malloc(len);
	struct store_run *runs = NULL;
	sqlite3_stmt *s;
	int rc, bind = 1;

	*out = NULL;
	*nr_out = 0;
	if (!sql)
		return -ENOMEM;
	strcpy(sql, st->version >= 3 ? "SELECT " SELECT_RUN_COLS " FROM main.runs WHERE 1"
				     : "SELECT " SELECT_RUN_COLS_V2 " FROM main.runs WHERE 1");
	for (size_t i = 0; i < nr_where; i++) {
		bool is_col = false;

		for (size_t c = 0; c < sizeof(run_columns) / sizeof(run_columns[0]); c++) {
			if (!strcmp(where[i].key, run_columns[c])) {
				is_col = true;
				snprintf(sql + strlen(sql), len - strlen(sql),
					 " AND CAST(%s AS TEXT) IS ?", run_columns[c]);
			}
		}
		if (!is_col)
			strcat(sql, " AND EXISTS (SELECT 1 FROM main.run_config c WHERE "
				    "c.run_id = runs.id AND c.key = ? AND c.value = ?)");
	}
	strcat(sql, " ORDER BY id");
	s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return -EIO;
	for (size_t i = 0; i < nr_where; i++) {
		bool is_col = false;

		for (size_t c = 0; c < sizeof(run_columns) / sizeof(run_columns[0]); c++)
			is_col |= !strcmp(where[i].key, run_columns[c]);
		if (!is_col)
			sqlite3_bind_text(s, bind++, where[i].key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, bind++, where[i].value, -1, SQLITE_TRANSIENT);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			struct store_run *nr;

			cap = cap ? cap * 2 : 16;
			nr = realloc(runs, cap * sizeof(*runs));
			if (!nr) {
				sqlite3_finalize(s);
				store_runs_free(runs, n);
				return -ENOMEM;
			}
			runs = nr;
		}
		read_run(s, &runs[n++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_runs_free(runs, n);
		return store_sql_err(st, "list runs");
	}
	*out = runs;
	*nr_out = n;
	return 0;
}

int store__get_run(struct store *st, int64_t id, struct store_run *out)
{
	sqlite3_stmt *s = store_prepare(
	    st, st->version >= 3 ? "SELECT " SELECT_RUN_COLS " FROM main.runs WHERE id = ?"
				 : "SELECT " SELECT_RUN_COLS_V2 " FROM main.runs WHERE id = ?");
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_run(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : store_sql_err(st, "get run");
}

int64_t store__find_run(struct store *st, const char *name)
{
	sqlite3_stmt *s;
	char *end;
	long long id;
	int64_t found = -ENOENT;
	int rc;

	errno = 0;
	id = strtoll(name, &end, 10);
	if (!errno && *name && !*end && id > 0) {
		struct store_run r;

		if (store__get_run(st, id, &r) == 0) {
			store_run_clear(&r);
			return id;
		}
	}
	s = store_prepare(st, "SELECT id FROM main.runs WHERE label = ? ORDER BY id");
	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (found > 0) {
			found = -EEXIST;
			break;
		}
		found = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return found;
}

char *store__get_config(struct store *st, int64_t run, const char *key)
{
	sqlite3_stmt *s = store_get_stmt(st, S_GET_CONFIG);
	char *v = NULL;

	if (!s) {
		errno = EIO;
		return NULL;
	}
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = store_dup_col(s, 0);
	else
		errno = ENOENT;
	sqlite3_reset(s);
	return v;
}

/*
 * The for_each_* walks: run @sql (its one parameter is the run id) and hand
 * each row to @row until it returns non-zero, which is returned; a step
 * error ends the walk like the last row.
 */
static int for_each_row(struct store *st, const char *sql, int64_t run,
			int (*row)(sqlite3_stmt *s, const void *walk), const void *walk)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	int ret = 0;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	while (!ret && sqlite3_step(s) == SQLITE_ROW)
		ret = row(s, walk);
	sqlite3_finalize(s);
	return ret;
}

struct config_walk {
	int (*fn)(void *arg, const char *key, const char *value, const char *source); /* caller's */
	void *arg; /* its argument */
};

static int config_row(sqlite3_stmt *s, const void *walk)
{
	const struct config_walk *w = walk;

	return w->fn(w->arg, (const char *)sqlite3_column_text(s, 0),
		     (const char *)sqlite3_column_text(s, 1),
		     (const char *)sqlite3_column_text(s, 2));
}

int store__for_each_config(struct store *st, int64_t run,
			   int (*fn)(void *arg, const char *key, const char *value,
				     const char *source),
			   void *arg)
{
	const struct config_walk w = {fn, arg};

	return for_each_row(st,
			    "SELECT key, value, source FROM main.run_config "
			    "WHERE run_id = ? ORDER BY key",
			    run, config_row, &w);
}

int store__get_metric(struct store *st, int64_t run, const char *key, double *value, char *unit,
		      size_t unit_len)
{
	sqlite3_stmt *s = store_get_stmt(st, S_GET_METRIC);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*value =
		    sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0);
		if (unit && unit_len)
			snprintf(unit, unit_len, "%s",
				 store_nz((const char *)sqlite3_column_text(s, 1)));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : store_sql_err(st, "get metric");
}

struct metric_walk {
	int (*fn)(void *arg, const char *key, double value, const char *unit); /* caller's */
	void *arg;							       /* its argument */
};

static int metric_row(sqlite3_stmt *s, const void *walk)
{
	const struct metric_walk *w = walk;

	return w->fn(w->arg, (const char *)sqlite3_column_text(s, 0),
		     sqlite3_column_type(s, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 1),
		     store_nz((const char *)sqlite3_column_text(s, 2)));
}

int store__for_each_metric(struct store *st, int64_t run,
			   int (*fn)(void *arg, const char *key, double value, const char *unit),
			   void *arg)
{
	const struct metric_walk w = {fn, arg};

	return for_each_row(st,
			    "SELECT key, value, unit FROM main.metrics "
			    "WHERE run_id = ? ORDER BY key",
			    run, metric_row, &w);
}

struct key_walk {
	int (*fn)(void *arg, const char *key); /* caller's */
	void *arg;			       /* its argument */
};

static int key_row(sqlite3_stmt *s, const void *walk)
{
	const struct key_walk *w = walk;

	return w->fn(w->arg, (const char *)sqlite3_column_text(s, 0));
}

int store__for_each_hist_key(struct store *st, int64_t run, int (*fn)(void *arg, const char *key),
			     void *arg)
{
	const struct key_walk w = {fn, arg};

	return for_each_row(st, "SELECT key FROM main.histograms WHERE run_id = ? ORDER BY key",
			    run, key_row, &w);
}

/*
 * The one row of @sql (parameters: run, key) that store__get_hist/series
 * read: 0 with *@out on it (the caller finalizes it), -ENOENT if there is
 * none, else the SQL error (@what names it).
 */
static int keyed_row(struct store *st, const char *sql, int64_t run, const char *key,
		     const char *what, sqlite3_stmt **out)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? -ENOENT : store_sql_err(st, what);
	}
	*out = s;
	return 0;
}

int store__get_hist(struct store *st, int64_t run, const char *key, struct store_hist *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = keyed_row(
	    st, "SELECT unit, nr, sum, min, max FROM main.histograms WHERE run_id = ? AND key = ?",
	    run, key, "get histogram", &s);
	if (rc)
		return rc;
	snprintf(out->unit, sizeof(out->unit), "%s",
		 store_nz((const char *)sqlite3_column_text(s, 0)));
	out->nr = (uint64_t)sqlite3_column_int64(s, 1);
	out->sum = (uint64_t)sqlite3_column_int64(s, 2);
	out->min = (uint64_t)sqlite3_column_int64(s, 3);
	out->max = (uint64_t)sqlite3_column_int64(s, 4);
	sqlite3_finalize(s);
	out->counts = calloc(RESULTS_HIST_BUCKETS, sizeof(*out->counts));
	if (!out->counts)
		return -ENOMEM;
	s = store_prepare(
	    st, "SELECT bucket, count FROM main.hist_buckets WHERE run_id = ? AND key = ?");
	if (!s) {
		store_hist_clear(out);
		return -EIO;
	}
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t b = sqlite3_column_int64(s, 0);

		if (b >= 0 && b < RESULTS_HIST_BUCKETS)
			out->counts[b] += (uint64_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_hist_clear(out);
		return store_sql_err(st, "get histogram buckets");
	}
	return 0;
}

void store_hist_clear(struct store_hist *h)
{
	if (h) {
		free(h->counts);
		h->counts = NULL;
	}
}

uint64_t store_hist_quantile(const struct store_hist *h, double q)
{
	const struct hist v = store_hist_view(h);

	return hist_quantile(&v, q);
}

int store__get_series(struct store *st, int64_t run, const char *key, struct store_series *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = keyed_row(st,
		       "SELECT start_ns, window_ns, values_json FROM main.series "
		       "WHERE run_id = ? AND key = ?",
		       run, key, "get series", &s);
	if (rc)
		return rc;
	out->start_ns = (uint64_t)sqlite3_column_int64(s, 0);
	out->window_ns = (uint64_t)sqlite3_column_int64(s, 1);
	rc = store_series_parse(store_nz((const char *)sqlite3_column_text(s, 2)), &out->values,
				&out->nr_values);
	sqlite3_finalize(s);
	if (rc == -EINVAL)
		svt_warn("%s: series '%s' of run %" PRId64 " is not a JSON array", st->path, key,
			 run);
	return rc;
}

void store_series_clear(struct store_series *s)
{
	if (s) {
		free(s->values);
		s->values = NULL;
	}
}

int store__has_point(struct store *st, const char *key)
{
	sqlite3_stmt *s = store_get_stmt(st, S_HAS_POINT);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_sql_err(st, "point lookup");
}

/* ------------------------------------------------------------ info */

static size_t count(struct store *st, const char *sql)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	size_t n = 0;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int store__info(struct store *st, struct store_info *info)
{
	sqlite3_stmt *s;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = store_read_version(st, &info->schema_version);
	if (rc)
		return rc;
	info->nr_runs = count(st, "SELECT count(*) FROM main.runs");
	info->nr_complete = count(st, "SELECT count(*) FROM main.runs WHERE status = 0");
	info->nr_traces =
	    count(st, "SELECT count(DISTINCT trace_hash) FROM main.runs WHERE trace_hash != ''");
	info->nr_config_rows = count(st, "SELECT count(*) FROM main.run_config");
	info->nr_metric_rows = count(st, "SELECT count(*) FROM main.metrics");
	info->nr_metric_keys = count(st, "SELECT count(DISTINCT key) FROM main.metrics");
	info->nr_histograms = count(st, "SELECT count(*) FROM main.histograms");
	info->nr_series = count(st, "SELECT count(*) FROM main.series");
	s = store_prepare(
	    st, "SELECT coalesce(min(time_utc), ''), coalesce(max(time_utc), '') FROM main.runs");
	if (s && sqlite3_step(s) == SQLITE_ROW) {
		snprintf(info->first_time, sizeof(info->first_time), "%s",
			 sqlite3_column_text(s, 0));
		snprintf(info->last_time, sizeof(info->last_time), "%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	s = store_prepare(st, "PRAGMA journal_mode");
	if (s && sqlite3_step(s) == SQLITE_ROW)
		snprintf(info->journal_mode, sizeof(info->journal_mode), "%s",
			 sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return 0;
}

double store__metric_value(struct store *st, int64_t run, const char *key)
{
	const char *at = strrchr(key, '@');
	struct store_hist h;
	struct hist hv;
	char hk[256];
	double x;

	if (!store__get_metric(st, run, key, &x, NULL, 0))
		return x;
	if (!at || (size_t)(at - key) >= sizeof(hk))
		return NAN;
	snprintf(hk, sizeof(hk), "%.*s", (int)(at - key), key);
	if (store__get_hist(st, run, hk, &h))
		return NAN;
	hv = store_hist_view(&h);
	if (hist_stat(&hv, at + 1, &x))
		x = NAN;
	store_hist_clear(&h);
	return x;
}
