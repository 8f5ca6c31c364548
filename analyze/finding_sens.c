// SPDX-License-Identifier: GPL-2.0
/*
 * finding_sens.c - the estimated parameters a finding depends on (see
 * finding_sens.h). The sensitivity base run that stands for a finding's
 * run is found by comparing what produced them (scenario, every config
 * value but notes, profile, model revision) and what they read (the same
 * trace first, else a trace of the same generator); the effects come from
 * sens_read() on the finding's own metric.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/finding_sens.h"
#include "model/params.h"

/* Config of one run: key, value, source, in the store's order. */
struct kv {
	char **k, **v, **s; /* keys, values, sources */
	size_t nr;	    /* count */
	int err;	    /* -ENOMEM if a copy failed */
};

static int kv_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct kv *c = arg;
	char **k = realloc(c->k, (c->nr + 1) * sizeof(*k)), **v, **s;

	if (k)
		c->k = k;
	v = k ? realloc(c->v, (c->nr + 1) * sizeof(*v)) : NULL;
	if (v)
		c->v = v;
	s = v ? realloc(c->s, (c->nr + 1) * sizeof(*s)) : NULL;
	if (!s) {
		c->err = -ENOMEM;
		return -ENOMEM;
	}
	c->s = s;
	c->k[c->nr] = strdup(key);
	c->v[c->nr] = strdup(value);
	c->s[c->nr] = strdup(source);
	c->nr++;
	if (!c->k[c->nr - 1] || !c->v[c->nr - 1] || !c->s[c->nr - 1])
		c->err = -ENOMEM;
	return c->err;
}

static void kv_clear(struct kv *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		free(c->k[i]);
		free(c->v[i]);
		free(c->s[i]);
	}
	free(c->k);
	free(c->v);
	free(c->s);
	memset(c, 0, sizeof(*c));
}

static const char *kv_get(const struct kv *c, const char *key, const char **source)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->k[i] && !strcmp(c->k[i], key)) {
			if (source)
				*source = c->s[i];
			return c->v[i];
		}
	return NULL;
}

/* Every parameter (notes are text about the run, not parameters) equal. */
static bool same_config(const struct kv *a, const struct kv *b)
{
	size_t na = 0, nb = 0;

	for (size_t i = 0; i < a->nr; i++) {
		const char *v;

		if (!a->k[i] || strstr(a->k[i], ".note"))
			continue;
		na++;
		v = kv_get(b, a->k[i], NULL);
		if (!v || !a->v[i] || strcmp(v, a->v[i]))
			return false;
	}
	for (size_t i = 0; i < b->nr; i++)
		nb += b->k[i] && !strstr(b->k[i], ".note");
	return na == nb;
}

/* The generator of a run's trace, "" if it was not generated. */
static void generator_of(const struct store_run *r, char *buf, size_t len)
{
	json_t *m = *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;
	json_t *g = json_is_object(m) ? json_object_get(m, "generator") : NULL;

	snprintf(buf, len, "%s", json_is_string(g) ? json_string_value(g) : "");
	json_decref(m);
}

/* How well base run @b stands for run @r: 2 same trace, 1 same generator, 0 not. */
static int match(struct store *st, const struct store_run *r, const struct kv *rc,
		 const struct store_run *b, int *err)
{
	char gr[64], gb[64];
	struct kv bc = {0};
	int score;

	if (strcmp(r->scenario, b->scenario) || strcmp(r->profile_hash, b->profile_hash) ||
	    strcmp(r->model_rev, b->model_rev))
		return 0;
	if (!strcmp(r->trace_hash, b->trace_hash)) {
		score = 2;
	} else {
		generator_of(r, gr, sizeof(gr));
		generator_of(b, gb, sizeof(gb));
		score = *gr && !strcmp(gr, gb) ? 1 : 0;
	}
	if (!score)
		return 0;
	store__for_each_config(st, b->id, kv_cb, &bc);
	if (bc.err)
		*err = bc.err;
	if (!same_config(rc, &bc))
		score = 0;
	kv_clear(&bc);
	return score;
}

/* The latest, best-matching base run for run id @id; 0 if none. */
static int64_t base_for(struct store *st, const struct store_run *runs, const enum sens_role *role,
			size_t nr, int64_t id, int *err)
{
	const struct store_run *r = NULL;
	struct kv rc = {0};
	int64_t best = 0;
	int best_score = 0;

	for (size_t i = 0; i < nr; i++)
		if (runs[i].id == id)
			r = &runs[i];
	if (!r)
		return 0;
	store__for_each_config(st, id, kv_cb, &rc);
	if (rc.err)
		*err = rc.err;
	for (size_t i = 0; i < nr && !*err; i++) {
		int s;

		if (role[i] != SENS_BASE && role[i] != SENS_BASE_KEPT)
			continue;
		s = match(st, r, &rc, &runs[i], err);
		if (s && s >= best_score) {
			best_score = s;
			best = runs[i].id;
		}
	}
	kv_clear(&rc);
	return best;
}

/* The command that makes a sensitivity study standing for run @id. */
static void command_for(struct store *st, const struct store_run *runs, size_t nr, int64_t id,
			const char *db_path, char *buf, size_t len)
{
	const struct store_run *r = NULL;
	struct kv c = {0};
	size_t used;

	for (size_t i = 0; i < nr; i++)
		if (runs[i].id == id)
			r = &runs[i];
	if (!r || !*r->trace_path) {
		snprintf(buf, len, "%s", "");
		return;
	}
	used = (size_t)snprintf(buf, len, "svatrace sweep %s --sensitivity --keys estimated",
				r->trace_path);
	if (*r->profile && used < len)
		used += (size_t)snprintf(buf + used, len - used, " --profile %s", r->profile);
	if (*r->scenario && used < len)
		used += (size_t)snprintf(buf + used, len - used, " --scenario '%s'", r->scenario);
	store__for_each_config(st, id, kv_cb, &c);
	for (size_t i = 0; i < c.nr && used < len; i++)
		if (c.s[i] && c.k[i] && c.v[i] &&
		    (!strcmp(c.s[i], "--set") || !strcmp(c.s[i], "--grid")))
			used += (size_t)snprintf(buf + used, len - used, " --set %s=%s", c.k[i],
						 c.v[i]);
	kv_clear(&c);
	if (used < len) {
		used += (size_t)snprintf(buf + used, len - used, " --label 'sens-");
		for (const char *p = *r->label ? r->label : "run"; *p && used + 1 < len; p++)
			buf[used++] = *p == ' ' || *p == '\'' ? '-' : *p;
		buf[used] = 0;
		snprintf(buf + used, len - used, "' -j 2 --db %s", db_path);
	}
}

/* Is parameter @key of run @id an estimate? (its stored source, as the report's appendix) */
static bool is_estimate(const struct kv *c, const char *key,
			const char *(*param_source)(const char *key))
{
	const char *src = NULL;

	if (!kv_get(c, key, &src) || !src)
		return false;
	return !strcmp(param_origin_provenance(src, param_source ? param_source(key) : NULL),
		       "estimated");
}

/* One parameter's effect on the finding's number. */
struct eff {
	char key[96];  /* parameter */
	double lo, hi; /* relative change at x0.5 and x2, NAN if not run */
};

static const struct sens_effect *find_effect(const struct sens_result *r, const char *key)
{
	for (size_t i = 0; r && i < r->nr; i++)
		if (!strcmp(r->v[i].key, key))
			return &r->v[i];
	return NULL;
}

/* The ratio's change from the two sides' changes; one side alone if there is no denominator. */
static double combine(double num, double den, bool ratio)
{
	if (!ratio)
		return num;
	if (isnan(num) || isnan(den) || den <= -1)
		return NAN;
	return (1 + num) / (1 + den) - 1;
}

static double reach(const struct eff *e)
{
	double a = isnan(e->lo) ? 0 : fabs(e->lo), b = isnan(e->hi) ? 0 : fabs(e->hi);

	return a > b ? a : b;
}

static int by_reach(const void *x, const void *y)
{
	double a = reach(x), b = reach(y);

	return a < b   ? 1
	       : a > b ? -1
		       : strcmp(((const struct eff *)x)->key, ((const struct eff *)y)->key);
}

static void fmt_pct(char *buf, size_t len, double rel)
{
	double p = 100 * rel;

	/* "+44066%", "+15%", "-4.1%", "-0.00%": never an exponent */
	snprintf(buf, len, fabs(p) >= 100 ? "%+.0f%%" : fabs(p) >= 1 ? "%+.2g%%" : "%+.2f%%", p);
}

/* "KEY (x0.5 -> +44066%)" for the larger side of @e; "KEY (not an estimate;
 * x2 -> +95%)" when the run's value of KEY is not an estimate. */
static size_t name_effect(char *buf, size_t len, const struct eff *e, bool estimate, double *factor,
			  double *rel)
{
	bool lo = !isnan(e->lo) && (isnan(e->hi) || fabs(e->lo) >= fabs(e->hi));
	char pct[32];

	*factor = lo ? 0.5 : 2;
	*rel = lo ? e->lo : e->hi;
	fmt_pct(pct, sizeof(pct), *rel);
	return (size_t)snprintf(buf, len, "%s (%sx%g → %s)", e->key,
				estimate ? "" : "not an estimate; ", *factor, pct);
}

static int effects(struct store *st, const struct finding *f, struct finding_sens *out,
		   const char *(*param_source)(const char *key))
{
	struct sens_result rn = {0}, rd = {0};
	bool ratio = out->den_base != 0;
	struct eff *e = NULL;
	struct kv c = {0};
	size_t n = 0, used, shown = 0;
	int rc;

	rc = sens_read(st, out->num_base, f->metric, &rn);
	if (!rc && ratio)
		rc = sens_read(st, out->den_base, f->metric, &rd);
	if (rc == -ENOENT) {
		snprintf(out->text, sizeof(out->text),
			 "not measured: the sensitivity runs #%" PRId64 "%s have no %s",
			 out->num_base, ratio ? " and their counterpart" : "", f->metric);
		out->measured = false;
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	e = calloc(rn.nr + rd.nr + 1, sizeof(*e));
	if (!e) {
		rc = -ENOMEM;
		goto out;
	}
	/* the union of both sides' parameters */
	for (size_t s = 0; s < 2; s++) {
		const struct sens_result *r = s ? &rd : &rn;

		for (size_t i = 0; i < r->nr; i++) {
			const struct sens_effect *a = find_effect(&rn, r->v[i].key),
						 *b = find_effect(&rd, r->v[i].key);

			if (s && a)
				continue; /* already taken from the numerator's side */
			snprintf(e[n].key, sizeof(e[n].key), "%s", r->v[i].key);
			e[n].lo = combine(a ? a->lo_rel : NAN, b ? b->lo_rel : NAN, ratio);
			e[n].hi = combine(a ? a->hi_rel : NAN, b ? b->hi_rel : NAN, ratio);
			n++;
		}
	}
	qsort(e, n, sizeof(*e), by_reach);
	store__for_each_config(st, out->num_base, kv_cb, &c);
	out->nr_keys = n;
	for (size_t i = 0; i < n; i++) {
		out->nr_estimated += is_estimate(&c, e[i].key, param_source);
		out->nr_moving += reach(&e[i]) > FINDING_SENS_ROBUST;
	}
	out->measured = true;
	if (n) {
		char tmp[160];

		name_effect(tmp, sizeof(tmp), &e[0], true, &out->top_factor, &out->top_rel);
	}
	snprintf(out->top_key, sizeof(out->top_key), "%s", n ? e[0].key : "");
	{
		const char *est = out->nr_estimated == n ? "estimated " : "";
		char runs[96], estn[48] = "";

		if (out->nr_estimated != n)
			snprintf(estn, sizeof(estn), ", %zu of them estimates", out->nr_estimated);

		if (ratio)
			snprintf(runs, sizeof(runs),
				 "sensitivity runs around #%" PRId64 " and #%" PRId64,
				 out->num_base, out->den_base);
		else
			snprintf(runs, sizeof(runs), "sensitivity runs around #%" PRId64,
				 out->num_base);
		if (!out->nr_moving) {
			char top[160] = "";
			double fa, re;

			if (n)
				name_effect(top, sizeof(top), &e[0],
					    is_estimate(&c, e[0].key, param_source), &fa, &re);
			snprintf(
			    out->text, sizeof(out->text),
			    "robust: no %sparameter moves %s by more than %.0f%% (%zu varied%s, "
			    "each x0.5 and x2%s%s; %s)",
			    est, f->metric_words, 100 * FINDING_SENS_ROBUST, n, estn,
			    n ? "; largest: " : "", top, runs);
		} else {
			used = (size_t)snprintf(out->text, sizeof(out->text), "%s depends on ",
						f->metric_words);
			for (size_t i = 0;
			     i < n && shown < FINDING_SENS_SHOWN && used < sizeof(out->text); i++) {
				double fa, re;

				if (reach(&e[i]) <= FINDING_SENS_ROBUST)
					break;
				if (shown++)
					used += (size_t)snprintf(out->text + used,
								 sizeof(out->text) - used, ", ");
				if (used < sizeof(out->text))
					used += name_effect(
					    out->text + used, sizeof(out->text) - used, &e[i],
					    is_estimate(&c, e[i].key, param_source), &fa, &re);
			}
			if (used < sizeof(out->text) && out->nr_moving > shown)
				used += (size_t)snprintf(out->text + used, sizeof(out->text) - used,
							 " and %zu more", out->nr_moving - shown);
			if (used < sizeof(out->text))
				snprintf(
				    out->text + used, sizeof(out->text) - used,
				    "; the other %zu of %zu %sparameters%s (each x0.5 and x2) move "
				    "it by %.0f%% or less (%s)",
				    n - out->nr_moving, n, est, estn, 100 * FINDING_SENS_ROBUST,
				    runs);
		}
	}
out:
	kv_clear(&c);
	free(e);
	sens_result_clear(&rn);
	sens_result_clear(&rd);
	return rc;
}

int finding_sens_of(struct store *st, const struct store_run *runs, const enum sens_role *role,
		    size_t nr, const struct finding *f, const char *db_path,
		    const char *(*param_source)(const char *key), struct finding_sens *out)
{
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!*f->metric || !f->num_run) {
		snprintf(out->text, sizeof(out->text),
			 "not applicable: the finding states no number of a run");
		return 0;
	}
	out->num_base = base_for(st, runs, role, nr, f->num_run, &err);
	if (!err && f->den_run)
		out->den_base = base_for(st, runs, role, nr, f->den_run, &err);
	if (err)
		return err;
	if (out->num_base && f->den_run && !out->den_base) {
		/* one side only: the change of that run's metric, said as such */
		struct finding g = *f;

		out->partial = true;
		g.den_run = 0;
		snprintf(g.metric_words, sizeof(g.metric_words),
			 "%s of run #%" PRId64 " alone (its counterpart #%" PRId64
			 " has no sensitivity runs)",
			 f->metric, f->num_run, f->den_run);
		return effects(st, &g, out, param_source);
	}
	if (!out->num_base && out->den_base) {
		struct finding g = *f;

		out->partial = true;
		g.num_run = f->den_run;
		g.den_run = 0;
		out->num_base = out->den_base;
		out->den_base = 0;
		snprintf(g.metric_words, sizeof(g.metric_words),
			 "%s of run #%" PRId64 " alone (its counterpart #%" PRId64
			 " has no sensitivity runs)",
			 f->metric, f->den_run, f->num_run);
		return effects(st, &g, out, param_source);
	}
	if (out->num_base)
		return effects(st, f, out, param_source);
	command_for(st, runs, nr, f->num_run, db_path, out->command[0], sizeof(out->command[0]));
	if (f->den_run)
		command_for(st, runs, nr, f->den_run, db_path, out->command[1],
			    sizeof(out->command[1]));
	snprintf(out->text, sizeof(out->text),
		 "not measured: no sensitivity runs stand for %s; to measure it, run%s",
		 f->metric_words, f->den_run ? " (one study per side of the ratio)" : "");
	return 0;
}
