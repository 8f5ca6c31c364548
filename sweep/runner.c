// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - the fork pool that runs a sweep plan's points (see runner.h):
 * one worker process per point, at most nr_jobs at once, signals that stop
 * the sweep cleanly, progress through the caller's hooks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze/store_sink.h"
#include "common/log.h"
#include "replay/replay.h"
#include "sweep/runner.h"
#include "sweep/sweep-local.h"

/* A worker's exit status (the parent reads only zero / non-zero). */
#define WORKER_OK 0
#define WORKER_FAIL 1	   /* the replay or the store failed */
#define WORKER_BAD_POINT 2 /* the point's parameters did not resolve */

static volatile sig_atomic_t stop_signal; /* set by SIGINT/SIGTERM/SIGHUP */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------ one point */

struct seed_find {
	char found[64]; /* value of model.seed */
};

static void seed_of(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	struct seed_find *f = ctx;

	(void)origin;
	if (!strcmp(d->key, "model.seed"))
		snprintf(f->found, sizeof(f->found), "%s", value);
}

/*
 * In the worker: replay point @idx into the database; the exit status.
 * The worker is its own process: logging is its only way to say why.
 */
static int run_point(const struct sweep_plan *sp, size_t idx)
{
	char spec[1024], err[512], label[1200];
	struct seed_find seed = {"0"};
	struct store *st = NULL;
	struct store_sink *ss = NULL;
	struct results_sink sink;
	struct replay_opts o = {0};
	struct params *p;
	int rc;

	p = sweep_plan_resolve_point(sp, idx, spec, sizeof(spec), err, sizeof(err));
	if (!p) {
		svt_err("sweep point %zu: %s", idx, err);
		return WORKER_BAD_POINT;
	}
	st = store__open(sp->o.db, 0, err, sizeof(err));
	ss = st ? store_sink__new(st) : NULL;
	if (!ss) {
		svt_err("sweep point %zu: %s", idx, st ? "out of memory" : err);
		params__free(p);
		store__close(st);
		return WORKER_FAIL;
	}
	sink = store_sink__sink(ss);
	params__foreach(p, seed_of, &seed);
	sweep_plan__label(sp, idx, label, sizeof(label));
	o.params = p;
	o.trace_path = sp->o.trace;
	o.label = label;
	o.seed = strtoull(seed.found, NULL, 0);
	o.scenario = spec;
	o.trace_hash = sp->trace_hash;
	rc = replay_run(&o, &sink);
	store_sink__free(ss);
	store__close(st);
	params__free(p);
	return rc ? WORKER_FAIL : WORKER_OK;
}

/* ------------------------------------------------------------ signals */

/* What the runner changes and restores. */
struct saved_signals {
	struct sigaction stop[3]; /* SIGINT, SIGTERM, SIGHUP */
	struct sigaction alrm;	  /* SIGALRM */
	struct itimerval timer;	  /* ITIMER_REAL */
	bool ticking;		  /* the timer and SIGALRM were changed */
};

static const int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* SIGALRM only interrupts waitpid() so progress (the ETA) is redrawn. */
static void on_tick(int sig)
{
	(void)sig;
}

static void signals_install(struct saved_signals *sv, bool tick)
{
	struct sigaction sa = {0};

	stop_signal = 0;
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: waitpid() returns EINTR */
	for (int i = 0; i < 3; i++)
		sigaction(stop_signals[i], &sa, &sv->stop[i]);
	sv->ticking = tick;
	if (tick) {
		struct itimerval it = {{1, 0}, {1, 0}}; /* every second */

		sa.sa_handler = on_tick;
		sigaction(SIGALRM, &sa, &sv->alrm);
		setitimer(ITIMER_REAL, &it, &sv->timer);
	}
}

static void signals_restore(const struct saved_signals *sv)
{
	if (sv->ticking) {
		setitimer(ITIMER_REAL, &sv->timer, NULL);
		sigaction(SIGALRM, &sv->alrm, NULL);
	}
	for (int i = 0; i < 3; i++)
		sigaction(stop_signals[i], &sv->stop[i], NULL);
}

/* ------------------------------------------------------------ the pool */

struct slot {
	pid_t pid;	/* worker, 0 if free */
	size_t idx;	/* its point */
	double start_s; /* when it started */
};

struct pool {
	struct sweep_plan *sp;		   /* what runs */
	const struct sweep_hooks *hooks;   /* reports, never NULL */
	const struct saved_signals *sv;	   /* restored in each worker */
	struct slot slots[SWEEP_MAX_JOBS]; /* workers */
	int nr_jobs;			   /* slots in use at most */
	size_t next;			   /* next point to look at */
	double start_s;			   /* run start */
	struct sweep_progress pg;	   /* counts */
	int fork_err;			   /* -errno of a failed fork(), 0 if none */
	bool killed;			   /* workers were sent SIGTERM */
};

static void report_progress(struct pool *pl)
{
	if (pl->hooks->progress) {
		pl->pg.elapsed_s = now_s() - pl->start_s;
		pl->hooks->progress(pl->hooks->ctx, &pl->pg);
	}
}

/* After a signal: workers die without committing a partial run. */
static void pool_stop_workers(struct pool *pl)
{
	if (pl->killed)
		return;
	for (int j = 0; j < pl->nr_jobs; j++)
		if (pl->slots[j].pid)
			kill(pl->slots[j].pid, SIGTERM);
	pl->killed = true;
}

/* Fork workers for TODO points until the slots are full or none is left. */
static void pool_fill(struct pool *pl)
{
	struct sweep_plan *sp = pl->sp;

	while (!stop_signal && pl->pg.running < (size_t)pl->nr_jobs && pl->next < sp->nr_points) {
		struct slot *sl = NULL;
		pid_t pid;

		if (sp->pts[pl->next].state != SWEEP_PT_TODO) {
			pl->next++;
			continue;
		}
		for (int j = 0; j < pl->nr_jobs; j++)
			if (!pl->slots[j].pid)
				sl = &pl->slots[j];
		fflush(NULL); /* no buffered output duplicated into the child */
		pid = fork();
		if (pid < 0) {
			pl->fork_err = -errno;
			stop_signal = SIGTERM; /* stop as for a signal */
			pool_stop_workers(pl);
			break;
		}
		if (!pid) {
			signals_restore(pl->sv);
			_exit(run_point(sp, pl->next));
		}
		*sl = (struct slot){pid, pl->next, now_s()};
		sp->pts[pl->next].state = SWEEP_PT_RUNNING;
		pl->pg.running++;
		pl->next++;
	}
}

/* Worker @pid ended with wait status @wst: record its point's outcome. */
static void pool_reap(struct pool *pl, pid_t pid, int wst)
{
	for (int j = 0; j < pl->nr_jobs; j++) {
		struct sweep_point *pt;

		if (pl->slots[j].pid != pid)
			continue;
		pt = &pl->sp->pts[pl->slots[j].idx];
		pt->secs = now_s() - pl->slots[j].start_s;
		pt->wait_status = wst;
		if (WIFEXITED(wst) && !WEXITSTATUS(wst))
			pt->state = SWEEP_PT_OK;
		else if (stop_signal && WIFSIGNALED(wst))
			pt->state = SWEEP_PT_INTERRUPTED;
		else
			pt->state = SWEEP_PT_FAILED;
		if (pt->state != SWEEP_PT_INTERRUPTED) {
			pl->pg.done++;
			pl->pg.failed += pt->state == SWEEP_PT_FAILED;
			pl->pg.last_point_s = pt->secs;
		}
		if (pt->state == SWEEP_PT_FAILED && pl->hooks->point_failed)
			pl->hooks->point_failed(pl->hooks->ctx, pl->sp, pl->slots[j].idx);
		pl->slots[j].pid = 0;
		pl->pg.running--;
	}
}

int sweep_plan__run(struct sweep_plan *sp, int nr_jobs, const struct sweep_hooks *hooks,
		    double *wall_s)
{
	static const struct sweep_hooks no_hooks;
	struct saved_signals sv;
	struct pool *pl;
	int rc;

	*wall_s = 0;
	if (nr_jobs < 1 || nr_jobs > SWEEP_MAX_JOBS || !sp->o.db)
		return -EINVAL;
	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return -ENOMEM;
	*pl = (struct pool){.sp = sp,
			    .hooks = hooks ? hooks : &no_hooks,
			    .sv = &sv,
			    .nr_jobs = nr_jobs,
			    .start_s = now_s()};
	for (size_t i = 0; i < sp->nr_points; i++)
		pl->pg.total += sp->pts[i].state == SWEEP_PT_TODO;
	signals_install(&sv, pl->hooks->tick_1s);
	for (;;) {
		int wst;
		pid_t pid;

		pool_fill(pl);
		if (!pl->pg.running)
			break;
		report_progress(pl);
		pid = waitpid(-1, &wst, 0);
		if (pid < 0) {
			if (errno != EINTR)
				break;
			if (stop_signal)
				pool_stop_workers(pl);
			continue;
		}
		pool_reap(pl, pid, wst);
	}
	signals_restore(&sv);
	*wall_s = now_s() - pl->start_s;
	rc = pl->fork_err ? pl->fork_err : stop_signal ? -EINTR : 0;
	free(pl);
	return rc;
}
