// SPDX-License-Identifier: GPL-2.0
/*
 * heap.c - allocation of the (time, seq) min-heap (the operations are
 * inline in heap.h).
 */
#include <stdlib.h>

#include "lib/alloc.h"
#include "lib/heap.h"

int heap__reserve(struct heap *h, size_t n)
{
	size_t cap = h->cap ? h->cap : 16;
	void *v;

	if (n + 1 <= h->cap)
		return 0;
	while (cap < n + 1) /* + 1: the scratch slot heap__fix_top() uses */
		cap *= 2;
	v = svt_realloc(h->v, cap * h->item_bytes); /* tests can make it fail */
	if (!v)
		return -ENOMEM;
	h->v = v;
	h->cap = cap;
	return 0;
}

void heap__release(struct heap *h)
{
	free(h->v);
	h->v = NULL;
	h->nr = h->cap = 0;
}
