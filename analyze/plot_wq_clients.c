// SPDX-License-Identifier: GPL-2.0
/*
 * plot_wq_clients.c - the "wq-clients" plot: throughput, p99 end-to-end latency
 * and retries per descriptor against clients, DWQ against SWQ (a sweep over
 * clients).
 * Its gnuplot script is analyze/plots/wq-clients.gp; the keys it reads are
 * named in model/metric_keys.h.
 */
#include "analyze/plot.h"
#include "model/metric_keys.h"

const struct plot_kind plot_kind_wq_clients = {
    .name = "wq-clients",
    .summary =
	"throughput, p99 end-to-end latency and retries per descriptor vs clients, DWQ vs SWQ",
    .shape = PLOT_SWEEP,
    .x_key = KEY_CLIENTS,
    .group_key = CFG_WQ_MODE,
    .cols =
	{
	    {"throughput_Mdesc_per_s", KEY_WQ_THROUGHPUT, 1e-6},
	    {"p99_us", KEY_DESC_E2E_LAT "@p99", 1e-3},
	    {"retries_per_desc", KEY_SUBMIT_RETRIES "/" KEY_SUBMIT_DESCS, 1},
	},
};
