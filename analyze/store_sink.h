/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store_sink.h - a results sink (model/results.h) that writes runs into the
 * SQLite results store. `svatrace replay --db FILE` and `sweep` use it.
 *
 * A run is staged in memory as the model reports it and written to the file
 * in one transaction at end_run, so parallel workers hold the write lock only
 * briefly and a killed worker leaves no partial run.
 */
#ifndef SVATRACE_ANALYZE_STORE_SINK_H
#define SVATRACE_ANALYZE_STORE_SINK_H

#include <stdint.h>

#include "analyze/store.h"
#include "model/results.h"

struct store_sink;

/**
 * store_sink__new() - a sink writing into @st (which stays owned by the caller
 * and must outlive the sink).
 *
 * Return: the sink, or NULL with errno set.
 */
struct store_sink *store_sink__new(struct store *st);

/** store_sink__free() - free; NULL is a no-op. */
void store_sink__free(struct store_sink *ss);

/** store_sink__sink() - the results_sink to hand to the model/replay. */
struct results_sink store_sink__sink(struct store_sink *ss);

/** store_sink__last_run_id() - id in the file of the last run written, 0 if none. */
int64_t store_sink__last_run_id(const struct store_sink *ss);

#endif /* SVATRACE_ANALYZE_STORE_SINK_H */
