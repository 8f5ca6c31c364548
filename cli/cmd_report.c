// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_report.c - `svatrace report`: one page (HTML + Markdown) for a design
 * review of stored runs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/compare.h"
#include "analyze/report.h"
#include "analyze/store.h"
#include "cli/cli.h"
#include "cli/where.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace report --db FILE -o DIR [--runs LIST] [--where KEY=VALUE]...\n"
	    "                       [--question TEXT] [--no-render]\n"
	    "\n"
	    "Write DIR/report.html (self-contained: plots embedded) and DIR/report.md for a\n"
	    "design review: the question, the trace and host the runs came from, the config\n"
	    "keys that differ, key metrics with ratios to the first run, how much faster or\n"
	    "slower each run is than the first and why, and every plot the runs have data\n"
	    "for (also left in DIR as .png, .svg, .dat, .gp).\n"
	    "\n"
	    "Options:\n"
	    "  --db FILE          results database (required)\n"
	    "  -o, --out DIR      output directory (created if missing; required)\n"
	    "  --runs LIST        ids, id ranges and labels, comma-separated; the first is the\n"
	    "                     baseline (default: every complete run; tables show %d)\n"
	    "  --where KEY=VALUE  further filter, as in 'svatrace runs'\n"
	    "  --question TEXT    the question the review asks (default: generated)\n"
	    "  --no-render        do not run gnuplot\n"
	    "\n"
	    "Example:\n"
	    "  svatrace report --db results.db --runs pinned,faulting \\\n"
	    "      --question 'Does SVA (faulting) cost more than pinned DMA?' -o review/\n",
	    REPORT_MAX_COLS);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},	{"out", required_argument, NULL, 'o'},
	    {"runs", required_argument, NULL, 'r'},	{"where", required_argument, NULL, 'w'},
	    {"question", required_argument, NULL, 'q'}, {"no-render", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},		{NULL, 0, NULL, 0},
	};
	struct report_opts ro = {0};
	struct report_result res;
	struct cli_where wh = {0};
	const char *db = NULL, *runs = NULL;
	int64_t *ids = NULL;
	struct store *st = NULL;
	char err[512];
	int c, rc, status = CLI_FAIL;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'o':
			ro.out_dir = optarg;
			break;
		case 'r':
			runs = optarg;
			break;
		case 'w':
			if (cli_where_add("report", &wh, optarg)) {
				cli_where_free(&wh);
				return CLI_USAGE;
			}
			break;
		case 'q':
			ro.question = optarg;
			break;
		case 'n':
			ro.no_render = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("report", "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!db || !ro.out_dir)
		return cli_usage_error("report", "--db FILE and -o DIR are required");
	st = store__open(db, STORE_READONLY, err, sizeof(err));
	if (!st) {
		cli_error("report", "%s", err);
		goto out;
	}
	if (cli_where_check("report", &wh, st, db)) {
		status = CLI_USAGE;
		goto out;
	}
	if (runs) {
		rc = analyze_parse_runs(st, runs, &ids, &ro.nr_run_ids, err, sizeof(err));
		if (rc) {
			cli_error("report", "%s: %s", db, err);
			goto out;
		}
		ro.run_ids = ids;
	}
	ro.where = wh.w;
	ro.nr_where = wh.nr;
	rc = report_write(st, &ro, &res);
	if (rc) {
		cli_error("report", "%s: %s", db, res.errmsg);
		goto out;
	}
	printf("report: %s (%zu runs, %zu plots)\nmarkdown: %s\n", res.html, res.nr_runs,
	       res.nr_plots, res.md);
	status = CLI_OK;
out:
	free(ids);
	store__close(st);
	cli_where_free(&wh);
	return status;
}
