/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - a design-review report of stored runs. The runs are grouped
 * into studies (analyze/study.h: one input, one tool version and profile);
 * the first screen states each study's finding with its cause
 * (analyze/finding.h), then what is measured and what is modelled, then one
 * section per study (its baseline, configs, metrics, plots; never compared
 * with another study), and an appendix of parameter sources. Writes
 * DIR/report.html (self-contained: images embedded as data URIs) and
 * DIR/report.md (images referenced relatively); each study's plot files go
 * to DIR/STUDY/, once.
 */
#ifndef SVATRACE_ANALYZE_REPORT_H
#define SVATRACE_ANALYZE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/store.h"

#define REPORT_MAX_COLS 8  /* runs side by side; a bigger study is a sweep (one row per run) */
#define REPORT_MAX_ROWS 40 /* rows of a sweep table; the rest are in the plots' data files */

struct report_opts {
	const int64_t *run_ids;		 /* runs (first = baseline), NULL: every complete run */
	size_t nr_run_ids;		 /* length of run_ids */
	const struct store_where *where; /* further filters */
	size_t nr_where;		 /* length of where */
	const char *out_dir;		 /* output directory */
	const char *question;		 /* the question the report answers, NULL: generated */
	const char *study;		 /* only this study (by name), NULL: all */
	const char *baseline;		 /* label (or id) of the baseline run of its study */
	bool no_render;			 /* do not run gnuplot (no images) */
	/* source text of parameter @key's built-in default, NULL if unknown
	 * (the CLI passes the parameter registry's; NULL: not looked up) */
	const char *(*param_source)(const char *key);
};

struct report_result {
	size_t nr_runs;	   /* runs in the report */
	size_t nr_studies; /* studies (sections) */
	size_t nr_plots;   /* plots drawn and included */
	char html[4096];   /* path of report.html */
	char md[4096];	   /* path of report.md */
	char errmsg[512];  /* on failure */
};

/**
 * report_write() - write the report.
 * Return: 0, -ENODATA if no run is selected, -ENOENT if o->study or
 * o->baseline names nothing selected, or a negative errno (errmsg says why).
 */
int report_write(struct store *st, const struct report_opts *o, struct report_result *res);

#endif /* SVATRACE_ANALYZE_REPORT_H */
