// SPDX-License-Identifier: GPL-2.0
/*
 * test_rings.c - per-CPU ring buffers merged by time (collect/rings.c), as
 * root on a kernel with BTF: the iommu:map raw_tp program run through
 * BPF_PROG_TEST_RUN on chosen CPUs (BPF_F_TEST_RUN_ON_CPU), a deterministic
 * event source. Each record lands in its CPU's ring; one rings set over
 * every CPU hands them out in the order they were made (their times), the
 * same records the shared ring gives; the watermark holds back records
 * stamped at or after it, and a second call hands them out. --sample N
 * (the sample_n constant) keeps about 1 in N maps, and exactly the unmaps
 * and page-selective invalidations of the kept maps' pages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collect/collect.h"
#include "collect/convert.h"
#include "collect/rings.h"

#include "svatrace.skel.h"

#define NR_EVENTS 400
#define RING_BYTES (256u << 10)

struct seen {
	uint64_t iova[NR_EVENTS * 2]; /* in the order handed out */
	uint32_t cpu[NR_EVENTS * 2];  /* their CPUs */
	uint64_t last_ts;	      /* time of the previous record */
	int nr;			      /* records seen */
	int out_of_order;	      /* records older than the previous one */
};

static void on_rec(void *ctx, const void *rec, size_t size)
{
	struct seen *s = ctx;
	struct svt_event e;

	assert_int_equal(conv_rec_decode(rec, size, &e), 0);
	if (s->nr < NR_EVENTS * 2) {
		s->iova[s->nr] = e.iommu_map.iova;
		s->cpu[s->nr] = e.cpu;
	}
	if (e.ts_ns < s->last_ts)
		s->out_of_order++;
	s->last_ts = e.ts_ns;
	s->nr++;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void run_on(struct svatrace_bpf *skel, uint32_t cpu, uint64_t iova)
{
	uint64_t args[3] = {iova, 0x100000, 4096};
	LIBBPF_OPTS(bpf_test_run_opts, topts, .ctx_in = args, .ctx_size_in = sizeof(args),
		    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.rtp_iommu_map), &topts),
			 0);
}

static struct svatrace_bpf *load(bool percpu)
{
	struct svatrace_bpf *skel = svatrace_bpf__open();
	struct bpf_program *prog;

	assert_non_null(skel);
	skel->rodata->percpu_rings = percpu;
	bpf_map__set_max_entries(skel->maps.rb, RING_BYTES);
	bpf_map__set_max_entries(skel->maps.rbs, (uint32_t)libbpf_num_possible_cpus());
	bpf_object__for_each_program(prog, skel->obj)
	    bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "rtp_iommu_map"));
	assert_int_equal(svatrace_bpf__load(skel), 0);
	return skel;
}

/* Events i = 0..NR_EVENTS-1 on CPU i % ncpu, in this order. */
static void fire(struct svatrace_bpf *skel, int ncpu)
{
	for (int i = 0; i < NR_EVENTS; i++)
		run_on(skel, (uint32_t)(i % ncpu), 0x1000ull * (uint64_t)i);
}

static void test_percpu_merge(void **state)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), fds[64];
	struct svatrace_bpf *skel;
	struct rings *rs;
	struct seen per = {0}, one = {0};
	uint64_t mark;

	(void)state;
	if (geteuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		skip();
	if (ncpu > 64)
		ncpu = 64;
	libbpf_set_print(NULL);

	/* per-CPU rings, one set over all of them */
	skel = load(true);
	rs = rings__new();
	assert_non_null(rs);
	for (int c = 0; c < ncpu; c++) {
		uint32_t key = (uint32_t)c;

		fds[c] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "t_rb", 0, 0, RING_BYTES, NULL);
		assert_true(fds[c] >= 0);
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.rbs), &key, &fds[c], 0),
				 0);
		assert_int_equal(rings__add(rs, fds[c], RING_BYTES), 0);
	}
	assert_int_equal(rings__nr(rs), ncpu);
	fire(skel, ncpu);
	mark = mono_ns();
	run_on(skel, 0, 0xdead000); /* stamped after the watermark */
	assert_int_equal(rings__consume(rs, mark, on_rec, &per), NR_EVENTS);
	assert_int_equal(per.nr, NR_EVENTS);
	assert_int_equal(per.out_of_order, 0);
	for (int i = 0; i < NR_EVENTS; i++) {
		assert_int_equal(per.iova[i], 0x1000ull * (uint64_t)i); /* made in this order */
		assert_int_equal(per.cpu[i], (uint32_t)(i % ncpu));	/* in its CPU's ring */
	}
	assert_int_equal(rings__consume(rs, RINGS_ALL, on_rec, &per), 1); /* the held one */
	assert_int_equal(per.iova[NR_EVENTS], 0xdead000);
	assert_int_equal(rings__consume(rs, RINGS_ALL, on_rec, &per), 0);
	rings__free(rs);
	for (int c = 0; c < ncpu; c++)
		close(fds[c]);
	svatrace_bpf__destroy(skel);

	/* the shared ring: the same records */
	skel = load(false);
	rs = rings__new();
	assert_int_equal(rings__add(rs, bpf_map__fd(skel->maps.rb), RING_BYTES), 0);
	fire(skel, ncpu);
	assert_int_equal(rings__consume(rs, RINGS_ALL, on_rec, &one), NR_EVENTS);
	assert_memory_equal(one.iova, per.iova, NR_EVENTS * sizeof(one.iova[0]));
	assert_memory_equal(one.cpu, per.cpu, NR_EVENTS * sizeof(one.cpu[0]));
	rings__free(rs);
	svatrace_bpf__destroy(skel);
}

#define NR_PAGES 4000
#define SAMPLE_N 8

struct kept {
	uint8_t map[NR_PAGES], unmap[NR_PAGES], inv[NR_PAGES]; /* kept, by page */
	int other;					       /* records of no page */
};

static void on_kept(void *ctx, const void *rec, size_t size)
{
	struct kept *k = ctx;
	struct svt_event e;
	uint64_t page;

	assert_int_equal(conv_rec_decode(rec, size, &e), 0);
	page = (e.probe == SVT_P_QI_SUBMIT ? e.qi_submit.qw[1] : e.v[0]) >> 12;
	if (page >= NR_PAGES) {
		k->other++;
		return;
	}
	if (e.probe == SVT_P_IOMMU_MAP)
		k->map[page] = 1;
	else if (e.probe == SVT_P_IOMMU_UNMAP)
		k->unmap[page] = 1;
	else if (e.probe == SVT_P_QI_SUBMIT)
		k->inv[page] = 1;
}

static void run_prog(struct bpf_program *prog, uint64_t *args, size_t n)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts, .ctx_in = args, .ctx_size_in = n * sizeof(*args));

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &topts), 0);
}

static struct svatrace_bpf *load_sampling(bool with_qi)
{
	struct svatrace_bpf *skel = svatrace_bpf__open();
	struct bpf_program *prog;

	assert_non_null(skel);
	skel->rodata->sample_n = SAMPLE_N;
	bpf_map__set_max_entries(skel->maps.rb, 4u << 20);
	bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(
	    prog, !strcmp(bpf_program__name(prog), "rtp_iommu_map") ||
		      !strcmp(bpf_program__name(prog), "rtp_iommu_unmap") ||
		      (with_qi && !strcmp(bpf_program__name(prog), "rtp_qi_submit")));
	if (svatrace_bpf__load(skel)) {
		svatrace_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static void test_sample(void **state)
{
	struct svatrace_bpf *skel;
	struct rings *rs;
	struct kept *k = calloc(1, sizeof(*k));
	bool with_qi = true;
	int nr_map = 0;

	(void)state;
	if (geteuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		skip();
	libbpf_set_print(NULL);
	/* rtp_qi_submit reads struct intel_iommu: kernels without the
	 * driver's BTF cannot load it, and the invalidations are left out */
	skel = load_sampling(true);
	if (!skel) {
		with_qi = false;
		skel = load_sampling(false);
	}
	assert_non_null(skel);
	rs = rings__new();
	assert_int_equal(rings__add(rs, bpf_map__fd(skel->maps.rb), 4u << 20), 0);
	for (uint64_t p = 0; p < NR_PAGES; p++) {
		uint64_t map[3] = {p << 12, 0x100000000ull + (p << 12), 4096};
		uint64_t unmap[3] = {p << 12, 4096, 4096};
		/* iommu, qw0 = IOTLB invalidation (type 2), page-selective (G = 3), DID 1 */
		uint64_t psi[5] = {0, 2 | 3 << 4 | 1ull << 16, p << 12, 0, 0};
		uint64_t dom[5] = {0, 2 | 2 << 4 | 1ull << 16, 0, 0, 0}; /* domain-selective */

		run_prog(skel->progs.rtp_iommu_map, map, 3);
		run_prog(skel->progs.rtp_iommu_unmap, unmap, 3);
		if (with_qi)
			run_prog(skel->progs.rtp_qi_submit, psi, 5);
		if (with_qi && p % 100 == 0)
			run_prog(skel->progs.rtp_qi_submit, dom, 5);
	}
	rings__consume(rs, RINGS_ALL, on_kept, k);
	for (int p = 0; p < NR_PAGES; p++) {
		nr_map += k->map[p];
		assert_int_equal(k->unmap[p], k->map[p]); /* a kept map's unmap is kept */
		if (with_qi)
			assert_int_equal(k->inv[p], k->map[p]); /* and its invalidation */
	}
	/* 1 in 8 of 4000: 500 expected, binomial sd ~21; a hash that keeps all,
	 * none or every 8th page exactly in a block would fail one of these */
	assert_true(nr_map > 400 && nr_map < 600);
	assert_int_equal(k->other, with_qi ? NR_PAGES / 100 : 0); /* domain ones all kept */
	rings__free(rs);
	svatrace_bpf__destroy(skel);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percpu_merge),
	    cmocka_unit_test(test_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
