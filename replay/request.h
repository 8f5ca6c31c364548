/* SPDX-License-Identifier: GPL-2.0 */
/*
 * request.h - record -> request normalisation: turns one trace record (in
 * time order, after the scenario chain) into the model's requests (device
 * accesses, maps, unmaps, pins, invalidation descriptors, page requests),
 * work-queue records and maps offered for expansion, delivered through a
 * const ops table the replay implements (so a test can capture them).
 *
 * It also numbers devices (a trace string id -> a model device index, in
 * order of first use, at most MODEL_MAX_DEVS) and owns the strings a
 * scenario transform adds (ids from REQUEST_INTERN_BASE on).
 *
 * Replay assumptions (docs/replay.md):
 * - Domains: all devices share domain 0 unless domain_per_device; then a
 *   device's domain is the DID the trace ties it to (replay/owners.h), else
 *   its own index. Without domain_per_device a trace descriptor's
 *   domain-selective invalidation applies to every domain (IOTLB_ANY).
 * - An iommu:map/unmap without a device (Linux 6.1's tracepoints) goes to
 *   the device of the domain the trace ties it to ("sid:0xNNNN" for a
 *   domain with an ATS device, else "dom:N"); when nothing ties it, to
 *   "dom:unknown" (no ATS) if the trace names its ATS devices, else device 0.
 * - ATS per device: with device-TLB invalidations in the trace, a device
 *   has ATS when they name its source id (ops->device says so).
 * - IOMMU units: a device tied to a domain is behind the unit that
 *   domain's descriptors went to, a page request's device behind the
 *   record's unit; a descriptor's unit is its record's (indices in order of
 *   first use, replay/owners.h).
 * - Lazy invalidation in the model (ops->iova_held): a map of an IOVA a
 *   flush queue still holds moves to a fresh range, and what names its
 *   pages later follows it (replay/iova_reloc.h, as the inval=lazy
 *   scenario does).
 * - iommu:map records carry the IOMMU side when the trace has them; a
 *   DMA-API map or unmap reaches the model only until the first iommu:map.
 * - A page request's device is the record's device name, else its
 *   requester id ("sid:0xNNNN", one device per requester id).
 * - Responses, faults, groups, waits and cache tags are counted, not
 *   modelled.
 */
#ifndef SVATRACE_REPLAY_REQUEST_H
#define SVATRACE_REPLAY_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "model/xlate/model.h"
#include "replay/expand.h"
#include "replay/owners.h"
#include "trace/format.h"

#define REQUEST_INTERN_BASE (1u << 30)	      /* string ids a scenario adds start here */
#define REQUEST_NR_QI_TYPES TRACE_QI_NR_TYPES /* descriptor type field: 4 bits (VT-d 6.5.2) */

/* Where normalised requests go. Each returns 0 or a negative errno. */
struct request_ops {
	int (*access)(void *ctx, uint64_t ts_ns, const struct model_access *a);
	int (*page_req)(void *ctx, uint64_t ts_ns, const struct model_page_req *r);
	int (*map)(void *ctx, uint64_t ts_ns, uint32_t cpu, uint32_t domain, uint64_t iova,
		   uint64_t bytes);
	int (*unmap)(void *ctx, uint64_t ts_ns, uint32_t cpu, uint32_t domain, uint64_t iova,
		     uint64_t bytes);
	int (*qi)(void *ctx, uint64_t ts_ns, const struct model_qi *q);
	int (*pin)(void *ctx, uint64_t ts_ns, uint64_t nr_pages, bool unpin);
	int (*expand)(void *ctx, uint64_t ts_ns, const struct expand_map *m);
	int (*wq_submit)(void *ctx, uint64_t ts_ns, const struct trace_rec_wq_submit *w);
	int (*wq_complete)(void *ctx, uint64_t ts_ns, const struct trace_rec_wq_complete *c);
	/* optional: device @dev was numbered: what the trace says of its ATS (REQUEST_ATS_*)
	 * and its IOMMU unit (an index, OWNERS_NONE if it does not say) */
	int (*device)(void *ctx, uint32_t dev, int ats, uint32_t unit);
	/* optional: is a page of [@iova, +@bytes) in @domain held by a lazy flush queue? */
	bool (*iova_held)(void *ctx, uint32_t domain, uint64_t iova, uint64_t bytes);
};

/* What the trace says about a device's ATS (replay/owners.h). */
enum { REQUEST_ATS_UNKNOWN, REQUEST_ATS_YES, REQUEST_ATS_NO };

/* Counts of what was normalised. */
struct request_stats {
	uint64_t nr_maps;		     /* iommu:map records */
	uint64_t nr_dma_maps;		     /* DMA-API maps */
	uint64_t nr_qi[REQUEST_NR_QI_TYPES]; /* invalidation descriptors by type */
	uint64_t nr_attributed;		     /* maps/unmaps without a device tied to a domain's */
	uint64_t nr_unattributed; /* ... that nothing tied (device "dom:unknown", no ATS) */
	uint64_t nr_moved; /* maps moved off IOVAs a lazy flush queue held (ops->iova_held) */
};

/* Names of trace string ids (the trace's string table). */
typedef const char *(*request_string_fn)(void *ctx, uint32_t id);

struct request;

/**
 * request__new() - a normaliser.
 * @domain_per_device: each device its own domain (replay.domain_per_device).
 * @expand_wq: offer work descriptors' ranges for expansion (replay.expand_wq).
 * @string: names of the trace's string ids; @string_ctx its context.
 * Return: the object, NULL with errno ENOMEM.
 */
struct request *request__new(bool domain_per_device, bool expand_wq, request_string_fn string,
			     void *string_ctx);

/** request__free() - free; NULL is a no-op. */
void request__free(struct request *rq);

/**
 * request__intern() - the id of @s among the added strings (added if new).
 * Return: 0 with *@id >= REQUEST_INTERN_BASE, or -ENOMEM.
 */
int request__intern(struct request *rq, const char *s, uint32_t *id);

/** request__string() - the name of @id (trace or added), NULL if unknown. */
const char *request__string(const struct request *rq, uint32_t id);

/**
 * request__access() - the model access a device-access record @d stands
 * for, into @a, as request__record() hands it to @ops->access (which is not
 * called: for a caller that calls the model directly). A device seen for
 * the first time is numbered and told to @ops->device.
 * Return: 0, or -ENOMEM / the negative result of @ops->device.
 */
int request__access(struct request *rq, const struct trace_rec_dev_access *d,
		    const struct request_ops *ops, void *ctx, struct model_access *a);

/**
 * request__peek_access() - request__access() of a record whose device is
 * numbered already, changing nothing (to look ahead). Return: false, with
 * @a untouched, if the device is new.
 */
bool request__peek_access(const struct request *rq, const struct trace_rec_dev_access *d,
			  struct model_access *a);

/**
 * request__record() - normalise @rec, replayed at @ts_ns, into @ops.
 * Return: 0, -ENOMEM (numbering a device), or the first negative result
 * of an op.
 */
int request__record(struct request *rq, const struct trace_rec *rec, uint64_t ts_ns,
		    const struct request_ops *ops, void *ctx);

/**
 * request__set_owners() - what a pass over the trace learnt (owners__scan):
 * iommu:map/unmap records without a device go to their domain's device,
 * and devices get ATS as the trace's device-TLB invalidations say. @own
 * must outlive @rq; NULL: nothing known (the default).
 */
void request__set_owners(struct request *rq, const struct owners *own);

/**
 * request__domain() - the model domain of device @dev: 0 unless
 * domain_per_device; then the DID the trace tied the device to, else @dev.
 */
uint32_t request__domain(const struct request *rq, uint32_t dev);

/** request__nr_devs() - devices numbered so far. */
uint32_t request__nr_devs(const struct request *rq);

/** request__stats() - counts so far. */
const struct request_stats *request__stats(const struct request *rq);

#endif /* SVATRACE_REPLAY_REQUEST_H */
