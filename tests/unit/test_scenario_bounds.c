// SPDX-License-Identifier: GPL-2.0
/*
 * test_scenario_bounds.c - the scenarios' memory is bounded (issue 19):
 * faulting and pinned track at most :max_pages pages and stop with a message
 * naming the cap; pinned forgets the pages a trace unmaps; tenants holds at
 * most :max_held copies, keeps its (device, tenant) names in a table sized by
 * the pairs seen (a device id of 2^24 asked the old id-indexed array for
 * 512 GiB), and chains multiply to at most SCENARIO_MAX_COPIES copies.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replay/scenario.h"

/* Output: counts per kind, and the names the chain interned. */
struct sink {
	uint64_t nr[TRACE_REC_KIND_MAX_]; /* records out per kind */
	char names[4096][24];		  /* id - 1 -> name */
	uint32_t nr_names;		  /* used */
	uint32_t last_dev;		  /* device id of the last DMA record out */
};

static int s_emit(void *ctx, const struct trace_rec *rec)
{
	struct sink *s = ctx;

	s->nr[rec->kind]++;
	if (rec->kind == TRACE_REC_DMA)
		s->last_dev = ((const struct trace_rec_dma *)rec)->device_id;
	return 0;
}

static uint32_t s_intern(void *ctx, const char *name)
{
	struct sink *s = ctx;

	for (uint32_t i = 0; i < s->nr_names; i++)
		if (!strcmp(s->names[i], name))
			return i + 1;
	assert_true(s->nr_names < 4096);
	snprintf(s->names[s->nr_names], sizeof(s->names[0]), "%s", name);
	return ++s->nr_names;
}

static const char *s_string(void *ctx, uint32_t id)
{
	return NULL; /* ids of the trace have no names here: "dev<ID>#t" */
}

static struct scenario_chain *chain(const char *spec, struct sink *s, char *err, size_t n)
{
	const struct scenario_out o = {s_emit, s_intern, s_string, s};

	memset(s, 0, sizeof(*s));
	return scenario_chain__new(spec, 1, &o, err, n);
}

static void hdr(struct trace_rec *h, unsigned int kind, size_t size, uint64_t ts)
{
	memset(h, 0, size);
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
	h->ts_ns = ts;
}

/* A device access; pinned matches the trace's maps (no PASID) only without a PASID. */
static int access_pasid(struct scenario_chain *c, uint64_t ts, uint64_t iova, uint32_t bytes,
			uint32_t pasid)
{
	struct trace_rec_dev_access a;

	hdr(&a.hdr, TRACE_REC_DEV_ACCESS, sizeof(a), ts);
	a.device_id = 1;
	a.pasid = pasid;
	a.iova = iova;
	a.size_bytes = bytes;
	return scenario_chain__push(c, &a.hdr);
}

static int access_rec(struct scenario_chain *c, uint64_t ts, uint64_t iova, uint32_t bytes)
{
	return access_pasid(c, ts, iova, bytes, 1);
}

static int access_rid(struct scenario_chain *c, uint64_t ts, uint64_t iova, uint32_t bytes)
{
	return access_pasid(c, ts, iova, bytes, TRACE_NO_PASID);
}

static int map_rec(struct scenario_chain *c, uint64_t ts, uint64_t iova, uint64_t bytes, int unmap)
{
	struct trace_rec_iommu_map m;
	struct trace_rec_iommu_unmap u;

	if (unmap) {
		hdr(&u.hdr, TRACE_REC_IOMMU_UNMAP, sizeof(u), ts);
		u.iova = iova;
		u.size_bytes = bytes;
		u.unmapped_bytes = bytes;
		u.device_id = 1;
		return scenario_chain__push(c, &u.hdr);
	}
	hdr(&m.hdr, TRACE_REC_IOMMU_MAP, sizeof(m), ts);
	m.iova = iova;
	m.size_bytes = bytes;
	m.device_id = 1;
	m.prot = 3;
	return scenario_chain__push(c, &m.hdr);
}

/* faulting: 1000 pages touched fit a cap of 1000; one more page stops, saying so */
static void test_faulting_max_pages(void **unused)
{
	static struct sink s;
	char err[256];
	struct scenario_chain *c = chain("faulting:prq=trace:max_pages=1000", &s, err, sizeof(err));

	assert_non_null(c);
	assert_int_equal(access_rec(c, 1, 0x100000, 1000 * 4096), 0);
	assert_int_equal(s.nr[TRACE_REC_PAGE_REQ], 1000);
	assert_int_equal(access_rec(c, 2, 0x100000, 4096), 0); /* a page it has: no new state */
	assert_string_equal(scenario_chain__errmsg(c), "");
	assert_int_equal(access_rec(c, 3, 0x100000 + 1000 * 4096, 4096), -E2BIG);
	assert_non_null(strstr(scenario_chain__errmsg(c),
			       "scenario faulting: more than 1000 distinct pages touched (the cap "
			       ":max_pages"));
	assert_non_null(strstr(scenario_chain__errmsg(c), "page 0x4e8000"));
	scenario_chain__free(c);

	/* the cap is checked when the chain is built */
	assert_null(chain("faulting:max_pages=0", &s, err, sizeof(err)));
	assert_non_null(strstr(err, "argument 'max_pages': 0 is not in 1..2147483648"));
	/* a new chain starts without the last one's message */
	c = chain("faulting", &s, err, sizeof(err));
	assert_string_equal(scenario_chain__errmsg(c), "");
	scenario_chain__free(c);
}

/* faulting, default cap: 2^22 pages, so five 4 GiB accesses stop at the fifth */
static void test_faulting_default_cap(void **unused)
{
	static struct sink s;
	char err[256];
	struct scenario_chain *c = chain("faulting:resident=1", &s, err, sizeof(err));
	int rc = 0, k;

	assert_non_null(c);
	for (k = 1; k <= 5 && !rc; k++)
		rc = access_rec(c, (uint64_t)k, (uint64_t)k << 32, UINT32_MAX);
	assert_int_equal(rc, -E2BIG);
	assert_int_equal(k - 1, 5); /* 4 x 2^20 pages fit, the fifth does not */
	assert_int_equal(s.nr[TRACE_REC_DEV_ACCESS], 4); /* the fifth never went out */
	assert_non_null(strstr(scenario_chain__errmsg(c), "more than 4194304 distinct pages"));
	scenario_chain__free(c);
}

/*
 * pinned: a trace that maps and unmaps 8 different 4 MiB buffers (8192
 * pages in all) keeps at most 1024 pages; a map larger than the cap stops.
 */
static void test_pinned_unmap_forgets(void **unused)
{
	static struct sink s;
	char err[256];
	struct scenario_chain *c = chain("pinned:max_pages=1024", &s, err, sizeof(err));

	assert_non_null(c);
	for (int i = 0; i < 8; i++) {
		uint64_t iova = 0x40000000ull + ((uint64_t)i << 24);

		assert_int_equal(map_rec(c, 10 * (uint64_t)i + 1, iova, 1024 * 4096, 0), 0);
		/* the device touches its mapped buffer: no pin + map here */
		assert_int_equal(access_rid(c, 10 * (uint64_t)i + 2, iova, 4096), 0);
		assert_int_equal(map_rec(c, 10 * (uint64_t)i + 3, iova, 1024 * 4096, 1), 0);
	}
	assert_int_equal(s.nr[TRACE_REC_PIN], 0);
	/* after its unmap, a touch of the buffer pins and maps that page here */
	assert_int_equal(access_rid(c, 100, 0x40000000ull, 4096), 0);
	assert_int_equal(s.nr[TRACE_REC_PIN], 1);
	assert_int_equal(s.nr[TRACE_REC_IOMMU_MAP], 9);
	/* 1024 pages are the cap: with the page mapped here, a 1024-page map is one too many */
	assert_int_equal(map_rec(c, 101, 0x80000000ull, 1024 * 4096, 0), -E2BIG);
	assert_non_null(strstr(scenario_chain__errmsg(c),
			       "scenario pinned: more than 1024 pages mapped at once (the cap "
			       ":max_pages"));
	scenario_chain__free(c);
	assert_null(chain("pinned:bogus=1", &s, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown argument 'bogus'"));
}

/* pinned: deleting from the table keeps every other page findable */
static void test_pinned_delete_keeps_others(void **unused)
{
	static struct sink s;
	char err[256];
	struct scenario_chain *c = chain("pinned", &s, err, sizeof(err));

	assert_non_null(c);
	/* 3000 single-page maps at scattered pages, then every other one unmapped */
	for (uint64_t i = 0; i < 3000; i++)
		assert_int_equal(map_rec(c, 1, (i * 7919) << 12, 4096, 0), 0);
	for (uint64_t i = 0; i < 3000; i += 2)
		assert_int_equal(map_rec(c, 2, (i * 7919) << 12, 4096, 1), 0);
	/* touches of the 1500 still mapped pin nothing; of the 1500 unmapped, one pin each */
	for (uint64_t i = 0; i < 3000; i++)
		assert_int_equal(access_rid(c, 3, (i * 7919) << 12, 64), 0);
	assert_int_equal(s.nr[TRACE_REC_PIN], 1500);
	assert_int_equal(scenario_chain__finish(c), 0);
	assert_int_equal(s.nr[TRACE_REC_PIN], 3000); /* and one unpin each at the end */
	scenario_chain__free(c);
}

/* tenants: copies held at most :max_held; stacked tenants multiply to 4096 at most */
static void test_tenants_bounds(void **unused)
{
	struct trace_rec_dma d;
	static struct sink s;
	char err[256];
	struct scenario_chain *c;
	int rc = 0, i;

	assert_null(chain("tenants=4096,tenants=4096", &s, err, sizeof(err)));
	assert_non_null(strstr(err, "makes more than 4096 copies of each record"));
	assert_null(chain("tenants=64,pagesize=2m,tenants=65", &s, err, sizeof(err)));
	c = chain("tenants=64,pagesize=2m,tenants=64", &s, err, sizeof(err));
	assert_non_null(c);
	scenario_chain__free(c);
	assert_null(chain("tenants=8:max_held=6", &s, err, sizeof(err)));
	assert_non_null(strstr(err, "'max_held': 6 cannot hold the 7 copies of one record"));

	/* 8 tenants 1 s apart, records 1 us apart: every copy waits; 100 fit */
	c = chain("tenants=8:shift=1s:max_held=100", &s, err, sizeof(err));
	assert_non_null(c);
	hdr(&d.hdr, TRACE_REC_DMA, sizeof(d), 0);
	d.device_id = 1;
	d.size_bytes = 4096;
	for (i = 0; i < 20 && !rc; i++) {
		d.hdr.ts_ns = 1000 * (uint64_t)(i + 1);
		rc = scenario_chain__push(c, &d.hdr);
	}
	assert_int_equal(rc, -E2BIG);
	assert_int_equal(i, 15); /* 14 x 7 = 98 held; the 15th would make 105 */
	assert_non_null(strstr(scenario_chain__errmsg(c),
			       "scenario tenants: more than 100 copies would wait for their time"));
	scenario_chain__free(c);
}

/*
 * tenants: a device id of 2^24 costs one entry per tenant, not an array of
 * 2^24 x N slots (here 2^37 of 4 bytes: ASan refuses the old code's realloc)
 */
static void test_tenants_large_device_id(void **unused)
{
	struct trace_rec_dma d;
	static struct sink s;
	char err[256];
	struct scenario_chain *c = chain("tenants=4096:shift=1ns", &s, err, sizeof(err));

	assert_non_null(c);
	hdr(&d.hdr, TRACE_REC_DMA, sizeof(d), 10);
	d.device_id = 1u << 24;
	d.size_bytes = 4096;
	assert_int_equal(scenario_chain__push(c, &d.hdr), 0);
	assert_int_equal(scenario_chain__finish(c), 0);
	assert_int_equal(s.nr[TRACE_REC_DMA], 4096);
	assert_int_equal(s.nr_names, 4095);
	assert_string_equal(s.names[0], "dev16777216#1");
	assert_string_equal(s.names[4094], "dev16777216#4095");
	assert_int_equal(s.last_dev, 4095);
	scenario_chain__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_faulting_max_pages),
	    cmocka_unit_test(test_faulting_default_cap),
	    cmocka_unit_test(test_pinned_unmap_forgets),
	    cmocka_unit_test(test_pinned_delete_keeps_others),
	    cmocka_unit_test(test_tenants_bounds),
	    cmocka_unit_test(test_tenants_large_device_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
