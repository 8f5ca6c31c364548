// SPDX-License-Identifier: GPL-2.0
/*
 * wq_replay.c - work-queue records to model clients and descriptors (open
 * or closed loop). See wq_replay.h for the model assumptions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay/wq_replay.h"

#define MAP_MIN 64 /* initial pid map slots (power of two) */

struct pid_slot {
	uint32_t pid;		  /* thread */
	uint32_t client;	  /* model client, UINT32_MAX: empty slot */
	uint64_t last_ts_ns;	  /* latest submit or completion of this thread */
	uint32_t outstanding;	  /* submitted, not completed in the trace */
	uint32_t max_outstanding; /* closed loop: becomes the queue depth */
};

struct wq_replay {
	struct wq_model *m;	   /* driven model */
	uint32_t loop;		   /* enum wq_replay_loop */
	struct pid_slot *map;	   /* open addressing by pid */
	uint32_t map_cap;	   /* slots */
	uint32_t map_nr;	   /* used */
	uint64_t t0_ns;		   /* first record's time: model time 0 */
	uint64_t last_ts_ns;	   /* last record's time */
	bool started;		   /* a record was seen */
	struct wq_replay_stats st; /* counters */
};

struct wq_replay *wq_replay__new(struct wq_model *m, uint32_t loop)
{
	struct wq_replay *r;
	uint32_t i;

	if (!m || loop > WQ_REPLAY_OPEN || wq__nr_clients(m)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->map = malloc(MAP_MIN * sizeof(*r->map));
	if (!r->map) {
		free(r);
		return NULL;
	}
	for (i = 0; i < MAP_MIN; i++)
		r->map[i].client = UINT32_MAX;
	r->map_cap = MAP_MIN;
	r->m = m;
	r->loop = loop;
	return r;
}

void wq_replay__free(struct wq_replay *r)
{
	if (!r)
		return;
	free(r->map);
	free(r);
}

static struct pid_slot *slot_of(struct pid_slot *map, uint32_t cap, uint32_t pid)
{
	uint32_t i = (pid * 2654435761u) & (cap - 1);

	while (map[i].client != UINT32_MAX && map[i].pid != pid)
		i = (i + 1) & (cap - 1);
	return &map[i];
}

static int grow(struct wq_replay *r)
{
	uint32_t cap = r->map_cap * 2, i;
	struct pid_slot *map = malloc(cap * sizeof(*map));

	if (!map)
		return -ENOMEM;
	for (i = 0; i < cap; i++)
		map[i].client = UINT32_MAX;
	for (i = 0; i < r->map_cap; i++)
		if (r->map[i].client != UINT32_MAX)
			*slot_of(map, cap, r->map[i].pid) = r->map[i];
	free(r->map);
	r->map = map;
	r->map_cap = cap;
	return 0;
}

static struct pid_slot *client_of(struct wq_replay *r, const struct wq_rec *rec, uint64_t t)
{
	struct pid_slot *s = slot_of(r->map, r->map_cap, rec->pid);
	struct wq_client_cfg cc;
	const struct wq_config *cfg;
	int ci;

	if (s->client != UINT32_MAX)
		return s;
	if (2 * (r->map_nr + 1) > r->map_cap) {
		if (grow(r))
			return NULL;
		s = slot_of(r->map, r->map_cap, rec->pid);
	}
	cfg = wq__config(r->m);
	wq_client_cfg_default(cfg, &cc);
	cc.driver = WQ_DRIVER_EXTERNAL;
	cc.pasid = rec->pasid;
	cc.wq = rec->wq < cfg->nr_wqs ? rec->wq : rec->wq % cfg->nr_wqs;
	if (rec->wq >= cfg->nr_wqs)
		r->st.nr_wq_folded++;
	cc.privileged = rec->portal == 3; /* ENQCMDS */
	cc.start_ns = t;
	cc.queue_depth = 1; /* closed loop: raised to the trace's depth at finish */
	ci = wq__add_client(r->m, &cc);
	if (ci < 0)
		return NULL;
	s->pid = rec->pid;
	s->client = (uint32_t)ci;
	s->last_ts_ns = rec->ts_ns;
	s->outstanding = s->max_outstanding = 0;
	r->map_nr++;
	r->st.nr_clients++;
	return s;
}

int wq_replay__record(struct wq_replay *r, const struct wq_rec *rec)
{
	const struct wq_config *cfg = wq__config(r->m);
	struct wq_desc d = {0};
	struct pid_slot *s;
	uint64_t t, think;
	int rc;

	if (!r->started) {
		r->started = true;
		r->t0_ns = rec->ts_ns;
	}
	if (rec->ts_ns < r->last_ts_ns || rec->kind > WQ_REC_COMPLETE)
		return -EINVAL;
	r->last_ts_ns = rec->ts_ns;
	t = rec->ts_ns - r->t0_ns;
	if (rec->kind == WQ_REC_COMPLETE) {
		r->st.nr_completes++;
		s = slot_of(r->map, r->map_cap, rec->pid);
		if (s->client != UINT32_MAX) {
			s->last_ts_ns = rec->ts_ns;
			if (s->outstanding)
				s->outstanding--;
		}
		return 0;
	}
	if (r->loop == WQ_REPLAY_OPEN)
		wq__run_until(r->m, t);
	s = client_of(r, rec, t);
	if (!s)
		return -ENOMEM;
	d.src = rec->src;
	d.dst = rec->dst;
	d.tag = rec->desc_id;
	d.opcode = rec->opcode;
	d.xfer_bytes = rec->xfer_bytes;
	if (rec->opcode == WQ_OP_BATCH) {
		d.batch_n = rec->xfer_bytes ? rec->xfer_bytes : 1;
		if (d.batch_n > cfg->max_batch)
			d.batch_n = cfg->max_batch;
		d.opcode = WQ_OP_MEMMOVE;
		d.xfer_bytes =
		    rec->batch_xfer_bytes ? rec->batch_xfer_bytes : cfg->client_xfer_bytes;
	} else if (rec->opcode != WQ_OP_NOOP && rec->opcode != WQ_OP_MEMMOVE &&
		   rec->opcode != WQ_OP_FILL && rec->opcode != WQ_OP_COMPARE &&
		   rec->opcode != WQ_OP_CRC) {
		d.opcode = WQ_OP_MEMMOVE;
		r->st.nr_mapped_ops++;
	}
	r->st.nr_submits++;
	think = rec->ts_ns - s->last_ts_ns;
	s->last_ts_ns = rec->ts_ns;
	if (++s->outstanding > s->max_outstanding)
		s->max_outstanding = s->outstanding;
	if (r->loop == WQ_REPLAY_OPEN)
		rc = wq__submit(r->m, s->client, t, &d);
	else
		rc = wq__push(r->m, s->client, &d, think);
	return rc;
}

int wq_replay__finish(struct wq_replay *r)
{
	uint32_t i;
	int rc;

	/* closed loop: each thread keeps as many in flight as it did in the trace */
	for (i = 0; i < r->map_cap && r->loop == WQ_REPLAY_CLOSED; i++) {
		if (r->map[i].client == UINT32_MAX || r->map[i].max_outstanding <= 1)
			continue;
		rc = wq__set_queue_depth(r->m, r->map[i].client, r->map[i].max_outstanding);
		if (rc)
			return rc;
	}
	wq__run(r->m);
	return 0;
}

void wq_replay__stats(const struct wq_replay *r, struct wq_replay_stats *out)
{
	*out = r->st;
}
