// SPDX-License-Identifier: GPL-2.0
/*
 * text_sink.c - results sink printing a human summary: a few headline
 * numbers, then every non-zero metric grouped by its first key component.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay/sinks.h"

struct text_metric {
	char key[64];  /* dotted key */
	double v;      /* value */
	char unit[64]; /* unit, or "enum:V=name,..." for a coded value */
};

struct text_sink {
	struct results_sink sink; /* ops + ctx (ctx = this) */
	FILE *out;		  /* destination */
	struct text_metric *m;	  /* metrics in arrival order */
	size_t nr, cap;		  /* used, allocated */
	char label[256];	  /* run label */
};

static int t_begin(void *ctx, const struct results_run_info *info)
{
	struct text_sink *t = ctx;

	snprintf(t->label, sizeof(t->label), "%s", info->label ? info->label : "");
	return 0;
}

static int t_metric(void *ctx, const char *key, double v, const char *unit)
{
	struct text_sink *t = ctx;

	if (t->nr == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct text_metric *n = realloc(t->m, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->m = n;
		t->cap = cap;
	}
	snprintf(t->m[t->nr].key, sizeof(t->m[t->nr].key), "%s", key);
	snprintf(t->m[t->nr].unit, sizeof(t->m[t->nr].unit), "%s", unit ? unit : "");
	t->m[t->nr++].v = v;
	return 0;
}

static double get(const struct text_sink *t, const char *key)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->m[i].key, key))
			return t->m[i].v;
	return 0;
}

/*
 * The name of the coded value @v in @legend ("0=off,1=page,...": a metric
 * whose unit is "enum:" + legend), or "?" if the legend lacks it.
 */
static const char *enum_name(const char *legend, double v, char *buf, size_t size)
{
	char want[32];
	size_t wl = (size_t)snprintf(want, sizeof(want), "%lld=", (long long)v);

	for (const char *p = legend; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (!strncmp(p, want, wl)) {
			snprintf(buf, size, "%.*s", (int)strcspn(p + wl, ","), p + wl);
			return buf;
		}
	}
	return "?";
}

static int t_end(void *ctx, int status)
{
	struct text_sink *t = ctx;
	FILE *f = t->out;
	double lk = get(t, "iotlb.lookups");
	char group[64] = "", name[32];

	fprintf(f, "%s%s\n\n", t->label, status ? " (incomplete: trace error)" : "");
	fprintf(f, "  translations      %.0f (p50 %.0f ns, p99 %.0f ns, mean %.1f ns)\n",
		get(t, "xlate.count"), get(t, "xlate.latency_ns@p50"),
		get(t, "xlate.latency_ns@p99"), get(t, "xlate.latency_ns@mean"));
	fprintf(f, "  IOTLB             %.0f lookups, %.2f%% misses\n", lk,
		lk ? 100.0 * get(t, "iotlb.misses") / lk : 0);
	fprintf(f, "  page walks        %.0f (%.0f memory reads)\n", get(t, "walk.count"),
		get(t, "walk.mem_reads"));
	fprintf(f, "  ATC               %.0f hits, %.0f misses\n", get(t, "atc.hits"),
		get(t, "atc.misses"));
	fprintf(f, "  page requests     %.0f (%.0f dropped)\n", get(t, "pri.requests"),
		get(t, "pri.dropped"));
	fprintf(f, "  invalidations     %.0f descriptors\n", get(t, "inval.count"));
	if (get(t, "replay.late_records"))
		/* e.g. one record stamped 2^64-1 makes every later one late (issue 19) */
		fprintf(f,
			"  late records      %.0f of %.0f out of time order beyond the reorder "
			"window: replayed at the latest time seen\n",
			get(t, "replay.late_records"), get(t, "replay.records"));
	fputc('\n', f);
	for (size_t i = 0; i < t->nr; i++) {
		const char *dot = strchr(t->m[i].key, '.');
		size_t gl = dot ? (size_t)(dot - t->m[i].key) : strlen(t->m[i].key);

		if (!t->m[i].v)
			continue;
		if (strncmp(group, t->m[i].key, gl) || group[gl]) {
			snprintf(group, sizeof(group), "%.*s", (int)gl, t->m[i].key);
			fprintf(f, "%s\n", group);
		}
		if (!strncmp(t->m[i].unit, "enum:", 5))
			fprintf(f, "  %-36s %16lld (%s)\n", t->m[i].key, (long long)t->m[i].v,
				enum_name(t->m[i].unit + 5, t->m[i].v, name, sizeof(name)));
		else if (t->m[i].v == (double)(long long)t->m[i].v)
			fprintf(f, "  %-36s %16lld %s\n", t->m[i].key, (long long)t->m[i].v,
				t->m[i].unit);
		else
			fprintf(f, "  %-36s %16.3f %s\n", t->m[i].key, t->m[i].v, t->m[i].unit);
	}
	return fflush(f) ? -errno : 0;
}

static const struct results_sink_ops text_ops = {
    .begin_run = t_begin,
    .metric = t_metric,
    .end_run = t_end,
};

struct results_sink *text_sink__new(FILE *out)
{
	struct text_sink *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->out = out;
	t->sink.ops = &text_ops;
	t->sink.ctx = t;
	return &t->sink;
}

void text_sink__free(struct results_sink *s)
{
	struct text_sink *t = (struct text_sink *)s;

	if (!t)
		return;
	free(t->m);
	free(t);
}
