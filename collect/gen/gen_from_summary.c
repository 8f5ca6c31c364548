// SPDX-License-Identifier: GPL-2.0
/*
 * gen_from_summary.c - a synthetic trace with the rates, sizes and mixes of
 * a `collect --summary` trace: for every summary record (one counter over
 * one interval), as many events as it counted, evenly spaced over the
 * interval, whose quantities fill its log2 histogram bucket by bucket, so
 * that summarising the output gives the input's counts and histograms per
 * interval. A what-if can then be replayed from a trace cheap enough to
 * take on a production host.
 *
 * Model assumptions:
 * - Within an interval events are evenly spaced; the summary kept no finer
 *   timing. Counters of one interval are interleaved by time.
 * - A quantity in bucket b is 2^(b-1) times the counter's sum over the sum
 *   of its buckets' lower bounds (clamped to the bucket), so page-sized
 *   maps come out page-sized and the sum is kept where the buckets allow.
 * - iommu:map takes the next IOVA (bump allocation, 4 KiB aligned) and a
 *   physical address of its own; iommu:unmap unmaps the oldest live
 *   mapping (FIFO), or IOVA 0 when none is live. intel_iommu:qi_submit
 *   rebuilds the descriptor type from the class (summary.h), the rest of
 *   the descriptor zero. Every other probe becomes a generic record named
 *   after it ("qty=N"), counted but not modelled by replay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/gen/gen-local.h"
#include "collect/summary.h"
#include "common/log.h"
#include "trace/trace.h"

#define MAX_ROWS 4096 /* counters per interval */

static const struct gen_param params[] = {
    {"trace", GEN_T_STR, "", "", 0, 0, NULL,
     "the collect --summary trace to reproduce (also: gen from-summary TRACE)"},
    {NULL},
};

/* One counter of the current interval, being expanded into events. */
struct row_gen {
	struct summary_row row; /* the counter */
	uint64_t start_ns;	/* interval start, output clock */
	uint64_t k;		/* events emitted */
	unsigned int b;		/* bucket of the next event */
	uint64_t left_in_b;	/* events left in bucket b */
	double scale;		/* quantity = 2^(b-1) * scale (assumptions) */
	uint32_t event_id;	/* generic records: the probe name */
	uint32_t name_id;	/* device / IOMMU string id */
};

struct live {
	uint64_t iova, bytes; /* a mapping not yet unmapped */
};

struct state {
	const struct gen_out *out; /* sink */
	uint64_t next_iova;	   /* bump allocator */
	uint64_t next_phys;	   /* physical addresses, distinct per map */
	struct live *fifo;	   /* live mappings, oldest first (ring) */
	size_t head, nr, cap;	   /* ring state */
};

static uint64_t next_ts(const struct row_gen *g)
{
	/* event k sits at (k + 1/2) / nr of the interval */
	return g->start_ns +
	       (uint64_t)(((double)g->k + 0.5) * (double)g->row.interval_ns / (double)g->row.nr);
}

static void row_start(struct row_gen *g)
{
	double lower = 0;

	for (unsigned int b = 1; b < SVT_SUM_BUCKETS; b++)
		lower += (double)g->row.hist[b] * (double)(1ull << (b - 1));
	g->scale = lower > 0 ? (double)g->row.sum / lower : 1;
	if (g->scale < 1)
		g->scale = 1;
	if (g->scale > 1.999)
		g->scale = 1.999;
	g->b = 0;
	g->left_in_b = g->row.hist[0];
}

/* The quantity of the next event, advancing through the histogram. */
static uint64_t row_qty(struct row_gen *g)
{
	while (!g->left_in_b && g->b + 1 < SVT_SUM_BUCKETS)
		g->left_in_b = g->row.hist[++g->b];
	if (g->left_in_b)
		g->left_in_b--;
	if (!g->b)
		return 0;
	return (uint64_t)((double)(1ull << (g->b - 1)) * g->scale);
}

static int push_live(struct state *st, uint64_t iova, uint64_t bytes)
{
	if (st->nr == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 1024;
		struct live *f = malloc(cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		for (size_t i = 0; i < st->nr; i++)
			f[i] = st->fifo[(st->head + i) % st->cap];
		free(st->fifo);
		st->fifo = f;
		st->cap = cap;
		st->head = 0;
	}
	st->fifo[(st->head + st->nr) % st->cap] = (struct live){iova, bytes};
	st->nr++;
	return 0;
}

static int emit_event(struct state *st, struct row_gen *g, uint64_t ts)
{
	uint64_t qty = row_qty(g);
	const char *p = g->row.probe;

	if (!strcmp(p, "iommu:map")) {
		struct trace_rec_iommu_map m;
		uint64_t span = (qty + 4095) & ~4095ull;

		gen_rec_init(&m, TRACE_REC_IOMMU_MAP, sizeof(m), ts);
		m.iova = st->next_iova;
		m.paddr = st->next_phys;
		m.size_bytes = qty;
		m.device_id = g->name_id;
		st->next_iova += span ? span : 4096;
		st->next_phys += span ? span : 4096;
		if (push_live(st, m.iova, qty))
			return -ENOMEM;
		return gen_emit(st->out, &m);
	}
	if (!strcmp(p, "iommu:unmap")) {
		struct trace_rec_iommu_unmap u;

		gen_rec_init(&u, TRACE_REC_IOMMU_UNMAP, sizeof(u), ts);
		if (st->nr) {
			u.iova = st->fifo[st->head].iova;
			st->head = (st->head + 1) % st->cap;
			st->nr--;
		}
		u.size_bytes = qty;
		u.unmapped_bytes = qty;
		u.device_id = g->name_id;
		return gen_emit(st->out, &u);
	}
	if (!strcmp(p, "intel_iommu:qi_submit")) {
		struct trace_rec_qi_submit q;

		gen_rec_init(&q, TRACE_REC_QI_SUBMIT, sizeof(q), ts);
		q.qw[0] = (g->row.cls & 0xf) | (uint64_t)((g->row.cls >> 4) & 0x7) << 9;
		q.iommu_id = g->name_id;
		trace_qi_decode(&q);
		return gen_emit(st->out, &q);
	}
	{
		unsigned char buf[sizeof(struct trace_rec_generic) + 64];
		struct trace_rec_generic *r = (void *)buf;
		int n;

		memset(buf, 0, sizeof(buf));
		n = snprintf((char *)(r + 1), 40, "qty=%llu", (unsigned long long)qty);
		r->hdr.ts_ns = ts;
		r->hdr.kind = TRACE_REC_GENERIC;
		r->hdr.size_bytes = (uint16_t)((sizeof(*r) + (size_t)n + 1 + 7) & ~7u);
		r->hdr.event_id = g->event_id;
		r->text_bytes = (uint32_t)n;
		return gen_emit(st->out, &r->hdr);
	}
}

/* Emit the interval's counters' events merged by time. */
static int flush_interval(struct state *st, struct row_gen *rows, unsigned int nr)
{
	int rc = 0;

	for (unsigned int i = 0; i < nr; i++)
		row_start(&rows[i]);
	while (!rc) {
		struct row_gen *best = NULL;
		uint64_t best_ts = 0;

		for (unsigned int i = 0; i < nr; i++) {
			uint64_t ts;

			if (rows[i].k >= rows[i].row.nr)
				continue;
			ts = next_ts(&rows[i]);
			if (!best || ts < best_ts) {
				best = &rows[i];
				best_ts = ts;
			}
		}
		if (!best)
			break;
		rc = emit_event(st, best, best_ts);
		best->k++;
	}
	return rc;
}

static int run(const struct gen_cfg *cfg, uint64_t seed, const struct gen_out *out)
{
	const char *path = gen_cfg_str(cfg, "trace");
	struct state st = {.out = out, .next_iova = 0x100000, .next_phys = 0x100000000ull};
	struct row_gen *rows = calloc(MAX_ROWS, sizeof(*rows));
	const struct trace_rec *rec;
	uint64_t cur_ts = 0, t0 = UINT64_MAX, nr_sum = 0;
	unsigned int nr = 0;
	int err = 0, rc = 0, rrc;
	struct trace_reader *r;

	(void)seed; /* deterministic: the summary fixes everything */
	if (!rows)
		return -ENOMEM;
	r = trace_reader__open(path, &err);
	if (!r) {
		svt_err("gen from-summary: %s", trace_open_errmsg());
		free(rows);
		return err ? err : -EIO;
	}
	while (!rc && (rrc = trace_reader__next(r, &rec)) == 1) {
		struct row_gen *g;

		if (rec->kind != TRACE_REC_GENERIC ||
		    strcmp(trace_reader__event_name(r, rec), SUMMARY_EVENT))
			continue;
		if (nr && rec->ts_ns != cur_ts) {
			rc = flush_interval(&st, rows, nr);
			nr = 0;
		}
		if (nr == MAX_ROWS) {
			svt_err("gen from-summary: %s: more than %d counters in one interval", path,
				MAX_ROWS);
			rc = -E2BIG;
			break;
		}
		g = &rows[nr];
		memset(g, 0, sizeof(*g));
		if (summary_row_parse(trace_reader__generic_text(rec), &g->row)) {
			svt_err("gen from-summary: %s: summary record %llu does not parse: '%s'",
				path, (unsigned long long)trace_reader__nr_records(r),
				trace_reader__generic_text(rec));
			rc = -EINVAL;
			break;
		}
		if (!g->row.nr || g->row.interval_ns > rec->ts_ns)
			continue;
		if (t0 == UINT64_MAX)
			t0 = rec->ts_ns - g->row.interval_ns;
		g->start_ns = rec->ts_ns - g->row.interval_ns;
		g->start_ns = g->start_ns < t0 ? 0 : g->start_ns - t0; /* output clock from 0 */
		g->event_id = out->intern(out->ctx, g->row.probe);
		g->name_id = g->row.name[0] ? out->intern(out->ctx, g->row.name) : 0;
		cur_ts = rec->ts_ns;
		nr_sum++;
		nr++;
	}
	if (!rc && rrc < 0) {
		svt_err("gen from-summary: %s", trace_reader__errmsg(r));
		rc = rrc;
	}
	if (!rc && nr)
		rc = flush_interval(&st, rows, nr);
	if (!rc && !nr_sum) {
		svt_err("gen from-summary: %s has no %s records (take it with 'collect --summary')",
			path, SUMMARY_EVENT);
		rc = -EINVAL;
	}
	trace_reader__close(r);
	free(st.fifo);
	free(rows);
	return rc;
}

static int check(const struct gen_cfg *cfg)
{
	if (!gen_cfg_str(cfg, "trace")[0]) {
		svt_err(
		    "gen from-summary: which trace? (gen from-summary TRACE, or --set trace=FILE)");
		return -EINVAL;
	}
	return 0;
}

const struct gen_kind gen_from_summary = {
    .name = "from-summary",
    .summary = "the per-interval rates, sizes and mixes of a collect --summary trace",
    .assumptions = "Each summary record (one counter over one interval) becomes as many events,\n"
		   "evenly spaced over the interval, with quantities filling its log2 histogram\n"
		   "(bucket b: 2^(b-1) scaled toward the counter's sum). iommu:map bump-allocates\n"
		   "IOVAs, iommu:unmap frees the oldest live one, intel_iommu:qi_submit keeps the\n"
		   "descriptor type; other probes become generic records named after them.",
    .params = params,
    .check = check,
    .run = run,
};
