// SPDX-License-Identifier: GPL-2.0
/*
 * wq.c - the work-queue model: clients (cores) submitting descriptors to
 * dedicated or shared WQs, engines serving them, completions noticed by the
 * clients; all on the shared event core. Descriptors live in one pool
 * indexed by uint32_t and recycled through a free list, so the hot path does
 * not allocate once the pool has reached the run's peak.
 *
 * Model assumptions: see wq.h (they are the module's contract).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hist.h"
#include "lib/series.h"
#include "model/metric_keys.h"
#include "model/wq/wq-local.h"
#include "model/wq/wq_params.h"

#define NIL UINT32_MAX
#define SERIES_MAX_WINDOWS 4096 /* windows before the window doubles */
#define CLIENT_HIST_MAX 256	/* clients with their own e2e histogram */

struct desc {
	struct wq_desc d;	       /* what the client submitted */
	uint64_t ready_ns;	       /* issued: the client wanted to submit */
	uint64_t accept_ns;	       /* entered the WQ */
	uint64_t start_ns;	       /* an engine took it (left the WQ) */
	uint64_t run_ns;	       /* the engine began its exclusive work on it */
	uint64_t xlate_done_ns;	       /* overlap: its translation is done */
	uint64_t think_ns;	       /* script: delay before issue after a slot frees */
	uint32_t client;	       /* submitting client */
	uint32_t next;		       /* FIFO or free-list link */
	uint32_t nr_failed;	       /* ENQCMD attempts answered "retry" */
	uint32_t done_bytes;	       /* bytes this piece moves (< xfer_bytes: partial) */
	uint64_t mark_ns;	       /* its end-to-end time is charged to parts up to here */
	uint64_t part_ns[WQ_PART_NR_]; /* that time by enum wq_part */
	uint8_t credit_wait;	       /* DWQ: its client blocked on a slot with it first in line */
	uint8_t partial;	       /* block_on_fault=0: stopped at a page fault */
	uint8_t accepted;	       /* last ENQCMD decision */
	uint8_t closed;		       /* issued by the closed loop (frees a slot when done) */
};

struct wqs {
	struct wq_wq_cfg cfg;	 /* configuration */
	uint32_t *ring;		 /* queued descriptors, capacity cfg.size */
	uint32_t head;		 /* ring index of the oldest */
	uint32_t count;		 /* entries used */
	uint32_t in_system;	 /* accepted, not completed */
	uint32_t credits_used;	 /* DWQ: slots reserved by clients */
	uint32_t nr_owners;	 /* clients mapped to it */
	uint32_t lock_owner;	 /* shared DWQ: last lock holder */
	uint64_t lock_free_ns;	 /* shared DWQ: lock released at */
	uint32_t waiters_head;	 /* DWQ: clients waiting for a slot */
	uint32_t waiters_tail;	 /* last waiter */
	int64_t wrr_current;	 /* smooth weighted round robin state */
	uint64_t last_change_ns; /* areas integrated up to here */
	struct wq_wq_stats st;	 /* counters */
	struct hist sojourn;	 /* accept -> completion */
	int occ;		 /* series id: WQ entries used over time */
	char occ_key[24];	 /* its key, wq.N.occupancy */
};

struct engine {
	uint32_t group;		/* group index */
	uint32_t cur;		/* descriptor in service, NIL if idle */
	uint32_t next;		/* overlap: taken ahead, translating or translated, NIL if none */
	uint32_t next_sub;	/* batch: next work descriptor to run */
	uint64_t xlate_free_ns; /* overlap: translation stage busy until */
	uint64_t busy_ns;	/* time with a descriptor in service */
};

struct group {
	uint32_t first_engine;	  /* index of its first engine */
	uint32_t nr_engines;	  /* engines */
	uint32_t nr_wqs;	  /* WQs in the group */
	uint32_t wqs[WQ_MAX_WQS]; /* their indexes */
};

struct client {
	struct wq_client_cfg cfg;	   /* configuration */
	struct prng rng;		   /* own PRNG stream (PRNG_STREAM_WQ_CLIENT, index) */
	uint32_t ready_head, ready_tail;   /* issued, waiting for the core */
	uint32_t script_head, script_tail; /* closed-loop script not yet issued */
	uint64_t nr_generated;		   /* generated descriptors */
	uint32_t inflight;		   /* closed-loop slots in use */
	uint32_t nr_outstanding;	   /* accepted, completion not yet noticed */
	uint64_t outstanding_since_ns;	   /* nr_outstanding > 0 since */
	uint64_t outstanding_ns;	   /* time with nr_outstanding > 0 */
	uint64_t overlap_ns;		   /* submission time while outstanding > 0 */
	bool core_busy;			   /* in a submission; an event ends it */
	bool op_overlap;		   /* current op started with outstanding > 0 */
	bool waiting_credit;		   /* on its DWQ's waiter list */
	uint32_t next_waiter;		   /* waiter-list link */
	uint64_t busy_until_ns;		   /* end of the current op, as far as known */
	uint64_t op_start_ns;		   /* start of the current op */
	uint64_t wait_since_ns;		   /* credit wait started */
	struct wq_client_stats st;	   /* counters */
	struct hist submit;		   /* issue -> accepted (sum/nr only) */
	struct hist e2e;		   /* issue -> noticed */
};

struct wq_model {
	struct wq_config cfg;		    /* validated configuration */
	struct sim *sim;		    /* event core */
	struct series *series;		    /* occupancy series, origin = first time seen */
	bool own_sim;			    /* sim created (and freed) here */
	const struct wq_xlate_ops *xops;    /* translation stalls, NULL: none */
	void *xctx;			    /* their context */
	const struct wq_retry_ops *retry;   /* ENQCMD (user space) retry policy */
	const struct wq_retry_ops *retry_s; /* ENQCMDS (kernel) retry policy */
	struct wqs wq[WQ_MAX_WQS];	    /* work queues */
	struct group grp[WQ_MAX_GROUPS];    /* groups */
	struct engine *eng;		    /* engines */
	uint32_t nr_engines;		    /* engines in all */
	struct client *cl;		    /* clients */
	uint32_t nr_clients;		    /* clients in use */
	uint32_t cap_clients;		    /* clients allocated */
	struct desc *pool;		    /* descriptors */
	uint32_t pool_cap;		    /* pool slots */
	uint32_t free_head;		    /* free list */
	uint64_t pipe_free_ns;		    /* device data path reserved until */
	uint64_t pipe_bw_bytes_per_s;	    /* device data path rate (read-buffer bound) */
	bool overlap;			    /* translation overlaps data movement */
	uint64_t xlate_exposed_ns;	    /* engine time waiting on translation only */
	struct prng rng;		    /* model PRNG (service times) */
	uint64_t end_ns;		    /* time of the last event handled */
	uint64_t xlate_stall_ns;	    /* translation stalls, summed */
	uint64_t nr_xlate_calls;	    /* calls into xops */
	uint64_t part_ns[WQ_PART_NR_];	    /* completed descriptors' parts (enum wq_part) */
	struct hist sojourn_all;	    /* accept -> completion, all WQs */
	struct hist submit_all;		    /* issue -> accepted, all clients */
	struct hist e2e_all;		    /* issue -> noticed, all clients */
	struct hist wait_all;		    /* accepted -> dispatched to an engine */
	int err;			    /* first failure inside a handler */
};

const char *const wq_part_names[WQ_PART_NR_] = {
    [WQ_PART_CORE_WAIT] = "core_wait", [WQ_PART_CREDIT_WAIT] = "credit_wait",
    [WQ_PART_PREP] = "prep",	       [WQ_PART_LOCK] = "lock",
    [WQ_PART_PORTAL] = "portal",       [WQ_PART_ENQCMD_RETRY] = "enqcmd_retry",
    [WQ_PART_WQ_WAIT] = "wq_wait",     [WQ_PART_XLATE_STALL] = "xlate_stall",
    [WQ_PART_ENGINE] = "engine",       [WQ_PART_NOTICE] = "notice",
    [WQ_PART_FAULT] = "fault",
};

/* ---- small helpers ---- */

/*
 * Charge @d's time from its mark up to @t to part @p. Every stage calls
 * this when the descriptor leaves it (@t may lie ahead of the event clock
 * when the stage's end is already known), so the parts telescope to
 * noticed - ready exactly.
 */
static inline void charge(struct desc *d, enum wq_part p, uint64_t t)
{
	d->part_ns[p] += t - d->mark_ns;
	d->mark_ns = t;
}

static inline uint64_t xfer_ns(uint64_t bytes, uint64_t bytes_per_s)
{
	return (uint64_t)(((unsigned __int128)bytes * 1000000000u + bytes_per_s - 1) / bytes_per_s);
}

static void sched(struct wq_model *m, uint64_t t, sim_handler_fn fn, uint64_t arg)
{
	int rc = sim__schedule(m->sim, t, fn, m, arg, 0);

	if (rc && !m->err)
		m->err = rc;
}

static uint32_t desc_alloc(struct wq_model *m)
{
	uint32_t i;

	if (m->free_head == NIL) {
		uint32_t ncap = m->pool_cap ? m->pool_cap * 2 : 1024;
		struct desc *p = realloc(m->pool, (size_t)ncap * sizeof(*p));

		if (!p || ncap <= m->pool_cap)
			return NIL;
		m->pool = p;
		for (i = m->pool_cap; i < ncap; i++)
			p[i].next = i + 1 < ncap ? i + 1 : NIL;
		m->free_head = m->pool_cap;
		m->pool_cap = ncap;
	}
	i = m->free_head;
	m->free_head = m->pool[i].next;
	memset(&m->pool[i], 0, sizeof(m->pool[i]));
	m->pool[i].next = NIL;
	return i;
}

static void desc_free(struct wq_model *m, uint32_t i)
{
	m->pool[i].next = m->free_head;
	m->free_head = i;
}

static inline uint64_t desc_bytes(const struct wq_desc *d)
{
	return (uint64_t)d->xfer_bytes * (d->batch_n ? d->batch_n : 1);
}

static inline uint32_t desc_nr_work(const struct wq_desc *d)
{
	return d->batch_n ? d->batch_n : 1;
}

static void fifo_push(struct wq_model *m, uint32_t *head, uint32_t *tail, uint32_t i)
{
	m->pool[i].next = NIL;
	if (*head == NIL)
		*head = i;
	else
		m->pool[*tail].next = i;
	*tail = i;
}

static uint32_t fifo_pop(struct wq_model *m, uint32_t *head, uint32_t *tail)
{
	uint32_t i = *head;

	if (i == NIL)
		return NIL;
	*head = m->pool[i].next;
	if (*head == NIL)
		*tail = NIL;
	return i;
}

/* Integrate a WQ's occupancy areas up to now before a change. */
static void wq_touch(struct wq_model *m, struct wqs *q, uint64_t now)
{
	uint64_t dt = now - q->last_change_ns;

	if (dt) {
		q->st.system_area += (uint64_t)q->in_system * dt;
		q->st.queue_area += (uint64_t)q->count * dt;
		if (q->count)
			series__span(m->series, q->occ, q->last_change_ns, now, q->count);
		q->last_change_ns = now;
	}
	(void)m;
}

static void client_outstanding(struct client *c, uint64_t now, int delta)
{
	if (c->nr_outstanding)
		c->outstanding_ns += now - c->outstanding_since_ns;
	c->outstanding_since_ns = now;
	c->nr_outstanding = (uint32_t)((int)c->nr_outstanding + delta);
}

static void op_begin(struct client *c, uint64_t now)
{
	c->core_busy = true;
	c->op_start_ns = now;
	c->op_overlap = c->nr_outstanding > 0;
}

static void op_end(struct client *c, uint64_t now)
{
	uint64_t d = now - c->op_start_ns;

	c->st.cpu_submit_ns += d;
	if (c->op_overlap)
		c->overlap_ns += d;
	c->core_busy = false;
}

/* ---- service ---- */

/*
 * Translation time of one (work) descriptor's accesses at @t: the source
 * read and the destination access. With overlap their requests are in
 * flight together (the stall is the longer one); without, one after the
 * other (their sum). Every call's own latency is summed in xlate_stall_ns.
 */
static uint64_t xlate_ns(struct wq_model *m, uint32_t pasid, uint32_t op, uint64_t bytes,
			 uint64_t src, uint64_t dst, uint64_t t)
{
	bool rd_src = op == WQ_OP_MEMMOVE || op == WQ_OP_COMPARE || op == WQ_OP_CRC;
	bool rd_dst = op == WQ_OP_COMPARE;
	bool wr_dst = op == WQ_OP_MEMMOVE || op == WQ_OP_FILL;
	bool together = m->overlap;
	uint64_t xs = 0, xd = 0;

	if (!m->xops || op == WQ_OP_NOOP)
		return 0;
	if (rd_src) {
		xs = m->xops->stall_ns(m->xctx, pasid, src, bytes, false, t);
		m->nr_xlate_calls++;
	}
	if (rd_dst || wr_dst) {
		xd = m->xops->stall_ns(m->xctx, pasid, dst, bytes, wr_dst, together ? t : t + xs);
		m->nr_xlate_calls++;
	}
	m->xlate_stall_ns += xs + xd;
	if (!together)
		return xs + xd;
	return xs > xd ? xs : xd;
}

/* End of moving @bytes when the engine starts on them at @t (overhead + data). */
static uint64_t move_done_ns(struct wq_model *m, uint64_t bytes, uint64_t t, bool use_pipe)
{
	uint64_t eng_done, pipe_start, pipe_done;

	t += m->cfg.desc_overhead_ns;
	eng_done = t + xfer_ns(bytes, m->cfg.engine_bw_bytes_per_s);
	if (!use_pipe)
		return eng_done;
	pipe_start = m->pipe_free_ns > t ? m->pipe_free_ns : t;
	pipe_done = pipe_start + xfer_ns(bytes, m->pipe_bw_bytes_per_s);
	m->pipe_free_ns = pipe_done;
	return eng_done > pipe_done ? eng_done : pipe_done;
}

/* Serial translate-then-move of one work descriptor (batch members, no overlap). */
static uint64_t work_done_ns(struct wq_model *m, uint32_t pasid, uint32_t op, uint64_t bytes,
			     uint64_t src, uint64_t dst, uint64_t t, bool use_pipe,
			     uint64_t *xlate_out)
{
	uint64_t x = xlate_ns(m, pasid, op, bytes, src, dst, t);

	m->xlate_exposed_ns += x;
	*xlate_out = x;
	return move_done_ns(m, bytes, t + x, use_pipe);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * Translation of a single (non-batch) descriptor at @t. On a WQ with
 * block_on_fault=0 it first asks where its accesses reach a page that is not
 * present: the descriptor then stops there (d->partial, d->done_bytes) and
 * only the pages before it are translated (the failed lookup of the
 * faulting page costs one page's translation when nothing precedes it).
 */
static uint64_t desc_xlate(struct wq_model *m, struct desc *d, uint64_t t)
{
	const struct wq_desc *w = &d->d;
	const struct client *c = &m->cl[d->client];
	uint64_t bytes = w->xfer_bytes;

	d->done_bytes = w->xfer_bytes;
	d->partial = 0;
	if (m->xops && m->xops->fault_offset && !m->wq[c->cfg.wq].cfg.block_on_fault && bytes &&
	    w->opcode != WQ_OP_NOOP) {
		bool rd_src = w->opcode != WQ_OP_FILL;
		bool wr_dst = w->opcode == WQ_OP_MEMMOVE || w->opcode == WQ_OP_FILL;
		bool dst = wr_dst || w->opcode == WQ_OP_COMPARE;
		uint64_t fo = UINT64_MAX;

		if (rd_src)
			fo = m->xops->fault_offset(m->xctx, c->cfg.pasid, w->src, bytes, false, t);
		if (dst)
			fo = min_u64(fo, m->xops->fault_offset(m->xctx, c->cfg.pasid, w->dst, bytes,
							       wr_dst, t));
		if (fo < bytes) {
			d->partial = 1;
			d->done_bytes = (uint32_t)fo;
			bytes = fo;
		}
	}
	return xlate_ns(m, c->cfg.pasid, w->opcode, bytes ? bytes : 1, w->src, w->dst, t);
}

/*
 * End of a single (non-batch) descriptor started at @now, translation
 * serial. An exponential service time scales the whole; the translation
 * part is then what of it the translation took, at most all of it.
 */
static uint64_t service_done_ns(struct wq_model *m, struct desc *d, uint64_t now)
{
	bool exp = m->cfg.service_dist == WQ_DIST_EXP;
	uint64_t x = desc_xlate(m, d, now), t;

	m->xlate_exposed_ns += x;
	t = move_done_ns(m, d->done_bytes, now + x, !exp);
	if (exp)
		t = now + wq_rng_exp_ns(&m->rng, t - now);
	charge(d, WQ_PART_XLATE_STALL, now + min_u64(x, t - now));
	return t;
}

/* ---- event handlers ---- */

static void ev_engine_done(struct sim *s, const struct sim_event *ev);
static void ev_xlate_free(struct sim *s, const struct sim_event *ev);
static void ev_notice(struct sim *s, const struct sim_event *ev);
static void ev_resubmit(struct sim *s, const struct sim_event *ev);
static void ev_core_free(struct sim *s, const struct sim_event *ev);
static void ev_posted(struct sim *s, const struct sim_event *ev);
static void ev_enq_arrive(struct sim *s, const struct sim_event *ev);
static void ev_enq_result(struct sim *s, const struct sim_event *ev);
static void ev_enq_issue(struct sim *s, const struct sim_event *ev);
static void ev_issue(struct sim *s, const struct sim_event *ev);
static void slot_freed(struct wq_model *m, uint32_t ci, uint64_t now);
static void issue_one(struct wq_model *m, uint32_t ci, uint64_t now);

/* @di leaves its WQ for engine @e at @now. */
static void engine_take(struct wq_model *m, struct desc *d, uint64_t now)
{
	charge(d, WQ_PART_WQ_WAIT, now);
	d->start_ns = now;
	m->wq[m->cl[d->client].cfg.wq].st.sum_wait_ns += now - d->accept_ns;
	hist_add(&m->wait_all, now - d->accept_ns);
}

/*
 * Overlap: translate @di now on @e's translation stage; its data moves when
 * both the translation and the engine's current descriptor are done.
 */
static void engine_translate(struct wq_model *m, uint32_t e, uint32_t di, uint64_t now)
{
	struct engine *en = &m->eng[e];
	struct desc *d = &m->pool[di];
	const struct wq_desc *w = &d->d;

	d->xlate_done_ns = now;
	if (!w->batch_n) /* a batch translates member by member when it runs */
		d->xlate_done_ns += desc_xlate(m, d, now);
	en->xlate_free_ns = d->xlate_done_ns;
	if (d->xlate_done_ns > now)
		sched(m, d->xlate_done_ns, ev_xlate_free, e);
}

/* @e begins its exclusive work on @di at @now (its translation may still run). */
static void engine_run(struct wq_model *m, uint32_t e, uint32_t di, uint64_t now)
{
	struct desc *d = &m->pool[di];
	uint64_t t;

	m->eng[e].cur = di;
	m->eng[e].next_sub = 0;
	d->run_ns = now;
	/* overlap: taken ahead, it waited for the engine's previous descriptor */
	charge(d, WQ_PART_WQ_WAIT, now);
	/*
	 * A batch steps through its work descriptors one event each, so that
	 * each reserves the device data path when it really starts.
	 */
	if (d->d.batch_n) {
		sched(m, now + m->cfg.batch_fetch_ns, ev_engine_done, e);
		return;
	}
	if (!m->overlap) {
		sched(m, service_done_ns(m, d, now), ev_engine_done, e);
		return;
	}
	t = d->xlate_done_ns > now ? d->xlate_done_ns : now;
	m->xlate_exposed_ns += t - now;
	charge(d, WQ_PART_XLATE_STALL, t);
	sched(m, move_done_ns(m, d->done_bytes, t, true), ev_engine_done, e);
}

/* Smooth weighted round robin over the group's non-empty WQs. */
static struct wqs *arbitrate(struct wq_model *m, struct group *g)
{
	struct wqs *best = NULL;
	int64_t total = 0;
	uint32_t i;

	for (i = 0; i < g->nr_wqs; i++) {
		struct wqs *q = &m->wq[g->wqs[i]];

		if (!q->count)
			continue;
		q->wrr_current += q->cfg.priority;
		total += q->cfg.priority;
		if (!best || q->wrr_current > best->wrr_current)
			best = q;
	}
	if (best)
		best->wrr_current -= total;
	return best;
}

static struct wqs *pick_wq(struct wq_model *m, struct group *g)
{
	if (g->nr_wqs == 1)
		return m->wq[g->wqs[0]].count ? &m->wq[g->wqs[0]] : NULL;
	return arbitrate(m, g);
}

/*
 * Give the group's engines work: an idle engine takes a descriptor and runs
 * it; with overlap, an engine whose translation stage is free also takes one
 * descriptor ahead (translated while the current one moves its data).
 */
static void dispatch(struct wq_model *m, uint32_t group, uint64_t now)
{
	struct group *g = &m->grp[group];
	uint32_t e;

	for (e = g->first_engine; e < g->first_engine + g->nr_engines; e++) {
		struct engine *en = &m->eng[e];
		struct wqs *q;
		uint32_t di;

		if (en->cur != NIL && (!m->overlap || en->next != NIL || en->xlate_free_ns > now ||
				       m->pool[en->cur].d.batch_n))
			continue;
		q = pick_wq(m, g);
		if (!q)
			return;
		wq_touch(m, q, now);
		di = q->ring[q->head];
		q->head = q->head + 1 == q->cfg.size ? 0 : q->head + 1;
		q->count--;
		engine_take(m, &m->pool[di], now);
		if (m->overlap)
			engine_translate(m, e, di, now);
		if (en->cur == NIL)
			engine_run(m, e, di, now);
		else
			en->next = di;
	}
}

static void wq_enqueue(struct wq_model *m, struct wqs *q, uint32_t di, uint64_t now)
{
	struct desc *d = &m->pool[di];
	struct client *c = &m->cl[d->client];
	uint32_t tail;

	wq_touch(m, q, now);
	if (q->count == q->cfg.size) { /* posted write to a full WQ: dropped */
		bool closed = d->closed;
		uint32_t ci = d->client;

		q->st.nr_dropped++;
		c->st.nr_rejected++;
		if (q->cfg.mode == WQ_MODE_DEDICATED)
			q->credits_used--;
		desc_free(m, di);
		if (closed)
			slot_freed(m, ci, now);
		return;
	}
	tail = q->head + q->count;
	if (tail >= q->cfg.size)
		tail -= q->cfg.size;
	q->ring[tail] = di;
	q->count++;
	q->in_system++;
	if (q->count > q->st.max_queue)
		q->st.max_queue = q->count;
	d->accept_ns = now;
	charge(d, WQ_PART_PORTAL, now);
	q->st.nr_accepted++;
	q->st.bytes_accepted += desc_bytes(&d->d);
	c->st.nr_accepted++;
	c->st.sum_submit_ns += now - d->ready_ns;
	hist_add(&m->submit_all, now - d->ready_ns);
	client_outstanding(c, now, +1);
	dispatch(m, q->cfg.group, now);
}

static void enq_issue(struct wq_model *m, uint32_t di, uint64_t t)
{
	struct client *c = &m->cl[m->pool[di].client];

	c->busy_until_ns = t + m->cfg.enqcmd_rtt_ns;
	sched(m, t + m->cfg.portal_oneway_ns, ev_enq_arrive, di);
	sched(m, t + m->cfg.enqcmd_rtt_ns, ev_enq_result, di);
}

static void submit_dwq(struct wq_model *m, uint32_t ci, uint32_t di, uint64_t now)
{
	struct client *c = &m->cl[ci];
	struct wqs *q = &m->wq[c->cfg.wq];
	uint64_t t0 = now + m->cfg.desc_prep_ns, grant = t0, release;

	op_begin(c, now);
	charge(&m->pool[di], WQ_PART_PREP, t0);
	if (q->nr_owners > 1) {
		uint64_t avail = q->lock_free_ns > t0 ? q->lock_free_ns : t0;

		c->st.lock_wait_ns += avail - t0;
		grant = avail + m->cfg.lock_acquire_ns +
			(q->lock_owner != ci ? m->cfg.lock_handoff_ns : 0);
		q->lock_owner = ci;
	}
	charge(&m->pool[di], WQ_PART_LOCK, grant);
	release = grant + m->cfg.movdir64b_ns;
	if (q->nr_owners > 1)
		q->lock_free_ns = release;
	c->busy_until_ns = release;
	sched(m, release + m->cfg.portal_oneway_ns, ev_posted, di);
	sched(m, release, ev_core_free, ci);
}

/* Start the next submission if the core is free and a descriptor is ready. */
static void kick(struct wq_model *m, uint32_t ci, uint64_t now)
{
	struct client *c = &m->cl[ci];
	struct wqs *q = &m->wq[c->cfg.wq];
	uint32_t di;

	if (c->core_busy || c->waiting_credit || c->ready_head == NIL)
		return;
	if (q->cfg.mode == WQ_MODE_DEDICATED) {
		if (q->credits_used >= q->cfg.size) {
			struct desc *h = &m->pool[c->ready_head];

			charge(h, h->credit_wait ? WQ_PART_CREDIT_WAIT : WQ_PART_CORE_WAIT, now);
			h->credit_wait = 1;
			c->waiting_credit = true;
			c->wait_since_ns = now;
			c->next_waiter = NIL;
			if (q->waiters_head == NIL)
				q->waiters_head = ci;
			else
				m->cl[q->waiters_tail].next_waiter = ci;
			q->waiters_tail = ci;
			return;
		}
		di = fifo_pop(m, &c->ready_head, &c->ready_tail);
		charge(&m->pool[di],
		       m->pool[di].credit_wait ? WQ_PART_CREDIT_WAIT : WQ_PART_CORE_WAIT, now);
		m->pool[di].credit_wait = 0;
		q->credits_used++;
		submit_dwq(m, ci, di, now);
		return;
	}
	di = fifo_pop(m, &c->ready_head, &c->ready_tail);
	op_begin(c, now);
	charge(&m->pool[di], WQ_PART_CORE_WAIT, now);
	charge(&m->pool[di], WQ_PART_PREP, now + m->cfg.desc_prep_ns);
	m->pool[di].nr_failed = 0;
	enq_issue(m, di, now + m->cfg.desc_prep_ns);
}

static bool has_work(const struct client *c)
{
	return c->script_head != NIL ||
	       (c->cfg.driver == WQ_DRIVER_CLOSED && c->nr_generated < c->cfg.nr_desc);
}

static uint32_t generate(struct wq_model *m, uint32_t ci)
{
	struct client *c = &m->cl[ci];
	uint64_t stride = c->cfg.addr_stride_bytes;
	uint32_t di = desc_alloc(m);
	struct desc *d;

	if (di == NIL)
		return NIL;
	c = &m->cl[ci];
	d = &m->pool[di];
	d->d = c->cfg.tmpl;
	if (!stride)
		stride = desc_bytes(&c->cfg.tmpl);
	d->d.src += c->nr_generated * stride;
	d->d.dst += c->nr_generated * stride;
	d->client = ci;
	c->nr_generated++;
	return di;
}

static void make_ready(struct wq_model *m, uint32_t ci, uint32_t di, uint64_t now)
{
	struct client *c = &m->cl[ci];

	m->pool[di].ready_ns = now;
	m->pool[di].mark_ns = now;
	c->st.nr_issued++;
	c->st.bytes_issued += desc_bytes(&m->pool[di].d);
	fifo_push(m, &c->ready_head, &c->ready_tail, di);
	kick(m, ci, now);
}

/* A closed-loop slot is free again: issue the next after its think time. */
static void slot_freed(struct wq_model *m, uint32_t ci, uint64_t now)
{
	struct client *c = &m->cl[ci];
	uint64_t think;

	if (!has_work(c)) {
		c->inflight--;
		return;
	}
	if (c->script_head != NIL)
		think = m->pool[c->script_head].think_ns;
	else if (c->cfg.think_dist == WQ_DIST_EXP)
		think = wq_rng_exp_ns(&c->rng, c->cfg.think_ns);
	else
		think = c->cfg.think_ns;
	if (!think)
		issue_one(m, ci, now); /* saves an event per descriptor */
	else
		sched(m, now + think, ev_issue, ci);
}

/* Issue one closed-loop descriptor into a slot reserved by the caller. */
static void issue_one(struct wq_model *m, uint32_t ci, uint64_t now)
{
	struct client *c = &m->cl[ci];
	uint32_t di;

	if (c->script_head != NIL)
		di = fifo_pop(m, &c->script_head, &c->script_tail);
	else if (has_work(c))
		di = generate(m, ci);
	else
		di = NIL;
	if (di == NIL) { /* nothing after all (or out of memory) */
		if (m->cl[ci].inflight)
			m->cl[ci].inflight--;
		return;
	}
	m->pool[di].closed = 1;
	make_ready(m, ci, di, now);
}

static void ev_issue(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;

	m->end_ns = sim__now_ns(s);
	issue_one(m, (uint32_t)ev->arg, m->end_ns);
}

static void ev_start(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t ci = (uint32_t)ev->arg;
	uint64_t now = sim__now_ns(s);

	m->end_ns = now;
	while (m->cl[ci].inflight < m->cl[ci].cfg.queue_depth && has_work(&m->cl[ci])) {
		m->cl[ci].inflight++;
		issue_one(m, ci, now);
	}
}

static void ev_poisson(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t ci = (uint32_t)ev->arg, di;
	uint64_t now = sim__now_ns(s);

	m->end_ns = now;
	if (m->cl[ci].nr_generated >= m->cl[ci].cfg.nr_desc)
		return;
	di = generate(m, ci);
	if (di == NIL) {
		if (!m->err)
			m->err = -ENOMEM;
		return;
	}
	if (m->cl[ci].nr_generated < m->cl[ci].cfg.nr_desc)
		sched(m, now + wq_rng_exp_ns(&m->cl[ci].rng, m->cl[ci].cfg.interarrival_ns),
		      ev_poisson, ci);
	make_ready(m, ci, di, now);
}

static void ev_arrival(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t di = (uint32_t)ev->arg;

	m->end_ns = sim__now_ns(s);
	make_ready(m, m->pool[di].client, di, m->end_ns);
}

static void ev_core_free(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t ci = (uint32_t)ev->arg;
	uint64_t now = sim__now_ns(s);

	m->end_ns = now;
	op_end(&m->cl[ci], now);
	kick(m, ci, now);
}

static void ev_posted(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t di = (uint32_t)ev->arg;
	struct wqs *q = &m->wq[m->cl[m->pool[di].client].cfg.wq];

	m->end_ns = sim__now_ns(s);
	wq_enqueue(m, q, di, m->end_ns);
}

static void ev_enq_arrive(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t di = (uint32_t)ev->arg;
	struct desc *d = &m->pool[di];
	struct client *c = &m->cl[d->client];
	struct wqs *q = &m->wq[c->cfg.wq];
	uint32_t limit = c->cfg.privileged ? q->cfg.size : q->cfg.threshold;

	m->end_ns = sim__now_ns(s);
	if (q->count < limit) {
		d->accepted = 1;
		/* this attempt left the core portal_oneway_ns ago */
		charge(d, WQ_PART_ENQCMD_RETRY, m->end_ns - m->cfg.portal_oneway_ns);
		wq_enqueue(m, q, di, m->end_ns);
	} else {
		d->accepted = 0;
		q->st.nr_retry_answers++;
	}
}

static void ev_enq_result(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t di = (uint32_t)ev->arg;
	struct desc *d = &m->pool[di];
	uint32_t ci = d->client;
	struct client *c = &m->cl[ci];
	uint64_t now = sim__now_ns(s);
	int64_t delay;
	bool closed;

	m->end_ns = now;
	if (d->accepted) {
		op_end(c, now);
		kick(m, ci, now);
		return;
	}
	d->nr_failed++;
	delay = (c->cfg.privileged ? m->retry_s : m->retry)
		    ->next_delay_ns(&m->cfg, d->nr_failed, &c->rng);
	if (delay >= 0) {
		c->st.nr_retries++;
		c->busy_until_ns = now + (uint64_t)delay + m->cfg.enqcmd_rtt_ns;
		sched(m, now + (uint64_t)delay, ev_enq_issue, di);
		return;
	}
	/* -EAGAIN: the submitter gives this descriptor up */
	c->st.nr_rejected++;
	op_end(c, now);
	closed = d->closed;
	desc_free(m, di);
	if (closed)
		slot_freed(m, ci, now);
	kick(m, ci, now);
}

static void ev_enq_issue(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;

	m->end_ns = sim__now_ns(s);
	enq_issue(m, (uint32_t)ev->arg, m->end_ns);
}

static void ev_engine_done(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t e = (uint32_t)ev->arg, di = m->eng[e].cur;
	struct desc *d = &m->pool[di];
	struct client *c = &m->cl[d->client];
	struct wqs *q = &m->wq[c->cfg.wq];
	uint64_t now = sim__now_ns(s), detect, tn;

	m->end_ns = now;
	charge(d, WQ_PART_ENGINE, now);
	if (m->eng[e].next_sub < d->d.batch_n) {
		const struct wq_desc *w = &d->d;
		uint64_t off = (uint64_t)m->eng[e].next_sub++ * w->xfer_bytes, x, t;

		t = work_done_ns(m, c->cfg.pasid, w->opcode, w->xfer_bytes, w->src + off,
				 w->dst + off, now, true, &x);
		charge(d, WQ_PART_XLATE_STALL, now + x);
		sched(m, t, ev_engine_done, e);
		return;
	}
	wq_touch(m, q, now);
	q->in_system--;
	q->st.nr_completed++;
	if (d->partial)
		q->st.nr_partial++;
	else
		q->st.nr_desc_completed += desc_nr_work(&d->d);
	q->st.bytes_completed += d->d.batch_n ? desc_bytes(&d->d) : d->done_bytes;
	q->st.sum_sojourn_ns += now - d->accept_ns;
	q->st.sum_service_ns += now - d->start_ns;
	hist_add(&q->sojourn, now - d->accept_ns);
	hist_add(&m->sojourn_all, now - d->accept_ns);
	m->eng[e].busy_ns += now - d->run_ns;
	m->eng[e].cur = NIL;
	if (m->eng[e].next != NIL) {
		uint32_t nx = m->eng[e].next;

		m->eng[e].next = NIL;
		engine_run(m, e, nx, now);
	}

	switch (c->cfg.compl ) {
	case WQ_COMPL_UMWAIT:
		detect = m->cfg.umwait_wake_ns;
		break;
	case WQ_COMPL_INTR:
		detect = m->cfg.intr_latency_ns;
		break;
	default:
		detect = m->cfg.poll_detect_ns;
		break;
	}
	tn = now + detect;
	/* a single-threaded client cannot look while it is blocked submitting */
	if (c->core_busy && c->busy_until_ns > tn)
		tn = c->busy_until_ns;
	sched(m, tn, ev_notice, di);
	dispatch(m, q->cfg.group, now);
}

/* Overlap: an engine's translation stage is free; it may take the next descriptor. */
static void ev_xlate_free(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t e = (uint32_t)ev->arg;

	m->end_ns = sim__now_ns(s);
	dispatch(m, m->eng[e].group, m->end_ns);
}

static void ev_notice(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t di = (uint32_t)ev->arg;
	struct desc *d = &m->pool[di];
	uint32_t ci = d->client;
	struct client *c = &m->cl[ci];
	struct wqs *q = &m->wq[c->cfg.wq];
	uint64_t now = sim__now_ns(s);
	bool closed = d->closed, partial = d->partial;

	m->end_ns = now;
	charge(d, WQ_PART_NOTICE, now);
	client_outstanding(c, now, -1);
	c->st.last_notice_ns = now;
	c->st.cpu_compl_ns +=
	    c->cfg.compl == WQ_COMPL_INTR ? m->cfg.intr_cpu_ns : m->cfg.poll_cpu_ns;
	c->st.bytes_completed += d->d.batch_n ? desc_bytes(&d->d) : d->done_bytes;
	if (partial) {
		/* page fault: software touches the page, then resubmits the rest */
		c->st.nr_partial++;
		c->st.cpu_fault_ns += m->cfg.sw_fault_ns;
		charge(d, WQ_PART_FAULT, now + m->cfg.sw_fault_ns);
		sched(m, now + m->cfg.sw_fault_ns, ev_resubmit, di);
	} else {
		c->st.nr_completed++;
		c->st.nr_desc_completed += desc_nr_work(&d->d);
		c->st.sum_e2e_ns += now - d->ready_ns;
		hist_add(&c->e2e, now - d->ready_ns);
		hist_add(&m->e2e_all, now - d->ready_ns);
		for (int p = 0; p < WQ_PART_NR_; p++)
			m->part_ns[p] += d->part_ns[p];
		desc_free(m, di);
	}
	if (q->cfg.mode == WQ_MODE_DEDICATED) {
		q->credits_used--;
		if (q->waiters_head != NIL) {
			uint32_t wi = q->waiters_head;
			struct client *w = &m->cl[wi];

			q->waiters_head = w->next_waiter;
			w->waiting_credit = false;
			w->st.credit_wait_ns += now - w->wait_since_ns;
			kick(m, wi, now);
		}
	}
	if (closed && !partial)
		slot_freed(m, ci, now);
	kick(m, ci, now);
}

/*
 * The remainder of a partially completed descriptor goes in front of the
 * client's ready queue (the same descriptor: its ready time stays, so its
 * end-to-end latency includes the fault).
 */
static void ev_resubmit(struct sim *s, const struct sim_event *ev)
{
	struct wq_model *m = ev->obj;
	uint32_t di = (uint32_t)ev->arg;
	struct desc *d = &m->pool[di];
	struct client *c = &m->cl[d->client];

	m->end_ns = sim__now_ns(s);
	d->d.src += d->done_bytes;
	d->d.dst += d->done_bytes;
	d->d.xfer_bytes -= d->done_bytes;
	d->done_bytes = 0;
	d->partial = 0;
	d->nr_failed = 0;
	d->accepted = 0;
	c->st.nr_resubmits++;
	d->next = c->ready_head;
	c->ready_head = di;
	if (c->ready_tail == NIL)
		c->ready_tail = di;
	kick(m, d->client, m->end_ns);
}

/* ---- object ---- */

struct wq_model *wq__new(const struct wq_config *cfg, struct sim *sim,
			 const struct wq_xlate_ops *xops, void *xctx)
{
	struct wq_model *m;
	char err[256];
	uint32_t i, e = 0;

	if (!cfg || wq_config_validate(cfg, err, sizeof(err))) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->xops = xops && xops->stall_ns ? xops : NULL;
	m->xctx = xctx;
	m->retry = wq_retry_registry[cfg->retry_policy];
	m->retry_s = wq_retry_registry[cfg->retry_policy_enqcmds];
	m->overlap = m->xops && cfg->xlate_overlap && cfg->service_dist == WQ_DIST_FIXED;
	m->pipe_bw_bytes_per_s = cfg->device_bw_bytes_per_s;
	if (cfg->read_latency_ns && cfg->max_read_buffers) {
		/* Little's law: reads in flight / read latency bounds the data rate */
		uint64_t bw = (uint64_t)cfg->max_read_buffers * WQ_READ_BYTES * 1000000000ull /
			      cfg->read_latency_ns;

		if (bw && bw < m->pipe_bw_bytes_per_s)
			m->pipe_bw_bytes_per_s = bw;
	}
	prng_seed(&m->rng, prng_derive(cfg->seed, PRNG_STREAM_WQ_SERVICE));
	m->free_head = NIL;
	m->sim = sim;
	m->series = series__new(cfg->series_window_ns, SERIES_MAX_WINDOWS);
	if (!m->series)
		goto fail;
	if (!m->sim) {
		m->sim = sim__new();
		m->own_sim = true;
		if (!m->sim)
			goto fail;
	}
	for (i = 0; i < cfg->nr_groups; i++) {
		m->grp[i].first_engine = e;
		m->grp[i].nr_engines = cfg->group_engines[i];
		e += cfg->group_engines[i];
	}
	m->nr_engines = e;
	m->eng = calloc(e ? e : 1, sizeof(*m->eng));
	if (!m->eng)
		goto fail;
	for (i = 0; i < cfg->nr_groups; i++) {
		uint32_t k;

		for (k = 0; k < m->grp[i].nr_engines; k++) {
			m->eng[m->grp[i].first_engine + k].group = i;
			m->eng[m->grp[i].first_engine + k].cur = NIL;
			m->eng[m->grp[i].first_engine + k].next = NIL;
		}
	}
	for (i = 0; i < cfg->nr_wqs; i++) {
		struct wqs *q = &m->wq[i];
		struct group *g = &m->grp[cfg->wq[i].group];

		q->cfg = cfg->wq[i];
		q->lock_owner = NIL;
		q->waiters_head = q->waiters_tail = NIL;
		q->ring = calloc(q->cfg.size, sizeof(*q->ring));
		snprintf(q->occ_key, sizeof(q->occ_key), "wq.%u.occupancy", i);
		q->occ = series__define(m->series, q->occ_key, SERIES_INTEGRAL);
		if (!q->ring || q->occ < 0 || hist_init(&q->sojourn, true))
			goto fail;
		g->wqs[g->nr_wqs++] = i;
	}
	if (hist_init(&m->sojourn_all, true) || hist_init(&m->submit_all, true) ||
	    hist_init(&m->e2e_all, true) || hist_init(&m->wait_all, true))
		goto fail;
	return m;
fail:
	wq__free(m);
	errno = ENOMEM;
	return NULL;
}

void wq__free(struct wq_model *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; i < WQ_MAX_WQS; i++) {
		free(m->wq[i].ring);
		hist_fini(&m->wq[i].sojourn);
	}
	for (i = 0; i < m->nr_clients; i++)
		hist_fini(&m->cl[i].e2e);
	free(m->cl);
	free(m->eng);
	free(m->pool);
	hist_fini(&m->sojourn_all);
	hist_fini(&m->submit_all);
	hist_fini(&m->e2e_all);
	hist_fini(&m->wait_all);
	if (m->own_sim)
		sim__free(m->sim);
	series__free(m->series);
	free(m);
}

const struct wq_config *wq__config(const struct wq_model *m)
{
	return &m->cfg;
}

struct sim *wq__sim(struct wq_model *m)
{
	return m->sim;
}

uint32_t wq__nr_clients(const struct wq_model *m)
{
	return m->nr_clients;
}

void wq_client_cfg_default(const struct wq_config *cfg, struct wq_client_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->compl = cfg->client_compl;
	c->driver = WQ_DRIVER_CLOSED;
	c->queue_depth = cfg->client_queue_depth;
	c->think_ns = cfg->client_think_ns;
	c->nr_desc = 1000;
	c->tmpl.opcode = wq_op_of_choice(cfg->client_op);
	c->tmpl.xfer_bytes = cfg->client_xfer_bytes;
	c->tmpl.batch_n = cfg->client_batch;
}

static bool desc_ok(const struct wq_model *m, const struct wq_desc *d)
{
	switch (d->opcode) {
	case WQ_OP_NOOP:
	case WQ_OP_MEMMOVE:
	case WQ_OP_FILL:
	case WQ_OP_COMPARE:
	case WQ_OP_CRC:
		break;
	default:
		return false;
	}
	return d->batch_n <= m->cfg.max_batch;
}

int wq__add_client(struct wq_model *m, const struct wq_client_cfg *cc)
{
	struct client *c;
	uint32_t ci;

	if (cc->wq >= m->cfg.nr_wqs || cc->driver > WQ_DRIVER_EXTERNAL ||
	    cc->compl > WQ_COMPL_INTR || cc->think_dist > WQ_DIST_EXP || !cc->queue_depth ||
	    !desc_ok(m, &cc->tmpl) || (cc->driver == WQ_DRIVER_POISSON && !cc->interarrival_ns) ||
	    cc->start_ns < sim__now_ns(m->sim))
		return -EINVAL;
	if (m->nr_clients == m->cap_clients) {
		uint32_t ncap = m->cap_clients ? 2 * m->cap_clients : 16;
		struct client *p = realloc(m->cl, (size_t)ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		m->cl = p;
		m->cap_clients = ncap;
	}
	ci = m->nr_clients;
	c = &m->cl[ci];
	memset(c, 0, sizeof(*c));
	c->cfg = *cc;
	prng_seed(&c->rng, prng_derive(prng_derive(m->cfg.seed, PRNG_STREAM_WQ_CLIENT), ci));
	c->ready_head = c->ready_tail = NIL;
	c->script_head = c->script_tail = NIL;
	c->next_waiter = NIL;
	if (hist_init(&c->e2e, ci < CLIENT_HIST_MAX))
		return -ENOMEM;
	m->nr_clients++;
	m->wq[cc->wq].nr_owners++;
	if (cc->driver == WQ_DRIVER_CLOSED)
		sched(m, cc->start_ns, ev_start, ci);
	else if (cc->driver == WQ_DRIVER_POISSON && cc->nr_desc)
		sched(m, cc->start_ns, ev_poisson, ci);
	return m->err ? m->err : (int)ci;
}

int wq__submit(struct wq_model *m, uint32_t ci, uint64_t t_ns, const struct wq_desc *d)
{
	uint32_t di;

	if (ci >= m->nr_clients || !desc_ok(m, d) || t_ns < sim__now_ns(m->sim))
		return -EINVAL;
	series__start(m->series, t_ns);
	di = desc_alloc(m);
	if (di == NIL)
		return -ENOMEM;
	m->pool[di].d = *d;
	m->pool[di].client = ci;
	sched(m, t_ns, ev_arrival, di);
	return m->err;
}

int wq__push(struct wq_model *m, uint32_t ci, const struct wq_desc *d, uint64_t think_ns)
{
	struct client *c;
	uint32_t di;

	if (ci >= m->nr_clients || !desc_ok(m, d))
		return -EINVAL;
	di = desc_alloc(m);
	if (di == NIL)
		return -ENOMEM;
	c = &m->cl[ci];
	m->pool[di].d = *d;
	m->pool[di].client = ci;
	m->pool[di].think_ns = think_ns;
	fifo_push(m, &c->script_head, &c->script_tail, di);
	if (c->inflight < c->cfg.queue_depth) {
		uint64_t t = sim__now_ns(m->sim);

		if (t < c->cfg.start_ns)
			t = c->cfg.start_ns;
		c->inflight++;
		sched(m, t + think_ns, ev_issue, ci);
	}
	return m->err;
}

int wq__set_queue_depth(struct wq_model *m, uint32_t ci, uint32_t queue_depth)
{
	struct client *c;
	uint32_t di;

	if (ci >= m->nr_clients || !queue_depth)
		return -EINVAL;
	c = &m->cl[ci];
	c->cfg.queue_depth = queue_depth;
	/* walk the script: each new slot takes the next not yet scheduled */
	di = c->script_head;
	while (c->inflight < queue_depth && di != NIL) {
		uint64_t t = sim__now_ns(m->sim);
		uint32_t k;

		/* skip the descriptors already promised to slots in flight */
		for (k = 0; k < c->inflight && di != NIL; k++)
			di = m->pool[di].next;
		if (di == NIL)
			break;
		if (t < c->cfg.start_ns)
			t = c->cfg.start_ns;
		c->inflight++;
		sched(m, t + m->pool[di].think_ns, ev_issue, ci);
		di = c->script_head;
	}
	return m->err;
}

uint64_t wq__run(struct wq_model *m)
{
	uint64_t n = sim__run(m->sim);

	series__finish(m->series, m->end_ns);
	return n;
}

uint64_t wq__run_until(struct wq_model *m, uint64_t t_ns)
{
	series__start(m->series, t_ns);
	return sim__run_until(m->sim, t_ns);
}

/* ---- statistics ---- */

int wq__wq_stats(const struct wq_model *m, uint32_t i, struct wq_wq_stats *out)
{
	const struct wqs *q;

	if (i >= m->cfg.nr_wqs)
		return -EINVAL;
	q = &m->wq[i];
	*out = q->st;
	out->nr_clients = q->nr_owners;
	/* close the areas at the end of the run without changing the model */
	out->system_area += (uint64_t)q->in_system * (m->end_ns - q->last_change_ns);
	out->queue_area += (uint64_t)q->count * (m->end_ns - q->last_change_ns);
	return 0;
}

int wq__client_stats(const struct wq_model *m, uint32_t i, struct wq_client_stats *out)
{
	const struct client *c;
	uint64_t outstanding;

	if (i >= m->nr_clients)
		return -EINVAL;
	c = &m->cl[i];
	*out = c->st;
	outstanding = c->outstanding_ns;
	if (c->nr_outstanding)
		outstanding += m->end_ns - c->outstanding_since_ns;
	if (c->cfg.compl != WQ_COMPL_INTR)
		out->cpu_wait_ns = outstanding > c->overlap_ns ? outstanding - c->overlap_ns : 0;
	return 0;
}

void wq__stats(const struct wq_model *m, struct wq_stats *o)
{
	uint32_t i;

	memset(o, 0, sizeof(*o));
	o->end_ns = m->end_ns;
	for (i = 0; i < m->nr_clients; i++) {
		const struct client *c = &m->cl[i];

		o->nr_issued += c->st.nr_issued;
		o->nr_completed += c->st.nr_completed;
		o->nr_rejected += c->st.nr_rejected;
		o->nr_retries += c->st.nr_retries;
		o->nr_partial += c->st.nr_partial;
		o->nr_resubmits += c->st.nr_resubmits;
		o->bytes_issued += c->st.bytes_issued;
		o->sum_e2e_ns += c->st.sum_e2e_ns;
	}
	memcpy(o->part_ns, m->part_ns, sizeof(o->part_ns));
	for (i = 0; i < m->cfg.nr_wqs; i++) {
		const struct wqs *q = &m->wq[i];

		o->nr_accepted += q->st.nr_accepted;
		o->nr_desc_completed += q->st.nr_desc_completed;
		o->nr_dropped += q->st.nr_dropped;
		o->bytes_accepted += q->st.bytes_accepted;
		o->bytes_completed += q->st.bytes_completed;
	}
	for (i = 0; i < m->nr_engines; i++)
		o->engine_busy_ns += m->eng[i].busy_ns;
	o->nr_engines = m->nr_engines;
	o->xlate_stall_ns = m->xlate_stall_ns;
	o->xlate_exposed_ns = m->xlate_exposed_ns;
	o->nr_xlate_calls = m->nr_xlate_calls;
	o->nr_in_flight = o->nr_issued - o->nr_completed - o->nr_rejected;
}

uint64_t wq__percentile_ns(const struct wq_model *m, const char *which, uint32_t client, double q)
{
	if (!strcmp(which, "sojourn"))
		return hist_quantile(&m->sojourn_all, q);
	if (!strcmp(which, "wait"))
		return hist_quantile(&m->wait_all, q);
	if (!strcmp(which, "submit"))
		return client == UINT32_MAX ? hist_quantile(&m->submit_all, q) : 0;
	if (!strcmp(which, "e2e")) {
		if (client == UINT32_MAX)
			return hist_quantile(&m->e2e_all, q);
		if (client < m->nr_clients)
			return hist_quantile(&m->cl[client].e2e, q);
	}
	return 0;
}

double wq_jain_index(const double *x, size_t n)
{
	double s = 0, s2 = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		s += x[i];
		s2 += x[i] * x[i];
	}
	return s2 > 0 ? s * s / ((double)n * s2) : 1.0;
}

/* ---- reporting ---- */

struct emit {
	const struct results_sink *sink; /* where */
	int rc;				 /* first failure */
};

static void metric(struct emit *e, const char *key, double v, const char *unit)
{
	int rc;

	if (e->rc || !e->sink->ops->metric)
		return;
	rc = e->sink->ops->metric(e->sink->ctx, key, v, unit);
	if (rc < 0)
		e->rc = rc;
}

static void histo(struct emit *e, const char *key, const struct hist *h)
{
	struct results_hist rh = {
	    .counts = h->counts,
	    .nr = h->nr,
	    .sum = h->sum,
	    .min = h->min,
	    .max = h->max,
	    .unit = "ns",
	};
	int rc;

	if (e->rc || !e->sink->ops->histogram || !h->counts)
		return;
	rc = e->sink->ops->histogram(e->sink->ctx, key, &rh);
	if (rc < 0)
		e->rc = rc;
}

static double per_s(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0;
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

static void report_config(const struct wq_model *m, struct emit *e)
{
	const struct param_def *defs;
	char val[64];
	size_t nr, i;

	defs = wq_params_table(&nr);
	for (i = 0; i < nr && e->sink->ops->config && !e->rc; i++) {
		wq_params_format(&m->cfg, &defs[i], val, sizeof(val));
		e->rc = e->sink->ops->config(e->sink->ctx, defs[i].key, val, defs[i].source);
		if (e->rc > 0)
			e->rc = 0;
	}
}

static void report_device(const struct wq_stats *st, struct emit *e)
{
	uint64_t T = st->end_ns;

	metric(e, KEY_WQ_THROUGHPUT, per_s(st->nr_desc_completed, T), "desc/s");
	metric(e, "wq.device.bytes_per_s", per_s(st->bytes_completed, T), "bytes/s");
	metric(e, "wq.device.nr_desc_completed", (double)st->nr_desc_completed, "desc");
	metric(e, "wq.device.bytes_completed", (double)st->bytes_completed, "bytes");
	metric(e, "wq.device.engine_utilization",
	       T && st->nr_engines ? (double)st->engine_busy_ns / ((double)T * st->nr_engines) : 0,
	       "fraction");
	metric(e, "wq.device.xlate_stall_ns_per_desc",
	       ratio(st->xlate_stall_ns, st->nr_desc_completed), "ns");
	metric(e, "wq.device.xlate_exposed_ns_per_desc",
	       ratio(st->xlate_exposed_ns, st->nr_desc_completed), "ns");
	metric(e, "wq.device.run_ns", (double)T, "ns");
}

static void report_wqs(const struct wq_model *m, struct emit *e)
{
	uint64_t T = m->end_ns;
	char key[96];

	for (uint32_t i = 0; i < m->cfg.nr_wqs; i++) {
		struct wq_wq_stats w;
		double L, lw;

		wq__wq_stats(m, i, &w);
#define WQK(name) (snprintf(key, sizeof(key), "wq.%u." name, i), key)
		metric(e, WQK("desc_per_s"), per_s(w.nr_desc_completed, T), "desc/s");
		metric(e, WQK("bytes_per_s"), per_s(w.bytes_completed, T), "bytes/s");
		metric(e, WQK("nr_accepted"), (double)w.nr_accepted, "submissions");
		metric(e, WQK("nr_completed"), (double)w.nr_completed, "submissions");
		metric(e, WQK("nr_retry_answers"), (double)w.nr_retry_answers, "attempts");
		metric(e, WQK("nr_dropped"), (double)w.nr_dropped, "submissions");
		metric(e, WQK("nr_partial"), (double)w.nr_partial, "submissions");
		metric(e, WQK("mean_wait_ns"), ratio(w.sum_wait_ns, w.nr_completed), "ns");
		metric(e, WQK("sojourn_ns@mean"), ratio(w.sum_sojourn_ns, w.nr_completed), "ns");
		metric(e, WQK("mean_entries"), ratio(w.queue_area, T), "entries");
		metric(e, WQK("max_entries"), (double)w.max_queue, "entries");
		L = ratio(w.system_area, T);
		lw = per_s(w.nr_completed, T) * ratio(w.sum_sojourn_ns, w.nr_completed) / 1e9;
		metric(e, WQK("mean_in_system"), L, "submissions");
		metric(e, WQK("little_rel_error"), L > 0 ? (L - lw) / L : 0, "fraction");
		histo(e, WQK("sojourn_ns"), &m->wq[i].sojourn);
#undef WQK
	}
}

/* A latency distribution as KEY@mean, @p50, @p99 and the histogram KEY. */
static void report_lat(struct emit *e, const char *key, const struct hist *h)
{
	char k[96];

	snprintf(k, sizeof(k), "%s@mean", key);
	metric(e, k, ratio(h->sum, h->nr), "ns");
	snprintf(k, sizeof(k), "%s@p50", key);
	metric(e, k, (double)hist_quantile(h, 0.5), "ns");
	snprintf(k, sizeof(k), "%s@p99", key);
	metric(e, k, (double)hist_quantile(h, 0.99), "ns");
	histo(e, key, h);
}

/*
 * The end-to-end decomposition: per part the sum over completed
 * descriptors, their count and the total the parts add up to (integer ns
 * below 2^53, so exact as doubles), so a reader gets per-descriptor means
 * by dividing and can check the sum.
 */
static void report_parts(const struct wq_stats *st, struct emit *e)
{
	char key[64];

	for (int p = 0; p < WQ_PART_NR_; p++) {
		snprintf(key, sizeof(key), PREFIX_SUBMIT_PART "%s_ns", wq_part_names[p]);
		metric(e, key, (double)st->part_ns[p], "ns");
	}
	metric(e, KEY_SUBMIT_PART_TOTAL, (double)st->sum_e2e_ns, "ns");
	metric(e, KEY_SUBMIT_PART_COUNT, (double)st->nr_completed, "desc");
}

static void report_submit(const struct wq_model *m, const struct wq_stats *st, struct emit *e)
{
	metric(e, KEY_SUBMIT_DESCS, (double)st->nr_issued, "submissions");
	metric(e, "submit.nr_accepted", (double)st->nr_accepted, "submissions");
	metric(e, "submit.nr_rejected", (double)st->nr_rejected, "submissions");
	metric(e, KEY_SUBMIT_RETRIES, (double)st->nr_retries, "retries");
	metric(e, "submit.nr_partial", (double)st->nr_partial, "completions");
	metric(e, "submit.nr_resubmits", (double)st->nr_resubmits, "submissions");
	metric(e, "submit.bytes_issued", (double)st->bytes_issued, "bytes");
	metric(e, "submit.retries_per_desc", ratio(st->nr_retries, st->nr_issued), "retries");
	metric(e, "submit.reject_rate", ratio(st->nr_rejected, st->nr_issued), "fraction");
	/* ready -> accepted by the WQ */
	report_lat(e, KEY_SUBMIT_LAT, &m->submit_all);
	/* accepted -> dispatched: the time inside the WQ that submit.* leaves out */
	report_lat(e, KEY_WQ_WAIT_LAT, &m->wait_all);
	report_parts(st, e);
}

/* Per-client metrics; @tput receives each client's bytes/s (for fairness). */
static void report_clients(const struct wq_model *m, struct emit *e, double *tput)
{
	uint64_t T = m->end_ns, cpu_submit = 0, cpu_wait = 0, lock_wait = 0;
	char key[96];

	for (uint32_t i = 0; i < m->nr_clients; i++) {
		struct wq_client_stats c;

		wq__client_stats(m, i, &c);
		tput[i] = per_s(c.bytes_completed, T);
		cpu_submit += c.cpu_submit_ns;
		cpu_wait += c.cpu_wait_ns;
		lock_wait += c.lock_wait_ns;
#define CK(name) (snprintf(key, sizeof(key), "client.%u." name, i), key)
		metric(e, CK("desc_per_s"), per_s(c.nr_desc_completed, T), "desc/s");
		metric(e, CK("bytes_per_s"), tput[i], "bytes/s");
		metric(e, CK("retries_per_desc"), ratio(c.nr_retries, c.nr_issued), "retries");
		metric(e, CK("nr_rejected"), (double)c.nr_rejected, "submissions");
		metric(e, CK("cpu_submit_ns"), (double)c.cpu_submit_ns, "ns");
		metric(e, CK("cpu_wait_ns"), (double)c.cpu_wait_ns, "ns");
		metric(e, CK("cpu_compl_ns"), (double)c.cpu_compl_ns, "ns");
		metric(e, CK("cpu_fault_ns"), (double)c.cpu_fault_ns, "ns");
		metric(e, CK("lock_wait_ns"), (double)c.lock_wait_ns, "ns");
		metric(e, CK("submit_mean_ns"), ratio(c.sum_submit_ns, c.nr_accepted), "ns");
		metric(e, CK("e2e_latency_ns@mean"), ratio(c.sum_e2e_ns, c.nr_completed), "ns");
		if (m->cl[i].e2e.counts) {
			metric(e, CK("e2e_latency_ns@p50"),
			       (double)hist_quantile(&m->cl[i].e2e, 0.5), "ns");
			metric(e, CK("e2e_latency_ns@p99"),
			       (double)hist_quantile(&m->cl[i].e2e, 0.99), "ns");
		}
#undef CK
	}
	metric(e, KEY_CPU_SUBMIT, (double)cpu_submit, "ns");
	metric(e, "submit.lock_wait_ns", (double)lock_wait, "ns");
	metric(e, "client.cpu_wait_ns", (double)cpu_wait, "ns");
	metric(e, KEY_CLIENTS, (double)m->nr_clients, "clients");
	metric(e, "client.jain_fairness", wq_jain_index(tput, m->nr_clients), "index");
}

int wq__report(const struct wq_model *m, const struct results_sink *sink)
{
	struct emit e = {.sink = sink, .rc = 0};
	struct wq_stats st;
	double *tput;

	report_config(m, &e);
	wq__stats(m, &st);
	report_device(&st, &e);
	report_wqs(m, &e);
	report_submit(m, &st, &e);
	tput = calloc(m->nr_clients ? m->nr_clients : 1, sizeof(*tput));
	if (!tput)
		return -ENOMEM;
	report_clients(m, &e, tput);
	free(tput);
	/* ready -> completion noticed, every descriptor: what a plot of latency means */
	report_lat(&e, KEY_DESC_E2E_LAT, &m->e2e_all);
	if (!e.rc && sink->ops->series)
		e.rc = series__emit(m->series, sink->ops->series, sink->ctx);
	return e.rc ? e.rc : m->err;
}
