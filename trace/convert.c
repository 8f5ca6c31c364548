// SPDX-License-Identifier: GPL-2.0
/*
 * convert.c - rewrite a trace file in another format version (v1 <-> v2):
 * the same header clock and flags, meta JSON, strings (same ids), records in
 * order and lost counters (summed, written at the end). A damaged input is
 * converted up to its good prefix and the reader's error is returned.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace/trace.h"

struct lost_copy {
	struct trace_writer *w;	      /* output */
	const struct trace_reader *r; /* input, for probe names */
};

static void copy_lost(uint32_t cpu, const char *probe, uint64_t nr, void *ctx)
{
	struct lost_copy *lc = ctx;

	trace_writer__add_lost(lc->w, cpu, probe, nr);
}

/* Intern every string the reader knows from @next on, keeping their ids. */
static int copy_strings(struct trace_reader *r, struct trace_writer *w, uint32_t *next)
{
	const char *s;

	while ((s = trace_reader__string(r, *next))) {
		if (trace_writer__intern(w, s) != *next)
			return -EINVAL; /* ids not dense from 1: cannot keep them */
		(*next)++;
	}
	return 0;
}

int trace_convert(const char *in, const char *out, unsigned int version_major, char *err,
		  size_t err_bytes, uint64_t *nr_records)
{
	const struct trace_file_hdr *fh;
	const struct trace_rec *rec;
	struct trace_writer *w;
	struct trace_reader *r;
	struct lost_copy lc;
	uint32_t next_id = 1;
	int rc, oerr, werr;

	*nr_records = 0;
	if (err_bytes)
		*err = '\0';
	r = trace_reader__open(in, &oerr);
	if (!r) {
		snprintf(err, err_bytes, "%s", trace_open_errmsg());
		return oerr;
	}
	fh = trace_reader__file_hdr(r);
	w = trace_writer__open_fmt(out, fh->clock, fh->flags, trace_reader__meta_json(r),
				   version_major);
	if (!w) {
		rc = -errno;
		snprintf(err, err_bytes, "%s: %s", out, strerror(errno));
		trace_reader__close(r);
		return rc;
	}
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		if (copy_strings(r, w, &next_id)) {
			snprintf(err, err_bytes,
				 "%s: string ids are not 1, 2, 3...; cannot convert", in);
			rc = -EINVAL;
			break;
		}
		if ((rc = trace_writer__append(w, rec))) {
			snprintf(err, err_bytes, "%s: record %llu: %s", out,
				 (unsigned long long)*nr_records, trace_strerror(rc));
			break;
		}
		(*nr_records)++;
	}
	if (rc < 0 && rc != -EINVAL && !*err)
		snprintf(err, err_bytes, "%s", trace_reader__errmsg(r));
	if (copy_strings(r, w, &next_id) && !rc) {
		snprintf(err, err_bytes, "%s: string ids are not 1, 2, 3...; cannot convert", in);
		rc = -EINVAL;
	}
	lc.w = w;
	lc.r = r;
	trace_reader__lost_foreach(r, copy_lost, &lc);
	werr = trace_writer__close(w);
	if (werr && rc >= 0) {
		snprintf(err, err_bytes, "%s: %s", out, trace_strerror(werr));
		rc = werr;
	}
	trace_reader__close(r);
	return rc < 0 ? rc : 0;
}
