// SPDX-License-Identifier: GPL-2.0
/*
 * iova_reloc.c - moving maps off held IOVAs (see iova_reloc.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "lib/u64map.h"
#include "replay/iova_reloc.h"

struct iova_reloc {
	struct u64map alias; /* page of a moved map -> page it moved to */
	uint64_t next_iova;  /* where the next moved map goes */
	uint64_t nr_moved;   /* maps moved */
};

struct iova_reloc *iova_reloc__new(void)
{
	struct iova_reloc *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (u64map_init(&r->alias)) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->next_iova = IOVA_RELOC_BASE;
	return r;
}

void iova_reloc__free(struct iova_reloc *r)
{
	if (!r)
		return;
	u64map_fini(&r->alias);
	free(r);
}

static uint64_t pages_of(uint64_t iova, uint64_t bytes)
{
	return ((iova & 0xfff) + (bytes ? bytes : 1) + 0xfff) >> 12;
}

int iova_reloc__map(struct iova_reloc *r, uint64_t *iova, uint64_t bytes, iova_held_fn held,
		    void *ctx)
{
	uint64_t n = pages_of(*iova, bytes), first = *iova >> 12, to;
	bool busy = false;

	for (uint64_t i = 0; i < n && !busy; i++)
		busy = held(ctx, first + i);
	for (uint64_t i = 0; i < n; i++)
		u64map_del(&r->alias, first + i); /* an older move of these pages is over */
	if (!busy)
		return 0;
	to = r->next_iova >> 12;
	r->next_iova += n << 12;
	for (uint64_t i = 0; i < n; i++)
		if (u64map_put(&r->alias, first + i, to + i) < 0)
			return -ENOMEM;
	*iova = to << 12 | (*iova & 0xfff);
	r->nr_moved++;
	return 1;
}

uint64_t iova_reloc__moved(const struct iova_reloc *r, uint64_t iova)
{
	uint64_t np;

	if (!r->alias.nr || !u64map_get(&r->alias, iova >> 12, &np))
		return iova;
	return np << 12 | (iova & 0xfff);
}

uint64_t iova_reloc__run(const struct iova_reloc *r, uint64_t iova, uint64_t bytes,
			 uint64_t *run_bytes)
{
	uint64_t n = pages_of(iova, bytes), first = iova >> 12,
		 to = iova_reloc__moved(r, iova) >> 12;
	uint64_t i = 1;

	/* the pages after the first that moved with it (or stayed with it) */
	while (i < n && iova_reloc__moved(r, (first + i) << 12) >> 12 == to + i)
		i++;
	*run_bytes = i == n ? bytes : (i << 12) - (iova & 0xfff);
	return to << 12 | (iova & 0xfff);
}

uint64_t iova_reloc__nr_moved(const struct iova_reloc *r)
{
	return r->nr_moved;
}
