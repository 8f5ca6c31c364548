// SPDX-License-Identifier: GPL-2.0
/*
 * test_wq_xlate.c - wq_xlate_model_ops: the translation stall the work-queue
 * model charges a descriptor equals the translation model's own latency for
 * that descriptor's source and destination pages, computed independently
 * on a second translation model fed the descriptors' addresses directly
 * (a wiring that passed the wrong address, size, PASID or direction, or
 * dropped an access, would differ). Also: the WQ model's stall sum = the
 * model's latency sum, and stalls lengthen the WQ model's run exactly.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/model.h"
#include "model/params.h"
#include "model/wq/wq.h"

#define NR_DESC 64
#define SRC_BASE 0x10000000ull
#define DST_BASE 0x80000000ull
#define STRIDE 2048ull /* half a page: descriptors share pages, odd ones span two */

/* Records what the WQ model asked, and forwards to wq_xlate_model_ops. */
struct rec_xlate {
	struct wq_xlate_model xm;	/* forwarded to */
	uint64_t now_ns[2 * NR_DESC];	/* time of each call */
	uint64_t stall_ns[2 * NR_DESC]; /* what the translation model answered */
	uint32_t nr;			/* calls */
};

static uint64_t rec_stall(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes, bool write,
			  uint64_t now_ns)
{
	struct rec_xlate *r = ctx;
	uint64_t s = wq_xlate_model_ops.stall_ns(&r->xm, pasid, addr, bytes, write, now_ns);

	if (r->nr < 2 * NR_DESC) {
		r->now_ns[r->nr] = now_ns;
		r->stall_ns[r->nr] = s;
	}
	r->nr++;
	return s;
}

static const struct wq_xlate_ops rec_ops = {.name = "rec", .stall_ns = rec_stall};

static struct model_cfg model_cfg_default(void)
{
	static const struct param_table *const tables[] = {&model_param_table, NULL};
	struct params *p = params__new(tables);
	struct model_cfg c;

	assert_non_null(p);
	c = *(const struct model_cfg *)params__cfg(p, &model_param_table);
	params__free(p);
	return c;
}

static uint64_t lat_sum(const struct model *m)
{
	return (uint64_t)model__metric(m, "xlate.latency_ns@sum");
}

static void test_stall_equals_model_latency(void **state)
{
	struct model_cfg mc = model_cfg_default();
	struct rec_xlate rx = {0};
	struct wq_client_cfg cc;
	struct wq_config c;
	struct wq_stats st;
	struct wq_model *wq;
	struct model *ref;
	uint64_t total = 0, nr_distinct = 0, prev = UINT64_MAX;
	uint32_t i;
	int ci;

	(void)state;
	rx.xm.m = model__new(&mc);
	ref = model__new(&mc);
	assert_non_null(rx.xm.m);
	assert_non_null(ref);
	wq_config_default(&c);
	wq = wq__new(&c, NULL, &rec_ops, &rx);
	assert_non_null(wq);
	wq_client_cfg_default(&c, &cc);
	cc.driver = WQ_DRIVER_EXTERNAL;
	cc.queue_depth = 1; /* one descriptor at a time: calls in descriptor order */
	cc.pasid = 7;
	ci = wq__add_client(wq, &cc);
	assert_true(ci >= 0);
	for (i = 0; i < NR_DESC; i++) {
		struct wq_desc d = {
		    .src = SRC_BASE + i * STRIDE,
		    .dst = DST_BASE + i * STRIDE,
		    .tag = i,
		    .xfer_bytes = 4096,
		    .opcode = WQ_OP_MEMMOVE,
		};

		assert_int_equal(wq__push(wq, (uint32_t)ci, &d, 0), 0);
	}
	wq__run(wq);
	assert_int_equal(rx.nr, 2 * NR_DESC); /* memmove: one read, one write access */

	/* the reference: the same descriptors straight into a second translation model */
	for (i = 0; i < NR_DESC; i++) {
		struct model_access rd = {.iova = SRC_BASE + i * STRIDE, .bytes = 4096, .pasid = 7};
		struct model_access wr = {
		    .iova = DST_BASE + i * STRIDE, .bytes = 4096, .pasid = 7, .write = 1};
		uint64_t b;

		model__advance(ref, rx.now_ns[2 * i]);
		b = lat_sum(ref);
		model__access(ref, rx.now_ns[2 * i], &rd);
		assert_int_equal(rx.stall_ns[2 * i], lat_sum(ref) - b);
		model__advance(ref, rx.now_ns[2 * i + 1]);
		b = lat_sum(ref);
		model__access(ref, rx.now_ns[2 * i + 1], &wr);
		assert_int_equal(rx.stall_ns[2 * i + 1], lat_sum(ref) - b);
		total += rx.stall_ns[2 * i] + rx.stall_ns[2 * i + 1];
		if (rx.stall_ns[2 * i] != prev)
			nr_distinct++;
		prev = rx.stall_ns[2 * i];
	}
	/* hits and misses both occur (shared pages), so addresses really mattered */
	assert_true(nr_distinct > 2);
	assert_true(total > 0);
	wq__stats(wq, &st);
	assert_int_equal(st.xlate_stall_ns, total);
	assert_int_equal(rx.xm.stall_ns, total);
	assert_int_equal(lat_sum(rx.xm.m), total);
	assert_int_equal(rx.xm.nr_pages, (uint64_t)model__metric(ref, "access.pages"));
	wq__free(wq);
	model__free(rx.xm.m);
	model__free(ref);
}

/*
 * Upper-level table reads (PWC misses at any level) of @nr_spaces address spaces (PASIDs 1..n, one
 * domain), each copying a 2 MiB run page by page from VA_BASE + i * 64 GiB to 16 MiB above it (the
 * dsa-memcpy generator's layout): 2n streams in the level-2 walk cache, every IOTLB lookup a miss
 * (each page is new).
 */
static uint64_t pwc_misses(uint32_t nr_spaces, uint32_t pwc_ways, uint32_t set_index)
{
	struct model_cfg mc = model_cfg_default();
	struct model *m;
	uint64_t t = 0, misses;

	mc.pwc_entries = 16;
	mc.pwc_ways = pwc_ways;
	mc.set_index = set_index;
	/* every level set-associative as configured: the calibrated default gives
	 * level 2 its own fully associative size, which would hide the index */
	for (int k = 0; k < (int)(sizeof(mc.pwc_lvl_entries) / sizeof(mc.pwc_lvl_entries[0])); k++)
		mc.pwc_lvl_entries[k] = 0;
	m = model__new(&mc);
	assert_non_null(m);
	for (uint64_t pg = 0; pg < 512; pg++) {
		for (uint32_t i = 0; i < nr_spaces; i++) {
			uint64_t src = 0x7f0000000000ull + ((uint64_t)i << 36) + pg * 4096;
			struct model_access rd = {.iova = src, .bytes = 4096, .pasid = 1 + i};
			struct model_access wr = {
			    .iova = src + (16ull << 20), .bytes = 4096, .pasid = 1 + i, .write = 1};

			model__advance(m, t);
			model__access(m, t, &rd);
			model__access(m, t, &wr);
			t += 1000;
		}
	}
	/* table reads beyond the leaf read every walk makes: PWC misses at any level */
	misses = (uint64_t)(model__metric(m, "walk.mem_reads") - model__metric(m, "walk.count"));
	model__free(m);
	return misses;
}

/*
 * Issue 13: with the page number alone as set index, every address space's
 * streams land in one 4-way set of the level-2 PWC (all use the same page
 * numbers) and misses explode; the (domain, PASID) hash keeps them within a
 * few misses of a fully associative PWC of the same size up to 8 spaces
 * (16 streams = 16 entries), and never collapses into one set.
 */
static void test_many_spaces_no_set_collapse(void **state)
{
	(void)state;
	for (uint32_t n = 1; n <= 8; n *= 2) {
		uint64_t fa = pwc_misses(n, 16, IOTLB_INDEX_CTX_HASH);
		uint64_t hash = pwc_misses(n, 4, IOTLB_INDEX_CTX_HASH);
		uint64_t page = pwc_misses(n, 4, IOTLB_INDEX_PAGE);

		print_message("%u spaces: upper-level reads: fully assoc %llu, ctx-hash %llu, page "
			      "index %llu\n",
			      n, (unsigned long long)fa, (unsigned long long)hash,
			      (unsigned long long)page);
		/* compulsory: context, PASID and upper-level entries of each space */
		assert_true(fa <= 16 * n);
		assert_true(hash <= fa + fa / 10 + 2);
		if (n >= 4) /* 8+ streams in one 4-way set thrash */
			assert_true(page > 50 * fa);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stall_equals_model_latency),
	    cmocka_unit_test(test_many_spaces_no_set_collapse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
