// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_plot.c - `svatrace plot`: draw stored runs with gnuplot (PNG and SVG),
 * keeping the data file and script next to the images.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/compare.h"
#include "analyze/plot.h"
#include "analyze/store.h"
#include "cli/cli.h"
#include "lib/suggest.h"
#include "cli/where.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace plot KIND|all --db FILE -o DIR [--runs LIST] [--where KEY=VALUE]...\n"
	    "                     [--scripts DIR] [--no-render]\n"
	    "       svatrace plot list\n"
	    "\n"
	    "Draw runs of a results database with gnuplot. Writes DIR/KIND.dat (the numbers,\n"
	    "with comments saying where they came from), DIR/KIND.gp (the script: restyle and\n"
	    "re-run it with 'cd DIR && gnuplot KIND.gp'), DIR/KIND.png and DIR/KIND.svg.\n"
	    "Without gnuplot the .dat and .gp are still written and the command says so.\n"
	    "\n"
	    "Kinds:\n");
	for (size_t i = 0; i < plot_nr_kinds(); i++)
		fprintf(f, "  %-12s %s\n", plot_kind_at(i)->name, plot_kind_at(i)->summary);
	fprintf(
	    f,
	    "  all          every kind for which the selected runs have data\n"
	    "\n"
	    "Options:\n"
	    "  --db FILE          results database (required)\n"
	    "  -o, --out DIR      output directory (created if missing; required)\n"
	    "  --runs LIST        runs to draw: ids, id ranges and labels, comma-separated\n"
	    "                     (default: every complete run that has the data; sweep\n"
	    "                     kinds keep runs where the x key was set, not defaulted;\n"
	    "                     latency-cdf, timeseries, cpu-cost prefer pinned/faulting runs)\n"
	    "  --where KEY=VALUE  further filter, as in 'svatrace runs'\n"
	    "  --scripts DIR      read KIND.gp from DIR instead of the built-in copy of\n"
	    "                     analyze/plots/KIND.gp\n"
	    "  --no-render        write the .dat and .gp only\n"
	    "\n"
	    "Example:\n"
	    "  svatrace plot iotlb-sweep --db results.db -o plots/\n");
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},      {"out", required_argument, NULL, 'o'},
	    {"runs", required_argument, NULL, 'r'},    {"where", required_argument, NULL, 'w'},
	    {"scripts", required_argument, NULL, 's'}, {"no-render", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0},
	};
	struct plot_opts po = {0};
	struct cli_where wh = {0};
	size_t nr_drawn = 0;
	const char *db = NULL, *runs = NULL, *kind;
	int64_t *ids = NULL;
	struct store *st = NULL;
	char err[512];
	int c, status = CLI_FAIL;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'o':
			po.out_dir = optarg;
			break;
		case 'r':
			runs = optarg;
			break;
		case 'w':
			if (cli_where_add("plot", &wh, optarg)) {
				cli_where_free(&wh);
				return CLI_USAGE;
			}
			break;
		case 's':
			po.scripts_dir = optarg;
			break;
		case 'n':
			po.no_render = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("plot", "bad option");
		}
	}
	if (optind < argc && !strcmp(argv[optind], "list")) {
		for (size_t i = 0; i < plot_nr_kinds(); i++)
			printf("%-12s %s\n", plot_kind_at(i)->name, plot_kind_at(i)->summary);
		return CLI_OK;
	}
	if (argc - optind != 1)
		return cli_usage_error("plot", "needs one KIND (see 'svatrace plot list')");
	kind = argv[optind];
	if (strcmp(kind, "all") && !plot_find(kind)) {
		const char *names[32], *near;
		size_t n = 0;

		for (size_t i = 0; i < plot_nr_kinds() && n < 31; i++)
			names[n++] = plot_kind_at(i)->name;
		names[n++] = "all";
		near = suggest_closest(kind, names, n);
		if (near)
			return cli_usage_error("plot", "no plot kind '%s'; did you mean '%s'?",
					       kind, near);
		return cli_usage_error("plot", "no plot kind '%s' (see 'svatrace plot list')",
				       kind);
	}
	if (!db || !po.out_dir)
		return cli_usage_error("plot", "--db FILE and -o DIR are required");
	st = store__open(db, STORE_READONLY, err, sizeof(err));
	if (!st) {
		cli_error("plot", "%s", err);
		goto out;
	}
	if (cli_where_check("plot", &wh, st, db)) {
		status = CLI_USAGE;
		goto out;
	}
	if (runs) {
		int rc = analyze_parse_runs(st, runs, &ids, &po.nr_run_ids, err, sizeof(err));

		if (rc) {
			cli_error("plot", "%s: %s", db, err);
			goto out;
		}
		po.run_ids = ids;
	}
	po.where = wh.w;
	po.nr_where = wh.nr;
	status = CLI_OK;
	for (size_t i = 0; i < plot_nr_kinds(); i++) {
		const struct plot_kind *k = plot_kind_at(i);
		struct plot_result res;
		int rc;

		if (strcmp(kind, "all") && strcmp(kind, k->name))
			continue;
		rc = plot_make(st, k, &po, &res);
		if (rc == -ENODATA && !strcmp(kind, "all"))
			continue;
		if (rc) {
			cli_error("plot", "%s: %s", k->name, res.errmsg);
			status = CLI_FAIL;
			continue;
		}
		nr_drawn++;
		if (res.rendered)
			printf("%s: %zu runs -> %s, %s (data %s)\n", k->name, res.nr_runs, res.png,
			       res.svg, res.dat);
		else
			printf("%s: %zu runs -> %s, %s\n", k->name, res.nr_runs, res.dat, res.gp);
	}
	if (!nr_drawn && status == CLI_OK)
		status = cli_error("plot", "no selected run has data for any plot kind");
out:
	free(ids);
	store__close(st);
	cli_where_free(&wh);
	return status;
}
