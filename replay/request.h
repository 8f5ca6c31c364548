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
 * - Domains: all devices share domain 0 unless domain_per_device (traces
 *   rarely tie a device to a domain); a trace descriptor's domain-selective
 *   invalidation then applies to every domain (IOTLB_ANY).
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
};

/* Counts of what was normalised. */
struct request_stats {
	uint64_t nr_maps;		     /* iommu:map records */
	uint64_t nr_dma_maps;		     /* DMA-API maps */
	uint64_t nr_qi[REQUEST_NR_QI_TYPES]; /* invalidation descriptors by type */
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
 * request__record() - normalise @rec, replayed at @ts_ns, into @ops.
 * Return: 0, -ENOMEM (numbering a device), or the first negative result
 * of an op.
 */
int request__record(struct request *rq, const struct trace_rec *rec, uint64_t ts_ns,
		    const struct request_ops *ops, void *ctx);

/** request__nr_devs() - devices numbered so far. */
uint32_t request__nr_devs(const struct request *rq);

/** request__stats() - counts so far. */
const struct request_stats *request__stats(const struct request *rq);

#endif /* SVATRACE_REPLAY_REQUEST_H */
