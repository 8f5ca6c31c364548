/* SPDX-License-Identifier: GPL-2.0 */
/*
 * owners.h - who owns what, as far as a trace says: which domain an
 * iommu:map record mapped into, which source ids (devices) have ATS, which
 * domain a device with ATS is in, and which IOMMU unit serves a domain.
 * Built by one pass over the trace before the replay (like host.cpus), so
 * a map is attributed even though the invalidation that names its domain
 * comes after it.
 *
 * Replay assumptions (docs/replay.md, docs/model.md):
 * - Linux 6.1's iommu:map tracepoint carries no device and no domain. A
 *   map's domain is the DID of the page-selective IOTLB flush that covers
 *   it on the same CPU afterwards: the caching-mode flush after the map
 *   (VT-d 6.1 CAP.CM=1, __mapping_notify_one) or, failing that, the flush
 *   after the unmap of that IOVA (strict mode: iommu_flush_iotlb_psi).
 * - A source id has ATS when the trace has a device-TLB invalidation for it
 *   (Linux sends them only to devices with ATS enabled: iommu_flush_dev_iotlb
 *   skips !info->ats_enabled). A domain has an ATS device when a device-TLB
 *   invalidation follows an IOTLB invalidation of that domain on the same
 *   CPU (iommu_flush_iotlb_psi then iommu_flush_dev_iotlb, one pair per
 *   flush). A trace with no device-TLB invalidation says nothing about ATS.
 * - A domain's IOMMU unit is the unit (iommu_id) its descriptors went to.
 * - Linux 6.12's dma:dma_map_* tracepoints name the device and fire after
 *   the iommu:map of the IOVA (iommu_dma_map_page maps, then traces): the
 *   domain of the live map at a DMA-API map's page is that device's (the
 *   first device named wins: one device per domain, no groups).
 * - A record a scenario moved to another IOVA (inval=lazy defers IOVA reuse)
 *   keeps its CPU and time: its domain is found by those when the IOVA no
 *   longer matches, unless records of two domains share them (then none).
 */
#ifndef SVATRACE_REPLAY_OWNERS_H
#define SVATRACE_REPLAY_OWNERS_H

#include <stdbool.h>
#include <stdint.h>

#include "replay/source.h"

#define OWNERS_NONE UINT32_MAX /* not known */

struct owners;

/** owners__new() - empty (the trace says nothing); NULL with errno ENOMEM. */
struct owners *owners__new(void);

/** owners__free() - free; NULL is a no-op. */
void owners__free(struct owners *o);

/**
 * owners__scan() - learn from every record of @src, then rewind it. A read
 * error ends the pass (the good prefix counts; the replay reports it).
 * Return: 0, or a negative errno (memory, rewinding @src).
 */
int owners__scan(struct owners *o, struct replay_source *src);

/**
 * owners__map_domain() - the DID of the iommu:map or iommu:unmap record at
 * (@cpu, @ts_ns, @iova), or OWNERS_NONE.
 */
uint32_t owners__map_domain(const struct owners *o, uint32_t cpu, uint64_t ts_ns, uint64_t iova);

/**
 * owners__ats_known() - the trace says which devices have ATS: it has
 * device-TLB invalidations, or IOTLB flushes of domains and none of them
 * (no device has ATS).
 */
bool owners__ats_known(const struct owners *o);

/** owners__sid_ats() - the trace invalidated @sid's device TLB. */
bool owners__sid_ats(const struct owners *o, uint32_t sid);

/** owners__domain_sid() - the source id of @domain's device with ATS, or OWNERS_NONE. */
uint32_t owners__domain_sid(const struct owners *o, uint32_t domain);

/**
 * owners__domain_dev() - the string id of the device a DMA-API map of
 * @domain's names (the first), or OWNERS_NONE (the trace has no dma:* maps).
 */
uint32_t owners__domain_dev(const struct owners *o, uint32_t domain);

/** owners__domain_unit() - the string id of @domain's IOMMU unit, or OWNERS_NONE. */
uint32_t owners__domain_unit(const struct owners *o, uint32_t domain);

/** owners__nr_units() - distinct IOMMU units the trace's descriptors went to (0: none). */
uint32_t owners__nr_units(const struct owners *o);

/** owners__unit_index() - index (0..nr_units-1) of unit string id @unit, OWNERS_NONE if unseen. */
uint32_t owners__unit_index(const struct owners *o, uint32_t unit);

#endif /* SVATRACE_REPLAY_OWNERS_H */
