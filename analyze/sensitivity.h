/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sensitivity.h - the effects of a one-at-a-time sensitivity study
 * (`svatrace sweep --sensitivity`, sweep/sensitivity.h) read back from the
 * results database alone: the base run is labelled BASE (the label and
 * scenario the runs were made with), each varied run BASE KEY=VALUE on the
 * same trace. For each parameter: its base value, the low and high values
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
	char metric[96];       /* the metric read (KEY or KEY@STAT) */
	double base_metric;    /* its value in the base run */
	struct sens_effect *v; /* effects, largest max(|lo_rel|, |hi_rel|) first */
	size_t nr;	       /* number of effects */
};

/**
 * sens_find_base() - the latest complete run labelled @label (or @label
 * plus a scenario, without a KEY=VALUE word).
 * Return: its id, or -ENOENT.
 */
int64_t sens_find_base(struct store *st, const char *label);

/**
 * sens_default_metric() - the headline metric of run @id: the first it has of
 * mean translation latency, mean DSA end-to-end latency, DSA throughput and
 * time to finish. Return: the key (static), or NULL.
 */
const char *sens_default_metric(struct store *st, int64_t id);

/**
 * sens_read() - the effects around base run @base on @metric (NULL: the
 * default metric). Free with sens_result_clear().
 * Return: 0, -ENOENT (no base run, no metric, or no varied run), -ENOMEM,
 * or the store's error.
 */
int sens_read(struct store *st, int64_t base, const char *metric, struct sens_result *out);

/** sens_result_clear() - free what sens_read() allocated. */
void sens_result_clear(struct sens_result *r);

#endif /* SVATRACE_ANALYZE_SENSITIVITY_H */
