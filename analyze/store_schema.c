// SPDX-License-Identifier: GPL-2.0
/*
 * store_schema.c - the results schema: its versions, the ordered migration
 * steps from each to the next, and the check of an opened file. A fresh
 * database and a migrated one go through the same steps of migrations[], so
 * they cannot drift apart. Everything a connection must have once the
 * tables are there (e.g. views) goes in store_schema_init().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "analyze/store-local.h"
#include "common/log.h"

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
static const char schema_v2_sql[] = "ALTER TABLE runs ADD COLUMN point_key TEXT;"
				    "CREATE INDEX runs_point_key ON runs(point_key);";

/*
 * A migration's backfill: for each run @sel_sql selects (by id), compute a
 * text with @value_of and store it with @upd_sql ("... SET col = ? WHERE id = ?").
 */
static int fill_runs(struct store *st, const char *sel_sql, const char *upd_sql, const char *what,
		     int (*value_of)(struct store *st, int64_t id, char *buf, size_t len))
{
	sqlite3_stmt *sel = store_prepare(st, sel_sql);
	sqlite3_stmt *upd = store_prepare(st, upd_sql);
	char buf[1024];
	int rc = 0;

	if (!sel || !upd) {
		rc = -EIO;
		goto out;
	}
	while (sqlite3_step(sel) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);

		rc = value_of(st, id, buf, sizeof(buf));
		if (rc)
			break;
		sqlite3_bind_text(upd, 1, buf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 2, id);
		rc = store_step_done(st, upd, what);
		if (rc)
			break;
	}
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

static int point_key_of(struct store *st, int64_t id, char *buf, size_t len)
{
	if (len < STORE_POINT_KEY_LEN + 1)
		return -EINVAL;
	return store_point_key_of(st, "main", id, buf);
}

/* Migration 1 -> 2: give every existing run its point key. */
static int fill_point_keys(struct store *st)
{
	return fill_runs(st, "SELECT id FROM main.runs WHERE point_key IS NULL",
			 "UPDATE main.runs SET point_key = ? WHERE id = ?", "set point key",
			 point_key_of);
}

/* Version 3: what produced each run (model revision, profile and its hash),
 * so studies never mix runs of different models or profiles. */
static const char schema_v3_sql[] =
    "ALTER TABLE runs ADD COLUMN model_rev TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE runs ADD COLUMN profile TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE runs ADD COLUMN profile_hash TEXT NOT NULL DEFAULT '';";

int store_profile_of(struct store *st, const char *db, int64_t id, char *path, size_t len)
{
	char sql[256];
	sqlite3_stmt *s;
	int rc;

	path[0] = 0;
	snprintf(sql, sizeof(sql),
		 "SELECT source FROM %s.run_config WHERE run_id = ? AND source LIKE 'profile %%' "
		 "ORDER BY key LIMIT 1",
		 db);
	s = store_prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		/* "profile FILE: its source comment" or "profile FILE" */
		const char *src = (const char *)sqlite3_column_text(s, 0) + 8;
		const char *end = strstr(src, ": ");

		snprintf(path, len, "%.*s", (int)(end ? (size_t)(end - src) : strlen(src)), src);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? 0 : store_sql_err(st, "read profile");
	}
	sqlite3_finalize(s);
	return rc;
}

void store_file_hash(const char *path, char *hex, size_t len)
{
	unsigned char h[STORE_PROFILE_HASH_BYTES], buf[4096];
	crypto_generichash_state gs;
	FILE *f = fopen(path, "rb");
	size_t n;

	hex[0] = 0;
	if (!f)
		return;
	crypto_generichash_init(&gs, NULL, 0, sizeof(h));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&gs, buf, n);
	fclose(f);
	crypto_generichash_final(&gs, h, sizeof(h));
	if (len >= 2 * sizeof(h) + 1)
		sodium_bin2hex(hex, len, h, sizeof(h));
}

/* Migration 2 -> 3: name each existing run's profile (its hash and the
 * model revision are unknown: left ""). */
static int profile_of(struct store *st, int64_t id, char *buf, size_t len)
{
	return store_profile_of(st, "main", id, buf, len);
}

static int fill_profiles(struct store *st)
{
	return fill_runs(st, "SELECT id FROM main.runs",
			 "UPDATE main.runs SET profile = ? WHERE id = ?", "set profile",
			 profile_of);
}

/* One migration step: from version to_version - 1 to to_version. */
struct migration {
	int to_version;			/* version after this step */
	const char *sql;		/* DDL of the step */
	int (*fixup)(struct store *st); /* data conversion after the DDL, may be NULL */
};

/*
 * Version 4: point keys leave out derived config rows (RESULTS_SOURCE_DERIVED,
 * analyze/store_key.c). Every run's key is cleared and computed again by the
 * 1 -> 2 backfill. Before, a work-queue run's key held its wq.replay.note,
 * which no plan can know, so a sweep never found its WQ points stored.
 */
static const char schema_v4_sql[] = "UPDATE runs SET point_key = NULL;";

static const struct migration migrations[] = {
    {1, schema_v1_sql, NULL},
    {2, schema_v2_sql, fill_point_keys},
    {3, schema_v3_sql, fill_profiles},
    {4, schema_v4_sql, fill_point_keys},
};

/* Schema version of the main database: 0 if it has no tables at all,
 * -ENOTSUP ... see callers; -EPROTO if it has tables but no schema_version. */
int store_read_version(struct store *st, int *version)
{
	sqlite3_stmt *s;
	int rc, nr_tables = 0, has_version = 0;

	s = store_prepare(st, "SELECT name FROM main.sqlite_master WHERE type = 'table'");
	if (!s)
		return sqlite3_errcode(st->db) == SQLITE_NOTADB ? -ENOTSUP : -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		nr_tables++;
		if (!strcmp((const char *)sqlite3_column_text(s, 0), "schema_version"))
			has_version = 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sqlite3_errcode(st->db) == SQLITE_NOTADB ? -ENOTSUP
								: store_sql_err(st, "list tables");
	*version = 0;
	if (!nr_tables)
		return 0;
	if (!has_version)
		return -EPROTO;
	s = store_prepare(st, "SELECT max(version) FROM main.schema_version");
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
		rc = store_read_version(st, &version);
		if (rc)
			goto fail;
		if (version >= m->to_version) {
			store__rollback(st);
			continue;
		}
		if (from > 0)
			svt_info("%s: migrating results schema v%d to v%d", st->path, version,
				 m->to_version);
		rc = store_exec(st, m->sql);
		if (!rc && m->fixup)
			rc = m->fixup(st);
		if (rc)
			goto fail;
		snprintf(
		    sql, sizeof(sql),
		    "DELETE FROM main.schema_version; INSERT INTO main.schema_version VALUES (%d)",
		    m->to_version);
		rc = store_exec(st, sql);
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

int store_schema_check(struct store *st, int *version, char *errbuf, size_t errlen)
{
	int rc = store_read_version(st, version);

	if (rc == -ENOTSUP) {
		store_seterr(errbuf, errlen,
			     "%s: not an SQLite database (expected an svatrace results database)",
			     st->path);
		return -EINVAL;
	}
	if (rc == -EPROTO) {
		store_seterr(errbuf, errlen,
			     "%s: an SQLite database but not an svatrace results database (no "
			     "schema_version table)",
			     st->path);
		return -EINVAL;
	}
	if (rc) {
		store_seterr(errbuf, errlen, "%s: cannot read the schema: %s", st->path,
			     sqlite3_errmsg(st->db));
		return -EIO;
	}
	if (*version > STORE_SCHEMA_VERSION) {
		store_seterr(errbuf, errlen,
			     "%s: results schema v%d is newer than this svatrace understands "
			     "(v%d); use a newer svatrace",
			     st->path, *version, STORE_SCHEMA_VERSION);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int store_schema_init(struct store *st, int version, char *errbuf, size_t errlen)
{
	int rc;

	if (version < STORE_SCHEMA_VERSION) {
		rc = migrate(st, version);
		if (rc) {
			store_seterr(errbuf, errlen, "%s: cannot %s the schema (v%d to v%d): %s",
				     st->path, version ? "migrate" : "create", version,
				     STORE_SCHEMA_VERSION, sqlite3_errmsg(st->db));
			return rc;
		}
	}
	return store_views_refresh(st, errbuf, errlen);
}
