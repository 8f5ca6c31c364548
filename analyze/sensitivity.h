/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sensitivity.h - the effects of a one-at-a-time sensitivity study
 * (`svatrace sweep --sensitivity`, sweep/sensitivity.h) read back from the
 * results database alone: each varied run is labelled BASE KEY=VALUE (BASE:
 * the label and scenario the runs were made with) and its base run is the
 * run labelled BASE on the same trace, or, when the sweep found that point
 * already stored under another label and did not run it again, the run on
 * the trace with the same scenario whose config differs in KEY alone, by a
 * factor of two. For each parameter: its base value, the low and high values
 * tried and the relative change of one metric at each, ranked by the
 * larger |change| (the order of a tornado plot). Used by `plot tornado` and
 * the report ("which estimated parameters does this finding depend on").
 */
#ifndef SVATRACE_ANALYZE_SENSITIVITY_H
#define SVATRACE_ANALYZE_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/store.h"

/* One parameter's effect. Values are NAN where a side was not run. */
struct sens_effect {
	char key[96];	  /* parameter */
	double base;	  /* its base value */
	double lo, hi;	  /* the values tried below and above */
	double lo_metric; /* the metric at lo */
	double hi_metric; /* the metric at hi */
	double lo_rel;	  /* (lo_metric - base metric) / base metric */
	double hi_rel;	  /* same at hi */
};

struct sens_result {
	int64_t base_run;      /* the base run's id */
	char label[256];       /* its label */
	char metric[96];       /* the metric read (KEY, KEY@STAT or KEY_A/KEY_B) */
	double base_metric;    /* its value in the base run */
	struct sens_effect *v; /* effects, largest max(|lo_rel|, |hi_rel|) first */
	size_t nr;	       /* number of effects */
};

/**
 * sens_find_base() - the base run of the latest sensitivity study labelled
 * @label (its varied runs' labels: @label, maybe a scenario, KEY=VALUE).
 * Return: its id, -ENOENT, -EIO or -ENOMEM.
 */
int64_t sens_find_base(struct store *st, const char *label);

/**
 * sens_default_metric() - the headline metric of run @id: the first it has (not 0) of
 * mean translation latency, mean DSA end-to-end latency, DSA throughput and
 * time to finish. Return: the key (static), or NULL.
 */
const char *sens_default_metric(struct store *st, int64_t id);

/**
 * sens_read() - the effects around base run @base on @metric (NULL: the
 * default metric; a metric, KEY@STAT or a ratio KEY_A/KEY_B). Free with sens_result_clear().
 * Return: 0, -ENOENT (no base run, no metric, or no varied run), -ENOMEM,
 * or the store's error.
 */
int sens_read(struct store *st, int64_t base, const char *metric, struct sens_result *out);

/* What a stored run is to a sensitivity study (sens_mark()). */
enum sens_role {
	SENS_NONE, /* not part of one */
	SENS_BASE, /* a base run the sensitivity sweep made (labelled as its varied runs' BASE) */
	SENS_BASE_KEPT, /* a base run stored before under another label (a design run of its own) */
	SENS_VARIED,	/* a varied run of a base run in the array */
};

/**
 * sens_mark() - the role of each of @nr runs among themselves (complete
 * runs only; others are SENS_NONE).
 * @role: receives @nr roles.
 * Return: 0 or -ENOMEM.
 */
int sens_mark(struct store *st, const struct store_run *runs, size_t nr, enum sens_role *role);

/** sens_result_clear() - free what sens_read() allocated. */
void sens_result_clear(struct sens_result *r);

#endif /* SVATRACE_ANALYZE_SENSITIVITY_H */
