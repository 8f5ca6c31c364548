/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sensitivity.h - one-at-a-time sensitivity of a run to its parameters:
 * around a base point (a trace, profile, scenario and --set settings), each
 * selected parameter is set to SENS_LO x and SENS_HI x its base value while
 * the others stay put, and every point is replayed into the results
 * database like a sweep point (sweep/plan.h, sweep/runner.h). The base run
 * is labelled LABEL (plus the scenario, as sweep labels are) and each
 * varied run LABEL KEY=VALUE, so the effects can be read back from the
 * database alone (analyze/sensitivity.h) by `plot tornado` and the report.
 *
 * The range: x0.5 and x2 of the base value, the factor-of-two uncertainty
 * an estimate carries when nothing bounds it better. Integer parameters
 * round to the nearest integer; a value the parameter (or a cross-field
 * check, e.g. entries divisible by ways) rejects skips that side of the
 * key, with the reason, and the others go on.
 *
 * Errors: functions return 0 or a negative errno with a message in the
 * caller's buffer; nothing here prints.
 */
#ifndef SVATRACE_SWEEP_SENSITIVITY_H
#define SVATRACE_SWEEP_SENSITIVITY_H

#include <stddef.h>

#include "sweep/plan.h"
#include "sweep/runner.h"

#define SENS_LO 0.5		 /* low side: base value x SENS_LO */
#define SENS_HI 2.0		 /* high side: base value x SENS_HI */
#define SENS_LABEL "sensitivity" /* default label of the base run */
#define SENS_MAX_KEYS 256	 /* parameters varied in one call */

/* What to vary and how to run it. Strings are borrowed. */
struct sens_opts {
	const struct sweep_opts *o;	 /* trace, db, profile, --set; o->label: base label */
	const char *scenario;		 /* scenario spec of every point, "" or NULL: none */
	const char *keys;		 /* "estimated" or "K1,K2,..." */
	int nr_jobs;			 /* workers at once */
	const struct sweep_hooks *hooks; /* progress of each key's points; may be NULL */
};

/* What happened to one varied parameter. */
struct sens_key_report {
	const char *key;   /* parameter */
	const char *base;  /* its base value (text as stored) */
	size_t index;	   /* 0-based, of nr_keys */
	size_t nr_keys;	   /* keys in all */
	size_t nr_ok;	   /* sides stored (now or before) */
	char skipped[640]; /* why a side was not run, "" if both were */
};

/* Totals of sens_run(). */
struct sens_stats {
	size_t nr_keys;	   /* parameters selected */
	size_t nr_sides;   /* varied points stored (now or before) */
	size_t nr_skipped; /* sides not run (bad value, failed point) */
	double wall_s;	   /* wall time of the replays */
};

/**
 * sens_select_keys() - the parameters to vary: "estimated" = every numeric
 * parameter whose source is an estimate (param_provenance()) and whose base
 * value is not 0; else a comma list of numeric keys.
 * @keys: receives a malloc'd array of static key strings (free() it).
 * Return: 0, -ENOENT (unknown key) or -EINVAL (not numeric, empty, too
 * many) with @err naming it.
 */
int sens_select_keys(const struct sens_opts *so, const char ***keys, size_t *nr, char *err,
		     size_t err_bytes);

/**
 * sens_run() - run the base point and both sides of every key of @keys.
 * @on_key: called after each key (may be NULL) with @ctx.
 * Return: 0 (some sides may be skipped: see the reports), -EINTR when a
 * signal stopped it, or another -errno with @err (the base point failed,
 * the trace or database cannot be read).
 */
int sens_run(const struct sens_opts *so, const char *const *keys, size_t nr,
	     void (*on_key)(void *ctx, const struct sens_key_report *r), void *ctx,
	     struct sens_stats *stats, char *err, size_t err_bytes);

#endif /* SVATRACE_SWEEP_SENSITIVITY_H */
