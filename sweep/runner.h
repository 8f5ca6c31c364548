/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - run a sweep plan's TODO points on this machine, each in its
 * own forked worker process, at most N at a time.
 *
 * Why a process per point: a crash, an out-of-memory kill or a Ctrl-C loses
 * only the points in flight. A worker replays into a results database in
 * memory and hands its image to the parent (analyze/store.h, "runs handed
 * over"), which stores each run in one short transaction as its worker
 * ends: a worker killed before it ends leaves no partial run, and no worker
 * opens (or parses the schema of) the file. The parent's connection is
 * never used by a worker; it is outside any transaction at each fork().
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

#include "replay/replay.h"
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
 * Each point ends SWEEP_PT_OK, SWEEP_PT_FAILED or SWEEP_PT_INTERRUPTED
 * (or SWEEP_PT_DONE_BEFORE when a concurrent sweep stored it first); a
 * failed point does not stop the others. A worker that runs past
 * o.point_timeout_s is killed (SIGALRM); one whose allocations pass
 * o.point_mem_bytes (RLIMIT_AS) fails: both are failed points whose
 * sweep_point_reason() names the limit.
 *
 * Return: 0 when every TODO point was run (whether or not it failed: see
 * the point states), -EINTR when a signal stopped the sweep, -EINVAL for a
 * bad @nr_jobs or a plan without a database, or the -errno of fork() (the
 * running workers are stopped as for a signal).
 */
/* One point's replay, resolved: what the worker runs. */
struct sweep_point_run {
	struct params *params;	      /* the point's parameters (owned) */
	struct scenario_chain *chain; /* its scenario chain, NULL: none (owned) */
	char spec[1024];	      /* its normalised scenario */
	char label[1200];	      /* its run label */
	struct replay_opts opts;      /* for replay_run(): the above, the trace and its hash */
};

/**
 * sweep_point__prepare() - resolve point @idx of @sp for a replay: its
 * parameters and its scenario chain, built once (the one that gave the
 * overrides runs: replay_opts.chain), label and seed.
 * Return: 0, -EINVAL (the point does not resolve: @err says why) or -ENOMEM.
 */
int sweep_point__prepare(const struct sweep_plan *sp, size_t idx, struct sweep_point_run *run,
			 char *err, size_t err_bytes);

/** sweep_point__release() - free what sweep_point__prepare() made. */
void sweep_point__release(struct sweep_point_run *run);

/**
 * sweep_point_reason() - why point @idx failed, in words ("time limit of 5 s
 * exceeded", "memory limit of 268435456 bytes exceeded", "exit status 1",
 * "signal 11").
 */
void sweep_point_reason(const struct sweep_plan *sp, size_t idx, char *buf, size_t bytes);

int sweep_plan__run(struct sweep_plan *sp, int nr_jobs, const struct sweep_hooks *hooks,
		    double *wall_s);

/**
 * sweep_plan__run_into() - sweep_plan__run() storing into the caller's
 * database @st, opened with STORE_ONE_PER_POINT (a caller running many
 * plans opens it once). @sp needs no database name.
 */
int sweep_plan__run_into(struct sweep_plan *sp, struct store *st, int nr_jobs,
			 const struct sweep_hooks *hooks, double *wall_s);

#endif /* SVATRACE_SWEEP_RUNNER_H */
