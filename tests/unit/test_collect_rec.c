// SPDX-License-Identifier: GPL-2.0
/*
 * test_collect_rec.c - the collector's ring-buffer records: conv_rec_decode()
 * on hand-made records (every optional part, bounds), and, as root on a
 * kernel with BTF, the raw_tp programs of iommu:map and iommu:unmap run
 * through BPF_PROG_TEST_RUN with known arguments: the records they write
 * decode to those values in the slots the classic tracepoint programs use,
 * with this thread's ids, name and a timestamp inside the call.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collect/collect.h"
#include "collect/convert.h"

#include "svatrace.skel.h"

static void put_u64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void test_decode_all_parts(void **state)
{
	const unsigned int nv = 2, fl = SVT_RF_RET | SVT_RF_DUR | SVT_RF_S1 | SVT_RF_S2;
	unsigned char buf[256];
	struct svt_rec *r = (struct svt_rec *)buf;
	struct svt_event e;

	(void)state;
	assert_int_equal(SVT_REC_BYTES(nv, fl), 40 + 16 + 8 + 8 + 32 + 32);
	memset(buf, 0xee, sizeof(buf));	/* stale ring bytes */
	r->ts_ns = 123456789;
	r->tgid = 10;
	r->tid = 11;
	r->probe = SVT_P_IDXD_ENQCMDS;
	r->op = 7;
	r->cpu = 3;
	r->nr_v = nv;
	r->flags = fl;
	memcpy(r->comm, "worker\0\0\0\0\0\0\0\0\0\0", 16);
	put_u64(buf + 40, 0x1111);
	put_u64(buf + 48, 0x2222);
	put_u64(buf + SVT_REC_OFF_RET(nv), (uint64_t)-11);
	put_u64(buf + SVT_REC_OFF_DUR(nv, fl), 5000);
	strcpy((char *)buf + SVT_REC_OFF_S1(nv, fl), "0000:00:04.0");
	strcpy((char *)buf + SVT_REC_OFF_S2(nv, fl), "dmar0");
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(nv, fl), &e), 0);
	assert_int_equal(e.ts_ns, 123456789);
	assert_int_equal(e.tgid, 10);
	assert_int_equal(e.tid, 11);
	assert_int_equal(e.probe, SVT_P_IDXD_ENQCMDS);
	assert_int_equal(e.op, 7);
	assert_int_equal(e.cpu, 3);
	assert_string_equal(e.comm, "worker");
	assert_int_equal(e.v[0], 0x1111);
	assert_int_equal(e.v[1], 0x2222);
	for (int i = 2; i < 8; i++)
		assert_int_equal(e.v[i], 0);	/* not in the record: zero, not stale bytes */
	assert_int_equal(e.ret, -11);
	assert_int_equal(e.dur_ns, 5000);
	assert_string_equal(e.s1, "0000:00:04.0");
	assert_string_equal(e.s2, "dmar0");
}

static void test_decode_parts_absent(void **state)
{
	unsigned char buf[128];
	struct svt_rec *r = (struct svt_rec *)buf;
	struct svt_event e;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	memset(r, 0, sizeof(*r));
	r->probe = SVT_P_IOMMU_ATTACH;
	r->nr_v = 0;
	r->flags = SVT_RF_S1;	/* s1 straight after the header */
	strcpy((char *)buf + 40, "0000:00:02.0");
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(0, SVT_RF_S1), &e), 0);
	assert_string_equal(e.s1, "0000:00:02.0");
	assert_int_equal(e.s2[0], 0);
	assert_int_equal(e.ret, 0);
	assert_int_equal(e.dur_ns, 0);
}

static void test_decode_bad(void **state)
{
	unsigned char buf[128] = { 0 };
	struct svt_rec *r = (struct svt_rec *)buf;
	struct svt_event e;

	(void)state;
	assert_int_equal(conv_rec_decode(buf, sizeof(*r) - 1, &e), -EINVAL);
	r->nr_v = 3;
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(3, 0) - 8, &e), -EINVAL);
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(3, 0), &e), 0);
	r->nr_v = 9;	/* more values than struct svt_event holds */
	assert_int_equal(conv_rec_decode(buf, sizeof(buf), &e), -EINVAL);
	r->nr_v = 0;
	r->flags = SVT_RF_S2;
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(0, 0), &e), -EINVAL);
}

struct got {
	struct svt_event e[4];	/* decoded records */
	size_t size[4];		/* their ring-buffer sizes */
	int n;			/* records seen */
};

static int on_rec(void *ctx, void *data, size_t size)
{
	struct got *g = ctx;

	if (g->n < 4) {
		g->size[g->n] = size;
		assert_int_equal(conv_rec_decode(data, size, &g->e[g->n]), 0);
	}
	g->n++;
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Run raw_tp program @name with @args; return the decoded record in @g. */
static void run_raw(struct svatrace_bpf *skel, struct ring_buffer *rb, const char *name,
		    uint64_t args[3], struct got *g, uint64_t *t0, uint64_t *t1)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(skel->obj, name);
	LIBBPF_OPTS(bpf_test_run_opts, topts, .ctx_in = args, .ctx_size_in = 3 * sizeof(uint64_t));

	assert_non_null(prog);
	memset(g, 0, sizeof(*g));
	*t0 = mono_ns();
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &topts), 0);
	*t1 = mono_ns();
	assert_int_equal(topts.retval, 0);
	ring_buffer__consume(rb);
	assert_int_equal(g->n, 1);
}

static void test_raw_tp_programs(void **state)
{
	struct svatrace_bpf *skel;
	struct bpf_program *prog;
	struct ring_buffer *rb;
	struct got g;
	uint64_t args[3] = { 0xfffff000, 0x12345000, 8192 }, t0, t1;
	char comm[17] = { 0 };

	(void)state;
	if (geteuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		skip();
	prctl(PR_SET_NAME, "svt-rawtp-test");
	prctl(PR_GET_NAME, comm);
	libbpf_set_print(NULL);
	skel = svatrace_bpf__open();
	assert_non_null(skel);
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "rtp_iommu_map") ||
						       !strcmp(bpf_program__name(prog), "rtp_iommu_unmap"));
	assert_int_equal(svatrace_bpf__load(skel), 0);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), on_rec, &g, NULL);
	assert_non_null(rb);

	run_raw(skel, rb, "rtp_iommu_map", args, &g, &t0, &t1);
	assert_int_equal(g.size[0], 64);	/* header + 3 values, not 184 */
	assert_int_equal(g.e[0].probe, SVT_P_IOMMU_MAP);
	assert_int_equal(g.e[0].v[0], 0xfffff000);	/* iova */
	assert_int_equal(g.e[0].v[1], 0x12345000);	/* paddr */
	assert_int_equal(g.e[0].v[2], 8192);		/* size */
	assert_int_equal(g.e[0].v[3], 0);
	assert_int_equal(g.e[0].tgid, getpid());
	assert_int_equal(g.e[0].tid, gettid());
	assert_string_equal(g.e[0].comm, comm);
	assert_true(g.e[0].ts_ns >= t0 && g.e[0].ts_ns <= t1);

	args[2] = 4096;	/* unmap: iova, size, unmapped_size */
	run_raw(skel, rb, "rtp_iommu_unmap", args, &g, &t0, &t1);
	assert_int_equal(g.e[0].probe, SVT_P_IOMMU_UNMAP);
	assert_int_equal(g.e[0].v[0], 0xfffff000);
	assert_int_equal(g.e[0].v[1], 0x12345000);
	assert_int_equal(g.e[0].v[2], 4096);
	assert_true(g.e[0].ts_ns >= t0 && g.e[0].ts_ns <= t1);

	ring_buffer__free(rb);
	svatrace_bpf__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_all_parts),
		cmocka_unit_test(test_decode_parts_absent),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_raw_tp_programs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
