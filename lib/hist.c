// SPDX-License-Identifier: GPL-2.0
/*
 * hist.c - histogram quantiles and named statistics (definitions and error
 * bound in hist.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hist.h"

int hist_init(struct hist *h, bool keep_counts)
{
	memset(h, 0, sizeof(*h));
	if (!keep_counts)
		return 0;
	h->counts = calloc(HIST_BUCKETS, sizeof(*h->counts));
	return h->counts ? 0 : -ENOMEM;
}

void hist_fini(struct hist *h)
{
	if (h) {
		free(h->counts);
		h->counts = NULL;
	}
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t total = 0, rank, cum = 0, est = 0;
	uint32_t b;

	if (!h->counts)
		return 0;
	for (b = 0; b < HIST_BUCKETS; b++)
		total += h->counts[b];
	if (!total)
		return 0;
	if (!(q > 0)) /* also NaN */
		q = 0;
	if (q > 1)
		q = 1;
	rank = (uint64_t)ceil(q * (double)total);
	if (rank < 1)
		rank = 1;
	if (rank > total)
		rank = total;
	/* the smallest and largest values are known exactly */
	if (h->nr && rank == 1)
		return h->min;
	if (h->nr && rank == total)
		return h->max;
	for (b = 0; b < HIST_BUCKETS; b++) {
		uint64_t c = h->counts[b];

		if (cum + c >= rank) {
			/* the k-th of c values spread evenly over the bucket's width */
			double k = (double)(rank - cum);
			double off = (double)hist_bucket_width(b) * (k - 0.5) / (double)c;

			est = hist_bucket_low(b) + (uint64_t)off;
			break;
		}
		cum += c;
	}
	if (h->nr) {
		if (est < h->min)
			est = h->min;
		if (est > h->max)
			est = h->max;
	}
	return est;
}

int hist_stat(const struct hist *h, const char *stat, double *out)
{
	if (!strcmp(stat, "nr")) {
		*out = (double)h->nr;
		return 0;
	}
	if (!strcmp(stat, "sum")) {
		*out = (double)h->sum;
		return 0;
	}
	if (strcmp(stat, "min") && strcmp(stat, "max") && strcmp(stat, "mean") &&
	    (stat[0] != 'p' || !stat[1] || strspn(stat + 1, "0123456789") != strlen(stat + 1)))
		return -EINVAL;
	if (!h->nr)
		return -ENODATA;
	if (!strcmp(stat, "min"))
		*out = (double)h->min;
	else if (!strcmp(stat, "max"))
		*out = (double)h->max;
	else if (!strcmp(stat, "mean"))
		*out = (double)h->sum / (double)h->nr;
	else {
		/* p50 p90 p99 p999: the digits after "0." */
		char digits[32] = "0.";
		double q;

		strncat(digits, stat + 1, sizeof(digits) - 3);
		q = atof(digits);
		if (!h->counts)
			return -ENODATA;
		*out = (double)hist_quantile(h, q);
	}
	return 0;
}
