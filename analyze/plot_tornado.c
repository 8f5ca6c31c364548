// SPDX-License-Identifier: GPL-2.0
/*
 * plot_tornado.c - the "tornado" plot of a sensitivity study (`svatrace
 * sweep --sensitivity`): for the parameters the headline metric depends on
 * most, a bar from 0 to its change at x0.5 and one to its change at x2 of
 * the parameter, largest on top. The base run is the last selected run
 * that has varied runs (analyze/sensitivity.h); `--runs LABEL` picks one.
 * Its gnuplot script is analyze/plots/tornado.gp.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/plot.h"
#include "analyze/sensitivity.h"

#define TORNADO_MAX_BARS 12 /* parameters drawn: the rest move the metric less */

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs(" ?", f);
	else
		fprintf(f, " %.6g", v);
}

/* The finding as the title: the parameter the metric moves with most. */
static void title(FILE *f, const struct sens_result *r)
{
	const struct sens_effect *e = &r->v[0];
	bool hi = isnan(e->lo_rel) || (!isnan(e->hi_rel) && fabs(e->hi_rel) >= fabs(e->lo_rel));
	double rel = hi ? e->hi_rel : e->lo_rel;

	if (fabs(rel) < 0.005)
		fprintf(f,
			"# title: %s moves less than 0.5%% when any of %zu parameters is halved "
			"or doubled\n",
			r->metric, r->nr);
	else
		fprintf(f, "# title: %s depends most on %s: %+.0f%% at x%s\n", r->metric, e->key,
			100 * rel, hi ? "2" : "0.5");
}

static int write_tornado(FILE *f, struct store *st, const struct store_run *runs, size_t nr,
			 size_t *nr_rows, size_t *nr_runs)
{
	struct sens_result r;
	enum sens_role *role = calloc(nr ? nr : 1, sizeof(*role));
	size_t n;
	int rc = -ENOENT;

	if (!role)
		return -ENOMEM;
	/* the last selected run with a sensitivity study around it (not one of
	 * its varied runs; a base label may hold '=' in its scenario) */
	if (sens_mark(st, runs, nr, role)) {
		free(role);
		return -ENOMEM;
	}
	for (size_t i = nr; i-- > 0 && rc;)
		if (role[i] != SENS_VARIED)
			rc = sens_read(st, runs[i].id, NULL, &r);
	free(role);
	if (rc)
		return rc == -ENOENT ? 0 : rc; /* no rows: "no selected run has the data" */
	/* parameters that moved it (effects are sorted: the rest moved it by 0) */
	for (n = 0; n < r.nr && n < TORNADO_MAX_BARS; n++)
		if (!(fabs(r.v[n].lo_rel) > 0) && !(fabs(r.v[n].hi_rel) > 0))
			break;
	if (!n)
		n = r.nr < TORNADO_MAX_BARS ? r.nr : TORNADO_MAX_BARS;
	title(f, &r);
	fprintf(f,
		"# subtitle: %s when one parameter is halved or doubled (base %.6g, run #%" PRId64
		"); %zu of %zu parameters\n",
		r.metric, r.base_metric, r.base_run, n, r.nr);
	fputs("# rank (1 = top), parameter, change (%) at the low and high value, the values\n"
	      "\"rank\" \"parameter\" \"low_pct\" \"high_pct\" \"base\" \"low\" \"high\"\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		const struct sens_effect *e = &r.v[i];

		fprintf(f, "%zu \"%s\"", i + 1, e->key);
		num(f, 100 * e->lo_rel);
		num(f, 100 * e->hi_rel);
		num(f, e->base);
		num(f, e->lo);
		num(f, e->hi);
		fputc('\n', f);
	}
	*nr_rows = n;
	*nr_runs = 1 + 2 * r.nr;
	sens_result_clear(&r);
	return 0;
}

const struct plot_kind plot_kind_tornado = {
    .name = "tornado",
    .summary = "sensitivity (sweep --sensitivity): change of the headline metric when each "
	       "parameter is halved or doubled, largest first",
    .shape = PLOT_CUSTOM,
    .write_dat = write_tornado,
};
