// SPDX-License-Identifier: GPL-2.0
/*
 * test_perfmon.c - the VT-d/DSA performance monitors without hardware: a
 * fake sysfs tree under a temp dir (dmar0 with the format/ and events/
 * strings of drivers/iommu/intel/perfmon.c, dsa0 with those of
 * drivers/dma/idxd/perfmon.c), fake perf_event_open/read through
 * perfmon_ops, the counts written to a trace and read back, and replay's
 * model-vs-measured rows on a trace holding device accesses and counts.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "collect/gen/gen.h"
#include "collect/perfmon.h"
#include "model/params.h"
#include "replay/counters.h"
#include "replay/registry.h"
#include "replay/replay.h"
#include "trace/format.h"
#include "trace/trace.h"

static char root[256]; /* temp dir: ROOT/sys, ROOT/proc, traces */

static void put(const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", text);
	fclose(f);
}

static const char *rpath(const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", root, rel);
	return buf[k];
}

#define DEV "sys/bus/event_source/devices/"

/* The strings Linux writes (drivers/iommu/intel/perfmon.c, drivers/dma/idxd/perfmon.c). */
static void make_tree(void)
{
	put(DEV "dmar0/type", "42");
	put(DEV "dmar0/cpumask", "3");
	put(DEV "dmar0/format/event", "config:0-27");
	put(DEV "dmar0/format/event_group", "config:28-31");
	put(DEV "dmar0/format/filter_requester_id", "config1:16-31");
	put(DEV "dmar0/format/filter_pasid", "config2:0-21");
	put(DEV "dmar0/format/split", "config:32-35,40-43"); /* several ranges */
	put(DEV "dmar0/events/iotlb_lookup", "event_group=0x3,event=0x001");
	put(DEV "dmar0/events/iotlb_hit", "event_group=0x3,event=0x002");
	put(DEV "dmar0/events/ctxt_cache_hit", "event_group=0x2,event=0x002");
	put(DEV "dmar0/events/pg_req_posted", "event_group=0x1,event=0x040");
	put(DEV "dmar0/events/iotlb_hit.unit", "events"); /* a description, not an event */
	put(DEV "dsa0/type", "43");
	put(DEV "dsa0/cpumask", "0");
	put(DEV "dsa0/format/event_category", "config:0-3");
	put(DEV "dsa0/format/event", "config:4-31");
	put(DEV "dsa0/format/filter_wq", "config1:0-31");
	put(DEV "cpu/type", "4"); /* another PMU: not a monitor of ours */
	put(DEV "dmarx/type", "44");
	put("proc/sys/kernel/perf_event_paranoid", "2");
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/svt-perfmon-XXXXXX");
	assert_non_null(mkdtemp(root));
	make_tree();
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct perfmon *open_tree(void)
{
	struct perfmon *pm = perfmon__new(rpath("sys"), rpath("proc"));

	assert_non_null(pm);
	return pm;
}

static void test_discover(void **state)
{
	struct perfmon *pm = open_tree();

	assert_int_equal(perfmon__nr_pmus(pm), 2);
	assert_string_equal(perfmon__pmu_name(pm, 0), "dmar0");
	assert_string_equal(perfmon__pmu_name(pm, 1), "dsa0");
	assert_int_equal(perfmon__pmu_type(pm, 0), 42);
	assert_int_equal(perfmon__pmu_type(pm, 1), 43);
	assert_int_equal(perfmon__nr_events(pm, 0), 4); /* .unit is not one */
	assert_string_equal(perfmon__event_name(pm, 0, 0), "ctxt_cache_hit");
	assert_string_equal(perfmon__event_name(pm, 0, 2), "iotlb_lookup");
	/* idxd lists no events/: the DSA aliases, encoded by dsa0's own format/ */
	assert_int_equal(perfmon__nr_events(pm, 1), 6);
	assert_string_equal(perfmon__event_name(pm, 1, 0), "atc_alloc");
	assert_string_equal(perfmon__event_name(pm, 1, 1), "atc_hit");
	assert_string_equal(perfmon__event_name(pm, 1, 5), "xlat_pf");
	assert_string_equal(perfmon__why_event(pm, 1, 1), "not started"); /* encoded */
	assert_null(perfmon__why_absent(pm));
	assert_int_equal(perfmon__paranoid(pm), 2);
	perfmon__free(pm);
}

static void test_encode(void **state)
{
	struct perfmon *pm = open_tree();
	uint64_t c[PERFMON_NR_CONFIG];

	/* iotlb_lookup: event_group 3 at bits 28-31, event 1 at 0-27 */
	assert_int_equal(perfmon__encode(pm, 0, "event_group=0x3,event=0x001", c), 0);
	assert_int_equal(c[0], 0x30000001ull);
	assert_int_equal(c[1], 0);
	assert_int_equal(perfmon__encode(pm, 0, "event_group=0x1,event=0x040", c), 0);
	assert_int_equal(c[0], 0x10000040ull);
	assert_int_equal(
	    perfmon__encode(pm, 0, "event=0x2,filter_requester_id=0xabcd,filter_pasid=5", c), 0);
	assert_int_equal(c[0], 0x2);
	assert_int_equal(c[1], 0xabcd0000ull);
	assert_int_equal(c[2], 5);
	/* low value bits fill the low range first: 0xab -> b at 32-35, a at 40-43 */
	assert_int_equal(perfmon__encode(pm, 0, "split=0xab", c), 0);
	assert_int_equal(c[0], 0xa0b00000000ull);
	/* a term without a value is 1 */
	assert_int_equal(perfmon__encode(pm, 0, "event_group", c), 0);
	assert_int_equal(c[0], 0x10000000ull);
	/* DSA: event_category at 0-3, event at 4-31 */
	assert_int_equal(perfmon__encode(pm, 1, "event_category=0x1,event=0x2", c), 0);
	assert_int_equal(c[0], 0x21);
	assert_int_equal(perfmon__encode(pm, 1, "filter_wq=0x80000001", c), 0);
	assert_int_equal(c[1], 0x80000001ull);

	assert_int_equal(perfmon__encode(pm, 0, "event_group=0x10", c), -ERANGE);
	assert_int_equal(perfmon__encode(pm, 1, "event_category=16", c), -ERANGE);
	assert_int_equal(perfmon__encode(pm, 0, "event_category=1", c), -ENOENT);
	assert_int_equal(perfmon__encode(pm, 0, "event=", c), -EINVAL);
	assert_int_equal(perfmon__encode(pm, 0, "event=1,", c), -EINVAL);
	assert_int_equal(perfmon__encode(pm, 0, "event=1x", c), -EINVAL);
	assert_int_equal(perfmon__encode(pm, 5, "event=1", c), -EINVAL);
	perfmon__free(pm);
}

/* ------------------------------------------------- fake system calls */

struct fake {
	struct perf_event_attr attr[16]; /* what was opened */
	int cpu[16];			 /* on which CPU */
	unsigned int nr_open;		 /* opens that succeeded */
	unsigned int nr_close;		 /* closes */
	uint64_t refuse_config;		 /* open of this config fails with -EACCES */
	uint32_t refuse_type;		 /* opens of this PMU type fail with -EACCES (0: none) */
	int refuse_all;			 /* every open fails with this (0: none) */
};

static int fake_open(void *ctx, const struct perf_event_attr *a, int cpu)
{
	struct fake *f = ctx;

	if (f->refuse_all)
		return f->refuse_all;
	if (a->config == f->refuse_config || (f->refuse_type && a->type == f->refuse_type))
		return -EACCES;
	assert_true(f->nr_open < 16);
	f->attr[f->nr_open] = *a;
	f->cpu[f->nr_open] = cpu;
	return 100 + (int)f->nr_open++;
}

/*
 * Counts by event: iotlb_lookup 2000, iotlb_hit 1500 (half the window on a
 * counter: read as 750 and scaled back), pg_req_posted 7.
 */
static int fake_read(void *ctx, int fd, uint64_t v[3])
{
	struct fake *f = ctx;
	uint64_t cfg = f->attr[fd - 100].config;

	v[1] = 1000;
	v[2] = 1000;
	if (cfg == 0x30000001)
		v[0] = 2000;
	else if (cfg == 0x30000002) {
		v[0] = 750;
		v[2] = 500;
	} else if (cfg == 0x10000040)
		v[0] = 7;
	else
		v[0] = 1;
	return 0;
}

static void fake_close(void *ctx, int fd)
{
	((struct fake *)ctx)->nr_close++;
}

static const struct perfmon_ops fake_ops = {fake_open, fake_read, fake_close};

static void test_count(void **state)
{
	struct perfmon *pm = open_tree();
	struct fake f = {.refuse_config = 0x20000002}; /* ctxt_cache_hit */
	uint64_t n;
	const char *why;

	perfmon__set_ops(pm, &fake_ops, &f);
	assert_int_equal(perfmon__add_event(pm, 1, "wq_probe", "event_category=0x1,event=0x2"), 0);
	assert_int_equal(perfmon__add_event(pm, 1, "bad", "event_category=0x99"), -ERANGE);
	assert_int_equal(perfmon__start(pm, 1000), 10); /* 3 dmar0 + 6 aliases + 1 dsa0 */
	assert_int_equal(f.attr[0].type, 42);
	assert_int_equal(f.attr[0].config, 0x30000002ull); /* events sorted: iotlb_hit */
	assert_int_equal(f.attr[1].config, 0x30000001ull); /* iotlb_lookup */
	assert_int_equal(f.attr[2].config, 0x10000040ull);
	assert_int_equal(f.cpu[0], 3); /* the PMU's cpumask */
	assert_int_equal(f.attr[3].type, 43);
	assert_int_equal(f.attr[3].config, 0x402);  /* atc_alloc: category 2, event 0x40 */
	assert_int_equal(f.attr[4].config, 0x1002); /* atc_hit: category 2, event 0x100 */
	assert_int_equal(f.attr[6].config, 0x21);   /* write_32b: category 1, event 0x2 */
	assert_int_equal(f.attr[7].config, 0x12);   /* xlat_no_pf: category 2, event 0x1 */
	assert_int_equal(f.attr[9].config, 0x21);   /* wq_probe, added by name */
	assert_int_equal(f.cpu[3], 0);
	assert_int_equal(f.attr[0].read_format,
			 PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING);
	assert_int_equal(f.attr[0].sample_period, 0); /* the drivers refuse sampling */
	perfmon__stop(pm, 6000);
	assert_int_equal(f.nr_close, 10);
	assert_int_equal(perfmon__count(pm, 0, 2, &n), 0); /* iotlb_lookup */
	assert_int_equal(n, 2000);
	assert_int_equal(perfmon__count(pm, 0, 1, &n), 0); /* iotlb_hit, multiplexed */
	assert_int_equal(n, 1500);
	assert_int_equal(perfmon__count(pm, 0, 0, &n), -ENODATA); /* refused */
	why = perfmon__why_event(pm, 0, 0);
	assert_non_null(why);
	assert_non_null(strstr(why, "CAP_PERFMON"));
	assert_non_null(strstr(why, "perf_event_paranoid (2)"));
	why = perfmon__why_event(pm, 1, 7); /* "bad", after the 6 aliases and wq_probe */
	assert_non_null(strstr(why, "cannot encode"));
	assert_null(perfmon__why_event(pm, 0, 2));
	perfmon__free(pm);
}

static void test_no_permission_at_all(void **state)
{
	struct perfmon *pm = open_tree();
	struct fake f = {.refuse_all = -ENODEV};

	perfmon__set_ops(pm, &fake_ops, &f);
	assert_int_equal(perfmon__start(pm, 0), 0);
	perfmon__stop(pm, 10);
	assert_non_null(strstr(perfmon__why_event(pm, 0, 0), "no such event source"));
	perfmon__free(pm);
	/* a Debian-style paranoid level 3 is named as such */
	put("proc/sys/kernel/perf_event_paranoid", "3");
	pm = open_tree();
	f.refuse_all = -EACCES;
	perfmon__set_ops(pm, &fake_ops, &f);
	assert_int_equal(perfmon__start(pm, 0), 0);
	assert_non_null(strstr(perfmon__why_event(pm, 0, 0), "level 3"));
	perfmon__free(pm);
	put("proc/sys/kernel/perf_event_paranoid", "2");
}

static void test_absent(void **state)
{
	struct perfmon *pm;
	json_t *j;
	char dir[300];

	/* a sysfs with event sources but no monitor */
	snprintf(dir, sizeof(dir), "%s/empty", root);
	put("empty/bus/event_source/devices/cpu/type", "4");
	pm = perfmon__new(dir, rpath("nowhere"));
	assert_non_null(pm);
	assert_int_equal(perfmon__nr_pmus(pm), 0);
	assert_non_null(strstr(perfmon__why_absent(pm), "no dmar* or dsa* PMU"));
	assert_int_equal(perfmon__paranoid(pm), INT32_MIN);
	assert_int_equal(perfmon__start(pm, 0), 0);
	j = perfmon__json(pm);
	assert_true(json_is_string(json_object_get(j, "why_absent")));
	assert_true(json_is_null(json_object_get(j, "perf_event_paranoid")));
	assert_int_equal(json_array_size(json_object_get(j, "pmus")), 0);
	json_decref(j);
	perfmon__free(pm);
	/* no perf event sources at all */
	pm = perfmon__new(rpath("nowhere"), rpath("proc"));
	assert_non_null(pm);
	assert_non_null(strstr(perfmon__why_absent(pm), "no perf event sources"));
	perfmon__free(pm);
	/* doctor: the monitors and why not */
	j = json_object();
	{
		json_t *adv = json_array();

		perfmon_doctor(j, adv, dir, rpath("proc"));
		assert_int_equal(json_array_size(adv), 1);
		assert_non_null(strstr(json_string_value(json_array_get(adv, 0)), "no dmar*"));
		json_decref(adv);
	}
	assert_non_null(json_object_get(j, "perf_monitors"));
	json_decref(j);
}

/* ------------------------------------------------- traces and replay */

/* write_trace() starts with an iommu:map of the pages (the replay's owners pass runs) */
static bool trace_with_map;

/* A trace: @nr_acc 64-byte reads over @nr_pages pages, then the counts of @pm. */
static void write_trace(const char *path, unsigned int nr_acc, unsigned int nr_pages,
			struct perfmon *pm, const char *extra_event, const char *extra_text)
{
	struct trace_writer *w = trace_writer__open(path, TRACE_CLOCK_SYNTHETIC, 0, "{}");
	uint32_t dev;

	assert_non_null(w);
	dev = trace_writer__intern(w, "nic0");
	if (trace_with_map) {
		struct trace_rec_iommu_map m = {0};

		m.hdr.kind = TRACE_REC_IOMMU_MAP;
		m.hdr.size_bytes = sizeof(m);
		m.hdr.ts_ns = 500;
		m.iova = 0x100000;
		m.size_bytes = (uint64_t)nr_pages * 4096;
		m.device_id = dev;
		assert_int_equal(trace_writer__append(w, &m.hdr), 0);
	}
	for (unsigned int i = 0; i < nr_acc; i++) {
		struct trace_rec_dev_access a = {0};

		a.hdr.kind = TRACE_REC_DEV_ACCESS;
		a.hdr.size_bytes = sizeof(a);
		a.hdr.ts_ns = 1000 + 10ull * i;
		a.iova = 0x100000ull + (uint64_t)(i % nr_pages) * 4096;
		a.size_bytes = 64;
		a.device_id = dev;
		a.pasid = TRACE_NO_PASID;
		assert_int_equal(trace_writer__append(w, &a.hdr), 0);
	}
	if (pm)
		assert_int_equal(perfmon__write(pm, w), 3);
	if (extra_event) {
		struct trace_rec h = {.ts_ns = 1000 + 10ull * nr_acc};

		h.event_id = trace_writer__intern(w, extra_event);
		assert_int_equal(trace_writer__append_generic(w, &h, extra_text), 0);
	}
	assert_int_equal(trace_writer__close(w), 0);
}

/* The counted monitors of test_count, without the refused and the DSA events. */
static struct perfmon *counted(struct fake *f)
{
	struct perfmon *pm = open_tree();

	memset(f, 0, sizeof(*f));
	f->refuse_config = 0x20000002;
	f->refuse_type = 43; /* dsa0 */
	perfmon__set_ops(pm, &fake_ops, f);
	assert_int_equal(perfmon__start(pm, 1000), 3);
	perfmon__stop(pm, 9000);
	return pm;
}

static void test_records_read_back(void **state)
{
	struct fake f;
	struct perfmon *pm = counted(&f);
	struct counters_measured m;
	const struct trace_rec *rec;
	struct trace_reader *r;
	char err[256];
	int e = 0, nr = 0;

	write_trace(rpath("c.svt"), 10, 2, pm, NULL, NULL);
	perfmon__free(pm);
	assert_int_equal(counters_read(rpath("c.svt"), &m, err, sizeof(err)), 0);
	assert_int_equal(m.nr_records, 3);
	assert_true(m.have[COUNTERS_IOTLB_LOOKUP]);
	assert_int_equal(m.count[COUNTERS_IOTLB_LOOKUP], 2000);
	assert_int_equal(m.count[COUNTERS_IOTLB_HIT], 1500);
	assert_int_equal(m.count[COUNTERS_PG_REQ_POSTED], 7);
	assert_false(m.have[COUNTERS_CTXT_CACHE_HIT]);
	/* the record as stored: name, text, time and CPU */
	r = trace_reader__open(rpath("c.svt"), &e);
	assert_non_null(r);
	while (trace_reader__next(r, &rec) == 1) {
		if (rec->kind != TRACE_REC_GENERIC)
			continue;
		if (!strcmp(trace_reader__event_name(r, rec), "perfmon:dmar0/iotlb_hit")) {
			assert_string_equal(trace_reader__generic_text(rec),
					    "count=1500 window_ns=8000 enabled_ns=1000 "
					    "running_ns=500");
			assert_int_equal(rec->ts_ns, 9000);
			assert_int_equal(rec->cpu, 3);
		}
		nr++;
	}
	assert_int_equal(nr, 3);
	trace_reader__close(r);
}

/* ------------------------------------------------- sink capture */

#define MAX_METRICS 512

struct cap {
	char key[MAX_METRICS][64];
	double value[MAX_METRICS];
	size_t nr;
	int ended;
};

static int cap_metric(void *ctx, const char *key, double v, const char *unit)
{
	struct cap *c = ctx;

	if (c->nr < MAX_METRICS) {
		snprintf(c->key[c->nr], sizeof(c->key[0]), "%s", key);
		c->value[c->nr++] = v;
	}
	return 0;
}

static int cap_end(void *ctx, int status)
{
	((struct cap *)ctx)->ended++;
	return 0;
}

static const struct results_sink_ops cap_ops = {.metric = cap_metric, .end_run = cap_end};

static double get(const struct cap *c, const char *key)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->key[i], key))
			return c->value[i];
	return -1;
}

static int run_replay(const char *trace, struct cap *c, char *out, size_t out_bytes, char *err,
		      size_t err_bytes)
{
	struct params *p = params__new(svt_param_registry);
	struct results_sink sink = {&cap_ops, c};
	struct replay_opts o = {
	    .trace_path = trace, .seed = 1, .errmsg = err, .errmsg_bytes = err_bytes};
	FILE *f = tmpfile();
	char perr[256];
	size_t n;
	int rc;

	assert_non_null(p);
	assert_non_null(f);
	assert_int_equal(params__validate(p, perr, sizeof(perr)), 0);
	o.params = p;
	memset(c, 0, sizeof(*c));
	err[0] = 0;
	rc = counters_replay(&o, &sink, f);
	rewind(f);
	n = fread(out, 1, out_bytes - 1, f);
	out[n] = 0;
	fclose(f);
	params__free(p);
	return rc;
}

static void test_replay_compare(void **state)
{
	struct fake f;
	struct perfmon *pm = counted(&f);
	static struct cap c;
	char out[4096], err[512];
	double lookups, misses;

	/* 400 reads cycling over 8 pages: 400 lookups, 8 cold misses */
	write_trace(rpath("r.svt"), 400, 8, pm, NULL, NULL);
	perfmon__free(pm);
	assert_int_equal(run_replay(rpath("r.svt"), &c, out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(c.ended, 1);
	lookups = get(&c, "iotlb.lookups");
	misses = get(&c, "iotlb.misses") + get(&c, "iotlb.merged");
	assert_true(lookups == 400);
	assert_true(misses >= 8 && misses < 400);
	assert_true(get(&c, "counter.iotlb_lookups.measured") == 2000);
	assert_true(get(&c, "counter.iotlb_lookups.model") == lookups);
	assert_true(fabs(get(&c, "counter.iotlb_lookups.ratio") - lookups / 2000) < 1e-12);
	assert_true(get(&c, "counter.iotlb_hits.measured") == 1500);
	assert_true(get(&c, "counter.iotlb_hits.model") == get(&c, "iotlb.hits"));
	assert_true(get(&c, "counter.iotlb_misses.measured") == 500); /* lookups - hits */
	assert_true(get(&c, "counter.iotlb_misses.model") == misses);
	assert_true(fabs(get(&c, "counter.iotlb_misses.ratio") - misses / 500) < 1e-12);
	assert_true(get(&c, "counter.page_requests.measured") == 7);
	assert_true(get(&c, "counter.page_requests.model") == 0);
	assert_true(get(&c, "counter.page_requests.ratio") == 0);
	/* not measured: no row */
	assert_true(get(&c, "counter.ctxt_cache_hits.measured") == -1);
	assert_true(get(&c, "counter.pwc_hits.measured") == -1);
	assert_non_null(strstr(out, "model vs measured"));
	assert_non_null(strstr(out, "IOTLB lookups"));
	assert_non_null(strstr(out, "2000"));
	assert_null(strstr(out, "context-cache hits"));

	/* no counts: a plain replay, nothing printed, no counter.* metric */
	write_trace(rpath("plain.svt"), 400, 8, NULL, NULL, NULL);
	assert_int_equal(run_replay(rpath("plain.svt"), &c, out, sizeof(out), err, sizeof(err)), 0);
	assert_true(get(&c, "iotlb.lookups") == 400);
	assert_true(get(&c, "counter.iotlb_lookups.measured") == -1);
	assert_string_equal(out, "");

	/* a perfmon record without a count is refused, naming the record */
	write_trace(rpath("bad.svt"), 4, 2, NULL, "perfmon:dmar0/iotlb_hit", "count=12x");
	assert_int_equal(run_replay(rpath("bad.svt"), &c, out, sizeof(out), err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "record 4"));
	assert_non_null(strstr(err, "perfmon:dmar0/iotlb_hit"));
	assert_int_equal(c.ended, 0);
}

/*
 * The same with a map first: the replay reads the trace before replaying it
 * (its owners pass), and the counts come from that source's kept records,
 * not from a reader of their own (replay/counters.c read_source).
 */
static void test_replay_compare_owners_pass(void **state)
{
	struct fake f;
	struct perfmon *pm = counted(&f);
	static struct cap c;
	char out[4096], err[512];

	trace_with_map = true;
	write_trace(rpath("rm.svt"), 400, 8, pm, NULL, NULL);
	perfmon__free(pm);
	assert_int_equal(run_replay(rpath("rm.svt"), &c, out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(c.ended, 1);
	assert_true(get(&c, "map.pages") == 8); /* the map was replayed */
	assert_true(get(&c, "counter.iotlb_lookups.measured") == 2000);
	assert_true(get(&c, "counter.iotlb_hits.measured") == 1500);
	assert_true(get(&c, "counter.page_requests.measured") == 7);
	assert_true(get(&c, "counter.iotlb_lookups.model") == get(&c, "iotlb.lookups"));
	assert_non_null(strstr(out, "IOTLB lookups"));

	write_trace(rpath("badm.svt"), 4, 2, NULL, "perfmon:dmar0/iotlb_hit", "count=12x");
	assert_int_equal(run_replay(rpath("badm.svt"), &c, out, sizeof(out), err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "record 5")); /* after the map */
	assert_non_null(strstr(err, "perfmon:dmar0/iotlb_hit"));
	assert_int_equal(c.ended, 0);
	trace_with_map = false;
}

static void test_parse_record(void **state)
{
	struct counters_measured m = {0};

	assert_int_equal(counters_parse_record(&m, "pcm_iio:iotlb_lookup", "per_s=5"), 0);
	assert_int_equal(counters_parse_record(&m, "perfmon:dmar1/iotlb_lookup", "count=5"), 1);
	assert_int_equal(counters_parse_record(&m, "perfmon:dmar0/iotlb_lookup", "x=1 count=7 y=2"),
			 1);
	assert_int_equal(m.count[COUNTERS_IOTLB_LOOKUP], 12); /* summed over units */
	assert_int_equal(counters_parse_record(&m, "perfmon:dsa0/iotlb_lookup", "count=100"), 1);
	assert_int_equal(m.count[COUNTERS_IOTLB_LOOKUP], 12); /* DSA counts are not VT-d's */
	assert_int_equal(counters_parse_record(&m, "perfmon:dmar0/iotlb_hit", "xcount=1"), -EINVAL);
	assert_int_equal(counters_parse_record(&m, "perfmon:dmar0/iotlb_hit", "count=-1"), -EINVAL);
	assert_int_equal(counters_parse_record(&m, "perfmon:dmar0/iotlb_hit", NULL), -EINVAL);
	assert_false(m.have[COUNTERS_IOTLB_HIT]);
	assert_int_equal(m.nr_records, 6);
}

static bool no_metric(void *ctx, const char *key, double *v)
{
	(void)ctx;
	(void)key;
	(void)v;
	return false;
}

/*
 * pcm-iio records: rates summed over stacks, one interval per distinct time,
 * the value after the last " per_s=" (a stack name may hold anything).
 */
static void test_parse_pcm_record(void **state)
{
	struct counters_measured m = {0};
	struct counters_row rows[COUNTERS_NR_PCM_ROWS];

	(void)state;
	assert_int_equal(counters_parse_pcm_record(&m, "perfmon:dmar0/iotlb_hit", "count=1", 5), 0);
	assert_int_equal(counters_parse_pcm_record(&m, "pcm_iio:iotlb_lookup",
						   "socket=0 stack=S0 part=P0 per_s=500", 100),
			 1);
	assert_int_equal(counters_parse_pcm_record(&m, "pcm_iio:iotlb_lookup",
						   "socket=1 stack=x per_s=9 part=P0 per_s=300",
						   100),
			 1);
	assert_int_equal(counters_parse_pcm_record(&m, "pcm_iio:ib_write", "per_s=7", 100), 1);
	assert_int_equal(m.pcm_intervals, 1);
	assert_int_equal(counters_parse_pcm_record(&m, "pcm_iio:iotlb_lookup",
						   "socket=0 stack=S0 part=P0 per_s=400", 200),
			 1);
	assert_int_equal(m.pcm_intervals, 2);
	assert_true(m.pcm_per_s[COUNTERS_PCM_IOTLB_LOOKUP] == 1200);
	assert_true(m.pcm_have[COUNTERS_PCM_IOTLB_LOOKUP]);
	assert_false(m.pcm_have[COUNTERS_PCM_IOTLB_MISS]);
	assert_int_equal(counters_parse_pcm_record(&m, "pcm_iio:iotlb_miss", "per_s=1.2 K", 200),
			 -EINVAL);
	assert_int_equal(counters_parse_pcm_record(&m, "pcm_iio:iotlb_miss", "xper_s=1", 200),
			 -EINVAL);
	assert_int_equal(counters_parse_pcm_record(&m, "pcm_iio:iotlb_miss", NULL, 200), -EINVAL);
	assert_false(m.pcm_have[COUNTERS_PCM_IOTLB_MISS]);
	assert_int_equal(m.nr_pcm_records, 7);
	/* no replay (no metrics): measured rates only, the model has none */
	assert_int_equal(counters_compare_pcm(&m, no_metric, NULL, rows), 1);
	assert_true(rows[0].have && rows[0].measured == 600); /* 1200 over 2 samples */
	assert_true(isnan(rows[0].model) && isnan(rows[0].ratio));
	assert_false(rows[1].have);
}

static int gen_emit(void *ctx, const struct trace_rec *rec)
{
	return trace_writer__append(ctx, rec);
}

static uint32_t gen_intern(void *ctx, const char *str)
{
	return trace_writer__intern(ctx, str);
}

/*
 * DSA counts beside the work-queue model: a dsa-memcpy trace (memmove
 * descriptors) and a counters file with the DSA aliases' counts. Bytes
 * written in 32-byte units are the model's completed bytes / 32; faulting
 * translations are its partial completions (block_on_fault=0).
 */
static void test_replay_dsa(void **state)
{
	const struct gen_kind *k = gen_find("dsa-memcpy");
	struct gen_cfg *cfg;
	struct trace_writer *w;
	struct trace_rec h = {.ts_ns = 1000};
	static struct cap c;
	struct params *p = params__new(svt_param_registry);
	struct results_sink sink = {&cap_ops, &c};
	struct replay_opts o = {.trace_path = rpath("dsa.svt"), .seed = 1};
	FILE *f = tmpfile();
	char perr[256], out[8192];
	size_t n;
	double bytes;

	(void)state;
	assert_non_null(k);
	assert_non_null(p);
	assert_non_null(f);
	assert_non_null(cfg = gen_cfg__new(k));
	assert_int_equal(gen_cfg__resolve(cfg), 0);
	assert_non_null(w = trace_writer__open(rpath("dsa.svt"), TRACE_CLOCK_SYNTHETIC, 0, "{}"));
	assert_int_equal(k->run(cfg, 1, &(struct gen_out){gen_emit, gen_intern, w}), 0);
	assert_int_equal(trace_writer__close(w), 0);
	gen_cfg__free(cfg);
	assert_non_null(w = trace_writer__open(rpath("dsa-c.svt"), TRACE_CLOCK_SYNTHETIC, 0, "{}"));
	h.event_id = trace_writer__intern(w, "perfmon:dsa0/write_32b");
	assert_int_equal(trace_writer__append_generic(w, &h, "count=1000000 window_ns=1"), 0);
	h.event_id = trace_writer__intern(w, "perfmon:dsa0/xlat_pf");
	assert_int_equal(trace_writer__append_generic(w, &h, "count=4 window_ns=1"), 0);
	h.event_id = trace_writer__intern(w, "perfmon:dsa0/atc_hit"); /* not predicted */
	assert_int_equal(trace_writer__append_generic(w, &h, "count=9 window_ns=1"), 0);
	assert_int_equal(trace_writer__close(w), 0);

	assert_int_equal(params__validate(p, perr, sizeof(perr)), 0);
	o.params = p;
	memset(&c, 0, sizeof(c));
	assert_int_equal(counters_replay_with(&o, rpath("dsa-c.svt"), &sink, f), 0);
	bytes = get(&c, "wq.device.bytes_completed");
	assert_true(bytes > 0);
	assert_true(get(&c, "counter.dsa_write_32b.measured") == 1000000);
	assert_true(fabs(get(&c, "counter.dsa_write_32b.model") - bytes / 32) < 1e-9);
	assert_true(fabs(get(&c, "counter.dsa_write_32b.ratio") - bytes / 32 / 1e6) < 1e-12);
	assert_true(get(&c, "counter.dsa_xlat_pf.measured") == 4);
	assert_true(get(&c, "counter.dsa_xlat_pf.model") == get(&c, "submit.nr_partial"));
	/* the VT-d rows are not measured here */
	assert_true(get(&c, "counter.iotlb_lookups.measured") == -1);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	assert_non_null(strstr(out, "DSA data written, 32 B units"));
	fclose(f);
	params__free(p);
}

/* A replay's metrics for test_ctxt_rows: 400 lookups, 8 walks, 3 of them missing the context cache.
 */
static bool ctxt_metric(void *ctx, const char *key, double *v)
{
	static const struct {
		const char *key;
		double v;
	} m[] = {{"iotlb.lookups", 400}, {"cc.hits", 5}, {"cc.misses", 3}};

	(void)ctx;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(key, m[i].key)) {
			*v = m[i].v;
			return true;
		}
	return false;
}

/*
 * The context-cache rows count per request, as the hardware looks the
 * context cache up for every request (the domain id tags its IOTLB lookup):
 * lookups = iotlb.lookups, hits = lookups - cc.misses; the model's per-walk
 * cc.hits + cc.misses (8) and cc.hits (5) would be far below the 410 and 405.
 */
static void test_ctxt_rows(void **state)
{
	struct counters_measured m = {0};
	struct counters_row rows[COUNTERS_NR_ROWS];
	const struct counters_row *look = NULL, *hit = NULL;

	(void)state;
	assert_int_equal(counters_parse_record(&m, "perfmon:dmar0/ctxt_cache_lookup",
					       "count=410 window_ns=8000"),
			 1);
	assert_int_equal(
	    counters_parse_record(&m, "perfmon:dmar0/ctxt_cache_hit", "count=405 window_ns=8000"),
	    1);
	assert_int_equal(counters_compare(&m, ctxt_metric, NULL, rows), 2);
	for (int i = 0; i < COUNTERS_NR_ROWS; i++) {
		if (!strcmp(rows[i].key, "ctxt_cache_lookups"))
			look = &rows[i];
		if (!strcmp(rows[i].key, "ctxt_cache_hits"))
			hit = &rows[i];
	}
	assert_non_null(look);
	assert_non_null(hit);
	assert_true(look->have && look->measured == 410 && look->model == 400);
	assert_true(hit->have && hit->measured == 405 && hit->model == 397);
	assert_true(fabs(hit->ratio - 397.0 / 405) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_discover),
	    cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_no_permission_at_all),
	    cmocka_unit_test(test_absent),
	    cmocka_unit_test(test_records_read_back),
	    cmocka_unit_test(test_replay_compare),
	    cmocka_unit_test(test_replay_compare_owners_pass),
	    cmocka_unit_test(test_parse_record),
	    cmocka_unit_test(test_parse_pcm_record),
	    cmocka_unit_test(test_replay_dsa),
	    cmocka_unit_test(test_ctxt_rows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
