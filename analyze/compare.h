/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - side-by-side comparison of two stored runs: every metric and
 * histogram statistic with its ratio, the config keys that differ, a headline
 * ("B is 1.22x slower than A") and a "why" naming the components of the
 * latency decomposition that moved most (or else the biggest changes), as
 * text and as numbers (struct compare_headline, struct compare_why).
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

/* The headline as numbers: B's value of one whole-run measure against A's. */
struct compare_headline {
	const char *metric; /* row key (static), NULL: no common whole-run measure */
	const char *unit;   /* its unit ("ns", "desc/s") */
	double baseline;    /* A's value */
	double value;	    /* B's value */
	double ratio;	    /* value / baseline */
	double speedup;	    /* > 1: B is faster (throughput ratio, or inverse time ratio) */
};

#define COMPARE_MAX_WHY 4 /* components named in a "why" */

/* One component of the why: a decomposition part, or a metric that moved. */
struct compare_part {
	char key[96];	/* metric key ("submit.part.wq_wait_ns", "iotlb.misses") */
	char words[64]; /* for people ("WQ queueing"); the key for a metric */
	char unit[16];	/* unit of a, b, delta */
	double a;	/* A's value (a part: per unit of work, see compare_why.per) */
	double b;	/* B's value */
	double delta;	/* b - a */
};

/*
 * Why B differs from A. From a latency decomposition when both runs have
 * one (keys PREFIX.NAME_ns summing to a total): the parts whose per-unit
 * value changed most; else the metrics whose ratio changed most.
 */
struct compare_why {
	const char *prefix; /* decomposition used ("xlate.part."), NULL: metrics */
	const char *per;    /* parts are ns per this ("descriptor", "access", "run") */
	double total_a;	    /* parts summed, A (ns per unit) */
	double total_b;	    /* parts summed, B */
	double total_delta; /* total_b - total_a */
	struct compare_part part[COMPARE_MAX_WHY]; /* largest |delta| first */
	size_t nr;				   /* components used */
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
	struct compare_headline hl; /* the headline as numbers */
	struct compare_why cause;   /* the why as numbers */
};

/*
 * Decompositions the why knows, in order: per family the key prefix of its
 * parts, the metric counting its units of work, the run total of the
 * parts, the mean they add up to per unit, and the unit's name. A family whose count is absent
 * still works: the count is derived from the mean, or the parts compare as run totals.
 */
struct compare_family {
	const char *prefix;    /* "xlate.part." */
	const char *count_key; /* units the parts are summed over, or NULL */
	const char *total_key; /* the parts' run total, or NULL */
	const char *mean_key;  /* total per unit (a histogram mean row), or NULL */
	const char *per;       /* "access", "descriptor" */
};

extern const struct compare_family compare_families[];
extern const size_t compare_nr_families;

/** compare_runs() - compare run @a with run @b; free with compare_clear(). */
int compare_runs(struct store *st, int64_t a, int64_t b, struct compare *out);

/**
 * compare_decompose() - the why from decomposition @fam of a compared pair:
 * each part PREFIX.NAME_ns per unit of work in A and B, the components
 * whose value moved most named in words ("page-request queueing").
 * @c: filled by compare_runs().
 * Return: 0, or -ENOENT if A or B has no part of @fam.
 */
int compare_decompose(const struct compare *c, const struct compare_family *fam,
		      struct compare_why *out);

/**
 * compare_part_words() - a part name of family @prefix (PREFIX_XLATE_PART,
 * PREFIX_SUBMIT_PART) in words: "pri_handler_wait" -> "page-request queueing
 * (fault-handler wait)"; a trailing "_ns" is ignored; an unknown name with
 * its underscores as spaces. The one word table (compare and report).
 */
void compare_part_words(const char *prefix, const char *name, char *buf, size_t len);

/** compare_clear() - free what compare_runs() allocated. */
void compare_clear(struct compare *c);

/** compare_fmt_value() - a value for people: ns as ns/us/ms/s, others with %.4g. */
void compare_fmt_value(char *buf, size_t len, double v, const char *unit);

/** compare_fmt_ratio() - "1.25x", "new", "gone", "=" or "-". */
void compare_fmt_ratio(char *buf, size_t len, double a, double b);

/**
 * analyze_find_run() - resolve one run named by id or label, as every
 * analyze command takes it (compare A B, report --baseline).
 * Return: the id; or -ENOENT (@err: "no run 'dwq 16 client' ...; did you
 * mean 'dwq 16 clients'?" when a stored label is a plausible typo away),
 * -EEXIST (label of several runs), another -errno.
 */
int64_t analyze_find_run(struct store *st, const char *name, char *err, size_t errlen);

/**
 * analyze_parse_runs() - resolve a run list: comma-separated ids, id ranges
 * ("3-7") and labels.
 * @ids: receives a malloc'd array; @nr its length.
 * Return: 0, or -ENOENT/-EEXIST/-EINVAL with @err naming the bad item.
 */
int analyze_parse_runs(struct store *st, const char *spec, int64_t **ids, size_t *nr, char *err,
		       size_t errlen);

#endif /* SVATRACE_ANALYZE_COMPARE_H */
