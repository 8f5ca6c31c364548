// SPDX-License-Identifier: GPL-2.0
/*
 * store_image.c - a run handed from one process to another as a database
 * image (see store.h, "runs handed over"). A sweep worker stages and
 * commits its run into a results database in memory, with no file and no
 * wide views, and sends the serialized image (sqlite3_serialize) to the
 * sweep's parent, which loads it into an attached schema (sqlite3_deserialize)
 * and stores its run through the same commit as a staged run
 * (store_commit_run). Opening the file in each worker parsed its schema,
 * whose wide views hold a column per metric and config key: about 2.5 ms,
 * a tenth of a small point's CPU, with the demo's ~450 keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/store-local.h"

struct store *store__open_memory(char *errbuf, size_t errlen)
{
	struct store *st = calloc(1, sizeof(*st));
	int rc;

	if (!st || !(st->path = strdup(":memory:"))) {
		free(st);
		store_seterr(errbuf, errlen, "results in memory: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	st->memory = true;
	rc = sqlite3_open_v2(":memory:", &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		store_seterr(errbuf, errlen, "results in memory: %s",
			     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		store__close(st);
		errno = rc == SQLITE_NOMEM ? ENOMEM : EIO;
		return NULL;
	}
	sqlite3_extended_result_codes(st->db, 0);
	rc = store_exec(st, "PRAGMA foreign_keys = ON");
	if (!rc)
		rc = store_schema_init(st, 0, errbuf, errlen);
	if (rc) {
		if (rc == -EIO)
			store_seterr(errbuf, errlen, "results in memory: %s",
				     sqlite3_errmsg(st->db));
		store__close(st);
		errno = -rc;
		return NULL;
	}
	st->version = STORE_SCHEMA_VERSION;
	return st;
}

int store__image(struct store *st, void **image, size_t *bytes)
{
	sqlite3_int64 n = 0;
	unsigned char *p;

	*image = NULL;
	*bytes = 0;
	if (!st->memory)
		return -EINVAL;
	p = sqlite3_serialize(st->db, "main", &n, 0);
	if (!p)
		return -ENOMEM;
	*image = p;
	*bytes = (size_t)n;
	return 0;
}

void store_image_free(void *image)
{
	sqlite3_free(image);
}

/* The image's one run: its id, status and point key. */
static int image_run(struct store *st, int64_t *id, int *status, char key[STORE_POINT_KEY_LEN + 1])
{
	sqlite3_stmt *s = store_prepare(st, "SELECT id, status, point_key FROM handoff.runs");
	int rc, n = 0;

	if (!s)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 2);

		*id = sqlite3_column_int64(s, 0);
		*status = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 1);
		snprintf(key, STORE_POINT_KEY_LEN + 1, "%s", k ? k : "");
		n++;
	}
	rc = rc == SQLITE_DONE ? 0 : store_sql_err(st, "read the handed-over run");
	sqlite3_finalize(s);
	if (!rc && n != 1)
		rc = -EINVAL; /* not an image from a worker's commit */
	return rc;
}

int store__commit_image(struct store *st, const void *image, size_t bytes, int64_t *id)
{
	unsigned char *copy;
	char key[STORE_POINT_KEY_LEN + 1];
	int64_t src = 0;
	int status = 0, rc;

	/* an SQLite file starts with this header (its file format, section 1.3) */
	if (st->memory || !image || bytes < 100 || memcmp(image, "SQLite format 3", 16))
		return -EINVAL;
	if (st->flags & STORE_READONLY)
		return -EROFS;
	/* attached once: a DETACH would make the connection parse main's schema again */
	if (!st->handoff) {
		rc = store_exec(st, "ATTACH DATABASE ':memory:' AS handoff");
		if (rc)
			return rc;
		st->handoff = true;
	}
	copy = sqlite3_malloc64(bytes);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, image, bytes);
	/*
	 * SQLite owns (and frees) the copy from here, on success or not. Not
	 * SQLITE_DESERIALIZE_READONLY: BEGIN IMMEDIATE would then fail, as it
	 * takes the write lock of every attached schema.
	 */
	rc = sqlite3_deserialize(st->db, "handoff", copy, (sqlite3_int64)bytes,
				 (sqlite3_int64)bytes, SQLITE_DESERIALIZE_FREEONCLOSE);
	if (rc != SQLITE_OK)
		return rc == SQLITE_NOMEM ? -ENOMEM : store_sql_err(st, "load the handed-over run");
	rc = image_run(st, &src, &status, key);
	if (!rc)
		rc = store_commit_run(st, "handoff", src, status, key, id);
	/*
	 * A schema SQLite cannot read fails every later statement of the
	 * connection, as each reads all attached schemas: a bad image is
	 * detached (the next one attaches afresh).
	 */
	if (rc && rc != -EEXIST && rc != -EBUSY && store_exec(st, "DETACH DATABASE handoff") == 0)
		st->handoff = false;
	return rc;
}
