/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prng.h - the one pseudo-random generator of svatrace, the one way to give
 * each user of a seed its own independent stream, and the distributions the
 * model, the scenario transforms and the generators draw from.
 *
 * Generator: xoshiro256** 1.0 (D. Blackman, S. Vigna, "Scrambled Linear
 * Pseudorandom Number Generators", ACM TOMS 47(4), 2021; reference C at
 * https://prng.di.unimi.it/xoshiro256starstar.c). Period 2^256 - 1, passes
 * BigCrush and PractRand, 4 words of state, about 1 ns per draw. Chosen over
 * splitmix64 alone (period 2^64, one word) because many streams are drawn
 * from one seed: with 2^256 states, streams started at hashed seeds overlap
 * with negligible probability (below n^2 * L / 2^256 for n streams of L
 * draws), which a 2^64 period cannot promise.
 *
 * Seeding: prng_seed() expands one 64-bit seed into the 4 state words with
 * splitmix64 (G. Steele, D. Lea, C. Flood, "Fast Splittable Pseudorandom
 * Number Generators", OOPSLA 2014), as the xoshiro authors recommend; every
 * seed, 0 included, gives a valid (non-zero) state.
 *
 * Streams: prng_derive(seed, stream_id) is the seed of stream @stream_id of
 * @seed. It is a bijection of @seed for a fixed stream id (two runs with
 * different seeds never share a stream) and injective in @stream_id for a
 * fixed seed (two streams of one run never start from the same seed); the
 * outputs of different streams are unrelated because the derived seeds pass
 * through the splitmix64 finalizer, which has full avalanche. Indexed
 * streams (one per client, device, scenario stage) nest it:
 * prng_derive(prng_derive(seed, PRNG_STREAM_WQ_CLIENT), index).
 *
 * Same seed, same sequence, on every host: nothing here reads the clock or
 * the environment. Model assumptions: none.
 */
#ifndef SVATRACE_LIB_PRNG_H
#define SVATRACE_LIB_PRNG_H

#include <stdint.h>

/*
 * Stream ids, in one list so that two users of one seed never draw the same
 * stream. Outputs depend on these values: append, never renumber.
 */
enum prng_stream {
	PRNG_STREAM_XLATE = 1,	 /* translation model: fault service, residency draws */
	PRNG_STREAM_XLATE_IOTLB, /* IOTLB random replacement */
	PRNG_STREAM_XLATE_ATC,	 /* per-device ATC random replacement (index: device) */
	PRNG_STREAM_XLATE_PWC,	 /* walk caches (LRU today: drawn from only if policy changes) */
	PRNG_STREAM_WQ_SERVICE,	 /* work-queue model: engine service times */
	PRNG_STREAM_WQ_CLIENT,	 /* work-queue clients (index: client) */
	PRNG_STREAM_SCENARIO,	 /* scenario stages (index: position in the chain) */
	PRNG_STREAM_FAULTING_RECLAIM,	/* scenario faulting: which resident page is reclaimed */
	PRNG_STREAM_FAULTING_RESIDENCY, /* scenario faulting: residency hash key */
	PRNG_STREAM_GEN_CLIENT,		/* generators: per-client streams (index: client) */
	PRNG_STREAM_CALIBRATE,		/* calibrate: pcie-bench address stream (index: window) */
};

struct prng {
	uint64_t s[4]; /* xoshiro256** state; never all zero */
};

/**
 * prng_hash64() - splitmix64's output for counter value @x: a bijective
 * 64-bit mixer with full avalanche. Also the stateless hash for decisions
 * that must not depend on the order they are asked in (residency by page).
 */
static inline uint64_t prng_hash64(uint64_t x)
{
	uint64_t z = x + 0x9e3779b97f4a7c15ull; /* golden-ratio increment of splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/**
 * prng_derive() - the seed of stream @stream_id of @seed (see the top of this
 * file for what it guarantees). Also a keyed hash of two words.
 */
static inline uint64_t prng_derive(uint64_t seed, uint64_t stream_id)
{
	return prng_hash64(seed ^ prng_hash64(stream_id));
}

/** prng_seed() - seed @p from @seed (any value, 0 included) via splitmix64. */
void prng_seed(struct prng *p, uint64_t seed);

/** prng_make() - a generator seeded from @seed (for initialisers). */
static inline struct prng prng_make(uint64_t seed)
{
	struct prng p;

	prng_seed(&p, seed);
	return p;
}

static inline uint64_t prng_rotl_(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/** prng_next() - next 64 random bits (inline: the model draws on its hot path). */
static inline uint64_t prng_next(struct prng *p)
{
	uint64_t *s = p->s;
	uint64_t result = prng_rotl_(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = prng_rotl_(s[3], 45);
	return result;
}

/** prng_below() - uniform integer in [0, @n) without modulo bias (Lemire 2019); 0 if @n is 0. */
uint64_t prng_below(struct prng *p, uint64_t n);

/** prng_double() - uniform double in [0, 1) with 53 random bits. */
static inline double prng_double(struct prng *p)
{
	return (double)(prng_next(p) >> 11) * 0x1.0p-53;
}

/** prng_exp() - exponential variate with mean @mean (inverse transform, log1p for small u). */
double prng_exp(struct prng *p, double mean);

/* Zipf sampler over ranks 1..n with P(k) ~ 1/k^s (rejection-inversion). */
struct prng_zipf {
	uint64_t n;	 /* number of ranks */
	double s;	 /* exponent, > 0 */
	double h_x1;	 /* H(1.5) - 1 */
	double h_n;	 /* H(n + 0.5) */
	double shortcut; /* acceptance shortcut threshold */
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

#endif /* SVATRACE_LIB_PRNG_H */
