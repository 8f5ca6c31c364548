// SPDX-License-Identifier: GPL-2.0
/*
 * test_inval_amd.c - the AMD-Vi command decode (replay/inval_amd.h) on
 * command words laid out as 48882 section 2.4 and Linux 6.1's build_*
 * helpers make them (several copied from the bundled AMD-Vi trace), the
 * S-bit size encoding, the mapping onto invalidation records, the raw=
 * text parser, and the converting source on an in-memory trace.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "replay/inval_amd.h"
#include "replay/source.h"

static struct inval_amd_cmd decode(uint32_t d0, uint32_t d1, uint32_t d2, uint32_t d3)
{
	const uint32_t d[4] = {d0, d1, d2, d3};
	struct inval_amd_cmd c;

	assert_int_equal(inval_amd_decode(d, &c), 0);
	return c;
}

/* The trace's first command: raw=00000000ffff9002 3000000300000000 (one page, PDE). */
static void test_iommu_pages_one_page(void **state)
{
	struct inval_amd_cmd c = decode(0, 0x30000003, 0xffff9002, 0);
	struct trace_rec h = {.ts_ns = 5, .cpu = 1};
	struct trace_rec_qi_submit q;

	(void)state;
	assert_int_equal(c.op, INVAL_AMD_INV_IOMMU_PAGES);
	assert_int_equal(c.domain_id, 3);
	assert_false(c.s);
	assert_true(c.pde);
	assert_false(c.gn);
	assert_int_equal(c.addr, 0xffff9000);
	assert_int_equal(c.addr_mask, 0);
	assert_int_equal(c.pasid, TRACE_NO_PASID);
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.hdr.kind, TRACE_REC_QI_SUBMIT);
	assert_int_equal(q.hdr.size_bytes, sizeof(q));
	assert_int_equal(q.hdr.ts_ns, 5);
	assert_int_equal(q.hdr.cpu, 1);
	assert_int_equal(q.type, TRACE_QI_IOTLB_INV);
	assert_int_equal(q.granularity, 3);
	assert_int_equal(q.domain_id, 3);
	assert_int_equal(q.addr, 0xffff9000);
	assert_int_equal(q.addr_mask, 0);
	assert_string_equal(inval_amd_op_name(c.op), "inv_iommu_pages");
}

/*
 * S=1: the lowest clear bit n >= 12 makes the range 2^(n+1) bytes. The
 * trace flushes a 24 KiB map at 0xfffe8000 in two aligned pieces (Linux
 * domain_flush_pages under NpCache): 16 KiB encoded 0xfffe9000 (bit 12 set,
 * 13 clear) and 8 KiB encoded 0xfffec000 (bit 12 clear).
 */
static void test_iommu_pages_size_bit(void **state)
{
	struct inval_amd_cmd c = decode(0, 0x30000003, 0xfffe9003, 0);

	(void)state;
	assert_true(c.s);
	assert_int_equal(c.addr, 0xfffe8000);
	assert_int_equal(c.addr_mask, 2); /* 4 pages */
	c = decode(0, 0x30000003, 0xfffec003, 0);
	assert_int_equal(c.addr, 0xfffec000);
	assert_int_equal(c.addr_mask, 1); /* 2 pages */
	/* 1 MiB at 4 GiB: bits 18:12 set, 19 clear; high address in data[3] */
	c = decode(0, 0x30000007, 0x0007f001, 0x1);
	assert_int_equal(c.domain_id, 7);
	assert_int_equal(c.addr, 0x100000000ull);
	assert_int_equal(c.addr_mask, 8); /* 256 pages */
	assert_false(c.all);
}

/* CMD_INV_IOMMU_ALL_PAGES_ADDRESS (0x7fff_ffff_ffff_f000 with S): the whole domain. */
static void test_iommu_pages_all(void **state)
{
	struct inval_amd_cmd c = decode(0, 0x30000005, 0xfffff003, 0x7fffffff);
	struct trace_rec h = {0};
	struct trace_rec_qi_submit q;

	(void)state;
	assert_true(c.all);
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_IOTLB_INV);
	assert_int_equal(q.granularity, 2); /* domain-selective */
	assert_int_equal(q.domain_id, 5);
	/* only bits 51:12 count: 63:52 clear is the same */
	c = decode(0, 0x30000005, 0xfffff001, 0x000fffff);
	assert_true(c.all);
}

/* GN=1: PASID in data[0] 19:0, a PASID-based IOTLB invalidation. */
static void test_iommu_pages_pasid(void **state)
{
	struct inval_amd_cmd c = decode(0x12345, 0x30000002, 0x00400004, 0);
	struct trace_rec h = {0};
	struct trace_rec_qi_submit q;

	(void)state;
	assert_true(c.gn);
	assert_int_equal(c.pasid, 0x12345);
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_P_IOTLB_INV);
	assert_int_equal(q.pasid, 0x12345);
	assert_int_equal(q.addr, 0x400000);
}

/*
 * build_inv_iotlb_pages(devid 0x0010, qdep 32, 0x10000, 8 KiB): data[0] =
 * devid | qdep << 24, data[1] = devid | opcode 4, address with S.
 */
static void test_iotlb_pages(void **state)
{
	struct inval_amd_cmd c = decode(0x20000010, 0x40000010, 0x00010001, 0);
	struct trace_rec h = {0};
	struct trace_rec_qi_submit q;

	(void)state;
	assert_int_equal(c.op, INVAL_AMD_INV_IOTLB_PAGES);
	assert_int_equal(c.dev_id, 0x10);
	assert_int_equal(c.addr, 0x10000);
	assert_int_equal(c.addr_mask, 1);
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_DEV_TLB_INV);
	assert_int_equal(q.sid, 0x10);
	assert_int_equal(q.granularity, 3);
	/* GN: PASID 7:0 in data[0] 23:16, 19:8 in data[1] 27:16 */
	c = decode(0x20ab0010, 0x40cd0010, 0x00010005, 0);
	assert_true(c.gn);
	assert_int_equal(c.pasid, 0xcdab);
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_P_DEV_TLB_INV);
}

/* The trace's COMPLETION_WAIT: raw=00000000000001c6 1000000002136001. */
static void test_completion_wait(void **state)
{
	struct inval_amd_cmd c = decode(0x02136001, 0x10000000, 0x1c6, 0);
	struct trace_rec h = {0};
	struct trace_rec_qi_submit q;

	(void)state;
	assert_int_equal(c.op, INVAL_AMD_COMPLETION_WAIT);
	assert_true(c.s);
	assert_int_equal(c.store_addr, 0x02136000);
	assert_int_equal(c.store_data, 0x1c6);
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_INV_WAIT);
	assert_string_equal(inval_amd_op_name(c.op), "completion_wait");
}

static void test_other_commands(void **state)
{
	struct trace_rec h = {0};
	struct trace_rec_qi_submit q;
	struct inval_amd_cmd c;
	const uint32_t bad0[4] = {0, 0, 0, 0}, bad9[4] = {0, 0x90000000, 0, 0};

	(void)state;
	c = decode(0x0018, 0x20000000, 0, 0); /* INVALIDATE_DEVTAB_ENTRY 00:03.0 */
	assert_int_equal(c.dev_id, 0x18);
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_CC_INV);
	assert_int_equal(q.sid, 0x18);
	c = decode(0x0018, 0x50000000, 0, 0); /* INVALIDATE_INTERRUPT_TABLE */
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_IEC_INV);
	c = decode(0, 0x80000000, 0, 0); /* INVALIDATE_IOMMU_ALL */
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_IOTLB_INV);
	assert_int_equal(q.granularity, 1);
	c = decode(0, 0x70000000, 0, 0); /* COMPLETE_PPR_REQUEST */
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), 0);
	assert_int_equal(q.type, TRACE_QI_PAGE_GRP_RESP);
	c = decode(0, 0x60000000, 0, 0); /* PREFETCH_IOMMU_PAGES: invalidates nothing */
	assert_int_equal(inval_amd_to_qi(&c, &h, &q), -ENOENT);
	assert_int_equal(inval_amd_decode(bad0, &c), -EINVAL);
	assert_int_equal(inval_amd_decode(bad9, &c), -EINVAL);
	assert_null(inval_amd_op_name(9));
	assert_null(inval_amd_op_name(99));
}

static void test_parse_text(void **state)
{
	uint32_t d[4];

	(void)state;
	assert_int_equal(
	    inval_amd_parse_text("cmd=inv_iommu_pages domid=3 addr=0xffff9000 s=0 pde=1 "
				 "pasid=0 sync=1 raw=00000000ffff90023000000300000000",
				 d),
	    0);
	assert_int_equal(d[0], 0);
	assert_int_equal(d[1], 0x30000003);
	assert_int_equal(d[2], 0xffff9002);
	assert_int_equal(d[3], 0);
	assert_int_equal(inval_amd_parse_text("raw=0123456789ABCDEF0123456789abcdef", d), 0);
	assert_int_equal(d[3], 0x01234567);
	assert_int_equal(d[0], 0x89abcdef);
	assert_int_equal(inval_amd_parse_text("raw=00000000ffff9002300000030000000", d), -EINVAL);
	assert_int_equal(inval_amd_parse_text("raw=00000000ffff900230000003000000000", d), -EINVAL);
	assert_int_equal(inval_amd_parse_text("raw=00000000ffff9002300000030000000g", d), -EINVAL);
	assert_int_equal(inval_amd_parse_text("cmd=completion_wait sync=0", d), -EINVAL);
	assert_int_equal(inval_amd_parse_text(NULL, d), -EINVAL);
}

/* ---------------------------------------------------------------- the source */

union grec {
	struct trace_rec_generic g;
	uint8_t b[sizeof(struct trace_rec_generic) + 128];
};

static void make_generic(union grec *r, uint32_t event_id, uint64_t ts, const char *text)
{
	size_t n = strlen(text), size = (sizeof(r->g) + n + 1 + 7) & ~(size_t)7;

	memset(r, 0, sizeof(*r));
	r->g.hdr.ts_ns = ts;
	r->g.hdr.kind = TRACE_REC_GENERIC;
	r->g.hdr.size_bytes = (uint16_t)size;
	r->g.hdr.cpu = 1;
	r->g.hdr.event_id = event_id;
	r->g.text_bytes = (uint32_t)n;
	memcpy(r->b + sizeof(r->g), text, n + 1);
}

static void test_source(void **state)
{
	static const char *const strings[] = {"fentry:__iommu_queue_command_sync", "ftrace:print"};
	union grec inv, cw, other, bad;
	struct trace_rec_iommu_map map = {
	    .hdr = {.ts_ns = 1, .kind = TRACE_REC_IOMMU_MAP, .size_bytes = sizeof(map)},
	    .iova = 0xffff9000,
	    .size_bytes = 4096};
	const struct trace_rec *recs[5], *r;
	struct replay_source *mem, *src;
	struct inval_amd *a;
	int kinds[5];

	(void)state;
	make_generic(&inv, 1, 2,
		     "cmd=inv_iommu_pages domid=3 sync=1 raw=00000000ffff90023000000300000000");
	make_generic(&cw, 1, 3, "cmd=completion_wait sync=0 raw=00000000000001c61000000002136001");
	make_generic(&other, 2, 4, "raw=00000000ffff90023000000300000000");
	make_generic(&bad, 1, 5, "cmd=inv_iommu_pages raw=00000000ffff9002");
	recs[0] = &map.hdr;
	recs[1] = &inv.g.hdr;
	recs[2] = &cw.g.hdr;
	recs[3] = &other.g.hdr;
	recs[4] = &bad.g.hdr;
	mem = replay_source_mem__new(recs, 5, strings, 2);
	assert_non_null(mem);
	a = inval_amd__new(mem);
	assert_non_null(a);
	src = inval_amd__source(a);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 5; i++) {
			assert_int_equal(replay_source__next(src, &r), 1);
			kinds[i] = r->kind;
			if (i == 1) {
				const struct trace_rec_qi_submit *q = (const void *)r;

				assert_int_equal(q->type, TRACE_QI_IOTLB_INV);
				assert_int_equal(q->domain_id, 3);
				assert_int_equal(q->addr, 0xffff9000);
				assert_int_equal(q->hdr.ts_ns, 2);
				assert_int_equal(q->hdr.cpu, 1);
				assert_int_equal(q->qw[0], 0x3000000300000000ull);
				assert_int_equal(q->qw[1], 0xffff9002ull);
			}
			if (i == 2)
				assert_int_equal(
				    ((const struct trace_rec_qi_submit *)(const void *)r)->type,
				    TRACE_QI_INV_WAIT);
		}
		assert_int_equal(replay_source__next(src, &r), 0);
		assert_int_equal(kinds[0], TRACE_REC_IOMMU_MAP);
		assert_int_equal(kinds[1], TRACE_REC_QI_SUBMIT);
		assert_int_equal(kinds[2], TRACE_REC_QI_SUBMIT);
		assert_int_equal(kinds[3], TRACE_REC_GENERIC); /* another event: untouched */
		assert_int_equal(kinds[4], TRACE_REC_GENERIC); /* undecodable: left, counted */
		/* counts are one pass's: a rewind (owners pass, prescan) starts them again */
		assert_int_equal(inval_amd__nr_cmds(a, INVAL_AMD_INV_IOMMU_PAGES), 1);
		assert_int_equal(inval_amd__nr_cmds(a, INVAL_AMD_COMPLETION_WAIT), 1);
		assert_int_equal(inval_amd__nr_bad(a), 1);
		assert_string_equal(replay_source__string(src, 2), "ftrace:print");
		assert_int_equal(replay_source__rewind(src), 0);
	}
	inval_amd__free(a);
	replay_source__close(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_iommu_pages_one_page),
	    cmocka_unit_test(test_iommu_pages_size_bit),
	    cmocka_unit_test(test_iommu_pages_all),
	    cmocka_unit_test(test_iommu_pages_pasid),
	    cmocka_unit_test(test_iotlb_pages),
	    cmocka_unit_test(test_completion_wait),
	    cmocka_unit_test(test_other_commands),
	    cmocka_unit_test(test_parse_text),
	    cmocka_unit_test(test_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
