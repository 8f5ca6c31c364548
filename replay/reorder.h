/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reorder.h - the reorder window: puts a record source's records back in
 * time order. Collectors emit slightly out of order (per-CPU buffers are
 * drained in turn), so the window holds records until none older can
 * still come: a record leaves once the newest record read is at least
 * window_ns later, or when max records are held (the oldest leaves).
 *
 * It sits directly behind the source, before the scenario chain, so the
 * transforms that hold records by time (flush-queue timeouts, reclaim,
 * tenants' shifted copies) see time order, not file order.
 *
 * Replay assumptions (docs/replay.md):
 * - A record older than the last one released (it came later than the
 *   window allows) is released at the last release time, and counted late.
 * - Generic records, unknown kinds and records larger than
 *   REORDER_SLOT_BYTES carry nothing the model uses: they are skipped
 *   (counted) and never enter the window.
 * - Ties keep source order.
 * - A source that vouches for time order (reorder__set_in_order()) is
 *   passed through without holding: the output is the same records in the
 *   same order, without copying each into the window. A record that breaks
 *   the promise is released late, as above.
 */
#ifndef SVATRACE_REPLAY_REORDER_H
#define SVATRACE_REPLAY_REORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "replay/source.h"

#define REORDER_SLOT_BYTES 128 /* largest fixed-size record held */

struct reorder;

/**
 * reorder__new() - a window of @window_ns holding at most @max (>= 1) records.
 * Return: the window, or NULL with errno (ENOMEM, EINVAL for @max 0).
 */
struct reorder *reorder__new(uint64_t window_ns, uint32_t max);

/** reorder__free() - free; NULL is a no-op. */
void reorder__free(struct reorder *w);

/**
 * reorder__next() - the next record in time order, read through @src.
 * @rec: set to the record (its ts_ns possibly raised, see above); valid
 *	until the next call or reorder__reset().
 *
 * After a source error the records already read are still released; the
 * error is returned once the window is empty (replay_source__errmsg() says
 * where).
 * Return: 1 a record, 0 end of input, or the source's negative error.
 */
int reorder__next(struct reorder *w, struct replay_source *src, const struct trace_rec **rec);

/**
 * reorder__set_in_order() - @in_order: the source's records come in time
 * order (replay_source__time_ordered()), so none needs holding. Kept across
 * reorder__reset().
 */
void reorder__set_in_order(struct reorder *w, bool in_order);

/** reorder__in_order() - the window passes records through (reorder__set_in_order()). */
bool reorder__in_order(const struct reorder *w);

/**
 * reorder__pass() - in pass-through mode, what reorder__next() does with one
 * record @in read from the source: skip it (0), or give it out in @rec (1),
 * @in itself, or a copy released late. For a caller that reads the source
 * in batches (replay_source__next_batch()); @rec is valid until the next call.
 */
int reorder__pass(struct reorder *w, const struct trace_rec *in, const struct trace_rec **rec);

/** reorder__reset() - drop what is held and zero the counters (after a source rewind). */
void reorder__reset(struct reorder *w);

/** reorder__nr_late() - records released later than their time. */
uint64_t reorder__nr_late(const struct reorder *w);

/** reorder__nr_skipped() - records skipped (generic, unknown, too large). */
uint64_t reorder__nr_skipped(const struct reorder *w);

/** reorder__max_held() - most records held at once. */
uint64_t reorder__max_held(const struct reorder *w);

#endif /* SVATRACE_REPLAY_REORDER_H */
