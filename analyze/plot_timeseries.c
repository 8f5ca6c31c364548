// SPDX-License-Identifier: GPL-2.0
/*
 * plot_timeseries.c - the "timeseries" plot: faults, invalidations and IOTLB
 * misses per window over a run, on the run's time axis.
 * Its gnuplot script is analyze/plots/timeseries.gp; the keys it reads are
 * named in model/metric_keys.h.
 */
#include "analyze/plot.h"
#include "model/metric_keys.h"

const struct plot_kind plot_kind_timeseries = {
    .name = "timeseries",
    .summary = "faults, invalidations and IOTLB misses per window over a run",
    .shape = PLOT_SERIES,
    .prefer_scenarios = "pinned,faulting",
    .cols =
	{
	    {"faults", KEY_PRI_REQUESTS, 1},
	    {"invalidations", KEY_INVAL_COUNT, 1},
	    {"iotlb_misses", KEY_IOTLB_MISSES, 1},
	},
};
