/* SPDX-License-Identifier: GPL-2.0 */
/*
 * onepass.h - a sweep's IOTLB-geometry points from one pass over the trace
 * for all page sizes of the grid (LRU stack distances), where that gives exactly the counts
 * separate replays would: the conditions are stated in onepass.c.
 */
#ifndef SVATRACE_SWEEP_ONEPASS_H
#define SVATRACE_SWEEP_ONEPASS_H

#include <stddef.h>

#include "sweep/plan.h"

/**
 * sweep_plan__run_one_pass() - store the plan's to-do points that the
 * one-pass curve computes exactly (counts only: iotlb.lookups, hits,
 * misses, merged, replay.records; sweep.one_pass = 1), each as the run its
 * replay would store, with the same point key; they become SWEEP_PT_OK with
 * sweep_point.one_pass set. The others stay to do, for sweep_plan__run().
 * Nothing happens without a database.
 * @nr_done: receives the number of points stored.
 * Return: 0 (also when no point qualifies), or a negative errno with @err set.
 */
int sweep_plan__run_one_pass(struct sweep_plan *sp, size_t *nr_done, char *err, size_t err_bytes);

#endif /* SVATRACE_SWEEP_ONEPASS_H */
