// SPDX-License-Identifier: GPL-2.0
/*
 * plot_latency_cdf.c - the "latency-cdf" plot: the CDF of translation
 * latency of each run (pinned against faulting).
 * Its gnuplot script is analyze/plots/latency-cdf.gp; the keys it reads are
 * named in model/metric_keys.h.
 */
#include "analyze/plot.h"
#include "model/metric_keys.h"

const struct plot_kind plot_kind_latency_cdf = {
    .name = "latency-cdf",
    .summary = "CDF of translation latency per run (pinned vs faulting)",
    .shape = PLOT_CDF,
    .hist_key = KEY_XLATE_LAT,
    .prefer_scenarios = "pinned,faulting",
};
