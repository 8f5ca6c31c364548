// SPDX-License-Identifier: GPL-2.0
/*
 * walk.c - walker queue and cached page walks (assumptions in walk.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "lib/prng.h"
#include "lib/heap.h"
#include "model/xlate/walk.h"

struct walkq {
	struct heap free_at;   /* per walker: time it becomes free (heap_time) */
	struct walkq_stats st; /* counters */
};

struct walkq *walkq__new(uint32_t servers)
{
	struct walkq *q;

	if (!servers) {
		errno = EINVAL;
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->free_at = HEAP_INIT(struct heap_time);
	if (heap__reserve(&q->free_at, servers)) {
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < servers; i++)	       /* free since time 0 */
		(void)heap__push_time(&q->free_at, 0); /* reserved: cannot fail */
	return q;
}

void walkq__free(struct walkq *q)
{
	if (!q)
		return;
	heap__release(&q->free_at);
	free(q);
}

uint64_t walkq__serve(struct walkq *q, uint64_t arrival_ns, uint64_t service_ns)
{
	struct heap_time *first_free = heap__top(&q->free_at, struct heap_time);
	uint64_t start = first_free->time_ns > arrival_ns ? first_free->time_ns : arrival_ns;
	uint64_t wait = start - arrival_ns;

	/* the earliest-free walker takes it: its free time moves on, in place */
	first_free->time_ns = start + service_ns;
	heap__fix_top(&q->free_at, struct heap_time);
	q->st.nr++;
	q->st.wait_ns += wait;
	q->st.busy_ns += service_ns;
	if (wait) {
		q->st.nr_waited++;
		if (wait > q->st.max_wait_ns)
			q->st.max_wait_ns = wait;
	}
	return start;
}

const struct walkq_stats *walkq__stats(const struct walkq *q)
{
	return &q->st;
}

/* ------------------------------------------------ cached walks */

struct pwalk {
	struct iotlb *pwc[WALK_MAX_LEVELS + 1];	     /* first stage, levels 2..levels */
	struct iotlb *host_pwc[WALK_MAX_LEVELS + 1]; /* second stage, levels 2..host_levels */
	struct iotlb *cc;			     /* context cache, keyed by sid */
	struct iotlb *pasidc;			     /* PASID cache, keyed by (sid, PASID) */
	uint32_t levels;			     /* first-stage levels */
	uint32_t host_levels;			     /* second-stage levels */
	bool nested;				     /* 2D walks */
	bool scalable;				     /* PASID cache in the path */
	struct pwalk_stats st;			     /* counters */
};

static struct iotlb *level_cache(uint32_t entries, uint32_t ways, unsigned int shift, uint64_t seed,
				 uint32_t index)
{
	struct iotlb_geom g = {
	    .entries = entries,
	    .ways = ways,
	    .policy = &iotlb_policy_lru,
	    .seed = prng_derive(seed, PRNG_STREAM_XLATE_PWC),
	    .index = index,
	    .custom_shift = true,
	    .shift = {(uint8_t)shift, (uint8_t)shift, (uint8_t)shift},
	};

	return iotlb__new(&g);
}

struct pwalk *pwalk__new(const struct model_cfg *c)
{
	struct pwalk *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->levels = c->pt_levels;
	w->host_levels = c->host_levels;
	w->nested = c->nested;
	w->scalable = c->scalable;
	for (uint32_t k = 2; k <= w->levels; k++) {
		uint32_t e = c->pwc_lvl_entries[k] ? c->pwc_lvl_entries[k] : c->pwc_entries;
		uint32_t ways = c->pwc_lvl_entries[k] ? e : c->pwc_ways;

		if (!(w->pwc[k] = level_cache(e, ways, 12 + 9 * (k - 1), c->seed, c->set_index)))
			goto fail;
	}
	if (w->nested)
		for (uint32_t k = 2; k <= w->host_levels; k++)
			if (!(w->host_pwc[k] =
				  level_cache(c->pwc_entries, c->pwc_ways, 12 + 9 * (k - 1),
					      c->seed, c->set_index)))
				goto fail;
	/* shift 0 keeps the whole id as the page number; fully associative */
	w->cc = level_cache(c->cc_entries, c->cc_entries, 0, c->seed, 0);
	w->pasidc = level_cache(c->pasidc_entries, c->pasidc_entries, 0, c->seed, 0);
	if (!w->cc || !w->pasidc)
		goto fail;
	return w;
fail:
	pwalk__free(w);
	errno = ENOMEM;
	return NULL;
}

void pwalk__free(struct pwalk *w)
{
	if (!w)
		return;
	for (int k = 0; k <= WALK_MAX_LEVELS; k++) {
		iotlb__free(w->pwc[k]);
		iotlb__free(w->host_pwc[k]);
	}
	iotlb__free(w->cc);
	iotlb__free(w->pasidc);
	free(w);
}

/* Reads for a walk through @pwc (levels top..leaf), filling missed levels. */
static uint32_t stage_reads(struct iotlb *const *pwc, uint32_t top, uint32_t leaf, uint32_t ctx_dom,
			    uint32_t ctx_pasid, uint64_t addr, uint32_t *hit_level)
{
	for (uint32_t k = leaf + 1; k <= top; k++) {
		struct iotlb *c = pwc[k];

		if (iotlb__access(c, iotlb__ctx(c, ctx_dom, ctx_pasid), addr, 0)) {
			*hit_level = k;
			return k - leaf;
		}
	}
	*hit_level = 0;
	return top - leaf + 1;
}

/* Synthetic guest-physical address of the guest table at @level covering @addr. */
static uint64_t table_gpa(uint32_t level, uint64_t addr)
{
	/* a full-avalanche hash: nearby regions land on unrelated pages */
	uint64_t z = prng_hash64((addr >> (12 + 9 * level)) << 3 | level);

	return (z & ((1ull << 40) - 1)) << 12;
}

static uint32_t host_walk(struct pwalk *w, uint32_t domain, uint64_t gpa)
{
	uint32_t hit, r = stage_reads(w->host_pwc, w->host_levels, 1, domain, 0, gpa, &hit);

	w->st.nested_reads += r;
	return r;
}

uint32_t pwalk__walk(struct pwalk *w, uint32_t sid, uint32_t domain, uint32_t pasid, uint64_t addr,
		     unsigned int psz)
{
	uint32_t leaf = 1 + psz, reads = 0, hit, first;

	w->st.nr_walks++;
	if (iotlb__access(w->cc, 0, sid, 0)) {
		w->st.cc_hits++;
	} else {
		w->st.cc_misses++;
		reads += 2;
	}
	if (w->scalable) {
		if (iotlb__access(w->pasidc, 0, ((uint64_t)sid << 20) | (pasid & 0xfffff), 0)) {
			w->st.pasidc_hits++;
		} else {
			w->st.pasidc_misses++;
			reads += 2;
		}
	}
	first = stage_reads(w->pwc, w->levels, leaf, domain, pasid, addr, &hit);
	if (hit)
		w->st.pwc_hits[hit]++;
	else
		w->st.pwc_misses++;
	reads += first;
	if (w->nested) {
		/* guest levels read: from (hit ? hit-1 : levels) down to leaf */
		uint32_t from = hit ? hit - 1 : w->levels;

		for (uint32_t l = from; l >= leaf && l > 0; l--)
			reads += host_walk(w, domain, table_gpa(l, addr));
		reads += host_walk(w, domain, (addr ^ ((uint64_t)pasid << 40)) & ~0xfffull);
	}
	w->st.mem_reads += reads;
	return reads;
}

void pwalk__inval(struct pwalk *w, const struct iotlb_inval *inv)
{
	for (int k = 0; k <= WALK_MAX_LEVELS; k++)
		if (w->pwc[k])
			iotlb__inval(w->pwc[k], inv);
}

void pwalk__inval_cc(struct pwalk *w)
{
	struct iotlb_inval inv = {.kind = IOTLB_INV_GLOBAL};

	iotlb__inval(w->cc, &inv);
}

void pwalk__inval_pasidc(struct pwalk *w, uint32_t pasid)
{
	struct iotlb_inval inv = {.kind = IOTLB_INV_GLOBAL};

	/* PASID cache keys are (sid << 20 | PASID) pages, so select by scanning */
	if (pasid == IOTLB_ANY) {
		iotlb__inval(w->pasidc, &inv);
		return;
	}
	/* without a sid, drop all: conservative and rare (pc_inv) */
	iotlb__inval(w->pasidc, &inv);
}

const struct pwalk_stats *pwalk__stats(const struct pwalk *w)
{
	return &w->st;
}
