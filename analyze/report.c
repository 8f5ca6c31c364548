// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - the design-review report (see report.h). HTML and Markdown are
 * written side by side from the same data; the HTML embeds each PNG as a
 * data URI so the one file can be mailed or attached to a review.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "analyze/compare.h"
#include "model/metric_keys.h"
#include "analyze/plot.h"
#include "analyze/report.h"

/* Key metrics of the table; a row is shown if any run has it. */
static const struct {
	const char *title;  /* row title (with unit) */
	const char *expr;   /* plot_eval() expression */
	double scale;	    /* multiply by */
	bool higher_better; /* for the arrow after the ratio */
} key_metrics[] = {
    {"time to finish (ms)", KEY_RUN_DURATION, 1e-6, false},
    {"throughput (M desc/s)", KEY_WQ_THROUGHPUT, 1e-6, true},
    {"IOTLB miss rate (%)", KEY_IOTLB_MISSES "/" KEY_IOTLB_LOOKUPS, 100, false},
    {"translation latency mean (ns)", KEY_XLATE_LAT "@mean", 1, false},
    {"translation latency p99 (ns)", KEY_XLATE_LAT "@p99", 1, false},
    {"page requests (faults)", KEY_PRI_REQUESTS, 1, false},
    {"invalidations", KEY_INVAL_COUNT, 1, false},
    {"page-walk memory reads", KEY_WALK_READS, 1, false},
    {"descriptor end-to-end p99 (us)", KEY_DESC_E2E_LAT "@p99", 1e-3, false},
    {"retries per descriptor", KEY_SUBMIT_RETRIES "/" KEY_SUBMIT_DESCS, 1, false},
    {"CPU: fault service (ms)", KEY_CPU_FAULT, 1e-6, false},
    {"CPU: pin + map + unmap (ms)", NULL, 1e-6, false}, /* sum, see cell_value() */
    {"CPU: invalidation (ms)", KEY_CPU_INVAL, 1e-6, false},
    {"CPU: submission (ms)", KEY_CPU_SUBMIT, 1e-6, false},
};

#define NR_KEY_METRICS (sizeof(key_metrics) / sizeof(key_metrics[0]))

struct out {
	FILE *html; /* report.html */
	FILE *md;   /* report.md */
};

static void html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void md_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_`[]<>#\\", *s))
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

/* Text to both outputs, escaped for each. */
static void __attribute__((format(printf, 2, 3))) both(struct out *o, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	html_esc(o->html, buf);
	md_esc(o->md, buf);
}

static double cell_value(struct store *st, int64_t run, size_t m)
{
	double v;

	if (key_metrics[m].expr) {
		v = plot_eval(st, run, key_metrics[m].expr);
	} else {
		double p = plot_eval(st, run, KEY_CPU_PIN), mp = plot_eval(st, run, KEY_CPU_MAP);
		double u = plot_eval(st, run, KEY_CPU_UNMAP);

		if (isnan(p) && isnan(mp) && isnan(u))
			return NAN;
		v = (isnan(p) ? 0 : p) + (isnan(mp) ? 0 : mp) + (isnan(u) ? 0 : u);
	}
	return isnan(v) ? v : v * key_metrics[m].scale;
}

static const char *title_of(const struct store_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "#%" PRId64 " %s", r->id, *r->label ? r->label : r->scenario);
	return buf;
}

/* ---- sections ---- */

static void section(struct out *o, const char *title)
{
	fprintf(o->html, "<h2>");
	html_esc(o->html, title);
	fprintf(o->html, "</h2>\n");
	fprintf(o->md, "\n## %s\n\n", title);
}

static void trace_section(struct out *o, const struct store_run *runs, size_t nr)
{
	json_t *meta;
	const struct store_run *r = &runs[0];
	size_t nr_traces = 1;

	for (size_t i = 1; i < nr; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= !strcmp(runs[i].trace_hash, runs[j].trace_hash);
		nr_traces += !seen;
	}
	section(o, "Trace and host");
	fprintf(o->html, "<ul>\n<li>");
	fprintf(o->md, "- ");
	if (*r->trace_path)
		both(o, "trace %s (%" PRIu64 " bytes, content hash %s)", r->trace_path,
		     r->trace_bytes, r->trace_hash);
	else
		both(o, "synthetic runs (no input trace)");
	if (nr_traces > 1)
		both(o, "; the runs use %zu different traces", nr_traces);
	fprintf(o->html, "</li>\n");
	fprintf(o->md, "\n");
	meta = *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;
	if (json_is_object(meta)) {
		const char *k;
		json_t *v;

		json_object_foreach (meta, k, v) {
			json_t *obj = json_is_object(v) ? v : NULL;
			const char *k2;
			json_t *v2;
			char *text;

			if (!obj) {
				text = json_is_string(v)
					   ? strdup(json_string_value(v))
					   : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
				fprintf(o->html, "<li>");
				fprintf(o->md, "- ");
				both(o, "%s: %s", k, text ? text : "?");
				fprintf(o->html, "</li>\n");
				fprintf(o->md, "\n");
				free(text);
				continue;
			}
			json_object_foreach (obj, k2, v2) {
				text = json_is_string(v2)
					   ? strdup(json_string_value(v2))
					   : json_dumps(v2, JSON_COMPACT | JSON_ENCODE_ANY);
				fprintf(o->html, "<li>");
				fprintf(o->md, "- ");
				both(o, "%s.%s: %s", k, k2, text ? text : "?");
				fprintf(o->html, "</li>\n");
				fprintf(o->md, "\n");
				free(text);
			}
		}
	}
	json_decref(meta);
	fprintf(o->html, "<li>");
	fprintf(o->md, "- ");
	both(o, "produced by svatrace %s", r->tool_version);
	fprintf(o->html, "</li>\n</ul>\n");
	fprintf(o->md, "\n");
}

static void table_head(struct out *o, const char *first, const struct store_run *runs, size_t ncol,
		       bool ratios)
{
	char t[160];

	fprintf(o->html, "<table>\n<tr><th>");
	html_esc(o->html, first);
	fprintf(o->html, "</th>");
	fprintf(o->md, "| ");
	md_esc(o->md, first);
	fprintf(o->md, " |");
	for (size_t c = 0; c < ncol; c++) {
		title_of(&runs[c], t, sizeof(t));
		fprintf(o->html, "<th>");
		html_esc(o->html, t);
		if (ratios && c)
			fprintf(o->html, " (vs #%" PRId64 ")", runs[0].id);
		fprintf(o->html, "</th>");
		fprintf(o->md, " ");
		md_esc(o->md, t);
		if (ratios && c)
			fprintf(o->md, " (vs #%" PRId64 ")", runs[0].id);
		fprintf(o->md, " |");
	}
	fprintf(o->html, "</tr>\n");
	fprintf(o->md, "\n|---|");
	for (size_t c = 0; c < ncol; c++)
		fprintf(o->md, "---:|");
	fprintf(o->md, "\n");
}

struct cfg_arg {
	char ***keys; /* per run: keys */
	char ***vals; /* per run: values */
	size_t *nr;   /* per run: count */
	size_t run;   /* which run is being read */
};

static int cfg_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct cfg_arg *a = arg;
	size_t n = a->nr[a->run];
	char **k = realloc(a->keys[a->run], (n + 1) * sizeof(*k));
	char **v;

	if (!k)
		return -ENOMEM;
	a->keys[a->run] = k;
	v = realloc(a->vals[a->run], (n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	a->vals[a->run] = v;
	k[n] = strdup(key);
	v[n] = strdup(value);
	a->nr[a->run]++;
	return 0;
}

static const char *cfg_get(struct cfg_arg *a, size_t run, const char *key)
{
	for (size_t i = 0; i < a->nr[run]; i++)
		if (!strcmp(a->keys[run][i], key))
			return a->vals[run][i];
	return NULL;
}

static void config_section(struct out *o, struct store *st, const struct store_run *runs,
			   size_t ncol)
{
	char **keys[REPORT_MAX_COLS] = {0}, **vals[REPORT_MAX_COLS] = {0};
	size_t nr[REPORT_MAX_COLS] = {0}, nr_same = 0, nr_diff = 0;
	struct cfg_arg a = {keys, vals, nr, 0};

	for (size_t c = 0; c < ncol; c++) {
		a.run = c;
		store__for_each_config(st, runs[c].id, cfg_cb, &a);
	}
	section(o, "Configs compared");
	table_head(o, "config key", runs, ncol, false);
	/* scenario first: it is the usual difference */
	fprintf(o->html, "<tr><td>(scenario)</td>");
	fprintf(o->md, "| (scenario) |");
	for (size_t c = 0; c < ncol; c++) {
		fprintf(o->html, "<td>");
		html_esc(o->html, *runs[c].scenario ? runs[c].scenario : "-");
		fprintf(o->html, "</td>");
		fprintf(o->md, " ");
		md_esc(o->md, *runs[c].scenario ? runs[c].scenario : "-");
		fprintf(o->md, " |");
	}
	fprintf(o->html, "</tr>\n");
	fprintf(o->md, "\n");
	for (size_t c = 0; c < ncol; c++) {
		for (size_t i = 0; i < nr[c]; i++) {
			const char *key = keys[c][i];
			bool shown = false, differs = false;

			for (size_t p = 0; p < c; p++)
				shown |= cfg_get(&a, p, key) != NULL;
			if (shown)
				continue;
			for (size_t d = 0; d < ncol; d++) {
				const char *v = cfg_get(&a, d, key);

				differs |= !v || strcmp(v, vals[c][i]);
			}
			if (!differs) {
				nr_same++;
				continue;
			}
			nr_diff++;
			fprintf(o->html, "<tr><td>");
			html_esc(o->html, key);
			fprintf(o->html, "</td>");
			fprintf(o->md, "| ");
			md_esc(o->md, key);
			fprintf(o->md, " |");
			for (size_t d = 0; d < ncol; d++) {
				const char *v = cfg_get(&a, d, key);

				fprintf(o->html, "<td>");
				html_esc(o->html, v ? v : "-");
				fprintf(o->html, "</td>");
				fprintf(o->md, " ");
				md_esc(o->md, v ? v : "-");
				fprintf(o->md, " |");
			}
			fprintf(o->html, "</tr>\n");
			fprintf(o->md, "\n");
		}
	}
	fprintf(o->html, "</table>\n<p>");
	fprintf(o->md, "\n");
	for (size_t c = 1; c < ncol; c++)
		if (strcmp(runs[c].scenario, runs[0].scenario)) {
			nr_diff++;
			break;
		}
	both(o, "%zu differ (scenario counted); %zu config keys are identical in all these runs.",
	     nr_diff, nr_same);
	fprintf(o->html, "</p>\n");
	fprintf(o->md, "\n");
	for (size_t c = 0; c < ncol; c++) {
		for (size_t i = 0; i < nr[c]; i++) {
			free(keys[c][i]);
			free(vals[c][i]);
		}
		free(keys[c]);
		free(vals[c]);
	}
}

static void metrics_section(struct out *o, struct store *st, const struct store_run *runs,
			    size_t ncol)
{
	section(o, "Key metrics");
	table_head(o, "metric", runs, ncol, true);
	for (size_t m = 0; m < NR_KEY_METRICS; m++) {
		double v[REPORT_MAX_COLS];
		bool any = false;

		for (size_t c = 0; c < ncol; c++) {
			v[c] = cell_value(st, runs[c].id, m);
			any |= !isnan(v[c]);
		}
		if (!any)
			continue;
		fprintf(o->html, "<tr><td>");
		html_esc(o->html, key_metrics[m].title);
		fprintf(o->html, "</td>");
		fprintf(o->md, "| ");
		md_esc(o->md, key_metrics[m].title);
		fprintf(o->md, " |");
		for (size_t c = 0; c < ncol; c++) {
			char val[32], ratio[32] = "";

			if (isnan(v[c]))
				snprintf(val, sizeof(val), "-");
			else
				snprintf(val, sizeof(val), "%.6g", v[c]);
			if (c && !isnan(v[c]) && !isnan(v[0]))
				compare_fmt_ratio(ratio, sizeof(ratio), v[0], v[c]);
			fprintf(o->html, "<td>%s%s%s%s</td>", val, *ratio ? " <small>(" : "", ratio,
				*ratio ? ")</small>" : "");
			fprintf(o->md, " %s%s%s%s |", val, *ratio ? " (" : "", ratio,
				*ratio ? ")" : "");
		}
		fprintf(o->html, "</tr>\n");
		fprintf(o->md, "\n");
	}
	fprintf(o->html,
		"</table>\n<p class=\"note\">Ratios are to the first column (the baseline). "
		"'new': the baseline had zero; 'gone': this run has zero.</p>\n");
	fprintf(o->md, "\nRatios are to the first column (the baseline).\n");
}

static void verdict_section(struct out *o, struct store *st, const struct store_run *runs,
			    size_t ncol)
{
	section(o, "How much faster or slower, and why");
	fprintf(o->html, "<ul>\n");
	for (size_t c = 1; c < ncol && c < 4; c++) {
		struct compare cmp;

		if (compare_runs(st, runs[0].id, runs[c].id, &cmp) == 0) {
			fprintf(o->html, "<li><b>");
			html_esc(o->html, cmp.headline);
			fprintf(o->html, "</b><br>");
			html_esc(o->html, cmp.why);
			fprintf(o->html, "</li>\n");
			fprintf(o->md, "- **");
			md_esc(o->md, cmp.headline);
			fprintf(o->md, "**  \n  ");
			md_esc(o->md, cmp.why);
			fprintf(o->md, "\n");
		}
		compare_clear(&cmp);
	}
	fprintf(
	    o->html,
	    "</ul>\n<p class=\"note\">Details: <code>svatrace compare --db DB A B</code>.</p>\n");
}

static int embed_png(FILE *html, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *bin = NULL;
	char *b64 = NULL;
	long len;
	size_t b64_len;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	bin = malloc((size_t)len);
	b64_len = sodium_base64_encoded_len((size_t)len, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(b64_len);
	if (!bin || !b64 || fread(bin, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(bin);
		free(b64);
		return -EIO;
	}
	fclose(f);
	sodium_bin2base64(b64, b64_len, bin, (size_t)len, sodium_base64_VARIANT_ORIGINAL);
	fprintf(html, "data:image/png;base64,%s", b64);
	free(bin);
	free(b64);
	return 0;
}

static void plots_section(struct out *o, struct store *st, const struct report_opts *ro,
			  struct report_result *res)
{
	struct plot_opts po = {
	    .run_ids = ro->run_ids,
	    .nr_run_ids = ro->nr_run_ids,
	    .where = ro->where,
	    .nr_where = ro->nr_where,
	    .out_dir = ro->out_dir,
	    .no_render = ro->no_render,
	};

	section(o, "Plots");
	for (size_t i = 0; i < plot_nr_kinds(); i++) {
		const struct plot_kind *k = plot_kind_at(i);
		struct plot_result pr;
		int rc = plot_make(st, k, &po, &pr);

		if (rc == -ENODATA)
			continue;
		fprintf(o->html, "<figure>\n");
		if (rc == 0 && pr.rendered) {
			fprintf(o->html, "<img alt=\"%s\" src=\"", k->name);
			if (embed_png(o->html, pr.png))
				fprintf(o->html, "%s.png", k->name);
			fprintf(o->html, "\">\n");
			fprintf(o->md, "![%s](%s.png)\n\n", k->summary, k->name);
			res->nr_plots++;
		} else {
			fprintf(o->html, "<p class=\"note\">");
			html_esc(o->html, pr.errmsg);
			fprintf(o->html, "</p>\n");
			fprintf(o->md, "(plot %s not drawn: ", k->name);
			md_esc(o->md, pr.errmsg);
			fprintf(o->md, ")\n\n");
		}
		fprintf(o->html, "<figcaption>");
		html_esc(o->html, k->summary);
		fprintf(o->html,
			" &mdash; %zu runs; data <a href=\"%s.dat\">%s.dat</a>, script "
			"<a href=\"%s.gp\">%s.gp</a>%s%s%s</figcaption>\n</figure>\n",
			pr.nr_runs, k->name, k->name, k->name, k->name,
			pr.rendered ? ", <a href=\"" : "", pr.rendered ? k->name : "",
			pr.rendered ? ".svg\">SVG</a>" : "");
		fprintf(o->md, "Data: [%s.dat](%s.dat), script: [%s.gp](%s.gp)\n\n", k->name,
			k->name, k->name, k->name);
	}
}

static const char css[] =
    "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
    "text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f0f0f0}"
    "img{max-width:100%;border:1px solid #eee}figure{margin:1.5em 0}.note{color:#666;"
    "font-size:90%}small{color:#666}";

int report_write(struct store *st, const struct report_opts *ro, struct report_result *res)
{
	struct store_run *all = NULL, runs[REPORT_MAX_COLS];
	size_t nr_all = 0, nr = 0, nr_sel = 0;
	struct out o = {0};
	char question[512], now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc;

	memset(res, 0, sizeof(*res));
	if (mkdir(ro->out_dir, 0755) < 0 && errno != EEXIST) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot create the output directory: %s",
			 strerror(errno));
		return -errno;
	}
	rc = store__list_runs(st, ro->where, ro->nr_where, &all, &nr_all);
	if (rc) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot read runs: %s",
			 store__errmsg(st));
		return rc;
	}
	/* table columns: the listed runs in the order given, else complete runs by id */
	if (ro->run_ids) {
		for (size_t j = 0; j < ro->nr_run_ids; j++)
			for (size_t i = 0; i < nr_all; i++)
				if (all[i].id == ro->run_ids[j]) {
					nr_sel++;
					if (nr < REPORT_MAX_COLS)
						runs[nr++] = all[i];
				}
	} else {
		for (size_t i = 0; i < nr_all; i++)
			if (all[i].status == 0) {
				nr_sel++;
				if (nr < REPORT_MAX_COLS)
					runs[nr++] = all[i];
			}
	}
	if (!nr) {
		snprintf(res->errmsg, sizeof(res->errmsg), "no run selected");
		store_runs_free(all, nr_all);
		return -ENODATA;
	}
	res->nr_runs = nr_sel;
	snprintf(res->html, sizeof(res->html), "%s/report.html", ro->out_dir);
	snprintf(res->md, sizeof(res->md), "%s/report.md", ro->out_dir);
	o.html = fopen(res->html, "w");
	o.md = fopen(res->md, "w");
	if (!o.html || !o.md) {
		rc = -errno;
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot write in %s: %s", ro->out_dir,
			 strerror(errno));
		goto out;
	}
	if (ro->question) {
		snprintf(question, sizeof(question), "%s", ro->question);
	} else {
		char a[160], b[160];

		title_of(&runs[0], a, sizeof(a));
		if (nr_sel == 2)
			snprintf(question, sizeof(question), "How does %s compare with %s?",
				 title_of(&runs[1], b, sizeof(b)), a);
		else if (nr > 1)
			snprintf(question, sizeof(question), "How do %zu runs compare with %s?",
				 nr_sel - 1, a);
		else
			snprintf(question, sizeof(question), "What does run %s show?", a);
	}
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M UTC", &tm);

	fprintf(o.html,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<title>svatrace report</title>\n<style>%s</style></head><body>\n<h1>",
		css);
	html_esc(o.html, question);
	fprintf(o.html, "</h1>\n<p class=\"note\">");
	fprintf(o.md, "# ");
	md_esc(o.md, question);
	fprintf(o.md, "\n\n");
	both(&o, "svatrace report from %s, %s; %zu runs", store__path(st), now, nr_sel);
	if (nr_sel > nr)
		both(&o, " (tables show the first %zu)", nr);
	fprintf(o.html, ".</p>\n");
	fprintf(o.md, ".\n");

	trace_section(&o, runs, nr);
	config_section(&o, st, runs, nr);
	metrics_section(&o, st, runs, nr);
	if (nr > 1)
		verdict_section(&o, st, runs, nr);
	plots_section(&o, st, ro, res);
	fprintf(o.html, "</body></html>\n");
	rc = 0;
out:
	if (o.html && fclose(o.html) && !rc)
		rc = -EIO;
	if (o.md && fclose(o.md) && !rc)
		rc = -EIO;
	store_runs_free(all, nr_all);
	return rc;
}
