/* SPDX-License-Identifier: GPL-2.0 */
/*
 * format.h - the svatrace on-disk trace format, version 1.
 *
 * This header is the single owner of the byte layout; docs/trace-format.md
 * explains it in prose. Everything is little-endian. A file is:
 *
 *   file header (64 B) | meta chunk | chunk | chunk | ... | end chunk
 *
 * Every chunk starts with a 32-byte chunk header that carries the payload
 * length and a CRC-32 of the payload, so a reader can verify each chunk on
 * its own and stop at the first bad one: what precedes it is the good prefix.
 * Record chunks hold whole records; a record never spans two chunks.
 *
 * Version 2 (the compact format) keeps this layout and changes only how
 * records are stored: RECORDS_Z chunks instead of RECORDS. Their payload is
 * a struct trace_packed_hdr and one zstd frame of the chunk's records packed
 * field by field: each record is its kind (varint) and then every 64-bit
 * word of its v1 layout as the zigzag varint of its difference from the
 * same word of the previous record of that kind in the chunk (time, address
 * and size deltas; unchanged words cost one byte before compression).
 * Every chunk decodes on its own (the deltas restart per chunk) and is
 * checksummed as before, so the good-prefix rule is unchanged; an INDEX
 * chunk before END lists the record chunks (offset, first time, records)
 * so a reader can seek and skip. Readers of v2 read v1 files unchanged.
 *
 * Versioning rule: the major version changes when an existing layout changes
 * (readers refuse other majors); the minor version grows when record kinds,
 * chunk types or trailing record fields are added (readers accept newer
 * minors and skip what they do not know, using the size fields).
 */
#ifndef SVATRACE_TRACE_FORMAT_H
#define SVATRACE_TRACE_FORMAT_H

#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error                                                                                             \
    "svatrace v1 reads and writes the little-endian layout in place; big-endian hosts are not supported"
#endif

#define TRACE_MAGIC "SVATRACE" /* 8 bytes, no NUL on disk */
#define TRACE_VERSION_MAJOR 1
#define TRACE_VERSION_MINOR 1	      /* 1: TRACE_CHUNK_HASH, TRACE_F_KINDS_SEEN */
#define TRACE_VERSION_MAJOR_PACKED 2  /* the compact format (RECORDS_Z chunks) */
#define TRACE_ENDIAN_MARK 0x01020304u /* reads 0x04030201 on a byte-swapped file */

#define TRACE_CHUNK_MAGIC 0x4b4e4843u	 /* "CHNK" */
#define TRACE_CHUNK_MAX_BYTES (1u << 20) /* payload cap: bounds reader memory */
#define TRACE_REC_ALIGN 8		 /* record sizes are multiples of 8 */
#define TRACE_GENERIC_MAX_TEXT 4000	 /* bytes of event text kept per generic record */

/* File header, at offset 0. */
struct trace_file_hdr {
	char magic[8];		  /* TRACE_MAGIC */
	uint16_t version_major;	  /* TRACE_VERSION_MAJOR */
	uint16_t version_minor;	  /* TRACE_VERSION_MINOR */
	uint32_t endian_mark;	  /* TRACE_ENDIAN_MARK */
	uint32_t hdr_bytes;	  /* sizeof(struct trace_file_hdr) */
	uint32_t flags;		  /* TRACE_F_* */
	uint64_t created_unix_ns; /* wall clock when the writer opened the file */
	uint32_t clock;		  /* enum trace_clock: what record timestamps count */
	uint32_t cpus_seen;	  /* TRACE_F_CPUS_SEEN: highest record cpu + 1 (0: none) */
	uint64_t reserved1[2];	  /* zero */
	uint32_t
	    kinds_seen;	  /* TRACE_F_KINDS_SEEN: bit k set if a record of kind k is in the file */
	uint32_t hdr_crc; /* CRC-32 of the preceding 60 bytes */
};

/* trace_file_hdr.flags */
#define TRACE_F_ADDR_KEPT (1u << 0)   /* physical/user addresses are real */
#define TRACE_F_ADDR_HASHED (1u << 1) /* ... replaced by a keyed hash, consistent per file */
/* Every record's ts_ns is >= the one before it in the file. Set by the writer
 * when it closes a file cleanly (the header is rewritten then), so a torn or
 * unfinished file never claims it; replay then skips its reorder window. */
#define TRACE_F_TIME_ORDERED (1u << 2)
/* cpus_seen holds the highest CPU number of any record + 1 (0xffff, unknown,
 * excluded); set at a clean close like TRACE_F_TIME_ORDERED, so replay need
 * not read the whole trace ahead to size the host (replay/host_cpus.c). */
#define TRACE_F_CPUS_SEEN (1u << 3)
/* kinds_seen holds one bit per record kind present (kinds >= 32 set bit 31);
 * set at a clean close, so replay can skip passes over a trace that has no
 * record they look at (the owners pass: replay/owners.c). */
#define TRACE_F_KINDS_SEEN (1u << 4)
/* The flags and fields above that a writer sets at close, after the records:
 * cleared when a header is hashed (TRACE_CHUNK_HASH) or copied to a new file. */
#define TRACE_F_FINDINGS (TRACE_F_TIME_ORDERED | TRACE_F_CPUS_SEEN | TRACE_F_KINDS_SEEN)

enum trace_clock {
	TRACE_CLOCK_UNKNOWN = 0,
	TRACE_CLOCK_MONOTONIC = 1,     /* bpf_ktime_get_ns / CLOCK_MONOTONIC */
	TRACE_CLOCK_BOOT = 2,	       /* CLOCK_BOOTTIME */
	TRACE_CLOCK_FTRACE_GLOBAL = 3, /* ftrace "global" clock */
	TRACE_CLOCK_FTRACE_LOCAL = 4,  /* ftrace "local" clock (per-CPU, not ordered across CPUs) */
	TRACE_CLOCK_SYNTHETIC = 5,     /* generator time, starts at 0 */
	TRACE_CLOCK_MAX_
};

enum trace_chunk_type {
	TRACE_CHUNK_META = 1,	   /* UTF-8 JSON object: host snapshot, command line, probes */
	TRACE_CHUNK_STRINGS = 2,   /* trace_string entries: id -> name */
	TRACE_CHUNK_RECORDS = 3,   /* whole records */
	TRACE_CHUNK_LOST = 4,	   /* trace_lost entries */
	TRACE_CHUNK_END = 5,	   /* empty payload: the writer closed the file cleanly */
	TRACE_CHUNK_RECORDS_Z = 6, /* v2: trace_packed_hdr + zstd frame of packed records */
	TRACE_CHUNK_INDEX = 7,	   /* v2: trace_index_ent per records chunk, before END */
	TRACE_CHUNK_HASH = 8,	   /* v2.1: the content hash (32 bytes), just before END */
};

/*
 * The content hash (TRACE_CHUNK_HASH payload): BLAKE2b-256 over the file
 * header as first written (the TRACE_F_FINDINGS flags and the fields they
 * cover zero, hdr_crc recomputed: trace_hash_hdr()) followed by every byte
 * from hdr_bytes up to the HASH chunk (meta, strings, records, lost, index
 * chunks, headers included). The writer computes it while writing and
 * stores it at a clean close; a reader knows it at open (it sits at a
 * fixed distance from the end of the file) and verifies it while it reads,
 * so a replay needs no second read of the file to name its input. A torn
 * file has none: its identity is BLAKE2b-256 of its bytes, as for v1.
 */
#define TRACE_HASH_BYTES 32

/* Head of a RECORDS_Z payload; the zstd frame follows, then zero padding to 8. */
struct trace_packed_hdr {
	uint32_t raw_bytes;   /* the records' v1 size (<= TRACE_CHUNK_MAX_BYTES), | flags below */
	uint32_t frame_bytes; /* bytes of the zstd frame */
};

/*
 * raw_bytes bit 31: the time-column layout. The frame decompresses
 * to the packed records without their word 0 (time), then the times' zigzag
 * varint deltas in record order (the time column), then the column's length
 * in bytes (u32). zstd finds the records' other words repeating once the
 * time steps are out of them (the collector's chunks: docs/trace-format.md).
 * The minor version is unchanged: a reader that predates the flag refuses
 * such a chunk (its raw_bytes is out of range) rather than skip its records.
 */
#define TRACE_PACKED_F_TIME_COLUMN (1u << 31)

/*
 * raw_bytes bit 30, with bit 31: the time column holds bytes, not varints.
 * Each time's delta d (from the previous record of its kind, as above) is
 * one byte b = d - base + TRACE_TIME_BIAS when that is below TRACE_TIME_ESC;
 * otherwise the byte TRACE_TIME_ESC, then zigzag(d) as a varint, and d
 * becomes its kind's base. Bases start at 0 in every chunk. A traced loop's
 * time steps scatter over a few hundred ns around their mean: one byte each,
 * which zstd codes in a third of the time it took on two-byte varints, and
 * in fewer bytes (issue 20). A reader that predates the flag refuses such a
 * chunk, as for bit 31.
 */
#define TRACE_PACKED_F_TIME_BYTES (1u << 30)
#define TRACE_TIME_BIAS 128 /* byte of a delta equal to its base */
#define TRACE_TIME_ESC 0xff /* byte before a varint delta (a new base) */

/* One entry of the INDEX chunk. */
struct trace_index_ent {
	uint64_t chunk_off;   /* file offset of the RECORDS_Z chunk header */
	uint64_t first_ts_ns; /* time of its first record */
	uint64_t last_ts_ns;  /* time of its last record */
	uint32_t nr_records;  /* records in it */
	uint32_t raw_bytes;   /* their v1 size */
};

/* Chunk header; the payload of payload_bytes follows. */
struct trace_chunk_hdr {
	uint32_t magic;		/* TRACE_CHUNK_MAGIC */
	uint32_t type;		/* enum trace_chunk_type */
	uint32_t payload_bytes; /* <= TRACE_CHUNK_MAX_BYTES, multiple of 8 */
	uint32_t nr_items;	/* records, strings or lost entries in the payload */
	uint64_t seq;		/* chunk index from 0 (the meta chunk) */
	uint32_t payload_crc;	/* CRC-32 (zlib) of the payload */
	uint32_t hdr_crc;	/* CRC-32 of the preceding 28 bytes */
};

/* One interned string in a STRINGS chunk: id, length, bytes, NUL, pad to 8. */
struct trace_string {
	uint32_t id;	    /* >= 1; 0 means "none" in records */
	uint32_t len_bytes; /* string length without the NUL */
			    /* char text[len_bytes + 1], then zero padding to a multiple of 8 */
};

/* One lost-event counter in a LOST chunk. Later entries add to earlier ones. */
struct trace_lost {
	uint32_t cpu;	   /* CPU number, or TRACE_CPU_ANY */
	uint32_t probe_id; /* string id of the probe/event name */
	uint64_t nr_lost;  /* events dropped */
};
#define TRACE_CPU_ANY 0xffffffffu

/* Record kinds. Never renumber; add new kinds at the end (minor version). */
enum trace_rec_kind {
	TRACE_REC_INVALID = 0,
	TRACE_REC_IOMMU_MAP = 1,     /* iommu:map */
	TRACE_REC_IOMMU_UNMAP = 2,   /* iommu:unmap */
	TRACE_REC_IO_PAGE_FAULT = 3, /* iommu:io_page_fault and the iopf path */
	TRACE_REC_DEV_GROUP = 4,     /* attach/add/remove device to/from group/domain */
	TRACE_REC_DMA = 5,	     /* dma:* DMA-API map/unmap/sync/alloc */
	TRACE_REC_QI_SUBMIT = 6,     /* intel_iommu:qi_submit, type decoded */
	TRACE_REC_PAGE_REQ = 7,	     /* intel_iommu:prq_report, decoded */
	TRACE_REC_PAGE_RESP = 8,     /* page group response (iopf_group_response) */
	TRACE_REC_PIN = 9,	     /* pin_user_pages / unpin_user_pages */
	TRACE_REC_WQ_SUBMIT = 10,    /* work-queue descriptor submission */
	TRACE_REC_WQ_COMPLETE = 11,  /* work-queue descriptor completion */
	TRACE_REC_QI_WAIT = 12,	     /* qi_submit_sync: time spent waiting */
	TRACE_REC_CACHE_TAG = 13,    /* intel_iommu:cache_tag_* */
	TRACE_REC_DEV_ACCESS = 14,   /* one device memory access (simulators, expansion) */
	TRACE_REC_GENERIC = 15,	     /* any other event: name + text */
	TRACE_REC_KIND_MAX_
};

/* Common record header (32 bytes); the kind's body follows. */
struct trace_rec {
	uint64_t ts_ns;	     /* event time, trace clock */
	uint16_t kind;	     /* enum trace_rec_kind */
	uint16_t size_bytes; /* whole record incl. this header, multiple of 8 */
	uint16_t cpu;	     /* CPU the event was seen on */
	uint16_t flags;	     /* TRACE_RF_* */
	uint32_t pid;	     /* task id, 0 if unknown */
	uint32_t comm_id;    /* string id of the task name, 0 if unknown */
	uint32_t event_id;   /* string id of the source "system:name", 0: the kind's default */
	uint32_t reserved;   /* zero */
};

#define TRACE_RF_ADDR_HASHED (1u << 0) /* physical/user addresses in this record are hashed */
#define TRACE_RF_RAW_FIELDS (1u << 2)  /* generic: raw payload + layout_id, not text */
#define TRACE_RF_AT_TOUCH                                                                          \
	(1u << 1) /* PAGE_REQ made by a scenario: sent when the device first touches the page */

struct trace_rec_iommu_map {
	struct trace_rec hdr;
	uint64_t iova;	     /* I/O virtual address */
	uint64_t paddr;	     /* physical address (hashed unless kept) */
	uint64_t size_bytes; /* mapped length */
	uint32_t device_id;  /* string id of the device, 0: not in the event */
	uint32_t prot;	     /* IOMMU_READ/WRITE... bits if known */
};

struct trace_rec_iommu_unmap {
	struct trace_rec hdr;
	uint64_t iova;		 /* I/O virtual address */
	uint64_t size_bytes;	 /* requested length */
	uint64_t unmapped_bytes; /* length actually unmapped */
	uint32_t device_id;	 /* string id of the device, 0: not in the event */
	uint32_t reserved;	 /* zero */
};

enum trace_fault_source {
	TRACE_FAULT_TP = 0,	/* iommu:io_page_fault tracepoint */
	TRACE_FAULT_REPORT = 1, /* iommu_report_device_fault */
	TRACE_FAULT_HANDLE = 2, /* iopf handler (handle_mm_fault side) */
};

struct trace_rec_io_page_fault {
	struct trace_rec hdr;
	uint64_t addr;	    /* faulting IOVA / VA */
	uint32_t device_id; /* string id of the device */
	uint32_t driver_id; /* string id of the driver, 0 if unknown */
	uint32_t flags;	    /* event flags (IOMMU_FAULT_READ/WRITE...) */
	uint32_t pasid;	    /* PASID, TRACE_NO_PASID if none */
	uint32_t grpid;	    /* page request group index, 0 if none */
	uint16_t source;    /* enum trace_fault_source */
	uint16_t perm;	    /* IOMMU_FAULT_PERM_* bits if known */
};
#define TRACE_NO_PASID 0xffffffffu

enum trace_group_op {
	TRACE_GROUP_ADD = 0,	/* add_device_to_group */
	TRACE_GROUP_REMOVE = 1, /* remove_device_from_group */
	TRACE_GROUP_ATTACH = 2, /* attach_device_to_domain */
	TRACE_GROUP_DETACH = 3, /* detach_device_from_domain (old kernels) */
};

struct trace_rec_dev_group {
	struct trace_rec hdr;
	uint32_t device_id; /* string id of the device */
	uint32_t group;	    /* IOMMU group number, TRACE_NO_GROUP if none */
	uint32_t op;	    /* enum trace_group_op */
	uint32_t reserved;  /* zero */
};
#define TRACE_NO_GROUP 0xffffffffu

enum trace_dma_op {
	TRACE_DMA_MAP_PAGE = 0,	  /* dma_map_page / dma_map_phys */
	TRACE_DMA_UNMAP_PAGE = 1, /* dma_unmap_page / dma_unmap_phys */
	TRACE_DMA_MAP_RESOURCE = 2,
	TRACE_DMA_UNMAP_RESOURCE = 3,
	TRACE_DMA_MAP_SG = 4, /* one record per scatterlist entry */
	TRACE_DMA_UNMAP_SG = 5,
	TRACE_DMA_ALLOC = 6,	       /* dma_alloc* */
	TRACE_DMA_FREE = 7,	       /* dma_free* */
	TRACE_DMA_SYNC_FOR_CPU = 8,    /* dma_sync_*_for_cpu */
	TRACE_DMA_SYNC_FOR_DEVICE = 9, /* dma_sync_*_for_device */
	TRACE_DMA_OP_MAX_
};

struct trace_rec_dma {
	struct trace_rec hdr;
	uint64_t phys;	     /* physical address (hashed unless kept) */
	uint64_t dma_addr;   /* bus/IOVA address */
	uint64_t size_bytes; /* length */
	uint32_t device_id;  /* string id of the device */
	uint16_t op;	     /* enum trace_dma_op */
	uint8_t dir;	     /* enum trace_dma_dir */
	uint8_t reserved;    /* zero */
	uint64_t attrs;	     /* DMA_ATTR_* bits */
};

/*
 * DMA direction: the values of Linux's enum dma_data_direction
 * (include/linux/dma-direction.h), which the dma:* tracepoints record as is.
 */
enum trace_dma_dir {
	TRACE_DMA_BIDIRECTIONAL = 0, /* DMA_BIDIRECTIONAL */
	TRACE_DMA_TO_DEVICE = 1,     /* DMA_TO_DEVICE: the device reads memory */
	TRACE_DMA_FROM_DEVICE = 2,   /* DMA_FROM_DEVICE: the device writes memory */
	TRACE_DMA_NONE = 3,	     /* DMA_NONE */
};

/* VT-d invalidation descriptor types (qw0 & 0xf, Intel VT-d spec 6.5.2). */
enum trace_qi_type {
	TRACE_QI_CC_INV = 0x1,	      /* context-cache invalidate */
	TRACE_QI_IOTLB_INV = 0x2,     /* IOTLB invalidate */
	TRACE_QI_DEV_TLB_INV = 0x3,   /* device-TLB (ATC) invalidate */
	TRACE_QI_IEC_INV = 0x4,	      /* interrupt entry cache invalidate */
	TRACE_QI_INV_WAIT = 0x5,      /* invalidation wait */
	TRACE_QI_P_IOTLB_INV = 0x6,   /* PASID-based IOTLB invalidate */
	TRACE_QI_PC_INV = 0x7,	      /* PASID-cache invalidate */
	TRACE_QI_P_DEV_TLB_INV = 0x8, /* PASID-based device-TLB invalidate */
	TRACE_QI_PAGE_GRP_RESP = 0x9, /* page group response */
};

#define TRACE_QI_TYPE_MASK 0xfu /* the type bits of qw0 that trace_qi_decode() reads */
#define TRACE_QI_NR_TYPES 16	/* distinct types: per-type counters are this long */
_Static_assert(TRACE_QI_NR_TYPES == TRACE_QI_TYPE_MASK + 1, "one counter per type value");
_Static_assert(TRACE_QI_PAGE_GRP_RESP < TRACE_QI_NR_TYPES, "every type fits the counters");

struct trace_rec_qi_submit {
	struct trace_rec hdr;
	uint64_t qw[4];	   /* raw descriptor quad words */
	uint32_t iommu_id; /* string id of the IOMMU unit (dmar0) */
	uint16_t type;	   /* enum trace_qi_type (qw0 & 0xf) */
	uint16_t reserved; /* zero */
	/* decoded, valid when the type carries them, else 0 / TRACE_NO_PASID */
	uint32_t domain_id;   /* DID */
	uint32_t pasid;	      /* PASID */
	uint32_t sid;	      /* source id (bus:dev.fn) for dev_tlb */
	uint32_t granularity; /* type-specific granularity field */
	uint64_t addr;	      /* address for page-selective types */
	uint32_t addr_mask;   /* log2 pages (iotlb AM / dev_tlb size) */
	uint32_t reserved2;   /* zero */
};

struct trace_rec_page_req {
	struct trace_rec hdr;
	uint32_t dw[4];	    /* raw page request descriptor dwords */
	uint64_t addr;	    /* page address (hashed unless kept) */
	uint32_t iommu_id;  /* string id of the IOMMU unit */
	uint32_t device_id; /* string id of the device, 0 if unknown */
	uint32_t sid;	    /* requester id */
	uint32_t pasid;	    /* PASID, TRACE_NO_PASID if not present */
	uint16_t grpid;	    /* page request group index */
	uint8_t rw;	    /* TRACE_PRQ_* bits */
	uint8_t last;	    /* last request in group */
	uint32_t reserved;  /* zero */
};

/* trace_rec_page_req.rw: the access the page request asks for (the
 * descriptor's RR and WR bits in qw1, ER and PM in qw0; trace_prq_decode()). */
#define TRACE_PRQ_READ (1u << 0)  /* read access requested (RR) */
#define TRACE_PRQ_WRITE (1u << 1) /* write access requested (WR) */
#define TRACE_PRQ_EXEC (1u << 2)  /* execute access requested (ER) */
#define TRACE_PRQ_PRIV (1u << 3)  /* privileged-mode access requested (PM) */
#define TRACE_PRQ_RW (TRACE_PRQ_READ | TRACE_PRQ_WRITE)

struct trace_rec_page_resp {
	struct trace_rec hdr;
	uint32_t device_id; /* string id of the device */
	uint32_t pasid;	    /* PASID, TRACE_NO_PASID if none */
	uint32_t grpid;	    /* page request group index */
	uint32_t code;	    /* 0 success, 1 invalid, 2 failure */
};

enum trace_pin_op {
	TRACE_PIN = 0,	 /* pin_user_pages* */
	TRACE_UNPIN = 1, /* unpin_user_pages* */
};

struct trace_rec_pin {
	struct trace_rec hdr;
	uint64_t addr;	      /* user virtual start (hashed unless kept) */
	uint64_t duration_ns; /* time in the call, 0 if unknown */
	uint32_t nr_pages;    /* pages requested */
	int32_t nr_done;      /* pages pinned/unpinned, or -errno */
	uint32_t op;	      /* enum trace_pin_op */
	uint32_t gup_flags;   /* FOLL_* flags if known */
};

enum trace_portal {
	TRACE_PORTAL_UNKNOWN = 0,
	TRACE_PORTAL_MOVDIR64B = 1, /* dedicated WQ, posted */
	TRACE_PORTAL_ENQCMD = 2,    /* shared WQ from user space */
	TRACE_PORTAL_ENQCMDS = 3,   /* shared WQ from the kernel */
};

struct trace_rec_wq_submit {
	struct trace_rec hdr;
	uint64_t src;	     /* source address (hashed unless kept) */
	uint64_t dst;	     /* destination address (hashed unless kept) */
	uint64_t compl_addr; /* completion record address (hashed unless kept) */
	uint64_t desc_id;    /* identifier pairing submit with complete */
	uint32_t device_id;  /* string id of the device (dsa0) */
	uint32_t xfer_bytes; /* transfer size; for batch: descriptor count */
	uint32_t pasid;	     /* PASID, TRACE_NO_PASID if none */
	uint32_t desc_flags; /* descriptor flags word */
	uint16_t wq;	     /* work queue index on the device */
	uint8_t opcode;	     /* DSA opcode (0x03 memmove, 0x04 fill, ...) */
	uint8_t portal;	     /* enum trace_portal */
	uint16_t retries;    /* ENQCMD(S) retries before acceptance */
	int16_t status;	     /* 0 accepted, -errno if rejected (-EAGAIN) */
};

struct trace_rec_wq_complete {
	struct trace_rec hdr;
	uint64_t desc_id;	/* identifier of the submitted descriptor */
	uint64_t bytes_done;	/* bytes completed */
	uint32_t device_id;	/* string id of the device */
	uint32_t pasid;		/* PASID, TRACE_NO_PASID if none */
	uint16_t wq;		/* work queue index */
	uint8_t opcode;		/* DSA opcode */
	uint8_t status;		/* completion record status byte */
	uint32_t fault_addr_lo; /* low 32 bits of a fault address (page fault status) */
};

struct trace_rec_qi_wait {
	struct trace_rec hdr;
	uint64_t wait_ns;  /* time inside qi_submit_sync */
	uint32_t iommu_id; /* string id of the IOMMU unit, 0 if unknown */
	uint32_t nr_desc;  /* descriptors submitted in the call */
	int32_t ret;	   /* return value */
	uint32_t reserved; /* zero */
};

enum trace_cache_tag_op {
	TRACE_CACHE_TAG_ASSIGN = 0,
	TRACE_CACHE_TAG_UNASSIGN = 1,
	TRACE_CACHE_TAG_FLUSH_RANGE = 2,
	TRACE_CACHE_TAG_FLUSH_ALL = 3,
	TRACE_CACHE_TAG_FLUSH_RANGE_NP = 4,
};

struct trace_rec_cache_tag {
	struct trace_rec hdr;
	uint64_t start;	    /* range start */
	uint64_t end;	    /* range end (inclusive) */
	uint32_t iommu_id;  /* string id of the IOMMU unit */
	uint32_t device_id; /* string id of the device */
	uint32_t domain_id; /* DID */
	uint32_t pasid;	    /* PASID, TRACE_NO_PASID if none */
	uint32_t op;	    /* enum trace_cache_tag_op */
	uint32_t tag_type;  /* kernel cache tag type */
};

enum trace_dir {
	TRACE_DIR_READ = 0,  /* device reads memory */
	TRACE_DIR_WRITE = 1, /* device writes memory */
};

struct trace_rec_dev_access {
	struct trace_rec hdr;
	uint64_t iova;	     /* device-visible address */
	uint32_t size_bytes; /* access length */
	uint32_t device_id;  /* string id of the device */
	uint32_t pasid;	     /* PASID, TRACE_NO_PASID if none */
	uint32_t dir;	     /* enum trace_dir */
};

/*
 * Generic: hdr.event_id names it; the event's text follows the struct
 * (char text[text_bytes + 1], NUL-terminated, zero padding to a multiple of 8).
 * With TRACE_RF_RAW_FIELDS (the collector's --tracepoint records)
 * the body is the tracepoint's raw payload bytes instead (text_bytes of them,
 * then a NUL), and layout_id names a layout string (trace_raw_format()); the
 * reader turns such a record into its text form before handing it out, so
 * the collector does no text work per event (issue 20).
 */
struct trace_rec_generic {
	struct trace_rec hdr;
	uint32_t text_bytes; /* text (or raw payload) length without the NUL */
	uint32_t layout_id;  /* string id of the raw layout, 0 for text (was reserved: zero) */
};

/* Fixed sizes; 0 = variable (size_bytes says). Indexed by enum trace_rec_kind. */
extern const uint16_t trace_rec_fixed_size[TRACE_REC_KIND_MAX_];

#endif /* SVATRACE_TRACE_FORMAT_H */
