// SPDX-License-Identifier: GPL-2.0
/*
 * store_merge.c - `db merge`: copy the runs of a shard database into this
 * one, one transaction per shard, keeping one complete run per point key
 * (a failed run is replaced by a complete one of the same point).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "analyze/store-local.h"

static int delete_run(struct store *st, int64_t id)
{
	static const char *const tables[] = {"run_config",   "metrics", "histograms",
					     "hist_buckets", "series",	"runs"};
	char sql[128];
	int rc = 0;

	for (size_t i = 0; !rc && i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM main.%s WHERE %s = %" PRId64, tables[i],
			 strcmp(tables[i], "runs") ? "run_id" : "id", id);
		rc = store_exec(st, sql);
	}
	return rc;
}

int store__merge(struct store *st, const char *shard_path, struct store_merge_stats *stats,
		 char *errbuf, size_t errlen)
{
	struct store *shard;
	sqlite3_stmt *runs = NULL, *find = NULL, *att;
	bool new_keys = false;
	int rc;

	memset(stats, 0, sizeof(*stats));
	/* Opening it first gives the clear errors and migrates an older shard. */
	shard = store__open(shard_path, 0, errbuf, errlen);
	if (!shard)
		return -errno;
	store__close(shard);

	att = store_prepare(st, "ATTACH DATABASE ? AS shard");
	if (!att)
		return -EIO;
	sqlite3_bind_text(att, 1, shard_path, -1, SQLITE_TRANSIENT);
	rc = store_step_done(st, att, "attach shard");
	sqlite3_finalize(att);
	if (rc) {
		store_seterr(errbuf, errlen, "%s: cannot attach: %s", shard_path,
			     sqlite3_errmsg(st->db));
		return rc;
	}
	rc = store__begin(st);
	if (rc)
		goto detach;
	runs = store_prepare(st, "SELECT id, point_key, status FROM shard.runs ORDER BY id");
	find = store_prepare(st, "SELECT id, status FROM main.runs WHERE point_key = ?");
	if (!runs || !find) {
		rc = -EIO;
		goto fail;
	}
	while ((rc = sqlite3_step(runs)) == SQLITE_ROW) {
		int64_t src = sqlite3_column_int64(runs, 0);
		const char *key = (const char *)sqlite3_column_text(runs, 1);
		bool complete =
		    sqlite3_column_type(runs, 2) != SQLITE_NULL && sqlite3_column_int(runs, 2) == 0;
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
		rc = store_copy_run(st, "shard", src, NULL, &new_keys);
		if (rc)
			goto fail;
		stats->nr_copied++;
	}
	if (rc != SQLITE_DONE) {
		rc = store_sql_err(st, "read shard runs");
		goto fail;
	}
	sqlite3_finalize(runs);
	sqlite3_finalize(find);
	runs = find = NULL;
	if (new_keys)
		store_views_update(st);
	rc = store__commit(st);
	if (rc)
		goto fail;
	goto detach;
fail:
	store_seterr(errbuf, errlen, "%s: merge failed: %s", shard_path, sqlite3_errmsg(st->db));
	sqlite3_finalize(runs);
	sqlite3_finalize(find);
	store__rollback(st);
detach:
	store_exec(st, "DETACH DATABASE shard");
	return rc;
}
