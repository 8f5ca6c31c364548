// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - comparison of two runs (see compare.h).
 *
 * The headline picks the first whole-run measure both runs have that moved, in
 * the order of headlines[] (time to finish, throughput, mean latencies). The
 * "why" starts from the latency decomposition that explains the headline
 * (translation parts for translation latency, submission parts for DSA
 * throughput and end-to-end latency; else the one whose total moved most):
 * its parts per unit of work, the ones that moved most first, in words
 * ("page-request queueing +128 us of +129 us per access"). Then it ranks
 * the other changes by the size of their ratio (a value appearing from zero
 * ranks first), adds where CPU time moved (the cpu.* keys), and names the
 * config that differs: the reader gets the magnitude and its cause.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/compare.h"
#include "lib/suggest.h"
#include "model/metric_keys.h"

/* Whole-run measures for the headline, in order of preference. */
static const struct {
	const char *key;    /* row key */
	bool higher_better; /* throughput-like */
} headlines[] = {
    {KEY_RUN_DURATION, false},
    {KEY_WQ_THROUGHPUT, true},
    {KEY_XLATE_LAT "@mean", false},
    {KEY_DESC_E2E_LAT "@mean", false},
};

static const char *const hist_stats[] = {"mean", "p50", "p99", "max"};

const struct compare_family compare_families[] = {
    /* model/xlate: parts of the translation latency summed over accesses */
    {PREFIX_XLATE_PART, NULL, NULL, KEY_XLATE_LAT "@mean", "access"},
    /* model/wq enum wq_part: parts of the end-to-end latency over descriptors */
    {PREFIX_SUBMIT_PART, KEY_SUBMIT_PART_COUNT, KEY_SUBMIT_PART_TOTAL, KEY_DESC_E2E_LAT "@mean",
     "descriptor"},
};
const size_t compare_nr_families = sizeof(compare_families) / sizeof(compare_families[0]);

/*
 * Part names in words, per family: the same name can mean different things
 * ("fault" is fault service in translation, a partial completion's
 * resubmission in submission). Names: model/xlate's xlate.part.* and
 * model/wq's wq_part_names.
 */
static const struct {
	const char *prefix; /* family (PREFIX_*_PART) */
	const char *name;   /* PREFIX.NAME_ns without prefix and _ns */
	const char *words;  /* for people */
} part_words[] = {
    {PREFIX_XLATE_PART, "hit", "IOTLB/ATC lookups"},
    {PREFIX_XLATE_PART, "inflight", "waiting on a translation in flight"},
    {PREFIX_XLATE_PART, "inflight_fault", "waiting on a page fault in flight"},
    {PREFIX_XLATE_PART, "walk_queue", "page-walk queueing"},
    {PREFIX_XLATE_PART, "walk_mem", "page-walk memory reads"},
    {PREFIX_XLATE_PART, "ats", "ATS round trip"},
    {PREFIX_XLATE_PART, "pri_request", "the page request on PCIe"},
    {PREFIX_XLATE_PART, "pri_thread", "the page-request thread"},
    {PREFIX_XLATE_PART, "pri_handler_wait", "page-request queueing (fault-handler wait)"},
    {PREFIX_XLATE_PART, "fault", "fault service"},
    {PREFIX_XLATE_PART, "pri_response", "the page-group response"},
    {PREFIX_XLATE_PART, "retry", "retry"},
    {PREFIX_XLATE_PART, "pri_queue", "page-request queueing"},
    {PREFIX_SUBMIT_PART, "core_wait", "waiting for the submitting core"},
    {PREFIX_SUBMIT_PART, "credit_wait", "waiting for a DWQ slot"},
    {PREFIX_SUBMIT_PART, "prep", "descriptor preparation"},
    {PREFIX_SUBMIT_PART, "lock", "the portal lock"},
    {PREFIX_SUBMIT_PART, "portal", "the portal write"},
    {PREFIX_SUBMIT_PART, "enqcmd_retry", "ENQCMD retries"},
    {PREFIX_SUBMIT_PART, "wq_wait", "WQ queueing"},
    {PREFIX_SUBMIT_PART, "xlate_stall", "translation stalls"},
    {PREFIX_SUBMIT_PART, "engine", "engine work"},
    {PREFIX_SUBMIT_PART, "notice", "completion notice"},
    {PREFIX_SUBMIT_PART, "fault", "page-fault resubmission"},
};

void compare_part_words(const char *prefix, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	if (n > 3 && !strcmp(name + n - 3, "_ns"))
		n -= 3;
	for (size_t i = 0; i < sizeof(part_words) / sizeof(part_words[0]); i++) {
		if (!strcmp(prefix, part_words[i].prefix) && strlen(part_words[i].name) == n &&
		    !strncmp(name, part_words[i].name, n)) {
			snprintf(buf, len, "%s", part_words[i].words);
			return;
		}
	}
	snprintf(buf, len, "%.*s", (int)n, name);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
}

struct rows {
	struct compare_row *v; /* array */
	size_t nr, cap;	       /* used, allocated */
};

static struct compare_row *row_get(struct rows *r, const char *key, const char *unit)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i].key, key))
			return &r->v[i];
	if (r->nr == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct compare_row *n = realloc(r->v, cap * sizeof(*n));

		if (!n)
			return NULL;
		r->v = n;
		r->cap = cap;
	}
	r->v[r->nr] = (struct compare_row){.key = strdup(key), .a = NAN, .b = NAN};
	if (!r->v[r->nr].key)
		return NULL;
	snprintf(r->v[r->nr].unit, sizeof(r->v[r->nr].unit), "%s", unit ? unit : "");
	return &r->v[r->nr++];
}

struct metric_arg {
	struct rows *rows; /* where to add */
	bool is_b;	   /* filling column b */
	struct store *st;  /* for histograms */
	int64_t run;	   /* run being read */
	int err;	   /* first error */
};

static int metric_cb(void *arg, const char *key, double value, const char *unit)
{
	struct metric_arg *m = arg;
	struct compare_row *r = row_get(m->rows, key, unit);

	if (!r)
		return m->err = -ENOMEM;
	*(m->is_b ? &r->b : &r->a) = value;
	return 0;
}

static int hist_cb(void *arg, const char *key)
{
	struct metric_arg *m = arg;
	struct store_hist h;
	struct hist hv;
	char rk[256];

	if (store__get_hist(m->st, m->run, key, &h))
		return 0;
	hv = store_hist_view(&h);
	for (size_t i = 0; i < sizeof(hist_stats) / sizeof(hist_stats[0]); i++) {
		struct compare_row *r;
		double v;

		snprintf(rk, sizeof(rk), "%s@%s", key, hist_stats[i]);
		r = row_get(m->rows, rk, h.unit);
		if (!r) {
			store_hist_clear(&h);
			return m->err = -ENOMEM;
		}
		if (hist_stat(&hv, hist_stats[i], &v))
			v = NAN;
		*(m->is_b ? &r->b : &r->a) = v;
	}
	store_hist_clear(&h);
	return 0;
}

static int cmp_row(const void *x, const void *y)
{
	return strcmp(((const struct compare_row *)x)->key, ((const struct compare_row *)y)->key);
}

/* ---- config differences: merge two key-ordered lists ---- */

struct kv {
	char **k, **v;	/* keys, values */
	size_t nr, cap; /* used, allocated */
};

static int kv_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct kv *kv = arg;

	if (kv->nr == kv->cap) {
		size_t cap = kv->cap ? kv->cap * 2 : 32;
		char **k = realloc(kv->k, cap * sizeof(*k));
		char **v;

		if (!k)
			return -ENOMEM;
		kv->k = k;
		v = realloc(kv->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		kv->v = v;
		kv->cap = cap;
	}
	kv->k[kv->nr] = strdup(key);
	kv->v[kv->nr] = strdup(value);
	kv->nr++;
	return 0;
}

static void kv_free(struct kv *kv)
{
	for (size_t i = 0; i < kv->nr; i++) {
		free(kv->k[i]);
		free(kv->v[i]);
	}
	free(kv->k);
	free(kv->v);
}

static int add_diff(struct compare *c, const char *key, const char *a, const char *b)
{
	struct compare_diff *d = realloc(c->diffs, (c->nr_diffs + 1) * sizeof(*d));

	if (!d)
		return -ENOMEM;
	c->diffs = d;
	d[c->nr_diffs].key = strdup(key);
	d[c->nr_diffs].a = strdup(a ? a : "");
	d[c->nr_diffs].b = strdup(b ? b : "");
	c->nr_diffs++;
	return 0;
}

static int config_diffs(struct store *st, struct compare *c)
{
	struct kv ka = {0}, kb = {0};
	size_t i = 0, j = 0;
	int rc;

	if (strcmp(c->run_a.scenario, c->run_b.scenario))
		add_diff(c, "(scenario)", c->run_a.scenario, c->run_b.scenario);
	if (strcmp(c->run_a.trace_hash, c->run_b.trace_hash))
		add_diff(c, "(trace)", c->run_a.trace_path, c->run_b.trace_path);
	rc = store__for_each_config(st, c->run_a.id, kv_cb, &ka);
	if (!rc)
		rc = store__for_each_config(st, c->run_b.id, kv_cb, &kb);
	while (!rc && (i < ka.nr || j < kb.nr)) {
		int o = i >= ka.nr ? 1 : j >= kb.nr ? -1 : strcmp(ka.k[i], kb.k[j]);

		if (o < 0) {
			rc = add_diff(c, ka.k[i], ka.v[i], NULL);
			i++;
		} else if (o > 0) {
			rc = add_diff(c, kb.k[j], NULL, kb.v[j]);
			j++;
		} else {
			if (strcmp(ka.v[i], kb.v[j]))
				rc = add_diff(c, ka.k[i], ka.v[i], kb.v[j]);
			else
				c->nr_same++;
			i++;
			j++;
		}
	}
	kv_free(&ka);
	kv_free(&kb);
	return rc;
}

/* ---- formatting ---- */

void compare_fmt_value(char *buf, size_t len, double v, const char *unit)
{
	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (unit && !strcmp(unit, "ns")) {
		double a = fabs(v);

		if (a >= 1e9)
			snprintf(buf, len, "%.4g s", v / 1e9);
		else if (a >= 1e6)
			snprintf(buf, len, "%.4g ms", v / 1e6);
		else if (a >= 1e3)
			snprintf(buf, len, "%.4g us", v / 1e3);
		else
			snprintf(buf, len, "%.4g ns", v);
		return;
	}
	if (fabs(v) >= 1e6 && fabs(v) < 1e15)
		snprintf(buf, len, "%.4gM", v / 1e6);
	else
		snprintf(buf, len, "%.6g", v);
}

void compare_fmt_ratio(char *buf, size_t len, double a, double b)
{
	if (isnan(a) || isnan(b))
		snprintf(buf, len, "-");
	else if (a == b)
		snprintf(buf, len, "=");
	else if (a == 0)
		snprintf(buf, len, "new");
	else if (b == 0)
		snprintf(buf, len, "gone");
	else
		snprintf(buf, len, "%.3gx", b / a);
}

static void __attribute__((format(printf, 3, 4))) cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static const char *name_of(const struct store_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "#%" PRId64 "%s%s%s", r->id, *r->label ? " (" : "", r->label,
		 *r->label ? ")" : "");
	return buf;
}

/* The row of headline measure @h if both runs have it (> 0), else NULL. */
static const struct compare_row *headline_row(const struct compare *c, size_t h)
{
	for (size_t i = 0; i < c->nr_rows; i++) {
		const struct compare_row *r = &c->rows[i];

		if (!strcmp(r->key, headlines[h].key) && !isnan(r->a) && !isnan(r->b) && r->a > 0 &&
		    r->b > 0)
			return r;
	}
	return NULL;
}

/*
 * A run that served translations of unmapped, not yet invalidated IOVAs
 * (xlate.use_after_unmap) got part of its speed from stale translations, a
 * correctness bug on a real host, not a design gain: the headline says so
 * (an ATS what-if on devices whose unmaps the trace never invalidates in
 * their ATC did that: 97280 stale hits).
 */
static void stale_warning(struct compare *c)
{
	size_t used = strlen(c->headline);

	for (size_t i = 0; i < c->nr_rows; i++) {
		const struct compare_row *r = &c->rows[i];

		if (strcmp(r->key, KEY_USE_AFTER_UNMAP) || !(r->a > 0 || r->b > 0))
			continue;
		snprintf(c->headline + used, sizeof(c->headline) - used,
			 "; WARNING: stale translations (%s A %.0f, B %.0f): a speed that comes "
			 "from them is not real",
			 r->key, isnan(r->a) ? 0 : r->a, isnan(r->b) ? 0 : r->b);
		return;
	}
}

/*
 * The first common measure that moved (by 0.5 % or more) makes the headline:
 * trace-driven replays finish with their trace whatever the model, so their
 * time to finish ties and the headline falls through to latency. If none
 * moved, the first common one says so.
 */
static void make_headline(struct compare *c)
{
	const struct compare_row *r = NULL;
	char na[128], nb[128], va[32], vb[32];
	double speed = 1; /* > 1: B is faster */
	size_t hi = 0;

	name_of(&c->run_a, na, sizeof(na));
	name_of(&c->run_b, nb, sizeof(nb));
	for (size_t h = 0; h < sizeof(headlines) / sizeof(headlines[0]); h++) {
		const struct compare_row *x = headline_row(c, h);
		double sp;

		if (!x)
			continue;
		sp = headlines[h].higher_better ? x->b / x->a : x->a / x->b;
		if (!r || fabs(sp - 1) >= 0.005) {
			r = x;
			speed = sp;
			hi = h;
		}
		if (fabs(sp - 1) >= 0.005)
			break;
	}
	if (!r) {
		snprintf(c->headline, sizeof(c->headline),
			 "B %s vs A %s: no common whole-run measure (%s, %s, ...) to rank them", nb,
			 na, headlines[0].key, headlines[1].key);
		return;
	}
	c->hl = (struct compare_headline){.metric = headlines[hi].key,
					  .unit = r->unit,
					  .baseline = r->a,
					  .value = r->b,
					  .ratio = r->b / r->a,
					  .speedup = speed};
	compare_fmt_value(va, sizeof(va), r->a, r->unit);
	compare_fmt_value(vb, sizeof(vb), r->b, r->unit);
	if (fabs(speed - 1) < 0.005)
		snprintf(c->headline, sizeof(c->headline),
			 "B %s performs the same as A %s: %s %s vs %s", nb, na, r->key, vb, va);
	else
		snprintf(c->headline, sizeof(c->headline),
			 "B %s is %.3gx %s than A %s: %s %s -> %s (%+.1f%%)", nb,
			 speed > 1 ? speed : 1 / speed, speed > 1 ? "faster" : "slower", na, r->key,
			 va, vb, 100 * (r->b - r->a) / r->a);
	stale_warning(c);
}

static double change_score(const struct compare_row *r)
{
	if (isnan(r->a) || isnan(r->b) || r->a == r->b)
		return 0;
	if (r->a == 0 || r->b == 0)
		return INFINITY;
	return fabs(log(fabs(r->b / r->a)));
}

/* CPU-time metrics: the cost-breakdown keys (model/metric_keys.h) */
static bool is_cpu_key(const char *key)
{
	static const char *const keys[] = {KEY_CPU_PIN,	  KEY_CPU_MAP,	 KEY_CPU_UNMAP,
					   KEY_CPU_INVAL, KEY_CPU_FAULT, KEY_CPU_SUBMIT};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

static const struct compare_row *find_row(const struct compare *c, const char *key)
{
	for (size_t i = 0; key && i < c->nr_rows; i++)
		if (!strcmp(c->rows[i].key, key))
			return &c->rows[i];
	return NULL;
}

/* NAME of a part key PREFIX.NAME_ns into @buf; false if @key is no part of @prefix. */
static bool part_name(const char *key, const char *prefix, char *buf, size_t len)
{
	size_t pl = strlen(prefix), kl = strlen(key);

	if (strncmp(key, prefix, pl) || kl < pl + 4 || strcmp(key + kl - 3, "_ns"))
		return false;
	snprintf(buf, len, "%.*s", (int)(kl - pl - 3), key + pl);
	/* a total beside the parts is not a part */
	return strcmp(buf, "total") && strcmp(buf, "sum");
}

/*
 * Units of work a run's part sums divide by: the family's count when
 * stored, else (sum of parts) / mean (the parts sum to the total, so that is
 * the count too), else 1 (run totals). Return: the mode (2, 1, 0).
 */
static int part_scale(const struct compare *c, const struct compare_family *f, double sum_a,
		      double sum_b, double *sa, double *sb)
{
	const struct compare_row *n = find_row(c, f->count_key);
	const struct compare_row *m = find_row(c, f->mean_key);

	if (n && n->a > 0 && n->b > 0) {
		*sa = n->a;
		*sb = n->b;
		return 2;
	}
	if (m && m->a > 0 && m->b > 0 && sum_a > 0 && sum_b > 0) {
		*sa = sum_a / m->a;
		*sb = sum_b / m->b;
		return 1;
	}
	*sa = *sb = 1;
	return 0;
}

static void why_insert(struct compare_why *w, const struct compare_part *p)
{
	size_t k = 0;

	while (k < w->nr && fabs(w->part[k].delta) >= fabs(p->delta))
		k++;
	if (k >= COMPARE_MAX_WHY)
		return;
	if (w->nr < COMPARE_MAX_WHY)
		w->nr++;
	memmove(&w->part[k + 1], &w->part[k], (w->nr - 1 - k) * sizeof(*p));
	w->part[k] = *p;
}

int compare_decompose(const struct compare *c, const struct compare_family *f,
		      struct compare_why *w)
{
	double sum_a = 0, sum_b = 0, sa, sb;
	size_t nr_a = 0, nr_b = 0;
	char name[64];

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < c->nr_rows; i++) {
		const struct compare_row *r = &c->rows[i];

		if (!part_name(r->key, f->prefix, name, sizeof(name)))
			continue;
		if (!isnan(r->a)) {
			sum_a += r->a;
			nr_a++;
		}
		if (!isnan(r->b)) {
			sum_b += r->b;
			nr_b++;
		}
	}
	if (!nr_a || !nr_b)
		return -ENOENT;
	w->prefix = f->prefix;
	w->per = part_scale(c, f, sum_a, sum_b, &sa, &sb) ? f->per : "run";
	w->total_a = sum_a / sa;
	w->total_b = sum_b / sb;
	w->total_delta = w->total_b - w->total_a;
	for (size_t i = 0; i < c->nr_rows; i++) {
		const struct compare_row *r = &c->rows[i];
		struct compare_part p = {0};

		if (!part_name(r->key, f->prefix, name, sizeof(name)))
			continue;
		p.a = isnan(r->a) ? 0 : r->a / sa;
		p.b = isnan(r->b) ? 0 : r->b / sb;
		p.delta = p.b - p.a;
		if (p.delta == 0)
			continue;
		snprintf(p.key, sizeof(p.key), "%s", r->key);
		snprintf(p.unit, sizeof(p.unit), "ns");
		compare_part_words(f->prefix, name, p.words, sizeof(p.words));
		why_insert(w, &p);
	}
	return 0;
}

/*
 * The decomposition that explains the headline: translation parts for
 * translation latency, submission parts for throughput and end-to-end
 * latency; else (time to finish) the family whose total moved most.
 */
static int pick_cause(struct compare *c)
{
	const char *want = NULL;
	double best = -1;
	int rc = -ENOENT;

	if (c->hl.metric && !strcmp(c->hl.metric, KEY_XLATE_LAT "@mean"))
		want = compare_families[0].prefix;
	else if (c->hl.metric && (!strcmp(c->hl.metric, KEY_DESC_E2E_LAT "@mean") ||
				  !strcmp(c->hl.metric, KEY_WQ_THROUGHPUT)))
		want = compare_families[1].prefix;
	for (size_t f = 0; f < compare_nr_families; f++) {
		struct compare_why w;
		double rel;

		if (want && strcmp(want, compare_families[f].prefix))
			continue;
		if (compare_decompose(c, &compare_families[f], &w))
			continue;
		rel = fabs(w.total_delta) / fmax(fmax(w.total_a, w.total_b), 1e-9);
		if (rel > best) {
			best = rel;
			c->cause = w;
			rc = 0;
		}
	}
	return rc;
}

static void fmt_delta(char *buf, size_t len, double d, const char *unit)
{
	buf[0] = d > 0 ? '+' : '\0';
	buf[1] = '\0';
	compare_fmt_value(buf + strlen(buf), len - strlen(buf), d, unit);
}

/* "page-request queueing +128 us of +129 us per access, fault service +1 us" */
static void why_parts_text(struct compare *c)
{
	const struct compare_why *w = &c->cause;
	char d[32], t[32];

	if (!w->nr) {
		compare_fmt_value(t, sizeof(t), w->total_a, "ns");
		cat(c->why, sizeof(c->why), " no part of %s* moved (%s per %s)", w->prefix, t,
		    w->per);
		return;
	}
	fmt_delta(t, sizeof(t), w->total_delta, "ns");
	for (size_t k = 0; k < w->nr; k++) {
		fmt_delta(d, sizeof(d), w->part[k].delta, "ns");
		if (!k)
			cat(c->why, sizeof(c->why), " %s %s of %s per %s", w->part[k].words, d, t,
			    w->per);
		else
			cat(c->why, sizeof(c->why), ", %s %s", w->part[k].words, d);
	}
}

/* Keys a decomposition family already speaks for. */
static bool in_cause(const struct compare *c, const char *key)
{
	const struct compare_family *f = NULL;

	for (size_t i = 0; i < compare_nr_families; i++)
		if (c->cause.prefix && !strcmp(c->cause.prefix, compare_families[i].prefix))
			f = &compare_families[i];
	return f && (!strncmp(key, f->prefix, strlen(f->prefix)) ||
		     (f->count_key && !strcmp(key, f->count_key)) ||
		     (f->total_key && !strcmp(key, f->total_key)));
}

/* The three metrics whose ratio moved most (not headlines, CPU keys or @max). */
static size_t top_changes(const struct compare *c, const struct compare_row **top)
{
	double score[3] = {0};
	size_t nr = 0;

	for (size_t i = 0; i < c->nr_rows; i++) {
		const struct compare_row *r = &c->rows[i];
		double s = change_score(r);
		bool skip = is_cpu_key(r->key) || in_cause(c, r->key);

		for (size_t h = 0; h < sizeof(headlines) / sizeof(headlines[0]); h++)
			skip |= !strcmp(r->key, headlines[h].key);
		/* max is one outlier; mean, p50, p99 speak for the distribution */
		if (skip || s == 0 || strstr(r->key, "@max"))
			continue;
		for (size_t k = 0; k < 3; k++) {
			if (k >= nr || s > score[k]) {
				for (size_t m = 2; m > k; m--) {
					top[m] = top[m - 1];
					score[m] = score[m - 1];
				}
				top[k] = r;
				score[k] = s;
				if (nr < 3)
					nr++;
				break;
			}
		}
	}
	return nr;
}

static void why_cpu(struct compare *c)
{
	const struct compare_row *cpu_top[2] = {NULL};
	double cpu_a = 0, cpu_b = 0;
	size_t nr_cpu = 0;
	char va[32], vb[32];

	for (size_t i = 0; i < c->nr_rows; i++) {
		const struct compare_row *r = &c->rows[i];
		double d;

		if (!is_cpu_key(r->key) || strcmp(r->unit, "ns") || isnan(r->a) || isnan(r->b))
			continue;
		d = fabs(r->b - r->a);
		cpu_a += r->a;
		cpu_b += r->b;
		nr_cpu++;
		for (int k = 0; k < 2; k++) {
			if (!cpu_top[k] || d > fabs(cpu_top[k]->b - cpu_top[k]->a)) {
				if (k == 0)
					cpu_top[1] = cpu_top[0];
				cpu_top[k] = r;
				break;
			}
		}
	}
	if (!nr_cpu || cpu_a == cpu_b)
		return;
	compare_fmt_value(va, sizeof(va), cpu_b - cpu_a, "ns");
	cat(c->why, sizeof(c->why), "; CPU time %s%s", cpu_b > cpu_a ? "+" : "", va);
	for (int k = 0; k < 2 && cpu_top[k] && cpu_top[k]->a != cpu_top[k]->b; k++) {
		compare_fmt_value(vb, sizeof(vb), cpu_top[k]->b - cpu_top[k]->a, "ns");
		cat(c->why, sizeof(c->why), "%s %s %s%s", k ? "," : ", mostly", cpu_top[k]->key,
		    cpu_top[k]->b > cpu_top[k]->a ? "+" : "", vb);
	}
}

static void make_why(struct compare *c)
{
	const struct compare_row *top[3] = {NULL};
	char va[32], vb[32], ratio[32];
	bool parts = !pick_cause(c);
	size_t nr_top;

	snprintf(c->why, sizeof(c->why), "why:");
	if (parts)
		why_parts_text(c);
	nr_top = top_changes(c, top);
	if (parts && nr_top)
		cat(c->why, sizeof(c->why), "; also");
	for (size_t k = 0; k < nr_top; k++) {
		compare_fmt_value(va, sizeof(va), top[k]->a, top[k]->unit);
		compare_fmt_value(vb, sizeof(vb), top[k]->b, top[k]->unit);
		compare_fmt_ratio(ratio, sizeof(ratio), top[k]->a, top[k]->b);
		cat(c->why, sizeof(c->why), "%s %s %s -> %s (%s)", k ? "," : "", top[k]->key, va,
		    vb, ratio);
		if (parts)
			continue;
		/* no decomposition: the metrics that moved are the structured why */
		struct compare_part *p = &c->cause.part[c->cause.nr++];

		snprintf(p->key, sizeof(p->key), "%s", top[k]->key);
		snprintf(p->words, sizeof(p->words), "%s", top[k]->key);
		snprintf(p->unit, sizeof(p->unit), "%s", top[k]->unit);
		p->a = top[k]->a;
		p->b = top[k]->b;
		p->delta = top[k]->b - top[k]->a;
	}
	if (!parts && !nr_top)
		cat(c->why, sizeof(c->why), " no metric changed");
	why_cpu(c);
	if (c->nr_diffs) {
		cat(c->why, sizeof(c->why), "; differs in");
		for (size_t i = 0; i < c->nr_diffs && i < 4; i++)
			cat(c->why, sizeof(c->why), "%s %s %s -> %s", i ? "," : "", c->diffs[i].key,
			    *c->diffs[i].a ? c->diffs[i].a : "(none)",
			    *c->diffs[i].b ? c->diffs[i].b : "(none)");
		if (c->nr_diffs > 4)
			cat(c->why, sizeof(c->why), " and %zu more", c->nr_diffs - 4);
	} else {
		cat(c->why, sizeof(c->why), "; same config, scenario and trace");
	}
}

int compare_runs(struct store *st, int64_t a, int64_t b, struct compare *out)
{
	struct rows rows = {0};
	struct metric_arg m = {.rows = &rows, .st = st};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__get_run(st, a, &out->run_a);
	if (!rc)
		rc = store__get_run(st, b, &out->run_b);
	if (rc)
		return rc;
	m.run = a;
	rc = store__for_each_metric(st, a, metric_cb, &m);
	rc = rc ?: store__for_each_hist_key(st, a, hist_cb, &m);
	m.is_b = true;
	m.run = b;
	rc = rc ?: store__for_each_metric(st, b, metric_cb, &m);
	rc = rc ?: store__for_each_hist_key(st, b, hist_cb, &m);
	rc = rc ?: m.err;
	out->rows = rows.v;
	out->nr_rows = rows.nr;
	if (rc)
		return rc;
	qsort(out->rows, out->nr_rows, sizeof(*out->rows), cmp_row);
	for (size_t i = 0; i < out->nr_rows; i++) {
		struct compare_row *r = &out->rows[i];

		r->ratio = isnan(r->a) || isnan(r->b) ? NAN
			   : r->a == 0		      ? (r->b == 0 ? 1 : INFINITY)
						      : r->b / r->a;
	}
	rc = config_diffs(st, out);
	if (rc)
		return rc;
	make_headline(out);
	make_why(out);
	return 0;
}

void compare_clear(struct compare *c)
{
	store_run_clear(&c->run_a);
	store_run_clear(&c->run_b);
	for (size_t i = 0; i < c->nr_rows; i++)
		free(c->rows[i].key);
	free(c->rows);
	for (size_t i = 0; i < c->nr_diffs; i++) {
		free(c->diffs[i].key);
		free(c->diffs[i].a);
		free(c->diffs[i].b);
	}
	free(c->diffs);
	memset(c, 0, sizeof(*c));
}

int64_t analyze_find_run(struct store *st, const char *name, char *err, size_t errlen)
{
	int64_t id = store__find_run(st, name);
	struct store_run *runs = NULL;
	const char **labels;
	const char *near = NULL;
	size_t nr = 0;

	if (id >= 0)
		return id;
	if (id == -EEXIST) {
		snprintf(err, errlen, "run label '%s' names more than one run: use ids", name);
		return id;
	}
	if (id != -ENOENT) {
		snprintf(err, errlen, "cannot look up run '%s': %s", name, store__errmsg(st));
		return id;
	}
	if (!store__list_runs(st, NULL, 0, &runs, &nr) &&
	    (labels = calloc(nr ? nr : 1, sizeof(*labels)))) {
		for (size_t i = 0; i < nr; i++)
			labels[i] = runs[i].label;
		near = suggest_closest(name, labels, nr);
		snprintf(err, errlen, "no run '%s' (an id, id range or label)%s%s%s", name,
			 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		free(labels);
	} else {
		snprintf(err, errlen, "no run '%s' (an id, id range or label)", name);
	}
	store_runs_free(runs, nr);
	return id;
}

int analyze_parse_runs(struct store *st, const char *spec, int64_t **ids, size_t *nr, char *err,
		       size_t errlen)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*ids = NULL;
	*nr = 0;
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		long long lo, hi;
		int used = 0;

		if (sscanf(tok, "%lld-%lld%n", &lo, &hi, &used) == 2 && !tok[used] && lo > 0 &&
		    hi >= lo) {
			/* a range of ids: only the ones that exist */
			for (long long id = lo; id <= hi && !rc; id++) {
				struct store_run r;

				if (store__get_run(st, id, &r))
					continue;
				store_run_clear(&r);
				if (n == cap) {
					int64_t *nv =
					    realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

					if (!nv) {
						rc = -ENOMEM;
						break;
					}
					v = nv;
				}
				v[n++] = id;
			}
			continue;
		}
		int64_t id = analyze_find_run(st, tok, err, errlen);

		if (id < 0) {
			rc = (int)id;
			break;
		}
		if (n == cap) {
			int64_t *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[n++] = id;
	}
	free(copy);
	if (!rc && !n) {
		snprintf(err, errlen, "run list '%s' names no run", spec);
		rc = -ENOENT;
	}
	if (rc) {
		free(v);
		return rc;
	}
	*ids = v;
	*nr = n;
	return 0;
}
