// SPDX-License-Identifier: GPL-2.0
/*
 * plot.c - plot kinds and their data files (see plot.h).
 *
 * Each kind (analyze/plot_NAME.c, listed in PLOT_KINDS below) is the one
 * place that says which keys its plot reads.
 * Data files are plain gnuplot input: '#' comments saying where the numbers
 * came from, one block per line of the plot separated by two blank lines
 * (gnuplot's "index"), each block starting with a header row whose first
 * field is the line's title (gnuplot's columnheader), "?" for a missing value.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/metric_keys.h"
#include "analyze/finding.h"
#include "analyze/plot.h"
#include "analyze/study.h"
#include "common/log.h"
#include "gen/analyze/plot_scripts.h"

/*
 * The registry: one line per kind, in help order. Kind NAME is `const
 * struct plot_kind plot_kind_NAME` in its own file (analyze/plot_NAME.c,
 * with '-' in the command word written '_') plus its script
 * analyze/plots/WORD.gp; the declarations and the table are made from this
 * list, the help and kind validation from the table. Adding a plot: those
 * two files and one line here.
 */
#define PLOT_KINDS(X)                                                                              \
	X(iotlb_sweep)                                                                             \
	X(latency_cdf)                                                                             \
	X(wq_clients)                                                                              \
	X(timeseries)                                                                              \
	X(cpu_cost)                                                                                \
	X(tornado)

#define DECLARE_(n) extern const struct plot_kind plot_kind_##n;
PLOT_KINDS(DECLARE_)
#undef DECLARE_
#define ENTRY_(n) &plot_kind_##n,
static const struct plot_kind *const kinds[] = {PLOT_KINDS(ENTRY_)};
#undef ENTRY_

#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

size_t plot_nr_kinds(void)
{
	return NR_KINDS;
}

const struct plot_kind *plot_kind_at(size_t i)
{
	return i < NR_KINDS ? kinds[i] : NULL;
}

const struct plot_kind *plot_find(const char *name)
{
	for (size_t i = 0; i < NR_KINDS; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

const char *plot_script(const struct plot_kind *k)
{
	for (size_t i = 0; i < sizeof(plot_scripts) / sizeof(plot_scripts[0]); i++)
		if (!strcmp(plot_scripts[i].name, k->name))
			return plot_scripts[i].text;
	return NULL;
}

/* ------------------------------------------------------------ helpers */

/* vsnprintf: truncation of long paths in messages is fine and not a warning. */
static void __attribute__((format(printf, 2, 3)))
set_err(struct plot_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->errmsg, sizeof(res->errmsg), fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3))) fmt_path(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ values */

/* KEY@STAT: the statistic of the stored histogram, by the one definition. */
static double stored_hist_stat(struct store *st, int64_t run, const char *key, const char *stat)
{
	struct store_hist h;
	struct hist hv;
	double v;

	if (store__get_hist(st, run, key, &h))
		return NAN;
	hv = store_hist_view(&h);
	if (hist_stat(&hv, stat, &v))
		v = NAN;
	store_hist_clear(&h);
	return v;
}

double plot_eval(struct store *st, int64_t run, const char *expr)
{
	char buf[256];
	char *sep;
	double a, b;

	snprintf(buf, sizeof(buf), "%s", expr);
	sep = strchr(buf, '@');
	if (sep) {
		*sep = 0;
		return stored_hist_stat(st, run, buf, sep + 1);
	}
	sep = strchr(buf, '/');
	if (sep) {
		*sep = 0;
		if (store__get_metric(st, run, buf, &a, NULL, 0) ||
		    store__get_metric(st, run, sep + 1, &b, NULL, 0) || b == 0)
			return NAN;
		return a / b;
	}
	if (store__get_metric(st, run, buf, &a, NULL, 0))
		return NAN;
	return a;
}

/* x of a sweep point: the config value, else a metric of that name. */
static bool x_value(struct store *st, int64_t run, const char *key, double *x)
{
	char *v = store__get_config(st, run, key);

	if (v) {
		char *end;

		*x = strtod(v, &end);
		/* 4k / 2M style sizes */
		if (end != v && *end) {
			switch (*end | 0x20) {
			case 'k':
				*x *= 1024;
				break;
			case 'm':
				*x *= 1024 * 1024;
				break;
			case 'g':
				*x *= 1024.0 * 1024 * 1024;
				break;
			default:
				break;
			}
		}
		free(v);
		return end != v;
	}
	return store__get_metric(st, run, key, x, NULL, 0) == 0;
}

struct src_arg {
	const char *key; /* config key looked for */
	bool is_default; /* its source says "default" */
};

static int src_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct src_arg *a = arg;

	if (strcmp(key, a->key))
		return 0;
	a->is_default = !strcasecmp(source, "default") || !strcasecmp(source, "builtin");
	return 1;
}

static bool config_is_default(struct store *st, int64_t run, const char *key)
{
	struct src_arg a = {key, false};

	store__for_each_config(st, run, src_cb, &a);
	return a.is_default;
}

static void fmt_num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%.6g", v);
}

/* A title safe inside gnuplot's double quotes. */
static void quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' || *s == '\\' ? '\'' : *s, f);
	fputc('"', f);
}

/* A run's legend entry: its label, in words for a sweep's "KEY=VALUE ..." */
static const char *run_title(const struct store_run *r, char *buf, size_t len)
{
	if (r->label && *r->label && finding_label_words(r->label, buf, len))
		return buf;
	if (r->label && *r->label)
		snprintf(buf, len, "%s", r->label);
	else
		snprintf(buf, len, "run %" PRId64 "%s%s", r->id, *r->scenario ? " " : "",
			 r->scenario);
	return buf;
}

/* ------------------------------------------------------------ run selection */

static bool scenario_has(const char *scenario, const char *words)
{
	char w[64];
	const char *p = words;

	while (*p) {
		size_t n = strcspn(p, ",");
		const char *s = scenario;

		snprintf(w, sizeof(w), "%.*s", (int)n, p);
		while (*s) {
			size_t m = strcspn(s, ",");
			size_t name = strcspn(s, ",:="); /* "faulting:resident=0.5" is "faulting" */

			if (name > m)
				name = m;
			if (name == strlen(w) && !strncmp(s, w, name))
				return true;
			s += m + (s[m] == ',');
		}
		p += n + (p[n] == ',');
	}
	return false;
}

/* The runs a plot draws, in id order (see struct plot_opts, plot_kind). */
static int select_runs(struct store *st, const struct plot_kind *k, const struct plot_opts *o,
		       struct store_run **out, size_t *nr_out)
{
	struct store_run *runs;
	size_t nr, n = 0;
	bool any_pref = false, any_set = false;
	int rc = store__list_runs(st, o->where, o->nr_where, &runs, &nr);

	if (rc)
		return rc;
	for (size_t i = 0; i < nr; i++) {
		bool keep;

		if (o->run_ids) {
			keep = false;
			for (size_t j = 0; j < o->nr_run_ids; j++)
				keep |= o->run_ids[j] == runs[i].id;
		} else {
			keep = runs[i].status == 0;
		}
		if (keep)
			runs[n++] = runs[i];
		else
			store_run_clear(&runs[i]);
	}
	nr = n;
	if (!o->run_ids && k->prefer_scenarios) {
		for (size_t i = 0; i < nr; i++)
			any_pref |= scenario_has(runs[i].scenario, k->prefer_scenarios);
		n = 0;
		for (size_t i = 0; i < nr; i++) {
			if (!any_pref || scenario_has(runs[i].scenario, k->prefer_scenarios))
				runs[n++] = runs[i];
			else
				store_run_clear(&runs[i]);
		}
		nr = n;
	}
	if (!o->run_ids && k->shape == PLOT_SWEEP) {
		/* A sweep over X is the runs where X was set, not left at its default. */
		bool *set = calloc(nr ? nr : 1, sizeof(*set));

		if (!set) {
			store_runs_free(runs, nr);
			return -ENOMEM;
		}
		for (size_t i = 0; i < nr; i++) {
			char *v = store__get_config(st, runs[i].id, k->x_key);

			set[i] = v && !config_is_default(st, runs[i].id, k->x_key);
			any_set |= set[i];
			free(v);
		}
		n = 0;
		for (size_t i = 0; i < nr; i++) {
			if (!any_set || set[i])
				runs[n++] = runs[i];
			else
				store_run_clear(&runs[i]);
		}
		nr = n;
		free(set);
	}
	*out = runs;
	*nr_out = nr;
	return 0;
}

/* ------------------------------------------------------------ data writers */

/* What the writers learn for the script's variables. */
struct gp_vars {
	size_t nb;		 /* blocks written */
	double x_max;		 /* SERIES: end of the longest run (ms), one axis for all */
	double window_ms;	 /* SERIES: window width (ms) */
	bool has[PLOT_MAX_COLS]; /* a column has at least one value */
	char blocks[PLOT_MAX_COLS][1024]; /* per column: the blocks that have a value in it */
	size_t panels; /* CDF: small multiples, panels of at most PLOT_MAX_SERIES lines (0: one) */
	size_t per_panel; /* CDF: lines in a full panel */
	bool heatmap;	  /* SERIES: more runs than a panel holds: one heat-map row per run */
};

/* Note that block @b has a value in column @c (the script plots only those
 * blocks, so a run without the metric is a gap, not a gnuplot warning). */
static void has_value(struct gp_vars *gv, size_t c, size_t b)
{
	char num[24], *l = gv->blocks[c];
	size_t len = strlen(l);
	const char *last = strrchr(l, ' ');

	gv->has[c] = true;
	snprintf(num, sizeof(num), "%zu", b);
	if (len && !strcmp(last ? last + 1 : l, num))
		return;
	if (len + strlen(num) + 2 < sizeof(gv->blocks[c]))
		snprintf(l + len, sizeof(gv->blocks[c]) - len, "%s%s", len ? " " : "", num);
}

/*
 * Keep at most PLOT_MAX_SERIES of @n candidates, evenly spaced with the
 * first and the last kept: a panel with more lines cannot be read. Sets
 * keep[i]; returns how many were dropped.
 */
static size_t thin(bool *keep, size_t n)
{
	if (n <= PLOT_MAX_SERIES) {
		for (size_t i = 0; i < n; i++)
			keep[i] = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		keep[i] = false;
	for (size_t j = 0; j < PLOT_MAX_SERIES; j++)
		keep[(j * (n - 1) + (PLOT_MAX_SERIES - 1) / 2) / (PLOT_MAX_SERIES - 1)] = true;
	return n - PLOT_MAX_SERIES;
}

static size_t nr_cols(const struct plot_kind *k)
{
	size_t n = 0;

	while (n < PLOT_MAX_COLS && k->cols[n].expr)
		n++;
	return n;
}

static double scaled(const struct plot_col *c, double v)
{
	return isnan(v) ? v : v * (c->scale ? c->scale : 1);
}

struct sweep_pt {
	char *group; /* group value ("4k") */
	double x;    /* x value */
	size_t run;  /* index into runs */
};

static int cmp_pt(const void *a, const void *b)
{
	const struct sweep_pt *p = a, *q = b;
	int c = strcmp(p->group, q->group);

	if (c)
		return c;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->run < q->run ? -1 : p->run > q->run;
}

static char *group_of(struct store *st, const struct store_run *r, const char *key)
{
	if (!key)
		return strdup("");
	if (!strcmp(key, "scenario"))
		return strdup(r->scenario);
	if (!strcmp(key, "label"))
		return strdup(r->label);
	char *v = store__get_config(st, r->id, key);

	return v ? v : strdup("?");
}

static int write_sweep(FILE *f, struct store *st, const struct plot_kind *k, struct store_run *runs,
		       size_t nr, struct plot_result *res, struct gp_vars *gv)
{
	struct sweep_pt *pts = calloc(nr ? nr : 1, sizeof(*pts));
	size_t n = 0, ncol = nr_cols(k), nr_blocks = 0, nr_groups = 0, g;
	bool *keep_group = NULL;
	const char *header_for = NULL;
	double x_first = 0;
	bool multi_x = false;
	char num[32];

	if (!pts)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		if (!x_value(st, runs[i].id, k->x_key, &pts[n].x))
			continue;
		pts[n].group = group_of(st, &runs[i], k->group_key);
		pts[n].run = i;
		n++;
	}
	qsort(pts, n, sizeof(*pts), cmp_pt);
	for (size_t i = 0; i < n; i++)
		nr_groups += !i || strcmp(pts[i].group, pts[i - 1].group);
	keep_group = calloc(nr_groups ? nr_groups : 1, sizeof(*keep_group));
	if (!keep_group) {
		for (size_t i = 0; i < n; i++)
			free(pts[i].group);
		free(pts);
		return -ENOMEM;
	}
	res->nr_dropped = thin(keep_group, nr_groups);
	if (res->nr_dropped)
		fprintf(
		    f,
		    "# %zu of %zu groups drawn (evenly spaced): a panel holds at most %d lines\n",
		    nr_groups - res->nr_dropped, nr_groups, PLOT_MAX_SERIES);
	fprintf(f, "# x: %s; one block per %s\n", k->x_key, k->group_key ? k->group_key : "-");
	fprintf(f, "# columns: %s", k->x_key);
	for (size_t c = 0; c < ncol; c++)
		fprintf(f, " %s=%s", k->cols[c].header, k->cols[c].expr);
	fprintf(f, " run_id\n");
	g = 0;
	for (size_t i = 0; i < n; i++) {
		const struct store_run *r = &runs[pts[i].run];

		if (i && strcmp(pts[i].group, pts[i - 1].group))
			g++;
		if (!keep_group[g])
			continue;
		/* Same point twice (a re-run): the later run wins. */
		if (i + 1 < n && !strcmp(pts[i].group, pts[i + 1].group) &&
		    pts[i].x == pts[i + 1].x)
			continue;
		double y[PLOT_MAX_COLS];
		bool any = false;

		for (size_t c = 0; c < ncol; c++) {
			y[c] = scaled(&k->cols[c], plot_eval(st, r->id, k->cols[c].expr));
			any |= !isnan(y[c]);
		}
		if (!any)
			continue; /* the run lacks every plotted metric */
		if (!header_for || strcmp(header_for, pts[i].group)) {
			char title[160];

			if (nr_blocks++)
				fputs("\n\n", f);
			finding_value_words(k->group_key, pts[i].group, title, sizeof(title));
			quote(f, title);
			for (size_t c = 0; c < ncol; c++)
				fprintf(f, " %s", k->cols[c].header);
			fprintf(f, " run_id\n");
			header_for = pts[i].group;
		}
		if (!res->nr_rows)
			x_first = pts[i].x;
		else if (pts[i].x != x_first)
			multi_x = true;
		fmt_num(num, sizeof(num), pts[i].x);
		fputs(num, f);
		for (size_t c = 0; c < ncol; c++) {
			if (!isnan(y[c]))
				has_value(gv, c, nr_blocks - 1);
			fmt_num(num, sizeof(num), y[c]);
			fprintf(f, " %s", num);
		}
		fprintf(f, " %" PRId64 "\n", r->id);
		res->nr_rows++;
		res->nr_runs++;
	}
	/* one x value is a point, not a sweep */
	if (!multi_x)
		res->nr_rows = 0;
	for (size_t i = 0; i < n; i++)
		free(pts[i].group);
	free(pts);
	free(keep_group);
	gv->nb = nr_blocks;
	res->nr_series = nr_blocks;
	return 0;
}

static bool has_hist(struct store *st, int64_t run, const char *key)
{
	struct store_hist h;
	bool any;

	if (store__get_hist(st, run, key, &h))
		return false;
	any = h.nr > 0;
	store_hist_clear(&h);
	return any;
}

static int write_cdf(FILE *f, struct store *st, const struct plot_kind *k, struct store_run *runs,
		     size_t nr, struct plot_result *res, struct gp_vars *gv)
{
	char title[160];
	bool *keep = calloc(nr ? nr : 1, sizeof(*keep));
	size_t *cand = calloc(nr ? nr : 1, sizeof(*cand)), nc = 0;

	if (!keep || !cand) {
		free(keep);
		free(cand);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nr; i++)
		if (has_hist(st, runs[i].id, k->hist_key)) {
			keep[nc] = true;
			cand[nc++] = i;
		}
	/* every run is drawn: more than a panel holds become small multiples */
	fprintf(f, "# CDF of histogram %s; one block per run; value = upper bound of the bucket\n",
		k->hist_key);
	for (size_t j = 0; j < nc; j++) {
		size_t i = cand[j];
		struct store_hist h;
		uint64_t cum = 0, total = 0;

		if (!keep[j] || store__get_hist(st, runs[i].id, k->hist_key, &h))
			continue;
		for (uint32_t b = 0; b < RESULTS_HIST_BUCKETS; b++)
			total += h.counts[b];
		if (!total) {
			store_hist_clear(&h);
			continue;
		}
		if (res->nr_runs++)
			fputs("\n\n", f);
		quote(f, run_title(&runs[i], title, sizeof(title)));
		fprintf(f, " cdf run_id=%" PRId64 "\n", runs[i].id);
		/* start the step at the smallest value with 0 below it */
		fprintf(f, "%" PRIu64 " 0\n", h.min);
		for (uint32_t b = 0; b < RESULTS_HIST_BUCKETS; b++) {
			uint64_t hi;

			if (!h.counts[b])
				continue;
			cum += h.counts[b];
			hi = b + 1 < RESULTS_HIST_BUCKETS ? results_hist_bucket_low(b + 1) - 1
							  : h.max;
			if (hi > h.max)
				hi = h.max;
			fprintf(f, "%" PRIu64 " %.6g\n", hi, (double)cum / (double)total);
			res->nr_rows++;
		}
		store_hist_clear(&h);
	}
	free(keep);
	free(cand);
	gv->nb = res->nr_runs;
	res->nr_series = res->nr_runs;
	if (res->nr_runs > PLOT_MAX_SERIES) {
		/* balanced panels: 128 runs are 16 panels of 8, 9 runs 2 of 5 and 4 */
		gv->panels = (res->nr_runs + PLOT_MAX_SERIES - 1) / PLOT_MAX_SERIES;
		gv->per_panel = (res->nr_runs + gv->panels - 1) / gv->panels;
		res->nr_series = gv->per_panel;
		fprintf(f, "# %zu runs in %zu panels of at most %zu lines (small multiples)\n",
			res->nr_runs, gv->panels, gv->per_panel);
	}
	return 0;
}

/*
 * One run's series on one grid: the earliest start is the origin and the
 * widest window the row width; a series on a finer or later grid adds its
 * windows into the rows they start in (runs stored by one model share the
 * grid already, and this is then the identity). Returns the rows (NAN where
 * a series has no window) or NULL for -ENOMEM; *nr_rows 0 if no series.
 */
static double *series_grid(struct store_series *s, size_t ncol, uint64_t *origin_ns,
			   uint64_t *window_ns, size_t *nr_rows)
{
	uint64_t o = UINT64_MAX, w = 0;
	size_t len = 0;
	double *rows;

	for (size_t c = 0; c < ncol; c++) {
		if (!s[c].nr_values)
			continue;
		if (s[c].start_ns < o)
			o = s[c].start_ns;
		if (s[c].window_ns > w)
			w = s[c].window_ns;
	}
	*nr_rows = 0;
	if (!w)
		return calloc(1, sizeof(double));
	for (size_t c = 0; c < ncol; c++) {
		if (!s[c].nr_values)
			continue;
		uint64_t end = s[c].start_ns - o + s[c].nr_values * s[c].window_ns;
		size_t n = (size_t)((end + w - 1) / w);

		if (n > len)
			len = n;
	}
	rows = malloc(len * ncol * sizeof(*rows));
	if (!rows)
		return NULL;
	for (size_t i = 0; i < len * ncol; i++)
		rows[i] = NAN;
	for (size_t c = 0; c < ncol; c++) {
		for (size_t j = 0; j < s[c].nr_values; j++) {
			size_t r = (size_t)((s[c].start_ns - o + j * s[c].window_ns) / w);
			double *cell = &rows[r * ncol + c];

			*cell = (isnan(*cell) ? 0 : *cell) + s[c].values[j];
		}
	}
	*origin_ns = o;
	*window_ns = w;
	*nr_rows = len;
	return rows;
}

static bool has_series(struct store *st, int64_t run, const struct plot_kind *k, size_t ncol)
{
	bool any = false;

	for (size_t c = 0; c < ncol && !any; c++) {
		struct store_series s;

		if (store__get_series(st, run, k->cols[c].expr, &s))
			continue;
		any = s.nr_values > 0;
		store_series_clear(&s);
	}
	return any;
}

static int write_series(FILE *f, struct store *st, const struct plot_kind *k,
			struct store_run *runs, size_t nr, struct plot_result *res,
			struct gp_vars *gv)
{
	size_t ncol = nr_cols(k), nc = 0;
	char title[160], num[32];
	bool *keep = calloc(nr ? nr : 1, sizeof(*keep));
	size_t *cand = calloc(nr ? nr : 1, sizeof(*cand));

	if (!keep || !cand) {
		free(keep);
		free(cand);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nr; i++)
		if (has_series(st, runs[i].id, k, ncol)) {
			keep[nc] = true;
			cand[nc++] = i;
		}
	/* every run is drawn: more than a panel holds become a heat map (a row per run) */
	fprintf(f, "# time series; one block per run; t_ms = start of the window from the run's\n"
		   "# origin (its first timestamp, the same for every column)\n");
	fprintf(f, "# columns: t_ms window_ms");
	for (size_t c = 0; c < ncol; c++)
		fprintf(f, " %s=series %s", k->cols[c].header, k->cols[c].expr);
	fputc('\n', f);
	for (size_t j = 0; j < nc; j++) {
		size_t i = cand[j];
		struct store_series s[PLOT_MAX_COLS];
		uint64_t origin_ns = 0, window_ns = 0;
		size_t len = 0;
		double *rows;

		if (!keep[j])
			continue;
		for (size_t c = 0; c < ncol; c++)
			if (store__get_series(st, runs[i].id, k->cols[c].expr, &s[c]))
				memset(&s[c], 0, sizeof(s[c]));
		rows = series_grid(s, ncol, &origin_ns, &window_ns, &len);
		for (size_t c = 0; c < ncol; c++)
			store_series_clear(&s[c]);
		if (!rows) {
			free(keep);
			free(cand);
			set_err(res, "out of memory");
			return -ENOMEM;
		}
		if (len) {
			double end_ms = (double)len * (double)window_ns / 1e6;

			if (res->nr_runs++)
				fputs("\n\n", f);
			quote(f, run_title(&runs[i], title, sizeof(title)));
			fputs(" window_ms", f);
			for (size_t c = 0; c < ncol; c++)
				fprintf(f, " %s", k->cols[c].header);
			fprintf(f, "\n# origin_ns %" PRIu64 "\n", origin_ns);
			if (end_ms > gv->x_max)
				gv->x_max = end_ms;
			if ((double)window_ns / 1e6 > gv->window_ms)
				gv->window_ms = (double)window_ns / 1e6;
			for (size_t w = 0; w < len; w++) {
				fprintf(f, "%.6g %.6g", (double)w * (double)window_ns / 1e6,
					(double)window_ns / 1e6);
				for (size_t c = 0; c < ncol; c++) {
					double y = scaled(&k->cols[c], rows[w * ncol + c]);

					if (!isnan(y))
						has_value(gv, c, res->nr_runs - 1);
					fmt_num(num, sizeof(num), y);
					fprintf(f, " %s", num);
				}
				fputc('\n', f);
				res->nr_rows++;
			}
		}
		free(rows);
	}
	free(keep);
	free(cand);
	gv->nb = res->nr_runs;
	res->nr_series = res->nr_runs;
	if (res->nr_runs > PLOT_MAX_SERIES) {
		gv->heatmap = true;
		res->nr_series = 0; /* no lines: one row of colour per run */
		fprintf(f, "# %zu runs: a heat map per column, one row per run (block order)\n",
			res->nr_runs);
	}
	return 0;
}

/* BARS: n/a (NAN) when the run has none of the events the value needs. */
static double bar_value(struct store *st, int64_t run, const struct plot_col *c)
{
	double v = scaled(c, plot_eval(st, run, c->expr));

	if (c->count_key && !isnan(v) && v == 0) {
		double n = plot_eval(st, run, c->count_key);

		if (isnan(n) || n == 0)
			return NAN;
	}
	return v;
}

static int write_bars(FILE *f, struct store *st, const struct plot_kind *k, struct store_run *runs,
		      size_t nr, struct plot_result *res, struct gp_vars *gv)
{
	size_t ncol = nr_cols(k);
	char title[160], num[32];

	fprintf(f, "# one row per run; stacked columns\n# columns: run");
	for (size_t c = 0; c < ncol; c++)
		fprintf(f, " %s=%s", k->cols[c].header, k->cols[c].expr);
	fputs(" run_id\n\"run\"", f);
	for (size_t c = 0; c < ncol; c++)
		fprintf(f, " %s", k->cols[c].header);
	fputs(" run_id\n", f);
	for (size_t i = 0; i < nr; i++) {
		double v[PLOT_MAX_COLS];
		bool any = false;

		for (size_t c = 0; c < ncol; c++) {
			v[c] = bar_value(st, runs[i].id, &k->cols[c]);
			any |= !isnan(v[c]);
		}
		if (!any)
			continue;
		quote(f, run_title(&runs[i], title, sizeof(title)));
		for (size_t c = 0; c < ncol; c++) {
			/* "?": the run cannot have this cost (a gap in the stack, not 0) */
			gv->has[c] |= !isnan(v[c]);
			fmt_num(num, sizeof(num), v[c]);
			fprintf(f, " %s", num);
		}
		fprintf(f, " %" PRId64 "\n", runs[i].id);
		res->nr_rows++;
		res->nr_runs++;
	}
	gv->nb = 1;
	for (size_t c = 0; c < ncol; c++)
		res->nr_series += gv->has[c];
	return 0;
}

/* ------------------------------------------------------------ gnuplot */

bool plot_have_gnuplot(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		return false;
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)n, n ? path : ".");
		if (access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

static int run_gnuplot(const char *dir, const char *name, struct plot_result *res)
{
	char gp[128], log[128];
	pid_t pid;
	int status;

	snprintf(gp, sizeof(gp), "%s.gp", name);
	snprintf(log, sizeof(log), "%s.gnuplot.log", name);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd;

		if (chdir(dir) < 0)
			_exit(126);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execlp("gnuplot", "gnuplot", gp, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		set_err(res, "gnuplot failed on %s/%s (status %d); see %s/%s", dir, gp,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1, dir, log);
		return -EIO;
	}
	/* keep the log only when it says something (a warning) */
	{
		char path[PATH_MAX];
		struct stat sb;

		fmt_path(path, "%s/%s", dir, log);
		if (stat(path, &sb) == 0 && sb.st_size == 0)
			unlink(path);
		else
			res->warned = true;
	}
	return 0;
}

/*
 * A gnuplot string literal in double quotes; @wrap > 0 breaks it into lines
 * of at most about @wrap characters at "; " or ", " so a long finding fits
 * the picture's width.
 */
static void gp_string(FILE *f, const char *name, const char *s, size_t wrap)
{
	size_t col = 0;

	fprintf(f, "%s = \"", name);
	for (; *s; s++, col++) {
		/* break after "; " or ", ", or before " · " */
		bool dot = !strncmp(s, " · ", strlen(" · "));

		if (wrap && col > wrap / 2 && (((*s == ';' || *s == ',') && s[1] == ' ') || dot)) {
			const char *next = strpbrk(s + 1, ";,");
			const char *nd = strstr(s + 1, " · ");
			size_t rest;

			if (nd && (!next || nd < next))
				next = nd;
			rest = next ? (size_t)(next - s) : strlen(s);
			if (col + rest > wrap) {
				if (!dot)
					fputc(*s, f);
				fputs("\\n", f);
				s += dot ? strlen(" · ") - 1 : 1; /* the separator */
				col = 0;
				continue;
			}
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputs("\"\n", f);
}

/* The runs' profiles ("qemu-vtd", "2 profiles: a, b") and count for the subtitle. */
static void default_subtitle(struct store *st, const struct store_run *runs, size_t nr,
			     const struct plot_result *res, char *buf, size_t len)
{
	char names[4][128], p[128];
	size_t n = 0, used;

	for (size_t i = 0; i < nr; i++) {
		bool seen = false;

		study_profile_of(st, runs[i].id, p, sizeof(p));
		for (size_t j = 0; j < n && j < 4; j++)
			seen |= !strcmp(names[j], p);
		if (!seen && n < 4)
			snprintf(names[n], sizeof(names[n]), "%s", p);
		n += !seen;
	}
	used = (size_t)snprintf(buf, len, "profile%s ", n > 1 ? "s" : "");
	for (size_t j = 0; j < n && j < 4 && used < len; j++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", j ? ", " : "", names[j]);
	if (used < len)
		snprintf(buf + used, len - used, " · %zu runs", res->nr_runs);
}

static bool nonempty(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && sb.st_size > 0;
}

static int copy_script(const struct plot_kind *k, const struct plot_opts *o, const char *dst,
		       struct plot_result *res, struct store *st, const struct store_run *runs,
		       size_t nr, const struct gp_vars *gv)
{
	const char *text = NULL;
	char *buf = NULL;
	FILE *f;

	if (o->scripts_dir) {
		char src[PATH_MAX];
		size_t len = 0;

		snprintf(src, sizeof(src), "%s/%s.gp", o->scripts_dir, k->name);
		f = fopen(src, "r");
		if (!f) {
			set_err(res, "%s: %s", src, strerror(errno));
			return -errno;
		}
		buf = malloc(1 << 20);
		if (buf)
			len = fread(buf, 1, (1 << 20) - 1, f);
		fclose(f);
		if (!buf)
			return -ENOMEM;
		buf[len] = 0;
		text = buf;
	} else {
		text = plot_script(k);
		if (!text) {
			set_err(res, "no built-in script for plot '%s'", k->name);
			return -ENOENT;
		}
	}
	f = fopen(dst, "w");
	if (!f) {
		set_err(res, "%s: %s", dst, strerror(errno));
		free(buf);
		return -errno;
	}
	/* the variables first: the script below reads them and re-runs stand-alone */
	{
		char sub[512];

		if (o->subtitle)
			snprintf(sub, sizeof(sub), "%s", o->subtitle);
		else
			default_subtitle(st, runs, nr, res, sub, sizeof(sub));
		if (res->nr_dropped)
			snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub),
				 " · %zu %s drawn, %zu left out (a panel holds %d lines)",
				 res->nr_series, k->shape == PLOT_SWEEP ? "groups" : "runs",
				 res->nr_dropped, PLOT_MAX_SERIES);
		if (gv->panels > 1)
			snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub),
				 " · %zu runs in %zu panels (a panel holds %d lines)", gv->nb,
				 gv->panels, PLOT_MAX_SERIES);
		if (gv->heatmap)
			snprintf(
			    sub + strlen(sub), sizeof(sub) - strlen(sub),
			    " · %zu runs as a heat map, a row per run (a panel holds %d lines)",
			    gv->nb, PLOT_MAX_SERIES);
		fprintf(f, "# --- set by svatrace plot from the data ---\n");
		gp_string(f, "plot_title", o->title ? o->title : k->summary, 80);
		gp_string(f, "plot_subtitle", sub, 80);
		fprintf(f, "nb = %zu\n", gv->nb);
		fprintf(f, "panels = %zu\nper_panel = %zu\nheatmap = %d\n",
			gv->panels > 1 ? gv->panels : 1, gv->panels > 1 ? gv->per_panel : gv->nb,
			gv->heatmap);
		fprintf(f, "x_max = %.6g\n", gv->x_max);
		fprintf(f, "window_ms = %.6g\n", gv->window_ms);
		for (size_t c = 0; c < nr_cols(k); c++)
			fprintf(f, "has%zu = %d\nblocks%zu = '%s'\n", c + 1, gv->has[c], c + 1,
				gv->blocks[c]);
		if (k->preamble)
			k->preamble(f, st, runs, nr);
		fprintf(f, "# ---\n");
	}
	fputs(text, f);
	free(buf);
	if (fclose(f)) {
		set_err(res, "%s: %s", dst, strerror(errno));
		return -EIO;
	}
	return 0;
}

int plot_make(struct store *st, const struct plot_kind *k, const struct plot_opts *o,
	      struct plot_result *res)
{
	struct store_run *runs;
	struct gp_vars gv = {0};
	size_t nr;
	FILE *f;
	int rc;

	memset(res, 0, sizeof(*res));
	if (mkdir(o->out_dir, 0755) < 0 && errno != EEXIST) {
		rc = -errno;
		set_err(res, "%s: %s", o->out_dir, strerror(errno));
		return rc;
	}
	fmt_path(res->dat, "%s/%s.dat", o->out_dir, k->name);
	fmt_path(res->gp, "%s/%s.gp", o->out_dir, k->name);
	fmt_path(res->png, "%s/%s.png", o->out_dir, k->name);
	fmt_path(res->svg, "%s/%s.svg", o->out_dir, k->name);
	rc = select_runs(st, k, o, &runs, &nr);
	if (rc) {
		set_err(res, "cannot read runs: %s", store__errmsg(st));
		return rc;
	}
	f = fopen(res->dat, "w");
	if (!f) {
		rc = -errno;
		set_err(res, "%s: %s", res->dat, strerror(errno));
		store_runs_free(runs, nr);
		return rc;
	}
	fprintf(f, "# svatrace plot %s: %s\n# from %s\n", k->name, k->summary, store__path(st));
	switch (k->shape) {
	case PLOT_SWEEP:
		rc = write_sweep(f, st, k, runs, nr, res, &gv);
		break;
	case PLOT_CDF:
		rc = write_cdf(f, st, k, runs, nr, res, &gv);
		break;
	case PLOT_SERIES:
		rc = write_series(f, st, k, runs, nr, res, &gv);
		break;
	case PLOT_BARS:
		rc = write_bars(f, st, k, runs, nr, res, &gv);
		break;
	case PLOT_CUSTOM:
		rc = k->write_dat(f, st, runs, nr, &res->nr_rows, &res->nr_runs);
		break;
	}
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc) {
		store_runs_free(runs, nr);
		set_err(res, "%s: cannot write: %s", res->dat, strerror(-rc));
		return rc;
	}
	if (!res->nr_rows) {
		store_runs_free(runs, nr);
		unlink(res->dat);
		set_err(res, "no selected run has the data for plot '%s'", k->name);
		return -ENODATA;
	}
	rc = copy_script(k, o, res->gp, res, st, runs, nr, &gv);
	store_runs_free(runs, nr);
	if (rc || o->no_render)
		return rc;
	if (!plot_have_gnuplot()) {
		set_err(res,
			"gnuplot is not installed: wrote %s and %s; install it (Debian: apt-get "
			"install gnuplot-nox, "
			"or scripts/install-deps.sh demo) and run 'cd %s && gnuplot %s.gp'",
			res->dat, res->gp, o->out_dir, k->name);
		return -ENOENT;
	}
	rc = run_gnuplot(o->out_dir, k->name, res);
	if (rc)
		return rc;
	if (!nonempty(res->png) || !nonempty(res->svg)) {
		set_err(res, "gnuplot ran but %s or %s is missing or empty; see %s/%s.gnuplot.log",
			res->png, res->svg, o->out_dir, k->name);
		return -EIO;
	}
	res->rendered = true;
	return 0;
}
