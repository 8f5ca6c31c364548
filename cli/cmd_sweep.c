// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_sweep.c - `svatrace sweep`: the command line of parameter sweeps.
 * It parses options into a grid and a plan (sweep/plan.h), then lists the
 * points, emits them as job lines (sweep/jobs.h) or runs them here
 * (sweep/runner.h), and prints the progress line and the summary. What a
 * sweep does is in sweep/; this file only parses, prints and maps errors to
 * exit statuses.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli/cli.h"
#include "cli/sweep_sens.h"
#include "common/log.h"
#include "replay/registry.h"
#include "sweep/jobs.h"
#include "sweep/onepass.h"
#include "sweep/plan.h"
#include "sweep/runner.h"

#define CMD "sweep"

/* The command line, parsed. */
struct sweep_args {
	struct sweep_opts o;	     /* trace, db, profile, label, --set */
	struct sweep_setting *user;  /* --set / --seed in order (o.user) */
	char (*keys)[128];	     /* their keys (copied out of KEY=VALUE) */
	const char **grids;	     /* --grid specs */
	size_t nr_grids;	     /* their number */
	struct sweep_grid *grid;     /* scenario axis so far; axes added later */
	struct sweep_jobs_opts jobs; /* --emit-jobs, --shards, --exe */
	int nr_jobs;		     /* -j */
	bool json;		     /* --json */
	bool list;		     /* --list */
	bool done;		     /* --help or --scenario help was printed */
	struct cli_sens sens;	     /* --sensitivity (o: NULL unless given), --keys, ... */
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace sweep TRACE --grid KEY=V1,V2,... [--grid ...] [--scenario SPEC]...\n"
	    "                      [--profile NAME|FILE] [--set KEY=VALUE]... [--seed N]\n"
	    "                      [-j N] --db FILE [--json] [--label TEXT]\n"
	    "       svatrace sweep TRACE --grid ... --emit-jobs FILE [--shards DIR] [--db FILE]\n"
	    "                      [--chunk N] [--svatrace PATH] [--max-array N] [--throttle N]\n"
	    "       svatrace sweep TRACE --grid ... --list [--db FILE] [--json]\n"
	    "       svatrace sweep TRACE --sensitivity [--keys estimated|K,...] [--metric KEY]\n"
	    "                      [--top N] [--scenario SPEC] [--set ...] -j N --db FILE\n"
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
	    "  --seed N              model.seed and wq.seed for every point (= --set model.seed=N "
	    "--set wq.seed=N)\n"
	    "  -j, --jobs N          points run at once (default 1; one process each)\n"
	    "  --point-timeout SECS  a point running longer is killed and recorded as failed\n"
	    "                        (default: no limit)\n"
	    "  --point-mem MIB       address space a point may use, MiB; past it the point\n"
	    "                        fails with 'memory limit' (default: no limit)\n"
	    "  --db FILE             results database, created if missing (required to run)\n"
	    "  --label TEXT          prefix of every run's label (label: 'TEXT KEY=V ...')\n"
	    "  --json                print a JSON summary instead of a line of text\n"
	    "  --list                print the points (index, point key, state, label); no run\n"
	    "  --emit-jobs FILE      write one shell line per --chunk points still to do\n"
	    "                        (each point stores into its own shard DB; a line that\n"
	    "                        succeeds prints nothing), FILE.sbatch (a Slurm array\n"
	    "                        script) and FILE.submit (sbatch calls within\n"
	    "                        MaxArraySize); nothing is run\n"
	    "  --shards DIR          where emitted jobs write shards (default: DIR 'shards'\n"
	    "                        next to the jobs FILE)\n"
	    "  --chunk N             points per job line (default 1)\n"
	    "  --svatrace PATH       svatrace in the job lines (default: 'svatrace' from the\n"
	    "                        node's PATH); --exe is the old name\n"
	    "  --max-array N         the cluster's Slurm MaxArraySize (default 1001): larger\n"
	    "                        job lists are submitted as several arrays\n"
	    "  --throttle N          Slurm: at most N tasks of an array at once ('%%N')\n"
	    "  --sensitivity         instead of a grid: replay the base point (TRACE with\n"
	    "                        --profile/--scenario/--set) and, one at a time, each\n"
	    "                        parameter of --keys at x0.5 and x2 of its base value\n"
	    "                        (labels: LABEL, LABEL KEY=VALUE; LABEL defaults to\n"
	    "                        'sensitivity'); print the parameters the metric moves\n"
	    "                        with most; 'svatrace plot tornado' draws them\n"
	    "  --keys estimated|K,.. parameters to vary (default: every numeric estimate,\n"
	    "                        see the SOURCE column of 'replay --list-params')\n"
	    "  --metric KEY          metric or HIST@STAT (default: the headline metric,\n"
	    "                        e.g. xlate.latency_ns@mean)\n"
	    "  --top N               effects printed (default 12)\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Progress (points done of total, time per point, time left) is drawn on stderr\n"
	    "when it is a terminal. Ctrl-C stops the workers; completed points are kept.\n"
	    "\n"
	    "Examples:\n"
	    "  svatrace sweep run.svt --grid iotlb.entries=16..1024*2 --grid pt.page_bytes=4K,2M "
	    "\\\n"
	    "      -j 2 --db sweep.db\n"
	    "  svatrace sweep run.svt --scenario pinned --scenario faulting --grid "
	    "atc.entries=8,32 \\\n"
	    "      --db sva.db\n"
	    "  svatrace sweep run.svt --grid iotlb.entries=16..1024*2 --emit-jobs jobs.txt\n"
	    "  parallel --sshlogin 8/node1,8/node2 < jobs.txt   # or: sh jobs.txt.submit\n"
	    "  svatrace db merge sweep.db shards/*.db\n"
	    "(docs/sweep.md has the cluster walk-through.)\n"
	    "\n"
	    "Exit status: 0 every point is stored, 1 some point failed or the sweep was\n"
	    "interrupted (run it again to finish), 2 bad option, grid or parameter.\n");
}

/* ------------------------------------------------------------ options */

static int parse_setting(struct sweep_args *a, int c, const char *arg)
{
	char *k = a->keys[a->o.nr_user];
	const char *v;

	if (c == 'S') {
		snprintf(k, sizeof(a->keys[0]), "model.seed");
		v = arg;
	} else if (sweep_split_setting(arg, k, sizeof(a->keys[0]), &v)) {
		return cli_usage_error(CMD, "--set '%s': want KEY=VALUE", arg);
	}
	a->user[a->o.nr_user++] = (struct sweep_setting){k, v, c == 'S' ? "--seed" : "--set"};
	if (c == 'S') /* the seed of both models, stored as what they ran with */
		a->user[a->o.nr_user++] = (struct sweep_setting){"wq.seed", v, "--seed"};
	return CLI_OK;
}

static int parse_jobs(struct sweep_args *a, const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || n < 1 || n > SWEEP_MAX_JOBS)
		return cli_usage_error(CMD, "-j '%s': want a number of jobs 1..%d", arg,
				       SWEEP_MAX_JOBS);
	a->nr_jobs = (int)n;
	return CLI_OK;
}

/* One option; CLI_OK to go on. */
static int parse_opt(struct sweep_args *a, int c, const char *arg)
{
	switch (c) {
	case 1001: /* --point-timeout */
	case 1002: /* --point-mem */ {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || *arg == '-' || !n ||
		    n > (c == 1001 ? 31536000ULL : (1ULL << 44)))
			return cli_usage_error(
			    CMD, "--point-%s '%s': want a whole number of %s, 1..%s",
			    c == 1001 ? "timeout" : "mem", arg, c == 1001 ? "seconds" : "MiB",
			    c == 1001 ? "31536000" : "2^44");
		if (c == 1001)
			a->o.point_timeout_s = (unsigned int)n;
		else
			a->o.point_mem_bytes = n << 20;
		return CLI_OK;
	}
	case 'g':
		a->grids[a->nr_grids++] = arg;
		break;
	case 'C':
		if (!strcmp(arg, "help")) {
			replay_scenario_help();
			a->done = true;
		} else if (sweep_grid__add_scenario(a->grid, arg)) {
			return cli_error(CMD, "out of memory");
		}
		break;
	case 'p':
		a->o.profile = arg;
		break;
	case 's':
	case 'S':
		return parse_setting(a, c, arg);
	case 'j':
		return parse_jobs(a, arg);
	case 'D':
		a->o.db = arg;
		break;
	case 'l':
		if (cli_check_label(CMD, arg))
			return CLI_USAGE;
		a->o.label = arg;
		break;
	case 'J':
		a->json = true;
		break;
	case 'L':
		a->list = true;
		break;
	case 'E':
		a->jobs.jobs_path = arg;
		break;
	case 'H':
		a->jobs.shards_dir = arg;
		break;
	case 'X':
		a->jobs.exe = arg;
		break;
	case 'K':
	case 'M':
	case 'T': {
		char *end;
		unsigned long long n = strtoull(arg, &end, 10);
		size_t *dst = c == 'K'	 ? &a->jobs.chunk
			      : c == 'M' ? &a->jobs.max_array
					 : &a->jobs.throttle;

		if (*end || !*arg || arg[0] == '-' || n < (c == 'M' ? 2 : 1) || n > 100000000)
			return cli_usage_error(CMD, "--%s '%s': want a whole number >= %d",
					       c == 'K'	  ? "chunk"
					       : c == 'M' ? "max-array"
							  : "throttle",
					       arg, c == 'M' ? 2 : 1);
		*dst = (size_t)n;
		break;
	}
	case 1003:
		a->sens.o = &a->o;
		break;
	case 1004:
		a->sens.keys = arg;
		break;
	case 1005:
		a->sens.metric = arg;
		break;
	case 1006:
		a->sens.top = (unsigned int)strtoul(arg, NULL, 10);
		if (!a->sens.top)
			return cli_usage_error(CMD, "--top '%s': want a number >= 1", arg);
		break;
	case 'h':
		usage(stdout);
		a->done = true;
		break;
	default:
		return cli_usage_error(CMD, "unknown option");
	}
	return CLI_OK;
}

static int parse_args(struct sweep_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"grid", required_argument, NULL, 'g'},
	    {"scenario", required_argument, NULL, 'C'},
	    {"profile", required_argument, NULL, 'p'},
	    {"set", required_argument, NULL, 's'},
	    {"seed", required_argument, NULL, 'S'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"point-timeout", required_argument, NULL, 1001},
	    {"point-mem", required_argument, NULL, 1002},
	    {"db", required_argument, NULL, 'D'},
	    {"label", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'J'},
	    {"list", no_argument, NULL, 'L'},
	    {"emit-jobs", required_argument, NULL, 'E'},
	    {"shards", required_argument, NULL, 'H'},
	    {"exe", required_argument, NULL, 'X'},
	    {"svatrace", required_argument, NULL, 'X'},
	    {"chunk", required_argument, NULL, 'K'},
	    {"max-array", required_argument, NULL, 'M'},
	    {"throttle", required_argument, NULL, 'T'},
	    {"sensitivity", no_argument, NULL, 1003},
	    {"keys", required_argument, NULL, 1004},
	    {"metric", required_argument, NULL, 1005},
	    {"top", required_argument, NULL, 1006},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;

	a->nr_jobs = 1;
	a->grids = calloc((size_t)argc + 1, sizeof(*a->grids));
	/* --seed adds two settings (model.seed, wq.seed) */
	a->keys = calloc(2 * (size_t)argc + 1, sizeof(*a->keys));
	a->user = calloc(2 * (size_t)argc + 1, sizeof(*a->user));
	a->grid = sweep_grid__new();
	if (!a->grids || !a->keys || !a->user || !a->grid)
		return cli_error(CMD, "out of memory");
	a->o.user = a->user;
	while ((c = cli_getopt(argc, argv, "hj:", opts)) != -1) {
		rc = parse_opt(a, c, optarg);
		if (rc || a->done)
			return rc;
	}
	if (optind != argc - 1)
		return cli_usage_error(CMD, optind >= argc ? "no TRACE given" : "one TRACE only");
	a->o.trace = argv[optind];
	if (!a->o.db && !a->jobs.jobs_path && !a->list)
		return cli_usage_error(
		    CMD, "--db FILE is required to run a sweep (or --emit-jobs/--list)");
	return CLI_OK;
}

static void args_free(struct sweep_args *a)
{
	sweep_grid__free(a->grid);
	free(a->grids);
	free(a->keys);
	free(a->user);
}

/*
 * The grid's axes (every key known, every value parses), then the plan:
 * every point resolved and keyed, checked against the database.
 */
static int make_plan(struct sweep_args *a, struct sweep_plan **out)
{
	struct params *check = params__new(svt_param_registry);
	struct sweep_grid *grid = a->grid;
	char err[1024];
	int rc = 0;

	if (!check)
		return cli_error(CMD, "parameter tables: %s", strerror(errno));
	for (size_t i = 0; !rc && i < a->nr_grids; i++)
		rc = sweep_grid__add_axis(grid, a->grids[i], check, err, sizeof(err));
	params__free(check);
	if (rc)
		return cli_usage_error(CMD, "%s", err);
	if (sweep_trace_check(a->o.trace, err, sizeof(err)))
		return cli_error(CMD, "%s", err); /* a->grid still owns the grid */
	a->grid = NULL;				  /* the plan owns it now */
	*out = sweep_plan__new(&a->o, grid, err, sizeof(err));
	if (!*out) {
		if (errno == EINVAL || errno == E2BIG)
			return cli_usage_error(CMD, "%s", err);
		return cli_error(CMD, "%s", err);
	}
	/* emitting with a database: only its points are skipped; it need not exist yet */
	rc = sweep_plan__check_db(*out,
				  a->jobs.jobs_path ? SWEEP_DB_IF_EXISTS
				  : a->list	    ? SWEEP_DB_MUST_EXIST
						    : SWEEP_DB_CREATE,
				  err, sizeof(err));
	if (rc)
		return cli_error(CMD, "%s", err);
	return CLI_OK;
}

/* ------------------------------------------------------------ output */

static void print_list(const struct sweep_plan *sp, bool json)
{
	json_t *a = json ? json_array() : NULL;
	char label[1200];

	for (size_t i = 0; i < sweep_plan__nr_points(sp); i++) {
		const struct sweep_point *pt = sweep_plan__point(sp, i);

		sweep_plan__label(sp, i, label, sizeof(label));
		if (a) {
			json_t *o = json_object();

			json_object_set_new(o, "index", json_integer((json_int_t)i));
			json_object_set_new(o, "point_key", json_string(pt->key));
			json_object_set_new(o, "state",
					    json_string(sweep_point_state_name(pt->state)));
			json_object_set_new(o, "label", json_string(label));
			json_array_append_new(a, o);
		} else {
			printf("%6zu  %s  %-11s  %s\n", i, pt->key,
			       sweep_point_state_name(pt->state), label);
		}
	}
	if (a) {
		json_dumpf(a, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(a);
	}
}

static json_t *failed_point_json(const struct sweep_plan *sp, size_t i)
{
	const struct sweep_point *pt = sweep_plan__point(sp, i);
	json_t *f = json_object();
	char label[1200];

	sweep_plan__label(sp, i, label, sizeof(label));
	json_object_set_new(f, "index", json_integer((json_int_t)i));
	json_object_set_new(f, "label", json_string(label));
	json_object_set_new(f, "point_key", json_string(pt->key));
	json_object_set_new(f, "state", json_string(sweep_point_state_name(pt->state)));
	{
		char why[128];

		sweep_point_reason(sp, i, why, sizeof(why));
		json_object_set_new(f, "reason", json_string(why));
	}
	if (WIFEXITED(pt->wait_status))
		json_object_set_new(f, "exit_status", json_integer(WEXITSTATUS(pt->wait_status)));
	else if (WIFSIGNALED(pt->wait_status))
		json_object_set_new(f, "signal", json_integer(WTERMSIG(pt->wait_status)));
	return f;
}

static json_t *summary_json(const struct sweep_plan *sp, const struct sweep_args *a,
			    const size_t counts[], double wall_s, bool ran, bool interrupted)
{
	json_t *o = json_object(), *failed = json_array();
	double sum = 0;
	size_t n = 0, nr_one_pass = 0;

	for (size_t i = 0; i < sweep_plan__nr_points(sp); i++) {
		const struct sweep_point *pt = sweep_plan__point(sp, i);

		nr_one_pass += pt->one_pass;
		if (pt->state == SWEEP_PT_OK && !pt->one_pass) {
			sum += pt->secs;
			n++;
		}
		if (pt->state == SWEEP_PT_FAILED || pt->state == SWEEP_PT_INTERRUPTED)
			json_array_append_new(failed, failed_point_json(sp, i));
	}
	json_object_set_new(o, "trace", json_string(a->o.trace));
	json_object_set_new(o, "trace_hash", json_string(sweep_plan__trace_hash(sp)));
	json_object_set_new(o, "db", a->o.db ? json_string(a->o.db) : json_null());
	json_object_set_new(o, "points", json_integer((json_int_t)sweep_plan__nr_points(sp)));
	json_object_set_new(o, "already_done",
			    json_integer((json_int_t)counts[SWEEP_PT_DONE_BEFORE]));
	json_object_set_new(o, "duplicates", json_integer((json_int_t)counts[SWEEP_PT_DUP]));
	json_object_set_new(
	    o, "ran", json_integer((json_int_t)(counts[SWEEP_PT_OK] + counts[SWEEP_PT_FAILED])));
	json_object_set_new(o, "ok", json_integer((json_int_t)counts[SWEEP_PT_OK]));
	/* points from the one-pass curve (counts only); the rest of "ran" replayed fully */
	json_object_set_new(o, "one_pass", json_integer((json_int_t)nr_one_pass));
	json_object_set_new(o, "failed", json_integer((json_int_t)counts[SWEEP_PT_FAILED]));
	json_object_set_new(o, "interrupted", json_boolean(interrupted));
	json_object_set_new(
	    o, "not_run",
	    json_integer((json_int_t)(counts[SWEEP_PT_TODO] + counts[SWEEP_PT_INTERRUPTED])));
	json_object_set_new(o, "jobs", json_integer(a->nr_jobs));
	json_object_set_new(o, "wall_s", json_real(ran ? wall_s : 0));
	json_object_set_new(o, "mean_point_s", json_real(n ? sum / (double)n : 0));
	json_object_set_new(o, "points_per_s",
			    json_real(ran && wall_s > 0 ? (double)n / wall_s : 0));
	json_object_set_new(o, "failed_points", failed);
	return o;
}

static void print_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(o);
}

/* ------------------------------------------------------------ progress */

static void fmt_hms(double s, char *buf, size_t bytes)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	snprintf(buf, bytes, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

/* The progress line on stderr (a terminal): done/total, last point, ETA. */
static void on_progress(void *ctx, const struct sweep_progress *pg)
{
	char eta[32] = "?", failed[32] = "", last[32] = "-";

	(void)ctx;
	if (pg->done)
		fmt_hms(pg->elapsed_s / (double)pg->done * (double)(pg->total - pg->done), eta,
			sizeof(eta));
	if (pg->failed)
		snprintf(failed, sizeof(failed), " (%zu failed)", pg->failed);
	if (pg->done)
		snprintf(last, sizeof(last), "%.2f s", pg->last_point_s);
	fprintf(stderr, "\rsweep: %zu/%zu points%s, %zu running, last point %s, ETA %s   ",
		pg->done, pg->total, failed, pg->running, last, eta);
	fflush(stderr);
}

static void on_point_failed(void *ctx, const struct sweep_plan *sp, size_t idx)
{
	const struct sweep_point *pt = sweep_plan__point(sp, idx);
	const bool *drawing = ctx;
	char label[1200], why[128];

	(void)pt;
	sweep_plan__label(sp, idx, label, sizeof(label));
	sweep_point_reason(sp, idx, why, sizeof(why));
	if (*drawing)
		fputc('\n', stderr);
	svt_err("sweep: point %zu (%s) failed: %s", idx, label, why);
}

/* ------------------------------------------------------------ modes */

static int do_emit(const struct sweep_plan *sp, const struct sweep_args *a)
{
	size_t counts[SWEEP_NR_PT_STATES], n = 0;
	char err[1024];
	const char *emit = a->jobs.jobs_path;

	if (sweep_plan__emit_jobs(sp, &a->jobs, &n, err, sizeof(err)))
		return cli_error(CMD, "%s", err);
	sweep_plan__count(sp, counts);
	if (a->json) {
		json_t *o = summary_json(sp, a, counts, 0, false, false);

		json_object_set_new(o, "jobs_file", json_string(emit));
		json_object_set_new(o, "emitted", json_integer((json_int_t)n));
		json_object_set_new(
		    o, "job_lines",
		    json_integer((json_int_t)sweep_jobs_nr_lines(n, a->jobs.chunk)));
		print_json(o);
	} else {
		printf("sweep: %zu points: %zu to do in %zu job lines in %s (Slurm: sh %s.submit), "
		       "%zu already in the database, %zu duplicates\n",
		       sweep_plan__nr_points(sp), n, sweep_jobs_nr_lines(n, a->jobs.chunk), emit,
		       emit, counts[SWEEP_PT_DONE_BEFORE], counts[SWEEP_PT_DUP]);
	}
	return CLI_OK;
}

static int do_run(struct sweep_plan *sp, const struct sweep_args *a)
{
	bool drawing = cli_is_tty(stderr);
	const struct sweep_hooks hooks = {
	    .progress = drawing ? on_progress : NULL,
	    .point_failed = on_point_failed,
	    .ctx = &drawing,
	    .tick_1s = drawing,
	};
	size_t counts[SWEEP_NR_PT_STATES], nr_one_pass = 0;
	double wall_s = 0;
	char err[1024];
	int rc = 0;

	/* IOTLB-geometry points the one-pass curve gives exactly: one read per page size */
	if ((rc = sweep_plan__run_one_pass(sp, &nr_one_pass, err, sizeof(err))) < 0) {
		svt_err("sweep: one-pass curve: %s", *err ? err : strerror(-rc));
		return CLI_FAIL;
	}
	sweep_plan__count(sp, counts);
	if (counts[SWEEP_PT_TODO])
		rc = sweep_plan__run(sp, a->nr_jobs, &hooks, &wall_s);
	if (drawing)
		fprintf(stderr, "\r%78s\r", "");
	if (rc && rc != -EINTR)
		svt_err("sweep: %s", strerror(-rc));
	sweep_plan__count(sp, counts);
	if (a->json) {
		print_json(summary_json(sp, a, counts, wall_s, true, rc != 0));
	} else {
		printf("sweep: %zu points: %zu already in %s, %zu run (%zu ok, %zu failed) in %.1f "
		       "s%s\n",
		       sweep_plan__nr_points(sp), counts[SWEEP_PT_DONE_BEFORE], a->o.db,
		       counts[SWEEP_PT_OK] + counts[SWEEP_PT_FAILED], counts[SWEEP_PT_OK],
		       counts[SWEEP_PT_FAILED], wall_s,
		       rc ? "; interrupted: run the same command again to finish" : "");
		if (nr_one_pass)
			printf("sweep: %zu points from the one-pass LRU curve (counts only: "
			       "sweep.one_pass = 1), %zu replayed fully\n",
			       nr_one_pass,
			       counts[SWEEP_PT_OK] + counts[SWEEP_PT_FAILED] - nr_one_pass);
	}
	if (rc || counts[SWEEP_PT_FAILED] || counts[SWEEP_PT_INTERRUPTED])
		return CLI_FAIL;
	return CLI_OK;
}

/* --sensitivity: no grid, one scenario at most; sweep/sensitivity.h does the rest. */
static int do_sensitivity(struct sweep_args *a)
{
	struct sweep_setting none[1];

	if (a->nr_grids || a->list || a->jobs.jobs_path)
		return cli_usage_error(CMD, "--sensitivity makes its own points: no --grid, --list "
					    "or --emit-jobs");
	if (sweep_grid__nr_points(a->grid) != 1)
		return cli_usage_error(CMD, "--sensitivity: one --scenario at most");
	a->sens.scenario = sweep_grid__point(a->grid, 0, none);
	a->sens.nr_jobs = a->nr_jobs;
	a->sens.json = a->json;
	if (!a->sens.top)
		a->sens.top = 12;
	return cli_sweep_sensitivity(&a->sens);
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args a = {0};
	struct sweep_plan *sp = NULL;
	int rc = parse_args(&a, argc, argv);

	if (!rc && !a.done && !a.sens.o && (a.sens.keys || a.sens.metric || a.sens.top))
		rc = cli_usage_error(CMD, "--keys, --metric and --top go with --sensitivity");
	if (!rc && !a.done && a.sens.o) {
		rc = do_sensitivity(&a);
		a.done = true;
	}
	if (!rc && !a.done)
		rc = make_plan(&a, &sp);
	if (!rc && !a.done) {
		if (a.list)
			print_list(sp, a.json);
		else if (a.jobs.jobs_path)
			rc = do_emit(sp, &a);
		else
			rc = do_run(sp, &a);
	}
	sweep_plan__free(sp);
	args_free(&a);
	return rc;
}
