// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - tables and decoders shared by the trace writer, the reader and
 * the importers: record sizes and names, error strings, and the decoding of
 * VT-d invalidation and page request descriptors.
 *
 * Descriptor layouts follow the Intel VT-d specification (rev. 4.x, §6.5.2
 * invalidation descriptors, §7.5.1 page request descriptor) as encoded by
 * Linux drivers/iommu/intel/iommu.h (QI_* macros) and struct page_req_dsc.
 */
#include <string.h>

#include "trace/trace.h"
#include "trace/trace-local.h"

const uint16_t trace_rec_fixed_size[TRACE_REC_KIND_MAX_] = {
    [TRACE_REC_INVALID] = 0,
    [TRACE_REC_IOMMU_MAP] = sizeof(struct trace_rec_iommu_map),
    [TRACE_REC_IOMMU_UNMAP] = sizeof(struct trace_rec_iommu_unmap),
    [TRACE_REC_IO_PAGE_FAULT] = sizeof(struct trace_rec_io_page_fault),
    [TRACE_REC_DEV_GROUP] = sizeof(struct trace_rec_dev_group),
    [TRACE_REC_DMA] = sizeof(struct trace_rec_dma),
    [TRACE_REC_QI_SUBMIT] = sizeof(struct trace_rec_qi_submit),
    [TRACE_REC_PAGE_REQ] = sizeof(struct trace_rec_page_req),
    [TRACE_REC_PAGE_RESP] = sizeof(struct trace_rec_page_resp),
    [TRACE_REC_PIN] = sizeof(struct trace_rec_pin),
    [TRACE_REC_WQ_SUBMIT] = sizeof(struct trace_rec_wq_submit),
    [TRACE_REC_WQ_COMPLETE] = sizeof(struct trace_rec_wq_complete),
    [TRACE_REC_QI_WAIT] = sizeof(struct trace_rec_qi_wait),
    [TRACE_REC_CACHE_TAG] = sizeof(struct trace_rec_cache_tag),
    [TRACE_REC_DEV_ACCESS] = sizeof(struct trace_rec_dev_access),
    [TRACE_REC_GENERIC] = 0,
};

#define CHECK_REC(type) _Static_assert(sizeof(struct type) % TRACE_REC_ALIGN == 0, #type " size")
CHECK_REC(trace_rec_iommu_map);
CHECK_REC(trace_rec_iommu_unmap);
CHECK_REC(trace_rec_io_page_fault);
CHECK_REC(trace_rec_dev_group);
CHECK_REC(trace_rec_dma);
CHECK_REC(trace_rec_qi_submit);
CHECK_REC(trace_rec_page_req);
CHECK_REC(trace_rec_page_resp);
CHECK_REC(trace_rec_pin);
CHECK_REC(trace_rec_wq_submit);
CHECK_REC(trace_rec_wq_complete);
CHECK_REC(trace_rec_qi_wait);
CHECK_REC(trace_rec_cache_tag);
CHECK_REC(trace_rec_dev_access);
CHECK_REC(trace_rec_generic);

static const char *const kind_names[TRACE_REC_KIND_MAX_] = {
    [TRACE_REC_INVALID] = "invalid",	     [TRACE_REC_IOMMU_MAP] = "iommu_map",
    [TRACE_REC_IOMMU_UNMAP] = "iommu_unmap", [TRACE_REC_IO_PAGE_FAULT] = "io_page_fault",
    [TRACE_REC_DEV_GROUP] = "dev_group",     [TRACE_REC_DMA] = "dma",
    [TRACE_REC_QI_SUBMIT] = "qi_submit",     [TRACE_REC_PAGE_REQ] = "page_req",
    [TRACE_REC_PAGE_RESP] = "page_resp",     [TRACE_REC_PIN] = "pin",
    [TRACE_REC_WQ_SUBMIT] = "wq_submit",     [TRACE_REC_WQ_COMPLETE] = "wq_complete",
    [TRACE_REC_QI_WAIT] = "qi_wait",	     [TRACE_REC_CACHE_TAG] = "cache_tag",
    [TRACE_REC_DEV_ACCESS] = "dev_access",   [TRACE_REC_GENERIC] = "generic",
};

const char *trace_rec_kind_name(unsigned int kind)
{
	return kind < TRACE_REC_KIND_MAX_ ? kind_names[kind] : "unknown";
}

static const char *const group_events[] = {
    [TRACE_GROUP_ADD] = "iommu:add_device_to_group",
    [TRACE_GROUP_REMOVE] = "iommu:remove_device_from_group",
    [TRACE_GROUP_ATTACH] = "iommu:attach_device_to_domain",
    [TRACE_GROUP_DETACH] = "iommu:detach_device_from_domain",
};

static const char *const dma_events[TRACE_DMA_OP_MAX_] = {
    [TRACE_DMA_MAP_PAGE] = "dma:dma_map_page",
    [TRACE_DMA_UNMAP_PAGE] = "dma:dma_unmap_page",
    [TRACE_DMA_MAP_RESOURCE] = "dma:dma_map_resource",
    [TRACE_DMA_UNMAP_RESOURCE] = "dma:dma_unmap_resource",
    [TRACE_DMA_MAP_SG] = "dma:dma_map_sg",
    [TRACE_DMA_UNMAP_SG] = "dma:dma_unmap_sg",
    [TRACE_DMA_ALLOC] = "dma:dma_alloc",
    [TRACE_DMA_FREE] = "dma:dma_free",
    [TRACE_DMA_SYNC_FOR_CPU] = "dma:dma_sync_single_for_cpu",
    [TRACE_DMA_SYNC_FOR_DEVICE] = "dma:dma_sync_single_for_device",
};

static const char *const cache_tag_events[] = {
    [TRACE_CACHE_TAG_ASSIGN] = "intel_iommu:cache_tag_assign",
    [TRACE_CACHE_TAG_UNASSIGN] = "intel_iommu:cache_tag_unassign",
    [TRACE_CACHE_TAG_FLUSH_RANGE] = "intel_iommu:cache_tag_flush_range",
    [TRACE_CACHE_TAG_FLUSH_ALL] = "intel_iommu:cache_tag_flush_all",
    [TRACE_CACHE_TAG_FLUSH_RANGE_NP] = "intel_iommu:cache_tag_flush_range_np",
};

const char *trace_rec_default_event(const struct trace_rec *rec)
{
	switch (rec->kind) {
	case TRACE_REC_IOMMU_MAP:
		return "iommu:map";
	case TRACE_REC_IOMMU_UNMAP:
		return "iommu:unmap";
	case TRACE_REC_IO_PAGE_FAULT: {
		const struct trace_rec_io_page_fault *f = (const void *)rec;

		if (f->source == TRACE_FAULT_REPORT)
			return "kprobe:iommu_report_device_fault";
		if (f->source == TRACE_FAULT_HANDLE)
			return "kprobe:iommu_sva_handle_iopf";
		return "iommu:io_page_fault";
	}
	case TRACE_REC_DEV_GROUP: {
		const struct trace_rec_dev_group *g = (const void *)rec;

		return g->op < sizeof(group_events) / sizeof(group_events[0])
			   ? group_events[g->op]
			   : "iommu:unknown_group_op";
	}
	case TRACE_REC_DMA: {
		const struct trace_rec_dma *d = (const void *)rec;

		return d->op < TRACE_DMA_OP_MAX_ ? dma_events[d->op] : "dma:unknown";
	}
	case TRACE_REC_QI_SUBMIT:
		return "intel_iommu:qi_submit";
	case TRACE_REC_PAGE_REQ:
		return "intel_iommu:prq_report";
	case TRACE_REC_PAGE_RESP:
		return "kprobe:iopf_group_response";
	case TRACE_REC_PIN: {
		const struct trace_rec_pin *p = (const void *)rec;

		return p->op == TRACE_UNPIN ? "kprobe:unpin_user_pages" : "kprobe:pin_user_pages";
	}
	case TRACE_REC_WQ_SUBMIT:
		return "idxd:submit";
	case TRACE_REC_WQ_COMPLETE:
		return "idxd:complete";
	case TRACE_REC_QI_WAIT:
		return "kprobe:qi_submit_sync";
	case TRACE_REC_CACHE_TAG: {
		const struct trace_rec_cache_tag *c = (const void *)rec;

		return c->op < sizeof(cache_tag_events) / sizeof(cache_tag_events[0])
			   ? cache_tag_events[c->op]
			   : "intel_iommu:cache_tag_unknown";
	}
	case TRACE_REC_DEV_ACCESS:
		return "svatrace:dev_access";
	case TRACE_REC_GENERIC:
		return "unknown:generic";
	default:
		return "unknown:unknown";
	}
}

static const char *const qi_names[] = {
    [TRACE_QI_CC_INV] = "cc_inv",
    [TRACE_QI_IOTLB_INV] = "iotlb_inv",
    [TRACE_QI_DEV_TLB_INV] = "dev_tlb_inv",
    [TRACE_QI_IEC_INV] = "iec_inv",
    [TRACE_QI_INV_WAIT] = "inv_wait",
    [TRACE_QI_P_IOTLB_INV] = "p_iotlb_inv",
    [TRACE_QI_PC_INV] = "pc_inv",
    [TRACE_QI_P_DEV_TLB_INV] = "p_dev_tlb_inv",
    [TRACE_QI_PAGE_GRP_RESP] = "page_grp_resp",
};

const char *trace_qi_type_name(unsigned int type)
{
	if (type >= sizeof(qi_names) / sizeof(qi_names[0]))
		return NULL;
	return qi_names[type];
}

/* Device-TLB size encoding: with S=1, the number of trailing ones in the
 * address bits above 12 gives the range as 2^(ones+1) pages (VT-d §6.5.2.5).
 * S is bit 0 of qw1 in the device-TLB descriptor (Linux QI_DEV_IOTLB_SIZE)
 * and bit 11 in the PASID-based one (QI_DEV_EIOTLB_SIZE). */
static void decode_devtlb_addr(uint64_t qw1, unsigned int s_bit, uint64_t *addr, uint32_t *mask)
{
	uint64_t a = qw1 & ~0xfffULL;

	if (qw1 & (1ULL << s_bit)) {
		uint32_t ones = (uint32_t)__builtin_ctzll(~(a >> 12));

		/* all ones up to bit 63 is the whole 2^64 space: 2^52 pages at 0 (a
		 * shift by 12 + 53 would be undefined) */
		*mask = ones + 1 < 52 ? ones + 1 : 52;
		a = *mask < 52 ? a & ~((1ULL << (12 + *mask)) - 1) : 0;
	} else {
		*mask = 0;
	}
	*addr = a;
}

void trace_qi_decode(struct trace_rec_qi_submit *q)
{
	uint64_t qw0 = q->qw[0], qw1 = q->qw[1];

	q->type = (uint16_t)(qw0 & TRACE_QI_TYPE_MASK);
	q->domain_id = 0;
	q->pasid = TRACE_NO_PASID;
	q->sid = 0;
	q->granularity = 0;
	q->addr = 0;
	q->addr_mask = 0;
	switch (q->type) {
	case TRACE_QI_CC_INV:
		q->granularity = (qw0 >> 4) & 0x3;
		q->domain_id = (qw0 >> 16) & 0xffff;
		q->sid = (qw0 >> 32) & 0xffff;
		break;
	case TRACE_QI_IOTLB_INV:
		q->granularity = (qw0 >> 4) & 0x3;
		q->domain_id = (qw0 >> 16) & 0xffff;
		q->addr = qw1 & ~0xfffULL;
		q->addr_mask = qw1 & 0x3f;
		break;
	case TRACE_QI_DEV_TLB_INV:
		q->sid = (qw0 >> 32) & 0xffff;
		decode_devtlb_addr(qw1, 0, &q->addr, &q->addr_mask);
		break;
	case TRACE_QI_IEC_INV:
		q->granularity = (qw0 >> 4) & 0x1;
		q->addr = (qw0 >> 32) & 0xffff; /* interrupt index */
		q->addr_mask = (qw0 >> 27) & 0x1f;
		break;
	case TRACE_QI_P_IOTLB_INV:
		q->granularity = (qw0 >> 4) & 0x3;
		q->domain_id = (qw0 >> 16) & 0xffff;
		q->pasid = (qw0 >> 32) & 0xfffff;
		q->addr = qw1 & ~0xfffULL;
		q->addr_mask = qw1 & 0x3f;
		break;
	case TRACE_QI_PC_INV:
		q->granularity = (qw0 >> 4) & 0x3;
		q->domain_id = (qw0 >> 16) & 0xffff;
		q->pasid = (qw0 >> 32) & 0xfffff;
		break;
	case TRACE_QI_P_DEV_TLB_INV:
		q->sid = (qw0 >> 16) & 0xffff;
		q->pasid = (qw0 >> 32) & 0xfffff;
		q->granularity = qw1 & 1; /* global */
		decode_devtlb_addr(qw1, 11, &q->addr, &q->addr_mask);
		break;
	case TRACE_QI_PAGE_GRP_RESP:
		q->sid = (qw0 >> 16) & 0xffff;
		if (qw0 & (1ULL << 4))
			q->pasid = (qw0 >> 32) & 0xfffff;
		q->granularity = (qw0 >> 12) & 0xf; /* response code */
		q->addr = (qw1 >> 3) & 0x1ff;	    /* page request group index */
		q->addr_mask = (qw1 >> 2) & 1;	    /* last page in group */
		break;
	default:
		break;
	}
}

void trace_qi_encode_iotlb(struct trace_rec_qi_submit *q, uint32_t did, unsigned int gran,
			   uint64_t addr, unsigned int am)
{
	if (gran != 3)
		addr = am = 0;
	addr &= ~(((uint64_t)4096 << am) - 1);
	/* Linux qi_flush_iotlb(): DID, DR, DW, granularity in bits 5:4, type 2 */
	q->qw[0] = ((uint64_t)(did & 0xffff) << 16) | (1u << 7) | (1u << 6) | ((gran & 3u) << 4) |
		   TRACE_QI_IOTLB_INV;
	q->qw[1] = gran == 3 ? (addr | (am & 0x3f)) : 0;
	q->qw[2] = q->qw[3] = 0;
	trace_qi_decode(q);
}

void trace_qi_encode_dev_tlb(struct trace_rec_qi_submit *q, uint16_t sid, uint64_t addr,
			     unsigned int am)
{
	addr &= ~(((uint64_t)4096 << am) - 1);
	/* Linux qi_flush_dev_iotlb(): more than one page sets S (bit 0) and
	 * encodes the range as am-1 one-bits above bit 12 */
	q->qw[0] = ((uint64_t)sid << 32) | TRACE_QI_DEV_TLB_INV;
	q->qw[1] = am ? (addr | ((((uint64_t)1 << (am - 1)) - 1) << 12) | 1) : addr;
	q->qw[2] = q->qw[3] = 0;
	trace_qi_decode(q);
}

void trace_prq_decode(struct trace_rec_page_req *p)
{
	uint64_t qw0 = (uint64_t)p->dw[1] << 32 | p->dw[0];
	uint64_t qw1 = (uint64_t)p->dw[3] << 32 | p->dw[2];

	p->sid = (qw0 >> 16) & 0xffff;
	p->pasid = (qw0 & (1ULL << 8)) ? (uint32_t)((qw0 >> 32) & 0xfffff) : TRACE_NO_PASID;
	p->rw = (uint8_t)(((qw1 & 1) ? TRACE_PRQ_READ : 0) | ((qw1 & 2) ? TRACE_PRQ_WRITE : 0) |
			  (((qw0 >> 52) & 1) ? TRACE_PRQ_EXEC : 0) |
			  (((qw0 >> 53) & 1) ? TRACE_PRQ_PRIV : 0));
	p->last = (uint8_t)((qw1 >> 2) & 1);
	p->grpid = (uint16_t)((qw1 >> 3) & 0x1ff);
	p->addr = qw1 & ~0xfffULL;
}

const char *trace_strerror(int err)
{
	switch (err) {
	case TRACE_E_EMPTY:
		return "empty file";
	case TRACE_E_SHORT_HDR:
		return "file ends inside the file header";
	case TRACE_E_MAGIC:
		return "not an svatrace trace file (bad magic)";
	case TRACE_E_VERSION:
		return "unsupported trace format version";
	case TRACE_E_ENDIAN:
		return "byte-swapped trace file (written on a big-endian host?)";
	case TRACE_E_HDR_CRC:
		return "file header checksum mismatch (corrupted)";
	case TRACE_E_TRUNCATED:
		return "file ends inside a chunk (truncated or torn)";
	case TRACE_E_CHUNK_MAGIC:
		return "bad chunk magic (corrupted or not a chunk boundary)";
	case TRACE_E_CHUNK_CRC:
		return "chunk checksum mismatch (corrupted)";
	case TRACE_E_CHUNK_SIZE:
		return "chunk size out of range";
	case TRACE_E_REC_SIZE:
		return "record size field inconsistent with its kind or chunk";
	case TRACE_E_STRING:
		return "malformed string table entry";
	case TRACE_E_META:
		return "meta chunk missing or not a JSON object";
	case TRACE_E_NO_END:
		return "no end-of-trace chunk (writer did not close the file)";
	case TRACE_E_PACKED:
		return "compressed records chunk does not decode (corrupted)";
	case TRACE_E_ISDIR:
		return "is a directory";
	case TRACE_E_HASH:
		return "content hash mismatch: the file's bytes are not those its writer hashed";
	default:
		if (err < 0 && err > TRACE_E_BASE)
			return strerror(-err);
		return "unknown error";
	}
}
