/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq_replay.h - drives the work-queue model from work-queue records of a
 * trace (the fields of trace_rec_wq_submit / trace_rec_wq_complete in
 * trace/format.h, copied by the replay into struct wq_rec so that model/
 * does not depend on the trace format). Open loop submits each descriptor
 * at its trace time; closed loop gives each client its descriptors as a
 * script and issues the next one the trace's think time after a completion.
 * The DWQ/SWQ scenario is the model config (wq.wqN.mode), not the trace.
 *
 * Model assumptions:
 * - A client is a trace thread (pid); its PASID is the record's.
 * - Closed loop: think time = submit time - the client's latest earlier
 *   submit or completion in the trace (whichever is later), at least 0.
 * - A batch record's xfer_bytes is its descriptor count (trace/format.h);
 *   each work descriptor then moves batch_xfer_bytes (the replay takes it
 *   from the batch's member records), or wq.client_xfer_bytes if 0. Opcodes the model
 *   does not know run as memmove (counted in nr_mapped_ops).
 * - Closed loop: a client keeps in flight as many descriptors as its thread
 *   had at most in the trace.
 * - Trace WQ index i maps to model WQ i when i < wq.nr_wqs, else to WQ
 *   i mod wq.nr_wqs (counted in nr_wq_folded: such clients may end up
 *   sharing a DWQ the trace had them own; the scenario `dwq` or the trace's
 *   WQ configuration avoids it).
 */
#ifndef SVATRACE_MODEL_WQ_REPLAY_H
#define SVATRACE_MODEL_WQ_REPLAY_H

#include <stdint.h>

#include "model/wq/wq.h"

enum wq_rec_kind {
	WQ_REC_SUBMIT = 0,   /* trace_rec_wq_submit */
	WQ_REC_COMPLETE = 1, /* trace_rec_wq_complete */
};

enum wq_replay_loop {
	WQ_REPLAY_CLOSED = 0, /* default: DWQ vs SWQ comparisons need it (DESIGN.md s5) */
	WQ_REPLAY_OPEN = 1,   /* at trace times */
};

/* One work-queue record, as the replay copies it from the trace. */
struct wq_rec {
	uint64_t ts_ns;		   /* trace time */
	uint32_t kind;		   /* enum wq_rec_kind */
	uint32_t pid;		   /* thread */
	uint32_t pasid;		   /* PASID */
	uint32_t xfer_bytes;	   /* transfer size; batch: descriptor count */
	uint64_t src;		   /* source address */
	uint64_t dst;		   /* destination address */
	uint64_t desc_id;	   /* pairs submit and complete */
	uint16_t wq;		   /* WQ index on the device */
	uint8_t opcode;		   /* DSA opcode */
	uint8_t portal;		   /* trace_portal: 1 MOVDIR64B, 2 ENQCMD, 3 ENQCMDS */
	uint32_t batch_xfer_bytes; /* batch: bytes per work descriptor, 0: wq.client_xfer_bytes */
};

/* Counters of a replay. */
struct wq_replay_stats {
	uint64_t nr_submits;	/* submit records fed */
	uint64_t nr_completes;	/* complete records seen */
	uint64_t nr_mapped_ops; /* opcodes run as memmove */
	uint64_t nr_clients;	/* threads seen */
	uint64_t nr_wq_folded;	/* clients whose trace WQ index was >= wq.nr_wqs */
};

struct wq_replay;

/**
 * wq_replay__new() - a replay driving @m (which must have no clients yet).
 * @loop: enum wq_replay_loop.
 * Return: the driver, NULL with errno.
 */
struct wq_replay *wq_replay__new(struct wq_model *m, uint32_t loop);

/** wq_replay__free() - free; NULL is a no-op. */
void wq_replay__free(struct wq_replay *r);

/**
 * wq_replay__record() - feed one record; records come in time order.
 * Return: 0, -EINVAL (out of order, bad kind), -ENOMEM.
 */
int wq_replay__record(struct wq_replay *r, const struct wq_rec *rec);

/** wq_replay__finish() - run the model until every descriptor is done. Return: 0 or -errno. */
int wq_replay__finish(struct wq_replay *r);

/** wq_replay__stats() - counters. */
void wq_replay__stats(const struct wq_replay *r, struct wq_replay_stats *out);

#endif /* SVATRACE_MODEL_WQ_REPLAY_H */
