/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jobs.h - a sweep plan as shell job lines, for GNU parallel or a Slurm
 * array, instead of a local run.
 *
 * Each line runs `svatrace -q replay` for --chunk TODO points (default 1)
 * with their settings spelled out (--profile, --scenario, --set ...,
 * --label); each replay stores into its own shard database DIR/point-N.db
 * and its printed summary goes to /dev/null, so a line that succeeds writes
 * nothing (errors still reach stderr, and a line of several points exits 1
 * if any of them failed). `svatrace db merge` joins the shards afterwards.
 * Paths in the lines are absolute, so they run from any directory; the
 * program is `svatrace` from PATH unless --svatrace PATH names one.
 *
 * FILE.sbatch is a Slurm array script whose task K runs line K + offset.
 * Slurm refuses array indexes >= MaxArraySize (default 1001), so when there
 * are more lines than that, the script's array covers 1..MaxArraySize-1 and
 * FILE.submit submits it several times with SVATRACE_JOB_OFFSET set; FILE.submit
 * is written in every case (one sbatch when one array suffices). An optional
 * throttle adds Slurm's "%T" (at most T tasks of an array at once).
 */
#ifndef SVATRACE_SWEEP_JOBS_H
#define SVATRACE_SWEEP_JOBS_H

#include <stddef.h>

#include "sweep/plan.h"

struct sweep_jobs_opts {
	const char *jobs_path;	/* job list to write; also FILE.sbatch */
	const char *shards_dir; /* shard directory, NULL: "shards" next to jobs_path */
	const char *exe;	/* svatrace in the lines, NULL: "svatrace" from PATH */
	size_t chunk;		/* points per line, 0: 1 */
	size_t max_array;	/* Slurm MaxArraySize (indexes stay below it), 0: 1001 */
	size_t throttle;	/* Slurm "%T" tasks at once per array, 0: no limit */
};

#define SWEEP_SLURM_MAX_ARRAY 1001 /* slurm.conf MaxArraySize default (Slurm 22.05) */

/** sweep_jobs_nr_lines() - job lines for @nr_points points at @chunk per line. */
size_t sweep_jobs_nr_lines(size_t nr_points, size_t chunk);

/**
 * sweep_plan__emit_jobs() - write the job list and the Slurm script.
 * @sp: plan (states as left by sweep_plan__check_db()).
 * @o: where to write.
 * @nr_emitted: receives the number of points in the lines.
 * @err: message naming the file on failure.
 * @err_bytes: size of @err.
 *
 * Return: 0, -ENOENT (the profile is gone), -ENAMETOOLONG (a shard path),
 * or the -errno of creating the shard directory or writing a file.
 */
int sweep_plan__emit_jobs(const struct sweep_plan *sp, const struct sweep_jobs_opts *o,
			  size_t *nr_emitted, char *err, size_t err_bytes);

#endif /* SVATRACE_SWEEP_JOBS_H */
