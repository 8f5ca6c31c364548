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

const char *sens_default_metric(struct store *st, int64_t id)
{
	for (size_t i = 0; i < sizeof(headline_keys) / sizeof(headline_keys[0]); i++)
		if (!isnan(store__metric_value(st, id, headline_keys[i])))
			return headline_keys[i];
	return NULL;
}

/* @label is @base itself or @base plus words without '=' (the scenario). */
static bool is_base_label(const char *label, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(label, base, n) && (!label[n] || (label[n] == ' ' && !strchr(label, '=')));
}

int64_t sens_find_base(struct store *st, const char *label)
{
	struct store_run *runs = NULL;
	size_t nr = 0;
	int64_t id = -ENOENT;

	if (store__list_runs(st, NULL, 0, &runs, &nr))
		return -EIO;
	for (size_t i = 0; i < nr; i++)
		if (runs[i].status == 0 && is_base_label(runs[i].label, label))
			id = runs[i].id;
	store_runs_free(runs, nr);
	return id;
}

/* KEY of a varied run's label "BASE KEY=VALUE" into @key; false if it is not one. */
static bool varied_key(const char *label, const char *base, char *key, size_t bytes)
{
	size_t n = strlen(base);
	const char *w = label + n + 1, *eq;

	if (strncmp(label, base, n) || label[n] != ' ' || strchr(w, ' '))
		return false;
	eq = strchr(w, '=');
	if (!eq || eq == w || (size_t)(eq - w) >= bytes)
		return false;
	snprintf(key, bytes, "%.*s", (int)(eq - w), w);
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
	char key[96];
	double base, v, m;
	struct sens_effect *e;

	if (r->status != 0 || !varied_key(r->label, out->label, key, sizeof(key)))
		return 0;
	base = config_number(st, out->base_run, key);
	v = config_number(st, r->id, key);
	m = store__metric_value(st, r->id, out->metric);
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
	out->base_metric = metric ? store__metric_value(st, base, metric) : NAN;
	rc = isnan(out->base_metric) ? -ENOENT : 0;
	if (!rc) {
		const struct store_where w = {"trace_hash", b.trace_hash};

		rc = store__list_runs(st, &w, 1, &runs, &nr) ? -EIO : 0;
	}
	for (size_t i = 0; !rc && i < nr; i++)
		rc = add_run(st, &runs[i], out);
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
