// SPDX-License-Identifier: GPL-2.0
/*
 * convert.c - ring-buffer event -> trace record (see convert.h). Each
 * probe's kind (collect/probe_table.h) selects one converter below, which
 * reads the event's values through the kind's named struct (collect.h) and
 * takes the record's op from the probe's table line.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/convert.h"
#include "collect/probes.h"
#include "collect/redact.h"

_Static_assert(offsetof(struct trace_rec, kind) == 8 && offsetof(struct trace_rec, cpu) == 12 &&
		   offsetof(struct trace_rec, flags) == 14 &&
		   offsetof(struct trace_rec, pid) == 16 &&
		   offsetof(struct trace_rec, comm_id) == 20 &&
		   offsetof(struct trace_rec, event_id) == 24 &&
		   offsetof(struct trace_rec_generic, text_bytes) == 32 &&
		   offsetof(struct trace_rec_generic, layout_id) == 36 &&
		   sizeof(struct trace_rec_generic) == 40,
	       "tracepoint_raw() stores the generic header as words");

/*
 * What a --tracepoint's records need, worked out once from its layout
 * (conv__set_tracepoint()) so that the consumer's per-record work is copies.
 */
struct conv_tp {
	uint32_t layout_id;	/* interned raw layout */
	uint32_t payload_bytes; /* payload stored per record */
	uint16_t size_bytes;	/* the record: generic header + payload + NUL, padded */
	uint16_t flags;		/* TRACE_RF_RAW_FIELDS, and ADDR_HASHED when it hashes */
	uint8_t nr_copy;	/* payload words copied when the ring record has them all */
	uint8_t nr_zero;	/* then zero words (NUL, padding) up to size_bytes: 0 or 1 */
	uint64_t last_mask;	/* bytes of the last copied word that are payload */
	uint8_t nr_hash;	/* 8-byte fields hashed per record */
	uint8_t hash_words;	/* bit i: the field at payload word i is hashed */
	uint8_t nr_hash_odd;	/* hashed fields not on a word boundary */
	uint8_t hash_odd_off[TPFMT_PAYLOAD_MAX / 8]; /* their payload offsets */
};

struct conv {
	struct trace_writer *w;			 /* output (not owned) */
	struct redact *rd;			 /* address hashing */
	char *device_glob;			 /* device filter, NULL = none */
	uint32_t event_id[SVT_P_MAX_];		 /* interned event name per probe, 0 = not yet */
	uint32_t uprobe_id[SVT_MAX_UPROBES];	 /* interned event name per --uprobe */
	uint32_t tp_id[SVT_MAX_TRACEPOINTS];	 /* interned event name per --tracepoint */
	struct conv_tp *tp[SVT_MAX_TRACEPOINTS]; /* record layout per --tracepoint, NULL: none */
	uint64_t nr[SVT_P_MAX_];		 /* records written per probe */
	uint64_t nr_filtered;			 /* events dropped by the device filter */
	char last_comm[SVT_COMM_BYTES];		 /* task name of the previous event */
	uint32_t last_comm_id;			 /* its interned id, 0 = none yet */
};

struct conv *conv__new(struct trace_writer *w, bool keep_addrs, const char *device_glob)
{
	return conv__new_key(w, keep_addrs, device_glob, NULL);
}

struct conv *conv__new_key(struct trace_writer *w, bool keep_addrs, const char *device_glob,
			   const uint8_t *hash_key)
{
	struct conv *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->w = w;
	c->rd = redact__new_key(keep_addrs, hash_key);
	if (!c->rd || (device_glob && !(c->device_glob = strdup(device_glob)))) {
		conv__free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

void conv__free(struct conv *c)
{
	if (!c)
		return;
	redact__free(c->rd);
	free(c->device_glob);
	for (unsigned int i = 0; i < SVT_MAX_TRACEPOINTS; i++)
		free(c->tp[i]);
	free(c);
}

void conv__set_uprobe_name(struct conv *c, unsigned int idx, const char *name)
{
	if (idx < SVT_MAX_UPROBES)
		c->uprobe_id[idx] = trace_writer__intern(c->w, name);
}

int conv__set_tracepoint(struct conv *c, unsigned int idx, const char *name, const struct tpfmt *f)
{
	char layout[TPFMT_MAX_FIELDS * (TPFMT_NAME_BYTES + 12)];
	uint32_t payload_bytes = f->payload_bytes;
	struct conv_tp *t;

	if (idx >= SVT_MAX_TRACEPOINTS || payload_bytes > TPFMT_PAYLOAD_MAX)
		return -EINVAL;
	if (!c->tp[idx] && !(c->tp[idx] = malloc(sizeof(*t))))
		return -ENOMEM;
	t = c->tp[idx];
	memset(t, 0, sizeof(*t));
	c->tp_id[idx] = trace_writer__intern(c->w, name);
	/* 8-byte fields (addresses, perhaps) are hashed unless addresses are kept (tpfmt_hash()) */
	for (uint32_t i = 0; i < f->nr_fields && !redact__keeps(c->rd); i++) {
		uint32_t off = f->field[i].offset_bytes;

		if (f->field[i].size_bytes != 8 || off + 8u > payload_bytes)
			continue;
		t->nr_hash++;
		if (off % 8)
			t->hash_odd_off[t->nr_hash_odd++] = (uint8_t)off;
		else
			t->hash_words |= (uint8_t)(1u << off / 8);
	}
	t->payload_bytes = payload_bytes;
	t->size_bytes =
	    (uint16_t)((sizeof(struct trace_rec_generic) + payload_bytes + 1 + 7) & ~(size_t)7);
	t->nr_copy = (uint8_t)((payload_bytes + 7) / 8);
	t->nr_zero = (uint8_t)((t->size_bytes - sizeof(struct trace_rec_generic)) / 8 - t->nr_copy);
	t->last_mask = payload_bytes % 8 ? (1ull << 8 * (payload_bytes % 8)) - 1 : ~0ull;
	t->flags = TRACE_RF_RAW_FIELDS | (t->nr_hash ? TRACE_RF_ADDR_HASHED : 0);
	if (tpfmt_layout(f, t->nr_hash > 0, layout, sizeof(layout)))
		return -ENOSPC;
	/* an empty layout (no scalar field) still needs an id: one space */
	t->layout_id = trace_writer__intern(c->w, layout[0] ? layout : " ");
	return t->layout_id ? 0 : -ENOMEM;
}

uint64_t conv__nr_records(const struct conv *c, unsigned int id)
{
	return id < SVT_P_MAX_ ? c->nr[id] : 0;
}

uint64_t conv__nr_filtered(const struct conv *c)
{
	return c->nr_filtered;
}

/*
 * Every field of @e is stored once, with zeros for the parts the record
 * lacks (of an absent name, its first byte): no memset of the whole event first. The consumer runs
 * this per event, and the 184-byte memset compiled to `rep stos`, whose start-up cost was 60% of
 * this function here (perf annotate, bench/consumer_bench).
 */
int conv_rec_decode(const void *data, size_t len, struct svt_event *e)
{
	const struct svt_rec *r = data;
	const unsigned char *p = (const unsigned char *)(r + 1);
	unsigned int nv, fl;

	if (len < sizeof(*r))
		return -EINVAL;
	nv = r->nr_v;
	fl = r->flags;
	if (nv > 8 || SVT_REC_BYTES(nv, fl) > len)
		return -EINVAL;
	e->ts_ns = r->ts_ns;
	e->tgid = r->tgid;
	e->tid = r->tid;
	e->cpu = r->cpu;
	e->probe = r->probe;
	e->op = r->op;
	memcpy(e->comm, r->comm, SVT_COMM_BYTES);
	for (unsigned int i = 0; i < SVT_NR_V; i++) {
		uint64_t v = 0;

		if (i < nv)
			memcpy(&v, p + 8 * i, 8);
		e->v[i] = v;
	}
	p += 8 * nv;
	e->ret = 0;
	e->dur_ns = 0;
	if (fl & SVT_RF_RET) {
		memcpy(&e->ret, p, 8);
		p += 8;
	}
	if (fl & SVT_RF_DUR) {
		memcpy(&e->dur_ns, p, 8);
		p += 8;
	}
	/* an absent name is "": every reader stops at the first NUL (intern_n) */
	if (fl & SVT_RF_S1) {
		memcpy(e->s1, p, SVT_STR_BYTES);
		p += SVT_STR_BYTES;
	} else {
		e->s1[0] = 0;
	}
	if (fl & SVT_RF_S2)
		memcpy(e->s2, p, SVT_STR_BYTES);
	else
		e->s2[0] = 0;
	return 0;
}

/* Strings from BPF are NUL-terminated by bpf_probe_read_*_str, but an
 * event built elsewhere might not be: copy bounded. */
static uint32_t intern_n(struct conv *c, const char *s, size_t n)
{
	char buf[SVT_STR_BYTES + 1];

	memcpy(buf, s, n < SVT_STR_BYTES ? n : SVT_STR_BYTES);
	buf[n < SVT_STR_BYTES ? n : SVT_STR_BYTES] = 0;
	return trace_writer__intern(c->w, buf);
}

/* The header fields every record takes from the event (or a ring record). */
struct conv_src {
	uint64_t ts_ns;	  /* event time */
	uint32_t tid;	  /* thread */
	uint16_t cpu;	  /* CPU */
	uint16_t probe;	  /* enum svt_probe */
	uint16_t op;	  /* probe sub-op */
	const char *comm; /* SVT_COMM_BYTES of task name */
};

/* The interned name of @comm (SVT_COMM_BYTES); runs of events come from one task. */
static uint32_t comm_id(struct conv *c, const char *comm)
{
	char s[SVT_COMM_BYTES + 1];

	if (c->last_comm_id && !memcmp(c->last_comm, comm, SVT_COMM_BYTES))
		return c->last_comm_id;
	memcpy(s, comm, SVT_COMM_BYTES);
	s[SVT_COMM_BYTES] = 0;
	c->last_comm_id = trace_writer__intern(c->w, s);
	memcpy(c->last_comm, comm, SVT_COMM_BYTES);
	return c->last_comm_id;
}

/* The interned name of built-in probe @probe. */
static uint32_t probe_event_id(struct conv *c, uint16_t probe)
{
	if (!c->event_id[probe])
		c->event_id[probe] = trace_writer__intern(c->w, probe_def_by_id(probe)->name);
	return c->event_id[probe];
}

static void fill_hdr_src(struct conv *c, const struct conv_src *e, struct trace_rec *h,
			 unsigned int kind, size_t size, bool hashed)
{
	memset(h, 0, size);
	h->ts_ns = e->ts_ns;
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
	h->cpu = e->cpu;
	h->pid = e->tid;
	h->comm_id = comm_id(c, e->comm);
	if (e->probe == SVT_P_UPROBE_DSA && e->op < SVT_MAX_UPROBES && c->uprobe_id[e->op])
		h->event_id = c->uprobe_id[e->op];
	else if (e->probe == SVT_P_TRACEPOINT && e->op < SVT_MAX_TRACEPOINTS && c->tp_id[e->op])
		h->event_id = c->tp_id[e->op];
	else
		h->event_id = probe_event_id(c, e->probe);
	if (hashed && !redact__keeps(c->rd))
		h->flags |= TRACE_RF_ADDR_HASHED;
}

static void fill_hdr(struct conv *c, const struct svt_event *e, struct trace_rec *h,
		     unsigned int kind, size_t size, bool hashed)
{
	struct conv_src s = {e->ts_ns, e->tid, (uint16_t)e->cpu, e->probe, e->op, e->comm};

	fill_hdr_src(c, &s, h, kind, size, hashed);
}

static uint64_t H(struct conv *c, uint64_t a)
{
	return redact__addr(c->rd, a);
}

/*
 * --tracepoint: the copied payload as it came, 8-byte fields (addresses,
 * perhaps) hashed unless --keep-phys, with the tracepoint's layout string:
 * the reader makes the "name=value" text (trace_raw_format()). Printing it
 * here was a third of the consumer's time per event (issue 20). @v: the
 * payload's first @nr_v words (the rest reads as zeros). The record is
 * built in the writer's buffer from what conv__set_tracepoint() worked
 * out: building a header and a payload on the stack and copying them in
 * was half of the consumer's time per event (bench/consumer_bench, perf).
 * Inlined into conv__rec(): a call less per record (509 -> 500 instructions
 * per prctl event, callgrind).
 */
static inline __attribute__((always_inline)) int
tracepoint_raw(struct conv *c, const struct conv_src *e, const void *v, unsigned int nr_v)
{
	const struct conv_tp *t = e->op < SVT_MAX_TRACEPOINTS ? c->tp[e->op] : NULL;
	const unsigned char *src = v;
	uint32_t n, nw, fw, i;
	uint64_t *q;

	if (!t) { /* not announced: nothing to lay the bytes out by */
		struct trace_rec h;

		fill_hdr_src(c, e, &h, TRACE_REC_GENERIC, sizeof(h), false);
		return trace_writer__append_generic(c->w, &h, "");
	}
	q = trace_writer__reserve(c->w, t->size_bytes);
	if (!q)
		return trace_writer__error(c->w);
	/*
	 * Whole words (struct trace_rec_generic, little-endian), each stored
	 * once: the packer reads the record back as words at once, and words
	 * assembled from 2- and 4-byte stores made each of those reads wait
	 * for the stores to drain (a failed store forward, ~12 cycles each).
	 */
	q[0] = e->ts_ns;
	q[1] = TRACE_REC_GENERIC | (uint64_t)t->size_bytes << 16 | (uint64_t)e->cpu << 32 |
	       (uint64_t)t->flags << 48;
	q[2] = e->tid | (uint64_t)comm_id(c, e->comm) << 32;
	q[3] = c->tp_id[e->op] ? c->tp_id[e->op] : probe_event_id(c, e->probe); /* reserved: 0 */
	q[4] = t->payload_bytes | (uint64_t)t->layout_id << 32;
	q += sizeof(struct trace_rec_generic) / 8;
	/*
	 * The payload's whole words, then zeros (what the record lacks, the
	 * NUL, the padding), then the last partial word, if any; then only
	 * the hashed words that are not zero (redact__addr() leaves zeros):
	 * on prctl's record, 4 calls became 1. A copy of a variable length
	 * (memcpy, memset) is a libc call that costs more than these words.
	 */
	if (8 * nr_v >= t->payload_bytes && t->nr_copy) {
		/*
		 * The ring record has every payload word (the BPF side copies
		 * whole words): a copy and a zero fill of lengths worked out
		 * once, the last word masked to the payload; no test per word.
		 */
		uint32_t nc = t->nr_copy; /* a local: q's stores may alias *t */
		uint64_t mask = t->last_mask, x;

		for (i = 0; i + 1 < nc; i++) {
			memcpy(&x, src + 8 * i, 8);
			q[i] = x;
		}
		memcpy(&x, src + 8 * i, 8);
		q[i] = x & mask;
		if (t->nr_zero) /* the NUL's word, when the payload fills its last */
			q[i + 1] = 0;
	} else {
		n = 8 * nr_v < t->payload_bytes ? 8 * nr_v : t->payload_bytes;
		nw = (t->size_bytes - (uint32_t)sizeof(struct trace_rec_generic)) / 8;
		fw = n / 8;
		for (i = 0; i < nw; i++) {
			uint64_t x = 0;

			if (i < fw)
				memcpy(&x, src + 8 * i, 8);
			q[i] = x;
		}
		for (uint32_t k = 8 * fw; k < n; k++)
			q[fw] |= (uint64_t)src[k] << 8 * (k - 8 * fw);
	}
	for (uint32_t m = t->hash_words; m; m &= m - 1) {
		i = (uint32_t)__builtin_ctz(m);
		if (q[i])
			q[i] = redact__addr_any(c->rd, q[i]);
	}
	for (i = 0; i < t->nr_hash_odd; i++) {
		unsigned char *b = (unsigned char *)q + t->hash_odd_off[i];
		uint64_t a;

		memcpy(&a, b, 8);
		a = redact__addr(c->rd, a);
		memcpy(b, &a, 8);
	}
	trace_writer__commit(c->w);
	return 0;
}

static int tracepoint(struct conv *c, const struct svt_event *e)
{
	struct conv_src s = {e->ts_ns, e->tid, (uint16_t)e->cpu, e->probe, e->op, e->comm};

	return tracepoint_raw(c, &s, e->tracepoint.payload, SVT_NR_V);
}

/* The records a kind can produce; one of them is filled per event. */
union conv_rec {
	struct trace_rec hdr;
	struct trace_rec_iommu_map map;
	struct trace_rec_iommu_unmap unmap;
	struct trace_rec_io_page_fault fault;
	struct trace_rec_dev_group grp;
	struct trace_rec_dma dma;
	struct trace_rec_qi_submit qi;
	struct trace_rec_page_req prq;
	struct trace_rec_page_resp resp;
	struct trace_rec_pin pin;
	struct trace_rec_wq_submit sub;
	struct trace_rec_wq_complete cpl;
	struct trace_rec_qi_wait wait;
	struct trace_rec_cache_tag tag;
};

/*
 * One converter per kind (enum svt_kind): fill @r from @e's named values;
 * @d is the probe's table entry (its op). Return 0 when @r is ready to
 * append, or 1 when the converter wrote a generic record itself with its
 * result in *@rc.
 */
typedef int conv_kind_fn(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			 union conv_rec *r, int *rc);

static int k_iommu_map(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		       union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_IOMMU_MAP, sizeof(r->map), true);
	r->map.iova = e->iommu_map.iova;
	r->map.paddr = redact__addr_any(c->rd, e->iommu_map.paddr); /* always present: 0 too */
	r->map.size_bytes = e->iommu_map.size_bytes;
	return 0;
}

static int k_iommu_unmap(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			 union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_IOMMU_UNMAP, sizeof(r->unmap), false);
	r->unmap.iova = e->iommu_unmap.iova;
	r->unmap.size_bytes = e->iommu_unmap.size_bytes;
	r->unmap.unmapped_bytes = e->iommu_unmap.unmapped_bytes;
	return 0;
}

static int k_iommu_fault(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			 union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_IO_PAGE_FAULT, sizeof(r->fault), false);
	r->fault.addr = e->iommu_fault.iova;
	r->fault.flags = (uint32_t)e->iommu_fault.flags;
	r->fault.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
	r->fault.driver_id = intern_n(c, e->s2, SVT_STR_BYTES);
	r->fault.pasid = TRACE_NO_PASID;
	r->fault.source = d->op;
	return 0;
}

static int k_iommu_group(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			 union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_DEV_GROUP, sizeof(r->grp), false);
	r->grp.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
	r->grp.group = d->op == TRACE_GROUP_ATTACH ? TRACE_NO_GROUP : (uint32_t)e->iommu_group.gid;
	r->grp.op = d->op;
	return 0;
}

/* SVT_K_DMA and SVT_K_DMA_SG: one record each (an sg event is one per entry). */
static int k_dma(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		 union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_DMA, sizeof(r->dma), e->dma.phys != 0);
	r->dma.phys = H(c, e->dma.phys);
	r->dma.dma_addr = e->dma.dma_addr;
	r->dma.size_bytes = e->dma.size_bytes;
	r->dma.dir = (uint8_t)e->dma.dir;
	r->dma.attrs = e->dma.attrs;
	r->dma.op = d->op;
	r->dma.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
	return 0;
}

static int k_qi_submit(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		       union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_QI_SUBMIT, sizeof(r->qi), false);
	for (int i = 0; i < 4; i++)
		r->qi.qw[i] = e->qi_submit.qw[i];
	r->qi.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
	trace_qi_decode(&r->qi);
	return 0;
}

static int k_prq(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		 union conv_rec *r, int *rc)
{
	/* The event's dw0/dw1 are the descriptor's qw_0 and qw_1. */
	fill_hdr(c, e, &r->hdr, TRACE_REC_PAGE_REQ, sizeof(r->prq), true);
	r->prq.dw[0] = (uint32_t)e->prq.dw[0];
	r->prq.dw[1] = (uint32_t)(e->prq.dw[0] >> 32);
	r->prq.dw[2] = (uint32_t)e->prq.dw[1];
	r->prq.dw[3] = (uint32_t)(e->prq.dw[1] >> 32);
	trace_prq_decode(&r->prq);
	r->prq.addr = H(c, r->prq.addr);
	r->prq.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
	r->prq.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
	return 0;
}

static int k_cache_tag(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		       union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_CACHE_TAG, sizeof(r->tag), false);
	r->tag.start = e->cache_tag.start;
	r->tag.end = e->cache_tag.end;
	r->tag.tag_type = (uint32_t)e->cache_tag.type;
	r->tag.domain_id = (uint32_t)e->cache_tag.domain_id;
	r->tag.pasid = (uint32_t)e->cache_tag.pasid;
	r->tag.op = d->op;
	r->tag.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
	r->tag.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
	return 0;
}

static int k_qi_wait(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		     union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_QI_WAIT, sizeof(r->wait), false);
	r->wait.wait_ns = e->dur_ns;
	r->wait.nr_desc = (uint32_t)e->qi_wait.nr_desc;
	r->wait.ret = (int32_t)e->ret;
	r->wait.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
	return 0;
}

static int k_iopf_fault(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_IO_PAGE_FAULT, sizeof(r->fault), true);
	r->fault.addr = H(c, e->iopf.addr); /* SVA: a user virtual address */
	r->fault.pasid = (uint32_t)e->iopf.pasid;
	r->fault.grpid = (uint32_t)e->iopf.grpid;
	r->fault.perm = (uint16_t)e->iopf.perm;
	r->fault.flags = (uint32_t)e->iopf.flags;
	r->fault.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
	r->fault.source = d->op;
	return 0;
}

static int k_iopf_resp(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		       union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_PAGE_RESP, sizeof(r->resp), false);
	r->resp.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
	r->resp.pasid = (uint32_t)e->iopf.pasid;
	r->resp.grpid = (uint32_t)e->iopf.grpid;
	r->resp.code = (uint32_t)e->iopf.code;
	return 0;
}

static int k_pin(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		 union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_PIN, sizeof(r->pin), e->pin.addr != 0);
	r->pin.addr = H(c, e->pin.addr);
	r->pin.duration_ns = e->dur_ns;
	r->pin.nr_pages = (uint32_t)e->pin.nr_pages;
	r->pin.nr_done = (int32_t)e->ret;
	r->pin.gup_flags = (uint32_t)e->pin.gup_flags;
	r->pin.op = d->op;
	return 0;
}

/* A 64-byte DSA descriptor (DSA spec 1.2 §8.3.1) into a submit record. */
static void dsa_desc(struct conv *c, const struct svt_v_dsa_desc *v, struct trace_rec_wq_submit *r)
{
	uint32_t dw0 = (uint32_t)v->hdr, dw1 = (uint32_t)(v->hdr >> 32);

	r->pasid = dw0 & 0xfffff;
	r->desc_flags = dw1 & 0xffffff;
	r->opcode = (uint8_t)(dw1 >> 24);
	r->compl_addr = H(c, v->compl_addr);
	r->src = H(c, v->src);
	r->dst = H(c, v->dst);
	r->xfer_bytes = (uint32_t)v->xfer;
}

static int k_dsa_submit(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			union conv_rec *r, int *rc)
{
	char dev[32];

	fill_hdr(c, e, &r->hdr, TRACE_REC_WQ_SUBMIT, sizeof(r->sub), true);
	dsa_desc(c, &e->dsa_desc, &r->sub);
	snprintf(dev, sizeof(dev), "dsa%lld", (long long)e->ret); /* ret: the device number */
	r->sub.device_id = trace_writer__intern(c->w, dev);
	r->sub.wq = e->op;
	r->sub.desc_id = H(c, e->desc_addr);
	r->sub.portal = TRACE_PORTAL_UNKNOWN;
	return 0;
}

static int k_dsa_uprobe(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_WQ_SUBMIT, sizeof(r->sub), true);
	dsa_desc(c, &e->dsa_desc, &r->sub);
	r->sub.desc_id = H(c, e->desc_addr);
	r->sub.status = (int16_t)e->ret; /* 0, or -EFAULT: descriptor not readable */
	r->sub.portal = TRACE_PORTAL_UNKNOWN;
	return 0;
}

static int k_dsa_complete(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			  union conv_rec *r, int *rc)
{
	fill_hdr(c, e, &r->hdr, TRACE_REC_WQ_COMPLETE, sizeof(r->cpl), false);
	r->cpl.desc_id = H(c, e->desc_addr);
	r->cpl.status = (uint8_t)e->dsa_complete.status;
	r->cpl.bytes_done = e->dsa_complete.bytes_done;
	r->cpl.fault_addr_lo = (uint32_t)H(c, e->dsa_complete.fault_addr);
	r->cpl.pasid = TRACE_NO_PASID;
	return 0;
}

static int generic(struct conv *c, const struct svt_event *e, const char *text)
{
	struct trace_rec h;

	fill_hdr(c, e, &h, TRACE_REC_GENERIC, sizeof(h), false);
	return trace_writer__append_generic(c->w, &h, text);
}

static int k_dsa_enqcmds(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			 union conv_rec *r, int *rc)
{
	char text[128];

	snprintf(text, sizeof(text), "wq=%llu dev=dsa%llu ret=%lld wait_ns=%llu",
		 (unsigned long long)e->dsa_enqcmds.wq, (unsigned long long)e->dsa_enqcmds.dev,
		 (long long)e->ret, (unsigned long long)e->dur_ns);
	*rc = generic(c, e, text);
	return 1;
}

static int k_irq(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		 union conv_rec *r, int *rc)
{
	char text[32];

	snprintf(text, sizeof(text), "irq=%llu", (unsigned long long)e->irq.irq);
	*rc = generic(c, e, text);
	return 1;
}

static int k_tracepoint(struct conv *c, const struct svt_event *e, const struct probe_def *d,
			union conv_rec *r, int *rc)
{
	*rc = tracepoint(c, e);
	return 1;
}

/*
 * An AMD-Vi command (AMD IOMMU spec 48882 section 2.4; Linux's
 * amd_iommu_types.h CMD_*): opcode data[1] bits 31:28. INVALIDATE_IOMMU_PAGES
 * carries the domain in data[1] 15:0, S (range) and PDE in data[2] bits 0
 * and 1, the address from bit 12 of data[2]:data[3]; INVALIDATE_IOTLB_PAGES
 * the device id in data[0] 15:0 and the address the same way.
 */
static int k_amd_cmd(struct conv *c, const struct svt_event *e, const struct probe_def *d,
		     union conv_rec *r, int *rc)
{
	static const char *const ops[16] = {
	    [1] = "completion_wait",	  [2] = "inv_dev_entry", [3] = "inv_iommu_pages",
	    [4] = "inv_iotlb_pages",	  [5] = "inv_irt",	 [6] = "prefetch_iommu_pages",
	    [7] = "complete_ppr_request", [8] = "inv_iommu_all"};
	uint32_t d0 = (uint32_t)e->amd_cmd.lo, d1 = (uint32_t)(e->amd_cmd.lo >> 32);
	uint32_t d2 = (uint32_t)e->amd_cmd.hi;
	uint64_t addr = e->amd_cmd.hi & ~0xfffull;
	unsigned int op = d1 >> 28;
	char text[192];
	int n;

	n = snprintf(text, sizeof(text), "cmd=%s", ops[op] ? ops[op] : "unknown");
	if (op == 3)
		snprintf(text + n, sizeof(text) - (size_t)n,
			 " domid=%u addr=0x%llx s=%u pde=%u pasid=%u", d1 & 0xffff,
			 (unsigned long long)addr, d2 & 1, (d2 >> 1) & 1, d0 & 0xfffff);
	else if (op == 4)
		snprintf(text + n, sizeof(text) - (size_t)n, " devid=0x%04x addr=0x%llx s=%u",
			 d0 & 0xffff, (unsigned long long)addr, d2 & 1);
	else if (op == 2 || op == 5)
		snprintf(text + n, sizeof(text) - (size_t)n, " devid=0x%04x", d0 & 0xffff);
	n = (int)strlen(text);
	snprintf(text + n, sizeof(text) - (size_t)n, " sync=%u raw=%016llx%016llx",
		 (unsigned int)e->amd_cmd.sync, (unsigned long long)e->amd_cmd.hi,
		 (unsigned long long)e->amd_cmd.lo);
	*rc = generic(c, e, text);
	return 1;
}

static conv_kind_fn *const kind_conv[SVT_K_MAX_] = {
    [SVT_K_IOMMU_MAP] = k_iommu_map,
    [SVT_K_IOMMU_UNMAP] = k_iommu_unmap,
    [SVT_K_IOMMU_FAULT] = k_iommu_fault,
    [SVT_K_IOMMU_GROUP] = k_iommu_group,
    [SVT_K_DMA] = k_dma,
    [SVT_K_DMA_SG] = k_dma,
    [SVT_K_QI_SUBMIT] = k_qi_submit,
    [SVT_K_PRQ] = k_prq,
    [SVT_K_CACHE_TAG] = k_cache_tag,
    [SVT_K_QI_WAIT] = k_qi_wait,
    [SVT_K_IOPF_FAULT] = k_iopf_fault,
    [SVT_K_IOPF_RESP] = k_iopf_resp,
    [SVT_K_PIN] = k_pin,
    [SVT_K_DSA_SUBMIT] = k_dsa_submit,
    [SVT_K_DSA_ENQCMDS] = k_dsa_enqcmds,
    [SVT_K_DSA_COMPLETE] = k_dsa_complete,
    [SVT_K_IRQ] = k_irq,
    [SVT_K_DSA_UPROBE] = k_dsa_uprobe,
    [SVT_K_TRACEPOINT] = k_tracepoint,
    [SVT_K_AMD_CMD] = k_amd_cmd,
};

int conv__rec(struct conv *c, const void *data, size_t len)
{
	const struct svt_rec *r = data;
	struct svt_event e;
	int rc;

	/*
	 * A --tracepoint record goes straight from the ring: it has no names
	 * to filter on, and expanding it into a 184-byte event first was 13%
	 * of the consumer's time on it (bench/consumer_bench, perf).
	 */
	if (len >= sizeof(*r) && r->probe == SVT_P_TRACEPOINT && !r->flags && r->nr_v <= SVT_NR_V &&
	    SVT_REC_BYTES(r->nr_v, 0) <= len) {
		struct conv_src s = {r->ts_ns, r->tid, r->cpu, r->probe, r->op, r->comm};

		rc = tracepoint_raw(c, &s, r + 1, r->nr_v);
		if (rc == 0)
			c->nr[SVT_P_TRACEPOINT]++;
		return rc;
	}
	if (conv_rec_decode(data, len, &e))
		return -EBADMSG;
	return conv__event(c, &e);
}

int conv__event(struct conv *c, const struct svt_event *e)
{
	const struct probe_def *d = probe_def_by_id(e->probe);
	union conv_rec r;
	char dev[SVT_STR_BYTES + 1];
	int rc = 0;

	if (!d || d->kind >= SVT_K_MAX_ || !kind_conv[d->kind])
		return -EINVAL;
	if (c->device_glob && e->s1[0]) {
		memcpy(dev, e->s1, SVT_STR_BYTES);
		dev[SVT_STR_BYTES] = 0;
		if (fnmatch(c->device_glob, dev, 0)) {
			c->nr_filtered++;
			return 1;
		}
	}
	if (kind_conv[d->kind](c, e, d, &r, &rc) == 0)
		rc = trace_writer__append(c->w, &r.hdr);
	if (rc == 0)
		c->nr[e->probe]++;
	return rc;
}
