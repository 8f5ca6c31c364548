/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - the one latency histogram and its one quantile definition.
 *
 * Values are integers (ns). Buckets are log-linear so that any two
 * histograms merge by adding counts: bucket b < HIST_SUB holds the value b;
 * above that each power of two [2^k, 2^(k+1)) is split into HIST_SUB equal
 * sub-buckets of width 2^(k - HIST_SUB_BITS). A bucket's width is therefore
 * below 1/HIST_SUB of any value in it (buckets below 2 * HIST_SUB hold one
 * value each).
 *
 * Quantile (hist_quantile): nearest rank, interpolated. The rank of quantile
 * q over N values is r = max(1, ceil(q * N)); the r-th smallest value is
 * the exact answer. With only bucket counts, the bucket holding rank r is
 * known; the k-th of its c values is estimated as if the c values were
 * spread evenly over the bucket: low + floor(width * (k - 1/2) / c), then
 * clamped to [min, max]. Error bound: the estimate and the exact value lie
 * in the same bucket, so |estimate - exact| <= width - 1 < exact / HIST_SUB
 * (6.25 %); it is 0 for values below 2 * HIST_SUB, for the minimum and the
 * maximum, and when the values fill their buckets evenly (e.g. every
 * integer of a range once).
 *
 * Statistics have one spelling everywhere: KEY@STAT (hist_stat()).
 */
#ifndef SVATRACE_LIB_HIST_H
#define SVATRACE_LIB_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define HIST_SUB_BITS 4
#define HIST_SUB (1u << HIST_SUB_BITS)			   /* sub-buckets per power of two */
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB) /* buckets covering all of u64 */

/* A histogram with its exact summary; counts may be absent (summary only). */
struct hist {
	uint64_t *counts; /* HIST_BUCKETS counts, NULL: summary only */
	uint64_t nr;	  /* values recorded */
	uint64_t sum;	  /* sum of values */
	uint64_t min;	  /* smallest value, 0 if nr == 0 */
	uint64_t max;	  /* largest value */
};

/** hist_bucket() - bucket index of value @v. */
static inline uint32_t hist_bucket(uint64_t v)
{
	uint32_t msb, shift;

	if (v < HIST_SUB)
		return (uint32_t)v;
	msb = 63u - (uint32_t)__builtin_clzll(v); /* >= HIST_SUB_BITS */
	shift = msb - HIST_SUB_BITS;
	return (shift + 1) * HIST_SUB + (uint32_t)((v >> shift) - HIST_SUB);
}

/** hist_bucket_low() - smallest value that falls in bucket @b. */
static inline uint64_t hist_bucket_low(uint32_t b)
{
	uint32_t shift;

	if (b < HIST_SUB)
		return b;
	shift = b / HIST_SUB - 1;
	return (uint64_t)(HIST_SUB + b % HIST_SUB) << shift;
}

/** hist_bucket_width() - number of integer values bucket @b holds. */
static inline uint64_t hist_bucket_width(uint32_t b)
{
	return b < 2 * HIST_SUB ? 1 : (uint64_t)1 << (b / HIST_SUB - 1);
}

/**
 * hist_init() - an empty histogram; with @keep_counts, bucket counts too.
 * Return: 0 or -ENOMEM.
 */
int hist_init(struct hist *h, bool keep_counts);

/** hist_fini() - free the counts; @h may be NULL. */
void hist_fini(struct hist *h);

/** hist_add() - record value @v. */
static inline void hist_add(struct hist *h, uint64_t v)
{
	if (h->counts)
		h->counts[hist_bucket(v)]++;
	if (!h->nr || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->nr++;
	h->sum += v;
}

/**
 * hist_quantile() - value at quantile @q (0..1, clamped) of @h, as defined
 * at the top of this file. Rank is taken over the bucket counts; min/max
 * clamp when h->nr is set. 0 if @h has no counts or they are all zero.
 */
uint64_t hist_quantile(const struct hist *h, double q);

/**
 * hist_stat() - statistic @stat of @h: "nr", "sum", "min", "max", "mean" or
 * "pD..." (quantile 0.D..., e.g. p50, p99, p999).
 * Return: 0; -EINVAL for an unknown name; -ENODATA for mean, min, max or a
 * quantile of an empty histogram (or a quantile without counts).
 */
int hist_stat(const struct hist *h, const char *stat, double *out);

#endif /* SVATRACE_LIB_HIST_H */
