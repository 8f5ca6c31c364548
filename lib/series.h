/* SPDX-License-Identifier: GPL-2.0 */
/*
 * series.h - the time series of one run: every series shares one origin and
 * one window.
 *
 * A struct series holds several named series on one time grid: window i
 * covers [origin + i * window, origin + (i + 1) * window). The origin is the
 * run's first timestamp (series__start(), or else the first sample of any
 * series); the window starts at the configured width and, when a sample
 * falls beyond max_windows, doubles for every series at once (adjacent
 * windows merge), so memory stays constant and all series stay on the same
 * grid. Several sets can share one grid (struct series_grid: the replay's,
 * passed into both models of a run), so that one run has one time axis.
 * Three kinds:
 *
 *   SERIES_SUM       values added in the window (events, counts);
 *   SERIES_LEVEL     a level that holds between samples: the window's
 *                    maximum (windows without a sample carry the last level);
 *   SERIES_INTEGRAL  level x time added by spans: emitted as the window's
 *                    time-weighted mean level (the last window's mean is over
 *                    the part before the end).
 */
#ifndef SVATRACE_LIB_SERIES_H
#define SVATRACE_LIB_SERIES_H

#include <stddef.h>
#include <stdint.h>

enum series_kind {
	SERIES_SUM,	 /* sum of values in the window */
	SERIES_LEVEL,	 /* maximum level in the window, carried across gaps */
	SERIES_INTEGRAL, /* time-weighted mean level in the window */
};

struct series;
struct series_grid;

/* Receives one series: values[i] covers [start_ns + i*window_ns, +window_ns). */
typedef int (*series_emit_fn)(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
			      const double *values, size_t nr);

/**
 * series__new() - an empty set of series with windows of @window_ns (> 0),
 * at most @max_windows (>= 2) of them before the window doubles.
 * Return: the set, or NULL with errno (EINVAL, ENOMEM).
 */
struct series *series__new(uint64_t window_ns, uint32_t max_windows);

/**
 * series_grid__new() - a time axis that several sets of series share (the
 * two models of one run): windows of @window_ns (> 0), at most
 * @max_windows (>= 2) before the window doubles for every set on it.
 * Return: the grid, or NULL with errno (EINVAL, ENOMEM).
 */
struct series_grid *series_grid__new(uint64_t window_ns, uint32_t max_windows);

/** series_grid__free() - free @g after every set on it; NULL is a no-op. */
void series_grid__free(struct series_grid *g);

/** series_grid__start() - set @g's origin to @t_ns unless it is set already. */
void series_grid__start(struct series_grid *g, uint64_t t_ns);

/**
 * series__new_on() - an empty set of series on the shared grid @g (which
 * must outlive it). Its series start, window and coarsen with every other
 * set on @g; series__emit() emits only this set's.
 * Return: the set, or NULL with errno (ENOMEM).
 */
struct series *series__new_on(struct series_grid *g);

/** series__free() - free @s (and its grid if series__new() made it); NULL is a no-op. */
void series__free(struct series *s);

/**
 * series__define() - add series @key (not copied: must outlive @s) of @kind.
 * Return: its id (>= 0) for series__add()/series__span(), or -ENOMEM.
 */
int series__define(struct series *s, const char *key, enum series_kind kind);

/** series__start() - set the origin to @t_ns unless it is set already. */
void series__start(struct series *s, uint64_t t_ns);

/**
 * series__add() - a sample of series @id at @t_ns: SUM adds @v to the
 * window, LEVEL sets the level to @v. Times before the origin count at the
 * origin.
 */
void series__add(struct series *s, int id, uint64_t t_ns, double v);

/**
 * series__span() - INTEGRAL series @id held @level over [@from_ns, @to_ns):
 * adds level x ns to each window the span overlaps. A zero level adds
 * nothing and does not set the origin.
 */
void series__span(struct series *s, int id, uint64_t from_ns, uint64_t to_ns, double level);

/**
 * series__finish() - the run ended at @end_ns: every series that has a
 * sample extends to the window holding @end_ns (SUM and INTEGRAL with 0,
 * LEVEL with its last level), so all series emit the same number of windows.
 */
void series__finish(struct series *s, uint64_t end_ns);

/** series__origin_ns() - the origin (0 before the first sample). */
uint64_t series__origin_ns(const struct series *s);

/** series__window_ns() - the current window width. */
uint64_t series__window_ns(const struct series *s);

/**
 * series__emit() - call @fn for each series that had a sample, in definition
 * order, all with the same start (the origin) and window.
 * Return: 0, the first negative value @fn returned, or -ENOMEM.
 */
int series__emit(const struct series *s, series_emit_fn fn, void *ctx);

#endif /* SVATRACE_LIB_SERIES_H */
