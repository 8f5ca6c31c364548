// SPDX-License-Identifier: GPL-2.0
/*
 * series.c - a run's time series on one shared grid (see series.h).
 *
 * Each series owns max_windows values allocated when it is defined, so
 * sampling never allocates (the models sample from their event handlers,
 * which have no error path).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/series.h"

struct one {
	const char *key;       /* metric key */
	enum series_kind kind; /* how windows combine */
	uint32_t nr;	       /* windows in use */
	double last;	       /* LEVEL: the current level */
	double *v;	       /* max_windows values */
};

/* The time axis: shared by every set of series attached to it. */
struct series_grid {
	uint64_t origin_ns;    /* start of window 0 */
	uint64_t window_ns;    /* current width (doubles when out of windows) */
	uint32_t max_windows;  /* windows per series */
	bool started;	       /* origin_ns set */
	uint32_t nr_sets, cap; /* sets attached, allocated */
	struct series **sets;  /* the sets, coarsened together */
};

struct series {
	struct series_grid *g; /* the time axis */
	bool own_grid;	       /* g was made for this set alone */
	uint64_t end_ns;       /* series__finish() time, 0: not finished */
	uint32_t nr, cap;      /* series used, allocated */
	struct one *s;	       /* the series */
};

struct series_grid *series_grid__new(uint64_t window_ns, uint32_t max_windows)
{
	struct series_grid *g;

	if (!window_ns || max_windows < 2) {
		errno = EINVAL;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->window_ns = window_ns;
	g->max_windows = max_windows;
	return g;
}

void series_grid__free(struct series_grid *g)
{
	if (!g)
		return;
	free(g->sets);
	free(g);
}

void series_grid__start(struct series_grid *g, uint64_t t_ns)
{
	if (!g->started) {
		g->started = true;
		g->origin_ns = t_ns;
	}
}

struct series *series__new_on(struct series_grid *g)
{
	struct series *s;

	if (g->nr_sets == g->cap) {
		uint32_t cap = g->cap ? 2 * g->cap : 4;
		struct series **n = realloc(g->sets, cap * sizeof(*n));

		if (!n)
			return NULL;
		g->sets = n;
		g->cap = cap;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->g = g;
	g->sets[g->nr_sets++] = s;
	return s;
}

struct series *series__new(uint64_t window_ns, uint32_t max_windows)
{
	struct series_grid *g = series_grid__new(window_ns, max_windows);
	struct series *s = g ? series__new_on(g) : NULL;

	if (!s) {
		series_grid__free(g);
		return NULL;
	}
	s->own_grid = true;
	return s;
}

void series__free(struct series *s)
{
	struct series_grid *g;

	if (!s)
		return;
	g = s->g;
	for (uint32_t i = 0; i < g->nr_sets; i++) {
		if (g->sets[i] == s) {
			g->sets[i] = g->sets[--g->nr_sets];
			break;
		}
	}
	for (uint32_t i = 0; i < s->nr; i++)
		free(s->s[i].v);
	free(s->s);
	if (s->own_grid)
		series_grid__free(g);
	free(s);
}

int series__define(struct series *s, const char *key, enum series_kind kind)
{
	struct one *o;

	if (s->nr == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 8;

		o = realloc(s->s, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		s->s = o;
		s->cap = cap;
	}
	o = &s->s[s->nr];
	memset(o, 0, sizeof(*o));
	o->key = key;
	o->kind = kind;
	o->v = calloc(s->g->max_windows, sizeof(*o->v));
	if (!o->v)
		return -ENOMEM;
	return (int)s->nr++;
}

void series__start(struct series *s, uint64_t t_ns)
{
	series_grid__start(s->g, t_ns);
}

uint64_t series__origin_ns(const struct series *s)
{
	return s->g->origin_ns;
}

uint64_t series__window_ns(const struct series *s)
{
	return s->g->window_ns;
}

/* Every series of every set on @g at once: merge window pairs, double the width. */
static void coarsen(struct series_grid *g)
{
	for (uint32_t j = 0; j < g->nr_sets; j++) {
		struct series *s = g->sets[j];

		for (uint32_t k = 0; k < s->nr; k++) {
			struct one *o = &s->s[k];
			uint32_t i;

			for (i = 0; 2 * i < o->nr; i++) {
				double a = o->v[2 * i];
				double b = 2 * i + 1 < o->nr ? o->v[2 * i + 1]
							     : (o->kind == SERIES_LEVEL ? a : 0);

				o->v[i] = o->kind == SERIES_LEVEL ? (a > b ? a : b) : a + b;
			}
			o->nr = i;
			memset(o->v + o->nr, 0, (g->max_windows - o->nr) * sizeof(*o->v));
		}
	}
	g->window_ns *= 2;
}

/* Window index of @t_ns, coarsening until it fits. */
static uint32_t window_of(struct series_grid *g, uint64_t t_ns)
{
	uint64_t d = t_ns > g->origin_ns ? t_ns - g->origin_ns : 0;

	while (d / g->window_ns >= g->max_windows)
		coarsen(g);
	return (uint32_t)(d / g->window_ns);
}

/* Open windows up to @idx: SUM/INTEGRAL with 0, LEVEL with its level. */
static void extend(struct one *o, uint32_t idx)
{
	while (o->nr <= idx)
		o->v[o->nr++] = o->kind == SERIES_LEVEL ? o->last : 0;
}

void series__add(struct series *s, int id, uint64_t t_ns, double v)
{
	struct one *o = &s->s[id];
	uint32_t idx;

	series__start(s, t_ns);
	idx = window_of(s->g, t_ns);
	extend(o, idx);
	if (o->kind == SERIES_LEVEL) {
		if (v > o->v[idx])
			o->v[idx] = v;
		o->last = v;
	} else {
		o->v[idx] += v;
	}
}

void series__span(struct series *s, int id, uint64_t from_ns, uint64_t to_ns, double level)
{
	struct series_grid *g = s->g;
	struct one *o = &s->s[id];

	if (level == 0 || from_ns >= to_ns)
		return;
	series__start(s, from_ns);
	if (from_ns < g->origin_ns)
		from_ns = g->origin_ns;
	window_of(g, to_ns - 1); /* coarsen first: the span's windows stay valid */
	while (from_ns < to_ns) {
		uint32_t w = window_of(g, from_ns);
		uint64_t end = g->origin_ns + (uint64_t)(w + 1) * g->window_ns;

		if (end > to_ns)
			end = to_ns;
		extend(o, w);
		o->v[w] += level * (double)(end - from_ns);
		from_ns = end;
	}
}

void series__finish(struct series *s, uint64_t end_ns)
{
	uint32_t idx;

	if (!s->g->started)
		return;
	if (end_ns < s->g->origin_ns)
		end_ns = s->g->origin_ns;
	s->end_ns = end_ns;
	idx = window_of(s->g, end_ns);
	for (uint32_t k = 0; k < s->nr; k++)
		if (s->s[k].nr)
			extend(&s->s[k], idx);
}

int series__emit(const struct series *s, series_emit_fn fn, void *ctx)
{
	double *mean = NULL;
	int rc = 0;

	for (uint32_t k = 0; !rc && k < s->nr; k++) {
		const struct one *o = &s->s[k];
		const double *v = o->v;

		if (!o->nr)
			continue;
		if (o->kind == SERIES_INTEGRAL) {
			if (!mean && !(mean = malloc(s->g->max_windows * sizeof(*mean))))
				return -ENOMEM;
			for (uint32_t i = 0; i < o->nr; i++) {
				uint64_t lo = s->g->origin_ns + (uint64_t)i * s->g->window_ns;
				uint64_t len = s->g->window_ns;

				/* the last window is only partly inside the run */
				if (s->end_ns > lo && s->end_ns - lo < len)
					len = s->end_ns - lo;
				mean[i] = o->v[i] / (double)len;
			}
			v = mean;
		}
		rc = fn(ctx, o->key, s->g->origin_ns, s->g->window_ns, v, o->nr);
		if (rc > 0)
			rc = 0;
	}
	free(mean);
	return rc;
}
