// SPDX-License-Identifier: GPL-2.0
/*
 * onepass.c - a sweep's IOTLB-geometry points from one pass over the trace
 * for all page sizes of the grid (sweep/onepass.h): LRU stack distances (Mattson et al.
 * 1970; Hill & Smith 1989: model/xlate/stackdist.h) give every size's hits
 * and misses at once, stored as the runs a separate replay of each point
 * would store, for the counts they hold.
 *
 * When it is exact (every condition is checked, per point and on the
 * trace; a point that fails one is replayed fully by the fork pool):
 * - the point's only swept keys are iotlb.entries, iotlb.ways and
 *   pt.page_bytes, with no scenario, and entries/ways is a power of two
 *   (or ways == entries: fully associative);
 * - iotlb.policy=lru (FIFO and random lack the inclusion property);
 * - translations complete at once: walk.fixed_ns=0, mem.read_ns=0 and
 *   mem.remote_extra_ns=0, so a walk takes 0 ns whatever the table depth
 *   and a lookup never finds its page's walk in flight. With walk time a
 *   lookup of a page being walked merges into that walk (iotlb.merged)
 *   instead of counting a miss, which no stack distance can know;
 * - ats.enabled=off (an ATC in front filters the IOTLB's lookups),
 *   model.mode=pinned (no faults), replay.domain_per_device=off (every
 *   device's lookups in domain 0, as the pass keys them);
 * - the trace, by its header (TRACE_F_KINDS_SEEN, TRACE_F_TIME_ORDERED,
 *   written at a clean close), holds only device accesses and generic
 *   records in time order: nothing changes the IOTLB between lookups, and
 *   no reorder window moves a lookup. A record out of replay's bounds
 *   (replay.c, issue 19) stops the pass: every point is then replayed.
 * Stored per point: its resolved configuration (so its point key is the
 * replay's), iotlb.lookups, iotlb.hits, iotlb.misses, iotlb.merged (0),
 * replay.records, and sweep.one_pass = 1, which says the run holds counts
 * only (no latencies, histograms or series).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/store_sink.h"
#include "model/metric_keys.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/stackdist.h"
#include "replay/registry.h"
#include "sweep/onepass.h"
#include "sweep/sweep-local.h"
#include "trace/trace.h"

#define ONEPASS_MAX_CTX 4096		/* contexts (PASIDs) told apart */
#define ONEPASS_ADDR_LIMIT (1ull << 57) /* replay's bound on an access (replay.c) */

/* What a point needs from its resolved parameters. */
struct op_point {
	bool ok;	     /* one-pass exact for it */
	uint32_t entries;    /* iotlb.entries */
	uint32_t ways;	     /* iotlb.ways */
	uint64_t page_bytes; /* pt.page_bytes */
	bool ctx_hash;	     /* iotlb.set_index=ctx-hash */
	struct params *p;    /* its parameters (owned while planning) */
};

static bool value_is(const struct params *p, const char *key, const char *want)
{
	char v[64];

	return !params__value_text(p, key, v, sizeof(v)) && !strcmp(v, want);
}

static uint64_t value_u64(const struct params *p, const char *key)
{
	char v[64];

	return params__value_text(p, key, v, sizeof(v)) ? UINT64_MAX : strtoull(v, NULL, 0);
}

/* The axes a one-pass point may sweep. */
static bool axes_ok(const struct sweep_plan *sp)
{
	static const char *const allowed[] = {"iotlb.entries", "iotlb.ways", "pt.page_bytes"};

	for (size_t a = 0; a < sweep_grid__nr_axes(sp->grid); a++) {
		const char *k = sweep_grid__axis_key(sp->grid, a);
		bool found = false;

		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			found |= !strcmp(k, allowed[i]);
		if (!found)
			return false;
	}
	return true;
}

static void classify(struct op_point *pt)
{
	const struct params *p = pt->p;
	uint64_t sets;

	pt->entries = (uint32_t)value_u64(p, "iotlb.entries");
	pt->ways = (uint32_t)value_u64(p, "iotlb.ways");
	pt->page_bytes = value_u64(p, "pt.page_bytes");
	pt->ctx_hash = value_is(p, "iotlb.set_index", "ctx-hash");
	pt->ok = value_is(p, "iotlb.policy", "lru") && value_u64(p, "walk.fixed_ns") == 0 &&
		 value_u64(p, "mem.read_ns") == 0 && value_u64(p, "mem.remote_extra_ns") == 0 &&
		 value_is(p, "ats.enabled", "off") && value_is(p, "model.mode", "pinned") &&
		 value_is(p, "replay.domain_per_device", "off") && pt->ways && pt->entries;
	if (!pt->ok || pt->ways >= pt->entries)
		return;
	sets = pt->entries / pt->ways;
	pt->ok = pt->entries % pt->ways == 0 && !(sets & (sets - 1)) &&
		 sets <= (1ull << STACKDIST_MAX_SETS_LOG2) && pt->ways <= 4096;
}

/* The trace qualifies by its header alone (written at a clean close). */
static bool trace_ok(const struct trace_reader *r)
{
	const struct trace_file_hdr *fh = trace_reader__file_hdr(r);
	uint32_t allowed = 1u << TRACE_REC_DEV_ACCESS | 1u << TRACE_REC_GENERIC;

	return (fh->flags & TRACE_F_KINDS_SEEN) && (fh->flags & TRACE_F_TIME_ORDERED) &&
	       !(fh->kinds_seen & ~allowed);
}

static int page_psz(uint64_t page_bytes, unsigned int *psz, unsigned int *shift)
{
	switch (page_bytes) {
	case 4096:
		*psz = IOTLB_PSZ_4K, *shift = 12;
		return 0;
	case 2ull << 20:
		*psz = IOTLB_PSZ_2M, *shift = 21;
		return 0;
	case 1ull << 30:
		*psz = IOTLB_PSZ_1G, *shift = 30;
		return 0;
	default:
		return -EINVAL;
	}
}

/* The one-pass points of one page size and set-index rule: one analysis. */
struct op_group {
	uint64_t page_bytes;  /* pt.page_bytes */
	bool ctx_hash;	      /* iotlb.set_index=ctx-hash */
	unsigned int psz;     /* IOTLB_PSZ_* */
	unsigned int shift;   /* log2(page_bytes) */
	struct stackdist *sd; /* the analysis */
};

#define ONEPASS_MAX_GROUPS 6 /* 3 page sizes x 2 set-index rules */

struct op_pass {
	struct op_group g[ONEPASS_MAX_GROUPS]; /* one per (page size, set-index rule) */
	size_t nr_groups;		       /* groups in use */
	uint64_t nr_records;		       /* records read (replay.records) */
	bool refused;			       /* a record replay would refuse: give up */
};

/* The group of a one-pass point, or NULL. */
static struct op_group *point_group(struct op_pass *pass, const struct op_point *pt)
{
	for (size_t g = 0; g < pass->nr_groups; g++)
		if (pass->g[g].page_bytes == pt->page_bytes && pass->g[g].ctx_hash == pt->ctx_hash)
			return &pass->g[g];
	return NULL;
}

/*
 * One analysis per distinct (page size, set-index rule) among the one-pass
 * points, each sized for its points. A point of a page size the pass does
 * not know is replayed fully.
 */
static int make_groups(struct op_point *pts, size_t n, struct op_pass *pass)
{
	struct stackdist_cfg cfg[ONEPASS_MAX_GROUPS] = {0};

	for (size_t i = 0; i < n; i++) {
		struct op_group *g;
		struct stackdist_cfg *c;

		if (!pts[i].ok)
			continue;
		g = point_group(pass, &pts[i]);
		if (!g) {
			g = &pass->g[pass->nr_groups];
			if (page_psz(pts[i].page_bytes, &g->psz, &g->shift)) {
				pts[i].ok = false;
				continue;
			}
			g->page_bytes = pts[i].page_bytes;
			g->ctx_hash = pts[i].ctx_hash;
			pass->nr_groups++;
		}
		c = &cfg[g - pass->g];
		if (pts[i].ways >= pts[i].entries) {
			if (pts[i].entries > c->max_entries)
				c->max_entries = pts[i].entries;
			continue;
		}
		c->sets_mask |= pts[i].entries / pts[i].ways;
		if (pts[i].ways > c->max_ways)
			c->max_ways = pts[i].ways;
	}
	for (size_t g = 0; g < pass->nr_groups; g++) {
		pass->g[g].sd = stackdist__new(&cfg[g]);
		if (!pass->g[g].sd)
			return -errno;
	}
	return 0;
}

static void free_groups(struct op_pass *pass)
{
	for (size_t g = 0; g < pass->nr_groups; g++)
		stackdist__free(pass->g[g].sd);
}

/*
 * One pass over the trace feeding every group's analysis: the trace is read
 * once whatever the number of page sizes in the grid (reading and decoding
 * a record costs about a third of a replay).
 */
static int run_pass(const char *path, struct op_pass *pass, char *err, size_t err_bytes)
{
	static uint64_t hashes[ONEPASS_MAX_CTX];
	static uint32_t pasids[ONEPASS_MAX_CTX];
	const struct trace_rec *rec;
	struct trace_reader *r;
	uint32_t nr_ctx = 0;
	int rc, oerr;

	r = trace_reader__open(path, &oerr);
	if (!r) {
		snprintf(err, err_bytes, "%s", trace_open_errmsg());
		return oerr ? oerr : -EIO;
	}
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		const struct trace_rec_dev_access *a = (const void *)rec;
		uint64_t bytes, ctx;
		uint32_t pasid;

		pass->nr_records++;
		if (rec->kind != TRACE_REC_DEV_ACCESS)
			continue;
		bytes = a->size_bytes ? a->size_bytes : 1;
		if (rec->ts_ns >= 1ull << 63 || a->iova >= ONEPASS_ADDR_LIMIT ||
		    a->size_bytes > ONEPASS_ADDR_LIMIT - a->iova) {
			pass->refused = true;
			break;
		}
		/* the context index as iotlb__ctx interns (domain 0, PASID) */
		pasid = a->pasid == TRACE_NO_PASID ? 0 : a->pasid;
		for (ctx = 0; ctx < nr_ctx && pasids[ctx] != pasid; ctx++)
			;
		if (ctx == nr_ctx) {
			if (nr_ctx == ONEPASS_MAX_CTX) {
				pass->refused = true;
				break;
			}
			pasids[nr_ctx] = pasid;
			hashes[nr_ctx++] = iotlb_ctx_hash(0, pasid);
		}
		for (size_t g = 0; g < pass->nr_groups; g++) {
			const struct op_group *gr = &pass->g[g];
			uint64_t first = a->iova >> gr->shift,
				 last = (a->iova + bytes - 1) >> gr->shift;
			uint64_t h = gr->ctx_hash ? hashes[ctx] : 0;

			/* the pages the access touches, as model__access splits it */
			for (uint64_t p = first;; p++) {
				/* iotlb.c's key layout: page << 14 | context << 2 | page size */
				stackdist__ref(gr->sd,
					       (p & ((1ull << 50) - 1)) << 14 | ctx << 2 | gr->psz,
					       p, h);
				if (p == last)
					break;
			}
		}
	}
	if (rc < 0) {
		snprintf(err, err_bytes, "%s", trace_reader__errmsg(r));
		trace_reader__close(r);
		return rc;
	}
	trace_reader__close(r);
	return 0;
}

/* Point @idx's run, as its replay would store its counts. */
static int store_point(const struct sweep_plan *sp, size_t idx, const struct op_point *pt,
		       const struct op_pass *pass, const struct stackdist *sd, const char *meta,
		       uint64_t trace_bytes, struct store *st)
{
	struct store_sink *ss = store_sink__new(st);
	struct results_sink sink;
	struct results_run_info info = {0};
	char label[1200];
	uint64_t misses, refs = stackdist__refs(sd);
	int rc;

	if (!ss)
		return -ENOMEM;
	if ((rc = stackdist__misses(sd, pt->entries,
				    pt->ways >= pt->entries ? pt->entries : pt->ways, &misses))) {
		store_sink__free(ss);
		return rc;
	}
	sink = store_sink__sink(ss);
	sweep_plan__label(sp, idx, label, sizeof(label));
	info.label = label;
	info.trace_path = sp->o.trace;
	info.trace_hash = sp->trace_hash;
	info.trace_bytes = trace_bytes;
	info.trace_meta_json = meta;
	info.scenario = "";
	info.tool_version = SVT_VERSION;
	info.seed = value_u64(pt->p, "model.seed");
	rc = sink.ops->begin_run(sink.ctx, &info);
	if (rc >= 0)
		rc = params__store(pt->p, &sink);
#define M(key, v, unit)                                                                            \
	if (rc >= 0)                                                                               \
	rc = sink.ops->metric(sink.ctx, key, (double)(v), unit)
	M("replay.records", pass->nr_records, "records");
	M(KEY_IOTLB_LOOKUPS, refs, "lookups");
	M(KEY_IOTLB_HITS, refs - misses, "lookups");
	M(KEY_IOTLB_MISSES, misses, "lookups");
	M("iotlb.merged", 0, "lookups");
	M("sweep.one_pass", 1, "bool");
#undef M
	rc = sink.ops->end_run(sink.ctx, rc < 0 ? rc : 0) < 0 && rc >= 0 ? -EIO : rc;
	store_sink__free(ss);
	return rc < 0 ? rc : 0;
}

/* Every one-pass point from one pass over the trace. */
static int run_passes(struct sweep_plan *sp, struct op_point *pts, struct store *st,
		      size_t *nr_done, char *err, size_t err_bytes)
{
	struct op_pass pass = {0};
	struct trace_reader *r;
	struct stat sb;
	char *meta;
	int rc, oerr;

	r = trace_reader__open(sp->o.trace, &oerr);
	if (!r)
		return 0; /* the replays say why */
	if (!trace_ok(r) || stat(sp->o.trace, &sb)) {
		trace_reader__close(r);
		return 0;
	}
	meta = strdup(trace_reader__meta_json(r));
	trace_reader__close(r);
	if (!meta)
		return -ENOMEM;
	rc = make_groups(pts, sp->nr_points, &pass);
	if (!rc && pass.nr_groups)
		rc = run_pass(sp->o.trace, &pass, err, err_bytes);
	for (size_t j = 0; !rc && !pass.refused && j < sp->nr_points; j++) {
		const struct op_group *g;

		if (!pts[j].ok)
			continue;
		g = point_group(&pass, &pts[j]);
		rc = store_point(sp, j, &pts[j], &pass, g->sd, meta, (uint64_t)sb.st_size, st);
		if (!rc) {
			sp->pts[j].state = SWEEP_PT_OK;
			sp->pts[j].one_pass = true;
			(*nr_done)++;
		}
	}
	free_groups(&pass);
	free(meta);
	return rc;
}

int sweep_plan__run_one_pass(struct sweep_plan *sp, size_t *nr_done, char *err, size_t err_bytes)
{
	struct op_point *pts;
	struct store *st = NULL;
	size_t nr_ok = 0;
	int rc = 0;

	*nr_done = 0;
	if (!sp->o.db || !axes_ok(sp))
		return 0;
	pts = calloc(sp->nr_points ? sp->nr_points : 1, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	for (size_t i = 0; !rc && i < sp->nr_points; i++) {
		char spec[1024];

		if (sp->pts[i].state != SWEEP_PT_TODO)
			continue;
		pts[i].p =
		    sweep_plan_resolve_point(sp, i, NULL, spec, sizeof(spec), err, err_bytes);
		if (!pts[i].p) {
			rc = 0; /* the fork pool reports it */
			continue;
		}
		classify(&pts[i]);
		pts[i].ok &= !spec[0]; /* a scenario changes the lookups */
		nr_ok += pts[i].ok;
	}
	if (nr_ok) {
		st = store__open(sp->o.db, STORE_ONE_PER_POINT, err, err_bytes);
		rc = st ? run_passes(sp, pts, st, nr_done, err, err_bytes) : -EIO;
		store__close(st);
	}
	for (size_t i = 0; i < sp->nr_points; i++)
		params__free(pts[i].p);
	free(pts);
	return rc;
}
