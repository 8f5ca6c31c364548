/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq_feed.h - the replay's work-queue path: trace_rec_wq_submit /
 * trace_rec_wq_complete records, copied into struct wq_rec (model/ does not
 * know trace/format.h), drive the DSA work-queue model (replay/wq_replay.h)
 * in closed loop (wq.loop=closed, default) or open loop; descriptors' pages
 * go through a private instance of the translation model (wq.xlate=model,
 * same model.* parameters), a fixed cost, or nothing. The wq.*, submit.*,
 * client.* metrics leave through the replay's results sink.
 *
 * Replay assumptions (docs/replay.md, docs/wq-model.md):
 * - The models start at the first WQ record; a trace without one reports
 *   no wq.* metrics.
 * - A batch descriptor's members (submit records of the same thread with
 *   portal "unknown" right after it) are folded into the batch: the first
 *   member gives the addresses, the mean member size the per-descriptor
 *   size; they are not submitted again.
 * - The WQ model's PRNG seed is wq.seed mixed with model.seed (--seed).
 * - The private translation model sees only the WQ model's accesses (its
 *   time is the WQ model's time, not the trace's); the trace's other
 *   records drive the replay's main translation model as before.
 * - With wq.devtlb.enabled (default) the private model has DSA's own device
 *   TLB as its ATC (wq.devtlb.entries/ways/hit_ns) and reaches the IOMMU on
 *   die (wq.devtlb.on_die_one_way_ns each way) unless wq.devtlb.link=pcie.
 * - The run's config row wq.replay.note says what the WQ layout cost (DWQs
 *   shared behind a lock, trace WQ indexes folded onto fewer WQs).
 */
#ifndef SVATRACE_REPLAY_WQ_FEED_H
#define SVATRACE_REPLAY_WQ_FEED_H

#include <stdint.h>

#include "model/params.h"
#include "model/results.h"
#include "trace/format.h"

struct wq_feed;

struct series_grid;

/**
 * wq_feed__new() - a feed with the wq and model configs of @p (validated);
 * the WQ model's series go on @grid (the run's time axis; NULL: its own).
 * Return: the feed, NULL with errno.
 */
struct wq_feed *wq_feed__new(const struct params *p, struct series_grid *grid);

/** wq_feed__free() - free; NULL is a no-op. */
void wq_feed__free(struct wq_feed *f);

/** wq_feed__submit() - a submit record replayed at @ts_ns (non-decreasing). Return: 0/-errno. */
int wq_feed__submit(struct wq_feed *f, uint64_t ts_ns, const struct trace_rec_wq_submit *w);

/** wq_feed__complete() - a complete record replayed at @ts_ns. Return: 0/-errno. */
int wq_feed__complete(struct wq_feed *f, uint64_t ts_ns, const struct trace_rec_wq_complete *c);

/** wq_feed__finish() - end of trace: run the WQ model to the end. Return: 0/-errno. */
int wq_feed__finish(struct wq_feed *f);

/** wq_feed__end_ns() - when the WQ model's last work completed; 0 if it never ran. */
uint64_t wq_feed__end_ns(const struct wq_feed *f);

/**
 * wq_feed__report() - wq.*, submit.*, client.* metrics, histograms and
 * series, the replay counters (wq.replay.*) and the private translation
 * model's metrics (wq.xlate.*) to @sink; nothing if no WQ record was seen.
 * Return: 0 or the first negative sink result.
 */
int wq_feed__report(const struct wq_feed *f, const struct results_sink *sink);

#endif /* SVATRACE_REPLAY_WQ_FEED_H */
