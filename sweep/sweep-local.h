/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sweep-local.h - the sweep plan's definition, shared by the files of
 * sweep/ only (plan.c builds it, runner.c runs it, jobs.c emits it).
 */
#ifndef SVATRACE_SWEEP_LOCAL_H
#define SVATRACE_SWEEP_LOCAL_H

#include "sweep/plan.h"

struct sweep_plan {
	struct sweep_opts o;	 /* borrowed strings (see struct sweep_opts) */
	struct sweep_grid *grid; /* axes (owned) */
	char trace_hash[65];	 /* content hash of the trace */
	struct sweep_point *pts; /* one per point */
	size_t nr_points;	 /* cross product size */
};

struct scenario_chain;

/*
 * sweep_plan_resolve_point() - fresh params of point @idx (caller frees)
 * and its normalised scenario in @spec; NULL with @err filled on failure.
 * @chain: NULL, or receives the point's scenario chain (NULL if it has
 *	none), the one built to read its overrides, for the replay to run
 *	(replay_opts.chain): built once per point (caller frees).
 */
struct params *sweep_plan_resolve_point(const struct sweep_plan *sp, size_t idx,
					struct scenario_chain **chain, char *spec,
					size_t spec_bytes, char *err, size_t err_bytes);

#endif /* SVATRACE_SWEEP_LOCAL_H */
