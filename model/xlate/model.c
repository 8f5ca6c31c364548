// SPDX-License-Identifier: GPL-2.0
/*
 * model.c - the translation model (assumptions in model.h).
 *
 * Hot path: model__access() -> per page: ATC (if ATS) -> IOTLB -> walk.
 * Everything else (PRI, maps, invalidations) is rare next to lookups and
 * written for clarity.
 */
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/xlate/iotlb.h"
#include "model/xlate/model.h"
#include "lib/prng.h"
#include "model/sim.h"
#include "lib/heap.h"
#include "lib/hist.h"
#include "lib/series.h"
#include "model/metric_keys.h"
#include "lib/u64map.h"
#include "model/xlate/stale.h"
#include "model/xlate/walk.h"
#include "model/xlate/xlate-local.h"

#define SERIES_MAX 4096 /* windows before the window doubles */
#define BASE_PAGE_BYTES                                                                            \
	4096ull /* x86 PAGE_SIZE: pin counts and VT-d address masks are in these                   \
		 */

/* The model's time series, one grid (lib/series.h). */
enum { S_LIVE, S_PINNED, S_FAULTS, S_INVAL, S_MISS, S_NR_ };

/*
 * Where a translation's latency went (xlate.part.*_ns): every recorded
 * latency is split into these parts along the path that produced it, so
 * the parts of a run sum to xlate.latency_ns@sum exactly.
 */
enum xpart {
	XP_HIT,		   /* ATC / IOTLB lookups */
	XP_INFLIGHT,	   /* waiting for a translation (walk, ATS) already in flight */
	XP_INFLIGHT_FAULT, /* waiting for a page fault already in flight (its PRI round trip) */
	XP_WALK_QUEUE,	   /* waiting for a free walker */
	XP_WALK_MEM,	   /* the walk: walk.fixed_ns + memory reads */
	XP_ATS,		   /* ATS request and completion crossing PCIe */
	XP_PRI_REQUEST,	   /* page request crossing PCIe, waiting for a device PRI slot */
	XP_PRI_THREAD,	   /* PRQ: page-request thread wakeup, queue and work */
	XP_PRI_HANDLER,	   /* waiting for the group's last request and a fault handler */
	XP_FAULT,	   /* fault service (the group's faults, one handler) */
	XP_PRI_RESPONSE,   /* page group response crossing PCIe */
	XP_RETRY,	   /* device retry delay after a response; PRQ-overflow retries */
	XP_NR_,
};

static const char *const xpart_keys[XP_NR_] = {
    [XP_HIT] = KEY_XPART_HIT,
    [XP_INFLIGHT] = KEY_XPART_INFLIGHT,
    [XP_INFLIGHT_FAULT] = KEY_XPART_INFLIGHT_FAULT,
    [XP_WALK_QUEUE] = KEY_XPART_WALK_QUEUE,
    [XP_WALK_MEM] = KEY_XPART_WALK_MEM,
    [XP_ATS] = KEY_XPART_ATS,
    [XP_PRI_REQUEST] = KEY_XPART_PRI_REQUEST,
    [XP_PRI_THREAD] = KEY_XPART_PRI_THREAD,
    [XP_PRI_HANDLER] = KEY_XPART_PRI_HANDLER,
    [XP_FAULT] = KEY_XPART_FAULT,
    [XP_PRI_RESPONSE] = KEY_XPART_PRI_RESPONSE,
    [XP_RETRY] = KEY_XPART_RETRY,
};

/* One translation's parts, ns. */
struct xparts {
	uint64_t ns[XP_NR_];
};

struct mdev {
	struct iotlb *atc;    /* device TLB, NULL until first use */
	struct heap pri_out;  /* completion times (heap_time) of outstanding page requests */
	uint32_t nr_pri_open; /* outstanding requests waiting in open groups (no completion yet) */
	uint32_t domain;      /* domain of its latest translation through the ATC */
};

/* One page request accepted into the PRQ, waiting for its group's response. */
struct pri_member {
	uint64_t t0_ns;	       /* device's first translation attempt (latency start) */
	uint64_t arrive_ns;    /* the page-request thread queued it (PRQ slot freed) */
	uint64_t service_ns;   /* fault service drawn for it */
	struct xparts parts;   /* its latency from t0_ns to arrive_ns, by part */
	uint64_t addr;	       /* page */
	struct model_access a; /* device, source id, domain, PASID of the request */
};

/* A page request group (PCIe PRG) whose last request has not arrived yet. */
struct pri_group {
	uint32_t dev;	      /* device index */
	uint32_t pasid;	      /* PASID (0 when none) */
	uint32_t grpid;	      /* PRG index */
	uint32_t nr, cap;     /* members used, allocated */
	struct pri_member *v; /* members in arrival order */
};

/* How a page request is grouped: NULL = a group of its own (model-generated faults). */
struct pri_tag {
	uint32_t grpid; /* PRG index */
	bool last;	/* last request of the group */
};

/* A lookup waiting for a translation whose completion is not known yet (open PRI group). */
struct pend_waiter {
	uint64_t key;  /* pend_key of the translation */
	uint64_t t_ns; /* when the lookup happened */
};

#define PEND_OPEN UINT64_MAX	/* in flight, completion not known yet (open PRI group) */
#define PEND_FAULT (1ull << 62) /* value flag: the translation in flight is a page fault's */

#define QC_MAPS                                                                                    \
	64 /* recent maps per CPU that a caching-mode flush may follow (a 16-map scatterlist then  \
	      one flush) */

/* Per CPU: its current qi_submit_sync run and what it last did (map or unmap). */
struct qcpu {
	uint64_t run_ns;  /* time of the current run of trace descriptors */
	bool run_open;	  /* a run was seen */
	bool unmap_path;  /* the CPU's last map/unmap was an unmap: its waits are the unmap's */
	bool since_wait;  /* a trace invalidation came since this CPU's last traced inv_wait */
	bool since_cm;	  /* ... and every one was a caching-mode flush (the wait is the map's) */
	uint32_t nr_maps; /* maps[] used */
	struct {
		uint64_t iova, bytes; /* a map not yet followed by its flush */
	} maps[QC_MAPS];
};

/*
 * One domain's flush queue (Linux 6.1 dma-iommu.c: the cookie's per-CPU
 * iova_fq rings of IOVA_FQ_SIZE and one fq_timer per domain).
 */
struct fq {
	uint32_t domain;   /* domain id */
	bool timer_on;	   /* fq_timer armed (cookie->fq_timer_on) */
	uint64_t nr;	   /* entries queued over all CPUs */
	uint32_t *nr_cpu;  /* entries queued per CPU ring, MODEL_MAX_CPUS */
	uint32_t *gen_cpu; /* per CPU ring: times it was freed (held-page generations) */
	uint32_t gen;	   /* times the timer freed every ring */
};

/* One IOMMU unit (a DMAR unit): its own IOTLB, walk caches and walkers (VT-d 3.1, 6.2). */
struct xunit {
	struct iotlb *iotlb;   /* the unit's IOTLB */
	struct pwalk *pw;      /* its paging-structure, context and PASID caches */
	struct walkq *walkers; /* its walker pool */
	bool ctx_memo;	       /* ctx_* hold the last lookup's context (unit_ctx()) */
	uint32_t ctx_domain;   /* ... its domain */
	uint32_t ctx_pasid;    /* ... its PASID */
	uint32_t ctx;	       /* ... its IOTLB context index */
};

struct model_stats {
	uint64_t nr_accesses; /* model__access calls */
	uint64_t nr_pages;    /* page lookups */
	uint64_t bytes;	      /* bytes accessed */
	uint64_t nr_writes;   /* write accesses */
	uint64_t atc_lookups, atc_hits, atc_misses;
	uint64_t ats_requests;	    /* translation requests sent to the IOMMU */
	uint64_t ats_inval;	    /* ATS invalidation requests sent to devices */
	uint64_t atc_inval_entries; /* ATC entries dropped */
	uint64_t pri_requests, pri_responses, pri_dropped, pri_retries, pri_failed;
	uint64_t pri_answered;	       /* requests covered by a page group response */
	uint64_t pri_trace_requests;   /* page requests taken from the trace (model__page_req) */
	uint64_t pri_trace_writes;     /* of which asked for write access */
	uint64_t pri_open_closed;      /* groups without a last request closed by model__finish */
	uint64_t pri_stalled;	       /* requests that waited for a device slot */
	uint64_t pri_minor, pri_major; /* faults served */
	uint64_t pri_max_prq;	       /* PRQ occupancy high-water mark */
	uint64_t pri_latency_ns;       /* sum: first ATS request to final translation */
	uint64_t pri_service_ns;     /* sum: OS fault service time (CPU spent in handle_mm_fault) */
	uint64_t pri_resp_cpu_ns;    /* sum: page group responses' qi_submit_sync waits */
	uint64_t pri_thread_wait_ns; /* sum: requests waiting for the page-request thread */
	uint64_t faults_unrecoverable; /* non-present without ATS/PRI */
	uint64_t first_touch_resident; /* faulting: pages found resident at first touch */
	uint64_t absorbed_pages;       /* access pages translated by their trace page request */
	uint64_t
	    use_after_unmap;	/* translations served for an unmapped, not yet invalidated IOVA */
	uint64_t pending_waits; /* lookups that waited for a translation already in flight */
	uint64_t iotlb_merged;	/* of which IOTLB lookups (no ATS) merged into a walk in flight */
	uint64_t pending_wait_ns; /* sum of those waits */
	uint64_t nr_maps, map_pages, map_bytes;
	uint64_t nr_unmaps, unmap_done, unmap_partial, unmap_unmatched;
	uint64_t live_maps, live_bytes, peak_live_bytes;
	uint64_t pin_pages, unpin_pages, pinned_pages, peak_pinned_pages;
	uint64_t pin_cpu_ns, map_cpu_ns, unmap_cpu_ns;
	uint64_t inval_by_type[MODEL_QI_NR_TYPES_]; /* descriptors per type */
	uint64_t inval_count;	/* invalidation descriptors (all invalidation types) */
	uint64_t inval_flushes; /* lazy flush-queue flushes */
	uint64_t inval_fq_full, inval_fq_timeout; /* why they flushed */
	uint64_t inval_wait_ns;			  /* CPU time waiting for invalidations */
	uint64_t inval_sync_waits;		  /* synchronous waits (qi_submit_sync calls) */
	uint64_t unmap_inval_wait_ns;		  /* of inval_wait_ns: waits on the unmap path */
	uint64_t map_inval_wait_ns; /* of inval_wait_ns: caching-mode flushes after maps */
	uint64_t cm_flushes;	    /* trace flushes recognised as caching-mode (after a map) */
	uint64_t cm_dropped;	    /* of which dropped (iommu.caching_mode=off) */
	uint64_t inval_from_trace;  /* descriptors applied from the trace */
	uint64_t lat_nr, lat_sum, lat_min, lat_max; /* translation latency */
	uint64_t part_ns[XP_NR_];		    /* lat_sum by part (enum xpart) */
};

struct model {
	struct model_cfg cfg;	/* copy of the validated config */
	struct sim *sim;	/* events: flush timeouts */
	struct prng prng;	/* PRNG state (stream PRNG_STREAM_XLATE) */
	unsigned int psz;	/* enum iotlb_psz of pt.page_bytes */
	uint64_t page_mask;	/* page_bytes - 1 */
	struct xunit *units;	/* IOMMU units (DMAR units), MODEL_MAX_UNITS; [0] made at new */
	uint32_t nr_units;	/* highest made + 1 */
	uint8_t *dev_unit;	/* per device: its unit index (model__set_dev_unit) */
	struct walkq *handlers; /* iopf handlers, made at the first fault (CPUs known by then) */
	uint32_t nr_handlers;	/* their number */
	uint64_t prq_thread_free_ns; /* the page-request thread is busy until then */
	uint32_t max_cpu;	     /* highest CPU number seen (host.cpus fallback) */
	uint32_t
	    *sva_pasid;	   /* faulting: per device, the PASID its SVA accesses use (0: none seen) */
	struct heap prq;   /* start times (heap_time) of requests waiting in the PRQ */
	struct mdev *devs; /* MODEL_MAX_DEVS slots */
	uint8_t *no_ats;   /* per device: the caller said it has no ATS */
	uint32_t nr_devs;  /* highest used index + 1 */
	struct u64map resident;		/* faulting: present pages */
	struct pri_group *groups;	/* open page request groups */
	uint32_t nr_groups, cap_groups; /* used, allocated */
	uint64_t pri_open;		/* requests in open groups */
	struct u64map absorb;		/* trace page requests at absorb_ns: resident key -> dev */
	struct u64map at_touch;		/* at_touch page requests not yet touched: resident key */
	struct u64map pend;	 /* translations in flight: pend_key -> completion (PEND_OPEN) */
	uint64_t pend_prune_at;	 /* prune expired entries when pend holds this many */
	struct u64map leaf_busy; /* walk.leaf_serial: leaf_key -> end of its last walk */
	uint64_t leaf_prune_at;	 /* prune ended entries when leaf_busy holds this many */
	struct pend_waiter *waiters; /* lookups waiting on a translation in an open PRI group */
	uint32_t nr_waiters, cap_waiters; /* used, allocated */
	uint64_t absorb_ns;		  /* time of the entries in absorb */
	struct u64map maps;		  /* live maps: (domain, iova) -> bytes */
	struct stale stale;	  /* unmapped pages some cache may still hold (use after unmap) */
	struct fq *fqs;		  /* per-domain flush queues */
	uint32_t nr_fqs, cap_fqs; /* used, allocated */
	struct u64map fq_of;	  /* domain -> index in fqs */
	struct u64map held;    /* lazy: xlate_map_key(domain, page) -> HELD_* of its queued unmap */
	struct qcpu *qcpu;     /* per-CPU descriptor runs and recent maps */
	bool cm_seen;	       /* the trace flushed after a map (CAP.CM=1 in the traced system) */
	bool trace_inv_wait;   /* the trace shows inv_wait descriptors: they are the waits */
	uint32_t inval_src;    /* effective enum model_inval_source */
	bool finished;	       /* model__finish ran */
	uint64_t last_ns;      /* latest time seen */
	uint64_t sim_due_ns;   /* time of sim's next event (UINT64_MAX: none): one compare per
				* model__advance() instead of two calls into sim */
	bool series_started;   /* series__start() was called (later calls change nothing) */
	struct model_stats st; /* counters */
	uint64_t lat_hist[HIST_BUCKETS]; /* translation latency */
	struct series *series;		 /* time series, origin = first time seen */
	int sid[S_NR_];			 /* series ids by S_* */
};

static void stale_check_(struct model *m, const struct model_access *a, uint64_t addr, bool atc,
			 bool hit);

/* Is @addr of @a a use after unmap? Only worth a call when some page is stale. */
static inline void stale_check(struct model *m, const struct model_access *a, uint64_t addr,
			       bool atc, bool hit)
{
	if (!stale_empty(&m->stale))
		stale_check_(m, a, addr, atc, hit);
}
static const struct model_access *sva_access(struct model *m, const struct model_access *a,
					     struct model_access *tmp);

static const char *const qi_names[MODEL_QI_NR_TYPES_] = {
    [MODEL_QI_CC_INV] = "cc_inv",
    [MODEL_QI_IOTLB_INV] = "iotlb_inv",
    [MODEL_QI_DEV_TLB_INV] = "dev_tlb_inv",
    [MODEL_QI_IEC_INV] = "iec_inv",
    [MODEL_QI_INV_WAIT] = "inv_wait",
    [MODEL_QI_P_IOTLB_INV] = "p_iotlb_inv",
    [MODEL_QI_PC_INV] = "pc_inv",
    [MODEL_QI_P_DEV_TLB_INV] = "p_dev_tlb_inv",
    [MODEL_QI_PAGE_GRP_RESP] = "page_grp_resp",
};

const char *model_qi_type_name(uint32_t type)
{
	static const char *const other[] = {"type_0",  "type_10", "type_11", "type_12",
					    "type_13", "type_14", "type_15"};

	if (type < MODEL_QI_NR_TYPES_ && qi_names[type])
		return qi_names[type];
	return type == 0 ? other[0] : type >= 10 && type < 16 ? other[type - 9] : "type_other";
}

static bool is_inval_type(uint32_t type)
{
	return type != MODEL_QI_INV_WAIT && type != MODEL_QI_PAGE_GRP_RESP && type != 0 &&
	       type < MODEL_QI_NR_TYPES_;
}

/* ---------------------------------------------------------------- series */

static const struct {
	const char *key;       /* metric key */
	enum series_kind kind; /* how windows combine */
} series_defs[S_NR_] = {
    [S_LIVE] = {"map.live_bytes", SERIES_LEVEL}, [S_PINNED] = {"pin.pinned_bytes", SERIES_LEVEL},
    [S_FAULTS] = {KEY_PRI_REQUESTS, SERIES_SUM}, [S_INVAL] = {KEY_INVAL_COUNT, SERIES_SUM},
    [S_MISS] = {KEY_IOTLB_MISSES, SERIES_SUM},
};

static void series_add(struct model *m, int which, uint64_t t_ns, double v)
{
	series__add(m->series, m->sid[which], t_ns, v);
}

static int series_setup(struct model *m)
{
	/* a replay passes its run's grid: one time axis for both models */
	m->series = m->cfg.series_grid ? series__new_on(m->cfg.series_grid)
				       : series__new(m->cfg.series_window_ns, SERIES_MAX);
	if (!m->series)
		return -errno;
	for (int i = 0; i < S_NR_; i++)
		if ((m->sid[i] =
			 series__define(m->series, series_defs[i].key, series_defs[i].kind)) < 0)
			return m->sid[i];
	return 0;
}

/* ---------------------------------------------------------------- setup */

static struct iotlb *mk_tlb(uint32_t entries, uint32_t ways, uint32_t policy, uint64_t seed,
			    uint32_t index)
{
	struct iotlb_geom g = {
	    .entries = entries,
	    .ways = ways,
	    .policy = iotlb_policy_by_index(policy),
	    .seed = seed,
	    .index = index,
	};

	return iotlb__new(&g);
}

/*
 * Unit @i (made at first use; iommu.units > 0 caps the index: units beyond
 * share the last). NULL only without memory. Every unit's IOTLB draws from
 * its own PRNG stream; unit 0's is the one a single-unit model always had.
 */
static struct xunit *unit_get(struct model *m, uint32_t i)
{
	struct xunit *u;

	if (m->cfg.iommu_units && i >= m->cfg.iommu_units)
		i = m->cfg.iommu_units - 1;
	if (i >= MODEL_MAX_UNITS)
		i = MODEL_MAX_UNITS - 1;
	u = &m->units[i];
	if (u->iotlb)
		return u;
	u->iotlb = mk_tlb(m->cfg.iotlb_entries, m->cfg.iotlb_ways, m->cfg.iotlb_policy,
			  i ? prng_derive(prng_derive(m->cfg.seed, PRNG_STREAM_XLATE_IOTLB), i)
			    : prng_derive(m->cfg.seed, PRNG_STREAM_XLATE_IOTLB),
			  m->cfg.set_index);
	u->pw = pwalk__new(&m->cfg);
	u->walkers = walkq__new(m->cfg.walkers);
	if (!u->iotlb || !u->pw || !u->walkers) {
		iotlb__free(u->iotlb);
		pwalk__free(u->pw);
		walkq__free(u->walkers);
		*u = (struct xunit){0};
		return NULL;
	}
	if (i + 1 > m->nr_units)
		m->nr_units = i + 1;
	return u;
}

/* The unit that translates for @a's device. */
static struct xunit *unit_of(struct model *m, const struct model_access *a)
{
	uint32_t i = m->dev_unit[a->dev < MODEL_MAX_DEVS ? a->dev : MODEL_MAX_DEVS - 1];
	struct xunit *u = i ? unit_get(m, i) : NULL;

	return u ? u : &m->units[0];
}

struct model *model__new(const struct model_cfg *cfg)
{
	char err[256];
	struct model *m;

	if (model_cfg_check(cfg, err, sizeof(err))) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->trace_inv_wait = cfg->trace_waits == MODEL_TW_WAIT; /* the waits are the trace's */
	prng_seed(&m->prng, prng_derive(cfg->seed, PRNG_STREAM_XLATE));
	m->psz = cfg->page_bytes == 4096	 ? IOTLB_PSZ_4K
		 : cfg->page_bytes == (2u << 20) ? IOTLB_PSZ_2M
						 : IOTLB_PSZ_1G;
	m->page_mask = cfg->page_bytes - 1;
	m->inval_src =
	    cfg->inval_source == MODEL_INVSRC_TRACE ? MODEL_INVSRC_TRACE : MODEL_INVSRC_MODEL;
	m->sim = sim__new();
	m->units = calloc(MODEL_MAX_UNITS, sizeof(*m->units));
	m->dev_unit = calloc(MODEL_MAX_DEVS, sizeof(*m->dev_unit));
	m->prq = HEAP_INIT(struct heap_time);
	m->devs = calloc(MODEL_MAX_DEVS, sizeof(*m->devs));
	m->qcpu = calloc(MODEL_MAX_CPUS, sizeof(*m->qcpu));
	m->sva_pasid = calloc(MODEL_MAX_DEVS, sizeof(*m->sva_pasid));
	m->no_ats = calloc(MODEL_MAX_DEVS, sizeof(*m->no_ats));
	if (!m->no_ats || !m->sim || !m->units || !m->dev_unit || !unit_get(m, 0) ||
	    heap__reserve(&m->prq, cfg->prq_entries) || !m->devs || !m->qcpu || !m->sva_pasid ||
	    u64map_init(&m->fq_of) || u64map_init(&m->resident) || u64map_init(&m->maps) ||
	    u64map_init(&m->absorb) || u64map_init(&m->pend) || stale_init(&m->stale) ||
	    u64map_init(&m->held) || u64map_init(&m->at_touch) || u64map_init(&m->leaf_busy) ||
	    series_setup(m)) {
		model__free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->st.lat_min = UINT64_MAX;
	m->pend_prune_at = 1024;
	m->leaf_prune_at = 1024;
	m->sim_due_ns = UINT64_MAX;
	return m;
}

void model__free(struct model *m)
{
	if (!m)
		return;
	if (m->devs) {
		for (uint32_t i = 0; i < m->nr_devs; i++) {
			iotlb__free(m->devs[i].atc);
			heap__release(&m->devs[i].pri_out);
		}
	}
	free(m->devs);
	for (uint32_t i = 0; i < m->nr_fqs; i++) {
		free(m->fqs[i].nr_cpu);
		free(m->fqs[i].gen_cpu);
	}
	u64map_fini(&m->held);
	u64map_fini(&m->at_touch);
	free(m->fqs);
	u64map_fini(&m->fq_of);
	free(m->qcpu);
	free(m->sva_pasid);
	free(m->no_ats);
	heap__release(&m->prq);
	u64map_fini(&m->resident);
	u64map_fini(&m->maps);
	u64map_fini(&m->absorb);
	u64map_fini(&m->pend);
	u64map_fini(&m->leaf_busy);
	stale_fini(&m->stale);
	free(m->waiters);
	for (uint32_t i = 0; i < m->nr_groups; i++)
		free(m->groups[i].v);
	free(m->groups);
	for (uint32_t i = 0; m->units && i < m->nr_units; i++) {
		walkq__free(m->units[i].walkers);
		pwalk__free(m->units[i].pw);
		iotlb__free(m->units[i].iotlb);
	}
	free(m->units);
	free(m->dev_unit);
	walkq__free(m->handlers);
	sim__free(m->sim);
	series__free(m->series);
	free(m);
}

static struct mdev *dev_get(struct model *m, uint32_t dev)
{
	struct mdev *d;

	if (dev >= MODEL_MAX_DEVS)
		dev = MODEL_MAX_DEVS - 1;
	d = &m->devs[dev];
	if (!d->atc) {
		d->atc = mk_tlb(m->cfg.atc_entries, m->cfg.atc_ways, m->cfg.atc_policy,
				prng_derive(prng_derive(m->cfg.seed, PRNG_STREAM_XLATE_ATC), dev),
				m->cfg.set_index);
		d->pri_out = HEAP_INIT(struct heap_time);
		if (!d->atc || heap__reserve(&d->pri_out, m->cfg.pri_outstanding)) {
			iotlb__free(d->atc);
			heap__release(&d->pri_out);
			d->atc = NULL;
			return NULL;
		}
		if (dev + 1 > m->nr_devs)
			m->nr_devs = dev + 1;
	}
	return d;
}

/* ---------------------------------------------------------------- translation */

static void lat_hist_add(struct model *m, uint64_t lat)
{
	m->lat_hist[hist_bucket(lat)]++;
	m->st.lat_nr++;
	m->st.lat_sum += lat;
	if (lat < m->st.lat_min)
		m->st.lat_min = lat;
	if (lat > m->st.lat_max)
		m->st.lat_max = lat;
}

/* A translation of latency @lat, all of it one part. */
static void lat_record(struct model *m, uint64_t lat, enum xpart part)
{
	lat_hist_add(m, lat);
	m->st.part_ns[part] += lat;
}

/* A translation whose latency is the sum of @p. */
static void lat_record_parts(struct model *m, const struct xparts *p)
{
	uint64_t lat = 0;

	for (int i = 0; i < XP_NR_; i++) {
		lat += p->ns[i];
		m->st.part_ns[i] += p->ns[i];
	}
	lat_hist_add(m, lat);
}

/*
 * walk.leaf_serial: the key of the leaf page table a walk of @addr reads
 * (one per PDE for 4 KiB leaves: a 2 MiB region), per unit and address space.
 */
static uint64_t leaf_key(const struct model *m, const struct xunit *u, const struct model_access *a,
			 uint64_t addr)
{
	uint64_t x = (addr >> (12 + 9 * (m->psz + 1))) ^ (uint64_t)a->pasid << 40 ^
		     (uint64_t)a->domain * 0x9e3779b97f4a7c15ull ^
		     (uint64_t)(u - m->units) * 0xbf58476d1ce4e5b9ull;

	x ^= x >> 31;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 29;
	return x == U64MAP_EMPTY ? 0 : x;
}

/*
 * walk.leaf_serial (docs/calibration.md, Sandy Bridge): a walk that needs
 * the leaf table of a walk in flight asks for a walker only once that walk
 * ended (one miss in flight per paging-structure entry, as a cache's MSHR
 * holds one miss per line). Return: when the walk starts. Entries whose walk
 * ended are dropped once the table has grown (memory follows the walks in
 * flight); a failed insert only forgets one wait.
 */
static uint64_t leaf_serial_walk(struct model *m, struct xunit *u, const struct model_access *a,
				 uint64_t addr, uint64_t arrival, uint64_t service)
{
	uint64_t key = leaf_key(m, u, a, addr), busy, start;

	if (u64map_get(&m->leaf_busy, key, &busy) && busy > arrival)
		start = walkq__serve(u->walkers, busy, service);
	else
		start = walkq__serve(u->walkers, arrival, service);
	if (m->leaf_busy.nr >= m->leaf_prune_at) {
		for (uint64_t i = 0; i < m->leaf_busy.cap; i++)
			while (m->leaf_busy.slots[i].key != U64MAP_EMPTY &&
			       m->leaf_busy.slots[i].val <= arrival)
				u64map_del(&m->leaf_busy, m->leaf_busy.slots[i].key);
		m->leaf_prune_at = 2 * m->leaf_busy.nr > 1024 ? 2 * m->leaf_busy.nr : 1024;
	}
	(void)u64map_put(&m->leaf_busy, key, start + service);
	return start;
}

/*
 * After an IOTLB miss (the entry is filled) of a request at @t: the walk.
 * Return: when the walk starts (after the IOTLB lookup and any wait for a
 * walker); *@service_ns: how long it takes.
 */
static uint64_t iommu_walk(struct model *m, struct xunit *u, uint32_t ctx, uint64_t t,
			   const struct model_access *a, uint64_t addr, bool present, bool queue,
			   uint64_t *service_ns)
{
	uint64_t reads, service;

	stale_check(m, a, addr, false, false);
	series_add(m, S_MISS, t, 1);
	reads = pwalk__walk(u->pw, a->sid, a->domain, a->pasid, addr, m->psz);
	service =
	    m->cfg.walk_fixed_ns +
	    reads * (m->cfg.mem_read_ns + (m->cfg.pt_remote ? m->cfg.mem_remote_extra_ns : 0));
	*service_ns = service;
	if (!present)
		iotlb__drop(u->iotlb, ctx, addr, m->psz);
	if (!queue)
		return t + m->cfg.iotlb_hit_ns;
	if (m->cfg.walk_leaf_serial)
		return leaf_serial_walk(m, u, a, addr, t + m->cfg.iotlb_hit_ns, service);
	return walkq__serve(u->walkers, t + m->cfg.iotlb_hit_ns, service);
}

/*
 * iotlb__ctx() of @a's (domain, PASID) in unit @u, without the call when the
 * unit's last lookup had the same pair (nearly every lookup of a trace):
 * contexts are interned for good, so a remembered index stays right. The
 * aliased overflow context is not remembered, so iotlb__ctx() counts every
 * lookup that overflows, as before.
 */
static inline uint32_t unit_ctx(struct xunit *u, const struct model_access *a)
{
	if (u->ctx_memo && u->ctx_domain == a->domain && u->ctx_pasid == a->pasid)
		return u->ctx;
	u->ctx = iotlb__ctx(u->iotlb, a->domain, a->pasid);
	u->ctx_domain = a->domain;
	u->ctx_pasid = a->pasid;
	u->ctx_memo = u->ctx != IOTLB_MAX_CTX - 1;
	return u->ctx;
}

/*
 * The IOMMU translates @addr for a request arriving at @t. Returns when the
 * translation (or the "not present" answer) is ready. A non-present page's
 * entry is not kept in the IOTLB. @queue: the walk takes a walker from the
 * pool; retries after a fault happen far in the future of the stream being
 * replayed, and reserving a walker then would block every walk before it,
 * so those are not queued (their walk still counts reads).
 */
static uint64_t iommu_xlate_q(struct model *m, uint64_t t, const struct model_access *a,
			      uint64_t addr, bool present, bool queue, struct xparts *p)
{
	struct xunit *u = unit_of(m, a);
	uint32_t ctx = unit_ctx(u, a);
	uint64_t service, start;

	p->ns[XP_HIT] += m->cfg.iotlb_hit_ns;
	if (iotlb__access(u->iotlb, ctx, addr, m->psz)) {
		stale_check(m, a, addr, false, true);
		return t + m->cfg.iotlb_hit_ns;
	}
	start = iommu_walk(m, u, ctx, t, a, addr, present, queue, &service);
	p->ns[XP_WALK_QUEUE] += start - (t + m->cfg.iotlb_hit_ns);
	p->ns[XP_WALK_MEM] += service;
	return start + service;
}

/*
 * iommu_xlate() of a present page and lat_record_parts() of its parts, for
 * the lookup with no ATS in front: the same counts, with no parts array to
 * clear per lookup (its clearing was 44% of xlate_page on the issue-16
 * stream). Return: when the translation is ready.
 */
static uint64_t iommu_xlate_rec(struct model *m, uint64_t t, const struct model_access *a,
				uint64_t addr)
{
	struct xunit *u = unit_of(m, a);
	uint32_t ctx = unit_ctx(u, a);
	uint64_t hit = m->cfg.iotlb_hit_ns, service, start;

	if (iotlb__access(u->iotlb, ctx, addr, m->psz)) {
		stale_check(m, a, addr, false, true);
		lat_record(m, hit, XP_HIT);
		return t + hit;
	}
	start = iommu_walk(m, u, ctx, t, a, addr, true, true, &service);
	m->st.part_ns[XP_HIT] += hit;
	m->st.part_ns[XP_WALK_QUEUE] += start - (t + hit);
	m->st.part_ns[XP_WALK_MEM] += service;
	lat_hist_add(m, start + service - t);
	return start + service;
}

static uint64_t iommu_xlate(struct model *m, uint64_t t, const struct model_access *a,
			    uint64_t addr, bool present, struct xparts *p)
{
	return iommu_xlate_q(m, t, a, addr, present, true, p);
}

static uint64_t resident_key(const struct model_access *a, uint64_t addr, unsigned int psz)
{
	/* (PASID, page): the CPU page table is per process; VA bits above 56 dropped */
	return ((addr >> (12 + 9 * psz)) << 20 | (a->pasid & 0xfffff)) & ~(1ull << 63);
}

/*
 * Pending translations (the device's miss status holding registers): key of
 * (device, domain, PASID, page). A hash: two live keys colliding would make
 * one lookup wait for the other's translation, at 2^-64 odds per pair.
 */
static uint64_t pend_key(const struct model_access *a, uint64_t addr, unsigned int psz)
{
	uint64_t x = (addr >> (12 + 9 * psz)) ^ (uint64_t)a->dev << 44 ^ (uint64_t)a->pasid << 24 ^
		     (uint64_t)a->domain * 0x9e3779b97f4a7c15ull;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return x == U64MAP_EMPTY ? 0 : x;
}

/*
 * Drop completed entries once the table has grown (memory follows what is in
 * flight), in place: a copy of the live entries beside the old table was the
 * replay's peak memory (issue 16). A backward-shift deletion at slot i moves
 * only entries from later in its probe chain into i, so slot i is checked
 * again and no entry is skipped.
 */
static void pend_prune(struct model *m, uint64_t t)
{
	if (m->pend.nr < m->pend_prune_at)
		return;
	for (uint64_t i = 0; i < m->pend.cap; i++)
		while (m->pend.slots[i].key != U64MAP_EMPTY &&
		       (m->pend.slots[i].val & ~PEND_FAULT) <= t)
			u64map_del(&m->pend, m->pend.slots[i].key);
	m->pend_prune_at = 2 * m->pend.nr > 1024 ? 2 * m->pend.nr : 1024;
}

/* A translation for @a/@addr is in flight until @done_ns (PEND_OPEN: not known yet). */
static void pend_set(struct model *m, uint64_t t, const struct model_access *a, uint64_t addr,
		     uint64_t done_ns)
{
	if (done_ns <= t)
		return;
	pend_prune(m, t);
	u64map_put(&m->pend, pend_key(a, addr, m->psz), done_ns);
}

/*
 * A lookup at @t of a page whose translation is still in flight waits for
 * it: no second walk, no second page request. Return: true when it waited
 * (latency recorded now, or when its open PRI group is answered).
 */
static bool pend_wait(struct model *m, uint64_t t, const struct model_access *a, uint64_t addr)
{
	uint64_t key, done;
	bool fault;

	if (!m->pend.nr)
		return false;
	key = pend_key(a, addr, m->psz);
	if (!u64map_get(&m->pend, key, &done))
		return false;
	fault = done == PEND_OPEN || (done & PEND_FAULT);
	if (done != PEND_OPEN)
		done &= ~PEND_FAULT;
	if (done <= t) {
		u64map_del(&m->pend, key);
		return false;
	}
	m->st.pending_waits++;
	if (done != PEND_OPEN) {
		m->st.pending_wait_ns += done - t;
		lat_record(m, done - t, fault ? XP_INFLIGHT_FAULT : XP_INFLIGHT);
		return true;
	}
	if (m->nr_waiters == m->cap_waiters) {
		uint32_t cap = m->cap_waiters ? 2 * m->cap_waiters : 16;
		struct pend_waiter *w = realloc(m->waiters, cap * sizeof(*w));

		if (!w) {
			m->st.pending_waits--;
			return false; /* no memory: the lookup goes on as a miss of its own */
		}
		m->waiters = w;
		m->cap_waiters = cap;
	}
	m->waiters[m->nr_waiters++] = (struct pend_waiter){.key = key, .t_ns = t};
	return true;
}

/*
 * An invalidation: translations in flight may be of the invalidated range
 * (the table keeps only hashes), so later lookups translate afresh. Lookups
 * already waiting on an open PRI group still get its answer.
 */
static void pend_forget(struct model *m)
{
	if (m->pend.nr)
		u64map_clear(&m->pend);
}

/* The translation of @a/@addr completed at @done_ns: record the lookups that waited for it. */
static void pend_done(struct model *m, const struct model_access *a, uint64_t addr,
		      uint64_t done_ns)
{
	uint64_t key = pend_key(a, addr, m->psz);

	u64map_put(&m->pend, key, done_ns | PEND_FAULT);
	for (uint32_t i = 0; i < m->nr_waiters;) {
		struct pend_waiter *w = &m->waiters[i];

		if (w->key != key) {
			i++;
			continue;
		}
		m->st.pending_wait_ns += done_ns > w->t_ns ? done_ns - w->t_ns : 0;
		lat_record(m, done_ns > w->t_ns ? done_ns - w->t_ns : 0, XP_INFLIGHT_FAULT);
		*w = m->waiters[--m->nr_waiters];
	}
}

/* Faulting mode: is the page present now? First touch may find it resident. */
static bool page_present(struct model *m, const struct model_access *a, uint64_t addr)
{
	uint64_t key;

	if (m->cfg.mode != MODEL_MODE_FAULTING)
		return true;
	key = resident_key(a, addr, m->psz);
	if (u64map_get(&m->resident, key, NULL))
		return true;
	if (m->cfg.resident_fraction > 0 && prng_double(&m->prng) < m->cfg.resident_fraction) {
		m->st.first_touch_resident++;
		u64map_put(&m->resident, key, 0);
		return true;
	}
	return false;
}

static uint64_t draw_ns(struct model *m, uint64_t mean)
{
	switch (m->cfg.fault_dist) {
	case MODEL_DIST_EXP:
		return (uint64_t)llround(prng_exp(&m->prng, (double)mean));
	case MODEL_DIST_UNIFORM:
		return mean / 2 + prng_below(&m->prng, mean + 1);
	default:
		return mean;
	}
}

#define PRI_FAILED UINT64_MAX	     /* the device gave up (overflow retries used up) */
#define PRI_PENDING (UINT64_MAX - 1) /* in an open group: answered with its last request */

/*
 * Remember a completion time on @d's outstanding heap. It can only be full
 * when open groups held more requests than pri.outstanding (pri_fault lets
 * them through rather than deadlock); the earliest completion then goes.
 */
static void out_push(struct model *m, struct mdev *d, uint64_t t)
{
	if (d->pri_out.nr == m->cfg.pri_outstanding)
		heap__drop(&d->pri_out, struct heap_time);
	(void)heap__push_time(&d->pri_out, t); /* reserved: cannot fail */
}

static void prq_hold(struct model *m, uint64_t until_ns)
{
	(void)heap__push_time(&m->prq, until_ns); /* reserved: cannot fail */
	if (m->prq.nr > m->st.pri_max_prq)
		m->st.pri_max_prq = m->prq.nr;
}

/* The open group (@dev, @pasid, @grpid), or NULL (@add: a new one, NULL only without memory). */
static struct pri_group *group_get(struct model *m, uint32_t dev, uint32_t pasid, uint32_t grpid,
				   bool add)
{
	struct pri_group *g;

	for (uint32_t i = 0; i < m->nr_groups; i++) {
		g = &m->groups[i];
		if (g->dev == dev && g->pasid == pasid && g->grpid == grpid)
			return g;
	}
	if (!add)
		return NULL;
	if (m->nr_groups == m->cap_groups) {
		uint32_t cap = m->cap_groups ? 2 * m->cap_groups : 8;

		g = realloc(m->groups, cap * sizeof(*g));
		if (!g)
			return NULL;
		m->groups = g;
		m->cap_groups = cap;
	}
	g = &m->groups[m->nr_groups++];
	*g = (struct pri_group){.dev = dev, .pasid = pasid, .grpid = grpid};
	return g;
}

static int group_add(struct pri_group *g, const struct pri_member *x)
{
	if (g->nr == g->cap) {
		uint32_t cap = g->cap ? 2 * g->cap : 4;
		struct pri_member *v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->v = v;
		g->cap = cap;
	}
	g->v[g->nr++] = *x;
	return 0;
}

static void group_drop(struct model *m, struct pri_group *g)
{
	free(g->v);
	*g = m->groups[--m->nr_groups];
}

/*
 * Fault-handling concurrency: pri.handlers if set, else host.cpus, else the
 * highest CPU seen + 1 (Linux runs iopf work on an unbound workqueue whose
 * max_active is the CPU count: iopf_queue_alloc()).
 */
static struct walkq *handlers_get(struct model *m)
{
	if (!m->handlers) {
		m->nr_handlers = m->cfg.pri_handlers ? m->cfg.pri_handlers
				 : m->cfg.host_cpus  ? m->cfg.host_cpus
						     : m->max_cpu + 1;
		m->handlers = walkq__new(m->nr_handlers);
	}
	return m->handlers;
}

/*
 * Answer a complete group of @n requests whose last one the page-request
 * thread queued at @ready_ns: one handler serves the members' faults one
 * after another (Linux iopf_handler walks the group's fault list), then
 * sends one page group response (intel_svm_page_response: qi_submit_sync,
 * whose wait the handler's CPU spends), and each member's device retries
 * its ATS request.
 */
static void pri_answer(struct model *m, struct mdev *d, const struct pri_member *v, uint32_t n,
		       uint64_t ready_ns)
{
	uint64_t ow = m->cfg.pcie_one_way_ns, total = 0, pick, done;
	struct walkq *h = handlers_get(m);

	for (uint32_t i = 0; i < n; i++)
		total += v[i].service_ns;
	/* the handler is busy for the faults and the response's qi_submit_sync */
	pick = h ? walkq__serve(h, ready_ns, total + m->cfg.qi_wait_ns) : ready_ns;
	done = pick + total;
	m->st.pri_service_ns += total;
	m->st.pri_resp_cpu_ns += m->cfg.qi_wait_ns;
	m->st.pri_responses++;
	m->st.pri_answered += n;
	m->st.inval_by_type[MODEL_QI_PAGE_GRP_RESP]++;
	for (uint32_t i = 0; i < n; i++) {
		struct xparts p = v[i].parts;
		uint64_t t;

		out_push(m, d, done + ow);
		u64map_put(&m->resident, resident_key(&v[i].a, v[i].addr, m->psz), 0);
		/* response reaches the device; it retries ATS, which now walks a present page */
		p.ns[XP_PRI_HANDLER] += pick - v[i].arrive_ns;
		p.ns[XP_FAULT] += total;
		p.ns[XP_PRI_RESPONSE] += ow;
		p.ns[XP_RETRY] += m->cfg.pri_retry_ns;
		p.ns[XP_ATS] += 2 * ow;
		t = iommu_xlate_q(m, done + 2 * ow + m->cfg.pri_retry_ns, &v[i].a, v[i].addr, true,
				  false, &p) +
		    ow;
		m->st.pri_latency_ns += t - v[i].t0_ns;
		lat_record_parts(m, &p);
		pend_done(m, &v[i].a, v[i].addr, t);
	}
}

/*
 * PRI: the ATS request of a translation that started at @t0 for a
 * non-present page was answered "not present" at @t_resp (device side).
 * The device sends a page request (grouped per @tag; NULL: a group of its
 * own). @p0: the latency from @t0 to @t_resp by part. Return: 0 once
 * answered (latency recorded), PRI_PENDING while its group waits for its
 * last request, PRI_FAILED if the device gave up.
 */
static uint64_t pri_fault(struct model *m, struct mdev *d, uint64_t t0, uint64_t t_resp,
			  const struct model_access *a, uint64_t addr, const struct pri_tag *tag,
			  const struct xparts *p0)
{
	uint64_t ow = m->cfg.pcie_one_way_ns;
	struct xparts p = *p0; /* t0 .. t_resp */
	uint32_t tries = 0;

	for (;;) {
		uint64_t t_req = t_resp, arrive;
		struct pri_member x;
		struct pri_group *g;

		while (d->pri_out.nr && heap__top(&d->pri_out, struct heap_time)->time_ns <= t_req)
			heap__drop(&d->pri_out, struct heap_time);
		/* requests in open groups hold slots too; with none answered yet, nothing frees one
		 */
		if (d->pri_out.nr && d->pri_out.nr + d->nr_pri_open >= m->cfg.pri_outstanding) {
			t_req = heap__top(&d->pri_out, struct heap_time)->time_ns;
			heap__drop(&d->pri_out, struct heap_time);
			m->st.pri_stalled++;
		}
		p.ns[XP_PRI_REQUEST] += t_req - t_resp;
		arrive = t_req + ow;
		m->st.pri_requests++;
		series_add(m, S_FAULTS, t_req, 1);
		while (m->prq.nr && heap__top(&m->prq, struct heap_time)->time_ns <= arrive)
			heap__drop(&m->prq, struct heap_time);
		if (m->prq.nr >= m->cfg.prq_entries) {
			/* overflow: the IOMMU auto-responds; the device retries the ATS request */
			m->st.pri_dropped++;
			out_push(m, d, arrive + ow);
			if (tries++ >= m->cfg.pri_max_retries) {
				m->st.pri_failed++;
				return PRI_FAILED;
			}
			m->st.pri_retries++;
			{
				struct xparts scratch = {0};

				/* the whole overflow round trip is the retry's */
				t_resp = iommu_xlate_q(m, arrive + 2 * ow + m->cfg.pri_retry_ns, a,
						       addr, false, false, &scratch) +
					 ow;
			}
			p.ns[XP_RETRY] += t_resp - t_req;
			continue;
		}
		/*
		 * The page-request thread (Linux prq_event_thread) drains the PRQ one
		 * request at a time into software lists: a request's slot frees when
		 * the thread is done with it; an idle thread first needs the
		 * interrupt and wakeup (pri.dispatch_ns).
		 */
		{
			uint64_t start = m->prq_thread_free_ns > arrive
					     ? m->prq_thread_free_ns
					     : arrive + m->cfg.pri_dispatch_ns;

			m->st.pri_thread_wait_ns += start - arrive;
			m->prq_thread_free_ns = start + m->cfg.pri_thread_ns;
			prq_hold(m, m->prq_thread_free_ns);
		}
		p.ns[XP_PRI_REQUEST] += ow;
		p.ns[XP_PRI_THREAD] += m->prq_thread_free_ns - arrive;
		x = (struct pri_member){.t0_ns = t0,
					.arrive_ns = m->prq_thread_free_ns,
					.parts = p,
					.addr = addr,
					.a = *a};
		if (prng_double(&m->prng) < m->cfg.fault_major_fraction) {
			x.service_ns = draw_ns(m, m->cfg.fault_major_ns);
			m->st.pri_major++;
		} else {
			x.service_ns = draw_ns(m, m->cfg.fault_minor_ns);
			m->st.pri_minor++;
		}
		g = tag ? group_get(m, (uint32_t)(d - m->devs), a->pasid, tag->grpid, !tag->last)
			: NULL;
		if (!g) {
			/* a group of one (or the memory for an open group ran out) */
			pri_answer(m, d, &x, 1, x.arrive_ns);
			return 0;
		}
		if (group_add(g, &x)) {
			if (!g->nr)
				group_drop(m, g);
			pri_answer(m, d, &x, 1, x.arrive_ns);
			return 0;
		}
		if (!tag->last) {
			/* the thread moved it to the group's partial list (iommu_queue_iopf) */
			d->nr_pri_open++;
			m->pri_open++;
			return PRI_PENDING;
		}
		d->nr_pri_open -= g->nr - 1;
		m->pri_open -= g->nr - 1;
		pri_answer(m, d, g->v, g->nr, x.arrive_ns);
		group_drop(m, g);
		return 0;
	}
}

/*
 * Translate one page for @a at @t. @tag: a page request from the trace (the
 * traced device found the page not present): the translation faults
 * whatever the residency says, grouped per @tag; NULL: the model decides.
 */
static void xlate_page(struct model *m, uint64_t t, const struct model_access *a, uint64_t addr,
		       const struct pri_tag *tag)
{
	uint64_t done;

	if (tag) {
		/* the traced IOMMU had no present translation: a stale cached one (a reclaim this
		 * model did not see) goes */
		struct iotlb *tlb = unit_of(m, a)->iotlb;

		iotlb__drop(tlb, iotlb__ctx(tlb, a->domain, a->pasid), addr, m->psz);
	}
	if (m->cfg.ats && !m->no_ats[a->dev < MODEL_MAX_DEVS ? a->dev : MODEL_MAX_DEVS - 1]) {
		struct mdev *d = dev_get(m, a->dev);
		struct xparts p = {0};
		uint32_t ctx;

		if (!d)
			return;
		d->domain = a->domain;
		ctx = iotlb__ctx(d->atc, 0, a->pasid);
		m->st.atc_lookups++;
		if (tag)
			iotlb__drop(d->atc, ctx, addr, m->psz);
		else if (pend_wait(m, t, a, addr)) {
			/* the entry fills when the translation in flight completes: until then a
			 * miss */
			m->st.atc_misses++;
			return;
		}
		if (iotlb__access(d->atc, ctx, addr, m->psz)) {
			stale_check(m, a, addr, true, true);
			m->st.atc_hits++;
			lat_record(m, m->cfg.atc_hit_ns, XP_HIT);
			return;
		}
		m->st.atc_misses++;
		m->st.ats_requests++;
		p.ns[XP_HIT] = m->cfg.atc_hit_ns;
		p.ns[XP_ATS] = 2 * m->cfg.pcie_one_way_ns;
		if (!tag && page_present(m, a, addr)) {
			done = iommu_xlate(m, t + m->cfg.atc_hit_ns + m->cfg.pcie_one_way_ns, a,
					   addr, true, &p) +
			       m->cfg.pcie_one_way_ns;
			lat_record_parts(m, &p);
			pend_set(m, t, a, addr, done);
		} else {
			uint64_t t_resp =
			    iommu_xlate(m, t + m->cfg.atc_hit_ns + m->cfg.pcie_one_way_ns, a, addr,
					false, &p) +
			    m->cfg.pcie_one_way_ns;
			uint64_t r = pri_fault(m, d, t, t_resp, a, addr, tag, &p);

			if (r == PRI_FAILED)
				iotlb__drop(d->atc, ctx, addr, m->psz);
			else if (r == PRI_PENDING)
				pend_set(m, t, a, addr, PEND_OPEN);
		}
		return;
	}
	if (tag || !page_present(m, a, addr)) {
		/* no ATS, no PRI: a DMA fault the device cannot recover from */
		struct xparts p = {0};

		m->st.faults_unrecoverable++;
		iommu_xlate(m, t, a, addr, false, &p);
		return;
	}
	if (pend_wait(m, t, a, addr)) {
		m->st.iotlb_merged++; /* a secondary miss: the walk in flight answers it */
		return;
	}
	done = iommu_xlate_rec(m, t, a, addr);
	if (done > t + m->cfg.iotlb_hit_ns)
		pend_set(m, t, a, addr, done); /* a walk: later lookups wait for its fill */
}

uint64_t model__fault_probe(struct model *m, const struct model_access *a)
{
	uint64_t first = a->iova & ~m->page_mask, end = a->iova + (a->bytes ? a->bytes : 1);

	if (m->cfg.mode != MODEL_MODE_FAULTING)
		return UINT64_MAX;
	for (uint64_t p = first; p < end; p += m->page_mask + 1) {
		if (page_present(m, a, p))
			continue;
		u64map_put(&m->resident, resident_key(a, p, m->psz), 0);
		return p > a->iova ? p - a->iova : 0;
	}
	return UINT64_MAX;
}

uint64_t model__latency_sum_ns(const struct model *m)
{
	return m->st.lat_sum;
}

/*
 * A trace page request at @t stands for the device access that faulted. An
 * access to the same page by the same device at the same time is that
 * access (a trace that carries both, like faulting:prq=trace): it is
 * counted but not translated again.
 */
static void absorb_note(struct model *m, uint64_t t, const struct model_access *a, uint64_t addr)
{
	if (m->absorb.nr && m->absorb_ns != t)
		u64map_clear(&m->absorb);
	m->absorb_ns = t;
	u64map_put(&m->absorb, resident_key(a, addr, m->psz), a->dev);
}

static bool absorbed(struct model *m, const struct model_access *a, uint64_t addr)
{
	uint64_t key = resident_key(a, addr, m->psz), dev;

	if (!u64map_get(&m->absorb, key, &dev) || dev != a->dev)
		return false;
	u64map_del(&m->absorb, key);
	m->st.absorbed_pages++;
	return true;
}

/* The model was told something at @t_ns: the run lasts at least until then. */
static void note_time(struct model *m, uint64_t t_ns)
{
	if (t_ns > m->last_ns)
		m->last_ns = t_ns;
}

/* ... by a call on @cpu: also the highest CPU seen (host.cpus fallback). */
static void note_call(struct model *m, uint64_t t_ns, uint32_t cpu)
{
	note_time(m, t_ns);
	if (cpu < MODEL_MAX_CPUS && cpu > m->max_cpu)
		m->max_cpu = cpu;
}

void model__page_req(struct model *m, uint64_t t_ns, const struct model_page_req *r)
{
	struct model_access a = {
	    .iova = r->addr,
	    .bytes = 1,
	    .dev = r->dev,
	    .sid = r->sid,
	    .domain = r->domain,
	    .pasid = r->pasid,
	    .write = r->write,
	};
	struct pri_tag tag = {.grpid = r->grpid, .last = r->last};
	uint64_t addr = r->addr & ~m->page_mask;

	note_time(m, t_ns);
	m->st.pri_trace_requests++;
	m->st.pri_trace_writes += r->write;
	if (r->at_touch && m->cfg.mode == MODEL_MODE_FAULTING) {
		/* the page is not present: its next touch faults (model__access); one each */
		struct model_access tmp;
		uint64_t key = resident_key(sva_access(m, &a, &tmp), addr, m->psz), n = 0;

		(void)u64map_get(&m->at_touch, key, &n);
		(void)u64map_put(&m->at_touch, key, n + 1);
		return;
	}
	absorb_note(m, t_ns, &a, addr);
	/* pinned mode: the page would be pinned, hence present: a plain translation */
	xlate_page(m, t_ns, &a, addr, m->cfg.mode == MODEL_MODE_FAULTING ? &tag : NULL);
}

/*
 * Faulting (SVA) mode: a device works in its process's PASID; an access
 * without one (0: a map's expansion, a RID-only record) uses the device's
 * (the first PASID its accesses carried, else 1, the first PASID Linux's
 * SVA allocator hands out). Linux rejects page requests without a PASID.
 */
static const struct model_access *sva_access(struct model *m, const struct model_access *a,
					     struct model_access *tmp)
{
	uint32_t dev = a->dev < MODEL_MAX_DEVS ? a->dev : MODEL_MAX_DEVS - 1;

	if (m->cfg.mode != MODEL_MODE_FAULTING)
		return a;
	if (a->pasid) {
		if (!m->sva_pasid[dev])
			m->sva_pasid[dev] = a->pasid;
		return a;
	}
	*tmp = *a;
	tmp->pasid = m->sva_pasid[dev] ? m->sva_pasid[dev] : 1;
	return tmp;
}

/* Is a page request waiting for this touch of @addr (at_touch)? Consumes it. */
static bool at_touch_take(struct model *m, const struct model_access *a, uint64_t addr)
{
	uint64_t key = resident_key(a, addr, m->psz), n;

	if (!u64map_get(&m->at_touch, key, &n))
		return false;
	if (n > 1)
		(void)u64map_put(&m->at_touch, key, n - 1);
	else
		u64map_del(&m->at_touch, key);
	return true;
}

/*
 * With walk time the table of translations in flight holds every page whose
 * walk has not completed: half a million on the issue-16 stream, tens of
 * MiB, so each lookup was a cache miss (u64map_get 36% of the 8-way replay).
 * A caller that reads ahead prefetches the slot. The SVA PASID (faulting
 * mode) is not applied here: a wrong slot only wastes the hint.
 */
void model__prefetch(const struct model *m, const struct model_access *a)
{
	if (m->pend.nr)
		u64map_prefetch(&m->pend, pend_key(a, a->iova & ~m->page_mask, m->psz));
}

bool model__prefetch_useful(const struct model *m)
{
	return m->pend.nr != 0;
}

uint64_t model__access(struct model *m, uint64_t t_ns, const struct model_access *a)
{
	uint64_t bytes = a->bytes ? a->bytes : 1;
	uint64_t first = a->iova & ~m->page_mask;
	uint64_t last = (a->iova + bytes - 1) & ~m->page_mask;
	bool absorb = m->absorb.nr && m->absorb_ns == t_ns;
	struct model_access tmp;
	uint64_t n = 0;

	a = sva_access(m, a, &tmp);
	if (a->iova + bytes - 1 < a->iova) /* wraps the address space: clamp */
		last = UINT64_MAX & ~m->page_mask;
	note_time(m, t_ns);
	m->st.nr_accesses++;
	m->st.bytes += bytes;
	m->st.nr_writes += a->write;
	for (uint64_t p = first;; p += m->cfg.page_bytes) {
		if (m->at_touch.nr && at_touch_take(m, a, p)) {
			/* a page request said it is not present: this touch sends it */
			static const struct pri_tag one = {.grpid = 0, .last = true};

			xlate_page(m, t_ns, a, p, &one);
		} else if (!absorb || !absorbed(m, a, p))
			xlate_page(m, t_ns, a, p, NULL);
		n++;
		if (p == last)
			break;
	}
	m->st.nr_pages += n;
	return n;
}

/* ---------------------------------------------------------------- invalidation */

/* @inv reaches unit @unit's IOTLB and walk caches (UINT32_MAX: every unit's). */
static void inval_caches_in(struct model *m, uint32_t unit, const struct iotlb_inval *inv)
{
	for (uint32_t i = 0; i < m->nr_units; i++) {
		if (!m->units[i].iotlb || (unit != UINT32_MAX && i != unit))
			continue;
		iotlb__inval(m->units[i].iotlb, inv);
		pwalk__inval(m->units[i].pw, inv);
	}
	pend_forget(m);
	stale_inval(&m->stale, inv, false);
}

/*
 * A model-issued invalidation: every unit's caches (the model does not know
 * which unit serves the domain; a unit without the domain's entries drops
 * nothing).
 */
static void inval_caches(struct model *m, const struct iotlb_inval *inv)
{
	inval_caches_in(m, UINT32_MAX, inv);
}

/* Does the model-issued invalidation @inv reach device @d's ATC (a device of its domain)? */
static bool atc_in(const struct mdev *d, const struct iotlb_inval *inv)
{
	return d->atc && (inv->kind == IOTLB_INV_GLOBAL || inv->domain == IOTLB_ANY ||
			  inv->domain == d->domain);
}

/*
 * Invalidate ATCs: every one (@domain_only false: a trace descriptor, whose
 * source id names no model device), or those of @inv's domain's devices
 * (Linux iommu_flush_dev_iotlb walks the domain's device list).
 */
static void inval_atcs(struct model *m, const struct iotlb_inval *inv, bool domain_only)
{
	pend_forget(m);
	stale_inval(&m->stale, inv, true);
	for (uint32_t i = 0; i < m->nr_devs; i++) {
		struct iotlb *atc = m->devs[i].atc;
		struct iotlb_inval ai = *inv;

		if (!atc || (domain_only && !atc_in(&m->devs[i], inv)))
			continue;
		ai.domain = IOTLB_ANY; /* ATC contexts are (0, PASID) */
		if (ai.kind == IOTLB_INV_DOMAIN)
			ai.kind = IOTLB_INV_GLOBAL;
		m->st.atc_inval_entries += iotlb__inval(atc, &ai);
		m->st.ats_inval++;
	}
}

static void count_desc(struct model *m, uint64_t t, uint32_t type, uint64_t n)
{
	m->st.inval_by_type[type < MODEL_QI_NR_TYPES_ ? type : 0] += n;
	if (is_inval_type(type)) {
		m->st.inval_count += n;
		series_add(m, S_INVAL, t, (double)n);
	}
}

static uint32_t nr_atcs(const struct model *m)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->nr_devs; i++)
		n += m->devs[i].atc != NULL;
	return n;
}

/* ATCs of the devices @inv's domain holds. */
static uint32_t nr_atcs_in(const struct model *m, const struct iotlb_inval *inv)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < m->nr_devs; i++)
		n += atc_in(&m->devs[i], inv);
	return n;
}

/* A synchronous wait of @wait_ns on @cpu's path (@unmap_path: inside an unmap call). */
static void charge_wait(struct model *m, uint64_t wait_ns, bool unmap_path, bool map_path)
{
	m->st.inval_sync_waits++;
	m->st.inval_wait_ns += wait_ns;
	if (unmap_path)
		m->st.unmap_inval_wait_ns += wait_ns;
	else if (map_path)
		m->st.map_inval_wait_ns += wait_ns;
}

/*
 * One synchronous invalidation as Linux 6.1 issues it: the IOTLB flush is
 * one qi_submit_sync (iommu_flush_iotlb_psi / flush_iotlb_all), then
 * iommu_flush_dev_iotlb() sends one qi_submit_sync per device with ATS, each
 * also waiting for the ATS invalidation round trip and the device.
 */
static void sync_inval(struct model *m, uint64_t t, const struct iotlb_inval *inv, bool unmap_path)
{
	inval_caches(m, inv);
	count_desc(m, t, MODEL_QI_IOTLB_INV, 1);
	charge_wait(m, m->cfg.qi_wait_ns, unmap_path, false);
	if (m->cfg.ats && m->nr_devs) {
		uint32_t n = nr_atcs_in(m, inv);

		inval_atcs(m, inv, true);
		count_desc(m, t, MODEL_QI_DEV_TLB_INV, n);
		for (uint32_t i = 0; i < n; i++)
			charge_wait(m,
				    m->cfg.qi_wait_ns + 2 * m->cfg.pcie_one_way_ns +
					m->cfg.ats_inval_dev_ns,
				    unmap_path, false);
	}
}

/* @domain's flush queue (made at its first lazy unmap); NULL without memory. */
static struct fq *fq_get(struct model *m, uint32_t domain)
{
	uint64_t idx;

	if (u64map_get(&m->fq_of, domain, &idx))
		return &m->fqs[idx];
	if (m->nr_fqs == m->cap_fqs) {
		uint32_t cap = m->cap_fqs ? 2 * m->cap_fqs : 8;
		struct fq *v = realloc(m->fqs, cap * sizeof(*v));

		if (!v)
			return NULL;
		m->fqs = v;
		m->cap_fqs = cap;
	}
	m->fqs[m->nr_fqs] = (struct fq){.domain = domain,
					.nr_cpu = calloc(MODEL_MAX_CPUS, sizeof(uint32_t)),
					.gen_cpu = calloc(MODEL_MAX_CPUS, sizeof(uint32_t))};
	if (!m->fqs[m->nr_fqs].nr_cpu || !m->fqs[m->nr_fqs].gen_cpu ||
	    u64map_put(&m->fq_of, domain, m->nr_fqs) < 0) {
		free(m->fqs[m->nr_fqs].nr_cpu);
		free(m->fqs[m->nr_fqs].gen_cpu);
		return NULL;
	}
	return &m->fqs[m->nr_fqs++];
}

/* fq_flush_iotlb(): the domain's IOTLB (flush_iotlb_all) and every ATC. */
static void fq_flush(struct model *m, uint64_t t, struct fq *q, bool unmap_path)
{
	struct iotlb_inval inv = {.kind = IOTLB_INV_DOMAIN, .domain = q->domain};

	sync_inval(m, t, &inv, unmap_path);
	m->st.inval_flushes++;
}

/*
 * fq_flush_timeout(): the domain's timer fires IOVA_FQ_TIMEOUT after it was
 * armed; it flushes the domain and frees every CPU's ring.
 */
static void fq_timeout(struct sim *s, const struct sim_event *ev)
{
	struct model *m = ev->obj;
	struct fq *q = &m->fqs[ev->arg];

	q->timer_on = false;
	m->st.inval_fq_timeout++;
	fq_flush(m, sim__now_ns(s), q, false);
	q->nr = 0;
	memset(q->nr_cpu, 0, MODEL_MAX_CPUS * sizeof(uint32_t));
	q->gen++; /* every ring's IOVAs are free again */
}

/*
 * Held IOVAs (lazy): Linux frees an unmapped IOVA only when its flush-queue
 * entry is freed after a flush (fq_ring_free -> free_iova_fast), so a map
 * cannot reuse it before. A held page's value: fq index (16 bits), CPU
 * ring (10), that ring's generation (19) and the domain's (19) when it was
 * queued; it is free once either generation moved on (2^19 frees later a
 * generation wraps: a page could look held again, at negligible odds).
 */
#define HELD_GEN_MASK ((1u << 19) - 1)
#define HELD_MAX_PAGES (1u << 18) /* pages held per unmap (1 GiB of 4 KiB) */

static uint64_t held_val(const struct model *m, const struct fq *q, uint32_t cpu)
{
	return (uint64_t)(q - m->fqs) << 48 | (uint64_t)cpu << 38 |
	       (uint64_t)(q->gen_cpu[cpu] & HELD_GEN_MASK) << 19 | (q->gen & HELD_GEN_MASK);
}

static void held_add(struct model *m, const struct fq *q, uint32_t cpu, uint32_t domain,
		     uint64_t iova, uint64_t bytes)
{
	uint64_t first = iova & ~0xfffull, n = ((iova & 0xfff) + (bytes ? bytes : 1) + 0xfff) >> 12;
	uint64_t v = held_val(m, q, cpu);

	if (n > HELD_MAX_PAGES)
		n = HELD_MAX_PAGES;
	for (uint64_t i = 0; i < n; i++)
		(void)u64map_put(&m->held, xlate_map_key(domain, first + (i << 12)), v);
}

bool model__iova_held(struct model *m, uint32_t domain, uint64_t iova, uint64_t bytes)
{
	uint64_t first = iova & ~0xfffull, n = ((iova & 0xfff) + (bytes ? bytes : 1) + 0xfff) >> 12;

	/* trace descriptors name the trace's IOVAs: nothing may move under them */
	if (!m->held.nr || m->inval_src != MODEL_INVSRC_MODEL)
		return false;
	if (n > HELD_MAX_PAGES)
		n = HELD_MAX_PAGES;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t key = xlate_map_key(domain, first + (i << 12)), v;
		const struct fq *q;
		uint32_t cpu;

		if (!u64map_get(&m->held, key, &v))
			continue;
		q = &m->fqs[v >> 48];
		cpu = (uint32_t)(v >> 38) & 0x3ff;
		if (v == held_val(m, q, cpu))
			return true;
		u64map_del(&m->held, key); /* freed since */
	}
	return false;
}

/*
 * queue_iova(): a lazy unmap on @cpu. A full ring (IOVA_FQ_SIZE entries
 * with this one) flushes the whole domain first and frees that CPU's ring
 * (fq_flush_iotlb + fq_ring_free); the domain's timer is armed if it is not.
 */
static void fq_queue(struct model *m, uint64_t t, uint32_t cpu, uint32_t domain, uint64_t iova,
		     uint64_t bytes)
{
	struct fq *q = fq_get(m, domain);

	if (!q) {
		struct iotlb_inval inv = {.kind = IOTLB_INV_DOMAIN, .domain = domain};

		sync_inval(m, t, &inv, true); /* no memory for a queue: flush now, as strict */
		return;
	}
	if (cpu >= MODEL_MAX_CPUS)
		cpu = MODEL_MAX_CPUS - 1;
	q->nr++;
	held_add(m, q, cpu, domain, iova, bytes);
	if (++q->nr_cpu[cpu] >= m->cfg.fq_entries) {
		m->st.inval_fq_full++;
		fq_flush(m, t, q, true);
		q->nr -= q->nr_cpu[cpu];
		q->nr_cpu[cpu] = 0;
		q->gen_cpu[cpu]++; /* fq_ring_free: this CPU's IOVAs are free again */
	}
	if (!q->timer_on) {
		q->timer_on = true;
		sim__schedule(m->sim,
			      (t > sim__now_ns(m->sim) ? t : sim__now_ns(m->sim)) +
				  m->cfg.fq_timeout_ns,
			      fq_timeout, m, (uint64_t)(q - m->fqs), 0);
		m->sim_due_ns = sim__next_time_ns(m->sim);
	}
}

void model__advance(struct model *m, uint64_t t_ns)
{
	/* the first time the model is told is the run's origin for every series */
	if (!m->series_started) {
		series__start(m->series, t_ns);
		m->series_started = true;
	}
	note_time(m, t_ns);
	if (m->sim_due_ns <= t_ns) {
		sim__run_until(m->sim, t_ns);
		m->sim_due_ns = sim__next_time_ns(m->sim);
	}
}

static struct qcpu *qcpu_of(struct model *m, uint32_t cpu)
{
	return &m->qcpu[cpu < MODEL_MAX_CPUS ? cpu : MODEL_MAX_CPUS - 1];
}

static bool caching_mode(const struct model *m)
{
	return m->cfg.caching_mode == MODEL_CM_ON ||
	       (m->cfg.caching_mode == MODEL_CM_AUTO && m->cm_seen);
}

/*
 * A map on @cpu: remembered so that a page-selective IOTLB flush of it that
 * follows on the same CPU is recognised as a caching-mode flush. Model
 * source with caching mode: Linux flushes it itself (__mapping_notify_one ->
 * iommu_flush_iotlb_psi(.., map=1): IOTLB only, no device-TLB), one wait on
 * the map path.
 */
static void qc_map(struct model *m, uint64_t t, uint32_t cpu, uint32_t domain, uint64_t iova,
		   uint64_t bytes)
{
	struct qcpu *qc = qcpu_of(m, cpu);

	qc->unmap_path = false;
	if (qc->nr_maps == QC_MAPS)
		memmove(&qc->maps[0], &qc->maps[1], (QC_MAPS - 1) * sizeof(qc->maps[0]));
	else
		qc->nr_maps++;
	qc->maps[qc->nr_maps - 1].iova = iova;
	qc->maps[qc->nr_maps - 1].bytes = bytes ? bytes : 1;
	if (m->inval_src != MODEL_INVSRC_TRACE && caching_mode(m)) {
		struct iotlb_inval inv = {.kind = IOTLB_INV_RANGE,
					  .domain = domain,
					  .pasid = IOTLB_ANY,
					  .addr = iova,
					  .bytes = bytes ? bytes : 1};

		inval_caches(m, &inv);
		count_desc(m, t, MODEL_QI_IOTLB_INV, 1);
		m->st.cm_flushes++;
		charge_wait(m, m->cfg.qi_wait_ns, false, true);
	}
}

/* An unmap on @cpu: what it flushes now is the unmap's, not a map's. */
static void qc_unmap(struct model *m, uint32_t cpu, uint64_t iova, uint64_t bytes)
{
	struct qcpu *qc = qcpu_of(m, cpu);
	uint32_t j = 0;

	qc->unmap_path = true;
	for (uint32_t i = 0; i < qc->nr_maps; i++)
		if (qc->maps[i].iova + qc->maps[i].bytes <= iova ||
		    iova + bytes <= qc->maps[i].iova)
			qc->maps[j++] = qc->maps[i];
	qc->nr_maps = j;
}

/* Is @q a page-selective IOTLB flush of a map @cpu just made (caching mode)? Consumes the map. */
static bool qc_cm_flush(struct model *m, const struct model_qi *q, uint64_t base, uint64_t range)
{
	struct qcpu *qc = qcpu_of(m, q->cpu);

	if ((q->type != MODEL_QI_IOTLB_INV && q->type != MODEL_QI_P_IOTLB_INV) ||
	    q->granularity != 3)
		return false;
	for (uint32_t i = 0; i < qc->nr_maps; i++) {
		uint64_t a = qc->maps[i].iova, end = a + qc->maps[i].bytes;

		if (end <= base || base + range <= a)
			continue;
		/*
		 * AMD-Vi flushes an unaligned map in aligned pieces (Linux 6.1
		 * domain_flush_pages with NpCache): a piece takes its part, the
		 * rest waits for the next piece
		 */
		bool head = base > a, tail = base + range < end;

		if (head && !tail) {
			qc->maps[i].bytes = base - a;
		} else if (tail && !head) {
			qc->maps[i].iova = base + range;
			qc->maps[i].bytes = end - base - range;
		} else if (!head && !tail) {
			memmove(&qc->maps[i], &qc->maps[i + 1],
				(qc->nr_maps - i - 1) * sizeof(qc->maps[0]));
			qc->nr_maps--;
		}
		return true;
	}
	return false;
}

/* A trace invalidation on @cpu (@cm: a caching-mode flush) before its next traced wait. */
static void qc_since(struct model *m, uint32_t cpu, bool cm)
{
	struct qcpu *qc = qcpu_of(m, cpu);

	qc->since_cm = qc->since_wait ? qc->since_cm && cm : cm;
	qc->since_wait = true;
}

/*
 * A traced inv_wait on @cpu (AMD-Vi COMPLETION_WAIT: Linux waits once after
 * the commands of one flush): *@cm says it waited only for caching-mode
 * flushes (the map path's, dropped with them on bare metal). Return: an
 * invalidation came before it since the CPU's last wait.
 */
static bool qc_wait(struct model *m, uint32_t cpu, bool *cm)
{
	struct qcpu *qc = qcpu_of(m, cpu);
	bool any = qc->since_wait;

	*cm = any && qc->since_cm;
	qc->since_wait = false;
	return any;
}

/*
 * Trace source: the tracepoint shows the descriptors qi_submit_sync was
 * given, not the wait descriptor it appends. inval.trace_waits=descriptor
 * (Linux 6.1, where every flush is its own qi_submit_sync of one
 * descriptor): each costs one inval.qi_wait_ns. =run (batching kernels):
 * the descriptors one CPU submits at one time are one wait, except that a
 * device-TLB descriptor after others in the run is a wait of its own
 * (iommu_flush_dev_iotlb after the IOTLB flush). Either way strict + ATS
 * waits twice per unmap. A trace that shows inv_wait descriptors costs one
 * wait per inv_wait. Device-TLB descriptors add the ATS invalidation round
 * trip (2 x pcie.one_way_ns + ats.inval_dev_ns).
 */
static void qc_charge(struct model *m, uint64_t t, const struct model_qi *q, bool cm)
{
	struct qcpu *qc = qcpu_of(m, q->cpu);
	bool unmap_path = qc->unmap_path && !cm;
	bool dev_tlb = q->type == MODEL_QI_DEV_TLB_INV || q->type == MODEL_QI_P_DEV_TLB_INV;
	bool new_run = !qc->run_open || qc->run_ns != t, wait;

	if (q->type == MODEL_QI_INV_WAIT && !m->trace_inv_wait) {
		/* the kernel traces its waits: they are the waits from now on; this one's
		 * run was charged already if it began with another descriptor */
		m->trace_inv_wait = true;
		wait = new_run;
	} else if (m->trace_inv_wait)
		wait = q->type == MODEL_QI_INV_WAIT;
	else if (m->cfg.trace_waits == MODEL_TW_DESCRIPTOR)
		wait = true;
	else /* a run, or a device-TLB flush after the IOTLB's (iommu_flush_dev_iotlb) */
		wait = new_run || dev_tlb;
	if (wait)
		charge_wait(m, m->cfg.qi_wait_ns, unmap_path, cm);
	qc->run_open = true;
	qc->run_ns = t;
	if (dev_tlb) {
		uint64_t ats = 2 * m->cfg.pcie_one_way_ns + m->cfg.ats_inval_dev_ns;

		m->st.inval_wait_ns += ats;
		if (unmap_path)
			m->st.unmap_inval_wait_ns += ats;
	}
}

/*
 * A lookup of translation page @addr for @a served from the ATC (@atc) or the
 * IOTLB (@hit) or walked. What was unmapped is tracked per 4 KiB, so the check
 * is on the 4 KiB pages @a touches inside this translation page (counted once
 * per lookup). With large pages (pagesize=2m|1g: the maps are taken to be
 * backed by aligned, contiguous large pages) one entry covers live and
 * unmapped 4 KiB maps alike: a cached entry serving a 4 KiB piece mapped
 * again gives the translation the new map has, so only a touch of a piece
 * that is still unmapped is a use after unmap. With 4 KiB pages a cached
 * entry of a page mapped again is the old map's translation.
 */
static void stale_check_(struct model *m, const struct model_access *a, uint64_t addr, bool atc,
			 bool hit)
{
	uint64_t lo = a->iova > addr ? a->iova : addr;
	uint64_t end = a->iova + (a->bytes ? a->bytes : 1);
	uint32_t v;

	if (end < a->iova || end > addr + m->page_mask + 1)
		end = addr + m->page_mask + 1; /* the part of the access in this page */
	for (uint64_t p = lo & ~0xfffull; p < end; p += 4096) {
		if (!stale_get(&m->stale, a->domain, p, &v))
			continue;
		if (hit && (v & STALE_REMAPPED) && m->page_mask > 0xfff)
			continue;
		if (hit ? (v & (atc ? STALE_ATC : STALE_IOTLB)) != 0 : !(v & STALE_REMAPPED)) {
			m->st.use_after_unmap++;
			return;
		}
	}
}

void model__set_dev_unit(struct model *m, uint32_t dev, uint32_t unit)
{
	m->dev_unit[dev < MODEL_MAX_DEVS ? dev : MODEL_MAX_DEVS - 1] =
	    (uint8_t)(unit < MODEL_MAX_UNITS ? unit : MODEL_MAX_UNITS - 1);
}

void model__set_dev_ats(struct model *m, uint32_t dev, bool ats)
{
	if (m->cfg.ats_devices == MODEL_ATS_ALL)
		return;
	m->no_ats[dev < MODEL_MAX_DEVS ? dev : MODEL_MAX_DEVS - 1] = !ats;
}

void model__map(struct model *m, uint64_t t_ns, uint32_t cpu, uint32_t domain, uint64_t iova,
		uint64_t bytes)
{
	uint64_t pages = (bytes + m->page_mask) / m->cfg.page_bytes, old;
	uint64_t key = xlate_map_key(domain, iova);

	note_call(m, t_ns, cpu);
	if (m->cfg.mode == MODEL_MODE_FAULTING)
		return; /* SVA: the device uses the CPU's page tables; nothing is mapped */
	qc_map(m, t_ns, cpu, domain, iova, bytes);
	stale_map(&m->stale, domain, iova, bytes);
	m->st.nr_maps++;
	m->st.map_pages += pages;
	m->st.map_bytes += bytes;
	m->st.map_cpu_ns += m->cfg.map_call_ns + pages * m->cfg.map_page_ns;
	if (u64map_get(&m->maps, key, &old)) {
		/* remapped without an unmap we saw: the old one ends here */
		m->st.live_maps--;
		m->st.live_bytes -= old;
		m->st.unmap_done++;
		m->st.unmap_unmatched++;
	}
	if (!u64map_put(&m->maps, key, bytes)) {
		m->st.live_maps++;
		m->st.live_bytes += bytes;
	}
	if (m->st.live_bytes > m->st.peak_live_bytes)
		m->st.peak_live_bytes = m->st.live_bytes;
	series_add(m, S_LIVE, t_ns, (double)m->st.live_bytes);
}

void model__unmap(struct model *m, uint64_t t_ns, uint32_t cpu, uint32_t domain, uint64_t iova,
		  uint64_t bytes)
{
	uint64_t pages = (bytes + m->page_mask) / m->cfg.page_bytes, mapped;
	uint64_t key = xlate_map_key(domain, iova);

	note_call(m, t_ns, cpu);
	if (m->cfg.mode == MODEL_MODE_FAULTING)
		return; /* SVA: nothing was mapped */
	qc_unmap(m, cpu, iova, bytes);
	(void)stale_unmap(&m->stale, domain, iova, bytes,
			  STALE_IOTLB | (m->cfg.ats ? STALE_ATC : 0));
	m->st.nr_unmaps++;
	m->st.unmap_cpu_ns += m->cfg.unmap_call_ns + pages * m->cfg.unmap_page_ns;
	if (u64map_get(&m->maps, key, &mapped)) {
		u64map_del(&m->maps, key);
		if (bytes < mapped) {
			/* partial unmap from the start: the rest stays mapped */
			u64map_put(&m->maps, xlate_map_key(domain, iova + bytes), mapped - bytes);
			m->st.live_bytes -= bytes;
			m->st.unmap_partial++;
		} else {
			m->st.live_maps--;
			m->st.live_bytes -= mapped;
			m->st.unmap_done++;
		}
	} else {
		m->st.unmap_unmatched++;
	}
	series_add(m, S_LIVE, t_ns, (double)m->st.live_bytes);
	if (m->inval_src == MODEL_INVSRC_TRACE)
		return;
	if (m->cfg.inval_mode == MODEL_INVAL_STRICT) {
		struct iotlb_inval inv = {.kind = IOTLB_INV_RANGE,
					  .domain = domain,
					  .pasid = IOTLB_ANY,
					  .addr = iova,
					  .bytes = bytes ? bytes : 1};

		sync_inval(m, t_ns, &inv, true);
	} else {
		fq_queue(m, t_ns, cpu, domain, iova, bytes);
	}
}

void model__pin(struct model *m, uint64_t t_ns, uint64_t nr_pages, bool unpin)
{
	note_time(m, t_ns);
	if (unpin) {
		m->st.unpin_pages += nr_pages;
		m->st.pinned_pages -= nr_pages < m->st.pinned_pages ? nr_pages : m->st.pinned_pages;
	} else {
		m->st.pin_pages += nr_pages;
		m->st.pinned_pages += nr_pages;
		m->st.pin_cpu_ns += nr_pages * m->cfg.pin_page_ns;
		if (m->st.pinned_pages > m->st.peak_pinned_pages)
			m->st.peak_pinned_pages = m->st.pinned_pages;
	}
	series_add(m, S_PINNED, t_ns, (double)(m->st.pinned_pages * BASE_PAGE_BYTES));
}

void model__qi(struct model *m, uint64_t t_ns, const struct model_qi *q)
{
	struct iotlb_inval inv = {
	    .kind = IOTLB_INV_GLOBAL, .domain = q->domain, .pasid = IOTLB_ANY};
	uint64_t range = BASE_PAGE_BYTES << (q->addr_mask < 52 ? q->addr_mask : 52);
	uint64_t base = q->addr & ~(range - 1); /* hardware ignores bits below the mask */

	struct xunit *qu = unit_get(m, q->unit);
	uint32_t qui;
	bool cm;

	note_time(m, t_ns);
	if (!qu)
		qu = &m->units[0];
	qui = (uint32_t)(qu - m->units);

	if (m->cfg.inval_source == MODEL_INVSRC_AUTO && is_inval_type(q->type) &&
	    m->inval_src != MODEL_INVSRC_TRACE) {
		m->inval_src = MODEL_INVSRC_TRACE;
		u64map_clear(&m->held); /* the trace's invalidations from now on */
	}
	if (q->type == MODEL_QI_PAGE_GRP_RESP)
		return; /* a page response: the PRI path charges its own */
	cm = qc_cm_flush(m, q, base, range);
	m->cm_seen |= cm;
	if (m->inval_src != MODEL_INVSRC_TRACE) {
		/* model source: the trace's descriptors are counted under trace.qi.* by replay */
		return;
	}
	if (q->type == MODEL_QI_INV_WAIT) {
		if (qc_wait(m, q->cpu, &cm) && cm && m->cfg.caching_mode == MODEL_CM_OFF)
			return; /* it waited only for flushes bare metal would not have made */
	} else if (is_inval_type(q->type))
		qc_since(m, q->cpu, cm);
	m->st.cm_flushes += cm && q->type != MODEL_QI_INV_WAIT;
	if (cm && m->cfg.caching_mode == MODEL_CM_OFF) {
		/* bare metal (CAP.CM=0) would not have flushed after the map */
		m->st.cm_dropped++;
		return;
	}
	qc_charge(m, t_ns, q, cm);
	count_desc(m, t_ns, q->type, 1);
	m->st.inval_from_trace++;
	switch (q->type) {
	case MODEL_QI_IOTLB_INV:
		/* granularity: 1 global, 2 domain, 3 page-selective (VT-d IIRG) */
		inv.kind = q->granularity == 1	 ? IOTLB_INV_GLOBAL
			   : q->granularity == 3 ? IOTLB_INV_RANGE
						 : IOTLB_INV_DOMAIN;
		inv.addr = base;
		inv.bytes = range;
		inval_caches_in(m, qui, &inv);
		break;
	case MODEL_QI_P_IOTLB_INV:
		/* granularity: 2 all in PASID, 3 page-selective within PASID, else domain */
		inv.pasid = q->pasid;
		inv.kind = q->granularity == 3	 ? IOTLB_INV_RANGE
			   : q->granularity == 2 ? IOTLB_INV_PASID
						 : IOTLB_INV_DOMAIN;
		inv.addr = base;
		inv.bytes = range;
		inval_caches_in(m, qui, &inv);
		break;
	case MODEL_QI_DEV_TLB_INV:
	case MODEL_QI_P_DEV_TLB_INV:
		inv.kind = IOTLB_INV_RANGE;
		inv.pasid = q->type == MODEL_QI_P_DEV_TLB_INV ? q->pasid : IOTLB_ANY;
		inv.addr = base;
		inv.bytes = range;
		inval_atcs(m, &inv, false);
		break;
	case MODEL_QI_CC_INV:
		pwalk__inval_cc(qu->pw);
		break;
	case MODEL_QI_PC_INV:
		pwalk__inval_pasidc(qu->pw, q->pasid);
		break;
	default:
		break;
	}
}

uint32_t model__effective_inval_source(const struct model *m)
{
	return m->inval_src;
}

void model__finish(struct model *m, uint64_t t_ns)
{
	if (m->finished)
		return;
	if (t_ns < m->last_ns)
		t_ns = m->last_ns;
	/*
	 * Groups whose last request never came (the trace ended or lost it) are
	 * answered as if their latest request had been the last: nothing stays
	 * in flight, and they are counted.
	 */
	while (m->nr_groups) {
		struct pri_group *g = &m->groups[m->nr_groups - 1];
		struct mdev *d = &m->devs[g->dev];

		d->nr_pri_open -= g->nr;
		m->pri_open -= g->nr;
		m->st.pri_open_closed++;
		pri_answer(m, d, g->v, g->nr, g->v[g->nr - 1].arrive_ns);
		group_drop(m, g);
	}
	/*
	 * Pending flush-queue timeouts fire: lazy invalidations complete. Only
	 * the IOVAs' reuse waits for them (fq_flush_timeout frees them late),
	 * never a device or the mapping CPU, so they do not lengthen the run's
	 * time to finish (the 10 ms timer made a 0.5 ms lazy run "finish" at
	 * 10.5 ms and lazy look 20x slower than strict); the series show them.
	 */
	sim__run(m->sim);
	m->last_ns = t_ns;
	series__finish(m->series, sim__now_ns(m->sim) > t_ns ? sim__now_ns(m->sim) : t_ns);
	m->finished = true;
}

/* ---------------------------------------------------------------- reporting */

uint64_t model__end_ns(const struct model *m)
{
	return m->last_ns;
}

uint64_t model__latency_pct(const struct model *m, double pct)
{
	const struct hist h = {
	    .counts = (uint64_t *)m->lat_hist,
	    .nr = m->st.lat_nr,
	    .sum = m->st.lat_sum,
	    .min = m->st.lat_nr ? m->st.lat_min : 0,
	    .max = m->st.lat_max,
	};

	return hist_quantile(&h, pct / 100.0);
}

typedef int (*metric_fn)(void *ctx, const char *key, double v, const char *unit);

/* A counter of struct model_stats reported as it is. */
struct stat_row {
	const char *key;  /* metric key */
	size_t off;	  /* offsetof(struct model_stats, field) */
	const char *unit; /* unit */
};

#define ROW(k, f, u)                                                                               \
	{                                                                                          \
		(k), offsetof(struct model_stats, f), (u)                                          \
	}

static int emit_rows(const struct model *m, const struct stat_row *r, size_t n, metric_fn fn,
		     void *ctx)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)&m->st + r[i].off, sizeof(v));
		if ((rc = fn(ctx, r[i].key, (double)v, r[i].unit)) < 0)
			return rc;
	}
	return 0;
}

#define M(k, v, u)                                                                                 \
	do {                                                                                       \
		if ((rc = fn(ctx, (k), (double)(v), (u))) < 0)                                     \
			return rc;                                                                 \
	} while (0)
#define ROWS(tab)                                                                                  \
	do {                                                                                       \
		if ((rc = emit_rows(m, (tab), sizeof(tab) / sizeof((tab)[0]), fn, ctx)) < 0)       \
			return rc;                                                                 \
	} while (0)

/* Metrics: what was looked up. */
static int emit_access(const struct model *m, metric_fn fn, void *ctx)
{
	static const struct stat_row access_rows[] = {
	    ROW("access.count", nr_accesses, "accesses"),
	    ROW("access.pages", nr_pages, "lookups"),
	    ROW("access.bytes", bytes, "bytes"),
	    ROW("access.writes", nr_writes, "accesses"),
	    ROW("access.absorbed_pages", absorbed_pages, "lookups"),
	    ROW("xlate.pending_waits", pending_waits, "lookups"),
	    ROW(KEY_USE_AFTER_UNMAP, use_after_unmap, "translations"),
	    ROW("xlate.pending_wait_ns", pending_wait_ns, "ns"),
	};
	int rc = 0;

	ROWS(access_rows);
	return rc;
}

/* @n counters of @src added to @dst (the stats structs are all uint64_t). */
static void add_u64s(void *dst, const void *src, size_t bytes)
{
	uint64_t *d = dst;
	const uint64_t *x = src;

	for (size_t i = 0; i < bytes / sizeof(uint64_t); i++)
		d[i] += x[i];
}

_Static_assert(sizeof(struct iotlb_stats) % sizeof(uint64_t) == 0, "iotlb_stats: u64 only");
_Static_assert(sizeof(struct pwalk_stats) % sizeof(uint64_t) == 0, "pwalk_stats: u64 only");
_Static_assert(sizeof(struct walkq_stats) % sizeof(uint64_t) == 0, "walkq_stats: u64 only");

/* Every unit's IOTLB, walk-cache and walker counters, summed (max_wait_ns: the largest). */
static void unit_stats(const struct model *m, struct iotlb_stats *is, struct pwalk_stats *ps,
		       struct walkq_stats *ws)
{
	memset(is, 0, sizeof(*is));
	memset(ps, 0, sizeof(*ps));
	memset(ws, 0, sizeof(*ws));
	for (uint32_t i = 0; i < m->nr_units; i++) {
		const struct walkq_stats *w;
		uint64_t max;

		if (!m->units[i].iotlb)
			continue;
		add_u64s(is, iotlb__stats(m->units[i].iotlb), sizeof(*is));
		add_u64s(ps, pwalk__stats(m->units[i].pw), sizeof(*ps));
		w = walkq__stats(m->units[i].walkers);
		max = ws->max_wait_ns > w->max_wait_ns ? ws->max_wait_ns : w->max_wait_ns;
		add_u64s(ws, w, sizeof(*ws));
		ws->max_wait_ns = max;
	}
}

/* Metrics: IOTLB, walk caches and walkers. */
static int emit_iotlb(const struct model *m, metric_fn fn, void *ctx)
{
	struct iotlb_stats is_sum;
	struct pwalk_stats ps_sum;
	struct walkq_stats ws_sum;
	const struct iotlb_stats *is = &is_sum;
	const struct pwalk_stats *ps = &ps_sum;
	const struct walkq_stats *ws = &ws_sum;
	const struct model_stats *s = &m->st;
	char key[64];
	int rc = 0;

	unit_stats(m, &is_sum, &ps_sum, &ws_sum);
	M("iommu.units", m->nr_units, "units");

	/* lookups = hits + misses + merged (secondary misses answered by a walk in flight) */
	M(KEY_IOTLB_LOOKUPS, is->nr_lookups + s->iotlb_merged, "lookups");
	M(KEY_IOTLB_HITS, is->nr_hits, "lookups");
	M(KEY_IOTLB_MISSES, is->nr_misses, "lookups");
	M("iotlb.merged", s->iotlb_merged, "lookups");
	M("iotlb.miss_rate",
	  is->nr_lookups + s->iotlb_merged
	      ? (double)is->nr_misses / (double)(is->nr_lookups + s->iotlb_merged)
	      : 0,
	  "");
	M("iotlb.evictions", is->nr_evictions, "entries");
	M("iotlb.inval_entries", is->nr_inval_entries, "entries");
	M("iotlb.ctx_overflow", is->nr_ctx_overflow, "contexts");
	M("walk.count", ps->nr_walks, "walks");
	M(KEY_WALK_READS, ps->mem_reads, "reads");
	M("walk.nested_reads", ps->nested_reads, "reads");
	M("walk.reads_per_walk", ps->nr_walks ? (double)ps->mem_reads / (double)ps->nr_walks : 0,
	  "reads");
	M("walk.wait_ns", ws->wait_ns, "ns");
	M("walk.mean_wait_ns", ws->nr ? (double)ws->wait_ns / (double)ws->nr : 0, "ns");
	M("walk.max_wait_ns", ws->max_wait_ns, "ns");
	M("walk.queued", ws->nr_waited, "walks");
	M("walk.busy_ns", ws->busy_ns, "ns");
	for (int k = 2; k <= WALK_MAX_LEVELS; k++) {
		snprintf(key, sizeof(key), "pwc.l%d_hits", k);
		M(key, ps->pwc_hits[k], "walks");
	}
	M("pwc.misses", ps->pwc_misses, "walks");
	M("cc.hits", ps->cc_hits, "lookups");
	M("cc.misses", ps->cc_misses, "lookups");
	M("pasidc.hits", ps->pasidc_hits, "lookups");
	M("pasidc.misses", ps->pasidc_misses, "lookups");
	return rc;
}

/* Metrics: ATC, ATS and PRI. */
static int emit_pri(const struct model *m, metric_fn fn, void *ctx)
{
	static const struct stat_row pri_rows[] = {
	    ROW("atc.lookups", atc_lookups, "lookups"),
	    ROW(KEY_ATC_HITS, atc_hits, "lookups"),
	    ROW(KEY_ATC_MISSES, atc_misses, "lookups"),
	};
	static const struct stat_row pri_rows1[] = {
	    ROW("atc.inval_entries", atc_inval_entries, "entries"),
	    ROW("ats.requests", ats_requests, "requests"),
	    ROW("ats.invalidations", ats_inval, "requests"),
	    ROW(KEY_PRI_REQUESTS, pri_requests, "requests"),
	    ROW("pri.responses", pri_responses, "requests"),
	    ROW("pri.answered", pri_answered, "requests"),
	};
	static const struct stat_row pri_rows2[] = {
	    ROW("pri.unterminated_groups", pri_open_closed, "groups"),
	    ROW("pri.trace_requests", pri_trace_requests, "requests"),
	    ROW("pri.trace_write_requests", pri_trace_writes, "requests"),
	    ROW("pri.dropped", pri_dropped, "requests"),
	    ROW("pri.retries", pri_retries, "requests"),
	    ROW("pri.failed", pri_failed, "faults"),
	    ROW("pri.stalled", pri_stalled, "requests"),
	    ROW("pri.minor", pri_minor, "faults"),
	    ROW("pri.major", pri_major, "faults"),
	    ROW("pri.max_prq_occupancy", pri_max_prq, "entries"),
	};
	static const struct stat_row pri_rows3[] = {
	    ROW("pri.thread_wait_ns", pri_thread_wait_ns, "ns"),
	    ROW("pri.response_cpu_ns", pri_resp_cpu_ns, "ns"),
	    ROW(KEY_CPU_FAULT, pri_service_ns, "ns"),
	};
	static const struct stat_row pri_rows4[] = {
	    ROW("fault.unrecoverable", faults_unrecoverable, "faults"),
	    ROW("fault.first_touch_resident", first_touch_resident, "pages"),
	};
	static const struct walkq_stats none;
	const struct walkq_stats *hs = m->handlers ? walkq__stats(m->handlers) : &none;
	const struct model_stats *s = &m->st;
	int rc = 0;

	ROWS(pri_rows);
	M("atc.devices", nr_atcs(m), "devices");
	ROWS(pri_rows1);
	M("pri.in_flight", m->pri_open, "requests");
	ROWS(pri_rows2);
	M("pri.handler_wait_ns", hs->wait_ns, "ns");
	M("pri.mean_handler_wait_ns", hs->nr ? (double)hs->wait_ns / (double)hs->nr : 0, "ns");
	M("pri.handlers", m->nr_handlers, "threads");
	ROWS(pri_rows3);
	M("pri.mean_fault_latency_ns",
	  s->pri_answered ? (double)s->pri_latency_ns / (double)s->pri_answered : 0, "ns");
	ROWS(pri_rows4);
	return rc;
}

/* Metrics: maps, unmaps and pins. */
static int emit_pinned(const struct model *m, metric_fn fn, void *ctx)
{
	static const struct stat_row pinned_rows[] = {
	    ROW("map.count", nr_maps, "calls"),
	    ROW("map.pages", map_pages, "pages"),
	    ROW("map.bytes", map_bytes, "bytes"),
	    ROW("map.live", live_maps, "maps"),
	    ROW("map.live_bytes", live_bytes, "bytes"),
	    ROW("map.peak_live_bytes", peak_live_bytes, "bytes"),
	    ROW(KEY_CPU_MAP, map_cpu_ns, "ns"),
	    ROW("unmap.count", nr_unmaps, "calls"),
	    ROW("unmap.completed", unmap_done, "maps"),
	    ROW("unmap.partial", unmap_partial, "calls"),
	    ROW("unmap.unmatched", unmap_unmatched, "calls"),
	    ROW(KEY_CPU_UNMAP, unmap_cpu_ns, "ns"),
	    ROW("pin.pages", pin_pages, "pages"),
	    ROW("pin.unpinned_pages", unpin_pages, "pages"),
	};
	const struct model_stats *s = &m->st;
	int rc = 0;

	ROWS(pinned_rows);
	M("pin.peak_pinned_bytes", s->peak_pinned_pages * BASE_PAGE_BYTES, "bytes");
	M(KEY_CPU_PIN, s->pin_cpu_ns, "ns");
	return rc;
}

/* Metrics: invalidations and their waits. */
static int emit_inval(const struct model *m, metric_fn fn, void *ctx)
{
	static const struct stat_row inval_rows[] = {
	    ROW("inval.flushes", inval_flushes, "flushes"),
	    ROW("inval.fq_full", inval_fq_full, "flushes"),
	    ROW("inval.fq_timeout", inval_fq_timeout, "flushes"),
	    ROW(KEY_CPU_INVAL, inval_wait_ns, "ns"),
	    ROW("inval.sync_waits", inval_sync_waits, "waits"),
	    ROW("inval.caching_mode_flushes", cm_flushes, "flushes"),
	    ROW("inval.caching_mode_dropped", cm_dropped, "flushes"),
	};
	static const struct stat_row inval_rows1[] = {
	    ROW("unmap.inval_wait_ns", unmap_inval_wait_ns, "ns"),
	    ROW("map.inval_wait_ns", map_inval_wait_ns, "ns"),
	    ROW("inval.from_trace", inval_from_trace, "descriptors"),
	};
	const struct model_stats *s = &m->st;
	char key[64];
	int rc = 0;

	M(KEY_INVAL_COUNT, s->inval_count, "descriptors");
	for (uint32_t t = 1; t < MODEL_QI_NR_TYPES_; t++) {
		if (!qi_names[t])
			continue;
		snprintf(key, sizeof(key), "inval.%s", qi_names[t]);
		M(key, s->inval_by_type[t], "descriptors");
	}
	ROWS(inval_rows);
	M("inval.caching_mode", caching_mode(m), "bool");
	ROWS(inval_rows1);
	M("inval.source_trace", m->inval_src == MODEL_INVSRC_TRACE, "bool");
	return rc;
}

/* Metrics: translation latency and its parts. */
static int emit_lat(const struct model *m, metric_fn fn, void *ctx)
{
	const struct model_stats *s = &m->st;
	int rc = 0;

	M("xlate.count", s->lat_nr, "translations");
	M(KEY_XLATE_LAT "@mean", s->lat_nr ? (double)s->lat_sum / (double)s->lat_nr : 0, "ns");
	M(KEY_XLATE_LAT "@p50", model__latency_pct(m, 50), "ns");
	M(KEY_XLATE_LAT "@p99", model__latency_pct(m, 99), "ns");
	M(KEY_XLATE_LAT "@max", s->lat_max, "ns");
	M(KEY_XLATE_LAT "@sum", s->lat_sum, "ns");
	for (int i = 0; i < XP_NR_; i++)
		M(xpart_keys[i], s->part_ns[i], "ns");
	return rc;
}

#undef ROWS
#undef M
#undef ROW

static int emit(const struct model *m, metric_fn fn, void *ctx)
{
	static int (*const part[])(const struct model *, metric_fn, void *) = {
	    emit_access, emit_iotlb, emit_pri, emit_pinned, emit_inval, emit_lat,
	};
	int rc;

	for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++)
		if ((rc = part[i](m, fn, ctx)) < 0)
			return rc;
	return 0;
}

struct find_ctx {
	const char *key; /* wanted */
	double v;	 /* found value */
};

static int find_cb(void *ctx, const char *key, double v, const char *unit)
{
	struct find_ctx *f = ctx;

	if (!strcmp(key, f->key)) {
		f->v = v;
		return -1; /* stop */
	}
	return 0;
}

double model__metric(const struct model *m, const char *key)
{
	struct find_ctx f = {.key = key, .v = NAN};

	emit(m, find_cb, &f);
	return f.v;
}

static int sink_metric(void *ctx, const char *key, double v, const char *unit)
{
	const struct results_sink *sink = ctx;

	return sink->ops->metric ? sink->ops->metric(sink->ctx, key, v, unit) : 0;
}

int model__report(const struct model *m, const struct results_sink *sink)
{
	struct results_hist h = {
	    .counts = m->lat_hist,
	    .nr = m->st.lat_nr,
	    .sum = m->st.lat_sum,
	    .min = m->st.lat_nr ? m->st.lat_min : 0,
	    .max = m->st.lat_max,
	    .unit = "ns",
	};
	int rc;

	if ((rc = emit(m, sink_metric, (void *)sink)) < 0)
		return rc;
	if (sink->ops->histogram && (rc = sink->ops->histogram(sink->ctx, KEY_XLATE_LAT, &h)) < 0)
		return rc;
	if (sink->ops->series && (rc = series__emit(m->series, sink->ops->series, sink->ctx)) < 0)
		return rc;
	return 0;
}
