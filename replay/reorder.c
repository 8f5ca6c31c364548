// SPDX-License-Identifier: GPL-2.0
/*
 * reorder.c - the reorder window (see reorder.h).
 *
 * The window is a ring sorted by (ts, seq): a record is appended at the tail
 * and moved back past newer ones (insertion sort). Collectors' records are
 * nearly sorted, so that is O(1) per record; the oldest leaves from the head.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "replay/reorder.h"

struct held {
	uint64_t ts_ns; /* record time */
	uint64_t seq;	/* source order: tie-break */
	uint32_t slot;	/* index into slots */
};

struct reorder {
	uint64_t window_ns;   /* time-order slack */
	uint32_t max;	      /* records held at most */
	uint8_t *slots;	      /* (max + 1) * REORDER_SLOT_BYTES: held + the one returned */
	uint32_t *free_slots; /* stack of free slot indexes */
	uint32_t nr_free;     /* entries on it */
	struct held *ring;    /* sorted by (ts, seq) */
	uint32_t head;	      /* index of the oldest */
	uint32_t nr_held;     /* entries in it */
	uint32_t out_slot;    /* slot of the record last returned (freed on the next call) */
	bool out_busy;	      /* out_slot is in use */
	uint64_t newest_ns;   /* latest ts read */
	uint64_t released_ns; /* ts of the last record released */
	uint64_t seq;	      /* records held so far */
	int src_err;	      /* source error, returned once drained */
	bool src_end;	      /* the source has no more records */
	uint64_t nr_late;     /* released later than their time */
	uint64_t nr_skipped;  /* not held */
	uint64_t max_held;    /* most held at once */
	bool in_order;	      /* the source vouches for time order: pass through */
};

struct reorder *reorder__new(uint64_t window_ns, uint32_t max)
{
	struct reorder *w;

	if (!max) {
		errno = EINVAL;
		return NULL;
	}
	w = svt_calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->window_ns = window_ns;
	w->max = max;
	w->slots = svt_malloc(((size_t)max + 1) * REORDER_SLOT_BYTES);
	w->free_slots = svt_malloc(((size_t)max + 1) * sizeof(*w->free_slots));
	w->ring = svt_malloc((size_t)max * sizeof(*w->ring));
	if (!w->slots || !w->free_slots || !w->ring) {
		reorder__free(w);
		errno = ENOMEM;
		return NULL;
	}
	reorder__reset(w);
	return w;
}

void reorder__free(struct reorder *w)
{
	if (!w)
		return;
	free(w->slots);
	free(w->free_slots);
	free(w->ring);
	free(w);
}

void reorder__reset(struct reorder *w)
{
	for (uint32_t i = 0; i <= w->max; i++)
		w->free_slots[i] = w->max - i;
	w->nr_free = w->max + 1;
	w->head = w->nr_held = 0;
	w->out_busy = false;
	w->newest_ns = w->released_ns = w->seq = 0;
	w->src_err = 0;
	w->src_end = false;
	w->nr_late = w->nr_skipped = w->max_held = 0;
}

static void hold(struct reorder *w, const struct trace_rec *rec)
{
	uint32_t slot = w->free_slots[--w->nr_free], i;
	struct held h = {.ts_ns = rec->ts_ns, .seq = w->seq++, .slot = slot};

	memcpy(w->slots + (size_t)slot * REORDER_SLOT_BYTES, rec, rec->size_bytes);
	i = (w->head + w->nr_held) % w->max;
	w->nr_held++;
	/* move back past newer records (ties keep source order) */
	for (uint32_t n = w->nr_held - 1; n > 0; n--) {
		uint32_t prev = (i + w->max - 1) % w->max;

		if (w->ring[prev].ts_ns <= h.ts_ns)
			break;
		w->ring[i] = w->ring[prev];
		i = prev;
	}
	w->ring[i] = h;
	if (w->nr_held > w->max_held)
		w->max_held = w->nr_held;
	if (rec->ts_ns > w->newest_ns)
		w->newest_ns = rec->ts_ns;
}

static const struct trace_rec *release(struct reorder *w)
{
	struct held h = w->ring[w->head];
	struct trace_rec *rec = (void *)(w->slots + (size_t)h.slot * REORDER_SLOT_BYTES);

	w->head = (w->head + 1) % w->max;
	w->nr_held--;
	if (rec->ts_ns < w->released_ns) {
		w->nr_late++;
		rec->ts_ns = w->released_ns;
	}
	w->released_ns = rec->ts_ns;
	w->out_slot = h.slot;
	w->out_busy = true;
	return rec;
}

static bool releasable(const struct reorder *w)
{
	return w->nr_held && w->ring[w->head].ts_ns + w->window_ns <= w->newest_ns;
}

void reorder__set_in_order(struct reorder *w, bool in_order)
{
	w->in_order = in_order;
}

/*
 * In-order source: each record leaves as it is read. The window's output
 * for such a source is the same sequence, so only a record that breaks the
 * order costs a copy (its time raised, counted late, as in release()).
 */
int reorder__pass(struct reorder *w, const struct trace_rec *in, const struct trace_rec **rec)
{
	struct trace_rec *late;

	if (in->kind == TRACE_REC_GENERIC || in->kind >= TRACE_REC_KIND_MAX_ ||
	    in->size_bytes > REORDER_SLOT_BYTES) {
		w->nr_skipped++;
		return 0;
	}
	w->seq++;
	if (in->ts_ns >= w->released_ns) {
		w->released_ns = w->newest_ns = in->ts_ns;
		*rec = in;
		return 1;
	}
	late = (void *)w->slots; /* slot 0: nothing is held in this mode */
	memcpy(late, in, in->size_bytes);
	late->ts_ns = w->released_ns;
	w->nr_late++;
	*rec = late;
	return 1;
}

bool reorder__in_order(const struct reorder *w)
{
	return w->in_order;
}

static int pass_through(struct reorder *w, struct replay_source *src, const struct trace_rec **rec)
{
	const struct trace_rec *in;
	int rc;

	while ((rc = replay_source__next(src, &in)) == 1)
		if (reorder__pass(w, in, rec))
			return 1;
	return rc;
}

int reorder__next(struct reorder *w, struct replay_source *src, const struct trace_rec **rec)
{
	const struct trace_rec *in;

	if (w->in_order)
		return pass_through(w, src, rec);
	if (w->out_busy) {
		w->free_slots[w->nr_free++] = w->out_slot;
		w->out_busy = false;
	}
	while (!w->src_end && !releasable(w)) {
		int rc = replay_source__next(src, &in);

		if (rc <= 0) {
			w->src_end = true;
			w->src_err = rc;
			break;
		}
		if (in->kind == TRACE_REC_GENERIC || in->kind >= TRACE_REC_KIND_MAX_ ||
		    in->size_bytes > REORDER_SLOT_BYTES) {
			w->nr_skipped++;
			continue;
		}
		/* full: the oldest leaves before the new one is placed */
		if (w->nr_held == w->max) {
			*rec = release(w);
			hold(w, in);
			return 1;
		}
		hold(w, in);
	}
	if (w->nr_held) {
		*rec = release(w);
		return 1;
	}
	return w->src_err;
}

uint64_t reorder__nr_late(const struct reorder *w)
{
	return w->nr_late;
}

uint64_t reorder__nr_skipped(const struct reorder *w)
{
	return w->nr_skipped;
}

uint64_t reorder__max_held(const struct reorder *w)
{
	return w->max_held;
}
