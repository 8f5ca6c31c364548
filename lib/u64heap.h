/* SPDX-License-Identifier: GPL-2.0 */
/*
 * u64heap.h - a fixed-capacity binary min-heap of uint64_t (times), used for
 * server free times and outstanding-request completion times. The caller
 * owns the array; nothing here allocates.
 *
 * Model assumptions: none.
 */
#ifndef SVATRACE_MODEL_U64HEAP_H
#define SVATRACE_MODEL_U64HEAP_H

#include <stdint.h>

struct u64heap {
	uint64_t *v;	/* cap slots, v[0] smallest */
	uint32_t nr;	/* values held */
	uint32_t cap;	/* slots */
};

/** u64heap_push() - add @x; the caller checks nr < cap. */
static inline void u64heap_push(struct u64heap *h, uint64_t x)
{
	uint32_t i = h->nr++;

	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (h->v[p] <= x)
			break;
		h->v[i] = h->v[p];
		i = p;
	}
	h->v[i] = x;
}

/** u64heap_pop() - remove and return the smallest (nr > 0). */
static inline uint64_t u64heap_pop(struct u64heap *h)
{
	uint64_t top = h->v[0], last = h->v[--h->nr];
	uint32_t i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= h->nr)
			break;
		if (c + 1 < h->nr && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= last)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->nr)
		h->v[i] = last;
	return top;
}

#endif /* SVATRACE_MODEL_U64HEAP_H */
