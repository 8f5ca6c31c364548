/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - side-by-side comparison of two stored runs: every metric and
 * histogram statistic with its ratio, the config keys that differ, a headline
 * ("B is 1.22x slower than A") and a "why" line naming the biggest changes.
 * Used by `svatrace compare` and the report. Also the run-list syntax shared
 * by the analyze commands ("3,7-9,pinned").
 */
#ifndef SVATRACE_ANALYZE_COMPARE_H
#define SVATRACE_ANALYZE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/store.h"

/* One compared value; a or b is NAN where the run lacks it. */
struct compare_row {
	char *key;     /* metric key, or "HIST@stat" for a histogram statistic */
	char unit[16]; /* unit ("ns", "count", ...) */
	double a;      /* value in run A */
	double b;      /* value in run B */
	double ratio;  /* b / a (NAN if undefined, INFINITY if a == 0 < b) */
};

/* One config key whose value differs. */
struct compare_diff {
	char *key; /* config key, or "(scenario)", "(trace)" */
	char *a;   /* value in A ("" if absent) */
	char *b;   /* value in B */
};

struct compare {
	struct store_run run_a;	    /* run A */
	struct store_run run_b;	    /* run B */
	struct compare_row *rows;   /* metrics in key order */
	size_t nr_rows;		    /* number of rows */
	struct compare_diff *diffs; /* differing config */
	size_t nr_diffs;	    /* number of differing keys */
	size_t nr_same;		    /* config keys with equal values */
	char headline[512];	    /* "B (faulting) is 1.22x slower than A (pinned): ..." */
	char why[1024];		    /* "why: ..." */
};

/** compare_runs() - compare run @a with run @b; free with compare_clear(). */
int compare_runs(struct store *st, int64_t a, int64_t b, struct compare *out);

/** compare_clear() - free what compare_runs() allocated. */
void compare_clear(struct compare *c);

/** compare_fmt_value() - a value for people: ns as ns/us/ms/s, others with %.4g. */
void compare_fmt_value(char *buf, size_t len, double v, const char *unit);

/** compare_fmt_ratio() - "1.25x", "new", "gone", "=" or "-". */
void compare_fmt_ratio(char *buf, size_t len, double a, double b);

/**
 * analyze_parse_runs() - resolve a run list: comma-separated ids, id ranges
 * ("3-7") and labels.
 * @ids: receives a malloc'd array; @nr its length.
 * Return: 0, or -ENOENT/-EEXIST/-EINVAL with @err naming the bad item.
 */
int analyze_parse_runs(struct store *st, const char *spec, int64_t **ids, size_t *nr, char *err,
		       size_t errlen);

#endif /* SVATRACE_ANALYZE_COMPARE_H */
