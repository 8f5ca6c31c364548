// SPDX-License-Identifier: GPL-2.0
/*
 * test_replay.c - the replay pipeline fed from the in-memory record source
 * (no files): the reorder window sits before the scenario chain, late
 * records are counted, a source error still replays the good prefix, and
 * every error (bad scenario, invalid model configuration, each allocation
 * failure) reaches the caller once, through its buffer, with nothing logged.
 * The file source's kept first pass (replay_source_file__keep) serves the
 * same records again after a rewind without the file, and keeps nothing
 * over its budget or from a pass that failed.
 */
#include <errno.h>
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

#include "common/log.h"
#include "lib/alloc.h"
#include "model/params.h"
#include "model/xlate/config.h"
#include "replay/registry.h"
#include "replay/reorder.h"
#include "replay/replay.h"
#include "replay/scenario.h"
#include "replay/source.h"
#include "trace/trace.h"

/* ------------------------------------------------------- capture sink */

#define MAX_METRICS 1024

struct cap {
	char key[MAX_METRICS][64]; /* metric keys */
	double value[MAX_METRICS]; /* their values */
	size_t nr;		   /* metrics */
	int status;		   /* end_run status */
	int ended;		   /* end_run called */
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
	struct cap *c = ctx;

	c->status = status;
	c->ended++;
	return 0;
}

static const struct results_sink_ops cap_ops = {.metric = cap_metric, .end_run = cap_end};

/* A metric's value; -1 if absent (every metric here is >= 0). */
static double get(const struct cap *c, const char *key)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->key[i], key))
			return c->value[i];
	return -1;
}

static int nr_logged;

static void count_log(enum svt_log_level level, const char *fmt, va_list ap)
{
	if (level <= SVT_LOG_WARN)
		nr_logged++;
}

/* ------------------------------------------------------- records */

union rec {
	struct trace_rec hdr;
	struct trace_rec_dev_access a;
	struct trace_rec_iommu_map m;
	struct trace_rec_iommu_unmap u;
};

static const char *const strings[] = {"nic0", "nic1"}; /* ids 1, 2 */

static void hdr(union rec *r, unsigned int kind, size_t size, uint64_t ts_ns, unsigned int cpu)
{
	memset(r, 0, sizeof(*r));
	r->hdr.kind = (uint16_t)kind;
	r->hdr.size_bytes = (uint16_t)size;
	r->hdr.ts_ns = ts_ns;
	r->hdr.cpu = (uint16_t)cpu;
}

static void access_rec(union rec *r, uint64_t ts_ns, uint64_t iova, uint32_t dev_id)
{
	hdr(r, TRACE_REC_DEV_ACCESS, sizeof(r->a), ts_ns, 0);
	r->a.iova = iova;
	r->a.size_bytes = 64;
	r->a.device_id = dev_id;
	r->a.pasid = TRACE_NO_PASID;
}

static void map_rec(union rec *r, uint64_t ts_ns, uint64_t iova, uint64_t bytes, uint32_t dev_id)
{
	hdr(r, TRACE_REC_IOMMU_MAP, sizeof(r->m), ts_ns, 0);
	r->m.iova = iova;
	r->m.size_bytes = bytes;
	r->m.device_id = dev_id;
}

static void unmap_rec(union rec *r, uint64_t ts_ns, unsigned int cpu, uint64_t iova)
{
	hdr(r, TRACE_REC_IOMMU_UNMAP, sizeof(r->u), ts_ns, cpu);
	r->u.iova = iova;
	r->u.size_bytes = 4096;
	r->u.unmapped_bytes = 4096;
}

/* ------------------------------------------------------- running */

struct run {
	struct params *p; /* parameters */
	struct cap cap;	  /* what the sink got */
	char err[512];	  /* the run's error */
	int rc;		  /* replay_run_source() */
	bool alloc_fired; /* the injected allocation failure happened */
};

static struct params *params_with(const char *const *sets)
{
	struct params *p = params__new(svt_param_registry);
	char err[256];

	assert_non_null(p);
	for (; sets && *sets; sets += 2)
		assert_int_equal(params__set(p, sets[0], sets[1], "test", err, sizeof(err)), 0);
	assert_int_equal(params__validate(p, err, sizeof(err)), 0);
	return p;
}

/* Replay @recs (in this order) with @scenario and "key", "value" pairs @sets. */
static void replay(struct run *r, union rec *recs, size_t nr, const char *scenario,
		   const char *const *sets, size_t fail_at, int fail_err, uint64_t alloc_fail)
{
	const struct trace_rec *ptr[64];
	struct replay_source *src;
	struct results_sink sink = {&cap_ops, &r->cap};
	struct replay_opts o = {
	    .scenario = scenario, .seed = 1, .errmsg = r->err, .errmsg_bytes = sizeof(r->err)};

	assert_true(nr <= 64);
	for (size_t i = 0; i < nr; i++)
		ptr[i] = &recs[i].hdr;
	memset(&r->cap, 0, sizeof(r->cap));
	if (!r->p)
		r->p = params_with(sets);
	o.params = r->p;
	src = replay_source_mem__new(ptr, nr, strings, 2);
	assert_non_null(src);
	if (fail_at)
		replay_source_mem__fail_at(src, fail_at, fail_err);
	nr_logged = 0;
	svt_log_set_fn(count_log);
	svt_alloc_fail_at(alloc_fail); /* only the replay's own allocations */
	r->rc = replay_run_source(&o, src, &sink);
	r->alloc_fired = svt_alloc_fired();
	svt_alloc_fail_at(0);
	svt_log_set_fn(NULL);
	replay_source__close(src);
}

static void run_free(struct run *r)
{
	params__free(r->p);
	r->p = NULL;
}

/* ------------------------------------------------------- tests */

/*
 * The lazy flush queue holds unmaps by time: two unmaps on one CPU fill a
 * queue of 2 (one flush), unless a record 20 us later arrives between them
 * and times the queue out first. In file order (unmap 0, access 20 us,
 * unmap 5 us) the transform saw that; behind the window it sees time order.
 */
static void test_window_before_chain(void **state)
{
	static const char *const sets[] = {"replay.expand", "off", NULL};
	struct run r = {0};
	union rec recs[3];

	unmap_rec(&recs[0], 0, 0, 0x1000);
	access_rec(&recs[1], 20000, 0x5000, 1);
	unmap_rec(&recs[2], 5000, 0, 0x2000);
	replay(&r, recs, 3, "inval=lazy:fq_size=2:timeout=10us", sets, 0, 0, 0);
	assert_int_equal(r.rc, 0);
	/* the full ring's flush, then the domain's timer's (Linux fq_flush_timeout flushes
	 * unconditionally); inval=lazy queues per domain since issue 12 */
	assert_int_equal(get(&r.cap, "trace.qi.iotlb_inv"), 2);
	assert_int_equal(get(&r.cap, "replay.late_records"), 0);
	assert_int_equal(get(&r.cap, "replay.records"), 5); /* 3 + the flushes */
	run_free(&r);
}

static int drop_rec(void *ctx, const struct trace_rec *rec)
{
	(void)ctx;
	(void)rec;
	return 0;
}

/*
 * A chain built by the caller (sweep_resolve_chain() builds one to read the
 * overrides) is the one the replay runs: bound to the replay's output and
 * reset, not a second one built from the spec. The spec given beside it is
 * one no chain can be built from, and a record pushed into the chain before
 * the replay is forgotten by the reset; the result is the lazy-queue test's.
 */
static void test_prebuilt_chain_used_once(void **state)
{
	static const char *const sets[] = {"replay.expand", "off", NULL};
	const struct scenario_out none = {.emit = drop_rec};
	struct run r = {0};
	struct scenario_chain *c;
	struct replay_source *src;
	struct results_sink sink = {&cap_ops, &r.cap};
	const struct trace_rec *ptr[3];
	union rec recs[3];
	char err[256];
	struct replay_opts o = {
	    .scenario = "bogus", .seed = 1, .errmsg = r.err, .errmsg_bytes = sizeof(r.err)};

	(void)state;
	unmap_rec(&recs[0], 0, 0, 0x1000);
	access_rec(&recs[1], 20000, 0x5000, 1);
	unmap_rec(&recs[2], 5000, 0, 0x2000);
	c = scenario_chain__new("inval=lazy:fq_size=2:timeout=10us", 0, &none, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(scenario_chain__push(c, &recs[0].hdr), 0); /* held in its queue */
	r.p = params_with(sets);
	o.params = r.p;
	o.chain = c;
	for (size_t i = 0; i < 3; i++)
		ptr[i] = &recs[i].hdr;
	src = replay_source_mem__new(ptr, 3, strings, 2);
	assert_non_null(src);
	r.rc = replay_run_source(&o, src, &sink);
	replay_source__close(src);
	assert_int_equal(r.rc, 0);
	/* as test_window_before_chain: the full ring's flush, then the domain's
	 * timer's; the record pushed before the run was reset away */
	assert_int_equal(get(&r.cap, "trace.qi.iotlb_inv"), 2);
	assert_int_equal(get(&r.cap, "replay.records"), 5); /* 2 unmaps, 2 flushes, 1 access */
	/* the caller's still: usable (and freed) after the replay */
	assert_string_equal(scenario_chain__spec(c), "inval=lazy:fq_size=2:timeout=10us");
	scenario_chain__free(c);
	run_free(&r);
}

/* Out of order by more than the window: replayed at the release time, counted late. */
static void test_late_records(void **state)
{
	static const char *const narrow[] = {"replay.reorder_window_ns", "1000", NULL};
	static const char *const wide[] = {"replay.reorder_window_ns", "1ms", NULL};
	struct run r = {0};
	union rec recs[3];

	access_rec(&recs[0], 100000, 0x1000, 1);
	access_rec(&recs[1], 200000, 0x2000, 1);
	access_rec(&recs[2], 50000, 0x3000, 1);
	replay(&r, recs, 3, NULL, narrow, 0, 0, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(get(&r.cap, "replay.late_records"), 1);
	assert_int_equal(get(&r.cap, "replay.span_ns"), 100000); /* 100 us .. 200 us */
	run_free(&r);
	replay(&r, recs, 3, NULL, wide, 0, 0, 0);
	assert_int_equal(get(&r.cap, "replay.late_records"), 0);
	assert_int_equal(get(&r.cap, "replay.span_ns"), 150000); /* 50 us .. 200 us */
	assert_int_equal(get(&r.cap, "replay.max_reorder_held"), 3);
	run_free(&r);
}

/*
 * A source that vouches for time order is passed through: the same records
 * (the source's own, not copies) in the same order, nothing held; a record
 * that breaks the promise still leaves at the last release time, counted late.
 */
static void test_in_order_pass_through(void **state)
{
	const struct trace_rec *ptr[4], *out;
	struct replay_source *src;
	struct reorder *w;
	union rec recs[4];
	uint64_t want_ts[] = {1000, 2000, 2000, 3000};

	(void)state;
	access_rec(&recs[0], 1000, 0x1000, 1);
	access_rec(&recs[1], 2000, 0x2000, 1);
	access_rec(&recs[2], 1500, 0x3000, 1); /* breaks the promise */
	access_rec(&recs[3], 3000, 0x4000, 1);
	for (int i = 0; i < 4; i++)
		ptr[i] = &recs[i].hdr;
	src = replay_source_mem__new(ptr, 4, strings, 2);
	w = reorder__new(1000000, 16);
	assert_non_null(src);
	assert_non_null(w);
	assert_false(replay_source__time_ordered(src)); /* memory: unknown */
	assert_int_equal(replay_source__cpus_seen(src), -1);
	reorder__set_in_order(w, true);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(reorder__next(w, src, &out), 1);
		if (i != 2)
			assert_ptr_equal(out, ptr[i]);
		assert_int_equal(out->ts_ns, want_ts[i]);
		assert_int_equal(((const struct trace_rec_dev_access *)out)->iova,
				 0x1000 * (i + 1));
	}
	assert_int_equal(reorder__next(w, src, &out), 0);
	assert_int_equal(recs[2].hdr.ts_ns, 1500); /* the source's record is not changed */
	assert_int_equal(reorder__nr_late(w), 1);
	assert_int_equal(reorder__max_held(w), 0);
	/* kept across a reset: the same sequence again */
	reorder__reset(w);
	assert_int_equal(replay_source__rewind(src), 0);
	assert_int_equal(reorder__next(w, src, &out), 1);
	assert_ptr_equal(out, ptr[0]);
	reorder__free(w);
	replay_source__close(src);
}

/* A corrupt input: the records before the error are replayed and reported, status < 0. */
static void test_source_error_good_prefix(void **state)
{
	struct run r = {0};
	union rec recs[4];

	for (int i = 0; i < 4; i++)
		access_rec(&recs[i], 1000 * (i + 1), 0x1000 * (i + 1), 1);
	replay(&r, recs, 4, NULL, NULL, 2, -EBADMSG, 0);
	assert_int_equal(r.rc, -EBADMSG);
	assert_int_equal(r.cap.ended, 1);
	assert_int_equal(r.cap.status, -EBADMSG);
	assert_int_equal(get(&r.cap, "replay.records"), 2);
	assert_non_null(strstr(r.err, "injected error at record 2"));
	assert_non_null(strstr(r.err, "good prefix"));
	assert_int_equal(nr_logged, 0);
	run_free(&r);
}

/* A bad spec is one message: in the caller's buffer, or (no buffer) one log line. */
static void test_bad_scenario_one_message(void **state)
{
	struct run r = {0};
	union rec recs[1];
	const struct trace_rec *ptr[1] = {&recs[0].hdr};
	struct results_sink sink = {&cap_ops, &r.cap};
	struct replay_source *src;
	struct replay_opts o = {.scenario = "bogus"};

	access_rec(&recs[0], 1000, 0x1000, 1);
	replay(&r, recs, 1, "bogus", NULL, 0, 0, 0);
	assert_int_equal(r.rc, -EINVAL);
	assert_non_null(strstr(r.err, "no transform 'bogus'"));
	assert_int_equal(nr_logged, 0);
	assert_int_equal(r.cap.ended, 0); /* nothing began */

	o.params = r.p;
	src = replay_source_mem__new(ptr, 1, strings, 2);
	assert_non_null(src);
	nr_logged = 0;
	svt_log_set_fn(count_log);
	assert_int_equal(replay_run_source(&o, src, &sink), -EINVAL);
	svt_log_set_fn(NULL);
	assert_int_equal(nr_logged, 1);
	replay_source__close(src);
	run_free(&r);
}

/* model__new() refusing the configuration: the message says what, not "out of memory". */
static void test_invalid_model_config(void **state)
{
	struct run r = {0};
	union rec recs[1];
	struct model_cfg *mc;

	r.p = params_with(NULL);
	mc = params__cfg_mut(r.p, &model_param_table);
	mc->iotlb_ways = 0; /* past validation, as a library caller could */
	access_rec(&recs[0], 1000, 0x1000, 1);
	replay(&r, recs, 1, NULL, NULL, 0, 0, 0);
	assert_int_equal(r.rc, -EINVAL);
	assert_non_null(strstr(r.err, "invalid model configuration"));
	assert_non_null(strstr(r.err, "iotlb"));
	assert_null(strstr(r.err, "out of memory"));
	run_free(&r);
}

/*
 * Every allocation of the pipeline (source, window, chain, device table,
 * scenario strings, expansion heap) made to fail in turn: each run ends
 * with -ENOMEM and says so; none crashes, drops the error or logs it.
 */
static void test_every_allocation_failure_reported(void **state)
{
	static const char *const sets[] = {"replay.expand", "page", NULL};
	union rec recs[6];
	uint64_t n;

	map_rec(&recs[0], 1000, 0x10000, 3 * 4096, 1);
	access_rec(&recs[1], 2000, 0x20000, 1);
	access_rec(&recs[2], 3000, 0x30000, 2);
	map_rec(&recs[3], 4000, 0x40000, 4096, 2);
	access_rec(&recs[4], 5000, 0x20000, 1);
	unmap_rec(&recs[5], 9000, 0, 0x10000);
	for (n = 1; n < 1000; n++) {
		struct run r = {0};

		r.p = params_with(sets);
		replay(&r, recs, 6, "tenants=3", NULL, 0, 0, n);
		if (!r.alloc_fired) {
			assert_int_equal(r.rc, 0);
			assert_int_equal(get(&r.cap, "replay.expanded_accesses"), 3 * (3 + 1));
			run_free(&r);
			break;
		}
		if (r.rc != -ENOMEM || !strstr(r.err, "memory") || nr_logged)
			fail_msg("allocation %llu: rc %d, message '%s', %d logged",
				 (unsigned long long)n, r.rc, r.err, nr_logged);
		run_free(&r);
	}
	assert_true(n > 8); /* the pipeline's allocations were all reached */
}

/* ------------------------------------------------------- kept file pass */

#define KEEP_NR 50000 /* records of the test file (3 chunks) */

/* A v2 trace of KEEP_NR map records naming two devices; its path in @path. */
static void keep_file(char *path, size_t bytes)
{
	struct trace_writer *w;
	struct trace_rec_iommu_map m;
	int fd;

	snprintf(path, bytes, "/tmp/svt-test-keep.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	w = trace_writer__open_fmt(path, TRACE_CLOCK_MONOTONIC, 0, "{}",
				   TRACE_VERSION_MAJOR_PACKED);
	assert_non_null(w);
	for (uint64_t i = 0; i < KEEP_NR; i++) {
		memset(&m, 0, sizeof(m));
		m.hdr.kind = TRACE_REC_IOMMU_MAP;
		m.hdr.size_bytes = sizeof(m);
		m.hdr.ts_ns = 1000 * i;
		m.hdr.cpu = (uint16_t)(i % 3);
		m.iova = 0x100000 + (i << 12);
		m.size_bytes = 4096 * (1 + i % 4);
		m.paddr = (i * 0x9e3779b97f4a7c15ull) & ~0xfffull; /* little to compress */
		m.device_id = trace_writer__intern(w, i % 2 ? "0000:00:01.0" : "0000:00:02.0");
		assert_int_equal(trace_writer__append(w, &m.hdr), 0);
	}
	assert_int_equal(trace_writer__close(w), 0);
}

/*
 * One pass of @s: every record checked against what the file holds
 * (ts_ns = 1000 * index, device names alternate). Return: records read
 * before the end (@rc_out: 0) or an error (@rc_out < 0).
 */
static uint64_t keep_pass(struct replay_source *s, bool batch, int *rc_out)
{
	const struct trace_rec *recs[REPLAY_SOURCE_BATCH_MAX];
	uint64_t n = 0;
	int rc;

	do {
		rc = batch ? replay_source__next_batch(s, recs, REPLAY_SOURCE_BATCH_MAX)
			   : replay_source__next(s, &recs[0]);
		for (int i = 0; i < rc; i++, n++) {
			const struct trace_rec_iommu_map *m = (const void *)recs[i];

			assert_int_equal(m->hdr.ts_ns, 1000 * n);
			assert_int_equal(m->iova, 0x100000 + (n << 12));
			assert_string_equal(replay_source__string(s, m->device_id),
					    n % 2 ? "0000:00:01.0" : "0000:00:02.0");
		}
		if (rc > 0)
			assert_int_equal(replay_source__nr_records(s), n);
	} while (rc > 0);
	*rc_out = rc;
	return n;
}

static void test_file_keep(void **state)
{
	char path[64], err[256];
	struct replay_source *kept, *small, *plain;
	struct stat st;
	uint64_t n;
	int rc;

	keep_file(path, sizeof(path));
	kept = replay_source_file__open(path, err, sizeof(err));
	small = replay_source_file__open(path, err, sizeof(err));
	plain = replay_source_file__open(path, err, sizeof(err));
	assert_true(kept && small && plain);
	replay_source_file__keep(kept, 64u << 20);
	replay_source_file__keep(small, 4096); /* far less than the records */
	assert_int_equal(keep_pass(kept, false, &rc), KEEP_NR);
	assert_int_equal(rc, 0);
	assert_int_equal(keep_pass(small, true, &rc), KEEP_NR);
	assert_int_equal(keep_pass(plain, false, &rc), KEEP_NR);

	/* the file loses its records: only the source that kept them still has them */
	assert_int_equal(truncate(path, 200), 0);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(replay_source__rewind(kept), 0);
		assert_int_equal(keep_pass(kept, pass, &rc), KEEP_NR);
		assert_int_equal(rc, 0);
	}
	assert_int_equal(replay_source__rewind(small), 0);
	assert_true(keep_pass(small, false, &rc) < KEEP_NR && rc < 0);
	assert_int_equal(replay_source__rewind(plain), 0);
	assert_true(keep_pass(plain, false, &rc) < KEEP_NR && rc < 0);
	replay_source__close(kept);
	replay_source__close(small);
	replay_source__close(plain);

	unlink(path);

	/* a pass that fails keeps nothing: the next one meets the error again */
	keep_file(path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size * 3 / 4), 0);
	kept = replay_source_file__open(path, err, sizeof(err));
	assert_non_null(kept);
	replay_source_file__keep(kept, 64u << 20);
	n = keep_pass(kept, true, &rc);
	assert_true(rc < 0 && n > 0 && n < KEEP_NR);
	assert_int_equal(replay_source__rewind(kept), 0);
	assert_int_equal(keep_pass(kept, false, &rc), n);
	assert_true(rc < 0);
	replay_source__close(kept);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_before_chain),
	    cmocka_unit_test(test_prebuilt_chain_used_once),
	    cmocka_unit_test(test_late_records),
	    cmocka_unit_test(test_in_order_pass_through),
	    cmocka_unit_test(test_source_error_good_prefix),
	    cmocka_unit_test(test_bad_scenario_one_message),
	    cmocka_unit_test(test_invalid_model_config),
	    cmocka_unit_test(test_every_allocation_failure_reported),
	    cmocka_unit_test(test_file_keep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
