// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_export.c - `svatrace export`: a trace in another tool's format.
 * --perfetto writes Perfetto's native protobuf trace (export/perfetto.h),
 * with --replay the model's series of the same trace as counter tracks;
 * --sqlite writes one typed table per record kind (export/sqlite.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "export/perfetto.h"
#include "export/sqlite.h"
#include "model/params.h"
#include "model/results.h"
#include "model/xlate/config.h"
#include "replay/registry.h"
#include "replay/replay.h"
#include "replay/scenario.h"
#include "sweep/resolve.h"

#define CMD "export"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace export --perfetto TRACE -o FILE [--replay] [--profile NAME|FILE]\n"
	    "                       [--set KEY=VALUE]... [--scenario SPEC] [--seed N]\n"
	    "       svatrace export --sqlite TRACE -o FILE.db\n"
	    "\n"
	    "Write a trace in another tool's format.\n"
	    "\n"
	    "--perfetto: Perfetto's native protobuf trace (open it in ui.perfetto.dev or\n"
	    "query it with trace_processor). One track per device, per IOMMU unit, and\n"
	    "per CPU for records that name neither; every record is one event named by\n"
	    "its system:name event with its fields as arguments. iommu:map opens a slice\n"
	    "on a per-device map lane that the unmap of the same IOVA closes (the\n"
	    "mapping's lifetime); work queues get a descriptors-in-flight counter. With\n"
	    "--replay (or any of --profile/--set/--scenario/--seed) the trace is also\n"
	    "replayed through the model and its time series (IOTLB misses, page\n"
	    "requests, invalidations, live and pinned bytes per window) become counter\n"
	    "tracks under \"Model (replay)\".\n"
	    "\n"
	    "--sqlite: an SQLite database with one table per record kind (the fields\n"
	    "'svatrace dump' shows, typed), strings resolved, indexes on time and\n"
	    "device; query it with 'svatrace sql' or sqlite3 (docs/sql.md).\n"
	    "\n"
	    "Options:\n"
	    "  --perfetto            write a Perfetto protobuf trace\n"
	    "  --sqlite              write an SQLite database\n"
	    "  -o, --output FILE     file to write (replaced if it exists)\n"
	    "  --replay              add the model's series (Perfetto only)\n"
	    "  --profile NAME|FILE   replay: calibration profile (default: default)\n"
	    "  --set KEY=VALUE       replay: override a parameter (repeatable)\n"
	    "  --scenario SPEC       replay: scenario transforms ('--scenario help')\n"
	    "  --seed N              replay: model seed\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Examples:\n"
	    "  svatrace export --perfetto host.svt -o host.pftrace\n"
	    "  svatrace export --perfetto host.svt --replay --set iotlb.entries=64 -o m.pftrace\n"
	    "  svatrace export --sqlite host.svt -o host.db && svatrace sql host.db \\\n"
	    "      'SELECT device, count(*) FROM iommu_map GROUP BY device'\n");
}

/* ---- a results sink that keeps only the series, for the counter tracks */

struct series_keep {
	struct perfetto_series *s; /* kept series */
	size_t nr;		   /* entries */
};

static int nop_begin(void *ctx, const struct results_run_info *info)
{
	return 0;
}
static int nop_config(void *ctx, const char *k, const char *v, const char *src)
{
	return 0;
}
static int nop_metric(void *ctx, const char *k, double v, const char *unit)
{
	return 0;
}
static int nop_hist(void *ctx, const char *k, const struct results_hist *h)
{
	return 0;
}
static int nop_end(void *ctx, int status)
{
	return 0;
}

static int keep_series(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		       const double *values, size_t nr)
{
	struct series_keep *k = ctx;
	struct perfetto_series *s = realloc(k->s, (k->nr + 1) * sizeof(*s));
	double *v = malloc((nr ? nr : 1) * sizeof(*v));
	char *name = strdup(key);

	if (s)
		k->s = s;
	if (!s || !v || !name) {
		free(v);
		free(name);
		return -ENOMEM;
	}
	memcpy(v, values, nr * sizeof(*v));
	k->s[k->nr++] = (struct perfetto_series){name, start_ns, window_ns, v, nr};
	return 0;
}

static const struct results_sink_ops keep_ops = {
    .begin_run = nop_begin,
    .config = nop_config,
    .metric = nop_metric,
    .histogram = nop_hist,
    .series = keep_series,
    .end_run = nop_end,
};

static void series_free(struct series_keep *k)
{
	for (size_t i = 0; i < k->nr; i++) {
		free((char *)k->s[i].key);
		free((double *)k->s[i].values);
	}
	free(k->s);
}

static int run_replay(const char *trace, const char *profile, const char *scenario,
		      const char *seed, char **sets, int nr_sets, struct series_keep *keep)
{
	struct sweep_setting *sset = calloc((size_t)nr_sets + 2, sizeof(*sset));
	char(*keys)[128] = calloc((size_t)nr_sets + 1, sizeof(*keys));
	struct params *p = params__new(svt_param_registry);
	struct results_sink sink = {&keep_ops, keep};
	struct scenario_chain *chain = NULL; /* built once, by the resolve */
	char spec[1024] = "", err[512];
	int n = 0, rc = CLI_OK;

	if (!sset || !keys || !p) {
		rc = cli_error(CMD, "out of memory");
		goto out;
	}
	for (int i = 0; i < nr_sets; i++) {
		const char *v;

		if (sweep_split_setting(sets[i], keys[i], sizeof(keys[i]), &v)) {
			rc = cli_usage_error(CMD, "--set '%s': want KEY=VALUE", sets[i]);
			goto out;
		}
		sset[n++] = (struct sweep_setting){keys[i], v, "--set"};
	}
	if (seed)
		sset[n++] = (struct sweep_setting){"model.seed", seed, "--seed"};
	if (sweep_resolve_chain(p, profile, scenario, sset, (size_t)n, &chain, spec, sizeof(spec),
				err, sizeof(err))) {
		rc = cli_usage_error(CMD, "%s", err);
		goto out;
	}
	{
		const struct model_cfg *mc = params__cfg(p, &model_param_table);
		struct replay_opts o = {.params = p,
					.trace_path = trace,
					.scenario = spec,
					.chain = chain,
					.seed = mc ? mc->seed : 0};

		if (replay_run(&o, &sink))
			rc = CLI_FAIL; /* replay said what through the log */
	}
out:
	scenario_chain__free(chain);
	params__free(p);
	free(sset);
	free(keys);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	enum { O_PERFETTO = 256, O_SQLITE, O_REPLAY, O_PROFILE, O_SET, O_SCENARIO, O_SEED };
	static const struct option opts[] = {
	    {"perfetto", no_argument, NULL, O_PERFETTO},
	    {"sqlite", no_argument, NULL, O_SQLITE},
	    {"output", required_argument, NULL, 'o'},
	    {"replay", no_argument, NULL, O_REPLAY},
	    {"profile", required_argument, NULL, O_PROFILE},
	    {"set", required_argument, NULL, O_SET},
	    {"scenario", required_argument, NULL, O_SCENARIO},
	    {"seed", required_argument, NULL, O_SEED},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL, *profile = NULL, *scenario = NULL, *seed = NULL, *trace;
	char **sets = calloc((size_t)argc + 1, sizeof(*sets));
	struct series_keep keep = {0};
	int fmt = 0, nr_sets = 0, c, rc = CLI_OK;
	bool replay = false;
	char err[512];

	if (!sets)
		return cli_error(CMD, "out of memory");
	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:h", opts)) != -1) {
		switch (c) {
		case O_PERFETTO:
		case O_SQLITE:
			if (fmt && fmt != c) {
				rc = cli_usage_error(CMD, "--perfetto or --sqlite, not both");
				goto out;
			}
			fmt = c;
			break;
		case 'o':
			out = optarg;
			break;
		case O_REPLAY:
			replay = true;
			break;
		case O_PROFILE:
			profile = optarg;
			replay = true;
			break;
		case O_SET:
			sets[nr_sets++] = optarg;
			replay = true;
			break;
		case O_SCENARIO:
			scenario = optarg;
			replay = true;
			break;
		case O_SEED:
			seed = optarg;
			replay = true;
			break;
		case 'h':
			usage(stdout);
			goto out;
		default:
			rc = cli_usage_error(CMD, "unknown option");
			goto out;
		}
	}
	if (!fmt) {
		rc = cli_usage_error(CMD, "say which format: --perfetto or --sqlite");
		goto out;
	}
	if (optind != argc - 1) {
		rc = cli_usage_error(CMD, optind >= argc ? "no TRACE given" : "one TRACE only");
		goto out;
	}
	if (!out) {
		rc = cli_usage_error(CMD, "no output file: -o FILE");
		goto out;
	}
	trace = argv[optind];
	if (fmt == O_SQLITE) {
		struct sqlite_export_stats st;

		if (replay) {
			rc = cli_usage_error(CMD, "--replay and its options go with --perfetto");
			goto out;
		}
		if (sqlite_export(trace, out, &st, err, sizeof(err)))
			rc = cli_error(CMD, "%s", err);
		else
			fprintf(stderr, "svatrace export: %s: %" PRIu64 " records in %u tables\n",
				out, st.nr_records, st.nr_tables);
		goto out;
	}
	if (replay) {
		rc = run_replay(trace, profile, scenario, seed, sets, nr_sets, &keep);
		if (rc)
			goto out;
	}
	{
		struct perfetto_stats st;

		if (perfetto_export(trace, out, keep.s, keep.nr, &st, err, sizeof(err))) {
			rc = cli_error(CMD, "%s", err);
			goto out;
		}
		fprintf(stderr,
			"svatrace export: %s: %" PRIu64 " bytes, %" PRIu64 " events (%" PRIu64
			" mapping slices), %" PRIu64 " counter values; tracks: %u CPU, %u device, "
			"%u IOMMU unit, %u map lane, %u counter\n",
			out, st.out_bytes, st.nr_events, st.nr_slices, st.nr_counter_events,
			st.nr_cpu_tracks, st.nr_device_tracks, st.nr_unit_tracks, st.nr_lane_tracks,
			st.nr_counter_tracks);
	}
out:
	series_free(&keep);
	free(sets);
	return rc;
}
