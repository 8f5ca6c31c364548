// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_plot.c - `svatrace plot`: draw stored runs with gnuplot (PNG and SVG),
 * keeping the data file and script next to the images. As in the report,
 * the runs are grouped into studies (analyze/study.h) and a plot draws one
 * study, titled by what it shows (analyze/finding.h: the study's finding
 * for the plot that shows it, else the plot's own result) with the
 * study's question as subtitle; without --runs, runs of sensitivity
 * studies are left out (`plot tornado` draws those).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/compare.h"
#include "analyze/finding.h"
#include "analyze/plot.h"
#include "analyze/sensitivity.h"
#include "analyze/store.h"
#include "analyze/study.h"
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
	    "Draw runs of a results database with gnuplot, titled by what the data show (the\n"
	    "study's finding, as in 'svatrace report'), its question as subtitle. Writes\n"
	    "DIR/KIND.dat (the numbers, with comments saying where they came from),\n"
	    "DIR/KIND.gp (the script: restyle and re-run it with 'cd DIR && gnuplot KIND.gp'),\n"
	    "DIR/KIND.png and DIR/KIND.svg.\n"
	    "Without gnuplot the .dat and .gp are still written and the command says so.\n"
	    "\n"
	    "Kinds:\n");
	for (size_t i = 0; i < plot_nr_kinds(); i++)
		fprintf(f, "  %-12s %s\n", plot_kind_at(i)->name, plot_kind_at(i)->summary);
	fprintf(f,
		"  all          every kind for which the selected runs have data\n"
		"\n"
		"Options:\n"
		"  --db FILE          results database (required)\n"
		"  -o, --out DIR      output directory (created if missing; required)\n"
		"  --runs LIST        runs to draw: ids, id ranges and labels, comma-separated\n"
		"                     (default: the complete runs of one study, as 'report'\n"
		"                     groups them: the study whose finding the kind shows, else\n"
		"                     the first with data; sweep kinds keep runs where the x\n"
		"                     key was set, not defaulted; latency-cdf, timeseries,\n"
		"                     cpu-cost prefer pinned/faulting runs; sensitivity runs\n"
		"                     only in tornado)\n"
		"  --where KEY=VALUE  further filter, as in 'svatrace runs'\n"
		"  --scripts DIR      read KIND.gp from DIR instead of the built-in copy of\n"
		"                     analyze/plots/KIND.gp\n"
		"  --no-render        write the .dat and .gp only\n"
		"\n"
		"Example:\n"
		"  svatrace plot iotlb-sweep --db results.db -o plots/\n");
}

/* The selected runs grouped into studies, each with its finding. */
struct studies {
	struct store_run *runs; /* selected runs, in id order */
	size_t nr;		/* count */
	struct study *s;	/* studies of runs[] */
	size_t ns;		/* count */
	struct finding *f;	/* finding of each study */
};

static void studies_free(struct studies *t)
{
	store_runs_free(t->runs, t->nr);
	study_free(t->s, t->ns);
	free(t->f);
	memset(t, 0, sizeof(*t));
}

/* The runs @po selects (listed ones, else complete runs minus sensitivity runs), in studies. */
static int studies_load(struct store *st, const struct plot_opts *po, struct studies *t)
{
	struct store_run *all = NULL;
	enum sens_role *role = NULL;
	size_t nr_all = 0;
	int rc = store__list_runs(st, po->where, po->nr_where, &all, &nr_all);

	memset(t, 0, sizeof(*t));
	if (rc)
		return -EIO;
	role = calloc(nr_all ? nr_all : 1, sizeof(*role));
	t->runs = calloc(nr_all ? nr_all : 1, sizeof(*t->runs));
	rc = role && t->runs ? sens_mark(st, all, nr_all, role) : -ENOMEM;
	for (size_t i = 0; !rc && i < nr_all; i++) {
		bool keep = false;

		if (po->run_ids)
			for (size_t j = 0; j < po->nr_run_ids; j++)
				keep |= po->run_ids[j] == all[i].id;
		else
			keep = all[i].status == 0 && role[i] != SENS_VARIED && role[i] != SENS_BASE;
		if (keep) {
			t->runs[t->nr++] = all[i];
			memset(&all[i], 0, sizeof(all[i]));
		}
	}
	store_runs_free(all, nr_all);
	free(role);
	if (!rc)
		rc = study_group(st, t->runs, t->nr, &t->s, &t->ns);
	if (!rc) {
		t->f = calloc(t->ns ? t->ns : 1, sizeof(*t->f));
		rc = t->f ? 0 : -ENOMEM;
	}
	for (size_t i = 0; !rc && i < t->ns; i++)
		rc = finding_of_study(st, t->runs, &t->s[i], &t->f[i]);
	if (rc)
		studies_free(t);
	return rc;
}

/*
 * Draw kind @k for one study: the one whose finding it shows, else the
 * first (in id order) with data for it. With --runs, the listed runs as
 * they are, titled by their study if they form one.
 */
static int plot_study(struct store *st, const struct plot_kind *k, const struct plot_opts *po,
		      const struct studies *t, struct plot_result *res)
{
	struct plot_opts o = *po;
	char title[512], sub[1024];
	int rc = -ENODATA;

	if (!t->ns || !strcmp(k->name, "tornado"))
		return plot_make(st, k, po, res);
	if (po->run_ids) {
		if (t->ns == 1 && finding_plot_title(st, t->runs, &t->s[0], &t->f[0], k->name,
						     title, sizeof(title))) {
			snprintf(sub, sizeof(sub), "%s · study %s, profile %s", t->f[0].question,
				 t->s[0].name, t->s[0].profile);
			o.title = title;
			o.subtitle = sub;
		}
		return plot_make(st, k, &o, res);
	}
	for (int pass = 0; pass < 2 && rc == -ENODATA; pass++) {
		for (size_t i = 0; i < t->ns && rc == -ENODATA; i++) {
			const struct study *s = &t->s[i];
			int64_t *ids;

			if (finding_shows(&t->f[i], k->name) != !pass)
				continue;
			ids = calloc(s->nr, sizeof(*ids));
			if (!ids)
				return -ENOMEM;
			for (size_t j = 0; j < s->nr; j++)
				ids[j] = t->runs[s->idx[j]].id;
			o.run_ids = ids;
			o.nr_run_ids = s->nr;
			o.title = finding_plot_title(st, t->runs, s, &t->f[i], k->name, title,
						     sizeof(title))
				      ? title
				      : NULL;
			snprintf(sub, sizeof(sub), "%s · study %s, profile %s, %zu runs",
				 t->f[i].question, s->name, s->profile, s->nr);
			o.subtitle = sub;
			rc = plot_make(st, k, &o, res);
			free(ids);
		}
	}
	return rc;
}

/* The command line: what to draw from which runs, and where. */
struct plot_args {
	const char *db;	     /* --db FILE */
	const char *runs;    /* --runs LIST, or NULL */
	struct plot_opts po; /* output folder, scripts, rendering; runs and --where later */
	struct cli_where wh; /* --where filters */
};

/* Parse the options into @a: -1 to go on, else the exit code (help or usage error). */
static int parse_opts(int argc, char **argv, struct plot_args *a)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},      {"out", required_argument, NULL, 'o'},
	    {"runs", required_argument, NULL, 'r'},    {"where", required_argument, NULL, 'w'},
	    {"scripts", required_argument, NULL, 's'}, {"no-render", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = cli_getopt(argc, argv, "ho:", opts)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'o':
			a->po.out_dir = optarg;
			break;
		case 'r':
			a->runs = optarg;
			break;
		case 'w':
			if (cli_where_add("plot", &a->wh, optarg)) {
				cli_where_free(&a->wh);
				return CLI_USAGE;
			}
			break;
		case 's':
			a->po.scripts_dir = optarg;
			break;
		case 'n':
			a->po.no_render = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("plot", "bad option");
		}
	}
	return -1;
}

/* A KIND that names no plot: the usage error, with the nearest name if one is near. */
static int unknown_kind(const char *kind)
{
	const char *names[32], *near;
	size_t n = 0;

	for (size_t i = 0; i < plot_nr_kinds() && n < 31; i++)
		names[n++] = plot_kind_at(i)->name;
	names[n++] = "all";
	near = suggest_closest(kind, names, n);
	if (near)
		return cli_usage_error("plot", "no plot kind '%s'; did you mean '%s'?", kind, near);
	return cli_usage_error("plot", "no plot kind '%s' (see 'svatrace plot list')", kind);
}

/*
 * Draw @kind (or every kind that has data, for "all") and say what each
 * wrote: CLI_OK, or CLI_FAIL when a plot failed or nothing was drawn.
 */
static int draw(struct store *st, const char *kind, const struct plot_opts *po,
		const struct studies *t)
{
	size_t nr_drawn = 0;
	int status = CLI_OK;

	for (size_t i = 0; i < plot_nr_kinds(); i++) {
		const struct plot_kind *k = plot_kind_at(i);
		struct plot_result res;
		int rc;

		if (strcmp(kind, "all") && strcmp(kind, k->name))
			continue;
		rc = plot_study(st, k, po, t, &res);
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
	return status;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_args a = {0};
	struct studies t = {0};
	const char *kind;
	int64_t *ids = NULL;
	struct store *st = NULL;
	char err[512];
	int status = CLI_FAIL;

	if ((status = parse_opts(argc, argv, &a)) >= 0)
		return status;
	status = CLI_FAIL;
	if (optind < argc && !strcmp(argv[optind], "list")) {
		for (size_t i = 0; i < plot_nr_kinds(); i++)
			printf("%-12s %s\n", plot_kind_at(i)->name, plot_kind_at(i)->summary);
		return CLI_OK;
	}
	if (argc - optind != 1)
		return cli_usage_error("plot", "needs one KIND (see 'svatrace plot list')");
	kind = argv[optind];
	if (strcmp(kind, "all") && !plot_find(kind))
		return unknown_kind(kind);
	if (!a.db || !a.po.out_dir)
		return cli_usage_error("plot", "--db FILE and -o DIR are required");
	st = store__open(a.db, STORE_READONLY, err, sizeof(err));
	if (!st) {
		cli_error("plot", "%s", err);
		goto out;
	}
	if (cli_where_check("plot", &a.wh, st, a.db)) {
		status = CLI_USAGE;
		goto out;
	}
	if (a.runs) {
		int rc = analyze_parse_runs(st, a.runs, &ids, &a.po.nr_run_ids, err, sizeof(err));

		if (rc) {
			cli_error("plot", "%s: %s", a.db, err);
			goto out;
		}
		a.po.run_ids = ids;
	}
	a.po.where = a.wh.w;
	a.po.nr_where = a.wh.nr;
	if (studies_load(st, &a.po, &t)) {
		cli_error("plot", "%s: cannot read the runs", a.db);
		goto out;
	}
	status = draw(st, kind, &a.po, &t);
out:
	studies_free(&t);
	free(ids);
	store__close(st);
	cli_where_free(&a.wh);
	return status;
}
