// SPDX-License-Identifier: GPL-2.0
/*
 * import_access_csv.c - import device address streams from simulators and
 * emulators: CSV lines "time_ns,device,pasid,iova,size,dir" after one header
 * line, one DEV_ACCESS record per line. Numbers are decimal or 0x-hex;
 * pasid may be empty or "-" (none); dir is r/read/0 or w/write/1. Times need
 * not be sorted (replay reorders within its window). Blank lines and lines
 * starting with '#' are skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collect/import/import.h"
#include "common/log.h"

#define NR_FIELDS 6

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int parse_num(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int parse_line(char *line, char **f)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *c = strchr(p, ',');

		if (n == NR_FIELDS)
			return -1;
		f[n++] = p;
		if (!c)
			break;
		*c = 0;
		p = c + 1;
	}
	for (int i = 0; i < n; i++)
		f[i] = trim(f[i]);
	return n == NR_FIELDS ? 0 : -1;
}

static int access_csv_run(const char *in_path, const struct import_opts *opts,
			  struct import_stats *st, struct trace_writer *w)
{
	FILE *in = strcmp(in_path, "-") ? fopen(in_path, "r") : stdin;
	char *line = NULL, *f[NR_FIELDS];
	size_t cap = 0;
	ssize_t len;
	bool header = false;
	int rc = 0;

	if (!in) {
		rc = -errno;
		svt_err("%s: %s", in_path, strerror(errno));
		return rc;
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		struct trace_rec_dev_access r = {0};
		uint64_t ts, iova, size, pasid = TRACE_NO_PASID;
		const char *bad;
		char *l;

		st->nr_lines++;
		if (memchr(line, 0, (size_t)len)) {
			/* a C string would end there and drop the rest of the line silently */
			svt_err("%s:%llu: a NUL byte at column %zu", in_path,
				(unsigned long long)st->nr_lines,
				(size_t)((char *)memchr(line, 0, (size_t)len) - line) + 1);
			rc = -EINVAL;
			break;
		}
		l = trim(line);
		if (!*l || *l == '#') {
			st->nr_skipped++;
			continue;
		}
		if (!header) {
			/* the header names the columns; accept it only if it looks like ours */
			header = true;
			if (strncasecmp(l, "time_ns", 7)) {
				svt_err("%s:%llu: expected the header "
					"'time_ns,device,pasid,iova,size,dir'",
					in_path, (unsigned long long)st->nr_lines);
				rc = -EINVAL;
				break;
			}
			st->nr_skipped++;
			continue;
		}
		if (parse_line(l, f)) {
			svt_err("%s:%llu: want 6 fields 'time_ns,device,pasid,iova,size,dir'",
				in_path, (unsigned long long)st->nr_lines);
			rc = -EINVAL;
			break;
		}
		bad = parse_num(f[0], &ts) ? "time_ns is not a number below 2^64"
		      : !*f[1]		   ? "device is empty"
		      : (*f[2] && strcmp(f[2], "-") && (parse_num(f[2], &pasid) || pasid > 0xfffff))
			  ? "pasid is not a number below 2^20, empty or '-'"
		      : parse_num(f[3], &iova) ? "iova is not a number below 2^64"
		      : parse_num(f[4], &size) || !size || size > UINT32_MAX
			  ? "size is not a number in 1..2^32-1"
			  : NULL;
		if (bad) {
			svt_err("%s:%llu: %s (want 'time_ns,device,pasid,iova,size,dir')", in_path,
				(unsigned long long)st->nr_lines, bad);
			rc = -EINVAL;
			break;
		}
		if (iova + size - 1 < iova) {
			/* the range would wrap to page 0 and count as one page */
			svt_err("%s:%llu: iova 0x%llx + size %llu crosses 2^64", in_path,
				(unsigned long long)st->nr_lines, (unsigned long long)iova,
				(unsigned long long)size);
			rc = -EINVAL;
			break;
		}
		if (!strcasecmp(f[5], "r") || !strcasecmp(f[5], "read") || !strcmp(f[5], "0")) {
			r.dir = TRACE_DIR_READ;
		} else if (!strcasecmp(f[5], "w") || !strcasecmp(f[5], "write") ||
			   !strcmp(f[5], "1")) {
			r.dir = TRACE_DIR_WRITE;
		} else {
			svt_err("%s:%llu: dir '%s' is not r/read/0 or w/write/1", in_path,
				(unsigned long long)st->nr_lines, f[5]);
			rc = -EINVAL;
			break;
		}
		r.hdr.ts_ns = ts;
		r.hdr.kind = TRACE_REC_DEV_ACCESS;
		r.hdr.size_bytes = sizeof(r);
		r.iova = iova;
		r.size_bytes = (uint32_t)size;
		r.device_id = trace_writer__intern(w, f[1]);
		r.pasid = (uint32_t)pasid;
		rc = trace_writer__append(w, &r.hdr);
		if (rc) {
			svt_err("%s:%llu: writing the record: %s", in_path,
				(unsigned long long)st->nr_lines, trace_strerror(rc));
			break;
		}
		st->nr_records++;
	}
	if (!rc && ferror(in)) {
		rc = -EIO;
		svt_err("%s: read error", in_path);
	}
	if (!rc && !header) {
		svt_err("%s: empty: no header line", in_path);
		rc = -EINVAL;
	}
	if (!rc && !st->nr_records)
		snprintf(st->why, sizeof(st->why), "a header line and no access lines");
	free(line);
	if (in != stdin)
		fclose(in);
	return rc;
}

const struct importer importer_access_csv = {
    .name = "access-csv",
    .summary = "device address streams: CSV time_ns,device,pasid,iova,size,dir (header line)",
    .clock = TRACE_CLOCK_SYNTHETIC,
    .host_json = NULL,
    .run = access_csv_run,
};
