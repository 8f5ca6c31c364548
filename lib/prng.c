// SPDX-License-Identifier: GPL-2.0
/*
 * prng.c - xoshiro256** seeding, bounded integers, and the exponential and
 * Zipf distributions (generator, streams and sources described in prng.h).
 */
#include <errno.h>
#include <math.h>

#include "lib/prng.h"

void prng_seed(struct prng *p, uint64_t seed)
{
	/* splitmix64 from state @seed: outputs for counters seed+k*gamma, k = 0..3 */
	for (int i = 0; i < 4; i++)
		p->s[i] = prng_hash64(seed + (uint64_t)i * 0x9e3779b97f4a7c15ull);
	/* the mixer is a bijection and the four counters differ, so the state is never all zero */
}

/*
 * D. Lemire, "Fast Random Integer Generation in an Interval", ACM TOMACS
 * 29(1), 2019: multiply-shift with a rejection step that removes the bias.
 */
uint64_t prng_below(struct prng *p, uint64_t n)
{
	unsigned __int128 m;
	uint64_t lo;

	if (n == 0)
		return 0;
	m = (unsigned __int128)prng_next(p) * n;
	lo = (uint64_t)m;
	if (lo < n) {
		uint64_t thresh = -n % n;

		while (lo < thresh) {
			m = (unsigned __int128)prng_next(p) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double prng_exp(struct prng *p, double mean)
{
	/* 1 - u is in (0, 1], so the log is finite; log1p keeps small u exact */
	return -mean * log1p(-prng_double(p));
}

/* Helpers of Apache Commons RNG RejectionInversionZipfSampler. */
static double helper1(double x)
{
	return fabs(x) > 1e-8 ? log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

static double helper2(double x)
{
	return fabs(x) > 1e-8 ? expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}

/* H(x): integral of h(x) = x^-s, shifted so that it is defined for s = 1 too. */
static double zipf_hint(double s, double x)
{
	double lx = log(x);

	return helper2((1.0 - s) * lx) * lx;
}

static double zipf_h(double s, double x)
{
	return exp(-s * log(x));
}

static double zipf_hint_inv(double s, double x)
{
	double t = x * (1.0 - s);

	if (t < -1.0)
		t = -1.0; /* guards rounding near the upper end */
	return exp(helper1(t) * x);
}

int prng_zipf_init(struct prng_zipf *z, uint64_t n, double s)
{
	if (n == 0 || !(s > 0.0)) {
		errno = EINVAL;
		return -EINVAL;
	}
	z->n = n;
	z->s = s;
	z->h_x1 = zipf_hint(s, 1.5) - 1.0;
	z->h_n = zipf_hint(s, (double)n + 0.5);
	z->shortcut = 2.0 - zipf_hint_inv(s, zipf_hint(s, 2.5) - zipf_h(s, 2.0));
	return 0;
}

uint64_t prng_zipf(const struct prng_zipf *z, struct prng *p)
{
	for (;;) {
		double u = z->h_n + prng_double(p) * (z->h_x1 - z->h_n);
		double x = zipf_hint_inv(z->s, u);
		double kd = floor(x + 0.5);
		uint64_t k;

		if (kd < 1.0)
			kd = 1.0;
		else if (kd > (double)z->n)
			kd = (double)z->n;
		k = (uint64_t)kd;
		if (kd - x <= z->shortcut || u >= zipf_hint(z->s, kd + 0.5) - zipf_h(z->s, kd))
			return k;
	}
}
