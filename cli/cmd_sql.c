// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_sql.c - `svatrace sql DB 'SELECT ...'`: run read-only SQL on a
 * results database or an `export --sqlite` trace database and print an
 * aligned table, CSV (RFC 4180) or a JSON array of objects. A results
 * database is opened through the store first, so its wide views
 * (run_metrics_wide, run_config_wide) exist and are current.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/store.h"
#include "cli/cli.h"
#include "cli/outfmt.h"

#define CMD "sql"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: svatrace sql [--json|--csv] DB 'SQL'\n"
		"\n"
		"Run SQL on a results database (replay --db, sweep) or on a trace database\n"
		"('svatrace export --sqlite') and print the rows. The database is opened\n"
		"read-only. Results databases have the views run_metrics_wide (one row per\n"
		"run, one column per metric key) and run_config_wide (one column per config\n"
		"key); trace databases have one table per record kind. docs/sql.md lists\n"
		"the tables and worked queries. Several statements separated by ';' each\n"
		"print their rows.\n"
		"\n"
		"Options:\n"
		"  --json       a JSON array of objects per statement (numbers stay numbers)\n"
		"  --csv        CSV with a header line\n"
		"  -h, --help   this help\n"
		"\n"
		"Examples:\n"
		"  svatrace sql results.db 'SELECT label, \"iotlb.misses\" FROM run_metrics_wide'\n"
		"  svatrace sql --csv trace.db 'SELECT device_id, count(*) FROM dma GROUP BY 1'\n");
}

static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static const char *cell_text(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return sqlite3_column_type(s, i) == SQLITE_NULL ? "NULL" : t ? t : "";
}

/* One statement's rows as a table: widths from every row, so rows are held. */
static int print_table(sqlite3_stmt *s, int *step_rc)
{
	int nc = sqlite3_column_count(s), rc;
	size_t *w = calloc((size_t)nc, sizeof(*w)), nr = 0, cap = 0;
	char **cells = NULL;

	if (!w)
		return -1;
	for (int i = 0; i < nc; i++)
		w[i] = strlen(sqlite3_column_name(s, i));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((nr + 1) * (size_t)nc > cap) {
			char **c;

			cap = cap ? cap * 2 : (size_t)nc * 64;
			c = realloc(cells, cap * sizeof(*c));
			if (!c)
				break;
			cells = c;
		}
		for (int i = 0; i < nc; i++) {
			char *t = strdup(cell_text(s, i));
			size_t l = t ? strlen(t) : 0;

			cells[nr * (size_t)nc + (size_t)i] = t;
			if (l > w[i])
				w[i] = l;
		}
		nr++;
	}
	*step_rc = rc;
	for (int i = 0; i < nc; i++)
		printf("%s%-*s", i ? "  " : "", i == nc - 1 ? 0 : (int)w[i],
		       sqlite3_column_name(s, i));
	putchar('\n');
	for (int i = 0; i < nc; i++)
		printf(
		    "%s%.*s", i ? "  " : "", (int)w[i],
		    "------------------------------------------------------------------------"
		    "--------------------------------------------------------------------------");
	putchar('\n');
	for (size_t r = 0; r < nr; r++) {
		for (int i = 0; i < nc; i++) {
			const char *t = cells[r * (size_t)nc + (size_t)i];

			printf("%s%-*s", i ? "  " : "", i == nc - 1 ? 0 : (int)w[i], t ? t : "");
			free(cells[r * (size_t)nc + (size_t)i]);
		}
		putchar('\n');
	}
	free(cells);
	free(w);
	return 0;
}

static int print_csv(sqlite3_stmt *s, int *step_rc)
{
	int nc = sqlite3_column_count(s), rc;

	for (int i = 0; i < nc; i++) {
		if (i)
			putchar(',');
		csv_field(sqlite3_column_name(s, i));
	}
	putchar('\n');
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < nc; i++) {
			if (i)
				putchar(',');
			if (sqlite3_column_type(s, i) != SQLITE_NULL)
				csv_field(cell_text(s, i));
		}
		putchar('\n');
	}
	*step_rc = rc;
	return 0;
}

static int print_json(sqlite3_stmt *s, int *step_rc)
{
	int nc = sqlite3_column_count(s), rc;
	json_t *a = json_array();

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *o = json_object();

		for (int i = 0; i < nc; i++) {
			json_t *v;

			switch (sqlite3_column_type(s, i)) {
			case SQLITE_INTEGER:
				v = json_integer(sqlite3_column_int64(s, i));
				break;
			case SQLITE_FLOAT:
				v = json_real(sqlite3_column_double(s, i));
				break;
			case SQLITE_NULL:
				v = json_null();
				break;
			default:
				v = json_string(cell_text(s, i));
				break;
			}
			json_object_set_new(o, sqlite3_column_name(s, i), v ? v : json_null());
		}
		json_array_append_new(a, o);
	}
	*step_rc = rc;
	json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(a);
	return 0;
}

/* A results database (it has schema_version): open it through the store once,
 * rebuilding the wide views from the stored keys (STORE_VIEWS). */
static int refresh_views(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	bool results = false;
	char err[512];
	struct store *st;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0; /* the real open below says why */
	}
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'schema_version'", -1,
			       &s, NULL) == SQLITE_OK) {
		results = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	if (!results)
		return 0;
	st = store__open(path, STORE_VIEWS, err, sizeof(err));
	if (!st)
		return cli_error(CMD, "%s", err);
	store__close(st);
	return 0;
}

int cmd_sql(int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_OUTFMT_OPTIONS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli_outfmt fmt = {0};
	const char *path, *sql, *tail;
	sqlite3 *db = NULL;
	int c, rc = CLI_OK;
	FILE *probe;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (cli_outfmt_opt(&fmt, c))
			continue;
		if (c == 'h') {
			usage(stdout);
			return CLI_OK;
		}
		return cli_usage_error(CMD, "unknown option");
	}
	if (cli_outfmt_check(CMD, &fmt))
		return CLI_USAGE;
	if (argc - optind != 2)
		return cli_usage_error(CMD, "want DB and one SQL text");
	path = argv[optind];
	sql = argv[optind + 1];
	probe = fopen(path, "rb");
	if (!probe)
		return cli_error(CMD, "%s: %s", path, strerror(errno));
	fclose(probe);
	if (refresh_views(path))
		return CLI_FAIL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = cli_error(CMD, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	for (tail = sql; tail && *tail;) {
		sqlite3_stmt *s = NULL;
		int step_rc = SQLITE_DONE;

		if (sqlite3_prepare_v2(db, tail, -1, &s, &tail) != SQLITE_OK) {
			rc = cli_error(CMD, "%s: %s", path, sqlite3_errmsg(db));
			break;
		}
		if (!s)
			break; /* only whitespace or comments left */
		if (fmt.json)
			print_json(s, &step_rc);
		else if (fmt.csv)
			print_csv(s, &step_rc);
		else
			print_table(s, &step_rc);
		sqlite3_finalize(s);
		if (step_rc != SQLITE_DONE) {
			rc = cli_error(CMD, "%s: %s", path, sqlite3_errmsg(db));
			break;
		}
	}
out:
	sqlite3_close(db);
	return rc;
}
