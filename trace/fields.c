// SPDX-License-Identifier: GPL-2.0
/*
 * fields.c - name/offset/type tables of the fixed record kinds (fields.h).
 */
#include <string.h>

#include "trace/fields.h"
#include "trace/format.h"

#define F(st, m, t)                                                                                \
	{                                                                                          \
#m, (uint16_t)offsetof(struct st, m), TRACE_F_##t                                  \
	}
#define FN(st, name, m, t)                                                                         \
	{                                                                                          \
		name, (uint16_t)offsetof(struct st, m), TRACE_F_##t                                \
	}
#define TABLE(k, arr) [k] = {arr, sizeof(arr) / sizeof(arr[0])}

static const struct trace_field f_map[] = {
    F(trace_rec_iommu_map, iova, HEX64),     F(trace_rec_iommu_map, paddr, HEX64),
    F(trace_rec_iommu_map, size_bytes, U64), F(trace_rec_iommu_map, device_id, STR),
    F(trace_rec_iommu_map, prot, U32),
};
static const struct trace_field f_unmap[] = {
    F(trace_rec_iommu_unmap, iova, HEX64),
    F(trace_rec_iommu_unmap, size_bytes, U64),
    F(trace_rec_iommu_unmap, unmapped_bytes, U64),
    F(trace_rec_iommu_unmap, device_id, STR),
};
static const struct trace_field f_fault[] = {
    F(trace_rec_io_page_fault, addr, HEX64),	F(trace_rec_io_page_fault, device_id, STR),
    F(trace_rec_io_page_fault, driver_id, STR), F(trace_rec_io_page_fault, flags, U32),
    F(trace_rec_io_page_fault, pasid, U32),	F(trace_rec_io_page_fault, grpid, U32),
    F(trace_rec_io_page_fault, source, U16),	F(trace_rec_io_page_fault, perm, U16),
};
static const struct trace_field f_group[] = {
    F(trace_rec_dev_group, device_id, STR),
    F(trace_rec_dev_group, group, U32),
    F(trace_rec_dev_group, op, U32),
};
static const struct trace_field f_dma[] = {
    F(trace_rec_dma, phys, HEX64),     F(trace_rec_dma, dma_addr, HEX64),
    F(trace_rec_dma, size_bytes, U64), F(trace_rec_dma, device_id, STR),
    F(trace_rec_dma, op, U16),	       F(trace_rec_dma, dir, U8),
    F(trace_rec_dma, attrs, HEX64),
};
static const struct trace_field f_qi[] = {
    FN(trace_rec_qi_submit, "qw0", qw[0], HEX64),
    FN(trace_rec_qi_submit, "qw1", qw[1], HEX64),
    FN(trace_rec_qi_submit, "qw2", qw[2], HEX64),
    FN(trace_rec_qi_submit, "qw3", qw[3], HEX64),
    F(trace_rec_qi_submit, iommu_id, STR),
    F(trace_rec_qi_submit, type, U16),
    F(trace_rec_qi_submit, domain_id, U32),
    F(trace_rec_qi_submit, pasid, U32),
    F(trace_rec_qi_submit, sid, U32),
    F(trace_rec_qi_submit, granularity, U32),
    F(trace_rec_qi_submit, addr, HEX64),
    F(trace_rec_qi_submit, addr_mask, U32),
};
static const struct trace_field f_prq[] = {
    FN(trace_rec_page_req, "dw0", dw[0], U32),
    FN(trace_rec_page_req, "dw1", dw[1], U32),
    FN(trace_rec_page_req, "dw2", dw[2], U32),
    FN(trace_rec_page_req, "dw3", dw[3], U32),
    F(trace_rec_page_req, addr, HEX64),
    F(trace_rec_page_req, iommu_id, STR),
    F(trace_rec_page_req, device_id, STR),
    F(trace_rec_page_req, sid, U32),
    F(trace_rec_page_req, pasid, U32),
    F(trace_rec_page_req, grpid, U16),
    F(trace_rec_page_req, rw, U8),
    F(trace_rec_page_req, last, U8),
};
static const struct trace_field f_presp[] = {
    F(trace_rec_page_resp, device_id, STR),
    F(trace_rec_page_resp, pasid, U32),
    F(trace_rec_page_resp, grpid, U32),
    F(trace_rec_page_resp, code, U32),
};
static const struct trace_field f_pin[] = {
    F(trace_rec_pin, addr, HEX64),   F(trace_rec_pin, duration_ns, U64),
    F(trace_rec_pin, nr_pages, U32), F(trace_rec_pin, nr_done, S32),
    F(trace_rec_pin, op, U32),	     F(trace_rec_pin, gup_flags, U32),
};
static const struct trace_field f_wqs[] = {
    F(trace_rec_wq_submit, src, HEX64),	       F(trace_rec_wq_submit, dst, HEX64),
    F(trace_rec_wq_submit, compl_addr, HEX64), F(trace_rec_wq_submit, desc_id, U64),
    F(trace_rec_wq_submit, device_id, STR),    F(trace_rec_wq_submit, xfer_bytes, U32),
    F(trace_rec_wq_submit, pasid, U32),	       F(trace_rec_wq_submit, desc_flags, U32),
    F(trace_rec_wq_submit, wq, U16),	       F(trace_rec_wq_submit, opcode, U8),
    F(trace_rec_wq_submit, portal, U8),	       F(trace_rec_wq_submit, retries, U16),
    F(trace_rec_wq_submit, status, S16),
};
static const struct trace_field f_wqc[] = {
    F(trace_rec_wq_complete, desc_id, U64),   F(trace_rec_wq_complete, bytes_done, U64),
    F(trace_rec_wq_complete, device_id, STR), F(trace_rec_wq_complete, pasid, U32),
    F(trace_rec_wq_complete, wq, U16),	      F(trace_rec_wq_complete, opcode, U8),
    F(trace_rec_wq_complete, status, U8),     F(trace_rec_wq_complete, fault_addr_lo, U32),
};
static const struct trace_field f_wait[] = {
    F(trace_rec_qi_wait, wait_ns, U64),
    F(trace_rec_qi_wait, iommu_id, STR),
    F(trace_rec_qi_wait, nr_desc, U32),
    F(trace_rec_qi_wait, ret, S32),
};
static const struct trace_field f_tag[] = {
    F(trace_rec_cache_tag, start, HEX64),   F(trace_rec_cache_tag, end, HEX64),
    F(trace_rec_cache_tag, iommu_id, STR),  F(trace_rec_cache_tag, device_id, STR),
    F(trace_rec_cache_tag, domain_id, U32), F(trace_rec_cache_tag, pasid, U32),
    F(trace_rec_cache_tag, op, U32),	    F(trace_rec_cache_tag, tag_type, U32),
};
static const struct trace_field f_access[] = {
    F(trace_rec_dev_access, iova, HEX64),    F(trace_rec_dev_access, size_bytes, U32),
    F(trace_rec_dev_access, device_id, STR), F(trace_rec_dev_access, pasid, U32),
    F(trace_rec_dev_access, dir, U32),
};

static const struct {
	const struct trace_field *f;
	size_t n;
} tables[TRACE_REC_KIND_MAX_] = {
    TABLE(TRACE_REC_IOMMU_MAP, f_map),
    TABLE(TRACE_REC_IOMMU_UNMAP, f_unmap),
    TABLE(TRACE_REC_IO_PAGE_FAULT, f_fault),
    TABLE(TRACE_REC_DEV_GROUP, f_group),
    TABLE(TRACE_REC_DMA, f_dma),
    TABLE(TRACE_REC_QI_SUBMIT, f_qi),
    TABLE(TRACE_REC_PAGE_REQ, f_prq),
    TABLE(TRACE_REC_PAGE_RESP, f_presp),
    TABLE(TRACE_REC_PIN, f_pin),
    TABLE(TRACE_REC_WQ_SUBMIT, f_wqs),
    TABLE(TRACE_REC_WQ_COMPLETE, f_wqc),
    TABLE(TRACE_REC_QI_WAIT, f_wait),
    TABLE(TRACE_REC_CACHE_TAG, f_tag),
    TABLE(TRACE_REC_DEV_ACCESS, f_access),
};

const struct trace_field *trace_rec_fields(unsigned int kind, size_t *nr)
{
	if (kind >= TRACE_REC_KIND_MAX_ || !tables[kind].f) {
		*nr = 0;
		return NULL;
	}
	*nr = tables[kind].n;
	return tables[kind].f;
}

size_t trace_field_size(unsigned int type)
{
	switch (type) {
	case TRACE_F_U8:
		return 1;
	case TRACE_F_U16:
	case TRACE_F_S16:
		return 2;
	case TRACE_F_U32:
	case TRACE_F_S32:
	case TRACE_F_STR:
		return 4;
	default:
		return 8;
	}
}

uint64_t trace_field_u64(const void *rec, const struct trace_field *f)
{
	const unsigned char *p = (const unsigned char *)rec + f->offset;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (f->type) {
	case TRACE_F_U8:
		memcpy(&u8, p, 1);
		return u8;
	case TRACE_F_U16:
		memcpy(&u16, p, 2);
		return u16;
	case TRACE_F_S16:
		memcpy(&u16, p, 2);
		return (uint64_t)(int64_t)(int16_t)u16;
	case TRACE_F_U32:
	case TRACE_F_STR:
		memcpy(&u32, p, 4);
		return u32;
	case TRACE_F_S32:
		memcpy(&u32, p, 4);
		return (uint64_t)(int64_t)(int32_t)u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}
