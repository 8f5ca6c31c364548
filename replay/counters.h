/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counters.h - the model against the host's own counters. A trace from
 * `svatrace collect` on a host with the VT-d performance monitor holds one
 * generic record "perfmon:dmarN/EVENT" per counted event with the text
 * "count=N window_ns=W ..." (collect/perfmon.h). This module sums those
 * counts over the IOMMU units, replays the trace, and sets each count the
 * model can predict (IOTLB lookups, hits and misses, context and PASID
 * cache, paging-structure cache hits, page requests) beside the model's
 * value with their ratio. Intel PCM's pcm-iio rates (imported records
 * "pcm_iio:COLUMN", per second per IIO stack) are compared as rates: the
 * model's count over the replayed duration. docs/counters.md maps each
 * event and column to its metric.
 */
#ifndef SVATRACE_REPLAY_COUNTERS_H
#define SVATRACE_REPLAY_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/results.h"
#include "replay/replay.h"

/* Perfmon events the comparison reads (drivers/iommu/intel/perfmon.c names, DSA aliases). */
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
	/* DSA perfmon aliases (collect/perfmon.c dsa_aliases) */
	COUNTERS_DSA_WRITE_32B,
	COUNTERS_DSA_XLAT_PF,
	COUNTERS_NR_EVENTS_
};

/*
 * pcm-iio columns the comparison reads (`import --from pcm-iio` records
 * "pcm_iio:COLUMN"; PCM's opCode-106-iommu.txt event file, Ice Lake-SP
 * UNC_IIO_IOMMU0/1 events in intel/perfmon).
 */
enum counters_pcm {
	COUNTERS_PCM_IOTLB_LOOKUP, /* iotlb_lookup: IOMMU0.FIRST_LOOKUPS */
	COUNTERS_PCM_IOTLB_MISS,   /* iotlb_miss: IOMMU0.MISSES (IOTLB fills) */
	COUNTERS_PCM_CTXT_HIT,	   /* ctxt_cache_hit: IOMMU0.CTXT_CACHE_HITS */
	COUNTERS_PCM_4K_HIT,	   /* 4k_cache_hit: IOMMU1.PWC_4K_HITS */
	COUNTERS_PCM_2M_HIT,	   /* 2m_cache_hit: IOMMU1.PWC_2M_HITS */
	COUNTERS_PCM_1G_HIT,	   /* 1g_cache_hit: IOMMU1.PWC_1G_HITS */
	COUNTERS_PCM_512G_HIT,	   /* 512g_cache_hit: IOMMU1.PWC_512G_HITS */
	COUNTERS_PCM_MEM_ACCESS,   /* iommu_mem_access: IOMMU1.NUM_MEM_ACCESSES */
	COUNTERS_NR_PCM_
};

/* Counts read from a trace. */
struct counters_measured {
	uint64_t count[COUNTERS_NR_EVENTS_]; /* summed over dmar (dsa) units and windows */
	bool have[COUNTERS_NR_EVENTS_];	     /* at least one record of the event */
	unsigned int nr_records;	     /* perfmon:* records seen (any PMU, any event) */
	double pcm_per_s[COUNTERS_NR_PCM_];  /* pcm-iio rates summed over stacks and intervals */
	bool pcm_have[COUNTERS_NR_PCM_];     /* at least one record of the column */
	unsigned int pcm_intervals;	     /* distinct pcm-iio sample times */
	uint64_t pcm_last_ns;		     /* time of the last pcm-iio record */
	unsigned int nr_pcm_records;	     /* pcm_iio:* records seen (any column) */
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

#define COUNTERS_NR_ROWS 10    /* rows counters_compare() fills */
#define COUNTERS_NR_PCM_ROWS 8 /* rows counters_compare_pcm() fills */

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
 * counters_parse_pcm_record() - add one pcm-iio record's rate to @m.
 * @event: the record's "system:name" ("pcm_iio:iotlb_miss").
 * @text: its generic text ("socket=N stack=NAME part=NAME per_s=V").
 * @ts_ns: its time: records of one sample share it (one interval).
 *
 * Return: 1 when it was a pcm_iio record (used or not), 0 when not,
 * -EINVAL when its text has no valid per_s=.
 */
int counters_parse_pcm_record(struct counters_measured *m, const char *event, const char *text,
			      uint64_t ts_ns);

/**
 * counters_read() - the perfmon counts and pcm-iio rates of a trace file.
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
 * counters_compare_pcm() - fill @rows (COUNTERS_NR_PCM_ROWS) with rates per
 * second: measured = the pcm-iio column summed over stacks, averaged over
 * the samples; model = the metric's count over run.duration_ns.
 * Return: rows whose column the trace holds.
 */
unsigned int counters_compare_pcm(const struct counters_measured *m,
				  bool (*metric)(void *ctx, const char *key, double *v), void *ctx,
				  struct counters_row rows[COUNTERS_NR_PCM_ROWS]);

/**
 * counters_replay() - replay_run() that, when the trace holds perfmon
 * counts, also reports counter.KEY.{measured,model,ratio} metrics to @sink
 * (before end_run) and prints the model-vs-measured table to @out (NULL:
 * not printed, e.g. under --json). Without counts it is replay_run().
 * Return: as replay_run().
 */
int counters_replay(const struct replay_opts *o, const struct results_sink *sink, FILE *out);

/**
 * counters_replay_with() - counters_replay() that also reads counts from
 * @counters_path (NULL: none), e.g. `import --from pcm-iio` output taken
 * while the trace was collected (replay --counters FILE). pcm-iio rates
 * add counter.pcm_iio.KEY.{measured,model,ratio} metrics (events/s).
 * Return: as replay_run(); -EBADMSG for a counter record without a value.
 */
int counters_replay_with(const struct replay_opts *o, const char *counters_path,
			 const struct results_sink *sink, FILE *out);

#endif /* SVATRACE_REPLAY_COUNTERS_H */
