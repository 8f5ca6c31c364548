// SPDX-License-Identifier: GPL-2.0
/*
 * policy_random.c - random replacement: a uniformly random way of a full
 * set, from the instance's seeded PRNG (runs are reproducible per seed).
 *
 * Model assumptions: empty ways are filled first, as hardware does.
 */
#include "lib/prng.h"
#include "model/xlate/iotlb.h"

static uint32_t victim_random(const uint64_t *stamps, uint32_t ways, bool full, struct prng *prng)
{
	/* invalid ways (stamp 0) first, as hardware fills empty ways first; a
	 * full set has none (the store counts them), so no scan */
	for (uint32_t w = 0; !full && w < ways; w++)
		if (!stamps[w])
			return w;
	return (uint32_t)prng_below(prng, ways);
}

const struct iotlb_policy iotlb_policy_random = {
    .name = "random",
    .summary = "uniformly random way (seeded)",
    .stamp_on_hit = false,
    .victim = victim_random,
};
