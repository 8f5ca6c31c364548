// SPDX-License-Identifier: GPL-2.0
/*
 * gen_dsa_memcpy.c - clients copying memory with Intel DSA memmove
 * descriptors: WQ_SUBMIT and WQ_COMPLETE records, each client with its own
 * PASID, submitting to a dedicated WQ (MOVDIR64B) or one shared WQ (ENQCMD).
 */
#include <errno.h>
#include <stdlib.h>

#include "collect/gen/gen-local.h"
#include "common/log.h"
#include "lib/prng.h"

#define DSA_OP_BATCH 0x01 /* DSA spec rev 1.1, table 8-1 */
#define DSA_OP_MEMMOVE 0x03
#define DSA_FLAG_RCR (1u << 3)	  /* request completion record */
#define DSA_FLAG_CRAV (1u << 2)	  /* completion record address valid */
#define VA_BASE 0x7f0000000000ull /* where client buffers start (user VA) */
#define VA_STRIDE (1ull << 36)	  /* 64 GiB between clients */

static const struct gen_param params[] = {
    {"duration", GEN_T_TIME, "ns", "100ms", 1, 0, NULL, "submissions happen in [0, duration)"},
    {"clients", GEN_T_COUNT, "", "4", 1, 1024, NULL,
     "submitting clients (processes), one PASID each"},
    {"device", GEN_T_STR, "", "dsa0", 0, 0, NULL, "device name in the records"},
    {"wq_mode", GEN_T_CHOICE, "", "dwq", 0, 0, "dwq|swq",
     "dwq: client c uses WQ c % wqs with MOVDIR64B; swq: every client on WQ 0 with ENQCMD"},
    {"wqs", GEN_T_COUNT, "", "8", 1, 8, NULL, "work queues on the device (dwq mode)"},
    {"pasid_base", GEN_T_COUNT, "", "1", 1, 1048000, NULL,
     "PASID of client 0; client c has pasid_base + c"},
    {"loop", GEN_T_CHOICE, "", "open", 0, 0, "open|closed",
     "open: submit at 'rate' regardless of completions; closed: next job after completion + think"},
    {"rate", GEN_T_RATE, "1/s", "100k", 1e-3, 1e9, NULL, "open loop: jobs per second per client"},
    {"arrival", GEN_T_CHOICE, "", "poisson", 0, 0, "poisson|constant",
     "open loop: inter-arrival law"},
    {"think", GEN_T_TIME, "ns", "0", 0, 0, NULL,
     "closed loop: time between a completion and the next submit"},
    {"size_dist", GEN_T_CHOICE, "", "fixed", 0, 0, "fixed|uniform|pow2",
     "transfer size: 'size'; uniform in [size_min, size_max] (64 B steps); a power of two in that "
     "range"},
    {"size", GEN_T_BYTES, "bytes", "4k", 1, 2147483648.0, NULL, "fixed transfer size"},
    {"size_min", GEN_T_BYTES, "bytes", "64", 1, 2147483648.0, NULL,
     "smallest transfer (uniform, pow2)"},
    {"size_max", GEN_T_BYTES, "bytes", "64k", 1, 2147483648.0, NULL,
     "largest transfer (uniform, pow2)"},
    {"wset", GEN_T_BYTES, "bytes", "16m", 4096, 0, NULL,
     "working set per client, for each of source and destination"},
    {"locality", GEN_T_CHOICE, "", "seq", 0, 0, "seq|uniform|zipf",
     "buffer offsets: sequential with wrap; uniform (64 B aligned); Zipf-ranked 4 KiB pages"},
    {"zipf_s", GEN_T_REAL, "", "0.99", 0.01, 10, NULL, "Zipf exponent (locality=zipf)"},
    {"batch", GEN_T_COUNT, "", "1", 1, 1024, NULL,
     "descriptors per submission; > 1 submits a batch descriptor"},
    {"svc_base", GEN_T_TIME, "ns", "1us", 0, 0, NULL,
     "completion time = svc_base + bytes / bw (estimate: sub-microsecond start-up, DSA papers)"},
    {"bw", GEN_T_RATE, "bytes/s", "30G", 1e6, 0, NULL,
     "device copy bandwidth for completion times (estimate: ~30 GB/s per DSA device, Intel DSA "
     "paper ASPLOS'24)"},
    {NULL},
};

static int check(const struct gen_cfg *cfg)
{
	uint64_t wset = gen_cfg_u64(cfg, "wset");
	uint64_t maxsz = gen_cfg_is(cfg, "size_dist", "fixed") ? gen_cfg_u64(cfg, "size")
							       : gen_cfg_u64(cfg, "size_max");

	if (gen_cfg_u64(cfg, "size_min") > gen_cfg_u64(cfg, "size_max")) {
		svt_err("gen dsa-memcpy: key 'size_min': larger than size_max");
		return -EINVAL;
	}
	if (maxsz > wset) {
		svt_err("gen dsa-memcpy: key 'wset': %llu bytes cannot hold a %llu-byte transfer",
			(unsigned long long)wset, (unsigned long long)maxsz);
		return -EINVAL;
	}
	if (gen_cfg_is(cfg, "size_dist", "pow2")) {
		uint64_t lo = gen_cfg_u64(cfg, "size_min"), p = 1;

		while (p < lo)
			p <<= 1;
		if (p > gen_cfg_u64(cfg, "size_max")) {
			svt_err("gen dsa-memcpy: key 'size_max': no power of two in [size_min, "
				"size_max]");
			return -EINVAL;
		}
	}
	return 0;
}

enum { EV_SUBMIT = 0, EV_COMPLETE = 1 };

struct client {
	struct prng rng;  /* this client's stream */
	uint64_t cursor;  /* sequential locality: next offset */
	uint64_t nr_desc; /* descriptors submitted */
};

struct state {
	const struct gen_cfg *cfg; /* params */
	const struct gen_out *out; /* sink */
	struct client *cl;	   /* per client */
	struct prng_zipf zipf;	   /* locality=zipf */
	uint64_t wset, duration_ns, size_min, size_max, size, svc_base_ns, think_ns;
	double rate, bw;
	unsigned int batch, wqs, nr_clients;
	uint32_t dev_id, comm_id, pasid_base;
	int swq, closed, poisson, dist, loc; /* decoded choices */
	unsigned int lo_exp, hi_exp;	     /* pow2 exponent range */
};

static uint64_t pick_size(struct state *st, struct client *c)
{
	switch (st->dist) {
	case 1: { /* uniform in 64-byte steps (DSA copies any size; 64 B keeps sizes cache-line
		     shaped) */
		uint64_t lo = st->size_min, hi = st->size_max;
		uint64_t steps = (hi - lo) / 64;

		return lo + 64 * prng_below(&c->rng, steps + 1);
	}
	case 2:
		return (uint64_t)1
		       << (st->lo_exp + prng_below(&c->rng, st->hi_exp - st->lo_exp + 1));
	default:
		return st->size;
	}
}

static uint64_t pick_offset(struct state *st, struct client *c, uint64_t sz)
{
	uint64_t off;

	switch (st->loc) {
	case 0: /* sequential: next buffer follows, wrap when it would not fit */
		if (c->cursor + sz > st->wset)
			c->cursor = 0;
		off = c->cursor;
		c->cursor += sz;
		return off;
	case 1:
		return 64 * prng_below(&c->rng, (st->wset - sz) / 64 + 1);
	default:
		off = (prng_zipf(&st->zipf, &c->rng) - 1) * GEN_PAGE_BYTES;
		if (off + sz > st->wset)
			off = (st->wset - sz) & ~63ull;
		return off;
	}
}

static int emit_submit(struct state *st, unsigned int ci, uint64_t ts, uint64_t desc_id,
		       uint8_t opcode, uint8_t portal, uint64_t src, uint64_t dst, uint32_t bytes)
{
	struct trace_rec_wq_submit r;

	gen_rec_init(&r, TRACE_REC_WQ_SUBMIT, sizeof(r), ts);
	r.hdr.cpu = (uint16_t)ci;
	r.hdr.pid = 1000 + ci;
	r.hdr.comm_id = st->comm_id;
	r.src = src;
	r.dst = dst;
	r.compl_addr = VA_BASE + ci * VA_STRIDE + 2 * st->wset + (desc_id & 0xffff) * 64;
	r.desc_id = desc_id;
	r.device_id = st->dev_id;
	r.xfer_bytes = bytes;
	r.pasid = st->pasid_base + ci;
	r.desc_flags = DSA_FLAG_RCR | DSA_FLAG_CRAV;
	r.wq = (uint16_t)(st->swq ? 0 : ci % st->wqs);
	r.opcode = opcode;
	r.portal = portal;
	return gen_emit(st->out, &r);
}

static int emit_complete(struct state *st, unsigned int ci, uint64_t ts, uint64_t desc_id,
			 uint8_t opcode, uint64_t bytes)
{
	struct trace_rec_wq_complete r;

	gen_rec_init(&r, TRACE_REC_WQ_COMPLETE, sizeof(r), ts);
	r.hdr.cpu = (uint16_t)ci;
	r.hdr.pid = 1000 + ci;
	r.hdr.comm_id = st->comm_id;
	r.desc_id = desc_id;
	r.bytes_done = bytes;
	r.device_id = st->dev_id;
	r.pasid = st->pasid_base + ci;
	r.wq = (uint16_t)(st->swq ? 0 : ci % st->wqs);
	r.opcode = opcode;
	r.status = 1; /* DSA_COMP_SUCCESS */
	return gen_emit(st->out, &r);
}

/*
 * One job = one descriptor, or a batch descriptor followed by its members
 * (portal UNKNOWN: the device fetches them from memory, they cross no portal).
 * Returns the completion time through @done_ns and bytes through @bytes.
 */
static int submit_job(struct state *st, struct heap *h, unsigned int ci, uint64_t ts)
{
	struct client *c = &st->cl[ci];
	uint8_t portal = st->swq ? TRACE_PORTAL_ENQCMD : TRACE_PORTAL_MOVDIR64B;
	uint64_t base = VA_BASE + ci * VA_STRIDE;
	uint64_t total = 0, job_id = ((uint64_t)ci << 40) | c->nr_desc;
	struct gen_ev ev = {.who = ci, .what = EV_COMPLETE};
	int rc;

	if (st->batch > 1) {
		rc = emit_submit(st, ci, ts, job_id, DSA_OP_BATCH, portal, 0, 0, st->batch);
		if (rc)
			return rc;
		c->nr_desc++;
	}
	for (unsigned int i = 0; i < st->batch; i++) {
		uint64_t sz = pick_size(st, c), off = pick_offset(st, c, sz);
		uint64_t id = ((uint64_t)ci << 40) | c->nr_desc++;

		rc = emit_submit(st, ci, ts, id, DSA_OP_MEMMOVE,
				 st->batch > 1 ? TRACE_PORTAL_UNKNOWN : portal, base + off,
				 base + st->wset + off, (uint32_t)sz);
		if (rc)
			return rc;
		total += sz;
	}
	ev.ts_ns = ts + st->svc_base_ns + (uint64_t)((double)total * 1e9 / st->bw);
	ev.a = job_id;
	ev.b = total;
	ev.c = st->batch;
	return heap__push(h, &ev);
}

static int complete_job(struct state *st, const struct gen_ev *ev)
{
	int rc;

	if (ev->c == 1)
		return emit_complete(st, ev->who, ev->ts_ns, ev->a, DSA_OP_MEMMOVE, ev->b);
	/* members first, then the batch descriptor's own completion record */
	for (uint64_t i = 1; i <= ev->c; i++) {
		rc = emit_complete(st, ev->who, ev->ts_ns, ev->a + i, DSA_OP_MEMMOVE, 0);
		if (rc)
			return rc;
	}
	return emit_complete(st, ev->who, ev->ts_ns, ev->a, DSA_OP_BATCH, ev->b);
}

static uint64_t next_arrival(struct state *st, struct client *c)
{
	double gap = st->poisson ? prng_exp(&c->rng, 1e9 / st->rate) : 1e9 / st->rate;

	return (uint64_t)(gap + 0.5);
}

static int run(const struct gen_cfg *cfg, uint64_t seed, const struct gen_out *out)
{
	struct state st = {.cfg = cfg, .out = out};
	struct heap h = HEAP_INIT(struct gen_ev);
	struct gen_ev ev;
	int rc = 0;

	st.wset = gen_cfg_u64(cfg, "wset") & ~63ull;
	st.duration_ns = gen_cfg_u64(cfg, "duration");
	st.size = gen_cfg_u64(cfg, "size");
	st.size_min = gen_cfg_u64(cfg, "size_min");
	st.size_max = gen_cfg_u64(cfg, "size_max");
	st.svc_base_ns = gen_cfg_u64(cfg, "svc_base");
	st.think_ns = gen_cfg_u64(cfg, "think");
	st.rate = gen_cfg_real(cfg, "rate");
	st.bw = gen_cfg_real(cfg, "bw");
	st.batch = (unsigned int)gen_cfg_u64(cfg, "batch");
	st.wqs = (unsigned int)gen_cfg_u64(cfg, "wqs");
	st.nr_clients = (unsigned int)gen_cfg_u64(cfg, "clients");
	st.pasid_base = (uint32_t)gen_cfg_u64(cfg, "pasid_base");
	st.swq = gen_cfg_is(cfg, "wq_mode", "swq");
	st.closed = gen_cfg_is(cfg, "loop", "closed");
	st.poisson = gen_cfg_is(cfg, "arrival", "poisson");
	st.dist = gen_cfg_is(cfg, "size_dist", "uniform") ? 1
		  : gen_cfg_is(cfg, "size_dist", "pow2")  ? 2
							  : 0;
	st.loc = gen_cfg_is(cfg, "locality", "uniform") ? 1
		 : gen_cfg_is(cfg, "locality", "zipf")	? 2
							: 0;
	while (((uint64_t)1 << st.lo_exp) < st.size_min)
		st.lo_exp++;
	st.hi_exp = st.lo_exp;
	while (((uint64_t)2 << st.hi_exp) <= st.size_max)
		st.hi_exp++;
	if (st.loc == 2 &&
	    prng_zipf_init(&st.zipf, st.wset / GEN_PAGE_BYTES, gen_cfg_real(cfg, "zipf_s")))
		return -EINVAL;
	st.dev_id = out->intern(out->ctx, gen_cfg_str(cfg, "device"));
	st.comm_id = out->intern(out->ctx, "dsa-memcpy");
	st.cl = calloc(st.nr_clients, sizeof(*st.cl));
	if (!st.cl)
		return -ENOMEM;
	for (unsigned int i = 0; i < st.nr_clients; i++) {
		/* one stream per client: its sizes and offsets do not depend on the others */
		prng_seed(&st.cl[i].rng, prng_derive(prng_derive(seed, PRNG_STREAM_GEN_CLIENT), i));
		ev = (struct gen_ev){.who = i, .what = EV_SUBMIT};
		/* open loop starts each client at a random phase so clients do not tick together */
		ev.ts_ns = st.closed ? 0 : prng_below(&st.cl[i].rng, (uint64_t)(1e9 / st.rate) + 1);
		rc = heap__push(&h, &ev);
		if (rc)
			goto out;
	}
	while (!rc && heap__pop(&h, &ev)) {
		if (ev.what == EV_COMPLETE) {
			rc = complete_job(&st, &ev);
			if (!rc && st.closed && ev.ts_ns + st.think_ns < st.duration_ns) {
				struct gen_ev n = {.ts_ns = ev.ts_ns + st.think_ns,
						   .who = ev.who,
						   .what = EV_SUBMIT};
				rc = heap__push(&h, &n);
			}
			continue;
		}
		if (ev.ts_ns >= st.duration_ns)
			continue;
		rc = submit_job(&st, &h, ev.who, ev.ts_ns);
		if (!rc && !st.closed) {
			ev.ts_ns += next_arrival(&st, &st.cl[ev.who]);
			rc = heap__push(&h, &ev);
		}
	}
out:
	heap__release(&h);
	free(st.cl);
	return rc;
}

const struct gen_kind gen_dsa_memcpy = {
    .name = "dsa-memcpy",
    .summary = "clients copying buffers with DSA memmove descriptors (WQ submit/complete)",
    .assumptions =
	"Each client is a process with its own PASID and buffers (source and destination\n"
	"regions of 'wset' bytes each, 64 GiB apart per client). Completion time is\n"
	"svc_base + bytes/bw with no queueing: the trace is what a lightly loaded\n"
	"device shows; the replay's WQ model re-times it. In open loop each client\n"
	"starts at a random phase. A batch is one batch descriptor (opcode 0x01,\n"
	"xfer_bytes = count) followed by its members (portal unknown), completing\n"
	"together: members' completion records, then the batch's.",
    .params = params,
    .check = check,
    .run = run,
};
