/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - the interface through which a run's results leave the model.
 *
 * The model and replay produce results; they do not know where results go.
 * A results sink is a const ops table plus a context: analyze/ implements
 * the SQLite store, replay/ a JSON printer, tests an in-memory fake. Keys are
 * dotted names ("iotlb.misses", "wq.0.throughput_desc_per_s"); units are in
 * the key or given as @unit.
 *
 * Latency histograms use the one bucket scheme of lib/hist.h, so that any
 * two histograms of the same key merge by adding counts; their statistics
 * (quantiles included) are computed by hist_stat() and named KEY@STAT.
 */
#ifndef SVATRACE_MODEL_RESULTS_H
#define SVATRACE_MODEL_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/hist.h"

#define RESULTS_HIST_SUB_BITS HIST_SUB_BITS
#define RESULTS_HIST_SUB HIST_SUB
#define RESULTS_HIST_BUCKETS HIST_BUCKETS

/** results_hist_bucket() - bucket index of value @v (see hist_bucket()). */
static inline uint32_t results_hist_bucket(uint64_t v)
{
	return hist_bucket(v);
}

/** results_hist_bucket_low() - smallest value that falls in bucket @b. */
static inline uint64_t results_hist_bucket_low(uint32_t b)
{
	return hist_bucket_low(b);
}

/* A histogram as passed to a sink: counts[] has RESULTS_HIST_BUCKETS entries. */
struct results_hist {
	const uint64_t *counts; /* per-bucket counts */
	uint64_t nr;		/* values recorded */
	uint64_t sum;		/* sum of values (same unit as the values) */
	uint64_t min;		/* smallest value, 0 if nr == 0 */
	uint64_t max;		/* largest value */
	const char *unit;	/* "ns" */
};

/* What identifies a run. */
struct results_run_info {
	const char *label;	     /* user label or generated ("iotlb.entries=64") */
	const char *trace_path;	     /* input trace, NULL for purely synthetic runs */
	const char *trace_hash;	     /* hex content hash of the input trace */
	uint64_t trace_bytes;	     /* size of the input trace */
	const char *trace_meta_json; /* header summary of the trace (JSON), may be NULL */
	const char *scenario;	     /* scenario transforms applied, "" if none */
	const char *tool_version;    /* svatrace version string */
	uint64_t seed;		     /* PRNG seed of the run */
};

/*
 * The source of a config row that the run derives from what it did (e.g.
 * wq.replay.note) rather than an input: a run's point key, which names what
 * it computed, leaves these rows out (analyze/store_key.c).
 */
#define RESULTS_SOURCE_DERIVED "replay"

struct results_sink_ops {
	/* A run starts; called once before anything else. */
	int (*begin_run)(void *ctx, const struct results_run_info *info);
	/*
	 * One resolved config key (every key, not only overrides). A row the
	 * run derives (a note on what it did) has source RESULTS_SOURCE_DERIVED.
	 */
	int (*config)(void *ctx, const char *key, const char *value, const char *source);
	/* One scalar metric. */
	int (*metric)(void *ctx, const char *key, double value, const char *unit);
	/* One latency histogram. */
	int (*histogram)(void *ctx, const char *key, const struct results_hist *h);
	/* A time series: values[i] covers [start_ns + i*window_ns, +window_ns). */
	int (*series)(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		      const double *values, size_t nr_values);
	/* The run ends; status 0 = complete, negative = failed/interrupted. */
	int (*end_run)(void *ctx, int status);
};

struct results_sink {
	const struct results_sink_ops *ops; /* implementation */
	void *ctx;			    /* its state */
};

#endif /* SVATRACE_MODEL_RESULTS_H */
