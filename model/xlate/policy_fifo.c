// SPDX-License-Identifier: GPL-2.0
/*
 * policy_fifo.c - first-in-first-out replacement: stamps are set on fill
 * only, the victim is the way filled longest ago.
 *
 * Model assumptions: hits do not change the order.
 */
#include "model/xlate/iotlb.h"
#include "model/xlate/policy-local.h"

const struct iotlb_policy iotlb_policy_fifo = {
    .name = "fifo",
    .summary = "first in, first out (oldest fill)",
    .stamp_on_hit = false,
    .evict_oldest = true,
    .victim = policy_victim_oldest,
};
