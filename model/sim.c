// SPDX-License-Identifier: GPL-2.0
/*
 * sim.c - discrete-event core: the events wait in the (time_ns, seq)
 * min-heap of lib/heap. See sim.h for the model assumptions.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lib/heap.h"
#include "model/sim.h"

struct sim {
	struct heap q;	   /* pending events, earliest first (lib/heap) */
	uint64_t now_ns;   /* current time */
	uint64_t nr_fired; /* events fired so far */
};

HEAP_ITEM_CHECK(struct sim_event, time_ns, seq);

struct sim *sim__new(void)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->q = HEAP_INIT(struct sim_event);
	/* room for a typical run's peak up front: scheduling then never allocates */
	if (heap__reserve(&s->q, 1023)) {
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
	heap__release(&s->q);
	free(s);
}

uint64_t sim__now_ns(const struct sim *s)
{
	return s->now_ns;
}

uint64_t sim__pending(const struct sim *s)
{
	return s->q.nr;
}

uint64_t sim__nr_fired(const struct sim *s)
{
	return s->nr_fired;
}

uint64_t sim__next_time_ns(const struct sim *s)
{
	return s->q.nr ? heap__top(&s->q, struct sim_event)->time_ns : UINT64_MAX;
}

int sim__schedule(struct sim *s, uint64_t time_ns, sim_handler_fn fn, void *obj, uint64_t arg,
		  uint64_t arg2)
{
	struct sim_event ev = {
	    .time_ns = time_ns,
	    .fn = fn,
	    .obj = obj,
	    .arg = arg,
	    .arg2 = arg2,
	};

	if (time_ns < s->now_ns)
		return -EINVAL;
	return heap__push(&s->q, &ev);
}

uint64_t sim__run_until(struct sim *s, uint64_t until_ns)
{
	uint64_t fired = 0;
	struct sim_event ev;

	while (s->q.nr && heap__top(&s->q, struct sim_event)->time_ns <= until_ns) {
		heap__pop(&s->q, &ev);
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
