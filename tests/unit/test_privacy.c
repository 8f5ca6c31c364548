// SPDX-License-Identifier: GPL-2.0
/*
 * test_privacy.c - what a trace may reveal about its host (issue 19): the
 * kernel command line reduced to IOMMU options, the address-hash key never
 * zero under SOURCE_DATE_EPOCH, key files and key ids, and JSON strings
 * from bytes that are not UTF-8.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect/host.h"
#include "collect/redact.h"
#include "common/jsonstr.h"

static void test_cmdline_reduce(void **state)
{
	char out[256];

	(void)state;
	host_cmdline_reduce("BOOT_IMAGE=/vmlinuz root=UUID=1234 intel_iommu=on,sm_on "
			    "myservice.listen=10.0.0.7:8443 iommu.strict=0 quiet pci=noats "
			    "idxd.sva=1 iommu=pt\n",
			    out, sizeof(out));
	assert_string_equal(out,
			    "intel_iommu=on,sm_on iommu.strict=0 pci=noats idxd.sva=1 iommu=pt");
	host_cmdline_reduce("root=/dev/sda1 secret=hunter2", out, sizeof(out));
	assert_string_equal(out, "");
	/* no partial option when out is short */
	host_cmdline_reduce("intel_iommu=on iommu.strict=1", out, 20);
	assert_string_equal(out, "intel_iommu=on");
	/* an option that only starts like one is not kept */
	host_cmdline_reduce("iommux=1 xintel_iommu=on", out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_snapshot_cmdline(void **state)
{
	char dir[] = "/tmp/svt-priv-XXXXXX", p[64];
	json_t *h;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/cmdline", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("root=/dev/vda1 intel_iommu=on token=s3cr3t\n", f);
	fclose(f);
	h = host_snapshot(dir, dir);
	assert_string_equal(json_string_value(json_object_get(h, "kernel_cmdline")),
			    "intel_iommu=on");
	assert_true(json_is_true(json_object_get(h, "kernel_cmdline_reduced")));
	json_decref(h);
	h = host_snapshot_flags(dir, dir, HOST_KEEP_CMDLINE);
	assert_non_null(
	    strstr(json_string_value(json_object_get(h, "kernel_cmdline")), "token=s3cr3t"));
	assert_true(json_is_false(json_object_get(h, "kernel_cmdline_reduced")));
	json_decref(h);
	unlink(p);
	rmdir(dir);
}

static void test_key_not_zero_with_sde(void **state)
{
	static const uint8_t zero[REDACT_KEY_BYTES];
	struct redact *a, *z;

	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1", 1);
	a = redact__new(false);
	z = redact__new_key(false, zero);
	/* the same frame hashes differently under a random key and the zero key */
	assert_int_not_equal(redact__addr(a, 0x12345000), redact__addr(z, 0x12345000));
	assert_int_equal(redact__addr(z, 0x12345678) & 0xfff, 0x678);
	redact__free(a);
	redact__free(z);
	unsetenv("SOURCE_DATE_EPOCH");
}

static void test_key_file(void **state)
{
	char path[] = "/tmp/svt-key-XXXXXX", err[256], id1[REDACT_KEY_ID_LEN + 1],
	     id2[REDACT_KEY_ID_LEN + 1];
	uint8_t k[REDACT_KEY_BYTES], k2[REDACT_KEY_BYTES] = {1};
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "000102030405060708090a0b0c0d0e0f\n", 33), 33);
	close(fd);
	assert_int_equal(redact_key_load(path, k, err, sizeof(err)), 0);
	assert_int_equal(k[0], 0);
	assert_int_equal(k[15], 15);
	redact_key_id(k, id1);
	redact_key_id(k2, id2);
	assert_int_equal(strlen(id1), REDACT_KEY_ID_LEN);
	assert_string_not_equal(id1, id2);
	assert_null(strstr(id1, "0001020304"));
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "0001", 4), 4);
	close(fd);
	assert_int_equal(redact_key_load(path, k, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a hash key"));
	unlink(path);
	assert_int_equal(redact_key_load(path, k, err, sizeof(err)), -ENOENT);
}

static void test_json_bytes(void **state)
{
	json_t *j;

	(void)state;
	j = svt_json_bytes("caf\xc3\xa9 a\\b");
	assert_string_equal(json_string_value(j), "caf\xc3\xa9 a\\b"); /* valid: as is */
	json_decref(j);
	j = svt_json_bytes("t\xffsk a\\b \xc3");
	assert_string_equal(json_string_value(j), "t\\xffsk a\\\\b \\xc3");
	json_decref(j);
	j = svt_json_bytes(
	    "\xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf"); /* surrogate, > U+10FFFF, overlong */
	assert_string_equal(json_string_value(j),
			    "\\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80 \\xc0\\xaf");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cmdline_reduce),
	    cmocka_unit_test(test_snapshot_cmdline),
	    cmocka_unit_test(test_key_not_zero_with_sde),
	    cmocka_unit_test(test_key_file),
	    cmocka_unit_test(test_json_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
