// SPDX-License-Identifier: GPL-2.0
/*
 * test_registry.c - registries whose choice strings, help and validation are
 * made from their entries: every replacement-policy word stores the index of
 * the policy of that name (for iotlb.policy and atc.policy), the replay
 * enums' words store the enum value of the same name, and every importer,
 * generator, scenario transform, plot kind and parameter table is found by its
 * name, once (plot kinds with their script).
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

#include "analyze/plot.h"
#include "collect/gen/gen.h"
#include "collect/import/import.h"
#include "model/params.h"
#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"
#include "replay/registry.h"
#include "replay/replay.h"
#include "replay/scenario.h"

/* Word @i of a '|'-separated choice string into @buf; 0, or -ENOENT past the end. */
static int word_at(const char *choices, size_t i, char *buf, size_t bytes)
{
	const char *c = choices;

	for (; i; i--) {
		c = strchr(c, '|');
		if (!c)
			return -ENOENT;
		c++;
	}
	snprintf(buf, bytes, "%.*s", (int)strcspn(c, "|"), c);
	return 0;
}

static size_t nr_words(const char *choices)
{
	size_t n = 1;

	for (const char *c = choices; *c; c++)
		n += *c == '|';
	return n;
}

static void set_ok(struct params *p, const char *key, const char *value)
{
	char err[256];

	if (params__set(p, key, value, "test", err, sizeof(err)))
		fail_msg("%s=%s: %s", key, value, err);
}

static void test_policy_words_store_their_policy(void **state)
{
	struct params *p = params__new(svt_param_registry);
	const struct model_cfg *mc;
	char w[32];

	assert_non_null(p);
	mc = params__cfg(p, &model_param_table);
	assert_int_equal(nr_words(IOTLB_POLICY_CHOICES), iotlb_policy_count());
	assert_int_equal(strcmp(iotlb_policy_choices(), IOTLB_POLICY_CHOICES), 0);
	assert_int_equal(strcmp(params__find(p, "iotlb.policy")->choices, IOTLB_POLICY_CHOICES), 0);
	for (uint32_t i = 0; i < iotlb_policy_count(); i++) {
		const struct iotlb_policy *pol = iotlb_policy_by_index(i);

		assert_int_equal(word_at(IOTLB_POLICY_CHOICES, i, w, sizeof(w)), 0);
		assert_string_equal(w, pol->name);
		assert_ptr_equal(iotlb_policy_find(w), pol);
		set_ok(p, "iotlb.policy", w);
		set_ok(p, "atc.policy", w);
		assert_ptr_equal(iotlb_policy_by_index(mc->iotlb_policy), pol);
		assert_ptr_equal(iotlb_policy_by_index(mc->atc_policy), pol);
	}
	assert_null(iotlb_policy_by_index(iotlb_policy_count()));
	params__free(p);
}

static void test_replay_enum_words(void **state)
{
	static const struct {
		const char *key, *word;
		uint32_t want;
		size_t off;
	} cases[] = {
	    {"replay.expand", "off", REPLAY_EXPAND_OFF, offsetof(struct replay_cfg, expand)},
	    {"replay.expand", "page", REPLAY_EXPAND_PAGE, offsetof(struct replay_cfg, expand)},
	    {"replay.expand", "line", REPLAY_EXPAND_LINE, offsetof(struct replay_cfg, expand)},
	    {"replay.expand", "auto", REPLAY_EXPAND_AUTO, offsetof(struct replay_cfg, expand)},
	    {"replay.expand_source", "auto", REPLAY_EXPSRC_AUTO,
	     offsetof(struct replay_cfg, expand_source)},
	    {"replay.expand_source", "iommu", REPLAY_EXPSRC_IOMMU,
	     offsetof(struct replay_cfg, expand_source)},
	    {"replay.expand_source", "dma", REPLAY_EXPSRC_DMA,
	     offsetof(struct replay_cfg, expand_source)},
	    {"replay.expand_source", "both", REPLAY_EXPSRC_BOTH,
	     offsetof(struct replay_cfg, expand_source)},
	};
	struct params *p = params__new(svt_param_registry);
	const char *cfg;

	assert_non_null(p);
	cfg = params__cfg(p, &replay_param_table);
	assert_string_equal(params__find(p, "replay.expand")->choices,
			    "off|page|line|auto|request");
	assert_string_equal(params__find(p, "replay.expand_source")->choices,
			    "auto|iommu|dma|both");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v;

		set_ok(p, cases[i].key, cases[i].word);
		memcpy(&v, cfg + cases[i].off, sizeof(v));
		assert_int_equal(v, cases[i].want);
	}
	params__free(p);
}

/* name -> found by name, names unique (a registry where a second entry hides the first fails) */
struct names {
	const char *seen[64];
	size_t nr;
};

static void seen(struct names *n, const char *name)
{
	for (size_t i = 0; i < n->nr; i++)
		if (!strcmp(n->seen[i], name))
			fail_msg("'%s' registered twice", name);
	assert_true(n->nr < 64);
	n->seen[n->nr++] = name;
}

static void one_importer(const struct importer *imp, void *ctx)
{
	assert_ptr_equal(import_find(imp->name), imp);
	assert_non_null(imp->summary);
	seen(ctx, imp->name);
}

static void one_gen(const struct gen_kind *k, void *ctx)
{
	assert_ptr_equal(gen_find(k->name), k);
	assert_non_null(k->summary);
	seen(ctx, k->name);
}

static void one_scenario(const struct scenario_ops *ops, void *ctx)
{
	assert_ptr_equal(scenario_find(ops->name), ops);
	assert_non_null(ops->summary);
	seen(ctx, ops->name);
}

static void test_registries_find_every_entry(void **state)
{
	struct names imp = {0}, gen = {0}, scn = {0}, tab = {0}, plt = {0};

	import_foreach(one_importer, &imp);
	gen_foreach(one_gen, &gen);
	scenario_foreach(one_scenario, &scn);
	assert_int_equal(imp.nr, 4); /* ftrace-text, access-csv, trace-dat, pcm-iio */
	assert_int_equal(gen.nr, 5); /* ... and from-summary */
	assert_int_equal(scn.nr, 8);
	assert_null(import_find("nosuch"));
	assert_null(gen_find("nosuch"));
	assert_null(scenario_find("nosuch"));
	for (size_t i = 0; svt_param_registry[i]; i++)
		seen(&tab, svt_param_registry[i]->name);
	assert_int_equal(tab.nr, 3);
	for (size_t i = 0; i < plot_nr_kinds(); i++) {
		const struct plot_kind *k = plot_kind_at(i);

		assert_ptr_equal(plot_find(k->name), k);
		assert_non_null(plot_script(k)); /* its analyze/plots/NAME.gp is compiled in */
		seen(&plt, k->name);
	}
	assert_int_equal(plt.nr, 6);
	assert_null(plot_kind_at(plot_nr_kinds()));
	assert_ptr_equal(svt_param_registry[0], &model_param_table);
	assert_ptr_equal(svt_param_registry[1], &replay_param_table);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_words_store_their_policy),
	    cmocka_unit_test(test_replay_enum_words),
	    cmocka_unit_test(test_registries_find_every_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
