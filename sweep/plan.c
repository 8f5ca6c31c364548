// SPDX-License-Identifier: GPL-2.0
/*
 * plan.c - a sweep plan: every point resolved once, its point key, the
 * duplicate check and the check against the results database (see plan.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/u64map.h"
#include "replay/registry.h"
#include "replay/replay.h"
#include "sweep/sweep-local.h"
#include "trace/trace.h"

static const char *const state_names[SWEEP_NR_PT_STATES] = {
    [SWEEP_PT_TODO] = "todo",
    [SWEEP_PT_DONE_BEFORE] = "done-before",
    [SWEEP_PT_DUP] = "duplicate",
    [SWEEP_PT_RUNNING] = "running",
    [SWEEP_PT_OK] = "ok",
    [SWEEP_PT_FAILED] = "failed",
    [SWEEP_PT_INTERRUPTED] = "interrupted",
};

const char *sweep_point_state_name(enum sweep_point_state s)
{
	return (unsigned int)s < SWEEP_NR_PT_STATES ? state_names[s] : "?";
}

/* ------------------------------------------------------------ point keys */

/* The resolved config as two parallel arrays, in registry order. */
struct kv_list {
	char **keys;	/* config keys */
	char **values;	/* their values */
	size_t nr, cap; /* used, allocated */
	int rc;		/* first error */
};

static void kv_add(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	struct kv_list *l = ctx;

	(void)origin;
	if (l->rc)
		return;
	if (l->nr == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 128;
		char **k = realloc(l->keys, cap * sizeof(*k));
		char **v = k ? realloc(l->values, cap * sizeof(*v)) : NULL;

		if (k)
			l->keys = k;
		if (!k || !v) {
			l->rc = -ENOMEM;
			return;
		}
		l->values = v;
		l->cap = cap;
	}
	l->keys[l->nr] = strdup(d->key);
	l->values[l->nr] = strdup(value);
	if (!l->keys[l->nr] || !l->values[l->nr]) {
		free(l->keys[l->nr]);
		free(l->values[l->nr]);
		l->rc = -ENOMEM;
		return;
	}
	l->nr++;
}

/*
 * The key the store will give the run: the same config rows the
 * replay hands its sink (params__foreach), the trace hash and the spec.
 */
static int point_key(const struct params *p, const char *trace_hash, const char *spec,
		     char out[STORE_POINT_KEY_LEN + 1])
{
	struct kv_list l = {0};
	int rc;

	params__foreach(p, kv_add, &l);
	rc = l.rc ? l.rc
		  : store_point_key(trace_hash, spec, (const char *const *)l.keys,
				    (const char *const *)l.values, l.nr, out);
	for (size_t i = 0; i < l.nr; i++) {
		free(l.keys[i]);
		free(l.values[i]);
	}
	free(l.keys);
	free(l.values);
	return rc;
}

/* FNV-1a 64: spreads any string; the map's own mixing does the rest. */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h == U64MAP_EMPTY ? 0 : h;
}

int sweep_find_duplicates(const char *const *keys, size_t nr, size_t *dup_of)
{
	struct u64map first; /* hash -> index of the first key with that hash */
	int rc = u64map_init(&first);

	for (size_t i = 0; !rc && i < nr; i++) {
		uint64_t h = str_hash(keys[i]), j;

		dup_of[i] = nr;
		if (!u64map_get(&first, h, &j)) {
			rc = u64map_put(&first, h, i);
			continue;
		}
		if (!strcmp(keys[j], keys[i])) {
			dup_of[i] = (size_t)j;
			continue;
		}
		/* 64-bit hash collision of different keys: rare enough to scan */
		for (j = 0; j < i; j++) {
			if (!strcmp(keys[j], keys[i])) {
				dup_of[i] = (size_t)j;
				break;
			}
		}
	}
	u64map_fini(&first);
	return rc;
}

/* ------------------------------------------------------------ the plan */

struct params *sweep_plan_resolve_point(const struct sweep_plan *sp, size_t idx,
					struct scenario_chain **chain, char *spec,
					size_t spec_bytes, char *err, size_t err_bytes)
{
	size_t nr_user = sp->o.nr_user;
	struct sweep_setting *s = calloc(nr_user + SWEEP_MAX_AXES + 1, sizeof(*s));
	struct params *p = params__new(svt_param_registry);
	const char *scn;

	if (!s || !p) {
		snprintf(err, err_bytes, "out of memory");
		errno = ENOMEM;
		goto fail;
	}
	if (nr_user)
		memcpy(s, sp->o.user, nr_user * sizeof(*s));
	scn = sweep_grid__point(sp->grid, idx, s + nr_user);
	errno =
	    -sweep_resolve_chain(p, sp->o.profile, scn, s, nr_user + sweep_grid__nr_axes(sp->grid),
				 chain, spec, spec_bytes, err, err_bytes);
	if (errno)
		goto fail;
	free(s);
	return p;
fail:
	free(s);
	params__free(p);
	return NULL;
}

/* Resolve every point (bad combinations fail before anything runs), key it. */
static int plan_points(struct sweep_plan *sp, char *err, size_t err_bytes)
{
	const char **keys = calloc(sp->nr_points ? sp->nr_points : 1, sizeof(*keys));
	size_t *dup_of = calloc(sp->nr_points ? sp->nr_points : 1, sizeof(*dup_of));
	int rc = 0;

	if (!keys || !dup_of) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; !rc && i < sp->nr_points; i++) {
		char spec[1024], msg[1024], label[1200];
		struct params *p =
		    sweep_plan_resolve_point(sp, i, NULL, spec, sizeof(spec), msg, sizeof(msg));

		if (!p) {
			/* a profile that is not there is a bad point too: EINVAL */
			rc = errno == ENOMEM ? -ENOMEM : -EINVAL;
			sweep_plan__label(sp, i, label, sizeof(label));
			snprintf(err, err_bytes, "point %zu (%s): %s", i, label, msg);
			break;
		}
		rc = point_key(p, sp->trace_hash, spec, sp->pts[i].key);
		params__free(p);
		keys[i] = sp->pts[i].key;
	}
	if (!rc)
		rc = sweep_find_duplicates(keys, sp->nr_points, dup_of);
	for (size_t i = 0; !rc && i < sp->nr_points; i++) {
		if (dup_of[i] < sp->nr_points) {
			sp->pts[i].state = SWEEP_PT_DUP;
			sp->pts[i].dup_of = dup_of[i];
		}
	}
out:
	if (rc == -ENOMEM)
		snprintf(err, err_bytes, "out of memory");
	free(keys);
	free(dup_of);
	return rc;
}

/* A regular file we may read: a FIFO would block the hash forever. */
static int check_trace(const char *path, char *err, size_t err_bytes)
{
	struct stat sb;
	int rc;

	if (stat(path, &sb)) {
		rc = -errno;
		snprintf(err, err_bytes, "cannot read trace %s: %s", path, strerror(-rc));
		return rc;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, err_bytes, "trace %s: %s", path,
			 S_ISDIR(sb.st_mode) ? "is a directory" : "not a regular file");
		return S_ISDIR(sb.st_mode) ? -EISDIR : -EINVAL;
	}
	if (access(path, R_OK)) {
		rc = -errno;
		snprintf(err, err_bytes, "cannot read trace %s: %s", path, strerror(-rc));
		return rc;
	}
	return 0;
}

int sweep_trace_check(const char *path, char *err, size_t err_bytes)
{
	struct trace_reader *r;
	int rc = check_trace(path, err, err_bytes);

	if (rc)
		return rc;
	r = trace_reader__open(path, &rc);
	if (!r) {
		snprintf(err, err_bytes, "%s", trace_open_errmsg());
		return rc < 0 ? rc : -EINVAL;
	}
	trace_reader__close(r);
	return 0;
}

struct sweep_plan *sweep_plan__new(const struct sweep_opts *o, struct sweep_grid *grid, char *err,
				   size_t err_bytes)
{
	struct sweep_plan *sp = calloc(1, sizeof(*sp));
	int rc;

	if (!sp) {
		sweep_grid__free(grid);
		snprintf(err, err_bytes, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	sp->o = *o;
	sp->grid = grid;
	sp->nr_points = sweep_grid__nr_points(grid);
	if (sp->nr_points > SWEEP_MAX_POINTS) {
		snprintf(err, err_bytes, "the grid has more than %d points", SWEEP_MAX_POINTS);
		rc = -E2BIG;
		goto fail;
	}
	rc = check_trace(o->trace, err, err_bytes);
	if (rc)
		goto fail;
	rc = replay_trace_hash(o->trace, sp->trace_hash, sizeof(sp->trace_hash));
	if (rc) {
		snprintf(err, err_bytes, "cannot read trace %s: %s", o->trace, strerror(-rc));
		goto fail;
	}
	sp->pts = calloc(sp->nr_points, sizeof(*sp->pts));
	if (!sp->pts) {
		snprintf(err, err_bytes, "out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	rc = plan_points(sp, err, err_bytes);
	if (rc)
		goto fail;
	return sp;
fail:
	sweep_plan__free(sp);
	errno = -rc;
	return NULL;
}

void sweep_plan__free(struct sweep_plan *sp)
{
	if (!sp)
		return;
	sweep_grid__free(sp->grid);
	free(sp->pts);
	free(sp);
}

int sweep_plan__check_store(struct sweep_plan *sp, struct store *st, char *err, size_t err_bytes)
{
	for (size_t i = 0; i < sp->nr_points; i++) {
		int has;

		if (sp->pts[i].state != SWEEP_PT_TODO)
			continue;
		has = store__has_point(st, sp->pts[i].key);
		if (has < 0) {
			snprintf(err, err_bytes, "%s: %s", store__path(st), store__errmsg(st));
			return has;
		}
		if (has)
			sp->pts[i].state = SWEEP_PT_DONE_BEFORE;
	}
	return 0;
}

int sweep_plan__check_db(struct sweep_plan *sp, enum sweep_db_mode mode, char *err,
			 size_t err_bytes)
{
	struct store *st;
	int rc;

	if (!sp->o.db || (mode == SWEEP_DB_IF_EXISTS && access(sp->o.db, F_OK)))
		return 0;
	st = store__open(sp->o.db, mode == SWEEP_DB_CREATE ? STORE_CREATE : 0, err, err_bytes);
	if (!st)
		return -errno;
	rc = sweep_plan__check_store(sp, st, err, err_bytes);
	store__close(st);
	return rc;
}

size_t sweep_plan__nr_points(const struct sweep_plan *sp)
{
	return sp->nr_points;
}

const struct sweep_point *sweep_plan__point(const struct sweep_plan *sp, size_t idx)
{
	return &sp->pts[idx];
}

void sweep_plan__count(const struct sweep_plan *sp, size_t counts[SWEEP_NR_PT_STATES])
{
	memset(counts, 0, SWEEP_NR_PT_STATES * sizeof(counts[0]));
	for (size_t i = 0; i < sp->nr_points; i++)
		counts[sp->pts[i].state]++;
}

const char *sweep_plan__trace_hash(const struct sweep_plan *sp)
{
	return sp->trace_hash;
}

void sweep_plan__label(const struct sweep_plan *sp, size_t idx, char *buf, size_t bytes)
{
	char l[1024];

	sweep_grid__label(sp->grid, idx, l, sizeof(l));
	if (sp->o.label)
		snprintf(buf, bytes, "%s%s%s", sp->o.label, *l ? " " : "", l);
	else
		snprintf(buf, bytes, "%s", *l ? l : "sweep point");
}
