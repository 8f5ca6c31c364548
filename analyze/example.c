// SPDX-License-Identifier: GPL-2.0
/*
 * example.c - the example database (see example.h). Closed forms:
 *
 * IOTLB sweep, 102400 lookups per run: misses = 819200 / entries (4k pages)
 * or 51200 / entries (2m pages); a hit costs 10 ns, a miss 200 ns (4k) or
 * 150 ns (2m), so mean latency = (hits * 10 + misses * miss_ns) / lookups.
 *
 * Pinned vs faulting, 16000 lookups, 1600 misses (600 ns), 16 windows of
 * 1 ms: faulting adds 512 page requests (20000 ns each, halving per window
 * from 256), pinned has 1024 invalidations (64 per window) vs 64 (4 per
 * window). CPU (ms): pinned pin 2.0 map 1.5 unmap 1.2 inval 0.8 submit 0.5;
 * faulting inval 0.1 fault service 6.4 submit 0.5. Duration 16 vs 19.5 ms.
 *
 * The three groups are three studies (analyze/study.h): the sweep reads a
 * random-access trace of 64 MiB, pinned vs faulting a captured trace, the
 * work queues dsa-memcpy traces that differ only in the client count.
 *
 * DWQ vs SWQ, 100000 descriptors: throughput = 1e6 * min(clients, 4) (DWQ)
 * or 0.9e6 * min(clients, 8) (SWQ) descriptors/s; retries = 0 (DWQ) or
 * 100000 * max(0, clients - 4) / 8 (SWQ); latency: 98% at 500 ns, 2% at the
 * p99 = 1000 * clients ns (DWQ) or 1500 * clients ns (SWQ).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "analyze/example.h"
#include "model/metric_keys.h"
#include "analyze/store_sink.h"

#define EXAMPLE_TRACE_META                                                                         \
	"{\"host\":{\"hostname\":\"example-host\",\"kernel\":\"6.1.0-example\","                   \
	"\"cpu\":\"Example CPU @ 2.0GHz\",\"iommu\":\"intel-iommu (emulated VT-d)\"},"             \
	"\"command\":\"svatrace db example\"}"

/* The config keys every example run resolves, with their defaults. */
struct ex_cfg {
	const char *entries;   /* iotlb.entries */
	const char *page_size; /* page_size */
	const char *clients;   /* client.nr */
	const char *mode;      /* wq.mode */
	const char *swept;     /* comma list of keys set by the sweep (source "sweep") */
};

static int put_config(const struct results_sink *s, const struct ex_cfg *c)
{
	const char *keys[] = {
	    CFG_IOTLB_ENTRIES, CFG_PAGE_SIZE, KEY_CLIENTS, CFG_WQ_MODE, "iotlb.ways",
	    "walk.levels",     "ats",	      "inval",	   "seed"};
	const char *vals[] = {c->entries, c->page_size, c->clients, c->mode, "8",
			      "4",	  "on",		"strict",   "1"};
	int rc = 0;

	for (size_t i = 0; !rc && i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *src = c->swept && strstr(c->swept, keys[i]) ? "sweep" : "default";

		rc = s->ops->config(s->ctx, keys[i], vals[i], src);
	}
	return rc;
}

static int put_hist(const struct results_sink *s, const char *key, const uint64_t *values,
		    const uint64_t *nr, size_t n)
{
	uint64_t counts[RESULTS_HIST_BUCKETS] = {0};
	struct results_hist h = {.counts = counts, .unit = "ns", .min = UINT64_MAX};

	for (size_t i = 0; i < n; i++) {
		if (!nr[i])
			continue;
		counts[results_hist_bucket(values[i])] += nr[i];
		h.nr += nr[i];
		h.sum += values[i] * nr[i];
		if (values[i] < h.min)
			h.min = values[i];
		if (values[i] > h.max)
			h.max = values[i];
	}
	if (!h.nr)
		h.min = 0;
	return s->ops->histogram(s->ctx, key, &h);
}

/* The input of a run: the captured trace, or a generated one (@clients: 0 = random-access). */
static int begin(const struct results_sink *s, const char *label, const char *scenario,
		 bool generated, unsigned int clients)
{
	char meta[512], hash[40], path[64];
	struct results_run_info info = {
	    .label = label,
	    .trace_path = "data/example.svt",
	    .trace_hash = "e3a1b2c3d4e5f60718293a4b5c6d7e8f",
	    .trace_bytes = 123456,
	    .trace_meta_json = EXAMPLE_TRACE_META,
	    .scenario = scenario,
	    .tool_version = SVT_VERSION,
	    .seed = 1,
	};

	if (generated && !clients) {
		snprintf(meta, sizeof(meta),
			 "{\"generator\":\"random-access\",\"params\":{\"footprint\":\"64m\","
			 "\"access_size\":\"64\"},\"seed\":7,\"tool\":\"svatrace db example\"}");
		info.trace_path = "example-random-access.svt";
		info.trace_hash = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
		info.trace_meta_json = meta;
	} else if (generated) {
		snprintf(meta, sizeof(meta),
			 "{\"generator\":\"dsa-memcpy\",\"params\":{\"clients\":\"%u\","
			 "\"size\":\"4k\"},\"seed\":3,\"tool\":\"svatrace db example\"}",
			 clients);
		snprintf(hash, sizeof(hash), "d5a0000000000000000000000000%04x", clients);
		snprintf(path, sizeof(path), "example-dsa-%u.svt", clients);
		info.trace_path = path;
		info.trace_hash = hash;
		info.trace_meta_json = meta;
	}
	return s->ops->begin_run(s->ctx, &info);
}

static int iotlb_sweep(const struct results_sink *s)
{
	static const char *const sizes[] = {"4k", "2m"};
	/* stored as real runs store them (base units), so --where pt.page_bytes=2m matches */
	static const char *const page_bytes[] = {"4096", "2097152"};
	static const unsigned int entries[] = {16, 32, 64, 128, 256};
	int rc = 0;

	for (size_t p = 0; !rc && p < 2; p++) {
		for (size_t e = 0; !rc && e < 5; e++) {
			uint64_t lookups = 102400;
			uint64_t misses = (p ? 51200 : 819200) / entries[e];
			uint64_t vals[2] = {10, p ? 150 : 200};
			uint64_t nrs[2] = {lookups - misses, misses};
			char label[64], ent[16];
			struct ex_cfg c = {ent, page_bytes[p], "1", "dwq",
					   CFG_IOTLB_ENTRIES "," CFG_PAGE_SIZE};

			snprintf(ent, sizeof(ent), "%u", entries[e]);
			snprintf(label, sizeof(label), "iotlb %s x %s", ent, sizes[p]);
			rc = begin(s, label, "", true, 0);
			rc = rc ?: put_config(s, &c);
			rc = rc
				 ?: s->ops->metric(s->ctx, KEY_IOTLB_LOOKUPS, (double)lookups,
						   "count");
			rc = rc
				 ?: s->ops->metric(s->ctx, KEY_IOTLB_HITS,
						   (double)(lookups - misses), "count");
			rc =
			    rc ?: s->ops->metric(s->ctx, KEY_IOTLB_MISSES, (double)misses, "count");
			rc = rc
				 ?: s->ops->metric(s->ctx, KEY_WALK_READS,
						   (double)(misses * (p ? 3 : 4)), "count");
			rc = rc
				 ?: s->ops->metric(s->ctx, KEY_RUN_DURATION,
						   (double)(nrs[0] * vals[0] + nrs[1] * vals[1]),
						   "ns");
			rc = rc ?: put_hist(s, KEY_XLATE_LAT, vals, nrs, 2);
			rc = rc ?: s->ops->end_run(s->ctx, 0);
		}
	}
	return rc;
}

static int pinned_faulting(const struct results_sink *s)
{
	int rc = 0;

	for (int faulting = 0; !rc && faulting < 2; faulting++) {
		struct ex_cfg c = {"64", "4k", "1", "dwq", NULL};
		uint64_t vals[3] = {250, 600, 20000};
		uint64_t nrs[3] = {14400, faulting ? 1088 : 1600, faulting ? 512 : 0};
		double faults[16], invals[16], misses[16];
		const char *name = faulting ? "faulting" : "pinned";

		for (int w = 0; w < 16; w++) {
			faults[w] = faulting ? (w < 9 ? (double)(256 >> w) : w == 9 ? 1 : 0) : 0;
			invals[w] = faulting ? 4 : 64;
			misses[w] = 100;
		}
		rc = begin(s, name, name, false, 0);
		rc = rc ?: put_config(s, &c);
		rc = rc ?: s->ops->metric(s->ctx, KEY_IOTLB_LOOKUPS, 16000, "count");
		rc = rc ?: s->ops->metric(s->ctx, KEY_IOTLB_HITS, 14400, "count");
		rc = rc ?: s->ops->metric(s->ctx, KEY_IOTLB_MISSES, 1600, "count");
		rc = rc ?: s->ops->metric(s->ctx, KEY_PRI_REQUESTS, faulting ? 512 : 0, "count");
		rc = rc ?: s->ops->metric(s->ctx, KEY_INVAL_COUNT, faulting ? 64 : 1024, "count");
		rc = rc ?: s->ops->metric(s->ctx, KEY_CPU_PIN, faulting ? 0 : 2.0e6, "ns");
		rc = rc ?: s->ops->metric(s->ctx, KEY_CPU_MAP, faulting ? 0 : 1.5e6, "ns");
		rc = rc ?: s->ops->metric(s->ctx, KEY_CPU_UNMAP, faulting ? 0 : 1.2e6, "ns");
		rc = rc ?: s->ops->metric(s->ctx, KEY_CPU_INVAL, faulting ? 0.1e6 : 0.8e6, "ns");
		rc = rc ?: s->ops->metric(s->ctx, KEY_CPU_FAULT, faulting ? 6.4e6 : 0, "ns");
		rc = rc ?: s->ops->metric(s->ctx, KEY_CPU_SUBMIT, 0.5e6, "ns");
		rc = rc ?: s->ops->metric(s->ctx, KEY_RUN_DURATION, faulting ? 19.5e6 : 16e6, "ns");
		rc = rc ?: put_hist(s, KEY_XLATE_LAT, vals, nrs, 3);
		rc = rc ?: s->ops->series(s->ctx, KEY_PRI_REQUESTS, 0, 1000000, faults, 16);
		rc = rc ?: s->ops->series(s->ctx, KEY_INVAL_COUNT, 0, 1000000, invals, 16);
		rc = rc ?: s->ops->series(s->ctx, KEY_IOTLB_MISSES, 0, 1000000, misses, 16);
		rc = rc ?: s->ops->end_run(s->ctx, 0);
	}
	return rc;
}

static int wq_clients(const struct results_sink *s)
{
	static const unsigned int clients[] = {1, 2, 4, 8, 16};
	int rc = 0;

	for (int swq = 0; !rc && swq < 2; swq++) {
		for (size_t i = 0; !rc && i < 5; i++) {
			unsigned int c = clients[i];
			const char *mode = swq ? "swq" : "dwq";
			double tput = swq ? 0.9e6 * (c < 8 ? c : 8) : 1e6 * (c < 4 ? c : 4);
			double retries = swq && c > 4 ? 100000.0 * (c - 4) / 8 : 0;
			uint64_t vals[2] = {500, (swq ? 1500 : 1000) * (uint64_t)c};
			uint64_t nrs[2] = {98000, 2000};
			char label[64], cl[16];
			struct ex_cfg cfg = {"64", "4k", cl, mode, KEY_CLIENTS "," CFG_WQ_MODE};

			snprintf(cl, sizeof(cl), "%u", c);
			snprintf(label, sizeof(label), "%s %u clients", mode, c);
			rc = begin(s, label, mode, true, c);
			rc = rc ?: put_config(s, &cfg);
			rc = rc ?: s->ops->metric(s->ctx, KEY_WQ_THROUGHPUT, tput, "desc/s");
			rc = rc ?: s->ops->metric(s->ctx, KEY_SUBMIT_DESCS, 100000, "count");
			rc = rc ?: s->ops->metric(s->ctx, KEY_SUBMIT_RETRIES, retries, "count");
			rc = rc
				 ?: s->ops->metric(s->ctx, KEY_CPU_SUBMIT,
						   100000.0 * (swq ? 120 : 80), "ns");
			rc = rc
				 ?: s->ops->metric(s->ctx, KEY_RUN_DURATION, 1e9 * 100000 / tput,
						   "ns");
			rc = rc ?: put_hist(s, KEY_SUBMIT_LAT, vals, nrs, 2);
			rc = rc ?: put_hist(s, KEY_DESC_E2E_LAT, vals, nrs, 2);
			rc = rc ?: s->ops->end_run(s->ctx, 0);
		}
	}
	return rc;
}

int analyze_example_fill(struct store *st)
{
	struct store_sink *ss = store_sink__new(st);
	struct results_sink s;
	int rc;

	if (!ss)
		return -errno;
	s = store_sink__sink(ss);
	rc = iotlb_sweep(&s);
	rc = rc ?: pinned_faulting(&s);
	rc = rc ?: wq_clients(&s);
	store_sink__free(ss);
	return rc;
}
