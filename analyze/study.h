/* SPDX-License-Identifier: GPL-2.0 */
/*
 * study.h - studies: the groups of stored runs that may be compared with
 * each other. A study is the runs on one trace, or on traces from one
 * generator and seed whose parameters differ only in swept keys (the client
 * count of a DSA workload), made by one tool version with one profile; its
 * runs differ in scenario or config. Runs of different studies answer
 * different questions and the report never compares them implicitly.
 */
#ifndef SVATRACE_ANALYZE_STUDY_H
#define SVATRACE_ANALYZE_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/store.h"

#define STUDY_NAME_LEN 64 /* bytes of a study name, with the NUL */

struct study {
	char name[STUDY_NAME_LEN]; /* "qemu-vtd", "dsa-memcpy": the --study word */
	char input[512];	   /* what the runs read: "trace T (imported ftrace-text)" */
	char swept[256];	   /* generator parameters that differ between its traces, "" */
	char profile[256];	   /* profile the runs used ("built-in defaults" if none) */
	char tool_version[64];	   /* svatrace version of every run */
	char model_rev[32];	   /* model revision of every run ("unknown" for old runs) */
	char profile_hash[40];	   /* content hash of the profile file, "" if unknown */
	char split[256];	   /* why it is not part of a study on the same input, "" */
	bool generated;		   /* the input is synthetic (a generator), not captured */
	size_t *idx;		   /* indices into the run array, in id order */
	size_t nr;		   /* number of runs */
	size_t baseline;	   /* index into idx of the baseline (0: the first run) */
};

/**
 * study_group() - group @runs into studies.
 * @st: store (for the runs' config).
 * @runs: runs in id order.
 * @nr: number of runs.
 * @out: receives a malloc'd array (free with study_free()).
 * @nr_out: receives its length.
 *
 * Return: 0 or -ENOMEM.
 */
int study_group(struct store *st, const struct store_run *runs, size_t nr, struct study **out,
		size_t *nr_out);

/** study_free() - free an array from study_group(); NULL is a no-op. */
void study_free(struct study *s, size_t nr);

/**
 * study_profile_of() - the profile a stored run used (runs.profile, or for
 * a run stored before schema v3 its config rows' sources, "profile
 * data/profiles/qemu-vtd.ini: ..."): the file's base name without ".ini", or
 * "built-in defaults".
 */
void study_profile_of(struct store *st, int64_t run, char *buf, size_t len);

#endif /* SVATRACE_ANALYZE_STUDY_H */
