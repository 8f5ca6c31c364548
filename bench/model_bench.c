// SPDX-License-Identifier: GPL-2.0
/*
 * model_bench.c - throughput of the translation model on a DEV_ACCESS trace,
 * next to baselines measured in the same run over the same records.
 *
 * The trace is streamed in batches of BATCH records decoded into flat
 * arrays (memory constant in trace length). Per batch, timed separately:
 *   sum    - read-and-sum baseline: sum the iova field over the batch
 *   iotlb  - (a) IOTLB only: one lookup per record, 512 entries 8-way LRU
 *   model  - (b) the full model (defaults, or --set-like KEY=VALUE args)
 * plus the reader's own time (chunk CRC + decode). Prints rates, ratios and
 * the peak RSS (getrusage) of this process.
 *
 * usage: model_bench TRACE [KEY=VALUE]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/model.h"
#include "model/params.h"
#include "trace/trace.h"

#define BATCH 65536

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	static const struct param_table *const tables[] = {&model_param_table, NULL};
	static uint64_t iova[BATCH], ts[BATCH];
	static uint32_t dev[BATCH], bytes[BATCH];
	struct iotlb_geom g = {.entries = 512, .ways = 8, .policy = &iotlb_policy_lru, .seed = 1};
	double t_read = 0, t_sum = 0, t_iotlb = 0, t_model = 0, t0;
	uint64_t n = 0, sum = 0, hits = 0;
	struct params *p = params__new(tables);
	struct trace_reader *r;
	struct iotlb *tlb;
	struct model *m;
	struct rusage ru;
	char err[256];
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: model_bench TRACE [KEY=VALUE]...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		char key[128], *eq = strchr(argv[i], '=');

		if (!eq) {
			fprintf(stderr, "want KEY=VALUE: %s\n", argv[i]);
			return 2;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[i]), argv[i]);
		if (params__set(p, key, eq + 1, "bench", err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 2;
		}
	}
	if (params__validate(p, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	r = trace_reader__open(argv[1], &rc);
	if (!r) {
		fprintf(stderr, "%s\n", trace_open_errmsg());
		return 1;
	}
	tlb = iotlb__new(&g);
	m = model__new(params__cfg(p, &model_param_table));
	for (;;) {
		const struct trace_rec *rec;
		uint32_t k = 0;

		t0 = now_s();
		while (k < BATCH && (rc = trace_reader__next(r, &rec)) == 1) {
			const struct trace_rec_dev_access *d = (const void *)rec;

			if (rec->kind != TRACE_REC_DEV_ACCESS)
				continue;
			iova[k] = d->iova;
			ts[k] = rec->ts_ns;
			dev[k] = d->device_id;
			bytes[k] = d->size_bytes;
			k++;
		}
		t_read += now_s() - t0;
		if (!k)
			break;

		t0 = now_s();
		for (uint32_t i = 0; i < k; i++)
			sum += iova[i];
		__asm__ volatile("" : : "r"(sum) : "memory");
		t_sum += now_s() - t0;

		t0 = now_s();
		for (uint32_t i = 0; i < k; i++)
			hits += iotlb__access(tlb, 0, iova[i], IOTLB_PSZ_4K);
		t_iotlb += now_s() - t0;

		t0 = now_s();
		for (uint32_t i = 0; i < k; i++) {
			struct model_access a = {.iova = iova[i],
						 .bytes = bytes[i],
						 .dev = dev[i] & 1,
						 .sid = dev[i] & 1};

			model__advance(m, ts[i]);
			model__access(m, ts[i], &a);
		}
		t_model += now_s() - t0;
		n += k;
		if (rc != 1)
			break;
	}
	if (rc < 0)
		fprintf(stderr, "trace error: %s\n", trace_reader__errmsg(r));
	model__finish(m, 0);
	getrusage(RUSAGE_SELF, &ru);
	printf("records:                 %llu DEV_ACCESS (sum %llx)\n", (unsigned long long)n,
	       (unsigned long long)(sum & 0xffff));
	printf("reader (CRC + decode):   %7.1f M records/s\n", (double)n / t_read / 1e6);
	printf("baseline read-and-sum:   %7.1f M records/s in memory, %.1f M/s with the reader\n",
	       (double)n / t_sum / 1e6, (double)n / (t_read + t_sum) / 1e6);
	printf("(a) IOTLB only 512x8 LRU %7.1f M accesses/s in memory (%.1f%% hits); %.1f M/s with "
	       "the reader\n",
	       (double)n / t_iotlb / 1e6, 100.0 * (double)hits / (double)n,
	       (double)n / (t_read + t_iotlb) / 1e6);
	printf("(b) full model:          %7.1f M accesses/s in memory; %.1f M/s with the reader"
	       " (iotlb miss rate %.3f, walks %.0f)\n",
	       (double)n / t_model / 1e6, (double)n / (t_read + t_model) / 1e6,
	       model__metric(m, "iotlb.miss_rate"), model__metric(m, "walk.count"));
	printf("ratios: (a)/sum in memory = 1/%.1f; (a)+reader vs sum+reader = 1/%.2f; "
	       "(b)+reader vs sum+reader = 1/%.2f\n",
	       t_iotlb / t_sum, (t_read + t_iotlb) / (t_read + t_sum),
	       (t_read + t_model) / (t_read + t_sum));
	printf("targets: (a) >= 50 M/s: %s; (b) >= 10 M/s: %s; peak RSS %ld KiB (< 64 MiB: %s)\n",
	       (double)n / t_iotlb / 1e6 >= 50 ? "met" : "MISSED",
	       (double)n / t_model / 1e6 >= 10 ? "met" : "MISSED", ru.ru_maxrss,
	       ru.ru_maxrss < 65536 ? "met" : "MISSED");
	model__free(m);
	iotlb__free(tlb);
	trace_reader__close(r);
	params__free(p);
	return rc < 0 ? 1 : 0;
}
