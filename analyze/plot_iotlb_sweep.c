// SPDX-License-Identifier: GPL-2.0
/*
 * plot_iotlb_sweep.c - the "iotlb-sweep" plot: IOTLB miss rate and
 * translation latency against IOTLB entries, one line per page size (a sweep
 * over iotlb.entries).
 * Its gnuplot script is analyze/plots/iotlb-sweep.gp; the keys it reads are
 * named in model/metric_keys.h.
 */
#include "analyze/plot.h"
#include "model/metric_keys.h"

const struct plot_kind plot_kind_iotlb_sweep = {
    .name = "iotlb-sweep",
    .summary = "IOTLB miss rate and translation latency vs IOTLB entries, one line per page size",
    .shape = PLOT_SWEEP,
    .x_key = CFG_IOTLB_ENTRIES,
    .group_key = CFG_PAGE_SIZE,
    .cols =
	{
	    {"miss_rate_pct", KEY_IOTLB_MISSES "/" KEY_IOTLB_LOOKUPS, 100},
	    {"lat_mean_ns", KEY_XLATE_LAT "@mean", 1},
	    {"lat_p99_ns", KEY_XLATE_LAT "@p99", 1},
	},
};
