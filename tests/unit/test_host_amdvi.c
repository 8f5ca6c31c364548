// SPDX-License-Identifier: GPL-2.0
/*
 * test_host_amdvi.c - the host snapshot on a fake sysfs/proc tree: AMD-Vi
 * units (/sys/class/iommu/ivhdN) are recognised with their registers, the
 * amd_iommu= options and page-table version, strict/lazy from the groups or
 * from amd_iommu=fullflush, and the invalidation mechanism (command buffer
 * vs VT-d queued invalidation); and what host_identifying() says a trace
 * holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect/host.h"

/* Write @text to @root/@rel, making the folders on the way. */
static void put(const char *root, const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static json_t *snap(const char *cmdline, const char *unit_dir, const char *group_type)
{
	char dir[] = "/tmp/svt-amd-XXXXXX", cmd[600];
	json_t *h;

	assert_non_null(mkdtemp(dir));
	put(dir, "cmdline", cmdline);
	if (!strcmp(unit_dir, "ivhd0")) {
		put(dir, "class/iommu/ivhd0/amd-iommu/cap", "0x00190063\n");
		put(dir, "class/iommu/ivhd0/amd-iommu/features", "0x246577efa2254afa\n");
	} else {
		put(dir, "class/iommu/dmar0/intel-iommu/ecap", "0x0\n");
	}
	if (group_type)
		put(dir, "kernel/iommu_groups/0/type", group_type);
	h = host_snapshot(dir, dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return h;
}

static const char *iommu_str(json_t *h, const char *key)
{
	return json_string_value(json_object_get(json_object_get(h, "iommu"), key));
}

static void test_amdvi_units_and_options(void **state)
{
	json_t *h = snap("root=/dev/vda amd_iommu=pgtbl_v2 iommu.strict=1\n", "ivhd0", "DMA\n");
	json_t *u;

	(void)state;
	assert_string_equal(iommu_str(h, "kind"), "amd-vi");
	assert_string_equal(iommu_str(h, "mode"), "strict");
	assert_string_equal(iommu_str(h, "amd_iommu_options"), "pgtbl_v2");
	assert_string_equal(iommu_str(h, "page_table"), "v2 (x86 format)");
	assert_non_null(strstr(iommu_str(h, "invalidation"), "command buffer"));
	u = json_array_get(json_object_get(json_object_get(h, "iommu"), "units"), 0);
	assert_string_equal(json_string_value(json_object_get(u, "name")), "ivhd0");
	assert_string_equal(json_string_value(json_object_get(u, "features")),
			    "0x246577efa2254afa");
	assert_string_equal(json_string_value(json_object_get(u, "cap")), "0x00190063");
	json_decref(h);
}

static void test_amdvi_lazy_and_fullflush(void **state)
{
	json_t *h = snap("amd_iommu_dump=1\n", "ivhd0", "DMA-FQ\n");

	(void)state;
	assert_string_equal(iommu_str(h, "mode"), "lazy");
	assert_string_equal(iommu_str(h, "amd_iommu_options"), ""); /* amd_iommu_dump is not it */
	assert_string_equal(iommu_str(h, "page_table"), "v1 (default)");
	json_decref(h);
	/* no groups readable: the old spelling of strict still says so */
	h = snap("amd_iommu=fullflush\n", "ivhd0", NULL);
	assert_string_equal(iommu_str(h, "mode"), "strict");
	json_decref(h);
}

static void test_vtd_is_queued_invalidation(void **state)
{
	json_t *h = snap("intel_iommu=on\n", "dmar0", "DMA\n");

	(void)state;
	assert_string_equal(iommu_str(h, "kind"), "intel-vtd");
	assert_non_null(strstr(iommu_str(h, "invalidation"), "queued invalidation"));
	assert_null(json_object_get(json_object_get(h, "iommu"), "amd_iommu_options"));
	json_decref(h);
}

static bool has(json_t *arr, const char *needle)
{
	size_t i;
	json_t *v;

	json_array_foreach (arr, i, v)
		if (strstr(json_string_value(v), needle))
			return true;
	return false;
}

static void test_identifying(void **state)
{
	json_t *m =
	    json_pack("{s:{s:s,s:s,s:i,s:b,s:[{s:s}]},s:s,s:{s:s,s:[s,s]}}", "host",
		      "kernel_release", "6.1.0", "machine", "x86_64", "cpus", 8,
		      "kernel_cmdline_reduced", 0, "pci_devices", "bdf", "0000:00:01.0",
		      "addresses", "kept", "workload", "command", "dd", "argv", "dd", "if=/x");
	json_t *id = host_identifying(m);

	(void)state;
	assert_true(has(id, "kernel release 6.1.0, x86_64, 8 CPUs"));
	assert_true(has(id, "the whole kernel command line"));
	assert_true(has(id, "1 PCI device: "));
	assert_true(has(id, "the workload's name 'dd' and its arguments"));
	assert_true(has(id, "as they are"));
	assert_false(has(id, "hashed"));
	assert_string_equal(json_string_value(json_array_get(id, json_array_size(id) - 1)),
			    "not stored: host name, MAC and IP addresses");
	json_decref(id);
	json_decref(m);
	m = json_pack("{s:s,s:s,s:s}", "addresses", "hashed", "hash_key", "user", "hash_key_id",
		      "0123456789abcdef");
	id = host_identifying(m);
	assert_true(has(id, "hashed with a user key (id 0123456789abcdef)"));
	assert_false(has(id, "kernel release"));
	json_decref(id);
	json_decref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_amdvi_units_and_options),
	    cmocka_unit_test(test_amdvi_lazy_and_fullflush),
	    cmocka_unit_test(test_vtd_is_queued_invalidation),
	    cmocka_unit_test(test_identifying),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
