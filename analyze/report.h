/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - a one-page design-review report of stored runs: the question,
 * the trace and host the runs came from, the configs compared, a table of
 * key metrics with ratios to the first run, "faster/slower and why" lines,
 * and every plot the runs have data for. Writes DIR/report.html (self-
 * contained: images embedded as data URIs) and DIR/report.md (images
 * referenced relatively), plus the plots' files.
 */
#ifndef SVATRACE_ANALYZE_REPORT_H
#define SVATRACE_ANALYZE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/store.h"

#define REPORT_MAX_COLS 8 /* runs shown side by side in tables */

struct report_opts {
	const int64_t *run_ids;		 /* runs (first = baseline), NULL: every complete run */
	size_t nr_run_ids;		 /* length of run_ids */
	const struct store_where *where; /* further filters */
	size_t nr_where;		 /* length of where */
	const char *out_dir;		 /* output directory */
	const char *question;		 /* the question the report answers, NULL: generated */
	bool no_render;			 /* do not run gnuplot (no images) */
};

struct report_result {
	size_t nr_runs;	  /* runs in the report */
	size_t nr_plots;  /* plots drawn and included */
	char html[4096];  /* path of report.html */
	char md[4096];	  /* path of report.md */
	char errmsg[512]; /* on failure */
};

/**
 * report_write() - write the report.
 * Return: 0, -ENODATA if no run is selected, or a negative errno (errmsg says why).
 */
int report_write(struct store *st, const struct report_opts *o, struct report_result *res);

#endif /* SVATRACE_ANALYZE_REPORT_H */
