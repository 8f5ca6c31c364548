/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prng.h - the model's only source of randomness: a seeded splitmix64
 * generator whose whole state is one uint64_t owned by the caller, so every
 * run with the same seed draws the same numbers.
 *
 * Model assumptions: none.
 */
#ifndef SVATRACE_MODEL_PRNG_H
#define SVATRACE_MODEL_PRNG_H

#include <math.h>
#include <stdint.h>

/** prng_next() - next 64 random bits; advances *state (splitmix64, Steele et al. 2014). */
static inline uint64_t prng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/** prng_below() - uniform integer in [0, n) (n > 0; Lemire's multiply-shift). */
static inline uint64_t prng_below(uint64_t *state, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)prng_next(state) * n) >> 64);
}

/** prng_unit() - uniform double in [0, 1). */
static inline double prng_unit(uint64_t *state)
{
	return (double)(prng_next(state) >> 11) * 0x1.0p-53;
}

/** prng_exp() - exponential variate with mean @mean. */
static inline double prng_exp(uint64_t *state, double mean)
{
	return -mean * log1p(-prng_unit(state));
}

#endif /* SVATRACE_MODEL_PRNG_H */
