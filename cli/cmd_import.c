// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_import.c - `svatrace import --from KIND IN -o OUT`: convert a foreign
 * trace into the native format through the importer table.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/cli.h"
#include "collect/import/import.h"
#include "collect/redact.h"
#include "common/jsonstr.h"
#include "common/log.h"
#include "common/outfile.h"

static void list_one(const struct importer *imp, void *ctx)
{
	fprintf(ctx, "    %-12s %s\n", imp->name, imp->summary);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: svatrace import --from KIND [options] IN -o OUT\n"
		   "\n"
		   "Convert a trace made by another tool into an svatrace trace file, decoding\n"
		   "IOMMU, DMA-API, VT-d invalidation, page request and work-queue events into\n"
		   "typed records and keeping every other event as a generic record.\n"
		   "\n"
		   "Options:\n"
		   "  -f, --from KIND     input kind (required):\n");
	import_foreach(list_one, f);
	fprintf(f,
		"  -o, --output FILE   output trace file (required)\n"
		"      --clock NAME    clock the input's timestamps count: global, local,\n"
		"                      mono, boot (default: what the input says, trace.dat\n"
		"                      does; else unknown: ftrace text does not say)\n"
		"      --keep-addrs    keep physical and user addresses (default: replace each\n"
		"                      page frame by a keyed hash, consistent within the file)\n"
		"      --lenient       import past more than a few unparseable lines (default:\n"
		"                      stop, quoting the first ones; an import that yields\n"
		"                      no records fails either way)\n"
		"      --event-list FILE  the capturing host's events, lines SYSTEM:NAME (its\n"
		"                      tracefs available_events): ftrace text omits an event's\n"
		"                      system; without it: the probe table, this host's tracefs\n"
		"                      if IN is a tracefs trace file, a built-in table, else\n"
		"                      unknown:NAME\n"
		"      --hash-key FILE key of that hash (32 hex digits or 16 bytes), so that\n"
		"                      traces of one host can be joined; default: a random key\n"
		"                      per trace. Only the key's id is stored in the trace.\n"
		"  -h, --help          this help\n"
		"\n"
		"Example:\n"
		"  svatrace import --from ftrace-text /sys/kernel/tracing/trace -o host.svt\n"
		"  svatrace info host.svt\n");
}

static int parse_clock(const char *s, enum trace_clock *c)
{
	static const struct {
		const char *name;
		enum trace_clock clock;
	} clocks[] = {
	    {"global", TRACE_CLOCK_FTRACE_GLOBAL}, {"local", TRACE_CLOCK_FTRACE_LOCAL},
	    {"mono", TRACE_CLOCK_MONOTONIC},	   {"boot", TRACE_CLOCK_BOOT},
	    {"unknown", TRACE_CLOCK_UNKNOWN},
	};

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		if (!strcmp(s, clocks[i].name)) {
			*c = clocks[i].clock;
			return 0;
		}
	}
	return -1;
}

/* The command line, before it is checked. */
struct import_args {
	const char *from;	/* --from KIND */
	const char *out;	/* -o OUT */
	const char *clock_name; /* --clock NAME, or NULL: the importer's or the file's */
	const char *key_path;	/* --hash-key FILE, or NULL: a random key */
	struct import_opts io;	/* what the importer is told */
};

/* Parse the options into @a: -1 to go on, else the exit code (help or usage error). */
static int parse_opts(int argc, char **argv, struct import_args *a)
{
	static const struct option opts[] = {
	    {"from", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"clock", required_argument, NULL, 'c'},
	    {"keep-addrs", no_argument, NULL, 'k'},
	    {"hash-key", required_argument, NULL, 'K'},
	    {"lenient", no_argument, NULL, 'L'},
	    {"event-list", required_argument, NULL, 'E'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = cli_getopt(argc, argv, "f:o:h", opts)) != -1) {
		switch (c) {
		case 'f':
			a->from = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'c':
			a->clock_name = optarg;
			break;
		case 'k':
			a->io.keep_addrs = true;
			break;
		case 'K':
			a->key_path = optarg;
			break;
		case 'L':
			a->io.lenient = true;
			break;
		case 'E':
			a->io.event_list = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("import", "bad option");
		}
	}
	return -1;
}

/*
 * The trace's metadata (source, command line, hosts, address handling) as
 * compact JSON; *@clock becomes the file's own clock when the importer reads
 * one and --clock did not name one. NULL when out of memory.
 */
static char *meta_text(const struct importer *imp, const char *in, const struct import_args *a,
		       const char *key_id, enum trace_clock *clock)
{
	json_t *meta = json_object(), *src = json_object();
	struct utsname un;
	char *text;

	json_object_set_new(src, "importer", json_string(imp->name));
	json_object_set_new(src, "input", svt_json_bytes(in));
	if (imp->source_json) {
		enum trace_clock file_clock = TRACE_CLOCK_UNKNOWN;
		char *t = imp->source_json(in, &file_clock);
		json_t *sj = t ? json_loads(t, 0, NULL) : NULL;

		if (sj)
			json_object_update(src, sj);
		json_decref(sj);
		free(t);
		if (!a->clock_name)
			*clock = file_clock;
	}
	json_object_set_new(meta, "source", src);
	json_object_set_new(meta, "command_line", svt_json_bytes(a->io.cmdline));
	json_object_set_new(meta, "tool", json_string("svatrace " SVT_VERSION));
	if (uname(&un) == 0)
		json_object_set_new(
		    meta, "importing_host",
		    json_pack("{s:s,s:s}", "kernel_release", un.release, "machine", un.machine));
	if (imp->host_json) {
		char *h = imp->host_json(in);
		json_t *hj = h ? json_loads(h, 0, NULL) : NULL;

		if (hj)
			json_object_set_new(meta, "host", hj);
		free(h);
	}
	json_object_set_new(meta, "addresses", json_string(a->io.keep_addrs ? "kept" : "hashed"));
	if (!a->io.keep_addrs) {
		/* the id only: the key itself would let anyone reverse the hashes */
		json_object_set_new(meta, "hash_key_id", json_string(key_id));
		json_object_set_new(meta, "hash_key", json_string(a->key_path ? "user" : "random"));
	}
	text = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(meta);
	return text;
}

/*
 * Run the importer into @of's temporary file and rename it over OUT: an
 * import that fails or yields no records leaves OUT as it was.
 */
static int write_trace(const struct importer *imp, const char *in, const struct import_args *a,
		       struct outfile *of, enum trace_clock clock, const char *meta)
{
	struct import_stats st = {0};
	struct trace_writer *w;
	int err, cerr;

	w = trace_writer__open(of->tmp_path, clock,
			       a->io.keep_addrs ? TRACE_F_ADDR_KEPT : TRACE_F_ADDR_HASHED, meta);
	if (!w) {
		err = errno;
		outfile__abort(of);
		return cli_error("import", "%s: cannot create: %s", a->out, strerror(err));
	}
	err = imp->run(in, &a->io, &st, w);
	if (!err && st.nr_records == 0) {
		/* an empty result is a failure, never a quiet exit 0 */
		svt_err("%s: no records imported from %llu %s%s%s; is it really --from %s?", in,
			(unsigned long long)st.nr_lines,
			!strcmp(imp->name, "trace-dat") ? "events" : "lines", st.why[0] ? ": " : "",
			st.why, imp->name);
		err = -ENODATA;
	}
	cerr = trace_writer__close(w);
	if (err || cerr) {
		if (cerr)
			svt_err("%s: %s", a->out, trace_strerror(cerr));
		outfile__abort(of);
		svt_err("%s: not written (import failed)", a->out);
		return CLI_FAIL;
	}
	err = outfile__commit(of);
	if (err)
		return cli_error("import", "%s: cannot rename the finished trace into place: %s",
				 a->out, strerror(-err));
	svt_info("%s: %llu records (%llu generic, %llu kept as generic after a decode error) "
		 "from %llu lines (%llu not events) -> %s",
		 in, (unsigned long long)st.nr_records, (unsigned long long)st.nr_generic,
		 (unsigned long long)st.nr_bad, (unsigned long long)st.nr_lines,
		 (unsigned long long)st.nr_skipped, a->out);
	return CLI_OK;
}

int cmd_import(int argc, char **argv)
{
	struct import_args a = {.io = {.cmdline = cli_command_line()}};
	uint8_t key[REDACT_KEY_BYTES];
	char key_id[REDACT_KEY_ID_LEN + 1], kerr[512];
	const struct importer *imp;
	enum trace_clock clock;
	struct outfile of;
	const char *in;
	char *meta;
	int err, ret;

	if ((ret = parse_opts(argc, argv, &a)) >= 0)
		return ret;
	if (!a.from)
		return cli_usage_error("import", "--from KIND is required");
	imp = import_find(a.from);
	if (!imp)
		return cli_usage_error("import", "no importer '%s'", a.from);
	if (optind != argc - 1)
		return cli_usage_error("import", "give exactly one input file");
	if (!a.out)
		return cli_usage_error("import", "-o OUT is required");
	in = argv[optind];
	if (a.io.event_list && strcmp(imp->name, "ftrace-text"))
		return cli_usage_error("import", "--event-list is for --from ftrace-text (the "
						 "other inputs name their events' systems)");
	clock = imp->clock;
	if (a.clock_name && parse_clock(a.clock_name, &clock))
		return cli_usage_error("import", "unknown clock '%s'", a.clock_name);
	if (access(in, R_OK))
		return cli_error("import", "%s: %s", in, strerror(errno));
	if (a.key_path && a.io.keep_addrs)
		return cli_usage_error("import", "--hash-key and --keep-addrs exclude each other");
	if (!a.io.keep_addrs) {
		if (a.key_path ? redact_key_load(a.key_path, key, kerr, sizeof(kerr))
			       : redact_key_random(key)) {
			if (!a.key_path)
				snprintf(kerr, sizeof(kerr), "no random source for the hash key");
			return cli_error("import", "%s", kerr);
		}
		redact_key_id(key, key_id);
		a.io.hash_key = key;
	}
	/*
	 * The trace goes to a temporary file renamed over OUT on success: a
	 * bad input, a full disk or a kill never costs the old OUT, and OUT
	 * naming the input is refused before anything is opened for writing.
	 */
	err = outfile__begin(&of, a.out, in);
	if (err == -EEXIST)
		return cli_usage_error(
		    "import", "output %s is the input file: refusing to overwrite it", a.out);
	if (err == -EINVAL)
		return cli_error("import", "%s: not a regular file: cannot replace it", a.out);
	if (err)
		return cli_error("import", "%s: cannot create: %s", a.out, strerror(-err));
	meta = meta_text(imp, in, &a, key_id, &clock);
	ret = write_trace(imp, in, &a, &of, clock, meta);
	free(meta);
	explicit_bzero(key, sizeof(key));
	return ret;
}
