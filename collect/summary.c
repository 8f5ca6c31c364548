// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - summary mode's counters into trace records, and back (see
 * summary.h). The maps hold running totals per CPU and per epoch parity
 * (collect.h); a cut bumps the epoch, waits until no BPF program still
 * counts into the old parity, then sums the CPUs of that parity and writes
 * the difference from the last time it was read: a record is exactly the
 * events between two cuts, and nothing is reset on the BPF side (a reset
 * would race with events counted meanwhile).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "collect/probes.h"
#include "collect/summary.h"

#define ARR_KEYS (SVT_P_MAX_ * SVT_SUM_CLASSES) /* array slots of one epoch parity */

/* A named counter seen so far, with its total at the last tick. */
struct named {
	struct svt_sum_key key;	 /* its key in sum_hash */
	struct svt_sum_val prev; /* summed over CPUs, last tick */
};

struct summary {
	int arr_fd;			       /* sum_arr */
	int hash_fd;			       /* sum_hash */
	struct svt_sum_state *st;	       /* the BPF side's epoch and cuts (mapped .bss) */
	struct bpf_link *cut_link;	       /* the trace_marker kprobe, NULL if none */
	int cut_err;			       /* why not: its attach error */
	struct trace_writer *w;		       /* output (not owned) */
	uint32_t event_id;		       /* SUMMARY_EVENT, interned */
	uint32_t cut_id;		       /* SUMMARY_CUT_EVENT, interned */
	int ncpu;			       /* possible CPUs: values per lookup */
	struct svt_sum_val *cpu_vals;	       /* ncpu values of one lookup */
	struct svt_sum_val prev[2 * ARR_KEYS]; /* sum_arr totals when last read, per parity */
	struct named *named;		       /* sum_hash counters seen */
	unsigned int nr_named;		       /* entries in named[] */
	const char *const *tps;		       /* --tracepoint names */
	unsigned int nr_tps;		       /* entries in tps[] */
	uint64_t open;			       /* the epoch being counted */
	uint64_t own_epoch;		       /* the epoch the last timer cut closed */
	uint64_t own_ns;		       /* and its time */
	uint64_t last_ns;		       /* time of the last cut */
	uint64_t nr_events[SVT_P_MAX_];	       /* totals per probe */
	uint64_t nr_records;		       /* records written */
	uint64_t nr_marker_cuts;	       /* cuts by trace_marker writes */
	uint64_t nr_merged;		       /* cuts merged into the next (see summary.h) */
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

void summary_autoload(struct bpf_object *obj, bool summary_mode)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
	{
		const char *name = bpf_program__name(prog);

		/* fentry on vfs_write: tried first, so a kernel that refuses
		 * fentry loses the marker cuts, not the whole load */
		if (!strcmp(name, SUMMARY_CUT_PROG))
			bpf_program__set_autoload(prog,
						  summary_mode && !probe_fentry_ok("vfs_write"));
		else if (!strncmp(name, "test_", 5))
			bpf_program__set_autoload(prog, false);
	}
}

/* The address of kernel text symbol @name, 0 if not there or hidden. */
static uint64_t kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], sym[256], type;
	unsigned long long a;
	uint64_t found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 &&
		    (type == 't' || type == 'T') && !strcmp(sym, name))
			found = a;
	fclose(f);
	return found;
}

struct summary *summary__new(int arr_fd, int hash_fd, struct svt_sum_state *st,
			     struct bpf_program *cut_prog, struct trace_writer *w,
			     const char *const *tracepoints, unsigned int nr_tracepoints,
			     uint64_t start_ns)
{
	struct summary *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->arr_fd = arr_fd;
	s->hash_fd = hash_fd;
	s->st = st;
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
	s->cut_id = trace_writer__intern(w, SUMMARY_CUT_EVENT);
	s->open = __atomic_load_n(&st->epoch, __ATOMIC_ACQUIRE);
	/* without it (no tracing_mark_write in kallsyms, addresses hidden,
	 * no fentry) the intervals are the timer's only */
	if (cut_prog && (st->mark_fn = kallsyms_addr("tracing_mark_write")))
		s->cut_link = bpf_program__attach_trace(cut_prog);
	else
		s->cut_err = -ENOENT;
	if (libbpf_get_error(s->cut_link)) {
		s->cut_err = (int)libbpf_get_error(s->cut_link);
		s->cut_link = NULL;
	}
	return s;
}

bool summary__marker_cuts(const struct summary *s)
{
	return s->cut_link != NULL;
}

uint64_t summary__nr_marker_cuts(const struct summary *s)
{
	return s->nr_marker_cuts;
}

uint64_t summary__nr_merged(const struct summary *s)
{
	return s->nr_merged;
}

void summary__free(struct summary *s)
{
	if (!s)
		return;
	bpf_link__destroy(s->cut_link);
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

/* Probe @probe's array counters use classes past 0 (svatrace.bpf.c: sum_add()). */
static bool classed(unsigned int probe)
{
	const struct probe_def *d = probe_def_by_id(probe);

	return d && (d->kind == SVT_K_TRACEPOINT || d->kind == SVT_K_QI_SUBMIT);
}

/* Add epoch parity @par's counters since they were last read, as of @now_ns. */
static int read_parity(struct summary *s, uint32_t par, uint64_t now_ns)
{
	struct svt_sum_key key, next;
	struct svt_sum_val tot;
	bool first = true;
	int rc = 0;

	for (uint32_t k = 0; k < ARR_KEYS && !rc; k++) {
		uint32_t idx = par * ARR_KEYS + k;

		/* Only the kinds sum_add() gives a class count in classes past 0
		 * of the array (the others' go to the hash): 79 lookups, not 784.
		 * Each lookup holds bpf_prog_active on this CPU while it copies
		 * every CPU's value, and a kprobe or classic tracepoint program
		 * that fires meanwhile on this CPU is skipped (progstats.h). */
		if (k % SVT_SUM_CLASSES && !classed(k / SVT_SUM_CLASSES))
			continue;
		if (bpf_map_lookup_elem(s->arr_fd, &idx, s->cpu_vals))
			return -errno;
		sum_cpus(s, &tot);
		rc = emit(s, k / SVT_SUM_CLASSES, k % SVT_SUM_CLASSES, NULL, &tot, &s->prev[idx],
			  now_ns);
	}
	/* Names in the hash: one per device or IOMMU unit, a few dozen. */
	while (!rc && !bpf_map_get_next_key(s->hash_fd, first ? NULL : &key, &next)) {
		struct named *n;

		first = false;
		key = next;
		if (key.epoch != par)
			continue;
		if (bpf_map_lookup_elem(s->hash_fd, &key, s->cpu_vals))
			continue; /* deleted meanwhile: never, the BPF side only adds */
		n = find_named(s, &key);
		if (!n)
			continue;
		sum_cpus(s, &tot);
		rc = emit(s, key.probe, key.cls, key.name, &tot, &n->prev, now_ns);
	}
	return rc;
}

/*
 * Wait until every BPF program that read the old epoch has returned:
 * each runs inside an RCU read-side section (rcu_read_lock, or preemption
 * off for kprobes and classic tracepoints), and MEMBARRIER_CMD_GLOBAL is
 * synchronize_rcu(). Where it is refused (nohz_full), a pause far longer
 * than any program runs.
 */
static void grace_period(void)
{
	struct timespec ts = {0, 50 * 1000000L};

	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0)
		nanosleep(&ts, NULL);
}

/* The end of epoch @k: its time; @text := the marker's text, "" for a timer cut. */
static uint64_t cut_of(struct summary *s, uint64_t k, uint64_t now_ns, char *text)
{
	const struct svt_sum_cut *c = &s->st->cut[k % SVT_SUM_CUT_SLOTS];
	uint64_t ts;

	text[0] = 0;
	if (k == s->own_epoch && s->own_ns)
		return s->own_ns;
	if (__atomic_load_n(&c->epoch, __ATOMIC_ACQUIRE) != k + 1)
		return now_ns; /* overwritten: more cuts than slots since the last read */
	ts = c->ts_ns;
	snprintf(text, SVT_STR_BYTES, "%.*s", SVT_STR_BYTES - 1, c->text);
	for (char *p = text; *p; p++) /* one line, no spaces: the record text is k=v pairs */
		if (*p == '\n' || *p == ' ' || *p == '\t' || (unsigned char)*p < 0x20)
			*p = *p == '\n' && !p[1] ? 0 : '_';
	return ts;
}

/* Write the cut record of a marker cut at @ts. */
static int cut_record(struct summary *s, uint64_t ts, const char *text)
{
	struct trace_rec h = {0};
	char buf[SVT_STR_BYTES + 16];

	snprintf(buf, sizeof(buf), "marker=%s", text[0] ? text : "-");
	h.ts_ns = ts;
	h.event_id = s->cut_id;
	s->nr_marker_cuts++;
	return trace_writer__append_generic(s->w, &h, buf);
}

/* Close epochs s->open .. @end - 1 (cuts already made) and write them. */
static int close_to(struct summary *s, uint64_t end, uint64_t now_ns)
{
	char text[SVT_STR_BYTES];
	uint64_t ts = 0;
	int rc = 0;

	if (end <= s->open)
		return 0;
	grace_period();
	for (uint64_t k = s->open; k < end && !rc; k++) {
		uint64_t t = cut_of(s, k, now_ns, text);

		ts = t > ts ? t : ts;
		if (k != s->own_epoch || !s->own_ns)
			rc = cut_record(s, ts < s->last_ns ? s->last_ns : ts, text);
	}
	if (ts < s->last_ns) /* a cut's clock read raced the previous one's */
		ts = s->last_ns;
	if (!rc)
		rc = read_parity(s, (uint32_t)(s->open & 1), ts);
	/* Two or more cuts since the last read: the other parity holds the
	 * later closed epochs and, already, events of the open one; they are
	 * written as one interval ending at the last cut. */
	if (!rc && end - s->open >= 2) {
		rc = read_parity(s, (uint32_t)((s->open + 1) & 1), ts);
		s->nr_merged += end - s->open - 1;
	}
	s->open = end;
	s->last_ns = ts;
	return rc;
}

int summary__poll(struct summary *s, uint64_t now_ns)
{
	return close_to(s, __atomic_load_n(&s->st->epoch, __ATOMIC_ACQUIRE), now_ns);
}

int summary__tick(struct summary *s, uint64_t now_ns)
{
	uint64_t e = __atomic_fetch_add(&s->st->epoch, 1, __ATOMIC_ACQ_REL);
	int rc;

	/* marker cuts before this one are closed first, at their own times */
	rc = close_to(s, e, now_ns);
	s->own_epoch = e;
	s->own_ns = now_ns;
	if (!rc)
		rc = close_to(s, e + 1, now_ns);
	s->own_ns = 0;
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

bool summary_is_service(const char *probe)
{
	const struct probe_def *a = probe_def_by_id(SVT_P_IOPF_PAGE_RESPONSE);
	const struct probe_def *b = probe_def_by_id(SVT_P_IOPF_GROUP_RESPONSE);

	return (a && !strcmp(probe, a->name)) || (b && !strcmp(probe, b->name));
}

uint64_t summary_hist_quantile(const uint64_t *hist, double q)
{
	uint64_t n = 0, seen = 0;

	for (int b = 0; b < SVT_SUM_BUCKETS; b++)
		n += hist[b];
	if (!n)
		return 0;
	for (int b = 0; b < SVT_SUM_BUCKETS; b++) {
		seen += hist[b];
		if ((double)seen >= q * (double)n)
			return b ? (1ull << b) - 1 : 0;
	}
	return UINT64_MAX;
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
		json_t *c =
		    json_pack("{s:I,s:f,s:I,s:f,s:o}", "events", (json_int_t)t->nr, "per_s",
			      t->interval_ns ? (double)t->nr * 1e9 / (double)t->interval_ns : 0.0,
			      "sum", (json_int_t)t->sum, "mean",
			      t->nr ? (double)t->sum / (double)t->nr : 0.0, "hist", h);

		/* page responses: the fault service time (bucket 0: request not seen) */
		if (c && summary_is_service(t->probe))
			json_object_set_new(
			    c, "service_ns",
			    json_pack("{s:I,s:I,s:I,s:I}", "paired",
				      (json_int_t)(t->nr - t->hist[0]), "unpaired",
				      (json_int_t)t->hist[0], "p50_max",
				      (json_int_t)summary_hist_quantile(t->hist, 0.5), "p99_max",
				      (json_int_t)summary_hist_quantile(t->hist, 0.99)));
		json_object_set_new(ctrs, key, c);
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
