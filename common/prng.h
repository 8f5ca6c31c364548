/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prng.h - small seeded pseudo-random generator and the distributions the
 * synthetic workloads and scenario transforms draw from.
 *
 * The generator is xoshiro256** 1.0 (D. Blackman, S. Vigna, "Scrambled
 * Linear Pseudorandom Number Generators", ACM TOMS 47(4), 2021; reference C
 * at https://prng.di.unimi.it/xoshiro256starstar.c), seeded by expanding one
 * 64-bit seed with splitmix64 (https://prng.di.unimi.it/splitmix64.c), as
 * its authors recommend. Same seed, same sequence, on every host: nothing
 * here reads the clock or the environment. The state is a plain struct so a
 * caller can embed it (one stream per client keeps streams independent of
 * how events interleave).
 */
#ifndef SVATRACE_COMMON_PRNG_H
#define SVATRACE_COMMON_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];		/* xoshiro256** state; never all zero */
};

/** prng_seed() - seed @p from @seed (any value, 0 included) via splitmix64. */
void prng_seed(struct prng *p, uint64_t seed);

/** prng_splitmix64() - one splitmix64 step on @state; returns the output. */
uint64_t prng_splitmix64(uint64_t *state);

/** prng_next() - next 64 random bits. */
uint64_t prng_next(struct prng *p);

/** prng_below() - uniform integer in [0, @n) without modulo bias (Lemire 2019); 0 if @n is 0. */
uint64_t prng_below(struct prng *p, uint64_t n);

/** prng_double() - uniform double in [0, 1) with 53 random bits. */
double prng_double(struct prng *p);

/** prng_exp() - exponential variate with mean @mean (inverse transform). */
double prng_exp(struct prng *p, double mean);

/* Zipf sampler over ranks 1..n with P(k) ~ 1/k^s (rejection-inversion). */
struct prng_zipf {
	uint64_t n;			/* number of ranks */
	double s;			/* exponent, > 0 */
	double h_x1;			/* H(1.5) - 1 */
	double h_n;			/* H(n + 0.5) */
	double shortcut;		/* acceptance shortcut threshold */
};

/**
 * prng_zipf_init() - prepare a Zipf(@n, @s) sampler.
 * @z: sampler to fill.
 * @n: number of ranks, >= 1.
 * @s: exponent, > 0 (use prng_below() for s = 0).
 *
 * The method is rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-
 * inversion to generate variates from monotone discrete distributions",
 * ACM TOMACS 6(3), 1996), as in Apache Commons RNG's
 * RejectionInversionZipfSampler: O(1) time and memory per sample for any n.
 *
 * Return: 0, or -EINVAL for n == 0 or s <= 0.
 */
int prng_zipf_init(struct prng_zipf *z, uint64_t n, double s);

/** prng_zipf() - one rank in [1, n]; rank 1 is the most likely. */
uint64_t prng_zipf(const struct prng_zipf *z, struct prng *p);

#endif /* SVATRACE_COMMON_PRNG_H */
