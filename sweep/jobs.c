// SPDX-License-Identifier: GPL-2.0
/*
 * jobs.c - emit a sweep plan as shell job lines and a Slurm array script
 * (see jobs.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay/profile.h"
#include "sweep/jobs.h"
#include "sweep/sweep-local.h"

/* What every line shares. */
struct job_ctx {
	const struct sweep_plan *sp; /* the plan */
	const char *exe;	     /* svatrace to run */
	char trace[PATH_MAX];	     /* absolute trace path */
	char prof[PATH_MAX];	     /* absolute profile path, "" if none */
	char dir[PATH_MAX];	     /* absolute shard directory */
	int width;		     /* digits of point numbers in shard names */
};

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

/* Trace, profile and shard directory as absolute paths; the directory made. */
static int job_ctx_init(struct job_ctx *c, const struct sweep_plan *sp,
			const struct sweep_jobs_opts *o, char *err, size_t err_bytes)
{
	char dir[PATH_MAX];
	int rc;

	c->sp = sp;
	c->width = 1;
	for (size_t n = sp->nr_points; n >= 10; n /= 10)
		c->width++;
	abs_path(sp->o.trace, c->trace, sizeof(c->trace));
	c->prof[0] = 0;
	if (sp->o.profile) {
		char p[4096];

		if (profile_resolve(sp->o.profile, p, sizeof(p))) {
			snprintf(err, err_bytes, "no profile '%s'", sp->o.profile);
			return -ENOENT;
		}
		abs_path(p, c->prof, sizeof(c->prof));
	}
	if (o->shards_dir) {
		snprintf(dir, sizeof(dir), "%s", o->shards_dir);
	} else {
		const char *slash = strrchr(o->jobs_path, '/');

		snprintf(dir, sizeof(dir), "%.*sshards",
			 slash ? (int)(slash - o->jobs_path + 1) : 0, o->jobs_path);
	}
	rc = mkdir_p(dir);
	if (rc) {
		snprintf(err, err_bytes, "cannot create shard directory %s: %s", dir,
			 strerror(-rc));
		return rc;
	}
	abs_path(dir, c->dir, sizeof(c->dir));
	return 0;
}

/* One `svatrace replay` command for point @idx, its summary discarded. */
static int write_job_cmd(FILE *f, const struct job_ctx *c, size_t idx, char *err, size_t err_bytes)
{
	const struct sweep_plan *sp = c->sp;
	struct sweep_setting s[SWEEP_MAX_AXES];
	const char *scn = sweep_grid__point(sp->grid, idx, s);
	size_t nr_sets = sp->o.nr_user + sweep_grid__nr_axes(sp->grid);
	char shard[PATH_MAX + 64], label[1200];

	if (snprintf(shard, sizeof(shard), "%s/point-%0*zu.db", c->dir, c->width, idx) >=
	    (int)sizeof(shard)) {
		snprintf(err, err_bytes, "shard path too long: %s", c->dir);
		return -ENAMETOOLONG;
	}
	shell_quote(f, c->exe);
	fputs(" -q replay ", f);
	shell_quote(f, c->trace);
	if (*c->prof) {
		fputs(" --profile ", f);
		shell_quote(f, c->prof);
	}
	if (*scn) {
		fputs(" --scenario ", f);
		shell_quote(f, scn);
	}
	for (size_t k = 0; k < nr_sets; k++) {
		const struct sweep_setting *x =
		    k < sp->o.nr_user ? &sp->o.user[k] : &s[k - sp->o.nr_user];
		char kv[1024];

		snprintf(kv, sizeof(kv), "%s=%s", x->key, x->value);
		fputs(" --set ", f);
		shell_quote(f, kv);
	}
	sweep_plan__label(sp, idx, label, sizeof(label));
	fputs(" --label ", f);
	shell_quote(f, label);
	fputs(" --db ", f);
	shell_quote(f, shard);
	fputs(" >/dev/null", f);
	return 0;
}

size_t sweep_jobs_nr_lines(size_t nr_points, size_t chunk)
{
	chunk = chunk ? chunk : 1;
	return (nr_points + chunk - 1) / chunk;
}

/*
 * Line of points @idx[0..@n): one command, or a subshell that runs them all
 * and exits 1 if any failed (a subshell, so `bash FILE` runs every line).
 */
static int write_job_line(FILE *f, const struct job_ctx *c, const size_t *idx, size_t n, char *err,
			  size_t err_bytes)
{
	int rc = 0;

	if (n > 1)
		fputs("(rc=0; ", f);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = write_job_cmd(f, c, idx[i], err, err_bytes);
		if (n > 1)
			fputs(" || rc=1; ", f);
	}
	if (n > 1)
		fputs("exit $rc)", f);
	fputc('\n', f);
	return rc;
}

static int write_sbatch(const struct job_ctx *c, const struct sweep_jobs_opts *o, size_t nr_lines,
			char *err, size_t err_bytes)
{
	size_t max = o->max_array ? o->max_array : SWEEP_SLURM_MAX_ARRAY;
	size_t per = max > 1 ? max - 1 : 1; /* tasks per array: indexes 1..max-1 */
	size_t n = nr_lines ? nr_lines : 1, first = n < per ? n : per;
	char path[PATH_MAX + 16], jobs_abs[PATH_MAX + 16], thr[32] = "";
	FILE *f;
	int rc;

	if (o->throttle)
		snprintf(thr, sizeof(thr), "%%%zu", o->throttle);
	abs_path(o->jobs_path, jobs_abs, sizeof(jobs_abs));
	snprintf(path, sizeof(path), "%s.sbatch", o->jobs_path);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	fprintf(f,
		"#!/bin/bash\n"
		"# Slurm array job for a svatrace sweep: task K runs line K + SVATRACE_JOB_OFFSET\n"
		"# of the job list (%zu lines); each line stores its runs in shard databases.\n"
		"# %s\n"
		"# Afterwards: svatrace db merge OUT.db '%s'/*.db\n"
		"#SBATCH --job-name=svatrace-sweep\n"
		"#SBATCH --array=1-%zu%s\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n"
		"#SBATCH --output=%s/slurm-%%A_%%a.out\n"
		"set -euo pipefail\n"
		"jobs='%s'\n"
		"k=$(( ${SLURM_ARRAY_TASK_ID:?not run as an array task} + "
		"${SVATRACE_JOB_OFFSET:-0} ))\n"
		"line=$(sed -n \"${k}p\" \"$jobs\")\n"
		"[ -n \"$line\" ] || { echo \"no line $k in $jobs\" >&2; exit 1; }\n"
		"exec bash -c \"$line\"\n",
		n,
		n <= per ? "sbatch FILE.sbatch runs them all"
			 : "More lines than one array may hold (MaxArraySize): run FILE.submit",
		c->dir, first, thr, c->dir, jobs_abs);
	if (fclose(f))
		goto fail;
	chmod(path, 0755);

	snprintf(path, sizeof(path), "%s.submit", o->jobs_path);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	fprintf(f,
		"#!/bin/sh\n"
		"# Submit the sweep's %zu job lines as Slurm arrays of at most %zu tasks\n"
		"# (MaxArraySize %zu); extra sbatch options pass through: FILE.submit -p PART\n"
		"set -e\n",
		n, per, max);
	for (size_t off = 0; off < n; off += per) {
		size_t len = n - off < per ? n - off : per;

		fprintf(f,
			"sbatch --parsable --array=1-%zu%s --export=ALL,SVATRACE_JOB_OFFSET=%zu "
			"\"$@\" '%s.sbatch'\n",
			len, thr, off, jobs_abs);
	}
	if (fclose(f))
		goto fail;
	chmod(path, 0755);
	return 0;
fail:
	rc = -errno;
	snprintf(err, err_bytes, "cannot write %s: %s", path, strerror(-rc));
	return rc;
}

int sweep_plan__emit_jobs(const struct sweep_plan *sp, const struct sweep_jobs_opts *o,
			  size_t *nr_emitted, char *err, size_t err_bytes)
{
	struct job_ctx *c = calloc(1, sizeof(*c));
	size_t chunk = o->chunk ? o->chunk : 1, *idx = calloc(chunk, sizeof(*idx)), n = 0,
	       lines = 0;
	FILE *f = NULL;
	int rc;

	*nr_emitted = 0;
	if (!c || !idx) {
		free(c);
		free(idx);
		snprintf(err, err_bytes, "out of memory");
		return -ENOMEM;
	}
	/* a cluster node runs its own install: the build path here means nothing there */
	c->exe = o->exe ? o->exe : "svatrace";
	rc = job_ctx_init(c, sp, o, err, err_bytes);
	if (rc)
		goto out;
	f = fopen(o->jobs_path, "w");
	if (!f) {
		rc = -errno;
		snprintf(err, err_bytes, "cannot write %s: %s", o->jobs_path, strerror(-rc));
		goto out;
	}
	for (size_t i = 0; !rc && i < sp->nr_points; i++) {
		if (sp->pts[i].state != SWEEP_PT_TODO)
			continue;
		idx[n++] = i;
		if (n == chunk) {
			rc = write_job_line(f, c, idx, n, err, err_bytes);
			*nr_emitted += rc ? 0 : n;
			lines++;
			n = 0;
		}
	}
	if (!rc && n) {
		rc = write_job_line(f, c, idx, n, err, err_bytes);
		*nr_emitted += rc ? 0 : n;
		lines++;
	}
	if (fclose(f) && !rc) {
		rc = -errno;
		snprintf(err, err_bytes, "cannot write %s: %s", o->jobs_path, strerror(-rc));
	}
	if (!rc)
		rc = write_sbatch(c, o, lines, err, err_bytes);
out:
	free(idx);
	free(c);
	return rc;
}
