// SPDX-License-Identifier: GPL-2.0
/*
 * policy_lru.c - least-recently-used replacement: a hit refreshes the way's
 * stamp, the victim is the way used longest ago.
 *
 * Model assumptions: true LRU per set (HyperSIO models the IOTLB as LRU;
 * hardware often approximates it with tree pseudo-LRU, which this does not).
 */
#include "model/xlate/iotlb.h"
#include "model/xlate/policy-local.h"

const struct iotlb_policy iotlb_policy_lru = {
    .name = "lru",
    .summary = "least recently used",
    .stamp_on_hit = true,
    .evict_oldest = true,
    .victim = policy_victim_oldest,
};
