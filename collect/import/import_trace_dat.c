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
 *
 * Every ring buffer in the file is read (the top one and each instance of
 * `trace-cmd record/extract -B NAME`), merged in time order; the clock is
 * the file's own (its TRACECLOCK option), and libtracecmd applies the
 * file's timestamp offset and shift options (OFFSET, DATE, TIME_SHIFT,
 * TSC2NSEC) to every timestamp, as `trace-cmd report` shows them. Each
 * buffer's lost events per CPU (the kernel's ring-buffer statistics saved
 * in the file, or the pages' missed-event counts if larger) become lost
 * counters "ftrace" (top buffer) and "ftrace/NAME" (instance NAME).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "collect/convert.h"
#include "collect/import/import.h"
#include "collect/probes.h"
#include "common/log.h"

struct td_ctx {
	const char *path;	 /* input, for messages */
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

/*
 * Exported by libtracecmd.so.1 (trace-cmd lib/trace-cmd/trace-input.c) but
 * declared only in trace-cmd's private header, which Debian does not ship:
 * the file's clock (its TRACECLOCK option, or the top buffer's clock in a
 * v7 file), the kernel's per-CPU ring-buffer statistics saved at record or
 * extract time (CPUSTAT options) and a handle's CPU count.
 */
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);

#define TD_MAX_CPUS 65536 /* the record header's CPU field is 16 bits */

/* One ring buffer of the file: the top one ("") or an instance (-B NAME). */
struct td_buf {
	const char *name;	  /* "" for the top buffer */
	struct tracecmd_input *h; /* its handle (the top one: the file's) */
	int nr_cpus;		  /* CPUs with data in the file */
	uint64_t nr_events;	  /* events read */
	uint64_t *lost_stat;	  /* per CPU: overrun + commit overrun + dropped */
	uint64_t *lost_missed;	  /* per CPU: the records' missed-events counts */
	unsigned int lost_cap;	  /* entries of both arrays */
	bool lost_unknown;	  /* a page said "events lost", not how many */
};

struct td_file {
	struct tracecmd_input *top; /* the file */
	struct td_buf *bufs;	    /* top buffer first, then instances */
	int nr_bufs;		    /* entries of bufs */
};

/* Grow @b's per-CPU arrays to hold @cpu. */
static int buf_lost_slot(struct td_buf *b, unsigned int cpu)
{
	unsigned int cap = b->lost_cap ? b->lost_cap : 64;
	uint64_t *a, *m;

	if (cpu >= TD_MAX_CPUS)
		return -ERANGE;
	if (cpu < b->lost_cap)
		return 0;
	while (cap <= cpu)
		cap *= 2;
	a = realloc(b->lost_stat, cap * sizeof(*a));
	if (!a)
		return -ENOMEM;
	b->lost_stat = a;
	m = realloc(b->lost_missed, cap * sizeof(*m));
	if (!m)
		return -ENOMEM;
	b->lost_missed = m;
	memset(a + b->lost_cap, 0, (cap - b->lost_cap) * sizeof(*a));
	memset(m + b->lost_cap, 0, (cap - b->lost_cap) * sizeof(*m));
	b->lost_cap = cap;
	return 0;
}

static struct td_buf *buf_named(struct td_file *f, const char *name)
{
	for (int i = 0; i < f->nr_bufs; i++)
		if (!strcmp(f->bufs[i].name, name))
			return &f->bufs[i];
	return NULL;
}

/*
 * The CPUSTAT text (the kernel's per_cpu/cpuN/stats of each buffer, as
 * `trace-cmd report --stat` shows it): blocks "CPU: N ... overrun: N ...
 * commit overrun: N ... dropped events: N", the top buffer's first, each
 * instance's after a "Buffer: NAME" line. The events a buffer lost on a CPU
 * are the sum of the three counters (Documentation/trace/ftrace.rst,
 * per_cpu/cpuN/stats).
 */
static int parse_cpustats(struct td_file *f, const char *text)
{
	struct td_buf *b = buf_named(f, "");
	long cpu = -1;
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[256];
		unsigned long long v;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = 0;
		p = nl ? nl + 1 : NULL;
		if (!strncmp(line, "Buffer: ", 8)) {
			b = buf_named(f, line + 8);
			cpu = -1;
		} else if (sscanf(line, "CPU: %ld", &cpu) == 1) {
			if (cpu < 0 || (b && buf_lost_slot(b, (unsigned int)cpu)))
				cpu = -1;
		} else if (b && cpu >= 0 &&
			   (sscanf(line, "overrun: %llu", &v) == 1 ||
			    sscanf(line, "commit overrun: %llu", &v) == 1 ||
			    sscanf(line, "dropped events: %llu", &v) == 1)) {
			b->lost_stat[cpu] =
			    b->lost_stat[cpu] + v < v ? UINT64_MAX : b->lost_stat[cpu] + v;
		}
	}
	return 0;
}

static void td_file_close(struct td_file *f)
{
	for (int i = 0; i < f->nr_bufs; i++) {
		if (f->bufs[i].h && f->bufs[i].h != f->top)
			tracecmd_close(f->bufs[i].h);
		free(f->bufs[i].lost_stat);
		free(f->bufs[i].lost_missed);
	}
	free(f->bufs);
	if (f->top)
		tracecmd_close(f->top);
	memset(f, 0, sizeof(*f));
}

/* Open @path and every buffer in it. 0, or -errno with svt_err() said. */
static int td_file_open(struct td_file *f, const char *path)
{
	int n;
	const char *stats;

	memset(f, 0, sizeof(*f));
	tracecmd_set_loglevel(TEP_LOG_NONE);
	f->top = tracecmd_open(path, 0);
	if (!f->top) {
		svt_err("%s: not a readable trace-cmd trace.dat file", path);
		return -EINVAL;
	}
	n = tracecmd_buffer_instances(f->top);
	if (n < 0)
		n = 0;
	f->bufs = calloc((size_t)n + 1, sizeof(*f->bufs));
	if (!f->bufs) {
		td_file_close(f);
		return -ENOMEM;
	}
	f->bufs[0].name = "";
	f->bufs[0].h = f->top;
	f->bufs[0].nr_cpus = tracecmd_cpus(f->top);
	f->nr_bufs = 1;
	for (int i = 0; i < n; i++) {
		struct td_buf *b = &f->bufs[f->nr_bufs];
		const char *name = tracecmd_buffer_instance_name(f->top, i);

		b->name = name ? name : "?";
		b->h = tracecmd_buffer_instance_handle(f->top, i);
		if (!b->h) {
			svt_err("%s: buffer '%s' cannot be read", path, b->name);
			td_file_close(f);
			return -EINVAL;
		}
		b->nr_cpus = tracecmd_cpus(b->h);
		f->nr_bufs++;
	}
	stats = tracecmd_get_cpustats(f->top);
	if (stats)
		parse_cpustats(f, stats);
	return 0;
}

/* The native clock of trace_clock @name (tracefs trace_clock names). */
static enum trace_clock clock_of(const char *name)
{
	if (!name)
		return TRACE_CLOCK_UNKNOWN;
	if (!strcmp(name, "local"))
		return TRACE_CLOCK_FTRACE_LOCAL;
	if (!strcmp(name, "global"))
		return TRACE_CLOCK_FTRACE_GLOBAL;
	if (!strcmp(name, "mono"))
		return TRACE_CLOCK_MONOTONIC;
	if (!strcmp(name, "boot"))
		return TRACE_CLOCK_BOOT;
	return TRACE_CLOCK_UNKNOWN; /* counter, uptime, perf, mono_raw, tai, x86-tsc */
}

static uint64_t buf_lost_total(const struct td_buf *b)
{
	uint64_t t = 0;

	for (unsigned int c = 0; c < b->lost_cap; c++)
		t += b->lost_stat[c] > b->lost_missed[c] ? b->lost_stat[c] : b->lost_missed[c];
	return t;
}

/*
 * What the file says of its recording, merged into meta "source": the
 * clock name and every buffer with its CPU count. The lost counts are
 * stored as counters (trace_writer__add_lost), not here.
 */
static char *trace_dat_source_json(const char *in_path, enum trace_clock *clock)
{
	struct td_file f;
	const char *cname;
	json_t *o, *bufs;
	char *text;

	if (td_file_open(&f, in_path))
		return NULL;
	cname = tracecmd_get_trace_clock(f.top);
	*clock = clock_of(cname);
	o = json_object();
	bufs = json_array();
	json_object_set_new(o, "clock", cname ? json_string(cname) : json_null());
	for (int i = 0; i < f.nr_bufs; i++)
		json_array_append_new(bufs, json_pack("{s:s,s:i}", "name", f.bufs[i].name, "cpus",
						      f.bufs[i].nr_cpus));
	json_object_set_new(o, "buffers", bufs);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	td_file_close(&f);
	return text;
}

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct td_ctx *c = data;
	struct td_buf *b = tracecmd_get_private(h);
	struct tep_handle *tep = tracecmd_get_tep(h);
	struct tep_event *ev = tep_find_event_by_record(tep, rec);
	const struct probe_def *d;
	struct svt_event e;
	const char *comm;
	int rc;

	(void)cpu;
	c->st->nr_lines++;
	if (rec->cpu < 0 || rec->cpu >= TD_MAX_CPUS) {
		svt_err("%s: buffer '%s': event at offset %llu on CPU %d: the trace format "
			"holds CPUs 0-%d",
			c->path, b ? b->name : "?", rec->offset, rec->cpu, TD_MAX_CPUS - 1);
		c->err = -ERANGE;
		return -1;
	}
	if (b) {
		b->nr_events++;
		if (rec->missed_events && buf_lost_slot(b, (unsigned int)rec->cpu) == 0) {
			if (rec->missed_events < 0)
				b->lost_unknown = true; /* "events lost", count unknown */
			else
				b->lost_missed[rec->cpu] += (uint64_t)rec->missed_events;
		}
	}
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

/* Store each buffer's lost events per CPU as lost counters. */
static int store_lost(struct td_file *f, struct trace_writer *w)
{
	for (int i = 0; i < f->nr_bufs; i++) {
		struct td_buf *b = &f->bufs[i];
		char probe[160];

		/* "ftrace" as the ftrace-text importer names the top buffer's losses */
		snprintf(probe, sizeof(probe), "%s%s%s", "ftrace", *b->name ? "/" : "", b->name);
		for (unsigned int cpu = 0; cpu < b->lost_cap; cpu++) {
			/*
			 * The kernel's counters and the pages' missed-event
			 * marks count the same losses from two sides; the
			 * larger is the better lower bound, their sum would
			 * count most losses twice.
			 */
			uint64_t n = b->lost_stat[cpu] > b->lost_missed[cpu] ? b->lost_stat[cpu]
									     : b->lost_missed[cpu];
			int rc = n ? trace_writer__add_lost(w, cpu, probe, n) : 0;

			if (rc)
				return rc;
		}
	}
	return 0;
}

static int trace_dat_run(const char *in_path, const struct import_opts *opts,
			 struct import_stats *st, struct trace_writer *w)
{
	struct td_ctx c = {.w = w, .st = st, .path = in_path};
	struct tracecmd_input **hs = NULL;
	struct td_file f;
	char *p;
	size_t left;
	int rc, nh = 0;

	rc = td_file_open(&f, in_path);
	if (rc)
		return rc;
	c.cv = conv__new(w, opts->keep_addrs, NULL);
	hs = calloc((size_t)f.nr_bufs, sizeof(*hs));
	if (!c.cv || !hs) {
		rc = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < f.nr_bufs; i++) {
		if (f.bufs[i].nr_cpus <= 0)
			continue; /* e.g. the empty top buffer of `extract -B` */
		tracecmd_set_private(f.bufs[i].h, &f.bufs[i]);
		hs[nh++] = f.bufs[i].h;
	}
	/* every buffer, merged in timestamp order */
	rc = nh ? tracecmd_iterate_events_multi(hs, nh, on_record, &c) : 0;
	if (c.err) {
		if (c.err != -ERANGE)
			svt_err("%s: writing records: %s", in_path, trace_strerror(c.err));
		rc = c.err;
		goto out;
	} else if (rc < 0) {
		svt_err("%s: reading events failed", in_path);
		rc = -EIO;
		goto out;
	}
	rc = store_lost(&f, w);
	if (rc) {
		svt_err("%s: writing lost counters: %s", in_path, trace_strerror(rc));
		goto out;
	}
	/* per buffer, for the summary and for the "why" of an empty import */
	p = st->why;
	left = sizeof(st->why);
	for (int i = 0; i < f.nr_bufs && left > 1; i++) {
		struct td_buf *b = &f.bufs[i];
		int n = snprintf(p, left, "%sbuffer %s%s%s: %d CPUs, %llu events, %llu lost%s",
				 i ? "; " : "", *b->name ? "'" : "", *b->name ? b->name : "(top)",
				 *b->name ? "'" : "", b->nr_cpus, (unsigned long long)b->nr_events,
				 (unsigned long long)buf_lost_total(b),
				 b->lost_unknown ? " (and an unknown number)" : "");

		if (n < 0 || (size_t)n >= left)
			break;
		p += n;
		left -= (size_t)n;
	}
	svt_info("%s: clock %s; %s", in_path,
		 tracecmd_get_trace_clock(f.top) ? tracecmd_get_trace_clock(f.top) : "not recorded",
		 st->why);
	rc = 0;
out:
	free(hs);
	conv__free(c.cv);
	td_file_close(&f);
	return rc;
}

const struct importer importer_trace_dat = {
    .name = "trace-dat",
    .summary = "trace-cmd trace.dat, every buffer (libtracecmd + libtraceevent)",
    .clock = TRACE_CLOCK_UNKNOWN, /* the file's own clock, from source_json */
    .source_json = trace_dat_source_json,
    .run = trace_dat_run,
};
