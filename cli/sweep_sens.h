/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sweep_sens.h - `svatrace sweep --sensitivity`: the command-line side of
 * a one-at-a-time sensitivity study (sweep/sensitivity.h runs it,
 * analyze/sensitivity.h reads it back). cmd_sweep.c parses the options and
 * calls this.
 */
#ifndef SVATRACE_CLI_SWEEP_SENS_H
#define SVATRACE_CLI_SWEEP_SENS_H

#include <stdbool.h>

#include "sweep/plan.h"

/* The options of a sensitivity study, as parsed. Strings are borrowed. */
struct cli_sens {
	const struct sweep_opts *o; /* trace, db, profile, --set, --label */
	const char *scenario;	    /* the one --scenario, "" if none */
	const char *keys;	    /* --keys: "estimated" or "K1,K2" */
	const char *metric;	    /* --metric, NULL: the headline metric */
	unsigned int top;	    /* --top: effects printed */
	int nr_jobs;		    /* -j */
	bool json;		    /* --json */
};

/** cli_sweep_sensitivity() - run the study and print its effects. Return: a CLI exit status. */
int cli_sweep_sensitivity(const struct cli_sens *s);

#endif /* SVATRACE_CLI_SWEEP_SENS_H */
