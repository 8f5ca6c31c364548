// SPDX-License-Identifier: GPL-2.0
/*
 * finding.c - a study's finding from its data (see finding.h). Three rules,
 * tried in order: an IOTLB-size sweep (miss rate against entries per page
 * size, the cause being the IOTLB reach against the footprint), a client
 * sweep of work queues (throughput against clients per WQ mode, the cause
 * being the per-descriptor components at the smallest client count), and a
 * contrast of the baseline with its most different run (the cause being the
 * latency components that changed most, per translation or descriptor).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/compare.h"
#include "analyze/finding.h"
#include "analyze/plot.h"
#include "lib/units.h"
#include "model/metric_keys.h"

#define MISS_GONE_PCT 1.0   /* a miss rate at or below this is "no misses" */
#define SATURATED_FRAC 0.95 /* throughput at or above this share of the peak is "reaches it" */
#define SAME_FRAC 0.005	    /* a headline within this fraction of the baseline's is "the same" */
#define MAX_PARTS 32	    /* latency components compared at most */
/* The translation-latency decomposition: XLATE_PART_PREFIX NAME "_ns" per
 * component, summing to the translation latency (model/metric_keys.h). */
#define XLATE_PART_PREFIX "xlate.part."

void finding_fmt_ns(char *buf, size_t len, double ns)
{
	double a = fabs(ns);

	if (isnan(ns))
		snprintf(buf, len, "n/a");
	else if (a < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (a < 1e6)
		snprintf(buf, len, "%.3g µs", ns / 1e3);
	else if (a < 1e9)
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3g s", ns / 1e9);
}

void finding_fmt_bytes(char *buf, size_t len, double b)
{
	static const char *const u[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	size_t i = 0;

	while (b >= 1024 && i + 1 < sizeof(u) / sizeof(u[0])) {
		b /= 1024;
		i++;
	}
	snprintf(buf, len, "%g %s", b, u[i]);
}

double finding_parse_bytes(const char *s)
{
	double v;
	char err[128];

	return s && !units_parse_double(s, UNITS_BYTES, &v, err, sizeof(err)) ? v : NAN;
}

void finding_value_words(const char *key, const char *value, char *buf, size_t len)
{
	char sz[32];

	if (!strcmp(key, CFG_PAGE_SIZE)) {
		finding_fmt_bytes(sz, sizeof(sz), finding_parse_bytes(value));
		snprintf(buf, len, "%s pages", sz);
	} else if (!strcmp(key, CFG_IOTLB_ENTRIES)) {
		snprintf(buf, len, "%s IOTLB entries", value);
	} else if (!strcmp(key, CFG_WQ_MODE)) {
		snprintf(buf, len, "%s WQ",
			 !strcmp(value, "dwq")	 ? "dedicated"
			 : !strcmp(value, "swq") ? "shared"
						 : value);
	} else {
		snprintf(buf, len, "%s=%s", key, value);
	}
}

static double eval(struct store *st, int64_t run, const char *expr)
{
	return plot_eval(st, run, expr);
}

bool finding_label_words(const char *label, char *buf, size_t len)
{
	const char *p = label;
	size_t used = 0;

	if (!strchr(label, '=') || strchr(label, '"'))
		return false;
	buf[0] = 0;
	while (*p && used < len) {
		size_t n = strcspn(p, " "), k = strcspn(p, "=");
		char key[128], val[128], w[160];

		if (k >= n)
			return false; /* not KEY=VALUE: the label is text */
		snprintf(key, sizeof(key), "%.*s", (int)k, p);
		snprintf(val, sizeof(val), "%.*s", (int)(n - k - 1), p + k + 1);
		finding_value_words(key, val, w, sizeof(w));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", w);
		p += n + strspn(p + n, " ");
	}
	return true;
}

/* A run's name in findings: its label (in words if generated), else its scenario. */
static const char *run_name(const struct store_run *r)
{
	static char buf[4][160];
	static unsigned int n;
	char *b = buf[n++ % 4];

	if (*r->label && finding_label_words(r->label, b, sizeof(buf[0])))
		return b;
	return *r->label ? r->label : *r->scenario ? r->scenario : "run";
}

/* ---------------------------------------------------------------- IOTLB sweep */

struct ipt {
	double entries; /* iotlb.entries */
	double page;	/* page bytes */
	double miss;	/* miss rate % */
	double mean;	/* mean translation latency, ns */
	int64_t run;	/* its run */
};

static int cmp_ipt(const void *a, const void *b)
{
	const struct ipt *p = a, *q = b;

	if (p->page != q->page)
		return p->page < q->page ? -1 : 1;
	return (p->entries > q->entries) - (p->entries < q->entries);
}

static double cfg_num(struct store *st, int64_t run, const char *key)
{
	char *v = store__get_config(st, run, key);
	double x = v ? finding_parse_bytes(v) : NAN;

	free(v);
	return x;
}

double finding_footprint_bytes(const struct store_run *r)
{
	json_t *m = *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;
	json_t *p = json_is_object(m) ? json_object_get(m, "params") : NULL;
	json_t *f = json_is_object(p) ? json_object_get(p, "footprint") : NULL;
	double v = json_is_string(f) ? finding_parse_bytes(json_string_value(f)) : NAN;

	json_decref(m);
	return v;
}

/* Points of one page size: [lo, hi) of the sorted array. */
static size_t page_end(const struct ipt *p, size_t lo, size_t n)
{
	size_t hi = lo;

	while (hi < n && p[hi].page == p[lo].page)
		hi++;
	return hi;
}

static double first_gone(const struct ipt *p, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++)
		if (p[i].miss <= MISS_GONE_PCT) {
			/* and it stays gone at every larger size */
			bool stays = true;

			for (size_t j = i; j < hi; j++)
				stays &= p[j].miss <= MISS_GONE_PCT;
			if (stays)
				return p[i].entries;
		}
	return NAN;
}

/*
 * The sweep's points, sorted by page size then entries: those with a
 * size, a page size and a miss rate. Return: how many (0 when none or out
 * of memory; *@out NULL then).
 */
static size_t iotlb_points(struct store *st, const struct store_run *runs, const struct study *s,
			   struct ipt **out)
{
	struct ipt *p = calloc(s->nr ? s->nr : 1, sizeof(*p));
	size_t n = 0;

	*out = p;
	if (!p)
		return 0;
	for (size_t i = 0; i < s->nr; i++) {
		int64_t id = runs[s->idx[i]].id;

		p[n].entries = cfg_num(st, id, CFG_IOTLB_ENTRIES);
		p[n].page = cfg_num(st, id, CFG_PAGE_SIZE);
		p[n].miss = eval(st, id, KEY_IOTLB_MISSES "/" KEY_IOTLB_LOOKUPS) * 100;
		p[n].mean = eval(st, id, KEY_XLATE_LAT "@mean");
		p[n].run = id;
		if (!isnan(p[n].entries) && !isnan(p[n].page) && !isnan(p[n].miss))
			n++;
	}
	qsort(p, n, sizeof(*p), cmp_ipt);
	return n;
}

/* The smallest and the largest page size of a sweep: their points and where misses vanish. */
struct iotlb_ends {
	size_t lo_small, hi_small; /* points of the smallest page size: [lo, hi) */
	size_t lo_big, hi_big;	   /* of the largest (the same when only one) */
	double gone_small;	   /* entries from which misses vanish, NAN: never */
	double gone_big;	   /* likewise for the largest page size */
	char ps[32], pb[32];	   /* the two page sizes in words */
};

static void iotlb_title(const struct ipt *p, const struct iotlb_ends *e, struct finding *f)
{
	if (e->lo_big == e->lo_small) {
		if (!isnan(e->gone_small))
			snprintf(f->title, sizeof(f->title),
				 "With %s pages, IOTLB misses vanish from %g entries up", e->ps,
				 e->gone_small);
		else
			snprintf(
			    f->title, sizeof(f->title),
			    "With %s pages, IOTLB misses stay at %.0f%% or more up to %g entries",
			    e->ps, p[e->hi_small - 1].miss, p[e->hi_small - 1].entries);
	} else if (!isnan(e->gone_big) && isnan(e->gone_small)) {
		snprintf(f->title, sizeof(f->title),
			 "%s pages remove IOTLB misses from %g entries up; %s pages still miss "
			 "%.0f%% at %g entries",
			 e->pb, e->gone_big, e->ps, p[e->hi_small - 1].miss,
			 p[e->hi_small - 1].entries);
	} else if (!isnan(e->gone_big)) {
		snprintf(f->title, sizeof(f->title),
			 "IOTLB misses vanish from %g entries with %s pages, from %g with %s pages",
			 e->gone_big, e->pb, e->gone_small, e->ps);
	} else {
		snprintf(f->title, sizeof(f->title),
			 "IOTLB misses stay above %.0f%% at every size up to %g entries, with %s "
			 "and %s pages",
			 fmin(p[e->hi_small - 1].miss, p[e->hi_big - 1].miss),
			 p[e->hi_big - 1].entries, e->ps, e->pb);
	}
}

/* The cause: reach (entries x page size) against the footprint @fp (NAN: unknown). */
static void iotlb_cause(const struct ipt *p, const struct iotlb_ends *e, double fp,
			struct finding *f)
{
	char a[32], b[32], r1[32], r2[32], fps[32];
	size_t used = 0;

	finding_fmt_bytes(fps, sizeof(fps), fp);
	if (!isnan(e->gone_big)) {
		finding_fmt_bytes(r1, sizeof(r1), e->gone_big * p[e->lo_big].page);
		used += (size_t)snprintf(f->cause + used, sizeof(f->cause) - used,
					 "IOTLB reach %g x %s = %s", e->gone_big, e->pb, r1);
		if (!isnan(fp))
			used += (size_t)snprintf(
			    f->cause + used, sizeof(f->cause) - used, " %s the %s footprint",
			    e->gone_big * p[e->lo_big].page >= fp ? "covers" : "is below", fps);
	}
	if (e->lo_big != e->lo_small && used < sizeof(f->cause)) {
		double n = p[e->hi_small - 1].entries;

		finding_fmt_bytes(r2, sizeof(r2), n * p[e->lo_small].page);
		used += (size_t)snprintf(
		    f->cause + used, sizeof(f->cause) - used, "%s%g x %s = %s%s%s",
		    used ? "; " : "IOTLB reach ", n, e->ps, r2,
		    !isnan(fp) ? (n * p[e->lo_small].page >= fp ? " covers it" : " does not") : "",
		    "");
		finding_fmt_ns(a, sizeof(a), p[e->hi_small - 1].mean);
		finding_fmt_ns(b, sizeof(b), p[e->hi_big - 1].mean);
		if (used < sizeof(f->cause) && !isnan(p[e->hi_small - 1].mean))
			snprintf(
			    f->cause + used, sizeof(f->cause) - used,
			    ". Mean translation at %g entries: %s with %s pages, %s with %s pages",
			    n, a, e->ps, b, e->pb);
	}
}

static bool iotlb_sweep(struct store *st, const struct store_run *runs, const struct study *s,
			struct finding *f)
{
	struct ipt *p;
	size_t n = iotlb_points(st, runs, s, &p);
	struct iotlb_ends e = {0};
	bool sweep = false;
	double fp;

	/* a sweep: some page size has two IOTLB sizes */
	for (size_t i = 1; i < n; i++)
		sweep |= p[i].page == p[i - 1].page && p[i].entries != p[i - 1].entries;
	if (!sweep) {
		free(p);
		return false;
	}
	f->kind = FINDING_IOTLB_SWEEP;
	e.hi_small = page_end(p, 0, n);
	e.hi_big = e.hi_small;
	while (e.hi_big < n) {
		e.lo_big = e.hi_big;
		e.hi_big = page_end(p, e.lo_big, n);
	}
	e.gone_small = first_gone(p, e.lo_small, e.hi_small);
	e.gone_big = first_gone(p, e.lo_big, e.hi_big);
	finding_fmt_bytes(e.ps, sizeof(e.ps), p[e.lo_small].page);
	finding_fmt_bytes(e.pb, sizeof(e.pb), p[e.lo_big].page);
	snprintf(f->question, sizeof(f->question),
		 "How do the IOTLB size and the page size change translation cost?");
	iotlb_title(p, &e, f);
	fp = finding_footprint_bytes(&runs[s->idx[0]]);
	iotlb_cause(p, &e, fp, f);
	/* the number the title rests on: the miss rate left at the smaller
	 * page size's largest IOTLB */
	snprintf(f->metric, sizeof(f->metric), "%s", KEY_IOTLB_MISSES "/" KEY_IOTLB_LOOKUPS);
	snprintf(f->metric_words, sizeof(f->metric_words),
		 "the IOTLB miss rate with %s pages at %g entries", e.ps,
		 p[e.hi_small - 1].entries);
	f->num_run = p[e.hi_small - 1].run;
	snprintf(f->basis, sizeof(f->basis),
		 "iotlb.misses / iotlb.lookups per run; reach = iotlb.entries x pt.page_bytes%s",
		 isnan(fp) ? "" : "; footprint from the generator's parameters");
	free(p);
	return true;
}

/* ---------------------------------------------------------------- WQ clients */

struct wpt {
	double clients; /* client.nr */
	double tput;	/* desc/s */
	char mode[32];	/* wq.wq0.mode */
	size_t run;	/* index into runs */
};

static int cmp_wpt(const void *a, const void *b)
{
	const struct wpt *p = a, *q = b;
	int c = strcmp(p->mode, q->mode);

	if (c)
		return c;
	return (p->clients > q->clients) - (p->clients < q->clients);
}

/* Per-descriptor components of one run for the WQ cause. */
static const struct {
	const char *expr; /* plot_eval() expression, ns per descriptor */
	const char *what; /* in words */
} wq_parts[] = {
    {KEY_SUBMIT_LAT "@mean", "submission (ready to accepted)"},
    {KEY_WQ_WAIT_LAT "@mean", "waiting in the WQ"},
    {KEY_SUBMIT_LOCK_WAIT "/" KEY_SUBMIT_DESCS, "waiting for the portal lock"},
};

static void wq_cause(struct store *st, const struct store_run *ra, const struct store_run *rb,
		     const char *wa, const char *wb, double clients, struct finding *f)
{
	size_t used;
	char x[32], y[32], d[32], e[32];
	double ea = eval(st, ra->id, KEY_DESC_E2E_LAT "@mean"),
	       eb = eval(st, rb->id, KEY_DESC_E2E_LAT "@mean");
	double ka = eval(st, ra->id, KEY_SUBMIT_RETRIES "/" KEY_SUBMIT_DESCS),
	       kb = eval(st, rb->id, KEY_SUBMIT_RETRIES "/" KEY_SUBMIT_DESCS);

	finding_fmt_ns(d, sizeof(d), fabs(eb - ea));
	finding_fmt_ns(x, sizeof(x), eb);
	finding_fmt_ns(y, sizeof(y), ea);
	used = (size_t)snprintf(
	    f->cause, sizeof(f->cause),
	    "at %g client%s a descriptor takes %s %s end to end on the %s than on "
	    "the %s (%s vs %s)",
	    clients, clients == 1 ? "" : "s", d, eb >= ea ? "longer" : "less", wb, wa, x, y);
	for (size_t i = 0; i < sizeof(wq_parts) / sizeof(wq_parts[0]) && used < sizeof(f->cause);
	     i++) {
		double a = eval(st, ra->id, wq_parts[i].expr),
		       b = eval(st, rb->id, wq_parts[i].expr);

		if ((isnan(a) || a == 0) && (isnan(b) || b == 0))
			continue; /* neither run has this component */
		finding_fmt_ns(x, sizeof(x), a);
		finding_fmt_ns(y, sizeof(y), b);
		finding_fmt_ns(e, sizeof(e), (isnan(b) ? 0 : b) - (isnan(a) ? 0 : a));
		used += (size_t)snprintf(f->cause + used, sizeof(f->cause) - used, "; %s %s vs %s",
					 wq_parts[i].what, y, x);
	}
	if (used < sizeof(f->cause) && (ka > 0 || kb > 0))
		snprintf(f->cause + used, sizeof(f->cause) - used,
			 "; ENQCMD retries per descriptor %.2f vs %.2f", isnan(kb) ? 0 : kb,
			 isnan(ka) ? 0 : ka);
	snprintf(f->basis, sizeof(f->basis),
		 "wq.device.desc_per_s per run; causes: per-descriptor means of the %s and %s runs",
		 run_name(ra), run_name(rb));
}

/*
 * A share of @whole in whole percent, rounded down: a client count that
 * misses SATURATED_FRAC must not read as reaching it ("1 reaches 95%" for
 * 94.6% next to "needs 2 clients for 95%").
 */
static double pct_floor(double part, double whole)
{
	return floor(100 * part / whole);
}

/*
 * The study's points, sorted by mode then clients: those with a client
 * count and a throughput; *@peak the highest throughput. Return: how many
 * (0 when none or out of memory; *@out NULL then).
 */
static size_t wq_points(struct store *st, const struct store_run *runs, const struct study *s,
			struct wpt **out, double *peak)
{
	struct wpt *p = calloc(s->nr ? s->nr : 1, sizeof(*p));
	size_t n = 0;

	*out = p;
	*peak = 0;
	if (!p)
		return 0;
	for (size_t i = 0; i < s->nr; i++) {
		int64_t id = runs[s->idx[i]].id;
		char *m = store__get_config(st, id, CFG_WQ_MODE);

		p[n].clients = eval(st, id, KEY_CLIENTS);
		if (isnan(p[n].clients))
			p[n].clients = cfg_num(st, id, KEY_CLIENTS);
		p[n].tput = eval(st, id, KEY_WQ_THROUGHPUT);
		snprintf(p[n].mode, sizeof(p[n].mode), "%s", m ? m : "?");
		p[n].run = s->idx[i];
		free(m);
		if (!isnan(p[n].clients) && !isnan(p[n].tput)) {
			*peak = fmax(*peak, p[n].tput);
			n++;
		}
	}
	qsort(p, n, sizeof(*p), cmp_wpt);
	return n;
}

/*
 * The title: per mode, the clients it needs for SATURATED_FRAC of @peak (or
 * the most it reaches), then the peak. first_of[] gets the first point of
 * the first two modes and @wa, @wb their names in words (48 bytes each).
 * Return: the number of modes.
 */
static size_t wq_title(const struct wpt *p, size_t n, double peak, size_t first_of[2], char *wa,
		       char *wb, struct finding *f)
{
	size_t used = 0, nmodes = 0;
	char pk[32];

	for (size_t lo = 0; lo < n && used < sizeof(f->title);) {
		size_t hi = lo, sat = SIZE_MAX, best = lo;
		char w[48];

		while (hi < n && !strcmp(p[hi].mode, p[lo].mode))
			hi++;
		for (size_t i = lo; i < hi; i++) {
			if (sat == SIZE_MAX && p[i].tput >= SATURATED_FRAC * peak)
				sat = i;
			if (p[i].tput > p[best].tput)
				best = i;
		}
		finding_value_words(CFG_WQ_MODE, p[lo].mode, w, sizeof(w));
		if (nmodes < 2) {
			first_of[nmodes] = lo;
			snprintf(nmodes ? wb : wa, 48, "%s", w);
		}
		nmodes++;
		if (used)
			used += (size_t)snprintf(f->title + used, sizeof(f->title) - used, "; ");
		if (used >= sizeof(f->title))
			break;
		if (sat == lo)
			used += (size_t)snprintf(f->title + used, sizeof(f->title) - used,
						 "%g client%s on a %s reach%s %.0f%% of peak",
						 p[lo].clients, p[lo].clients == 1 ? "" : "s", w,
						 p[lo].clients == 1 ? "es" : "",
						 pct_floor(p[lo].tput, peak));
		else if (sat != SIZE_MAX)
			used += (size_t)snprintf(
			    f->title + used, sizeof(f->title) - used,
			    "a %s needs %g clients for %.0f%% (%g reach%s %.0f%%)", w,
			    p[sat].clients, pct_floor(p[sat].tput, peak), p[lo].clients,
			    p[lo].clients == 1 ? "es" : "", pct_floor(p[lo].tput, peak));
		else
			used += (size_t)snprintf(f->title + used, sizeof(f->title) - used,
						 "a %s reaches at most %.0f%% (with %g clients)", w,
						 pct_floor(p[best].tput, peak), p[best].clients);
		lo = hi;
	}
	snprintf(pk, sizeof(pk), "%.3g", peak / 1e6);
	if (used < sizeof(f->title))
		snprintf(f->title + used, sizeof(f->title) - used, "; peak %s M descriptors/s", pk);
	return nmodes;
}

static bool wq_clients(struct store *st, const struct store_run *runs, const struct study *s,
		       struct finding *f)
{
	struct wpt *p;
	double peak;
	size_t n = wq_points(st, runs, s, &p, &peak), first_of[2] = {0, 0};
	char wa[48] = "", wb[48] = "";
	bool sweep = false;

	for (size_t i = 1; i < n; i++)
		sweep |= !strcmp(p[i].mode, p[i - 1].mode) && p[i].clients != p[i - 1].clients;
	if (!sweep || peak <= 0) {
		free(p);
		return false;
	}
	f->kind = FINDING_WQ_CLIENTS;
	snprintf(f->question, sizeof(f->question),
		 "How many submitting clients does each work-queue mode need to reach the "
		 "device's throughput?");
	if (wq_title(p, n, peak, first_of, wa, wb, f) >= 2) {
		/* both modes at their smallest client count; dedicated first if present */
		const struct store_run *ra = &runs[p[first_of[0]].run],
				       *rb = &runs[p[first_of[1]].run];

		if (!strcmp(p[first_of[1]].mode, "dwq")) {
			const struct store_run *t = ra;
			char tw[48];

			ra = rb;
			rb = t;
			memcpy(tw, wa, sizeof(tw));
			memcpy(wa, wb, sizeof(wa));
			memcpy(wb, tw, sizeof(wb));
		}
		wq_cause(st, ra, rb, wa, wb, p[first_of[0]].clients, f);
		snprintf(f->metric, sizeof(f->metric), "%s", KEY_WQ_THROUGHPUT);
		snprintf(f->metric_words, sizeof(f->metric_words),
			 "the throughput of the %s over the %s at %g client%s", wb, wa,
			 p[first_of[0]].clients, p[first_of[0]].clients == 1 ? "" : "s");
		f->num_run = rb->id;
		f->den_run = ra->id;
	}
	free(p);
	return true;
}

/* ---------------------------------------------------------------- contrast */

/* Components of a mean translation when the run has no decomposition keys:
 * the model's totals divided by the number of translations. */
static const struct {
	const char *key;  /* total ns over the run */
	const char *what; /* in words */
} xlate_totals[] = {
    {KEY_XLATE_PENDING_WAIT, "waiting on a translation in flight"},
    {KEY_PRI_HANDLER_WAIT, "page-request queueing"},
    {KEY_PRI_THREAD_WAIT, "waiting for the page-request thread"},
    {KEY_WALK_WAIT, "walk queueing"},
};

struct part {
	char what[64]; /* in words */
	double a;      /* ns per unit in the baseline */
	double b;      /* in the other run */
};

struct parts_arg {
	const char *prefix; /* "xlate.part." */
	struct part *p;	    /* collected */
	size_t n;	    /* count */
	bool is_b;	    /* reading the other run */
};

static int parts_cb(void *arg, const char *key, double value, const char *unit)
{
	struct parts_arg *a = arg;
	char what[64];
	size_t i;

	(void)unit;
	if (strncmp(key, a->prefix, strlen(a->prefix)))
		return 0;
	compare_part_words(a->prefix, key + strlen(a->prefix), what, sizeof(what));
	for (i = 0; i < a->n; i++)
		if (!strcmp(a->p[i].what, what))
			break;
	if (i == a->n) {
		if (a->n == MAX_PARTS)
			return 0;
		snprintf(a->p[i].what, sizeof(a->p[i].what), "%s", what);
		a->p[i].a = a->p[i].b = 0;
		a->n++;
	}
	if (a->is_b)
		a->p[i].b += value;
	else
		a->p[i].a += value;
	return 0;
}

static int cmp_part(const void *x, const void *y)
{
	const struct part *p = x, *q = y;
	double dp = fabs(p->b - p->a), dq = fabs(q->b - q->a);

	return (dq > dp) - (dq < dp);
}

/*
 * Translation components of runs a and b, per translation. Decomposition
 * keys are stored as totals over the run (they sum to xlate.latency_ns@sum)
 * or as means per translation; either way the parts end up per translation.
 */
static size_t xlate_parts(struct store *st, int64_t a, int64_t b, struct part *p, bool *decomp)
{
	struct parts_arg arg = {XLATE_PART_PREFIX, p, 0, false};
	double na = eval(st, a, KEY_XLATE_COUNT), nb = eval(st, b, KEY_XLATE_COUNT);

	store__for_each_metric(st, a, parts_cb, &arg);
	arg.is_b = true;
	store__for_each_metric(st, b, parts_cb, &arg);
	*decomp = arg.n > 0;
	if (arg.n) {
		double sa = 0, suma = eval(st, a, KEY_XLATE_LAT "@sum");

		for (size_t i = 0; i < arg.n; i++)
			sa += p[i].a;
		if (!isnan(suma) && na > 0 && fabs(sa - suma) <= 0.1 * suma)
			for (size_t i = 0; i < arg.n; i++) {
				p[i].a /= na;
				p[i].b /= nb > 0 ? nb : 1;
			}
		return arg.n;
	}
	for (size_t i = 0; i < sizeof(xlate_totals) / sizeof(xlate_totals[0]); i++) {
		double ta = eval(st, a, xlate_totals[i].key), tb = eval(st, b, xlate_totals[i].key);

		if (isnan(ta) && isnan(tb))
			continue;
		snprintf(p[arg.n].what, sizeof(p[arg.n].what), "%s", xlate_totals[i].what);
		p[arg.n].a = isnan(ta) || !(na > 0) ? 0 : ta / na;
		p[arg.n].b = isnan(tb) || !(nb > 0) ? 0 : tb / nb;
		arg.n++;
	}
	return arg.n;
}

static double cpu_total(struct store *st, int64_t run)
{
	static const char *const keys[] = {KEY_CPU_PIN,	  KEY_CPU_MAP,	 KEY_CPU_UNMAP,
					   KEY_CPU_INVAL, KEY_CPU_FAULT, KEY_CPU_SUBMIT};
	double t = 0;
	bool any = false;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		double v = eval(st, run, keys[i]);

		if (!isnan(v)) {
			t += v;
			any = true;
		}
	}
	return any ? t : NAN;
}

static void fmt_ratio_words(char *buf, size_t len, double base, double v, const char *up,
			    const char *down)
{
	double r = v / base;
	const char *w = up;

	if (r < 1) {
		r = 1 / r;
		w = down;
	}
	/* "1150x", "21.8x", "1.22x": three significant digits without an exponent */
	snprintf(buf, len, r >= 100 ? "%.0fx %s" : "%.3gx %s", r, w);
}

/*
 * The contrast's title: the headline ratio of @other (@vo) to @base (@vb) in
 * words ("mean " before a latency: @mean), then the CPU-time ratio when
 * both runs stored CPU time.
 */
static void contrast_title(struct store *st, const struct store_run *base,
			   const struct store_run *other, const char *what, bool mean, double vb,
			   double vo, struct finding *f)
{
	double ca = cpu_total(st, base->id), cb = cpu_total(st, other->id);
	char x[32], y[32], r[48];
	size_t used;

	finding_fmt_ns(x, sizeof(x), vo);
	finding_fmt_ns(y, sizeof(y), vb);
	fmt_ratio_words(r, sizeof(r), vb, vo, "slower", "faster");
	if (fabs(vo / vb - 1) < SAME_FRAC)
		/* "1x slower" says nothing: the headline did not move */
		used = (size_t)snprintf(
		    f->title, sizeof(f->title), "%s: %s takes as long as with %s (%s%s vs %s)",
		    run_name(other), what, run_name(base), mean ? "mean " : "", x, y);
	else
		used = (size_t)snprintf(f->title, sizeof(f->title),
					"%s: %s %s than %s (%s%s vs %s)", run_name(other), what, r,
					run_name(base), mean ? "mean " : "", x, y);
	if (!isnan(ca) && !isnan(cb) && ca > 0 && cb > 0 && used < sizeof(f->title)) {
		finding_fmt_ns(x, sizeof(x), cb);
		finding_fmt_ns(y, sizeof(y), ca);
		fmt_ratio_words(r, sizeof(r), ca, cb, "higher", "lower");
		snprintf(f->title + used, sizeof(f->title) - used, "; CPU time %s (%s vs %s)", r, x,
			 y);
	}
}

/*
 * The cause of a translation-latency contrast: the parts that moved most
 * (at most 3, each at least 1% of the move), and @other's page requests.
 */
static void contrast_xlate_cause(struct store *st, const struct store_run *base,
				 const struct store_run *other, double vb, double vo,
				 struct finding *f)
{
	struct part p[MAX_PARTS];
	bool decomp;
	size_t n = xlate_parts(st, base->id, other->id, p, &decomp), used;
	double fl = eval(st, other->id, KEY_PRI_FAULT_LAT),
	       nf = eval(st, other->id, KEY_PRI_REQUESTS);
	char d[32], t[32];

	qsort(p, n, sizeof(*p), cmp_part);
	finding_fmt_ns(t, sizeof(t), vo - vb);
	used = (size_t)snprintf(f->cause, sizeof(f->cause), "per translation, ");
	for (size_t i = 0; i < n && i < 3 && used < sizeof(f->cause); i++) {
		if (i && fabs(p[i].b - p[i].a) < 0.01 * fabs(vo - vb))
			break;
		finding_fmt_ns(d, sizeof(d), p[i].b - p[i].a);
		used += (size_t)snprintf(f->cause + used, sizeof(f->cause) - used, "%s%s: %s%s",
					 i ? ", " : "", p[i].what, p[i].b >= p[i].a ? "+" : "", d);
		if (!i)
			used += (size_t)snprintf(f->cause + used, sizeof(f->cause) - used,
						 " of %s%s", vo >= vb ? "+" : "", t);
	}
	if (!n)
		snprintf(f->cause, sizeof(f->cause), "no latency components stored");
	else if (fabs(vo / vb - 1) < SAME_FRAC)
		used = (size_t)snprintf(f->cause, sizeof(f->cause),
					"per translation, no latency component moved by "
					"%.1f%% of the mean or more",
					100 * SAME_FRAC);
	if (!isnan(fl) && nf > 0 && used < sizeof(f->cause)) {
		finding_fmt_ns(d, sizeof(d), fl);
		snprintf(f->cause + used, sizeof(f->cause) - used,
			 " (%s: %.0f page requests, %s mean fault latency)", run_name(other), nf,
			 d);
	}
	snprintf(f->basis, sizeof(f->basis), "%s",
		 decomp ? "the runs' translation-latency decomposition (xlate.part.*_ns)"
			: "model totals per translation (xlate.pending_wait_ns, pri.*_wait_ns, "
			  "walk.wait_ns) / xlate.count");
}

static bool contrast(struct store *st, const struct store_run *runs, const struct study *s,
		     struct finding *f)
{
	static const struct {
		const char *expr;   /* headline metric */
		const char *what;   /* in words */
		const char *metric; /* the metric in words */
	} heads[] = {
	    {KEY_XLATE_LAT "@mean", "translation", "mean translation latency"},
	    {KEY_DESC_E2E_LAT "@mean", "a descriptor (end to end)",
	     "mean descriptor end-to-end latency"},
	    {KEY_RUN_DURATION, "the run", "time to finish"},
	};
	const struct store_run *base = &runs[s->idx[s->baseline]], *other = NULL;
	double vb = NAN, vo = NAN, best = -1;
	size_t h;

	if (s->nr < 2)
		return false;
	for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
		vb = eval(st, base->id, heads[h].expr);
		if (!isnan(vb) && vb > 0)
			break;
	}
	if (h == sizeof(heads) / sizeof(heads[0]))
		return false;
	for (size_t i = 0; i < s->nr; i++) {
		const struct store_run *r2 = &runs[s->idx[i]];
		double v = eval(st, r2->id, heads[h].expr);

		if (i == s->baseline || isnan(v) || v <= 0)
			continue;
		if (fabs(log(v / vb)) > best) {
			best = fabs(log(v / vb));
			other = r2;
			vo = v;
		}
	}
	if (!other)
		return false;
	f->kind = FINDING_CONTRAST;
	snprintf(f->metric, sizeof(f->metric), "%s", heads[h].expr);
	snprintf(f->metric_words, sizeof(f->metric_words), "the %s / %s ratio of %s",
		 run_name(other), run_name(base), heads[h].metric);
	f->num_run = other->id;
	f->den_run = base->id;
	snprintf(f->question, sizeof(f->question), "What does %s cost compared with %s?",
		 run_name(other), run_name(base));
	contrast_title(st, base, other, heads[h].what, h < 2, vb, vo, f);
	if (h == 0) {
		contrast_xlate_cause(st, base, other, vb, vo, f);
	} else {
		struct compare cmp;

		if (compare_runs(st, base->id, other->id, &cmp) == 0) {
			snprintf(f->cause, sizeof(f->cause), "%.600s",
				 !strncmp(cmp.why, "why: ", 5) ? cmp.why + 5 : cmp.why);
			snprintf(f->basis, sizeof(f->basis),
				 "the metrics that moved most (svatrace compare)");
		}
		compare_clear(&cmp);
	}
	return true;
}

int finding_of_study(struct store *st, const struct store_run *runs, const struct study *s,
		     struct finding *f)
{
	memset(f, 0, sizeof(*f));
	if (iotlb_sweep(st, runs, s, f) || wq_clients(st, runs, s, f) || contrast(st, runs, s, f))
		return 0;
	f->kind = FINDING_NONE;
	snprintf(f->question, sizeof(f->question), "What does %s show?",
		 s->nr ? run_name(&runs[s->idx[0]]) : "the study");
	snprintf(f->title, sizeof(f->title), "%s: %zu run%s, no metric to compare", s->name, s->nr,
		 s->nr == 1 ? "" : "s");
	return 0;
}

/* ---------------------------------------------------------------- plot titles */

static const struct {
	const char *key;  /* CPU metric */
	const char *what; /* in words */
} cpu_kinds[] = {
    {KEY_CPU_PIN, "pinning"},	      {KEY_CPU_MAP, "mapping"},
    {KEY_CPU_UNMAP, "unmapping"},     {KEY_CPU_INVAL, "invalidation wait"},
    {KEY_CPU_FAULT, "fault service"}, {KEY_CPU_SUBMIT, "submission"},
};

/* The largest CPU kind of @run: its words and value; false if none. */
static bool cpu_top(struct store *st, int64_t run, const char **what, double *v)
{
	*v = -1;
	for (size_t i = 0; i < sizeof(cpu_kinds) / sizeof(cpu_kinds[0]); i++) {
		double x = eval(st, run, cpu_kinds[i].key);

		if (!isnan(x) && x > *v) {
			*v = x;
			*what = cpu_kinds[i].what;
		}
	}
	return *v > 0;
}

static bool cpu_title(struct store *st, const struct store_run *runs, const struct study *s,
		      char *buf, size_t len)
{
	size_t used = 0, lo = SIZE_MAX, hi = SIZE_MAX;
	double vlo = INFINITY, vhi = -1;
	char a[32], b[32];
	const char *w = NULL;
	double top;

	for (size_t i = 0; i < s->nr; i++) {
		double t = cpu_total(st, runs[s->idx[i]].id);

		if (isnan(t))
			continue;
		if (t < vlo) {
			vlo = t;
			lo = i;
		}
		if (t > vhi) {
			vhi = t;
			hi = i;
		}
	}
	if (hi == SIZE_MAX)
		return false;
	if (s->nr <= 3) {
		for (size_t i = 0; i < s->nr && used < len; i++) {
			const struct store_run *r = &runs[s->idx[i]];
			double t = cpu_total(st, r->id);

			if (isnan(t))
				continue;
			finding_fmt_ns(a, sizeof(a), t);
			used += (size_t)snprintf(buf + used, len - used, "%s%s: %s of CPU",
						 used ? "; " : "", run_name(r), a);
			if (cpu_top(st, r->id, &w, &top) && used < len) {
				finding_fmt_ns(b, sizeof(b), top);
				used += (size_t)snprintf(buf + used, len - used,
							 ", most in %s (%s)", w, b);
			}
		}
		return used > 0;
	}
	finding_fmt_ns(a, sizeof(a), vlo);
	finding_fmt_ns(b, sizeof(b), vhi);
	used = (size_t)snprintf(buf, len, "CPU time from %s (%s) to %s (%s)", a,
				run_name(&runs[s->idx[lo]]), b, run_name(&runs[s->idx[hi]]));
	if (cpu_top(st, runs[s->idx[hi]].id, &w, &top) && used < len)
		snprintf(buf + used, len - used, ", most in %s", w);
	return true;
}

static bool series_title(struct store *st, const struct store_run *runs, const struct study *s,
			 char *buf, size_t len)
{
	static const struct {
		const char *key;  /* series */
		const char *what; /* in words */
	} series[] = {
	    {KEY_PRI_REQUESTS, "page requests"},
	    {KEY_INVAL_COUNT, "invalidations"},
	    {KEY_IOTLB_MISSES, "IOTLB misses"},
	};
	size_t used = 0;
	char when[32];

	for (size_t k = 0; k < sizeof(series) / sizeof(series[0]) && used < len; k++) {
		double peak = 0, at_ms = 0, window_ms = 0;
		const struct store_run *who = NULL;

		for (size_t i = 0; i < s->nr; i++) {
			struct store_series ser;

			if (store__get_series(st, runs[s->idx[i]].id, series[k].key, &ser))
				continue;
			for (size_t j = 0; j < ser.nr_values; j++)
				if (ser.values[j] > peak) {
					peak = ser.values[j];
					at_ms = (double)(j * ser.window_ns) / 1e6;
					window_ms = (double)ser.window_ns / 1e6;
					who = &runs[s->idx[i]];
				}
			store_series_clear(&ser);
		}
		if (!who)
			continue;
		finding_fmt_ns(when, sizeof(when), at_ms * 1e6);
		used += (size_t)snprintf(
		    buf + used, len - used, "%s%s peak at %.0f per %g ms (%s, %s in)",
		    used ? "; " : "", series[k].what, peak, window_ms, run_name(who), when);
	}
	return used > 0;
}

static bool cdf_title(struct store *st, const struct store_run *runs, const struct study *s,
		      char *buf, size_t len)
{
	double lo = INFINITY, hi = -1;
	const struct store_run *rlo = NULL, *rhi = NULL;
	char a[32], b[32];

	for (size_t i = 0; i < s->nr; i++) {
		double v = eval(st, runs[s->idx[i]].id, KEY_XLATE_LAT "@p99");

		if (isnan(v))
			continue;
		if (v < lo) {
			lo = v;
			rlo = &runs[s->idx[i]];
		}
		if (v > hi) {
			hi = v;
			rhi = &runs[s->idx[i]];
		}
	}
	if (!rlo)
		return false;
	finding_fmt_ns(a, sizeof(a), lo);
	finding_fmt_ns(b, sizeof(b), hi);
	if (rlo == rhi)
		snprintf(buf, len, "p99 translation latency %s (%s)", a, run_name(rlo));
	else
		snprintf(buf, len, "p99 translation latency from %s (%s) to %s (%s)", a,
			 run_name(rlo), b, run_name(rhi));
	return true;
}

/* The plot that shows each kind of finding. */
static const struct {
	enum finding_kind k; /* finding */
	const char *plot;    /* the plot that shows it */
} shows[] = {
    {FINDING_IOTLB_SWEEP, "iotlb-sweep"},
    {FINDING_WQ_CLIENTS, "wq-clients"},
    {FINDING_CONTRAST, "latency-cdf"},
};

bool finding_shows(const struct finding *f, const char *kind)
{
	for (size_t i = 0; i < sizeof(shows) / sizeof(shows[0]); i++)
		if (f->kind == shows[i].k && !strcmp(kind, shows[i].plot))
			return true;
	return false;
}

bool finding_plot_title(struct store *st, const struct store_run *runs, const struct study *s,
			const struct finding *f, const char *kind, char *buf, size_t len)
{
	if (finding_shows(f, kind)) {
		snprintf(buf, len, "%s", f->title);
		return true;
	}
	if (!strcmp(kind, "cpu-cost"))
		return cpu_title(st, runs, s, buf, len);
	if (!strcmp(kind, "timeseries"))
		return series_title(st, runs, s, buf, len);
	if (!strcmp(kind, "latency-cdf"))
		return cdf_title(st, runs, s, buf, len);
	return false;
}
