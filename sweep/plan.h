/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plan.h - a sweep plan: one trace, a grid, the fixed settings, and for
 * every point of the grid its resolved config's point key and its state.
 *
 * Lifecycle of a point (state → who moves it on):
 *
 *   sweep_plan__new()        every point resolved (a bad combination fails
 *                            the plan before anything runs) → TODO, or DUP
 *                            when an earlier point has the same point key
 *   sweep_plan__check_db()   TODO → DONE_BEFORE if the database holds the key
 *                            complete
 *   sweep_plan__run()        TODO → RUNNING (a worker is forked) → OK,
 *                            FAILED (non-zero exit or crash) or INTERRUPTED
 *                            (killed by the runner after SIGINT/SIGTERM/SIGHUP)
 *   sweep_plan__emit_jobs()  writes a job line for every TODO point; states
 *                            do not change
 *
 * Every point is known by its point key (analyze/store.h: hash of the
 * resolved config, the trace's content hash and the scenario), so a re-run
 * skips the points a database already holds. The duplicate check hashes the
 * keys: linear in the number of points.
 *
 * Errors: functions return 0 or a negative errno, with a message naming the
 * point, key or file in the caller's buffer; sweep_plan__new() returns NULL
 * with errno set.
 */
#ifndef SVATRACE_SWEEP_PLAN_H
#define SVATRACE_SWEEP_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/store.h"
#include "sweep/grid.h"

enum sweep_point_state {
	SWEEP_PT_TODO = 0,    /* to run */
	SWEEP_PT_DONE_BEFORE, /* the database already holds it complete */
	SWEEP_PT_DUP,	      /* same point key as an earlier point */
	SWEEP_PT_RUNNING,     /* a worker is on it */
	SWEEP_PT_OK,	      /* stored */
	SWEEP_PT_FAILED,      /* worker exited non-zero or crashed */
	SWEEP_PT_INTERRUPTED, /* stopped by Ctrl-C / SIGTERM / SIGHUP */
	SWEEP_NR_PT_STATES
};

struct sweep_point {
	char key[STORE_POINT_KEY_LEN + 1]; /* point key */
	enum sweep_point_state state;	   /* progress */
	double secs;			   /* wall time of its run, seconds */
	int wait_status;		   /* wait status of its worker */
	size_t dup_of;			   /* SWEEP_PT_DUP: the earlier point */
	bool one_pass;			   /* SWEEP_PT_OK from the one-pass curve (counts only) */
};

/* What a plan is made of. Strings are borrowed: they must outlive the plan. */
struct sweep_opts {
	const char *trace;		  /* input trace */
	const char *db;			  /* results database, NULL if none */
	const char *profile;		  /* profile name or file, NULL: defaults */
	const char *label;		  /* label prefix of every run, NULL: none */
	const struct sweep_setting *user; /* --set / --seed in order */
	size_t nr_user;			  /* their number */
	unsigned int point_timeout_s;	  /* wall time a point may take, 0: no limit */
	uint64_t point_mem_bytes;	  /* address space a worker may use, 0: no limit */
};

struct sweep_plan;

/**
 * sweep_plan__new() - resolve every point of @grid and compute its point key.
 * @o: trace, database, profile, label, fixed settings.
 * @grid: the grid; the plan owns it from here on (also on failure).
 * @err: message on failure: names the point ("point 3 (iotlb.entries=12)")
 *	or the trace.
 * @err_bytes: size of @err.
 *
 * Return: the plan, or NULL with errno set: E2BIG (more than
 * SWEEP_MAX_POINTS points), the trace's errno (ENOENT, EACCES...), EINVAL
 * (a point's parameters do not resolve: unknown profile, bad scenario,
 * value or combination), ENOMEM.
 */
/**
 * sweep_trace_check() - is @path a regular file that opens as a trace (its
 * header and meta chunk checked)? Cheap: a sweep calls it before the plan
 * hashes the whole file (a 5 GB file of the wrong kind took minutes to be
 * refused) and a FIFO is refused instead of blocking.
 * Return: 0 or a negative errno with @err naming the file and the problem.
 */
int sweep_trace_check(const char *path, char *err, size_t err_bytes);

struct sweep_plan *sweep_plan__new(const struct sweep_opts *o, struct sweep_grid *grid, char *err,
				   size_t err_bytes);

/** sweep_plan__free() - free the plan and its grid; NULL is a no-op. */
void sweep_plan__free(struct sweep_plan *sp);

/* How sweep_plan__check_db() treats a database file that does not exist. */
enum sweep_db_mode {
	SWEEP_DB_CREATE,     /* create it (a run will store into it) */
	SWEEP_DB_MUST_EXIST, /* an error (-ENOENT) */
	SWEEP_DB_IF_EXISTS,  /* nothing is done yet: every point stays TODO */
};

/**
 * sweep_plan__check_db() - mark the points the database already holds
 * complete as SWEEP_PT_DONE_BEFORE. Does nothing without a database.
 * @mode: what a missing file means.
 *
 * The connection is closed before returning.
 *
 * Return: 0, or -errno with @err naming the database.
 */
int sweep_plan__check_db(struct sweep_plan *sp, enum sweep_db_mode mode, char *err,
			 size_t err_bytes);

/**
 * sweep_plan__check_store() - sweep_plan__check_db() on the caller's open
 * database @st (a caller running many plans opens it once).
 */
int sweep_plan__check_store(struct sweep_plan *sp, struct store *st, char *err, size_t err_bytes);

/** sweep_plan__nr_points() - points of the grid. */
size_t sweep_plan__nr_points(const struct sweep_plan *sp);

/** sweep_plan__point() - point @idx (< sweep_plan__nr_points()). */
const struct sweep_point *sweep_plan__point(const struct sweep_plan *sp, size_t idx);

/** sweep_plan__count() - @counts[state] = points in that state (SWEEP_NR_PT_STATES entries). */
void sweep_plan__count(const struct sweep_plan *sp, size_t counts[SWEEP_NR_PT_STATES]);

/** sweep_plan__trace_hash() - content hash of the trace (hex). */
const char *sweep_plan__trace_hash(const struct sweep_plan *sp);

/**
 * sweep_plan__label() - the run label of point @idx: "PREFIX SCENARIO k=v ...",
 * or "sweep point" for a grid without axes and without a prefix.
 */
void sweep_plan__label(const struct sweep_plan *sp, size_t idx, char *buf, size_t bytes);

/** sweep_point_state_name() - "todo", "done-before", "duplicate", ... */
const char *sweep_point_state_name(enum sweep_point_state s);

/**
 * sweep_find_duplicates() - for each of @nr point keys, the index of the
 * first earlier key equal to it, or @nr if there is none. Expected O(nr):
 * keys are hashed (their first 64 bits), full keys compared on a match.
 * @keys: point keys (any strings).
 * @dup_of: receives @nr indexes.
 *
 * Return: 0 or -ENOMEM.
 */
int sweep_find_duplicates(const char *const *keys, size_t nr, size_t *dup_of);

#endif /* SVATRACE_SWEEP_PLAN_H */
