// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - summary mode's counters into trace records, and back (see
 * summary.h). The maps hold running totals per CPU; a tick sums the CPUs
 * and writes the difference from the previous tick, so a record is the
 * interval's own count and nothing is reset on the BPF side (a reset would
 * race with events counted meanwhile).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/probes.h"
#include "collect/summary.h"

#define ARR_KEYS (SVT_P_MAX_ * SVT_SUM_CLASSES)

/* A named counter seen so far, with its total at the last tick. */
struct named {
	struct svt_sum_key key;	 /* its key in sum_hash */
	struct svt_sum_val prev; /* summed over CPUs, last tick */
};

struct summary {
	int arr_fd;			   /* sum_arr */
	int hash_fd;			   /* sum_hash */
	struct trace_writer *w;		   /* output (not owned) */
	uint32_t event_id;		   /* SUMMARY_EVENT, interned */
	int ncpu;			   /* possible CPUs: values per lookup */
	struct svt_sum_val *cpu_vals;	   /* ncpu values of one lookup */
	struct svt_sum_val prev[ARR_KEYS]; /* sum_arr totals at the last tick */
	struct named *named;		   /* sum_hash counters seen */
	unsigned int nr_named;		   /* entries in named[] */
	const char *const *tps;		   /* --tracepoint names */
	unsigned int nr_tps;		   /* entries in tps[] */
	uint64_t last_ns;		   /* time of the last tick */
	uint64_t nr_events[SVT_P_MAX_];	   /* totals per probe */
	uint64_t nr_records;		   /* records written */
};

unsigned int summary_bucket(uint64_t qty)
{
	unsigned int b = 0;

	while (qty) {
		b++;
		qty >>= 1;
	}
	return b < SVT_SUM_BUCKETS ? b : SVT_SUM_BUCKETS - 1;
}

struct summary *summary__new(int arr_fd, int hash_fd, struct trace_writer *w,
			     const char *const *tracepoints, unsigned int nr_tracepoints,
			     uint64_t start_ns)
{
	struct summary *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->arr_fd = arr_fd;
	s->hash_fd = hash_fd;
	s->w = w;
	s->tps = tracepoints;
	s->nr_tps = nr_tracepoints;
	s->last_ns = start_ns;
	s->ncpu = libbpf_num_possible_cpus();
	s->named = calloc(SVT_SUM_MAX_KEYS, sizeof(*s->named));
	if (s->ncpu <= 0 || !s->named ||
	    !(s->cpu_vals = calloc((size_t)s->ncpu, sizeof(*s->cpu_vals)))) {
		summary__free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->event_id = trace_writer__intern(w, SUMMARY_EVENT);
	return s;
}

void summary__free(struct summary *s)
{
	if (!s)
		return;
	free(s->cpu_vals);
	free(s->named);
	free(s);
}

uint64_t summary__nr_events(const struct summary *s, unsigned int probe)
{
	return probe < SVT_P_MAX_ ? s->nr_events[probe] : 0;
}

uint64_t summary__nr_records(const struct summary *s)
{
	return s->nr_records;
}

static const char *probe_name(const struct summary *s, unsigned int probe, unsigned int cls)
{
	const struct probe_def *d = probe_def_by_id(probe);

	if (probe == SVT_P_TRACEPOINT && cls < s->nr_tps)
		return s->tps[cls];
	return d ? d->name : "?";
}

/* Sum one lookup's per-CPU values into @tot. */
static void sum_cpus(const struct summary *s, struct svt_sum_val *tot)
{
	memset(tot, 0, sizeof(*tot));
	for (int c = 0; c < s->ncpu; c++) {
		const struct svt_sum_val *v = &s->cpu_vals[c];

		tot->nr += v->nr;
		tot->sum += v->sum;
		for (int b = 0; b < SVT_SUM_BUCKETS; b++)
			tot->hist[b] += v->hist[b];
	}
}

/* Write @now - @prev for counter (@probe, @cls, @name) if it moved; @prev := @now. */
static int emit(struct summary *s, unsigned int probe, unsigned int cls, const char *name,
		const struct svt_sum_val *now, struct svt_sum_val *prev, uint64_t now_ns)
{
	struct summary_row row = {0};
	struct trace_rec h = {0};
	char text[1024];
	int rc;

	if (now->nr == prev->nr)
		return 0;
	snprintf(row.probe, sizeof(row.probe), "%s", probe_name(s, probe, cls));
	row.cls = cls;
	snprintf(row.name, sizeof(row.name), "%.*s", SVT_STR_BYTES, name ? name : "");
	row.interval_ns = now_ns - s->last_ns;
	row.nr = now->nr - prev->nr;
	row.sum = now->sum - prev->sum;
	for (int b = 0; b < SVT_SUM_BUCKETS; b++)
		row.hist[b] = now->hist[b] - prev->hist[b];
	*prev = *now;
	if (probe < SVT_P_MAX_)
		s->nr_events[probe] += row.nr;
	rc = summary_row_format(&row, text, sizeof(text));
	if (rc)
		return rc;
	h.ts_ns = now_ns;
	h.event_id = s->event_id;
	rc = trace_writer__append_generic(s->w, &h, text);
	if (!rc)
		s->nr_records++;
	return rc;
}

static struct named *find_named(struct summary *s, const struct svt_sum_key *k)
{
	for (unsigned int i = 0; i < s->nr_named; i++)
		if (!memcmp(&s->named[i].key, k, sizeof(*k)))
			return &s->named[i];
	if (s->nr_named >= SVT_SUM_MAX_KEYS)
		return NULL;
	s->named[s->nr_named].key = *k;
	return &s->named[s->nr_named++];
}

int summary__tick(struct summary *s, uint64_t now_ns)
{
	struct svt_sum_key key, next;
	struct svt_sum_val tot;
	bool first = true;
	int rc = 0;

	for (uint32_t k = 0; k < ARR_KEYS && !rc; k++) {
		if (bpf_map_lookup_elem(s->arr_fd, &k, s->cpu_vals))
			return -errno;
		sum_cpus(s, &tot);
		rc = emit(s, k / SVT_SUM_CLASSES, k % SVT_SUM_CLASSES, NULL, &tot, &s->prev[k],
			  now_ns);
	}
	/* Names in the hash: one per device or IOMMU unit, a few dozen. */
	while (!rc && !bpf_map_get_next_key(s->hash_fd, first ? NULL : &key, &next)) {
		struct named *n;

		first = false;
		key = next;
		if (bpf_map_lookup_elem(s->hash_fd, &key, s->cpu_vals))
			continue; /* deleted meanwhile: never, the BPF side only adds */
		n = find_named(s, &key);
		if (!n)
			continue;
		sum_cpus(s, &tot);
		rc = emit(s, key.probe, key.cls, key.name, &tot, &n->prev, now_ns);
	}
	s->last_ns = now_ns;
	return rc;
}

int summary_row_format(const struct summary_row *row, char *buf, size_t len)
{
	size_t used;
	int n = snprintf(buf, len,
			 "probe=%s class=%" PRIu32 " name=%s interval_ns=%" PRIu64 " nr=%" PRIu64
			 " sum=%" PRIu64 " hist=",
			 row->probe, row->cls, row->name[0] ? row->name : "-", row->interval_ns,
			 row->nr, row->sum);
	bool any = false;

	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	used = (size_t)n;
	for (int b = 0; b < SVT_SUM_BUCKETS; b++) {
		if (!row->hist[b])
			continue;
		n = snprintf(buf + used, len - used, "%s%d:%" PRIu64, any ? "," : "", b,
			     row->hist[b]);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += (size_t)n;
		any = true;
	}
	if (!any) {
		if (len - used < 2)
			return -ENOSPC;
		strcpy(buf + used, "-");
	}
	return 0;
}

int summary_row_parse(const char *text, struct summary_row *row)
{
	char probe[SUMMARY_NAME_BYTES], name[SVT_STR_BYTES + 1];
	const char *h;
	int off = 0;

	memset(row, 0, sizeof(*row));
	if (sscanf(text,
		   "probe=%63s class=%" SCNu32 " name=%32s interval_ns=%" SCNu64 " nr=%" SCNu64
		   " sum=%" SCNu64 " hist=%n",
		   probe, &row->cls, name, &row->interval_ns, &row->nr, &row->sum, &off) != 6 ||
	    !off)
		return -EINVAL;
	snprintf(row->probe, sizeof(row->probe), "%s", probe);
	snprintf(row->name, sizeof(row->name), "%s", strcmp(name, "-") ? name : "");
	h = text + off;
	if (!strcmp(h, "-"))
		return 0;
	while (*h) {
		unsigned int b;
		uint64_t c;
		int used = 0;

		if (sscanf(h, "%u:%" SCNu64 "%n", &b, &c, &used) != 2 || b >= SVT_SUM_BUCKETS)
			return -EINVAL;
		row->hist[b] += c;
		h += used;
		if (*h == ',')
			h++;
		else if (*h)
			return -EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------ totals (info) */

struct summary_acc {
	struct summary_row *rows; /* one per counter: totals */
	unsigned int nr, cap;	  /* rows used, allocated */
	uint64_t nr_records;	  /* records added */
	uint64_t max_interval_ns; /* longest interval seen */
};

struct summary_acc *summary_acc__new(void)
{
	return calloc(1, sizeof(struct summary_acc));
}

void summary_acc__free(struct summary_acc *a)
{
	if (!a)
		return;
	free(a->rows);
	free(a);
}

uint64_t summary_acc__nr_records(const struct summary_acc *a)
{
	return a->nr_records;
}

int summary_acc__add(struct summary_acc *a, const char *text)
{
	struct summary_row r, *t = NULL;

	if (summary_row_parse(text, &r))
		return -EINVAL;
	for (unsigned int i = 0; i < a->nr && !t; i++)
		if (!strcmp(a->rows[i].probe, r.probe) && a->rows[i].cls == r.cls &&
		    !strcmp(a->rows[i].name, r.name))
			t = &a->rows[i];
	if (!t) {
		if (a->nr == a->cap) {
			unsigned int cap = a->cap ? 2 * a->cap : 16;
			struct summary_row *rows = realloc(a->rows, cap * sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			a->rows = rows;
			a->cap = cap;
		}
		t = &a->rows[a->nr++];
		*t = r;
		t->nr = t->sum = t->interval_ns = 0;
		memset(t->hist, 0, sizeof(t->hist));
	}
	t->nr += r.nr;
	t->sum += r.sum;
	t->interval_ns += r.interval_ns;
	for (int b = 0; b < SVT_SUM_BUCKETS; b++)
		t->hist[b] += r.hist[b];
	if (r.interval_ns > a->max_interval_ns)
		a->max_interval_ns = r.interval_ns;
	a->nr_records++;
	return 0;
}

json_t *summary_acc__json(const struct summary_acc *a)
{
	json_t *out = json_object(), *ctrs = json_object();
	int64_t live = 0;
	uint64_t span = 0;

	if (!out || !ctrs) {
		json_decref(out);
		json_decref(ctrs);
		return NULL;
	}
	for (unsigned int i = 0; i < a->nr; i++) {
		const struct summary_row *t = &a->rows[i];
		json_t *h = json_object();
		char key[SUMMARY_NAME_BYTES + SVT_STR_BYTES + 32], b[16];

		if (t->interval_ns > span)
			span = t->interval_ns;
		snprintf(key, sizeof(key), "%s", t->probe);
		if (t->cls)
			snprintf(key + strlen(key), sizeof(key) - strlen(key), " class %u", t->cls);
		if (t->name[0])
			snprintf(key + strlen(key), sizeof(key) - strlen(key), " @%s", t->name);
		for (int k = 0; k < SVT_SUM_BUCKETS; k++) {
			if (!t->hist[k])
				continue;
			snprintf(b, sizeof(b), "%d", k);
			json_object_set_new(h, b, json_integer((json_int_t)t->hist[k]));
		}
		json_object_set_new(
		    ctrs, key,
		    json_pack("{s:I,s:f,s:I,s:f,s:o}", "events", (json_int_t)t->nr, "per_s",
			      t->interval_ns ? (double)t->nr * 1e9 / (double)t->interval_ns : 0.0,
			      "sum", (json_int_t)t->sum, "mean",
			      t->nr ? (double)t->sum / (double)t->nr : 0.0, "hist", h));
		if (!strcmp(t->probe, "iommu:map"))
			live += (int64_t)t->sum;
		else if (!strcmp(t->probe, "iommu:unmap"))
			live -= (int64_t)t->sum;
	}
	json_object_set_new(out, "records", json_integer((json_int_t)a->nr_records));
	json_object_set_new(out, "span_ns", json_integer((json_int_t)span));
	json_object_set_new(out, "counters", ctrs);
	json_object_set_new(out, "live_mapped_bytes", json_integer((json_int_t)live));
	return out;
}
