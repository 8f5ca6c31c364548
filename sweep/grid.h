/* SPDX-License-Identifier: GPL-2.0 */
/*
 * grid.h - a sweep grid: parameter values whose cross product is a list
 * of points (how each point's parameters are then resolved: resolve.h).
 *
 * A grid is made of axes. A parameter axis is one --grid "key=v1,v2,..."
 * (or an integer range "key=LO..HI*F" / "key=LO..HI+S"); a scenario axis is
 * the list of --scenario specs (a spec may itself contain commas, so the
 * axis is built from repeated options, not from a comma list). Points are
 * numbered in nested-loop order: the scenario axis outermost, then the
 * parameter axes in the order given, the last one varying fastest.
 *
 * Errors: functions return 0 or a negative errno and write a message that
 * names the offending key or value into the caller's buffer.
 */
#ifndef SVATRACE_SWEEP_GRID_H
#define SVATRACE_SWEEP_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "model/params.h"
#include "sweep/resolve.h"

#define SWEEP_MAX_AXES 16	 /* parameter axes of one grid */
#define SWEEP_MAX_VALUES 4096	 /* values of one axis */
#define SWEEP_MAX_POINTS 1000000 /* points of one grid */

struct sweep_grid;

/** sweep_grid__new() - an empty grid (one point: no axes, no scenario). */
struct sweep_grid *sweep_grid__new(void);

/** sweep_grid__free() - free; NULL is a no-op. */
void sweep_grid__free(struct sweep_grid *g);

/**
 * sweep_grid__add_axis() - add a parameter axis from "key=v1,v2,..." or an
 * integer range "key=LO..HI*F" (geometric) / "key=LO..HI+S" (arithmetic;
 * LO..HI alone steps by 1). LO, HI, F, S take K/M/G and time suffixes.
 * @g: grid.
 * @spec: the --grid argument.
 * @check: parameters used to check the key exists and every value parses
 *	(values are set on it one by one; its contents change).
 * @err: message naming the key (and value) on failure.
 *
 * Return: 0; -EINVAL for a malformed spec, an empty value, a value the
 * parameter rejects, a key given twice; -ENOENT for an unknown key.
 */
int sweep_grid__add_axis(struct sweep_grid *g, const char *spec, struct params *check, char *err,
			 size_t err_bytes);

/**
 * sweep_grid__add_scenario() - add one value of the scenario axis
 * ("" = no transform). The spec is checked by the caller (it needs a chain).
 */
int sweep_grid__add_scenario(struct sweep_grid *g, const char *spec);

/** sweep_grid__nr_points() - size of the cross product. */
size_t sweep_grid__nr_points(const struct sweep_grid *g);

/** sweep_grid__nr_axes() - parameter axes (the scenario axis not counted). */
size_t sweep_grid__nr_axes(const struct sweep_grid *g);

/** sweep_grid__axis_key() - key of parameter axis @a. */
const char *sweep_grid__axis_key(const struct sweep_grid *g, size_t a);

/**
 * sweep_grid__point() - the settings of point @idx.
 * @out: receives sweep_grid__nr_axes() settings (origin "--grid"); the
 *	strings are owned by the grid.
 * Return: the point's scenario spec ("" if none), owned by the grid.
 */
const char *sweep_grid__point(const struct sweep_grid *g, size_t idx, struct sweep_setting *out);

/**
 * sweep_grid__label() - "SCENARIO key=value key=value" for point @idx
 * (the scenario only when there is one).
 */
void sweep_grid__label(const struct sweep_grid *g, size_t idx, char *buf, size_t bytes);

#endif /* SVATRACE_SWEEP_GRID_H */
