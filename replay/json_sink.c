// SPDX-License-Identifier: GPL-2.0
/*
 * json_sink.c - results sink printing one JSON object (jansson). Metrics
 * are flat dotted keys at the top level; integers stay integers.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "replay/sinks.h"

struct json_sink {
	struct results_sink sink; /* ops + ctx (ctx = this) */
	FILE *out;		  /* where the object goes */
	json_t *root;		  /* the object being built */
	json_t *config;		  /* "config" */
	json_t *origin;		  /* "config_origin" */
	json_t *hists;		  /* "histograms" */
	json_t *series;		  /* "series" */
};

static json_t *num(double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(isfinite(v) ? v : 0);
}

static int j_begin(void *ctx, const struct results_run_info *info)
{
	struct json_sink *j = ctx;
	json_t *run = json_object();

	json_object_set_new(run, "label", json_string(info->label ? info->label : ""));
	if (info->trace_path)
		json_object_set_new(run, "trace", json_string(info->trace_path));
	if (info->trace_hash)
		json_object_set_new(run, "trace_hash", json_string(info->trace_hash));
	json_object_set_new(run, "trace_bytes", json_integer((json_int_t)info->trace_bytes));
	json_object_set_new(run, "scenario", json_string(info->scenario ? info->scenario : ""));
	json_object_set_new(run, "tool_version",
			    json_string(info->tool_version ? info->tool_version : ""));
	json_object_set_new(run, "seed", json_integer((json_int_t)info->seed));
	json_object_set_new(j->root, "run", run);
	return 0;
}

static int j_config(void *ctx, const char *key, const char *value, const char *source)
{
	struct json_sink *j = ctx;

	json_object_set_new(j->config, key, json_string(value));
	json_object_set_new(j->origin, key, json_string(source ? source : ""));
	return 0;
}

static int j_metric(void *ctx, const char *key, double value, const char *unit)
{
	struct json_sink *j = ctx;

	return json_object_set_new(j->root, key, num(value)) ? -ENOMEM : 0;
}

static int j_hist(void *ctx, const char *key, const struct results_hist *h)
{
	struct json_sink *j = ctx;
	json_t *o = json_object(), *b = json_array();

	json_object_set_new(o, "unit", json_string(h->unit ? h->unit : ""));
	json_object_set_new(o, "count", json_integer((json_int_t)h->nr));
	json_object_set_new(o, "sum", json_integer((json_int_t)h->sum));
	json_object_set_new(o, "min", json_integer((json_int_t)h->min));
	json_object_set_new(o, "max", json_integer((json_int_t)h->max));
	/* non-empty buckets as [low bound, count] */
	for (uint32_t i = 0; i < RESULTS_HIST_BUCKETS; i++) {
		if (!h->counts[i])
			continue;
		json_array_append_new(b, json_pack("[II]", (json_int_t)results_hist_bucket_low(i),
						   (json_int_t)h->counts[i]));
	}
	json_object_set_new(o, "buckets", b);
	json_object_set_new(j->hists, key, o);
	return 0;
}

static int j_series(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		    const double *values, size_t nr)
{
	struct json_sink *j = ctx;
	json_t *o = json_object(), *a = json_array();

	for (size_t i = 0; i < nr; i++)
		json_array_append_new(a, num(values[i]));
	json_object_set_new(o, "start_ns", json_integer((json_int_t)start_ns));
	json_object_set_new(o, "window_ns", json_integer((json_int_t)window_ns));
	json_object_set_new(o, "values", a);
	json_object_set_new(j->series, key, o);
	return 0;
}

static int j_end(void *ctx, int status)
{
	struct json_sink *j = ctx;

	json_object_set_new(j->root, "status", json_integer(status));
	json_object_set(j->root, "config", j->config);
	json_object_set(j->root, "config_origin", j->origin);
	json_object_set(j->root, "histograms", j->hists);
	json_object_set(j->root, "series", j->series);
	if (json_dumpf(j->root, j->out, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) < 0)
		return -EIO;
	fputc('\n', j->out);
	return fflush(j->out) ? -errno : 0;
}

static const struct results_sink_ops json_ops = {
    .begin_run = j_begin,
    .config = j_config,
    .metric = j_metric,
    .histogram = j_hist,
    .series = j_series,
    .end_run = j_end,
};

struct results_sink *json_sink__new(FILE *out)
{
	struct json_sink *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->out = out;
	j->root = json_object();
	j->config = json_object();
	j->origin = json_object();
	j->hists = json_object();
	j->series = json_object();
	if (!j->root || !j->config || !j->origin || !j->hists || !j->series) {
		json_sink__free(&j->sink);
		errno = ENOMEM;
		return NULL;
	}
	j->sink.ops = &json_ops;
	j->sink.ctx = j;
	return &j->sink;
}

void json_sink__free(struct results_sink *s)
{
	struct json_sink *j = (struct json_sink *)s;

	if (!j)
		return;
	json_decref(j->root);
	json_decref(j->config);
	json_decref(j->origin);
	json_decref(j->hists);
	json_decref(j->series);
	free(j);
}
