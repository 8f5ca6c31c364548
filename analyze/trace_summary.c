// SPDX-License-Identifier: GPL-2.0
/*
 * trace_summary.c - a trace's `collect --summary` records gathered for the
 * report (see trace_summary.h). One pass over the file: each record is
 * parsed with the collector's own parser (summary_row_parse()) and added to
 * its counter's totals and to its interval's per-probe events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/trace_summary.h"
#include "trace/trace.h"

const char *tsum_unit(const char *probe)
{
	if (!strcmp(probe, "iommu:map") || !strcmp(probe, "iommu:unmap") ||
	    !strncmp(probe, "dma:", 4))
		return "bytes";
	if (strstr(probe, "qi_submit_sync") || strstr(probe, "enqcmds") ||
	    summary_is_service(probe))
		return "ns";
	if (strstr(probe, "pin_user_pages"))
		return "pages";
	return NULL;
}

static int add_row(struct tsum *t, const struct summary_row *row, uint64_t ts_ns)
{
	size_t i, p;

	for (i = 0; i < t->nc; i++)
		if (!strcmp(t->c[i].probe, row->probe) && t->c[i].cls == row->cls &&
		    !strcmp(t->c[i].name, row->name))
			break;
	if (i == t->nc) {
		struct summary_row *c = realloc(t->c, (t->nc + 1) * sizeof(*c));

		if (!c)
			return -ENOMEM;
		t->c = c;
		t->c[t->nc] = *row;
		memset(t->c[t->nc].hist, 0, sizeof(t->c[t->nc].hist));
		t->c[t->nc].nr = t->c[t->nc].sum = 0;
		t->nc++;
	}
	t->c[i].nr += row->nr;
	t->c[i].sum += row->sum;
	for (size_t b = 0; b < SVT_SUM_BUCKETS; b++)
		t->c[i].hist[b] += row->hist[b];
	/* the interval: records of one tick share its timestamp (file order is time order) */
	if (!t->ni || t->iv[t->ni - 1].ts_ns != ts_ns) {
		struct tsum_interval *iv = realloc(t->iv, (t->ni + 1) * sizeof(*iv));

		if (!iv)
			return -ENOMEM;
		t->iv = iv;
		memset(&t->iv[t->ni], 0, sizeof(t->iv[t->ni]));
		t->iv[t->ni].ts_ns = ts_ns;
		t->iv[t->ni].interval_ns = row->interval_ns;
		t->ni++;
	}
	for (p = 0; p < t->np; p++)
		if (!strcmp(t->probe[p], row->probe))
			break;
	if (p == t->np && t->np < TSUM_PROBES)
		memcpy(t->probe[t->np++], row->probe, sizeof(t->probe[0]));
	if (p < t->np)
		t->iv[t->ni - 1].nr[p] += row->nr;
	return 0;
}

int tsum_read(const char *path, struct tsum *out)
{
	const struct trace_rec *rec;
	struct trace_reader *r;
	int err = 0, rc;

	memset(out, 0, sizeof(*out));
	r = trace_reader__open(path, &err);
	if (!r)
		return err ? err : -EIO;
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		struct summary_row row;

		if (rec->kind != TRACE_REC_GENERIC ||
		    strcmp(trace_reader__event_name(r, rec), SUMMARY_EVENT)) {
			/* a marker cut is part of the summary, not other data */
			if (rec->kind != TRACE_REC_GENERIC ||
			    strcmp(trace_reader__event_name(r, rec), SUMMARY_CUT_EVENT))
				out->nr_other++;
			continue;
		}
		if (summary_row_parse(trace_reader__generic_text(rec), &row)) {
			rc = -EINVAL;
			break;
		}
		out->nr_records++;
		rc = add_row(out, &row, rec->ts_ns);
		if (rc)
			break;
	}
	trace_reader__close(r);
	if (rc < 0) {
		tsum_clear(out);
		return rc;
	}
	return 0;
}

void tsum_clear(struct tsum *t)
{
	free(t->c);
	free(t->iv);
	memset(t, 0, sizeof(*t));
}
