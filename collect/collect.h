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

#include "collect/probe_table.h"

#define SVT_STR_BYTES 32       /* device / driver / iommu names kept per event */
#define SVT_COMM_BYTES 16      /* task name (TASK_COMM_LEN) */
#define SVT_SG_MAX 128	       /* scatterlist entries recorded per sg event; more count as lost */
#define SVT_MAX_UPROBES 16     /* --uprobe options per run */
#define SVT_MAX_TRACEPOINTS 16 /* --tracepoint options per run */
#define SVT_MAX_CPUS 1024      /* per-CPU wakeup counters in BPF; higher CPU ids wake per event */

/* One probe = one BPF program; ids index the lost/seen counters (probe_table.h). */
#define SVT_PROBE_ID(ID, ...) SVT_P_##ID,
/* clang-format off */
enum svt_probe {
	SVT_PROBES(SVT_PROBE_ID, SVT_PROBE_ID, SVT_PROBE_ID, SVT_PROBE_ID)
	SVT_P_MAX_
};
/* clang-format on */
#undef SVT_PROBE_ID

/*
 * Record kinds: what a probe's values mean, one named struct each (below).
 * Several probes share a kind (every dma:* map/unmap/alloc/free/sync_single
 * event is SVT_K_DMA); probe_table.h gives each probe its kind.
 */
enum svt_kind {
	SVT_K_IOMMU_MAP,    /* struct svt_v_iommu_map */
	SVT_K_IOMMU_UNMAP,  /* struct svt_v_iommu_unmap */
	SVT_K_IOMMU_FAULT,  /* struct svt_v_iommu_fault; s1 device, s2 driver */
	SVT_K_IOMMU_GROUP,  /* struct svt_v_iommu_group (attach: no value); s1 device */
	SVT_K_DMA,	    /* struct svt_v_dma up to nr_ents; s1 device */
	SVT_K_DMA_SG,	    /* struct svt_v_dma, one record per entry (op = index); s1 device */
	SVT_K_QI_SUBMIT,    /* struct svt_v_qi_submit; s2 IOMMU */
	SVT_K_PRQ,	    /* struct svt_v_prq; s1 device, s2 IOMMU */
	SVT_K_CACHE_TAG,    /* struct svt_v_cache_tag; s1 device, s2 IOMMU */
	SVT_K_QI_WAIT,	    /* struct svt_v_qi_wait; ret, dur_ns; s2 IOMMU */
	SVT_K_IOPF_FAULT,   /* struct svt_v_iopf up to code; s1 device (report only) */
	SVT_K_IOPF_RESP,    /* struct svt_v_iopf: pasid, grpid, code; s1 device (6.1) */
	SVT_K_PIN,	    /* struct svt_v_pin; ret pages done or -errno; dur_ns (pin) */
	SVT_K_DSA_SUBMIT,   /* struct svt_v_dsa_desc; op wq, ret device number, desc_addr */
	SVT_K_DSA_ENQCMDS,  /* struct svt_v_dsa_enqcmds; ret, dur_ns */
	SVT_K_DSA_COMPLETE, /* struct svt_v_dsa_complete; desc_addr */
	SVT_K_IRQ,	    /* struct svt_v_irq */
	SVT_K_DSA_UPROBE,   /* struct svt_v_dsa_desc; op --uprobe index, ret 0 or -EFAULT, desc_addr
			     */
	SVT_K_TRACEPOINT,   /* struct svt_v_tracepoint; op --tracepoint index */
	SVT_K_AMD_CMD,	    /* struct svt_v_amd_cmd: one AMD-Vi command-buffer entry */
	SVT_K_MAX_
};

/*
 * The named values of each kind, in the order the record carries them
 * (every field 8 bytes: a record's nr_v counts them). The BPF programs fill
 * these structs; the converter and the trace.dat importer read them by name.
 */
#define SVT_NR_V 8 /* values per record at most (64 bytes: a DSA descriptor) */
/* Values in a struct, and values before a field (records that stop early). */
#define SVT_NV(type) ((__u32)(sizeof(type) / 8))
#define SVT_NV_BEFORE(type, field) ((__u32)(__builtin_offsetof(type, field) / 8))

struct svt_v_iommu_map {  /* iommu:map (include/trace/events/iommu.h) */
	__u64 iova;	  /* IO virtual address */
	__u64 paddr;	  /* physical address */
	__u64 size_bytes; /* mapping size */
};

struct svt_v_iommu_unmap {    /* iommu:unmap */
	__u64 iova;	      /* IO virtual address */
	__u64 size_bytes;     /* size asked */
	__u64 unmapped_bytes; /* size unmapped */
};

struct svt_v_iommu_fault { /* iommu:io_page_fault */
	__u64 iova;	   /* faulting IO virtual address */
	__u64 flags;	   /* IOMMU_FAULT_* (u32) */
};

struct svt_v_iommu_group { /* iommu:add/remove_device_to/from_group */
	__u64 gid;	   /* group id (u32); attach records carry none */
};

struct svt_v_dma {	  /* dma:* (include/trace/events/dma.h, 6.12+) */
	__u64 phys;	  /* physical address, 0 when the event has none */
	__u64 dma_addr;	  /* device address */
	__u64 size_bytes; /* length (scatterlist: this entry's) */
	__u64 dir;	  /* enum dma_data_direction (u32) */
	__u64 attrs;	  /* DMA_ATTR_* */
	__u64 nr_ents;	  /* scatterlist events only: entries in the list */
};

struct svt_v_qi_submit { /* intel_iommu:qi_submit */
	__u64 qw[4];	 /* the invalidation descriptor (VT-d 3.4 §6.5.2) */
};

struct svt_v_prq {   /* intel_iommu:prq_report (5.15+) */
	__u64 dw[4]; /* the page request descriptor: dw[0], dw[1] its qwords */
	__u64 seq;   /* the kernel's PRQ sequence number */
};

struct svt_v_cache_tag { /* intel_iommu:cache_tag_* (6.10+) */
	__u64 start;	 /* flush range start, 0 for assign/unassign */
	__u64 end;	 /* flush range end (inclusive), 0 for assign/unassign */
	__u64 type;	 /* enum cache_tag_type */
	__u64 domain_id; /* DID */
	__u64 pasid;	 /* PASID */
};

/* Entry/exit pairs save SVT_EXIT_NV function arguments at entry, in these slots. */
#define SVT_EXIT_NV 4

struct svt_v_qi_wait { /* qi_submit_sync(iommu, desc, count, options) */
	__u64 iommu;   /* cleared by the BPF side (a kernel pointer) */
	__u64 nr_desc; /* count */
	__u64 unused[2];
};

struct svt_v_iopf {  /* the iommu_fault page request (and its response) */
	__u64 addr;  /* faulting user virtual address */
	__u64 pasid; /* PASID */
	__u64 grpid; /* page request group id */
	__u64 perm;  /* IOMMU_FAULT_PERM_* */
	__u64 flags; /* IOMMU_FAULT_PAGE_REQUEST_* */
	__u64 type;  /* IOMMU_FAULT_* */
	__u64 code;  /* responses only: IOMMU_PAGE_RESP_* */
};

struct svt_v_pin {	 /* pin_user_pages*() and unpin_user_pages*() */
	__u64 addr;	 /* start (user virtual), 0 for unpin */
	__u64 nr_pages;	 /* pages asked */
	__u64 gup_flags; /* FOLL_* (pin only; unpin records stop before it) */
	__u64 unused;
};

struct svt_v_dsa_desc {	      /* a DSA descriptor, 64 bytes (DSA spec 1.2 §8.3.1) */
	__u64 hdr;	      /* dw0: PASID (bits 19:0); dw1: flags (23:0), opcode (31:24) */
	__u64 compl_addr;     /* completion record address */
	__u64 src;	      /* source address */
	__u64 dst;	      /* destination address */
	__u64 xfer;	      /* transfer size (low 32 bits), interrupt handle */
	__u64 op_specific[3]; /* operation-specific fields */
};

struct svt_v_dsa_enqcmds { /* idxd_enqcmds(wq, portal, desc) */
	__u64 wq;	   /* wq->id */
	__u64 dev;	   /* wq->idxd->id */
	__u64 desc;	   /* descriptor pointer (not decoded) */
	__u64 unused;
};

struct svt_v_dsa_complete { /* idxd_dma_complete_txd(desc, comp_type, ...) */
	__u64 status;	    /* completion record status byte */
	__u64 bytes_done;   /* bytes completed */
	__u64 fault_addr;   /* fault address from the completion record */
	__u64 comp_type;    /* enum idxd_complete_type */
};

struct svt_v_irq { /* idxd_wq_thread / idxd_misc_thread */
	__u64 irq; /* the handler's irq argument */
};

/* __iommu_queue_command_sync(iommu, cmd, sync) (drivers/iommu/amd/iommu.c):
 * the 16-byte struct iommu_cmd, AMD I/O Virtualization Technology spec
 * (48882) section 2.4, opcode in data[1] bits 31:28 */
struct svt_v_amd_cmd {
	__u64 lo;   /* data[0] | data[1] << 32 */
	__u64 hi;   /* data[2] | data[3] << 32 */
	__u64 sync; /* the sync argument: a completion wait follows */
};

struct svt_v_tracepoint {	 /* --tracepoint: the raw payload */
	__u64 payload[SVT_NR_V]; /* bytes after the 8-byte common header, at most 64 */
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
	__u64 ts_ns;		   /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 tgid;		   /* process id */
	__u32 tid;		   /* thread id */
	__u16 probe;		   /* enum svt_probe */
	__u16 op;		   /* probe-specific sub-op (e.g. scatterlist index) */
	__u16 cpu;		   /* bpf_get_smp_processor_id() */
	__u8 nr_v;		   /* 8-byte values that follow (<= 8) */
	__u8 flags;		   /* SVT_RF_*: which optional parts follow */
	char comm[SVT_COMM_BYTES]; /* task name */
};

#define SVT_RF_RET 0x01 /* an 8-byte ret follows the values */
#define SVT_RF_DUR 0x02 /* then an 8-byte dur_ns */
#define SVT_RF_S1 0x04	/* then SVT_STR_BYTES of s1 */
#define SVT_RF_S2 0x08	/* then SVT_STR_BYTES of s2 */

/* Byte offsets of the optional parts, and the record size. */
#define SVT_REC_OFF_RET(nv) (sizeof(struct svt_rec) + 8 * (nv))
#define SVT_REC_OFF_DUR(nv, fl) (SVT_REC_OFF_RET(nv) + (((fl)&SVT_RF_RET) ? 8 : 0))
#define SVT_REC_OFF_S1(nv, fl) (SVT_REC_OFF_DUR(nv, fl) + (((fl)&SVT_RF_DUR) ? 8 : 0))
#define SVT_REC_OFF_S2(nv, fl) (SVT_REC_OFF_S1(nv, fl) + (((fl)&SVT_RF_S1) ? SVT_STR_BYTES : 0))
#define SVT_REC_BYTES(nv, fl) (SVT_REC_OFF_S2(nv, fl) + (((fl)&SVT_RF_S2) ? SVT_STR_BYTES : 0))

/* BPF per-CPU state (an array in .bss, see svatrace.bpf.c). */
struct svt_pcpu {
	__u64 unwoken_bytes; /* submitted since this CPU last woke the consumer */
	__u64 pad[7];	     /* one cache line per CPU */
};

/*
 * Summary mode (collect --summary): instead of a ring record, each event
 * adds to a per-CPU counter: how many, the sum of its quantity and a log2
 * histogram of it. The quantity per kind: bytes for maps, unmaps and DMA
 * (unmapped bytes for unmaps), wait ns for qi_submit_sync, pages for pin,
 * ns in ENQCMDS for enqcmds, none (0) otherwise. The class splits a probe:
 * the invalidation descriptor type (qi_submit: bits 3:0 | 11:9 << 4 of
 * qw0), the WQ (dsa: device << 8 | wq, bit 15 = an ENQCMDS retry), the
 * --tracepoint index; else 0. Events that carry a device or IOMMU name, and
 * every DSA event, count in a per-CPU hash by (probe, class, name); the
 * others in a per-CPU array at probe * SVT_SUM_CLASSES + class (an inlined
 * lookup, no hashing).
 *
 * Page responses (iommu_page_response on 6.1, iopf_group_response on
 * 6.7+) take as quantity their fault service time: ns from the first page
 * request of their group (iommu_report_device_fault, paired in BPF by
 * device, PASID and group id) to the response; 0 when that request came
 * before the attach. So a response counter's histogram per device is the
 * fault service histogram, and the report counter's events are the page
 * requests.
 *
 * Intervals are epochs: an event counts into the slot of the epoch it
 * read (epoch & 1: the array's second half, the hash key's epoch field);
 * an entry/exit pair into its entry's, as a full trace places it by its
 * entry time.
 * A cut bumps the epoch: the collector's timer, or a write to tracefs's
 * trace_marker (fentry on vfs_write; svatrace.bpf.c says why). Once every program that
 * read the old epoch has returned (the collector waits one RCU grace
 * period, which every BPF program runs inside), the old slot holds exactly
 * the events before the cut, so an interval ending at a marker counts the
 * same events as tracefs between its markers.
 */
#define SVT_SUM_BUCKETS 40 /* hist[b]: quantity in [2^(b-1), 2^b); hist[0]: 0 */
#define SVT_SUM_CLASSES 16 /* array slots per probe */
#define SVT_SUM_MAX_KEYS                                                                           \
	1024 /* named counters: devices x probes x classes (preallocated per CPU) */

struct svt_sum_key {
	__u16 probe;		  /* enum svt_probe */
	__u16 cls;		  /* class (above) */
	__u32 epoch;		  /* epoch & 1 of the events counted here */
	char name[SVT_STR_BYTES]; /* device (s1) or IOMMU (s2), "" if none */
};

struct svt_sum_val {
	__u64 nr;		     /* events */
	__u64 sum;		     /* sum of their quantity */
	__u64 hist[SVT_SUM_BUCKETS]; /* log2 histogram of the quantity */
};

#define SVT_SUM_CUT_SLOTS 8 /* marker cuts kept, by the epoch they closed */

/* A cut by a trace_marker write (the BPF side fills it, then sets epoch). */
struct svt_sum_cut {
	__u64 ts_ns;		  /* CLOCK_MONOTONIC of the write */
	__u64 epoch;		  /* the epoch it closed + 1; written last */
	char text[SVT_STR_BYTES]; /* the marker's first bytes, NUL-terminated */
};

/* Summary mode's epoch state, in BPF .bss (mapped by the collector). */
struct svt_sum_state {
	__u64 epoch;   /* current epoch: counters go to epoch & 1 */
	__u64 mark_fn; /* address of tracing_mark_write, 0: no marker cuts */
	__u64 pad[6];  /* one cache line, read-mostly */
	struct svt_sum_cut cut[SVT_SUM_CUT_SLOTS]; /* marker cuts, at epoch % slots */
};

/* Page requests waiting for their response (summary mode, see above). */
struct svt_iopf_key {
	__u64 pasid;		  /* PASID */
	__u64 grpid;		  /* page request group id */
	char name[SVT_STR_BYTES]; /* device */
};

/* BPF per-CPU slot a summary-mode record is written to (svatrace.bpf.c). */
struct svt_scratch {
	__u64 w[(SVT_REC_BYTES(SVT_NR_V, SVT_RF_RET | SVT_RF_DUR | SVT_RF_S1 | SVT_RF_S2) + 7) / 8];
};

/*
 * One event, decoded: what the converter reads (the trace.dat importer
 * fills it too). The values are read through the named struct of the
 * probe's kind (probe_def.kind); v[] is the same bytes as the record
 * carried them. s1 is usually the device name, s2 the driver or IOMMU unit.
 */
struct svt_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC (trace.dat: the file's clock) */
	union {
		__u64 v[SVT_NR_V];			/* the values, in record order */
		struct svt_v_iommu_map iommu_map;	/* SVT_K_IOMMU_MAP */
		struct svt_v_iommu_unmap iommu_unmap;	/* SVT_K_IOMMU_UNMAP */
		struct svt_v_iommu_fault iommu_fault;	/* SVT_K_IOMMU_FAULT */
		struct svt_v_iommu_group iommu_group;	/* SVT_K_IOMMU_GROUP */
		struct svt_v_dma dma;			/* SVT_K_DMA, SVT_K_DMA_SG */
		struct svt_v_qi_submit qi_submit;	/* SVT_K_QI_SUBMIT */
		struct svt_v_prq prq;			/* SVT_K_PRQ */
		struct svt_v_cache_tag cache_tag;	/* SVT_K_CACHE_TAG */
		struct svt_v_qi_wait qi_wait;		/* SVT_K_QI_WAIT */
		struct svt_v_iopf iopf;			/* SVT_K_IOPF_FAULT, SVT_K_IOPF_RESP */
		struct svt_v_pin pin;			/* SVT_K_PIN */
		struct svt_v_dsa_desc dsa_desc;		/* SVT_K_DSA_SUBMIT, SVT_K_DSA_UPROBE */
		struct svt_v_dsa_enqcmds dsa_enqcmds;	/* SVT_K_DSA_ENQCMDS */
		struct svt_v_dsa_complete dsa_complete; /* SVT_K_DSA_COMPLETE */
		struct svt_v_irq irq;			/* SVT_K_IRQ */
		struct svt_v_tracepoint tracepoint;	/* SVT_K_TRACEPOINT */
		struct svt_v_amd_cmd amd_cmd;		/* SVT_K_AMD_CMD */
	};
	__s64 ret; /* return value where the probe has one (see the kind) */
	union {
		__u64 dur_ns;	 /* entry-to-exit time for entry/exit pairs */
		__u64 desc_addr; /* DSA kinds: descriptor address, pairs submit and completion */
	};
	__u32 tgid;		   /* process id */
	__u32 tid;		   /* thread id */
	__u32 cpu;		   /* CPU the event happened on */
	__u16 probe;		   /* enum svt_probe */
	__u16 op;		   /* probe-specific sub-op (e.g. scatterlist index) */
	char comm[SVT_COMM_BYTES]; /* task name */
	char s1[SVT_STR_BYTES];	   /* device name */
	char s2[SVT_STR_BYTES];	   /* driver / IOMMU unit name */
};

/* Layouts both sides rely on: a descriptor is 64 bytes, the exit records
 * of entry/exit pairs hold SVT_EXIT_NV values, nothing exceeds SVT_NR_V. */
_Static_assert(sizeof(struct svt_v_dsa_desc) == 64, "DSA descriptor is 64 bytes");
_Static_assert(SVT_NV(struct svt_v_tracepoint) == SVT_NR_V, "payload fills the values");
_Static_assert(SVT_NV(struct svt_v_qi_wait) == SVT_EXIT_NV, "exit record layout");
_Static_assert(SVT_NV(struct svt_v_pin) == SVT_EXIT_NV, "exit record layout");
_Static_assert(SVT_NV(struct svt_v_dsa_enqcmds) == SVT_EXIT_NV, "exit record layout");
_Static_assert(SVT_NV(struct svt_v_iopf) <= SVT_NR_V, "at most SVT_NR_V values");
_Static_assert(SVT_NV(struct svt_v_dma) <= SVT_NR_V, "at most SVT_NR_V values");

#endif /* SVATRACE_COLLECT_H */
