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
#include "model/metric_keys.h"
#include "model/xlate/model.h"
#include "replay/replay.h"
#include "replay/scenario.h"
#include "replay/wq_feed.h"
#include "trace/trace.h"

#define F(field) offsetof(struct replay_cfg, field)
#define SLOT_BYTES 128		/* largest fixed-size record we buffer */
#define PROGRESS_EVERY 65536	/* records between progress calls */
#define INTERN_BASE (1u << 30)	/* string ids a scenario adds (tenants) start here */
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

struct expansion {
	uint64_t due_ns;	/* when the device touches the next part */
	uint64_t seq;		/* creation order: tie-break */
	uint64_t start_ns;	/* when it touches the first byte */
	uint64_t iova;		/* start of the map */
	uint64_t bytes;		/* length of the map */
	uint64_t off;		/* next byte to touch */
	uint32_t dev;		/* device index */
	uint32_t pasid;		/* PASID */
	uint8_t write;		/* device writes */
};

struct rp {
	const struct replay_cfg *cfg;		/* replay parameters (expand resolved) */
	struct replay_cfg cfg_copy;		/* storage for cfg */
	const struct model_cfg *mcfg;		/* model parameters */
	struct model *m;			/* the model */
	struct wq_feed *wq;			/* work-queue model path (replay/wq_feed.h) */
	struct trace_reader *r;			/* input */
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
	/* pending expansions: min-heap by (due_ns, seq), one step per page/line */
	struct expansion *exp;			/* heap */
	uint64_t exp_nr, exp_cap, exp_seq;	/* used, allocated, next seq */
	/* devices: string id -> index + 1 (0 = not yet numbered) */
	uint32_t *dev_of_id;			/* indexed by string id */
	uint32_t dev_of_id_cap;			/* slots */
	uint32_t nr_devs;			/* devices numbered */
	/* strings a scenario transform added: id INTERN_BASE + i */
	char **interned;			/* names */
	uint32_t *dev_of_intern;		/* device index + 1 per name (0 = not yet) */
	uint32_t nr_interned;			/* names used (and allocated) */
	bool seen_iommu_map;			/* an iommu:map record was replayed */
	bool seen_dma_map;			/* a DMA-API map was replayed */
	bool prescan_access;			/* expand=auto: the prescan saw a dev_access */
	uint64_t first_ns, last_ns;		/* replayed time span */
	bool any;				/* first_ns valid */
	/* counters */
	uint64_t nr_records, nr_by_kind[TRACE_REC_KIND_MAX_ + 1], nr_late, max_held;
	uint64_t nr_maps, nr_dma_maps, nr_maps_expanded, nr_expanded_accesses, nr_qi[TRACE_QI_NR_TYPES];
	uint64_t nr_skipped;			/* generic or unknown kinds */
};

/* ---------------------------------------------------------------- devices */

static uint32_t dev_index(struct rp *p, uint32_t string_id)
{
	if (string_id >= INTERN_BASE && string_id - INTERN_BASE < p->nr_interned) {
		uint32_t *d = &p->dev_of_intern[string_id - INTERN_BASE];

		if (!*d)
			*d = p->nr_devs < MODEL_MAX_DEVS ? ++p->nr_devs : MODEL_MAX_DEVS;
		return *d - 1;
	}
	if (string_id >= p->dev_of_id_cap) {
		uint32_t cap = p->dev_of_id_cap ? p->dev_of_id_cap : 64;
		uint32_t *n;

		while (cap <= string_id)
			cap *= 2;
		n = realloc(p->dev_of_id, cap * sizeof(*n));
		if (!n)
			return 0;
		memset(n + p->dev_of_id_cap, 0, (cap - p->dev_of_id_cap) * sizeof(*n));
		p->dev_of_id = n;
		p->dev_of_id_cap = cap;
	}
	if (!p->dev_of_id[string_id]) {
		if (p->nr_devs >= MODEL_MAX_DEVS)
			return MODEL_MAX_DEVS - 1;
		p->dev_of_id[string_id] = ++p->nr_devs;
	}
	return p->dev_of_id[string_id] - 1;
}

static void fill_access(const struct rp *p, struct model_access *a, uint32_t dev, uint32_t pasid)
{
	a->dev = dev;
	a->sid = dev;
	a->domain = p->cfg->domain_per_device ? dev : 0;
	a->pasid = pasid == TRACE_NO_PASID ? 0 : pasid;
}

/* ---------------------------------------------------------------- expansion */

static bool exp_before(const struct expansion *a, const struct expansion *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void exp_sift_down(struct rp *p, uint64_t i)
{
	struct expansion x = p->exp[i];

	for (;;) {
		uint64_t c = 2 * i + 1;

		if (c >= p->exp_nr)
			break;
		if (c + 1 < p->exp_nr && exp_before(&p->exp[c + 1], &p->exp[c]))
			c++;
		if (!exp_before(&p->exp[c], &x))
			break;
		p->exp[i] = p->exp[c];
		i = c;
	}
	p->exp[i] = x;
}

static int exp_push(struct rp *p, struct expansion e)
{
	uint64_t i;

	if (p->exp_nr == p->exp_cap) {
		uint64_t cap = p->exp_cap ? 2 * p->exp_cap : 256;
		struct expansion *n = realloc(p->exp, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->exp = n;
		p->exp_cap = cap;
	}
	e.seq = p->exp_seq++;
	i = p->exp_nr++;
	while (i > 0) {
		uint64_t parent = (i - 1) / 2;

		if (!exp_before(&e, &p->exp[parent]))
			break;
		p->exp[i] = p->exp[parent];
		i = parent;
	}
	p->exp[i] = e;
	return 0;
}

/* Touch the next page (or line) of the earliest expansion; reschedule the rest. */
static void expand_step(struct rp *p)
{
	struct expansion *e = &p->exp[0];
	uint64_t unit = p->cfg->expand == REPLAY_EXPAND_PAGE ? p->mcfg->page_bytes : p->cfg->line_bytes;
	uint64_t bytes = e->bytes ? e->bytes : 1;
	uint64_t a_start = e->iova + e->off;
	/* up to the next unit boundary (page mode: the rest of this page) */
	uint64_t a_end = p->cfg->expand == REPLAY_EXPAND_PAGE ? (a_start | (unit - 1)) + 1 :
								 a_start + unit;
	struct model_access a = { .iova = a_start, .write = e->write };

	if (a_end > e->iova + bytes || a_end < a_start)
		a_end = e->iova + bytes;
	a.bytes = a_end - a_start;
	fill_access(p, &a, e->dev, e->pasid);
	model__advance(p->m, e->due_ns);
	model__access(p->m, e->due_ns, &a);
	p->nr_expanded_accesses++;
	e->off += a.bytes;
	if (e->off >= bytes) {
		p->exp[0] = p->exp[--p->exp_nr];
	} else {
		/* the device streams at expand_bytes_per_us */
		e->due_ns = e->start_ns + e->off * 1000 / p->cfg->expand_bytes_per_us;
	}
	if (p->exp_nr)
		exp_sift_down(p, 0);
}

/* Run the expansion steps due by @t_ns, in time order. */
static void exp_run(struct rp *p, uint64_t t_ns)
{
	while (p->exp_nr && p->exp[0].due_ns <= t_ns)
		expand_step(p);
}

static void maybe_expand(struct rp *p, bool from_dma, uint64_t ts, uint64_t iova, uint64_t bytes,
			 uint32_t dev, uint32_t pasid, bool write)
{
	uint32_t src = p->cfg->expand_source;
	struct expansion e = {
		.due_ns = ts + p->cfg->expand_delay_ns, .start_ns = ts + p->cfg->expand_delay_ns,
		.iova = iova, .bytes = bytes, .dev = dev, .pasid = pasid, .write = write,
	};
	bool yes;

	if (p->cfg->expand == REPLAY_EXPAND_OFF)
		return;
	if (src == REPLAY_EXPSRC_BOTH)
		yes = true;
	else if (src == REPLAY_EXPSRC_IOMMU)
		yes = !from_dma;
	else if (src == REPLAY_EXPSRC_DMA)
		yes = from_dma;
	else
		yes = from_dma || !p->seen_dma_map;
	if (!yes)
		return;
	if (exp_push(p, e) == 0)
		p->nr_maps_expanded++;
}

/* ---------------------------------------------------------------- records */

static uint32_t scn_intern(void *ctx, const char *s);

/*
 * A page request is PRI input for the model. Its device is the record's
 * device name, or, when the collector could not name it, its requester id
 * (one device per "sid:0xNNNN").
 */
static void page_req(struct rp *p, uint64_t ts, const struct trace_rec_page_req *q)
{
	struct model_page_req r = {
		.addr = q->addr, .grpid = q->grpid, .write = (q->rw & TRACE_PRQ_WRITE) != 0, .last = q->last,
	};
	struct model_access a;
	uint32_t id = q->device_id;

	if (!id) {
		char name[32];

		snprintf(name, sizeof(name), "sid:%#06x", q->sid & 0xffff);
		id = scn_intern(p, name);
	}
	fill_access(p, &a, dev_index(p, id), q->pasid);
	r.dev = a.dev;
	r.sid = a.sid;
	r.domain = a.domain;
	r.pasid = a.pasid;
	model__page_req(p->m, ts, &r);
}

/* qi_submit types pass to the model unchanged: its enum must match the trace's. */
#define SAME_QI(t) _Static_assert((int)MODEL_QI_##t == (int)TRACE_QI_##t, "qi type " #t)
SAME_QI(CC_INV);
SAME_QI(IOTLB_INV);
SAME_QI(DEV_TLB_INV);
SAME_QI(IEC_INV);
SAME_QI(INV_WAIT);
SAME_QI(P_IOTLB_INV);
SAME_QI(PC_INV);
SAME_QI(P_DEV_TLB_INV);
SAME_QI(PAGE_GRP_RESP);
#undef SAME_QI
_Static_assert((int)MODEL_QI_NR_TYPES_ == TRACE_QI_NR_TYPES, "qi type counters");

static void replay_rec(struct rp *p, const struct trace_rec *rec, uint64_t ts)
{
	uint32_t cpu = rec->cpu;

	exp_run(p, ts);
	model__advance(p->m, ts);
	if (!p->any) {
		p->first_ns = ts;
		p->any = true;
	}
	p->last_ns = ts;
	p->nr_records++;
	p->nr_by_kind[rec->kind < TRACE_REC_KIND_MAX_ ? rec->kind : TRACE_REC_KIND_MAX_]++;

	switch (rec->kind) {
	case TRACE_REC_DEV_ACCESS: {
		const struct trace_rec_dev_access *d = (const void *)rec;
		struct model_access a = { .iova = d->iova, .bytes = d->size_bytes,
					  .write = d->dir == TRACE_DIR_WRITE };

		fill_access(p, &a, dev_index(p, d->device_id), d->pasid);
		model__access(p->m, ts, &a);
		break;
	}
	case TRACE_REC_IOMMU_MAP: {
		const struct trace_rec_iommu_map *mp = (const void *)rec;
		uint32_t dev = mp->device_id ? dev_index(p, mp->device_id) : 0;

		p->seen_iommu_map = true;
		p->nr_maps++;
		model__map(p->m, ts, cpu, p->cfg->domain_per_device ? dev : 0, mp->iova,
			   mp->size_bytes);
		maybe_expand(p, false, ts, mp->iova, mp->size_bytes, dev, TRACE_NO_PASID,
			     false);
		break;
	}
	case TRACE_REC_IOMMU_UNMAP: {
		const struct trace_rec_iommu_unmap *u = (const void *)rec;
		uint32_t dev = u->device_id ? dev_index(p, u->device_id) : 0;

		model__unmap(p->m, ts, cpu, p->cfg->domain_per_device ? dev : 0, u->iova,
			     u->unmapped_bytes ? u->unmapped_bytes : u->size_bytes);
		break;
	}
	case TRACE_REC_DMA: {
		const struct trace_rec_dma *d = (const void *)rec;
		uint32_t dev = dev_index(p, d->device_id);
		uint32_t dom = p->cfg->domain_per_device ? dev : 0;
		bool map = d->op == TRACE_DMA_MAP_PAGE || d->op == TRACE_DMA_MAP_SG ||
			   d->op == TRACE_DMA_MAP_RESOURCE || d->op == TRACE_DMA_ALLOC;
		bool unmap = d->op == TRACE_DMA_UNMAP_PAGE || d->op == TRACE_DMA_UNMAP_SG ||
			     d->op == TRACE_DMA_UNMAP_RESOURCE || d->op == TRACE_DMA_FREE;

		if (map) {
			p->seen_dma_map = true;
			p->nr_dma_maps++;
			/* iommu:map records carry the IOMMU side when present; else the DMA map does */
			if (!p->seen_iommu_map)
				model__map(p->m, ts, cpu, dom, d->dma_addr, d->size_bytes);
			maybe_expand(p, true, ts, d->dma_addr, d->size_bytes, dev, TRACE_NO_PASID,
				     d->dir == TRACE_DMA_FROM_DEVICE);
		} else if (unmap && !p->seen_iommu_map) {
			model__unmap(p->m, ts, cpu, dom, d->dma_addr, d->size_bytes);
		}
		break;
	}
	case TRACE_REC_QI_SUBMIT: {
		const struct trace_rec_qi_submit *q = (const void *)rec;
		struct model_qi mq = {
			.type = q->type, .granularity = q->granularity,
			.domain = p->cfg->domain_per_device ? q->domain_id : IOTLB_ANY,
			.pasid = q->pasid == TRACE_NO_PASID ? IOTLB_ANY : q->pasid,
			.addr = q->addr, .addr_mask = q->addr_mask,
		};

		p->nr_qi[q->type & TRACE_QI_TYPE_MASK]++;
		model__qi(p->m, ts, &mq);
		break;
	}
	case TRACE_REC_PIN: {
		const struct trace_rec_pin *pn = (const void *)rec;

		if (pn->nr_done > 0)
			model__pin(p->m, ts, (uint64_t)pn->nr_done, pn->op == TRACE_UNPIN);
		break;
	}
	case TRACE_REC_WQ_SUBMIT: {
		const struct trace_rec_wq_submit *w = (const void *)rec;
		uint32_t dev = dev_index(p, w->device_id);

		if (p->cfg->expand_wq && w->status == 0 && w->xfer_bytes) {
			maybe_expand(p, true, ts, w->src, w->xfer_bytes, dev, w->pasid, false);
			maybe_expand(p, true, ts, w->dst, w->xfer_bytes, dev, w->pasid, true);
		}
		wq_feed__submit(p->wq, ts, w);
		break;
	}
	case TRACE_REC_WQ_COMPLETE:
		wq_feed__complete(p->wq, ts, (const void *)rec);
		break;
	case TRACE_REC_PAGE_REQ:
		page_req(p, ts, (const void *)rec);
		break;
	default:
		/* responses, faults, groups, waits, cache tags: counted, not modelled */
		break;
	}
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
	replay_rec(p, rec, ts);
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

static uint32_t scn_intern(void *ctx, const char *s)
{
	struct rp *p = ctx;
	char **n;
	uint32_t *d;

	for (uint32_t i = 0; i < p->nr_interned; i++)
		if (!strcmp(p->interned[i], s))
			return INTERN_BASE + i;
	n = realloc(p->interned, (p->nr_interned + 1) * sizeof(*n));
	if (!n)
		return 0;
	p->interned = n;
	d = realloc(p->dev_of_intern, (p->nr_interned + 1) * sizeof(*d));
	if (!d)
		return 0;
	p->dev_of_intern = d;
	n[p->nr_interned] = strdup(s);
	if (!n[p->nr_interned])
		return 0;
	d[p->nr_interned] = 0;
	return INTERN_BASE + p->nr_interned++;
}

static const char *scn_string(void *ctx, uint32_t id)
{
	struct rp *p = ctx;

	if (id >= INTERN_BASE)
		return id - INTERN_BASE < p->nr_interned ? p->interned[id - INTERN_BASE] : NULL;
	return trace_reader__string(p->r, id);
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
	/* time to finish: from the first record until the models' last work completed */
	uint64_t end_ns = p->last_ns;
	char key[64];
	int rc = 0;

	if (model__end_ns(p->m) > end_ns)
		end_ns = model__end_ns(p->m);
	if (wq_feed__end_ns(p->wq) > end_ns)
		end_ns = wq_feed__end_ns(p->wq);
	if ((rc = metric(s, KEY_RUN_DURATION, (double)(p->any ? end_ns - p->first_ns : 0), "ns")) < 0)
		return rc;

	if ((rc = metric(s, "replay.records", (double)p->nr_records, "records")) < 0 ||
	    (rc = metric(s, "replay.skipped", (double)p->nr_skipped, "records")) < 0 ||
	    (rc = metric(s, "replay.late_records", (double)p->nr_late, "records")) < 0 ||
	    (rc = metric(s, "replay.max_reorder_held", (double)p->max_held, "records")) < 0 ||
	    (rc = metric(s, "replay.span_ns", (double)(p->any ? p->last_ns - p->first_ns : 0), "ns")) < 0 ||
	    (rc = metric(s, "replay.devices", (double)p->nr_devs, "devices")) < 0 ||
	    (rc = metric(s, "replay.expand_mode", (double)p->cfg->expand, "0 off 1 page 2 line")) < 0 ||
	    (rc = metric(s, "replay.maps", (double)p->nr_maps, "maps")) < 0 ||
	    (rc = metric(s, "replay.dma_maps", (double)p->nr_dma_maps, "maps")) < 0 ||
	    (rc = metric(s, "replay.maps_expanded", (double)p->nr_maps_expanded, "maps")) < 0 ||
	    (rc = metric(s, "replay.expanded_accesses", (double)p->nr_expanded_accesses, "accesses")) < 0)
		return rc;
	for (unsigned int k = 1; k < TRACE_REC_KIND_MAX_; k++) {
		if (!p->nr_by_kind[k])
			continue;
		snprintf(key, sizeof(key), "replay.records.%s", trace_rec_kind_name(k));
		if ((rc = metric(s, key, (double)p->nr_by_kind[k], "records")) < 0)
			return rc;
	}
	for (unsigned int t = 0; t < TRACE_QI_NR_TYPES; t++) {
		const char *n = trace_qi_type_name(t);

		if (!p->nr_qi[t])
			continue;
		if (n)
			snprintf(key, sizeof(key), "trace.qi.%s", n);
		else
			snprintf(key, sizeof(key), "trace.qi.type_%u", t);
		if ((rc = metric(s, key, (double)p->nr_qi[t], "descriptors")) < 0)
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
	free(p->exp);
	free(p->dev_of_id);
	for (uint32_t i = 0; i < p->nr_interned; i++)
		free(p->interned[i]);
	free(p->interned);
	free(p->dev_of_intern);
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
	if (!p.m || !p.wq || !p.slots || !p.free_slots || !p.heap) {
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
	exp_run(&p, UINT64_MAX);
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
