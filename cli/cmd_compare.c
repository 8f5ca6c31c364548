// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_compare.c - `svatrace compare`: two runs side by side, with ratios, the
 * config that differs, how much faster or slower B is, and why.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "analyze/compare.h"
#include "analyze/store.h"
#include "cli/cli.h"
#include "cli/outfmt.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: svatrace compare --db FILE RUN_A RUN_B [--json|--csv]\n"
		"\n"
		"Compare two stored runs (ids or labels, see 'svatrace runs'): every metric and\n"
		"histogram statistic (mean, p50, p99, max) side by side with the ratio B/A, the\n"
		"config keys that differ, a headline saying how much faster or slower B is\n"
		"(by run.duration_ns, else throughput, else mean latency) and a 'why' line.\n"
		"The why comes from the latency decomposition behind the headline (the\n"
		"translation parts xlate.part.*_ns, or the submission parts submit.part.*_ns):\n"
		"the parts whose time per access or per descriptor moved most, in words\n"
		"(\"WQ queueing +6.6 us of +0.8 us per descriptor\"); then the metrics that\n"
		"moved most, where CPU time moved and the config that differs.\n"
		"\n"
		"Options:\n"
		"  --db FILE   results database (required)\n"
		"  --json      one JSON object: a, b (the runs), metrics [{key, unit, a, b,\n"
		"              ratio}], config_diff [{key, a, b}], config_same, headline\n"
		"              {text, metric, unit, baseline, value, ratio, speedup}, why "
		"[{component,\n"
		"              key, unit, baseline, value, delta}] (largest first), why_total\n"
		"              {decomposition, per, baseline, value, delta} and why_text\n"
		"  --csv       metric rows: key,unit,a,b,ratio\n"
		"\n"
		"Example:\n"
		"  svatrace compare --db results.db pinned faulting\n");
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* The headline as numbers (null metric when the runs share no whole-run measure). */
static json_t *headline_json(const struct compare *c)
{
	const struct compare_headline *h = &c->hl;

	if (!h->metric)
		return json_pack("{s:s, s:n}", "text", c->headline, "metric");
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "text", c->headline, "metric",
			 h->metric, "unit", h->unit, "baseline", num_or_null(h->baseline), "value",
			 num_or_null(h->value), "ratio", num_or_null(h->ratio), "speedup",
			 num_or_null(h->speedup));
}

/* The why's components, largest change first. */
static json_t *why_json(const struct compare_why *w)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < w->nr; i++) {
		const struct compare_part *p = &w->part[i];

		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "component", p->words, "key",
				   p->key, "unit", p->unit, "baseline", num_or_null(p->a), "value",
				   num_or_null(p->b), "delta", num_or_null(p->delta)));
	}
	return arr;
}

/* The decomposition's total (null when the why comes from metrics). */
static json_t *why_total_json(const struct compare_why *w)
{
	if (!w->prefix)
		return json_null();
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "decomposition", w->prefix, "per", w->per,
			 "baseline", num_or_null(w->total_a), "value", num_or_null(w->total_b),
			 "delta", num_or_null(w->total_delta));
}

static json_t *run_json(const struct store_run *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "label", r->label,
			 "scenario", r->scenario, "trace_path", r->trace_path, "trace_hash",
			 r->trace_hash);
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    CLI_OUTFMT_OPTIONS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	struct cli_outfmt fmt = {0};
	struct compare cmp;
	struct store *st;
	int64_t a, b = -1;
	char err[512];
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_outfmt_opt(&fmt, c))
			continue;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("compare", "bad option");
		}
	}
	if (!db)
		return cli_usage_error("compare", "--db FILE is required");
	if (argc - optind != 2)
		return cli_usage_error("compare", "needs two runs, RUN_A and RUN_B");
	if (cli_outfmt_check("compare", &fmt))
		return CLI_USAGE;
	st = store__open(db, STORE_READONLY, err, sizeof(err));
	if (!st)
		return cli_error("compare", "%s", err);
	a = analyze_find_run(st, argv[optind], err, sizeof(err));
	if (a >= 0)
		b = analyze_find_run(st, argv[optind + 1], err, sizeof(err));
	if (a < 0 || b < 0) {
		cli_error("compare", "%s: %s (see 'svatrace runs --db %s')", db, err, db);
		store__close(st);
		return CLI_FAIL;
	}
	rc = compare_runs(st, a, b, &cmp);
	if (rc) {
		cli_error("compare", "%s: cannot compare: %s", db, store__errmsg(st));
		compare_clear(&cmp);
		store__close(st);
		return CLI_FAIL;
	}
	if (fmt.json) {
		json_t *rows = json_array(), *diffs = json_array(), *o;

		for (size_t i = 0; i < cmp.nr_rows; i++) {
			const struct compare_row *r = &cmp.rows[i];

			json_array_append_new(
			    rows, json_pack("{s:s, s:s, s:o, s:o, s:o}", "key", r->key, "unit",
					    r->unit, "a", num_or_null(r->a), "b", num_or_null(r->b),
					    "ratio", num_or_null(r->ratio)));
		}
		for (size_t i = 0; i < cmp.nr_diffs; i++)
			json_array_append_new(diffs,
					      json_pack("{s:s, s:s, s:s}", "key", cmp.diffs[i].key,
							"a", cmp.diffs[i].a, "b", cmp.diffs[i].b));
		o = json_pack("{s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:s}", "a",
			      run_json(&cmp.run_a), "b", run_json(&cmp.run_b), "metrics", rows,
			      "config_diff", diffs, "config_same", (json_int_t)cmp.nr_same,
			      "headline", headline_json(&cmp), "why", why_json(&cmp.cause),
			      "why_total", why_total_json(&cmp.cause), "why_text",
			      cmp.why + strlen("why: "));
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else if (fmt.csv) {
		printf("key,unit,a,b,ratio\n");
		for (size_t i = 0; i < cmp.nr_rows; i++) {
			const struct compare_row *r = &cmp.rows[i];

			printf("%s,%s,%.17g,%.17g,%.17g\n", r->key, r->unit, r->a, r->b, r->ratio);
		}
	} else {
		char va[32], vb[32], ratio[32];

		printf("A: #%lld %s  scenario '%s'  trace %s\n", (long long)cmp.run_a.id,
		       cmp.run_a.label, cmp.run_a.scenario,
		       *cmp.run_a.trace_path ? cmp.run_a.trace_path : "-");
		printf("B: #%lld %s  scenario '%s'  trace %s\n\n", (long long)cmp.run_b.id,
		       cmp.run_b.label, cmp.run_b.scenario,
		       *cmp.run_b.trace_path ? cmp.run_b.trace_path : "-");
		printf("%-36s %14s %14s %9s\n", "METRIC", "A", "B", "B/A");
		for (size_t i = 0; i < cmp.nr_rows; i++) {
			const struct compare_row *r = &cmp.rows[i];

			compare_fmt_value(va, sizeof(va), r->a, r->unit);
			compare_fmt_value(vb, sizeof(vb), r->b, r->unit);
			compare_fmt_ratio(ratio, sizeof(ratio), r->a, r->b);
			printf("%-36s %14s %14s %9s\n", r->key, va, vb, ratio);
		}
		printf("\nconfig that differs (%zu keys; %zu identical):\n", cmp.nr_diffs,
		       cmp.nr_same);
		for (size_t i = 0; i < cmp.nr_diffs; i++)
			printf("  %-30s %-16s %s\n", cmp.diffs[i].key,
			       *cmp.diffs[i].a ? cmp.diffs[i].a : "(none)",
			       *cmp.diffs[i].b ? cmp.diffs[i].b : "(none)");
		printf("\n%s\n%s\n", cmp.headline, cmp.why);
	}
	compare_clear(&cmp);
	store__close(st);
	return CLI_OK;
}
