// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - trace -> reorder window -> normalise/expand -> model -> sink.
 * Assumptions in replay.h and docs/replay.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "common/log.h"
#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/model.h"
#include "replay/replay.h"
#include "replay/expand.h"
#include "replay/request.h"
#include "replay/scenario.h"
#include "replay/wq_feed.h"
#include "trace/trace.h"

#define F(field) offsetof(struct replay_cfg, field)
#define SLOT_BYTES 128		/* largest fixed-size record we buffer */
#define PROGRESS_EVERY 65536	/* records between progress calls */
#define PRESCAN 1000000		/* records looked at to resolve replay.expand=auto */

static const struct param_def replay_defs[] = {
	{ "replay.expand", PARAM_ENUM, "", "auto", "DESIGN.md 5: maps expand into accesses per page",
	  F(expand), 0, 0, "off|page|line|auto",
	  "maps become device accesses: none, per page, per line; auto: page unless the records after --scenario include dev_access records" },
	{ "replay.expand_source", PARAM_ENUM, "", "auto", "estimate", F(expand_source), 0, 0,
	  "auto|iommu|dma|both", "which maps expand: auto = DMA-API maps once one is seen, else iommu maps" },
	{ "replay.expand_delay_ns", PARAM_U64, "ns", "1000", "estimate: doorbell + descriptor fetch",
	  F(expand_delay_ns), 0, 1e15, NULL, "time from a map to the device's accesses to it" },
	{ "replay.expand_bytes_per_us", PARAM_U64, "bytes/us", "16000",
	  "estimate: 16 GB/s, a PCIe 4.0 x16 link (~25 GB/s raw) under load", F(expand_bytes_per_us),
	  1, 1e12, NULL, "device bandwidth that spaces an expanded map's accesses in time" },
	{ "replay.line_bytes", PARAM_U32, "bytes", "64", "estimate: one cache line per TLP",
	  F(line_bytes), 1, 1 << 30, NULL, "line mode: bytes per expanded access" },
	{ "replay.expand_wq", PARAM_BOOL, "", "off", "estimate: addresses are often hashed",
	  F(expand_wq), 0, 1, NULL, "expand work descriptors' source/destination ranges too" },
	{ "replay.domain_per_device", PARAM_BOOL, "", "off", "estimate: traces rarely tie devices to domains",
	  F(domain_per_device), 0, 1, NULL, "give each device its own IOMMU domain" },
	{ "replay.reorder_window_ns", PARAM_U64, "ns", "1000000", "estimate: per-CPU buffer skew",
	  F(reorder_window_ns), 0, 1e15, NULL, "records may arrive this much out of time order" },
	{ "replay.reorder_max", PARAM_U32, "records", "65536", "estimate: 8 MiB of slots",
	  F(reorder_max), 1, 1 << 24, NULL, "records held at most in the reorder window" },
};

const struct param_table replay_param_table = {
	.name = "replay",
	.defs = replay_defs,
	.nr_defs = sizeof(replay_defs) / sizeof(replay_defs[0]),
	.cfg_bytes = sizeof(struct replay_cfg),
	.validate = NULL,
};

struct held {
	uint64_t ts_ns;		/* record time */
	uint64_t seq;		/* file order: tie-break */
	uint32_t slot;		/* index into slots */
};

struct rp {
	const struct replay_cfg *cfg;		/* replay parameters (expand resolved) */
	struct replay_cfg cfg_copy;		/* storage for cfg */
	const struct model_cfg *mcfg;		/* model parameters */
	struct model *m;			/* the model */
	struct wq_feed *wq;			/* work-queue model path (replay/wq_feed.h) */
	struct trace_reader *r;			/* input */
	struct request *rq;			/* record -> request normalisation */
	struct expand *x;			/* map expansion (NULL until expand is resolved) */
	int err;				/* first error of a callback without a return path */
	/* reorder window */
	uint8_t *slots;				/* reorder_max * SLOT_BYTES */
	uint32_t *free_slots;			/* stack of free slot indexes */
	uint32_t nr_free;			/* entries on it */
	struct held *heap;			/* ring sorted by (ts, seq) */
	uint32_t held_head;			/* index of the oldest */
	uint32_t nr_held;			/* entries in it */
	uint64_t newest_ns;			/* latest ts read */
	uint64_t released_ns;			/* ts of the last record released */
	uint64_t seq;				/* records buffered */
	bool prescan_access;			/* expand=auto: the prescan saw a dev_access */
	uint64_t first_ns, last_ns;		/* replayed time span */
	bool any;				/* first_ns valid */
	/* counters */
	uint64_t nr_records, nr_by_kind[TRACE_REC_KIND_MAX_ + 1], nr_late, max_held;
	uint64_t nr_skipped;			/* generic or unknown kinds */
};

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

static int to_map(void *ctx, uint64_t ts, uint32_t cpu, uint32_t dom, uint64_t iova,
		  uint64_t bytes)
{
	model__map(((struct rp *)ctx)->m, ts, cpu, dom, iova, bytes);
	return 0;
}

static int to_unmap(void *ctx, uint64_t ts, uint32_t cpu, uint32_t dom, uint64_t iova,
		    uint64_t bytes)
{
	model__unmap(((struct rp *)ctx)->m, ts, cpu, dom, iova, bytes);
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
	int rc = expand__map(((struct rp *)ctx)->x, ts, e);

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

static const struct request_ops to_model = {
	.access = to_access, .page_req = to_page_req, .map = to_map, .unmap = to_unmap,
	.qi = to_qi, .pin = to_pin, .expand = to_expand, .wq_submit = to_wq_submit,
	.wq_complete = to_wq_complete,
};

/* An expansion step: the model advances to its time, then translates it. */
static int expanded_access(void *ctx, uint64_t ts, const struct expand_access *e)
{
	struct rp *p = ctx;
	struct model_access a = { .iova = e->iova, .bytes = e->bytes, .write = e->write,
				  .dev = e->dev, .sid = e->dev,
				  .domain = p->cfg->domain_per_device ? e->dev : 0,
				  .pasid = e->pasid == TRACE_NO_PASID ? 0 : e->pasid };

	model__advance(p->m, ts);
	model__access(p->m, ts, &a);
	return 0;
}

static int replay_rec(struct rp *p, const struct trace_rec *rec, uint64_t ts)
{
	int rc = expand__run(p->x, ts, expanded_access, p);

	if (rc)
		return rc;
	model__advance(p->m, ts);
	if (!p->any) {
		p->first_ns = ts;
		p->any = true;
	}
	p->last_ns = ts;
	p->nr_records++;
	p->nr_by_kind[rec->kind < TRACE_REC_KIND_MAX_ ? rec->kind : TRACE_REC_KIND_MAX_]++;
	return request__record(p->rq, rec, ts, &to_model, p);
}

/* ---------------------------------------------------------------- reorder window */

/*
 * The window is a ring sorted by (ts, seq): a record is appended at the tail
 * and moved back past newer ones (insertion sort). Collectors' records are
 * nearly sorted, so that is O(1) per record; the oldest leaves from the head.
 */
static void release_one(struct rp *p)
{
	struct held h = p->heap[p->held_head];
	const struct trace_rec *rec = (const void *)(p->slots + (size_t)h.slot * SLOT_BYTES);
	uint64_t ts = h.ts_ns;

	p->held_head = (p->held_head + 1) % p->cfg->reorder_max;
	p->nr_held--;
	if (ts < p->released_ns) {
		p->nr_late++;
		ts = p->released_ns;
	}
	p->released_ns = ts;
	if (!p->err)
		p->err = replay_rec(p, rec, ts);
	p->free_slots[p->nr_free++] = h.slot;
}

static void hold(struct rp *p, const struct trace_rec *rec)
{
	uint32_t cap = p->cfg->reorder_max, slot, i;
	struct held h;

	if (!p->nr_free)
		release_one(p);
	slot = p->free_slots[--p->nr_free];
	memcpy(p->slots + (size_t)slot * SLOT_BYTES, rec, rec->size_bytes);
	h = (struct held){ .ts_ns = rec->ts_ns, .seq = p->seq++, .slot = slot };
	i = (p->held_head + p->nr_held) % cap;
	p->nr_held++;
	/* move back past newer records (ties keep file order) */
	for (uint32_t n = p->nr_held - 1; n > 0; n--) {
		uint32_t prev = (i + cap - 1) % cap;

		if (p->heap[prev].ts_ns <= h.ts_ns)
			break;
		p->heap[i] = p->heap[prev];
		i = prev;
	}
	p->heap[i] = h;
	if (p->nr_held > p->max_held)
		p->max_held = p->nr_held;
	if (rec->ts_ns > p->newest_ns)
		p->newest_ns = rec->ts_ns;
	while (p->nr_held && p->heap[p->held_head].ts_ns + p->cfg->reorder_window_ns <= p->newest_ns)
		release_one(p);
}

/* ---------------------------------------------------------------- scenario */

/* Records out of the scenario chain (or straight from the reader) into the window. */
static int feed(void *ctx, const struct trace_rec *rec)
{
	struct rp *p = ctx;

	if (rec->kind == TRACE_REC_GENERIC || rec->kind >= TRACE_REC_KIND_MAX_ ||
	    rec->size_bytes > SLOT_BYTES) {
		p->nr_skipped++;
		return 0;
	}
	hold(p, rec);
	return 0;
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

static const char *trace_string(void *ctx, uint32_t id)
{
	return trace_reader__string(ctx, id);
}

/* ---------------------------------------------------------------- run */

static int prescan_emit(void *ctx, const struct trace_rec *rec)
{
	struct rp *p = ctx;

	if (rec->kind == TRACE_REC_DEV_ACCESS)
		p->prescan_access = true;
	return 0;
}

/*
 * replay.expand=auto: true if the first PRESCAN records carry explicit
 * device accesses as the model will see them, i.e. after the scenario (a
 * throwaway chain of the same spec and seed). Deciding on the raw trace was
 * wrong for chains that turn maps into accesses and back: "faulting,pinned"
 * on a map-only trace replayed faulting's touches and the expansion of the
 * maps pinned made from them (both translations of one device touch).
 */
static bool expand_auto(struct rp *p, const struct replay_opts *o)
{
	struct scenario_out so = { .emit = prescan_emit, .intern = scn_intern,
				   .string = scn_string, .ctx = p };
	struct scenario_chain *c = NULL;
	const struct trace_rec *rec;
	uint64_t n = 0;

	p->prescan_access = false;
	if (o->scenario && *o->scenario && !(c = scenario_chain__new(o->scenario, o->seed, &so)))
		return false;	/* the real chain was built from the same spec: not reached */
	while (!p->prescan_access && n++ < PRESCAN && trace_reader__next(p->r, &rec) == 1) {
		if (c ? scenario_chain__push(c, rec) < 0 : prescan_emit(p, rec) < 0)
			break;
	}
	if (c && !p->prescan_access)
		scenario_chain__finish(c);	/* records a transform held back */
	scenario_chain__free(c);
	trace_reader__rewind(p->r);
	return p->prescan_access;
}

int replay_trace_hash(const char *path, char *hex, size_t hex_bytes)
{
	unsigned char out[32], buf[1 << 16];
	crypto_generichash_state st;
	FILE *f = fopen(path, "rb");
	size_t n;

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

struct cfg_ctx {
	const struct results_sink *sink;	/* where config goes */
	int rc;					/* first error */
};

static void config_row(const struct param_def *d, const char *value, const char *origin,
		       void *ctx)
{
	struct cfg_ctx *c = ctx;
	int rc;

	if (c->rc || !c->sink->ops->config)
		return;
	rc = c->sink->ops->config(c->sink->ctx, d->key, value, origin);
	if (rc < 0)
		c->rc = rc;
}

static int metric(const struct results_sink *s, const char *key, double v, const char *unit)
{
	return s->ops->metric ? s->ops->metric(s->ctx, key, v, unit) : 0;
}

static int report_replay(const struct rp *p, const struct results_sink *s)
{
	const struct request_stats *st = request__stats(p->rq);
	char key[64];
	int rc = 0;

	if ((rc = metric(s, "replay.records", (double)p->nr_records, "records")) < 0 ||
	    (rc = metric(s, "replay.skipped", (double)p->nr_skipped, "records")) < 0 ||
	    (rc = metric(s, "replay.late_records", (double)p->nr_late, "records")) < 0 ||
	    (rc = metric(s, "replay.max_reorder_held", (double)p->max_held, "records")) < 0 ||
	    (rc = metric(s, "replay.span_ns", (double)(p->any ? p->last_ns - p->first_ns : 0), "ns")) < 0 ||
	    (rc = metric(s, "replay.devices", (double)request__nr_devs(p->rq), "devices")) < 0 ||
	    (rc = metric(s, "replay.expand_mode", (double)p->cfg->expand, "0 off 1 page 2 line")) < 0 ||
	    (rc = metric(s, "replay.maps", (double)st->nr_maps, "maps")) < 0 ||
	    (rc = metric(s, "replay.dma_maps", (double)st->nr_dma_maps, "maps")) < 0 ||
	    (rc = metric(s, "replay.maps_expanded", (double)expand__nr_maps(p->x), "maps")) < 0 ||
	    (rc = metric(s, "replay.expanded_accesses", (double)expand__nr_accesses(p->x), "accesses")) < 0)
		return rc;
	for (unsigned int k = 1; k < TRACE_REC_KIND_MAX_; k++) {
		if (!p->nr_by_kind[k])
			continue;
		snprintf(key, sizeof(key), "replay.records.%s", trace_rec_kind_name(k));
		if ((rc = metric(s, key, (double)p->nr_by_kind[k], "records")) < 0)
			return rc;
	}
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

static void rp_free(struct rp *p)
{
	model__free(p->m);
	wq_feed__free(p->wq);
	trace_reader__close(p->r);
	free(p->slots);
	free(p->free_slots);
	free(p->heap);
	expand__free(p->x);
	request__free(p->rq);
}

int replay_run(const struct replay_opts *o, const struct results_sink *sink)
{
	struct rp p = { 0 };
	struct results_run_info info = { 0 };
	struct cfg_ctx cc = { .sink = sink };
	char hash[65] = "", label[256];
	const struct trace_rec *rec;
	struct scenario_chain *chain = NULL;
	int err = 0, rc, status = 0;

	if (!params__cfg(o->params, &replay_param_table) ||
	    !(p.mcfg = params__cfg(o->params, &model_param_table))) {
		svt_err("replay: parameters lack the model or replay table");
		return -EINVAL;
	}
	p.r = trace_reader__open(o->trace_path, &err);
	if (!p.r) {
		svt_err("%s", trace_open_errmsg());
		return err ? err : -EIO;
	}
	p.cfg_copy = *(const struct replay_cfg *)params__cfg(o->params, &replay_param_table);
	p.cfg = &p.cfg_copy;
	p.m = model__new(p.mcfg);
	p.wq = wq_feed__new(o->params);
	p.slots = malloc((size_t)p.cfg->reorder_max * SLOT_BYTES);
	p.free_slots = malloc((size_t)p.cfg->reorder_max * sizeof(uint32_t));
	p.heap = malloc((size_t)p.cfg->reorder_max * sizeof(struct held));
	p.rq = request__new(p.cfg->domain_per_device, p.cfg->expand_wq, trace_string, p.r);
	if (!p.m || !p.wq || !p.slots || !p.free_slots || !p.heap || !p.rq) {
		svt_err("replay: out of memory");
		rp_free(&p);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < p.cfg->reorder_max; i++)
		p.free_slots[i] = p.cfg->reorder_max - 1 - i;
	p.nr_free = p.cfg->reorder_max;

	if (o->scenario && *o->scenario) {
		struct scenario_out so = { .emit = feed, .intern = scn_intern,
					   .string = scn_string, .ctx = &p };

		chain = scenario_chain__new(o->scenario, o->seed, &so);
		if (!chain) {
			svt_err("replay: bad --scenario '%s'", o->scenario);
			rp_free(&p);
			return -EINVAL;
		}
	}
	if (p.cfg_copy.expand == REPLAY_EXPAND_AUTO)
		p.cfg_copy.expand = expand_auto(&p, o) ? REPLAY_EXPAND_OFF : REPLAY_EXPAND_PAGE;
	{
		struct expand_cfg xc = {
			.mode = p.cfg->expand, .source = p.cfg->expand_source,
			.delay_ns = p.cfg->expand_delay_ns, .bytes_per_us = p.cfg->expand_bytes_per_us,
			.line_bytes = p.cfg->line_bytes, .page_bytes = p.mcfg->page_bytes,
		};

		p.x = expand__new(&xc);
		if (!p.x) {
			svt_err("replay: out of memory");
			scenario_chain__free(chain);
			rp_free(&p);
			return -ENOMEM;
		}
	}
	if (o->trace_hash)
		snprintf(hash, sizeof(hash), "%s", o->trace_hash);
	else if (replay_trace_hash(o->trace_path, hash, sizeof(hash)))
		hash[0] = 0;
	snprintf(label, sizeof(label), "replay %s", o->trace_path);
	info.label = o->label ? o->label : label;
	info.trace_path = o->trace_path;
	info.trace_hash = hash;
	info.trace_bytes = trace_reader__file_bytes(p.r);
	info.trace_meta_json = trace_reader__meta_json(p.r);
	info.scenario = chain ? scenario_chain__spec(chain) : "";
	info.tool_version = SVT_VERSION;
	info.seed = o->seed;
	if (sink->ops->begin_run && (rc = sink->ops->begin_run(sink->ctx, &info)) < 0)
		goto sink_fail;
	params__foreach(o->params, config_row, &cc);
	if (cc.rc < 0) {
		rc = cc.rc;
		goto sink_fail;
	}

	while ((rc = trace_reader__next(p.r, &rec)) == 1) {
		int e = chain ? scenario_chain__push(chain, rec) : feed(&p, rec);

		if (e < 0) {
			svt_err("replay: scenario '%s' failed at record %llu: %s",
				scenario_chain__spec(chain),
				(unsigned long long)trace_reader__nr_records(p.r), strerror(-e));
			status = e;
			rc = 0;
			break;
		}
		if (p.err)
			break;
		if (o->progress && !(trace_reader__nr_records(p.r) % PROGRESS_EVERY))
			o->progress(trace_reader__offset(p.r), info.trace_bytes, o->progress_ctx);
	}
	if (rc < 0) {
		svt_err("%s (replaying the good prefix)", trace_reader__errmsg(p.r));
		status = rc;
	}
	if (chain && (rc = scenario_chain__finish(chain)) < 0) {
		svt_err("replay: scenario '%s' failed at end of stream: %s",
			scenario_chain__spec(chain), strerror(-rc));
		status = status ? status : rc;
	}
	while (p.nr_held)
		release_one(&p);
	if (!p.err)
		p.err = expand__run(p.x, UINT64_MAX, expanded_access, &p);
	if (p.err) {
		svt_err("replay: stopped at record %llu: %s",
			(unsigned long long)trace_reader__nr_records(p.r), strerror(-p.err));
		status = status ? status : p.err;
	}
	model__finish(p.m, p.last_ns);
	if ((rc = wq_feed__finish(p.wq)) < 0 && !status)
		status = rc;
	if (o->progress)
		o->progress(info.trace_bytes, info.trace_bytes, o->progress_ctx);

	if ((rc = report_replay(&p, sink)) < 0 || (rc = model__report(p.m, sink)) < 0 ||
	    (rc = wq_feed__report(p.wq, sink)) < 0)
		goto sink_fail;
	if (sink->ops->end_run && (rc = sink->ops->end_run(sink->ctx, status)) < 0)
		goto sink_fail;
	scenario_chain__free(chain);
	rp_free(&p);
	return status;
sink_fail:
	svt_err("replay: results sink failed: %s", strerror(-rc));
	if (sink->ops->end_run)
		sink->ops->end_run(sink->ctx, rc);
	scenario_chain__free(chain);
	rp_free(&p);
	return rc;
}
