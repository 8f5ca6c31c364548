/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collect.h - types shared by the BPF programs (collect/bpf/svatrace.bpf.c)
 * and the loader (collect/collector.c): the ring-buffer record, the probe
 * ids, and struct svt_event, the decoded form of one record that the
 * converter (collect/convert.c) and the trace.dat importer work on. None of
 * this is the on-disk format: the loader converts each event into a
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
#define SVT_MAX_CPUS 1024	/* per-CPU wakeup counters in BPF; higher CPU ids wake per event */

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
 * The ring-buffer record: this 40-byte header, then only what the probe
 * fills, in this order: nr_v 8-byte values (the first nr_v of svt_event.v),
 * then ret (SVT_RF_RET), dur_ns (SVT_RF_DUR), s1 (SVT_RF_S1) and s2
 * (SVT_RF_S2). Each program reserves exactly SVT_REC_BYTES(nr_v, flags) and
 * writes every byte of it except past a string's NUL, so no event pays for
 * zeroing or carrying fields it does not use (a 3-value iommu:map record is
 * 64 bytes, not 184). The loader expands a record into struct svt_event.
 */
struct svt_rec {
	__u64 ts_ns;			/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 tgid;			/* process id */
	__u32 tid;			/* thread id */
	__u16 probe;			/* enum svt_probe */
	__u16 op;			/* probe-specific sub-op (e.g. scatterlist index) */
	__u16 cpu;			/* bpf_get_smp_processor_id() */
	__u8 nr_v;			/* 8-byte values that follow (<= 8) */
	__u8 flags;			/* SVT_RF_*: which optional parts follow */
	char comm[SVT_COMM_BYTES];	/* task name */
};

#define SVT_RF_RET 0x01		/* an 8-byte ret follows the values */
#define SVT_RF_DUR 0x02		/* then an 8-byte dur_ns */
#define SVT_RF_S1 0x04		/* then SVT_STR_BYTES of s1 */
#define SVT_RF_S2 0x08		/* then SVT_STR_BYTES of s2 */

/* Byte offsets of the optional parts, and the record size. */
#define SVT_REC_OFF_RET(nv) (sizeof(struct svt_rec) + 8 * (nv))
#define SVT_REC_OFF_DUR(nv, fl) (SVT_REC_OFF_RET(nv) + (((fl) & SVT_RF_RET) ? 8 : 0))
#define SVT_REC_OFF_S1(nv, fl) (SVT_REC_OFF_DUR(nv, fl) + (((fl) & SVT_RF_DUR) ? 8 : 0))
#define SVT_REC_OFF_S2(nv, fl) (SVT_REC_OFF_S1(nv, fl) + (((fl) & SVT_RF_S1) ? SVT_STR_BYTES : 0))
#define SVT_REC_BYTES(nv, fl) (SVT_REC_OFF_S2(nv, fl) + (((fl) & SVT_RF_S2) ? SVT_STR_BYTES : 0))

/* BPF per-CPU state (an array in .bss, see svatrace.bpf.c). */
struct svt_pcpu {
	__u64 unwoken_bytes;		/* submitted since this CPU last woke the consumer */
	__u64 pad[7];			/* one cache line per CPU */
};

/*
 * One event, decoded: what the converter reads (the trace.dat importer
 * fills it too). v[] is per probe (see the converter for each); s1 is
 * usually the device name, s2 the driver or IOMMU unit.
 */
struct svt_event {
	__u64 ts_ns;			/* CLOCK_MONOTONIC (trace.dat: the file's clock) */
	__u64 v[8];			/* probe-specific values; a DSA descriptor for WQ submits */
	__s64 ret;			/* return value where the probe has one */
	__u64 dur_ns;			/* entry-to-exit time for entry/exit pairs */
	__u32 tgid;			/* process id */
	__u32 tid;			/* thread id */
	__u32 cpu;			/* CPU the event happened on */
	__u16 probe;			/* enum svt_probe */
	__u16 op;			/* probe-specific sub-op (e.g. scatterlist index) */
	char comm[SVT_COMM_BYTES];	/* task name */
	char s1[SVT_STR_BYTES];		/* device name */
	char s2[SVT_STR_BYTES];		/* driver / IOMMU unit name */
};

#endif /* SVATRACE_COLLECT_H */
