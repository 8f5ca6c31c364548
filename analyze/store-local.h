/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store-local.h - what the files of the results store share (analyze/store_*.c
 * only; callers use analyze/store.h): the connection struct, its cached
 * statements, the SQL helpers, transactions, the schema steps, point keys of
 * stored runs and the run copy that staging and merging both use.
 */
#ifndef SVATRACE_ANALYZE_STORE_LOCAL_H
#define SVATRACE_ANALYZE_STORE_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "analyze/store.h"

/* Cached prepared statements (index into store.stmts). */
enum store_stmt {
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
	sqlite3 *db;		       /* the connection */
	char *path;		       /* file name */
	unsigned int flags;	       /* STORE_* open flags */
	bool staged;		       /* the stage schema is attached */
	bool stage_open;	       /* a run is being staged */
	bool memory;		       /* store__open_memory(): no file, no wide views */
	bool handoff;		       /* the "handoff" schema is attached (store_image.c) */
	int version;		       /* schema version of the file (older if opened read-only) */
	sqlite3_stmt *stmts[NR_STMTS]; /* cached statements, prepared on first use */
};

/* Column lists shared by inserts and copies. */
#define RUN_COLS                                                                                   \
	"time_utc, tool_version, label, scenario, seed, status, trace_path, "                      \
	"trace_bytes, trace_hash, trace_meta, point_key, model_rev, profile, profile_hash"
#define SELECT_RUN_COLS "id, " RUN_COLS
/* the same from a v2 file opened read-only (no provenance columns yet) */
#define SELECT_RUN_COLS_V2                                                                         \
	"id, time_utc, tool_version, label, scenario, seed, status, trace_path, trace_bytes, "     \
	"trace_hash, trace_meta, point_key, '', '', ''"
#define STORE_PROFILE_HASH_BYTES 16 /* BLAKE2b-128 of a profile file */

/* store_schema.c: the profile file named by run @id's config sources in
 * schema @db ("" if none: built-in defaults). */
int store_profile_of(struct store *st, const char *db, int64_t id, char *path, size_t len);
/* store_schema.c: hex content hash of file @path, "" if it cannot be read. */
void store_file_hash(const char *path, char *hex, size_t len);

/* store_open.c: SQL helpers. Errors map to -EBUSY, -ENOSPC, -ENOMEM or -EIO. */
int store_sql_err(struct store *st, const char *what);
int store_exec(struct store *st, const char *sql);
/* cached statement @which, reset and unbound; NULL on error */
sqlite3_stmt *store_get_stmt(struct store *st, enum store_stmt which);
/* a one-off statement (caller finalizes); NULL on error */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
const char *store_nz(const char *s);
char *store_dup_col(sqlite3_stmt *s, int col);
int store_step_done(struct store *st, sqlite3_stmt *s, const char *what);
void store_seterr(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* store_series.c: the text of a series (series.values_json), a JSON array
 * of reals (null where not finite) as jansson wrote it; malloc'd, NULL when
 * out of memory. */
char *store_series_text(const double *values, size_t nr);
/* store_series.c: the values of a series text (NaN for a non-number), in
 * *@out (malloc'd, at least one element) and *@nr. Return: 0, -EINVAL when
 * the text is not a JSON array, -ENOMEM. */
int store_series_parse(const char *text, double **out, size_t *nr);

/* store_open.c: write transactions (BEGIN IMMEDIATE: waits for other writers). */
int store__begin(struct store *st);
int store__commit(struct store *st);
int store__rollback(struct store *st);

/* store_schema.c */
/*
 * store_schema_check() - the schema version of the opened file; refuses a
 * file that is not a results database or is newer than this code, with a
 * message naming @path. Return: 0 or -errno (EINVAL, EPROTONOSUPPORT, EIO).
 */
int store_schema_check(struct store *st, int *version, char *errbuf, size_t errlen);
/*
 * store_schema_init() - bring an opened file from @version to
 * STORE_SCHEMA_VERSION (creating it when @version is 0) and set up what
 * every connection needs. Return: 0 or -errno with @errbuf filled.
 */
int store_schema_init(struct store *st, int version, char *errbuf, size_t errlen);
/* store_views.c: at open, (re)create run_metrics_wide and run_config_wide
 * from the stored keys when they are missing or STORE_VIEWS asks; a failure
 * is a warning (the views are a convenience), only out of memory an error */
int store_views_refresh(struct store *st, char *errbuf, size_t errlen);
/* store_views.c: rebuild the views inside the caller's write transaction
 * (a commit that stored a key they have no column for); a failure leaves
 * them as they were and is a warning */
void store_views_update(struct store *st);
/* the schema version of the main database (0: empty file); -ENOTSUP not SQLite, -EPROTO not ours */
int store_read_version(struct store *st, int *version);

/* store_key.c: point key of run @run in schema @schema, from its stored config */
int store_point_key_of(struct store *st, const char *schema, int64_t run,
		       char out[STORE_POINT_KEY_LEN + 1]);

/* store_write.c: copy run @src of schema @from (stage or an attached shard)
 * into main; *@new_keys is set when it stores a metric or config key main
 * had no row of (the views need a column for it), left alone otherwise */
int store_copy_run(struct store *st, const char *from, int64_t src, int64_t *new_id,
		   bool *new_keys);

/* store_write.c: commit run @src of schema @from (status @status, point key
 * @key) into main in one write transaction, as store__stage_commit()
 * describes (-EEXIST, -EBUSY, -EROFS, -EIO); nothing stays in a transaction */
int store_commit_run(struct store *st, const char *from, int64_t src, int status, const char *key,
		     int64_t *id);

#endif /* SVATRACE_ANALYZE_STORE_LOCAL_H */
