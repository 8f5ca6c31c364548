/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy-local.h - what the replacement policies (model/xlate/policy_*.c)
 * share. Model assumptions: none beyond each policy's own.
 */
#ifndef SVATRACE_MODEL_XLATE_POLICY_LOCAL_H
#define SVATRACE_MODEL_XLATE_POLICY_LOCAL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The way with the smallest stamp. Invalid ways carry stamp 0, so they are
 * filled first without a special case (iotlb.c).
 */
static inline uint32_t policy_victim_oldest(const uint64_t *stamps, uint32_t ways, bool full,
					    struct prng *prng)
{
	uint32_t best = 0;

	(void)full;
	(void)prng;
	for (uint32_t w = 1; w < ways; w++)
		if (stamps[w] < stamps[best])
			best = w;
	return best;
}

#endif /* SVATRACE_MODEL_XLATE_POLICY_LOCAL_H */
