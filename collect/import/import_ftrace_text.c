// SPDX-License-Identifier: GPL-2.0
/*
 * import_ftrace_text.c - import the text format of tracefs's "trace" file.
 *
 * A line is "TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: TEXT" (the FLAGS column
 * and a "(TGID)" column are optional). The text after the event name is what
 * the event's TP_printk format produced; known events are decoded by name
 * into typed records (formats from Linux include/trace/events/iommu.h,
 * drivers/iommu/intel/trace.h and include/trace/events/dma.h, noted per
 * decoder), everything else is kept as a generic record with its text, so no
 * event is lost. "CPU:N [LOST M EVENTS]" lines become lost-event counters.
 * The text does not name an event's system; events of the probe table
 * (collect/probe_table.h) get theirs and its kind picks their decoder,
 * other events get theirs from event_sys.c (the capturing host's list of
 * events given with --event-list, its tracefs when the input is read
 * there, else a built-in table, else "unknown:NAME"). Input may be gzip-compressed.
 *
 * A line that is not an event line (and not a "#" comment, a blank or a
 * lost-events line) is quoted in a warning; more than IMPORT_MAX_BAD of
 * them stop the import unless --lenient: such a file is not ftrace text
 * (a README, `perf script` output, a CSV), and importing the few lines
 * that happen to look like events would give a trace of nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "collect/import/event_sys.h"
#include "collect/import/import.h"
#include "collect/probes.h"
#include "collect/redact.h"
#include "common/log.h"

#define LINE_MAX_BYTES 65536

struct ft_line {
	const char *task;  /* task name (NUL-terminated copy) */
	uint32_t pid;	   /* task id */
	uint32_t cpu;	   /* CPU column */
	const char *range; /* a column out of range, NULL: none (then -3) */
	uint64_t ts_ns;	   /* timestamp */
	const char *event; /* event name */
	const char *text;  /* what follows "EVENT: " */
};

#define FT_QUOTE_MAX 3	   /* unparseable lines quoted in full */
#define FT_QUOTE_BYTES 100 /* bytes of each quoted */

struct ft_ctx {
	struct trace_writer *w;			/* output */
	struct redact *rd;			/* address hashing */
	struct import_stats *st;		/* counters */
	const char *path;			/* input path, for messages */
	uint64_t lineno;			/* current line */
	struct event_sys *es;			/* event name -> system */
	bool lenient;				/* --lenient: no limit on unparseable lines */
	bool perf_hint;				/* an unparseable line looked like `perf script` */
	uint64_t first_bad_line;		/* first unparseable line, 0: none */
	uint64_t lost_total;			/* lost events of the file so far */
	char first_bad[FT_QUOTE_BYTES * 4 + 8]; /* ... quoted */
};

#define FT_CPU_MAX 65535 /* the record header's CPU field is 16 bits */

/*
 * Parse "123.456789" into ns; plain integers (raw counter clocks) are kept
 * as is. -1: not a timestamp; -2: one beyond 2^64 ns (about 584 years),
 * which would wrap.
 */
static int parse_ts(const char *s, const char *end, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	int digits = 0;
	bool big = false;
	const char *p = s;

	if (p == end || !isdigit((unsigned char)*p))
		return -1;
	while (p < end && isdigit((unsigned char)*p)) {
		unsigned int d = (unsigned int)(*p++ - '0');

		if (sec > (UINT64_MAX - d) / 10)
			big = true;
		else
			sec = sec * 10 + d;
	}
	if (p == end) {
		*ns = sec;
		return big ? -2 : 0;
	}
	if (*p++ != '.')
		return -1;
	while (p < end && isdigit((unsigned char)*p)) {
		if (digits < 9) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			digits++;
		}
		p++;
	}
	if (p != end || digits == 0)
		return -1;
	while (digits++ < 9)
		frac *= 10;
	if (big || sec > (UINT64_MAX - frac) / 1000000000ULL)
		return -2;
	*ns = sec * 1000000000ULL + frac;
	return 0;
}

/* Split one line into its columns; modifies @line. Returns 0 or -1 if not an event line. */
static int split_line(char *line, struct ft_line *out)
{
	char *p, *cpu_open = NULL, *q, *tok, *colon;

	/* the CPU column "[ddd]" is the anchor: task names may hold spaces and dashes */
	for (p = line; (p = strchr(p, '[')); p++) {
		q = p + 1;
		while (isdigit((unsigned char)*q))
			q++;
		if (q > p + 1 && *q == ']' && p > line && p[-1] == ' ') {
			cpu_open = p;
			break;
		}
	}
	if (!cpu_open)
		return -1;
	{
		unsigned long long v;

		errno = 0;
		v = strtoull(cpu_open + 1, NULL, 10);
		if (errno || v > FT_CPU_MAX) {
			out->range = "CPU";
			return -3;
		}
		out->cpu = (uint32_t)v;
	}
	/* task-pid, optionally followed by "(tgid)" */
	q = cpu_open - 1;
	while (q > line && q[-1] == ' ')
		q--;
	if (q > line && q[-1] == ')') {
		char *paren = memrchr(line, '(', (size_t)(q - line));

		if (!paren)
			return -1;
		q = paren;
		while (q > line && q[-1] == ' ')
			q--;
	}
	*q = '\0';
	p = line;
	while (*p == ' ')
		p++;
	tok = strrchr(p, '-');
	if (!tok || !isdigit((unsigned char)tok[1]))
		return -1;
	*tok = '\0';
	out->task = p;
	{
		unsigned long long v;

		errno = 0;
		v = strtoull(tok + 1, NULL, 10);
		if (errno || v > UINT32_MAX) {
			out->range = "PID";
			return -3;
		}
		out->pid = (uint32_t)v;
	}
	/* after "]": [flags] timestamp: event: text */
	p = strchr(cpu_open, ']') + 1;
	for (int field = 0; field < 2; field++) {
		while (*p == ' ')
			p++;
		q = p;
		while (*q && *q != ' ')
			q++;
		if (q > p && q[-1] == ':') {
			int rc = parse_ts(p, q - 1, &out->ts_ns);

			if (rc == -2) {
				out->range = "timestamp";
				return -3;
			}
			if (rc == 0) {
				p = q;
				goto have_ts;
			}
		}
		p = q; /* that was the flags column */
	}
	return -1;
have_ts:
	while (*p == ' ')
		p++;
	colon = strchr(p, ':');
	if (!colon || colon == p)
		return -1;
	for (q = p; q < colon; q++)
		if (!(isalnum((unsigned char)*q) || *q == '_'))
			return -1;
	/*
	 * `perf script` prints "SYSTEM:EVENT:" where ftrace prints "EVENT: ";
	 * its second name right after the colon is the tell.
	 */
	q = colon + 1;
	while (isalnum((unsigned char)*q) || *q == '_')
		q++;
	if (q > colon + 1 && *q == ':')
		return -2;
	*colon = '\0';
	out->event = p;
	p = colon + 1;
	if (*p == ' ')
		p++;
	out->text = p;
	return 0;
}

/* "comm PID [CPU] TS: sys:event:" with a space before PID: `perf script`. */
static bool looks_like_perf_script(const char *line)
{
	const char *b = strstr(line, "] ");
	const char *open = b ? memrchr(line, '[', (size_t)(b - line)) : NULL;
	const char *q;

	if (!open || open == line || open[-1] != ' ')
		return false;
	q = open - 1;
	while (q > line && *q == ' ')
		q--;
	while (q > line && isdigit((unsigned char)*q))
		q--;
	if (*q != ' ')
		return false;
	q = strchr(b, ':'); /* "TS:" */
	if (!q)
		return false;
	q++;
	while (*q == ' ')
		q++;
	while (isalnum((unsigned char)*q) || *q == '_')
		q++;
	if (*q != ':')
		return false;
	q++;
	while (isalnum((unsigned char)*q) || *q == '_')
		q++;
	return *q == ':';
}

/*
 * "CPU:N [LOST M EVENTS]" (the ring buffer dropped M events on CPU N
 * before the next line). 0 and the counts if it is one, -1 if not, and
 * -EBADMSG (said) if a count is out of range or the file's losses would
 * add up past 2^64, which would wrap every reader's sum to a small number.
 */
static int lost_line(struct ft_ctx *c, const char *line, unsigned int *cpu,
		     unsigned long long *lost)
{
	unsigned long long v, n;
	const char *p = line + 4;
	char *end;

	if (strncmp(line, "CPU:", 4) || !isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (strncmp(end, " [LOST ", 7) || !isdigit((unsigned char)end[7]))
		return -1;
	p = end + 7;
	n = strtoull(p, &end, 10);
	if (strncmp(end, " EVENTS]", 8))
		return -1;
	if (errno || v > FT_CPU_MAX || c->lost_total + n < n) {
		svt_err("%s:%llu: lost-events count out of range (%s): '%.80s'", c->path,
			(unsigned long long)c->lineno,
			v > FT_CPU_MAX ? "the trace format holds CPUs 0-65535"
			: errno	       ? "beyond 2^64"
				       : "the file's losses add up past 2^64",
			line);
		return -EBADMSG;
	}
	c->lost_total += n;
	*cpu = (unsigned int)v;
	*lost = n;
	return 0;
}

/*
 * An input line that is not an event line: quote the first few, remember
 * the first as the why of an empty import, and stop after IMPORT_MAX_BAD
 * unless --lenient. Returns 0 to go on, -EBADMSG to stop (said).
 */
static int unparsed_line(struct ft_ctx *c, const char *line, bool perf)
{
	struct import_stats *st = c->st;
	char q[FT_QUOTE_BYTES * 4 + 8];
	size_t o = 0;

	/* quoted printable: a binary file must not write raw bytes to a terminal */
	for (size_t i = 0; line[i] && i < FT_QUOTE_BYTES && o + 5 < sizeof(q); i++) {
		unsigned char ch = (unsigned char)line[i];

		if (ch >= 0x20 && ch < 0x7f)
			q[o++] = (char)ch;
		else
			o += (size_t)snprintf(q + o, sizeof(q) - o, "\\x%02x", ch);
	}
	q[o] = 0;
	if (strlen(line) > FT_QUOTE_BYTES && o + 4 < sizeof(q))
		strcat(q, "...");
	st->nr_unparsed++;
	st->nr_skipped++;
	if (perf || looks_like_perf_script(line))
		c->perf_hint = true;
	if (st->nr_unparsed == 1) {
		snprintf(c->first_bad, sizeof(c->first_bad), "%s", q);
		c->first_bad_line = c->lineno;
	}
	if (st->nr_unparsed <= FT_QUOTE_MAX)
		svt_warn("%s:%llu: not an ftrace event line: '%s'", c->path,
			 (unsigned long long)c->lineno, q);
	if (st->nr_unparsed > IMPORT_MAX_BAD && !c->lenient) {
		svt_err("%s:%llu: more than %d lines are not ftrace event lines "
			"(the first %d are quoted above)%s; stopping (--lenient imports the rest)",
			c->path, (unsigned long long)c->lineno, IMPORT_MAX_BAD, FT_QUOTE_MAX,
			c->perf_hint ? "; this looks like `perf script` output, which svatrace "
				       "does not read: import the ftrace text (tracefs 'trace') "
				       "or trace-cmd's trace.dat instead"
				     : "");
		return -EBADMSG;
	}
	return 0;
}

/* Value after "key=" as an unsigned number (hex with 0x or base as given). */
static int kv_u64(const char *text, const char *key, int base, uint64_t *v)
{
	const char *p = text;
	size_t klen = strlen(key);
	char *end;

	while ((p = strstr(p, key))) {
		if (p == text || p[-1] == ' ' || p[-1] == ',') {
			errno = 0;
			*v = strtoull(p + klen, &end, base);
			if (end == p + klen || errno)
				return -1;
			return 0;
		}
		p += klen;
	}
	return -1;
}

/* Copy the first word of @text (up to a space) into @buf. */
static const char *first_word(const char *text, char *buf, size_t len)
{
	size_t n = strcspn(text, " ");

	if (n >= len)
		n = len - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return buf;
}

static void fill_hdr(struct ft_ctx *c, const struct ft_line *l, struct trace_rec *h,
		     unsigned int kind, size_t size, const char *event)
{
	memset(h, 0, size);
	h->ts_ns = l->ts_ns;
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
	h->cpu = (uint16_t)l->cpu;
	h->pid = l->pid;
	h->comm_id = trace_writer__intern(c->w, l->task);
	h->event_id = trace_writer__intern(c->w, event);
	if (!redact__keeps(c->rd))
		h->flags |= TRACE_RF_ADDR_HASHED;
}

/* iommu:map "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu" */
static int dec_map(struct ft_ctx *c, const struct ft_line *l)
{
	struct trace_rec_iommu_map r;
	uint64_t iova, paddr, size;

	if (kv_u64(l->text, "iova=", 16, &iova) || kv_u64(l->text, "paddr=", 16, &paddr) ||
	    kv_u64(l->text, "size=", 10, &size))
		return -1;
	fill_hdr(c, l, &r.hdr, TRACE_REC_IOMMU_MAP, sizeof(r), "iommu:map");
	r.iova = iova;
	r.paddr = redact__addr_any(c->rd, paddr);
	r.size_bytes = size;
	return trace_writer__append(c->w, &r.hdr);
}

/* iommu:unmap "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu" */
static int dec_unmap(struct ft_ctx *c, const struct ft_line *l)
{
	struct trace_rec_iommu_unmap r;
	uint64_t iova, size, done;

	if (kv_u64(l->text, "iova=", 16, &iova) || kv_u64(l->text, "size=", 10, &size) ||
	    kv_u64(l->text, "unmapped_size=", 10, &done))
		return -1;
	fill_hdr(c, l, &r.hdr, TRACE_REC_IOMMU_UNMAP, sizeof(r), "iommu:unmap");
	r.iova = iova;
	r.size_bytes = size;
	r.unmapped_bytes = done;
	r.hdr.flags &= (uint16_t)~TRACE_RF_ADDR_HASHED; /* IOVAs are not sensitive */
	return trace_writer__append(c->w, &r.hdr);
}

/* iommu:{add_device_to,remove_device_from}_group "IOMMU: groupID=%d device=%s",
 * iommu:{attach,detach}_device_{to,from}_domain "IOMMU: device=%s" */
static int dec_group(struct ft_ctx *c, const struct ft_line *l, uint32_t op, const char *event)
{
	struct trace_rec_dev_group r;
	const char *dev = strstr(l->text, "device=");
	char name[128];
	uint64_t group;

	if (!dev)
		return -1;
	fill_hdr(c, l, &r.hdr, TRACE_REC_DEV_GROUP, sizeof(r), event);
	r.hdr.flags = 0;
	r.group = kv_u64(l->text, "groupID=", 10, &group) ? TRACE_NO_GROUP : (uint32_t)group;
	r.device_id = trace_writer__intern(c->w, first_word(dev + 7, name, sizeof(name)));
	r.op = op;
	return trace_writer__append(c->w, &r.hdr);
}

/* iommu:io_page_fault "IOMMU:%s %s iova=0x%016llx flags=0x%04x" (driver, device) */
static int dec_fault(struct ft_ctx *c, const struct ft_line *l)
{
	struct trace_rec_io_page_fault r;
	char drv[128], dev[128];
	uint64_t iova, flags;

	if (strncmp(l->text, "IOMMU:", 6) || kv_u64(l->text, "iova=", 16, &iova) ||
	    kv_u64(l->text, "flags=", 16, &flags))
		return -1;
	if (sscanf(l->text + 6, "%127s %127s", drv, dev) != 2)
		return -1;
	fill_hdr(c, l, &r.hdr, TRACE_REC_IO_PAGE_FAULT, sizeof(r), "iommu:io_page_fault");
	r.hdr.flags = 0;
	r.addr = iova;
	r.driver_id = trace_writer__intern(c->w, drv);
	r.device_id = trace_writer__intern(c->w, dev);
	r.flags = (uint32_t)flags;
	r.pasid = TRACE_NO_PASID;
	r.source = TRACE_FAULT_TP;
	return trace_writer__append(c->w, &r.hdr);
}

/* intel_iommu:qi_submit "%s %s: 0x%llx 0x%llx 0x%llx 0x%llx" (type, iommu, qw0..3) */
static int dec_qi(struct ft_ctx *c, const struct ft_line *l)
{
	struct trace_rec_qi_submit r;
	char type[32], iommu[64];
	unsigned long long qw[4];

	if (sscanf(l->text, "%31s %63[^:]: %llx %llx %llx %llx", type, iommu, &qw[0], &qw[1],
		   &qw[2], &qw[3]) != 6)
		return -1;
	fill_hdr(c, l, &r.hdr, TRACE_REC_QI_SUBMIT, sizeof(r), "intel_iommu:qi_submit");
	r.hdr.flags = 0;
	for (int i = 0; i < 4; i++)
		r.qw[i] = qw[i];
	r.iommu_id = trace_writer__intern(c->w, iommu);
	trace_qi_decode(&r);
	/* the printed name comes from the same qw0 & 0xf; a mismatch means a bad line */
	if (!trace_qi_type_name(r.type) || strcmp(trace_qi_type_name(r.type), type))
		return -1;
	return trace_writer__append(c->w, &r.hdr);
}

/* intel_iommu:prq_report (6.1) "%s/%s seq# %ld: rid=0x%llx addr=0x%llx %c%c%c%c%c
 * pasid=0x%llx index=0x%llx" where addr is the page number (bits 63:12). */
static int dec_prq(struct ft_ctx *c, const struct ft_line *l)
{
	struct trace_rec_page_req r;
	char iommu[64], dev[64], flags[8];
	uint64_t rid, pfn, pasid, index;
	const char *p = strstr(l->text, "addr=");

	if (sscanf(l->text, "%63[^/]/%63s", iommu, dev) != 2 || !p ||
	    kv_u64(l->text, "rid=", 16, &rid) || kv_u64(l->text, "addr=", 16, &pfn) ||
	    kv_u64(l->text, "pasid=", 16, &pasid) || kv_u64(l->text, "index=", 16, &index))
		return -1;
	p = strchr(p, ' ');
	if (!p || sscanf(p, " %5s", flags) != 1 || strlen(flags) != 5)
		return -1;
	fill_hdr(c, l, &r.hdr, TRACE_REC_PAGE_REQ, sizeof(r), "intel_iommu:prq_report");
	r.iommu_id = trace_writer__intern(c->w, iommu);
	r.device_id = trace_writer__intern(c->w, dev);
	r.sid = (uint32_t)rid;
	r.addr = redact__addr_any(c->rd, pfn << 12);
	r.pasid = (uint32_t)pasid;
	r.grpid = (uint16_t)index;
	r.rw = (uint8_t)((flags[0] == 'r') | (flags[1] == 'w') << 1 | (flags[2] == 'x') << 2 |
			 (flags[3] == 'p') << 3);
	r.last = flags[4] == 'l';
	/* rebuild the raw descriptor dwords from what the text shows */
	r.dw[0] = (uint32_t)(rid << 16) | (1u << 8);
	r.dw[1] = (uint32_t)(pasid & 0xfffff) | (uint32_t)(flags[2] == 'x') << 20 |
		  (uint32_t)(flags[3] == 'p') << 21;
	r.dw[2] = (uint32_t)((pfn << 12) & 0xfffff000u) | (uint32_t)(index << 3) |
		  (uint32_t)r.last << 2 | (r.rw & TRACE_PRQ_RW);
	r.dw[3] = (uint32_t)((pfn << 12) >> 32);
	return trace_writer__append(c->w, &r.hdr);
}

static uint8_t parse_dir(const char *text)
{
	const char *d = strstr(text, "dir=");

	if (!d)
		return 3;
	d += 4;
	if (!strncmp(d, "BIDIRECTIONAL", 13))
		return 0;
	if (!strncmp(d, "TO_DEVICE", 9))
		return 1;
	if (!strncmp(d, "FROM_DEVICE", 11))
		return 2;
	return 3;
}

/* "attrs=NO_WARN|SKIP_CPU_SYNC" back into DMA_ATTR_* bits (include/linux/dma-mapping.h;
 * names as decode_dma_attrs() in include/trace/events/dma.h prints them). */
static uint64_t parse_attrs(const char *text)
{
	static const struct {
		const char *name;
		uint64_t bit;
	} attrs[] = {
	    {"WEAK_ORDERING", 1UL << 1},     {"WRITE_COMBINE", 1UL << 2},
	    {"NO_KERNEL_MAPPING", 1UL << 4}, {"SKIP_CPU_SYNC", 1UL << 5},
	    {"FORCE_CONTIGUOUS", 1UL << 6},  {"ALLOC_SINGLE_PAGES", 1UL << 7},
	    {"NO_WARN", 1UL << 8},	     {"PRIVILEGED", 1UL << 9},
	};
	const char *p = strstr(text, "attrs=");
	uint64_t v = 0;

	if (!p)
		return 0;
	p += 6;
	while (*p && *p != ' ') {
		size_t len = strcspn(p, "| ");

		for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
			if (len == strlen(attrs[i].name) && !strncmp(p, attrs[i].name, len))
				v |= attrs[i].bit;
		if (!strncmp(p, "0x", 2)) /* bits without a name print as hex */
			v |= strtoull(p, NULL, 16);
		p += len;
		if (*p == '|')
			p++;
	}
	return v;
}

/* @has_phys: the event carries a physical address (@phys, which may be 0) */
static int emit_dma(struct ft_ctx *c, const struct ft_line *l, const char *event, uint16_t op,
		    bool has_phys, uint64_t phys, uint64_t dma_addr, uint64_t size)
{
	struct trace_rec_dma r;
	char dev[128];

	fill_hdr(c, l, &r.hdr, TRACE_REC_DMA, sizeof(r), event);
	r.device_id = trace_writer__intern(c->w, first_word(l->text, dev, sizeof(dev)));
	r.op = op;
	r.dir = parse_dir(l->text);
	r.phys = has_phys ? redact__addr_any(c->rd, phys) : 0;
	if (!has_phys) /* nothing hashed in it: the address fields are IOVAs */
		r.hdr.flags &= (uint16_t)~TRACE_RF_ADDR_HASHED;
	r.dma_addr = dma_addr;
	r.size_bytes = size;
	r.attrs = parse_attrs(l->text);
	return trace_writer__append(c->w, &r.hdr);
}

#define FT_SG_MAX 4096 /* scatterlist entries decoded per event; more: kept generic */

/* Parse "{0x1, 0x2}" after @key into at most @max values. Returns the count or -1. */
static int parse_array(const char *text, const char *key, uint64_t *v, int max)
{
	const char *p = strstr(text, key);
	char *end;
	int n = 0;

	if (!p || p[strlen(key)] != '{')
		return -1;
	p += strlen(key) + 1;
	while (*p && *p != '}') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '}')
			break;
		if (n == max)
			return -1;
		v[n++] = strtoull(p, &end, 0);
		if (end == p)
			return -1;
		p = end;
	}
	return *p == '}' ? n : -1;
}

/* dma:* (include/trace/events/dma.h, Linux 6.12+; _phys names from 6.18):
 *  map_page/map_phys/map_resource "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s"
 *  unmap_*                        "%s dir=%s dma_addr=%llx size=%zu attrs=%s"
 *  alloc/free                     "%s dir=%s dma_addr=%llx size=%zu virt_addr=%p ..."
 *  sync_single_for_*              "%s dir=%s dma_addr=%llx size=%zu"
 *  map_sg "%s dir=%s dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s"; unmap_sg "... phys_addrs=%s"
 *  sync_sg_for_* "%s dir=%s dma_addrs=%s sizes=%s" */
static int dec_dma_sg(struct ft_ctx *c, const struct ft_line *l, const char *event, uint16_t op)
{
	uint64_t *a = calloc(3 * FT_SG_MAX, sizeof(*a)), *s = a + FT_SG_MAX, *ph = s + FT_SG_MAX;
	int na, ns, np, cnt, err = 0;

	if (!a)
		return -ENOMEM;
	na = parse_array(l->text, "dma_addrs=", a, FT_SG_MAX);
	ns = parse_array(l->text, "sizes=", s, FT_SG_MAX);
	np = parse_array(l->text, "phys_addrs=", ph, FT_SG_MAX);
	cnt = na >= 0 ? na : np;
	if (cnt < 0 || (na >= 0 && ns >= 0 && ns != na))
		err = -1;
	for (int i = 0; !err && i < cnt; i++)
		err = emit_dma(c, l, event, op, np > i, np > i ? ph[i] : 0, na > i ? a[i] : 0,
			       ns > i ? s[i] : 0);
	free(a);
	return err;
}

/* @op: the probe table's op of the event; @sg: a scatterlist event (SVT_K_DMA_SG). */
static int dec_dma(struct ft_ctx *c, const struct ft_line *l, const char *event, uint16_t op,
		   bool sg)
{
	uint64_t dma_addr = 0, size = 0, phys = 0;
	bool has_phys;

	if (sg)
		return dec_dma_sg(c, l, event, op);
	if (kv_u64(l->text, "dma_addr=", 16, &dma_addr) || kv_u64(l->text, "size=", 10, &size))
		return -1;
	has_phys = !kv_u64(l->text, "phys_addr=", 16, &phys);
	return emit_dma(c, l, event, op, has_phys, phys, dma_addr, size);
}

/* intel_iommu:cache_tag_* (drivers/iommu/intel/trace.h, 6.10+), two forms:
 *  assign/unassign "%s/%s type %s did %d pasid %d ref %d"
 *  flush_*         "%s %s[%d] type %s did %d [0x%lx-0x%lx] addr 0x%lx pages 0x%lx mask 0x%lx"
 *                  (iommu, device[pasid]; as printed by 6.12)
 * The type is printed by name; the record keeps the kernel's number
 * (enum cache_tag_type), as the collector and the trace.dat importer do. */
static int cache_tag_type(const char *name, uint32_t *type)
{
	static const char *const names[] = {"iotlb", "devtlb", "nesting_iotlb", "nesting_devtlb"};

	for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*type = i;
			return 0;
		}
	return -1;
}

static int dec_cache_tag(struct ft_ctx *c, const struct ft_line *l, const char *event, uint32_t op)
{
	struct trace_rec_cache_tag r;
	char iommu[64], dev[64], type[32];
	int did, pasid;
	unsigned long long start = 0, end = 0;
	const char *rng;

	if (sscanf(l->text, "%63[^/ ]/%63s type %31s did %d pasid %d", iommu, dev, type, &did,
		   &pasid) != 5 &&
	    sscanf(l->text, "%63s %63[^[ ][%d] type %31s did %d", iommu, dev, &pasid, type, &did) !=
		5)
		return -1;
	rng = strstr(l->text, "[0x"); /* the range; "dev[pasid]" is decimal */
	if (rng && sscanf(rng, "[%llx-%llx]", &start, &end) != 2)
		return -1;
	fill_hdr(c, l, &r.hdr, TRACE_REC_CACHE_TAG, sizeof(r), event);
	r.hdr.flags = 0;
	if (cache_tag_type(type, &r.tag_type))
		return -1;
	r.iommu_id = trace_writer__intern(c->w, iommu);
	r.device_id = trace_writer__intern(c->w, dev);
	r.domain_id = (uint32_t)did;
	r.pasid = (uint32_t)pasid;
	r.op = op;
	r.start = start;
	r.end = end;
	return trace_writer__append(c->w, &r.hdr);
}

/*
 * Decode one event line of probe @d (NULL: not in the probe table). 0 =
 * typed record written, 1 = not a decoded kind, <0 malformed.
 */
static int decode(struct ft_ctx *c, const struct ft_line *l, const struct probe_def *d,
		  const char *event)
{
	const char *n = l->event;

	if (!d) { /* events of known families the table does not record */
		if (!strcmp(n, "detach_device_from_domain"))
			return dec_group(c, l, TRACE_GROUP_DETACH, event);
		if (!strncmp(n, "dma_alloc", 9))
			return dec_dma(c, l, event, TRACE_DMA_ALLOC, false);
		if (!strncmp(n, "dma_free", 8))
			return dec_dma(c, l, event, TRACE_DMA_FREE, false);
		return 1;
	}
	switch (d->kind) {
	case SVT_K_IOMMU_MAP:
		return dec_map(c, l);
	case SVT_K_IOMMU_UNMAP:
		return dec_unmap(c, l);
	case SVT_K_IOMMU_GROUP:
		return dec_group(c, l, d->op, event);
	case SVT_K_IOMMU_FAULT:
		return dec_fault(c, l);
	case SVT_K_QI_SUBMIT:
		return dec_qi(c, l);
	case SVT_K_PRQ:
		return dec_prq(c, l);
	case SVT_K_CACHE_TAG:
		return dec_cache_tag(c, l, event, d->op);
	case SVT_K_DMA:
	case SVT_K_DMA_SG:
		return dec_dma(c, l, event, d->op, d->kind == SVT_K_DMA_SG);
	default:
		return 1;
	}
}

static int emit_generic(struct ft_ctx *c, const struct ft_line *l, const char *event)
{
	struct trace_rec h;

	fill_hdr(c, l, &h, TRACE_REC_GENERIC, sizeof(h), event);
	h.flags = 0;
	return trace_writer__append_generic(c->w, &h, l->text);
}

static int handle_line(struct ft_ctx *c, char *line)
{
	const struct probe_def *d;
	struct ft_line l;
	char event[160], saved[FT_QUOTE_BYTES + 8];
	unsigned int cpu;
	unsigned long long lost;
	uint64_t before;
	int rc;

	line[strcspn(line, "\r\n")] = '\0';
	snprintf(saved, sizeof(saved), "%s", line); /* split_line() cuts @line up */
	if (line[0] == '#' || line[strspn(line, " \t")] == '\0' || !strncmp(line, "#####", 5)) {
		c->st->nr_skipped++;
		return 0;
	}
	rc = lost_line(c, line, &cpu, &lost);
	if (rc == 0) {
		c->st->nr_skipped++;
		return trace_writer__add_lost(c->w, cpu, "ftrace", lost);
	}
	if (rc < -1)
		return rc;
	memset(&l, 0, sizeof(l));
	rc = split_line(line, &l);
	if (rc == -3) {
		svt_err("%s:%llu: %s out of range (%s): '%.80s'", c->path,
			(unsigned long long)c->lineno, l.range,
			!strcmp(l.range, "CPU")	  ? "the trace format holds CPUs 0-65535"
			: !strcmp(l.range, "PID") ? "task ids are 32 bits"
						  : "beyond 2^64 ns, about 584 years",
			saved);
		return -EBADMSG;
	}
	if (rc)
		return unparsed_line(c, saved, rc == -2);
	d = probe_def_by_event(NULL, l.event);
	if (d)
		snprintf(event, sizeof(event), "%s", d->name);
	else
		event_sys__name(c->es, l.event, event, sizeof(event));
	before = trace_writer__nr_records(c->w);
	rc = decode(c, &l, d, event);
	if (rc == 0) { /* a scatterlist line gives one record per entry */
		c->st->nr_records += trace_writer__nr_records(c->w) - before;
		return 0;
	}
	if (rc < 0 && trace_writer__error(c->w))
		return trace_writer__error(c->w);
	if (rc < 0) {
		svt_debug("%s:%llu: could not decode '%s', kept as generic", c->path,
			  (unsigned long long)c->lineno, event);
		c->st->nr_bad++;
	}
	rc = emit_generic(c, &l, event);
	if (!rc) {
		c->st->nr_records++;
		c->st->nr_generic++;
	}
	return rc;
}

static int ftrace_text_run(const char *in_path, const struct import_opts *opts,
			   struct import_stats *st, struct trace_writer *w)
{
	struct ft_ctx c = {.w = w, .st = st, .path = in_path, .lenient = opts->lenient};
	char *line = malloc(LINE_MAX_BYTES), events_dir[4096];
	gzFile in = NULL;
	int err = 0;

	if (!line)
		return -ENOMEM;
	/* read on the capturing host itself: its tracefs names every event */
	c.es = event_sys__new(event_sys_tracefs_events_dir(in_path, events_dir, sizeof(events_dir))
				  ? NULL
				  : events_dir);
	c.rd = redact__new_key(opts->keep_addrs, opts->hash_key);
	if (!c.rd || !c.es) {
		err = -ENOMEM;
		goto out;
	}
	if (opts->event_list) {
		char msg[600];

		err = event_sys__load_list(c.es, opts->event_list, msg, sizeof(msg));
		if (err) {
			svt_err("%s", msg);
			goto out;
		}
	}
	in = gzopen(in_path, "rb");
	if (!in) {
		err = errno ? -errno : -EIO;
		svt_err("%s: %s", in_path, strerror(-err));
		goto out;
	}
	gzbuffer(in, 1 << 20);
	while (gzgets(in, line, LINE_MAX_BYTES)) {
		size_t len = strlen(line);

		c.lineno++;
		st->nr_lines++;
		if (len == LINE_MAX_BYTES - 1 && line[len - 1] != '\n') {
			int ch;

			svt_warn("%s:%llu: line longer than %d bytes, truncated", in_path,
				 (unsigned long long)c.lineno, LINE_MAX_BYTES);
			while ((ch = gzgetc(in)) >= 0 && ch != '\n')
				;
		} else if (len < LINE_MAX_BYTES - 1 && (!len || line[len - 1] != '\n') &&
			   !gzeof(in)) {
			/*
			 * gzgets() stops only at a newline, a full buffer or
			 * the end: a line that ended early held a NUL byte.
			 */
			char at[FT_QUOTE_BYTES];

			snprintf(at, sizeof(at), "%s%s\\x00... (a NUL byte at column %zu)",
				 len > 40 ? "..." : "", line + (len > 40 ? len - 40 : 0), len + 1);
			err = unparsed_line(&c, at, false);
			if (err)
				goto out;
			continue;
		}
		err = handle_line(&c, line);
		if (err == -EBADMSG)
			goto out; /* said */
		if (err) {
			svt_err("%s:%llu: writing the trace failed: %s", in_path,
				(unsigned long long)c.lineno, trace_strerror(err));
			goto out;
		}
	}
	{
		/*
		 * Checked even at EOF: zlib reports a truncated or corrupt
		 * stream as end of input with Z_BUF_ERROR / Z_DATA_ERROR set,
		 * so gzeof() alone would import half a file with exit 0.
		 */
		int zerr = Z_OK;
		const char *msg = gzerror(in, &zerr);
		size_t plen = strlen(in_path);

		/* zlib prefixes its message with the path; we print it once */
		if (!strncmp(msg, in_path, plen) && !strncmp(msg + plen, ": ", 2))
			msg += plen + 2;
		if (zerr != Z_OK && zerr != Z_STREAM_END) {
			err = -EIO;
			svt_err("%s: read error after line %llu: %s%s", in_path,
				(unsigned long long)c.lineno, msg,
				zerr == Z_BUF_ERROR ? " (compressed stream truncated)" : "");
		} else if (!gzeof(in)) {
			err = -EIO;
			svt_err("%s: read error after line %llu: %s", in_path,
				(unsigned long long)c.lineno, msg);
		}
	}
	if (c.first_bad_line)
		snprintf(st->why, sizeof(st->why),
			 "%llu lines are not ftrace event lines, the first (line %llu): '%s'%s",
			 (unsigned long long)st->nr_unparsed, (unsigned long long)c.first_bad_line,
			 c.first_bad, c.perf_hint ? " (`perf script` output?)" : "");
	else if (!st->nr_records)
		snprintf(st->why, sizeof(st->why), "no event lines (%llu comments or blank)",
			 (unsigned long long)st->nr_skipped);
out:
	if (in)
		gzclose(in);
	event_sys__free(c.es);
	redact__free(c.rd);
	free(line);
	return err;
}

const struct importer importer_ftrace_text = {
    .name = "ftrace-text",
    .summary = "text of tracefs's 'trace' file (optionally .gz)",
    .clock = TRACE_CLOCK_UNKNOWN,
    .host_json = NULL,
    .run = ftrace_text_run,
};
