/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counters.h - the model against the host's own counters. A trace from
 * `svatrace collect` on a host with the VT-d performance monitor holds one
 * generic record "perfmon:dmarN/EVENT" per counted event with the text
 * "count=N window_ns=W ..." (collect/perfmon.h). This module sums those
 * counts over the IOMMU units, replays the trace, and sets each count the
 * model can predict (IOTLB lookups, hits and misses, context and PASID
 * cache, paging-structure cache hits, page requests) beside the model's
 * value with their ratio. docs/counters.md maps each event to its metric.
 */
#ifndef SVATRACE_REPLAY_COUNTERS_H
#define SVATRACE_REPLAY_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/results.h"
#include "replay/replay.h"

/* VT-d perfmon events the comparison reads (drivers/iommu/intel/perfmon.c names). */
enum counters_event {
	COUNTERS_IOTLB_LOOKUP,
	COUNTERS_IOTLB_HIT,
	COUNTERS_CTXT_CACHE_LOOKUP,
	COUNTERS_CTXT_CACHE_HIT,
	COUNTERS_PASID_CACHE_LOOKUP,
	COUNTERS_PASID_CACHE_HIT,
	COUNTERS_SS_NONLEAF_HIT,
	COUNTERS_FS_NONLEAF_HIT,
	COUNTERS_PG_REQ_POSTED,
	COUNTERS_NR_EVENTS_
};

/* Counts read from a trace. */
struct counters_measured {
	uint64_t count[COUNTERS_NR_EVENTS_]; /* summed over dmar units and windows */
	bool have[COUNTERS_NR_EVENTS_];	     /* at least one record of the event */
	unsigned int nr_records;	     /* perfmon:* records seen (any PMU, any event) */
};

/* One row of the comparison. */
struct counters_row {
	const char *name; /* "IOTLB misses" */
	const char *key;  /* metric slug: counter.KEY.{measured,model,ratio} */
	bool have;	  /* the trace measured it */
	double measured;  /* counted on the host */
	double model;	  /* predicted by replay */
	double ratio;	  /* model / measured; NAN when measured is 0 */
};

#define COUNTERS_NR_ROWS 8 /* rows counters_compare() fills */

/**
 * counters_parse_record() - add one record's count to @m.
 * @event: the record's "system:name" ("perfmon:dmar0/iotlb_hit").
 * @text: its generic text.
 *
 * Return: 1 when it was a perfmon record (counted or not), 0 when not
 * perfmon, -EINVAL when a perfmon record's text has no valid count=.
 */
int counters_parse_record(struct counters_measured *m, const char *event, const char *text);

/**
 * counters_read() - the perfmon counts of a trace file.
 * @errmsg: receives the first error (reader's message), @errmsg_bytes its size.
 * Return: 0, -EBADMSG for a perfmon record without a valid count=, or
 * the reader's negative error.
 */
int counters_read(const char *path, struct counters_measured *m, char *errmsg, size_t errmsg_bytes);

/**
 * counters_compare() - fill @rows (COUNTERS_NR_ROWS) from @m and a metric
 * lookup. @metric returns true and the value of a model metric key.
 * Return: rows whose count the trace holds.
 */
unsigned int counters_compare(const struct counters_measured *m,
			      bool (*metric)(void *ctx, const char *key, double *v), void *ctx,
			      struct counters_row rows[COUNTERS_NR_ROWS]);

/**
 * counters_replay() - replay_run() that, when the trace holds perfmon
 * counts, also reports counter.KEY.{measured,model,ratio} metrics to @sink
 * (before end_run) and prints the model-vs-measured table to @out (NULL:
 * not printed, e.g. under --json). Without counts it is replay_run().
 * Return: as replay_run().
 */
int counters_replay(const struct replay_opts *o, const struct results_sink *sink, FILE *out);

#endif /* SVATRACE_REPLAY_COUNTERS_H */
