// SPDX-License-Identifier: GPL-2.0
/*
 * scenario.c - the transform registry, spec parsing and the chain that
 * connects transforms (see scenario.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lib/prng.h"
#include "lib/units.h"
#include "lib/alloc.h"
#include "lib/suggest.h"
#include "replay/scenario.h"
#include "trace/trace.h"

/*
 * The registry: one line per transform, in '--scenario help' order.
 * Transform NAME is `const struct scenario_ops scenario_NAME` in its own
 * file (replay/scenario_*.c); the declarations and the table are made from
 * this list. Adding a transform: one file and one line here.
 */
#define SCENARIO_TRANSFORMS(X)                                                                     \
	X(pinned)                                                                                  \
	X(faulting)                                                                                \
	X(dwq)                                                                                     \
	X(swq)                                                                                     \
	X(pagesize)                                                                                \
	X(inval)                                                                                   \
	X(ats)                                                                                     \
	X(tenants)

#define DECLARE_(n) extern const struct scenario_ops scenario_##n;
SCENARIO_TRANSFORMS(DECLARE_)
#undef DECLARE_
#define ENTRY_(n) &scenario_##n,
static const struct scenario_ops *const transforms[] = {SCENARIO_TRANSFORMS(ENTRY_)};
#undef ENTRY_
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
	const struct scenario_ops *ops; /* transform */
	void *state;			/* its state */
	struct scenario_emit next;	/* where it emits */
	const char *value;		/* =VALUE (in the chain's parsed copy), NULL if none */
	struct scenario_arg args[SCENARIO_MAX_ARGS]; /* :key=value arguments */
	size_t nr_args;				     /* used */
};

struct scenario_chain {
	struct scenario_out out;     /* final output */
	struct stage st[MAX_STAGES]; /* stages in order */
	size_t nr;		     /* stages used */
	char *spec;		     /* normalised spec */
	char *parsed;		     /* the spec split in place: stages' value and args */
	const char *ov[MAX_STAGES * SCENARIO_MAX_OVERRIDES]; /* collected overrides */
	size_t nr_ov;					     /* overrides collected */
};

/*
 * Where a transform's init() reports (scenario_err()): the caller's buffer
 * of the chain being built or reset. Set only around init() calls, so a
 * message reaches the caller once, through its buffer, never the log.
 */
static __thread struct {
	bool active;  /* inside init() */
	char *buf;    /* the caller's buffer (may be NULL: not wanted) */
	size_t bytes; /* its size */
} init_err;

void scenario_err(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!init_err.active)
		svt_err("%s", msg); /* called outside a chain's init(): a programming slip */
	else if (init_err.buf && init_err.bytes && !init_err.buf[0])
		snprintf(init_err.buf, init_err.bytes, "%s", msg);
}

/*
 * Why a push or finish failed (scenario_fail()): one per thread, like
 * init_err, cleared when a chain is built or reset; a replay runs one chain
 * per thread (sweep points run in processes of their own).
 */
static __thread char run_err[512];

void scenario_fail(const char *fmt, ...)
{
	va_list ap;

	if (run_err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(run_err, sizeof(run_err), fmt, ap);
	va_end(ap);
}

const char *scenario_chain__errmsg(const struct scenario_chain *c)
{
	return run_err;
}

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

/* Parse one "NAME[=VALUE][:key=value...]" piece (split in place) into stage c->nr. */
static int parse_stage(struct scenario_chain *c, char *piece, char *err, size_t err_bytes)
{
	char *save = NULL, *head = strtok_r(piece, ":", &save), *value, *tok;
	const struct scenario_ops *ops;
	struct stage *s = &c->st[c->nr];

	head = trim(head ? head : piece);
	value = strchr(head, '=');
	if (value)
		*value++ = 0;
	ops = scenario_find(head);
	if (!ops) {
		const char *names[NR_TRANSFORMS], *near;

		for (size_t i = 0; i < NR_TRANSFORMS; i++)
			names[i] = transforms[i]->name;
		near = suggest_closest(head, names, NR_TRANSFORMS);
		if (near)
			snprintf(err, err_bytes, "scenario: no transform '%s'; did you mean '%s'?",
				 head, near);
		else
			snprintf(err, err_bytes,
				 "scenario: no transform '%s' (see '--scenario help')", head);
		return -EINVAL;
	}
	if (!ops->value && value) {
		snprintf(err, err_bytes, "scenario %s: takes no =value ('%s')", ops->name, value);
		return -EINVAL;
	}
	if (ops->value && (!value || !*value)) {
		snprintf(err, err_bytes, "scenario %s: needs a value: %s=%s", ops->name, ops->name,
			 ops->value);
		return -EINVAL;
	}
	if (c->nr == MAX_STAGES) {
		snprintf(err, err_bytes, "scenario: more than %d transforms", MAX_STAGES);
		return -EINVAL;
	}
	*s = (struct stage){.ops = ops, .value = value};
	while ((tok = strtok_r(NULL, ":", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq || s->nr_args == SCENARIO_MAX_ARGS) {
			snprintf(err, err_bytes, "scenario %s: argument '%s' is not key=value",
				 ops->name, tok);
			return -EINVAL;
		}
		*eq = 0;
		s->args[s->nr_args].key = trim(tok);
		s->args[s->nr_args++].value = trim(eq + 1);
	}
	c->nr++;
	return 0;
}

/* Refuse a chain whose stages multiply records past SCENARIO_MAX_COPIES. */
static int check_copies(struct scenario_chain *c, char *err, size_t err_bytes)
{
	uint64_t n = 1;

	for (size_t i = 0; i < c->nr; i++) {
		uint64_t k = c->st[i].ops->copies ? c->st[i].ops->copies(c->st[i].state) : 1;

		n = k && n > SCENARIO_MAX_COPIES / k ? SCENARIO_MAX_COPIES + 1 : n * k;
		if (n > SCENARIO_MAX_COPIES) {
			if (err && err_bytes)
				snprintf(err, err_bytes,
					 "scenario: '%s' makes more than %d copies of each record "
					 "(the stages' copies multiply; '%s' brings it past the "
					 "limit)",
					 c->spec, SCENARIO_MAX_COPIES, c->st[i].ops->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* (Re)create every stage's state from its parsed arguments. */
static int init_stages(struct scenario_chain *c, uint64_t seed, char *err, size_t err_bytes)
{
	int rc = 0;

	run_err[0] = 0;
	init_err.active = true;
	init_err.buf = err;
	init_err.bytes = err_bytes;
	if (err && err_bytes)
		err[0] = 0;
	for (size_t i = 0; i < c->nr && !rc; i++) {
		struct stage *s = &c->st[i];

		/* each stage its own stream, fixed by the seed and the stage's position */
		rc = s->ops->init(&s->state, s->value, s->args, s->nr_args,
				  prng_derive(prng_derive(seed, PRNG_STREAM_SCENARIO), i));
		if (rc) {
			s->state = NULL;
			c->nr = i; /* only the stages before it hold state */
		}
	}
	init_err.active = false;
	if (rc && err && err_bytes && !err[0])
		snprintf(err, err_bytes, "scenario: %s", strerror(-rc));
	if (!rc)
		rc = check_copies(c, err, err_bytes);
	return rc;
}

static void free_states(struct scenario_chain *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		if (c->st[i].ops->free)
			c->st[i].ops->free(c->st[i].state);
		c->st[i].state = NULL;
	}
}

static uint64_t nr_chains_built; /* chains this process built (tests: built once per replay) */

uint64_t scenario_chain_nr_built(void)
{
	return nr_chains_built;
}

struct scenario_chain *scenario_chain__new(const char *spec, uint64_t seed,
					   const struct scenario_out *out, char *err,
					   size_t err_bytes)
{
	struct scenario_chain *c = svt_calloc(1, sizeof(*c));
	char *save = NULL, *piece;
	int rc = 0;

	if (!c) {
		snprintf(err, err_bytes, "scenario: out of memory");
		return NULL;
	}
	c->out = *out;
	c->spec = svt_strdup(spec ? spec : "");
	c->parsed = svt_strdup(spec ? spec : "");
	if (!c->spec || !c->parsed) {
		snprintf(err, err_bytes, "scenario: out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	for (piece = strtok_r(c->parsed, ",", &save); piece; piece = strtok_r(NULL, ",", &save)) {
		if (!*trim(piece))
			continue;
		rc = parse_stage(c, piece, err, err_bytes);
		if (rc)
			goto fail;
	}
	rc = init_stages(c, seed, err, err_bytes);
	if (rc)
		goto fail;
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
	nr_chains_built++;
	return c;
fail:
	scenario_chain__free(c);
	errno = -rc;
	return NULL;
}

int scenario_chain__reset(struct scenario_chain *c, uint64_t seed, char *err, size_t err_bytes)
{
	int rc;

	free_states(c);
	rc = init_stages(c, seed, err, err_bytes);
	c->nr_ov = 0;
	if (rc) {
		/* the stages before the one that failed hold state: free it (they leaked) */
		free_states(c);
		c->nr = 0; /* unusable: an identity chain until freed */
		return rc;
	}
	/* overrides point into states: collect them again (same arguments, same strings) */
	for (size_t i = 0; i < c->nr; i++)
		if (c->st[i].ops->overrides)
			c->nr_ov += c->st[i].ops->overrides(c->st[i].state, c->ov + c->nr_ov);
	return 0;
}

void scenario_chain__bind(struct scenario_chain *c, const struct scenario_out *out)
{
	/* the stages reach it through next.out = &c->out; their init never saw it */
	c->out = *out;
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
	free_states(c);
	free(c->spec);
	free(c->parsed);
	free(c);
}

/* ------------------------------------------------------------- helpers */

int scenario_bad_arg(const char *name, const struct scenario_arg *a)
{
	scenario_err("scenario %s: unknown argument '%s' (see '--scenario help')", name, a->key);
	return -EINVAL;
}

int scenario_arg_u64(const char *name, const struct scenario_arg *a, uint64_t *v,
		     enum units_kind kind)
{
	char why[192];

	if (units_parse_u64(a->value, kind, v, why, sizeof(why))) {
		scenario_err("scenario %s: argument '%s': %s", name, a->key, why);
		return -EINVAL;
	}
	return 0;
}

int scenario_arg_real(const char *name, const struct scenario_arg *a, enum units_kind kind,
		      double lo, double hi, double *v)
{
	char why[192];

	if (units_parse_double(a->value, kind, v, why, sizeof(why))) {
		scenario_err("scenario %s: argument '%s': %s", name, a->key, why);
		return -EINVAL;
	}
	if (!(*v >= lo && *v <= hi)) {
		scenario_err("scenario %s: argument '%s': %s is not in [%g, %g]", name, a->key,
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
	qw0 =
	    1 | (pasid != TRACE_NO_PASID ? ((uint64_t)1 << 8) | ((uint64_t)(pasid & 0xfffff) << 32)
					 : 0);
	/* qw1 bits: 0 read, 1 write requested (the RR/WR bits, TRACE_PRQ_RW), 2 last in group */
	qw1 = (rw & TRACE_PRQ_RW) | (1u << 2) | ((uint64_t)(grpid & 0x1ff) << 3) | addr;
	p->dw[0] = (uint32_t)qw0;
	p->dw[1] = (uint32_t)(qw0 >> 32);
	p->dw[2] = (uint32_t)qw1;
	p->dw[3] = (uint32_t)(qw1 >> 32);
	p->addr = addr;
	p->device_id = device_id;
	p->sid = 0;
	p->pasid = pasid;
	p->grpid = grpid & 0x1ff;
	p->rw = (uint8_t)(rw & TRACE_PRQ_RW);
	p->last = 1;
}
