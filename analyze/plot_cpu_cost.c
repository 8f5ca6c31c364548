// SPDX-License-Identifier: GPL-2.0
/*
 * plot_cpu_cost.c - the "cpu-cost" plot: CPU time of each run by kind:
 * pin/map/unmap/invalidate against fault service and submission. A cost
 * whose events the run does not have (no pinned pages, no page requests) is
 * n/a, a gap in the bar, never 0.
 * Its gnuplot script is analyze/plots/cpu-cost.gp; the keys it reads are
 * named in model/metric_keys.h.
 */
#include "analyze/plot.h"
#include "model/metric_keys.h"

const struct plot_kind plot_kind_cpu_cost = {
    .name = "cpu-cost",
    .summary = "CPU time per run: pin/map/unmap/invalidate vs fault service vs submission",
    .shape = PLOT_BARS,
    .prefer_scenarios = "pinned,faulting",
    .cols =
	{
	    {"pin_ms", KEY_CPU_PIN, 1e-6, KEY_PIN_PAGES},
	    {"map_ms", KEY_CPU_MAP, 1e-6, KEY_MAP_COUNT},
	    {"unmap_ms", KEY_CPU_UNMAP, 1e-6, KEY_UNMAP_COUNT},
	    {"invalidate_ms", KEY_CPU_INVAL, 1e-6, KEY_INVAL_COUNT},
	    {"fault_service_ms", KEY_CPU_FAULT, 1e-6, KEY_PRI_REQUESTS},
	    {"submission_ms", KEY_CPU_SUBMIT, 1e-6, KEY_SUBMIT_DESCS},
	},
};
