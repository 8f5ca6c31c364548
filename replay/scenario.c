// SPDX-License-Identifier: GPL-2.0
/*
 * scenario.c - the transform registry, spec parsing and the chain that
 * connects transforms (see scenario.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/prng.h"
#include "lib/suggest.h"
#include "replay/scenario.h"
#include "trace/trace.h"

extern const struct scenario_ops scenario_pinned;
extern const struct scenario_ops scenario_faulting;
extern const struct scenario_ops scenario_dwq;
extern const struct scenario_ops scenario_swq;
extern const struct scenario_ops scenario_pagesize;
extern const struct scenario_ops scenario_inval;
extern const struct scenario_ops scenario_ats;
extern const struct scenario_ops scenario_tenants;

/* The registry: one line per transform. */
static const struct scenario_ops *const transforms[] = {
	&scenario_pinned,
	&scenario_faulting,
	&scenario_dwq,
	&scenario_swq,
	&scenario_pagesize,
	&scenario_inval,
	&scenario_ats,
	&scenario_tenants,
};
#define NR_TRANSFORMS (sizeof(transforms) / sizeof(transforms[0]))

#define MAX_STAGES 16

const struct scenario_ops *scenario_find(const char *name)
{
	for (size_t i = 0; i < NR_TRANSFORMS; i++)
		if (!strcmp(transforms[i]->name, name))
			return transforms[i];
	return NULL;
}

void scenario_foreach(void (*fn)(const struct scenario_ops *ops, void *ctx), void *ctx)
{
	for (size_t i = 0; i < NR_TRANSFORMS; i++)
		fn(transforms[i], ctx);
}

struct stage {
	const struct scenario_ops *ops;	/* transform */
	void *state;			/* its state */
	struct scenario_emit next;	/* where it emits */
};

struct scenario_chain {
	struct scenario_out out;		/* final output */
	struct stage st[MAX_STAGES];		/* stages in order */
	size_t nr;				/* stages used */
	char *spec;				/* normalised spec */
	const char *ov[MAX_STAGES * SCENARIO_MAX_OVERRIDES];	/* collected overrides */
	size_t nr_ov;				/* overrides collected */
};

static int emit_final(const struct scenario_emit *e, const struct trace_rec *rec)
{
	return e->out->emit(e->out->ctx, rec);
}

static int emit_stage(const struct scenario_emit *e, const struct trace_rec *rec)
{
	const struct stage *s = e->priv;

	return s->ops->push(s->state, rec, &s->next);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		*--e = 0;
	return s;
}

static int add_stage(struct scenario_chain *c, char *piece, uint64_t seed)
{
	struct scenario_arg args[SCENARIO_MAX_ARGS];
	size_t nr_args = 0;
	char *save = NULL, *head = strtok_r(piece, ":", &save), *value, *tok;
	const struct scenario_ops *ops;
	struct stage *s;
	int rc;

	head = trim(head ? head : piece);
	value = strchr(head, '=');
	if (value)
		*value++ = 0;
	ops = scenario_find(head);
	if (!ops) {
		const char *names[sizeof(transforms) / sizeof(transforms[0])], *near;

		for (size_t i = 0; i < sizeof(transforms) / sizeof(transforms[0]); i++)
			names[i] = transforms[i]->name;
		near = suggest_closest(head, names, sizeof(names) / sizeof(names[0]));
		if (near)
			svt_err("scenario: no transform '%s'; did you mean '%s'?", head, near);
		else
			svt_err("scenario: no transform '%s' (see '--scenario help')", head);
		return -EINVAL;
	}
	if (!ops->value && value) {
		svt_err("scenario %s: takes no =value ('%s')", ops->name, value);
		return -EINVAL;
	}
	if (ops->value && (!value || !*value)) {
		svt_err("scenario %s: needs a value: %s=%s", ops->name, ops->name, ops->value);
		return -EINVAL;
	}
	while ((tok = strtok_r(NULL, ":", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq || nr_args == SCENARIO_MAX_ARGS) {
			svt_err("scenario %s: argument '%s' is not key=value", ops->name, tok);
			return -EINVAL;
		}
		*eq = 0;
		args[nr_args].key = trim(tok);
		args[nr_args++].value = trim(eq + 1);
	}
	if (c->nr == MAX_STAGES) {
		svt_err("scenario: more than %d transforms", MAX_STAGES);
		return -EINVAL;
	}
	s = &c->st[c->nr];
	s->ops = ops;
	/* each stage its own stream, fixed by the seed and the stage's position */
	rc = ops->init(&s->state, value, args, nr_args, seed ^ (0x9e3779b97f4a7c15ull * (c->nr + 1)));
	if (rc)
		return rc;
	c->nr++;
	return 0;
}

struct scenario_chain *scenario_chain__new(const char *spec, uint64_t seed,
					   const struct scenario_out *out)
{
	struct scenario_chain *c = calloc(1, sizeof(*c));
	char *dup = NULL, *save = NULL, *piece;
	int rc = 0;

	if (!c)
		return NULL;
	c->out = *out;
	c->spec = strdup(spec ? spec : "");
	dup = strdup(spec ? spec : "");
	if (!c->spec || !dup) {
		rc = -ENOMEM;
		goto fail;
	}
	for (piece = strtok_r(dup, ",", &save); piece; piece = strtok_r(NULL, ",", &save)) {
		if (!*trim(piece))
			continue;
		rc = add_stage(c, piece, seed);
		if (rc)
			goto fail;
	}
	for (size_t i = 0; i < c->nr; i++) {
		c->st[i].next.out = &c->out;
		if (i + 1 < c->nr) {
			c->st[i].next.emit = emit_stage;
			c->st[i].next.priv = &c->st[i + 1];
		} else {
			c->st[i].next.emit = emit_final;
		}
		if (c->st[i].ops->overrides)
			c->nr_ov += c->st[i].ops->overrides(c->st[i].state, c->ov + c->nr_ov);
	}
	free(dup);
	return c;
fail:
	free(dup);
	scenario_chain__free(c);
	errno = -rc;
	return NULL;
}

int scenario_chain__push(struct scenario_chain *c, const struct trace_rec *rec)
{
	if (!c->nr)
		return c->out.emit(c->out.ctx, rec);
	return c->st[0].ops->push(c->st[0].state, rec, &c->st[0].next);
}

int scenario_chain__finish(struct scenario_chain *c)
{
	/* in order: what stage i flushes still passes through stages i+1.. */
	for (size_t i = 0; i < c->nr; i++) {
		if (c->st[i].ops->finish) {
			int rc = c->st[i].ops->finish(c->st[i].state, &c->st[i].next);

			if (rc)
				return rc;
		}
	}
	return 0;
}

size_t scenario_chain__overrides(const struct scenario_chain *c, const char **kv, size_t max)
{
	for (size_t i = 0; i < c->nr_ov && i < max; i++)
		kv[i] = c->ov[i];
	return c->nr_ov;
}

const char *scenario_chain__spec(const struct scenario_chain *c)
{
	return c->spec;
}

void scenario_chain__free(struct scenario_chain *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr; i++)
		if (c->st[i].ops->free)
			c->st[i].ops->free(c->st[i].state);
	free(c->spec);
	free(c);
}

/* ------------------------------------------------------------- helpers */

int scenario_bad_arg(const char *name, const struct scenario_arg *a)
{
	svt_err("scenario %s: unknown argument '%s' (see '--scenario help')", name, a->key);
	return -EINVAL;
}

int scenario_arg_u64(const char *name, const struct scenario_arg *a, uint64_t *v, int is_time)
{
	static const struct {
		const char *sfx;
		double mult;
		int time;
	} sfx[] = {
		{ "", 1, 0 }, { "k", 1024, 0 }, { "m", 1048576, 0 }, { "g", 1073741824.0, 0 },
		{ "K", 1024, 0 }, { "M", 1048576, 0 }, { "G", 1073741824.0, 0 },
		{ "", 1, 1 }, { "ns", 1, 1 }, { "us", 1e3, 1 }, { "ms", 1e6, 1 }, { "s", 1e9, 1 },
	};
	char *end;
	double d;

	errno = 0;
	d = strtod(a->value, &end);
	if (!errno && end != a->value && d >= 0 && isfinite(d)) {
		for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			if (sfx[i].time == is_time && !strcmp(sfx[i].sfx, end)) {
				*v = (uint64_t)(d * sfx[i].mult + 0.5);
				return 0;
			}
		}
	}
	svt_err("scenario %s: argument '%s': cannot parse '%s' as %s", name, a->key, a->value,
		is_time ? "a time (ns/us/ms/s)" : "a number (k/m/g)");
	return -EINVAL;
}

int scenario_arg_real(const char *name, const struct scenario_arg *a, double lo, double hi,
		      double *v)
{
	char *end;

	errno = 0;
	*v = strtod(a->value, &end);
	if (errno || end == a->value || *end || !(*v >= lo && *v <= hi)) {
		svt_err("scenario %s: argument '%s': '%s' is not a number in [%g, %g]", name, a->key,
			a->value, lo, hi);
		return -EINVAL;
	}
	return 0;
}

uint32_t scenario_rec_pasid(const struct trace_rec *rec)
{
	switch (rec->kind) {
	case TRACE_REC_WQ_SUBMIT:
		return ((const struct trace_rec_wq_submit *)rec)->pasid;
	case TRACE_REC_WQ_COMPLETE:
		return ((const struct trace_rec_wq_complete *)rec)->pasid;
	case TRACE_REC_DEV_ACCESS:
		return ((const struct trace_rec_dev_access *)rec)->pasid;
	case TRACE_REC_PAGE_REQ:
		return ((const struct trace_rec_page_req *)rec)->pasid;
	case TRACE_REC_PAGE_RESP:
		return ((const struct trace_rec_page_resp *)rec)->pasid;
	case TRACE_REC_IO_PAGE_FAULT:
		return ((const struct trace_rec_io_page_fault *)rec)->pasid;
	default:
		return TRACE_NO_PASID;
	}
}

unsigned int scenario_log2_pages(uint64_t bytes)
{
	uint64_t pages = (bytes + 4095) / 4096;
	unsigned int am = 0;

	while (am < 52 && ((uint64_t)1 << am) < pages)
		am++;
	return am;
}

static void rec_hdr(struct trace_rec *h, unsigned int kind, size_t size, uint64_t ts_ns)
{
	memset(h, 0, size);
	h->ts_ns = ts_ns;
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
}

void scenario_qi_iotlb(struct trace_rec_qi_submit *q, uint64_t ts_ns, uint32_t iommu_id,
		       uint32_t did, unsigned int gran, uint64_t addr, unsigned int am)
{
	rec_hdr(&q->hdr, TRACE_REC_QI_SUBMIT, sizeof(*q), ts_ns);
	trace_qi_encode_iotlb(q, did, gran, addr, am);
	q->iommu_id = iommu_id;
}

void scenario_qi_dev_tlb(struct trace_rec_qi_submit *q, uint64_t ts_ns, uint32_t iommu_id,
			 uint16_t sid, uint64_t addr, unsigned int am)
{
	rec_hdr(&q->hdr, TRACE_REC_QI_SUBMIT, sizeof(*q), ts_ns);
	trace_qi_encode_dev_tlb(q, sid, addr, am);
	q->iommu_id = iommu_id;
}

void scenario_page_req(struct trace_rec_page_req *p, uint64_t ts_ns, uint32_t device_id,
		       uint32_t pasid, uint64_t addr, unsigned int rw, uint16_t grpid)
{
	uint64_t qw0, qw1;

	rec_hdr(&p->hdr, TRACE_REC_PAGE_REQ, sizeof(*p), ts_ns);
	addr &= ~0xfffull;
	/* type 1 (page request), PASID present bit 8, PASID in 51:32; R/W, LPIG, PRGI, address */
	qw0 = 1 | (pasid != TRACE_NO_PASID ? ((uint64_t)1 << 8) | ((uint64_t)(pasid & 0xfffff) << 32) : 0);
	qw1 = (rw & 3) | (1u << 2) | ((uint64_t)(grpid & 0x1ff) << 3) | addr;
	p->dw[0] = (uint32_t)qw0;
	p->dw[1] = (uint32_t)(qw0 >> 32);
	p->dw[2] = (uint32_t)qw1;
	p->dw[3] = (uint32_t)(qw1 >> 32);
	p->addr = addr;
	p->device_id = device_id;
	p->sid = 0;
	p->pasid = pasid;
	p->grpid = grpid & 0x1ff;
	p->rw = (uint8_t)(rw & 3);
	p->last = 1;
}
