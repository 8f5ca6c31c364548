// SPDX-License-Identifier: GPL-2.0
/*
 * test_wq_params.c - the work-queue model's parameter table: defaults parse
 * and validate, the [wq*] sections of data/profiles/default.ini agree with the table key by key,
 * overrides parse (suffixes, enums) and bad values and inconsistent configs
 * are refused with a message naming the key.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <ini.h>

#include "model/wq/wq.h"
#include "model/wq/wq_params.h"

struct ini_check {
	size_t nr_keys; /* keys seen in [wq] and [wq.*] */
	size_t nr_bad;	/* unknown keys or values differing from the table */
};

static int ini_cb(void *user, const char *section, const char *name, const char *value)
{
	struct ini_check *ck = user;
	const struct param_def *d;
	char key[128];

	if (strcmp(section, "wq") && strncmp(section, "wq.", 3))
		return 1;
	snprintf(key, sizeof(key), "%s.%s", section, name);
	d = wq_params_find(key);
	ck->nr_keys++;
	if (!d || strcmp(d->dflt, value)) {
		print_message("default.ini: %s = %s differs from the table (%s)\n", key, value,
			      d ? d->dflt : "unknown key");
		ck->nr_bad++;
	}
	return 1;
}

static void test_defaults_and_ini(void **state)
{
	struct ini_check ck = {0};
	const struct param_def *t;
	struct wq_config c;
	char err[256];
	size_t n, i;

	(void)state;
	t = wq_params_table(&n);
	assert_true(n > 60);
	wq_config_default(&c);
	assert_int_equal(wq_config_validate(&c, err, sizeof(err)), 0);
	for (i = 0; i < n; i++) {
		assert_true(t[i].source && strlen(t[i].source) > 5);
		assert_true(t[i].help && *t[i].help);
		assert_int_equal(strncmp(t[i].key, "wq.", 3), 0);
	}
	/* DESIGN.md s6 facts */
	assert_int_equal(c.group_engines[0], 4);
	assert_int_equal(c.device_wq_entries, 128);
	assert_int_equal(c.retry_max, 32);
	assert_int_equal(ini_parse("data/profiles/default.ini", ini_cb, &ck), 0);
	assert_int_equal(ck.nr_bad, 0);
	assert_int_equal(ck.nr_keys, n);
}

static void test_set_and_format(void **state)
{
	const struct param_def *t;
	struct wq_config c, c2;
	char err[256], buf[64];
	size_t n, i;

	(void)state;
	wq_config_default(&c);
	assert_int_equal(wq_params_set(&c, "wq.wq0.mode", "shared", err, sizeof(err)), 0);
	assert_int_equal(c.wq[0].mode, WQ_MODE_SHARED);
	assert_int_equal(wq_params_set(&c, "wq.enqcmd_rtt_ns", "1us", err, sizeof(err)), 0);
	assert_int_equal(c.enqcmd_rtt_ns, 1000);
	assert_int_equal(wq_params_set(&c, "wq.client_xfer_bytes", "64K", err, sizeof(err)), 0);
	assert_int_equal(c.client_xfer_bytes, 65536);
	assert_int_equal(wq_params_set(&c, "wq.client_op", "crc", err, sizeof(err)), 0);
	assert_int_equal(wq_op_of_choice(c.client_op), WQ_OP_CRC);
	assert_int_equal(wq_params_set(&c, "wq.retry_policy", "backoff", err, sizeof(err)), 0);
	assert_int_equal(c.retry_policy, WQ_RETRY_BACKOFF);

	assert_int_equal(wq_params_set(&c, "wq.nope", "1", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "wq.nope"));
	assert_int_equal(wq_params_set(&c, "wq.wq0.priority", "16", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq.wq0.priority"));
	assert_int_equal(wq_params_set(&c, "wq.wq0.mode", "both", err, sizeof(err)), -EINVAL);
	assert_int_equal(wq_params_set(&c, "wq.desc_prep_ns", "-3", err, sizeof(err)), -EINVAL);
	assert_int_equal(wq_params_set(&c, "wq.desc_prep_ns", "12parsecs", err, sizeof(err)),
			 -EINVAL);

	/* every value formats to text that sets the same value back */
	t = wq_params_table(&n);
	memcpy(&c2, &c, sizeof(c));
	for (i = 0; i < n; i++) {
		wq_params_format(&c, &t[i], buf, sizeof(buf));
		assert_int_equal(wq_params_set(&c2, t[i].key, buf, err, sizeof(err)), 0);
	}
	assert_memory_equal(&c, &c2, sizeof(c));
}

static void test_validate(void **state)
{
	struct wq_config c;
	char err[256];

	(void)state;
	wq_config_default(&c);
	c.wq[0].mode = WQ_MODE_SHARED;
	c.wq[0].threshold = 129;
	assert_int_equal(wq_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq.wq0.threshold"));

	wq_config_default(&c);
	c.nr_wqs = 2;
	c.wq[1].size = 16; /* 128 + 16 > 128 device entries */
	assert_int_equal(wq_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "device_wq_entries"));

	wq_config_default(&c);
	c.nr_groups = 2;
	c.wq[0].group = 1; /* group 1 has no engine */
	assert_int_equal(wq_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq.group1.engines"));

	wq_config_default(&c);
	c.portal_oneway_ns = c.enqcmd_rtt_ns + 1;
	assert_int_equal(wq_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq.portal_oneway_ns"));

	wq_config_default(&c);
	c.client_batch = c.max_batch + 1;
	assert_int_equal(wq_config_validate(&c, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_ini),
	    cmocka_unit_test(test_set_and_format),
	    cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
