// SPDX-License-Identifier: GPL-2.0
/*
 * sensitivity.c - one-at-a-time sensitivity runs (see sensitivity.h). Each
 * key is one small sweep plan (its two sides on one axis), so points are
 * resolved, keyed, skipped when already stored and run in worker processes
 * exactly as `svatrace sweep` does; a second call finishes an interrupted
 * one.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/registry.h"
#include "sweep/sensitivity.h"

static bool numeric(const struct param_def *d)
{
	return d->type == PARAM_U64 || d->type == PARAM_U32 || d->type == PARAM_DOUBLE;
}

/* The base point's parameters, resolved as its run will be. */
static struct params *base_params(const struct sens_opts *so, char *err, size_t err_bytes)
{
	struct params *p = params__new(svt_param_registry);
	char spec[512];

	if (!p) {
		snprintf(err, err_bytes, "parameter tables: %s", strerror(errno));
		return NULL;
	}
	if (sweep_resolve(p, so->o->profile, so->scenario, so->o->user, so->o->nr_user, spec,
			  sizeof(spec), err, err_bytes)) {
		params__free(p);
		errno = EINVAL;
		return NULL;
	}
	return p;
}

/* A parameter's value text as a number, NAN if it is not one. */
static double number_of(const char *text)
{
	char *end;
	double v = strtod(text, &end);

	return end != text && !*end ? v : NAN;
}

static double value_of(const struct params *p, const char *key)
{
	char buf[64];

	return params__value_text(p, key, buf, sizeof(buf)) ? NAN : number_of(buf);
}

static int add_key(const char ***keys, size_t *nr, const char *key, char *err, size_t err_bytes)
{
	const char **k;

	if (*nr == SENS_MAX_KEYS) {
		snprintf(err, err_bytes, "more than %d parameters to vary", SENS_MAX_KEYS);
		return -EINVAL;
	}
	k = realloc(*keys, (*nr + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	k[(*nr)++] = key;
	*keys = k;
	return 0;
}

/* params__foreach() context of estimated_keys(). */
struct est_ctx {
	const char ***keys; /* chosen so far */
	size_t *nr;	    /* entries of *keys */
	char *err;	    /* message buffer */
	size_t err_bytes;   /* its size */
	int rc;		    /* first error */
};

/*
 * A numeric estimate whose base value is not 0 (x0.5 and x2 of 0 is 0). An
 * estimate is judged by where the base point's value came from, as the
 * report judges it: a profile's cited value (qemu-vtd's inval.qi_wait_ns) is
 * not one even when the built-in default is, and a --set value is the user's.
 */
static void est_key(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	struct est_ctx *c = ctx;
	size_t kl = strlen(d->key);
	double v = number_of(value);

	/* a seed is a choice of sample, not a quantity with a size */
	if (c->rc || (kl >= 5 && !strcmp(d->key + kl - 5, ".seed")))
		return;
	if (numeric(d) && !strcmp(param_origin_provenance(origin, d->source), "estimated") &&
	    !isnan(v) && v != 0)
		c->rc = add_key(c->keys, c->nr, d->key, c->err, c->err_bytes);
}

static int estimated_keys(const struct params *p, const char ***keys, size_t *nr, char *err,
			  size_t err_bytes)
{
	struct est_ctx c = {keys, nr, err, err_bytes, 0};

	params__foreach(p, est_key, &c);
	if (!c.rc && !*nr) {
		snprintf(err, err_bytes, "no estimated numeric parameter has a non-zero value");
		c.rc = -EINVAL;
	}
	return c.rc;
}

static int listed_keys(const struct params *p, const char *spec, const char ***keys, size_t *nr,
		       char *err, size_t err_bytes)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	int rc = copy ? 0 : -ENOMEM;

	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !rc;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct param_def *d = params__find(p, tok);

		if (!d) {
			snprintf(err, err_bytes, "--keys: no parameter '%s'", tok);
			rc = -ENOENT;
		} else if (!numeric(d)) {
			snprintf(err, err_bytes, "--keys: '%s' is not a number (x%g, x%g need one)",
				 tok, SENS_LO, SENS_HI);
			rc = -EINVAL;
		} else {
			rc = add_key(keys, nr, d->key, err, err_bytes); /* d->key is static */
		}
	}
	free(copy);
	if (!rc && !*nr) {
		snprintf(err, err_bytes, "--keys: no parameter named");
		rc = -EINVAL;
	}
	return rc;
}

int sens_select_keys(const struct sens_opts *so, const char ***keys, size_t *nr, char *err,
		     size_t err_bytes)
{
	struct params *p = base_params(so, err, err_bytes);
	int rc;

	*keys = NULL;
	*nr = 0;
	if (!p)
		return -errno;
	if (!so->keys || !strcmp(so->keys, "estimated"))
		rc = estimated_keys(p, keys, nr, err, err_bytes);
	else
		rc = listed_keys(p, so->keys, keys, nr, err, err_bytes);
	params__free(p);
	if (rc) {
		free(*keys);
		*keys = NULL;
		*nr = 0;
	}
	return rc;
}

/*
 * Run one plan of @grid (owned from here on): its points stored now or
 * before are counted in @stored. Return: 0 or -errno with @err.
 */
static int run_grid(const struct sens_opts *so, struct store *db, struct sweep_grid *grid,
		    size_t *stored, double *wall_s, char *err, size_t err_bytes)
{
	struct sweep_plan *sp = sweep_plan__new(so->o, grid, err, err_bytes);
	size_t counts[SWEEP_NR_PT_STATES];
	double w = 0;
	int rc;

	if (!sp)
		return -errno;
	rc = sweep_plan__check_store(sp, db, err, err_bytes);
	sweep_plan__count(sp, counts);
	if (!rc && counts[SWEEP_PT_TODO])
		rc = sweep_plan__run_into(sp, db, so->nr_jobs, so->hooks, &w);
	sweep_plan__count(sp, counts);
	*stored = counts[SWEEP_PT_OK] + counts[SWEEP_PT_DONE_BEFORE];
	*wall_s += w;
	if (rc && rc != -EINTR && !*err)
		snprintf(err, err_bytes, "%s", strerror(-rc));
	sweep_plan__free(sp);
	return rc;
}

/* A grid of the base point (@axis NULL) or of one axis "KEY=V1[,V2]". */
static struct sweep_grid *make_grid(const struct sens_opts *so, const char *axis, char *err,
				    size_t err_bytes)
{
	struct sweep_grid *g = sweep_grid__new();
	struct params *check = axis ? params__new(svt_param_registry) : NULL;
	int rc = g && (!axis || check) ? 0 : -ENOMEM;

	if (!rc && so->scenario && *so->scenario)
		rc = sweep_grid__add_scenario(g, so->scenario);
	if (!rc && axis)
		rc = sweep_grid__add_axis(g, axis, check, err, err_bytes);
	params__free(check);
	if (rc) {
		if (rc == -ENOMEM)
			snprintf(err, err_bytes, "out of memory");
		sweep_grid__free(g);
		errno = -rc;
		return NULL;
	}
	return g;
}

/* A side's value as text: integers rounded, "" if it equals the base. */
static void side_text(const struct param_def *d, double base, double f, char *buf, size_t bytes)
{
	double v = base * f;

	if (d->type != PARAM_DOUBLE) {
		v = (double)llround(v);
		if (v == base) {
			buf[0] = '\0';
			return;
		}
		snprintf(buf, bytes, "%.0f", v);
		return;
	}
	snprintf(buf, bytes, "%.17g", v);
}

/*
 * Run the points of axis "KEY=VALUES"; @stored gets how many are stored.
 * Return: 0, -EINTR/-ENOMEM (stop), or another -errno with @err (this
 * axis could not be run: a value the parameter or a cross-field check
 * rejects, a failed point).
 */
static int run_axis(const struct sens_opts *so, struct store *db, const char *axis, size_t *stored,
		    struct sens_stats *st, char *err, size_t err_bytes)
{
	struct sweep_grid *g = make_grid(so, axis, err, err_bytes);

	*stored = 0;
	return g ? run_grid(so, db, g, stored, &st->wall_s, err, err_bytes) : -errno;
}

/* Both sides of @key in one plan; after a refusal, each side alone. */
static int run_key(const struct sens_opts *so, struct store *db, const struct params *p,
		   const char *key, struct sens_key_report *r, struct sens_stats *st)
{
	const struct param_def *d = params__find(p, key);
	double base = value_of(p, key);
	char side[2][48], axis[256], err[512] = "";
	size_t stored = 0;
	int rc = -EINVAL;

	side_text(d, base, SENS_LO, side[0], sizeof(side[0]));
	side_text(d, base, SENS_HI, side[1], sizeof(side[1]));
	if (*side[0] && *side[1]) {
		snprintf(axis, sizeof(axis), "%s=%s,%s", key, side[0], side[1]);
		rc = run_axis(so, db, axis, &stored, st, err, sizeof(err));
		if (rc == -EINTR || rc == -ENOMEM)
			return rc;
		r->nr_ok = stored;
		if (!rc && stored == 2)
			return 0;
	}
	r->nr_ok = 0;
	for (int k = 0; k < 2; k++) {
		if (!*side[k]) {
			snprintf(r->skipped, sizeof(r->skipped), "x%g rounds to the base value",
				 k ? SENS_HI : SENS_LO);
			continue;
		}
		snprintf(axis, sizeof(axis), "%s=%s", key, side[k]);
		err[0] = '\0';
		rc = run_axis(so, db, axis, &stored, st, err, sizeof(err));
		if (rc == -EINTR || rc == -ENOMEM)
			return rc;
		r->nr_ok += stored;
		if (rc || !stored)
			snprintf(r->skipped, sizeof(r->skipped), "x%g: %s", k ? SENS_HI : SENS_LO,
				 *err ? err : "the point failed");
	}
	return 0;
}

int sens_run(const struct sens_opts *so, const char *const *keys, size_t nr,
	     void (*on_key)(void *ctx, const struct sens_key_report *r), void *ctx,
	     struct sens_stats *st, char *err, size_t err_bytes)
{
	struct params *p = base_params(so, err, err_bytes);
	struct sweep_grid *g;
	struct store *db = NULL;
	size_t stored = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!p)
		return -errno;
	st->nr_keys = nr;
	/* one connection for every key's plan: an open parses the file's schema */
	if (so->o->db)
		db = store__open(so->o->db, STORE_CREATE | STORE_ONE_PER_POINT, err, err_bytes);
	if (!db) {
		rc = so->o->db ? -errno : -EINVAL;
		if (!so->o->db)
			snprintf(err, err_bytes, "a sensitivity run needs a database (--db)");
		params__free(p);
		return rc;
	}
	g = make_grid(so, NULL, err, err_bytes);
	rc = g ? run_grid(so, db, g, &stored, &st->wall_s, err, err_bytes) : -errno;
	if (!rc && !stored) {
		snprintf(err, err_bytes, "the base point failed (see the message above)");
		rc = -EIO;
	}
	for (size_t i = 0; !rc && i < nr; i++) {
		struct sens_key_report r = {.key = keys[i], .index = i, .nr_keys = nr};
		char base[64];

		params__value_text(p, keys[i], base, sizeof(base));
		r.base = base;
		rc = run_key(so, db, p, keys[i], &r, st);
		st->nr_sides += r.nr_ok;
		st->nr_skipped += 2 - (r.nr_ok > 2 ? 2 : r.nr_ok);
		if (on_key)
			on_key(ctx, &r);
	}
	if (rc == -EINTR)
		snprintf(err, err_bytes, "interrupted: run the same command again to finish");
	store__close(db);
	params__free(p);
	return rc;
}
