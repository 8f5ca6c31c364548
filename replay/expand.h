/* SPDX-License-Identifier: GPL-2.0 */
/*
 * expand.h - map expansion: a map (iommu or DMA-API) of [iova, +bytes)
 * becomes the device accesses that touch it, one per page or per line,
 * spaced in time by the device's bandwidth (docs/replay.md "Expansion").
 *
 * The replay offers every map with expand__map() and, before it replays a
 * record at time t, calls expand__run(t) to emit the steps due by t. Steps
 * of all pending maps interleave in time order (a min-heap by due time,
 * ties in creation order). Memory: one entry per map still being touched.
 *
 * Replay assumptions (docs/replay.md):
 * - the device touches a map from map time + delay_ns on, streaming at
 *   bytes_per_us: step k at start + offset_k * 1000 / bytes_per_us; one
 *   stream per device: a map starts when the device's earlier maps are
 *   streamed (FIFO), so concurrent maps of a device share its bandwidth
 *   instead of each streaming at bytes_per_us at once;
 * - request mode (the default through replay.expand=auto) makes one access
 *   per PCIe request, each one translation lookup as a device translates
 *   every TLP: reads of read_req_bytes (Max_Read_Request_Size), writes of
 *   write_req_bytes (Max_Payload_Size), naturally aligned (a request never
 *   crosses a 4 KiB boundary, PCIe Base spec 2.2.7); a map without a
 *   direction (iommu:map) is read; page mode touches each page the map
 *   covers once (the first and last partially), line mode each line_bytes
 *   piece;
 * - which maps expand (source): iommu maps, DMA-API maps, both, or auto:
 *   DMA-API maps once one was seen, iommu maps before that (a trace with
 *   both would otherwise count each buffer twice). Work-descriptor ranges
 *   (replay.expand_wq) count as DMA-side.
 */
#ifndef SVATRACE_REPLAY_EXPAND_H
#define SVATRACE_REPLAY_EXPAND_H

#include <stdint.h>

/* Where an offered map comes from (selects it by replay.expand_source). */
enum expand_origin {
	EXPAND_FROM_IOMMU_MAP = 0, /* iommu:map */
	EXPAND_FROM_DMA_MAP = 1,   /* dma:dma_map_*, dma_alloc */
	EXPAND_FROM_WQ = 2,	   /* a work descriptor's source or destination range */
};

/* Expansion settings (from the replay.* keys, mode resolved: never auto). */
struct expand_cfg {
	uint32_t mode;		  /* enum replay_expand: off, page or line */
	uint32_t source;	  /* enum replay_expand_source */
	uint64_t delay_ns;	  /* map to first access */
	uint64_t bytes_per_us;	  /* device streaming rate (> 0) */
	uint32_t line_bytes;	  /* line mode: bytes per access (> 0) */
	uint64_t page_bytes;	  /* page mode: page size (power of two) */
	uint32_t read_req_bytes;  /* request mode: bytes per read (power of two, <= 4096) */
	uint32_t write_req_bytes; /* request mode: bytes per write (power of two, <= 4096) */
};

/* A map range offered for expansion. */
struct expand_map {
	uint64_t iova;	/* first byte */
	uint64_t bytes; /* length (0 is taken as 1) */
	uint32_t dev;	/* device index */
	uint32_t pasid; /* PASID as in the record (TRACE_NO_PASID: none) */
	uint8_t write;	/* the device writes */
	uint8_t origin; /* enum expand_origin */
};

/* One device access an expansion step makes. */
struct expand_access {
	uint64_t iova;	/* first byte */
	uint64_t bytes; /* length (>= 1) */
	uint32_t dev;	/* device index */
	uint32_t pasid; /* PASID as in the record */
	uint8_t write;	/* the device writes */
};

/* Receives each access at its time; 0 or a negative errno (stops the run). */
typedef int (*expand_access_fn)(void *ctx, uint64_t t_ns, const struct expand_access *a);

struct expand;

/**
 * expand__new() - an expander with @cfg (copied).
 * Return: the object, or NULL with errno (ENOMEM; EINVAL if @cfg is invalid).
 */
struct expand *expand__new(const struct expand_cfg *cfg);

/** expand__free() - free; NULL is a no-op. */
void expand__free(struct expand *x);

/**
 * expand__map() - offer a map made at @ts_ns. It is queued if the mode is
 * not off and the source setting selects its origin.
 * Return: 1 queued, 0 not selected, -ENOMEM.
 */
int expand__map(struct expand *x, uint64_t ts_ns, const struct expand_map *m);

/**
 * expand__run() - emit, in time order, every step due at or before @t_ns
 * (UINT64_MAX: all that is pending).
 * Return: 0, or the first negative result of @fn.
 */
int expand__run(struct expand *x, uint64_t t_ns, expand_access_fn fn, void *ctx);

/**
 * expand__unmap() - [@iova, +@bytes) was unmapped: pending expansions it
 * overlaps stop (a driver unmaps once the device is done with a buffer, so
 * the device does not touch it afterwards; counted by expand__nr_cut()).
 */
int expand__unmap(struct expand *x, uint64_t iova, uint64_t bytes);

/**
 * expand__next_due_ns() - time of the next expanded access, UINT64_MAX if
 * none is pending: expand__run() to an earlier time does nothing.
 */
uint64_t expand__next_due_ns(const struct expand *x);

/** expand__nr_cut() - accesses not made because their map was unmapped first. */
uint64_t expand__nr_cut(const struct expand *x);

/** expand__nr_maps() - maps queued for expansion so far. */
uint64_t expand__nr_maps(const struct expand *x);

/** expand__nr_accesses() - accesses emitted so far. */
uint64_t expand__nr_accesses(const struct expand *x);

#endif /* SVATRACE_REPLAY_EXPAND_H */
