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
 * - Walk = pwalk reads x mem.read_ns served by walk.walkers FCFS walkers
 *   (model/xlate/walk.h).
 * - Pinned mode: accessed pages are present. Faulting mode: a page is
 *   present once touched (or with probability model.resident_fraction at
 *   first touch); a non-present page with ATS takes the PRI path: ATS fails,
 *   page request (PCIe one way), PRQ (overflow when pri.prq_entries wait:
 *   the IOMMU auto-responds and the device retries after pri.retry_ns, at
 *   most pri.max_retries times), a handler (pri.handlers FCFS) serves a
 *   minor/major fault, page group response (one way), retry ATS, ATC fill.
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
 *   A request that is not the last holds its PRQ slot for pri.dispatch_ns
 *   (the PRQ thread moves it to the partial list) and a device slot until
 *   the response. model__finish answers groups whose last request never
 *   came as if their latest request had been the last (counted).
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
 *   page; strict unmap invalidates the range (IOTLB, PWC, every ATC) and
 *   waits inval.qi_wait_ns (+ an ATS round trip and ats.inval_dev_ns with
 *   ATS); lazy unmap enqueues on the CPU's flush queue, which is flushed
 *   (domain-wide IOTLB + all ATCs, one wait) when it holds inval.fq_entries
 *   or inval.fq_timeout_ns after its first entry. Until then stale
 *   translations keep hitting (that is lazy mode's risk and gain).
 * - The trace does not say which device a domain serves, nor map a source
 *   id to a device: device-TLB invalidations apply to every device's ATC.
 */
#ifndef SVATRACE_MODEL_MODEL_H
#define SVATRACE_MODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "model/xlate/config.h"
#include "model/results.h"

#define MODEL_MAX_DEVS 4096	/* distinct devices (ATCs) */
#define MODEL_MAX_CPUS 1024	/* flush queues */

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
	uint64_t iova;		/* first byte */
	uint64_t bytes;		/* length (>= 1) */
	uint32_t dev;		/* device index, < MODEL_MAX_DEVS (the caller numbers devices) */
	uint32_t sid;		/* source id: context-cache key */
	uint32_t domain;	/* domain id */
	uint32_t pasid;		/* PASID (0 when none) */
	uint8_t write;		/* device writes */
};

/* One invalidation descriptor taken from a trace (decoded qi_submit). */
struct model_qi {
	uint32_t type;		/* enum model_qi_type */
	uint32_t granularity;	/* type's granularity field */
	uint32_t domain;	/* DID, or IOTLB_ANY when the trace cannot tie it */
	uint32_t pasid;		/* PASID, IOTLB_ANY if none */
	uint64_t addr;		/* page-selective: address */
	uint32_t addr_mask;	/* page-selective: log2 of pages */
};

/* One page request taken from a trace (decoded PAGE_REQ, VT-d 7.5.1). */
struct model_page_req {
	uint64_t addr;		/* address of the page (low bits ignored) */
	uint32_t dev;		/* device index, as for model_access */
	uint32_t sid;		/* source id: context-cache key */
	uint32_t domain;	/* domain id */
	uint32_t pasid;		/* PASID (0 when none) */
	uint32_t grpid;		/* page request group index */
	uint8_t write;		/* write access requested */
	uint8_t last;		/* last request of its group */
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

/** model__latency_sum_ns() - sum of every translation latency so far (cheap; for callers that charge stalls). */
uint64_t model__latency_sum_ns(const struct model *m);

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
