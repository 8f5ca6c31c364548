// SPDX-License-Identifier: GPL-2.0
/*
 * status.c - format the live status line of `svatrace collect` (see
 * status.h). Thousands separators are written here rather than through
 * the locale's %' flag, so the line is the same under any LC_NUMERIC.
 */
#include <stdio.h>

#include "collect/status.h"

/* @v with a comma every three digits. */
static const char *grouped(uint64_t v, char *buf, size_t len)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = 0;
	return buf;
}

int collect_status_line(struct collect_status *st, const struct collect_progress *p, char *buf,
			size_t len)
{
	char r[32], l[32], s[32];
	uint64_t dt = p->elapsed_ns - st->last_ns;
	uint64_t dr = p->nr_records - st->last_records;
	uint64_t rate = dt ? (uint64_t)((double)dr * 1e9 / (double)dt + 0.5) : 0;

	st->last_ns = p->elapsed_ns;
	st->last_records = p->nr_records;
	return snprintf(buf, len, "%6.1f s  %s records  %s lost  %s rec/s",
			(double)p->elapsed_ns / 1e9, grouped(p->nr_records, r, sizeof(r)),
			grouped(p->nr_lost, l, sizeof(l)), grouped(rate, s, sizeof(s)));
}
