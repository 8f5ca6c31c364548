/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_table.h - every probe of `svatrace collect`, described once. One
 * line per probe gives its id, its record kind (enum svt_kind: which named
 * value struct of collect.h its records carry, and how the converter turns
 * them into a trace record), the trace-record op it stands for, its target
 * and its BPF program names. Everything else is derived from this table:
 * enum svt_probe (collect.h, also compiled into the BPF object), the probe
 * definitions the loader and doctor use (probes.c), the converter's and
 * the trace.dat importer's dispatch (by kind), and the ftrace-text
 * importer's event-name lookup.
 *
 * Adding a probe: one line here, its BPF program in bpf/svatrace.bpf.c
 * (filling the kind's named struct), and, only for a new kind, a value
 * struct in collect.h and its conversion in convert.c.
 *
 * Columns (the table expands each macro it is given; only ID is used by the
 * BPF side, so the other columns may name user-space constants):
 *   TP(ID, KIND, OP, SYS, EVENT, PROG, GROUP)
 *	a tracepoint SYS/EVENT recorded by the classic tracepoint program PROG
 *   TPR(ID, KIND, OP, SYS, EVENT, PROG, GROUP, RAW_PROG, RAW_NR_ARGS, RAW_ARG0)
 *	the same, with a raw_tp program preferred when the kernel's BTF shows
 *	the expected prototype (probe_raw_ok(), probes.h)
 *   FN(ID, KIND, OP, FUNC, PROG, RET_PROG, GROUP, MODULE, KPROG, KRET_PROG)
 *	a kernel function: fentry PROG, fexit RET_PROG or NULL, MODULE or NULL;
 *	KPROG and KRET_PROG (NULL when RET_PROG is) are the kprobe/kretprobe
 *	twins used where fentry cannot attach (probe_check(), probes.h): same
 *	record, same probe id
 *   OTHER(ID, KIND, OP, TYPE, NAME, GROUP, PROG)
 *	attached from command-line options (--uprobe, --tracepoint)
 * OP is the enum trace_*_op (trace/format.h) of the kind's record, 0 where
 * the kind has none. The order is the id order and must never change for
 * existing ids (they index the lost counters of the BPF side).
 */
#ifndef SVATRACE_COLLECT_PROBE_TABLE_H
#define SVATRACE_COLLECT_PROBE_TABLE_H

/* clang-format off */
#define SVT_PROBES(TP, TPR, FN, OTHER)									\
	TPR(IOMMU_MAP, IOMMU_MAP, 0, "iommu", "map", "tp_iommu_map", "iommu",			\
	    "rtp_iommu_map", 3, NULL)									\
	TPR(IOMMU_UNMAP, IOMMU_UNMAP, 0, "iommu", "unmap", "tp_iommu_unmap", "iommu",		\
	    "rtp_iommu_unmap", 3, NULL)									\
	TP(IOMMU_IO_PAGE_FAULT, IOMMU_FAULT, TRACE_FAULT_TP, "iommu", "io_page_fault",		\
	   "tp_iommu_io_page_fault", "iommu")								\
	TP(IOMMU_ADD_GROUP, IOMMU_GROUP, TRACE_GROUP_ADD, "iommu", "add_device_to_group",	\
	   "tp_iommu_add_group", "iommu")								\
	TP(IOMMU_REMOVE_GROUP, IOMMU_GROUP, TRACE_GROUP_REMOVE, "iommu",			\
	   "remove_device_from_group", "tp_iommu_remove_group", "iommu")			\
	TP(IOMMU_ATTACH, IOMMU_GROUP, TRACE_GROUP_ATTACH, "iommu", "attach_device_to_domain",	\
	   "tp_iommu_attach", "iommu")									\
	TP(DMA_MAP_PHYS, DMA, TRACE_DMA_MAP_PAGE, "dma", "dma_map_phys", "tp_dma_map_phys",	\
	   "dma")											\
	TP(DMA_MAP_PAGE, DMA, TRACE_DMA_MAP_PAGE, "dma", "dma_map_page", "tp_dma_map_page",	\
	   "dma")											\
	TP(DMA_MAP_RESOURCE, DMA, TRACE_DMA_MAP_RESOURCE, "dma", "dma_map_resource",		\
	   "tp_dma_map_resource", "dma")								\
	TP(DMA_UNMAP_PHYS, DMA, TRACE_DMA_UNMAP_PAGE, "dma", "dma_unmap_phys",			\
	   "tp_dma_unmap_phys", "dma")									\
	TP(DMA_UNMAP_PAGE, DMA, TRACE_DMA_UNMAP_PAGE, "dma", "dma_unmap_page",			\
	   "tp_dma_unmap_page", "dma")									\
	TP(DMA_UNMAP_RESOURCE, DMA, TRACE_DMA_UNMAP_RESOURCE, "dma", "dma_unmap_resource",	\
	   "tp_dma_unmap_resource", "dma")								\
	TP(DMA_MAP_SG, DMA_SG, TRACE_DMA_MAP_SG, "dma", "dma_map_sg", "tp_dma_map_sg", "dma")	\
	TP(DMA_UNMAP_SG, DMA_SG, TRACE_DMA_UNMAP_SG, "dma", "dma_unmap_sg", "tp_dma_unmap_sg",	\
	   "dma")											\
	TP(DMA_ALLOC, DMA, TRACE_DMA_ALLOC, "dma", "dma_alloc", "tp_dma_alloc", "dma")		\
	TP(DMA_ALLOC_PAGES, DMA, TRACE_DMA_ALLOC, "dma", "dma_alloc_pages",			\
	   "tp_dma_alloc_pages", "dma")									\
	TP(DMA_FREE, DMA, TRACE_DMA_FREE, "dma", "dma_free", "tp_dma_free", "dma")		\
	TP(DMA_FREE_PAGES, DMA, TRACE_DMA_FREE, "dma", "dma_free_pages", "tp_dma_free_pages",	\
	   "dma")											\
	TP(DMA_SYNC_SINGLE_CPU, DMA, TRACE_DMA_SYNC_FOR_CPU, "dma", "dma_sync_single_for_cpu",	\
	   "tp_dma_sync_single_cpu", "dma")								\
	TP(DMA_SYNC_SINGLE_DEV, DMA, TRACE_DMA_SYNC_FOR_DEVICE, "dma",				\
	   "dma_sync_single_for_device", "tp_dma_sync_single_dev", "dma")			\
	TP(DMA_SYNC_SG_CPU, DMA_SG, TRACE_DMA_SYNC_FOR_CPU, "dma", "dma_sync_sg_for_cpu",	\
	   "tp_dma_sync_sg_cpu", "dma")									\
	TP(DMA_SYNC_SG_DEV, DMA_SG, TRACE_DMA_SYNC_FOR_DEVICE, "dma", "dma_sync_sg_for_device",	\
	   "tp_dma_sync_sg_dev", "dma")									\
	TPR(QI_SUBMIT, QI_SUBMIT, 0, "intel_iommu", "qi_submit", "tp_qi_submit", "intel_iommu",	\
	    "rtp_qi_submit", 5, "intel_iommu")								\
	TP(PRQ_REPORT, PRQ, 0, "intel_iommu", "prq_report", "tp_prq_report", "intel_iommu")	\
	TP(CACHE_TAG_ASSIGN, CACHE_TAG, TRACE_CACHE_TAG_ASSIGN, "intel_iommu",			\
	   "cache_tag_assign", "tp_cache_tag_assign", "intel_iommu")				\
	TP(CACHE_TAG_UNASSIGN, CACHE_TAG, TRACE_CACHE_TAG_UNASSIGN, "intel_iommu",		\
	   "cache_tag_unassign", "tp_cache_tag_unassign", "intel_iommu")			\
	TP(CACHE_TAG_FLUSH_RANGE, CACHE_TAG, TRACE_CACHE_TAG_FLUSH_RANGE, "intel_iommu",	\
	   "cache_tag_flush_range", "tp_cache_tag_flush_range", "intel_iommu")			\
	TP(CACHE_TAG_FLUSH_ALL, CACHE_TAG, TRACE_CACHE_TAG_FLUSH_ALL, "intel_iommu",		\
	   "cache_tag_flush_all", "tp_cache_tag_flush_all", "intel_iommu")			\
	TP(CACHE_TAG_FLUSH_RANGE_NP, CACHE_TAG, TRACE_CACHE_TAG_FLUSH_RANGE_NP, "intel_iommu",	\
	   "cache_tag_flush_range_np", "tp_cache_tag_flush_range_np", "intel_iommu")		\
	FN(QI_SUBMIT_SYNC, QI_WAIT, 0, "qi_submit_sync", "fe_qi_submit_sync",			\
	   "fx_qi_submit_sync", "qi_wait", NULL,	\
	   "kp_qi_submit_sync", "kr_qi_submit_sync")	\
	FN(IOPF_REPORT, IOPF_FAULT, TRACE_FAULT_REPORT, "iommu_report_device_fault",		\
	   "fe_iopf_report", NULL, "iopf", NULL,	\
	   "kp_iopf_report", NULL)	\
	FN(IOPF_HANDLE_IOPF, IOPF_FAULT, TRACE_FAULT_HANDLE, "iommu_sva_handle_iopf",		\
	   "fe_iopf_handle_iopf", NULL, "iopf", NULL,	\
	   "kp_iopf_handle_iopf", NULL)	\
	FN(IOPF_HANDLE_MM, IOPF_FAULT, TRACE_FAULT_HANDLE, "iommu_sva_handle_mm",		\
	   "fe_iopf_handle_mm", NULL, "iopf", NULL,	\
	   "kp_iopf_handle_mm", NULL)	\
	FN(IOPF_PAGE_RESPONSE, IOPF_RESP, 0, "iommu_page_response", "fe_iopf_page_response",	\
	   NULL, "iopf", NULL,	\
	   "kp_iopf_page_response", NULL)	\
	FN(IOPF_GROUP_RESPONSE, IOPF_RESP, 0, "iopf_group_response", "fe_iopf_group_response",	\
	   NULL, "iopf", NULL,	\
	   "kp_iopf_group_response", NULL)	\
	FN(PIN_FAST, PIN, TRACE_PIN, "pin_user_pages_fast", "fe_pin_fast", "fx_pin_fast",	\
	   "pin", NULL,	\
	   "kp_pin_fast", "kr_pin_fast")	\
	FN(PIN, PIN, TRACE_PIN, "pin_user_pages", "fe_pin", "fx_pin", "pin", NULL,	\
	   "kp_pin", "kr_pin")	\
	FN(PIN_REMOTE, PIN, TRACE_PIN, "pin_user_pages_remote", "fe_pin_remote",		\
	   "fx_pin_remote", "pin", NULL,	\
	   "kp_pin_remote", "kr_pin_remote")	\
	FN(PIN_UNLOCKED, PIN, TRACE_PIN, "pin_user_pages_unlocked", "fe_pin_unlocked",		\
	   "fx_pin_unlocked", "pin", NULL,	\
	   "kp_pin_unlocked", "kr_pin_unlocked")	\
	FN(UNPIN, PIN, TRACE_UNPIN, "unpin_user_pages", "fe_unpin", NULL, "pin", NULL,	\
	   "kp_unpin", NULL)	\
	FN(UNPIN_DIRTY, PIN, TRACE_UNPIN, "unpin_user_pages_dirty_lock", "fe_unpin_dirty",	\
	   NULL, "pin", NULL,	\
	   "kp_unpin_dirty", NULL)	\
	FN(IDXD_SUBMIT, DSA_SUBMIT, 0, "idxd_submit_desc", "fe_idxd_submit", NULL, "idxd",	\
	   "idxd",	\
	   "kp_idxd_submit", NULL)	\
	FN(IDXD_ENQCMDS, DSA_ENQCMDS, 0, "idxd_enqcmds", "fe_idxd_enqcmds", "fx_idxd_enqcmds",	\
	   "idxd", "idxd",	\
	   "kp_idxd_enqcmds", "kr_idxd_enqcmds")	\
	FN(IDXD_COMPLETE, DSA_COMPLETE, 0, "idxd_dma_complete_txd", "fe_idxd_complete", NULL,	\
	   "idxd", "idxd",	\
	   "kp_idxd_complete", NULL)	\
	FN(IDXD_WQ_THREAD, IRQ, 0, "idxd_wq_thread", "fe_idxd_wq_thread", NULL, "idxd",		\
	   "idxd",	\
	   "kp_idxd_wq_thread", NULL)	\
	FN(IDXD_MISC_THREAD, IRQ, 0, "idxd_misc_thread", "fe_idxd_misc_thread", NULL, "idxd",	\
	   "idxd",	\
	   "kp_idxd_misc_thread", NULL)	\
	OTHER(UPROBE_DSA, DSA_UPROBE, 0, PROBE_UPROBE, "uprobe:dsa-desc", "uprobe",		\
	      "up_dsa_desc")										\
	OTHER(TRACEPOINT, TRACEPOINT, 0, PROBE_USER_TP, "tracepoint", "tracepoint",		\
	      "tp_generic")										\
	FN(AMD_CMD, AMD_CMD, 0, "__iommu_queue_command_sync", "fe_amd_cmd", NULL, "amd_iommu",	\
	   NULL, "kp_amd_cmd", NULL)
/* clang-format on */

#endif /* SVATRACE_COLLECT_PROBE_TABLE_H */
