/* SPDX-License-Identifier: GPL-2.0 */
/*
 * example.h - a results database of synthetic runs with known values, for
 * trying runs/compare/plot/report without a trace and as the fixture of the
 * analyze tests. The numbers follow simple closed forms (documented in
 * example.c and docs/analyze.md) so a test can check a plot's data exactly.
 * They are made up: not a model of any hardware.
 */
#ifndef SVATRACE_ANALYZE_EXAMPLE_H
#define SVATRACE_ANALYZE_EXAMPLE_H

#include "analyze/store.h"

/**
 * analyze_example_fill() - write the example runs into @st through the
 * results sink: an IOTLB sweep (entries 16..256 x page size 4k/2m), pinned
 * vs faulting, and DWQ vs SWQ over 1..16 clients (22 runs).
 *
 * Return: 0 or a negative errno.
 */
int analyze_example_fill(struct store *st);

#endif /* SVATRACE_ANALYZE_EXAMPLE_H */
