// SPDX-License-Identifier: GPL-2.0
/*
 * u64map.c - open-addressing uint64 -> uint64 hash map (see u64map.h).
 *
 * Model assumptions: none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/u64map.h"

/* (u64map_prefetch() in the header computes the same slot) */
static inline uint64_t slot_of(uint64_t key, uint64_t cap)
{
	uint64_t z = key * 0x9e3779b97f4a7c15ull;

	return (z ^ (z >> 32)) & (cap - 1);
}

static int alloc_arrays(struct u64map *m, uint64_t cap)
{
	m->keys = malloc(cap * sizeof(uint64_t));
	m->vals = malloc(cap * sizeof(uint64_t));
	if (!m->keys || !m->vals) {
		free(m->keys);
		free(m->vals);
		m->keys = m->vals = NULL;
		return -ENOMEM;
	}
	memset(m->keys, 0xff, cap * sizeof(uint64_t));
	m->cap = cap;
	m->nr = 0;
	return 0;
}

int u64map_init(struct u64map *m)
{
	return alloc_arrays(m, 64);
}

void u64map_fini(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = m->vals = NULL;
	m->nr = m->cap = 0;
}

bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	uint64_t i = slot_of(key, m->cap);

	while (m->keys[i] != U64MAP_EMPTY) {
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return true;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return false;
}

static void put_nogrow(struct u64map *m, uint64_t key, uint64_t val)
{
	uint64_t i = slot_of(key, m->cap);

	while (m->keys[i] != U64MAP_EMPTY && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (m->keys[i] == U64MAP_EMPTY)
		m->nr++;
	m->keys[i] = key;
	m->vals[i] = val;
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
			if (old.keys[i] != U64MAP_EMPTY)
				put_nogrow(m, old.keys[i], old.vals[i]);
		u64map_fini(&old);
	}
	put_nogrow(m, key, val);
	return 0;
}

bool u64map_del(struct u64map *m, uint64_t key)
{
	uint64_t mask = m->cap - 1, i = slot_of(key, m->cap), j;

	while (m->keys[i] != key) {
		if (m->keys[i] == U64MAP_EMPTY)
			return false;
		i = (i + 1) & mask;
	}
	/* backward-shift deletion keeps probe chains intact without tombstones */
	j = i;
	for (;;) {
		uint64_t home;

		j = (j + 1) & mask;
		if (m->keys[j] == U64MAP_EMPTY)
			break;
		home = slot_of(m->keys[j], m->cap);
		/* move j back to i if its home is not in (i, j] cyclically */
		if ((i <= j) ? (home <= i || home > j) : (home <= i && home > j)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->keys[i] = U64MAP_EMPTY;
	m->nr--;
	return true;
}

void u64map_clear(struct u64map *m)
{
	if (!m->nr)
		return;
	memset(m->keys, 0xff, m->cap * sizeof(uint64_t));
	m->nr = 0;
}
