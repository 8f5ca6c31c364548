// SPDX-License-Identifier: GPL-2.0
/*
 * consumer_bench.c - the collector's consumer CPU per event without a
 * kernel: synthetic ring records (the layouts the BPF side writes for the
 * bench's two --tracepoint hot paths and for iommu:map) laid out in a
 * buffer as a ring page holds them, then handed to the same code a
 * consumer thread runs per record (conv__rec: decode + convert into a
 * trace writer), in stages: decode only, decode + convert + write. CPU time
 * of this thread (CLOCK_THREAD_CPUTIME_ID), the minimum of ROUNDS rounds:
 * on a busy shared host other tasks inflate single rounds (cache and TLB
 * pollution, preemption inside the read of the clock), rarely all of them.
 * Prints "STAGE PATH ns_per_event". Env: PATHS (names to run, default
 * all), FMT=v1 (write the unpacked format, to separate packing's cost),
 * OUT=PREFIX (keep each path's trace as PREFIX.PATH.trace: addresses are
 * hashed with a fixed key, so two builds' files can be compared with
 * `svatrace dump`), LEVEL=N (zstd level instead of the collector's),
 * NOTCOL=1 (v2 chunks without the collector's time column).
 * Event times step as a traced loop's do (a fixed pseudo-random sequence):
 * 560-860 ns in 10 ns steps, most near 710, now and then 1 ns more, the
 * shape of the steps of this host's prctl loop under the collector (561-816
 * ns, most 671-731, in 10 ns steps); a constant step would let zstd squeeze
 * the time column to nothing and hide its cost.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/convert.h"
#include "collect/tpfmt.h"
#include "trace/trace.h"

#define NR_EVENTS 1000000
#define ROUNDS 5

static const char prctl_fmt[] =
    "name: task_prctl_unknown\nID: 203\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:int option;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:unsigned long arg2;\toffset:16;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned long arg3;\toffset:24;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned long arg4;\toffset:32;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned long arg5;\toffset:40;\tsize:8;\tsigned:0;\n\n"
    "print fmt: \"\"\n";

static const char getppid_fmt[] =
    "name: sys_enter_getppid\nID: 305\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n\n"
    "print fmt: \"\"\n";

enum path { P_GETPPID, P_PRCTL, P_MAP, P_MAX_ };
static const char *const path_name[P_MAX_] = {"getppid", "prctl", "iommu_map"};

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Record i of @p as the BPF program writes it; returns its size. */
static size_t make_rec(enum path p, uint64_t i, uint64_t ts_ns, unsigned char *buf)
{
	struct svt_rec *r = (struct svt_rec *)buf;
	uint64_t *v = (uint64_t *)(r + 1);
	unsigned int nv = p == P_PRCTL ? 5 : p == P_GETPPID ? 1 : 3;

	memset(buf, 0, SVT_REC_BYTES(nv, 0));
	r->ts_ns = ts_ns;
	r->tgid = r->tid = 4242;
	r->probe = p == P_MAP ? SVT_P_IOMMU_MAP : SVT_P_TRACEPOINT;
	r->cpu = (uint16_t)(i >> 12 & 1); /* one producer: a CPU change now and then */
	r->nr_v = (uint8_t)nv;
	memcpy(r->comm, "collect_loop", 13);
	if (p == P_PRCTL) {
		v[0] = 0x5356540a; /* option; the loop index is arg2 */
		v[1] = i;
	} else if (p == P_GETPPID) {
		v[0] = 110;
	} else {
		v[0] = 0xfff00000ull + (i << 12); /* iova, paddr, size */
		v[1] = 0x100000000ull + (i << 12);
		v[2] = 4096;
	}
	return SVT_REC_BYTES(nv, 0);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : NR_EVENTS;
	char path[] = "/tmp/svt-consumer-bench.XXXXXX";
	unsigned char *recs[P_MAX_];
	size_t stride = 128;
	struct tpfmt fmt[2];
	int fd = mkstemp(path);
	bool v1 = getenv("FMT") && !strcmp(getenv("FMT"), "v1");
	const char *out = getenv("OUT");
	static const uint8_t hash_key[16] = "consumer_bench!";

	if (n <= 0 || fd < 0 || tpfmt_parse(getppid_fmt, &fmt[0]) ||
	    tpfmt_parse(prctl_fmt, &fmt[1])) {
		fprintf(stderr, "usage: consumer_bench [N]\n");
		return 2;
	}
	close(fd);
	for (int p = 0; p < P_MAX_; p++) {
		uint64_t ts_ns = 1000000000ull, x = 42;

		recs[p] = malloc(stride * (size_t)n);
		if (!recs[p])
			return 1;
		for (long i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull; /* Knuth's LCG */
			ts_ns += 560 + 10 * ((x >> 60) + (x >> 56 & 15)) + (x >> 55 & 1);
			make_rec((enum path)p, (uint64_t)i, ts_ns, recs[p] + stride * (size_t)i);
		}
	}
	for (int p = 0; p < P_MAX_; p++) {
		double best1 = 1e300, best2 = 1e300;

		if (getenv("PATHS") && !strstr(getenv("PATHS"), path_name[p]))
			continue;

		for (int round = 0; round < ROUNDS; round++) {
			struct svt_event e;
			struct trace_writer *w;
			struct conv *cv;
			double t0, t1, t2;
			uint64_t sum = 0;

			t0 = cpu_ns();
			for (long i = 0; i < n; i++) {
				const unsigned char *r = recs[p] + stride * (size_t)i;

				conv_rec_decode(
				    r, SVT_REC_BYTES(((const struct svt_rec *)r)->nr_v, 0), &e);
				sum += e.v[1];
			}
			t1 = cpu_ns() - t0;
			w = trace_writer__open_fmt(
			    path, TRACE_CLOCK_MONOTONIC, TRACE_F_ADDR_HASHED, "{}",
			    v1 ? TRACE_VERSION_MAJOR : TRACE_VERSION_MAJOR_PACKED);
			if (w && !v1) { /* as the collector writes */
				trace_writer__set_pack_level(w, getenv("LEVEL")
								    ? atoi(getenv("LEVEL"))
								    : TRACE_WRITER_PACK_LEVEL_FAST);
				if (!getenv("NOTCOL"))
					trace_writer__set_time_column(w, true);
			}
			cv = w ? conv__new_key(w, false, NULL, hash_key) : NULL;
			if (!cv ||
			    conv__set_tracepoint(cv, 0,
						 p == P_GETPPID ? "syscalls:sys_enter_getppid"
								: "task:task_prctl_unknown",
						 &fmt[p == P_GETPPID ? 0 : 1])) {
				fprintf(stderr, "consumer_bench: cannot write %s\n", path);
				return 1;
			}
			t2 = cpu_ns();
			for (long i = 0; i < n; i++) {
				const unsigned char *r = recs[p] + stride * (size_t)i;

				conv__rec(cv, r,
					  SVT_REC_BYTES(((const struct svt_rec *)r)->nr_v, 0));
			}
			trace_writer__flush(w);
			t2 = cpu_ns() - t2;
			conv__free(cv);
			trace_writer__close(w);
			if (sum == 42) /* keep the decode loop */
				puts("");
			best1 = t1 < best1 ? t1 : best1;
			best2 = t2 < best2 ? t2 : best2;
		}
		if (out) {
			char keep[4096];

			snprintf(keep, sizeof(keep), "%s.%s.trace", out, path_name[p]);
			if (rename(path, keep)) {
				fprintf(stderr, "consumer_bench: cannot keep %s\n", keep);
				return 1;
			}
		}
		printf("decode %s %.1f\n", path_name[p], best1 / (double)n);
		printf("decode+convert+write %s %.1f\n", path_name[p], best2 / (double)n);
	}
	unlink(path);
	return 0;
}
