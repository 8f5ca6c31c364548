/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iova_reloc.h - moving maps off IOVAs that lazy invalidation still holds.
 *
 * Linux frees an unmapped IOVA only when its flush-queue entry is freed
 * after a flush (drivers/iommu/dma-iommu.c: queue_iova, fq_ring_free ->
 * free_iova_fast), so under lazy invalidation a map never reuses an IOVA
 * whose unmap still waits. A trace recorded under another policy (strict)
 * reuses them at once (2600 of the bundled trace's 4036 maps). Replaying it
 * lazily, such a map is moved to a fresh range above IOVA_RELOC_BASE (never
 * reused), and every later record that names one of its pages (accesses,
 * its unmap, DMA-API records) follows it, until a map of the original page
 * that needs no move ends the alias.
 *
 * Who holds an IOVA is the caller's: the inval=lazy scenario's own flush
 * queues, or the model's (model__iova_held) with --set inval.mode=lazy.
 */
#ifndef SVATRACE_REPLAY_IOVA_RELOC_H
#define SVATRACE_REPLAY_IOVA_RELOC_H

#include <stdbool.h>
#include <stdint.h>

#define IOVA_RELOC_BASE (1ull << 46) /* relocated maps go from here up (never reused) */

/* Is page @page (IOVA >> 12) still held? */
typedef bool (*iova_held_fn)(void *ctx, uint64_t page);

struct iova_reloc;

/** iova_reloc__new() - no page moved; NULL with errno ENOMEM. */
struct iova_reloc *iova_reloc__new(void);

/** iova_reloc__free() - free; NULL is a no-op. */
void iova_reloc__free(struct iova_reloc *r);

/**
 * iova_reloc__map() - a map of [*@iova, +@bytes): if @held says a page of
 * it is held, *@iova moves to a fresh range (and its pages alias there).
 * Return: 1 if it moved, 0 if not, -ENOMEM.
 */
int iova_reloc__map(struct iova_reloc *r, uint64_t *iova, uint64_t bytes, iova_held_fn held,
		    void *ctx);

/** iova_reloc__moved() - where @iova is after the moves (itself if its page was not moved). */
uint64_t iova_reloc__moved(const struct iova_reloc *r, uint64_t iova);

/**
 * iova_reloc__run() - where the range [@iova, +@bytes) starts after the
 * moves, and in *@run_bytes how much of it stays contiguous there. A range
 * one unmap (or DMA-API record) names may span several maps (a scatterlist:
 * one IOVA allocation, one iommu_map per segment) that moved apart; its
 * pages follow their own maps, one run at a time.
 * Return: the moved address of @iova.
 */
uint64_t iova_reloc__run(const struct iova_reloc *r, uint64_t iova, uint64_t bytes,
			 uint64_t *run_bytes);

/** iova_reloc__nr_moved() - maps moved so far. */
uint64_t iova_reloc__nr_moved(const struct iova_reloc *r);

#endif /* SVATRACE_REPLAY_IOVA_RELOC_H */
