/* SPDX-License-Identifier: GPL-2.0 */
/*
 * status.h - the one-line live status of `svatrace collect` on a terminal:
 * elapsed time, records, lost events and the record rate over the last
 * tick. Formatting only; the caller draws it (library code never prints).
 */
#ifndef SVATRACE_COLLECT_STATUS_H
#define SVATRACE_COLLECT_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "collect/collector.h"

/* The previous sample, for the rate. Zero-initialise before the first call. */
struct collect_status {
	uint64_t last_ns;      /* elapsed_ns of the previous line */
	uint64_t last_records; /* nr_records of the previous line */
};

/**
 * collect_status_line() - "  12.5 s   48,213 records   0 lost   3,911 rec/s"
 * into @buf (no newline); the rate is over the time since the previous call
 * (the whole run for the first).
 * Return: the length written (as snprintf).
 */
int collect_status_line(struct collect_status *st, const struct collect_progress *p, char *buf,
			size_t len);

#endif /* SVATRACE_COLLECT_STATUS_H */
