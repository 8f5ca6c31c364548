// SPDX-License-Identifier: GPL-2.0
/*
 * store_open.c - the results store's connection: opening (checks, WAL,
 * schema through store_schema.c), closing, transactions, and the SQL
 * helpers and cached statements the other store_*.c files use (see store.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/store-local.h"
#include "common/log.h"

/* The per-run inserts, into the stage (store__stage_*). */
#define INS_CONFIG(schema)                                                                         \
	"INSERT OR REPLACE INTO " schema ".run_config (run_id, key, value, source) "               \
	"VALUES (?,?,?,?)"
#define INS_METRIC(schema)                                                                         \
	"INSERT OR REPLACE INTO " schema ".metrics (run_id, key, value, unit) "                    \
	"VALUES (?,?,?,?)"
#define INS_HIST(schema)                                                                           \
	"INSERT OR REPLACE INTO " schema ".histograms (run_id, key, unit, nr, sum, "               \
	"min, max) VALUES (?,?,?,?,?,?,?)"
#define INS_BUCKET(schema)                                                                         \
	"INSERT OR REPLACE INTO " schema ".hist_buckets (run_id, key, bucket, low, "               \
	"count) VALUES (?,?,?,?,?)"
#define INS_SERIES(schema)                                                                         \
	"INSERT OR REPLACE INTO " schema ".series (run_id, key, start_ns, "                        \
	"window_ns, nr_values, values_json) VALUES (?,?,?,?,?,?)"

static const char *const stmt_sql[NR_STMTS] = {
    [S_STAGE_CONFIG] = INS_CONFIG("stage"),
    [S_STAGE_METRIC] = INS_METRIC("stage"),
    [S_STAGE_HIST] = INS_HIST("stage"),
    [S_STAGE_BUCKET] = INS_BUCKET("stage"),
    [S_STAGE_SERIES] = INS_SERIES("stage"),
    [S_GET_METRIC] = "SELECT value, unit FROM main.metrics WHERE run_id = ? AND key = ?",
    [S_GET_CONFIG] = "SELECT value FROM main.run_config WHERE run_id = ? AND key = ?",
    [S_HAS_POINT] = "SELECT 1 FROM main.runs WHERE point_key = ? AND status = 0 LIMIT 1",
};

/* ------------------------------------------------------------ helpers */

int store_sql_err(struct store *st, const char *what)
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

int store_exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_err(st, sql);
	return 0;
}

sqlite3_stmt *store_get_stmt(struct store *st, enum store_stmt which)
{
	sqlite3_stmt *s = st->stmts[which];

	if (!s) {
		if (sqlite3_prepare_v2(st->db, stmt_sql[which], -1, &s, NULL) != SQLITE_OK) {
			store_sql_err(st, stmt_sql[which]);
			return NULL;
		}
		st->stmts[which] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_sql_err(st, sql);
		return NULL;
	}
	return s;
}

const char *store_nz(const char *s)
{
	return s ? s : "";
}

char *store_dup_col(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return strdup(t ? (const char *)t : "");
}

int store_step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_sql_err(st, what);
	return 0;
}

void store_seterr(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ open */

/* The file must exist (unless created) and not be a directory. */
static int check_path(const char *path, unsigned int flags, char *errbuf, size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) < 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE)) {
			int err = errno;

			store_seterr(errbuf, errlen, "%s: %s", path, strerror(err));
			return -err;
		}
	} else if (S_ISDIR(sb.st_mode)) {
		store_seterr(errbuf, errlen, "%s: is a directory, not a results database", path);
		return -EISDIR;
	}
	return 0;
}

/*
 * WAL: readers do not block the writer; NORMAL sync is safe against process
 * crashes (only a power loss can drop the last commits).
 */
static int set_pragmas(struct store *st, char *errbuf, size_t errlen)
{
	if (store_exec(st, "PRAGMA journal_mode = WAL") ||
	    store_exec(st, "PRAGMA synchronous = NORMAL") ||
	    store_exec(st, "PRAGMA foreign_keys = ON")) {
		store_seterr(errbuf, errlen, "%s: cannot set up the database: %s", st->path,
			     sqlite3_errmsg(st->db));
		return -EIO;
	}
	return 0;
}

/*
 * Read-only: a WAL database normally needs its -shm file, which a reader
 * that cannot write the folder cannot create. Try the plain read-only open
 * first (it works while a writer is active, and sees its commits); when the
 * schema cannot be read that way, reopen as immutable, which reads the file
 * as it is on disk without any locking or side file.
 */
static int open_readonly(struct store *st)
{
	size_t n = strlen(st->path);
	char *uri, *o;
	int rc = sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READONLY, NULL);

	if (rc == SQLITE_OK && sqlite3_exec(st->db, "SELECT count(*) FROM sqlite_master", NULL,
					    NULL, NULL) == SQLITE_OK)
		return SQLITE_OK;
	sqlite3_close(st->db);
	st->db = NULL;
	uri = malloc(3 * n + 32);
	if (!uri)
		return SQLITE_NOMEM;
	o = uri + sprintf(uri, "file:");
	for (const char *c = st->path; *c; c++) /* '%', '?', '#' are not literal in a URI */
		o += (*c == '%' || *c == '?' || *c == '#') ? sprintf(o, "%%%02X", (unsigned char)*c)
							   : sprintf(o, "%c", *c);
	strcpy(o, "?immutable=1");
	rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	return rc;
}

struct store *store__open(const char *path, unsigned int flags, char *errbuf, size_t errlen)
{
	struct store *st;
	int version = 0, rc;

	rc = check_path(path, flags, errbuf, errlen);
	if (rc) {
		errno = -rc;
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		store_seterr(errbuf, errlen, "%s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	st->flags = flags;
	if (flags & STORE_READONLY)
		rc = open_readonly(st);
	else
		rc = sqlite3_open_v2(path, &st->db,
				     SQLITE_OPEN_READWRITE |
					 ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0),
				     NULL);
	if (rc != SQLITE_OK) {
		store_seterr(errbuf, errlen, "%s: cannot open: %s", path,
			     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		rc = -EIO;
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 0);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/* SQLite falls back to read-only silently: say so before any work */
	if (!(flags & STORE_READONLY) && sqlite3_db_readonly(st->db, "main") == 1) {
		store_seterr(errbuf, errlen,
			     "%s: the database is read-only for this user (results cannot be "
			     "written)",
			     path);
		rc = -EROFS;
		goto fail;
	}
	rc = store_schema_check(st, &version, errbuf, errlen);
	if (!rc && !(flags & STORE_READONLY))
		rc = set_pragmas(st, errbuf, errlen);
	if (!rc && !(flags & STORE_READONLY))
		rc = store_schema_init(st, version, errbuf, errlen);
	st->version = !rc && !(flags & STORE_READONLY) ? STORE_SCHEMA_VERSION : version;
	if (!rc && (flags & STORE_READONLY) && version < STORE_SCHEMA_VERSION)
		svt_debug("%s: schema v%d read as is (read-only)", path, version);
	if (rc)
		goto fail;
	return st;
fail:
	store__close(st);
	errno = -rc;
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
	return store_exec(st, "BEGIN IMMEDIATE");
}

int store__commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

int store__rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return 0;
	return store_exec(st, "ROLLBACK");
}
