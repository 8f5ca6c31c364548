// SPDX-License-Identifier: GPL-2.0
/*
 * counters.c - model vs measured hardware counters (see counters.h). The
 * replay's metrics pass through a capturing sink on their way to the
 * caller's sink; at end_run the rows are computed from what it captured.
 *
 * Event to metric, and why they compare (docs/counters.md):
 *   iotlb_lookup            iotlb.lookups (hits + misses + merged misses)
 *   iotlb_hit               iotlb.hits
 *   lookup - hit            iotlb.misses + iotlb.merged (the hardware counts a
 *                           lookup that joins a walk in flight as a non-hit)
 *   ctxt_cache_lookup/hit   cc.hits + cc.misses / cc.hits
 *   pasid_cache_lookup/hit  pasidc.hits + pasidc.misses / pasidc.hits
 *   ss_ + fs_nonleaf_hit    pwc.l2_hits .. pwc.l5_hits (the model has one
 *                           paging-structure cache for either stage)
 *   pg_req_posted           pri.requests
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "replay/counters.h"
#include "trace/format.h"
#include "trace/trace.h"

static const char *const event_names[COUNTERS_NR_EVENTS_] = {
    [COUNTERS_IOTLB_LOOKUP] = "iotlb_lookup",
    [COUNTERS_IOTLB_HIT] = "iotlb_hit",
    [COUNTERS_CTXT_CACHE_LOOKUP] = "ctxt_cache_lookup",
    [COUNTERS_CTXT_CACHE_HIT] = "ctxt_cache_hit",
    [COUNTERS_PASID_CACHE_LOOKUP] = "pasid_cache_lookup",
    [COUNTERS_PASID_CACHE_HIT] = "pasid_cache_hit",
    [COUNTERS_SS_NONLEAF_HIT] = "ss_nonleaf_hit",
    [COUNTERS_FS_NONLEAF_HIT] = "fs_nonleaf_hit",
    [COUNTERS_PG_REQ_POSTED] = "pg_req_posted",
};

#define NO_EV (-1)

/* A row: measured = sum(plus) - minus; model = sum of the metric keys. */
static const struct row_def {
	const char *name;     /* printed */
	const char *key;      /* metric slug */
	int plus[2];	      /* events added, NO_EV for none */
	int minus;	      /* event subtracted, NO_EV for none */
	const char *model[4]; /* metric keys summed, NULL-terminated */
} row_defs[COUNTERS_NR_ROWS] = {
    {"IOTLB lookups", "iotlb_lookups", {COUNTERS_IOTLB_LOOKUP, NO_EV}, NO_EV, {"iotlb.lookups"}},
    {"IOTLB hits", "iotlb_hits", {COUNTERS_IOTLB_HIT, NO_EV}, NO_EV, {"iotlb.hits"}},
    {"IOTLB misses",
     "iotlb_misses",
     {COUNTERS_IOTLB_LOOKUP, NO_EV},
     COUNTERS_IOTLB_HIT,
     {"iotlb.misses", "iotlb.merged"}},
    {"context-cache lookups",
     "ctxt_cache_lookups",
     {COUNTERS_CTXT_CACHE_LOOKUP, NO_EV},
     NO_EV,
     {"cc.hits", "cc.misses"}},
    {"context-cache hits", "ctxt_cache_hits", {COUNTERS_CTXT_CACHE_HIT, NO_EV}, NO_EV, {"cc.hits"}},
    {"PASID-cache hits",
     "pasid_cache_hits",
     {COUNTERS_PASID_CACHE_HIT, NO_EV},
     NO_EV,
     {"pasidc.hits"}},
    {"paging-structure cache hits",
     "pwc_hits",
     {COUNTERS_SS_NONLEAF_HIT, COUNTERS_FS_NONLEAF_HIT},
     NO_EV,
     {"pwc.l2_hits", "pwc.l3_hits", "pwc.l4_hits", "pwc.l5_hits"}},
    {"page requests", "page_requests", {COUNTERS_PG_REQ_POSTED, NO_EV}, NO_EV, {"pri.requests"}},
};

int counters_parse_record(struct counters_measured *m, const char *event, const char *text)
{
	const char *slash, *c;
	unsigned long long v;
	char *end;

	if (!event || strncmp(event, "perfmon:", 8))
		return 0;
	m->nr_records++;
	c = text ? strstr(text, "count=") : NULL;
	/* strtoull would take "-1" as a huge count */
	if (!c || (c != text && c[-1] != ' ') || c[6] < '0' || c[6] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(c + 6, &end, 10);
	if (end == c + 6 || errno || (*end && *end != ' '))
		return -EINVAL;
	slash = strchr(event + 8, '/');
	/* only the VT-d units feed the comparison; dsa* counts stay in the trace */
	if (!slash || strncmp(event + 8, "dmar", 4))
		return 1;
	for (int k = 0; k < COUNTERS_NR_EVENTS_; k++) {
		if (strcmp(slash + 1, event_names[k]))
			continue;
		m->count[k] += v;
		m->have[k] = true;
	}
	return 1;
}

int counters_read(const char *path, struct counters_measured *m, char *errmsg, size_t errmsg_bytes)
{
	const struct trace_rec *rec;
	struct trace_reader *r;
	int err = 0, rc;

	memset(m, 0, sizeof(*m));
	r = trace_reader__open(path, &err);
	if (!r) {
		snprintf(errmsg, errmsg_bytes, "%s", trace_open_errmsg());
		return err ? err : -EINVAL;
	}
	/* perfmon counts are generic records: a trace whose header lists none is not read */
	if ((trace_reader__file_hdr(r)->flags & TRACE_F_KINDS_SEEN) &&
	    !(trace_reader__file_hdr(r)->kinds_seen & 1u << TRACE_REC_GENERIC)) {
		trace_reader__close(r);
		return 0;
	}
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		if (rec->kind != TRACE_REC_GENERIC)
			continue;
		if (counters_parse_record(m, trace_reader__event_name(r, rec),
					  trace_reader__generic_text(rec)) < 0) {
			snprintf(errmsg, errmsg_bytes,
				 "%s: record %llu (%s): no valid count= in '%s'", path,
				 (unsigned long long)trace_reader__nr_records(r) - 1,
				 trace_reader__event_name(r, rec), trace_reader__generic_text(rec));
			rc = -EBADMSG;
			break;
		}
	}
	if (rc < 0 && rc != -EBADMSG)
		snprintf(errmsg, errmsg_bytes, "%s", trace_reader__errmsg(r));
	trace_reader__close(r);
	return rc < 0 ? rc : 0;
}

unsigned int counters_compare(const struct counters_measured *m,
			      bool (*metric)(void *ctx, const char *key, double *v), void *ctx,
			      struct counters_row rows[COUNTERS_NR_ROWS])
{
	unsigned int nr = 0;

	for (int i = 0; i < COUNTERS_NR_ROWS; i++) {
		const struct row_def *d = &row_defs[i];
		struct counters_row *row = &rows[i];
		double meas = 0, model = 0;
		bool have = true;

		for (int k = 0; k < 2; k++) {
			if (d->plus[k] == NO_EV)
				continue;
			/* a sum of several events needs only one; a difference needs both */
			if (m->have[d->plus[k]])
				meas += (double)m->count[d->plus[k]];
			else if (k == 0)
				have = d->plus[1] != NO_EV && m->have[d->plus[1]];
		}
		if (d->minus != NO_EV) {
			have = have && m->have[d->minus];
			meas -= (double)m->count[d->minus];
		}
		for (int k = 0; k < 4 && d->model[k]; k++) {
			double v;

			if (metric(ctx, d->model[k], &v))
				model += v;
		}
		*row = (struct counters_row){
		    .name = d->name,
		    .key = d->key,
		    .have = have,
		    .measured = meas,
		    .model = model,
		    .ratio = meas > 0 ? model / meas : NAN,
		};
		nr += have;
	}
	return nr;
}

/* ------------------------------------------------------------ capture sink */

#define CAP_MAX 16 /* model keys the rows read */

struct capture {
	struct results_sink sink;		    /* ops + ctx (ctx = this) */
	const struct results_sink *inner;	    /* the caller's sink */
	const struct counters_measured *m;	    /* counts from the trace */
	struct counters_row rows[COUNTERS_NR_ROWS]; /* filled at end_run */
	bool done;				    /* rows are valid */
	const char *keys[CAP_MAX];		    /* captured model keys */
	double vals[CAP_MAX];			    /* their values */
	unsigned int nr;			    /* entries of keys */
};

static bool wanted(const char *key)
{
	for (int i = 0; i < COUNTERS_NR_ROWS; i++)
		for (int k = 0; k < 4 && row_defs[i].model[k]; k++)
			if (!strcmp(row_defs[i].model[k], key))
				return true;
	return false;
}

static const char *canonical(const char *key)
{
	for (int i = 0; i < COUNTERS_NR_ROWS; i++)
		for (int k = 0; k < 4 && row_defs[i].model[k]; k++)
			if (!strcmp(row_defs[i].model[k], key))
				return row_defs[i].model[k];
	return NULL;
}

static bool cap_lookup(void *ctx, const char *key, double *v)
{
	struct capture *c = ctx;

	for (unsigned int i = 0; i < c->nr; i++)
		if (!strcmp(c->keys[i], key)) {
			*v = c->vals[i];
			return true;
		}
	return false;
}

static int cap_begin(void *ctx, const struct results_run_info *info)
{
	struct capture *c = ctx;

	return c->inner->ops->begin_run ? c->inner->ops->begin_run(c->inner->ctx, info) : 0;
}

static int cap_config(void *ctx, const char *key, const char *value, const char *source)
{
	struct capture *c = ctx;

	return c->inner->ops->config ? c->inner->ops->config(c->inner->ctx, key, value, source) : 0;
}

static int cap_metric(void *ctx, const char *key, double v, const char *unit)
{
	struct capture *c = ctx;

	if (wanted(key) && c->nr < CAP_MAX) {
		c->keys[c->nr] = canonical(key); /* static storage: the key may not outlive us */
		c->vals[c->nr++] = v;
	}
	return c->inner->ops->metric ? c->inner->ops->metric(c->inner->ctx, key, v, unit) : 0;
}

static int cap_hist(void *ctx, const char *key, const struct results_hist *h)
{
	struct capture *c = ctx;

	return c->inner->ops->histogram ? c->inner->ops->histogram(c->inner->ctx, key, h) : 0;
}

static int cap_series(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		      const double *values, size_t nr)
{
	struct capture *c = ctx;

	return c->inner->ops->series
		   ? c->inner->ops->series(c->inner->ctx, key, start_ns, window_ns, values, nr)
		   : 0;
}

static int cap_end(void *ctx, int status)
{
	struct capture *c = ctx;
	int (*metric)(void *, const char *, double, const char *) = c->inner->ops->metric;
	int rc = 0;

	counters_compare(c->m, cap_lookup, c, c->rows);
	c->done = true;
	for (int i = 0; i < COUNTERS_NR_ROWS && metric && !rc; i++) {
		const struct counters_row *row = &c->rows[i];
		char key[96];

		if (!row->have)
			continue;
		snprintf(key, sizeof(key), "counter.%s.measured", row->key);
		rc = metric(c->inner->ctx, key, row->measured, "events");
		snprintf(key, sizeof(key), "counter.%s.model", row->key);
		if (!rc)
			rc = metric(c->inner->ctx, key, row->model, "events");
		snprintf(key, sizeof(key), "counter.%s.ratio", row->key);
		if (!rc && !isnan(row->ratio))
			rc = metric(c->inner->ctx, key, row->ratio, "");
	}
	if (c->inner->ops->end_run) {
		int re = c->inner->ops->end_run(c->inner->ctx, status);

		rc = rc ? rc : re;
	}
	return rc;
}

static const struct results_sink_ops cap_ops = {
    .begin_run = cap_begin,
    .config = cap_config,
    .metric = cap_metric,
    .histogram = cap_hist,
    .series = cap_series,
    .end_run = cap_end,
};

static void print_rows(FILE *out, const struct counters_row *rows)
{
	fprintf(out, "\nhardware counters (model vs measured; ratio = model / measured):\n");
	fprintf(out, "  %-30s %16s %16s %8s\n", "counter", "measured", "model", "ratio");
	for (int i = 0; i < COUNTERS_NR_ROWS; i++) {
		const struct counters_row *r = &rows[i];

		if (!r->have)
			continue;
		if (isnan(r->ratio))
			fprintf(out, "  %-30s %16.0f %16.0f %8s\n", r->name, r->measured, r->model,
				"n/a");
		else
			fprintf(out, "  %-30s %16.0f %16.0f %8.3f\n", r->name, r->measured,
				r->model, r->ratio);
	}
}

int counters_replay(const struct replay_opts *o, const struct results_sink *sink, FILE *out)
{
	struct counters_measured m;
	struct capture c = {0};
	char err[512] = "";
	int rc = counters_read(o->trace_path, &m, err, sizeof(err));

	if (rc == -EBADMSG) {
		if (o->errmsg && o->errmsg_bytes)
			snprintf(o->errmsg, o->errmsg_bytes, "%s", err);
		else
			svt_err("%s", err);
		return rc;
	}
	/* an unreadable trace: replay_run() says why in its own words */
	if (rc || !m.nr_records)
		return replay_run(o, sink);
	c.inner = sink;
	c.m = &m;
	c.sink.ops = &cap_ops;
	c.sink.ctx = &c;
	rc = replay_run(o, &c.sink);
	if (c.done && out) {
		if (counters_compare(&m, cap_lookup, &c, c.rows))
			print_rows(out, c.rows);
		else
			fprintf(out,
				"\nhardware counters: the trace holds %u perfmon records, "
				"none of an event the model predicts\n",
				m.nr_records);
	}
	return rc;
}
