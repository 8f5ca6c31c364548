// SPDX-License-Identifier: GPL-2.0
/*
 * test_expand.c - map expansion (replay/expand.c): request mode splits a
 * map into PCIe requests (reads at Max_Read_Request_Size, writes at
 * Max_Payload_Size, never across 4 KiB), and a device is one stream:
 * concurrent maps of one device are streamed one after the other at its
 * bandwidth, while two devices stream in parallel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "replay/expand.h"
#include "replay/replay.h"

#define MAXA 64

struct got {
	uint32_t nr;		      /* accesses */
	uint64_t t[MAXA];	      /* times */
	struct expand_access a[MAXA]; /* accesses */
};

static int collect(void *ctx, uint64_t t_ns, const struct expand_access *a)
{
	struct got *g = ctx;

	if (g->nr < MAXA) {
		g->t[g->nr] = t_ns;
		g->a[g->nr] = *a;
	}
	g->nr++;
	return 0;
}

static struct expand *mk(uint32_t mode)
{
	struct expand_cfg c = {
	    .mode = mode,
	    .source = REPLAY_EXPSRC_BOTH,
	    .delay_ns = 1000,
	    .bytes_per_us = 4096,
	    .line_bytes = 64,
	    .page_bytes = 4096,
	    .read_req_bytes = 512,
	    .write_req_bytes = 256,
	};
	struct expand *x = expand__new(&c);

	assert_non_null(x);
	return x;
}

static void test_request_sizes(void **state)
{
	struct expand *x = mk(REPLAY_EXPAND_REQUEST);
	struct expand_map rd = {.iova = 0x10100, .bytes = 1024, .dev = 0};
	struct expand_map wr = {.iova = 0x20f80, .bytes = 512, .dev = 1, .write = 1};
	struct got g = {0};

	assert_int_equal(expand__map(x, 0, &rd), 1);
	assert_int_equal(expand__map(x, 0, &wr), 1);
	assert_int_equal(expand__run(x, UINT64_MAX, collect, &g), 0);
	/* read 0x10100..0x10500 in 512-byte aligned requests: 0x100, 0x200 (to 0x400), 0x100 */
	/* write 0x20f80..0x21180 in 256-byte aligned pieces: 0x80 (to 0x21000), 0x100, 0x80 */
	assert_int_equal(g.nr, 6);
	{
		uint64_t rd_bytes = 0, wr_bytes = 0, nr_rd = 0;

		for (uint32_t i = 0; i < g.nr; i++) {
			const struct expand_access *a = &g.a[i];
			uint64_t unit = a->write ? 256 : 512;

			/* naturally aligned: never crosses its unit (hence never a 4 KiB page) */
			assert_true(a->iova / unit == (a->iova + a->bytes - 1) / unit);
			if (a->write)
				wr_bytes += a->bytes;
			else {
				rd_bytes += a->bytes;
				nr_rd++;
			}
		}
		assert_int_equal(rd_bytes, 1024);
		assert_int_equal(wr_bytes, 512);
		assert_int_equal(nr_rd, 3);
	}
	expand__free(x);
}

static void test_one_stream_per_device(void **state)
{
	struct expand *x = mk(REPLAY_EXPAND_PAGE);
	struct expand_map a = {.iova = 0x100000, .bytes = 2 * 4096, .dev = 0};
	struct expand_map b = {.iova = 0x200000, .bytes = 2 * 4096, .dev = 0};
	struct expand_map c = {.iova = 0x300000, .bytes = 2 * 4096, .dev = 1};
	struct got g = {0};
	uint64_t last_a = 0, first_b = UINT64_MAX, first_c = UINT64_MAX;

	/* three maps at once; 4096 bytes/us: a map of 2 pages streams for 2 us */
	expand__map(x, 0, &a);
	expand__map(x, 0, &b);
	expand__map(x, 0, &c);
	assert_int_equal(expand__run(x, UINT64_MAX, collect, &g), 0);
	assert_int_equal(g.nr, 6);
	for (uint32_t i = 0; i < g.nr; i++) {
		if (g.a[i].iova >> 20 == 1 && g.t[i] > last_a)
			last_a = g.t[i];
		if (g.a[i].iova >> 20 == 2 && g.t[i] < first_b)
			first_b = g.t[i];
		if (g.a[i].iova >> 20 == 3 && g.t[i] < first_c)
			first_c = g.t[i];
	}
	/* device 0: b starts when a is streamed (1 us delay + 2 us); device 1 in parallel */
	assert_int_equal(last_a, 1000 + 1000);
	assert_int_equal(first_b, 1000 + 2000);
	assert_int_equal(first_c, 1000);
	expand__free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_sizes),
	    cmocka_unit_test(test_one_stream_per_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
