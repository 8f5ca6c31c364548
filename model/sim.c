// SPDX-License-Identifier: GPL-2.0
/*
 * sim.c - discrete-event core: binary min-heap of events keyed by
 * (time_ns, seq). See sim.h for the model assumptions.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "model/sim.h"

struct sim {
	struct sim_event *heap;	/* heap[0] is the earliest event */
	uint64_t nr;		/* events in the heap */
	uint64_t cap;		/* slots allocated */
	uint64_t now_ns;	/* current time */
	uint64_t next_seq;	/* seq of the next scheduled event */
	uint64_t nr_fired;	/* events fired so far */
};

static inline bool ev_before(const struct sim_event *a, const struct sim_event *b)
{
	return a->time_ns < b->time_ns || (a->time_ns == b->time_ns && a->seq < b->seq);
}

struct sim *sim__new(void)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = 1024;
	s->heap = malloc(s->cap * sizeof(*s->heap));
	if (!s->heap) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void sim__free(struct sim *s)
{
	if (!s)
		return;
	free(s->heap);
	free(s);
}

uint64_t sim__now_ns(const struct sim *s)
{
	return s->now_ns;
}

uint64_t sim__pending(const struct sim *s)
{
	return s->nr;
}

uint64_t sim__nr_fired(const struct sim *s)
{
	return s->nr_fired;
}

uint64_t sim__next_time_ns(const struct sim *s)
{
	return s->nr ? s->heap[0].time_ns : UINT64_MAX;
}

int sim__schedule(struct sim *s, uint64_t time_ns, sim_handler_fn fn, void *obj,
		  uint64_t arg, uint64_t arg2)
{
	struct sim_event ev = {
		.time_ns = time_ns, .seq = s->next_seq, .fn = fn, .obj = obj,
		.arg = arg, .arg2 = arg2,
	};
	uint64_t i;

	if (time_ns < s->now_ns)
		return -EINVAL;
	if (s->nr == s->cap) {
		struct sim_event *h = realloc(s->heap, 2 * s->cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		s->heap = h;
		s->cap *= 2;
	}
	s->next_seq++;
	/* sift up */
	i = s->nr++;
	while (i > 0) {
		uint64_t parent = (i - 1) / 2;

		if (!ev_before(&ev, &s->heap[parent]))
			break;
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = ev;
	return 0;
}

static void pop_min(struct sim *s, struct sim_event *out)
{
	struct sim_event last;
	uint64_t i = 0;

	*out = s->heap[0];
	last = s->heap[--s->nr];
	/* sift the last element down from the root */
	for (;;) {
		uint64_t c = 2 * i + 1;

		if (c >= s->nr)
			break;
		if (c + 1 < s->nr && ev_before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!ev_before(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->nr)
		s->heap[i] = last;
}

uint64_t sim__run_until(struct sim *s, uint64_t until_ns)
{
	uint64_t fired = 0;
	struct sim_event ev;

	while (s->nr && s->heap[0].time_ns <= until_ns) {
		pop_min(s, &ev);
		s->now_ns = ev.time_ns;
		s->nr_fired++;
		fired++;
		ev.fn(s, &ev);
	}
	if (until_ns != UINT64_MAX && until_ns > s->now_ns)
		s->now_ns = until_ns;
	return fired;
}

uint64_t sim__run(struct sim *s)
{
	return sim__run_until(s, UINT64_MAX);
}
