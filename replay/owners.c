// SPDX-License-Identifier: GPL-2.0
/*
 * owners.c - one pass over a trace: map -> domain, source id -> ATS,
 * domain -> ATS device and IOMMU unit (assumptions in owners.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/u64map.h"
#include "replay/owners.h"
#include "trace/format.h"

#define OWN_CPUS 1024	 /* CPUs tracked; higher ones share the last slot */
#define OWN_RECENT 64	 /* maps per CPU that a later flush may name */
#define OWN_UNMAPS 8	 /* unmaps per CPU whose flush has not come yet */
#define OWN_MAX_UNITS 64 /* IOMMU units told apart */

struct own_range {
	uint64_t iova, bytes; /* range */
	uint64_t key;	      /* map_key of the map that made it (0: unknown) */
	uint64_t self;	      /* an unmap's own map_key */
	uint64_t tmap;	      /* time_key of the map that made it (0: unknown) */
	uint64_t tself;	      /* this record's own time_key */
};

struct own_cpu {
	struct own_range maps[OWN_RECENT];   /* recent maps, oldest first */
	uint32_t nr_maps;		     /* used */
	struct own_range unmaps[OWN_UNMAPS]; /* recent unmaps, oldest first */
	uint32_t nr_unmaps;		     /* used */
	uint32_t last_did;		     /* DID of its last IOTLB invalidation, OWNERS_NONE */
};

struct owners {
	struct u64map map_dom;	       /* map_key of a map or unmap record -> DID */
	struct u64map time_dom;	       /* time_key -> DID, or OWN_AMBIGUOUS */
	struct u64map live_t;	       /* IOVA -> time_key of the live map starting there */
	struct u64map live;	       /* IOVA -> map_key of the live map starting there */
	struct u64map sid_ats;	       /* source id -> 1: its device TLB was invalidated */
	struct u64map dom_sid;	       /* DID -> source id of its device with ATS */
	struct u64map dom_unit;	       /* DID -> unit string id */
	struct u64map dom_dev;	       /* DID -> string id of the device a dma:* map names */
	uint32_t units[OWN_MAX_UNITS]; /* unit string ids in order of first use */
	uint32_t nr_units;	       /* used */
	bool dom_flushed;	       /* a domain- or page-selective IOTLB invalidation was seen */
	struct own_cpu *cpu;	       /* OWN_CPUS, each set up at its first use (cpu_of) */
	bool cpu_used[OWN_CPUS];       /* cpu[i] is set up */
};

struct owners *owners__new(void)
{
	struct owners *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->cpu = calloc(OWN_CPUS, sizeof(*o->cpu));
	if (!o->cpu || u64map_init(&o->map_dom) || u64map_init(&o->live) ||
	    u64map_init(&o->time_dom) || u64map_init(&o->live_t) || u64map_init(&o->sid_ats) ||
	    u64map_init(&o->dom_sid) || u64map_init(&o->dom_unit) || u64map_init(&o->dom_dev)) {
		owners__free(o);
		errno = ENOMEM;
		return NULL;
	}
	return o;
}

void owners__free(struct owners *o)
{
	if (!o)
		return;
	u64map_fini(&o->map_dom);
	u64map_fini(&o->time_dom);
	u64map_fini(&o->live_t);
	u64map_fini(&o->live);
	u64map_fini(&o->sid_ats);
	u64map_fini(&o->dom_sid);
	u64map_fini(&o->dom_unit);
	u64map_fini(&o->dom_dev);
	free(o->cpu);
	free(o);
}

static uint64_t map_key(uint32_t cpu, uint64_t ts_ns, uint64_t iova)
{
	uint64_t x = ts_ns * 0x9e3779b97f4a7c15ull ^ iova ^ (uint64_t)cpu << 48;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return x == U64MAP_EMPTY ? 0 : x;
}

/*
 * A record's (CPU, time) alone: a scenario that moves a map to another IOVA
 * (inval=lazy defers IOVA reuse, replay/iova_reloc.h) keeps its CPU and time,
 * so the domain is still found through it, unless records of two domains
 * share that CPU and time (OWN_AMBIGUOUS).
 */
#define OWN_AMBIGUOUS UINT64_MAX
static uint64_t time_key(uint32_t cpu, uint64_t ts_ns)
{
	return map_key(cpu, ts_ns, UINT64_MAX);
}

static int note_time(struct owners *o, uint64_t tk, uint32_t domain)
{
	uint64_t d;

	if (!tk)
		return 0;
	if (u64map_get(&o->time_dom, tk, &d) && d != domain)
		d = OWN_AMBIGUOUS;
	else
		d = domain;
	return u64map_put(&o->time_dom, tk, d) < 0 ? -ENOMEM : 0;
}

/*
 * A CPU's state, set up at its first use: the table is 3.5 MiB of calloc'ed
 * (untouched, so unfaulted) memory, and a trace names a few CPUs; setting
 * every slot up front faulted in all of it on every replay.
 */
static struct own_cpu *cpu_of(struct owners *o, uint32_t cpu)
{
	uint32_t i = cpu < OWN_CPUS ? cpu : OWN_CPUS - 1;

	if (!o->cpu_used[i]) {
		o->cpu_used[i] = true;
		o->cpu[i].last_did = OWNERS_NONE;
	}
	return &o->cpu[i];
}

static void push_range(struct own_range *v, uint32_t *nr, uint32_t cap, const struct own_range *r)
{
	if (*nr == cap)
		memmove(&v[0], &v[1], (cap - 1) * sizeof(v[0]));
	else
		(*nr)++;
	v[*nr - 1] = *r;
}

static bool overlaps(const struct own_range *r, uint64_t base, uint64_t bytes)
{
	return r->iova < base + bytes && base < r->iova + (r->bytes ? r->bytes : 1);
}

static void unit_note(struct owners *o, uint32_t unit)
{
	for (uint32_t i = 0; i < o->nr_units; i++)
		if (o->units[i] == unit)
			return;
	if (o->nr_units < OWN_MAX_UNITS)
		o->units[o->nr_units++] = unit;
}

/* A page-selective IOTLB flush of @domain on @c: it names the domain of the maps it covers. */
static int psi_flush(struct owners *o, struct own_cpu *c, uint32_t domain, uint64_t base,
		     uint64_t bytes)
{
	uint32_t j = 0;
	uint64_t key;

	/* a caching-mode flush after maps (__mapping_notify_one) */
	for (uint32_t i = 0; i < c->nr_maps; i++) {
		if (!overlaps(&c->maps[i], base, bytes)) {
			c->maps[j++] = c->maps[i];
			continue;
		}
		if (u64map_put(&o->map_dom, c->maps[i].key, domain) < 0 ||
		    note_time(o, c->maps[i].tself, domain))
			return -ENOMEM;
	}
	c->nr_maps = j;
	/* a strict unmap's flush: the map that made the IOVA was in this domain */
	j = 0;
	for (uint32_t i = 0; i < c->nr_unmaps; i++) {
		if (!overlaps(&c->unmaps[i], base, bytes)) {
			c->unmaps[j++] = c->unmaps[i];
			continue;
		}
		key = c->unmaps[i].key;
		if (key && !u64map_get(&o->map_dom, key, NULL) &&
		    (u64map_put(&o->map_dom, key, domain) < 0 ||
		     note_time(o, c->unmaps[i].tmap, domain)))
			return -ENOMEM;
		if (u64map_put(&o->map_dom, c->unmaps[i].self, domain) < 0 ||
		    note_time(o, c->unmaps[i].tself, domain))
			return -ENOMEM;
	}
	c->nr_unmaps = j;
	return 0;
}

static int qi(struct owners *o, const struct trace_rec_qi_submit *q)
{
	struct own_cpu *c = cpu_of(o, q->hdr.cpu);
	uint64_t range = 4096ull << (q->addr_mask < 52 ? q->addr_mask : 52);

	unit_note(o, q->iommu_id);
	switch (q->type) {
	case TRACE_QI_IOTLB_INV:
		if (q->granularity < 2) /* global: no domain */
			return 0;
		o->dom_flushed = true;
		c->last_did = q->domain_id;
		if (u64map_put(&o->dom_unit, q->domain_id, q->iommu_id) < 0)
			return -ENOMEM;
		return q->granularity == 3
			   ? psi_flush(o, c, q->domain_id, q->addr & ~(range - 1), range)
			   : 0;
	case TRACE_QI_DEV_TLB_INV:
	case TRACE_QI_P_DEV_TLB_INV:
		if (u64map_put(&o->sid_ats, q->sid & 0xffff, 1) < 0)
			return -ENOMEM;
		if (c->last_did != OWNERS_NONE &&
		    u64map_put(&o->dom_sid, c->last_did, q->sid & 0xffff) < 0)
			return -ENOMEM;
		return 0;
	default:
		return 0;
	}
}

/*
 * A DMA-API map naming its device (dma:dma_map_*, Linux 6.12+) after the
 * iommu:map that made its IOVA (iommu_dma_map_page maps, then the dma
 * tracepoint fires): the map's domain, known from the flush after it, is
 * that device's, so its maps are the device's, not a "sid:"/"dom:" stand-in.
 */
static int dma_map(struct owners *o, const struct trace_rec_dma *d)
{
	uint64_t key, did;

	if (!d->device_id || (d->op != TRACE_DMA_MAP_PAGE && d->op != TRACE_DMA_MAP_SG &&
			      d->op != TRACE_DMA_MAP_RESOURCE && d->op != TRACE_DMA_ALLOC))
		return 0;
	if (!u64map_get(&o->live, d->dma_addr & ~0xfffull, &key) ||
	    !u64map_get(&o->map_dom, key, &did) || u64map_get(&o->dom_dev, did, NULL))
		return 0; /* no map there, its domain not known, or the domain already named */
	return u64map_put(&o->dom_dev, did, d->device_id) < 0 ? -ENOMEM : 0;
}

int owners__scan(struct owners *o, struct replay_source *src)
{
	const struct trace_rec *rec;
	int rc;

	while ((rc = replay_source__next(src, &rec)) == 1) {
		struct own_cpu *c = cpu_of(o, rec->cpu);
		struct own_range r = {0};

		switch (rec->kind) {
		case TRACE_REC_IOMMU_MAP: {
			const struct trace_rec_iommu_map *mp = (const void *)rec;

			r = (struct own_range){.iova = mp->iova,
					       .bytes = mp->size_bytes,
					       .key = map_key(rec->cpu, rec->ts_ns, mp->iova),
					       .tmap = time_key(rec->cpu, rec->ts_ns),
					       .tself = time_key(rec->cpu, rec->ts_ns)};
			push_range(c->maps, &c->nr_maps, OWN_RECENT, &r);
			if (u64map_put(&o->live, mp->iova, r.key) < 0 ||
			    u64map_put(&o->live_t, mp->iova, r.tself) < 0)
				rc = -ENOMEM;
			break;
		}
		case TRACE_REC_IOMMU_UNMAP: {
			const struct trace_rec_iommu_unmap *u = (const void *)rec;
			uint64_t key = 0, tmap = 0;

			(void)u64map_get(&o->live, u->iova, &key);
			(void)u64map_get(&o->live_t, u->iova, &tmap);
			u64map_del(&o->live, u->iova);
			u64map_del(&o->live_t, u->iova);
			r = (struct own_range){.iova = u->iova,
					       .bytes = u->size_bytes,
					       .key = key,
					       .self = map_key(rec->cpu, rec->ts_ns, u->iova),
					       .tmap = tmap,
					       .tself = time_key(rec->cpu, rec->ts_ns)};
			push_range(c->unmaps, &c->nr_unmaps, OWN_UNMAPS, &r);
			break;
		}
		case TRACE_REC_DMA:
			rc = dma_map(o, (const void *)rec);
			break;
		case TRACE_REC_QI_SUBMIT:
			rc = qi(o, (const void *)rec);
			break;
		case TRACE_REC_PAGE_REQ:
			unit_note(o,
				  ((const struct trace_rec_page_req *)(const void *)rec)->iommu_id);
			break;
		default:
			break;
		}
		if (rc < 0)
			return rc; /* memory */
		rc = 0;
	}
	/* a read error ends the pass: what the good prefix said stands, and the run reports it */
	return replay_source__rewind(src);
}

uint32_t owners__map_domain(const struct owners *o, uint32_t cpu, uint64_t ts_ns, uint64_t iova)
{
	uint64_t d;

	if (u64map_get(&o->map_dom, map_key(cpu, ts_ns, iova), &d))
		return (uint32_t)d;
	/* a record a scenario moved to another IOVA: by its CPU and time */
	if (u64map_get(&o->time_dom, time_key(cpu, ts_ns), &d) && d != OWN_AMBIGUOUS)
		return (uint32_t)d;
	return OWNERS_NONE;
}

/*
 * Linux flushes an ATS device's TLB with every domain- or page-selective
 * IOTLB flush of its domain, except a caching-mode flush after a map
 * (VT-d: iommu_flush_iotlb_psi -> iommu_flush_dev_iotlb, and the flush
 * queue's iommu_flush_iotlb_all; AMD: domain_flush_pages ->
 * device_flush_iotlb for each dev_data->ats.enabled). So a trace with such
 * flushes and no device-TLB invalidation at all says no device has ATS.
 */
bool owners__ats_known(const struct owners *o)
{
	return o->sid_ats.nr > 0 || o->dom_flushed;
}

bool owners__sid_ats(const struct owners *o, uint32_t sid)
{
	return u64map_get(&o->sid_ats, sid & 0xffff, NULL);
}

uint32_t owners__domain_sid(const struct owners *o, uint32_t domain)
{
	uint64_t s;

	return u64map_get(&o->dom_sid, domain, &s) ? (uint32_t)s : OWNERS_NONE;
}

uint32_t owners__domain_dev(const struct owners *o, uint32_t domain)
{
	uint64_t d;

	return u64map_get(&o->dom_dev, domain, &d) ? (uint32_t)d : OWNERS_NONE;
}

uint32_t owners__domain_unit(const struct owners *o, uint32_t domain)
{
	uint64_t u;

	return u64map_get(&o->dom_unit, domain, &u) ? (uint32_t)u : OWNERS_NONE;
}

uint32_t owners__nr_units(const struct owners *o)
{
	return o->nr_units;
}

uint32_t owners__unit_index(const struct owners *o, uint32_t unit)
{
	for (uint32_t i = 0; i < o->nr_units; i++)
		if (o->units[i] == unit)
			return i;
	return OWNERS_NONE;
}
