// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_runs.c - `svatrace runs`: list the runs of a results database, with
 * the config keys that vary between them, as a table, JSON or CSV.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/store.h"
#include "cli/cli.h"
#include "common/jsonstr.h"
#include "cli/outfmt.h"
#include "cli/where.h"

#define MAX_VARY_SHOWN 5 /* varying keys shown as table columns */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace runs --db FILE [--where KEY=VALUE]... [--json|--csv]\n"
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
	    "  --json             a JSON array of runs, each with its full config\n"
	    "  --csv              CSV with a header row (all varying keys as columns)\n"
	    "\n"
	    "Example:\n"
	    "  svatrace runs --db results.db --where pt.page_bytes=4k --where status=ok\n");
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

int cmd_runs(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"where", required_argument, NULL, 'w'},
	    CLI_OUTFMT_OPTIONS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli_where wh = {0};
	size_t nr = 0, nr_vary = 0;
	const char *db = NULL;
	struct cli_outfmt fmt = {0};
	struct store_run *runs = NULL;
	struct kvs *cfg = NULL;
	const char **vary = NULL;
	struct store *st;
	char err[512];
	int c, status = CLI_FAIL;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (cli_outfmt_opt(&fmt, c))
			continue;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'w':
			if (cli_where_add("runs", &wh, optarg)) {
				cli_where_free(&wh);
				return CLI_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("runs", "bad option");
		}
	}
	if (!db)
		return cli_usage_error("runs", "--db FILE is required");
	if (optind < argc)
		return cli_usage_error("runs", "unexpected argument '%s'", argv[optind]);
	if (cli_outfmt_check("runs", &fmt))
		return CLI_USAGE;
	st = store__open(db, STORE_READONLY, err, sizeof(err));
	if (!st) {
		cli_error("runs", "%s", err);
		goto out_where;
	}
	if (store__list_runs(st, wh.w, wh.nr, &runs, &nr)) {
		cli_error("runs", "%s: %s", db, store__errmsg(st));
		goto out;
	}
	cfg = calloc(nr ? nr : 1, sizeof(*cfg));
	vary = calloc(1, sizeof(*vary));
	if (!cfg || !vary)
		goto out;
	for (size_t i = 0; i < nr; i++)
		store__for_each_config(st, runs[i].id, kvs_cb, &cfg[i]);
	/* keys whose values are not all equal (keys of the union, in run 0's order first) */
	for (size_t i = 0; i < nr; i++) {
		for (size_t k = 0; k < cfg[i].nr; k++) {
			const char *key = cfg[i].k[k], *v0 = kvs_get(&cfg[0], key);
			bool differs = false, seen = false;

			for (size_t j = 0; j < nr_vary; j++)
				seen |= !strcmp(vary[j], key);
			for (size_t j = 0; !seen && j < nr && !differs; j++) {
				const char *vj = kvs_get(&cfg[j], key);

				differs = !v0 || !vj || strcmp(v0, vj);
			}
			if (!seen && differs) {
				const char **nv = realloc(vary, (nr_vary + 1) * sizeof(*nv));

				if (!nv)
					goto out;
				vary = nv;
				vary[nr_vary++] = key;
			}
		}
	}
	if (fmt.json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < nr; i++) {
			const struct store_run *r = &runs[i];
			json_t *conf = json_object();
			json_t *meta =
			    *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;

			for (size_t k = 0; k < cfg[i].nr; k++)
				json_object_set_new(conf, cfg[i].k[k], json_string(cfg[i].v[k]));
			json_array_append_new(
			    arr,
			    json_pack("{s:I, s:s, s:s, s:i, s:o, s:o, s:s, s:I, s:o, s:s, s:I, "
				      "s:s, s:o, s:o}",
				      "id", (json_int_t)r->id, "time", r->time_utc, "status_name",
				      status_name(r->status), "status", r->status, "label",
				      svt_json_bytes(r->label), "scenario",
				      svt_json_bytes(r->scenario), "tool_version", r->tool_version,
				      "seed", (json_int_t)r->seed, "trace_path",
				      svt_json_bytes(r->trace_path), "trace_hash", r->trace_hash,
				      "trace_bytes", (json_int_t)r->trace_bytes, "point_key",
				      r->point_key, "trace_meta", meta ? meta : json_null(),
				      "config", conf));
		}
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	} else if (fmt.csv) {
		printf("id,time,status,label,scenario,seed,trace_path,trace_hash,point_key");
		for (size_t j = 0; j < nr_vary; j++) {
			putchar(',');
			csv_field(vary[j]);
		}
		putchar('\n');
		for (size_t i = 0; i < nr; i++) {
			const struct store_run *r = &runs[i];

			printf("%lld,%s,%s,", (long long)r->id, r->time_utc,
			       status_name(r->status));
			csv_field(r->label);
			putchar(',');
			csv_field(r->scenario);
			printf(",%llu,", (unsigned long long)r->seed);
			csv_field(r->trace_path);
			printf(",%s,%s", r->trace_hash, r->point_key);
			for (size_t j = 0; j < nr_vary; j++) {
				const char *v = kvs_get(&cfg[i], vary[j]);

				putchar(',');
				csv_field(v ? v : "");
			}
			putchar('\n');
		}
	} else {
		size_t shown = nr_vary < MAX_VARY_SHOWN ? nr_vary : MAX_VARY_SHOWN;

		printf("%5s  %-7s  %-22s  %-12s", "ID", "STATUS", "LABEL", "SCENARIO");
		for (size_t j = 0; j < shown; j++)
			printf("  %-14s", vary[j]);
		putchar('\n');
		for (size_t i = 0; i < nr; i++) {
			const struct store_run *r = &runs[i];

			char lb[256], sc[256];

			printf("%5lld  %-7s  %-22s  %-12s", (long long)r->id,
			       status_name(r->status), printable(r->label, lb, sizeof(lb)),
			       *r->scenario ? printable(r->scenario, sc, sizeof(sc)) : "-");
			for (size_t j = 0; j < shown; j++) {
				const char *v = kvs_get(&cfg[i], vary[j]);

				printf("  %-14s", v ? v : "-");
			}
			putchar('\n');
		}
		printf("%zu run%s", nr, nr == 1 ? "" : "s");
		if (nr_vary > shown)
			printf("; %zu more varying config keys (see --csv)", nr_vary - shown);
		putchar('\n');
	}
	status = CLI_OK;
out:
	for (size_t i = 0; cfg && i < nr; i++)
		kvs_free(&cfg[i]);
	free(cfg);
	free(vary);
	store_runs_free(runs, nr);
	store__close(st);
out_where:
	cli_where_free(&wh);
	return status;
}
