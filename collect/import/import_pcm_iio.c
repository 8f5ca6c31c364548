// SPDX-License-Identifier: GPL-2.0
/*
 * import_pcm_iio.c - `svatrace import --from pcm-iio`: the CSV that Intel
 * PCM's pcm-iio writes with -csv[=FILE], for hosts where PCM is how the
 * IIO stacks' IOMMU counters are read.
 *
 * The layout, from PCM's source (src/pcm-iio-pmu.cpp PcmIioCsvBuilder,
 * src/utils.h printDateForCSV, src/utils.cpp load of the opCode-F-M.txt
 * event files):
 *   header  Date,Time,Socket[,Root Port],Name,Part,<counter>,<counter>...
 *           (repeated every interval), counters in the order their hname
 *           first appears in the event file, e.g. for Ice Lake / Sapphire
 *           Rapids servers: IB write, IB read, OB read, OB write,
 *           IOTLB Lookup, IOTLB Miss, Ctxt Cache Hit, 512G Cache Hit,
 *           1G Cache Hit, 2M Cache Hit, 4K Cache Hit, IOMMU Mem Access
 *           (Skylake-SP: IOTLB Hit, IOTLB Miss, VT-d CTXT Miss, VT-d L1/L2/L3
 *           Miss, VT-d Mem Read);
 *   rows    YYYY-MM-DD,HH:MM:SS.mmm,SocketN[,BDF],<stack name>,<part name>,
 *           <value>... one row per part of each stack. The IOMMU counters
 *           (vname "Total" in the event file) share the first part's row
 *           (v_id 0), so that row has every column and the later parts'
 *           rows only the per-part bandwidth columns.
 * A value is the count over the sample scaled to events (or bytes) per
 * second (PcmIioDataCollector::getSample: raw * multiplier * 1000 / ms).
 * Non-"human-readable" output only: -human-readable rounds to "1.2 M".
 *
 * Each non-empty value becomes one record "pcm_iio:COUNTER" (the column
 * name in lower case, non-alphanumerics as '_': iotlb_lookup, iotlb_miss,
 * ctxt_cache_hit, 4k_cache_hit, ib_write...) at the row's time, with the
 * text "socket=N stack=NAME part=NAME per_s=VALUE". The trace format has
 * no counter record kind yet; these generic records carry the samples
 * until it has one. The time is the row's wall-clock date and time (the
 * measuring host's local time, read as UTC: the file does not say its
 * zone), so the trace's clock is "unknown". The delimiter is the
 * character after "Date" (pcm-iio -csv-delimiter).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/import/import.h"
#include "common/log.h"

#define PI_MAX_COLS 64 /* columns of a header (pcm-iio writes 17 at most today) */

struct pi_ctx {
	const char *path;		/* input, for messages */
	struct trace_writer *w;		/* output */
	struct import_stats *st;	/* counters */
	char delim;			/* field separator */
	char *cols[PI_MAX_COLS];	/* header names (owned) */
	unsigned int nr_cols;		/* entries of cols */
	unsigned int first_value;	/* index of the first counter column */
	unsigned int name_col;		/* index of Name (the stack) */
	unsigned int part_col;		/* index of Part */
	uint32_t event_id[PI_MAX_COLS]; /* "pcm_iio:COUNTER" string ids */
};

/* Split @line at @delim into at most PI_MAX_COLS fields; returns the count. */
static unsigned int split(char *line, char delim, char **f)
{
	unsigned int n = 0;
	char *p = line;

	for (;;) {
		char *d = strchr(p, delim);

		if (n == PI_MAX_COLS)
			return n + 1; /* too many */
		f[n++] = p;
		if (!d)
			break;
		*d = 0;
		p = d + 1;
	}
	return n;
}

static void pi_free_header(struct pi_ctx *c)
{
	for (unsigned int i = 0; i < c->nr_cols; i++)
		free(c->cols[i]);
	c->nr_cols = 0;
}

/* "IOTLB Lookup" -> "pcm_iio:iotlb_lookup" */
static void counter_event(const char *col, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "pcm_iio:");
	bool sep = false;

	for (const char *p = col; *p && o + 2 < len; p++) {
		if (isalnum((unsigned char)*p)) {
			if (sep && buf[o - 1] != ':')
				buf[o++] = '_';
			buf[o++] = (char)tolower((unsigned char)*p);
			sep = false;
		} else {
			sep = true;
		}
	}
	buf[o] = 0;
}

/* A header line: remember its columns (a repeat must match). 0 or -EINVAL (said). */
static int header(struct pi_ctx *c, char *line, uint64_t lineno)
{
	char *f[PI_MAX_COLS + 1];
	unsigned int n = split(line, c->delim, f), i = 2;

	if (n > PI_MAX_COLS) {
		svt_err("%s:%llu: more than %d columns", c->path, (unsigned long long)lineno,
			PI_MAX_COLS);
		return -EINVAL;
	}
	if (c->nr_cols) { /* pcm-iio repeats its header every interval */
		bool same = n == c->nr_cols;

		for (unsigned int k = 0; same && k < n; k++)
			same = !strcmp(f[k], c->cols[k]);
		if (same)
			return 0;
		svt_err("%s:%llu: a header with other columns than line 1's", c->path,
			(unsigned long long)lineno);
		return -EINVAL;
	}
	if (n < 3 || strcmp(f[0], "Date") || strcmp(f[1], "Time") || strcmp(f[2], "Socket"))
		goto bad;
	i = 3;
	if (n > i && !strcmp(f[i], "Root Port"))
		i++;
	if (n < i + 3 || strcmp(f[i], "Name") || strcmp(f[i + 1], "Part"))
		goto bad;
	c->name_col = i;
	c->part_col = i + 1;
	c->first_value = i + 2;
	for (unsigned int k = 0; k < n; k++) {
		char ev[128];

		c->cols[k] = strdup(f[k]);
		if (!c->cols[k])
			return -ENOMEM;
		c->nr_cols = k + 1;
		if (k >= c->first_value) {
			if (!*f[k]) {
				svt_err("%s:%llu: column %u has no name", c->path,
					(unsigned long long)lineno, k + 1);
				return -EINVAL;
			}
			counter_event(f[k], ev, sizeof(ev));
			c->event_id[k] = trace_writer__intern(c->w, ev);
		}
	}
	return 0;
bad:
	svt_err("%s:%llu: want pcm-iio's CSV header "
		"'Date,Time,Socket,[Root Port,]Name,Part,COUNTER...' (pcm-iio -csv)",
		c->path, (unsigned long long)lineno);
	return -EINVAL;
}

/* "2025-03-01" "12:34:56.789" -> ns since the epoch (read as UTC). */
static int parse_time(const char *date, const char *tm_s, uint64_t *ns)
{
	struct tm tm = {0};
	unsigned int y, mo, d, h, mi, s, ms;
	char end;
	time_t t;

	if (sscanf(date, "%4u-%2u-%2u%c", &y, &mo, &d, &end) != 3 ||
	    sscanf(tm_s, "%2u:%2u:%2u.%3u%c", &h, &mi, &s, &ms, &end) != 4 || y < 1970 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)s;
	t = timegm(&tm);
	if (t < 0)
		return -1;
	*ns = (uint64_t)t * 1000000000ULL + (uint64_t)ms * 1000000ULL;
	return 0;
}

/* A data row: one record per value. 0, or -errno (said). */
static int row(struct pi_ctx *c, char *line, uint64_t lineno)
{
	char *f[PI_MAX_COLS + 1], text[512];
	unsigned int n = split(line, c->delim, f), sock;
	uint64_t ts;
	char end;

	if (!c->nr_cols) {
		svt_err("%s:%llu: a data row before pcm-iio's header line", c->path,
			(unsigned long long)lineno);
		return -EINVAL;
	}
	if (n > c->nr_cols || n <= c->part_col) {
		svt_err("%s:%llu: %u columns, the header has %u", c->path,
			(unsigned long long)lineno, n, c->nr_cols);
		return -EINVAL;
	}
	if (parse_time(f[0], f[1], &ts)) {
		svt_err("%s:%llu: want the date and time as YYYY-MM-DD%cHH:MM:SS.mmm, not "
			"'%.40s%c%.40s'",
			c->path, (unsigned long long)lineno, c->delim, f[0], c->delim, f[1]);
		return -EINVAL;
	}
	if (sscanf(f[2], "Socket%u%c", &sock, &end) != 1 || sock > 65535) {
		svt_err("%s:%llu: want a socket as SocketN, not '%.40s'", c->path,
			(unsigned long long)lineno, f[2]);
		return -EINVAL;
	}
	for (unsigned int k = c->first_value; k < n; k++) {
		struct trace_rec h = {0};
		unsigned long long v;
		char *e;
		int rc;

		if (!*f[k])
			continue;
		errno = 0;
		v = strtoull(f[k], &e, 10);
		if (*e || errno || *f[k] == '-') {
			svt_err("%s:%llu: %s: '%.40s' is not a count below 2^64%s", c->path,
				(unsigned long long)lineno, c->cols[k], f[k],
				*e == ' ' || *e == '.' ? " (pcm-iio -human-readable rounds its "
							 "values: record without it)"
						       : "");
			return -EINVAL;
		}
		snprintf(text, sizeof(text), "socket=%u stack=%s part=%s per_s=%llu", sock,
			 f[c->name_col], f[c->part_col], v);
		h.ts_ns = ts;
		h.cpu = (uint16_t)sock;
		h.event_id = c->event_id[k];
		rc = trace_writer__append_generic(c->w, &h, text);
		if (rc) {
			svt_err("%s:%llu: writing the record: %s", c->path,
				(unsigned long long)lineno, trace_strerror(rc));
			return rc;
		}
		c->st->nr_records++;
		c->st->nr_generic++;
	}
	return 0;
}

static int pcm_iio_run(const char *in_path, const struct import_opts *opts, struct import_stats *st,
		       struct trace_writer *w)
{
	struct pi_ctx c = {.path = in_path, .w = w, .st = st, .delim = ','};
	FILE *in = fopen(in_path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	(void)opts;
	if (!in) {
		rc = -errno;
		svt_err("%s: %s", in_path, strerror(errno));
		return rc;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		st->nr_lines++;
		if (memchr(line, 0, (size_t)len)) {
			svt_err("%s:%llu: a NUL byte at column %zu", in_path,
				(unsigned long long)st->nr_lines,
				(size_t)((char *)memchr(line, 0, (size_t)len) - line) + 1);
			rc = -EINVAL;
			break;
		}
		line[strcspn(line, "\r\n")] = 0;
		if (!*line) {
			st->nr_skipped++;
			continue;
		}
		if (!strncmp(line, "Date", 4) && line[4]) {
			if (!c.nr_cols)
				c.delim = line[4]; /* -csv-delimiter */
			rc = header(&c, line, st->nr_lines);
			st->nr_skipped++;
		} else {
			rc = row(&c, line, st->nr_lines);
		}
		if (rc)
			break;
	}
	if (!rc && ferror(in)) {
		rc = -EIO;
		svt_err("%s: read error", in_path);
	}
	if (!rc && !c.nr_cols)
		snprintf(st->why, sizeof(st->why), "no pcm-iio CSV header line (pcm-iio -csv)");
	else if (!rc && !st->nr_records)
		snprintf(st->why, sizeof(st->why), "headers and no data rows");
	pi_free_header(&c);
	free(line);
	fclose(in);
	return rc;
}

const struct importer importer_pcm_iio = {
    .name = "pcm-iio",
    .summary = "Intel PCM pcm-iio -csv output: IIO stacks' IOTLB/cache counters",
    .clock = TRACE_CLOCK_UNKNOWN, /* wall-clock date and time, zone unknown */
    .run = pcm_iio_run,
};
