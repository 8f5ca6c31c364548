// SPDX-License-Identifier: GPL-2.0
/*
 * test_gen.c - synthetic generators through an in-memory sink: requested
 * rates, sizes and footprints hold within 1% on long runs, records come out
 * in time order, the same seed gives the same records, and bad keys are
 * rejected with a message naming the key.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "collect/gen/gen.h"
#include "common/log.h"
#include "trace/trace.h"

#define MAX_PAGES (1u << 20)

/* Everything the tests look at, accumulated as records stream by. */
struct stats {
	uint64_t nr[TRACE_REC_KIND_MAX_]; /* records per kind */
	uint64_t hash;			  /* FNV-1a of every record's bytes */
	uint64_t last_ts, first_ts;
	int unordered;			   /* a record went back in time */
	uint64_t submit_bytes, nr_memmove; /* dsa */
	uint64_t nr_per_pasid[16];
	uint64_t nr_complete_ids;
	int64_t outstanding; /* submits - completes */
	uint8_t portal_seen[4];
	uint16_t wq_of_pasid[16];
	uint64_t min_addr, max_addr; /* DEV_ACCESS / src range */
	uint8_t *page_seen;	     /* distinct 4 KiB pages touched */
	uint64_t nr_distinct;
	uint64_t nr_qi[16];
	uint64_t map_bytes, unmap_bytes;
	uint64_t iovas[4096];
	size_t nr_iovas;		     /* distinct IOMMU_MAP iovas (small sets) */
	uint64_t page_hits[MAX_PAGES / 256]; /* per page hit counts for the first pages */
	char strings[16][64];
	uint32_t nr_strings;
};

static void touch(struct stats *s, uint64_t addr, uint64_t base)
{
	uint64_t pg = (addr - base) / 4096;

	if (addr < s->min_addr)
		s->min_addr = addr;
	if (addr > s->max_addr)
		s->max_addr = addr;
	if (pg < MAX_PAGES && !s->page_seen[pg]) {
		s->page_seen[pg] = 1;
		s->nr_distinct++;
	}
	if (pg < MAX_PAGES / 256)
		s->page_hits[pg]++;
}

static uint64_t g_base; /* address the footprint checks subtract */

static int stat_emit(void *ctx, const struct trace_rec *r)
{
	struct stats *s = ctx;
	const uint8_t *b = (const void *)r;

	for (size_t i = 0; i < r->size_bytes; i++)
		s->hash = (s->hash ^ b[i]) * 0x100000001b3ull;
	if (r->size_bytes % 8 || r->kind >= TRACE_REC_KIND_MAX_)
		return -EINVAL;
	if (s->nr[0]++ == 0)
		s->first_ts = r->ts_ns;
	s->unordered |= r->ts_ns < s->last_ts;
	s->last_ts = r->ts_ns;
	s->nr[r->kind]++;
	switch (r->kind) {
	case TRACE_REC_WQ_SUBMIT: {
		const struct trace_rec_wq_submit *w = (const void *)r;

		s->portal_seen[w->portal & 3] = 1;
		if (w->opcode == 0x03) {
			s->nr_memmove++;
			s->submit_bytes += w->xfer_bytes;
		}
		if (w->opcode == 0x03 && w->pasid == 1) {
			touch(s, w->src, g_base);
			touch(s, w->src + w->xfer_bytes - 1, g_base);
		}
		s->outstanding++;
		if (w->pasid < 16) {
			s->nr_per_pasid[w->pasid]++;
			s->wq_of_pasid[w->pasid] = w->wq;
		}
		break;
	}
	case TRACE_REC_WQ_COMPLETE:
		s->outstanding--;
		break;
	case TRACE_REC_DEV_ACCESS: {
		const struct trace_rec_dev_access *a = (const void *)r;

		touch(s, a->iova, g_base);
		break;
	}
	case TRACE_REC_QI_SUBMIT: {
		const struct trace_rec_qi_submit *q = (const void *)r;

		s->nr_qi[q->type & 15]++;
		if ((q->qw[0] & 0xf) != q->type)
			return -EINVAL;
		break;
	}
	case TRACE_REC_IOMMU_MAP: {
		const struct trace_rec_iommu_map *m = (const void *)r;
		size_t i;

		s->map_bytes += m->size_bytes;
		for (i = 0; i < s->nr_iovas && s->iovas[i] != m->iova; i++)
			;
		if (i == s->nr_iovas && i < 4096)
			s->iovas[s->nr_iovas++] = m->iova;
		break;
	}
	case TRACE_REC_IOMMU_UNMAP:
		s->unmap_bytes += ((const struct trace_rec_iommu_unmap *)r)->unmapped_bytes;
		break;
	}
	return 0;
}

static uint32_t stat_intern(void *ctx, const char *str)
{
	struct stats *s = ctx;

	for (uint32_t i = 0; i < s->nr_strings; i++)
		if (!strcmp(s->strings[i], str))
			return i + 1;
	snprintf(s->strings[s->nr_strings], 64, "%s", str);
	return ++s->nr_strings;
}

static struct stats *run_gen(const char *kind, uint64_t seed, const char *const *sets)
{
	const struct gen_kind *k = gen_find(kind);
	struct gen_cfg *cfg;
	struct stats *s = calloc(1, sizeof(*s));

	assert_non_null(k);
	assert_non_null(s);
	s->page_seen = calloc(MAX_PAGES, 1);
	s->hash = 0xcbf29ce484222325ull;
	s->min_addr = UINT64_MAX;
	cfg = gen_cfg__new(k);
	assert_non_null(cfg);
	for (; sets && *sets; sets++)
		assert_int_equal(gen_cfg__set(cfg, *sets), 0);
	assert_int_equal(gen_cfg__resolve(cfg), 0);
	assert_int_equal(k->run(cfg, seed, &(struct gen_out){stat_emit, stat_intern, s}), 0);
	gen_cfg__free(cfg);
	assert_false(s->unordered);
	return s;
}

static void free_stats(struct stats *s)
{
	free(s->page_seen);
	free(s);
}

static int within(double got, double want, double rel)
{
	if (fabs(got - want) <= rel * fabs(want))
		return 1;
	fprintf(stderr, "got %g, want %g +- %g%%\n", got, want, rel * 100);
	return 0;
}

/* Open loop, Poisson: 2 clients x 100k/s x 1 s; uniform sizes 64..8k mean 4128 */
static void test_dsa_open_rate_size(void **state)
{
	const char *sets[] = {"duration=1s",	   "clients=2",	  "rate=100k",
			      "size_dist=uniform", "size_min=64", "size_max=8256",
			      "locality=uniform",  "wset=4m",	  NULL};
	struct stats *s;

	g_base = 0x7f0000000000ull;
	s = run_gen("dsa-memcpy", 5, sets);
	assert_true(within((double)s->nr_memmove, 200000, 0.01));
	assert_true(
	    within((double)s->submit_bytes / (double)s->nr_memmove, (64 + 8256) / 2.0, 0.01));
	assert_int_equal(s->outstanding, 0); /* every submit completes */
	assert_int_equal(s->nr_per_pasid[1] + s->nr_per_pasid[2], s->nr_memmove);
	assert_true(within((double)s->nr_per_pasid[1], 100000, 0.01));
	/* dwq: MOVDIR64B, client c on WQ c */
	assert_true(s->portal_seen[TRACE_PORTAL_MOVDIR64B]);
	assert_false(s->portal_seen[TRACE_PORTAL_ENQCMD]);
	assert_int_equal(s->wq_of_pasid[1], 0);
	assert_int_equal(s->wq_of_pasid[2], 1);
	/* client 0's source pages all inside its 4 MiB working set, all touched */
	assert_int_equal(s->nr_distinct, 4 * 1048576 / 4096);
	assert_true(s->max_addr < g_base + 4 * 1048576);
	free_stats(s);
}

/* Closed loop: each client has one job at a time: rate = 1 / (svc_base + size/bw + think) */
static void test_dsa_closed_loop(void **state)
{
	const char *sets[] = {"duration=100ms", "clients=3",	"loop=closed",
			      "size=4k",	"svc_base=1us", "bw=4096M",
			      "think=2us",	"wq_mode=swq",	NULL};
	struct stats *s = run_gen("dsa-memcpy", 1, sets);
	/* 1 us + 4096 B / 4.096 GB/s = 1 us, + 2 us think = 4 us per job */
	double want = 3 * 100e6 / 4000.0;

	assert_true(within((double)s->nr_memmove, want, 0.01));
	assert_true(s->portal_seen[TRACE_PORTAL_ENQCMD]);
	assert_int_equal(s->wq_of_pasid[3], 0);
	assert_int_equal(s->outstanding, 0);
	free_stats(s);
}

/* Batches: one batch descriptor plus members, members carry the sizes */
static void test_dsa_batch(void **state)
{
	const char *sets[] = {"duration=10ms", "clients=1",	   "rate=10k",
			      "batch=8",       "arrival=constant", NULL};
	struct stats *s = run_gen("dsa-memcpy", 1, sets);

	assert_int_equal(s->nr_memmove, 100 * 8);
	assert_int_equal(s->nr[TRACE_REC_WQ_SUBMIT], 100 * 9);
	assert_int_equal(s->nr[TRACE_REC_WQ_COMPLETE], 100 * 9);
	free_stats(s);
}

static void test_same_seed_same_records(void **state)
{
	const char *sets[] = {"duration=20ms", "locality=zipf", "size_dist=pow2", NULL};
	struct stats *a = run_gen("dsa-memcpy", 9, sets);
	struct stats *b = run_gen("dsa-memcpy", 9, sets);
	struct stats *c = run_gen("dsa-memcpy", 10, sets);

	assert_int_equal(a->hash, b->hash);
	assert_int_equal(a->nr[0], b->nr[0]);
	assert_int_not_equal(a->hash, c->hash);
	free_stats(a);
	free_stats(b);
	free_stats(c);
}

/* NIC RX: per packet one unmap + strict IOTLB (+ATC) invalidation + one map */
static void test_nic_rx(void **state)
{
	const char *sets[] = {"duration=50ms", "pps=2M",	  "ring=512",
			      "ats=on",	       "arrival=poisson", NULL};
	struct stats *s = run_gen("nic-rx", 3, sets);
	uint64_t pkts = s->nr[TRACE_REC_IOMMU_UNMAP];

	assert_true(within((double)pkts, 100000, 0.01));
	assert_int_equal(s->nr[TRACE_REC_IOMMU_MAP], 512 + pkts);
	assert_int_equal(s->nr_qi[TRACE_QI_IOTLB_INV], pkts);
	assert_int_equal(s->nr_qi[TRACE_QI_DEV_TLB_INV], pkts);
	assert_int_equal(s->nr[TRACE_REC_DMA], 512 + 2 * pkts);
	/* LIFO IOVA reuse: the ring only ever uses its 512 IOVAs, below 4 GiB */
	assert_int_equal(s->nr_iovas, 512);
	assert_int_equal(s->map_bytes - s->unmap_bytes, 512 * 4096);
	free_stats(s);
}

static void test_nic_rx_fresh(void **state)
{
	const char *sets[] = {"duration=1ms", "pps=1M", "ring=64", "iova_reuse=fresh", NULL};
	struct stats *s = run_gen("nic-rx", 3, sets);

	assert_int_equal(s->nr[TRACE_REC_IOMMU_UNMAP], 1000);
	assert_int_equal(s->nr_qi[TRACE_QI_DEV_TLB_INV], 0);
	assert_int_equal(s->nr_iovas, 1064); /* never reused */
	free_stats(s);
}

/* NVMe closed loop: IOPS = queues * qd / (svc + think), exact with fixed svc */
static void test_nvme_iops(void **state)
{
	const char *sets[] = {"duration=100ms", "queues=2",    "qd=4", "svc=80us",
			      "think=20us",	"io_size=16k", NULL};
	struct stats *s = run_gen("nvme", 1, sets);
	uint64_t ios = s->nr[TRACE_REC_IOMMU_UNMAP];

	assert_int_equal(ios, 8 * 1000);
	assert_int_equal(s->nr[TRACE_REC_IOMMU_MAP], 4 * ios); /* 4 scattered pages each */
	assert_int_equal(s->nr[TRACE_REC_DMA], 8 * ios);
	assert_int_equal(s->nr_qi[TRACE_QI_IOTLB_INV], ios);
	assert_int_equal(s->map_bytes, s->unmap_bytes);
	assert_int_equal(s->nr_iovas, 8 * 4); /* 8 slots' ranges, reused */
	free_stats(s);
}

/* random access: rate, and the footprint is covered and never left */
static void test_random_access_footprint(void **state)
{
	const char *sets[] = {"duration=20ms", "rate=10M", "footprint=64m", "arrival=poisson",
			      NULL};
	struct stats *s;
	uint64_t pages = 64 * 256;

	g_base = 1ull << 30;
	s = run_gen("random-access", 2, sets);
	assert_true(within((double)s->nr[TRACE_REC_DEV_ACCESS], 200000, 0.01));
	assert_true(s->min_addr >= g_base && s->max_addr < g_base + 64 * 1048576);
	/* ~12 draws per page: P(page missed) = e^-12, so all but a handful */
	assert_true(within((double)s->nr_distinct, (double)pages, 0.01));
	assert_int_equal(s->nr[TRACE_REC_IOMMU_MAP], 1);
	assert_int_equal(s->map_bytes, 64 * 1048576);
	free_stats(s);
}

/* Zipf without scattering: page 0 gets 1/H(n, s) of the accesses */
static void test_random_access_zipf(void **state)
{
	const char *sets[] = {"duration=20ms", "rate=10M",    "footprint=4m", "dist=zipf",
			      "zipf_s=1",      "scatter=off", "map=off",      NULL};
	struct stats *s;
	double h = 0;

	for (int k = 1; k <= 1024; k++)
		h += 1.0 / k;
	g_base = 1ull << 30;
	s = run_gen("random-access", 2, sets);
	assert_int_equal(s->nr[TRACE_REC_IOMMU_MAP], 0);
	assert_true(
	    within((double)s->page_hits[0] / (double)s->nr[TRACE_REC_DEV_ACCESS], 1 / h, 0.02));
	assert_true(
	    within((double)s->page_hits[1] / (double)s->nr[TRACE_REC_DEV_ACCESS], 0.5 / h, 0.03));
	free_stats(s);
}

static char last_err[512];

static void capture_log(enum svt_log_level level, const char *fmt, va_list ap)
{
	if (level == SVT_LOG_ERROR)
		vsnprintf(last_err, sizeof(last_err), fmt, ap);
}

static int set_fails(const char *kind, const char *kv, const char *key)
{
	struct gen_cfg *cfg = gen_cfg__new(gen_find(kind));
	int rc = gen_cfg__set(cfg, kv);

	if (!rc)
		rc = gen_cfg__resolve(cfg);
	gen_cfg__free(cfg);
	if (rc != -EINVAL || !strstr(last_err, key)) {
		fprintf(stderr, "%s %s: rc %d, message '%s'\n", kind, kv, rc, last_err);
		return 0;
	}
	return 1;
}

static void test_bad_params(void **state)
{
	svt_log_set_fn(capture_log);
	assert_true(set_fails("dsa-memcpy", "clientz=4", "'clientz'"));
	assert_true(set_fails("dsa-memcpy", "clients=0", "'clients'"));
	assert_true(set_fails("dsa-memcpy", "clients=four", "'clients'"));
	assert_true(set_fails("dsa-memcpy", "clients=-1", "'clients'"));
	assert_true(set_fails("dsa-memcpy", "wq_mode=both", "'wq_mode'"));
	assert_true(set_fails("dsa-memcpy", "size=1q", "'size'"));
	assert_true(set_fails("dsa-memcpy", "size=64m", "'wset'"));
	assert_true(set_fails("nic-rx", "pkt_size=9000", "'pkt_size'"));
	assert_true(set_fails("random-access", "footprint=6000", "'footprint'"));
	assert_true(set_fails("nvme", "duration=1.5", "'duration'"));
	assert_true(set_fails("nvme", "noequals", "key=value"));
	svt_log_set_fn(NULL);
}

static void test_value_parsing(void **state)
{
	uint64_t u;
	double d;

	assert_int_equal(gen_parse_value(GEN_T_BYTES, "4k", &u, &d), 0);
	assert_int_equal(u, 4096);
	assert_int_equal(gen_parse_value(GEN_T_BYTES, "2m", &u, &d), 0);
	assert_int_equal(u, 2097152);
	assert_int_equal(gen_parse_value(GEN_T_TIME, "1.5us", &u, &d), 0);
	assert_int_equal(u, 1500);
	assert_int_equal(gen_parse_value(GEN_T_TIME, "100ms", &u, &d), 0);
	assert_int_equal(u, 100000000);
	assert_int_equal(gen_parse_value(GEN_T_RATE, "2.5M", &u, &d), 0);
	assert_true(d == 2.5e6);
	assert_int_equal(gen_parse_value(GEN_T_COUNT, "0x300", &u, &d), 0);
	assert_int_equal(u, 768);
	assert_int_equal(gen_parse_value(GEN_T_TIME, "5 parsecs", &u, &d), -EINVAL);
	assert_int_equal(gen_parse_value(GEN_T_COUNT, "", &u, &d), -EINVAL);
}

static int w_emit(void *ctx, const struct trace_rec *rec)
{
	return trace_writer__append(ctx, rec);
}

static uint32_t w_intern(void *ctx, const char *s)
{
	return trace_writer__intern(ctx, s);
}

/* Through the real writer and reader: the file holds what the sink saw. */
static void test_file_roundtrip(void **state)
{
	const char *sets[] = {"duration=100ms", "queues=2", "qd=4", "svc=80us", "think=20us", NULL};
	const struct gen_kind *k = gen_find("nvme");
	struct gen_cfg *cfg = gen_cfg__new(k);
	char path[] = "/tmp/test_gen.XXXXXX";
	const struct trace_rec *rec;
	struct trace_writer *w;
	struct trace_reader *r;
	uint64_t nr_unmap = 0, nr = 0, last = 0;
	int fd = mkstemp(path), err, rc;
	const char *dev = NULL;

	assert_true(fd >= 0);
	close(fd);
	for (const char *const *p = sets; *p; p++)
		assert_int_equal(gen_cfg__set(cfg, *p), 0);
	assert_int_equal(gen_cfg__resolve(cfg), 0);
	w = trace_writer__open(path, TRACE_CLOCK_SYNTHETIC, 0, "{\"generator\":\"nvme\"}");
	assert_non_null(w);
	assert_int_equal(k->run(cfg, 1, &(struct gen_out){w_emit, w_intern, w}), 0);
	assert_int_equal(trace_writer__close(w), 0);
	gen_cfg__free(cfg);
	r = trace_reader__open(path, &err);
	assert_non_null(r);
	assert_int_equal(trace_reader__file_hdr(r)->created_unix_ns, 0);
	assert_int_equal(trace_reader__file_hdr(r)->clock, TRACE_CLOCK_SYNTHETIC);
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		nr++;
		assert_true(rec->ts_ns >= last);
		last = rec->ts_ns;
		if (rec->kind == TRACE_REC_IOMMU_UNMAP) {
			nr_unmap++;
			dev = trace_reader__string(
			    r, ((const struct trace_rec_iommu_unmap *)rec)->device_id);
		}
		if (rec->kind == TRACE_REC_QI_SUBMIT) {
			/* the reader's decoder agrees with the fields the generator filled */
			struct trace_rec_qi_submit q = *(const struct trace_rec_qi_submit *)rec;

			trace_qi_decode(&q);
			assert_memory_equal(&q, rec, sizeof(q));
		}
	}
	assert_int_equal(rc, 0);
	assert_true(trace_reader__clean_end(r));
	assert_int_equal(nr_unmap, 8000); /* 8 slots x 100 ms / 100 us */
	assert_string_equal(dev, "0000:04:00.0");
	assert_int_equal(nr, 8000 * 5); /* map, dma map, unmap, iotlb inv, dma unmap per I/O */
	trace_reader__close(r);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dsa_open_rate_size),
	    cmocka_unit_test(test_dsa_closed_loop),
	    cmocka_unit_test(test_dsa_batch),
	    cmocka_unit_test(test_same_seed_same_records),
	    cmocka_unit_test(test_nic_rx),
	    cmocka_unit_test(test_nic_rx_fresh),
	    cmocka_unit_test(test_nvme_iops),
	    cmocka_unit_test(test_random_access_footprint),
	    cmocka_unit_test(test_random_access_zipf),
	    cmocka_unit_test(test_bad_params),
	    cmocka_unit_test(test_value_parsing),
	    cmocka_unit_test(test_file_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
