// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - the fork pool that runs a sweep plan's points (see runner.h):
 * one worker process per point, at most nr_jobs at once, signals that stop
 * the sweep cleanly, progress through the caller's hooks.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze/store.h"
#include "analyze/store_sink.h"
#include "common/log.h"
#include "replay/replay.h"
#include "replay/scenario.h"
#include "sweep/runner.h"
#include "sweep/sweep-local.h"

/* A worker's exit status (the parent tells OK, SKIPPED and any failure apart). */
#define WORKER_OK 0
#define WORKER_FAIL 1	   /* the replay or the store failed */
#define WORKER_BAD_POINT 2 /* the point's parameters did not resolve */
#define WORKER_NOMEM 4	   /* out of memory (the point's memory limit) */

#define COMMIT_TRIES 5 /* busy timeouts in a row before a run is not stored */

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

int sweep_point__prepare(const struct sweep_plan *sp, size_t idx, struct sweep_point_run *run,
			 char *err, size_t err_bytes)
{
	struct seed_find seed = {"0"};

	memset(run, 0, sizeof(*run));
	/* the chain built to read the point's overrides is the one its replay runs (#11) */
	run->params = sweep_plan_resolve_point(sp, idx, &run->chain, run->spec, sizeof(run->spec),
					       err, err_bytes);
	if (!run->params)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	params__foreach(run->params, seed_of, &seed);
	sweep_plan__label(sp, idx, run->label, sizeof(run->label));
	run->opts = (struct replay_opts){.params = run->params,
					 .trace_path = sp->o.trace,
					 .label = run->label,
					 .seed = strtoull(seed.found, NULL, 0),
					 .scenario = run->spec,
					 .chain = run->chain,
					 .trace_hash = sp->trace_hash};
	return 0;
}

void sweep_point__release(struct sweep_point_run *run)
{
	scenario_chain__free(run->chain);
	params__free(run->params);
	memset(run, 0, sizeof(*run));
}

/* Write all of @buf at the start of @fd, which then holds exactly it. */
static int write_image(int fd, const void *buf, size_t bytes)
{
	const char *p = buf;

	if (ftruncate(fd, 0))
		return -errno;
	for (size_t off = 0; off < bytes;) {
		ssize_t n = pwrite(fd, p + off, bytes - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	return 0;
}

/*
 * In the worker: replay point @idx into a results database in memory and
 * leave its image in @fd for the parent to store (pool_store()); the exit
 * status. The worker never opens the file: its schema, with a view column
 * per stored key, cost about a tenth of a small point's CPU to parse. The
 * worker is its own process: logging is its only way to say why.
 */
static int run_point(const struct sweep_plan *sp, size_t idx, int fd)
{
	struct sweep_point_run run;
	struct store *st = NULL;
	struct store_sink *ss = NULL;
	struct results_sink sink;
	char err[512];
	int rc;

	if (sweep_point__prepare(sp, idx, &run, err, sizeof(err))) {
		svt_err("sweep point %zu: %s", idx, err);
		return WORKER_BAD_POINT;
	}
	st = store__open_memory(err, sizeof(err));
	ss = st ? store_sink__new(st) : NULL;
	if (!ss) {
		svt_err("sweep point %zu: %s", idx, st ? "out of memory" : err);
		sweep_point__release(&run);
		store__close(st);
		return errno == ENOMEM ? WORKER_NOMEM : WORKER_FAIL;
	}
	sink = store_sink__sink(ss);
	rc = replay_run(&run.opts, &sink);
	rc = !rc ? WORKER_OK : rc == -ENOMEM ? WORKER_NOMEM : WORKER_FAIL;
	/* a failed run that reached the store is handed over too, as it was stored before */
	if (store_sink__last_run_id(ss) > 0) {
		void *image;
		size_t bytes;
		int irc = store__image(st, &image, &bytes);

		if (!irc)
			irc = write_image(fd, image, bytes);
		store_image_free(image);
		if (irc) {
			svt_err("sweep point %zu: cannot hand the run over: %s", idx,
				strerror(-irc));
			rc = irc == -ENOMEM ? WORKER_NOMEM : WORKER_FAIL;
		}
	}
	store_sink__free(ss);
	store__close(st);
	sweep_point__release(&run);
	return rc;
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

/* ------------------------------------------------------------ limits */

/*
 * In the worker, before any work. A point whose input makes replay spin or
 * expand without bound (issue 19) must not hold the sweep: the alarm kills
 * it with SIGALRM (default action, restored above) and RLIMIT_AS makes its
 * allocations fail, which replay reports as -ENOMEM. The address-space
 * limit is unusable under ASan, whose shadow mappings alone exceed it.
 */
static void worker_limits(const struct sweep_opts *o)
{
	if (o->point_mem_bytes) {
		struct rlimit rl = {o->point_mem_bytes, o->point_mem_bytes};

		if (setrlimit(RLIMIT_AS, &rl))
			svt_warn("sweep: cannot set the memory limit: %s", strerror(errno));
	}
	if (o->point_timeout_s)
		alarm(o->point_timeout_s);
}

void sweep_point_reason(const struct sweep_plan *sp, size_t idx, char *buf, size_t bytes)
{
	int wst = sp->pts[idx].wait_status;

	if (WIFSIGNALED(wst) && WTERMSIG(wst) == SIGALRM && sp->o.point_timeout_s)
		snprintf(buf, bytes, "time limit of %u s exceeded", sp->o.point_timeout_s);
	else if (WIFEXITED(wst) && WEXITSTATUS(wst) == WORKER_NOMEM && sp->o.point_mem_bytes)
		snprintf(buf, bytes, "memory limit of %llu bytes exceeded",
			 (unsigned long long)sp->o.point_mem_bytes);
	else if (WIFEXITED(wst) && WEXITSTATUS(wst) == WORKER_NOMEM)
		snprintf(buf, bytes, "out of memory");
	else if (WIFEXITED(wst))
		snprintf(buf, bytes, "exit status %d", WEXITSTATUS(wst));
	else if (WIFSIGNALED(wst))
		snprintf(buf, bytes, "signal %d", WTERMSIG(wst));
	else
		snprintf(buf, bytes, "wait status %#x", wst);
}

/* ------------------------------------------------------------ the pool */

struct slot {
	pid_t pid;	/* worker, 0 if free */
	size_t idx;	/* its point */
	double start_s; /* when it started */
	int fd;		/* memfd the worker leaves its run's image in, -1: not made yet */
};

struct pool {
	struct sweep_plan *sp;		   /* what runs */
	struct store *st;		   /* the database: the parent stores every run */
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

/*
 * A point stored by another sweep since the plan was made is not run: it
 * counts as done before. (A commit also drops a run whose point another
 * sweep stores while it replays: STORE_ONE_PER_POINT.)
 */
static bool pool_stored_meanwhile(struct pool *pl, size_t idx)
{
	struct sweep_point *pt = &pl->sp->pts[idx];

	if (store__has_point(pl->st, pt->key) <= 0)
		return false; /* an error here shows again at the commit */
	svt_debug("sweep point %zu: stored meanwhile by another sweep, skipped", idx);
	pt->state = SWEEP_PT_DONE_BEFORE;
	pl->pg.done++;
	return true;
}

/* Fork workers for TODO points until the slots are full or none is left. */
static void pool_fill(struct pool *pl)
{
	struct sweep_plan *sp = pl->sp;

	while (!stop_signal && pl->pg.running < (size_t)pl->nr_jobs && pl->next < sp->nr_points) {
		struct slot *sl = NULL;
		pid_t pid;

		if (sp->pts[pl->next].state != SWEEP_PT_TODO ||
		    pool_stored_meanwhile(pl, pl->next)) {
			pl->next++;
			continue;
		}
		for (int j = 0; j < pl->nr_jobs; j++)
			if (!pl->slots[j].pid)
				sl = &pl->slots[j];
		if (sl->fd < 0)
			sl->fd = memfd_create("svatrace-sweep-run", MFD_CLOEXEC);
		if (sl->fd < 0 || ftruncate(sl->fd, 0)) {
			pl->fork_err = -errno;
			stop_signal = SIGTERM; /* stop as for a signal */
			pool_stop_workers(pl);
			break;
		}
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
			worker_limits(&sp->o);
			_exit(run_point(sp, pl->next, sl->fd));
		}
		sl->pid = pid;
		sl->idx = pl->next;
		sl->start_s = now_s();
		sp->pts[pl->next].state = SWEEP_PT_RUNNING;
		pl->pg.running++;
		pl->next++;
	}
}

/*
 * Store the run worker @sl left in its memfd, if it ended normally and left
 * one. Return: 0 stored, -EEXIST (another sweep stored the point first),
 * -ENOENT (no run left), or another -errno (logged).
 */
static int pool_store(struct pool *pl, const struct slot *sl, int wst)
{
	struct stat sb;
	void *image;
	int rc = -EBUSY;

	if (!WIFEXITED(wst) || fstat(sl->fd, &sb) || !sb.st_size)
		return -ENOENT; /* a killed worker's image may be partial */
	image = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, sl->fd, 0);
	if (image == MAP_FAILED) {
		rc = -errno;
		svt_err("sweep point %zu: cannot read its run: %s", sl->idx, strerror(-rc));
		return rc;
	}
	for (int i = 0; i < COMMIT_TRIES && rc == -EBUSY; i++) {
		rc = store__commit_image(pl->st, image, (size_t)sb.st_size, NULL);
		if (rc == -EBUSY)
			svt_warn("%s: database busy, retrying the commit", store__path(pl->st));
	}
	munmap(image, (size_t)sb.st_size);
	if (rc == -EEXIST)
		svt_info("%s: point %zu was stored meanwhile by another writer; run not stored "
			 "again",
			 store__path(pl->st), sl->idx);
	else if (rc)
		svt_err("%s: cannot store the run of point %zu: %s", store__path(pl->st), sl->idx,
			rc == -EIO ? store__errmsg(pl->st) : strerror(-rc));
	return rc;
}

/* Worker @pid ended with wait status @wst: store its run, record its point's outcome. */
static void pool_reap(struct pool *pl, pid_t pid, int wst)
{
	for (int j = 0; j < pl->nr_jobs; j++) {
		struct slot *sl = &pl->slots[j];
		struct sweep_point *pt;
		int src;

		if (sl->pid != pid)
			continue;
		pt = &pl->sp->pts[sl->idx];
		src = pool_store(pl, sl, wst);
		/* a worker that ran the point but whose run was not stored failed */
		if (WIFEXITED(wst) && !WEXITSTATUS(wst) && src && src != -EEXIST) {
			if (src == -ENOENT)
				svt_err("sweep point %zu: its worker left no run", sl->idx);
			wst = W_EXITCODE(WORKER_FAIL, 0);
		}
		pt->secs = now_s() - sl->start_s;
		pt->wait_status = wst;
		if (WIFEXITED(wst) && !WEXITSTATUS(wst))
			pt->state = src == -EEXIST ? SWEEP_PT_DONE_BEFORE : SWEEP_PT_OK;
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
			pl->hooks->point_failed(pl->hooks->ctx, pl->sp, sl->idx);
		sl->pid = 0;
		pl->pg.running--;
	}
}

int sweep_plan__run_into(struct sweep_plan *sp, struct store *st, int nr_jobs,
			 const struct sweep_hooks *hooks, double *wall_s)
{
	static const struct sweep_hooks no_hooks;
	struct saved_signals sv;
	struct pool *pl;
	int rc;

	*wall_s = 0;
	if (nr_jobs < 1 || nr_jobs > SWEEP_MAX_JOBS || !st)
		return -EINVAL;
	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return -ENOMEM;
	*pl = (struct pool){.sp = sp,
			    .st = st,
			    .hooks = hooks ? hooks : &no_hooks,
			    .sv = &sv,
			    .nr_jobs = nr_jobs,
			    .start_s = now_s()};
	for (int j = 0; j < nr_jobs; j++)
		pl->slots[j].fd = -1;
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
	for (int j = 0; j < nr_jobs; j++)
		if (pl->slots[j].fd >= 0)
			close(pl->slots[j].fd);
	free(pl);
	return rc;
}

int sweep_plan__run(struct sweep_plan *sp, int nr_jobs, const struct sweep_hooks *hooks,
		    double *wall_s)
{
	struct store *st;
	char err[512];
	int rc;

	*wall_s = 0;
	if (nr_jobs < 1 || nr_jobs > SWEEP_MAX_JOBS || !sp->o.db)
		return -EINVAL;
	st = store__open(sp->o.db, STORE_ONE_PER_POINT, err, sizeof(err));
	if (!st) {
		rc = -errno;
		svt_err("sweep: %s", err);
		return rc;
	}
	rc = sweep_plan__run_into(sp, st, nr_jobs, hooks, wall_s);
	store__close(st);
	return rc;
}
