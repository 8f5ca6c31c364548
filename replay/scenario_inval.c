// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_inval.c - `inval=strict|lazy`: IOTLB invalidation per unmap
 * (strict, iommu.strict=1) or batched in Linux's flush queue (lazy).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "replay/scenario.h"

#define NR_FQ 256	/* per-CPU flush queues; CPUs beyond share by cpu % NR_FQ */

struct fq {
	uint64_t nr;		/* unmaps waiting for a flush */
	uint64_t first_ns;	/* time of the oldest */
};

struct state {
	int lazy;		/* 1 lazy, 0 strict */
	uint64_t fq_size;	/* lazy: entries per queue before a flush */
	uint64_t timeout_ns;	/* lazy: flush the queue this long after its first entry */
	uint32_t did;		/* last domain id seen in an invalidation */
	uint32_t iommu_id;	/* last IOMMU unit seen */
	uint16_t sid;		/* last requester id seen in a device-TLB invalidation */
	int ats_seen;		/* the trace invalidates device TLBs */
	struct fq fq[NR_FQ];	/* lazy: per-CPU flush queues */
	char kv[64];		/* the override */
};

static int init(void **state, const char *value, const struct scenario_arg *args, size_t nr_args,
		uint64_t seed)
{
	struct state *st;
	int lazy, rc = 0;

	if (!strcmp(value, "lazy"))
		lazy = 1;
	else if (!strcmp(value, "strict"))
		lazy = 0;
	else {
		scenario_err("scenario inval: '%s' is not strict or lazy", value);
		return -EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->lazy = lazy;
	st->fq_size = 256;		/* IOVA_FQ_SIZE, drivers/iommu/dma-iommu.c */
	st->timeout_ns = 10000000;	/* IOVA_FQ_TIMEOUT 10 ms, same file */
	for (size_t i = 0; i < nr_args && !rc; i++) {
		if (lazy && !strcmp(args[i].key, "fq_size"))
			rc = scenario_arg_u64("inval", &args[i], &st->fq_size, 0);
		else if (lazy && !strcmp(args[i].key, "timeout"))
			rc = scenario_arg_u64("inval", &args[i], &st->timeout_ns, 1);
		else
			rc = scenario_bad_arg("inval", &args[i]);
	}
	if (!rc && (!st->fq_size || !st->timeout_ns)) {
		scenario_err("scenario inval: fq_size and timeout must be > 0");
		rc = -EINVAL;
	}
	if (rc) {
		free(st);
		return rc;
	}
	snprintf(st->kv, sizeof(st->kv), "%s=%s", SCN_KEY_INVAL, value);
	*state = st;
	return 0;
}

/* A flush-queue flush: flush_iotlb_all, i.e. a domain-selective IOTLB invalidation (+ATC). */
static int flush(struct state *st, struct fq *q, uint64_t ts, const struct scenario_emit *next)
{
	struct trace_rec_qi_submit d;
	int rc;

	q->nr = 0;
	scenario_qi_iotlb(&d, ts, st->iommu_id, st->did, 2, 0, 0);
	rc = next->emit(next, &d.hdr);
	if (!rc && st->ats_seen) {
		/* whole-ATC invalidation: size bit with all address bits set below 63 */
		scenario_qi_dev_tlb(&d, ts, st->iommu_id, st->sid, 0, 51);
		rc = next->emit(next, &d.hdr);
	}
	return rc;
}

/* Flush every queue whose timeout passed by @now, earliest deadline first (time order out). */
static int expire(struct state *st, uint64_t now, const struct scenario_emit *next)
{
	for (;;) {
		struct fq *due = NULL;
		int rc;

		for (size_t i = 0; i < NR_FQ; i++) {
			struct fq *q = &st->fq[i];

			if (q->nr && q->first_ns + st->timeout_ns <= now &&
			    (!due || q->first_ns < due->first_ns))
				due = q;
		}
		if (!due)
			return 0;
		rc = flush(st, due, due->first_ns + st->timeout_ns, next);
		if (rc)
			return rc;
	}
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	struct state *st = state;
	int rc;

	/* flushes due by now go out first, whatever the record (time order out) */
	if (st->lazy && (rc = expire(st, rec->ts_ns, next)))
		return rc;
	if (rec->kind == TRACE_REC_QI_SUBMIT) {
		const struct trace_rec_qi_submit *q = (const void *)rec;

		if (q->type == TRACE_QI_IOTLB_INV || q->type == TRACE_QI_P_IOTLB_INV) {
			st->did = q->domain_id;
			st->iommu_id = q->iommu_id;
			/* the per-unmap (page-selective) ones are what this transform replaces */
			if (q->type == TRACE_QI_P_IOTLB_INV || q->granularity == 3)
				return 0;
			if (!st->lazy)
				return 0;	/* strict: a flush-queue flush has no place */
		}
		if (q->type == TRACE_QI_DEV_TLB_INV || q->type == TRACE_QI_P_DEV_TLB_INV) {
			st->ats_seen = 1;
			st->sid = (uint16_t)q->sid;
			return 0;
		}
		return next->emit(next, rec);
	}
	if (rec->kind == TRACE_REC_QI_WAIT)
		return 0;	/* wait times belong to the invalidations this transform replaced */
	rc = next->emit(next, rec);
	if (rc || rec->kind != TRACE_REC_IOMMU_UNMAP)
		return rc;
	if (st->lazy) {
		struct fq *q = &st->fq[rec->cpu % NR_FQ];

		if (!q->nr++)
			q->first_ns = rec->ts_ns;
		return q->nr >= st->fq_size ? flush(st, q, rec->ts_ns, next) : 0;
	} else {
		const struct trace_rec_iommu_unmap *u = (const void *)rec;
		uint64_t bytes = u->unmapped_bytes ? u->unmapped_bytes : u->size_bytes;
		unsigned int am = scenario_log2_pages(bytes);
		struct trace_rec_qi_submit d;

		scenario_qi_iotlb(&d, rec->ts_ns, st->iommu_id, st->did, 3, u->iova, am);
		rc = next->emit(next, &d.hdr);
		if (!rc && st->ats_seen) {
			scenario_qi_dev_tlb(&d, rec->ts_ns, st->iommu_id, st->sid, u->iova, am);
			rc = next->emit(next, &d.hdr);
		}
		return rc;
	}
}

static int finish(void *state, const struct scenario_emit *next)
{
	struct state *st = state;

	return st->lazy ? expire(st, UINT64_MAX, next) : 0;
}

static size_t overrides(const void *state, const char **kv)
{
	kv[0] = ((const struct state *)state)->kv;
	return 1;
}

const struct scenario_ops scenario_inval = {
	.name = "inval",
	.value = "strict|lazy",
	.summary = "IOTLB invalidation per unmap (strict) or batched in a flush queue (lazy)",
	.help = "Both drop the trace's page-selective IOTLB and device-TLB invalidations and\n"
		"its invalidation waits, then re-issue them their way. strict: one page-\n"
		"selective IOTLB invalidation right after every unmap (plus a device-TLB one\n"
		"if the trace had any), and domain-selective flushes are dropped. lazy:\n"
		"Linux's flush queue: unmaps queue per CPU; a queue is flushed with one\n"
		"domain-selective invalidation (plus a whole-ATC one) when it holds :fq_size=N\n"
		"(256) entries or :timeout=T (10ms) after its first entry (IOVA_FQ_SIZE and\n"
		"IOVA_FQ_TIMEOUT in drivers/iommu/dma-iommu.c). Domain and IOMMU ids are the\n"
		"last seen in the trace. Sets " SCN_KEY_INVAL ".",
	.init = init,
	.push = push,
	.finish = finish,
	.overrides = overrides,
	.free = free,
};
