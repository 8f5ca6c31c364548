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
#include "model/params.h"
#include "replay/registry.h"

/* The registry's parameters, for the sources of built-in defaults. */
static struct params *registry;

static const char *param_source(const char *key)
{
	const struct param_def *d = registry ? params__find(registry, key) : NULL;

	return d ? d->source : NULL;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace report --db FILE -o DIR [--runs LIST] [--where KEY=VALUE]...\n"
	    "                       [--study NAME] [--baseline RUN] [--question TEXT]\n"
	    "                       [--no-render]\n"
	    "\n"
	    "Write DIR/report.html (self-contained: plots embedded) and DIR/report.md for a\n"
	    "design review. The runs are grouped into studies: runs on one trace, or on\n"
	    "traces of one generator and seed that differ only in swept parameters, made by\n"
	    "one svatrace version with one profile. Studies are never compared with each\n"
	    "other. The page opens with each study's finding and its cause, then what is\n"
	    "measured and what is modelled (and where each parameter comes from), then a\n"
	    "section per study: configs that differ, key metrics with ratios to its baseline\n"
	    "(a study of more than %d runs is a sweep: one row per run), and its plots\n"
	    "(files in DIR/STUDY/: .png, .svg, .dat, .gp).\n"
	    "\n"
	    "Options:\n"
	    "  --db FILE          results database (required)\n"
	    "  -o, --out DIR      output directory (created if missing; required)\n"
	    "  --runs LIST        ids, id ranges and labels, comma-separated (default: every\n"
	    "                     complete run); the first of each study is its baseline\n"
	    "  --where KEY=VALUE  further filter, as in 'svatrace runs'\n"
	    "  --study NAME       only this study (names: the trace's file name or the\n"
	    "                     generator's; an unknown name lists them)\n"
	    "  --baseline RUN     id or label of the run its study is compared with\n"
	    "  --question TEXT    the question the review asks (default: generated)\n"
	    "  --no-render        do not run gnuplot\n"
	    "\n"
	    "Example:\n"
	    "  svatrace report --db results.db --runs pinned,faulting \\\n"
	    "      --question 'Does SVA (faulting) cost more than pinned DMA?' -o review/\n"
	    "  svatrace report --db results.db --study dsa-memcpy --baseline 'dwq 1 clients' \\\n"
	    "      -o review/\n",
	    REPORT_MAX_COLS);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},	{"out", required_argument, NULL, 'o'},
	    {"runs", required_argument, NULL, 'r'},	{"where", required_argument, NULL, 'w'},
	    {"question", required_argument, NULL, 'q'}, {"no-render", no_argument, NULL, 'n'},
	    {"study", required_argument, NULL, 's'},	{"baseline", required_argument, NULL, 'b'},
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

	while ((c = cli_getopt(argc, argv, "ho:", opts)) != -1) {
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
		case 's':
			ro.study = optarg;
			break;
		case 'b':
			ro.baseline = optarg;
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
	registry = params__new(svt_param_registry);
	ro.param_source = param_source;
	rc = report_write(st, &ro, &res);
	if (rc) {
		cli_error("report", "%s: %s", db, res.errmsg);
		goto out;
	}
	printf("report: %s (%zu runs in %zu stud%s, %zu plots)\nmarkdown: %s\n", res.html,
	       res.nr_runs, res.nr_studies, res.nr_studies == 1 ? "y" : "ies", res.nr_plots,
	       res.md);
	status = CLI_OK;
out:
	params__free(registry);
	registry = NULL;
	free(ids);
	store__close(st);
	cli_where_free(&wh);
	return status;
}
