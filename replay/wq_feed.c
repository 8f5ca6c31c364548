// SPDX-License-Identifier: GPL-2.0
/*
 * wq_feed.c - work-queue records -> struct wq_rec -> model/wq_replay, with
 * translation stalls from the translation model; see wq_feed.h for the
 * replay assumptions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "model/xlate/config.h"
#include "model/xlate/model.h"
#include "model/wq/wq.h"
#include "model/wq/wq_params.h"
#include "replay/wq_replay.h"
#include "replay/wq_feed.h"

#define NR_PENDING 256 /* batches awaiting their members, by pid % NR_PENDING */

/* A batch descriptor held until its member records have been seen. */
struct pending {
	struct wq_rec rec;     /* the batch record (batch_xfer_bytes filled at the end) */
	uint64_t member_bytes; /* member sizes, summed */
	uint32_t nr_members;   /* members seen */
	uint32_t remaining;    /* members still expected */
	bool used;	       /* slot holds a batch */
};

struct wq_feed {
	struct wq_config cfg;		 /* wq.* as resolved */
	const struct model_cfg *mcfg;	 /* model.* for the private translation model */
	struct model_cfg xcfg;		 /* mcfg with the device TLB (wq.devtlb.*) applied */
	struct wq_model *wq;		 /* NULL until the first WQ record */
	struct wq_replay *wr;		 /* driver */
	struct model *xm;		 /* private translation model (wq.xlate=model) */
	struct wq_xlate_model xmodel;	 /* its ops context */
	struct wq_xlate_fixed xfixed;	 /* wq.xlate=fixed context */
	struct pending pend[NR_PENDING]; /* batches waiting for members */
	uint64_t last_ts_ns;		 /* latest time fed */
	uint64_t nr_members_folded;	 /* batch members folded into their batch */
	uint64_t nr_rejected_fed;	 /* records wq_replay refused */
	int err;			 /* first error */
};

struct wq_feed *wq_feed__new(const struct params *p, struct series_grid *grid)
{
	const struct wq_config *wc = params__cfg(p, &wq_param_table);
	const struct model_cfg *mc = params__cfg(p, &model_param_table);
	struct wq_feed *f;

	if (!wc || !mc) {
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	/*
	 * wq.seed as given: the stored parameters are what the model ran with.
	 * --seed sets wq.seed as well as model.seed (cli), and the two models
	 * draw distinct streams of their seeds (lib/prng.h), so equal seeds
	 * do not correlate them.
	 */
	f->cfg = *wc;
	f->cfg.series_grid = grid;
	f->mcfg = mc;
	return f;
}

void wq_feed__free(struct wq_feed *f)
{
	if (!f)
		return;
	wq_replay__free(f->wr);
	wq__free(f->wq);
	model__free(f->xm);
	free(f);
}

static int start(struct wq_feed *f)
{
	const struct wq_xlate_ops *ops = NULL;
	void *ctx = NULL;

	if (f->wq)
		return 0;
	if (f->cfg.xlate == WQ_XLATE_MODEL) {
		f->xcfg = *f->mcfg;
		if (f->cfg.devtlb_enabled) {
			/* DSA's own device TLB is the model's ATC; a miss goes to the IOMMU */
			f->xcfg.ats = 1;
			f->xcfg.atc_entries = f->cfg.devtlb_entries;
			f->xcfg.atc_ways = f->cfg.devtlb_ways;
			f->xcfg.atc_hit_ns = f->cfg.devtlb_hit_ns;
			if (f->cfg.devtlb_link == WQ_DEVTLB_ON_DIE)
				f->xcfg.pcie_one_way_ns = f->cfg.on_die_one_way_ns;
		}
		f->xm = model__new(&f->xcfg);
		if (!f->xm)
			return -ENOMEM;
		f->xmodel.m = f->xm;
		ops = &wq_xlate_model_ops;
		ctx = &f->xmodel;
	} else if (f->cfg.xlate == WQ_XLATE_FIXED) {
		f->xfixed.per_access_ns = f->cfg.xlate_fixed_access_ns;
		f->xfixed.per_page_ns = f->cfg.xlate_fixed_page_ns;
		f->xfixed.page_bytes = f->mcfg->page_bytes;
		ops = &wq_xlate_fixed_ops;
		ctx = &f->xfixed;
	}
	f->wq = wq__new(&f->cfg, NULL, ops, ctx);
	if (!f->wq)
		return -errno;
	f->wr =
	    wq_replay__new(f->wq, f->cfg.loop == WQ_LOOP_OPEN ? WQ_REPLAY_OPEN : WQ_REPLAY_CLOSED);
	return f->wr ? 0 : -errno;
}

static int feed(struct wq_feed *f, struct wq_rec *r)
{
	int rc;

	if (f->err)
		return f->err;
	if ((rc = start(f)) < 0) {
		f->err = rc;
		svt_err("replay: work-queue model: %s", strerror(-rc));
		return rc;
	}
	if (r->ts_ns < f->last_ts_ns)
		r->ts_ns = f->last_ts_ns;
	f->last_ts_ns = r->ts_ns;
	rc = wq_replay__record(f->wr, r);
	if (rc == -EINVAL) {
		/* a descriptor the model cannot take (e.g. a batch larger than wq.max_batch) */
		if (!f->nr_rejected_fed++)
			svt_warn("replay: work-queue record at %llu ns (desc %llu) not modelled",
				 (unsigned long long)r->ts_ns, (unsigned long long)r->desc_id);
		return 0;
	}
	if (rc < 0)
		f->err = rc;
	return rc;
}

static int flush_pending(struct wq_feed *f, struct pending *pd, uint64_t ts_ns)
{
	if (!pd->used)
		return 0;
	pd->used = false;
	if (pd->nr_members) {
		pd->rec.batch_xfer_bytes = (uint32_t)(pd->member_bytes / pd->nr_members);
		if (!pd->rec.batch_xfer_bytes)
			pd->rec.batch_xfer_bytes = 1;
	}
	if (ts_ns > pd->rec.ts_ns)
		pd->rec.ts_ns = ts_ns;
	return feed(f, &pd->rec);
}

int wq_feed__submit(struct wq_feed *f, uint64_t ts_ns, const struct trace_rec_wq_submit *w)
{
	struct pending *pd = &f->pend[w->hdr.pid % NR_PENDING];
	struct wq_rec r = {
	    .ts_ns = ts_ns,
	    .kind = WQ_REC_SUBMIT,
	    .pid = w->hdr.pid,
	    .pasid = w->pasid == TRACE_NO_PASID ? 0 : w->pasid,
	    .xfer_bytes = w->xfer_bytes,
	    .src = w->src,
	    .dst = w->dst,
	    .desc_id = w->desc_id,
	    .wq = w->wq,
	    .opcode = w->opcode,
	    .portal = w->portal,
	};
	int rc;

	if (pd->used && pd->rec.pid == w->hdr.pid && w->portal == TRACE_PORTAL_UNKNOWN &&
	    w->opcode != WQ_OP_BATCH && pd->remaining) {
		/* a member of the held batch: crosses no portal, runs inside the batch */
		if (!pd->nr_members) {
			pd->rec.src = w->src;
			pd->rec.dst = w->dst;
		}
		pd->nr_members++;
		pd->member_bytes += w->xfer_bytes;
		f->nr_members_folded++;
		if (--pd->remaining == 0)
			return flush_pending(f, pd, ts_ns);
		return 0;
	}
	if ((rc = flush_pending(f, pd, ts_ns)) < 0)
		return rc;
	if (w->opcode == WQ_OP_BATCH && w->xfer_bytes) {
		memset(pd, 0, sizeof(*pd));
		pd->used = true;
		pd->rec = r;
		pd->remaining = w->xfer_bytes;
		return 0;
	}
	return feed(f, &r);
}

int wq_feed__complete(struct wq_feed *f, uint64_t ts_ns, const struct trace_rec_wq_complete *c)
{
	struct pending *pd = &f->pend[c->hdr.pid % NR_PENDING];
	struct wq_rec r = {
	    .ts_ns = ts_ns,
	    .kind = WQ_REC_COMPLETE,
	    .pid = c->hdr.pid,
	    .pasid = c->pasid == TRACE_NO_PASID ? 0 : c->pasid,
	    .xfer_bytes = (uint32_t)c->bytes_done,
	    .desc_id = c->desc_id,
	    .wq = c->wq,
	    .opcode = c->opcode,
	};
	int rc;

	if ((rc = flush_pending(f, pd, ts_ns)) < 0)
		return rc;
	return feed(f, &r);
}

int wq_feed__finish(struct wq_feed *f)
{
	int rc;

	for (unsigned int i = 0; i < NR_PENDING; i++)
		if ((rc = flush_pending(f, &f->pend[i], f->last_ts_ns)) < 0)
			return rc;
	if (!f->wr || f->err)
		return f->err;
	if ((rc = wq_replay__finish(f->wr)) < 0)
		return rc;
	if (f->xm) {
		struct wq_stats st;

		wq__stats(f->wq, &st);
		model__finish(f->xm, st.end_ns);
	}
	return 0;
}

/* ---------------------------------------------------------------- report */

uint64_t wq_feed__end_ns(const struct wq_feed *f)
{
	struct wq_stats st;

	if (!f || !f->wq)
		return 0;
	wq__stats(f->wq, &st);
	return st.end_ns;
}

/* wq__report() without its config rows (the replay already reported every key). */
static int nocfg_metric(void *ctx, const char *key, double v, const char *unit)
{
	const struct results_sink *s = ctx;

	return s->ops->metric ? s->ops->metric(s->ctx, key, v, unit) : 0;
}

static int nocfg_hist(void *ctx, const char *key, const struct results_hist *h)
{
	const struct results_sink *s = ctx;

	return s->ops->histogram ? s->ops->histogram(s->ctx, key, h) : 0;
}

static int nocfg_series(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
			const double *v, size_t n)
{
	const struct results_sink *s = ctx;

	return s->ops->series ? s->ops->series(s->ctx, key, start_ns, window_ns, v, n) : 0;
}

static const struct results_sink_ops nocfg_ops = {
    .metric = nocfg_metric,
    .histogram = nocfg_hist,
    .series = nocfg_series,
};

/* The private translation model's metrics under wq.xlate. (scalars only). */
static int prefix_metric(void *ctx, const char *key, double v, const char *unit)
{
	const struct results_sink *s = ctx;
	char k[160];

	snprintf(k, sizeof(k), "wq.xlate.%s", key);
	return s->ops->metric ? s->ops->metric(s->ctx, k, v, unit) : 0;
}

static const struct results_sink_ops prefix_ops = {.metric = prefix_metric};

/*
 * The run's note (config row wq.replay.note): what the WQ layout cost that a
 * reader of the curves would otherwise take for device behaviour.
 */
static int report_note(const struct wq_feed *f, const struct wq_replay_stats *rs,
		       const struct results_sink *sink)
{
	const struct wq_config *c = wq__config(f->wq);
	uint32_t nr_shared = 0, nr_dwq_shared = 0, nr_clients = wq__nr_clients(f->wq);
	uint64_t lock_wait_ns = 0;
	char note[320];
	size_t n = 0;
	int rc;

	for (uint32_t i = 0; i < c->nr_wqs; i++) {
		struct wq_wq_stats w;

		wq__wq_stats(f->wq, i, &w);
		if (c->wq[i].mode == WQ_MODE_DEDICATED && w.nr_clients > 1) {
			nr_dwq_shared++;
			nr_shared += w.nr_clients;
		}
	}
	for (uint32_t i = 0; i < nr_clients; i++) {
		struct wq_client_stats cs;

		wq__client_stats(f->wq, i, &cs);
		lock_wait_ns += cs.lock_wait_ns;
	}
	if (sink->ops->metric &&
	    ((rc = sink->ops->metric(sink->ctx, "wq.replay.dwq_shared_clients", nr_shared,
				     "clients")) < 0 ||
	     (rc = sink->ops->metric(sink->ctx, "wq.replay.wq_folded", (double)rs->nr_wq_folded,
				     "clients")) < 0))
		return rc;
	if (!sink->ops->config)
		return 0;
	if (nr_shared)
		n += (size_t)snprintf(
		    note + n, sizeof(note) - n,
		    "%u of %u clients share %u dedicated WQ(s) of %u behind a software "
		    "lock (lock wait %.1f us in all); ",
		    nr_shared, nr_clients, nr_dwq_shared, c->nr_wqs, (double)lock_wait_ns / 1e3);
	if (rs->nr_wq_folded && n < sizeof(note))
		n +=
		    (size_t)snprintf(note + n, sizeof(note) - n,
				     "%llu clients' trace WQ index >= wq.nr_wqs=%u, folded (mod); ",
				     (unsigned long long)rs->nr_wq_folded, c->nr_wqs);
	if (!n)
		snprintf(note, sizeof(note),
			 "every client on its own dedicated WQ or on a shared WQ");
	else if (n < sizeof(note))
		note[n - 2] = '\0';
	rc = sink->ops->config(sink->ctx, "wq.replay.note", note, RESULTS_SOURCE_DERIVED);
	return rc < 0 ? rc : 0;
}

int wq_feed__report(const struct wq_feed *f, const struct results_sink *sink)
{
	struct results_sink nocfg = {.ops = &nocfg_ops, .ctx = (void *)sink};
	struct results_sink pre = {.ops = &prefix_ops, .ctx = (void *)sink};
	struct wq_replay_stats rs;
	int rc;

	if (!f->wq)
		return 0;
	if ((rc = wq__report(f->wq, &nocfg)) < 0)
		return rc;
	wq_replay__stats(f->wr, &rs);
#define M(k, v, u)                                                                                 \
	do {                                                                                       \
		if (sink->ops->metric &&                                                           \
		    (rc = sink->ops->metric(sink->ctx, k, (double)(v), u)) < 0)                    \
			return rc;                                                                 \
	} while (0)
	M("wq.replay.loop", f->cfg.loop, "0 closed 1 open");
	M("wq.replay.xlate", f->cfg.xlate, "0 model 1 fixed 2 none");
	M("wq.replay.submits", rs.nr_submits, "records");
	M("wq.replay.completes", rs.nr_completes, "records");
	M("wq.replay.clients", rs.nr_clients, "threads");
	M("wq.replay.mapped_ops", rs.nr_mapped_ops, "descriptors");
	M("wq.replay.batch_members_folded", f->nr_members_folded, "records");
	M("wq.replay.not_modelled", f->nr_rejected_fed, "records");
	if ((rc = report_note(f, &rs, sink)) < 0)
		return rc;
	if (f->xm) {
		M("wq.xlate.calls", f->xmodel.nr_accesses, "accesses");
		M("wq.xlate.stall_ns", f->xmodel.stall_ns, "ns");
		if ((rc = model__report(f->xm, &pre)) < 0)
			return rc;
	}
#undef M
	return 0;
}
