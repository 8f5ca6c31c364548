// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_db.c - `svatrace db`: look after results databases: info, merge of
 * sweep shards, and an example database to try the analyze commands on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "analyze/example.h"
#include "analyze/store.h"
#include "cli/cli.h"
#include "lib/suggest.h"

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: svatrace db info FILE [--json]\n"
	       "       svatrace db merge OUT SHARD...\n"
	       "       svatrace db example FILE\n"
	       "\n"
	       "Look after svatrace results databases (SQLite; schema in docs/results-schema.md).\n"
	       "\n"
	       "  info     schema version, runs (complete / failed), traces, rows per table\n"
	       "  merge    copy the runs of shard databases (e.g. from 'sweep --emit-jobs' jobs)\n"
	       "           into OUT (created if missing). A run whose point (config + trace +\n"
	       "           scenario) OUT already holds complete is skipped, so merging twice,\n"
	       "           or shards that overlap, adds no duplicates. One transaction per shard.\n"
	       "  example  write a database of 22 synthetic runs with known values (an IOTLB\n"
	       "           sweep, pinned vs faulting, DWQ vs SWQ) to try runs, compare, plot and\n"
	       "           report without a trace. The numbers are made up (see docs/analyze.md).\n"
	       "\n"
	       "Opening a database of an older schema migrates it; a newer one is refused.\n"
	       "\n"
	       "Example:\n"
	       "  svatrace db merge results.db shard-*.db && svatrace db info results.db\n");
}

static int db_info(int argc, char **argv)
{
	static const char *const info_opts[] = {"--json"};
	struct store_info info;
	struct store *st;
	struct stat sb;
	char err[512];
	bool json = false;
	const char *path = NULL;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-')
			return cli_usage_error("db", "unknown option '%s'%s", argv[i],
					       suggest_closest(argv[i], info_opts, 1)
						   ? "; did you mean '--json'?"
						   : "");
		else if (!path)
			path = argv[i];
		else
			return cli_usage_error("db", "info takes one FILE");
	}
	if (!path)
		return cli_usage_error("db", "info needs a FILE");
	st = store__open(path, STORE_READONLY, err, sizeof(err));
	if (!st)
		return cli_error("db", "%s", err);
	if (store__info(st, &info)) {
		cli_error("db", "%s: cannot read: %s", path, store__errmsg(st));
		store__close(st);
		return CLI_FAIL;
	}
	store__close(st);
	if (stat(path, &sb) < 0)
		sb.st_size = 0;
	if (json) {
		json_t *o = json_pack(
		    "{s:s, s:I, s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s}",
		    "path", path, "bytes", (json_int_t)sb.st_size, "schema_version",
		    info.schema_version, "journal_mode", info.journal_mode, "runs",
		    (json_int_t)info.nr_runs, "complete_runs", (json_int_t)info.nr_complete,
		    "traces", (json_int_t)info.nr_traces, "config_rows",
		    (json_int_t)info.nr_config_rows, "metric_rows", (json_int_t)info.nr_metric_rows,
		    "metric_keys", (json_int_t)info.nr_metric_keys, "histograms",
		    (json_int_t)info.nr_histograms, "series", (json_int_t)info.nr_series,
		    "first_run", info.first_time, "last_run", info.last_time);

		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
		return CLI_OK;
	}
	printf("file:           %s (%lld bytes, journal %s)\n", path, (long long)sb.st_size,
	       info.journal_mode);
	printf("schema:         v%d (this svatrace writes v%d)\n", info.schema_version,
	       STORE_SCHEMA_VERSION);
	printf("runs:           %zu (%zu complete, %zu failed or interrupted)\n", info.nr_runs,
	       info.nr_complete, info.nr_runs - info.nr_complete);
	printf("traces:         %zu distinct\n", info.nr_traces);
	printf("config rows:    %zu\n", info.nr_config_rows);
	printf("metrics:        %zu rows, %zu distinct keys\n", info.nr_metric_rows,
	       info.nr_metric_keys);
	printf("histograms:     %zu\n", info.nr_histograms);
	printf("series:         %zu\n", info.nr_series);
	if (info.nr_runs)
		printf("stored:         %s .. %s\n", info.first_time, info.last_time);
	return CLI_OK;
}

static int db_merge(int argc, char **argv)
{
	struct store *out;
	char err[512];
	size_t copied = 0, dups = 0;
	int status = CLI_OK;

	if (argc < 4)
		return cli_usage_error("db", "merge needs OUT and at least one SHARD");
	out = store__open(argv[2], STORE_CREATE, err, sizeof(err));
	if (!out)
		return cli_error("db", "%s", err);
	for (int i = 3; i < argc; i++) {
		struct store_merge_stats ms;

		if (!strcmp(argv[i], argv[2])) {
			fprintf(stderr, "svatrace db: skipping %s: it is the output\n", argv[i]);
			continue;
		}
		if (store__merge(out, argv[i], &ms, err, sizeof(err))) {
			cli_error("db", "%s", err);
			status = CLI_FAIL;
			continue;
		}
		printf("%s: %zu runs, %zu copied, %zu already present%s\n", argv[i], ms.nr_runs,
		       ms.nr_copied, ms.nr_duplicates,
		       ms.nr_replaced ? " (failed runs replaced)" : "");
		copied += ms.nr_copied;
		dups += ms.nr_duplicates;
	}
	printf("%s: %zu runs added, %zu duplicates skipped\n", argv[2], copied, dups);
	store__close(out);
	return status;
}

static int db_example(int argc, char **argv)
{
	struct store *st;
	struct stat sb;
	char err[512];
	int rc;

	if (argc != 3)
		return cli_usage_error("db", "example takes one FILE");
	if (stat(argv[2], &sb) == 0)
		return cli_error("db", "%s exists; the example goes into a new file", argv[2]);
	st = store__open(argv[2], STORE_CREATE, err, sizeof(err));
	if (!st)
		return cli_error("db", "%s", err);
	rc = analyze_example_fill(st);
	store__close(st);
	if (rc)
		return cli_error("db", "%s: cannot write the example: %s", argv[2], strerror(-rc));
	printf("%s: 22 example runs (try: svatrace runs --db %s)\n", argv[2], argv[2]);
	return CLI_OK;
}

int cmd_db(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("db", "needs an action: info, merge or example");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return CLI_OK;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return CLI_OK;
		}
	}
	if (!strcmp(argv[1], "info"))
		return db_info(argc, argv);
	if (!strcmp(argv[1], "merge"))
		return db_merge(argc, argv);
	if (!strcmp(argv[1], "example"))
		return db_example(argc, argv);
	return cli_usage_error("db", "unknown action '%s' (info, merge, example)", argv[1]);
}
