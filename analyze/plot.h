/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plot.h - plots of stored runs: the C side writes a data file (DIR/KIND.dat)
 * from the results store and runs gnuplot on the kind's script
 * (analyze/plots/KIND.gp, copied to DIR/KIND.gp) to draw DIR/KIND.png and
 * DIR/KIND.svg. Adding a plot is one .gp file and one entry of the kinds
 * table in plot.c; a kind names the keys it reads (model/metric_keys.h).
 * The script copy starts with variables computed from the data (title,
 * subtitle with the profile, number of blocks, common axis ranges), so it
 * re-runs stand-alone; gnuplot's log is kept only if it has warnings.
 */
#ifndef SVATRACE_ANALYZE_PLOT_H
#define SVATRACE_ANALYZE_PLOT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/store.h"

#define PLOT_MAX_COLS 8 /* y columns / series / stacks per kind */
#define PLOT_MAX_SERIES                                                                            \
	8 /* lines in one panel: more runs are small multiples (CDF) or a heat                     \
	     map (time series); more sweep groups are thinned (noted) */

/* How a kind turns runs into rows of its data file. */
enum plot_shape {
	PLOT_SWEEP,  /* one row per run: x = a config key, y = columns; one block per group */
	PLOT_CDF,    /* one block per run: value, cumulative fraction of a histogram */
	PLOT_SERIES, /* one block per run: time (ms), one column per series key */
	PLOT_BARS,   /* one row per run: label, one column per stacked metric */
	PLOT_CUSTOM, /* the kind's own write_dat() */
};

/* One data column. expr is "KEY" (a metric), "KEY_A/KEY_B" (ratio of two
 * metrics) or "KEY@STAT" (a histogram statistic: mean p50 p90 p99 p999 min
 * max nr); for PLOT_SERIES a series key. */
struct plot_col {
	const char *header;    /* column name in the data file (with its unit) */
	const char *expr;      /* what to read */
	double scale;	       /* multiply by this (0 means 1) */
	const char *count_key; /* BARS: n/a (a gap, not 0) when this count is absent or 0 */
};

struct plot_kind {
	const char *name;	      /* "iotlb-sweep": the plot command word and file names */
	const char *summary;	      /* one line for --help */
	enum plot_shape shape;	      /* data layout */
	const char *x_key;	      /* SWEEP: config key (or metric) on the x axis */
	const char *group_key;	      /* SWEEP: config key or run column, one line per value */
	const char *hist_key;	      /* CDF: histogram key */
	const char *prefer_scenarios; /* without --runs: keep runs whose scenario has one of
					 these comma-separated words, if any do */
	struct plot_col cols[PLOT_MAX_COLS]; /* data columns, ended by a NULL expr */
	/* optional: more gnuplot variables for the script from the runs drawn
	 * (the IOTLB sweep's reach marks); writes "name = value" lines */
	void (*preamble)(FILE *f, struct store *st, const struct store_run *runs, size_t nr);
	/* PLOT_CUSTOM: write the data rows from the selected runs; 0 or -errno */
	int (*write_dat)(FILE *f, struct store *st, const struct store_run *runs, size_t nr,
			 size_t *nr_rows, size_t *nr_runs);
};

/* Which runs a plot uses and where it goes. */
struct plot_opts {
	const int64_t *run_ids;		 /* runs to use, NULL: every complete run */
	size_t nr_run_ids;		 /* length of run_ids */
	const struct store_where *where; /* further filters (AND) */
	size_t nr_where;		 /* length of where */
	const char *out_dir;		 /* output directory (created if missing) */
	const char *scripts_dir;	 /* read KIND.gp from here, NULL: the built-in copy */
	bool no_render;			 /* write .dat and .gp only */
	const char *title;		 /* plot title (a finding), NULL: the kind's summary */
	const char *subtitle;		 /* second title line, NULL: the runs' profiles and count */
};

/* What plot_make() produced. */
struct plot_result {
	size_t nr_runs;	    /* runs that contributed */
	size_t nr_rows;	    /* data rows written */
	bool rendered;	    /* gnuplot drew the PNG and SVG */
	bool warned;	    /* gnuplot printed warnings (kept in KIND.gnuplot.log) */
	size_t nr_series;   /* lines drawn in the busiest panel */
	size_t nr_dropped;  /* sweep groups left out to stay within PLOT_MAX_SERIES */
	char dat[PATH_MAX]; /* data file */
	char gp[PATH_MAX];  /* script copy */
	char png[PATH_MAX]; /* PNG (if rendered) */
	char svg[PATH_MAX]; /* SVG (if rendered) */
	char errmsg[512];   /* why not rendered / failed */
};

/** plot_nr_kinds() - number of plot kinds. */
size_t plot_nr_kinds(void);

/** plot_kind_at() - kind @i (0 <= i < plot_nr_kinds()). */
const struct plot_kind *plot_kind_at(size_t i);

/** plot_find() - kind named @name, NULL if none. */
const struct plot_kind *plot_find(const char *name);

/** plot_script() - text of the built-in gnuplot script of @k. */
const char *plot_script(const struct plot_kind *k);

/**
 * plot_make() - write DIR/KIND.dat and DIR/KIND.gp, then run gnuplot.
 * @st: results store.
 * @k: plot kind.
 * @o: runs and output.
 * @res: what was produced; res->errmsg explains a failure.
 *
 * Return: 0 if drawn (or written, with o->no_render); -ENODATA if no
 * selected run has the data the kind needs (nothing written); -ENOENT if
 * gnuplot is not installed (data and script written); other negative errno.
 */
int plot_make(struct store *st, const struct plot_kind *k, const struct plot_opts *o,
	      struct plot_result *res);

/**
 * plot_eval() - value of column expression @expr for run @run (see
 * struct plot_col); NAN if the run lacks it.
 */
double plot_eval(struct store *st, int64_t run, const char *expr);

/** plot_have_gnuplot() - true if gnuplot is in PATH. */
bool plot_have_gnuplot(void);

#endif /* SVATRACE_ANALYZE_PLOT_H */
