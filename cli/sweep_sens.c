// SPDX-License-Identifier: GPL-2.0
/*
 * sweep_sens.c - `svatrace sweep --sensitivity` (see sweep_sens.h): selects
 * the parameters, runs the base point and both sides of each parameter
 * with a line of progress per parameter on stderr, then prints the
 * parameters the metric depends on most (largest |change| first) and how
 * to draw the tornado.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/sensitivity.h"
#include "cli/cli.h"
#include "cli/sweep_sens.h"
#include "sweep/sensitivity.h"

#define CMD "sweep"

static void on_key(void *ctx, const struct sens_key_report *r)
{
	(void)ctx;
	fprintf(stderr, "sensitivity: [%zu/%zu] %s (base %s): %zu of 2 sides stored%s%s\n",
		r->index + 1, r->nr_keys, r->key, r->base, r->nr_ok, *r->skipped ? "; " : "",
		r->skipped);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void print_json(const struct sens_result *r, const struct sens_stats *st)
{
	json_t *arr = json_array(), *o;

	for (size_t i = 0; i < r->nr; i++) {
		const struct sens_effect *e = &r->v[i];

		json_array_append_new(arr,
				      json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "key",
						e->key, "base", num(e->base), "low", num(e->lo),
						"high", num(e->hi), "low_metric", num(e->lo_metric),
						"high_metric", num(e->hi_metric), "low_rel",
						num(e->lo_rel), "high_rel", num(e->hi_rel)));
	}
	o = json_pack("{s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:f, s:o}", "base_run",
		      (json_int_t)r->base_run, "label", r->label, "metric", r->metric,
		      "base_metric", num(r->base_metric), "keys", (json_int_t)st->nr_keys, "sides",
		      (json_int_t)st->nr_sides, "skipped", (json_int_t)st->nr_skipped, "wall_s",
		      st->wall_s, "effects", arr);
	json_dumpf(o, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(o);
}

static void print_text(const struct cli_sens *s, const struct sens_result *r,
		       const struct sens_stats *st)
{
	size_t n = r->nr < s->top ? r->nr : s->top;

	printf("sensitivity of %s (base %.6g, run #%" PRId64 " '%s') to %zu parameters, each x0.5 "
	       "and x2; %zu sides stored, %zu skipped, %.1f s\n",
	       r->metric, r->base_metric, r->base_run, r->label, st->nr_keys, st->nr_sides,
	       st->nr_skipped, st->wall_s);
	printf("%-34s %14s %10s %10s\n", "PARAMETER", "BASE", "x0.5", "x2");
	for (size_t i = 0; i < n; i++) {
		const struct sens_effect *e = &r->v[i];
		char lo[16] = "n/a", hi[16] = "n/a";

		if (!isnan(e->lo_rel))
			snprintf(lo, sizeof(lo), "%+.2f%%", 100 * e->lo_rel);
		if (!isnan(e->hi_rel))
			snprintf(hi, sizeof(hi), "%+.2f%%", 100 * e->hi_rel);
		printf("%-34s %14.6g %10s %10s\n", e->key, e->base, lo, hi);
	}
	if (r->nr > n)
		printf("(%zu more, smaller; --top N or --json for all)\n", r->nr - n);
	printf("draw it: svatrace plot tornado --db %s --runs '%s' -o DIR\n", s->o->db, r->label);
}

/* Read the study back from the database, as the plot and the report will. */
static int report(const struct cli_sens *s, const char *label, const struct sens_stats *st)
{
	char err[512];
	struct store *db = store__open(s->o->db, STORE_READONLY, err, sizeof(err));
	struct sens_result r;
	int64_t base;
	int rc;

	if (!db)
		return cli_error(CMD, "%s", err);
	base = sens_find_base(db, label);
	rc = base < 0 ? (int)base : sens_read(db, base, s->metric, &r);
	if (rc) {
		store__close(db);
		if (s->metric && base >= 0)
			return cli_error(CMD, "%s: run #%" PRId64 " has no metric '%s'", s->o->db,
					 base, s->metric);
		return cli_error(CMD, "%s: no sensitivity study labelled '%s' to read back",
				 s->o->db, label);
	}
	if (s->json)
		print_json(&r, st);
	else
		print_text(s, &r, st);
	sens_result_clear(&r);
	store__close(db);
	return CLI_OK;
}

int cli_sweep_sensitivity(const struct cli_sens *s)
{
	struct sweep_opts o = *s->o;
	struct sens_opts so = {
	    .o = &o, .scenario = s->scenario, .keys = s->keys, .nr_jobs = s->nr_jobs};
	struct cli_sens s2 = *s;
	struct sens_stats st;
	const char **keys = NULL;
	char err[1024] = "";
	size_t nr = 0;
	int rc;

	if (!o.label)
		o.label = SENS_LABEL;
	s2.o = &o;
	if (sweep_trace_check(o.trace, err, sizeof(err)))
		return cli_error(CMD, "%s", err);
	rc = sens_select_keys(&so, &keys, &nr, err, sizeof(err));
	if (rc)
		return rc == -ENOMEM ? cli_error(CMD, "out of memory")
				     : cli_usage_error(CMD, "%s", err);
	fprintf(stderr, "sensitivity: %zu parameters x0.5 and x2 around %s: up to %zu replays\n",
		nr, o.trace, 2 * nr + 1);
	rc = sens_run(&so, keys, nr, on_key, NULL, &st, err, sizeof(err));
	free(keys);
	if (rc)
		return cli_error(CMD, "sensitivity: %s", err);
	return report(&s2, o.label, &st);
}
