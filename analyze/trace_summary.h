/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace_summary.h - the `collect --summary` records of a trace, gathered
 * for the report: per counter (probe, class, device) the events, the sum
 * of the quantity and its log2 histogram over the whole trace, and per
 * interval (the records one tick wrote share a timestamp) the events of
 * each probe. The records are the trace's own (collect/summary.h); replay
 * stores nothing of them, so the report reads the trace file a run names.
 *
 * Errors: functions return 0 or a negative errno; nothing here prints.
 */
#ifndef SVATRACE_ANALYZE_TRACE_SUMMARY_H
#define SVATRACE_ANALYZE_TRACE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "collect/summary.h"

#define TSUM_PROBES 8 /* probes followed per interval (the first seen) */

struct tsum_interval {
	uint64_t ts_ns;		  /* the tick's timestamp (end of the interval) */
	uint64_t interval_ns;	  /* its length */
	uint64_t nr[TSUM_PROBES]; /* events of each followed probe in it */
};

struct tsum {
	size_t nr_records;     /* summary records read */
	size_t nr_other;       /* other records of the trace */
	struct summary_row *c; /* counters, totals over the trace (first-seen order) */
	size_t nc;	       /* count */
	char probe[TSUM_PROBES][SUMMARY_NAME_BYTES]; /* followed probes */
	size_t np;				     /* count */
	struct tsum_interval *iv;		     /* intervals in time order */
	size_t ni;				     /* count */
};

/**
 * tsum_read() - read the summary records of trace file @path into @out
 * (zeroed first; free with tsum_clear()).
 * Return: 0 (out->nr_records may be 0), -ENOENT (no such file), -EINVAL
 * (a summary record does not parse), -ENOMEM, or the reader's error.
 */
int tsum_read(const char *path, struct tsum *out);

/** tsum_clear() - free what tsum_read() allocated. */
void tsum_clear(struct tsum *t);

/**
 * tsum_unit() - the unit of probe @probe's quantity: "bytes" (maps, unmaps,
 * DMA), "ns" (qi_submit_sync wait, ENQCMDS), "pages" (pin), or NULL (none).
 */
const char *tsum_unit(const char *probe);

#endif /* SVATRACE_ANALYZE_TRACE_SUMMARY_H */
