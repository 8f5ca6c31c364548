// SPDX-License-Identifier: GPL-2.0
/*
 * sensitivity.c - a sensitivity study read back from the results database
 * (see sensitivity.h). Varied runs are recognised by their label (the base
 * label plus one KEY=VALUE word) and the trace they ran on; the values
 * tried come from their stored config, not from the label text.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/plot.h"
#include "analyze/sensitivity.h"
#include "lib/hist.h"
#include "model/metric_keys.h"

/* Headline metrics in order of preference (as compare's headline). */
static const char *const headline_keys[] = {
    KEY_XLATE_LAT "@mean",
    KEY_DESC_E2E_LAT "@mean",
    KEY_WQ_THROUGHPUT,
    KEY_RUN_DURATION,
};

/* @metric of run @id: a metric, KEY@STAT, or a ratio A/B (plot_eval()). */
static double metric_of(struct store *st, int64_t id, const char *metric)
{
	return strchr(metric, '/') ? plot_eval(st, id, metric)
				   : store__metric_value(st, id, metric);
}

const char *sens_default_metric(struct store *st, int64_t id)
{
	/* a metric at 0 (no translations in a DSA run without the
	 * translation model) has no relative change: take the next */
	for (size_t i = 0; i < sizeof(headline_keys) / sizeof(headline_keys[0]); i++) {
		double v = store__metric_value(st, id, headline_keys[i]);

		if (!isnan(v) && v != 0)
			return headline_keys[i];
	}
	return NULL;
}

/* @w (up to a space or the end) is KEY=VALUE with KEY a parameter name:
 * letters, digits, '_' and '.' (a scenario spec such as
 * "faulting:resident=0.5" or "pinned,inval=lazy" is not one). */
static bool is_setting(const char *w)
{
	size_t k = strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");

	return k > 0 && w[k] == '=';
}

/* @label is @base itself or @base plus one word that is not a setting (the
 * scenario sweep labels add). */
static bool is_base_label(const char *label, const char *base)
{
	size_t n = strlen(base);
	const char *w;

	if (strncmp(label, base, n))
		return false;
	w = label + n + (label[n] != 0);
	return !label[n] || (label[n] == ' ' && *w && !strchr(w, ' ') && !is_setting(w));
}

/*
 * A varied run's label "STEM KEY=VALUE": its STEM and KEY; false if it is
 * not one. The STEM's first word is the study's label, never a setting (a
 * grid's labels "iotlb.entries=16 pt.page_bytes=2M" are not a study).
 */
static bool split_varied(const char *label, char *stem, size_t stem_bytes, char *key,
			 size_t key_bytes)
{
	const char *w = strrchr(label, ' '), *eq;

	if (!w || w == label || is_setting(label) || !is_setting(w + 1))
		return false;
	eq = strchr(w + 1, '=');
	if ((size_t)(w - label) >= stem_bytes || (size_t)(eq - w - 1) >= key_bytes)
		return false;
	snprintf(stem, stem_bytes, "%.*s", (int)(w - label), label);
	snprintf(key, key_bytes, "%.*s", (int)(eq - w - 1), w + 1);
	return true;
}

static double config_number(struct store *st, int64_t id, const char *key)
{
	char *v = store__get_config(st, id, key), *end;
	double x;

	if (!v)
		return NAN;
	x = strtod(v, &end);
	if (end == v || *end)
		x = NAN;
	free(v);
	return x;
}

/* Config values of one run, to compare two runs. */
struct cfg {
	char **k, **v; /* keys, values */
	size_t nr;     /* count */
	int err;       /* -ENOMEM if a copy failed */
};

static int cfg_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct cfg *c = arg;
	char **k = realloc(c->k, (c->nr + 1) * sizeof(*k)), **v;

	(void)source;
	if (k)
		c->k = k;
	v = k ? realloc(c->v, (c->nr + 1) * sizeof(*v)) : NULL;
	if (!v)
		return c->err = -ENOMEM;
	c->v = v;
	c->k[c->nr] = strdup(key);
	c->v[c->nr] = strdup(value);
	if (!c->k[c->nr] || !c->v[c->nr])
		c->err = -ENOMEM;
	c->nr++;
	return c->err;
}

static void cfg_clear(struct cfg *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		free(c->k[i]);
		free(c->v[i]);
	}
	free(c->k);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static const char *cfg_get(const struct cfg *c, const char *key)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->k[i] && !strcmp(c->k[i], key))
			return c->v[i];
	return NULL;
}

/* @x is @base x SENS_LO or x SENS_HI of the sweep side, to integer rounding. */
static bool is_side(double x, double base)
{
	return fabs(x - 0.5 * base) <= 0.5 || fabs(x - 2 * base) <= 0.5;
}

/* Runs @b (a base candidate) and @v (a varied run of @key) differ in @key
 * only, by a factor of two (notes are text about a run, not parameters). */
static bool differs_in_only(const struct cfg *b, const struct cfg *v, const char *key)
{
	size_t nb = 0, nv = 0;
	const char *x = cfg_get(b, key), *y = cfg_get(v, key);
	char *ex, *ey;
	double dx, dy;

	if (!x || !y)
		return false;
	dx = strtod(x, &ex);
	dy = strtod(y, &ey);
	if (ex == x || *ex || ey == y || *ey || dx == dy || !is_side(dy, dx))
		return false;
	for (size_t i = 0; i < b->nr; i++) {
		const char *w;

		if (!b->k[i] || strstr(b->k[i], ".note") || !strcmp(b->k[i], key))
			continue;
		nb++;
		w = cfg_get(v, b->k[i]);
		if (!w || !b->v[i] || strcmp(w, b->v[i]))
			return false;
	}
	for (size_t i = 0; i < v->nr; i++)
		nv += v->k[i] && !strstr(v->k[i], ".note") && strcmp(v->k[i], key);
	return nb == nv;
}

/* One sensitivity study found in a run list: its stem and trace, and base. */
struct group {
	char stem[256];	   /* label of the varied runs without " KEY=VALUE" */
	const char *trace; /* trace hash (borrowed) */
	int64_t base;	   /* base run id, 0 if none was found */
};

/*
 * The base run of varied run @v (index into @runs) with label stem @stem and
 * key @key: the run labelled @stem on the same trace; else (the sweep found
 * the base point already stored under another label and did not run it
 * again) the latest run on the trace with the same scenario whose config
 * differs from @v's in @key alone. 0 if none.
 */
static int64_t find_base(struct store *st, const struct store_run *runs, size_t nr, size_t v,
			 const char *stem, const char *key, int *err)
{
	struct cfg cv = {0};
	int64_t base = 0;
	char s2[256], k2[96];

	for (size_t j = 0; j < nr; j++)
		if (runs[j].status == 0 && !strcmp(runs[j].label, stem) &&
		    !strcmp(runs[j].trace_hash, runs[v].trace_hash))
			base = runs[j].id;
	if (base)
		return base;
	store__for_each_config(st, runs[v].id, cfg_cb, &cv);
	for (size_t j = 0; j < nr && !cv.err; j++) {
		struct cfg cb = {0};

		if (j == v || runs[j].status != 0 ||
		    strcmp(runs[j].trace_hash, runs[v].trace_hash) ||
		    strcmp(runs[j].scenario, runs[v].scenario) ||
		    (split_varied(runs[j].label, s2, sizeof(s2), k2, sizeof(k2)) &&
		     !strcmp(s2, stem)))
			continue;
		store__for_each_config(st, runs[j].id, cfg_cb, &cb);
		if (cb.err)
			cv.err = cb.err;
		else if (differs_in_only(&cb, &cv, key))
			base = runs[j].id;
		cfg_clear(&cb);
	}
	if (cv.err)
		*err = cv.err;
	cfg_clear(&cv);
	return base;
}

/* @base_of[i]: the base run id of run @i if it is a varied run, else 0. */
static int bases_of(struct store *st, const struct store_run *runs, size_t nr, int64_t *base_of)
{
	struct group *g = NULL;
	size_t ng = 0;
	int err = 0;

	for (size_t i = 0; i < nr && !err; i++) {
		char stem[256], key[96];
		size_t k;

		base_of[i] = 0;
		if (runs[i].status != 0 ||
		    !split_varied(runs[i].label, stem, sizeof(stem), key, sizeof(key)))
			continue;
		for (k = 0; k < ng; k++)
			if (!strcmp(g[k].stem, stem) && !strcmp(g[k].trace, runs[i].trace_hash))
				break;
		if (k == ng) {
			struct group *t = realloc(g, (ng + 1) * sizeof(*g));

			if (!t) {
				err = -ENOMEM;
				break;
			}
			g = t;
			snprintf(g[ng].stem, sizeof(g[ng].stem), "%s", stem);
			g[ng].trace = runs[i].trace_hash;
			g[ng].base = find_base(st, runs, nr, i, stem, key, &err);
			ng++;
		}
		base_of[i] = g[k].base;
	}
	free(g);
	return err;
}

int64_t sens_find_base(struct store *st, const char *label)
{
	struct store_run *runs = NULL;
	int64_t *base_of, id = -ENOENT;
	size_t nr = 0;

	if (store__list_runs(st, NULL, 0, &runs, &nr))
		return -EIO;
	base_of = calloc(nr ? nr : 1, sizeof(*base_of));
	if (!base_of || bases_of(st, runs, nr, base_of)) {
		free(base_of);
		store_runs_free(runs, nr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nr; i++) {
		char stem[256], key[96];

		if (base_of[i] &&
		    split_varied(runs[i].label, stem, sizeof(stem), key, sizeof(key)) &&
		    is_base_label(stem, label) && base_of[i] > id)
			id = base_of[i];
	}
	free(base_of);
	store_runs_free(runs, nr);
	return id;
}

static struct sens_effect *effect_of(struct sens_result *r, const char *key, double base)
{
	struct sens_effect *v;

	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i].key, key))
			return &r->v[i];
	v = realloc(r->v, (r->nr + 1) * sizeof(*v));
	if (!v)
		return NULL;
	r->v = v;
	v = &r->v[r->nr++];
	*v = (struct sens_effect){.base = base,
				  .lo = NAN,
				  .hi = NAN,
				  .lo_metric = NAN,
				  .hi_metric = NAN,
				  .lo_rel = NAN,
				  .hi_rel = NAN};
	snprintf(v->key, sizeof(v->key), "%s", key);
	return v;
}

static double reach(const struct sens_effect *e)
{
	double a = isnan(e->lo_rel) ? 0 : fabs(e->lo_rel),
	       b = isnan(e->hi_rel) ? 0 : fabs(e->hi_rel);

	return a > b ? a : b;
}

static int by_reach(const void *x, const void *y)
{
	double a = reach(x), b = reach(y);

	return a < b   ? 1
	       : a > b ? -1
		       : strcmp(((const struct sens_effect *)x)->key,
				((const struct sens_effect *)y)->key);
}

/* Add varied run @r (same trace as the base) to @out. */
static int add_run(struct store *st, const struct store_run *r, struct sens_result *out)
{
	char stem[256], key[96];
	double base, v, m;
	struct sens_effect *e;

	if (!split_varied(r->label, stem, sizeof(stem), key, sizeof(key)))
		return 0;
	base = config_number(st, out->base_run, key);
	v = config_number(st, r->id, key);
	m = metric_of(st, r->id, out->metric);
	if (isnan(base) || isnan(v) || v == base || isnan(m))
		return 0;
	e = effect_of(out, key, base);
	if (!e)
		return -ENOMEM;
	/* a later run of the same side (re-run) replaces the earlier */
	if (v < base) {
		e->lo = v;
		e->lo_metric = m;
		e->lo_rel = out->base_metric ? (m - out->base_metric) / out->base_metric : NAN;
	} else {
		e->hi = v;
		e->hi_metric = m;
		e->hi_rel = out->base_metric ? (m - out->base_metric) / out->base_metric : NAN;
	}
	return 0;
}

int sens_read(struct store *st, int64_t base, const char *metric, struct sens_result *out)
{
	struct store_run b, *runs = NULL;
	int64_t *base_of = NULL;
	size_t nr = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store__get_run(st, base, &b))
		return -ENOENT;
	out->base_run = base;
	snprintf(out->label, sizeof(out->label), "%s", b.label);
	if (!metric)
		metric = sens_default_metric(st, base);
	if (metric)
		snprintf(out->metric, sizeof(out->metric), "%s", metric);
	out->base_metric = metric ? metric_of(st, base, metric) : NAN;
	rc = isnan(out->base_metric) ? -ENOENT : 0;
	if (!rc) {
		const struct store_where w = {"trace_hash", b.trace_hash};

		rc = store__list_runs(st, &w, 1, &runs, &nr) ? -EIO : 0;
	}
	base_of = calloc(nr ? nr : 1, sizeof(*base_of));
	if (!rc)
		rc = base_of ? bases_of(st, runs, nr, base_of) : -ENOMEM;
	for (size_t i = 0; !rc && i < nr; i++)
		if (base_of[i] == base)
			rc = add_run(st, &runs[i], out);
	free(base_of);
	store_runs_free(runs, nr);
	store_run_clear(&b);
	if (!rc && !out->nr)
		rc = -ENOENT;
	if (rc) {
		sens_result_clear(out);
		return rc;
	}
	qsort(out->v, out->nr, sizeof(*out->v), by_reach);
	return 0;
}

void sens_result_clear(struct sens_result *r)
{
	free(r->v);
	r->v = NULL;
	r->nr = 0;
}

int sens_mark(struct store *st, const struct store_run *runs, size_t nr, enum sens_role *role)
{
	int64_t *base_of = calloc(nr ? nr : 1, sizeof(*base_of));
	int rc = base_of ? bases_of(st, runs, nr, base_of) : -ENOMEM;

	for (size_t i = 0; i < nr; i++)
		role[i] = SENS_NONE;
	for (size_t i = 0; !rc && i < nr; i++) {
		char stem[256], key[96];

		if (!base_of[i] ||
		    !split_varied(runs[i].label, stem, sizeof(stem), key, sizeof(key)))
			continue;
		role[i] = SENS_VARIED;
		for (size_t j = 0; j < nr; j++)
			if (runs[j].id == base_of[i] && role[j] == SENS_NONE)
				role[j] = strcmp(runs[j].label, stem) ? SENS_BASE_KEPT : SENS_BASE;
	}
	free(base_of);
	return rc;
}
