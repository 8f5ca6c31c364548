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
#define DEVICE_WQS 8		    /* DSA 1.0 / SPR: 8 WQs per device (DSA spec rev 1.1, 3.3) */
#define DEVICE_WQ_ENTRIES 128	    /* SPR DSA: max_work_queues_size 128 (accel-config list) */
#define MAX_KV (2 * DEVICE_WQS + 1) /* sizes, modes, wq.nr_wqs */

struct state {
	int dwq;		      /* 1: dwq, 0: swq */
	uint64_t wqs;		      /* dwq: WQs to spread clients over */
	uint64_t wq;		      /* swq: the shared WQ's index */
	int by_pasid;		      /* dwq assign=pasid: wq = pasid % wqs */
	uint64_t client[MAX_CLIENTS]; /* client keys in order of first appearance */
	size_t nr_clients;	      /* used entries */
	char kv[MAX_KV][48];	      /* the overrides */
	size_t nr_kv;		      /* used */
};

static int init_common(void **state, int dwq, const struct scenario_arg *args, size_t nr_args)
{
	const char *name = dwq ? "dwq" : "swq";
	struct state *st = calloc(1, sizeof(*st));
	int rc = 0;

	if (!st)
		return -ENOMEM;
	st->dwq = dwq;
	st->wqs = DEVICE_WQS;
	for (size_t i = 0; i < nr_args && !rc; i++) {
		if (dwq && !strcmp(args[i].key, "wqs")) {
			rc = scenario_arg_u64(name, &args[i], &st->wqs, UNITS_COUNT);
			if (!rc && (st->wqs < 1 || st->wqs > DEVICE_WQS)) {
				scenario_err("scenario dwq: argument 'wqs': must be 1..%d (WQs of "
					     "one DSA device)",
					     DEVICE_WQS);
				rc = -EINVAL;
			}
		} else if (dwq && !strcmp(args[i].key, "assign")) {
			if (!strcmp(args[i].value, "pasid"))
				st->by_pasid = 1;
			else if (strcmp(args[i].value, "rr")) {
				scenario_err(
				    "scenario dwq: argument 'assign': '%s' is not rr or pasid",
				    args[i].value);
				rc = -EINVAL;
			}
		} else if (!dwq && !strcmp(args[i].key, "wq")) {
			rc = scenario_arg_u64(name, &args[i], &st->wq, UNITS_COUNT);
			if (!rc && st->wq > 255) {
				scenario_err("scenario swq: argument 'wq': must be 0..255");
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
	if (!dwq) {
		/* the WQ model's per-queue mode key: the SWQ target becomes shared */
		snprintf(st->kv[st->nr_kv++], sizeof(st->kv[0]), "wq.wq%u.mode=shared",
			 (unsigned)st->wq);
	} else {
		/*
		 * One DWQ per client up to the device's WQs, the device's entries
		 * split evenly (what an administrator gets from accel-config
		 * config-wq --wq-size=128/N on N WQs); sizes first so that the
		 * entry total never exceeds the device's while they are applied.
		 */
		for (uint64_t i = 0; i < st->wqs; i++)
			snprintf(st->kv[st->nr_kv++], sizeof(st->kv[0]), "wq.wq%u.size=%u",
				 (unsigned)i,
				 (unsigned)(DEVICE_WQ_ENTRIES / st->wqs +
					    (i < DEVICE_WQ_ENTRIES % st->wqs)));
		snprintf(st->kv[st->nr_kv++], sizeof(st->kv[0]), "wq.nr_wqs=%u", (unsigned)st->wqs);
		/* every one dedicated, whatever a profile or the trace's host had */
		for (uint64_t i = 0; i < st->wqs; i++)
			snprintf(st->kv[st->nr_kv++], sizeof(st->kv[0]), "wq.wq%u.mode=dedicated",
				 (unsigned)i);
	}
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
			if (w.portal != TRACE_PORTAL_UNKNOWN) /* batch members cross no portal */
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
	const struct state *st = state;

	for (size_t i = 0; i < st->nr_kv; i++)
		kv[i] = st->kv[i];
	return st->nr_kv;
}

const struct scenario_ops scenario_dwq = {
    .name = "dwq",
    .summary = "every DSA client on a dedicated WQ, submitting with MOVDIR64B",
    .help = "Submissions get portal MOVDIR64B, retries 0 and status 0 (a DWQ is posted:\n"
	    "the client tracks free slots itself); batch members keep portal 'unknown'.\n"
	    "A client is a PASID (or a task id without one). Arguments: :wqs=N (8, the\n"
	    "device's WQs) dedicated WQs; :assign=rr (clients in order of first appearance,\n"
	    "round robin) or :assign=pasid (pasid mod wqs). Sets wq.nr_wqs=N and splits the\n"
	    "device's 128 WQ entries evenly (wq.wqI.size=128/N, as accel-config config-wq\n"
	    "would be told), wq.wqI.mode=dedicated. Clients beyond N share a DWQ\n"
	    "behind a software lock; the run's wq.replay.note says how many and what the\n"
	    "lock cost.",
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
