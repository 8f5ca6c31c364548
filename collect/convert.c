// SPDX-License-Identifier: GPL-2.0
/*
 * convert.c - ring-buffer event -> trace record (see convert.h). The meaning
 * of each event's v[] slots is set by the BPF program of its probe
 * (collect/bpf/svatrace.bpf.c); this file is the one place that reads them.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/convert.h"
#include "collect/probes.h"
#include "collect/redact.h"

struct conv {
	struct trace_writer *w;			/* output (not owned) */
	struct redact *rd;			/* address hashing */
	char *device_glob;			/* device filter, NULL = none */
	uint32_t event_id[SVT_P_MAX_];		/* interned event name per probe, 0 = not yet */
	uint32_t uprobe_id[SVT_MAX_UPROBES];	/* interned event name per --uprobe */
	uint32_t tp_id[SVT_MAX_TRACEPOINTS];	/* interned event name per --tracepoint */
	struct tpfmt *tp_fmt[SVT_MAX_TRACEPOINTS];	/* record layout per --tracepoint */
	uint64_t nr[SVT_P_MAX_];		/* records written per probe */
	uint64_t nr_filtered;			/* events dropped by the device filter */
	char last_comm[SVT_COMM_BYTES];		/* task name of the previous event */
	uint32_t last_comm_id;			/* its interned id, 0 = none yet */
};

struct conv *conv__new(struct trace_writer *w, bool keep_addrs, const char *device_glob)
{
	struct conv *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->w = w;
	c->rd = redact__new(keep_addrs);
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
		free(c->tp_fmt[i]);
	free(c);
}

void conv__set_uprobe_name(struct conv *c, unsigned int idx, const char *name)
{
	if (idx < SVT_MAX_UPROBES)
		c->uprobe_id[idx] = trace_writer__intern(c->w, name);
}

int conv__set_tracepoint(struct conv *c, unsigned int idx, const char *name,
			 const struct tpfmt *f)
{
	if (idx >= SVT_MAX_TRACEPOINTS)
		return -EINVAL;
	if (!c->tp_fmt[idx] && !(c->tp_fmt[idx] = malloc(sizeof(*f))))
		return -ENOMEM;
	*c->tp_fmt[idx] = *f;
	c->tp_id[idx] = trace_writer__intern(c->w, name);
	return 0;
}

uint64_t conv__nr_records(const struct conv *c, unsigned int id)
{
	return id < SVT_P_MAX_ ? c->nr[id] : 0;
}

uint64_t conv__nr_filtered(const struct conv *c)
{
	return c->nr_filtered;
}

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
	memset(e, 0, sizeof(*e));
	e->ts_ns = r->ts_ns;
	e->tgid = r->tgid;
	e->tid = r->tid;
	e->cpu = r->cpu;
	e->probe = r->probe;
	e->op = r->op;
	memcpy(e->comm, r->comm, SVT_COMM_BYTES);
	memcpy(e->v, p, 8 * nv);
	p += 8 * nv;
	if (fl & SVT_RF_RET) {
		memcpy(&e->ret, p, 8);
		p += 8;
	}
	if (fl & SVT_RF_DUR) {
		memcpy(&e->dur_ns, p, 8);
		p += 8;
	}
	if (fl & SVT_RF_S1) {
		memcpy(e->s1, p, SVT_STR_BYTES);
		p += SVT_STR_BYTES;
	}
	if (fl & SVT_RF_S2)
		memcpy(e->s2, p, SVT_STR_BYTES);
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

static void fill_hdr(struct conv *c, const struct svt_event *e, struct trace_rec *h,
		     unsigned int kind, size_t size, bool hashed)
{
	char comm[SVT_COMM_BYTES + 1];

	memset(h, 0, size);
	h->ts_ns = e->ts_ns;
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
	h->cpu = (uint16_t)e->cpu;
	h->pid = e->tid;
	/* Runs of events come from one task: intern its name once per run. */
	if (!c->last_comm_id || memcmp(c->last_comm, e->comm, SVT_COMM_BYTES)) {
		memcpy(comm, e->comm, SVT_COMM_BYTES);
		comm[SVT_COMM_BYTES] = 0;
		c->last_comm_id = trace_writer__intern(c->w, comm);
		memcpy(c->last_comm, e->comm, SVT_COMM_BYTES);
	}
	h->comm_id = c->last_comm_id;
	if (e->probe == SVT_P_UPROBE_DSA && e->op < SVT_MAX_UPROBES && c->uprobe_id[e->op]) {
		h->event_id = c->uprobe_id[e->op];
	} else if (e->probe == SVT_P_TRACEPOINT && e->op < SVT_MAX_TRACEPOINTS && c->tp_id[e->op]) {
		h->event_id = c->tp_id[e->op];
	} else {
		if (!c->event_id[e->probe])
			c->event_id[e->probe] = trace_writer__intern(c->w, probe_def_by_id(e->probe)->name);
		h->event_id = c->event_id[e->probe];
	}
	if (hashed && !redact__keeps(c->rd))
		h->flags |= TRACE_RF_ADDR_HASHED;
}

static uint64_t H(struct conv *c, uint64_t a)
{
	return redact__addr(c->rd, a);
}

static uint64_t hash_cb(void *ctx, uint64_t v)
{
	return H(ctx, v);
}

/*
 * --tracepoint: the copied payload as "name=value" text. 8-byte fields may be
 * addresses and are hashed unless --keep-phys; smaller ones are kept.
 */
static int tracepoint(struct conv *c, const struct svt_event *e)
{
	const struct tpfmt *f = e->op < SVT_MAX_TRACEPOINTS ? c->tp_fmt[e->op] : NULL;
	struct trace_rec h;
	char text[512];
	int hashed = 0;

	text[0] = 0;
	if (f)
		hashed = tpfmt_format(f, e->v, redact__keeps(c->rd) ? NULL : hash_cb, c, text,
				      sizeof(text));
	fill_hdr(c, e, &h, TRACE_REC_GENERIC, sizeof(h), hashed);
	return trace_writer__append_generic(c->w, &h, text);
}

/* A 64-byte DSA descriptor (DSA spec 1.2 §8.3.1) into a submit record. */
static void dsa_desc(struct conv *c, const __u64 v[8], struct trace_rec_wq_submit *r)
{
	uint32_t dw0 = (uint32_t)v[0], dw1 = (uint32_t)(v[0] >> 32);

	r->pasid = dw0 & 0xfffff;
	r->desc_flags = dw1 & 0xffffff;
	r->opcode = (uint8_t)(dw1 >> 24);
	r->compl_addr = H(c, v[1]);
	r->src = H(c, v[2]);
	r->dst = H(c, v[3]);
	r->xfer_bytes = (uint32_t)v[4];
}

static int generic(struct conv *c, const struct svt_event *e, const char *text)
{
	struct trace_rec h;

	fill_hdr(c, e, &h, TRACE_REC_GENERIC, sizeof(h), false);
	return trace_writer__append_generic(c->w, &h, text);
}

int conv__event(struct conv *c, const struct svt_event *e)
{
	union {
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
	} r;
	char text[128], dev[SVT_STR_BYTES + 1];
	int rc;

	if (e->probe >= SVT_P_MAX_)
		return -EINVAL;
	memcpy(dev, e->s1, SVT_STR_BYTES);
	dev[SVT_STR_BYTES] = 0;
	if (c->device_glob && dev[0] && fnmatch(c->device_glob, dev, 0)) {
		c->nr_filtered++;
		return 1;
	}
	switch (e->probe) {
	case SVT_P_IOMMU_MAP:
		fill_hdr(c, e, &r.hdr, TRACE_REC_IOMMU_MAP, sizeof(r.map), true);
		r.map.iova = e->v[0];
		r.map.paddr = H(c, e->v[1]);
		r.map.size_bytes = e->v[2];
		break;
	case SVT_P_IOMMU_UNMAP:
		fill_hdr(c, e, &r.hdr, TRACE_REC_IOMMU_UNMAP, sizeof(r.unmap), false);
		r.unmap.iova = e->v[0];
		r.unmap.size_bytes = e->v[1];
		r.unmap.unmapped_bytes = e->v[2];
		break;
	case SVT_P_IOMMU_IO_PAGE_FAULT:
		fill_hdr(c, e, &r.hdr, TRACE_REC_IO_PAGE_FAULT, sizeof(r.fault), false);
		r.fault.addr = e->v[0];
		r.fault.flags = (uint32_t)e->v[1];
		r.fault.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
		r.fault.driver_id = intern_n(c, e->s2, SVT_STR_BYTES);
		r.fault.pasid = TRACE_NO_PASID;
		r.fault.source = TRACE_FAULT_TP;
		break;
	case SVT_P_IOMMU_ADD_GROUP:
	case SVT_P_IOMMU_REMOVE_GROUP:
	case SVT_P_IOMMU_ATTACH:
		fill_hdr(c, e, &r.hdr, TRACE_REC_DEV_GROUP, sizeof(r.grp), false);
		r.grp.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
		r.grp.group = e->probe == SVT_P_IOMMU_ATTACH ? TRACE_NO_GROUP : (uint32_t)e->v[0];
		r.grp.op = e->probe == SVT_P_IOMMU_ADD_GROUP	  ? TRACE_GROUP_ADD
			   : e->probe == SVT_P_IOMMU_REMOVE_GROUP ? TRACE_GROUP_REMOVE
								  : TRACE_GROUP_ATTACH;
		break;
	case SVT_P_DMA_MAP_PHYS ... SVT_P_DMA_SYNC_SG_DEV: {
		static const uint8_t ops[] = {
			[SVT_P_DMA_MAP_PHYS - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_MAP_PAGE,
			[SVT_P_DMA_MAP_PAGE - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_MAP_PAGE,
			[SVT_P_DMA_MAP_RESOURCE - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_MAP_RESOURCE,
			[SVT_P_DMA_UNMAP_PHYS - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_UNMAP_PAGE,
			[SVT_P_DMA_UNMAP_PAGE - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_UNMAP_PAGE,
			[SVT_P_DMA_UNMAP_RESOURCE - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_UNMAP_RESOURCE,
			[SVT_P_DMA_MAP_SG - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_MAP_SG,
			[SVT_P_DMA_UNMAP_SG - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_UNMAP_SG,
			[SVT_P_DMA_ALLOC - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_ALLOC,
			[SVT_P_DMA_ALLOC_PAGES - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_ALLOC,
			[SVT_P_DMA_FREE - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_FREE,
			[SVT_P_DMA_FREE_PAGES - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_FREE,
			[SVT_P_DMA_SYNC_SINGLE_CPU - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_SYNC_FOR_CPU,
			[SVT_P_DMA_SYNC_SINGLE_DEV - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_SYNC_FOR_DEVICE,
			[SVT_P_DMA_SYNC_SG_CPU - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_SYNC_FOR_CPU,
			[SVT_P_DMA_SYNC_SG_DEV - SVT_P_DMA_MAP_PHYS] = TRACE_DMA_SYNC_FOR_DEVICE,
		};

		fill_hdr(c, e, &r.hdr, TRACE_REC_DMA, sizeof(r.dma), e->v[0] != 0);
		r.dma.phys = H(c, e->v[0]);
		r.dma.dma_addr = e->v[1];
		r.dma.size_bytes = e->v[2];
		r.dma.dir = (uint8_t)e->v[3];
		r.dma.attrs = e->v[4];
		r.dma.op = ops[e->probe - SVT_P_DMA_MAP_PHYS];
		r.dma.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
		break;
	}
	case SVT_P_QI_SUBMIT:
		fill_hdr(c, e, &r.hdr, TRACE_REC_QI_SUBMIT, sizeof(r.qi), false);
		for (int i = 0; i < 4; i++)
			r.qi.qw[i] = e->v[i];
		r.qi.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
		trace_qi_decode(&r.qi);
		break;
	case SVT_P_PRQ_REPORT:
		/* dw0/dw1 of the event are the descriptor's qw_0 and qw_1. */
		fill_hdr(c, e, &r.hdr, TRACE_REC_PAGE_REQ, sizeof(r.prq), true);
		r.prq.dw[0] = (uint32_t)e->v[0];
		r.prq.dw[1] = (uint32_t)(e->v[0] >> 32);
		r.prq.dw[2] = (uint32_t)e->v[1];
		r.prq.dw[3] = (uint32_t)(e->v[1] >> 32);
		trace_prq_decode(&r.prq);
		r.prq.addr = H(c, r.prq.addr);
		r.prq.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
		r.prq.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
		break;
	case SVT_P_CACHE_TAG_ASSIGN ... SVT_P_CACHE_TAG_FLUSH_RANGE_NP:
		fill_hdr(c, e, &r.hdr, TRACE_REC_CACHE_TAG, sizeof(r.tag), false);
		r.tag.start = e->v[0];
		r.tag.end = e->v[1];
		r.tag.tag_type = (uint32_t)e->v[2];
		r.tag.domain_id = (uint32_t)e->v[3];
		r.tag.pasid = (uint32_t)e->v[4];
		r.tag.op = e->probe - SVT_P_CACHE_TAG_ASSIGN;	/* same order as enum trace_cache_tag_op */
		r.tag.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
		r.tag.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
		break;
	case SVT_P_QI_SUBMIT_SYNC:
		fill_hdr(c, e, &r.hdr, TRACE_REC_QI_WAIT, sizeof(r.wait), false);
		r.wait.wait_ns = e->dur_ns;
		r.wait.nr_desc = (uint32_t)e->v[1];
		r.wait.ret = (int32_t)e->ret;
		r.wait.iommu_id = intern_n(c, e->s2, SVT_STR_BYTES);
		break;
	case SVT_P_IOPF_REPORT:
	case SVT_P_IOPF_HANDLE_IOPF:
	case SVT_P_IOPF_HANDLE_MM:
		fill_hdr(c, e, &r.hdr, TRACE_REC_IO_PAGE_FAULT, sizeof(r.fault), true);
		r.fault.addr = H(c, e->v[0]);	/* SVA: a user virtual address */
		r.fault.pasid = (uint32_t)e->v[1];
		r.fault.grpid = (uint32_t)e->v[2];
		r.fault.perm = (uint16_t)e->v[3];
		r.fault.flags = (uint32_t)e->v[4];
		r.fault.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
		r.fault.source = e->probe == SVT_P_IOPF_REPORT ? TRACE_FAULT_REPORT : TRACE_FAULT_HANDLE;
		break;
	case SVT_P_IOPF_PAGE_RESPONSE:
	case SVT_P_IOPF_GROUP_RESPONSE:
		fill_hdr(c, e, &r.hdr, TRACE_REC_PAGE_RESP, sizeof(r.resp), false);
		r.resp.device_id = intern_n(c, e->s1, SVT_STR_BYTES);
		r.resp.pasid = (uint32_t)e->v[1];
		r.resp.grpid = (uint32_t)e->v[2];
		r.resp.code = (uint32_t)e->v[6];
		break;
	case SVT_P_PIN_FAST ... SVT_P_UNPIN_DIRTY:
		fill_hdr(c, e, &r.hdr, TRACE_REC_PIN, sizeof(r.pin), e->v[0] != 0);
		r.pin.addr = H(c, e->v[0]);
		r.pin.duration_ns = e->dur_ns;
		r.pin.nr_pages = (uint32_t)e->v[1];
		r.pin.nr_done = (int32_t)e->ret;
		r.pin.gup_flags = (uint32_t)e->v[2];
		r.pin.op = e->probe >= SVT_P_UNPIN ? TRACE_UNPIN : TRACE_PIN;
		break;
	case SVT_P_IDXD_SUBMIT:
		fill_hdr(c, e, &r.hdr, TRACE_REC_WQ_SUBMIT, sizeof(r.sub), true);
		dsa_desc(c, e->v, &r.sub);
		snprintf(text, sizeof(text), "dsa%lld", (long long)e->ret);
		r.sub.device_id = trace_writer__intern(c->w, text);
		r.sub.wq = e->op;
		r.sub.desc_id = H(c, e->dur_ns);
		r.sub.portal = TRACE_PORTAL_UNKNOWN;
		break;
	case SVT_P_IDXD_COMPLETE:
		fill_hdr(c, e, &r.hdr, TRACE_REC_WQ_COMPLETE, sizeof(r.cpl), false);
		r.cpl.desc_id = H(c, e->dur_ns);
		r.cpl.status = (uint8_t)e->v[0];
		r.cpl.bytes_done = e->v[1];
		r.cpl.fault_addr_lo = (uint32_t)H(c, e->v[2]);
		r.cpl.pasid = TRACE_NO_PASID;
		break;
	case SVT_P_IDXD_ENQCMDS:
		snprintf(text, sizeof(text), "wq=%llu dev=dsa%llu ret=%lld wait_ns=%llu",
			 (unsigned long long)e->v[0], (unsigned long long)e->v[1], (long long)e->ret,
			 (unsigned long long)e->dur_ns);
		rc = generic(c, e, text);
		goto out;
	case SVT_P_IDXD_WQ_THREAD:
	case SVT_P_IDXD_MISC_THREAD:
		snprintf(text, sizeof(text), "irq=%llu", (unsigned long long)e->v[0]);
		rc = generic(c, e, text);
		goto out;
	case SVT_P_UPROBE_DSA:
		fill_hdr(c, e, &r.hdr, TRACE_REC_WQ_SUBMIT, sizeof(r.sub), true);
		dsa_desc(c, e->v, &r.sub);
		r.sub.desc_id = H(c, e->dur_ns);
		r.sub.status = (int16_t)e->ret;
		r.sub.portal = TRACE_PORTAL_UNKNOWN;
		break;
	case SVT_P_TRACEPOINT:
		rc = tracepoint(c, e);
		goto out;
	default:
		return -EINVAL;
	}
	rc = trace_writer__append(c->w, &r.hdr);
out:
	if (rc == 0)
		c->nr[e->probe]++;
	return rc;
}
