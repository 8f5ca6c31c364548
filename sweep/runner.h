/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - run a sweep plan's TODO points on this machine, each in its
 * own forked worker process, at most N at a time.
 *
 * Why a process per point: a crash, an out-of-memory kill or a Ctrl-C loses
 * only the points in flight. Workers share nothing but the database (WAL,
 * busy timeout, one short transaction per run: analyze/store.h); a worker
 * killed before its commit leaves no partial run.
 *
 * Signals: while it runs, SIGINT, SIGTERM and SIGHUP stop the sweep: no new
 * worker starts, the running ones get SIGTERM, and the call returns -EINTR
 * once they are reaped. The previous handlers are restored on return.
 *
 * The runner prints nothing: progress and failed points reach the caller
 * through hooks (called in the parent process only).
 */
#ifndef SVATRACE_SWEEP_RUNNER_H
#define SVATRACE_SWEEP_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep/plan.h"

#define SWEEP_MAX_JOBS 256 /* workers at once */

/* Where a local run stands. */
struct sweep_progress {
	size_t total;	     /* points to run this time */
	size_t done;	     /* finished (ok or failed) */
	size_t failed;	     /* of which failed */
	size_t running;	     /* in flight */
	double elapsed_s;    /* since the run started */
	double last_point_s; /* wall time of the last finished point */
};

struct sweep_hooks {
	/* after every change and, with tick_1s, once a second; may be NULL */
	void (*progress)(void *ctx, const struct sweep_progress *pg);
	/* point @idx failed (its state, wait status and time are set); may be NULL */
	void (*point_failed)(void *ctx, const struct sweep_plan *sp, size_t idx);
	void *ctx;    /* their first argument */
	bool tick_1s; /* also call progress once a second (SIGALRM) */
};

/**
 * sweep_plan__run() - run every SWEEP_PT_TODO point of @sp into its database.
 * @sp: plan with a database (sweep_opts.db); run sweep_plan__check_db() first
 *	to skip the points already stored.
 * @nr_jobs: workers at once, 1..SWEEP_MAX_JOBS.
 * @hooks: progress and failure reports; may be NULL.
 * @wall_s: receives the wall time of the run, seconds.
 *
 * Each point ends SWEEP_PT_OK, SWEEP_PT_FAILED or SWEEP_PT_INTERRUPTED; a
 * failed point does not stop the others.
 *
 * Return: 0 when every TODO point was run (whether or not it failed: see
 * the point states), -EINTR when a signal stopped the sweep, -EINVAL for a
 * bad @nr_jobs or a plan without a database, or the -errno of fork() (the
 * running workers are stopped as for a signal).
 */
int sweep_plan__run(struct sweep_plan *sp, int nr_jobs, const struct sweep_hooks *hooks,
		    double *wall_s);

#endif /* SVATRACE_SWEEP_RUNNER_H */
