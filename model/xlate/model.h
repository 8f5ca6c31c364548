/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - the translation model: what a device access, a map, an unmap,
 * a pin and an invalidation descriptor cost, given a validated model_cfg.
 * It owns the IOTLB, the walk caches and walkers, one ATC per device, the
 * PRI path, the pinned path with strict or lazy invalidation, and reports
 * counters, a translation-latency histogram and time series through a
 * results sink. Pure: no I/O, no wall clock, no globals; the only
 * randomness is its own PRNG seeded from model.seed.
 *
 * Callers feed events in non-decreasing time order (model__advance first):
 * lazy-flush timeouts are events of the model's sim (model/sim.h).
 *
 * Model assumptions:
 * - Open loop: an access happens at its trace time whatever earlier
 *   translations cost; its translation latency is reported, not fed back.
 * - One IOTLB lookup per page touched by an access (page = pt.page_bytes);
 *   all pages of one access are looked up at the access's time, in order.
 * - ats.enabled: ATC lookup first; an ATC miss costs an ATS round trip
 *   (2 x pcie.one_way_ns) plus the IOMMU lookup or walk. Without ATS the
 *   device's request goes straight to the IOTLB (no PCIe term: the walk cost
 *   is what translation adds to the access).
 * - Pending translations (per device, like a cache's MSHRs): a lookup that
 *   misses while a translation of the same (device, domain, PASID, page) is
 *   in flight waits for it: no second ATS request, walk or page request; its
 *   latency is the in-flight translation's completion minus its own time,
 *   and the ATC/IOTLB entry serves hits only after that completion (PCIe
 *   ATS 10.2.3 lets a device merge outstanding translation requests; the
 *   IOMMU answers a page once). An invalidation forgets the table (the
 *   next lookup translates afresh).
 * - Walk = pwalk reads x mem.read_ns served by walk.walkers FCFS walkers
 *   (model/xlate/walk.h).
 * - Faulting (SVA) mode maps nothing: model__map/model__unmap are no-ops
 *   (the device walks the CPU's page tables), and an access without a
 *   PASID uses the device's SVA PASID (the first its accesses carried,
 *   else 1: Linux rejects page requests without a PASID).
 * - Pinned mode: accessed pages are present. Faulting mode: a page is
 *   present once touched (or with probability model.resident_fraction at
 *   first touch); a non-present page with ATS takes the PRI path: ATS fails,
 *   page request (PCIe one way), PRQ (overflow when pri.prq_entries wait:
 *   the IOMMU auto-responds and the device retries after pri.retry_ns, at
 *   most pri.max_retries times), the page-request thread (one serial stage,
 *   Linux prq_event_thread: pri.dispatch_ns to wake when idle, then
 *   pri.thread_ns per request; a PRQ slot frees when the thread has read
 *   it, so PRQ occupancy is only what the thread has not drained), a
 *   handler serves a minor/major fault (FCFS pool of pri.handlers, or
 *   host.cpus when 0: Linux runs iopf work on an unbound workqueue,
 *   iopf_queue_alloc(), concurrency = CPUs; host.cpus comes from the
 *   trace's host snapshot, else its highest CPU + 1), then sends the page
 *   group response (intel_svm_page_response: one qi_submit_sync, whose
 *   inval.qi_wait_ns the handler's CPU spends: pri.response_cpu_ns), the
 *   response crosses PCIe (one way), the device retries ATS, ATC fill.
 *   Without ATS a non-present page is an unrecoverable fault (counted).
 *   The non-present translation is not cached (IOTLB entry dropped).
 *   Walks of retries after a page response or an overflow count their reads
 *   but do not occupy the walker pool (they lie in the stream's future).
 * - Per-device outstanding page requests are limited (pri.outstanding); a
 *   request waits for the device's earliest outstanding one to complete.
 * - Page request groups (PCIe PRG; key: device, PASID, group index): a
 *   model-generated fault is a group of one. Requests of a larger group
 *   (trace page requests without last-in-group) wait until the last one is
 *   in the PRQ; one handler then serves the group's faults one after another
 *   (Linux iopf_handler) and one page group response answers them all
 *   (pri.responses counts responses, pri.answered the requests they cover).
 *   A request that is not the last holds its PRQ slot until the thread
 *   moves it to the group's partial list (iommu_queue_iopf) and a device
 *   slot until the response. model__finish answers groups whose last request never
 *   came as if their latest request had been the last (counted).
 * - A page request marked at_touch (the faulting scenario's prq=trace,
 *   which decides residency where a map is made) says the page is not
 *   present: the first device access to it (same PASID, any device: SVA
 *   residency is the process's) faults then, as a group of one; until then
 *   nothing happens.
 * - Trace page requests (model__page_req): one stands for a device access
 *   to that page that found it not present in the traced system. Faulting
 *   mode: it faults whatever the residency model says (a stale ATC/IOTLB
 *   entry is dropped first: the traced system had none) and goes through
 *   ATS + PRI as above; without ATS it is an unrecoverable fault. Pinned
 *   mode: the page would be pinned, so it is an ordinary translation. After
 *   it the page is resident, so the residency model never faults it again;
 *   a model__access() of that page by that device at the same time is the
 *   access that faulted: counted, not translated again (no double count).
 *   A page the model faulted in and a later trace request names again is
 *   faulted again: the trace saw it not present (e.g. reclaimed).
 * - Pinned path: pin costs pin.page_ns per page; map/unmap per call + per
 *   page; strict unmap invalidates the range (IOTLB, PWC, every ATC); lazy
 *   unmap queues on its domain's flush queue as Linux 6.1 does
 *   (dma-iommu.c queue_iova: per domain, a ring of inval.fq_entries per
 *   CPU and one timer): a full ring flushes the domain (IOTLB + all ATCs)
 *   and frees that CPU's ring; the domain's timer, armed by the first entry
 *   while it is off, fires inval.fq_timeout_ns later, flushes the domain
 *   and frees every ring. Until then stale translations keep hitting (that
 *   is lazy mode's risk and gain).
 * - Invalidation cost, from the model and from the trace alike: every
 *   synchronous wait (qi_submit_sync) costs inval.qi_wait_ns of CPU
 *   (inval.wait_ns, inval.sync_waits), charged to the unmap path when the
 *   CPU's last map/unmap was an unmap (unmap.inval_wait_ns), to the map
 *   path for caching-mode flushes (map.inval_wait_ns). Model source, as
 *   Linux 6.1 issues them: the IOTLB flush is one wait
 *   (iommu_flush_iotlb_psi), then iommu_flush_dev_iotlb() one per ATS
 *   device, each plus the ATS round trip (2 x pcie.one_way_ns +
 *   ats.inval_dev_ns): strict + ATS waits twice per unmap. Trace source:
 *   inval.trace_waits=descriptor (6.1: one qi_submit_sync per descriptor)
 *   or run (batching kernels: one CPU's descriptors at one time, a
 *   device-TLB descriptor after the IOTLB's its own); traced inv_wait
 *   descriptors, when a kernel shows them, are the waits (=wait: only they,
 *   from the first record: AMD-Vi's COMPLETION_WAIT, replay/inval_amd.h).
 *   A traced wait after only caching-mode flushes on its CPU is the map
 *   path's, and goes with them when iommu.caching_mode=off.
 * - Caching mode (VT-d spec 6.1, CAP.CM=1: QEMU's vIOMMU): the kernel
 *   flushes the IOTLB page-selectively after each map (Linux
 *   __mapping_notify_one, IOTLB only). A trace flush overlapping a map the
 *   same CPU made since its last unmap of it is recognised as one
 *   (inval.caching_mode_flushes); iommu.caching_mode=off (bare metal)
 *   drops them, on/auto keep them; model source with caching mode on
 *   issues one per map (auto: once the trace showed the pattern).
 * - ATS per device: with ats.enabled on, a device uses ATS unless the
 *   caller said it has none (model__set_dev_ats: a trace whose device-TLB
 *   invalidations never name it; Linux sends them only to ATS-enabled
 *   devices, iommu_flush_dev_iotlb). A device without ATS has no ATC: its
 *   requests go to the IOTLB, and it needs no device-TLB invalidation.
 * - IOMMU units (VT-d: each DMAR unit has its own IOTLB, paging-structure
 *   caches and invalidation queue): a device translates through its unit's
 *   caches (model__set_dev_unit; the replay ties devices to units from the
 *   trace's unit names), a trace descriptor invalidates only the unit it
 *   was submitted to, a model-issued invalidation every unit (the model
 *   does not track which unit serves a domain). iommu.units > 0 caps the
 *   number of units (1: one set of caches for every device).
 * - Device-TLB invalidations from the trace apply to every ATC (their
 *   source id is not mapped to a model device). Model-issued ones go to
 *   the ATS devices of the invalidated domain, one wait each (Linux
 *   iommu_flush_dev_iotlb walks the domain's devices); a device's domain
 *   is that of its latest translation (all share domain 0 unless
 *   replay.domain_per_device).
 */
#ifndef SVATRACE_MODEL_MODEL_H
#define SVATRACE_MODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "model/xlate/config.h"
#include "model/results.h"

#define MODEL_MAX_DEVS 4096 /* distinct devices (ATCs) */
#define MODEL_MAX_CPUS 1024 /* flush queues */
#define MODEL_MAX_UNITS 64  /* IOMMU (DMAR) units with caches of their own */

/* VT-d invalidation descriptor types (VT-d spec 6.5.2), as the model names them. */
enum model_qi_type {
	MODEL_QI_CC_INV = 0x1,
	MODEL_QI_IOTLB_INV = 0x2,
	MODEL_QI_DEV_TLB_INV = 0x3,
	MODEL_QI_IEC_INV = 0x4,
	MODEL_QI_INV_WAIT = 0x5,
	MODEL_QI_P_IOTLB_INV = 0x6,
	MODEL_QI_PC_INV = 0x7,
	MODEL_QI_P_DEV_TLB_INV = 0x8,
	MODEL_QI_PAGE_GRP_RESP = 0x9,
	MODEL_QI_NR_TYPES_ = 0x10,
};

/* One device access (or one expanded page/line of a mapping). */
struct model_access {
	uint64_t iova;	 /* first byte */
	uint64_t bytes;	 /* length (>= 1) */
	uint32_t dev;	 /* device index, < MODEL_MAX_DEVS (the caller numbers devices) */
	uint32_t sid;	 /* source id: context-cache key */
	uint32_t domain; /* domain id */
	uint32_t pasid;	 /* PASID (0 when none) */
	uint8_t write;	 /* device writes */
};

/* One invalidation descriptor taken from a trace (decoded qi_submit). */
struct model_qi {
	uint32_t type;	      /* enum model_qi_type */
	uint32_t granularity; /* type's granularity field */
	uint32_t domain;      /* DID, or IOTLB_ANY when the trace cannot tie it */
	uint32_t pasid;	      /* PASID, IOTLB_ANY if none */
	uint64_t addr;	      /* page-selective: address */
	uint32_t addr_mask;   /* page-selective: log2 of pages */
	uint32_t cpu;	      /* CPU that submitted it: descriptors of one CPU at one time are one
				 qi_submit_sync */
	uint32_t unit;	      /* index of the IOMMU unit it was submitted to (0: the first) */
};

/* One page request taken from a trace (decoded PAGE_REQ, VT-d 7.5.1). */
struct model_page_req {
	uint64_t addr;	  /* address of the page (low bits ignored) */
	uint32_t dev;	  /* device index, as for model_access */
	uint32_t sid;	  /* source id: context-cache key */
	uint32_t domain;  /* domain id */
	uint32_t pasid;	  /* PASID (0 when none) */
	uint32_t grpid;	  /* page request group index */
	uint8_t write;	  /* write access requested */
	uint8_t last;	  /* last request of its group */
	uint8_t at_touch; /* sent when a device first touches the page, not at @t_ns */
};

struct model;

/** model_qi_type_name() - "iotlb_inv", ...; "type_N" for unknown (static buffer-free). */
const char *model_qi_type_name(uint32_t type);

/**
 * model__new() - a model at time 0.
 * @cfg: configuration that passed model_cfg_check(); copied.
 *
 * Return: the model, or NULL with errno (EINVAL if @cfg is invalid).
 */
struct model *model__new(const struct model_cfg *cfg);

/** model__free() - free; NULL is a no-op. */
void model__free(struct model *m);

/** model__advance() - fire model events (flush timeouts) up to @t_ns. */
void model__advance(struct model *m, uint64_t t_ns);

/** model__latency_sum_ns() - sum of every translation latency so far (cheap; for callers that
 * charge stalls). */
uint64_t model__latency_sum_ns(const struct model *m);

/**
 * model__prefetch() - a hint that @a will be model__access()ed soon: start
 * loading what its first page's lookup reads from memory (the table of
 * translations in flight). Changes nothing the model computes.
 */
void model__prefetch(const struct model *m, const struct model_access *a);

/**
 * model__prefetch_useful() - false when model__prefetch() would fetch
 * nothing (no translation in flight), so a caller can skip working out
 * what to prefetch.
 */
bool model__prefetch_useful(const struct model *m);

/** model__access() - translate every page of @a at @t_ns. Return: pages looked up. */
uint64_t model__access(struct model *m, uint64_t t_ns, const struct model_access *a);

/**
 * model__fault_probe() - faulting mode: the offset in [0, @a->bytes) of the
 * first page of @a that is not present (drawing first-touch residency as an
 * access would), or UINT64_MAX. That page counts as present from then on:
 * the caller's software faults it in (a device WQ with block_on_fault=0
 * reports a partial completion instead of a page request). Pinned mode:
 * UINT64_MAX.
 */
uint64_t model__fault_probe(struct model *m, const struct model_access *a);

/**
 * model__page_req() - a page request from the trace at @t_ns: one device
 * access to @r->addr that faulted (see "Trace page requests" above).
 */
void model__page_req(struct model *m, uint64_t t_ns, const struct model_page_req *r);

/**
 * model__set_dev_ats() - whether device @dev uses ATS (an ATC) when
 * ats.enabled is on; every device does until told otherwise (the trace's
 * device-TLB invalidations say which do: replay/owners.h). Ignored with
 * ats.devices=all.
 */
void model__set_dev_ats(struct model *m, uint32_t dev, bool ats);

/**
 * model__iova_held() - lazy invalidation from the model: is a page of
 * [@iova, +@bytes) in @domain still held by a flush queue (unmapped, not
 * yet flushed and freed)? Linux would not hand it out for a new map yet.
 */
bool model__iova_held(struct model *m, uint32_t domain, uint64_t iova, uint64_t bytes);

/**
 * model__set_dev_unit() - device @dev is behind IOMMU unit @unit (an index;
 * 0 until told): its translations use that unit's IOTLB, walk caches and
 * walkers, and only that unit's invalidation descriptors reach them.
 */
void model__set_dev_unit(struct model *m, uint32_t dev, uint32_t unit);

/** model__map() - an iommu map (or DMA-API map) of [@iova, +@bytes) in @domain. */
void model__map(struct model *m, uint64_t t_ns, uint32_t cpu, uint32_t domain, uint64_t iova,
		uint64_t bytes);

/**
 * model__unmap() - an unmap; invalidates per inval.mode unless the
 * invalidation source is the trace (model__set_trace_inval()).
 */
void model__unmap(struct model *m, uint64_t t_ns, uint32_t cpu, uint32_t domain, uint64_t iova,
		  uint64_t bytes);

/** model__pin() - pin (@unpin false) or unpin @nr_pages pages. */
void model__pin(struct model *m, uint64_t t_ns, uint64_t nr_pages, bool unpin);

/** model__qi() - apply (trace source) or only count (model source) one descriptor. */
void model__qi(struct model *m, uint64_t t_ns, const struct model_qi *q);

/**
 * model__finish() - end of input at @t_ns: run pending events (flushes).
 * Idempotent; call before model__report().
 */
void model__finish(struct model *m, uint64_t t_ns);

/**
 * model__report() - every metric, the latency histogram and time series to
 * @sink (metric/histogram/series calls only; the caller begins/ends the run).
 * Return: 0 or the first negative value a sink call returned.
 */
int model__report(const struct model *m, const struct results_sink *sink);

/** model__metric() - one metric by key (same keys as model__report), NAN if unknown. */
double model__metric(const struct model *m, const char *key);

/**
 * model__end_ns() - the latest time the model has seen or simulated; after
 * model__finish(), when its last work (PRI responses, lazy flushes) completed.
 */
uint64_t model__end_ns(const struct model *m);

/** model__latency_pct() - translation latency percentile @pct (0..100), ns (hist_quantile()). */
uint64_t model__latency_pct(const struct model *m, double pct);

/** model__effective_inval_source() - MODEL_INVSRC_TRACE or _MODEL as decided so far. */
uint32_t model__effective_inval_source(const struct model *m);

#endif /* SVATRACE_MODEL_MODEL_H */
