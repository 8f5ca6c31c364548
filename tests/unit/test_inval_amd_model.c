// SPDX-License-Identifier: GPL-2.0
/*
 * test_inval_amd_model.c - the model fed AMD-Vi's command pattern as
 * replay/inval_amd.c delivers it (Linux 6.1 with NpCache, as in the bundled
 * AMD-Vi trace): a 24 KiB map flushed in two aligned pieces (16 KiB, 8 KiB)
 * then one COMPLETION_WAIT; its unmap flushed as one widened range then one
 * COMPLETION_WAIT. With inval.trace_waits=wait only the waits cost, each on
 * its path (map or unmap); both pieces are the map's caching-mode flushes;
 * caching_mode=off drops the map's flushes and their wait.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/params.h"
#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/model.h"

static const struct param_table *const tables[] = {&model_param_table, NULL};

static struct model *model_with(const char *const *sets, struct model_cfg *c)
{
	struct params *p = params__new(tables);
	char err[256];

	assert_non_null(p);
	for (; *sets; sets++) {
		char key[64];
		const char *eq = strchr(*sets, '=');

		snprintf(key, sizeof(key), "%.*s", (int)(eq - *sets), *sets);
		if (params__set(p, key, eq + 1, "test", err, sizeof(err)))
			fail_msg("%s", err);
	}
	assert_int_equal(params__validate(p, err, sizeof(err)), 0);
	*c = *(const struct model_cfg *)params__cfg(p, &model_param_table);
	params__free(p);
	return model__new(c);
}

static double metric(const struct model *m, const char *key)
{
	double v = model__metric(m, key);

	if (isnan(v))
		fail_msg("no metric %s", key);
	return v;
}

/* INVALIDATE_IOMMU_PAGES of 2^@am pages at @addr in domain 3, on CPU 1. */
static void flush(struct model *m, uint64_t t, uint64_t addr, uint32_t am)
{
	struct model_qi q = {.type = MODEL_QI_IOTLB_INV,
			     .granularity = 3,
			     .domain = 3,
			     .pasid = IOTLB_ANY,
			     .addr = addr,
			     .addr_mask = am,
			     .cpu = 1};

	model__qi(m, t, &q);
}

static void wait(struct model *m, uint64_t t)
{
	struct model_qi q = {.type = MODEL_QI_INV_WAIT, .pasid = IOTLB_ANY, .cpu = 1};

	model__qi(m, t, &q);
}

/* The bundled trace's 24 KiB map at 0xfffe8000 and its unmap. */
static void feed(struct model *m)
{
	model__map(m, 100, 1, 3, 0xfffe8000, 24576);
	flush(m, 200, 0xfffe8000, 2); /* 16 KiB piece */
	flush(m, 300, 0xfffec000, 1); /* 8 KiB piece */
	wait(m, 400);
	model__unmap(m, 1000, 1, 3, 0xfffe8000, 24576);
	flush(m, 1100, 0xfffe8000, 3); /* one widened 32 KiB range */
	wait(m, 1200);
}

static void test_waits_and_paths(void **state)
{
	static const char *const s[] = {"inval.source=trace", "inval.trace_waits=wait",
					"iommu.caching_mode=auto", "inval.qi_wait_ns=10000", NULL};
	struct model_cfg c;
	struct model *m = model_with(s, &c);

	(void)state;
	assert_non_null(m);
	feed(m);
	assert_true(metric(m, "inval.iotlb_inv") == 3);
	assert_true(metric(m, "inval.inv_wait") == 2);
	/* only the two COMPLETION_WAITs are waits (descriptor mode charged the first flush too) */
	assert_true(metric(m, "inval.sync_waits") == 2);
	assert_true(metric(m, "inval.wait_ns") == 20000);
	/* both pieces are the map's (before: the first consumed the map, the second was not) */
	assert_true(metric(m, "inval.caching_mode_flushes") == 2);
	/* the wait after the map's pieces is the map path's, the other the unmap's */
	assert_true(metric(m, "map.inval_wait_ns") == 10000);
	assert_true(metric(m, "unmap.inval_wait_ns") == 10000);
	model__free(m);
}

static void test_bare_metal_drops_map_waits(void **state)
{
	static const char *const s[] = {"inval.source=trace", "inval.trace_waits=wait",
					"iommu.caching_mode=off", "inval.qi_wait_ns=10000", NULL};
	struct model_cfg c;
	struct model *m = model_with(s, &c);

	(void)state;
	assert_non_null(m);
	feed(m);
	assert_true(metric(m, "inval.caching_mode_dropped") == 2);
	assert_true(metric(m, "inval.iotlb_inv") == 1);
	/* no NpCache: neither the map's flushes nor the wait for them */
	assert_true(metric(m, "inval.sync_waits") == 1);
	assert_true(metric(m, "map.inval_wait_ns") == 0);
	assert_true(metric(m, "unmap.inval_wait_ns") == 10000);
	model__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_waits_and_paths),
	    cmocka_unit_test(test_bare_metal_drops_map_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
