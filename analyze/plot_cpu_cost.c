// SPDX-License-Identifier: GPL-2.0
/*
 * plot_cpu_cost.c - the "cpu-cost" plot: CPU time of each run by kind:
 * pin/map/unmap/invalidate against fault service and submission.
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
	    {"pin_ms", KEY_CPU_PIN, 1e-6},
	    {"map_ms", KEY_CPU_MAP, 1e-6},
	    {"unmap_ms", KEY_CPU_UNMAP, 1e-6},
	    {"invalidate_ms", KEY_CPU_INVAL, 1e-6},
	    {"fault_service_ms", KEY_CPU_FAULT, 1e-6},
	    {"submission_ms", KEY_CPU_SUBMIT, 1e-6},
	},
};
