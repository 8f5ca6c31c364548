/* SPDX-License-Identifier: GPL-2.0 */
/*
 * units.h - the one parser of numbers with units, for every value a user
 * types: --set and profiles, generator keys, scenario arguments, sweep
 * grids and --where.
 *
 * A value is a number (decimal, optionally with a fraction and an exponent:
 * "1.5", "2e3"; or hex "0x300") followed by an optional unit. Which units a
 * value may carry is the kind of its key:
 *
 *   kind     | units (case-insensitive)                | 1k
 *   ---------+-----------------------------------------+------
 *   bytes    | b, k/kb/kib, m/mb/mib, g/gb/gib, t/..   | 1024 (binary: sizes)
 *   entries  | k, m, g, t                              | 1024 (binary: entry counts of caches and
 * queues) count    | k, m, g, t                              | 1000 (decimal: numbers of things,
 * ids) rate     | k, m, g, t                              | 1000 (decimal: per second) duration |
 * ns, us, ms, s (a bare number is ns)     | none: "m" would read as milli or mega real     | none
 * | none: fractions and factors
 *
 * A unit of another kind is an error that says which kind it belongs to
 * ("5ms" on an entry count), as are negative numbers, overflow, a fraction
 * left on an integer ("0.3k" bytes), and anything else that is not a number.
 * Integers are computed exactly (no rounding through double), so every
 * 64-bit value is reachable.
 *
 * Free functions: errors go into the caller's buffer; nothing is printed.
 */
#ifndef SVATRACE_LIB_UNITS_H
#define SVATRACE_LIB_UNITS_H

#include <stddef.h>
#include <stdint.h>

enum units_kind {
	UNITS_COUNT = 0,   /* decimal multipliers: 1k = 1000 */
	UNITS_ENTRIES = 1, /* binary multipliers: 1k = 1024 */
	UNITS_BYTES = 2,   /* binary multipliers, optional b / ib */
	UNITS_NS = 3,	   /* ns, us, ms, s; result in ns */
	UNITS_RATE = 4,	   /* decimal multipliers; per second */
	UNITS_REAL = 5,	   /* no unit */
	UNITS_NR_KINDS_,
};

/** units_kind_name() - "bytes", "entries", "count", "rate", "duration" or "real". */
const char *units_kind_name(enum units_kind kind);

/** units_kind_rule() - what the kind accepts, one line ("binary: 1k = 1024; b, k/kib, ..."). */
const char *units_kind_rule(enum units_kind kind);

/**
 * units_parse_u64() - parse @text as a whole number of @kind.
 * @text: the value as typed; leading and trailing blanks are ignored.
 * @kind: which units are accepted and what k means.
 * @out: the value (bytes, entries, ns, ...); untouched on error.
 * @err: on error, why, quoting @text (the caller adds the key).
 * @err_bytes: size of @err.
 *
 * Return: 0, -EINVAL (not a number, wrong unit, negative, not whole) or
 * -ERANGE (does not fit 64 bits).
 */
int units_parse_u64(const char *text, enum units_kind kind, uint64_t *out, char *err,
		    size_t err_bytes);

/**
 * units_parse_double() - parse @text as a real number of @kind (rates,
 * fractions; integers too, rounded to double). Same rules and errors as
 * units_parse_u64() except that a fraction is fine; the result is finite.
 */
int units_parse_double(const char *text, enum units_kind kind, double *out, char *err,
		       size_t err_bytes);

#endif /* SVATRACE_LIB_UNITS_H */
