// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_wq.c - `dwq` and `swq`: move DSA clients between dedicated work
 * queues (MOVDIR64B, one client or a few per WQ) and one shared work queue
 * (ENQCMD, every client). Rewrites the portal and WQ index of submissions
 * and the WQ index of completions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "replay/scenario.h"

#define MAX_CLIENTS 4096

struct state {
	int dwq;			/* 1: dwq, 0: swq */
	uint64_t wqs;			/* dwq: WQs to spread clients over */
	uint64_t wq;			/* swq: the shared WQ's index */
	int by_pasid;			/* dwq assign=pasid: wq = pasid % wqs */
	uint64_t client[MAX_CLIENTS];	/* client keys in order of first appearance */
	size_t nr_clients;		/* used entries */
	char kv[64];			/* the override */
};

static int init_common(void **state, int dwq, const struct scenario_arg *args, size_t nr_args)
{
	const char *name = dwq ? "dwq" : "swq";
	struct state *st = calloc(1, sizeof(*st));
	int rc = 0;

	if (!st)
		return -ENOMEM;
	st->dwq = dwq;
	st->wqs = 8;	/* DSA 1.0: 8 WQs per device (Intel DSA spec rev 1.1, 3.3) */
	for (size_t i = 0; i < nr_args && !rc; i++) {
		if (dwq && !strcmp(args[i].key, "wqs")) {
			rc = scenario_arg_u64(name, &args[i], &st->wqs, UNITS_COUNT);
			if (!rc && (st->wqs < 1 || st->wqs > 256)) {
				svt_err("scenario dwq: argument 'wqs': must be 1..256");
				rc = -EINVAL;
			}
		} else if (dwq && !strcmp(args[i].key, "assign")) {
			if (!strcmp(args[i].value, "pasid"))
				st->by_pasid = 1;
			else if (strcmp(args[i].value, "rr")) {
				svt_err("scenario dwq: argument 'assign': '%s' is not rr or pasid",
					args[i].value);
				rc = -EINVAL;
			}
		} else if (!dwq && !strcmp(args[i].key, "wq")) {
			rc = scenario_arg_u64(name, &args[i], &st->wq, UNITS_COUNT);
			if (!rc && st->wq > 255) {
				svt_err("scenario swq: argument 'wq': must be 0..255");
				rc = -EINVAL;
			}
		} else {
			rc = scenario_bad_arg(name, &args[i]);
		}
	}
	if (rc) {
		free(st);
		return rc;
	}
	/* the WQ model's per-queue mode key: the SWQ target becomes shared */
	if (!strcmp(name, "swq"))
		snprintf(st->kv, sizeof(st->kv), "wq.wq%u.mode=shared", (unsigned)st->wq);
	else
		snprintf(st->kv, sizeof(st->kv), "%s=dedicated", SCN_KEY_WQ_MODE);
	*state = st;
	return 0;
}

static int init_dwq(void **state, const char *value, const struct scenario_arg *args,
		    size_t nr_args, uint64_t seed)
{
	return init_common(state, 1, args, nr_args);
}

static int init_swq(void **state, const char *value, const struct scenario_arg *args,
		    size_t nr_args, uint64_t seed)
{
	return init_common(state, 0, args, nr_args);
}

/* A client is its PASID, or its task id when the record has none. */
static uint16_t dwq_of(struct state *st, uint32_t pasid, uint32_t pid)
{
	uint64_t key = pasid != TRACE_NO_PASID ? pasid : ((uint64_t)1 << 32) | pid;
	size_t i;

	if (st->by_pasid && pasid != TRACE_NO_PASID)
		return (uint16_t)(pasid % st->wqs);
	for (i = 0; i < st->nr_clients && st->client[i] != key; i++)
		;
	if (i == st->nr_clients && i < MAX_CLIENTS)
		st->client[st->nr_clients++] = key;
	/* clients beyond the table share by key (still deterministic) */
	return (uint16_t)((i < MAX_CLIENTS ? i : key) % st->wqs);
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	struct state *st = state;

	if (rec->kind == TRACE_REC_WQ_SUBMIT) {
		struct trace_rec_wq_submit w = *(const struct trace_rec_wq_submit *)rec;

		if (st->dwq) {
			w.wq = dwq_of(st, w.pasid, rec->pid);
			if (w.portal != TRACE_PORTAL_UNKNOWN)	/* batch members cross no portal */
				w.portal = TRACE_PORTAL_MOVDIR64B;
			/* a DWQ never answers retry: the client tracks its credits */
			w.retries = 0;
			w.status = 0;
		} else {
			w.wq = (uint16_t)st->wq;
			if (w.portal == TRACE_PORTAL_MOVDIR64B)
				w.portal = rec->pid ? TRACE_PORTAL_ENQCMD : TRACE_PORTAL_ENQCMDS;
		}
		return next->emit(next, &w.hdr);
	}
	if (rec->kind == TRACE_REC_WQ_COMPLETE) {
		struct trace_rec_wq_complete c = *(const struct trace_rec_wq_complete *)rec;

		c.wq = st->dwq ? dwq_of(st, c.pasid, rec->pid) : (uint16_t)st->wq;
		return next->emit(next, &c.hdr);
	}
	return next->emit(next, rec);
}

static size_t overrides(const void *state, const char **kv)
{
	kv[0] = ((const struct state *)state)->kv;
	return 1;
}

const struct scenario_ops scenario_dwq = {
	.name = "dwq",
	.summary = "every DSA client on a dedicated WQ, submitting with MOVDIR64B",
	.help = "Submissions get portal MOVDIR64B, retries 0 and status 0 (a DWQ is posted:\n"
		"the client tracks free slots itself); batch members keep portal 'unknown'.\n"
		"A client is a PASID (or a task id without one). Arguments: :wqs=N (8) WQs on\n"
		"the device; :assign=rr (clients in order of first appearance, round robin)\n"
		"or :assign=pasid (pasid mod wqs). More clients than WQs share a DWQ (the model\n"
		"charges their software lock). Sets " SCN_KEY_WQ_MODE "=dedicated.",
	.init = init_dwq,
	.push = push,
	.overrides = overrides,
	.free = free,
};

const struct scenario_ops scenario_swq = {
	.name = "swq",
	.summary = "every DSA client on one shared WQ, submitting with ENQCMD",
	.help = "Submissions with MOVDIR64B become ENQCMD (ENQCMDS for kernel tasks, pid 0);\n"
		"every submission and completion moves to WQ :wq=N (0). Retries are left for\n"
		"the model to produce (the trace's own retry counts stay as recorded).\n"
		"Sets wq.wqN.mode=shared for the target queue N.",
	.init = init_swq,
	.push = push,
	.overrides = overrides,
	.free = free,
};
