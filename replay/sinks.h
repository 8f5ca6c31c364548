/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sinks.h - the results sinks replay ships: a JSON printer (one object,
 * flat dotted metric keys, built with jansson) and a human summary. The
 * analyze area's SQLite store implements the same results_sink_ops.
 */
#ifndef SVATRACE_REPLAY_SINKS_H
#define SVATRACE_REPLAY_SINKS_H

#include <stdio.h>

#include "model/results.h"

/**
 * json_sink__new() - a sink that prints one JSON object to @out at end_run:
 * {"run": {...}, "config": {key: value}, "config_origin": {key: where},
 *  METRIC: value..., "histograms": {...}, "series": {...}}.
 * Return: the sink (ops + ctx), or NULL with errno.
 */
struct results_sink *json_sink__new(FILE *out);

/** json_sink__free() - free; NULL is a no-op. */
void json_sink__free(struct results_sink *s);

/** text_sink__new() - a sink that prints a human summary to @out at end_run. */
struct results_sink *text_sink__new(FILE *out);

/** text_sink__free() - free; NULL is a no-op. */
void text_sink__free(struct results_sink *s);

/** tee_sink__new() - a sink forwarding to @a and @b (copied; they must outlive it). */
struct results_sink *tee_sink__new(const struct results_sink *a, const struct results_sink *b);

/** tee_sink__free() - free the tee (not its targets); NULL is a no-op. */
void tee_sink__free(struct results_sink *s);

#endif /* SVATRACE_REPLAY_SINKS_H */
