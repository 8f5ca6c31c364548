/* SPDX-License-Identifier: GPL-2.0 */
/*
 * u64map.h - open-addressing hash map from a uint64_t key to a uint64_t
 * value (linear probing, backward-shift deletion, doubles at 50% load).
 * A slot holds its key and value side by side, so a lookup in a table far
 * larger than the caches (the replay's translations in flight, tens of MiB)
 * costs one cache miss, not one for the key and one for the value.
 * Used for live mappings (IOVA -> length) and resident pages (page -> 0).
 * Memory grows with the number of live keys, never with trace length.
 *
 * Model assumptions: none.
 */
#ifndef SVATRACE_MODEL_U64MAP_H
#define SVATRACE_MODEL_U64MAP_H

#include <stdbool.h>
#include <stdint.h>

struct u64map_slot {
	uint64_t key; /* U64MAP_EMPTY if free */
	uint64_t val; /* value */
};

struct u64map {
	struct u64map_slot *slots; /* cap slots */
	uint64_t nr;		   /* keys held */
	uint64_t cap;		   /* slots, power of two */
};

#define U64MAP_EMPTY UINT64_MAX /* the one key that cannot be stored */

/** u64map_init() - empty map; 0 or -ENOMEM. */
int u64map_init(struct u64map *m);

/** u64map_fini() - free the arrays. */
void u64map_fini(struct u64map *m);

/**
 * u64map_prefetch() - start loading the slot where a lookup of @key begins
 * (a hint, nothing changes): a caller that knows its next keys overlaps
 * their cache misses with its work.
 */
static inline void u64map_prefetch(const struct u64map *m, uint64_t key)
{
	uint64_t z = key * 0x9e3779b97f4a7c15ull, i = (z ^ (z >> 32)) & (m->cap - 1);

	__builtin_prefetch(&m->slots[i]);
	/* GCC 12 finds a function of prefetches alone pure and drops calls to it */
	__asm__ volatile("");
}

/** u64map_get() - true and *val if @key is present. */
bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val);

/**
 * u64map_ref() - the value of @key, to read or change in place; NULL if
 * absent. Valid until the next put or del.
 */
uint64_t *u64map_ref(struct u64map *m, uint64_t key);

/** u64map_put() - insert or replace; 0 or -ENOMEM. */
int u64map_put(struct u64map *m, uint64_t key, uint64_t val);

/** u64map_del() - remove; true if it was present. */
bool u64map_del(struct u64map *m, uint64_t key);

/**
 * u64map_clear() - remove every key. A table grown past a few hundred slots
 * shrinks back to the initial size (memory follows what is held; the cost
 * is that of the next puts, not of the largest size ever reached); a small
 * one, or one whose smaller arrays cannot be had, is cleared in place.
 */
void u64map_clear(struct u64map *m);

#endif /* SVATRACE_MODEL_U64MAP_H */
