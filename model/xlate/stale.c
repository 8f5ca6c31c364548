// SPDX-License-Identifier: GPL-2.0
/*
 * stale.c - the translation model's use-after-unmap set (see stale.h).
 *
 * An invalidation changes the set in place. A range invalidation smaller
 * than the set looks its own pages up (in each domain the set holds) instead
 * of visiting every entry: in lazy mode the set holds every unmap since the
 * last flush while the trace's page-selective invalidations of single pages
 * go on, and a visit of the whole set per invalidation (a rebuilt map, every
 * entry put again) was half the CPU of a lazy replay of the 6.12 trace.
 * Both ways clear the same bits: an entry the scan finds covered has its
 * page in the range and its key domain among dom[] (stale_lookup_ok()).
 *
 * Model assumptions: see stale.h.
 */
#include <errno.h>

#include "model/xlate/stale.h"
#include "model/xlate/xlate-local.h"

/* Value: page number (its low 44 bits) << 20 | domain (low 16 bits) << 4 | STALE_* */
static uint64_t stale_val(uint32_t domain, uint64_t page, uint32_t bits)
{
	return (page >> 12) << 20 | (uint64_t)(domain & 0xffff) << 4 | bits;
}

#define STALE_CACHES (STALE_IOTLB | STALE_ATC)

int stale_init(struct stale *s)
{
	*s = (struct stale){0};
	return u64map_init(&s->map);
}

void stale_fini(struct stale *s)
{
	u64map_fini(&s->map);
}

/* Pages [first, first + n*4K) of one unmap or map call. */
static uint64_t nr_pages(uint64_t iova, uint64_t bytes)
{
	uint64_t n = ((iova & 0xfff) + (bytes ? bytes : 1) + 0xfff) >> 12;

	return n > STALE_MAX_PAGES ? STALE_MAX_PAGES : n;
}

/* Remember which key domains and how high the pages that enter the set are. */
static void note_put(struct stale *s, uint32_t domain, uint64_t first, uint64_t n)
{
	uint16_t d = (uint16_t)(domain & 0xfff);
	uint32_t i;

	if (!s->map.nr) {
		s->nr_dom = 0;
		s->high = false;
	}
	/* n <= 2^18 pages: below 2^56 the last page cannot wrap */
	if ((first >> 56) || ((first + ((n - 1) << 12)) >> 56))
		s->high = true;
	if (s->nr_dom > STALE_NR_DOMS)
		return;
	for (i = 0; i < s->nr_dom; i++)
		if (s->dom[i] == d)
			return;
	if (s->nr_dom < STALE_NR_DOMS)
		s->dom[s->nr_dom] = d;
	s->nr_dom++;
}

int stale_unmap(struct stale *s, uint32_t domain, uint64_t iova, uint64_t bytes, uint32_t bits)
{
	uint64_t first = iova & ~0xfffull, n = nr_pages(iova, bytes);

	note_put(s, domain, first, n);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page = first + (i << 12);

		if (u64map_put(&s->map, xlate_map_key(domain, page), stale_val(domain, page, bits)))
			return -ENOMEM;
	}
	return 0;
}

void stale_map(struct stale *s, uint32_t domain, uint64_t iova, uint64_t bytes)
{
	uint64_t first = iova & ~0xfffull, n = nr_pages(iova, bytes);

	if (!s->map.nr)
		return;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t *v = u64map_ref(&s->map, xlate_map_key(domain, first + (i << 12)));

		if (v)
			*v |= STALE_REMAPPED;
	}
}

bool stale_get(const struct stale *s, uint32_t domain, uint64_t page, uint32_t *bits)
{
	uint64_t v;

	if (!u64map_get(&s->map, xlate_map_key(domain, page), &v))
		return false;
	*bits = (uint32_t)v & (STALE_CACHES | STALE_REMAPPED);
	return true;
}

/* Does @inv (IOTLB or, @atc, device-TLB semantics) cover stale entry @v? */
static bool stale_covered(const struct iotlb_inval *inv, uint64_t v, bool atc)
{
	uint64_t page = (v >> 20) << 12;
	uint32_t domain = (uint32_t)(v >> 4) & 0xffff;

	if (!atc && inv->domain != IOTLB_ANY && (inv->domain & 0xffff) != domain &&
	    inv->kind != IOTLB_INV_GLOBAL)
		return false;
	if (inv->kind != IOTLB_INV_RANGE)
		return true;
	return page + 4096 > inv->addr && page < inv->addr + inv->bytes;
}

/*
 * Clear @bit of the entry at @key (value *v) if @inv covers it. Return: true
 * when no cache may hold it any more (the caller deletes it).
 */
static bool clear_one(uint64_t *v, const struct iotlb_inval *inv, bool atc, uint32_t bit)
{
	if (stale_covered(inv, *v, atc))
		*v &= ~(uint64_t)bit;
	return !(*v & STALE_CACHES);
}

/*
 * Can range invalidation @inv be served by looking up its pages in
 * *@nr_doms domains (@one_dom: only its own; else every one in dom[]),
 * cheaper than visiting every slot? Exact only when every entry
 * the scan would find covered is at one of those keys: values hold the page
 * number truncated to 44 bits (so no page at or above 2^56 may be in the
 * set), the range must not wrap, and dom[] must list every key domain.
 */
static bool stale_lookup_ok(const struct stale *s, const struct iotlb_inval *inv, bool one_dom,
			    uint32_t *nr_doms, uint64_t *first, uint64_t *n)
{
	uint64_t end = inv->addr + inv->bytes;

	if (inv->kind != IOTLB_INV_RANGE || s->high || !inv->bytes || end < inv->addr)
		return false;
	*nr_doms = one_dom ? 1 : s->nr_dom;
	if (*nr_doms > STALE_NR_DOMS)
		return false;
	*first = inv->addr & ~0xfffull;
	*n = ((end - 1) >> 12) - (inv->addr >> 12) + 1;
	/* a lookup costs a few slot visits of the scan */
	return *n <= s->map.cap / 4 && *n * *nr_doms <= s->map.cap / 4;
}

void stale_inval(struct stale *s, const struct iotlb_inval *inv, bool atc)
{
	uint32_t bit = atc ? STALE_ATC : STALE_IOTLB, nr_doms;
	bool one_dom = !atc && inv->domain != IOTLB_ANY;
	uint64_t first, n;

	if (!s->map.nr)
		return;
	if (stale_lookup_ok(s, inv, one_dom, &nr_doms, &first, &n)) {
		s->nr_looks++;
		for (uint32_t d = 0; d < nr_doms; d++) {
			uint32_t domain = one_dom ? inv->domain : s->dom[d];

			for (uint64_t i = 0; i < n; i++) {
				uint64_t key = xlate_map_key(domain, first + (i << 12));
				uint64_t *v = u64map_ref(&s->map, key);

				if (v && clear_one(v, inv, atc, bit))
					u64map_del(&s->map, key);
			}
		}
		return;
	}
	/*
	 * Every entry, in place. A backward-shift deletion at slot i moves only
	 * entries from later in its probe chain into i, so slot i is checked
	 * again and no entry is skipped (one moved from the chain's wrapped
	 * start is checked twice: clearing a bit twice is clearing it once).
	 */
	s->nr_scans++;
	for (uint64_t i = 0; i < s->map.cap; i++)
		while (s->map.slots[i].key != U64MAP_EMPTY &&
		       clear_one(&s->map.slots[i].val, inv, atc, bit))
			u64map_del(&s->map, s->map.slots[i].key);
}
