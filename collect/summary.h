/* SPDX-License-Identifier: GPL-2.0 */
/*
 * summary.h - summary mode (`collect --summary`): the BPF side counts each
 * event into per-CPU counters (collect.h: struct svt_sum_key/_val) instead
 * of writing a record; every interval this module reads the counters, sums
 * the CPUs, and writes one "svatrace:summary" generic record per counter
 * that moved: the events, the sum of their quantity and its log2 histogram
 * over that interval. The same text form is parsed back here for `info`
 * and `gen from-summary`.
 *
 * Record text (one line, fields in this order; hist lists the non-empty
 * buckets b:count, bucket b holding quantities in [2^(b-1), 2^b), 0 for 0):
 *   probe=iommu:map class=0 name=- interval_ns=1000000000 nr=3 sum=12288 hist=13:3
 *
 * An interval ends at a cut: the timer (summary__tick) or a write to
 * tracefs's trace_marker (seen in BPF; summary__poll finds it). A marker cut
 * also writes a "svatrace:summary_cut" record, text "marker=TEXT" (the
 * marker's first 31 bytes, blanks as '_'), at the write's time; the
 * interval's records carry the same time. The counts of an interval are
 * exact (collect.h: epochs), unless two cuts came within one read of the
 * counters (about 20 ms): then the later ones are merged into one interval
 * ending at the last of them, and summary__nr_merged() counts them.
 */
#ifndef SVATRACE_COLLECT_SUMMARY_H
#define SVATRACE_COLLECT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "trace/trace.h"

#define SUMMARY_EVENT "svatrace:summary"	 /* event name of the records */
#define SUMMARY_CUT_EVENT "svatrace:summary_cut" /* a marker cut (above) */
#define SUMMARY_CUT_PROG "fe_summary_cut"	 /* its BPF program */
#define SUMMARY_NAME_BYTES 64			 /* probe name kept per row */

/* One counter over one interval (one record). */
struct summary_row {
	char probe[SUMMARY_NAME_BYTES]; /* probe name ("iommu:map", a --tracepoint's SYS:NAME) */
	uint32_t cls;			/* class (collect.h), 0 if none */
	char name[SVT_STR_BYTES + 1];	/* device or IOMMU, "" if none */
	uint64_t interval_ns;		/* length of the interval */
	uint64_t nr;			/* events in it */
	uint64_t sum;			/* sum of their quantity */
	uint64_t hist[SVT_SUM_BUCKETS]; /* log2 histogram of the quantity */
};

struct summary;
struct bpf_object;
struct bpf_program;

/**
 * summary_autoload() - before load: the marker-cut program loads in
 * summary mode only, the test_* programs never (tests load them by hand).
 */
void summary_autoload(struct bpf_object *obj, bool summary_mode);

/**
 * summary__new() - a reader of the counter maps writing into @w.
 * @arr_fd: the per-CPU array (sum_arr); @hash_fd: the per-CPU hash (sum_hash).
 * @st: the BPF side's epoch state (the skeleton's bss->sum_state).
 * @cut_prog: the marker-cut program (SUMMARY_CUT_PROG), attached here once
 * kallsyms gives tracing_mark_write's address; NULL, no address, or an
 * attach failure: timer cuts only.
 * @tracepoints: the --tracepoint names, by index (class of the tracepoint probe).
 * @start_ns: CLOCK_MONOTONIC when the counting began.
 *
 * Return: the reader, or NULL with errno.
 */
struct summary *summary__new(int arr_fd, int hash_fd, struct svt_sum_state *st,
			     struct bpf_program *cut_prog, struct trace_writer *w,
			     const char *const *tracepoints, unsigned int nr_tracepoints,
			     uint64_t start_ns);

/** summary__free() - free; NULL is a no-op. */
void summary__free(struct summary *s);

/**
 * summary__tick() - a timer cut at @now_ns: close the interval, then write
 * one record per counter that moved in it, stamped @now_ns (after the
 * records of any marker cut not yet written).
 * Return: 0 or a negative error (a map read or the writer).
 */
int summary__tick(struct summary *s, uint64_t now_ns);

/**
 * summary__poll() - write the intervals that marker cuts closed since the
 * last call (nothing if none); call it often (the collector: every 20 ms).
 * Return: 0 or a negative error.
 */
int summary__poll(struct summary *s, uint64_t now_ns);

/** summary__marker_cuts() - true when trace_marker writes cut intervals. */
bool summary__marker_cuts(const struct summary *s);

/** summary__nr_marker_cuts() - marker cuts written so far. */
uint64_t summary__nr_marker_cuts(const struct summary *s);

/** summary__nr_merged() - cuts whose interval was merged into the next. */
uint64_t summary__nr_merged(const struct summary *s);

/** summary__nr_events() - events counted for probe @probe so far (all classes). */
uint64_t summary__nr_events(const struct summary *s, unsigned int probe);

/** summary__nr_records() - records written so far. */
uint64_t summary__nr_records(const struct summary *s);

/** summary_row_format() - @row as record text into @buf; 0 or -ENOSPC. */
int summary_row_format(const struct summary_row *row, char *buf, size_t len);

/**
 * summary_row_parse() - record text back into @row.
 * Return: 0, or -EINVAL naming nothing (the caller knows the record index).
 */
int summary_row_parse(const char *text, struct summary_row *row);

/*
 * Totals of a trace's summary records per counter (for `info`): add the
 * records in file order, then get them as JSON.
 */
struct summary_acc;

/** summary_acc__new() - empty totals; NULL with errno on ENOMEM. */
struct summary_acc *summary_acc__new(void);

/** summary_acc__free() - free; NULL is a no-op. */
void summary_acc__free(struct summary_acc *a);

/**
 * summary_acc__add() - add one summary record's text.
 * Return: 0, -EINVAL when the text does not parse, -ENOMEM.
 */
int summary_acc__add(struct summary_acc *a, const char *text);

/** summary_acc__nr_records() - records added. */
uint64_t summary_acc__nr_records(const struct summary_acc *a);

/**
 * summary_acc__json() - {"intervals": N, "span_ns": T, "counters": {"PROBE
 * [class C] [@NAME]": {events, per_s, sum, mean, hist: {bucket: count}}},
 * "live_mapped_bytes": map sum - unmap sum}; page-response counters add
 * "service_ns": {paired, unpaired, p50_max, p99_max} (bucket upper ends);
 * a new reference, NULL on ENOMEM.
 */
struct json_t *summary_acc__json(const struct summary_acc *a);

/**
 * summary_is_service() - true when @probe's quantity is the fault service
 * time (the page-response probes, collect.h).
 */
bool summary_is_service(const char *probe);

/**
 * summary_hist_quantile() - the upper end (2^b - 1) of the bucket @hist
 * reaches quantile @q (0..1) in; 0 for an empty histogram or bucket 0.
 */
uint64_t summary_hist_quantile(const uint64_t *hist, double q);

/** summary_bucket() - the histogram bucket of @qty (log2, as the BPF side counts). */
unsigned int summary_bucket(uint64_t qty);

#endif /* SVATRACE_COLLECT_SUMMARY_H */
