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
 *   ctxt_cache_lookup/hit   iotlb.lookups / iotlb.lookups - cc.misses: every
 *                           request looks the context cache up, for the
 *                           domain id that tags its IOTLB lookup (VT-d 6.2.1,
 *                           6.2.2); the model looks it up on walks only, so
 *                           its misses are the misses, the rest hit (as the
 *                           pcm-iio row below)
 *   pasid_cache_lookup/hit  pasidc.hits + pasidc.misses / pasidc.hits
 *   ss_ + fs_nonleaf_hit    pwc.l2_hits .. pwc.l5_hits (the model has one
 *                           paging-structure cache for either stage)
 *   pg_req_posted           pri.requests
 *   dsaN/write_32b          wq.device.bytes_completed / 32 (memmove, fill)
 *   dsaN/xlat_pf            submit.nr_partial (block_on_fault=0)
 *
 * pcm-iio columns (rates per second; model = count * 1e9 / run.duration_ns;
 * PCM src/opCode-106-iommu.txt names the Ice Lake-SP events, whose
 * descriptions are intel/perfmon ICX UNC_IIO_IOMMU0/1):
 *   iotlb_lookup      FIRST_LOOKUPS, once per transaction    iotlb.lookups
 *   iotlb_miss        MISSES = IOTLB fills, one per walk      iotlb.misses
 *   ctxt_cache_hit    a transaction's first lookup hits the   iotlb.lookups - cc.misses
 *                     context cache (every transaction looks it up; the
 *                     model looks it up on walks only, so its hits are
 *                     the lookups that did not miss)
 *   4k/2m/1g/512g_cache_hit  a walk's first lookup hits the  pwc.l2/l3/l4/l5_hits
 *                     paging-structure cache at that level; the level is
 *                     named by what its entries point to ("512G level" is
 *                     "a 256T page": PML5E), so 4K is the PDE cache
 *   iommu_mem_access  the IOMMU's page-walk memory reads      walk.mem_reads
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "replay/counters.h"
#include "replay/replay.h"
#include "replay/source.h"
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
    [COUNTERS_DSA_WRITE_32B] = "write_32b",
    [COUNTERS_DSA_XLAT_PF] = "xlat_pf",
};

static const char *const pcm_names[COUNTERS_NR_PCM_] = {
    [COUNTERS_PCM_IOTLB_LOOKUP] = "iotlb_lookup", [COUNTERS_PCM_IOTLB_MISS] = "iotlb_miss",
    [COUNTERS_PCM_CTXT_HIT] = "ctxt_cache_hit",	  [COUNTERS_PCM_4K_HIT] = "4k_cache_hit",
    [COUNTERS_PCM_2M_HIT] = "2m_cache_hit",	  [COUNTERS_PCM_1G_HIT] = "1g_cache_hit",
    [COUNTERS_PCM_512G_HIT] = "512g_cache_hit",	  [COUNTERS_PCM_MEM_ACCESS] = "iommu_mem_access",
};

#define NO_EV (-1)
#define KEY_DURATION "run.duration_ns" /* model/metric_keys.h KEY_RUN_DURATION */

/* A row: measured = sum(plus) - minus; model = sum of the metric keys x scale. */
static const struct row_def {
	const char *name;	 /* printed */
	const char *key;	 /* metric slug */
	int plus[2];		 /* events added, NO_EV for none */
	int minus;		 /* event subtracted, NO_EV for none */
	const char *model[4];	 /* metric keys summed, NULL-terminated */
	const char *model_minus; /* metric key subtracted, NULL: none */
	double scale;		 /* model units per metric unit */
} row_defs[COUNTERS_NR_ROWS] = {
    {"IOTLB lookups",
     "iotlb_lookups",
     {COUNTERS_IOTLB_LOOKUP, NO_EV},
     NO_EV,
     {"iotlb.lookups"},
     NULL,
     1},
    {"IOTLB hits", "iotlb_hits", {COUNTERS_IOTLB_HIT, NO_EV}, NO_EV, {"iotlb.hits"}, NULL, 1},
    {"IOTLB misses",
     "iotlb_misses",
     {COUNTERS_IOTLB_LOOKUP, NO_EV},
     COUNTERS_IOTLB_HIT,
     {"iotlb.misses", "iotlb.merged"},
     NULL,
     1},
    /* per request, not per walk: the lookup gives the domain id the IOTLB is tagged with */
    {"context-cache lookups",
     "ctxt_cache_lookups",
     {COUNTERS_CTXT_CACHE_LOOKUP, NO_EV},
     NO_EV,
     {"iotlb.lookups"},
     NULL,
     1},
    {"context-cache hits",
     "ctxt_cache_hits",
     {COUNTERS_CTXT_CACHE_HIT, NO_EV},
     NO_EV,
     {"iotlb.lookups"},
     "cc.misses",
     1},
    {"PASID-cache hits",
     "pasid_cache_hits",
     {COUNTERS_PASID_CACHE_HIT, NO_EV},
     NO_EV,
     {"pasidc.hits"},
     NULL,
     1},
    {"paging-structure cache hits",
     "pwc_hits",
     {COUNTERS_SS_NONLEAF_HIT, COUNTERS_FS_NONLEAF_HIT},
     NO_EV,
     {"pwc.l2_hits", "pwc.l3_hits", "pwc.l4_hits", "pwc.l5_hits"},
     NULL,
     1},
    {"page requests",
     "page_requests",
     {COUNTERS_PG_REQ_POSTED, NO_EV},
     NO_EV,
     {"pri.requests"},
     NULL,
     1},
    /* DSA: the work-queue model's bytes (memmove and fill write what they move) */
    {"DSA data written, 32 B units",
     "dsa_write_32b",
     {COUNTERS_DSA_WRITE_32B, NO_EV},
     NO_EV,
     {"wq.device.bytes_completed"},
     NULL,
     1.0 / 32},
    /* block_on_fault=0: a fault ends its descriptor early, once per partial completion */
    {"DSA translations with a page fault",
     "dsa_xlat_pf",
     {COUNTERS_DSA_XLAT_PF, NO_EV},
     NO_EV,
     {"submit.nr_partial"},
     NULL,
     1},
};

/* A pcm-iio row: a rate; model = (sum of plus - minus) per second of the replay. */
static const struct pcm_row_def {
	const char *name;    /* printed */
	const char *key;     /* metric slug: counter.pcm_iio.KEY.* */
	int col;	     /* enum counters_pcm */
	const char *plus[2]; /* metric keys summed, NULL-terminated */
	const char *minus;   /* metric key subtracted, NULL: none */
} pcm_row_defs[COUNTERS_NR_PCM_ROWS] = {
    {"IOTLB lookups", "iotlb_lookups", COUNTERS_PCM_IOTLB_LOOKUP, {"iotlb.lookups"}, NULL},
    {"IOTLB misses (fills)", "iotlb_misses", COUNTERS_PCM_IOTLB_MISS, {"iotlb.misses"}, NULL},
    {"context-cache hits",
     "ctxt_cache_hits",
     COUNTERS_PCM_CTXT_HIT,
     {"iotlb.lookups"},
     "cc.misses"},
    {"PWC hits, 4K level (PDE)", "pwc_4k_hits", COUNTERS_PCM_4K_HIT, {"pwc.l2_hits"}, NULL},
    {"PWC hits, 2M level (PDPE)", "pwc_2m_hits", COUNTERS_PCM_2M_HIT, {"pwc.l3_hits"}, NULL},
    {"PWC hits, 1G level (PML4E)", "pwc_1g_hits", COUNTERS_PCM_1G_HIT, {"pwc.l4_hits"}, NULL},
    {"PWC hits, 512G level (PML5E)", "pwc_512g_hits", COUNTERS_PCM_512G_HIT, {"pwc.l5_hits"}, NULL},
    {"IOMMU memory reads", "mem_accesses", COUNTERS_PCM_MEM_ACCESS, {"walk.mem_reads"}, NULL},
};

/* The value after the last " KEY" in @text (the importer's stack name may hold anything). */
static const char *last_field(const char *text, const char *key)
{
	const char *at = NULL, *p = text;
	size_t n = strlen(key);

	while (p && (p = strstr(p, key))) {
		if (p == text || p[-1] == ' ')
			at = p + n;
		p += n;
	}
	return at;
}

int counters_parse_pcm_record(struct counters_measured *m, const char *event, const char *text,
			      uint64_t ts_ns)
{
	const char *c;
	unsigned long long v;
	char *end;

	if (!event || strncmp(event, "pcm_iio:", 8))
		return 0;
	/* the importer writes one sample's rows at that sample's time */
	if (!m->nr_pcm_records++ || ts_ns != m->pcm_last_ns)
		m->pcm_intervals++;
	m->pcm_last_ns = ts_ns;
	c = text ? last_field(text, "per_s=") : NULL;
	if (!c || *c < '0' || *c > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(c, &end, 10);
	if (errno || (*end && *end != ' '))
		return -EINVAL;
	for (int k = 0; k < COUNTERS_NR_PCM_; k++) {
		if (strcmp(event + 8, pcm_names[k]))
			continue;
		m->pcm_per_s[k] += (double)v;
		m->pcm_have[k] = true;
	}
	return 1;
}

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
	/* VT-d units' events and the DSA aliases, each from its own PMU */
	if (!slash)
		return 1;
	for (int k = 0; k < COUNTERS_NR_EVENTS_; k++) {
		if (strncmp(event + 8, k >= COUNTERS_DSA_WRITE_32B ? "dsa" : "dmar",
			    k >= COUNTERS_DSA_WRITE_32B ? 3 : 4))
			continue;
		if (strcmp(slash + 1, event_names[k]))
			continue;
		m->count[k] += v;
		m->have[k] = true;
	}
	return 1;
}

/*
 * Add generic record @rec's counts (event @ev, record @idx of @path) to @m.
 * Return: 0, or -EBADMSG with what is wrong in @errmsg.
 */
static int count_rec(struct counters_measured *m, const char *path, uint64_t idx, const char *ev,
		     const struct trace_rec *rec, char *errmsg, size_t errmsg_bytes)
{
	const char *text = trace_reader__generic_text(rec);
	int pm = counters_parse_record(m, ev, text);
	int pc = pm ? 0 : counters_parse_pcm_record(m, ev, text, rec->ts_ns);

	if (pm >= 0 && pc >= 0)
		return 0;
	snprintf(errmsg, errmsg_bytes, "%s: record %llu (%s): no valid %s in '%s'", path,
		 (unsigned long long)idx, ev, pm < 0 ? "count=" : "per_s=", text);
	return -EBADMSG;
}

/* Add @path's counts to @m. */
static int read_into(const char *path, struct counters_measured *m, char *errmsg,
		     size_t errmsg_bytes)
{
	const struct trace_rec *rec;
	struct trace_reader *r;
	int err = 0, rc;

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
		if (rec->kind == TRACE_REC_GENERIC &&
		    (rc = count_rec(m, path, trace_reader__nr_records(r) - 1,
				    trace_reader__event_name(r, rec), rec, errmsg, errmsg_bytes)))
			break;
	}
	if (rc < 0 && rc != -EBADMSG)
		snprintf(errmsg, errmsg_bytes, "%s", trace_reader__errmsg(r));
	trace_reader__close(r);
	return rc < 0 ? rc : 0;
}

/*
 * read_into() on the replay's own source (@src, the file @path): its records
 * are kept for the replay's passes (replay_source_file__keep), so the trace
 * is decoded once for the counters, the owners pass and the replay. Leaves
 * @src rewound.
 */
static int read_source(struct replay_source *src, const char *path, struct counters_measured *m,
		       char *errmsg, size_t errmsg_bytes)
{
	int64_t kinds = replay_source__kinds_seen(src);
	const struct trace_rec *rec;
	int rc;

	memset(m, 0, sizeof(*m));
	if (kinds >= 0 && !(kinds & 1ll << TRACE_REC_GENERIC))
		return 0;
	replay_source_file__keep(src, replay_keep_budget());
	while ((rc = replay_source__next(src, &rec)) == 1) {
		const char *ev;

		if (rec->kind != TRACE_REC_GENERIC)
			continue;
		ev = replay_source__string(src, rec->event_id);
		if ((rc = count_rec(m, path, replay_source__nr_records(src) - 1,
				    ev ? ev : trace_rec_default_event(rec), rec, errmsg,
				    errmsg_bytes)))
			break;
	}
	if (rc < 0 && rc != -EBADMSG)
		snprintf(errmsg, errmsg_bytes, "%s", replay_source__errmsg(src));
	if (!rc && (rc = replay_source__rewind(src)))
		snprintf(errmsg, errmsg_bytes, "%s: %s", path, strerror(-rc));
	return rc < 0 ? rc : 0;
}

int counters_read(const char *path, struct counters_measured *m, char *errmsg, size_t errmsg_bytes)
{
	memset(m, 0, sizeof(*m));
	return read_into(path, m, errmsg, errmsg_bytes);
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
		if (d->model_minus) {
			double v;

			if (metric(ctx, d->model_minus, &v))
				model -= v;
		}
		model *= d->scale;
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

unsigned int counters_compare_pcm(const struct counters_measured *m,
				  bool (*metric)(void *ctx, const char *key, double *v), void *ctx,
				  struct counters_row rows[COUNTERS_NR_PCM_ROWS])
{
	double dur_ns = 0;
	unsigned int nr = 0;

	if (!metric(ctx, KEY_DURATION, &dur_ns))
		dur_ns = 0;
	for (int i = 0; i < COUNTERS_NR_PCM_ROWS; i++) {
		const struct pcm_row_def *d = &pcm_row_defs[i];
		bool have = m->pcm_have[d->col] && m->pcm_intervals;
		double meas = have ? m->pcm_per_s[d->col] / m->pcm_intervals : 0, count = 0, v;
		double model;

		for (int k = 0; k < 2 && d->plus[k]; k++)
			if (metric(ctx, d->plus[k], &v))
				count += v;
		if (d->minus && metric(ctx, d->minus, &v))
			count -= v;
		/* a replay with no time span has no rate */
		model = dur_ns > 0 ? count * 1e9 / dur_ns : NAN;
		rows[i] = (struct counters_row){
		    .name = d->name,
		    .key = d->key,
		    .have = have,
		    .measured = meas,
		    .model = model,
		    .ratio = meas > 0 && !isnan(model) ? model / meas : NAN,
		};
		nr += have;
	}
	return nr;
}

/* ------------------------------------------------------------ capture sink */

#define CAP_MAX 32 /* model keys the rows read */

struct capture {
	struct results_sink sink;		       /* ops + ctx (ctx = this) */
	const struct results_sink *inner;	       /* the caller's sink */
	const struct counters_measured *m;	       /* counts from the trace */
	struct counters_row rows[COUNTERS_NR_ROWS];    /* filled at end_run */
	struct counters_row pcm[COUNTERS_NR_PCM_ROWS]; /* likewise, pcm-iio rates */
	bool done;				       /* rows are valid */
	const char *keys[CAP_MAX];		       /* captured model keys */
	double vals[CAP_MAX];			       /* their values */
	unsigned int nr;			       /* entries of keys */
};

/* @key in the static storage of a row table (the sink's key may not outlive the call), or NULL. */
static const char *canonical(const char *key)
{
	for (int i = 0; i < COUNTERS_NR_ROWS; i++) {
		for (int k = 0; k < 4 && row_defs[i].model[k]; k++)
			if (!strcmp(row_defs[i].model[k], key))
				return row_defs[i].model[k];
		if (row_defs[i].model_minus && !strcmp(row_defs[i].model_minus, key))
			return row_defs[i].model_minus;
	}
	for (int i = 0; i < COUNTERS_NR_PCM_ROWS; i++) {
		const struct pcm_row_def *d = &pcm_row_defs[i];

		for (int k = 0; k < 2 && d->plus[k]; k++)
			if (!strcmp(d->plus[k], key))
				return d->plus[k];
		if (d->minus && !strcmp(d->minus, key))
			return d->minus;
	}
	return strcmp(key, KEY_DURATION) ? NULL : KEY_DURATION;
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

	const char *k = canonical(key);

	if (k && c->nr < CAP_MAX) {
		c->keys[c->nr] = k;
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

/* counter.PREFIXKEY.{measured,model,ratio} for each measured row; NAN values are left out. */
static int emit_rows(const struct capture *c, const struct counters_row *rows, int nr,
		     const char *prefix, const char *unit)
{
	int (*metric)(void *, const char *, double, const char *) = c->inner->ops->metric;
	int rc = 0;

	for (int i = 0; i < nr && metric && !rc; i++) {
		const struct counters_row *row = &rows[i];
		char key[96];

		if (!row->have)
			continue;
		snprintf(key, sizeof(key), "counter.%s%s.measured", prefix, row->key);
		rc = metric(c->inner->ctx, key, row->measured, unit);
		snprintf(key, sizeof(key), "counter.%s%s.model", prefix, row->key);
		if (!rc && !isnan(row->model))
			rc = metric(c->inner->ctx, key, row->model, unit);
		snprintf(key, sizeof(key), "counter.%s%s.ratio", prefix, row->key);
		if (!rc && !isnan(row->ratio))
			rc = metric(c->inner->ctx, key, row->ratio, "");
	}
	return rc;
}

static int cap_end(void *ctx, int status)
{
	struct capture *c = ctx;
	int rc;

	counters_compare(c->m, cap_lookup, c, c->rows);
	counters_compare_pcm(c->m, cap_lookup, c, c->pcm);
	c->done = true;
	rc = emit_rows(c, c->rows, COUNTERS_NR_ROWS, "", "events");
	if (!rc)
		rc = emit_rows(c, c->pcm, COUNTERS_NR_PCM_ROWS, "pcm_iio.", "events/s");
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

static void print_rows(FILE *out, const char *title, const struct counters_row *rows, int nr)
{
	fprintf(out, "\n%s:\n", title);
	fprintf(out, "  %-30s %16s %16s %8s\n", "counter", "measured", "model", "ratio");
	for (int i = 0; i < nr; i++) {
		const struct counters_row *r = &rows[i];
		char model[32], ratio[16];

		if (!r->have)
			continue;
		snprintf(model, sizeof(model), isnan(r->model) ? "n/a" : "%.0f", r->model);
		snprintf(ratio, sizeof(ratio), isnan(r->ratio) ? "n/a" : "%.3f", r->ratio);
		fprintf(out, "  %-30s %16.0f %16s %8s\n", r->name, r->measured, model, ratio);
	}
}

/* The one error channel: the caller's errmsg, else the log. */
static int fail(const struct replay_opts *o, int rc, const char *err)
{
	if (o->errmsg && o->errmsg_bytes)
		snprintf(o->errmsg, o->errmsg_bytes, "%s", err);
	else
		svt_err("%s", err);
	return rc;
}

static void print_all(FILE *out, const struct counters_measured *m, struct capture *c)
{
	unsigned int nr = counters_compare(m, cap_lookup, c, c->rows),
		     nr_pcm = counters_compare_pcm(m, cap_lookup, c, c->pcm);

	if (nr)
		print_rows(out, "hardware counters (model vs measured; ratio = model / measured)",
			   c->rows, COUNTERS_NR_ROWS);
	if (nr_pcm)
		print_rows(out,
			   "pcm-iio counters, per second (measured: summed over IIO stacks, "
			   "mean over samples; model: count over the replayed duration)",
			   c->pcm, COUNTERS_NR_PCM_ROWS);
	if (!nr && !nr_pcm)
		fprintf(out,
			"\nhardware counters: the trace holds %u perfmon and %u pcm-iio records, "
			"none of an event the model predicts\n",
			m->nr_records, m->nr_pcm_records);
}

int counters_replay_with(const struct replay_opts *o, const char *counters_path,
			 const struct results_sink *sink, FILE *out)
{
	struct counters_measured m;
	struct capture c = {0};
	char err[512] = "";
	struct replay_source *src = replay_source_file__open(o->trace_path, err, sizeof(err));
	int rc;

	/*
	 * The counts come from the replay's own source when its owners pass
	 * reads the trace before the replay anyway: then the replay's first
	 * record finds the string table as complete as before. Otherwise (or
	 * an unreadable trace, which replay_run() reports in its own words) a
	 * reader of their own, as the replay's first pass must be its first.
	 */
	if (src && !replay_owners_pass(src)) {
		replay_source__close(src);
		src = NULL;
	}
	rc = src ? read_source(src, o->trace_path, &m, err, sizeof(err))
		 : counters_read(o->trace_path, &m, err, sizeof(err));
	if (rc) {
		replay_source__close(src);
		return rc == -EBADMSG ? fail(o, rc, err) : replay_run(o, sink);
	}
	/* the counters file was asked for: it must read */
	if (counters_path && (rc = read_into(counters_path, &m, err, sizeof(err)))) {
		replay_source__close(src);
		return fail(o, rc, err);
	}
	if (counters_path && !m.nr_records && !m.nr_pcm_records) {
		snprintf(err, sizeof(err), "%s: no perfmon or pcm-iio counter records",
			 counters_path);
		replay_source__close(src);
		return fail(o, -ENODATA, err);
	}
	if (!m.nr_records && !m.nr_pcm_records) {
		rc = src ? replay_run_file(o, src, sink) : replay_run(o, sink);
		replay_source__close(src);
		return rc;
	}
	c.inner = sink;
	c.m = &m;
	c.sink.ops = &cap_ops;
	c.sink.ctx = &c;
	rc = src ? replay_run_file(o, src, &c.sink) : replay_run(o, &c.sink);
	replay_source__close(src);
	if (c.done && out)
		print_all(out, &m, &c);
	return rc;
}

int counters_replay(const struct replay_opts *o, const struct results_sink *sink, FILE *out)
{
	return counters_replay_with(o, NULL, sink, out);
}
