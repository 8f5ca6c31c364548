// SPDX-License-Identifier: GPL-2.0
/*
 * test_export.c - the protobuf wire writer behind `export --perfetto`:
 * varint edges (1, 2 and 10 bytes; negative int64 as 10 bytes), doubles,
 * length-delimited fields and nested messages, checked against bytes worked
 * out by hand from the encoding rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "export/pb.h"

static void expect_bytes(const struct pb_buf *b, const uint8_t *want, size_t n)
{
	assert_int_equal(b->err, 0);
	assert_int_equal(b->len, n);
	assert_memory_equal(b->p, want, n);
}

static void test_varints(void **state)
{
	struct pb_buf b = {0};
	static const uint8_t one[] = {0x08, 0x01};	       /* field 1, varint 1 */
	static const uint8_t v300[] = {0x50, 0xac, 0x02};      /* field 10, 300 */
	static const uint8_t big_field[] = {0xe0, 0x03, 0x00}; /* field 60: tag 480 */
	static const uint8_t minus1[] = {0x20, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 0x01}; /* int64 -1 */

	pb_varint_field(&b, 1, 1);
	expect_bytes(&b, one, sizeof(one));
	pb_reset(&b);
	pb_varint_field(&b, 10, 300);
	expect_bytes(&b, v300, sizeof(v300));
	pb_reset(&b);
	pb_varint_field(&b, 60, 0);
	expect_bytes(&b, big_field, sizeof(big_field));
	pb_reset(&b);
	pb_varint_field(&b, 4, (uint64_t)(int64_t)-1);
	expect_bytes(&b, minus1, sizeof(minus1));
	pb_fini(&b);
}

static void test_nested(void **state)
{
	struct pb_buf outer = {0}, inner = {0};
	/* field 2 "ab", then field 11 { field 9 = 3 } */
	static const uint8_t want[] = {0x12, 0x02, 'a', 'b', 0x5a, 0x02, 0x48, 0x03};
	static const uint8_t dbl[] = {0x29, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f}; /* field 5, 1.0 */

	pb_str_field(&outer, 2, "ab");
	pb_varint_field(&inner, 9, 3);
	pb_msg(&outer, 11, &inner);
	expect_bytes(&outer, want, sizeof(want));
	pb_reset(&outer);
	pb_double_field(&outer, 5, 1.0);
	expect_bytes(&outer, dbl, sizeof(dbl));
	/* growth past the first allocation keeps earlier bytes */
	pb_reset(&outer);
	for (int i = 0; i < 1000; i++)
		pb_varint_field(&outer, 1, 1);
	assert_int_equal(outer.len, 2000);
	assert_int_equal(outer.p[1998], 0x08);
	pb_fini(&outer);
	pb_fini(&inner);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_varints),
	    cmocka_unit_test(test_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
