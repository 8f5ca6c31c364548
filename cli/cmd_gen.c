// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_gen.c - `svatrace gen KIND [--set key=value]... [--seed N] -o FILE`:
 * write a synthetic workload (collect/gen_KIND.c) as a native trace file.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "collect/gen/gen.h"
#include "common/log.h"
#include "lib/suggest.h"
#include "trace/trace.h"

static const char *type_name(enum gen_type t)
{
	if (t == GEN_T_CHOICE)
		return "choice";
	if (t == GEN_T_STR)
		return "text";
	return units_kind_name(gen_type_kind(t));
}

static void list_kind(const struct gen_kind *k, void *ctx)
{
	fprintf(ctx, "  %-14s %s\n", k->name, k->summary);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: svatrace gen KIND [--set key=value]... [--seed N] -o FILE\n"
		"       svatrace gen KIND --help      (the kind's keys, defaults and assumptions)\n"
		"\n"
		"Write a synthetic workload as a native svatrace trace (clock: synthetic, time 0\n"
		"at the start). The same kind, keys and seed give the same file, byte for byte.\n"
		"The trace's meta JSON records the generator, every key's value and the seed.\n"
		"\n"
		"Kinds:\n");
	gen_foreach(list_kind, f);
	fprintf(f, "\n"
		   "Options:\n"
		   "  --set key=value   override one key (repeat); see 'svatrace gen KIND --help'\n"
		   "  --seed N          PRNG seed (default 1)\n"
		   "  -o, --output FILE trace file to write (required)\n"
		   "  -h, --help        this help\n"
		   "\n"
		   "Values: each numeric key has a kind ('svatrace gen KIND --help'); units are\n"
		   "case-insensitive:\n"
		   "  bytes     binary: 1k = 1024 (b, k/kib, m/mib, g/gib, t/tib)\n"
		   "  entries   binary: 1k = 1024 (ring and queue sizes)\n"
		   "  count     decimal: 1k = 1000 (ids, numbers of clients or queues)\n"
		   "  rate      decimal: 1k = 1000 per second\n"
		   "  duration  ns, us, ms, s (a bare number is ns)\n"
		   "\n"
		   "Example:\n"
		   "  svatrace gen dsa-memcpy --set clients=8 --set wq_mode=swq --set size=16k -o "
		   "swq8.svt\n"
		   "  svatrace gen random-access --set footprint=1g --set dist=zipf --seed 7 -o "
		   "zipf.svt\n");
}

static void kind_help(FILE *f, const struct gen_kind *k)
{
	fprintf(f, "usage: svatrace gen %s [--set key=value]... [--seed N] -o FILE\n\n%s.\n\n",
		k->name, k->summary);
	fprintf(f, "Assumptions:\n%s\n\nKeys (default in brackets):\n", k->assumptions);
	for (const struct gen_param *p = k->params; p->key; p++) {
		char def[64], type[32];

		snprintf(def, sizeof(def), "[%s]", p->def);
		snprintf(type, sizeof(type), "%s%s%s", type_name(p->type),
			 p->type == GEN_T_RATE || p->type == GEN_T_REAL ? " " : "",
			 p->type == GEN_T_RATE || p->type == GEN_T_REAL ? p->unit : "");
		fprintf(f, "  %-12s %-14s %-13s %s%s%s%s\n", p->key, def, type, p->help,
			p->choices ? " (" : "", p->choices ? p->choices : "",
			p->choices ? ")" : "");
	}
	fprintf(f, "\nExample:\n  svatrace gen %s --set duration=1s --seed 42 -o %s.svt\n", k->name,
		k->name);
}

struct sink {
	struct trace_writer *w; /* output */
	int err;		/* first intern error */
};

static int sink_emit(void *ctx, const struct trace_rec *rec)
{
	struct sink *s = ctx;

	return trace_writer__append(s->w, rec);
}

static uint32_t sink_intern(void *ctx, const char *str)
{
	struct sink *s = ctx;
	uint32_t id = trace_writer__intern(s->w, str);

	if (trace_writer__error(s->w) && !s->err)
		s->err = trace_writer__error(s->w);
	return id;
}

static void add_param(const char *key, const char *value, void *ctx)
{
	json_object_set_new(ctx, key, json_string(value));
}

struct gen_args {
	const struct gen_kind *kind; /* KIND, NULL: not given */
	const char *out_path;	     /* -o */
	char **sets;		     /* --set texts */
	int nr_sets;		     /* their number */
	bool help;		     /* --help */
	uint64_t seed;		     /* --seed */
	char *trace_set;	     /* from-summary's TRACE as "trace=TRACE" (malloc'd) */
};

struct kind_names {
	const char *v[32]; /* generator names */
	size_t n;	   /* used */
};

static void add_kind_name(const struct gen_kind *k, void *ctx)
{
	struct kind_names *kn = ctx;

	if (kn->n < sizeof(kn->v) / sizeof(kn->v[0]))
		kn->v[kn->n++] = k->name;
}

/* "no generator kind 'nic-rxx'; did you mean 'nic-rx'?" */
static int unknown_kind(const char *word)
{
	struct kind_names kn = {.n = 0};
	const char *near;

	gen_foreach(add_kind_name, &kn);
	near = suggest_closest(word, kn.v, kn.n);
	if (near)
		return cli_usage_error("gen", "no generator kind '%s'; did you mean '%s'?", word,
				       near);
	return cli_usage_error("gen", "no generator kind '%s' (see 'svatrace gen --help')", word);
}

/* Options and KIND into @a: CLI_OK, or the exit status of a usage error. */
static int parse_args(int argc, char **argv, struct gen_args *a)
{
	static const struct option opts[] = {
	    {"set", required_argument, NULL, 's'},
	    {"seed", required_argument, NULL, 'S'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char why[192];
	int c;

	while ((c = cli_getopt(argc, argv, "o:h", opts)) != -1) {
		switch (c) {
		case 's':
			a->sets[a->nr_sets++] = optarg;
			break;
		case 'S':
			/* read like replay's --seed (model.seed: a count) */
			if (units_parse_u64(optarg, UNITS_COUNT, &a->seed, why, sizeof(why)))
				return cli_usage_error("gen", "--seed: %s", why);
			break;
		case 'o':
			a->out_path = optarg;
			break;
		case 'h':
			a->help = true;
			break;
		default:
			return CLI_USAGE; /* cli_getopt() said what */
		}
	}
	if (optind < argc) {
		a->kind = gen_find(argv[optind]);
		if (!a->kind)
			return unknown_kind(argv[optind]);
		/* gen from-summary TRACE: the one positional is --set trace=TRACE */
		if (optind + 2 == argc && !strcmp(a->kind->name, "from-summary")) {
			if (asprintf(&a->trace_set, "trace=%s", argv[optind + 1]) < 0) {
				a->trace_set = NULL;
				return cli_error("gen", "out of memory");
			}
			a->sets[a->nr_sets++] = a->trace_set;
		} else if (optind + 1 < argc) {
			return cli_usage_error("gen", "unexpected argument '%s'", argv[optind + 1]);
		}
	}
	return CLI_OK;
}

/* The trace's meta JSON (compact, malloc'd): no output path, time or host,
 * so the same inputs give the same bytes. NULL if out of memory. */
static char *meta_text(const struct gen_kind *kind, const struct gen_cfg *cfg, uint64_t seed)
{
	json_t *meta = json_object(), *params = json_object();
	char *text;

	gen_cfg_foreach(cfg, add_param, params);
	json_object_set_new(meta, "generator", json_string(kind->name));
	json_object_set_new(meta, "params", params);
	json_object_set_new(meta, "seed", json_integer((json_int_t)seed));
	json_object_set_new(meta, "tool", json_string("svatrace " SVT_VERSION));
	text = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	return text;
}

/* Run the generator into @a->out_path: the exit status. */
static int write_trace(const struct gen_args *a, const struct gen_cfg *cfg)
{
	char *meta = meta_text(a->kind, cfg, a->seed);
	struct sink sink = {0};
	int rc;

	if (!meta)
		return cli_error("gen", "out of memory");
	sink.w = trace_writer__open(a->out_path, TRACE_CLOCK_SYNTHETIC, 0, meta);
	free(meta);
	if (!sink.w)
		return cli_error("gen", "%s: %s", a->out_path, strerror(errno));
	rc = a->kind->run(cfg, a->seed, &(struct gen_out){sink_emit, sink_intern, &sink});
	if (!rc)
		rc = sink.err;
	svt_debug("gen %s: %" PRIu64 " records", a->kind->name, trace_writer__nr_records(sink.w));
	if (rc) {
		trace_writer__close(sink.w);
		return cli_error("gen", "%s: %s", a->out_path, trace_strerror(rc));
	}
	rc = trace_writer__close(sink.w);
	if (rc)
		return cli_error("gen", "%s: %s", a->out_path, trace_strerror(rc));
	return CLI_OK;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_args a = {.sets = calloc((size_t)argc, sizeof(char *)), .seed = 1};
	struct gen_cfg *cfg = NULL;
	int ret;

	if (!a.sets)
		return cli_error("gen", "out of memory");
	ret = parse_args(argc, argv, &a);
	if (ret != CLI_OK)
		goto out;
	if (a.help) {
		a.kind ? kind_help(stdout, a.kind) : usage(stdout);
		goto out;
	}
	if (!a.kind) {
		ret = cli_usage_error("gen", "which kind? (see 'svatrace gen --help')");
		goto out;
	}
	if (!a.out_path) {
		ret = cli_usage_error("gen", "-o FILE is required");
		goto out;
	}
	cfg = gen_cfg__new(a.kind);
	if (!cfg) {
		ret = CLI_FAIL;
		goto out;
	}
	/* gen_cfg__set() and __resolve() say what is wrong themselves */
	for (int i = 0; i < a.nr_sets && ret == CLI_OK; i++)
		if (gen_cfg__set(cfg, a.sets[i]))
			ret = CLI_USAGE;
	if (ret == CLI_OK && gen_cfg__resolve(cfg))
		ret = CLI_USAGE;
	if (ret == CLI_OK)
		ret = write_trace(&a, cfg);
out:
	gen_cfg__free(cfg);
	free(a.sets);
	free(a.trace_set);
	return ret;
}
