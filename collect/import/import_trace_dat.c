// SPDX-License-Identifier: GPL-2.0
/*
 * import_trace_dat.c - `svatrace import --from trace-dat`: read a trace-cmd
 * trace.dat with libtracecmd + libtraceevent, for hosts where eBPF is not
 * allowed but trace-cmd is. Each known event's fields are read by name into
 * the same struct svt_event the BPF programs fill, and converted by the
 * collector's converter (collect/convert.c), so a trace.dat import and a
 * live collection decode every event identically. Which events are decoded,
 * and how, comes from the probe table (collect/probe_table.h: event name ->
 * probe -> kind): the scatterlist dma
 * events give one record per entry, as the BPF programs do. Other events
 * are kept as generic records with their printed text.
 */
#include <errno.h>
#include <string.h>
#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "collect/convert.h"
#include "collect/import/import.h"
#include "collect/probes.h"
#include "common/log.h"

struct td_ctx {
	struct conv *cv;	 /* converter into the writer */
	struct trace_writer *w;	 /* output */
	struct import_stats *st; /* counters */
	int err;		 /* first writer error */
};

static uint64_t num(struct tep_event *ev, struct tep_record *rec, const char *name)
{
	unsigned long long v = 0;

	if (tep_get_field_val(NULL, ev, name, rec, &v, 0))
		return 0;
	return v;
}

static void str(struct tep_event *ev, struct tep_record *rec, const char *name, char *dst)
{
	int len = 0;
	const char *p = tep_get_field_raw(NULL, ev, name, rec, &len, 0);

	dst[0] = 0;
	if (p && len > 0) {
		size_t n = strnlen(p, (size_t)len);

		if (n >= SVT_STR_BYTES)
			n = SVT_STR_BYTES - 1;
		memcpy(dst, p, n);
		dst[n] = 0;
	}
}

/* A __dynamic_array field: its data and element count (0 if absent). */
static unsigned int arr(struct tep_event *ev, struct tep_record *rec, const char *name,
			size_t elem_bytes, const unsigned char **data)
{
	int len = 0;

	*data = tep_get_field_raw(NULL, ev, name, rec, &len, 0);
	if (!*data || len <= 0)
		return 0;
	return (unsigned int)len / elem_bytes;
}

static uint64_t elem(const unsigned char *p, size_t elem_bytes, unsigned int i)
{
	uint64_t v = 0;

	if (elem_bytes == 4) {
		uint32_t u;

		memcpy(&u, p + (size_t)i * 4, 4);
		v = u;
	} else {
		memcpy(&v, p + (size_t)i * 8, 8);
	}
	return v;
}

/*
 * Scatterlist events (SVT_K_DMA_SG), entry by entry exactly as
 * tp_dma_map_sg/unmap_sg/dma_sync_sg in svatrace.bpf.c: map_sg and sync_sg
 * count the mapped segments (lengths[]), unmap_sg its physical addresses
 * (addrs[]); op is the entry index. Every entry is kept: the SVT_SG_MAX cap
 * of a live collection is a ring-buffer budget, which an import does not
 * have. Returns 0 or a negative errno.
 */
static int sg_events(struct td_ctx *c, struct tep_event *ev, struct tep_record *rec,
		     struct svt_event *e)
{
	const unsigned char *ph = NULL, *da = NULL, *ln = NULL;
	unsigned int n, nph, nda = 0;
	int rc;

	if (tep_find_field(ev, "lengths")) { /* map_sg, sync_sg_for_* */
		n = arr(ev, rec, "lengths", 4, &ln);
		nda = arr(ev, rec, "dma_addrs", 8, &da);
		nph = arr(ev, rec, "phys_addrs", 8, &ph); /* map_sg only */
	} else {					  /* unmap_sg: physical addresses */
		n = nph = arr(ev, rec, "addrs", 8, &ph);
	}
	e->dma.dir = (uint32_t)num(ev, rec, "dir");
	e->dma.attrs = num(ev, rec, "attrs"); /* sync_sg_for_*: none, 0 */
	e->dma.nr_ents = n;
	str(ev, rec, "device", e->s1);
	for (unsigned int i = 0; i < n; i++) {
		e->op = (uint16_t)i;
		e->dma.phys = i < nph ? elem(ph, 8, i) : 0;
		e->dma.dma_addr = i < nda ? elem(da, 8, i) : 0;
		e->dma.size_bytes = ln ? elem(ln, 4, i) : 0;
		rc = conv__event(c->cv, e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			c->st->nr_records++;
	}
	return 0;
}

/*
 * Fill @e's named values from the record's fields (the kernel's field
 * names, include/trace/events/{iommu,dma}.h and drivers/iommu/intel/
 * trace.h), as the BPF program of a probe of kind @kind would. A field an
 * event lacks reads as 0, as in the BPF programs: dma_map_* has phys_addr,
 * dma_unmap_* names its device address "addr", the others "dma_addr".
 * False for kinds a tracepoint cannot have (they stay generic).
 */
static bool fill(unsigned int kind, struct tep_event *ev, struct tep_record *rec,
		 struct svt_event *e)
{
	switch (kind) {
	case SVT_K_IOMMU_MAP:
		e->iommu_map.iova = num(ev, rec, "iova"),
		e->iommu_map.paddr = num(ev, rec, "paddr");
		e->iommu_map.size_bytes = num(ev, rec, "size");
		return true;
	case SVT_K_IOMMU_UNMAP:
		e->iommu_unmap.iova = num(ev, rec, "iova");
		e->iommu_unmap.size_bytes = num(ev, rec, "size");
		e->iommu_unmap.unmapped_bytes = num(ev, rec, "unmapped_size");
		return true;
	case SVT_K_IOMMU_FAULT:
		e->iommu_fault.iova = num(ev, rec, "iova");
		e->iommu_fault.flags = (uint32_t)num(ev, rec, "flags");
		str(ev, rec, "device", e->s1), str(ev, rec, "driver", e->s2);
		return true;
	case SVT_K_IOMMU_GROUP:
		e->iommu_group.gid = (uint32_t)num(ev, rec, "gid"); /* attach: none, 0 */
		str(ev, rec, "device", e->s1);
		return true;
	case SVT_K_DMA:
		e->dma.phys = num(ev, rec, "phys_addr");
		e->dma.dma_addr = tep_find_field(ev, "dma_addr") ? num(ev, rec, "dma_addr")
								 : num(ev, rec, "addr");
		e->dma.size_bytes = num(ev, rec, "size");
		e->dma.dir = (uint32_t)num(ev, rec, "dir"), e->dma.attrs = num(ev, rec, "attrs");
		str(ev, rec, "device", e->s1);
		return true;
	case SVT_K_QI_SUBMIT:
		e->qi_submit.qw[0] = num(ev, rec, "qw0"), e->qi_submit.qw[1] = num(ev, rec, "qw1");
		e->qi_submit.qw[2] = num(ev, rec, "qw2"), e->qi_submit.qw[3] = num(ev, rec, "qw3");
		str(ev, rec, "iommu", e->s2);
		return true;
	case SVT_K_PRQ:
		e->prq.dw[0] = num(ev, rec, "dw0"), e->prq.dw[1] = num(ev, rec, "dw1");
		e->prq.dw[2] = num(ev, rec, "dw2"), e->prq.dw[3] = num(ev, rec, "dw3");
		e->prq.seq = num(ev, rec, "seq");
		str(ev, rec, "dev", e->s1), str(ev, rec, "iommu", e->s2);
		return true;
	case SVT_K_CACHE_TAG:
		e->cache_tag.start = num(ev, rec, "start"), e->cache_tag.end = num(ev, rec, "end");
		e->cache_tag.type = num(ev, rec, "type");
		e->cache_tag.domain_id = num(ev, rec, "domain_id");
		e->cache_tag.pasid = num(ev, rec, "pasid");
		str(ev, rec, "dev", e->s1), str(ev, rec, "iommu", e->s2);
		return true;
	default:
		return false; /* scatterlist events and the rest: generic */
	}
}

/* An event no probe decodes: a generic record with its printed text. */
static int generic_event(struct td_ctx *c, struct tep_handle *tep, struct tep_event *ev,
			 struct tep_record *rec, uint32_t tid, const char *comm)
{
	struct trace_seq s;
	struct trace_rec hdr = {0};
	char name[256];
	int rc;

	trace_seq_init(&s);
	if (!strcmp(ev->system, "ftrace") && !strcmp(ev->name, "print")) {
		/* trace_marker text as the ftrace text shows it: the buffer, no newline */
		/* buf is a flexible char array: it runs to the record's end */
		struct tep_format_field *fb = tep_find_field(ev, "buf");
		const char *buf =
		    fb && fb->offset < rec->size ? (const char *)rec->data + fb->offset : NULL;
		int n = buf ? (int)strnlen(buf, (size_t)(rec->size - fb->offset)) : 0;

		while (n > 0 && buf[n - 1] == '\n')
			n--;
		trace_seq_printf(&s, "%.*s", n, buf ? buf : "");
	} else {
		tep_print_event(tep, &s, rec, "%s", TEP_PRINT_INFO);
	}
	trace_seq_terminate(&s);
	snprintf(name, sizeof(name), "%s:%s", ev->system, ev->name);
	hdr.ts_ns = rec->ts;
	hdr.cpu = (uint16_t)rec->cpu;
	hdr.pid = tid;
	hdr.comm_id = trace_writer__intern(c->w, comm);
	hdr.event_id = trace_writer__intern(c->w, name);
	rc = trace_writer__append_generic(c->w, &hdr, s.buffer ? s.buffer : "");
	trace_seq_destroy(&s);
	if (rc == 0)
		c->st->nr_generic++;
	return rc;
}

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct td_ctx *c = data;
	struct tep_handle *tep = tracecmd_get_tep(h);
	struct tep_event *ev = tep_find_event_by_record(tep, rec);
	const struct probe_def *d;
	struct svt_event e;
	const char *comm;
	int rc;

	c->st->nr_lines++;
	if (!ev) {
		c->st->nr_skipped++;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.ts_ns = rec->ts;
	e.cpu = (uint32_t)rec->cpu;
	e.tid = e.tgid = (uint32_t)tep_data_pid(tep, rec);
	comm = tep_data_comm_from_pid(tep, (int)e.tid);
	if (comm)
		snprintf(e.comm, sizeof(e.comm), "%s", comm);
	d = probe_def_by_event(ev->system, ev->name);
	if (d)
		e.probe = d->id;
	if (d && d->kind == SVT_K_DMA_SG) {
		rc = sg_events(c, ev, rec, &e); /* counts its records itself */
		if (rc < 0) {
			c->err = rc;
			return -1;
		}
		return 0;
	}
	if (d && fill(d->kind, ev, rec, &e))
		rc = conv__event(c->cv, &e);
	else
		rc = generic_event(c, tep, ev, rec, e.tid, comm);
	if (rc < 0) {
		c->err = rc;
		return -1; /* stop iterating */
	}
	if (rc == 0)
		c->st->nr_records++;
	return 0;
}

static int trace_dat_run(const char *in_path, const struct import_opts *opts,
			 struct import_stats *st, struct trace_writer *w)
{
	struct tracecmd_input *h;
	struct td_ctx c = {.w = w, .st = st};
	int rc;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	h = tracecmd_open(in_path, 0);
	if (!h) {
		svt_err("%s: not a readable trace-cmd trace.dat file", in_path);
		return -EINVAL;
	}
	c.cv = conv__new(w, opts->keep_addrs, NULL);
	if (!c.cv) {
		tracecmd_close(h);
		return -ENOMEM;
	}
	rc = tracecmd_iterate_events(h, NULL, 0, on_record, &c);
	if (c.err) {
		svt_err("%s: writing records: %s", in_path, trace_strerror(c.err));
		rc = c.err;
	} else if (rc < 0) {
		svt_err("%s: reading events failed", in_path);
		rc = -EIO;
	} else {
		rc = 0;
	}
	conv__free(c.cv);
	tracecmd_close(h);
	return rc;
}

const struct importer importer_trace_dat = {
    .name = "trace-dat",
    .summary = "trace-cmd trace.dat (libtracecmd + libtraceevent)",
    .clock = TRACE_CLOCK_UNKNOWN, /* whatever trace_clock the recording used */
    .run = trace_dat_run,
};
