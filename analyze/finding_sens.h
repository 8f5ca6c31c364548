/* SPDX-License-Identifier: GPL-2.0 */
/*
 * finding_sens.h - how much a finding depends on the model's estimated
 * parameters, from stored sensitivity studies (`svatrace sweep
 * --sensitivity`, read back with analyze/sensitivity.h). A finding's number
 * is a metric of one run, or the ratio of the same metric in two runs
 * (struct finding: metric, num_run, den_run); a sensitivity study stands
 * for such a run when its base run has the same scenario, config, profile
 * and model revision, on the same trace or on a trace of the same
 * generator. With studies for both runs of a ratio, the change of the
 * ratio at each side of each parameter is (1 + num change) / (1 + den
 * change) - 1. The report prints the parameters that move the number by
 * more than FINDING_SENS_ROBUST, or "robust", or, without sensitivity runs,
 * the command that makes them.
 */
#ifndef SVATRACE_ANALYZE_FINDING_SENS_H
#define SVATRACE_ANALYZE_FINDING_SENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/finding.h"
#include "analyze/sensitivity.h"
#include "analyze/store.h"

#define FINDING_SENS_ROBUST 0.10 /* a relative change at or below this does not move a finding */
#define FINDING_SENS_SHOWN 3	 /* parameters named at most */

struct finding_sens {
	bool measured;	     /* sensitivity runs stand for the finding's run(s) */
	bool partial;	     /* a ratio with runs for one side only */
	int64_t num_base;    /* base run of the study standing for f->num_run, 0: none */
	int64_t den_base;    /* same for f->den_run */
	size_t nr_keys;	     /* parameters varied */
	size_t nr_estimated; /* of which estimates (param_provenance()) */
	size_t nr_moving;    /* parameters that move the number by more than FINDING_SENS_ROBUST */
	char top_key[96];    /* the parameter that moves it most, "" if none */
	double top_factor;   /* its side: 0.5 or 2 (the value tried / base value) */
	double top_rel;	     /* the relative change of the number there */
	char text[1024]; /* the sentence: "depends on ...", "robust: ...", "not measured: ..." */
	char command[2][1024]; /* without runs: the commands that make them ("" if none) */
};

/**
 * finding_sens_of() - the sensitivity of finding @f.
 * @st: store.
 * @runs: every selected run (including sensitivity runs) and @role of each (sens_mark()).
 * @nr: number of runs.
 * @f: the finding (f->metric "" or f->num_run 0: nothing to measure; out->text says so).
 * @db_path: database path for the commands printed when nothing is stored.
 * @param_source: source text of a built-in default (NULL: every default counts as estimated).
 * @out: receives the result.
 *
 * Return: 0, -ENOMEM, or the store's error.
 */
int finding_sens_of(struct store *st, const struct store_run *runs, const enum sens_role *role,
		    size_t nr, const struct finding *f, const char *db_path,
		    const char *(*param_source)(const char *key), struct finding_sens *out);

#endif /* SVATRACE_ANALYZE_FINDING_SENS_H */
