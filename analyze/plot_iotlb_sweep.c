// SPDX-License-Identifier: GPL-2.0
/*
 * plot_iotlb_sweep.c - the "iotlb-sweep" plot: IOTLB miss rate and
 * translation latency against IOTLB entries, one line per page size (a sweep
 * over iotlb.entries), with the IOTLB reach marked: for each page size, the
 * size at which entries x page size equals the trace's footprint (when its
 * generator states one).
 * Its gnuplot script is analyze/plots/iotlb-sweep.gp; the keys it reads are
 * named in model/metric_keys.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/finding.h"
#include "analyze/plot.h"
#include "model/metric_keys.h"

#define MAX_MARKS 8 /* page sizes marked */

static void reach_marks(FILE *f, struct store *st, const struct store_run *runs, size_t nr)
{
	double pages[MAX_MARKS], fp = NAN;
	size_t n = 0;

	for (size_t i = 0; i < nr; i++) {
		char *v = store__get_config(st, runs[i].id, CFG_PAGE_SIZE);
		double p = v ? finding_parse_bytes(v) : NAN;
		bool seen = false;

		free(v);
		if (isnan(fp))
			fp = finding_footprint_bytes(&runs[i]);
		for (size_t j = 0; j < n; j++)
			seen |= pages[j] == p;
		if (!isnan(p) && p > 0 && !seen && n < MAX_MARKS)
			pages[n++] = p;
	}
	if (isnan(fp) || !n) {
		fprintf(f, "nr_marks = 0\n");
		return;
	}
	fprintf(f, "nr_marks = %zu\narray mark_x[%zu]\narray mark_t[%zu]\n", n, n, n);
	for (size_t j = 0; j < n; j++) {
		char ps[32], fs[32];

		finding_fmt_bytes(ps, sizeof(ps), pages[j]);
		finding_fmt_bytes(fs, sizeof(fs), fp);
		fprintf(f, "mark_x[%zu] = %.6g\nmark_t[%zu] = 'reach = %s footprint (%s pages)'\n",
			j + 1, fp / pages[j], j + 1, fs, ps);
	}
}

const struct plot_kind plot_kind_iotlb_sweep = {
    .name = "iotlb-sweep",
    .summary = "IOTLB miss rate and translation latency vs IOTLB entries, one line per page size",
    .shape = PLOT_SWEEP,
    .x_key = CFG_IOTLB_ENTRIES,
    .group_key = CFG_PAGE_SIZE,
    .cols =
	{
	    {"miss_rate_pct", KEY_IOTLB_MISSES "/" KEY_IOTLB_LOOKUPS, 100, NULL},
	    {"lat_mean_ns", KEY_XLATE_LAT "@mean", 1, NULL},
	    {"lat_p99_ns", KEY_XLATE_LAT "@p99", 1, NULL},
	},
    .preamble = reach_marks,
};
