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
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "collect/host.h"
#include "collect/summary.h"
#include "common/jsonstr.h"
#include "replay/inval_amd.h"
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

/*
 * Add @n to the count under @key. Counts are u64 kept in jansson's int64
 * (the bit pattern; printed unsigned by put_json()); a sum that would pass
 * 2^64 - 1 (hostile lost counters) stays there instead of wrapping.
 */
static void count(json_t *obj, const char *key, uint64_t n)
{
	json_t *v = json_object_get(obj, key);
	uint64_t sum;

	if (v) {
		sum = (uint64_t)json_integer_value(v) + n;
		if (sum < n)
			sum = UINT64_MAX;
		json_integer_set(v, (json_int_t)sum);
	} else if (json_object_set_new(obj, key, json_integer((json_int_t)n))) {
		/* jansson refuses keys that are not UTF-8: count under the escaped name */
		json_t *k = svt_json_bytes(key);

		if (k && strcmp(json_string_value(k), key)) /* else out of memory */
			count(obj, json_string_value(k), n);
		json_decref(k);
	}
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
	lc->total = lc->total + nr < nr ? UINT64_MAX : lc->total + nr;
}

static void print_counts(const char *title, json_t *obj)
{
	const char *key;
	json_t *v;

	printf("%s\n", title);
	json_object_foreach (obj, key, v)
		printf("  %-44s %12" PRIu64 "\n", key, (uint64_t)json_integer_value(v));
}

static void print_list(const char *title, json_t *arr)
{
	size_t i;
	json_t *v;

	printf("%s\n", title);
	json_array_foreach (arr, i, v)
		printf("  - %s\n", json_string_value(v));
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
		json_t *sv = json_object_get(c, "service_ns");

		printf("  %-44s %12" JSON_INTEGER_FORMAT " events %12.1f/s  mean %.1f\n", key,
		       json_integer_value(json_object_get(c, "events")),
		       json_real_value(json_object_get(c, "per_s")),
		       json_real_value(json_object_get(c, "mean")));
		if (sv) /* page responses: fault service time from the group's first request */
			printf("    fault service: %" JSON_INTEGER_FORMAT
			       " paired, p50 < %" JSON_INTEGER_FORMAT
			       " ns, p99 < %" JSON_INTEGER_FORMAT " ns; %" JSON_INTEGER_FORMAT
			       " without their request (before attach)\n",
			       json_integer_value(json_object_get(sv, "paired")),
			       json_integer_value(json_object_get(sv, "p50_max")) + 1,
			       json_integer_value(json_object_get(sv, "p99_max")) + 1,
			       json_integer_value(json_object_get(sv, "unpaired")));
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

/* What one pass over the records counts. */
struct info_counts {
	json_t *events;		  /* "system:name" -> records */
	json_t *kinds;		  /* record kind -> records */
	json_t *qi;		  /* qi_submit descriptor type -> records */
	json_t *amd;		  /* AMD-Vi command type -> records */
	uint64_t first;		  /* earliest timestamp */
	uint64_t last;		  /* latest timestamp */
	uint64_t n;		  /* records */
	struct lost_ctx lost;	  /* lost events */
	struct summary_acc *sums; /* collect --summary records (NULL: out of memory) */
	int rc;			  /* trace_reader__next()'s last: 0 end, < 0 damage */
};

static void count_qi(json_t *qi, const struct trace_rec *rec)
{
	const struct trace_rec_qi_submit *q = (const void *)rec;
	const char *tn = trace_qi_type_name(q->type);
	char unk[32];

	if (!tn) {
		snprintf(unk, sizeof(unk), "type_%u", q->type);
		tn = unk;
	}
	count(qi, tn, 1);
}

/*
 * An AMD-Vi command record (the collector's __iommu_queue_command_sync probe,
 * its raw command words in the text): count it by opcode, as replay decodes
 * it (replay/inval_amd.h).
 */
static void count_amd(json_t *amd, const char *event, const char *text)
{
	struct inval_amd_cmd c;
	const char *name = NULL;
	uint32_t d[4];

	if (!inval_amd_is_event(event))
		return;
	if (text && !inval_amd_parse_text(text, d) && !inval_amd_decode(d, &c))
		name = inval_amd_op_name(c.op);
	count(amd, name ? name : "undecoded", 1);
}

/* Count every record of @r (the good prefix of a damaged file) into @ic. */
static void count_records(struct trace_reader *r, struct info_counts *ic)
{
	const struct trace_rec *rec;

	ic->events = json_object();
	ic->qi = json_object();
	ic->amd = json_object();
	ic->kinds = json_object();
	ic->first = UINT64_MAX;
	ic->sums = summary_acc__new();
	while ((ic->rc = trace_reader__next(r, &rec)) == 1) {
		ic->n++;
		if (rec->ts_ns < ic->first)
			ic->first = rec->ts_ns;
		if (rec->ts_ns > ic->last)
			ic->last = rec->ts_ns;
		count(ic->events, trace_reader__event_name(r, rec), 1);
		count(ic->kinds, trace_rec_kind_name(rec->kind), 1);
		if (ic->sums && rec->kind == TRACE_REC_GENERIC &&
		    !strcmp(trace_reader__event_name(r, rec), SUMMARY_EVENT))
			summary_acc__add(ic->sums, trace_reader__generic_text(rec));
		if (rec->kind == TRACE_REC_QI_SUBMIT)
			count_qi(ic->qi, rec);
		if (rec->kind == TRACE_REC_GENERIC)
			count_amd(ic->amd, trace_reader__event_name(r, rec),
				  trace_reader__generic_text(rec));
	}
	ic->lost.by_probe = json_object();
	ic->lost.by_cpu = json_object();
	trace_reader__lost_foreach(r, lost_cb, &ic->lost);
}

static const char *addresses_name(const struct trace_file_hdr *fh)
{
	return fh->flags & TRACE_F_ADDR_KEPT	 ? "kept"
	       : fh->flags & TRACE_F_ADDR_HASHED ? "hashed"
						 : "none";
}

/* The --json object (takes over @ic's objects and @meta). */
static json_t *info_object(const char *path, struct trace_reader *r, struct info_counts *ic,
			   json_t *meta)
{
	const struct trace_file_hdr *fh = trace_reader__file_hdr(r);
	uint64_t n = ic->n;
	json_t *out = json_object();

	json_object_set_new(out, "file", json_string(path));
	json_object_set_new(out, "file_bytes",
			    json_integer((json_int_t)trace_reader__file_bytes(r)));
	json_object_set_new(out, "format_version",
			    json_sprintf("%u.%u", fh->version_major, fh->version_minor));
	json_object_set_new(out, "clock", json_string(clock_name(fh->clock)));
	json_object_set_new(out, "created_unix_ns", json_integer((json_int_t)fh->created_unix_ns));
	json_object_set_new(out, "addresses", json_string(addresses_name(fh)));
	json_object_set_new(out, "meta", meta ? meta : json_null());
	json_object_set_new(out, "identifying", meta ? host_identifying(meta) : json_array());
	json_object_set_new(out, "records", json_integer((json_int_t)n));
	json_object_set_new(out, "first_ts_ns",
			    n ? json_integer((json_int_t)ic->first) : json_null());
	json_object_set_new(out, "last_ts_ns",
			    n ? json_integer((json_int_t)ic->last) : json_null());
	json_object_set_new(out, "span_ns",
			    json_integer((json_int_t)(n ? ic->last - ic->first : 0)));
	json_object_set_new(out, "events", ic->events);
	json_object_set_new(out, "record_kinds", ic->kinds);
	json_object_set_new(out, "qi_submit_types", ic->qi);
	json_object_set_new(out, "amd_command_types", ic->amd);
	json_object_set_new(out, "lost",
			    json_pack("{s:I,s:o,s:o}", "total", (json_int_t)ic->lost.total,
				      "by_probe", ic->lost.by_probe, "by_cpu", ic->lost.by_cpu));
	json_object_set_new(out, "summary",
			    ic->sums && summary_acc__nr_records(ic->sums)
				? summary_acc__json(ic->sums)
				: json_null());
	json_object_set_new(out, "complete", json_boolean(ic->rc == 0));
	json_object_set_new(out, "error",
			    ic->rc < 0 ? json_string(trace_reader__errmsg(r)) : json_null());
	json_object_set_new(out, "good_prefix_bytes",
			    json_integer((json_int_t)trace_reader__offset(r)));
	return out;
}

static void print_text(const char *path, struct trace_reader *r, const struct info_counts *ic,
		       json_t *meta)
{
	const struct trace_file_hdr *fh = trace_reader__file_hdr(r);

	printf("file:        %s (%" PRIu64 " bytes)\n", path, trace_reader__file_bytes(r));
	printf("format:      svatrace trace v%u.%u, clock %s, addresses %s\n", fh->version_major,
	       fh->version_minor, clock_name(fh->clock), addresses_name(fh));
	if (meta) {
		json_t *id = host_identifying(meta);

		print_meta("meta", meta);
		print_list("could identify the host:", id);
		json_decref(id);
	}
	printf("records:     %" PRIu64 "\n", ic->n);
	if (ic->n)
		printf("time span:   %.9f s .. %.9f s (%.6f s)\n", ic->first / 1e9, ic->last / 1e9,
		       (ic->last - ic->first) / 1e9);
	print_counts("events:", ic->events);
	if (json_object_size(ic->qi))
		print_counts("qi_submit by type:", ic->qi);
	if (json_object_size(ic->amd))
		print_counts("AMD-Vi commands by type:", ic->amd);
	if (ic->sums && summary_acc__nr_records(ic->sums)) {
		json_t *sum = summary_acc__json(ic->sums);

		print_summary(sum);
		json_decref(sum);
	}
	printf("lost events: %" PRIu64 "\n", ic->lost.total);
	if (ic->lost.total)
		print_counts("  lost by probe:", ic->lost.by_probe);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * @v as json_dumpf(JSON_INDENT(2) | JSON_SORT_KEYS) prints it at nesting
 * @depth, except that integers are printed as u64 when @unsig: jansson's
 * integers are int64_t, and timestamps, sizes and counts of 2^63 and more
 * (a hostile or far-future clock) came out negative (issue 19). The
 * trace's own metadata and the summary keep jansson's signed integers.
 */
static void put_json(FILE *f, json_t *v, int depth, bool unsig)
{
	const bool obj = json_is_object(v);
	size_t n = obj ? json_object_size(v) : json_array_size(v);
	const char **keys = NULL;
	const char *key;
	json_t *e;
	size_t i = 0;

	if (json_is_integer(v) && unsig) {
		fprintf(f, "%" PRIu64, (uint64_t)json_integer_value(v));
		return;
	}
	if ((!obj && !json_is_array(v)) || !n || (obj && !(keys = malloc(n * sizeof(*keys))))) {
		json_dumpf(v, f, JSON_ENCODE_ANY | JSON_INDENT(2) | JSON_SORT_KEYS);
		return;
	}
	if (obj) {
		json_object_foreach (v, key, e)
			keys[i++] = key;
		qsort(keys, n, sizeof(*keys), cmp_str);
	}
	fputc(obj ? '{' : '[', f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n%*s", i ? "," : "", 2 * (depth + 1), "");
		if (obj) {
			json_t *k = json_string(keys[i]);

			json_dumpf(k, f, JSON_ENCODE_ANY);
			json_decref(k);
			fputs(": ", f);
			e = json_object_get(v, keys[i]);
		} else {
			e = json_array_get(v, i);
		}
		put_json(f, e, depth + 1,
			 unsig && !(depth == 0 && obj &&
				    (!strcmp(keys[i], "meta") || !strcmp(keys[i], "summary"))));
	}
	fprintf(f, "\n%*s%c", 2 * depth, "", obj ? '}' : ']');
	free(keys);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct info_counts ic = {0};
	bool as_json = false;
	struct trace_reader *r;
	json_t *out, *meta;
	const char *path;
	int c, err;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
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
	count_records(r, &ic);
	meta = json_loads(trace_reader__meta_json(r), 0, NULL);
	out = info_object(path, r, &ic, meta); /* owns the counts and meta from here */
	if (as_json) {
		put_json(stdout, out, 0, true);
		putchar('\n');
	} else {
		print_text(path, r, &ic, meta);
	}
	json_decref(out);
	summary_acc__free(ic.sums);
	if (ic.rc < 0) {
		fprintf(stderr, "svatrace info: %s\n", trace_reader__errmsg(r));
		fprintf(stderr,
			"svatrace info: the counts above cover the good prefix: %" PRIu64
			" records in the first %" PRIu64 " bytes\n",
			ic.n, trace_reader__offset(r));
		trace_reader__close(r);
		return CLI_FAIL;
	}
	trace_reader__close(r);
	return CLI_OK;
}
