// SPDX-License-Identifier: GPL-2.0
/*
 * sampling.c - replay of a trace taken with `collect --sample N` (meta key
 * "sample"): the collector kept 1 of N mappings, chosen by a hash of the
 * IOVA page, with that mapping's unmap and page-range invalidations. A sink
 * between replay and its results multiplies by N the metrics that count
 * events or add up their quantities, so a sampled run reads as the whole
 * host did; it stores the rate as replay.sample_n and says so once.
 *
 * Scaled (unit counts events or sums them): records, maps, calls, pages,
 * bytes, descriptors, accesses, lookups, walks, reads, entries, requests,
 * faults, events, and ns sums (keys ending in cpu_ns, busy_ns, wait_ns,
 * sum_ns). Left as they are: run.* and replay.* (what the file held), means,
 * rates, ratios and percentiles (no unit, or a key with _per_, rate, mean,
 * p50..p999), other ns values (latencies), devices and units, histograms
 * and time series (their shape, not their height, is what they show).
 * What scaling cannot fix: a model with 1/N of the pages sees 1/N of the
 * cache pressure, so miss ratios of a sampled replay are optimistic.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "replay/sampling.h"

struct sampling_sink {
	struct results_sink sink;  /* ops + ctx (ctx = this) */
	struct results_sink inner; /* target */
	uint64_t n;		   /* the trace's sampling rate (> 1) */
	bool said;		   /* replay.sample_n emitted */
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

bool sampling_scales(const char *key, const char *unit)
{
	static const char *const counts[] = {
	    "records", "maps",	"calls", "pages",   "bytes",	"descriptors", "accesses",
	    "lookups", "walks", "reads", "entries", "requests", "faults",      "events",
	};
	static const char *const not_in_key[] = {"_per_", "rate", "mean", ".p50", ".p90",
						 ".p99",  "_p50", "_p90", "_p99"};

	if (!key || !unit || !strncmp(key, "run.", 4) || !strncmp(key, "replay.", 7))
		return false;
	for (size_t i = 0; i < sizeof(not_in_key) / sizeof(*not_in_key); i++)
		if (strstr(key, not_in_key[i]))
			return false;
	if (!strcmp(unit, "ns"))
		return has_suffix(key, "cpu_ns") || has_suffix(key, "busy_ns") ||
		       has_suffix(key, "wait_ns") || has_suffix(key, "sum_ns");
	for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++)
		if (!strcmp(unit, counts[i]))
			return true;
	return false;
}

uint64_t sampling_rate(const char *meta_json)
{
	json_t *meta = meta_json ? json_loads(meta_json, 0, NULL) : NULL;
	json_t *v = meta ? json_object_get(meta, "sample") : NULL;
	uint64_t n =
	    json_is_integer(v) && json_integer_value(v) > 1 ? (uint64_t)json_integer_value(v) : 1;

	json_decref(meta);
	return n;
}

static int s_begin(void *ctx, const struct results_run_info *info)
{
	struct sampling_sink *t = ctx;

	return t->inner.ops->begin_run ? t->inner.ops->begin_run(t->inner.ctx, info) : 0;
}

static int s_config(void *ctx, const char *key, const char *value, const char *source)
{
	struct sampling_sink *t = ctx;

	return t->inner.ops->config ? t->inner.ops->config(t->inner.ctx, key, value, source) : 0;
}

static int s_metric(void *ctx, const char *key, double value, const char *unit)
{
	struct sampling_sink *t = ctx;
	int rc;

	if (!t->inner.ops->metric)
		return 0;
	if (!t->said && strncmp(key, "run.", 4)) { /* after run.*, with replay.* */
		t->said = true;
		rc =
		    t->inner.ops->metric(t->inner.ctx, "replay.sample_n", (double)t->n, "mappings");
		if (rc < 0)
			return rc;
	}
	if (sampling_scales(key, unit))
		value *= (double)t->n;
	return t->inner.ops->metric(t->inner.ctx, key, value, unit);
}

static int s_hist(void *ctx, const char *key, const struct results_hist *h)
{
	struct sampling_sink *t = ctx;

	return t->inner.ops->histogram ? t->inner.ops->histogram(t->inner.ctx, key, h) : 0;
}

static int s_series(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		    const double *values, size_t nr_values)
{
	struct sampling_sink *t = ctx;

	return t->inner.ops->series
		   ? t->inner.ops->series(t->inner.ctx, key, start_ns, window_ns, values, nr_values)
		   : 0;
}

static int s_end(void *ctx, int status)
{
	struct sampling_sink *t = ctx;

	return t->inner.ops->end_run ? t->inner.ops->end_run(t->inner.ctx, status) : 0;
}

static const struct results_sink_ops sampling_ops = {
    .begin_run = s_begin,
    .config = s_config,
    .metric = s_metric,
    .histogram = s_hist,
    .series = s_series,
    .end_run = s_end,
};

struct results_sink *sampling_sink__new(const char *meta_json, const struct results_sink *inner)
{
	uint64_t n = sampling_rate(meta_json);
	struct sampling_sink *t;

	errno = 0;
	if (n <= 1)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL; /* errno: ENOMEM */
	t->sink.ops = &sampling_ops;
	t->sink.ctx = t;
	t->inner = *inner;
	t->n = n;
	svt_info("replay: sampled 1 in %llu mappings (collect --sample): counts scaled by %llu",
		 (unsigned long long)n, (unsigned long long)n);
	return &t->sink;
}

void sampling_sink__free(struct results_sink *s)
{
	free(s ? s->ctx : NULL);
}
