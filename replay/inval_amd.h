/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inval_amd.h - AMD-Vi command-buffer invalidations as the model's
 * invalidation actions. AMD-Vi has no invalidation tracepoint: the
 * collector records every 16-byte command Linux queues
 * (__iommu_queue_command_sync, drivers/iommu/amd/iommu.c) as a generic
 * record "cmd=... raw=<data[3..2]><data[1..0]>" (collect/convert.c
 * k_amd_cmd). This module decodes those words (AMD I/O Virtualization
 * Technology (IOMMU) Specification, pub. 48882, section 2.4 "Commands") and
 * turns each command into the invalidation record the rest of the replay
 * already understands, so the owners pass, the scenarios and the model see
 * AMD's invalidations where a VT-d trace has its queued-invalidation
 * descriptors. Which command becomes which action (docs/amd-vi.md):
 *
 *   AMD command (opcode)          model action (record type)
 *   INVALIDATE_IOMMU_PAGES (3)    IOTLB range, or whole domain when the
 *                                 S-encoded size covers bits 51:12 (iotlb_inv
 *                                 granularity 3 / 2; GN=1: p_iotlb_inv)
 *   INVALIDATE_IOTLB_PAGES (4)    device ATC range (dev_tlb_inv / p_dev_tlb_inv)
 *   INVALIDATE_DEVTAB_ENTRY (2)   device-table-entry cache (cc_inv)
 *   COMPLETION_WAIT (1)           the synchronous wait (inv_wait)
 *   INVALIDATE_INTERRUPT_TABLE(5) interrupt remapping cache (iec_inv: counted)
 *   INVALIDATE_IOMMU_ALL (8)      IOTLB global (iotlb_inv granularity 1)
 *   COMPLETE_PPR_REQUEST (7)      page group response (page_grp_resp)
 *   PREFETCH_IOMMU_PAGES (6)      none: counted, left a generic record
 *
 * The commands keep their time, CPU and task; they name no IOMMU unit (the
 * probe does not read struct amd_iommu), so they go to the first unit.
 */
#ifndef SVATRACE_REPLAY_INVAL_AMD_H
#define SVATRACE_REPLAY_INVAL_AMD_H

#include <stdbool.h>
#include <stdint.h>

#include "model/results.h"
#include "replay/source.h"
#include "trace/format.h"

#define INVAL_AMD_NR_OPS 16 /* opcode field: data[1] bits 31:28 */

/* AMD-Vi command opcodes (48882 section 2.4, Linux amd_iommu_types.h CMD_*). */
enum inval_amd_op {
	INVAL_AMD_COMPLETION_WAIT = 0x1,
	INVAL_AMD_INV_DEVTAB_ENTRY = 0x2,
	INVAL_AMD_INV_IOMMU_PAGES = 0x3,
	INVAL_AMD_INV_IOTLB_PAGES = 0x4,
	INVAL_AMD_INV_IRT = 0x5,
	INVAL_AMD_PREFETCH_PAGES = 0x6,
	INVAL_AMD_COMPLETE_PPR = 0x7,
	INVAL_AMD_INV_ALL = 0x8,
};

/* One decoded command. Fields a command does not carry are 0. */
struct inval_amd_cmd {
	uint32_t op;	    /* enum inval_amd_op */
	uint32_t domain_id; /* INVALIDATE_IOMMU_PAGES: DomainID, data[1] 15:0 */
	uint32_t dev_id;    /* IOTLB_PAGES, DEVTAB_ENTRY, INTERRUPT_TABLE: DeviceID, data[0] 15:0 */
	uint32_t pasid;	    /* GN=1: PASID (IOMMU_PAGES: data[0] 19:0), else TRACE_NO_PASID */
	uint64_t addr;	    /* page invalidations: first byte of the range (aligned) */
	uint32_t addr_mask; /* ... log2 of its 4 KiB pages (0: one page) */
	bool all;	    /* ... S=1 with address bits 51:12 all set: every page */
	bool s;		    /* S: size bit (more than one page) */
	bool pde;	    /* PDE: also page-directory entries */
	bool gn;	    /* GN: guest (PASID) address */
	uint64_t store_addr; /* COMPLETION_WAIT: semaphore address (S=1) */
	uint64_t store_data; /* ... value stored when the commands before it completed */
};

/** inval_amd_is_event() - @name is the collector's AMD-Vi command probe (fentry: or kprobe twin).
 */
bool inval_amd_is_event(const char *name);

/** inval_amd_op_name() - "inv_iommu_pages", ... as the collector names them; NULL if unknown. */
const char *inval_amd_op_name(uint32_t op);

/**
 * inval_amd_decode() - decode the command words @d (data[0..3] of struct
 * iommu_cmd) into @c.
 * Return: 0, or -EINVAL for an opcode 48882 does not define (0, 9-15).
 */
int inval_amd_decode(const uint32_t d[4], struct inval_amd_cmd *c);

/**
 * inval_amd_parse_text() - the command words of a collector record's text
 * ("... raw=" then 32 hex digits: data[3] data[2] data[1] data[0]).
 * Return: 0, or -EINVAL when the text has no well-formed raw= field.
 */
int inval_amd_parse_text(const char *text, uint32_t d[4]);

/**
 * inval_amd_to_qi() - the invalidation record @c stands for, with header
 * @hdr (time, CPU, task; kind and size are set here).
 * Return: 0, or -ENOENT for a command that invalidates nothing (prefetch).
 */
int inval_amd_to_qi(const struct inval_amd_cmd *c, const struct trace_rec *hdr,
		    struct trace_rec_qi_submit *q);

/**
 * inval_amd_trace_profile() - the profile a trace's own host snapshot asks
 * for: "amd-vi" when the META's host.iommu.kind says AMD-Vi, else NULL
 * (also for a file that cannot be read: the replay reports that).
 */
const char *inval_amd_trace_profile(const char *trace_path);

struct inval_amd;

/**
 * inval_amd__new() - a source that serves @inner's records with the AMD-Vi
 * command records turned into invalidation records. @inner stays the
 * caller's (closed by it, after this object is freed).
 * Return: the object, NULL with errno ENOMEM.
 */
struct inval_amd *inval_amd__new(struct replay_source *inner);

/** inval_amd__free() - free; NULL is a no-op. */
void inval_amd__free(struct inval_amd *a);

/** inval_amd__source() - the converting source (valid until inval_amd__free). */
struct replay_source *inval_amd__source(struct inval_amd *a);

/** inval_amd__nr_cmds() - commands served with opcode @op since the start or the last rewind. */
uint64_t inval_amd__nr_cmds(const struct inval_amd *a, uint32_t op);

/** inval_amd__nr_bad() - command records whose words could not be decoded (left generic). */
uint64_t inval_amd__nr_bad(const struct inval_amd *a);

/**
 * inval_amd__report() - "trace.amd.NAME" per opcode seen and
 * "trace.amd.undecoded" into @s; nothing for a trace without AMD commands.
 * Return: 0 or the sink's negative error.
 */
int inval_amd__report(const struct inval_amd *a, const struct results_sink *s);

#endif /* SVATRACE_REPLAY_INVAL_AMD_H */
