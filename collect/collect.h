/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collect.h - types shared by the BPF programs (collect/bpf/svatrace.bpf.c)
 * and the loader (collect/collector.c): the ring-buffer event and the probe
 * ids. This is NOT the on-disk format: the loader converts each event into a
 * trace/format.h record. Fixed-width types, largest first, so both sides
 * agree on the layout without padding surprises.
 */
#ifndef SVATRACE_COLLECT_H
#define SVATRACE_COLLECT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SVT_STR_BYTES 32	/* device / driver / iommu names kept per event */
#define SVT_COMM_BYTES 16	/* task name (TASK_COMM_LEN) */
#define SVT_SG_MAX 128		/* scatterlist entries recorded per sg event; more count as lost */
#define SVT_MAX_UPROBES 16	/* --uprobe options per run */
#define SVT_MAX_TRACEPOINTS 16	/* --tracepoint options per run */

/* One probe = one BPF program; ids index the lost/seen counters. */
enum svt_probe {
	SVT_P_IOMMU_MAP,
	SVT_P_IOMMU_UNMAP,
	SVT_P_IOMMU_IO_PAGE_FAULT,
	SVT_P_IOMMU_ADD_GROUP,
	SVT_P_IOMMU_REMOVE_GROUP,
	SVT_P_IOMMU_ATTACH,
	SVT_P_DMA_MAP_PHYS,
	SVT_P_DMA_MAP_PAGE,
	SVT_P_DMA_MAP_RESOURCE,
	SVT_P_DMA_UNMAP_PHYS,
	SVT_P_DMA_UNMAP_PAGE,
	SVT_P_DMA_UNMAP_RESOURCE,
	SVT_P_DMA_MAP_SG,
	SVT_P_DMA_UNMAP_SG,
	SVT_P_DMA_ALLOC,
	SVT_P_DMA_ALLOC_PAGES,
	SVT_P_DMA_FREE,
	SVT_P_DMA_FREE_PAGES,
	SVT_P_DMA_SYNC_SINGLE_CPU,
	SVT_P_DMA_SYNC_SINGLE_DEV,
	SVT_P_DMA_SYNC_SG_CPU,
	SVT_P_DMA_SYNC_SG_DEV,
	SVT_P_QI_SUBMIT,
	SVT_P_PRQ_REPORT,
	SVT_P_CACHE_TAG_ASSIGN,
	SVT_P_CACHE_TAG_UNASSIGN,
	SVT_P_CACHE_TAG_FLUSH_RANGE,
	SVT_P_CACHE_TAG_FLUSH_ALL,
	SVT_P_CACHE_TAG_FLUSH_RANGE_NP,
	SVT_P_QI_SUBMIT_SYNC,
	SVT_P_IOPF_REPORT,
	SVT_P_IOPF_HANDLE_IOPF,
	SVT_P_IOPF_HANDLE_MM,
	SVT_P_IOPF_PAGE_RESPONSE,
	SVT_P_IOPF_GROUP_RESPONSE,
	SVT_P_PIN_FAST,
	SVT_P_PIN,
	SVT_P_PIN_REMOTE,
	SVT_P_PIN_UNLOCKED,
	SVT_P_UNPIN,
	SVT_P_UNPIN_DIRTY,
	SVT_P_IDXD_SUBMIT,
	SVT_P_IDXD_ENQCMDS,
	SVT_P_IDXD_COMPLETE,
	SVT_P_IDXD_WQ_THREAD,
	SVT_P_IDXD_MISC_THREAD,
	SVT_P_UPROBE_DSA,
	SVT_P_TRACEPOINT,	/* --tracepoint SYSTEM:NAME: raw payload, op = option index */
	SVT_P_MAX_
};

/*
 * The ring-buffer event. v[] is per probe (see the loader's converter for
 * each); s1 is usually the device name, s2 the driver or IOMMU unit.
 */
struct svt_event {
	__u64 ts_ns;			/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 v[8];			/* probe-specific values; a DSA descriptor for WQ submits */
	__s64 ret;			/* return value where the probe has one */
	__u64 dur_ns;			/* entry-to-exit time for entry/exit pairs */
	__u32 tgid;			/* process id */
	__u32 tid;			/* thread id */
	__u32 cpu;			/* bpf_get_smp_processor_id() */
	__u16 probe;			/* enum svt_probe */
	__u16 op;			/* probe-specific sub-op (e.g. scatterlist index) */
	char comm[SVT_COMM_BYTES];	/* task name */
	char s1[SVT_STR_BYTES];		/* device name */
	char s2[SVT_STR_BYTES];		/* driver / IOMMU unit name */
};

#endif /* SVATRACE_COLLECT_H */
