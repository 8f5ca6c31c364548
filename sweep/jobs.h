/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jobs.h - a sweep plan as shell job lines, for GNU parallel or a Slurm
 * array, instead of a local run.
 *
 * Each line is one `svatrace -q replay` of a TODO point with its settings
 * spelled out (--profile, --scenario, --set ..., --label) that stores into
 * its own shard database DIR/point-N.db; `svatrace db merge` joins the
 * shards afterwards. Paths in the lines are absolute, so they run from any
 * directory. FILE.sbatch is a Slurm array script whose task K runs line K.
 */
#ifndef SVATRACE_SWEEP_JOBS_H
#define SVATRACE_SWEEP_JOBS_H

#include <stddef.h>

#include "sweep/plan.h"

struct sweep_jobs_opts {
	const char *jobs_path;	/* job list to write; also FILE.sbatch */
	const char *shards_dir; /* shard directory, NULL: "shards" next to jobs_path */
	const char *exe;	/* svatrace in the lines, NULL: this program */
};

/**
 * sweep_plan__emit_jobs() - write the job list and the Slurm script.
 * @sp: plan (states as left by sweep_plan__check_db()).
 * @o: where to write.
 * @nr_emitted: receives the number of job lines.
 * @err: message naming the file on failure.
 * @err_bytes: size of @err.
 *
 * Return: 0, -ENOENT (the profile is gone), -ENAMETOOLONG (a shard path),
 * or the -errno of creating the shard directory or writing a file.
 */
int sweep_plan__emit_jobs(const struct sweep_plan *sp, const struct sweep_jobs_opts *o,
			  size_t *nr_emitted, char *err, size_t err_bytes);

#endif /* SVATRACE_SWEEP_JOBS_H */
