// SPDX-License-Identifier: GPL-2.0
/*
 * store_key.c - point keys: the hash of a run's resolved config, trace hash
 * and scenario, computed before a run (store_point_key) or from a stored
 * run's rows (store_point_key_of); both hash the same pieces in the same
 * order, so they agree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "analyze/store-local.h"

static void hash_str(crypto_generichash_state *h, const char *s)
{
	s = store_nz(s);
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
int store_point_key_of(struct store *st, const char *schema, int64_t run,
		       char out[STORE_POINT_KEY_LEN + 1])
{
	char sql[256];
	crypto_generichash_state h;
	sqlite3_stmt *s;
	int rc;

	if (sodium_init() < 0)
		return -EIO;
	snprintf(sql, sizeof(sql), "SELECT trace_hash, scenario FROM %s.runs WHERE id = ?", schema);
	s = store_prepare(st, sql);
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

	/* inputs only: a derived row (a note on the run) is not known before running */
	snprintf(sql, sizeof(sql),
		 "SELECT key, value FROM %s.run_config WHERE run_id = ? AND source IS NOT ? "
		 "ORDER BY key",
		 schema);
	s = store_prepare(st, sql);
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_text(s, 2, RESULTS_SOURCE_DERIVED, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		hash_str(&h, (const char *)sqlite3_column_text(s, 0));
		hash_str(&h, (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_sql_err(st, "reading config for point key");
	point_key_end(&h, out);
	return 0;
}
