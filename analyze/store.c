// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - the SQLite results store (see store.h; schema in
 * docs/results-schema.md).
 *
 * A fresh database and a migrated one go through the same ordered steps of
 * migrations[], so they cannot drift apart. Runs written through the results
 * sink are first staged in an in-memory schema attached to the same
 * connection ("stage") and copied into the file in one short transaction at
 * the end of the run: the file's write lock is held for milliseconds, not for
 * the length of a run, and a killed writer leaves no partial run behind.
 * `db merge` reuses the same copy, from an attached shard instead of stage.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "analyze/store.h"
#include "common/log.h"

/* Cached prepared statements (index into store.stmts). */
enum store_stmt {
	S_ADD_RUN,
	S_ADD_CONFIG,
	S_ADD_METRIC,
	S_ADD_HIST,
	S_ADD_BUCKET,
	S_ADD_SERIES,
	S_STAGE_CONFIG,
	S_STAGE_METRIC,
	S_STAGE_HIST,
	S_STAGE_BUCKET,
	S_STAGE_SERIES,
	S_GET_METRIC,
	S_GET_CONFIG,
	S_HAS_POINT,
	NR_STMTS
};

struct store {
	sqlite3 *db;			/* the connection */
	char *path;			/* file name */
	bool staged;			/* the stage schema is attached */
	bool stage_open;		/* a run is being staged */
	sqlite3_stmt *stmts[NR_STMTS];	/* cached statements, prepared on first use */
};

/* Column lists shared by inserts and copies. */
#define RUN_COLS "time_utc, tool_version, label, scenario, seed, status, trace_path, " \
		 "trace_bytes, trace_hash, trace_meta, point_key"
#define SELECT_RUN_COLS "id, " RUN_COLS

/* The per-run inserts, into main (store__add_*) or stage (store__stage_*). */
#define INS_CONFIG(schema) "INSERT OR REPLACE INTO " schema ".run_config (run_id, key, value, source) " \
			   "VALUES (?,?,?,?)"
#define INS_METRIC(schema) "INSERT OR REPLACE INTO " schema ".metrics (run_id, key, value, unit) " \
			   "VALUES (?,?,?,?)"
#define INS_HIST(schema) "INSERT OR REPLACE INTO " schema ".histograms (run_id, key, unit, nr, sum, " \
			 "min, max) VALUES (?,?,?,?,?,?,?)"
#define INS_BUCKET(schema) "INSERT OR REPLACE INTO " schema ".hist_buckets (run_id, key, bucket, low, " \
			   "count) VALUES (?,?,?,?,?)"
#define INS_SERIES(schema) "INSERT OR REPLACE INTO " schema ".series (run_id, key, start_ns, " \
			   "window_ns, nr_values, values_json) VALUES (?,?,?,?,?,?)"

static const char *const stmt_sql[NR_STMTS] = {
	[S_ADD_RUN] = "INSERT INTO main.runs (" RUN_COLS ") VALUES (?,?,?,?,?,NULL,?,?,?,?,NULL)",
	[S_ADD_CONFIG] = INS_CONFIG("main"),
	[S_ADD_METRIC] = INS_METRIC("main"),
	[S_ADD_HIST] = INS_HIST("main"),
	[S_ADD_BUCKET] = INS_BUCKET("main"),
	[S_ADD_SERIES] = INS_SERIES("main"),
	[S_STAGE_CONFIG] = INS_CONFIG("stage"),
	[S_STAGE_METRIC] = INS_METRIC("stage"),
	[S_STAGE_HIST] = INS_HIST("stage"),
	[S_STAGE_BUCKET] = INS_BUCKET("stage"),
	[S_STAGE_SERIES] = INS_SERIES("stage"),
	[S_GET_METRIC] = "SELECT value, unit FROM main.metrics WHERE run_id = ? AND key = ?",
	[S_GET_CONFIG] = "SELECT value FROM main.run_config WHERE run_id = ? AND key = ?",
	[S_HAS_POINT] = "SELECT 1 FROM main.runs WHERE point_key = ? AND status = 0 LIMIT 1",
};

/* ------------------------------------------------------------ schema */

/* Version 1: the first released layout (no point keys). */
static const char schema_v1_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" time_utc TEXT NOT NULL,"
	" tool_version TEXT NOT NULL DEFAULT '',"
	" label TEXT NOT NULL DEFAULT '',"
	" scenario TEXT NOT NULL DEFAULT '',"
	" seed INTEGER NOT NULL DEFAULT 0,"
	" status INTEGER,"
	" trace_path TEXT NOT NULL DEFAULT '',"
	" trace_bytes INTEGER NOT NULL DEFAULT 0,"
	" trace_hash TEXT NOT NULL DEFAULT '',"
	" trace_meta TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE run_config ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, value TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	"CREATE TABLE metrics ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, value REAL, unit TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	"CREATE TABLE histograms ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, unit TEXT NOT NULL DEFAULT 'ns',"
	" nr INTEGER NOT NULL, sum INTEGER NOT NULL, min INTEGER NOT NULL, max INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	"CREATE TABLE hist_buckets ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, bucket INTEGER NOT NULL, low INTEGER NOT NULL, count INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, key, bucket)) WITHOUT ROWID;"
	"CREATE TABLE series ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, start_ns INTEGER NOT NULL, window_ns INTEGER NOT NULL,"
	" nr_values INTEGER NOT NULL, values_json TEXT NOT NULL,"
	" PRIMARY KEY (run_id, key)) WITHOUT ROWID;"
	"CREATE INDEX metrics_key ON metrics(key);";

/* Version 2: point keys, so sweeps resume and merges drop duplicates. */
static const char schema_v2_sql[] =
	"ALTER TABLE runs ADD COLUMN point_key TEXT;"
	"CREATE INDEX runs_point_key ON runs(point_key);";

static int fill_point_keys(struct store *st);

/* One migration step: from version to_version - 1 to to_version. */
struct migration {
	int to_version;			/* version after this step */
	const char *sql;		/* DDL of the step */
	int (*fixup)(struct store *st);	/* data conversion after the DDL, may be NULL */
};

static const struct migration migrations[] = {
	{ 1, schema_v1_sql, NULL },
	{ 2, schema_v2_sql, fill_point_keys },
};

/* ------------------------------------------------------------ helpers */

static int sql_err(struct store *st, const char *what)
{
	svt_debug("store %s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	int rc = sqlite3_errcode(st->db);

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return -EBUSY;
	if (rc == SQLITE_FULL)
		return -ENOSPC;
	if (rc == SQLITE_NOMEM)
		return -ENOMEM;
	return -EIO;
}

static int exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_err(st, sql);
	return 0;
}

static sqlite3_stmt *get_stmt(struct store *st, enum store_stmt which)
{
	sqlite3_stmt *s = st->stmts[which];

	if (!s) {
		if (sqlite3_prepare_v2(st->db, stmt_sql[which], -1, &s, NULL) != SQLITE_OK) {
			sql_err(st, stmt_sql[which]);
			return NULL;
		}
		st->stmts[which] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static sqlite3_stmt *prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		sql_err(st, sql);
		return NULL;
	}
	return s;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static char *dup_col(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return strdup(t ? (const char *)t : "");
}

static int step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sql_err(st, what);
	return 0;
}

static void seterr(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ point keys */

static void hash_str(crypto_generichash_state *h, const char *s)
{
	s = nz(s);
	/* NUL-terminated pieces cannot run into each other. */
	crypto_generichash_update(h, (const unsigned char *)s, strlen(s) + 1);
}

static void point_key_begin(crypto_generichash_state *h, const char *trace_hash,
			    const char *scenario)
{
	crypto_generichash_init(h, NULL, 0, STORE_POINT_KEY_LEN / 2);
	hash_str(h, "svatrace point v1");
	hash_str(h, trace_hash);
	hash_str(h, scenario);
}

static void point_key_end(crypto_generichash_state *h, char out[STORE_POINT_KEY_LEN + 1])
{
	unsigned char bin[STORE_POINT_KEY_LEN / 2];

	crypto_generichash_final(h, bin, sizeof(bin));
	sodium_bin2hex(out, STORE_POINT_KEY_LEN + 1, bin, sizeof(bin));
}

static int cmp_key_idx(const void *a, const void *b, void *keys)
{
	const char *const *k = keys;

	return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

int store_point_key(const char *trace_hash, const char *scenario, const char *const *keys,
		    const char *const *values, size_t nr, char out[STORE_POINT_KEY_LEN + 1])
{
	crypto_generichash_state h;
	size_t *idx = calloc(nr ? nr : 1, sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	if (sodium_init() < 0) {
		free(idx);
		return -EIO;
	}
	for (size_t i = 0; i < nr; i++)
		idx[i] = i;
	/* Same order as SQLite's BINARY collation (memcmp), which ORDER BY key uses. */
	qsort_r(idx, nr, sizeof(*idx), cmp_key_idx, (void *)keys);
	point_key_begin(&h, trace_hash, scenario);
	for (size_t i = 0; i < nr; i++) {
		hash_str(&h, keys[idx[i]]);
		hash_str(&h, values[idx[i]]);
	}
	point_key_end(&h, out);
	free(idx);
	return 0;
}

/* Point key of run @run in schema @schema, from its stored config. */
static int point_key_of(struct store *st, const char *schema, int64_t run,
			char out[STORE_POINT_KEY_LEN + 1])
{
	char sql[256];
	crypto_generichash_state h;
	sqlite3_stmt *s;
	int rc;

	if (sodium_init() < 0)
		return -EIO;
	snprintf(sql, sizeof(sql), "SELECT trace_hash, scenario FROM %s.runs WHERE id = ?", schema);
	s = prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return -ENOENT;
	}
	point_key_begin(&h, (const char *)sqlite3_column_text(s, 0),
			(const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);

	snprintf(sql, sizeof(sql),
		 "SELECT key, value FROM %s.run_config WHERE run_id = ? ORDER BY key", schema);
	s = prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		hash_str(&h, (const char *)sqlite3_column_text(s, 0));
		hash_str(&h, (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sql_err(st, "reading config for point key");
	point_key_end(&h, out);
	return 0;
}

/* Migration 1 -> 2: give every existing run its point key. */
static int fill_point_keys(struct store *st)
{
	sqlite3_stmt *sel = prepare(st, "SELECT id FROM main.runs WHERE point_key IS NULL");
	sqlite3_stmt *upd = prepare(st, "UPDATE main.runs SET point_key = ? WHERE id = ?");
	char key[STORE_POINT_KEY_LEN + 1];
	int rc = 0;

	if (!sel || !upd) {
		rc = -EIO;
		goto out;
	}
	while (sqlite3_step(sel) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);

		rc = point_key_of(st, "main", id, key);
		if (rc)
			break;
		sqlite3_bind_text(upd, 1, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 2, id);
		rc = step_done(st, upd, "set point key");
		if (rc)
			break;
	}
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

/* ------------------------------------------------------------ open */

/* Schema version of the main database: 0 if it has no tables at all,
 * -ENOTSUP ... see callers; -EPROTO if it has tables but no schema_version. */
static int read_version(struct store *st, int *version)
{
	sqlite3_stmt *s;
	int rc, nr_tables = 0, has_version = 0;

	s = prepare(st, "SELECT name FROM main.sqlite_master WHERE type = 'table'");
	if (!s)
		return sqlite3_errcode(st->db) == SQLITE_NOTADB ? -ENOTSUP : -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		nr_tables++;
		if (!strcmp((const char *)sqlite3_column_text(s, 0), "schema_version"))
			has_version = 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlite3_errcode(st->db) == SQLITE_NOTADB ? -ENOTSUP : sql_err(st, "list tables");
	*version = 0;
	if (!nr_tables)
		return 0;
	if (!has_version)
		return -EPROTO;
	s = prepare(st, "SELECT max(version) FROM main.schema_version");
	if (!s)
		return -EIO;
	if (sqlite3_step(s) == SQLITE_ROW)
		*version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static int migrate(struct store *st, int from)
{
	for (size_t i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		const struct migration *m = &migrations[i];
		char sql[128];
		int version, rc;

		if (m->to_version <= from)
			continue;
		rc = store__begin(st);
		if (rc)
			return rc;
		/* Another process may have migrated while we waited for the lock. */
		rc = read_version(st, &version);
		if (rc)
			goto fail;
		if (version >= m->to_version) {
			store__rollback(st);
			continue;
		}
		if (from > 0)
			svt_info("%s: migrating results schema v%d to v%d", st->path, version,
				 m->to_version);
		rc = exec(st, m->sql);
		if (!rc && m->fixup)
			rc = m->fixup(st);
		if (rc)
			goto fail;
		snprintf(sql, sizeof(sql),
			 "DELETE FROM main.schema_version; INSERT INTO main.schema_version VALUES (%d)",
			 m->to_version);
		rc = exec(st, sql);
		if (rc)
			goto fail;
		rc = store__commit(st);
		if (rc)
			return rc;
		continue;
fail:
		store__rollback(st);
		return rc;
	}
	return 0;
}

struct store *store__open(const char *path, unsigned int flags, char *errbuf, size_t errlen)
{
	struct store *st;
	struct stat sb;
	int version = 0, rc, err = EIO;

	if (stat(path, &sb) < 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE)) {
			err = errno;
			seterr(errbuf, errlen, "%s: %s", path, strerror(err));
			errno = err;
			return NULL;
		}
	} else if (S_ISDIR(sb.st_mode)) {
		seterr(errbuf, errlen, "%s: is a directory, not a results database", path);
		errno = EISDIR;
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		seterr(errbuf, errlen, "%s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0),
			     NULL);
	if (rc != SQLITE_OK) {
		seterr(errbuf, errlen, "%s: cannot open: %s", path,
		       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 0);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	rc = read_version(st, &version);
	if (rc == -ENOTSUP) {
		seterr(errbuf, errlen,
		       "%s: not an SQLite database (expected an svatrace results database)", path);
		err = EINVAL;
		goto fail;
	}
	if (rc == -EPROTO) {
		seterr(errbuf, errlen,
		       "%s: an SQLite database but not an svatrace results database (no schema_version table)",
		       path);
		err = EINVAL;
		goto fail;
	}
	if (rc) {
		seterr(errbuf, errlen, "%s: cannot read the schema: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (version > STORE_SCHEMA_VERSION) {
		seterr(errbuf, errlen,
		       "%s: results schema v%d is newer than this svatrace understands (v%d); use a newer svatrace",
		       path, version, STORE_SCHEMA_VERSION);
		err = EPROTONOSUPPORT;
		goto fail;
	}
	/* WAL: readers do not block the writer; NORMAL sync is safe against process
	 * crashes (only a power loss can drop the last commits). */
	if (exec(st, "PRAGMA journal_mode = WAL") || exec(st, "PRAGMA synchronous = NORMAL") ||
	    exec(st, "PRAGMA foreign_keys = ON")) {
		seterr(errbuf, errlen, "%s: cannot set up the database: %s", path,
		       sqlite3_errmsg(st->db));
		goto fail;
	}
	if (version < STORE_SCHEMA_VERSION) {
		rc = migrate(st, version);
		if (rc) {
			seterr(errbuf, errlen, "%s: cannot %s the schema (v%d to v%d): %s", path,
			       version ? "migrate" : "create", version, STORE_SCHEMA_VERSION,
			       sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	return st;
fail:
	store__close(st);
	errno = err;
	return NULL;
}

void store__close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < NR_STMTS; i++)
		sqlite3_finalize(st->stmts[i]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *store__errmsg(const struct store *st)
{
	return sqlite3_errmsg(st->db);
}

const char *store__path(const struct store *st)
{
	return st->path;
}

void store__set_busy_timeout(struct store *st, int timeout_ms)
{
	sqlite3_busy_timeout(st->db, timeout_ms);
}

int store__begin(struct store *st)
{
	return exec(st, "BEGIN IMMEDIATE");
}

int store__commit(struct store *st)
{
	return exec(st, "COMMIT");
}

int store__rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return 0;
	return exec(st, "ROLLBACK");
}

/* ------------------------------------------------------------ writing */

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
	sqlite3_bind_text(s, 2, nz(info->tool_version), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, nz(info->label), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, nz(info->scenario), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, (int64_t)info->seed);
	sqlite3_bind_text(s, 6, nz(info->trace_path), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 7, (int64_t)info->trace_bytes);
	sqlite3_bind_text(s, 8, nz(info->trace_hash), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 9, nz(info->trace_meta_json), -1, SQLITE_TRANSIENT);
}

int store__add_run(struct store *st, const struct results_run_info *info, int64_t *id)
{
	sqlite3_stmt *s = get_stmt(st, S_ADD_RUN);
	int rc;

	if (!s)
		return -EIO;
	bind_run_info(s, info);
	rc = step_done(st, s, "insert run");
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

/*
 * The per-run insert @which (main or stage) with its first two parameters,
 * run and key, bound. Return: 0, -EIO (no statement) or -EINVAL (no key).
 */
static int keyed_stmt(struct store *st, enum store_stmt which, int64_t run, const char *key,
		      sqlite3_stmt **out)
{
	sqlite3_stmt *s = get_stmt(st, which);

	if (!s)
		return -EIO;
	if (!key || !*key)
		return -EINVAL;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	*out = s;
	return 0;
}

static int add_config(struct store *st, enum store_stmt which, int64_t run, const char *key,
		      const char *value, const char *source)
{
	sqlite3_stmt *s;
	int rc = keyed_stmt(st, which, run, key, &s);

	if (rc)
		return rc;
	sqlite3_bind_text(s, 3, nz(value), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, nz(source), -1, SQLITE_TRANSIENT);
	return step_done(st, s, "insert config");
}

static int add_metric(struct store *st, enum store_stmt which, int64_t run, const char *key,
		      double value, const char *unit)
{
	sqlite3_stmt *s;
	int rc = keyed_stmt(st, which, run, key, &s);

	if (rc)
		return rc;
	if (isfinite(value))
		sqlite3_bind_double(s, 3, value);
	else
		sqlite3_bind_null(s, 3);	/* SQLite has no NaN; NULL reads back as missing */
	sqlite3_bind_text(s, 4, nz(unit), -1, SQLITE_TRANSIENT);
	return step_done(st, s, "insert metric");
}

static int add_hist(struct store *st, enum store_stmt which, enum store_stmt bucket_which,
		    int64_t run, const char *key, const struct results_hist *h)
{
	sqlite3_stmt *s;
	int rc = keyed_stmt(st, which, run, key, &s);

	if (rc)
		return rc;
	if (!h || !h->counts)
		return -EINVAL;
	sqlite3_bind_text(s, 3, h->unit ? h->unit : "ns", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, (int64_t)h->nr);
	sqlite3_bind_int64(s, 5, (int64_t)h->sum);
	sqlite3_bind_int64(s, 6, (int64_t)h->min);
	sqlite3_bind_int64(s, 7, (int64_t)h->max);
	rc = step_done(st, s, "insert histogram");
	for (uint32_t b = 0; !rc && b < RESULTS_HIST_BUCKETS; b++) {
		if (!h->counts[b])
			continue;
		rc = keyed_stmt(st, bucket_which, run, key, &s);
		if (rc)
			return rc;
		sqlite3_bind_int(s, 3, (int)b);
		sqlite3_bind_int64(s, 4, (int64_t)results_hist_bucket_low(b));
		sqlite3_bind_int64(s, 5, (int64_t)h->counts[b]);
		rc = step_done(st, s, "insert histogram bucket");
	}
	return rc;
}

static int add_series(struct store *st, enum store_stmt which, int64_t run, const char *key,
		      uint64_t start_ns, uint64_t window_ns, const double *values, size_t nr)
{
	sqlite3_stmt *s;
	json_t *arr;
	char *text;
	int rc = keyed_stmt(st, which, run, key, &s);

	if (rc)
		return rc;
	if (nr && !values)
		return -EINVAL;
	arr = json_array();
	if (!arr)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++)
		/* json_real refuses NaN/inf: those become null */
		json_array_append_new(arr, isfinite(values[i]) ? json_real(values[i]) : json_null());
	text = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(arr);
	if (!text)
		return -ENOMEM;
	sqlite3_bind_int64(s, 3, (int64_t)start_ns);
	sqlite3_bind_int64(s, 4, (int64_t)window_ns);
	sqlite3_bind_int64(s, 5, (int64_t)nr);
	sqlite3_bind_text(s, 6, text, -1, SQLITE_TRANSIENT);
	rc = step_done(st, s, "insert series");
	free(text);
	return rc;
}

int store__add_config(struct store *st, int64_t run, const char *key, const char *value,
		      const char *source)
{
	return add_config(st, S_ADD_CONFIG, run, key, value, source);
}

int store__add_metric(struct store *st, int64_t run, const char *key, double value,
		      const char *unit)
{
	return add_metric(st, S_ADD_METRIC, run, key, value, unit);
}

int store__add_hist(struct store *st, int64_t run, const char *key, const struct results_hist *h)
{
	return add_hist(st, S_ADD_HIST, S_ADD_BUCKET, run, key, h);
}

int store__add_series(struct store *st, int64_t run, const char *key, uint64_t start_ns,
		      uint64_t window_ns, const double *values, size_t nr_values)
{
	return add_series(st, S_ADD_SERIES, run, key, start_ns, window_ns, values, nr_values);
}

static int set_status(struct store *st, const char *schema, int64_t run, int status)
{
	char key[STORE_POINT_KEY_LEN + 1];
	char sql[128];
	sqlite3_stmt *s;
	int rc = point_key_of(st, schema, run, key);

	if (rc)
		return rc;
	snprintf(sql, sizeof(sql), "UPDATE %s.runs SET status = ?, point_key = ? WHERE id = ?",
		 schema);
	s = prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int(s, 1, status);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, run);
	rc = step_done(st, s, "set run status");
	sqlite3_finalize(s);
	return rc;
}

int store__end_run(struct store *st, int64_t run, int status)
{
	return set_status(st, "main", run, status);
}

int store__has_point(struct store *st, const char *key)
{
	sqlite3_stmt *s = get_stmt(st, S_HAS_POINT);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sql_err(st, "point lookup");
}

/* ------------------------------------------------------------ copying runs */

/* Copy run @src of schema @from (stage or an attached shard) into main. */
static int copy_run(struct store *st, const char *from, int64_t src, int64_t *new_id)
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
		"SELECT ?1, key, start_ns, window_ns, nr_values, values_json FROM %s.series WHERE run_id = ?2",
	};
	char sql[512];
	sqlite3_stmt *s;
	int64_t id;
	int rc;

	snprintf(sql, sizeof(sql), "INSERT INTO main.runs (" RUN_COLS ") SELECT " RUN_COLS
		 " FROM %s.runs WHERE id = ?", from);
	s = prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, src);
	rc = step_done(st, s, "copy run");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	id = sqlite3_last_insert_rowid(st->db);
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		snprintf(sql, sizeof(sql), children[i], from);
		s = prepare(st, sql);
		if (!s)
			return -EIO;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, src);
		rc = step_done(st, s, "copy run data");
		sqlite3_finalize(s);
		if (rc)
			return rc;
	}
	if (new_id)
		*new_id = id;
	return 0;
}

static int delete_run(struct store *st, int64_t id)
{
	static const char *const tables[] = { "run_config", "metrics", "histograms",
					      "hist_buckets", "series", "runs" };
	char sql[128];
	int rc = 0;

	for (size_t i = 0; !rc && i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM main.%s WHERE %s = %" PRId64, tables[i],
			 strcmp(tables[i], "runs") ? "run_id" : "id", id);
		rc = exec(st, sql);
	}
	return rc;
}

/* ------------------------------------------------------------ staging */

static int stage_attach(struct store *st)
{
	static const char *const tables[] = { "runs", "run_config", "metrics", "histograms",
					      "hist_buckets", "series" };
	char sql[160];
	int rc;

	if (st->staged)
		return 0;
	rc = exec(st, "ATTACH DATABASE ':memory:' AS stage");
	for (size_t i = 0; !rc && i < sizeof(tables) / sizeof(tables[0]); i++) {
		/* Same columns as the file; the stage holds one run, id 1. */
		snprintf(sql, sizeof(sql), "CREATE TABLE stage.%s AS SELECT * FROM main.%s WHERE 0",
			 tables[i], tables[i]);
		rc = exec(st, sql);
	}
	if (!rc)
		st->staged = true;
	return rc;
}

static int stage_clear(struct store *st)
{
	return exec(st, "DELETE FROM stage.runs; DELETE FROM stage.run_config; "
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
	s = prepare(st, "INSERT INTO stage.runs (id, " RUN_COLS ") VALUES (1,?,?,?,?,?,NULL,?,?,?,?,NULL)");
	if (!s)
		return -EIO;
	bind_run_info(s, info);
	rc = step_done(st, s, "stage run");
	sqlite3_finalize(s);
	st->stage_open = !rc;
	return rc;
}

int store__stage_config(struct store *st, const char *key, const char *value, const char *source)
{
	if (!st->stage_open)
		return -EINVAL;
	return add_config(st, S_STAGE_CONFIG, 1, key, value, source);
}

int store__stage_metric(struct store *st, const char *key, double value, const char *unit)
{
	if (!st->stage_open)
		return -EINVAL;
	return add_metric(st, S_STAGE_METRIC, 1, key, value, unit);
}

int store__stage_hist(struct store *st, const char *key, const struct results_hist *h)
{
	if (!st->stage_open)
		return -EINVAL;
	return add_hist(st, S_STAGE_HIST, S_STAGE_BUCKET, 1, key, h);
}

int store__stage_series(struct store *st, const char *key, uint64_t start_ns, uint64_t window_ns,
			const double *values, size_t nr_values)
{
	if (!st->stage_open)
		return -EINVAL;
	return add_series(st, S_STAGE_SERIES, 1, key, start_ns, window_ns, values, nr_values);
}

int store__stage_commit(struct store *st, int status, int64_t *id)
{
	int rc;

	if (!st->stage_open)
		return -EINVAL;
	rc = set_status(st, "stage", 1, status);
	if (rc)
		return rc;
	rc = store__begin(st);
	if (rc)
		return rc;	/* stage kept: the caller may retry */
	rc = copy_run(st, "stage", 1, id);
	if (!rc)
		rc = store__commit(st);
	if (rc) {
		store__rollback(st);
		return rc;
	}
	st->stage_open = false;
	return stage_clear(st);
}

/* ------------------------------------------------------------ reading */

static const char *const run_columns[] = {
	"id", "label", "scenario", "status", "seed", "trace_hash", "trace_path", "point_key",
	"tool_version", "time_utc",
};

static void read_run(sqlite3_stmt *s, struct store_run *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->time_utc = dup_col(s, 1);
	r->tool_version = dup_col(s, 2);
	r->label = dup_col(s, 3);
	r->scenario = dup_col(s, 4);
	r->seed = (uint64_t)sqlite3_column_int64(s, 5);
	r->status = sqlite3_column_type(s, 6) == SQLITE_NULL ? -EINPROGRESS : sqlite3_column_int(s, 6);
	r->trace_path = dup_col(s, 7);
	r->trace_bytes = (uint64_t)sqlite3_column_int64(s, 8);
	r->trace_hash = dup_col(s, 9);
	r->trace_meta_json = dup_col(s, 10);
	r->point_key = dup_col(s, 11);
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
	size_t len = 256 + nr_where * 160, n = 0, cap = 0;
	char *sql = malloc(len);
	struct store_run *runs = NULL;
	sqlite3_stmt *s;
	int rc, bind = 1;

	*out = NULL;
	*nr_out = 0;
	if (!sql)
		return -ENOMEM;
	strcpy(sql, "SELECT " SELECT_RUN_COLS " FROM main.runs WHERE 1");
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
	s = prepare(st, sql);
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
		return sql_err(st, "list runs");
	}
	*out = runs;
	*nr_out = n;
	return 0;
}

int store__get_run(struct store *st, int64_t id, struct store_run *out)
{
	sqlite3_stmt *s = prepare(st, "SELECT " SELECT_RUN_COLS " FROM main.runs WHERE id = ?");
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
	return rc == SQLITE_DONE ? -ENOENT : sql_err(st, "get run");
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
	s = prepare(st, "SELECT id FROM main.runs WHERE label = ? ORDER BY id");
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
	sqlite3_stmt *s = get_stmt(st, S_GET_CONFIG);
	char *v = NULL;

	if (!s) {
		errno = EIO;
		return NULL;
	}
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = dup_col(s, 0);
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
	sqlite3_stmt *s = prepare(st, sql);
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
	int (*fn)(void *arg, const char *key, const char *value, const char *source);	/* caller's */
	void *arg;	/* its argument */
};

static int config_row(sqlite3_stmt *s, const void *walk)
{
	const struct config_walk *w = walk;

	return w->fn(w->arg, (const char *)sqlite3_column_text(s, 0),
		     (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2));
}

int store__for_each_config(struct store *st, int64_t run,
			   int (*fn)(void *arg, const char *key, const char *value,
				     const char *source),
			   void *arg)
{
	const struct config_walk w = { fn, arg };

	return for_each_row(st, "SELECT key, value, source FROM main.run_config "
				"WHERE run_id = ? ORDER BY key", run, config_row, &w);
}

int store__get_metric(struct store *st, int64_t run, const char *key, double *value,
		      char *unit, size_t unit_len)
{
	sqlite3_stmt *s = get_stmt(st, S_GET_METRIC);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*value = sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0);
		if (unit && unit_len)
			snprintf(unit, unit_len, "%s", nz((const char *)sqlite3_column_text(s, 1)));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : sql_err(st, "get metric");
}

struct metric_walk {
	int (*fn)(void *arg, const char *key, double value, const char *unit);	/* caller's */
	void *arg;	/* its argument */
};

static int metric_row(sqlite3_stmt *s, const void *walk)
{
	const struct metric_walk *w = walk;

	return w->fn(w->arg, (const char *)sqlite3_column_text(s, 0),
		     sqlite3_column_type(s, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 1),
		     nz((const char *)sqlite3_column_text(s, 2)));
}

int store__for_each_metric(struct store *st, int64_t run,
			   int (*fn)(void *arg, const char *key, double value, const char *unit),
			   void *arg)
{
	const struct metric_walk w = { fn, arg };

	return for_each_row(st, "SELECT key, value, unit FROM main.metrics "
				"WHERE run_id = ? ORDER BY key", run, metric_row, &w);
}

struct key_walk {
	int (*fn)(void *arg, const char *key);	/* caller's */
	void *arg;	/* its argument */
};

static int key_row(sqlite3_stmt *s, const void *walk)
{
	const struct key_walk *w = walk;

	return w->fn(w->arg, (const char *)sqlite3_column_text(s, 0));
}

int store__for_each_hist_key(struct store *st, int64_t run,
			     int (*fn)(void *arg, const char *key), void *arg)
{
	const struct key_walk w = { fn, arg };

	return for_each_row(st, "SELECT key FROM main.histograms WHERE run_id = ? ORDER BY key", run,
			    key_row, &w);
}

/*
 * The one row of @sql (parameters: run, key) that store__get_hist/series
 * read: 0 with *@out on it (the caller finalizes it), -ENOENT if there is
 * none, else the SQL error (@what names it).
 */
static int keyed_row(struct store *st, const char *sql, int64_t run, const char *key,
		     const char *what, sqlite3_stmt **out)
{
	sqlite3_stmt *s = prepare(st, sql);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? -ENOENT : sql_err(st, what);
	}
	*out = s;
	return 0;
}

int store__get_hist(struct store *st, int64_t run, const char *key, struct store_hist *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = keyed_row(st, "SELECT unit, nr, sum, min, max FROM main.histograms WHERE run_id = ? AND key = ?",
		       run, key, "get histogram", &s);
	if (rc)
		return rc;
	snprintf(out->unit, sizeof(out->unit), "%s", nz((const char *)sqlite3_column_text(s, 0)));
	out->nr = (uint64_t)sqlite3_column_int64(s, 1);
	out->sum = (uint64_t)sqlite3_column_int64(s, 2);
	out->min = (uint64_t)sqlite3_column_int64(s, 3);
	out->max = (uint64_t)sqlite3_column_int64(s, 4);
	sqlite3_finalize(s);
	out->counts = calloc(RESULTS_HIST_BUCKETS, sizeof(*out->counts));
	if (!out->counts)
		return -ENOMEM;
	s = prepare(st, "SELECT bucket, count FROM main.hist_buckets WHERE run_id = ? AND key = ?");
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
		return sql_err(st, "get histogram buckets");
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
	json_t *arr;
	json_error_t jerr;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = keyed_row(st, "SELECT start_ns, window_ns, values_json FROM main.series "
			   "WHERE run_id = ? AND key = ?", run, key, "get series", &s);
	if (rc)
		return rc;
	out->start_ns = (uint64_t)sqlite3_column_int64(s, 0);
	out->window_ns = (uint64_t)sqlite3_column_int64(s, 1);
	arr = json_loads(nz((const char *)sqlite3_column_text(s, 2)), 0, &jerr);
	sqlite3_finalize(s);
	if (!arr || !json_is_array(arr)) {
		json_decref(arr);
		svt_warn("%s: series '%s' of run %" PRId64 " is not a JSON array", st->path, key, run);
		return -EINVAL;
	}
	out->nr_values = json_array_size(arr);
	out->values = calloc(out->nr_values ? out->nr_values : 1, sizeof(double));
	if (!out->values) {
		json_decref(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < out->nr_values; i++) {
		json_t *v = json_array_get(arr, i);

		out->values[i] = json_is_number(v) ? json_number_value(v) : NAN;
	}
	json_decref(arr);
	return 0;
}

void store_series_clear(struct store_series *s)
{
	if (s) {
		free(s->values);
		s->values = NULL;
	}
}

/* ------------------------------------------------------------ merge, info */

int store__merge(struct store *st, const char *shard_path, struct store_merge_stats *stats,
		 char *errbuf, size_t errlen)
{
	struct store *shard;
	sqlite3_stmt *runs = NULL, *find = NULL, *att;
	int rc;

	memset(stats, 0, sizeof(*stats));
	/* Opening it first gives the clear errors and migrates an older shard. */
	shard = store__open(shard_path, 0, errbuf, errlen);
	if (!shard)
		return -errno;
	store__close(shard);

	att = prepare(st, "ATTACH DATABASE ? AS shard");
	if (!att)
		return -EIO;
	sqlite3_bind_text(att, 1, shard_path, -1, SQLITE_TRANSIENT);
	rc = step_done(st, att, "attach shard");
	sqlite3_finalize(att);
	if (rc) {
		seterr(errbuf, errlen, "%s: cannot attach: %s", shard_path, sqlite3_errmsg(st->db));
		return rc;
	}
	rc = store__begin(st);
	if (rc)
		goto detach;
	runs = prepare(st, "SELECT id, point_key, status FROM shard.runs ORDER BY id");
	find = prepare(st, "SELECT id, status FROM main.runs WHERE point_key = ?");
	if (!runs || !find) {
		rc = -EIO;
		goto fail;
	}
	while ((rc = sqlite3_step(runs)) == SQLITE_ROW) {
		int64_t src = sqlite3_column_int64(runs, 0);
		const char *key = (const char *)sqlite3_column_text(runs, 1);
		bool complete = sqlite3_column_type(runs, 2) != SQLITE_NULL &&
				sqlite3_column_int(runs, 2) == 0;
		bool have_complete = false, have_any = false;
		int64_t failed_ids[16];
		size_t nr_failed = 0;

		stats->nr_runs++;
		if (key && *key) {
			sqlite3_reset(find);
			sqlite3_bind_text(find, 1, key, -1, SQLITE_TRANSIENT);
			while (sqlite3_step(find) == SQLITE_ROW) {
				have_any = true;
				if (sqlite3_column_type(find, 1) != SQLITE_NULL &&
				    sqlite3_column_int(find, 1) == 0)
					have_complete = true;
				else if (nr_failed < 16)
					failed_ids[nr_failed++] = sqlite3_column_int64(find, 0);
			}
			sqlite3_reset(find);
		}
		if (have_complete || (have_any && !complete)) {
			stats->nr_duplicates++;
			continue;
		}
		if (have_any) {
			rc = 0;
			for (size_t i = 0; !rc && i < nr_failed; i++)
				rc = delete_run(st, failed_ids[i]);
			if (rc)
				goto fail;
			stats->nr_replaced++;
		}
		rc = copy_run(st, "shard", src, NULL);
		if (rc)
			goto fail;
		stats->nr_copied++;
	}
	if (rc != SQLITE_DONE) {
		rc = sql_err(st, "read shard runs");
		goto fail;
	}
	sqlite3_finalize(runs);
	sqlite3_finalize(find);
	runs = find = NULL;
	rc = store__commit(st);
	if (rc)
		goto fail;
	goto detach;
fail:
	seterr(errbuf, errlen, "%s: merge failed: %s", shard_path, sqlite3_errmsg(st->db));
	sqlite3_finalize(runs);
	sqlite3_finalize(find);
	store__rollback(st);
detach:
	exec(st, "DETACH DATABASE shard");
	return rc;
}

static size_t count(struct store *st, const char *sql)
{
	sqlite3_stmt *s = prepare(st, sql);
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
	rc = read_version(st, &info->schema_version);
	if (rc)
		return rc;
	info->nr_runs = count(st, "SELECT count(*) FROM main.runs");
	info->nr_complete = count(st, "SELECT count(*) FROM main.runs WHERE status = 0");
	info->nr_traces = count(st, "SELECT count(DISTINCT trace_hash) FROM main.runs WHERE trace_hash != ''");
	info->nr_config_rows = count(st, "SELECT count(*) FROM main.run_config");
	info->nr_metric_rows = count(st, "SELECT count(*) FROM main.metrics");
	info->nr_metric_keys = count(st, "SELECT count(DISTINCT key) FROM main.metrics");
	info->nr_histograms = count(st, "SELECT count(*) FROM main.histograms");
	info->nr_series = count(st, "SELECT count(*) FROM main.series");
	s = prepare(st, "SELECT coalesce(min(time_utc), ''), coalesce(max(time_utc), '') FROM main.runs");
	if (s && sqlite3_step(s) == SQLITE_ROW) {
		snprintf(info->first_time, sizeof(info->first_time), "%s", sqlite3_column_text(s, 0));
		snprintf(info->last_time, sizeof(info->last_time), "%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	s = prepare(st, "PRAGMA journal_mode");
	if (s && sqlite3_step(s) == SQLITE_ROW)
		snprintf(info->journal_mode, sizeof(info->journal_mode), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return 0;
}
