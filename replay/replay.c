// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - the replay pipeline: record source -> reorder window ->
 * scenario chain -> record->request normalisation (+ map expansion) ->
 * model -> results sink. Each stage is its own module (source.h,
 * reorder.h, scenario.h, request.h, expand.h); this file connects them,
 * resolves replay.expand=auto and reports. Assumptions in replay.h and
 * docs/replay.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sodium.h>

#include "common/log.h"
#include "lib/series.h"
#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"
#include "model/metric_keys.h"
#include "model/xlate/model.h"
#include "model/wq/wq.h"
#include "model/wq/wq_params.h"
#include "replay/host_cpus.h"
#include "replay/replay.h"
#include "replay/sampling.h"
#include "replay/expand.h"
#include "replay/inval_amd.h"
#include "replay/reorder.h"
#include "replay/request.h"
#include "replay/scenario.h"
#include "replay/source.h"
#include "replay/wq_feed.h"
#include "trace/fields.h"
#include "trace/trace.h"

#define F(field) offsetof(struct replay_cfg, field)
#define PROGRESS_EVERY 65536 /* records between progress calls */
#define PRESCAN 1000000	     /* records looked at to resolve replay.expand=auto */
#define SERIES_RUN_MAX_WINDOWS                                                                     \
	4096 /* the run grid's windows before they double (as each model's) */

#define WORD_(id, word) "|" #word
#define EXPAND_CHOICES (REPLAY_EXPAND_MODES(WORD_) + 1)		 /* "off|page|line|auto" */
#define EXPAND_SOURCE_CHOICES (REPLAY_EXPAND_SOURCES(WORD_) + 1) /* "auto|iommu|dma|both" */

static const struct param_def replay_defs[] = {
    {"replay.expand", PARAM_ENUM, "", "auto",
     "PCIe: a device translates every request TLP; reads are split at MRRS, writes at MPS",
     F(expand), 0, 0, EXPAND_CHOICES,
     "maps become device accesses: none, per page, per line, per PCIe request; auto: request "
     "unless the records after --scenario include dev_access records"},
    {"replay.expand_source", PARAM_ENUM, "", "auto", "estimate", F(expand_source), 0, 0,
     EXPAND_SOURCE_CHOICES,
     "which maps expand: auto = DMA-API maps once one is seen, else iommu maps"},
    {"replay.expand_delay_ns", PARAM_U64, "ns", "1000", "estimate: doorbell + descriptor fetch",
     F(expand_delay_ns), 0, 1e15, NULL, "time from a map to the device's accesses to it"},
    {"replay.expand_bytes_per_us", PARAM_U64, "bytes/us", "16000",
     "estimate: 16 GB/s, a PCIe 4.0 x16 link (~25 GB/s raw) under load", F(expand_bytes_per_us), 1,
     1e12, NULL, "device bandwidth that spaces an expanded map's accesses in time"},
    {"replay.line_bytes", PARAM_U32, "bytes", "64", "estimate: one cache line per TLP",
     F(line_bytes), 1, 1 << 30, NULL, "line mode: bytes per expanded access"},
    {"pcie.max_read_request_bytes", PARAM_U32, "bytes", "512",
     "PCIe Base spec 7.5.3.4 Max_Read_Request_Size (default 512 B)", F(max_read_request_bytes), 128,
     4096, NULL, "request expansion: bytes per device read request (one translation each)"},
    {"pcie.max_payload_bytes", PARAM_U32, "bytes", "256",
     "PCIe Base spec 7.5.3.4 Max_Payload_Size (256 B typical of root ports)", F(max_payload_bytes),
     128, 4096, NULL, "request expansion: bytes per device write (one translation each)"},
    {"replay.expand_wq", PARAM_BOOL, "", "off", "estimate: addresses are often hashed",
     F(expand_wq), 0, 1, NULL, "expand work descriptors' source/destination ranges too"},
    {"replay.domain_per_device", PARAM_BOOL, "", "off",
     "estimate: traces rarely tie devices to domains", F(domain_per_device), 0, 1, NULL,
     "give each device its own IOMMU domain"},
    {"replay.reorder_window_ns", PARAM_U64, "ns", "1000000", "estimate: per-CPU buffer skew",
     F(reorder_window_ns), 0, 1e15, NULL, "records may arrive this much out of time order"},
    {"replay.reorder_max", PARAM_U32, "records", "65536", "estimate: 8 MiB of slots",
     F(reorder_max), 1, 1 << 24, NULL, "records held at most in the reorder window"},
    {"replay.max_record_bytes", PARAM_U64, "bytes", "68719476736" /* 64 GiB */,
     "estimate: above any one DMA buffer or IOMMU map in the traces we have; a VFIO guest "
     "region can be larger (raise it)",
     F(max_record_bytes), 4096, 144115188075855872.0 /* 2^57 */, NULL,
     "a map, unmap or DMA record larger than this is refused with a warning (each costs work "
     "per page)"},
};

const struct param_table replay_param_table = {
    .name = "replay",
    .defs = replay_defs,
    .nr_defs = sizeof(replay_defs) / sizeof(replay_defs[0]),
    .cfg_bytes = sizeof(struct replay_cfg),
    .validate = NULL,
};

struct rp {
	const struct replay_opts *o;  /* options */
	struct replay_cfg cfg;	      /* replay parameters (expand resolved) */
	const struct model_cfg *mcfg; /* model parameters */
	struct model *m;	      /* the model */
	struct series_grid *grid;     /* the run's time axis, shared by both models */
	struct wq_feed *wq;	      /* work-queue model path (replay/wq_feed.h) */
	struct replay_source *src;    /* input (AMD-Vi commands as invalidations: amd) */
	struct inval_amd *amd; /* the AMD-Vi command decode in front of the caller's source */
	struct replay_source checked; /* src behind the bounds check (bounded()) */
	struct reorder *win;	      /* time order, behind the checked source */
	struct scenario_chain *chain; /* transforms, NULL: none */
	bool chain_borrowed;	      /* chain is the caller's (replay_opts.chain) */
	struct request *rq;	      /* record -> request normalisation */
	struct owners *own;	      /* what a pass over the trace said about owners */
	struct expand *x;	      /* map expansion */
	uint64_t x_due_ns;	/* no expanded access is due before (may be early, never late) */
	int err;		/* first error downstream of the chain */
	bool failed;		/* an error was reported */
	bool prescan;		/* expand=auto: only looking for dev_access */
	bool prescan_access;	/* the prescan saw a dev_access */
	uint64_t next_progress; /* source records at the next progress call */
	uint64_t first_ns, last_ns; /* replayed time span */
	uint64_t work_ns; /* the last record that is not an invalidation (time to finish) */
	bool any;	  /* first_ns valid */
	bool any_work;	  /* work_ns valid */
	/* counters */
	uint64_t nr_records, nr_by_kind[TRACE_REC_KIND_MAX_ + 1];
	uint64_t nr_late_emitted; /* a transform emitted a record in the past */
	uint64_t nr_refused;	  /* records out of bounds, not replayed */
	uint32_t str_ok_id;	  /* a string id the source is known to have (0: none yet) */
	uint32_t batch_left;	  /* records of the batch being replayed not handled yet */
	uint8_t nr_str[TRACE_REC_KIND_MAX_];	  /* string-id fields per kind */
	uint16_t str_off[TRACE_REC_KIND_MAX_][4]; /* their offsets */
};

/* The run's error channel: the caller's buffer if given (first error), else the log. */
static void fail(struct rp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct rp *p, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->o->errmsg)
		svt_err("%s", msg);
	else if (!p->failed && p->o->errmsg_bytes)
		snprintf(p->o->errmsg, p->o->errmsg_bytes, "%s", msg);
	p->failed = true;
}

/* ---------------------------------------------------------------- requests -> model */

static int to_access(void *ctx, uint64_t ts, const struct model_access *a)
{
	model__access(((struct rp *)ctx)->m, ts, a);
	return 0;
}

static int to_page_req(void *ctx, uint64_t ts, const struct model_page_req *r)
{
	model__page_req(((struct rp *)ctx)->m, ts, r);
	return 0;
}

static int to_map(void *ctx, uint64_t ts, uint32_t cpu, uint32_t dom, uint64_t iova, uint64_t bytes)
{
	model__map(((struct rp *)ctx)->m, ts, cpu, dom, iova, bytes);
	return 0;
}

static int to_unmap(void *ctx, uint64_t ts, uint32_t cpu, uint32_t dom, uint64_t iova,
		    uint64_t bytes)
{
	struct rp *p = ctx;

	expand__unmap(p->x, iova, bytes);
	model__unmap(p->m, ts, cpu, dom, iova, bytes);
	return 0;
}

static int to_qi(void *ctx, uint64_t ts, const struct model_qi *q)
{
	model__qi(((struct rp *)ctx)->m, ts, q);
	return 0;
}

static int to_pin(void *ctx, uint64_t ts, uint64_t nr_pages, bool unpin)
{
	model__pin(((struct rp *)ctx)->m, ts, nr_pages, unpin);
	return 0;
}

static int to_expand(void *ctx, uint64_t ts, const struct expand_map *e)
{
	struct rp *p = ctx;
	int rc = expand__map(p->x, ts, e);

	p->x_due_ns = expand__next_due_ns(p->x);
	return rc < 0 ? rc : 0;
}

static int to_wq_submit(void *ctx, uint64_t ts, const struct trace_rec_wq_submit *w)
{
	return wq_feed__submit(((struct rp *)ctx)->wq, ts, w);
}

static int to_wq_complete(void *ctx, uint64_t ts, const struct trace_rec_wq_complete *c)
{
	return wq_feed__complete(((struct rp *)ctx)->wq, ts, c);
}

static int to_device(void *ctx, uint32_t dev, int ats, uint32_t unit)
{
	struct rp *p = ctx;

	if (ats != REQUEST_ATS_UNKNOWN)
		model__set_dev_ats(p->m, dev, ats == REQUEST_ATS_YES);
	if (unit != OWNERS_NONE)
		model__set_dev_unit(p->m, dev, unit);
	return 0;
}

static bool to_iova_held(void *ctx, uint32_t domain, uint64_t iova, uint64_t bytes)
{
	return model__iova_held(((struct rp *)ctx)->m, domain, iova, bytes);
}

static const struct request_ops to_model = {
    .device = to_device,
    .iova_held = to_iova_held,
    .access = to_access,
    .page_req = to_page_req,
    .map = to_map,
    .unmap = to_unmap,
    .qi = to_qi,
    .pin = to_pin,
    .expand = to_expand,
    .wq_submit = to_wq_submit,
    .wq_complete = to_wq_complete,
};

/* An expansion step: the model advances to its time, then translates it. */
static int expanded_access(void *ctx, uint64_t ts, const struct expand_access *e)
{
	struct rp *p = ctx;
	struct model_access a = {.iova = e->iova,
				 .bytes = e->bytes,
				 .write = e->write,
				 .dev = e->dev,
				 .sid = e->dev,
				 .domain = request__domain(p->rq, e->dev),
				 .pasid = e->pasid == TRACE_NO_PASID ? 0 : e->pasid};

	model__advance(p->m, ts);
	model__access(p->m, ts, &a);
	return 0;
}

/* The index of the record being handled in the source (1 = the first): for messages. */
static uint64_t rec_index(const struct rp *p)
{
	return replay_source__nr_records(p->src) - p->batch_left;
}

/*
 * Invalidation records: what an unmap waits for is at the unmap (strict) or
 * on no one's path (lazy: the flush queue's timer, 10 ms after the last
 * unmap, in a lazy trace and in the inval=lazy scenario alike). Trailing
 * ones do not lengthen the run's time to finish, as the model's own flush
 * timer does not (model__finish()): else lazy reads 0.6% slower than strict
 * on the 6.12 trace from the timer alone.
 */
static bool invalidation_kind(uint16_t kind)
{
	return kind == TRACE_REC_QI_SUBMIT || kind == TRACE_REC_QI_WAIT ||
	       kind == TRACE_REC_CACHE_TAG;
}

static int replay_rec(struct rp *p, const struct trace_rec *rec, uint64_t ts)
{
	int rc;

	/* most records have no expansion due: no call (an unmap may leave x_due_ns early) */
	if (ts >= p->x_due_ns) {
		if ((rc = expand__run(p->x, ts, expanded_access, p)))
			return rc;
		p->x_due_ns = expand__next_due_ns(p->x);
	}
	if (!p->any) {
		p->first_ns = ts;
		p->any = true;
		series_grid__start(p->grid, ts); /* the run's origin, for both models */
	}
	model__advance(p->m, ts);
	p->last_ns = ts;
	if (!invalidation_kind(rec->kind)) {
		p->work_ns = ts;
		p->any_work = true;
	}
	p->nr_records++;
	p->nr_by_kind[rec->kind < TRACE_REC_KIND_MAX_ ? rec->kind : TRACE_REC_KIND_MAX_]++;
	if (rec->kind == TRACE_REC_DEV_ACCESS) {
		/* the model directly: to_access() without the call through the ops table */
		struct model_access a;

		if ((rc = request__access(p->rq, (const void *)rec, &to_model, p, &a)))
			return rc;
		model__access(p->m, ts, &a);
		return 0;
	}
	return request__record(p->rq, rec, ts, &to_model, p);
}

/* ---------------------------------------------------------------- scenario output */

/*
 * Records out of the scenario chain. They are in time order unless a
 * transform emitted one in the past: that one is replayed at the current
 * time (counted late), as the model's clock only moves forward.
 */
static int chain_out(void *ctx, const struct trace_rec *rec)
{
	struct rp *p = ctx;
	uint64_t ts = rec->ts_ns;

	if (p->prescan) {
		if (rec->kind == TRACE_REC_DEV_ACCESS)
			p->prescan_access = true;
		return 0;
	}
	if (p->err)
		return p->err;
	if (p->any && ts < p->last_ns) {
		p->nr_late_emitted++;
		ts = p->last_ns;
	}
	p->err = replay_rec(p, rec, ts);
	if (p->err)
		p->last_ns = ts; /* where it stopped, for the message */
	return p->err;
}

/* A failure here has no return path to the transform: the run stops at the next record. */
static uint32_t scn_intern(void *ctx, const char *s)
{
	struct rp *p = ctx;
	uint32_t id = 0;
	int rc = request__intern(p->rq, s, &id);

	if (rc && !p->err)
		p->err = rc;
	return rc ? 0 : id;
}

static const char *scn_string(void *ctx, uint32_t id)
{
	return request__string(((struct rp *)ctx)->rq, id);
}

static const char *source_string(void *ctx, uint32_t id)
{
	return replay_source__string(ctx, id);
}

/* ---------------------------------------------------------------- bounds */

/*
 * Bounds where input becomes work (issue 19): a record that no kernel can
 * produce, or whose replay would cost work without end, is refused here,
 * before the window and the scenarios, with a warning naming its index in
 * the trace, and counted (replay.refused_records):
 * - a time at or beyond 2^63 ns: kernel clocks are signed 64-bit ns;
 * - an address range that wraps or ends above 2^57, the widest VT-d input
 *   address (5-level tables; VT-d 3.3 section 3.6, MGAW 57);
 * - a map, unmap or DMA record larger than replay.max_record_bytes: the
 *   scenarios and the map expansion do work per page (per PCIe request) of
 *   it, so one record of 2^48 bytes would run for days;
 * - a string id (device, IOMMU) the trace's string table does not have:
 *   ids index per-device arrays.
 */
#define TIME_LIMIT_NS (1ull << 63)
#define ADDR_LIMIT (1ull << 57)
#define REFUSED_SHOWN 10 /* warnings printed; the rest are counted */

static bool range_ok(uint64_t addr, uint64_t bytes, uint64_t max_bytes)
{
	return bytes <= max_bytes && addr < ADDR_LIMIT && bytes <= ADDR_LIMIT - addr;
}

/* The string-id fields of each kind, from the field table (trace/fields.h). */
static void index_str_fields(struct rp *p)
{
	for (unsigned int k = 0; k < TRACE_REC_KIND_MAX_; k++) {
		size_t nr;
		const struct trace_field *f = trace_rec_fields(k, &nr);

		for (size_t i = 0; f && i < nr && p->nr_str[k] < 4; i++)
			if (f[i].type == TRACE_F_STR)
				p->str_off[k][p->nr_str[k]++] = f[i].offset;
	}
}

/* Why @rec is out of bounds (into @why), or false if it is fine. */
static __attribute__((noinline)) bool out_of_bounds(struct rp *p, const struct trace_rec *rec,
						    char *why, size_t n)
{
	uint64_t max = p->cfg.max_record_bytes, a = 0, b = 0;
	const char *what = NULL;

	if (rec->ts_ns >= TIME_LIMIT_NS) {
		snprintf(why, n, "time %llu ns is beyond any kernel clock (2^63 ns)",
			 (unsigned long long)rec->ts_ns);
		return true;
	}
	switch (rec->kind) {
	case TRACE_REC_DEV_ACCESS: {
		const struct trace_rec_dev_access *d = (const void *)rec;

		what = "access", a = d->iova, b = d->size_bytes;
		break;
	}
	case TRACE_REC_IOMMU_MAP: {
		const struct trace_rec_iommu_map *m = (const void *)rec;

		what = "map", a = m->iova, b = m->size_bytes;
		break;
	}
	case TRACE_REC_IOMMU_UNMAP: {
		const struct trace_rec_iommu_unmap *u = (const void *)rec;

		what = "unmap", a = u->iova;
		b = u->size_bytes > u->unmapped_bytes ? u->size_bytes : u->unmapped_bytes;
		break;
	}
	case TRACE_REC_DMA: {
		const struct trace_rec_dma *d = (const void *)rec;

		what = "DMA", a = d->dma_addr, b = d->size_bytes;
		break;
	}
	default:
		break;
	}
	if (what && !range_ok(a, b, max)) {
		if (b > max)
			snprintf(
			    why, n,
			    "%s of %llu bytes at 0x%llx is larger than replay.max_record_bytes "
			    "(%llu)",
			    what, (unsigned long long)b, (unsigned long long)a,
			    (unsigned long long)max);
		else
			snprintf(
			    why, n,
			    "%s of %llu bytes at 0x%llx ends beyond the 2^57-byte address space",
			    what, (unsigned long long)b, (unsigned long long)a);
		return true;
	}
	for (unsigned int i = 0; rec->kind < TRACE_REC_KIND_MAX_ && i < p->nr_str[rec->kind]; i++) {
		uint32_t id;

		memcpy(&id, (const uint8_t *)rec + p->str_off[rec->kind][i], sizeof(id));
		if (!id || id == p->str_ok_id)
			continue;
		if (!replay_source__string(p->src, id)) {
			snprintf(why, n, "string id %u is not in the trace's string table", id);
			return true;
		}
		p->str_ok_id = id;
	}
	return false;
}

/* The common case in a few instructions: an access within bounds, of a device already checked. */
static inline bool access_in_bounds(const struct rp *p, const struct trace_rec *rec)
{
	const struct trace_rec_dev_access *d = (const void *)rec;

	return rec->kind == TRACE_REC_DEV_ACCESS && rec->ts_ns < TIME_LIMIT_NS &&
	       d->iova < ADDR_LIMIT && d->size_bytes <= ADDR_LIMIT - d->iova &&
	       (d->device_id == p->str_ok_id || !d->device_id);
}

/* The source as the window reads it: out-of-bounds records are refused. */
/* Any other record: true if it is refused (warned about and counted). */
static __attribute__((noinline)) bool refused(struct rp *p, const struct trace_rec *rec)
{
	char why[160];

	if (!out_of_bounds(p, rec, why, sizeof(why)))
		return false;
	/* the prescan's reading is not the run: the run proper warns and counts */
	if (!p->prescan && p->nr_refused++ < REFUSED_SHOWN)
		svt_warn("replay: record %llu (t=%llu ns, %s) refused: %s",
			 (unsigned long long)rec_index(p), (unsigned long long)rec->ts_ns,
			 trace_rec_kind_name(rec->kind), why);
	return true;
}

static int bounded_next(void *impl, const struct trace_rec **rec)
{
	struct rp *p = impl;
	int rc;

	while ((rc = replay_source__next(p->src, rec)) == 1)
		if (access_in_bounds(p, *rec) || !refused(p, *rec))
			return 1;
	return rc;
}

static int bounded_rewind(void *impl)
{
	return replay_source__rewind(((struct rp *)impl)->src);
}

static void bounded_close(void *impl)
{
	(void)impl; /* the caller closes the source */
}

static const struct replay_source_ops bounded_ops = {
    .name = "bounded",
    .next = bounded_next,
    .rewind = bounded_rewind,
    .close = bounded_close,
};

/* ---------------------------------------------------------------- stream */

static void progress(struct rp *p)
{
	uint64_t n = replay_source__nr_records(p->src);

	if (!p->o->progress || n < p->next_progress)
		return;
	p->next_progress = n + PROGRESS_EVERY;
	p->o->progress(replay_source__done_bytes(p->src), replay_source__total_bytes(p->src),
		       p->o->progress_ctx);
}

/*
 * Source -> window -> chain until the end (or, prescanning, until a
 * dev_access came out or PRESCAN source records went in).
 * Return: 0, or the first error (already reported).
 */
static int stream(struct rp *p)
{
	const struct trace_rec *rec;
	int rc;

	while ((rc = reorder__next(p->win, &p->checked, &rec)) == 1) {
		int e = p->chain ? scenario_chain__push(p->chain, rec) : chain_out(p, rec);

		if (!e && p->err)
			e = p->err; /* from a callback with no return path */
		if (e < 0 && p->prescan) {
			p->err = 0; /* the run proper stops at the same record and says so */
			return 0;
		}
		if (e < 0) {
			if (p->err)
				fail(p, "replay: stopped at t=%llu ns (%llu records read): %s",
				     (unsigned long long)p->last_ns,
				     (unsigned long long)replay_source__nr_records(p->src),
				     strerror(-e));
			else
				fail(p, "replay: scenario '%s' failed at record %llu: %s",
				     scenario_chain__spec(p->chain),
				     (unsigned long long)replay_source__nr_records(p->src),
				     *scenario_chain__errmsg(p->chain)
					 ? scenario_chain__errmsg(p->chain)
					 : strerror(-e));
			return e;
		}
		if (p->prescan &&
		    (p->prescan_access || replay_source__nr_records(p->src) >= PRESCAN))
			return 0;
		if (!p->prescan)
			progress(p);
	}
	if (rc < 0 && p->prescan)
		return 0; /* as above: reported by the run proper */
	if (rc < 0)
		fail(p, "%s (replaying the good prefix)", replay_source__errmsg(p->src));
	return rc;
}

/*
 * stream() without a scenario chain, behind a window that passes records
 * through (a time-ordered trace): the source is read in batches (one chunk's
 * records at most), and each record gets the bounds check, the window's
 * step and the replay that stream() gives it, with no calls through the
 * bounded source, the window's source and the chain in between. On the
 * issue-16 stream that was 16% of the replay's time. The output is the
 * same: the same records reach chain_out() in the same order.
 */
#define PREFETCH_AHEAD 8 /* records between a prefetch and its lookup (~1 us of replay) */

static int stream_batch(struct rp *p)
{
	const struct trace_rec *recs[REPLAY_SOURCE_BATCH_MAX], *rec;
	int n, e;

	while ((n = replay_source__next_batch(p->src, recs, REPLAY_SOURCE_BATCH_MAX)) > 0) {
		/* nothing in flight (translations complete at once): no look ahead */
		int ahead_end = model__prefetch_useful(p->m) ? n - PREFETCH_AHEAD : 0;

		for (int i = 0; i < n; i++) {
			struct model_access ahead;

			/* what a record PREFETCH_AHEAD on will look up is fetched meanwhile */
			if (i < ahead_end &&
			    recs[i + PREFETCH_AHEAD]->kind == TRACE_REC_DEV_ACCESS &&
			    request__peek_access(p->rq, (const void *)recs[i + PREFETCH_AHEAD],
						 &ahead))
				model__prefetch(p->m, &ahead);
			p->batch_left = (uint32_t)(n - i - 1);
			if (!access_in_bounds(p, recs[i]) && refused(p, recs[i]))
				continue;
			if (!reorder__pass(p->win, recs[i], &rec))
				continue;
			if ((e = chain_out(p, rec)) < 0) {
				fail(p, "replay: stopped at t=%llu ns (%llu records read): %s",
				     (unsigned long long)p->last_ns,
				     (unsigned long long)rec_index(p), strerror(-e));
				return e;
			}
		}
		p->batch_left = 0;
		progress(p);
	}
	if (n < 0)
		fail(p, "%s (replaying the good prefix)", replay_source__errmsg(p->src));
	return n;
}

/* End of stream: what transforms and expansions hold back, then the models. */
static int drain(struct rp *p, int status)
{
	int rc;

	if (p->chain && !p->err && (rc = scenario_chain__finish(p->chain)) < 0) {
		if (p->err)
			fail(p, "replay: stopped at end of stream: %s", strerror(-rc));
		else
			fail(p, "replay: scenario '%s' failed at end of stream: %s",
			     scenario_chain__spec(p->chain),
			     *scenario_chain__errmsg(p->chain) ? scenario_chain__errmsg(p->chain)
							       : strerror(-rc));
		status = status ? status : rc;
	}
	if (!p->err && (rc = expand__run(p->x, UINT64_MAX, expanded_access, p)) < 0) {
		fail(p, "replay: expanding maps at end of stream: %s", strerror(-rc));
		status = status ? status : rc;
	}
	model__finish(p->m, p->last_ns);
	if ((rc = wq_feed__finish(p->wq)) < 0) {
		fail(p, "replay: work-queue model: %s", strerror(-rc));
		status = status ? status : rc;
	}
	return status;
}

/*
 * replay.expand=auto: off if the first PRESCAN records carry explicit
 * device accesses as the model will see them, i.e. after the window and
 * the scenario, else page. Deciding on the raw trace was wrong for chains
 * that turn maps into accesses and back: "faulting,pinned" on a map-only
 * trace replayed faulting's touches and the expansion of the maps pinned
 * made from them (both translations of one device touch). The chain is
 * reset and the source rewound afterwards: the run starts from scratch.
 */
static int resolve_expand(struct rp *p)
{
	char err[256];
	int rc;

	if (p->cfg.expand != REPLAY_EXPAND_AUTO)
		return 0;
	p->prescan = true;
	rc = stream(p);
	if (!rc && p->chain && !p->prescan_access)
		scenario_chain__finish(p->chain); /* records a transform held back */
	p->prescan = false;
	p->err = 0; /* an error here recurs in the run proper, which reports it */
	p->cfg.expand = p->prescan_access ? REPLAY_EXPAND_OFF : REPLAY_EXPAND_REQUEST;
	reorder__reset(p->win);
	if ((rc = replay_source__rewind(p->src)) < 0) {
		fail(p, "%s", replay_source__errmsg(p->src));
		return rc;
	}
	if (p->chain && (rc = scenario_chain__reset(p->chain, p->o->seed, err, sizeof(err)))) {
		fail(p, "replay: %s", err);
		return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- setup */

static int setup_models(struct rp *p)
{
	const struct params *pa = p->o->params;
	char err[256];

	struct model_cfg mc = *p->mcfg; /* host.cpus = 0: from the trace */
	const struct wq_config *wc = params__cfg(pa, &wq_param_table);
	uint64_t window_ns = mc.series_window_ns;

	/*
	 * One grid for the run: the translation model's and the WQ model's
	 * series share the origin (the first record replayed) and the window,
	 * which starts at the finer of the two models' windows and doubles for
	 * both to keep at most SERIES_RUN_MAX_WINDOWS.
	 */
	if (wc && wc->series_window_ns && wc->series_window_ns < window_ns)
		window_ns = wc->series_window_ns;
	p->grid = series_grid__new(window_ns, SERIES_RUN_MAX_WINDOWS);
	if (!p->grid) {
		fail(p, "replay: time series: %s", strerror(errno));
		return -errno;
	}
	mc.series_grid = p->grid;
	/* host.cpus sizes the page-request handlers only: without ATS there are none */
	if (!mc.host_cpus && !mc.pri_handlers && mc.ats)
		mc.host_cpus = replay_host_cpus(p->src);
	p->m = model__new(&mc);
	if (!p->m) {
		if (errno == EINVAL && model_cfg_check(p->mcfg, err, sizeof(err)))
			fail(p, "replay: invalid model configuration: %s", err);
		else
			fail(p, "replay: translation model: %s", strerror(errno));
		return -errno;
	}
	p->wq = wq_feed__new(pa, p->grid);
	if (!p->wq) {
		fail(p, "replay: work-queue model: %s",
		     errno == EINVAL ? "parameters lack the wq or model table" : strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * The owners pass reads maps, unmaps, DMA maps, invalidations and page
 * requests only: a trace whose header says it has none (TRACE_F_KINDS_SEEN)
 * is not read for it, with the same result as a pass that finds none.
 */
bool replay_owners_pass(const struct replay_source *src)
{
	const int64_t looked_at = 1ll << TRACE_REC_IOMMU_MAP | 1ll << TRACE_REC_IOMMU_UNMAP |
				  1ll << TRACE_REC_DMA | 1ll << TRACE_REC_QI_SUBMIT |
				  1ll << TRACE_REC_PAGE_REQ;
	int64_t kinds = replay_source__kinds_seen(src);

	return kinds < 0 || (kinds & looked_at);
}

/*
 * Memory for the records kept between the owners pass and the replay
 * (replay_source_file__keep): up to 64 MiB (a trace of about a million
 * records), and at most an eighth of an address-space limit (sweep
 * --point-mem), so that keeping them never starves the models. A larger
 * trace is read twice, as before.
 */
size_t replay_keep_budget(void)
{
	size_t bytes = 64u << 20;
	struct rlimit rl;

	if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 8 < bytes)
		bytes = (size_t)(rl.rlim_cur / 8);
	return bytes;
}

static int setup(struct rp *p)
{
	const struct replay_opts *o = p->o;
	struct scenario_out so = {
	    .emit = chain_out, .intern = scn_intern, .string = scn_string, .ctx = p};
	char err[512];
	int rc;

	if ((rc = setup_models(p)))
		return rc;
	p->rq = request__new(p->cfg.domain_per_device, p->cfg.expand_wq, source_string, p->src);
	p->own = owners__new();
	if (p->own && replay_owners_pass(p->src) && (rc = owners__scan(p->own, p->src))) {
		fail(p, "replay: reading the trace: %s", strerror(-rc));
		return rc;
	}
	if (p->rq)
		request__set_owners(p->rq, p->own);
	p->win = reorder__new(p->cfg.reorder_window_ns, p->cfg.reorder_max);
	if (!p->rq || !p->own || !p->win) {
		fail(p, "replay: %s", strerror(errno));
		return -errno;
	}
	p->checked = (struct replay_source){.ops = &bounded_ops, .impl = p};
	index_str_fields(p);
	/* a trace its writer found in time order needs no window (same output, no copies) */
	reorder__set_in_order(p->win, replay_source__time_ordered(p->src));
	if (o->chain) {
		/* the chain the caller's resolve built: now with our outputs and seed */
		p->chain = o->chain;
		p->chain_borrowed = true;
		scenario_chain__bind(p->chain, &so);
		if ((rc = scenario_chain__reset(p->chain, o->seed, err, sizeof(err)))) {
			fail(p, "replay: %s", err);
			return rc;
		}
	} else if (o->scenario && *o->scenario) {
		p->chain = scenario_chain__new(o->scenario, o->seed, &so, err, sizeof(err));
		if (!p->chain) {
			rc = -errno;
			fail(p, "replay: %s", err);
			return rc;
		}
	}
	if ((rc = resolve_expand(p)))
		return rc;
	{
		struct expand_cfg xc = {
		    .mode = p->cfg.expand,
		    .source = p->cfg.expand_source,
		    .delay_ns = p->cfg.expand_delay_ns,
		    .bytes_per_us = p->cfg.expand_bytes_per_us,
		    .line_bytes = p->cfg.line_bytes,
		    .page_bytes = p->mcfg->page_bytes,
		    .read_req_bytes = p->cfg.max_read_request_bytes,
		    .write_req_bytes = p->cfg.max_payload_bytes,
		};

		p->x = expand__new(&xc);
	}
	if (!p->x) {
		fail(p, "replay: map expansion: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void teardown(struct rp *p)
{
	if (!p->chain_borrowed)
		scenario_chain__free(p->chain);
	reorder__free(p->win);
	expand__free(p->x);
	request__free(p->rq);
	owners__free(p->own);
	wq_feed__free(p->wq);
	model__free(p->m);
	series_grid__free(p->grid); /* after the models' series on it */
	inval_amd__free(p->amd);
}

int replay_trace_hash(const char *path, char *hex, size_t hex_bytes)
{
	unsigned char out[32], buf[1 << 16];
	crypto_generichash_state st;
	int oerr = 0;
	struct trace_reader *r = trace_reader__open(path, &oerr);
	const char *stored = r ? trace_reader__stored_hash(r) : NULL;
	FILE *f;
	size_t n;

	/* a v2 file closed cleanly stores it: no read of the file (verified by the replay) */
	if (stored) {
		snprintf(hex, hex_bytes, "%s", stored);
		trace_reader__close(r);
		return 0;
	}
	trace_reader__close(r);
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	crypto_generichash_init(&st, NULL, 0, sizeof(out));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&st, buf, n);
	fclose(f);
	crypto_generichash_final(&st, out, sizeof(out));
	sodium_bin2hex(hex, hex_bytes, out, sizeof(out));
	return 0;
}

static int metric(const struct results_sink *s, const char *key, double v, const char *unit)
{
	return s->ops->metric ? s->ops->metric(s->ctx, key, v, unit) : 0;
}

static int report_replay(const struct rp *p, const struct results_sink *s)
{
	const struct request_stats *st = request__stats(p->rq);
	uint64_t late = reorder__nr_late(p->win) + p->nr_late_emitted;
	/*
	 * time to finish: from the first record until the last that is not a
	 * trailing invalidation (invalidation_kind()), or the models' last work
	 * past the records
	 */
	uint64_t end_ns = p->any_work ? p->work_ns : p->last_ns;
	char key[64];
	int rc = 0;

	if (model__end_ns(p->m) > p->last_ns)
		end_ns = model__end_ns(p->m);
	if (wq_feed__end_ns(p->wq) > end_ns)
		end_ns = wq_feed__end_ns(p->wq);
	if ((rc = metric(s, KEY_RUN_DURATION, (double)(p->any ? end_ns - p->first_ns : 0), "ns")) <
	    0)
		return rc;

	if ((rc = metric(s, "replay.records", (double)p->nr_records, "records")) < 0 ||
	    (rc = metric(s, "replay.skipped", (double)reorder__nr_skipped(p->win), "records")) <
		0 ||
	    (rc = metric(s, "replay.late_records", (double)late, "records")) < 0 ||
	    (rc = metric(s, "replay.refused_records", (double)p->nr_refused, "records")) < 0 ||
	    (rc = metric(s, "replay.max_reorder_held", (double)reorder__max_held(p->win),
			 "records")) < 0 ||
	    (rc = metric(s, "replay.span_ns", (double)(p->any ? p->last_ns - p->first_ns : 0),
			 "ns")) < 0 ||
	    (rc = metric(s, "replay.devices", (double)request__nr_devs(p->rq), "devices")) < 0 ||
	    (rc = metric(s, "replay.expand_mode", (double)p->cfg.expand,
			 "enum:0=off,1=page,2=line,4=request")) < 0 ||
	    (rc = metric(s, "replay.maps", (double)st->nr_maps, "maps")) < 0 ||
	    (rc = metric(s, "replay.dma_maps", (double)st->nr_dma_maps, "maps")) < 0 ||
	    (rc = metric(s, "replay.maps_attributed", (double)st->nr_attributed, "records")) < 0 ||
	    (rc = metric(s, "replay.maps_unattributed", (double)st->nr_unattributed, "records")) <
		0 ||
	    (rc = metric(s, "replay.maps_moved", (double)st->nr_moved, "maps")) < 0 ||
	    (rc = metric(s, "replay.maps_expanded", (double)expand__nr_maps(p->x), "maps")) < 0 ||
	    (rc = metric(s, "replay.expanded_accesses", (double)expand__nr_accesses(p->x),
			 "accesses")) < 0 ||
	    (rc = metric(s, "replay.expand_cut_accesses", (double)expand__nr_cut(p->x),
			 "accesses")) < 0)
		return rc;
	for (unsigned int k = 1; k < TRACE_REC_KIND_MAX_; k++) {
		if (!p->nr_by_kind[k])
			continue;
		snprintf(key, sizeof(key), "replay.records.%s", trace_rec_kind_name(k));
		if ((rc = metric(s, key, (double)p->nr_by_kind[k], "records")) < 0)
			return rc;
	}
	if ((rc = inval_amd__report(p->amd, s)) < 0)
		return rc;
	for (unsigned int t = 0; t < REQUEST_NR_QI_TYPES; t++) {
		const char *n = trace_qi_type_name(t);

		if (!st->nr_qi[t])
			continue;
		if (n)
			snprintf(key, sizeof(key), "trace.qi.%s", n);
		else
			snprintf(key, sizeof(key), "trace.qi.type_%u", t);
		if ((rc = metric(s, key, (double)st->nr_qi[t], "descriptors")) < 0)
			return rc;
	}
	return 0;
}

static int begin(struct rp *p, const struct results_sink *sink)
{
	const struct replay_opts *o = p->o;
	struct results_run_info info = {0};
	char label[256];
	int rc;

	snprintf(label, sizeof(label), "replay %s", o->trace_path ? o->trace_path : "");
	info.label = o->label ? o->label : label;
	info.trace_path = o->trace_path ? o->trace_path : "";
	info.trace_hash = o->trace_hash ? o->trace_hash : "";
	info.trace_bytes = replay_source__total_bytes(p->src);
	info.trace_meta_json = replay_source__meta_json(p->src);
	info.scenario = p->chain ? scenario_chain__spec(p->chain) : "";
	info.tool_version = SVT_VERSION;
	info.seed = o->seed;
	if (sink->ops->begin_run && (rc = sink->ops->begin_run(sink->ctx, &info)) < 0)
		return rc;
	return params__store(o->params, sink);
}

static int run_source(const struct replay_opts *o, struct replay_source *src,
		      const struct results_sink *sink)
{
	struct rp p = {.o = o, .src = src, .next_progress = PROGRESS_EVERY};
	const void *rcfg = params__cfg(o->params, &replay_param_table);
	int rc, status;

	if (o->errmsg && o->errmsg_bytes)
		o->errmsg[0] = 0;
	if (!rcfg || !(p.mcfg = params__cfg(o->params, &model_param_table))) {
		fail(&p, "replay: parameters lack the model or replay table");
		return -EINVAL;
	}
	p.cfg = *(const struct replay_cfg *)rcfg;
	if (!(p.amd = inval_amd__new(src))) {
		fail(&p, "replay: %s", strerror(errno));
		return -errno;
	}
	p.src = inval_amd__source(p.amd);
	if ((rc = setup(&p))) {
		teardown(&p);
		return rc;
	}
	if ((rc = begin(&p, sink)) < 0)
		goto sink_fail;
	status = drain(&p, !p.chain && reorder__in_order(p.win) ? stream_batch(&p) : stream(&p));
	if (o->progress)
		o->progress(replay_source__total_bytes(src), replay_source__total_bytes(src),
			    o->progress_ctx);
	if ((rc = report_replay(&p, sink)) < 0 || (rc = model__report(p.m, sink)) < 0 ||
	    (rc = wq_feed__report(p.wq, sink)) < 0)
		goto sink_fail;
	if (sink->ops->end_run && (rc = sink->ops->end_run(sink->ctx, status)) < 0)
		goto sink_fail;
	teardown(&p);
	return status;
sink_fail:
	fail(&p, "replay: results sink failed: %s", strerror(-rc));
	if (sink->ops->end_run)
		sink->ops->end_run(sink->ctx, rc);
	teardown(&p);
	return rc;
}

/* A --sample N trace replays through a sink that scales its counts (sampling.c). */
int replay_run_source(const struct replay_opts *o, struct replay_source *src,
		      const struct results_sink *sink)
{
	struct results_sink *scaled = sampling_sink__new(replay_source__meta_json(src), sink);
	int rc;

	if (!scaled && errno)
		return -errno;
	rc = run_source(o, src, scaled ? scaled : sink);
	sampling_sink__free(scaled);
	return rc;
}

int replay_run_file(const struct replay_opts *o, struct replay_source *src,
		    const struct results_sink *sink)
{
	struct replay_opts oo = *o;
	char hash[65] = "";

	if (o->errmsg && o->errmsg_bytes)
		o->errmsg[0] = 0;
	/* the owners pass reads first: the replay gets its records without a second decode */
	if (replay_owners_pass(src))
		replay_source_file__keep(src, replay_keep_budget());
	if (!o->trace_hash && replay_source__stored_hash(src)) {
		/* known at open, verified as the replay reads: a mismatch fails the run */
		snprintf(hash, sizeof(hash), "%s", replay_source__stored_hash(src));
		oo.trace_hash = hash;
	} else if (!o->trace_hash) {
		if (replay_trace_hash(o->trace_path, hash, sizeof(hash)))
			hash[0] = 0;
		oo.trace_hash = hash;
	}
	return replay_run_source(&oo, src, sink);
}

int replay_run(const struct replay_opts *o, const struct results_sink *sink)
{
	struct replay_source *src;
	char err[512];
	int rc;

	if (o->errmsg && o->errmsg_bytes)
		o->errmsg[0] = 0;
	src = replay_source_file__open(o->trace_path, err, sizeof(err));
	if (!src) {
		rc = -errno;
		if (o->errmsg)
			snprintf(o->errmsg, o->errmsg_bytes, "%s", err);
		else
			svt_err("%s", err);
		return rc;
	}
	rc = replay_run_file(o, src, sink);
	replay_source__close(src);
	return rc;
}
