/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heap.h - the one (time, seq) binary min-heap of svatrace: the event queue
 * of the discrete-event core, the generators' event queues, the replay's
 * pending expansions, the tenants scenario's delayed copies, and the
 * model's free-time and completion-time queues.
 *
 * Items are any struct that begins with two uint64_t, the time then the
 * sequence number (HEAP_ITEM_CHECK() asserts that at compile time). The
 * heap stamps seq on push from its own counter, so items of equal time
 * leave in the order they were pushed (FIFO) and every run is
 * deterministic. The array grows by doubling, so pushing allocates only
 * when the number held reaches a new maximum; heap__reserve() allocates up
 * front for callers that must not fail later.
 *
 * The operations are inline and take the item size from the item's type
 * (the heap__*() macros), so the copies compile to fixed-size moves: the
 * event core pushes and pops millions of events per second of model time
 * (bench/wq.sh). One slot past the items is kept free as scratch, so
 * heap__fix_top() can re-seat the top item without a temporary of unknown
 * size.
 */
#ifndef SVATRACE_LIB_HEAP_H
#define SVATRACE_LIB_HEAP_H

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct heap {
	void *v;	   /* cap items; item 0 is the earliest; item nr is scratch */
	size_t nr;	   /* items held */
	size_t cap;	   /* items allocated (nr + 1 or more once allocated) */
	size_t item_bytes; /* size of one item (checked against the macros' type) */
	uint64_t next_seq; /* seq stamped on the next push */
};

/* An item that is only a time: completion times, server free times. */
struct heap_time {
	uint64_t time_ns; /* when */
	uint64_t seq;	  /* push order: FIFO tie-break */
};

/* An empty heap of items of @type (no allocation until the first push). */
#define HEAP_INIT(type) ((struct heap){.item_bytes = sizeof(type)})

/* Compile-time check that @type begins with uint64_t @time_field, @seq_field. */
#define HEAP_ITEM_CHECK(type, time_field, seq_field)                                               \
	_Static_assert(offsetof(type, time_field) == 0 &&                                          \
			   sizeof(((type *)0)->time_field) == sizeof(uint64_t) &&                  \
			   offsetof(type, seq_field) == sizeof(uint64_t) &&                        \
			   sizeof(((type *)0)->seq_field) == sizeof(uint64_t),                     \
		       #type " must begin with uint64_t " #time_field ", uint64_t " #seq_field)

/**
 * heap__reserve() - make room for @n items (and the scratch slot) so that
 * pushes up to @n items never allocate.
 *
 * Return: 0, or -ENOMEM (the heap is unchanged).
 */
int heap__reserve(struct heap *h, size_t n);

/** heap__release() - free the array; the heap is empty and reusable after. */
void heap__release(struct heap *h);

/* ------------------------------------------------ generic core (use the macros) */

static inline uint64_t *heap_at_(const struct heap *h, size_t i, size_t sz)
{
	return (uint64_t *)((char *)h->v + i * sz);
}

static inline bool heap_before_(const uint64_t *a, const uint64_t *b)
{
	return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

static inline int heap_push_(struct heap *h, const void *item, size_t sz)
{
	uint64_t t = *(const uint64_t *)item;
	size_t i;

	assert(sz == h->item_bytes);
	if (h->cap < h->nr + 2 && heap__reserve(h, h->nr + 1))
		return -ENOMEM;
	i = h->nr++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		uint64_t *pk = heap_at_(h, p, sz);

		/* an equal time already held was pushed earlier: smaller seq, stays above */
		if (pk[0] <= t)
			break;
		memcpy(heap_at_(h, i, sz), pk, sz);
		i = p;
	}
	memcpy(heap_at_(h, i, sz), item, sz);
	heap_at_(h, i, sz)[1] = h->next_seq++;
	return 0;
}

/* Place the item at index @src (>= nr, outside the held items) into the hole at the root. */
static inline void heap_sift_down_(struct heap *h, size_t src, size_t sz)
{
	const uint64_t *x = heap_at_(h, src, sz);
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->nr)
			break;
		if (c + 1 < h->nr && heap_before_(heap_at_(h, c + 1, sz), heap_at_(h, c, sz)))
			c++;
		if (!heap_before_(heap_at_(h, c, sz), x))
			break;
		memcpy(heap_at_(h, i, sz), heap_at_(h, c, sz), sz);
		i = c;
	}
	memcpy(heap_at_(h, i, sz), x, sz);
}

static inline bool heap_pop_(struct heap *h, void *out, size_t sz)
{
	assert(sz == h->item_bytes);
	if (!h->nr)
		return false;
	if (out)
		memcpy(out, h->v, sz);
	if (--h->nr)
		heap_sift_down_(h, h->nr, sz); /* the last item, now just past the held ones */
	return true;
}

static inline void heap_fix_top_(struct heap *h, size_t sz)
{
	assert(sz == h->item_bytes);
	if (h->nr < 2)
		return;
	memcpy(heap_at_(h, h->nr, sz), h->v, sz); /* to the scratch slot */
	heap_sift_down_(h, h->nr, sz);
}

/* ------------------------------------------------ typed interface */

/** heap__push() - copy *@item in, stamping its seq; 0 or -ENOMEM. */
#define heap__push(h, item) heap_push_((h), (item), sizeof(*(item)))

/** heap__pop() - move the earliest item to *@out; false if the heap was empty. */
#define heap__pop(h, out) heap_pop_((h), (out), sizeof(*(out)))

/** heap__drop() - remove the earliest item of @type; false if the heap was empty. */
#define heap__drop(h, type) heap_pop_((h), NULL, sizeof(type))

/** heap__top() - the earliest item, as @type * (only while nr > 0); it may be edited in place. */
#define heap__top(h, type) ((type *)(h)->v)

/**
 * heap__fix_top() - restore the order after the top item's time was raised
 * in place (it keeps its seq: among equal times it keeps its turn).
 */
#define heap__fix_top(h, type) heap_fix_top_((h), sizeof(type))

/** heap__push_time() - push a struct heap_time of @time_ns; 0 or -ENOMEM. */
static inline int heap__push_time(struct heap *h, uint64_t time_ns)
{
	struct heap_time x = {.time_ns = time_ns, .seq = 0};

	return heap__push(h, &x);
}

#endif /* SVATRACE_LIB_HEAP_H */
