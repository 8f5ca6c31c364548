// SPDX-License-Identifier: GPL-2.0
/*
 * test_collect_rec.c - the collector's ring-buffer records: conv_rec_decode()
 * on hand-made records (every optional part, bounds), and, as root on a
 * kernel with BTF, the raw_tp programs of iommu:map and iommu:unmap run
 * through BPF_PROG_TEST_RUN with known arguments: the records they write
 * decode to those values in the slots the classic tracepoint programs use,
 * with this thread's ids, name and a timestamp inside the call. The probe
 * table's consistency, and the converter reading each kind's named values.
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
#include "collect/probes.h"
#include "collect/redact.h"
#include "collect/tpfmt.h"
#include "trace/trace.h"

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
	memset(buf, 0xee, sizeof(buf)); /* stale ring bytes */
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
		assert_int_equal(e.v[i], 0); /* not in the record: zero, not stale bytes */
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
	r->flags = SVT_RF_S1; /* s1 straight after the header */
	strcpy((char *)buf + 40, "0000:00:02.0");
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(0, SVT_RF_S1), &e), 0);
	assert_string_equal(e.s1, "0000:00:02.0");
	assert_int_equal(e.s2[0], 0);
	assert_int_equal(e.ret, 0);
	assert_int_equal(e.dur_ns, 0);
}

static void test_decode_bad(void **state)
{
	unsigned char buf[128] = {0};
	struct svt_rec *r = (struct svt_rec *)buf;
	struct svt_event e;

	(void)state;
	assert_int_equal(conv_rec_decode(buf, sizeof(*r) - 1, &e), -EINVAL);
	r->nr_v = 3;
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(3, 0) - 8, &e), -EINVAL);
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(3, 0), &e), 0);
	r->nr_v = 9; /* more values than struct svt_event holds */
	assert_int_equal(conv_rec_decode(buf, sizeof(buf), &e), -EINVAL);
	r->nr_v = 0;
	r->flags = SVT_RF_S2;
	assert_int_equal(conv_rec_decode(buf, SVT_REC_BYTES(0, 0), &e), -EINVAL);
}

struct got {
	struct svt_event e[4]; /* decoded records */
	size_t size[4];	       /* their ring-buffer sizes */
	int n;		       /* records seen */
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
	uint64_t args[3] = {0xfffff000, 0x12345000, 8192}, t0, t1;
	char comm[17] = {0};

	(void)state;
	if (geteuid() != 0 || access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		skip();
	prctl(PR_SET_NAME, "svt-rawtp-test");
	prctl(PR_GET_NAME, comm);
	libbpf_set_print(NULL);
	skel = svatrace_bpf__open();
	assert_non_null(skel);
	bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(
	    prog, !strcmp(bpf_program__name(prog), "rtp_iommu_map") ||
		      !strcmp(bpf_program__name(prog), "rtp_iommu_unmap"));
	assert_int_equal(svatrace_bpf__load(skel), 0);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), on_rec, &g, NULL);
	assert_non_null(rb);

	run_raw(skel, rb, "rtp_iommu_map", args, &g, &t0, &t1);
	assert_int_equal(g.size[0], 64); /* header + 3 values, not 184 */
	assert_int_equal(g.e[0].probe, SVT_P_IOMMU_MAP);
	assert_int_equal(g.e[0].v[0], 0xfffff000); /* iova */
	assert_int_equal(g.e[0].v[1], 0x12345000); /* paddr */
	assert_int_equal(g.e[0].v[2], 8192);	   /* size */
	assert_int_equal(g.e[0].v[3], 0);
	assert_int_equal(g.e[0].tgid, getpid());
	assert_int_equal(g.e[0].tid, gettid());
	assert_string_equal(g.e[0].comm, comm);
	assert_true(g.e[0].ts_ns >= t0 && g.e[0].ts_ns <= t1);

	args[2] = 4096; /* unmap: iova, size, unmapped_size */
	run_raw(skel, rb, "rtp_iommu_unmap", args, &g, &t0, &t1);
	assert_int_equal(g.e[0].probe, SVT_P_IOMMU_UNMAP);
	assert_int_equal(g.e[0].v[0], 0xfffff000);
	assert_int_equal(g.e[0].v[1], 0x12345000);
	assert_int_equal(g.e[0].v[2], 4096);
	assert_true(g.e[0].ts_ns >= t0 && g.e[0].ts_ns <= t1);

	ring_buffer__free(rb);
	svatrace_bpf__destroy(skel);
}

/*
 * The probe table: ids index it, every probe has a kind with a converter,
 * tracepoint names and targets agree, and event lookup finds the kinds the
 * importers branch on.
 */
static void test_probe_table(void **state)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);

	(void)state;
	assert_int_equal(n, SVT_P_MAX_);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(d[i].id, i);
		assert_true(d[i].kind < SVT_K_MAX_);
		assert_non_null(d[i].name);
		assert_non_null(d[i].prog);
		if (d[i].type == PROBE_TP) {
			const char *slash = strchr(d[i].target, '/');

			assert_non_null(slash);
			assert_int_equal(
			    strncmp(d[i].name, d[i].target, (size_t)(slash - d[i].target)), 0);
			assert_string_equal(strchr(d[i].name, ':') + 1, slash + 1);
			assert_ptr_equal(probe_def_by_event(NULL, slash + 1), &d[i]);
		}
	}
	assert_int_equal(probe_def_by_event("dma", "dma_map_sg")->kind, SVT_K_DMA_SG);
	assert_int_equal(probe_def_by_event("dma", "dma_unmap_page")->op, TRACE_DMA_UNMAP_PAGE);
	assert_int_equal(probe_def_by_event("intel_iommu", "cache_tag_flush_all")->op,
			 TRACE_CACHE_TAG_FLUSH_ALL);
	assert_null(probe_def_by_event("iommu", "dma_map_sg")); /* wrong system */
	assert_null(probe_def_by_event(NULL, "no_such_event"));
	assert_int_equal(SVT_NV(struct svt_v_iommu_map), 3); /* the 64-byte iommu:map record */
	assert_int_equal(SVT_REC_BYTES(SVT_NV(struct svt_v_iommu_map), 0), 64);
}

/* Every probe converts; named values land in the record fields they name. */
static void test_convert_named_values(void **state)
{
	char path[] = "/tmp/svt-conv-XXXXXX";
	int fd = mkstemp(path), err = 0, nr_map = 0, nr_dma = 0, nr_tag = 0;
	struct trace_writer *w;
	struct trace_reader *r;
	const struct trace_rec *rec;
	struct conv *c;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	w = trace_writer__open(path, TRACE_CLOCK_MONOTONIC, TRACE_F_ADDR_KEPT, "{}");
	assert_non_null(w);
	c = conv__new(w, true, NULL);
	assert_non_null(c);
	for (unsigned int id = 0; id < SVT_P_MAX_; id++) {
		struct svt_event e;

		memset(&e, 0, sizeof(e));
		e.probe = (uint16_t)id;
		e.ts_ns = 1000 + id;
		strcpy(e.s1, "0000:00:04.0");
		strcpy(e.s2, "dmar0");
		for (int i = 0; i < SVT_NR_V; i++)
			e.v[i] = 0x1000u * (i + 1);
		if (id == SVT_P_IOMMU_MAP) {
			e.iommu_map.iova = 0xfff000;
			e.iommu_map.paddr = 0x1234000;
			e.iommu_map.size_bytes = 8192;
		} else if (id == SVT_P_DMA_UNMAP_SG) {
			e.dma.dma_addr = 0xabc000;
			e.dma.size_bytes = 512;
			e.dma.dir = TRACE_DMA_FROM_DEVICE;
			e.dma.nr_ents = 3;
		}
		assert_int_equal(conv__event(c, &e), 0);
		assert_int_equal(conv__nr_records(c, id), 1);
	}
	conv__free(c);
	assert_int_equal(trace_writer__close(w), 0);
	r = trace_reader__open(path, &err);
	assert_non_null(r);
	while (trace_reader__next(r, &rec) == 1) {
		if (rec->ts_ns == 1000 + SVT_P_IOMMU_MAP) {
			const struct trace_rec_iommu_map *m = (const void *)rec;

			assert_int_equal(rec->kind, TRACE_REC_IOMMU_MAP);
			assert_int_equal(m->iova, 0xfff000);
			assert_int_equal(m->paddr, 0x1234000);
			assert_int_equal(m->size_bytes, 8192);
			nr_map++;
		} else if (rec->ts_ns == 1000 + SVT_P_DMA_UNMAP_SG) {
			const struct trace_rec_dma *m = (const void *)rec;

			assert_int_equal(rec->kind, TRACE_REC_DMA);
			assert_int_equal(m->op, TRACE_DMA_UNMAP_SG); /* from the table */
			assert_int_equal(m->dma_addr, 0xabc000);
			assert_int_equal(m->size_bytes, 512);
			assert_int_equal(m->dir, TRACE_DMA_FROM_DEVICE);
			assert_string_equal(trace_reader__string(r, m->device_id), "0000:00:04.0");
			nr_dma++;
		} else if (rec->ts_ns == 1000 + SVT_P_CACHE_TAG_FLUSH_RANGE_NP) {
			const struct trace_rec_cache_tag *t = (const void *)rec;

			assert_int_equal(t->op, TRACE_CACHE_TAG_FLUSH_RANGE_NP);
			assert_int_equal(t->start, 0x1000); /* slot 0 */
			assert_int_equal(t->pasid, 0x5000); /* slot 4 */
			nr_tag++;
		}
	}
	assert_int_equal(trace_reader__nr_records(r), SVT_P_MAX_);
	assert_int_equal(nr_map + nr_dma + nr_tag, 3);
	trace_reader__close(r);
	unlink(path);
}

/*
 * A --tracepoint record straight from the ring (conv__rec): the payload
 * words the record carries, zeros for what it lacks, every 8-byte field
 * hashed with the converter's key (one on a word boundary, one off it:
 * a packed layout); with addresses kept, the bytes as they came. The
 * reader gives the text of the stored bytes (trace_raw_format()), so the
 * text of the expected bytes is compared. A record of an unannounced
 * --tracepoint is an empty generic record.
 */
static void test_convert_tracepoint_raw(void **state)
{
	static const char fmt[] =
	    "name: t\nID: 1\nformat:\n"
	    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	    "\tfield:int a;\toffset:8;\tsize:4;\tsigned:1;\n"
	    "\tfield:unsigned long p;\toffset:16;\tsize:8;\tsigned:0;\n"
	    "\tfield:unsigned long q;\toffset:28;\tsize:8;\tsigned:0;\n"
	    "\tfield:short z;\toffset:36;\tsize:2;\tsigned:1;\n\n"
	    "print fmt: \"\"\n";
	static const uint8_t key[REDACT_KEY_BYTES] = "0123456789abcde";
	unsigned char rec[SVT_REC_BYTES(SVT_NR_V, 0)];
	struct svt_rec *h = (struct svt_rec *)rec;
	struct tpfmt f;

	(void)state;
	assert_int_equal(tpfmt_parse(fmt, &f), 0);
	assert_int_equal(f.payload_bytes, 30);
	memset(rec, 0, sizeof(rec));
	h->probe = SVT_P_TRACEPOINT;
	h->tid = 77;
	h->cpu = 1;
	memcpy(h->comm, "loop", 5);
	for (unsigned int i = 0; i < 8 * SVT_NR_V; i++) /* past nr_v too: must not be copied */
		rec[sizeof(*h) + i] = (unsigned char)(0x11 * (i + 1));
	/*
	 * keep 0/1: 3 words, 24 of the 30 bytes: q's last 4 bytes and z read
	 * as zeros; keep 2/3: 4 words, every byte, the last word's 2 bytes
	 * past the payload not copied (the NUL and the padding stay zero)
	 */
	for (int round = 0; round < 4; round++) {
		int keep = round % 2;
		unsigned int have = round < 2 ? 24 : 30;
		char path[] = "/tmp/svt-conv-XXXXXX", layout[512], text[512];
		unsigned char want[30] = {0};
		int fd = mkstemp(path), err = 0, nr = 0;
		struct redact *rd = redact__new_key(keep, key);
		struct trace_writer *w;
		struct trace_reader *r;
		const struct trace_rec *out;
		struct conv *c;

		assert_true(fd >= 0 && rd);
		close(fd);
		h->nr_v = round < 2 ? 3 : 4;
		memcpy(want, rec + sizeof(*h), have);
		for (unsigned int off = 8; off <= 20; off += 12) { /* p, then q (off a word) */
			uint64_t v;

			memcpy(&v, want + off, 8);
			v = redact__addr(rd, v);
			memcpy(want + off, &v, 8);
		}
		assert_int_equal(tpfmt_layout(&f, !keep, layout, sizeof(layout)), 0);
		w = trace_writer__open_fmt(path, TRACE_CLOCK_MONOTONIC, 0, "{}",
					   TRACE_VERSION_MAJOR);
		c = w ? conv__new_key(w, keep, NULL, key) : NULL;
		assert_non_null(c);
		assert_int_equal(conv__set_tracepoint(c, 0, "sys:t", &f), 0);
		for (int i = 0; i < 2; i++) { /* op 1 was never announced */
			h->op = (uint16_t)i;
			h->ts_ns = 500 + (uint64_t)i;
			assert_int_equal(conv__rec(c, rec, SVT_REC_BYTES(h->nr_v, 0)), 0);
		}
		conv__free(c);
		assert_int_equal(trace_writer__close(w), 0);
		r = trace_reader__open(path, &err);
		assert_non_null(r);
		while (trace_reader__next(r, &out) == 1) {
			const struct trace_rec_generic *g = (const void *)out;

			assert_int_equal(out->kind, TRACE_REC_GENERIC);
			assert_int_equal(out->pid, 77);
			assert_int_equal(out->cpu, 1);
			assert_string_equal(trace_reader__string(r, out->comm_id), "loop");
			assert_int_equal(out->reserved, 0);
			if (out->ts_ns == 501) {
				assert_int_equal(out->flags, 0);
				assert_int_equal(g->text_bytes, 0);
				nr++;
				continue;
			}
			/* the reader gives the text the layout makes of the stored bytes */
			assert_int_equal(out->ts_ns, 500);
			assert_int_equal(out->flags, keep ? 0 : TRACE_RF_ADDR_HASHED);
			assert_string_equal(trace_reader__string(r, out->event_id), "sys:t");
			assert_true(trace_raw_format(layout, want, 30, text, sizeof(text)) > 0);
			assert_string_equal((const char *)(g + 1), text);
			assert_int_equal(g->text_bytes, strlen(text));
			nr++;
		}
		assert_int_equal(nr, 2);
		trace_reader__close(r);
		{ /* the stored bytes (a v1 file holds them as written): payload, NUL, zeros */
			FILE *fp = fopen(path, "rb");
			unsigned char file[8192], zero[2] = {0};
			size_t n = fp ? fread(file, 1, sizeof(file), fp) : 0;
			int found = 0;

			assert_non_null(fp);
			fclose(fp);
			for (size_t off = 0; off + 80 <= n; off += 8) {
				uint64_t ts;
				uint16_t kind;

				memcpy(&ts, file + off, 8);
				memcpy(&kind, file + off + 8, 2);
				if (ts != 500 || kind != TRACE_REC_GENERIC)
					continue;
				assert_memory_equal(file + off + 40, want, 30);
				assert_memory_equal(file + off + 70, zero, 2);
				found++;
			}
			assert_int_equal(found, 1);
		}
		redact__free(rd);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode_all_parts),
	    cmocka_unit_test(test_decode_parts_absent),
	    cmocka_unit_test(test_decode_bad),
	    cmocka_unit_test(test_raw_tp_programs),
	    cmocka_unit_test(test_probe_table),
	    cmocka_unit_test(test_convert_named_values),
	    cmocka_unit_test(test_convert_tracepoint_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
