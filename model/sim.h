/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim.h - discrete-event core shared by every model component.
 *
 * Time is an integer count of nanoseconds. Events are kept in a binary
 * min-heap ordered by (time_ns, seq): seq is the insertion order, so events
 * at the same time fire first-in first-out and a run is deterministic. The
 * heap array grows by doubling when full, so scheduling allocates only while
 * the number of pending events reaches a new maximum, never per event.
 *
 * Model assumptions:
 * - An event's handler runs at the event's time; it may schedule events at
 *   that time or later, never earlier (sim__schedule refuses the past).
 */
#ifndef SVATRACE_MODEL_SIM_H
#define SVATRACE_MODEL_SIM_H

#include <stdint.h>

struct sim;
struct sim_event;

/* Handler of an event; obj and the args are what sim__schedule was given. */
typedef void (*sim_handler_fn)(struct sim *s, const struct sim_event *ev);

struct sim_event {
	uint64_t time_ns;  /* when the event fires */
	uint64_t seq;	   /* insertion order: FIFO tie-break */
	sim_handler_fn fn; /* handler */
	void *obj;	   /* component the event belongs to */
	uint64_t arg;	   /* handler-defined */
	uint64_t arg2;	   /* handler-defined */
};

/** sim__new() - empty simulation at time 0; NULL with errno on failure. */
struct sim *sim__new(void);

/** sim__free() - free; NULL is a no-op. */
void sim__free(struct sim *s);

/** sim__now_ns() - current simulated time. */
uint64_t sim__now_ns(const struct sim *s);

/**
 * sim__schedule() - add an event.
 * @s: simulation.
 * @time_ns: absolute time, >= sim__now_ns().
 * @fn, @obj, @arg, @arg2: handler and its arguments.
 *
 * Return: 0, -EINVAL for a time in the past, -ENOMEM.
 */
int sim__schedule(struct sim *s, uint64_t time_ns, sim_handler_fn fn, void *obj, uint64_t arg,
		  uint64_t arg2);

/** sim__pending() - number of events not yet fired. */
uint64_t sim__pending(const struct sim *s);

/** sim__next_time_ns() - time of the earliest pending event, UINT64_MAX if none. */
uint64_t sim__next_time_ns(const struct sim *s);

/**
 * sim__run_until() - fire events in order while their time is <= @until_ns;
 * then advance the clock to @until_ns (if it is later than now).
 *
 * Return: number of events fired.
 */
uint64_t sim__run_until(struct sim *s, uint64_t until_ns);

/** sim__run() - fire every event until none is left. Return: events fired. */
uint64_t sim__run(struct sim *s);

/** sim__nr_fired() - events fired since sim__new(). */
uint64_t sim__nr_fired(const struct sim *s);

#endif /* SVATRACE_MODEL_SIM_H */
