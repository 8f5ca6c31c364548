// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - the design-review report (see report.h). HTML and Markdown are
 * written side by side from the same data; the HTML embeds each PNG as a
 * data URI so the one file can be mailed or attached to a review.
 *
 * Order of the page, so that the first screen answers the review: the
 * question, the findings (one per study, each a sentence computed from the
 * data with its cause), what is measured and what is modelled, then a
 * section per study, then the parameter sources. A value a run does not
 * have is "n/a", never 0.
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
#include "analyze/finding.h"
#include "analyze/finding_sens.h"
#include "analyze/plot.h"
#include "analyze/report.h"
#include "analyze/sensitivity.h"
#include "analyze/study.h"
#include "analyze/trace_summary.h"
#include "model/metric_keys.h"
#include "model/params.h"

/*
 * Key metrics of the tables; a row is shown if any run of the study has it.
 * A value is n/a (not 0) when the run has no such events: count_key absent
 * or 0 (a faulting run pins nothing, a pinned run serves no faults).
 */
static const struct {
	const char *title;     /* row title (with unit) */
	const char *expr;      /* plot_eval() expression */
	double scale;	       /* multiply by */
	const char *count_key; /* events the value needs, NULL: always applies */
} key_metrics[] = {
    {"time to finish (ms)", KEY_RUN_DURATION, 1e-6, NULL},
    {"throughput (M desc/s)", KEY_WQ_THROUGHPUT, 1e-6, NULL},
    {"IOTLB miss rate (%)", KEY_IOTLB_MISSES "/" KEY_IOTLB_LOOKUPS, 100, NULL},
    {"translation latency mean (µs)", KEY_XLATE_LAT "@mean", 1e-3, NULL},
    {"translation latency p99 (µs)", KEY_XLATE_LAT "@p99", 1e-3, NULL},
    {"page requests (faults)", KEY_PRI_REQUESTS, 1, NULL},
    {"invalidations", KEY_INVAL_COUNT, 1, NULL},
    {"page-walk memory reads", KEY_WALK_READS, 1, NULL},
    {"descriptor end-to-end p99 (µs)", KEY_DESC_E2E_LAT "@p99", 1e-3, NULL},
    {"retries per descriptor", KEY_SUBMIT_RETRIES "/" KEY_SUBMIT_DESCS, 1, NULL},
    {"CPU: fault service (ms)", KEY_CPU_FAULT, 1e-6, KEY_PRI_REQUESTS},
    {"CPU: pin (ms)", KEY_CPU_PIN, 1e-6, KEY_PIN_PAGES},
    {"CPU: map (ms)", KEY_CPU_MAP, 1e-6, KEY_MAP_COUNT},
    {"CPU: unmap (ms)", KEY_CPU_UNMAP, 1e-6, KEY_UNMAP_COUNT},
    {"CPU: invalidation (ms)", KEY_CPU_INVAL, 1e-6, KEY_INVAL_COUNT},
    {"CPU: submission (ms)", KEY_CPU_SUBMIT, 1e-6, KEY_SUBMIT_DESCS},
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
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	html_esc(o->html, buf);
	md_esc(o->md, buf);
}

/* Raw markup: @html to the HTML, @md to the Markdown. */
static void raw(struct out *o, const char *html, const char *md)
{
	fputs(html, o->html);
	fputs(md, o->md);
}

static double cell_value(struct store *st, int64_t run, size_t m)
{
	double v = plot_eval(st, run, key_metrics[m].expr);

	if (!isnan(v) && v == 0 && key_metrics[m].count_key) {
		double n = plot_eval(st, run, key_metrics[m].count_key);

		if (isnan(n) || n == 0)
			return NAN; /* no such events: not applicable */
	}
	return isnan(v) ? v : v * key_metrics[m].scale;
}

static const char *title_of(const struct store_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "#%" PRId64 " %s", r->id, *r->label ? r->label : r->scenario);
	return buf;
}

static void fmt_cell(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.4g", v);
}

/* ---- page pieces ---- */

static void section(struct out *o, int level, const char *id, const char *title)
{
	fprintf(o->html, "<h%d%s%s%s>", level, id ? " id=\"" : "", id ? id : "", id ? "\"" : "");
	html_esc(o->html, title);
	fprintf(o->html, "</h%d>\n", level);
	fprintf(o->md, "\n%s %s\n\n", level == 2 ? "##" : "###", title);
}

static void table_open(struct out *o, const char *caption)
{
	fprintf(o->html, "<div class=\"wrap\"><table>\n<caption>");
	html_esc(o->html, caption);
	fprintf(o->html, "</caption>\n");
	fprintf(o->md, "*");
	md_esc(o->md, caption);
	fprintf(o->md, "*\n\n");
}

static void table_close(struct out *o)
{
	raw(o, "</table></div>\n", "\n");
}

/* One row: cells[0] is the first column; header rows use th. */
static void table_row(struct out *o, const char *const *cells, size_t n, bool header)
{
	fprintf(o->html, "<tr>");
	fprintf(o->md, "|");
	for (size_t i = 0; i < n; i++) {
		fprintf(o->html, header ? "<th>" : "<td>");
		html_esc(o->html, cells[i]);
		fprintf(o->html, header ? "</th>" : "</td>");
		fputc(' ', o->md);
		md_esc(o->md, cells[i]);
		fprintf(o->md, " |");
	}
	fprintf(o->html, "</tr>\n");
	fprintf(o->md, "\n");
	if (header) {
		fprintf(o->md, "|---|");
		for (size_t i = 1; i < n; i++)
			fprintf(o->md, "---:|");
		fprintf(o->md, "\n");
	}
}

/* ---- config of the runs of one study ---- */

struct cfg_set {
	char **keys; /* keys */
	char **vals; /* values */
	char **srcs; /* sources */
	size_t nr;   /* count */
};

static int cfg_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct cfg_set *c = arg;
	char **k = realloc(c->keys, (c->nr + 1) * sizeof(*k)), **v, **s;

	if (!k)
		return -ENOMEM;
	c->keys = k;
	v = realloc(c->vals, (c->nr + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->vals = v;
	s = realloc(c->srcs, (c->nr + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	c->srcs = s;
	k[c->nr] = strdup(key);
	v[c->nr] = strdup(value);
	s[c->nr] = strdup(source);
	c->nr++;
	return 0;
}

static void cfg_clear(struct cfg_set *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		free(c->keys[i]);
		free(c->vals[i]);
		free(c->srcs[i]);
	}
	free(c->keys);
	free(c->vals);
	free(c->srcs);
	memset(c, 0, sizeof(*c));
}

static const char *cfg_get(const struct cfg_set *c, const char *key)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->keys[i], key))
			return c->vals[i];
	return NULL;
}

/* Config keys that differ within a study (plus "(scenario)"), the rest counted. */
struct diff_keys {
	char **keys;	/* differing keys, "(scenario)" first if it differs */
	size_t nr;	/* count */
	size_t nr_same; /* keys equal in every run */
};

static void diff_keys_of(const struct store_run *runs, const struct study *s,
			 const struct cfg_set *cfg, struct diff_keys *d)
{
	memset(d, 0, sizeof(*d));
	d->keys = calloc(cfg[0].nr + 2, sizeof(*d->keys));
	if (!d->keys)
		return;
	for (size_t i = 1; i < s->nr; i++)
		if (strcmp(runs[s->idx[i]].scenario, runs[s->idx[0]].scenario)) {
			d->keys[d->nr++] = "(scenario)";
			break;
		}
	for (size_t k = 0; k < cfg[0].nr; k++) {
		const char *v0 = cfg[0].vals[k];
		bool differs = false;

		/* notes are text about the run, not a parameter */
		if (strstr(cfg[0].keys[k], ".note"))
			continue;
		for (size_t i = 1; i < s->nr && !differs; i++) {
			const char *v = cfg_get(&cfg[i], cfg[0].keys[k]);

			differs = !v || strcmp(v, v0);
		}
		if (differs)
			d->keys[d->nr++] = cfg[0].keys[k];
		else
			d->nr_same++;
	}
}

static const char *cfg_or_scenario(const struct store_run *r, const struct cfg_set *c,
				   const char *key)
{
	const char *v;

	if (!strcmp(key, "(scenario)"))
		return *r->scenario ? r->scenario : "none";
	v = cfg_get(c, key);
	return v ? v : "n/a";
}

/* ---- provenance ---- */

struct prov_count {
	size_t calibrated; /* inputs calibrated on a machine */
	size_t cited;	   /* inputs from a cited source */
	size_t estimated;  /* estimates */
	size_t set;	   /* set by the user, a scenario or a sweep */
};

static void prov_of(const struct cfg_set *c, const struct report_opts *ro, struct prov_count *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < c->nr; i++) {
		const char *src = c->srcs[i], *cls;

		if (strstr(c->keys[i], ".note"))
			continue;
		cls = param_origin_provenance(src, ro->param_source ? ro->param_source(c->keys[i])
								    : NULL);
		if (!strcmp(cls, "set"))
			p->set++;
		else if (!strcmp(cls, "calibrated"))
			p->calibrated++;
		else if (!strcmp(cls, "cited"))
			p->cited++;
		else
			p->estimated++;
	}
}

static const char *prov_class(const char *key, const char *src, const struct report_opts *ro,
			      const char **text)
{
	const char *def = ro->param_source ? ro->param_source(key) : NULL;

	*text = src;
	if (!strcmp(src, "default") || !strcmp(src, "builtin"))
		*text = def ? def : "built-in default (source not recorded)";
	return param_origin_provenance(src, def);
}

/* ---- first screen ---- */

struct study_view {
	struct study *s;	/* the study */
	struct finding f;	/* its finding */
	struct finding_sens fs; /* how much it depends on estimated parameters */
	struct cfg_set *cfg;	/* config of each run (s->nr) */
};

/* The finding's sensitivity: one sentence, and without runs the commands that make them. */
static void sens_text(struct out *o, const struct finding_sens *fs)
{
	both(o, "Sensitivity: %s", fs->text);
	for (size_t c = 0; c < 2; c++) {
		if (!*fs->command[c])
			continue;
		raw(o, c ? "<br>and <code>" : " <code>", c ? "  \n   and `" : " `");
		html_esc(o->html, fs->command[c]);
		fputs(fs->command[c], o->md);
		raw(o, "</code>", "`");
	}
	if (*fs->command[0])
		both(o, "; then re-run the report.");
	else
		both(o, ".");
}

static void findings_section(struct out *o, const struct study_view *v, size_t nv)
{
	section(o, 2, "findings", "Findings");
	raw(o, "<ol class=\"findings\">\n", "");
	for (size_t i = 0; i < nv; i++) {
		fprintf(o->html, "<li><a href=\"#study-%s\"><b>", v[i].s->name);
		html_esc(o->html, v[i].f.title);
		fprintf(o->html, "</b></a><br><span class=\"q\">");
		html_esc(o->html, v[i].f.question);
		fprintf(o->html, "</span>");
		fprintf(o->md, "%zu. **", i + 1);
		md_esc(o->md, v[i].f.title);
		fprintf(o->md, "**  \n   ");
		md_esc(o->md, v[i].f.question);
		if (*v[i].f.cause) {
			fprintf(o->html, "<br>");
			fprintf(o->md, "  \n   ");
			both(o, "Cause: %s.", v[i].f.cause);
		}
		if (v[i].f.kind != FINDING_NONE) {
			fprintf(o->html, "<br><span class=\"sens\">");
			fprintf(o->md, "  \n   ");
			sens_text(o, &v[i].fs);
			fprintf(o->html, "</span>");
		}
		fprintf(o->html, "<br><small>");
		fprintf(o->md, "  \n   ");
		both(o, "study %s: %zu run%s, profile %s, %s", v[i].s->name, v[i].s->nr,
		     v[i].s->nr == 1 ? "" : "s", v[i].s->profile,
		     v[i].s->generated ? "synthetic input" : "captured trace");
		fprintf(o->html, "</small></li>\n");
		fprintf(o->md, "\n");
	}
	raw(o, "</ol>\n", "\n");
}

/* Measured counts of an imported trace: the baseline's replay.records.* */
struct rec_arg {
	struct out *o; /* output */
	size_t n;      /* printed */
};

static int rec_cb(void *arg, const char *key, double value, const char *unit)
{
	struct rec_arg *a = arg;

	(void)unit;
	if (strncmp(key, REPLAY_RECORDS_PREFIX, strlen(REPLAY_RECORDS_PREFIX)))
		return 0;
	both(a->o, "%s%s %.0f", a->n++ ? ", " : "", key + strlen(REPLAY_RECORDS_PREFIX), value);
	return 0;
}

/* The trace's host snapshot: "host" or "importing_host" objects of its meta. */
static void host_line(struct out *o, const struct store_run *r, char *cpu, size_t cpu_len)
{
	json_t *meta = *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;
	static const char *const objs[] = {"host", "importing_host"};
	size_t n = 0;

	cpu[0] = 0;
	for (size_t i = 0; json_is_object(meta) && i < 2; i++) {
		json_t *h = json_object_get(meta, objs[i]), *v;
		const char *k;

		if (!json_is_object(h))
			continue;
		json_object_foreach (h, k, v) {
			if (!json_is_string(v))
				continue;
			if (!strcmp(k, "cpu") || !strcmp(k, "cpu_model"))
				snprintf(cpu, cpu_len, "%s", json_string_value(v));
			both(o, "%s%s.%s: %s", n++ ? "; " : "", objs[i], k, json_string_value(v));
		}
	}
	if (!n)
		both(o, "the trace records no host snapshot");
	json_decref(meta);
}

/* The machine a profile file describes: its "; machine: TEXT" comment. */
static bool profile_machine(const char *path, char *buf, size_t len)
{
	FILE *f = *path ? fopen(path, "r") : NULL;
	char line[512];
	bool found = false;

	buf[0] = 0;
	while (f && !found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "; machine:", 10))
			continue;
		snprintf(buf, len, "%s", line + 10 + strspn(line + 10, " "));
		buf[strcspn(buf, "\n")] = 0;
		found = *buf != 0;
	}
	if (f)
		fclose(f);
	return found;
}

/* The machine's model word appears in the trace's CPU name: its first word
 * with a digit ("E5-2630") or in capitals ("QEMU"). */
static bool same_machine(const char *cpu, const char *machine)
{
	char tok[64];
	const char *p = machine;

	while (*p) {
		size_t n = strcspn(p, " ,();");
		bool digit = false, caps = n >= 3;

		for (size_t i = 0; i < n; i++) {
			digit |= p[i] >= '0' && p[i] <= '9';
			caps &= p[i] >= 'A' && p[i] <= 'Z';
		}
		if ((digit || caps) && n >= 3 && n < sizeof(tok)) {
			snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
			return strcasestr(cpu, tok) != NULL;
		}
		p += n + (p[n] != 0);
	}
	return strcasestr(cpu, machine) != NULL;
}

/* A warning when the trace's host CPU is not the machine the profile describes. */
static void machine_check(struct out *o, const struct store_run *b, const char *cpu,
			  const char *profile)
{
	char machine[256];
	bool known = profile_machine(b->profile ? b->profile : "", machine, sizeof(machine));

	if (*cpu && known && !same_machine(cpu, machine)) {
		raw(o, "<strong class=\"warn\">", "**");
		both(o,
		     "Warning: the trace was taken on %s, but profile %s describes %s; its "
		     "calibrated numbers may not hold for this host.",
		     cpu, profile, machine);
		raw(o, "</strong> ", "** ");
	} else if (*cpu && known) {
		both(o, "The trace's host CPU matches the machine profile %s describes (%s). ",
		     profile, machine);
	} else if (known) {
		both(o, "The trace does not name its host CPU; profile %s describes %s. ", profile,
		     machine);
	} else {
		both(o,
		     "Profile %s names no machine, so the trace's host%s%s cannot be checked "
		     "against it. ",
		     profile, *cpu ? " CPU " : "", cpu);
	}
}

static void provenance_section(struct out *o, struct store *st, const struct store_run *runs,
			       const struct study_view *v, size_t nv, const struct report_opts *ro)
{
	section(o, 2, "provenance", "What is measured and what is modelled");
	raw(o, "<ul>\n", "");
	for (size_t i = 0; i < nv; i++) {
		const struct study *s = v[i].s;
		const struct store_run *b = &runs[s->idx[s->baseline]];
		struct rec_arg ra = {o, 0};
		char cpu[256];
		double exp = plot_eval(st, b->id, KEY_ACCESS_EXPANDED),
		       acc = plot_eval(st, b->id, KEY_ACCESS_COUNT);

		raw(o, "<li>", "- ");
		both(o, "%s: ", s->name);
		if (s->generated) {
			both(o, "measured: nothing; the input is synthetic, %s", s->input);
			if (*s->swept)
				both(o, " (traces differ in %s)", s->swept);
			both(o, ". ");
		} else {
			both(o, "measured: the %s: records ", s->input);
			store__for_each_metric(st, b->id, rec_cb, &ra);
			if (!ra.n)
				both(o, "n/a");
			both(o, "; host snapshot: ");
			host_line(o, b, cpu, sizeof(cpu));
			both(o, ". ");
			machine_check(o, b, cpu, s->profile);
		}
		if (exp > 0)
			both(o,
			     "%.0f of %.0f device accesses are synthesised from the DMA maps "
			     "(replay.expand), not captured. ",
			     exp, isnan(acc) ? exp : acc);
		both(o,
		     "Modelled: every latency, miss rate, throughput and CPU time, with "
		     "profile %s, model revision %s (svatrace %s).",
		     s->profile, s->model_rev, s->tool_version);
		raw(o, "</li>\n", "\n");
	}
	raw(o, "</ul>\n", "\n");
	/* inputs per run */
	{
		const char *head[] = {"study", "run",	    "calibrated",
				      "cited", "estimated", "set (user, scenario, sweep)"};

		table_open(o, "Where each run's model inputs come from (number of parameters); "
			      "every modelled number rests on these");
		table_row(o, head, 6, true);
		for (size_t i = 0; i < nv; i++) {
			for (size_t j = 0; j < v[i].s->nr; j++) {
				struct prov_count p;
				char t[160], a[16], b[16], c[16], d[16];
				const char *row[6] = {v[i].s->name, t, a, b, c, d};

				if (j == 3 && v[i].s->nr > 5) {
					snprintf(t, sizeof(t), "... %zu more runs", v[i].s->nr - 4);
					j = v[i].s->nr - 1;
					a[0] = b[0] = c[0] = d[0] = 0;
					table_row(o, row, 6, false);
				}
				prov_of(&v[i].cfg[j], ro, &p);
				title_of(&runs[v[i].s->idx[j]], t, sizeof(t));
				snprintf(a, sizeof(a), "%zu", p.calibrated);
				snprintf(b, sizeof(b), "%zu", p.cited);
				snprintf(c, sizeof(c), "%zu", p.estimated);
				snprintf(d, sizeof(d), "%zu", p.set);
				table_row(o, row, 6, false);
			}
		}
		table_close(o);
		raw(o, "<p class=\"note\">", "");
		both(o, "calibrated: fitted to measurements (svatrace calibrate); cited: from a "
			"named source (specification, kernel code, paper); estimated: a judgement, "
			"see the appendix and 'svatrace replay --list-params'.");
		raw(o, "</p>\n", "\n");
	}
}

/* ---- one study ---- */

static void configs_table(struct out *o, const struct store_run *runs, const struct study_view *v,
			  const struct diff_keys *d)
{
	const struct study *s = v->s;
	const char **cells = calloc(s->nr + 1, sizeof(*cells));
	char(*t)[160] = calloc(s->nr, sizeof(*t));
	char cap[256];

	if (!cells || !t)
		goto out;
	snprintf(cap, sizeof(cap),
		 "Configs compared in %s: %zu keys differ, %zu are the same in every run", s->name,
		 d->nr, d->nr_same);
	table_open(o, cap);
	cells[0] = "config key";
	for (size_t i = 0; i < s->nr; i++)
		cells[i + 1] = title_of(&runs[s->idx[i]], t[i], sizeof(t[i]));
	table_row(o, cells, s->nr + 1, true);
	for (size_t k = 0; k < d->nr; k++) {
		cells[0] = d->keys[k];
		for (size_t i = 0; i < s->nr; i++)
			cells[i + 1] = cfg_or_scenario(&runs[s->idx[i]], &v->cfg[i], d->keys[k]);
		table_row(o, cells, s->nr + 1, false);
	}
	table_close(o);
out:
	free(cells);
	free(t);
}

static void metrics_table(struct out *o, struct store *st, const struct store_run *runs,
			  const struct study *s)
{
	const struct store_run *b = &runs[s->idx[s->baseline]];
	const char **cells = calloc(s->nr + 1, sizeof(*cells));
	char(*t)[160] = calloc(s->nr + 1, sizeof(*t));
	char cap[256];

	if (!cells || !t)
		goto out;
	snprintf(cap, sizeof(cap),
		 "Key metrics of %s; ratios to the baseline #%" PRId64
		 " %s; n/a: the run has no such events",
		 s->name, b->id, *b->label ? b->label : b->scenario);
	table_open(o, cap);
	cells[0] = "metric";
	for (size_t i = 0; i < s->nr; i++)
		cells[i + 1] = title_of(&runs[s->idx[i]], t[i + 1], sizeof(t[i + 1]));
	table_row(o, cells, s->nr + 1, true);
	for (size_t m = 0; m < NR_KEY_METRICS; m++) {
		double vb = cell_value(st, b->id, m);
		bool any = false;

		for (size_t i = 0; i < s->nr; i++)
			any |= !isnan(plot_eval(st, runs[s->idx[i]].id, key_metrics[m].expr));
		if (!any)
			continue;
		cells[0] = key_metrics[m].title;
		for (size_t i = 0; i < s->nr; i++) {
			double x = cell_value(st, runs[s->idx[i]].id, m);
			char val[32], ratio[32] = "";

			fmt_cell(val, sizeof(val), x);
			if (i != s->baseline && !isnan(x) && !isnan(vb))
				compare_fmt_ratio(ratio, sizeof(ratio), vb, x);
			snprintf(t[i + 1], sizeof(t[i + 1]), "%s%s%s%s", val, *ratio ? " (" : "",
				 ratio, *ratio ? ")" : "");
			cells[i + 1] = t[i + 1];
		}
		table_row(o, cells, s->nr + 1, false);
	}
	table_close(o);
out:
	free(cells);
	free(t);
}

/* A sweep: one row per run, the keys that vary as the first columns. */
/* Generator parameter @key of the run's trace ("clients" of dsa-memcpy), "" if none. */
static void gen_param(const struct store_run *r, const char *key, char *buf, size_t len)
{
	json_t *m = *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;
	json_t *p = json_is_object(m) ? json_object_get(m, "params") : NULL;
	json_t *v = json_is_object(p) ? json_object_get(p, key) : NULL;

	snprintf(buf, len, "%s", json_is_string(v) ? json_string_value(v) : "");
	json_decref(m);
}

/* Row order of a sweep table: by each shown column's value, numbers as numbers. */
struct row_key {
	char vals[4][64]; /* the values of the leading columns */
	size_t nr;	  /* leading columns */
	size_t i;	  /* index into the study */
};

static int cmp_row(const void *a, const void *b)
{
	const struct row_key *p = a, *q = b;

	for (size_t c = 0; c < p->nr; c++) {
		char *ea, *eb;
		double x = strtod(p->vals[c], &ea), y = strtod(q->vals[c], &eb);
		int d;

		if (ea != p->vals[c] && eb != q->vals[c] && x != y)
			return x < y ? -1 : 1;
		d = strcmp(p->vals[c], q->vals[c]);
		if (d)
			return d;
	}
	return (p->i > q->i) - (p->i < q->i);
}

/* A sweep: one row per run, the generator parameter and the keys that vary
 * as the first columns, rows in their order. */
static void sweep_table(struct out *o, struct store *st, const struct store_run *runs,
			const struct study_view *v, const struct diff_keys *d)
{
	const struct study *s = v->s;
	size_t mcols[NR_KEY_METRICS], nm = 0, nk = d->nr < 3 ? d->nr : 3, ng, ncol;
	const char *cells[1 + 4 + 5];
	char t[1 + 4 + 5][64], cap[256], gkey[64] = "", ghead[80];
	struct row_key *rows = calloc(s->nr, sizeof(*rows));

	if (!rows)
		return;
	/* the first swept generator parameter is a column of its own */
	snprintf(gkey, sizeof(gkey), "%.*s", (int)strcspn(s->swept, ","), s->swept);
	ng = *gkey ? 1 : 0;
	snprintf(ghead, sizeof(ghead), "%s (trace)", gkey);
	/* at most five metrics, the ones that vary */
	for (size_t m = 0; m < NR_KEY_METRICS && nm < 5; m++) {
		double lo = INFINITY, hi = -INFINITY;

		for (size_t i = 0; i < s->nr; i++) {
			double x = cell_value(st, runs[s->idx[i]].id, m);

			if (!isnan(x)) {
				lo = fmin(lo, x);
				hi = fmax(hi, x);
			}
		}
		if (hi > lo)
			mcols[nm++] = m;
	}
	ncol = 1 + ng + nk + nm;
	for (size_t i = 0; i < s->nr; i++) {
		const struct store_run *r = &runs[s->idx[i]];

		rows[i].i = i;
		rows[i].nr = ng + nk;
		if (ng)
			gen_param(r, gkey, rows[i].vals[0], sizeof(rows[i].vals[0]));
		for (size_t k = 0; k < nk; k++)
			snprintf(rows[i].vals[ng + k], sizeof(rows[i].vals[0]), "%s",
				 cfg_or_scenario(r, &v->cfg[i], d->keys[k]));
	}
	qsort(rows, s->nr, sizeof(*rows), cmp_row);
	snprintf(
	    cap, sizeof(cap), "%s: %zu runs, one per row%s; %zu config keys vary%s", s->name, s->nr,
	    s->nr > REPORT_MAX_ROWS ? " (first rows; every run is in the plots' data files)" : "",
	    d->nr, d->nr > nk ? " (the first 3 shown)" : "");
	table_open(o, cap);
	cells[0] = "run";
	if (ng)
		cells[1] = ghead;
	for (size_t k = 0; k < nk; k++)
		cells[1 + ng + k] = d->keys[k];
	for (size_t m = 0; m < nm; m++)
		cells[1 + ng + nk + m] = key_metrics[mcols[m]].title;
	table_row(o, cells, ncol, true);
	for (size_t j = 0; j < s->nr && j < REPORT_MAX_ROWS; j++) {
		const struct store_run *r = &runs[s->idx[rows[j].i]];

		cells[0] = title_of(r, t[0], sizeof(t[0]));
		for (size_t k = 0; k < ng + nk; k++)
			cells[1 + k] = rows[j].vals[k];
		for (size_t m = 0; m < nm; m++) {
			fmt_cell(t[1 + ng + nk + m], sizeof(t[0]), cell_value(st, r->id, mcols[m]));
			cells[1 + ng + nk + m] = t[1 + ng + nk + m];
		}
		table_row(o, cells, ncol, false);
	}
	table_close(o);
	free(rows);
}

static void verdicts(struct out *o, struct store *st, const struct store_run *runs,
		     const struct study *s)
{
	const struct store_run *b = &runs[s->idx[s->baseline]];
	size_t shown = 0;

	raw(o, "<ul>\n", "");
	for (size_t i = 0; i < s->nr && shown < 3; i++) {
		struct compare cmp;

		if (i == s->baseline)
			continue;
		if (compare_runs(st, b->id, runs[s->idx[i]].id, &cmp) == 0) {
			raw(o, "<li>", "- ");
			both(o, "%s", cmp.headline);
			raw(o, "<br><small>", "  \n  ");
			both(o, "%s", cmp.why);
			raw(o, "</small></li>\n", "\n");
			shown++;
		}
		compare_clear(&cmp);
	}
	raw(o, "</ul>\n", "\n");
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

static void study_plots(struct out *o, struct store *st, const struct store_run *runs,
			const struct study_view *v, const struct report_opts *ro,
			struct report_result *res)
{
	const struct study *s = v->s;
	int64_t *ids = calloc(s->nr, sizeof(*ids));
	char dir[4096], sub[512], title[512];
	struct plot_opts po = {0};

	if (!ids)
		return;
	for (size_t i = 0; i < s->nr; i++)
		ids[i] = runs[s->idx[i]].id;
	snprintf(dir, sizeof(dir), "%s/%s", ro->out_dir, s->name);
	snprintf(sub, sizeof(sub), "study %s · profile %s · model %.12s · svatrace %s · %zu runs",
		 s->name, s->profile, s->model_rev, s->tool_version, s->nr);
	po.run_ids = ids;
	po.nr_run_ids = s->nr;
	po.out_dir = dir;
	po.no_render = ro->no_render;
	po.subtitle = sub;
	for (size_t i = 0; i < plot_nr_kinds(); i++) {
		const struct plot_kind *k = plot_kind_at(i);
		struct plot_result pr;
		int rc;

		po.title = finding_plot_title(st, runs, s, &v->f, k->name, title, sizeof(title))
			       ? title
			       : NULL;
		rc = plot_make(st, k, &po, &pr);
		if (rc == -ENODATA)
			continue;
		raw(o, "<figure>\n", "");
		if (rc == 0 && pr.rendered) {
			fprintf(o->html, "<img alt=\"%s\" width=\"900\" src=\"", k->summary);
			if (embed_png(o->html, pr.png))
				fprintf(o->html, "%s/%s.png", s->name, k->name);
			fprintf(o->html, "\">\n");
			fprintf(o->md, "![%s](%s/%s.png)\n\n", k->summary, s->name, k->name);
			res->nr_plots++;
		} else {
			raw(o, "<p class=\"note\">", "(plot not drawn: ");
			both(o, "%s", pr.errmsg);
			raw(o, "</p>\n", ")\n\n");
		}
		fprintf(o->html, "<figcaption>");
		html_esc(o->html, k->summary);
		fprintf(o->html,
			" &mdash; %zu runs; data <a href=\"%s/%s.dat\">%s.dat</a>, script "
			"<a href=\"%s/%s.gp\">%s.gp</a>",
			pr.nr_runs, s->name, k->name, k->name, s->name, k->name, k->name);
		if (pr.rendered)
			fprintf(o->html, ", <a href=\"%s/%s.svg\">SVG</a>", s->name, k->name);
		fprintf(o->html, "</figcaption>\n</figure>\n");
		fprintf(o->md, "Data: [%s.dat](%s/%s.dat), script: [%s.gp](%s/%s.gp)\n\n", k->name,
			s->name, k->name, k->name, s->name, k->name);
	}
	free(ids);
}

/* ---- collect --summary counters of a study's trace ---- */

#define SUMMARY_MAX_ROWS 20 /* intervals listed; the rest are counted */

/* "iommu:map", "intel_iommu:qi_submit iotlb_inv (g 1)", "... @0000:00:04.0" */
static void counter_name(const struct summary_row *c, char *buf, size_t len)
{
	const char *type = strstr(c->probe, "qi_submit") && !strstr(c->probe, "_sync")
			       ? trace_qi_type_name(c->cls & 0xf)
			       : NULL;
	size_t used = (size_t)snprintf(buf, len, "%s", c->probe);

	if (type && used < len)
		used += (size_t)snprintf(buf + used, len - used, " %s (granularity %u)", type,
					 c->cls >> 4);
	else if (c->cls && used < len)
		used += (size_t)snprintf(buf + used, len - used, " class %u", c->cls);
	if (*c->name && strcmp(c->name, "-") && used < len)
		snprintf(buf + used, len - used, " @%s", c->name);
}

static void fmt_qty(char *buf, size_t len, const char *unit, double v)
{
	if (!unit)
		snprintf(buf, len, "n/a");
	else if (!strcmp(unit, "bytes"))
		finding_fmt_bytes(buf, len, v);
	else if (!strcmp(unit, "ns"))
		finding_fmt_ns(buf, len, v);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
}

/* Bucket @b of a log2 histogram as a range: "[4 KiB, 8 KiB)"; bucket 0 is 0. */
static void bucket_range(char *buf, size_t len, const char *unit, unsigned int b)
{
	char lo[32], hi[32];

	if (!b) {
		snprintf(buf, len, "0");
		return;
	}
	fmt_qty(lo, sizeof(lo), unit, (double)(1ULL << (b - 1)));
	fmt_qty(hi, sizeof(hi), unit, (double)(1ULL << b));
	snprintf(buf, len, "[%s, %s)", lo, hi);
}

/* A log2 histogram per probe of @unit (summed over classes and devices). */
static void summary_hist(struct out *o, const struct tsum *t, const char *unit, const char *what)
{
	const char *probes[TSUM_PROBES + 8];
	uint64_t h[TSUM_PROBES + 8][SVT_SUM_BUCKETS] = {{0}};
	size_t np = 0;
	char cap[256];

	for (size_t i = 0; i < t->nc; i++) {
		const char *u = tsum_unit(t->c[i].probe);
		size_t p;

		if (!u || strcmp(u, unit) || !t->c[i].nr)
			continue;
		for (p = 0; p < np; p++)
			if (!strcmp(probes[p], t->c[i].probe))
				break;
		if (p == np) {
			if (np == sizeof(probes) / sizeof(probes[0]))
				continue;
			probes[np++] = t->c[i].probe;
		}
		for (unsigned int b = 0; b < SVT_SUM_BUCKETS; b++)
			h[p][b] += t->c[i].hist[b];
	}
	if (!np)
		return;
	snprintf(cap, sizeof(cap),
		 "%s: events per log2 bucket of the quantity, from the counters' "
		 "histograms",
		 what);
	table_open(o, cap);
	{
		const char *cells[1 + sizeof(probes) / sizeof(probes[0])];
		char t2[sizeof(probes) / sizeof(probes[0]) + 1][80];

		cells[0] = unit;
		for (size_t p = 0; p < np; p++)
			cells[1 + p] = probes[p];
		table_row(o, cells, 1 + np, true);
		for (unsigned int b = 0; b < SVT_SUM_BUCKETS; b++) {
			bool any = false;

			for (size_t p = 0; p < np; p++)
				any |= h[p][b] != 0;
			if (!any)
				continue;
			bucket_range(t2[0], sizeof(t2[0]), unit, b);
			cells[0] = t2[0];
			for (size_t p = 0; p < np; p++) {
				snprintf(t2[1 + p], sizeof(t2[0]), "%" PRIu64, h[p][b]);
				cells[1 + p] = t2[1 + p];
			}
			table_row(o, cells, 1 + np, false);
		}
	}
	table_close(o);
}

/*
 * The summary of a study's trace, when it has `collect --summary` records:
 * counters, rates per interval, the size histogram, the invalidation mix
 * and the wait histogram. Read from the trace file the baseline names
 * (replay stores none of it); a trace no longer there is said so.
 */
static void summary_section(struct out *o, const struct store_run *b)
{
	json_t *meta = *b->trace_meta_json ? json_loads(b->trace_meta_json, 0, NULL) : NULL;
	bool declared = json_is_object(meta) && json_object_get(meta, "summary_interval_ns");
	bool generated = json_is_object(meta) && json_object_get(meta, "generator");
	struct tsum t;
	double span_ns = 0;
	char cap[512], a[48], c[48], d[48];
	int rc;

	json_decref(meta);
	/* collect says so in the meta; an imported trace may carry the records too
	 * (a generator never writes them) */
	if (!declared && generated)
		return;
	rc = tsum_read(b->trace_path, &t);
	if (rc || !t.nr_records) {
		if (declared) {
			section(o, 3, NULL, "Summaries (collect --summary)");
			raw(o, "<p class=\"note\">", "");
			both(
			    o,
			    "The trace was taken with collect --summary, but its records cannot be "
			    "read from %s: %s.",
			    b->trace_path, rc ? strerror(-rc) : "no summary records");
			raw(o, "</p>\n", "\n\n");
		}
		if (!rc)
			tsum_clear(&t);
		return;
	}
	for (size_t i = 0; i < t.ni; i++)
		span_ns += (double)t.iv[i].interval_ns;
	section(o, 3, NULL, "Summaries (collect --summary)");
	raw(o, "<p>", "");
	finding_fmt_ns(a, sizeof(a), span_ns);
	finding_fmt_ns(c, sizeof(c), t.ni ? (double)t.iv[0].interval_ns : NAN);
	both(o,
	     "The trace holds %zu summary records over %zu intervals of %s (%s in all)%s: counts "
	     "of events made in the kernel, measured, not modelled; the model replays none of "
	     "them. Read from %s.",
	     t.nr_records, t.ni, c, a, t.nr_other ? "" : " and nothing else (a summary-only trace)",
	     b->trace_path);
	raw(o, "</p>\n", "\n\n");

	/* counters */
	snprintf(cap, sizeof(cap), "Counters over the whole trace: events, rate and mean quantity");
	table_open(o, cap);
	{
		const char *head[] = {"counter", "events", "per second", "mean quantity"};

		table_row(o, head, 4, true);
		for (size_t i = 0; i < t.nc; i++) {
			const struct summary_row *r = &t.c[i];
			char name[160], ev[32], ps[32];
			const char *row[4] = {name, ev, ps, d};

			counter_name(r, name, sizeof(name));
			snprintf(ev, sizeof(ev), "%" PRIu64, r->nr);
			snprintf(ps, sizeof(ps), "%.4g",
				 span_ns > 0 ? r->nr / (span_ns / 1e9) : NAN);
			fmt_qty(d, sizeof(d), tsum_unit(r->probe),
				r->nr ? (double)r->sum / r->nr : NAN);
			table_row(o, row, 4, false);
		}
	}
	table_close(o);

	/* rates per interval */
	snprintf(cap, sizeof(cap), "Events per second in each interval%s",
		 t.ni > SUMMARY_MAX_ROWS ? " (the first 20)" : "");
	table_open(o, cap);
	{
		const char *cells[1 + TSUM_PROBES];
		char v[1 + TSUM_PROBES][48];

		cells[0] = "interval ends at (s)";
		for (size_t p = 0; p < t.np; p++)
			cells[1 + p] = t.probe[p];
		table_row(o, cells, 1 + t.np, true);
		for (size_t i = 0; i < t.ni && i < SUMMARY_MAX_ROWS; i++) {
			double w = (double)t.iv[i].interval_ns / 1e9;

			snprintf(v[0], sizeof(v[0]), "%.3f", (double)t.iv[i].ts_ns / 1e9);
			cells[0] = v[0];
			for (size_t p = 0; p < t.np; p++) {
				snprintf(v[1 + p], sizeof(v[0]), "%.4g",
					 w > 0 ? (double)t.iv[i].nr[p] / w : NAN);
				cells[1 + p] = v[1 + p];
			}
			table_row(o, cells, 1 + t.np, false);
		}
	}
	table_close(o);

	summary_hist(o, &t, "bytes", "Sizes of maps, unmaps and DMA");

	/* invalidation mix: qi_submit counters by descriptor type */
	{
		uint64_t total = 0;

		for (size_t i = 0; i < t.nc; i++)
			if (strstr(t.c[i].probe, "qi_submit") && !strstr(t.c[i].probe, "_sync"))
				total += t.c[i].nr;
		if (total) {
			const char *head[] = {"descriptor", "submitted", "share (%)"};

			table_open(o, "Invalidation mix: queued-invalidation descriptors by type "
				      "and granularity");
			table_row(o, head, 3, true);
			for (size_t i = 0; i < t.nc; i++) {
				char name[160], n[32], sh[32];
				const char *row[3] = {name, n, sh};

				if (!strstr(t.c[i].probe, "qi_submit") ||
				    strstr(t.c[i].probe, "_sync"))
					continue;
				counter_name(&t.c[i], name, sizeof(name));
				snprintf(n, sizeof(n), "%" PRIu64, t.c[i].nr);
				snprintf(sh, sizeof(sh), "%.1f", 100.0 * t.c[i].nr / total);
				table_row(o, row, 3, false);
			}
			table_close(o);
		}
	}
	summary_hist(o, &t, "ns", "Waits (qi_submit_sync: waiting for the invalidation queue)");
	tsum_clear(&t);
}

static void study_section(struct out *o, struct store *st, const struct store_run *runs,
			  const struct study_view *v, const struct report_opts *ro,
			  struct report_result *res)
{
	const struct study *s = v->s;
	const struct store_run *b = &runs[s->idx[s->baseline]];
	struct diff_keys d;
	char id[96], t[160];

	snprintf(id, sizeof(id), "study-%s", s->name);
	section(o, 2, id, v->f.title);
	raw(o, "<p class=\"q\">", "*");
	both(o, "%s", v->f.question);
	raw(o, "</p>\n<p>", "*\n\n");
	both(o, "Study %s: %zu run%s on %s", s->name, s->nr, s->nr == 1 ? "" : "s", s->input);
	if (*s->swept)
		both(o, "; the traces differ in %s", s->swept);
	both(o, ". Profile %s (content hash %.12s), model revision %s, svatrace %s. Baseline: %s.",
	     s->profile, *s->profile_hash ? s->profile_hash : "unknown", s->model_rev,
	     s->tool_version, title_of(b, t, sizeof(t)));
	if (*s->split)
		both(o, " A separate study: %s.", s->split);
	if (*v->f.cause)
		both(o, " Cause: %s.", v->f.cause);
	if (*v->f.basis)
		both(o, " (Derived from %s.)", v->f.basis);
	if (v->f.kind != FINDING_NONE) {
		both(o, " ");
		sens_text(o, &v->fs);
	}
	raw(o, "</p>\n", "\n\n");
	diff_keys_of(runs, s, v->cfg, &d);
	if (s->nr <= REPORT_MAX_COLS) {
		if (s->nr > 1)
			configs_table(o, runs, v, &d);
		metrics_table(o, st, runs, s);
		if (s->nr > 1)
			verdicts(o, st, runs, s);
	} else {
		sweep_table(o, st, runs, v, &d);
	}
	free(d.keys);
	summary_section(o, b);
	study_plots(o, st, runs, v, ro, res);
}

/* Appendix: every parameter of each profile's first run, with its class and source. */
static void appendix(struct out *o, const struct store_run *runs, const struct study_view *v,
		     size_t nv, const struct report_opts *ro)
{
	section(o, 2, "sources", "Appendix: parameter sources");
	for (size_t i = 0; i < nv; i++) {
		bool seen = false;
		char cap[512];
		const char *head[] = {"parameter", "value", "class", "source"};

		for (size_t j = 0; j < i; j++)
			seen |= !strcmp(v[j].s->profile, v[i].s->profile);
		if (seen)
			continue;
		snprintf(cap, sizeof(cap), "Parameters of profile %s (as run by #%" PRId64 ")",
			 v[i].s->profile, runs[v[i].s->idx[0]].id);
		table_open(o, cap);
		table_row(o, head, 4, true);
		for (size_t k = 0; k < v[i].cfg[0].nr; k++) {
			const char *text,
			    *cls = prov_class(v[i].cfg[0].keys[k], v[i].cfg[0].srcs[k], ro, &text);
			const char *row[4] = {v[i].cfg[0].keys[k], v[i].cfg[0].vals[k], cls, text};

			if (strstr(v[i].cfg[0].keys[k], ".note"))
				continue;
			table_row(o, row, 4, false);
		}
		table_close(o);
	}
}

static const char css[] =
    "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;"
    "overflow-wrap:anywhere}"
    ".wrap{max-width:100%;overflow-x:auto;margin:1em 0}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
    "text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f0f0f0}"
    "caption{text-align:left;font-weight:bold;padding:4px 0}"
    "img{max-width:100%;height:auto;border:1px solid #eee}figure{margin:1.5em 0}"
    ".note{color:#666;font-size:90%}small{color:#555}.q{color:#555;font-style:italic}"
    ".findings li{margin:0.6em 0}.warn{color:#a00}";

static int select_runs(struct store *st, const struct report_opts *ro, struct store_run **out,
		       size_t *nr_out, struct report_result *res)
{
	struct store_run *all = NULL, *sel;
	size_t nr_all = 0, n = 0;
	int rc = store__list_runs(st, ro->where, ro->nr_where, &all, &nr_all);

	if (rc) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot read runs: %s",
			 store__errmsg(st));
		return rc;
	}
	sel = calloc(nr_all ? nr_all : 1, sizeof(*sel));
	if (!sel) {
		store_runs_free(all, nr_all);
		return -ENOMEM;
	}
	/* listed runs in the order given (the first is its study's baseline), else complete runs */
	if (ro->run_ids) {
		for (size_t j = 0; j < ro->nr_run_ids; j++)
			for (size_t i = 0; i < nr_all; i++)
				if (all[i].id == ro->run_ids[j] && all[i].trace_hash) {
					sel[n++] = all[i];
					memset(&all[i], 0, sizeof(all[i]));
				}
	} else {
		for (size_t i = 0; i < nr_all; i++)
			if (all[i].status == 0) {
				sel[n++] = all[i];
				memset(&all[i], 0, sizeof(all[i]));
			}
	}
	store_runs_free(all, nr_all);
	*out = sel;
	*nr_out = n;
	return 0;
}

/* Runs of sensitivity studies after the others, each part in its order. */
static int partition_sens(struct store_run *runs, enum sens_role *role, size_t nr, size_t *nr_plain)
{
	struct store_run *t = malloc(nr * sizeof(*t));
	enum sens_role *tr = malloc(nr * sizeof(*tr));
	size_t n = 0;

	if (!t || !tr) {
		free(t);
		free(tr);
		return -ENOMEM;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nr; i++)
			if ((role[i] == SENS_NONE || role[i] == SENS_BASE_KEPT) == !pass) {
				t[n] = runs[i];
				tr[n++] = role[i];
			}
	*nr_plain = 0;
	for (size_t i = 0; i < nr; i++)
		*nr_plain += role[i] == SENS_NONE || role[i] == SENS_BASE_KEPT;
	memcpy(runs, t, nr * sizeof(*t));
	memcpy(role, tr, nr * sizeof(*tr));
	free(t);
	free(tr);
	return 0;
}

static int pick_baseline(struct store *st, const struct store_run *runs, struct study *s, size_t ns,
			 const char *name, struct report_result *res)
{
	int64_t id = store__find_run(st, name);

	if (id < 0) {
		snprintf(res->errmsg, sizeof(res->errmsg), "--baseline %s: %s", name,
			 id == -EEXIST ? "the label names several runs; give the id"
				       : "no such run");
		return -ENOENT;
	}
	for (size_t t = 0; t < ns; t++)
		for (size_t i = 0; i < s[t].nr; i++)
			if (runs[s[t].idx[i]].id == id) {
				s[t].baseline = i;
				return 0;
			}
	snprintf(res->errmsg, sizeof(res->errmsg),
		 "--baseline %s: run #%" PRId64 " is not among the selected runs", name, id);
	return -ENOENT;
}

int report_write(struct store *st, const struct report_opts *ro, struct report_result *res)
{
	struct store_run *runs = NULL;
	struct study *studies = NULL;
	struct study_view *v = NULL;
	enum sens_role *role = NULL;
	size_t nr = 0, ns = 0, nv = 0, nr_plain = 0;
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
	rc = select_runs(st, ro, &runs, &nr, res);
	if (rc)
		return rc;
	if (!nr) {
		snprintf(res->errmsg, sizeof(res->errmsg), "no run selected");
		rc = -ENODATA;
		goto out;
	}
	role = calloc(nr, sizeof(*role));
	if (!role) {
		rc = -ENOMEM;
		goto out;
	}
	/* runs of sensitivity studies are not designs to compare: without a
	 * run list they go after the others, out of the studies, and serve
	 * only the findings' sensitivity (a base run stored before under its
	 * own label stays in its study) */
	rc = sens_mark(st, runs, nr, role);
	if (rc)
		goto out;
	nr_plain = nr;
	if (!ro->run_ids) {
		rc = partition_sens(runs, role, nr, &nr_plain);
		if (rc)
			goto out;
		if (!nr_plain) {
			snprintf(res->errmsg, sizeof(res->errmsg),
				 "only runs of sensitivity studies are selected");
			rc = -ENODATA;
			goto out;
		}
	}
	rc = study_group(st, runs, nr_plain, &studies, &ns);
	if (rc) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot group the runs: %s",
			 strerror(-rc));
		goto out;
	}
	if (ro->baseline && (rc = pick_baseline(st, runs, studies, ns, ro->baseline, res)))
		goto out;
	v = calloc(ns, sizeof(*v));
	if (!v) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ns; i++) {
		if (ro->study && strcmp(ro->study, studies[i].name))
			continue;
		v[nv].s = &studies[i];
		v[nv].cfg = calloc(studies[i].nr, sizeof(*v[nv].cfg));
		if (!v[nv].cfg) {
			rc = -ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < studies[i].nr; j++)
			store__for_each_config(st, runs[studies[i].idx[j]].id, cfg_cb,
					       &v[nv].cfg[j]);
		finding_of_study(st, runs, &studies[i], &v[nv].f);
		rc = finding_sens_of(st, runs, role, nr, &v[nv].f, store__path(st),
				     ro->param_source, &v[nv].fs);
		if (rc) {
			snprintf(res->errmsg, sizeof(res->errmsg),
				 "cannot read the sensitivity runs: %s", strerror(-rc));
			goto out;
		}
		res->nr_runs += studies[i].nr;
		nv++;
	}
	if (!nv) {
		size_t used = (size_t)snprintf(res->errmsg, sizeof(res->errmsg),
					       "no study named '%s'; the studies are:", ro->study);

		for (size_t i = 0; i < ns && used < sizeof(res->errmsg); i++)
			used += (size_t)snprintf(res->errmsg + used, sizeof(res->errmsg) - used,
						 " %s", studies[i].name);
		rc = -ENOENT;
		goto out;
	}
	res->nr_studies = nv;
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
	if (ro->question)
		snprintf(question, sizeof(question), "%s", ro->question);
	else if (nv == 1)
		snprintf(question, sizeof(question), "%s", v[0].f.question);
	else
		snprintf(question, sizeof(question), "What do the %zu studies in %s show?", nv,
			 store__path(st));
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M UTC", &tm);

	fprintf(o.html,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width\">\n"
		"<title>svatrace report</title>\n<style>%s</style></head><body>\n<h1>",
		css);
	html_esc(o.html, question);
	fprintf(o.html, "</h1>\n<p class=\"note\">");
	fprintf(o.md, "# ");
	md_esc(o.md, question);
	fprintf(o.md, "\n\n");
	both(&o,
	     "svatrace report from %s, %s: %zu runs in %zu stud%s; each study is compared "
	     "only within itself.",
	     store__path(st), now, res->nr_runs, nv, nv == 1 ? "y" : "ies");
	if (nr > nr_plain)
		both(&o,
		     " %zu runs of sensitivity studies (sweep --sensitivity) are not compared; "
		     "they give each finding's dependence on estimated parameters.",
		     nr - nr_plain);
	raw(&o, "</p>\n", "\n");

	findings_section(&o, v, nv);
	provenance_section(&o, st, runs, v, nv, ro);
	for (size_t i = 0; i < nv; i++)
		study_section(&o, st, runs, &v[i], ro, res);
	appendix(&o, runs, v, nv, ro);
	fprintf(o.html, "</body></html>\n");
	rc = 0;
out:
	if (o.html && fclose(o.html) && !rc)
		rc = -EIO;
	if (o.md && fclose(o.md) && !rc)
		rc = -EIO;
	for (size_t i = 0; v && i < nv; i++) {
		for (size_t j = 0; v[i].cfg && j < v[i].s->nr; j++)
			cfg_clear(&v[i].cfg[j]);
		free(v[i].cfg);
	}
	free(v);
	free(role);
	study_free(studies, ns);
	store_runs_free(runs, nr);
	return rc;
}
