// SPDX-License-Identifier: GPL-2.0
/*
 * store_views.c - the wide views of a results database, for SQL users:
 *
 *   run_metrics_wide: one row per run (run_id, label, scenario, status,
 *                     point_key), then one column per metric key;
 *   run_config_wide:  one row per run (run_id, label), then one column
 *                     per config key (the resolved value, TEXT).
 *
 * SQLite has no dynamic pivot, so the column lists are the distinct keys
 * stored. They are built when a writer opens a file without them (or with
 * STORE_VIEWS: svatrace sql), and rebuilt by each commit that stores a key
 * main had no row of (store_views_update(), inside that commit's
 * transaction). Before, every writable open rebuilt them: a key scan and
 * the comparison of two views of up to 800 columns, about a third of what
 * a sweep point or sensitivity point cost. A view is rewritten only when
 * its SQL would change, and a read-only file is left alone. Concurrent
 * openers (sweep workers) may still meet a view another one just made (a
 * connection compiles DROP against its cached schema): CREATE ... IF NOT
 * EXISTS keeps that one. A failure is a warning, never a failed open or
 * commit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/store-local.h"
#include "common/log.h"

struct sbuf {
	char *p;    /* text */
	size_t len; /* used */
	size_t cap; /* allocated */
	int err;    /* -ENOMEM once allocation failed */
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* @s as an SQL literal ('...') or identifier ("...") with quotes doubled. */
static void sb_quoted(struct sbuf *b, const char *s, char q)
{
	char one[2] = {q, 0};

	sb_add(b, one);
	for (const char *c = s; *c; c++) {
		char ch[3] = {*c, 0, 0};

		if (*c == q)
			ch[1] = q;
		sb_add(b, ch);
	}
	sb_add(b, one);
}

/*
 * CREATE VIEW @view: @head columns from runs r, then max(CASE key ...) per
 * distinct key of @table (key, @valcol).
 */
static int build(struct store *st, struct sbuf *b, const char *view, const char *head,
		 const char *table, const char *valcol)
{
	char sql[512];
	sqlite3_stmt *s;
	int rc;

	/*
	 * Distinct keys by a loose index scan (one index seek per key): a
	 * sweep opens the file once per point, and SELECT DISTINCT read every
	 * row, which made a 2000-point sweep quadratic.
	 */
	snprintf(
	    sql, sizeof(sql),
	    "WITH RECURSIVE k(key) AS (SELECT min(key) FROM %s UNION ALL "
	    "SELECT (SELECT min(key) FROM %s WHERE key > k.key) FROM k WHERE k.key IS NOT NULL) "
	    "SELECT key FROM k WHERE key IS NOT NULL",
	    table, table);
	s = store_prepare(st, sql);
	if (!s)
		return -EIO;
	sb_add(b, "CREATE VIEW "); /* as sqlite_master keeps it: install() compares */
	sb_add(b, view);
	sb_add(b, " AS SELECT ");
	sb_add(b, head);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(s, 0);

		sb_add(b, ", max(CASE WHEN t.key = ");
		sb_quoted(b, key ? key : "", '\'');
		sb_add(b, " THEN t.");
		sb_add(b, valcol);
		sb_add(b, " END) AS ");
		sb_quoted(b, key ? key : "", '"');
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -EIO;
	sb_add(b, " FROM runs r LEFT JOIN ");
	sb_add(b, table);
	sb_add(b, " t ON t.run_id = r.id GROUP BY r.id");
	return b->err;
}

/* (Re)create @view from @b unless sqlite_master already holds that SQL. */
static int install(struct store *st, const char *view, const struct sbuf *b)
{
	sqlite3_stmt *s =
	    store_prepare(st, "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?");
	struct sbuf create = {0};
	char drop[128];
	bool same = false;
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_text(s, 1, view, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *old = (const char *)sqlite3_column_text(s, 0);

		same = old && !strcmp(old, b->p);
	}
	sqlite3_finalize(s);
	if (same)
		return 0;
	snprintf(drop, sizeof(drop), "DROP VIEW IF EXISTS %s", view);
	rc = store_exec(st, drop);
	if (rc)
		return rc;
	/* sqlite_master drops the IF NOT EXISTS, so the comparison above still matches */
	create.len = 0;
	sb_add(&create, "CREATE VIEW IF NOT EXISTS ");
	sb_add(&create, b->p + strlen("CREATE VIEW "));
	rc = create.err ?: store_exec(st, create.p);
	free(create.p);
	return rc;
}

/* Both views from the stored keys, in the caller's write transaction. */
static int rebuild(struct store *st)
{
	struct sbuf m = {0}, c = {0};
	int rc;

	/* metrics has metrics_key; run_config gets one for the key scan and
	 * for the new-key check of each commit (store_copy_run()) */
	rc = store_exec(st, "CREATE INDEX IF NOT EXISTS run_config_key ON run_config(key)");
	rc = rc
		 ?: build(st, &m, "run_metrics_wide",
			  "r.id AS run_id, r.label, r.scenario, r.status, r.point_key", "metrics",
			  "value");
	rc = rc
		 ?: build(st, &c, "run_config_wide", "r.id AS run_id, r.label", "run_config",
			  "value");
	rc = rc ?: install(st, "run_metrics_wide", &m);
	rc = rc ?: install(st, "run_config_wide", &c);
	free(m.p);
	free(c.p);
	return rc;
}

/* Both views and the key index are there (then an open leaves them alone). */
static bool views_present(struct store *st)
{
	sqlite3_stmt *s = store_prepare(
	    st, "SELECT count(*) FROM main.sqlite_master WHERE (type = 'view' AND name IN "
		"('run_metrics_wide', 'run_config_wide')) OR (type = 'index' AND name = "
		"'run_config_key')");
	bool all = false;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		all = sqlite3_column_int(s, 0) == 3;
	sqlite3_finalize(s);
	return all;
}

void store_views_update(struct store *st)
{
	/* a savepoint, so that a failure undoes only the views, not the run */
	if (store_exec(st, "SAVEPOINT views"))
		return;
	if (rebuild(st)) {
		svt_log(SVT_LOG_WARN, "%s: wide views not updated: %s", st->path,
			sqlite3_errmsg(st->db));
		store_exec(st, "ROLLBACK TO views");
	}
	store_exec(st, "RELEASE views");
}

int store_views_refresh(struct store *st, char *errbuf, size_t errlen)
{
	int rc;

	/* a memory store (store_image.c) is never read through them */
	if (st->memory || sqlite3_db_readonly(st->db, "main") == 1)
		return 0;
	if (!(st->flags & STORE_VIEWS) && views_present(st))
		return 0;
	/*
	 * One write transaction from the key scan to the CREATE: sweep workers
	 * open the same file at once, and a DROP/CREATE of one could otherwise
	 * land between the check and the CREATE of another.
	 */
	rc = store__begin(st);
	if (rc)
		goto out;
	rc = rebuild(st);
	if (rc)
		store__rollback(st);
	else
		rc = store__commit(st);
out:
	if (rc == -ENOMEM) {
		store_seterr(errbuf, errlen, "%s: creating the wide views: out of memory",
			     st->path);
		return rc;
	}
	/* the views are a convenience: a run is never refused for them */
	if (rc)
		svt_log(SVT_LOG_WARN, "%s: wide views not refreshed: %s", st->path,
			sqlite3_errmsg(st->db));
	return 0;
}
