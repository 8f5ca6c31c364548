// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_sweep.c - `svatrace sweep`: replay one trace over the cross product of
 * parameter values (and scenarios), each point in its own forked process,
 * every run stored in one SQLite results database; or emit the points as
 * shell job lines (GNU parallel, Slurm array) that write shard databases
 * for `svatrace db merge`.
 *
 * Why a process per point: a crash, an out-of-memory kill or a Ctrl-C loses
 * only the points in flight. Workers share nothing but the database (WAL, busy
 * timeout, one short transaction per run: analyze/store.h). Each point is
 * identified by its point key (hash of the resolved config, the trace's
 * content hash and the scenario), so a re-run skips the points the database
 * already holds complete.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze/store.h"
#include "analyze/store_sink.h"
#include "cli/cli.h"
#include "common/log.h"
#include "replay/profile.h"
#include "replay/registry.h"
#include "replay/replay.h"
#include "replay/sweep.h"

#define CMD "sweep"
#define MAX_JOBS 256

enum point_state {
	PT_TODO = 0,		/* to run */
	PT_DONE_BEFORE,		/* the database already holds it complete */
	PT_DUP,			/* same point key as an earlier point */
	PT_RUNNING,		/* a worker is on it */
	PT_OK,			/* stored */
	PT_FAILED,		/* worker exited non-zero or crashed */
	PT_INTERRUPTED,		/* stopped by Ctrl-C / SIGTERM */
};

static const char *const state_names[] = {
	"todo", "done-before", "duplicate", "running", "ok", "failed", "interrupted",
};

struct point {
	char key[STORE_POINT_KEY_LEN + 1];	/* point key */
	enum point_state state;			/* progress */
	double secs;				/* wall time of its run */
	int status;				/* wait status of its worker */
	size_t dup_of;				/* PT_DUP: the earlier point */
};

struct sweep {
	const char *trace;			/* input trace */
	const char *db;				/* results database (or NULL) */
	const char *profile;			/* --profile */
	const char *label;			/* label prefix, NULL: none */
	struct sweep_setting *user;		/* --set / --seed in order */
	size_t nr_user;				/* their number */
	struct sweep_grid *grid;		/* axes */
	char trace_hash[65];			/* content hash of the trace */
	struct point *pts;			/* one per point */
	size_t nr_points;			/* cross product size */
	int jobs;				/* -j */
};

static volatile sig_atomic_t stop_signal;	/* set by SIGINT/SIGTERM/SIGHUP */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: svatrace sweep TRACE --grid KEY=V1,V2,... [--grid ...] [--scenario SPEC]...\n"
		"                      [--profile NAME|FILE] [--set KEY=VALUE]... [--seed N]\n"
		"                      [-j N] --db FILE [--json] [--label TEXT]\n"
		"       svatrace sweep TRACE --grid ... --emit-jobs FILE [--shards DIR] [--db FILE]\n"
		"       svatrace sweep TRACE --grid ... --list [--db FILE] [--json]\n"
		"\n"
		"Replays TRACE once per point of the cross product of the --grid values (and of\n"
		"the --scenario specs, if several), N points at a time, each in its own process,\n"
		"and stores every run (resolved config, trace identity, metrics, histograms,\n"
		"series) in the SQLite results database. A point is known by its point key (hash\n"
		"of resolved config + trace content + scenario): re-running the same sweep runs\n"
		"only the points the database does not hold complete, so an interrupted or\n"
		"partly failed sweep is finished by running it again.\n"
		"\n"
		"Parameters of a point: defaults < --profile < scenario overrides < --set/--seed\n"
		"(in order) < the point's grid values. Keys: 'svatrace replay --list-params'.\n"
		"\n"
		"Options:\n"
		"  --grid KEY=V1,V2,...  one axis (repeatable; the last varies fastest); also\n"
		"                        KEY=LO..HI*F (geometric), KEY=LO..HI+S or LO..HI (step 1)\n"
		"  --scenario SPEC       scenario transforms (see 'svatrace replay --scenario help');\n"
		"                        repeat to make the scenario an axis, e.g. --scenario pinned\n"
		"                        --scenario faulting:resident=0.5\n"
		"  --profile NAME|FILE   calibration profile (default: built-in defaults)\n"
		"  --set KEY=VALUE       fixed override for every point (repeatable)\n"
		"  --seed N              model.seed and wq.seed for every point (= --set model.seed=N --set wq.seed=N)\n"
		"  -j, --jobs N          points run at once (default 1; one process each)\n"
		"  --db FILE             results database, created if missing (required to run)\n"
		"  --label TEXT          prefix of every run's label (label: 'TEXT KEY=V ...')\n"
		"  --json                print a JSON summary instead of a line of text\n"
		"  --list                print the points (index, point key, state, label); no run\n"
		"  --emit-jobs FILE      write one shell command per point still to do (each\n"
		"                        stores into its own shard DB), plus FILE.sbatch, a Slurm\n"
		"                        array script; nothing is run\n"
		"  --shards DIR          where emitted jobs write shards (default: DIR 'shards'\n"
		"                        next to the jobs FILE)\n"
		"  --exe PATH            svatrace in emitted jobs (default: this program's path)\n"
		"  -h, --help            this help\n"
		"\n"
		"Progress (points done of total, time per point, time left) is drawn on stderr\n"
		"when it is a terminal. Ctrl-C stops the workers; completed points are kept.\n"
		"\n"
		"Examples:\n"
		"  svatrace sweep run.svt --grid iotlb.entries=16..1024*2 --grid pt.page_bytes=4K,2M \\\n"
		"      -j 2 --db sweep.db\n"
		"  svatrace sweep run.svt --scenario pinned --scenario faulting --grid atc.entries=8,32 \\\n"
		"      --db sva.db\n"
		"  svatrace sweep run.svt --grid iotlb.entries=16..1024*2 --emit-jobs jobs.txt\n"
		"  parallel --sshlogin 8/node1,8/node2 < jobs.txt   # or: sbatch jobs.txt.sbatch\n"
		"  svatrace db merge sweep.db shards/*.db\n"
		"(docs/sweep.md has the cluster walk-through.)\n"
		"\n"
		"Exit status: 0 every point is stored, 1 some point failed or the sweep was\n"
		"interrupted (run it again to finish), 2 bad option, grid or parameter.\n");
}

/* ------------------------------------------------------------ point keys */

struct kv_list {
	char **keys;		/* config keys */
	char **values;		/* their values */
	size_t nr, cap;		/* used, allocated */
	int rc;			/* first error */
	const char *want;	/* kv_find: key looked for */
	char found[64];		/* kv_find: its value */
};

static void kv_add(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	struct kv_list *l = ctx;

	(void)origin;
	if (l->rc)
		return;
	if (l->nr == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 128;
		char **k = realloc(l->keys, cap * sizeof(*k));
		char **v = k ? realloc(l->values, cap * sizeof(*v)) : NULL;

		if (k)
			l->keys = k;
		if (!k || !v) {
			l->rc = -ENOMEM;
			return;
		}
		l->values = v;
		l->cap = cap;
	}
	l->keys[l->nr] = strdup(d->key);
	l->values[l->nr] = strdup(value);
	if (!l->keys[l->nr] || !l->values[l->nr]) {
		free(l->keys[l->nr]);
		free(l->values[l->nr]);
		l->rc = -ENOMEM;
		return;
	}
	l->nr++;
}

static void kv_find(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	struct kv_list *l = ctx;

	(void)origin;
	if (!strcmp(d->key, l->want))
		snprintf(l->found, sizeof(l->found), "%s", value);
}

/*
 * The key store__end_run() will give the run: the same config rows the
 * replay hands its sink (params__foreach), the trace hash and the spec.
 */
static int point_key(const struct params *p, const char *trace_hash, const char *spec,
		     char out[STORE_POINT_KEY_LEN + 1])
{
	struct kv_list l = { 0 };
	int rc;

	params__foreach(p, kv_add, &l);
	rc = l.rc ? l.rc
		  : store_point_key(trace_hash, spec, (const char *const *)l.keys,
				    (const char *const *)l.values, l.nr, out);
	for (size_t i = 0; i < l.nr; i++) {
		free(l.keys[i]);
		free(l.values[i]);
	}
	free(l.keys);
	free(l.values);
	return rc;
}

/* Resolve point @idx: fresh params (caller frees) and the normalised scenario in @spec. */
static struct params *resolve_point(const struct sweep *sw, size_t idx, char *spec,
				    size_t spec_bytes, char *err, size_t err_bytes)
{
	struct sweep_setting *s = calloc(sw->nr_user + SWEEP_MAX_AXES + 1, sizeof(*s));
	struct params *p = params__new(svt_param_registry);
	const char *scn;

	if (!s || !p) {
		snprintf(err, err_bytes, "out of memory");
		goto fail;
	}
	memcpy(s, sw->user, sw->nr_user * sizeof(*s));
	scn = sweep_grid__point(sw->grid, idx, s + sw->nr_user);
	if (sweep_resolve(p, sw->profile, scn, s, sw->nr_user + sweep_grid__nr_axes(sw->grid), spec,
			  spec_bytes, err, err_bytes))
		goto fail;
	free(s);
	return p;
fail:
	free(s);
	params__free(p);
	return NULL;
}

static void point_label(const struct sweep *sw, size_t idx, char *buf, size_t bytes)
{
	char l[1024];

	sweep_grid__label(sw->grid, idx, l, sizeof(l));
	if (sw->label)
		snprintf(buf, bytes, "%s%s%s", sw->label, *l ? " " : "", l);
	else
		snprintf(buf, bytes, "%s", *l ? l : "sweep point");
}

/* ------------------------------------------------------------ one point */

/* In the worker: replay point @idx into the database; the exit status. */
static int run_point(const struct sweep *sw, size_t idx)
{
	char spec[1024], err[512], label[1200];
	struct kv_list seed = { .want = "model.seed" };
	struct params *p;
	struct store *st = NULL;
	struct store_sink *ss = NULL;
	struct results_sink sink;
	struct replay_opts o = { 0 };
	int rc;

	p = resolve_point(sw, idx, spec, sizeof(spec), err, sizeof(err));
	if (!p) {
		svt_err("sweep point %zu: %s", idx, err);
		return CLI_USAGE;
	}
	st = store__open(sw->db, 0, err, sizeof(err));
	ss = st ? store_sink__new(st) : NULL;
	if (!ss) {
		svt_err("sweep point %zu: %s", idx, st ? "out of memory" : err);
		params__free(p);
		store__close(st);
		return CLI_FAIL;
	}
	sink = store_sink__sink(ss);
	params__foreach(p, kv_find, &seed);
	point_label(sw, idx, label, sizeof(label));
	o.params = p;
	o.trace_path = sw->trace;
	o.label = label;
	o.seed = strtoull(seed.found, NULL, 0);
	o.scenario = spec;
	o.trace_hash = sw->trace_hash;
	rc = replay_run(&o, &sink);
	store_sink__free(ss);
	store__close(st);
	params__free(p);
	return rc ? CLI_FAIL : CLI_OK;
}

/* ------------------------------------------------------------ progress */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void fmt_hms(double s, char *buf, size_t bytes)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	snprintf(buf, bytes, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

struct progress {
	bool on;		/* drawing (stderr is a terminal) */
	size_t total;		/* points to run this time */
	size_t done;		/* finished (ok or failed) */
	size_t failed;		/* of which failed */
	size_t running;		/* in flight */
	double start_s;		/* sweep start */
	double last_point_s;	/* wall time of the last finished point */
};

static void progress_draw(const struct progress *pg)
{
	char eta[32] = "?", failed[32] = "", last[32] = "-";
	double el = now_s() - pg->start_s;

	if (!pg->on)
		return;
	if (pg->done)
		fmt_hms(el / (double)pg->done * (double)(pg->total - pg->done), eta, sizeof(eta));
	if (pg->failed)
		snprintf(failed, sizeof(failed), " (%zu failed)", pg->failed);
	if (pg->done)
		snprintf(last, sizeof(last), "%.2f s", pg->last_point_s);
	fprintf(stderr, "\rsweep: %zu/%zu points%s, %zu running, last point %s, ETA %s   ",
		pg->done, pg->total, failed, pg->running, last, eta);
	fflush(stderr);
}

static void progress_end(const struct progress *pg)
{
	if (pg->on)
		fprintf(stderr, "\r%78s\r", "");
}

/* ------------------------------------------------------------ local run */

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* SIGALRM only interrupts waitpid() so the progress line (ETA) is redrawn. */
static void on_tick(int sig)
{
	(void)sig;
}

static void set_ticks(bool on)
{
	struct itimerval it = { { on, 0 }, { on, 0 } };	/* every second */
	struct sigaction sa = { 0 };

	sa.sa_handler = on ? on_tick : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void set_handlers(void (*fn)(int))
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: waitpid() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

struct slot {
	pid_t pid;		/* worker, 0 if free */
	size_t idx;		/* its point */
	double start_s;		/* when it started */
};

static int run_local(struct sweep *sw, size_t nr_todo, double *wall_s)
{
	struct slot slots[MAX_JOBS] = { 0 };
	struct progress pg = { .on = cli_is_tty(stderr), .total = nr_todo, .start_s = now_s() };
	size_t next = 0;
	bool killed = false;

	set_handlers(on_stop);
	if (pg.on)
		set_ticks(true);
	fflush(stdout);
	fflush(stderr);
	for (;;) {
		int wst;
		pid_t pid;

		while (!stop_signal && pg.running < (size_t)sw->jobs && next < sw->nr_points) {
			struct slot *sl = NULL;

			if (sw->pts[next].state != PT_TODO) {
				next++;
				continue;
			}
			for (int j = 0; j < sw->jobs; j++)
				if (!slots[j].pid)
					sl = &slots[j];
			pid = fork();
			if (pid < 0) {
				svt_err("sweep: fork: %s", strerror(errno));
				stop_signal = SIGTERM;
				break;
			}
			if (!pid) {
				set_handlers(SIG_DFL);
				if (pg.on)
					set_ticks(false);
				_exit(run_point(sw, next));
			}
			*sl = (struct slot){ pid, next, now_s() };
			sw->pts[next].state = PT_RUNNING;
			pg.running++;
			next++;
		}
		if (!pg.running)
			break;
		progress_draw(&pg);
		pid = waitpid(-1, &wst, 0);
		if (pid < 0) {
			if (errno != EINTR)
				break;
			if (stop_signal && !killed) {
				/* stop cleanly: workers die without committing a partial run */
				for (int j = 0; j < sw->jobs; j++)
					if (slots[j].pid)
						kill(slots[j].pid, SIGTERM);
				killed = true;
			}
			continue;
		}
		for (int j = 0; j < sw->jobs; j++) {
			struct point *pt;

			if (slots[j].pid != pid)
				continue;
			pt = &sw->pts[slots[j].idx];
			pt->secs = now_s() - slots[j].start_s;
			pt->status = wst;
			if (WIFEXITED(wst) && !WEXITSTATUS(wst))
				pt->state = PT_OK;
			else if (stop_signal && WIFSIGNALED(wst))
				pt->state = PT_INTERRUPTED;
			else
				pt->state = PT_FAILED;
			if (pt->state != PT_INTERRUPTED) {
				pg.done++;
				pg.failed += pt->state == PT_FAILED;
				pg.last_point_s = pt->secs;
			}
			if (pt->state == PT_FAILED) {
				char label[1200];

				point_label(sw, slots[j].idx, label, sizeof(label));
				if (pg.on)
					fputc('\n', stderr);
				svt_err("sweep: point %zu (%s) failed: %s %d", slots[j].idx, label,
					WIFEXITED(wst) ? "exit status" : "signal",
					WIFEXITED(wst) ? WEXITSTATUS(wst) : WTERMSIG(wst));
			}
			slots[j].pid = 0;
			pg.running--;
		}
	}
	progress_end(&pg);
	if (pg.on)
		set_ticks(false);
	set_handlers(SIG_DFL);
	*wall_s = now_s() - pg.start_s;
	return 0;
}

/* ------------------------------------------------------------ emitted jobs */

static void shell_quote(FILE *f, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			   "_./=:,+@%-") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Absolute form of @path (which need not exist yet: only its directory must). */
static void abs_path(const char *path, char *out, size_t bytes)
{
	char cwd[PATH_MAX];

	if (realpath(path, out))
		return;
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		snprintf(out, bytes, "%s", path);
	else
		snprintf(out, bytes, "%s/%s", cwd, path);
}

static int emit_jobs(const struct sweep *sw, const char *jobs_path, const char *shards,
		     const char *exe, size_t *nr_emitted)
{
	char trace[PATH_MAX], prof[PATH_MAX] = "", dir[PATH_MAX], jobs_abs[PATH_MAX + 16];
	char sbatch[PATH_MAX + 16], label[1200];
	int width = 1;
	FILE *f;

	for (size_t n = sw->nr_points; n >= 10; n /= 10)
		width++;
	abs_path(sw->trace, trace, sizeof(trace));
	if (sw->profile) {
		char p[4096];

		if (profile_resolve(sw->profile, p, sizeof(p)))
			return cli_usage_error(CMD, "no profile '%s'", sw->profile);
		abs_path(p, prof, sizeof(prof));
	}
	if (shards) {
		snprintf(dir, sizeof(dir), "%s", shards);
	} else {
		const char *slash = strrchr(jobs_path, '/');

		snprintf(dir, sizeof(dir), "%.*sshards", slash ? (int)(slash - jobs_path + 1) : 0,
			 jobs_path);
	}
	if (mkdir_p(dir))
		return cli_error(CMD, "cannot create shard directory %s: %s", dir, strerror(errno));
	{
		char tmp[PATH_MAX];

		abs_path(dir, tmp, sizeof(tmp));
		snprintf(dir, sizeof(dir), "%s", tmp);
	}
	f = fopen(jobs_path, "w");
	if (!f)
		return cli_error(CMD, "cannot write %s: %s", jobs_path, strerror(errno));
	*nr_emitted = 0;
	for (size_t i = 0; i < sw->nr_points; i++) {
		struct sweep_setting s[SWEEP_MAX_AXES];
		const char *scn;
		char shard[PATH_MAX + 64];

		if (sw->pts[i].state != PT_TODO)
			continue;
		scn = sweep_grid__point(sw->grid, i, s);
		shell_quote(f, exe);
		fputs(" -q replay ", f);
		shell_quote(f, trace);
		if (*prof) {
			fputs(" --profile ", f);
			shell_quote(f, prof);
		}
		if (*scn) {
			fputs(" --scenario ", f);
			shell_quote(f, scn);
		}
		for (size_t k = 0; k < sw->nr_user + sweep_grid__nr_axes(sw->grid); k++) {
			const struct sweep_setting *x = k < sw->nr_user ? &sw->user[k]
								       : &s[k - sw->nr_user];
			char kv[1024];

			snprintf(kv, sizeof(kv), "%s=%s", x->key, x->value);
			fputs(" --set ", f);
			shell_quote(f, kv);
		}
		point_label(sw, i, label, sizeof(label));
		fputs(" --label ", f);
		shell_quote(f, label);
		if (snprintf(shard, sizeof(shard), "%s/point-%0*zu.db", dir, width, i) >= (int)sizeof(shard)) {
			fclose(f);
			return cli_error(CMD, "shard path too long: %s", dir);
		}
		fputs(" --db ", f);
		shell_quote(f, shard);
		fputc('\n', f);
		(*nr_emitted)++;
	}
	if (fclose(f))
		return cli_error(CMD, "cannot write %s: %s", jobs_path, strerror(errno));

	abs_path(jobs_path, jobs_abs, sizeof(jobs_abs));
	snprintf(sbatch, sizeof(sbatch), "%s.sbatch", jobs_path);
	f = fopen(sbatch, "w");
	if (!f)
		return cli_error(CMD, "cannot write %s: %s", sbatch, strerror(errno));
	fprintf(f,
		"#!/bin/bash\n"
		"# Slurm array job for a svatrace sweep: task K runs line K of the job list,\n"
		"# which stores its run in its own shard database. Afterwards:\n"
		"#   svatrace db merge OUT.db '%s'/*.db\n"
		"#SBATCH --job-name=svatrace-sweep\n"
		"#SBATCH --array=1-%zu\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n"
		"#SBATCH --output=%s/slurm-%%A_%%a.out\n"
		"set -euo pipefail\n"
		"jobs='%s'\n"
		"line=$(sed -n \"${SLURM_ARRAY_TASK_ID:?not run as an array task}p\" \"$jobs\")\n"
		"[ -n \"$line\" ] || { echo \"no line $SLURM_ARRAY_TASK_ID in $jobs\" >&2; exit 1; }\n"
		"exec bash -c \"$line\"\n",
		dir, *nr_emitted ? *nr_emitted : 1, dir, jobs_abs);
	if (fclose(f))
		return cli_error(CMD, "cannot write %s: %s", sbatch, strerror(errno));
	chmod(sbatch, 0755);
	return CLI_OK;
}

/* ------------------------------------------------------------ summary */

static json_t *summary_json(const struct sweep *sw, size_t counts[], double wall_s, bool ran,
			    bool interrupted)
{
	json_t *o = json_object(), *failed = json_array();
	double sum = 0;
	size_t n = 0;
	char label[1200];

	for (size_t i = 0; i < sw->nr_points; i++) {
		const struct point *pt = &sw->pts[i];

		if (pt->state == PT_OK) {
			sum += pt->secs;
			n++;
		}
		if (pt->state == PT_FAILED || pt->state == PT_INTERRUPTED) {
			json_t *f = json_object();

			point_label(sw, i, label, sizeof(label));
			json_object_set_new(f, "index", json_integer((json_int_t)i));
			json_object_set_new(f, "label", json_string(label));
			json_object_set_new(f, "point_key", json_string(pt->key));
			json_object_set_new(f, "state", json_string(state_names[pt->state]));
			if (WIFEXITED(pt->status))
				json_object_set_new(f, "exit_status", json_integer(WEXITSTATUS(pt->status)));
			else if (WIFSIGNALED(pt->status))
				json_object_set_new(f, "signal", json_integer(WTERMSIG(pt->status)));
			json_array_append_new(failed, f);
		}
	}
	json_object_set_new(o, "trace", json_string(sw->trace));
	json_object_set_new(o, "trace_hash", json_string(sw->trace_hash));
	json_object_set_new(o, "db", sw->db ? json_string(sw->db) : json_null());
	json_object_set_new(o, "points", json_integer((json_int_t)sw->nr_points));
	json_object_set_new(o, "already_done", json_integer((json_int_t)counts[PT_DONE_BEFORE]));
	json_object_set_new(o, "duplicates", json_integer((json_int_t)counts[PT_DUP]));
	json_object_set_new(o, "ran", json_integer((json_int_t)(counts[PT_OK] + counts[PT_FAILED])));
	json_object_set_new(o, "ok", json_integer((json_int_t)counts[PT_OK]));
	json_object_set_new(o, "failed", json_integer((json_int_t)counts[PT_FAILED]));
	json_object_set_new(o, "interrupted", json_boolean(interrupted));
	json_object_set_new(o, "not_run", json_integer((json_int_t)(counts[PT_TODO] + counts[PT_INTERRUPTED])));
	json_object_set_new(o, "jobs", json_integer(sw->jobs));
	json_object_set_new(o, "wall_s", json_real(ran ? wall_s : 0));
	json_object_set_new(o, "mean_point_s", json_real(n ? sum / (double)n : 0));
	json_object_set_new(o, "points_per_s", json_real(ran && wall_s > 0 ? (double)n / wall_s : 0));
	json_object_set_new(o, "failed_points", failed);
	return o;
}

/* ------------------------------------------------------------ main */

int cmd_sweep(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "grid", required_argument, NULL, 'g' },
		{ "scenario", required_argument, NULL, 'C' },
		{ "profile", required_argument, NULL, 'p' },
		{ "set", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'D' },
		{ "label", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'J' },
		{ "list", no_argument, NULL, 'L' },
		{ "emit-jobs", required_argument, NULL, 'E' },
		{ "shards", required_argument, NULL, 'H' },
		{ "exe", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sweep sw = { .jobs = 1 };
	const char *emit = NULL, *shards = NULL, *exe = NULL;
	char **grids = calloc((size_t)argc + 1, sizeof(char *));
	char (*keys)[128] = calloc((size_t)argc + 1, sizeof(*keys));
	size_t nr_grids = 0, counts[PT_INTERRUPTED + 1] = { 0 };
	bool json = false, list = false, have_scenario = false;
	struct params *check = NULL;
	struct store *st = NULL;
	char err[1024], exe_buf[PATH_MAX];
	double wall_s = 0;
	int c, rc = CLI_OK;

	sw.user = calloc(2 * (size_t)argc + 1, sizeof(*sw.user)); /* --seed adds two */
	sw.grid = sweep_grid__new();
	if (!grids || !keys || !sw.user || !sw.grid) {
		rc = cli_error(CMD, "out of memory");
		goto out;
	}
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		switch (c) {
		case 'g': grids[nr_grids++] = optarg; break;
		case 'C':
			if (!strcmp(optarg, "help")) {
				replay_scenario_help();
				goto out;
			}
			have_scenario = true;
			if (sweep_grid__add_scenario(sw.grid, optarg)) {
				rc = cli_error(CMD, "out of memory");
				goto out;
			}
			break;
		case 'p': sw.profile = optarg; break;
		case 's':
		case 'S': {
			const char *v;
			char *k = keys[sw.nr_user];

			if (c == 'S') {
				snprintf(k, sizeof(keys[0]), "model.seed");
				v = optarg;
			} else if (sweep_split_setting(optarg, k, sizeof(keys[0]), &v)) {
				rc = cli_usage_error(CMD, "--set '%s': want KEY=VALUE", optarg);
				goto out;
			}
			sw.user[sw.nr_user++] = (struct sweep_setting){ k, v, c == 'S' ? "--seed" : "--set" };
			if (c == 'S') /* the seed of both models, stored as what they ran with */
				sw.user[sw.nr_user++] = (struct sweep_setting){ "wq.seed", v, "--seed" };
			break;
		}
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || n < 1 || n > MAX_JOBS) {
				rc = cli_usage_error(CMD, "-j '%s': want a number of jobs 1..%d", optarg,
						     MAX_JOBS);
				goto out;
			}
			sw.jobs = (int)n;
			break;
		}
		case 'D': sw.db = optarg; break;
		case 'l': sw.label = optarg; break;
		case 'J': json = true; break;
		case 'L': list = true; break;
		case 'E': emit = optarg; break;
		case 'H': shards = optarg; break;
		case 'X': exe = optarg; break;
		case 'h': usage(stdout); goto out;
		default: rc = cli_usage_error(CMD, "unknown option"); goto out;
		}
	}
	if (optind != argc - 1) {
		rc = cli_usage_error(CMD, optind >= argc ? "no TRACE given" : "one TRACE only");
		goto out;
	}
	sw.trace = argv[optind];
	if (!sw.db && !emit && !list) {
		rc = cli_usage_error(CMD, "--db FILE is required to run a sweep (or --emit-jobs/--list)");
		goto out;
	}
	(void)have_scenario;

	/* the grid: every key known, every value parses */
	check = params__new(svt_param_registry);
	if (!check) {
		rc = cli_error(CMD, "parameter tables: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nr_grids; i++) {
		if (sweep_grid__add_axis(sw.grid, grids[i], check, err, sizeof(err))) {
			rc = cli_usage_error(CMD, "%s", err);
			goto out;
		}
	}
	sw.nr_points = sweep_grid__nr_points(sw.grid);
	if (sw.nr_points > SWEEP_MAX_POINTS) {
		rc = cli_usage_error(CMD, "the grid has more than %d points", SWEEP_MAX_POINTS);
		goto out;
	}
	if (access(sw.trace, R_OK) || replay_trace_hash(sw.trace, sw.trace_hash, sizeof(sw.trace_hash))) {
		rc = cli_error(CMD, "cannot read trace %s: %s", sw.trace, strerror(errno));
		goto out;
	}
	sw.pts = calloc(sw.nr_points, sizeof(*sw.pts));
	if (!sw.pts) {
		rc = cli_error(CMD, "out of memory");
		goto out;
	}

	/* resolve every point once: bad combinations fail before anything runs */
	for (size_t i = 0; i < sw.nr_points; i++) {
		char spec[1024], label[1200];
		struct params *p = resolve_point(&sw, i, spec, sizeof(spec), err, sizeof(err));

		if (!p) {
			point_label(&sw, i, label, sizeof(label));
			rc = cli_usage_error(CMD, "point %zu (%s): %s", i, label, err);
			goto out;
		}
		if (point_key(p, sw.trace_hash, spec, sw.pts[i].key)) {
			params__free(p);
			rc = cli_error(CMD, "out of memory");
			goto out;
		}
		params__free(p);
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(sw.pts[j].key, sw.pts[i].key)) {
				sw.pts[i].state = PT_DUP;
				sw.pts[i].dup_of = j;
				break;
			}
		}
	}

	/* which points the database already holds */
	if (sw.db && (!emit || access(sw.db, F_OK) == 0)) {
		st = store__open(sw.db, emit || list ? 0 : STORE_CREATE, err, sizeof(err));
		if (!st) {
			rc = cli_error(CMD, "%s", err);
			goto out;
		}
		for (size_t i = 0; i < sw.nr_points; i++) {
			int has;

			if (sw.pts[i].state != PT_TODO)
				continue;
			has = store__has_point(st, sw.pts[i].key);
			if (has < 0) {
				rc = cli_error(CMD, "%s: %s", sw.db, store__errmsg(st));
				goto out;
			}
			if (has)
				sw.pts[i].state = PT_DONE_BEFORE;
		}
		/* workers open their own connections; no SQLite handle crosses fork() */
		store__close(st);
		st = NULL;
	}

	if (list) {
		json_t *a = json ? json_array() : NULL;

		for (size_t i = 0; i < sw.nr_points; i++) {
			char label[1200];

			point_label(&sw, i, label, sizeof(label));
			if (a) {
				json_t *o = json_object();

				json_object_set_new(o, "index", json_integer((json_int_t)i));
				json_object_set_new(o, "point_key", json_string(sw.pts[i].key));
				json_object_set_new(o, "state", json_string(state_names[sw.pts[i].state]));
				json_object_set_new(o, "label", json_string(label));
				json_array_append_new(a, o);
			} else {
				printf("%6zu  %s  %-11s  %s\n", i, sw.pts[i].key,
				       state_names[sw.pts[i].state], label);
			}
		}
		if (a) {
			json_dumpf(a, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(a);
		}
		goto out;
	}

	if (emit) {
		size_t n = 0;
		ssize_t len;

		if (!exe) {
			len = readlink("/proc/self/exe", exe_buf, sizeof(exe_buf) - 1);
			if (len > 0) {
				exe_buf[len] = 0;
				exe = exe_buf;
			} else {
				exe = "svatrace";
			}
		}
		rc = emit_jobs(&sw, emit, shards, exe, &n);
		if (rc)
			goto out;
		for (size_t i = 0; i < sw.nr_points; i++)
			counts[sw.pts[i].state]++;
		if (json) {
			json_t *o = summary_json(&sw, counts, 0, false, false);

			json_object_set_new(o, "jobs_file", json_string(emit));
			json_object_set_new(o, "emitted", json_integer((json_int_t)n));
			json_dumpf(o, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(o);
		} else {
			printf("sweep: %zu points: %zu job lines in %s (Slurm: %s.sbatch), %zu already in the "
			       "database, %zu duplicates\n", sw.nr_points, n, emit, emit,
			       counts[PT_DONE_BEFORE], counts[PT_DUP]);
		}
		goto out;
	}

	{
		size_t nr_todo = 0;

		for (size_t i = 0; i < sw.nr_points; i++)
			nr_todo += sw.pts[i].state == PT_TODO;
		if (nr_todo)
			run_local(&sw, nr_todo, &wall_s);
	}
	for (size_t i = 0; i < sw.nr_points; i++)
		counts[sw.pts[i].state]++;
	if (json) {
		json_t *o = summary_json(&sw, counts, wall_s, true, stop_signal != 0);

		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("sweep: %zu points: %zu already in %s, %zu run (%zu ok, %zu failed) in %.1f s%s\n",
		       sw.nr_points, counts[PT_DONE_BEFORE], sw.db, counts[PT_OK] + counts[PT_FAILED],
		       counts[PT_OK], counts[PT_FAILED], wall_s,
		       stop_signal ? "; interrupted: run the same command again to finish" : "");
	}
	if (counts[PT_FAILED] || counts[PT_INTERRUPTED] || stop_signal)
		rc = CLI_FAIL;
out:
	store__close(st);
	params__free(check);
	sweep_grid__free(sw.grid);
	free(sw.pts);
	free(sw.user);
	free(grids);
	free(keys);
	return rc;
}
