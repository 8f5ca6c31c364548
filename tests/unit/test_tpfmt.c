// SPDX-License-Identifier: GPL-2.0
/*
 * test_tpfmt.c - tracefs format parsing for `collect --tracepoint`: payload
 * size and field offsets from real format files (6.18's sys_enter_kill,
 * raw_syscalls:sys_enter, a __data_loc event), sign extension of small
 * signed fields, hashing of 8-byte fields only, and malformed input; the
 * collector's raw-fields record (payload + layout string) read back as the
 * same text through the trace reader, and a record whose layout is bad.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect/tpfmt.h"
#include "trace/trace.h"

static const char kill_fmt[] =
    "name: sys_enter_kill\nID: 187\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:pid_t pid;\toffset:16;\tsize:8;\tsigned:0;\n"
    "\tfield:int sig;\toffset:24;\tsize:8;\tsigned:0;\n\n"
    "print fmt: \"pid: 0x%08lx, sig: 0x%08lx\", ((unsigned long)(REC->pid)), "
    "((unsigned long)(REC->sig))\n";

static const char raw_enter_fmt[] =
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"
    "\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;\n";

static const char dataloc_fmt[] =
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
    "\tfield:__data_loc char[] device;\toffset:8;\tsize:4;\tsigned:0;\n"
    "\tfield:short delta;\toffset:12;\tsize:2;\tsigned:1;\n"
    "\tfield:unsigned char big[100];\toffset:16;\tsize:100;\tsigned:0;\n"
    "\tfield:u64 after;\toffset:120;\tsize:8;\tsigned:0;\n";

static void test_kill_layout(void **state)
{
	struct tpfmt f;

	(void)state;
	assert_int_equal(tpfmt_parse(kill_fmt, &f), 0);
	assert_int_equal(f.payload_bytes, 24); /* 8..32 */
	assert_int_equal(f.nr_fields, 3);
	assert_string_equal(f.field[0].name, "__syscall_nr");
	assert_int_equal(f.field[0].offset_bytes, 0);
	assert_int_equal(f.field[0].size_bytes, 4);
	assert_int_equal(f.field[0].is_signed, 1);
	assert_string_equal(f.field[1].name, "pid");
	assert_int_equal(f.field[1].offset_bytes, 8);
	assert_string_equal(f.field[2].name, "sig");
	assert_int_equal(f.field[2].offset_bytes, 16);
	assert_int_equal(f.field[2].is_signed, 0);
}

static void test_array_and_cap(void **state)
{
	struct tpfmt f;

	(void)state;
	assert_int_equal(tpfmt_parse(raw_enter_fmt, &f), 0);
	assert_int_equal(f.payload_bytes, 56); /* id + args[6] */
	assert_int_equal(f.nr_fields, 1);      /* the array is copied but not named */
	assert_string_equal(f.field[0].name, "id");

	assert_int_equal(tpfmt_parse(dataloc_fmt, &f), 0);
	assert_int_equal(f.payload_bytes, TPFMT_PAYLOAD_MAX); /* 128 bytes capped */
	assert_int_equal(f.nr_fields, 1); /* data_loc, array and beyond-64 left out */
	assert_string_equal(f.field[0].name, "delta");
}

static uint64_t fake_hash(void *ctx, uint64_t v)
{
	(*(int *)ctx)++;
	return v ^ 0xff00;
}

static void test_format_values(void **state)
{
	struct tpfmt f;
	unsigned char p[64] = {0};
	int32_t nr = -5;
	uint64_t pid = 0x1234, sig = 9;
	char buf[256];
	int calls = 0;

	(void)state;
	assert_int_equal(tpfmt_parse(kill_fmt, &f), 0);
	memcpy(p, &nr, 4);
	memcpy(p + 8, &pid, 8);
	memcpy(p + 16, &sig, 8);
	assert_int_equal(tpfmt_format(&f, p, NULL, NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "__syscall_nr=-5 pid=4660 sig=9");
	assert_int_equal(tpfmt_format(&f, p, fake_hash, &calls, buf, sizeof(buf)), 1);
	assert_int_equal(calls, 2); /* the two 8-byte fields, not the int */
	assert_string_equal(buf, "__syscall_nr=-5 pid=0xed34 sig=0xff09");

	/* a 2-byte signed field is sign-extended */
	assert_int_equal(tpfmt_parse(dataloc_fmt, &f), 0);
	p[4] = 0xfe;
	p[5] = 0xff;
	tpfmt_format(&f, p, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "delta=-2");

	/* truncation keeps the buffer terminated */
	assert_int_equal(tpfmt_parse(kill_fmt, &f), 0);
	tpfmt_format(&f, p, NULL, NULL, buf, 8);
	assert_int_equal(strlen(buf), 7);
}

/* The number formatting at its edges (no printf behind it any more). */
static uint64_t zero_hash(void *ctx, uint64_t v)
{
	(void)ctx;
	(void)v;
	return 0;
}

static void test_format_extremes(void **state)
{
	unsigned char p[64] = {0};
	char buf[128];
	struct tpfmt f;
	int64_t smin = INT64_MIN;
	uint64_t umax = UINT64_MAX;

	(void)state;
	assert_int_equal(tpfmt_parse(raw_enter_fmt, &f), 0); /* long id (signed 8), args[] */
	memcpy(p, &smin, 8);
	tpfmt_format(&f, p, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "id=-9223372036854775808");
	memset(p, 0, 8);
	tpfmt_format(&f, p, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "id=0");
	assert_int_equal(tpfmt_parse(kill_fmt, &f), 0); /* pid, sig: unsigned 8 */
	memcpy(p + 8, &umax, 8);
	memset(p + 16, 0, 8);
	tpfmt_format(&f, p, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "__syscall_nr=0 pid=18446744073709551615 sig=0");
	tpfmt_format(&f, p, zero_hash, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "__syscall_nr=0 pid=0x0 sig=0x0");
	tpfmt_format(&f, p, NULL, NULL, buf, 20); /* cut mid-number */
	assert_string_equal(buf, "__syscall_nr=0 pid=");
}

static void test_bad(void **state)
{
	struct tpfmt f;

	(void)state;
	assert_int_equal(tpfmt_parse("", &f), -EINVAL);
	assert_int_equal(tpfmt_parse("name: x\nprint fmt: \"\"\n", &f), -EINVAL);
	assert_int_equal(tpfmt_load("/nonexistent", "syscalls", &f), -EINVAL);
	assert_int_equal(tpfmt_load("/nonexistent", ":x", &f), -EINVAL);
	assert_int_equal(tpfmt_load("/nonexistent", "a:b:c", &f), -EINVAL);
	assert_int_equal(tpfmt_load("/nonexistent", "../x:y", &f), -EINVAL);
	assert_int_equal(tpfmt_load("/nonexistent", "sys:name", &f), -ENOENT);
}

/* A raw record written by the writer reads back as the text tpfmt_format() gives. */
static void test_raw_record_roundtrip(void **state)
{
	char path[] = "/tmp/svt-tpfmt-raw.XXXXXX";
	struct trace_rec h = {.ts_ns = 5, .cpu = 1, .pid = 7};
	const struct trace_rec *rec;
	struct trace_writer *w;
	struct trace_reader *r;
	unsigned char p[64] = {0};
	int32_t nr = -5;
	uint64_t pid = 0x1234, sig = 9;
	char layout[256], text[256];
	struct tpfmt f;
	int fd = mkstemp(path), err, calls = 0;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(tpfmt_parse(kill_fmt, &f), 0);
	memcpy(p, &nr, 4);
	memcpy(p + 8, &pid, 8);
	memcpy(p + 16, &sig, 8);
	assert_int_equal(tpfmt_layout(&f, 1, layout, sizeof(layout)), 0);
	assert_string_equal(layout, "__syscall_nr:0:4:s pid:8:8:x sig:16:8:x");
	tpfmt_format(&f, p, fake_hash, &calls, text, sizeof(text));
	assert_int_equal(tpfmt_hash(&f, p, fake_hash, &calls), 1);

	w = trace_writer__open(path, TRACE_CLOCK_MONOTONIC, 0, "{}");
	assert_non_null(w);
	h.event_id = trace_writer__intern(w, "syscalls:sys_enter_kill");
	assert_int_equal(
	    trace_writer__append_raw(w, &h, trace_writer__intern(w, layout), p, f.payload_bytes),
	    0);
	/* a layout id that names no layout string */
	assert_int_equal(trace_writer__append_raw(w, &h, 0, p, f.payload_bytes), -EINVAL);
	h.ts_ns = 6;
	/* an offset near 2^64 must not wrap past the bounds check: left out */
	assert_int_equal(
	    trace_writer__append_raw(
		w, &h, trace_writer__intern(w, "a:18446744073709551615:8:u pid:8:8:u"), p, 24),
	    0);
	h.ts_ns = 7;
	assert_int_equal(
	    trace_writer__append_raw(w, &h, trace_writer__intern(w, "pid:8:3:u"), p, 24), 0);
	assert_int_equal(trace_writer__close(w), 0);

	r = trace_reader__open(path, &err);
	assert_non_null(r);
	assert_int_equal(trace_reader__next(r, &rec), 1);
	assert_int_equal(rec->kind, TRACE_REC_GENERIC);
	assert_int_equal(rec->flags & TRACE_RF_RAW_FIELDS, 0);
	assert_int_equal(rec->ts_ns, 5);
	assert_string_equal(trace_reader__generic_text(rec), text);
	assert_string_equal(text, "__syscall_nr=-5 pid=0xed34 sig=0xff09");
	assert_int_equal(trace_reader__next(r, &rec), 1);
	assert_string_equal(trace_reader__generic_text(rec), "pid=60724");
	/* a 3-byte field is no layout: an error naming the record, not text */
	assert_int_equal(trace_reader__next(r, &rec), TRACE_E_STRING);
	assert_non_null(strstr(trace_reader__errmsg(r), "malformed layout"));
	trace_reader__close(r);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kill_layout),	  cmocka_unit_test(test_array_and_cap),
	    cmocka_unit_test(test_format_values), cmocka_unit_test(test_format_extremes),
	    cmocka_unit_test(test_bad),		  cmocka_unit_test(test_raw_record_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
