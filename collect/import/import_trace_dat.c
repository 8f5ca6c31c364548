// SPDX-License-Identifier: GPL-2.0
/*
 * import_trace_dat.c - `svatrace import --from trace-dat`: read a trace-cmd
 * trace.dat with libtracecmd + libtraceevent, for hosts where eBPF is not
 * allowed but trace-cmd is. Each known event's fields are read by name into
 * the same struct svt_event the BPF programs fill, and converted by the
 * collector's converter (collect/convert.c), so a trace.dat import and a
 * live collection decode every event identically: the scatterlist dma
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
	struct conv *cv;			/* converter into the writer */
	struct trace_writer *w;			/* output */
	struct import_stats *st;		/* counters */
	int err;				/* first writer error */
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
 * Scatterlist events, entry by entry exactly as tp_dma_map_sg/unmap_sg/
 * dma_sync_sg in svatrace.bpf.c: map_sg and sync_sg count the mapped
 * segments (lengths[]), unmap_sg its physical addresses (addrs[]); op is the
 * entry index. Every entry is kept: the SVT_SG_MAX cap of a live collection
 * is a ring-buffer budget, which an import does not have. Returns 0 or a
 * negative errno.
 */
static int sg_events(struct td_ctx *c, unsigned int id, struct tep_event *ev,
		     struct tep_record *rec, struct svt_event *e)
{
	const unsigned char *ph = NULL, *da = NULL, *ln = NULL;
	unsigned int n, nph = 0, nda = 0;
	int rc;

	if (id == SVT_P_DMA_UNMAP_SG) {
		n = nph = arr(ev, rec, "addrs", 8, &ph);
	} else {
		n = arr(ev, rec, "lengths", 4, &ln);
		nda = arr(ev, rec, "dma_addrs", 8, &da);
		if (id == SVT_P_DMA_MAP_SG)
			nph = arr(ev, rec, "phys_addrs", 8, &ph);
	}
	e->probe = (uint16_t)id;
	e->v[3] = (uint32_t)num(ev, rec, "dir");
	e->v[4] = id == SVT_P_DMA_MAP_SG || id == SVT_P_DMA_UNMAP_SG ? num(ev, rec, "attrs") : 0;
	e->v[5] = n;
	str(ev, rec, "device", e->s1);
	for (unsigned int i = 0; i < n; i++) {
		e->op = (uint16_t)i;
		e->v[0] = i < nph ? elem(ph, 8, i) : 0;
		e->v[1] = i < nda ? elem(da, 8, i) : 0;
		e->v[2] = ln ? elem(ln, 4, i) : 0;
		rc = conv__event(c->cv, e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			c->st->nr_records++;
	}
	return 0;
}

/* The probe id of a tracepoint event, SVT_P_MAX_ if we do not decode it. */
static unsigned int probe_of(const char *sys, const char *name)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);
	char full[128];

	snprintf(full, sizeof(full), "%s:%s", sys, name);
	for (size_t i = 0; i < n; i++)
		if (d[i].type == PROBE_TP && !strcmp(d[i].name, full))
			return (unsigned int)i;
	return SVT_P_MAX_;
}

/* Fill @e from the record's fields, as the BPF program of @id would. */
static bool fill(unsigned int id, struct tep_event *ev, struct tep_record *rec, struct svt_event *e)
{
	switch (id) {
	case SVT_P_IOMMU_MAP:
		e->v[0] = num(ev, rec, "iova"), e->v[1] = num(ev, rec, "paddr");
		e->v[2] = num(ev, rec, "size");
		return true;
	case SVT_P_IOMMU_UNMAP:
		e->v[0] = num(ev, rec, "iova"), e->v[1] = num(ev, rec, "size");
		e->v[2] = num(ev, rec, "unmapped_size");
		return true;
	case SVT_P_IOMMU_IO_PAGE_FAULT:
		e->v[0] = num(ev, rec, "iova"), e->v[1] = (uint32_t)num(ev, rec, "flags");
		str(ev, rec, "device", e->s1), str(ev, rec, "driver", e->s2);
		return true;
	case SVT_P_IOMMU_ADD_GROUP:
	case SVT_P_IOMMU_REMOVE_GROUP:
		e->v[0] = (uint32_t)num(ev, rec, "gid");
		/* fallthrough */
	case SVT_P_IOMMU_ATTACH:
		str(ev, rec, "device", e->s1);
		return true;
	case SVT_P_DMA_MAP_PHYS:
	case SVT_P_DMA_MAP_PAGE:
	case SVT_P_DMA_MAP_RESOURCE:
		e->v[0] = num(ev, rec, "phys_addr");
		/* fallthrough */
	case SVT_P_DMA_ALLOC:
	case SVT_P_DMA_ALLOC_PAGES:
	case SVT_P_DMA_FREE:
	case SVT_P_DMA_FREE_PAGES:
	case SVT_P_DMA_SYNC_SINGLE_CPU:
	case SVT_P_DMA_SYNC_SINGLE_DEV:
		e->v[1] = num(ev, rec, "dma_addr"), e->v[2] = num(ev, rec, "size");
		e->v[3] = (uint32_t)num(ev, rec, "dir"), e->v[4] = num(ev, rec, "attrs");
		str(ev, rec, "device", e->s1);
		return true;
	case SVT_P_DMA_UNMAP_PHYS:
	case SVT_P_DMA_UNMAP_PAGE:
	case SVT_P_DMA_UNMAP_RESOURCE:
		e->v[1] = num(ev, rec, "addr"), e->v[2] = num(ev, rec, "size");
		e->v[3] = (uint32_t)num(ev, rec, "dir"), e->v[4] = num(ev, rec, "attrs");
		str(ev, rec, "device", e->s1);
		return true;
	case SVT_P_QI_SUBMIT:
		e->v[0] = num(ev, rec, "qw0"), e->v[1] = num(ev, rec, "qw1");
		e->v[2] = num(ev, rec, "qw2"), e->v[3] = num(ev, rec, "qw3");
		str(ev, rec, "iommu", e->s2);
		return true;
	case SVT_P_PRQ_REPORT:
		e->v[0] = num(ev, rec, "dw0"), e->v[1] = num(ev, rec, "dw1");
		e->v[2] = num(ev, rec, "dw2"), e->v[3] = num(ev, rec, "dw3");
		e->v[4] = num(ev, rec, "seq");
		str(ev, rec, "dev", e->s1), str(ev, rec, "iommu", e->s2);
		return true;
	case SVT_P_CACHE_TAG_ASSIGN ... SVT_P_CACHE_TAG_FLUSH_RANGE_NP:
		e->v[0] = num(ev, rec, "start"), e->v[1] = num(ev, rec, "end");
		e->v[2] = num(ev, rec, "type"), e->v[3] = num(ev, rec, "domain_id");
		e->v[4] = num(ev, rec, "pasid");
		str(ev, rec, "dev", e->s1), str(ev, rec, "iommu", e->s2);
		return true;
	default:
		return false;	/* scatterlist events and the rest: generic */
	}
}

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct td_ctx *c = data;
	struct tep_handle *tep = tracecmd_get_tep(h);
	struct tep_event *ev = tep_find_event_by_record(tep, rec);
	struct svt_event e;
	const char *comm;
	unsigned int id;
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
	id = probe_of(ev->system, ev->name);
	if (id == SVT_P_DMA_MAP_SG || id == SVT_P_DMA_UNMAP_SG || id == SVT_P_DMA_SYNC_SG_CPU ||
	    id == SVT_P_DMA_SYNC_SG_DEV) {
		rc = sg_events(c, id, ev, rec, &e);
		if (rc < 0) {
			c->err = rc;
			return -1;
		}
		return 0;
	} else if (id < SVT_P_MAX_ && fill(id, ev, rec, &e)) {
		e.probe = (uint16_t)id;
		rc = conv__event(c->cv, &e);
	} else {
		struct trace_seq s;
		struct trace_rec hdr = { 0 };
		char name[256];

		trace_seq_init(&s);
		if (!strcmp(ev->system, "ftrace") && !strcmp(ev->name, "print")) {
			/* trace_marker text as the ftrace text shows it: the buffer, no newline */
			/* buf is a flexible char array: it runs to the record's end */
			struct tep_format_field *fb = tep_find_field(ev, "buf");
			const char *buf = fb && fb->offset < rec->size ? (const char *)rec->data + fb->offset : NULL;
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
		hdr.pid = e.tid;
		hdr.comm_id = trace_writer__intern(c->w, comm);
		hdr.event_id = trace_writer__intern(c->w, name);
		rc = trace_writer__append_generic(c->w, &hdr, s.buffer ? s.buffer : "");
		trace_seq_destroy(&s);
		if (rc == 0)
			c->st->nr_generic++;
	}
	if (rc < 0) {
		c->err = rc;
		return -1;	/* stop iterating */
	}
	if (rc == 0)
		c->st->nr_records++;
	return 0;
}

static int trace_dat_run(const char *in_path, const struct import_opts *opts,
			 struct import_stats *st, struct trace_writer *w)
{
	struct tracecmd_input *h;
	struct td_ctx c = { .w = w, .st = st };
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
	.clock = TRACE_CLOCK_UNKNOWN,	/* whatever trace_clock the recording used */
	.run = trace_dat_run,
};
