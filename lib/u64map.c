// SPDX-License-Identifier: GPL-2.0
/*
 * u64map.c - open-addressing uint64 -> uint64 hash map (see u64map.h).
 *
 * Model assumptions: none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/u64map.h"

/* (u64map_prefetch() in the header computes the same slot) */
static inline uint64_t slot_of(uint64_t key, uint64_t cap)
{
	uint64_t z = key * 0x9e3779b97f4a7c15ull;

	return (z ^ (z >> 32)) & (cap - 1);
}

#define HUGE_BYTES (2u << 20) /* x86-64 huge page */
#define U64MAP_INIT_CAP 64    /* slots of a new map */
#define U64MAP_KEEP_CAP 256   /* u64map_clear() keeps arrays up to this many slots */

static int alloc_arrays(struct u64map *m, uint64_t cap)
{
	size_t bytes = cap * sizeof(*m->slots);
	/*
	 * 16-byte slots, 64-byte aligned: a slot never straddles two cache lines.
	 * A table of 2 MiB or more is aligned to 2 MiB and asks for huge pages:
	 * its lookups land anywhere in it, and with 4 KiB pages each was a TLB
	 * miss besides the cache miss (the replay's table of translations in
	 * flight: tens of MiB, its prefetch 17% of the issue-16 replay).
	 */
	size_t align = bytes >= HUGE_BYTES ? HUGE_BYTES : 64;

	if (posix_memalign((void **)&m->slots, align, bytes)) {
		m->slots = NULL;
		return -ENOMEM;
	}
#ifdef MADV_HUGEPAGE
	if (align == HUGE_BYTES)
		(void)madvise(m->slots, bytes, MADV_HUGEPAGE); /* a hint: 4 KiB pages work too */
#endif
	for (uint64_t i = 0; i < cap; i++)
		m->slots[i].key = U64MAP_EMPTY;
	m->cap = cap;
	m->nr = 0;
	return 0;
}

int u64map_init(struct u64map *m)
{
	return alloc_arrays(m, U64MAP_INIT_CAP);
}

void u64map_fini(struct u64map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->nr = m->cap = 0;
}

bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	uint64_t i = slot_of(key, m->cap);

	while (m->slots[i].key != U64MAP_EMPTY) {
		if (m->slots[i].key == key) {
			if (val)
				*val = m->slots[i].val;
			return true;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return false;
}

uint64_t *u64map_ref(struct u64map *m, uint64_t key)
{
	uint64_t i = slot_of(key, m->cap);

	while (m->slots[i].key != U64MAP_EMPTY) {
		if (m->slots[i].key == key)
			return &m->slots[i].val;
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

static void put_nogrow(struct u64map *m, uint64_t key, uint64_t val)
{
	uint64_t i = slot_of(key, m->cap);

	while (m->slots[i].key != U64MAP_EMPTY && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	if (m->slots[i].key == U64MAP_EMPTY)
		m->nr++;
	m->slots[i].key = key;
	m->slots[i].val = val;
}

int u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	if (key == U64MAP_EMPTY)
		return -EINVAL;
	if (2 * (m->nr + 1) > m->cap) {
		struct u64map old = *m;

		if (alloc_arrays(m, old.cap * 2)) {
			*m = old;
			return -ENOMEM;
		}
		for (uint64_t i = 0; i < old.cap; i++)
			if (old.slots[i].key != U64MAP_EMPTY)
				put_nogrow(m, old.slots[i].key, old.slots[i].val);
		u64map_fini(&old);
	}
	put_nogrow(m, key, val);
	return 0;
}

bool u64map_del(struct u64map *m, uint64_t key)
{
	uint64_t mask = m->cap - 1, i = slot_of(key, m->cap), j;

	while (m->slots[i].key != key) {
		if (m->slots[i].key == U64MAP_EMPTY)
			return false;
		i = (i + 1) & mask;
	}
	/* backward-shift deletion keeps probe chains intact without tombstones */
	j = i;
	for (;;) {
		uint64_t home;

		j = (j + 1) & mask;
		if (m->slots[j].key == U64MAP_EMPTY)
			break;
		home = slot_of(m->slots[j].key, m->cap);
		/* move j back to i if its home is not in (i, j] cyclically */
		if ((i <= j) ? (home <= i || home > j) : (home <= i && home > j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = U64MAP_EMPTY;
	m->nr--;
	return true;
}

void u64map_clear(struct u64map *m)
{
	struct u64map small;

	if (!m->nr)
		return;
	/*
	 * A grown table goes back to the initial size: a caller that clears
	 * often (the model forgets its translations in flight at every
	 * invalidation) paid for every slot of the largest size it ever had
	 * (16% of a strict replay), while regrowing costs what is put since.
	 */
	if (m->cap > U64MAP_KEEP_CAP && !alloc_arrays(&small, U64MAP_INIT_CAP)) {
		u64map_fini(m);
		*m = small;
		return;
	}
	for (uint64_t i = 0; i < m->cap; i++)
		m->slots[i].key = U64MAP_EMPTY;
	m->nr = 0;
}
