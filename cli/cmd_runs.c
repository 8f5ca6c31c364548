// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_runs.c - `svatrace runs`: list the runs of a results database, with
 * the config keys that vary between them and any metrics asked for, as a
 * table, JSON or CSV (one row per run, for spreadsheets).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/store.h"
#include "cli/cli.h"
#include "cli/outfmt.h"
#include "cli/where.h"
#include "common/jsonstr.h"
#include "lib/hist.h"
#include "lib/suggest.h"

#define MAX_VARY_SHOWN 5 /* varying keys shown as table columns */
#define MAX_METRICS 64	 /* --metrics keys */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace runs --db FILE [--where KEY=VALUE]... [--metrics KEY,...]\n"
	    "                     [--json|--csv]\n"
	    "\n"
	    "List the runs stored in a results database: id, status, label, scenario and\n"
	    "the config keys whose values differ between the listed runs (e.g. the swept\n"
	    "parameters). Use the ids or labels with 'compare', 'plot --runs', 'report --runs'.\n"
	    "\n"
	    "Options:\n"
	    "  --db FILE          results database (required)\n"
	    "  --where KEY=VALUE  keep runs whose KEY equals VALUE; KEY is a run field (id,\n"
	    "                     label, scenario, status, seed, trace_hash, trace_path,\n"
	    "                     point_key, tool_version) or any config key. Repeat to AND.\n"
	    "                     A parameter's value is read like --set and compared as\n"
	    "                     stored (pt.page_bytes=4k matches 4096, iotlb.policy=LRU\n"
	    "                     matches lru); status takes ok, running or a number.\n"
	    "                     A key no run field, parameter or stored run has is an\n"
	    "                     error (exit 2) with a suggestion.\n"
	    "  --metrics KEY,...  add these metrics as columns; a histogram statistic is\n"
	    "                     KEY@STAT (mean, p50, p99, max, ...); a run without the\n"
	    "                     value shows n/a (empty in CSV, null in JSON)\n"
	    "  --json             a JSON array of runs, each with its full config (and\n"
	    "                     \"metrics\" when asked for)\n"
	    "  --csv              CSV with a header row (all varying keys, then the metrics)\n"
	    "\n"
	    "Examples:\n"
	    "  svatrace runs --db results.db --where pt.page_bytes=4k --where status=ok\n"
	    "  svatrace runs --db results.db --metrics "
	    "wq.device.desc_per_s,desc.e2e.latency_ns@p99 "
	    "--csv\n");
}

struct kvs {
	char **k, **v; /* keys, values (key order) */
	size_t nr;     /* entries */
};

static int kvs_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct kvs *c = arg;
	char **k = realloc(c->k, (c->nr + 1) * sizeof(*k));
	char **v;

	if (!k)
		return -ENOMEM;
	c->k = k;
	v = realloc(c->v, (c->nr + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->v = v;
	c->k[c->nr] = strdup(key);
	c->v[c->nr] = strdup(value);
	c->nr++;
	return 0;
}

static const char *kvs_get(const struct kvs *c, const char *key)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->k[i], key))
			return c->v[i];
	return NULL;
}

static void kvs_free(struct kvs *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		free(c->k[i]);
		free(c->v[i]);
	}
	free(c->k);
	free(c->v);
}

static const char *status_name(int status)
{
	return status == 0 ? "ok" : status == -EINPROGRESS ? "running" : "failed";
}

static void csv_field(const char *s)
{
	if (strpbrk(s, ",\"\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
}

/*
 * @s for a terminal: control bytes (newline, ESC of an escape sequence)
 * as \xHH, so a label cannot break the table or drive the terminal.
 */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < len; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = 0;
	return buf;
}

/* What `runs` shows: the runs, their config, the keys that vary, asked-for metrics. */
struct view {
	struct store_run *runs;		 /* listed runs, id order */
	size_t nr;			 /* how many */
	struct kvs *cfg;		 /* config of each run */
	const char **vary;		 /* keys whose values differ (point into cfg) */
	size_t nr_vary;			 /* how many */
	const char *metric[MAX_METRICS]; /* --metrics keys (point into metrics_arg) */
	size_t nr_metrics;		 /* how many */
	double *val;			 /* val[run * nr_metrics + k], NAN: n/a */
	char *metrics_arg;		 /* copy of the --metrics list */
};

static void view_free(struct view *v)
{
	for (size_t i = 0; v->cfg && i < v->nr; i++)
		kvs_free(&v->cfg[i]);
	free(v->cfg);
	free(v->vary);
	free(v->val);
	free(v->metrics_arg);
	store_runs_free(v->runs, v->nr);
}

/* Split "K1,K2" into v->metric. Return: CLI_OK or CLI_USAGE. */
static int parse_metrics(struct view *v, const char *arg)
{
	char *save = NULL, *tok;

	free(v->metrics_arg);
	v->metrics_arg = strdup(arg);
	v->nr_metrics = 0;
	if (!v->metrics_arg)
		return cli_error("runs", "out of memory");
	for (tok = strtok_r(v->metrics_arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (v->nr_metrics == MAX_METRICS)
			return cli_usage_error("runs", "--metrics: at most %d keys", MAX_METRICS);
		v->metric[v->nr_metrics++] = tok;
	}
	if (!v->nr_metrics)
		return cli_usage_error("runs", "--metrics wants KEY[,KEY...]");
	return CLI_OK;
}

/* Append @s (not copied) to the array *@a of *@nr. */
static int str_push(const char ***a, size_t *nr, const char *s)
{
	const char **n = realloc(*a, (*nr + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	*a = n;
	(*a)[(*nr)++] = s;
	return 0;
}

/*
 * Keys whose values are not all equal (keys of the union, in run 0's order
 * first). Each key is compared across the runs once (done[]): comparing it
 * again for every run that has it made this O(runs^2 x keys^2), 12 s of CPU
 * for the demo's 269 runs.
 */
static int find_vary(struct view *v)
{
	const char **done = NULL;
	size_t nr_done = 0;
	int rc = 0;

	for (size_t i = 0; i < v->nr && !rc; i++) {
		for (size_t k = 0; k < v->cfg[i].nr && !rc; k++) {
			const char *key = v->cfg[i].k[k], *v0 = kvs_get(&v->cfg[0], key);
			bool differs = false, seen = false;

			for (size_t j = 0; j < nr_done && !seen; j++)
				seen = !strcmp(done[j], key);
			if (seen)
				continue;
			if ((rc = str_push(&done, &nr_done, key)))
				break;
			for (size_t j = 0; j < v->nr && !differs; j++) {
				const char *vj = kvs_get(&v->cfg[j], key);

				differs = !v0 || !vj || strcmp(v0, vj);
			}
			if (differs)
				rc = str_push(&v->vary, &v->nr_vary, key);
		}
	}
	free(done);
	return rc;
}

static int metric_key_cb(void *arg, const char *key, double value, const char *unit)
{
	struct kvs *c = arg;

	(void)value;
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->k[i], key))
			return 0;
	return kvs_cb(arg, key, "", NULL);
}

/* A metric no listed run has: refuse it, with the closest stored key. */
static int unknown_metric(struct store *st, const struct view *v, const char *key)
{
	struct kvs keys = {0};
	const char *near;

	for (size_t i = 0; i < v->nr; i++)
		store__for_each_metric(st, v->runs[i].id, metric_key_cb, &keys);
	near = suggest_closest(key, (const char *const *)keys.k, keys.nr);
	cli_usage_error("runs",
			"--metrics %s: none of the %zu listed runs has it%s%s%s (a metric, or "
			"HISTOGRAM@STAT)",
			key, v->nr, near ? "; did you mean '" : "", near ? near : "",
			near ? "'?" : "");
	kvs_free(&keys);
	return CLI_USAGE;
}

static int load_metrics(struct store *st, struct view *v)
{
	if (!v->nr_metrics || !v->nr)
		return CLI_OK;
	v->val = calloc(v->nr * v->nr_metrics, sizeof(*v->val));
	if (!v->val)
		return cli_error("runs", "out of memory");
	for (size_t k = 0; k < v->nr_metrics; k++) {
		bool any = false;

		for (size_t i = 0; i < v->nr; i++) {
			double x = store__metric_value(st, v->runs[i].id, v->metric[k]);

			v->val[i * v->nr_metrics + k] = x;
			any |= !isnan(x);
		}
		if (!any)
			return unknown_metric(st, v, v->metric[k]);
	}
	return CLI_OK;
}

static json_t *run_json(const struct view *v, size_t i)
{
	const struct store_run *r = &v->runs[i];
	json_t *conf = json_object(), *o;
	json_t *meta = *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;

	for (size_t k = 0; k < v->cfg[i].nr; k++)
		json_object_set_new(conf, v->cfg[i].k[k], json_string(v->cfg[i].v[k]));
	o = json_pack("{s:I, s:s, s:s, s:i, s:o, s:o, s:s, s:I, s:o, s:s, s:I, s:s, s:o, s:o}",
		      "id", (json_int_t)r->id, "time", r->time_utc, "status_name",
		      status_name(r->status), "status", r->status, "label",
		      svt_json_bytes(r->label), "scenario", svt_json_bytes(r->scenario),
		      "tool_version", r->tool_version, "seed", (json_int_t)r->seed, "trace_path",
		      svt_json_bytes(r->trace_path), "trace_hash", r->trace_hash, "trace_bytes",
		      (json_int_t)r->trace_bytes, "point_key", r->point_key, "trace_meta",
		      meta ? meta : json_null(), "config", conf);
	if (v->nr_metrics) {
		json_t *m = json_object();

		for (size_t k = 0; k < v->nr_metrics; k++) {
			double x = v->val[i * v->nr_metrics + k];

			json_object_set_new(m, v->metric[k],
					    isfinite(x) ? json_real(x) : json_null());
		}
		json_object_set_new(o, "metrics", m);
	}
	return o;
}

static void print_json(const struct view *v)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < v->nr; i++)
		json_array_append_new(arr, run_json(v, i));
	json_dumpf(arr, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(arr);
}

static void print_csv(const struct view *v)
{
	printf("id,time,status,label,scenario,seed,trace_path,trace_hash,point_key");
	for (size_t j = 0; j < v->nr_vary; j++) {
		putchar(',');
		csv_field(v->vary[j]);
	}
	for (size_t k = 0; k < v->nr_metrics; k++) {
		putchar(',');
		csv_field(v->metric[k]);
	}
	putchar('\n');
	for (size_t i = 0; i < v->nr; i++) {
		const struct store_run *r = &v->runs[i];

		printf("%lld,%s,%s,", (long long)r->id, r->time_utc, status_name(r->status));
		csv_field(r->label);
		putchar(',');
		csv_field(r->scenario);
		printf(",%llu,", (unsigned long long)r->seed);
		csv_field(r->trace_path);
		printf(",%s,%s", r->trace_hash, r->point_key);
		for (size_t j = 0; j < v->nr_vary; j++) {
			const char *x = kvs_get(&v->cfg[i], v->vary[j]);

			putchar(',');
			csv_field(x ? x : "");
		}
		for (size_t k = 0; k < v->nr_metrics; k++) {
			double x = v->val[i * v->nr_metrics + k];

			if (isfinite(x))
				printf(",%.17g", x);
			else
				putchar(',');
		}
		putchar('\n');
	}
}

static void print_table(const struct view *v)
{
	size_t shown = v->nr_vary < MAX_VARY_SHOWN ? v->nr_vary : MAX_VARY_SHOWN;
	char lb[256], sc[256];

	printf("%5s  %-7s  %-22s  %-12s", "ID", "STATUS", "LABEL", "SCENARIO");
	for (size_t j = 0; j < shown; j++)
		printf("  %-14s", v->vary[j]);
	for (size_t k = 0; k < v->nr_metrics; k++)
		printf("  %14s", v->metric[k]);
	putchar('\n');
	for (size_t i = 0; i < v->nr; i++) {
		const struct store_run *r = &v->runs[i];

		printf("%5lld  %-7s  %-22s  %-12s", (long long)r->id, status_name(r->status),
		       printable(r->label, lb, sizeof(lb)),
		       *r->scenario ? printable(r->scenario, sc, sizeof(sc)) : "-");
		for (size_t j = 0; j < shown; j++) {
			const char *x = kvs_get(&v->cfg[i], v->vary[j]);

			printf("  %-14s", x ? x : "-");
		}
		for (size_t k = 0; k < v->nr_metrics; k++) {
			double x = v->val[i * v->nr_metrics + k];

			if (isfinite(x))
				printf("  %14.6g", x);
			else
				printf("  %14s", "n/a");
		}
		putchar('\n');
	}
	printf("%zu run%s", v->nr, v->nr == 1 ? "" : "s");
	if (v->nr_vary > shown)
		printf("; %zu more varying config keys (see --csv)", v->nr_vary - shown);
	putchar('\n');
}

/* Everything after the options: open, filter, load, print. */
static int list(const char *db, const struct cli_where *wh, struct view *v,
		const struct cli_outfmt *fmt)
{
	struct store *st;
	char err[512];
	int status;

	st = store__open(db, STORE_READONLY, err, sizeof(err));
	if (!st)
		return cli_error("runs", "%s", err);
	status = cli_where_check("runs", wh, st, db);
	if (status)
		goto out;
	status = CLI_FAIL;
	if (store__list_runs(st, wh->w, wh->nr, &v->runs, &v->nr)) {
		cli_error("runs", "%s: %s", db, store__errmsg(st));
		goto out;
	}
	v->cfg = calloc(v->nr ? v->nr : 1, sizeof(*v->cfg));
	if (!v->cfg)
		goto out;
	for (size_t i = 0; i < v->nr; i++)
		store__for_each_config(st, v->runs[i].id, kvs_cb, &v->cfg[i]);
	if (find_vary(v))
		goto out;
	status = load_metrics(st, v);
	if (status)
		goto out;
	if (fmt->json)
		print_json(v);
	else if (fmt->csv)
		print_csv(v);
	else
		print_table(v);
	status = CLI_OK;
out:
	store__close(st);
	return status;
}

int cmd_runs(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},      {"where", required_argument, NULL, 'w'},
	    {"metrics", required_argument, NULL, 'm'}, CLI_OUTFMT_OPTIONS,
	    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0},
	};
	struct cli_where wh = {0};
	struct view v = {0};
	struct cli_outfmt fmt = {0};
	const char *db = NULL;
	int c, status = CLI_USAGE;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (cli_outfmt_opt(&fmt, c))
			continue;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'w':
			if (cli_where_add("runs", &wh, optarg))
				goto out;
			break;
		case 'm':
			if (parse_metrics(&v, optarg))
				goto out;
			break;
		case 'h':
			usage(stdout);
			status = CLI_OK;
			goto out;
		default:
			cli_usage_error("runs", "bad option");
			goto out;
		}
	}
	if (!db)
		cli_usage_error("runs", "--db FILE is required");
	else if (optind < argc)
		cli_usage_error("runs", "unexpected argument '%s'", argv[optind]);
	else if (!cli_outfmt_check("runs", &fmt))
		status = list(db, &wh, &v, &fmt);
out:
	view_free(&v);
	cli_where_free(&wh);
	return status;
}
