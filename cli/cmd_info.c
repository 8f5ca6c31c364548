// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_info.c - `svatrace info FILE`: header, time span, counts per event and
 * per qi_submit type, lost events; --json for scripts. On a damaged file it
 * reports the good prefix, says where it stops, and exits 1.
 */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "collect/summary.h"
#include "trace/trace.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: svatrace info [--json] FILE\n"
		   "\n"
		   "Show a trace file's header (format version, clock, host snapshot, command\n"
		   "line), its time span, the number of events of each kind (system:name), the\n"
		   "VT-d invalidation descriptors by type, and lost events. Every chunk is\n"
		   "verified; on a truncated or corrupted file the counts cover the good prefix\n"
		   "and the message says where the damage starts (exit status 1).\n"
		   "\n"
		   "Options:\n"
		   "  --json       one JSON object: {\"events\": {\"iommu:map\": N, ...}, ...}\n"
		   "  -h, --help   this help\n");
}

static const char *clock_name(uint32_t c)
{
	static const char *const names[] = {"unknown",	     "monotonic",    "boottime",
					    "ftrace-global", "ftrace-local", "synthetic"};

	return c < sizeof(names) / sizeof(names[0]) ? names[c] : "unknown";
}

static void count(json_t *obj, const char *key, uint64_t n)
{
	json_t *v = json_object_get(obj, key);

	if (v)
		json_integer_set(v, json_integer_value(v) + (json_int_t)n);
	else
		json_object_set_new(obj, key, json_integer((json_int_t)n));
}

struct lost_ctx {
	json_t *by_probe; /* probe -> count */
	json_t *by_cpu;	  /* cpu -> count */
	uint64_t total;	  /* sum */
};

static void lost_cb(uint32_t cpu, const char *probe, uint64_t nr, void *vctx)
{
	struct lost_ctx *lc = vctx;
	char cpus[16];

	if (cpu == TRACE_CPU_ANY)
		snprintf(cpus, sizeof(cpus), "any");
	else
		snprintf(cpus, sizeof(cpus), "%u", cpu);
	count(lc->by_probe, probe, nr);
	count(lc->by_cpu, cpus, nr);
	lc->total += nr;
}

static void print_counts(const char *title, json_t *obj)
{
	const char *key;
	json_t *v;

	printf("%s\n", title);
	json_object_foreach (obj, key, v)
		printf("  %-44s %12" PRId64 "\n", key, (int64_t)json_integer_value(v));
}

/*
 * Nested metadata one value per line, by dotted path ("meta.host.kernel"):
 * objects recurse, arrays of plain values join with ", ", other arrays
 * index their elements.
 */
/* collect --summary: one line per counter (events, rate, mean quantity). */
static void print_summary(json_t *s)
{
	const char *key;
	json_t *c;

	printf("summary (collect --summary): %" JSON_INTEGER_FORMAT " records\n",
	       json_integer_value(json_object_get(s, "records")));
	json_object_foreach (json_object_get(s, "counters"), key, c) {
		printf("  %-44s %12" JSON_INTEGER_FORMAT " events %12.1f/s  mean %.1f\n", key,
		       json_integer_value(json_object_get(c, "events")),
		       json_real_value(json_object_get(c, "per_s")),
		       json_real_value(json_object_get(c, "mean")));
	}
	printf("  live mapped bytes (map - unmap): %" JSON_INTEGER_FORMAT "\n",
	       json_integer_value(json_object_get(s, "live_mapped_bytes")));
}

static void print_meta(const char *path, json_t *v)
{
	char sub[512];
	const char *key;
	json_t *e;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach (v, key, e) {
			snprintf(sub, sizeof(sub), "%s.%s", path, key);
			print_meta(sub, e);
		}
		return;
	}
	if (json_is_array(v)) {
		bool flat = true;

		json_array_foreach (v, i, e)
			flat &= !json_is_object(e) && !json_is_array(e);
		if (!flat) {
			json_array_foreach (v, i, e) {
				snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
				print_meta(sub, e);
			}
			return;
		}
		printf("%-28s ", path);
		json_array_foreach (v, i, e) {
			char *t = json_is_string(e) ? NULL : json_dumps(e, JSON_ENCODE_ANY);

			printf("%s%s", i ? ", " : "", t ? t : json_string_value(e));
			free(t);
		}
		putchar('\n');
		return;
	}
	{
		char *t = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

		printf("%-28s %s\n", path, t ? t : json_string_value(v));
		free(t);
	}
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool as_json = false;
	const struct trace_file_hdr *fh;
	const struct trace_rec *rec;
	struct trace_reader *r;
	struct lost_ctx lc;
	json_t *out, *events, *qi, *meta, *kinds;
	struct summary_acc *sums; /* collect --summary records */
	uint64_t first = UINT64_MAX, last = 0, n = 0;
	const char *path;
	int c, err, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("info", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("info", "give exactly one trace file");
	path = argv[optind];
	r = trace_reader__open(path, &err);
	if (!r)
		return cli_error("info", "%s", trace_open_errmsg());

	sums = summary_acc__new();
	if (!sums)
		return cli_error("info", "out of memory");
	events = json_object();
	qi = json_object();
	kinds = json_object();
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		n++;
		if (rec->ts_ns < first)
			first = rec->ts_ns;
		if (rec->ts_ns > last)
			last = rec->ts_ns;
		count(events, trace_reader__event_name(r, rec), 1);
		if (rec->kind == TRACE_REC_GENERIC &&
		    !strcmp(trace_reader__event_name(r, rec), SUMMARY_EVENT))
			summary_acc__add(sums, trace_reader__generic_text(rec));
		count(kinds, trace_rec_kind_name(rec->kind), 1);
		if (rec->kind == TRACE_REC_QI_SUBMIT) {
			const struct trace_rec_qi_submit *q = (const void *)rec;
			const char *tn = trace_qi_type_name(q->type);
			char unk[32];

			if (!tn) {
				snprintf(unk, sizeof(unk), "type_%u", q->type);
				tn = unk;
			}
			count(qi, tn, 1);
		}
	}
	lc.by_probe = json_object();
	lc.by_cpu = json_object();
	lc.total = 0;
	trace_reader__lost_foreach(r, lost_cb, &lc);

	fh = trace_reader__file_hdr(r);
	meta = json_loads(trace_reader__meta_json(r), 0, NULL);
	out = json_object();
	json_object_set_new(out, "file", json_string(path));
	json_object_set_new(out, "file_bytes",
			    json_integer((json_int_t)trace_reader__file_bytes(r)));
	json_object_set_new(out, "format_version",
			    json_sprintf("%u.%u", fh->version_major, fh->version_minor));
	json_object_set_new(out, "clock", json_string(clock_name(fh->clock)));
	json_object_set_new(out, "created_unix_ns", json_integer((json_int_t)fh->created_unix_ns));
	json_object_set_new(out, "addresses",
			    json_string(fh->flags & TRACE_F_ADDR_KEPT	  ? "kept"
					: fh->flags & TRACE_F_ADDR_HASHED ? "hashed"
									  : "none"));
	json_object_set_new(out, "meta", meta ? meta : json_null());
	json_object_set_new(out, "records", json_integer((json_int_t)n));
	json_object_set_new(out, "first_ts_ns", n ? json_integer((json_int_t)first) : json_null());
	json_object_set_new(out, "last_ts_ns", n ? json_integer((json_int_t)last) : json_null());
	json_object_set_new(out, "span_ns", json_integer((json_int_t)(n ? last - first : 0)));
	json_object_set_new(out, "events", events);
	json_object_set_new(out, "record_kinds", kinds);
	json_object_set_new(out, "qi_submit_types", qi);
	json_object_set_new(out, "lost",
			    json_pack("{s:I,s:o,s:o}", "total", (json_int_t)lc.total, "by_probe",
				      lc.by_probe, "by_cpu", lc.by_cpu));
	json_object_set_new(out, "summary",
			    summary_acc__nr_records(sums) ? summary_acc__json(sums) : json_null());
	json_object_set_new(out, "complete", json_boolean(rc == 0));
	json_object_set_new(out, "error",
			    rc < 0 ? json_string(trace_reader__errmsg(r)) : json_null());
	json_object_set_new(out, "good_prefix_bytes",
			    json_integer((json_int_t)trace_reader__offset(r)));

	if (as_json) {
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		printf("file:        %s (%" PRIu64 " bytes)\n", path, trace_reader__file_bytes(r));
		printf("format:      svatrace trace v%u.%u, clock %s, addresses %s\n",
		       fh->version_major, fh->version_minor, clock_name(fh->clock),
		       json_string_value(json_object_get(out, "addresses")));
		if (meta)
			print_meta("meta", meta);
		printf("records:     %" PRIu64 "\n", n);
		if (n)
			printf("time span:   %.9f s .. %.9f s (%.6f s)\n", first / 1e9, last / 1e9,
			       (last - first) / 1e9);
		print_counts("events:", events);
		if (json_object_size(qi))
			print_counts("qi_submit by type:", qi);
		if (summary_acc__nr_records(sums))
			print_summary(json_object_get(out, "summary"));
		printf("lost events: %" PRIu64 "\n", lc.total);
		if (lc.total)
			print_counts("  lost by probe:", lc.by_probe);
	}
	json_decref(out);
	summary_acc__free(sums);
	if (rc < 0) {
		fprintf(stderr, "svatrace info: %s\n", trace_reader__errmsg(r));
		fprintf(stderr,
			"svatrace info: the counts above cover the good prefix: %" PRIu64
			" records in the first %" PRIu64 " bytes\n",
			n, trace_reader__offset(r));
		trace_reader__close(r);
		return CLI_FAIL;
	}
	trace_reader__close(r);
	return CLI_OK;
}
