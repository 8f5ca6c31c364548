// SPDX-License-Identifier: GPL-2.0
/*
 * wq_bench.c - throughput of the work-queue model in descriptors per second
 * of wall-clock time: 1, 4 and 64 closed-loop clients of 4 KiB memmoves on a
 * dedicated and on a shared WQ, each with a toy translation model plugged in
 * through struct wq_xlate_ops. The baseline of the same run is the toy
 * translation model alone, called for the same descriptor stream: the ratio
 * says what submission + engines + completion cost on top of translation.
 *
 * Usage: wq_bench [descriptors per configuration, default 2000000]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/wq/wq.h"

#define TLB_ENTRIES 1024 /* toy direct-mapped translation cache */

struct toy_tlb {
	uint64_t tag[TLB_ENTRIES]; /* (pasid, page) + 1, 0 = empty */
	uint64_t misses;	   /* misses seen */
};

/* Stand-in for the IOTLB/ATC model: 0 ns on a hit, 300 ns per missing page. */
static uint64_t toy_stall(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes, bool write,
			  uint64_t now_ns)
{
	struct toy_tlb *t = ctx;
	uint64_t page, last, stall = 0;

	(void)write;
	(void)now_ns;
	last = (addr + (bytes ? bytes : 1) - 1) >> 12;
	for (page = addr >> 12; page <= last; page++) {
		uint64_t key = ((uint64_t)pasid << 44 | page) + 1;
		uint64_t *slot = &t->tag[(key * 0x9e3779b97f4a7c15ull) >> 54];

		if (*slot != key) {
			*slot = key;
			t->misses++;
			stall += 300;
		}
	}
	return stall;
}

static const struct wq_xlate_ops toy_ops = {.name = "toy", .stall_ns = toy_stall};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Addresses cycle through 4 MiB per client so the toy TLB sees hits and misses. */
static void client_addr(uint32_t i, uint64_t k, uint64_t *src, uint64_t *dst)
{
	uint64_t off = (k % 1024) * 4096;

	*src = ((uint64_t)i << 34) + off;
	*dst = ((uint64_t)i << 34) + (1ull << 33) + off;
}

static double xlate_only(uint32_t nr_clients, uint64_t nr_desc, volatile uint64_t *sink)
{
	struct toy_tlb *t = calloc(1, sizeof(*t));
	uint64_t k, s = 0, per = nr_desc / nr_clients;
	uint32_t i;
	double t0, dt;

	t0 = now_s();
	for (k = 0; k < per; k++)
		for (i = 0; i < nr_clients; i++) {
			uint64_t src, dst;

			client_addr(i, k, &src, &dst);
			s += toy_stall(t, i + 1, src, 4096, false, 0);
			s += toy_stall(t, i + 1, dst, 4096, true, 0);
		}
	dt = now_s() - t0;
	*sink += s;
	free(t);
	return (double)(per * nr_clients) / dt;
}

static double full_model(uint32_t mode, uint32_t nr_clients, uint64_t nr_desc, double *share,
			 double *rpd)
{
	struct toy_tlb *t = calloc(1, sizeof(*t));
	struct wq_client_cfg cc;
	struct wq_config c;
	struct wq_model *m;
	struct wq_stats st;
	uint32_t i;
	double t0, dt;

	wq_config_default(&c);
	c.wq[0].mode = mode;
	m = wq__new(&c, NULL, &toy_ops, t);
	if (!m || !t) {
		fprintf(stderr, "wq_bench: out of memory\n");
		exit(1);
	}
	for (i = 0; i < nr_clients; i++) {
		wq_client_cfg_default(&c, &cc);
		cc.pasid = i + 1;
		cc.nr_desc = nr_desc / nr_clients;
		cc.queue_depth = nr_clients > 4 ? 4 : 32;
		client_addr(i, 0, &cc.tmpl.src, &cc.tmpl.dst);
		cc.addr_stride_bytes = 4096;
		if (wq__add_client(m, &cc) < 0) {
			fprintf(stderr, "wq_bench: cannot add client %u\n", i);
			exit(1);
		}
	}
	t0 = now_s();
	wq__run(m);
	dt = now_s() - t0;
	wq__stats(m, &st);
	*rpd = st.nr_issued ? (double)st.nr_retries / (double)st.nr_issued : 0;
	*share =
	    (double)st.bytes_completed * 1e9 / (double)st.end_ns / (double)c.device_bw_bytes_per_s;
	wq__free(m);
	free(t);
	return (double)st.nr_desc_completed / dt;
}

int main(int argc, char **argv)
{
	static const uint32_t clients[] = {1, 4, 64};
	uint64_t nr_desc = argc > 1 ? strtoull(argv[1], NULL, 0) : 2000000;
	volatile uint64_t sink = 0;
	size_t i;
	int mode;

	printf("%-5s %7s %14s %14s %7s %10s %13s\n", "mode", "clients", "model desc/s",
	       "xlate desc/s", "ratio", "device%", "retries/desc");
	for (mode = 0; mode <= 1; mode++)
		for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
			/* 64 clients on an SWQ retry ~25x per descriptor: fewer */
			uint64_t n = mode && clients[i] > 4 ? nr_desc / 20 : nr_desc;
			double base = xlate_only(clients[i], n, &sink), share, rpd;
			double full = full_model((uint32_t)mode, clients[i], n, &share, &rpd);

			printf("%-5s %7u %14.0f %14.0f %7.3f %9.1f%% %13.2f\n",
			       mode ? "SWQ" : "DWQ", clients[i], full, base, full / base,
			       100 * share, rpd);
		}
	return 0;
}
