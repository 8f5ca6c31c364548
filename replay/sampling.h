/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sampling.h - replay of a `collect --sample N` trace: a results sink that
 * scales the counts sampling thinned by N (see sampling.c for which).
 */
#ifndef SVATRACE_REPLAY_SAMPLING_H
#define SVATRACE_REPLAY_SAMPLING_H

#include <stdbool.h>
#include <stdint.h>

#include "model/results.h"

/** sampling_rate() - the "sample" key of a trace's meta JSON, 1 when absent or not > 1. */
uint64_t sampling_rate(const char *meta_json);

/** sampling_scales() - whether a metric @key in @unit is multiplied by the rate. */
bool sampling_scales(const char *key, const char *unit);

/**
 * sampling_sink__new() - a sink in front of @inner (copied; it must outlive
 * the sink) that scales by the rate of @meta_json and adds replay.sample_n.
 * Logs once (info) that counts are scaled.
 *
 * Return: the sink, or NULL with errno 0 when the trace is not sampled
 * (use @inner) or ENOMEM.
 */
struct results_sink *sampling_sink__new(const char *meta_json, const struct results_sink *inner);

/** sampling_sink__free() - free the sink (not its target); NULL is a no-op. */
void sampling_sink__free(struct results_sink *s);

#endif /* SVATRACE_REPLAY_SAMPLING_H */
