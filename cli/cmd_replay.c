// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_replay.c - `svatrace replay`: stream a trace through the translation
 * model and print its metrics (human summary or one JSON object).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/store.h"
#include "analyze/store_sink.h"
#include "cli/cli.h"
#include "common/log.h"
#include "model/xlate/config.h"
#include "model/params.h"
#include "replay/counters.h"
#include "replay/inval_amd.h"
#include "replay/registry.h"
#include "replay/replay.h"
#include "replay/scenario.h"
#include "replay/sinks.h"
#include "replay/wq_hostcfg.h"
#include "sweep/resolve.h"

#define CMD "replay"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace replay TRACE [--profile NAME|FILE] [--set KEY=VALUE]... [--json]\n"
	    "                       [--seed N] [--label TEXT] [--db FILE] [--scenario SPEC]\n"
	    "                       [--wq-config FILE] [--counters FILE]\n"
	    "       svatrace replay --scenario help\n"
	    "       svatrace replay --list-params [--json] [--profile ...] [--set ...]\n"
	    "\n"
	    "Replays a native trace through the model of I/O address translation: IOTLB,\n"
	    "paging-structure caches and walkers, per-device ATC with ATS, PRI page faults,\n"
	    "the pinned path with strict or lazy invalidation. Device accesses come from\n"
	    "DEV_ACCESS records (see 'svatrace import --from access-csv') and from maps,\n"
	    "which expand into accesses per page (replay.expand; docs/replay.md).\n"
	    "PAGE_REQ records (intel_iommu:prq_report, or made by the faulting scenario)\n"
	    "enter the PRI path as page requests: one response per page request group,\n"
	    "pri.* metrics (docs/model.md).\n"
	    "Work-queue submit/complete records drive the DSA work-queue model (wq.* keys:\n"
	    "wq.wq0.mode=dedicated|shared, wq.loop=closed|open, wq.xlate=model|fixed|none;\n"
	    "docs/wq-model.md), e.g. --set wq.wq0.mode=shared on a 'gen dsa-memcpy' trace.\n"
	    "\n"
	    "Options:\n"
	    "  --profile NAME|FILE  calibration profile: data/profiles/NAME.ini or an INI file\n"
	    "                       (default: built-in defaults = data/profiles/default.ini;\n"
	    "                       amd-vi when the trace's host snapshot says AMD-Vi)\n"
	    "  --scenario SPEC      rewrite the trace first: "
	    "NAME[=VALUE][:key=value...][,NAME...]\n"
	    "                       e.g. faulting:resident=0.5 or pinned,pagesize=2m; its model\n"
	    "                       overrides apply after the profile, before --set\n"
	    "                       ('--scenario help' lists transforms; docs/scenarios.md)\n"
	    "  --wq-config FILE     DSA work queues from accel-config JSON (accel-config list or\n"
	    "                       save-config): wq.* keys after the scenario, before --set.\n"
	    "                       Without it a trace's host snapshot (svatrace collect) sets\n"
	    "                       them, below the profile; --list-params TRACE shows origins\n"
	    "  --set KEY=VALUE      override one parameter (repeatable; after the profile)\n"
	    "  --seed N             model.seed and wq.seed (every random draw of both models)\n"
	    "  --json               print one JSON object of metrics (flat dotted keys)\n"
	    "  --label TEXT         run label (default: \"replay TRACE\")\n"
	    "  --db FILE            also store the run (config, metrics, histogram, series)\n"
	    "                       in a SQLite results database (created if missing)\n"
	    "  --list-params        print every parameter: key, unit, kind, value, source\n"
	    "  --counters FILE      also compare the counter records of FILE (e.g. 'import --from\n"
	    "                       pcm-iio' output taken during the trace) with the model\n"
	    "                       (docs/counters.md)\n"
	    "  --strict             fail (exit 1) when the trace has nothing the model uses\n"
	    "                       (default: a warning naming the record kinds it needs)\n"
	    "  -h, --help           this help\n"
	    "\n"
	    "Values: each key has a kind (--list-params, KIND column); units are\n"
	    "case-insensitive, and a unit of another kind is an error (exit 2):\n"
	    "  bytes     binary: 4k = 4KiB = 4096 (b, k/kib, m/mib, g/gib, t/tib)\n"
	    "  entries   binary: 1k = 1024 (entries of caches and queues)\n"
	    "  count     decimal: 1k = 1000 (other counts, ids, seeds)\n"
	    "  rate      decimal: 1k = 1000 (per second or per the unit shown)\n"
	    "  duration  ns, us, ms, s (a bare number is ns)\n"
	    "  real      a plain number (fractions)\n"
	    "\n"
	    "Examples:\n"
	    "  svatrace import --from ftrace-text run.txt -o run.svt\n"
	    "  svatrace replay run.svt\n"
	    "  svatrace replay run.svt --set iotlb.entries=256 --set pt.page_bytes=2M --json\n"
	    "  svatrace replay sim.svt --set ats.enabled=on --set model.mode=faulting\n"
	    "  svatrace replay sim.svt --scenario faulting:resident=0.9 --db results.db\n"
	    "\n"
	    "Exit status: 0 ok, 1 the trace could not be read, 2 bad option or parameter.\n");
}

static void scenario_help(const struct scenario_ops *ops, void *ctx)
{
	(void)ctx;
	printf("%s%s%s\n    %s\n", ops->name, ops->value ? "=" : "", ops->value ? ops->value : "",
	       ops->summary);
	if (ops->help && *ops->help) {
		const char *s = ops->help;

		while (*s) {
			size_t n = strcspn(s, "\n");

			printf("    %.*s\n", (int)n, s);
			s += n;
			if (*s)
				s++;
		}
	}
	putchar('\n');
}

/**
 * replay_scenario_help() - print every scenario transform with its help.
 * Shared with `svatrace sweep --scenario help`.
 */
void replay_scenario_help(void)
{
	printf("Scenario transforms (--scenario NAME[=VALUE][:key=value...][,NAME...]),\n"
	       "applied left to right before the model sees the records:\n\n");
	scenario_foreach(scenario_help, NULL);
}

/* calibrated / cited / estimated from the value's own source; "user" for --set. */
static const char *provenance(const struct param_def *d, const char *origin, const char **src)
{
	const char *ps = strstr(origin, ": "); /* "profile FILE: its source comment" */

	*src = NULL;
	if (!strcmp(origin, "default"))
		return param_provenance(d->source);
	if (!strncmp(origin, "profile ", 8)) {
		if (!ps)
			return "estimated"; /* a profile value without a source comment */
		*src = ps + 2;
		return param_provenance(*src);
	}
	return "user";
}

static void list_text(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	const char *kind = d->type == PARAM_BOOL   ? "on/off"
			   : d->type == PARAM_ENUM ? "choice"
						   : units_kind_name(params_def_kind(d));
	const char *src, *prov = provenance(d, origin, &src);

	printf("%-26s %-8s %-8s %-10s %s\n", d->key, *d->unit ? d->unit : "-", kind, value,
	       d->help);
	if (src)
		printf("%-26s %-8s %-8s %-10s   [%s] source: %s (set by %.*s)\n", "", "", "", "",
		       prov, src, (int)(src - 2 - origin), origin);
	else
		printf("%-26s %-8s %-8s %-10s   [%s] source: %s%s%s\n", "", "", "", "", prov,
		       d->source, strcmp(origin, "default") ? "; set by " : "",
		       strcmp(origin, "default") ? origin : "");
	if (d->type == PARAM_ENUM)
		printf("%-26s %-8s %-8s %-10s   choices: %s\n", "", "", "", "", d->choices);
}

static void list_json(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	json_t *o = json_object();
	static const char *const types[] = {"u64", "u32", "double", "bool", "enum"};

	json_object_set_new(o, "key", json_string(d->key));
	json_object_set_new(o, "type", json_string(types[d->type]));
	json_object_set_new(o, "unit", json_string(d->unit));
	if (d->type != PARAM_BOOL && d->type != PARAM_ENUM)
		json_object_set_new(o, "kind", json_string(units_kind_name(params_def_kind(d))));
	json_object_set_new(o, "default", json_string(d->dflt));
	json_object_set_new(o, "value", json_string(value));
	json_object_set_new(o, "origin", json_string(origin));
	json_object_set_new(o, "source", json_string(d->source));
	{
		const char *src;

		json_object_set_new(o, "provenance", json_string(provenance(d, origin, &src)));
	}
	json_object_set_new(o, "help", json_string(d->help));
	if (d->type == PARAM_ENUM)
		json_object_set_new(o, "choices", json_string(d->choices));
	else if (d->type != PARAM_BOOL) {
		json_object_set_new(o, "min", json_real(d->min));
		json_object_set_new(o, "max", json_real(d->max));
	}
	json_array_append_new(ctx, o);
}

struct progress {
	struct timespec last; /* last draw */
	bool drawn;	      /* something on the line */
};

static void draw_progress(uint64_t done, uint64_t total, void *ctx)
{
	struct progress *pg = ctx;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < total && pg->drawn &&
	    (now.tv_sec - pg->last.tv_sec) * 1000000000L + (now.tv_nsec - pg->last.tv_nsec) <
		200000000L)
		return;
	pg->last = now;
	if (done >= total) {
		if (pg->drawn)
			fprintf(stderr, "\r%40s\r", "");
		pg->drawn = false;
		return;
	}
	fprintf(stderr, "\rreplay: %5.1f%% (%llu of %llu MiB)",
		total ? 100.0 * (double)done / (double)total : 0, (unsigned long long)(done >> 20),
		(unsigned long long)(total >> 20));
	pg->drawn = true;
}

/* The command line, parsed. */
struct args {
	const char *profile, *seed, *label, *db, *scenario; /* options, NULL if absent */
	const char *wq_config;				    /* --wq-config FILE */
	const char *counters;				    /* --counters FILE */
	bool json, list;				    /* --json, --list-params */
	bool strict;					    /* --strict */
	char **sets;					    /* --set texts */
	int nr_sets;					    /* their number */
	const char *trace;				    /* TRACE */
};

/* Return: CLI_OK to go on, CLI_DONE (help printed), or a CLI error code. */
#define CLI_DONE (-1)
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    {"profile", required_argument, NULL, 'p'},
	    {"set", required_argument, NULL, 's'},
	    {"seed", required_argument, NULL, 'S'},
	    {"json", no_argument, NULL, 'j'},
	    {"label", required_argument, NULL, 'l'},
	    {"db", required_argument, NULL, 'd'},
	    {"list-params", no_argument, NULL, 'L'},
	    {"scenario", required_argument, NULL, 'C'},
	    {"wq-config", required_argument, NULL, 'W'},
	    {"strict", no_argument, NULL, 'T'},
	    {"counters", required_argument, NULL, 'K'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'p':
			a->profile = optarg;
			break;
		case 's':
			a->sets[a->nr_sets++] = optarg;
			break;
		case 'S':
			a->seed = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'l':
			if (cli_check_label(CMD, optarg))
				return CLI_USAGE;
			a->label = optarg;
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'L':
			a->list = true;
			break;
		case 'C':
			a->scenario = optarg;
			break;
		case 'T':
			a->strict = true;
			break;
		case 'W':
			a->wq_config = optarg;
			break;
		case 'K':
			a->counters = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_DONE;
		default:
			return cli_usage_error(CMD, "unknown option");
		}
	}
	if (a->scenario && !strcmp(a->scenario, "help")) {
		replay_scenario_help();
		return CLI_DONE;
	}
	if (a->list && optind < argc - 1)
		return cli_usage_error(CMD, "one TRACE only");
	if (!a->list && optind != argc - 1)
		return cli_usage_error(CMD, optind >= argc ? "no TRACE given" : "one TRACE only");
	/* --list-params TRACE shows which values the trace's host snapshot sets */
	a->trace = optind == argc - 1 ? argv[optind] : NULL;
	return CLI_OK;
}

/*
 * The run's parameters: trace host snapshot < profile < scenario overrides <
 * --wq-config < --set < --seed (without the first and fourth, the rule sweeps
 * use too: sweep/resolve.h). @spec receives the normalised scenario spec,
 * *@chain the scenario chain, built once (see replay_opts.chain).
 */
static int resolve(const struct args *a, struct params **out, struct scenario_chain **chain,
		   char *spec, size_t spec_bytes)
{
	struct sweep_setting *sset =
	    calloc((size_t)a->nr_sets + 2 + WQ_HOSTCFG_MAX_KV, sizeof(*sset)); /* --seed: two */
	char(*keys)[128] = calloc((size_t)a->nr_sets + 1, sizeof(*keys));
	struct wq_hostcfg_kv *wkv = calloc(WQ_HOSTCFG_MAX_KV, sizeof(*wkv));
	struct params *p = params__new(svt_param_registry);
	const char *profile = a->profile;
	static char wq_origin[1100];
	size_t n = 0, nr_wkv = 0;
	char err[512];
	int rc = CLI_OK;

	if (!sset || !keys || !wkv || !p) {
		rc = cli_error(CMD, "parameter tables: %s", strerror(errno));
		goto out;
	}
	/* the snapshot describes the trace; one that does not fit is a warning, not a stop */
	if (a->trace && wq_hostcfg_apply_trace(p, a->trace, err, sizeof(err)) < 0)
		svt_warn("replay: %s (DSA configuration from it not used)", err);
	if (a->wq_config) {
		if (wq_hostcfg_read_file(a->wq_config, wkv, &nr_wkv, err, sizeof(err))) {
			rc = cli_usage_error(CMD, "--wq-config %s", err);
			goto out;
		}
		snprintf(wq_origin, sizeof(wq_origin), "--wq-config %s", a->wq_config);
		for (size_t i = 0; i < nr_wkv; i++)
			sset[n++] = (struct sweep_setting){wkv[i].key, wkv[i].value, wq_origin};
	}
	for (int i = 0; i < a->nr_sets; i++, n++) {
		const char *v;

		if (sweep_split_setting(a->sets[i], keys[i], sizeof(keys[i]), &v)) {
			rc = cli_usage_error(CMD, "--set '%s': want KEY=VALUE", a->sets[i]);
			goto out;
		}
		sset[n] = (struct sweep_setting){keys[i], v, "--set"};
	}
	if (a->seed) { /* the seed of both models, stored as what they ran with */
		sset[n++] = (struct sweep_setting){"model.seed", a->seed, "--seed"};
		sset[n++] = (struct sweep_setting){"wq.seed", a->seed, "--seed"};
	}
	/* no --profile on a trace whose host snapshot says AMD-Vi: its profile */
	if (!profile && a->trace && (profile = inval_amd_trace_profile(a->trace)))
		svt_info("replay: the trace's host snapshot says AMD-Vi: profile %s (--profile "
			 "default: the built-in defaults)",
			 profile);
	if (sweep_resolve_chain(p, profile, a->scenario, sset, n, chain, spec, spec_bytes, err,
				sizeof(err)))
		rc = cli_usage_error(CMD, "%s", err);
out:
	free(sset);
	free(keys);
	free(wkv);
	if (rc == CLI_OK)
		*out = p;
	else
		params__free(p);
	return rc;
}

static void list_params(const struct params *p, bool json)
{
	if (json) {
		json_t *a = json_array();

		params__foreach(p, list_json, a);
		json_dumpf(a, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(a);
	} else {
		printf("%-26s %-8s %-8s %-10s %s\n", "KEY", "UNIT", "KIND", "VALUE",
		       "MEANING / SOURCE");
		params__foreach(p, list_text, NULL);
	}
}

/* Where results go: the printer, teed into a results database with --db. */
struct sinks {
	struct results_sink *printer; /* text or JSON on stdout */
	struct store *st;	      /* --db */
	struct store_sink *ss;	      /* its staging sink */
	struct results_sink db;	      /* ss as a results sink */
	struct results_sink *sink;    /* what the replay reports to */
	bool json;		      /* printer kind */
};

static int sinks_open(struct sinks *k, const struct args *a)
{
	char err[512];

	k->json = a->json;
	k->printer = a->json ? json_sink__new(stdout) : text_sink__new(stdout);
	if (!k->printer)
		return cli_error(CMD, "out of memory");
	k->sink = k->printer;
	if (!a->db)
		return CLI_OK;
	k->st = store__open(a->db, STORE_CREATE, err, sizeof(err));
	if (!k->st)
		return cli_error(CMD, "%s", err);
	k->ss = store_sink__new(k->st);
	if (!k->ss)
		return cli_error(CMD, "%s: %s", a->db, strerror(errno));
	k->db = store_sink__sink(k->ss);
	k->sink = tee_sink__new(k->printer, &k->db);
	if (!k->sink)
		return cli_error(CMD, "out of memory");
	return CLI_OK;
}

static void sinks_close(struct sinks *k)
{
	if (k->sink && k->sink != k->printer)
		tee_sink__free(k->sink);
	if (k->printer)
		k->json ? json_sink__free(k->printer) : text_sink__free(k->printer);
	store_sink__free(k->ss);
	store__close(k->st);
}

/*
 * The record kinds replay feeds to the model (replay/request.c); a trace
 * with none of them replays to all-zero results.
 */
#define MODEL_INPUT_KINDS                                                                          \
	"iommu_map, iommu_unmap, dma, dev_access, qi_submit, page_req, pin, wq_submit, "           \
	"wq_complete"

/* Watches the run's replay.records.KIND metrics: which kinds were replayed. */
struct used_kinds {
	uint64_t nr_used;    /* records of MODEL_INPUT_KINDS */
	uint64_t nr_skipped; /* records replay does not read (generic ones) */
	char seen[256];	     /* "KIND N, ..." of every kind replayed */
};

static int used_kinds_metric(void *ctx, const char *key, double value, const char *unit)
{
	struct used_kinds *uk = ctx;
	static const char inputs[] = MODEL_INPUT_KINDS;
	const char *kind, *p;
	size_t n = strlen(uk->seen), klen;

	(void)unit;
	if (!strcmp(key, "replay.skipped"))
		uk->nr_skipped = (uint64_t)value;
	if (strncmp(key, "replay.records.", 15))
		return 0;
	kind = key + 15;
	klen = strlen(kind);
	snprintf(uk->seen + n, sizeof(uk->seen) - n, "%s%s %.0f", n ? ", " : "", kind, value);
	for (p = strstr(inputs, kind); p; p = strstr(p + 1, kind))
		if ((p == inputs || p[-1] == ' ') && (p[klen] == ',' || !p[klen]))
			uk->nr_used += (uint64_t)value;
	return 0;
}

static const struct results_sink_ops used_kinds_ops = {.metric = used_kinds_metric};

static int run(const struct args *a, const struct params *p, const char *spec,
	       struct scenario_chain *chain)
{
	struct sinks k = {0};
	struct progress pg = {0};
	const struct model_cfg *mc = params__cfg(p, &model_param_table);
	char err[1024];
	struct replay_opts o = {
	    .params = p,
	    .trace_path = a->trace,
	    .label = a->label,
	    .progress = cli_is_tty(stderr) ? draw_progress : NULL,
	    .progress_ctx = &pg,
	    .scenario = spec,
	    .chain = chain,
	    .seed = mc ? mc->seed : 0,
	    .errmsg = err,
	    .errmsg_bytes = sizeof(err),
	};
	struct used_kinds uk = {0};
	struct results_sink watch = {.ops = &used_kinds_ops, .ctx = &uk}, *tee = NULL;
	int rc = sinks_open(&k, a);

	if (rc == CLI_OK && !(tee = tee_sink__new(k.sink, &watch)))
		rc = cli_error(CMD, "out of memory");
	/* replay_run(), plus model vs measured when the trace holds perfmon counts */
	if (rc == CLI_OK && counters_replay_with(&o, a->counters, tee, a->json ? NULL : stdout))
		rc = cli_error(CMD, "%s", err[0] ? err : "failed");
	tee_sink__free(tee);
	sinks_close(&k);
	if (rc == CLI_OK && !uk.nr_used) {
		/* zeros with exit 0 would read as "translation costs nothing" */
		svt_log(a->strict ? SVT_LOG_ERROR : SVT_LOG_WARN,
			"%s: nothing in this trace is input to the model (replayed: %s; %llu "
			"skipped, e.g. generic records of other events); it needs records of "
			"at least one of: %s (iommu:map/unmap, dma:*, intel_iommu:qi_submit/"
			"prq_report events, or device accesses)",
			a->trace, uk.seen[0] ? uk.seen : "none", (unsigned long long)uk.nr_skipped,
			MODEL_INPUT_KINDS);
		if (a->strict)
			rc = CLI_FAIL;
	}
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	struct args a = {.sets = calloc((size_t)argc + 1, sizeof(char *))};
	struct params *p = NULL;
	struct scenario_chain *chain = NULL;
	char spec[1024] = "";
	int rc;

	if (!a.sets)
		return cli_error(CMD, "out of memory");
	rc = parse_args(argc, argv, &a);
	if (rc == CLI_OK)
		rc = resolve(&a, &p, &chain, spec, sizeof(spec));
	if (rc == CLI_OK && a.list)
		list_params(p, a.json);
	else if (rc == CLI_OK)
		rc = run(&a, p, spec, chain);
	scenario_chain__free(chain);
	params__free(p);
	free(a.sets);
	return rc == CLI_DONE ? CLI_OK : rc;
}
