// SPDX-License-Identifier: GPL-2.0
/*
 * units.c - numbers with units (the rules and the kinds are in units.h).
 *
 * The number is read into an exact decimal (a 128-bit mantissa and a power
 * of ten), so "1.5us", "0.5k" and "18446744073709551615" come out exact and
 * a fraction left over is detected rather than rounded away.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/units.h"

typedef unsigned __int128 u128;

enum sfx_class {
	SFX_NONE, /* no unit */
	SFX_MULT, /* k m g t: 1000^p or 1024^p by kind */
	SFX_BYTE, /* b, kb, kib, ...: 1024^p, bytes only */
	SFX_TIME, /* ns us ms s: durations only */
};

static const struct suffix {
	const char *text;   /* lower case */
	enum sfx_class cls; /* which kinds take it */
	unsigned int power; /* SFX_MULT, SFX_BYTE: exponent of 1000 or 1024 */
	uint64_t ns;	    /* SFX_TIME: nanoseconds per unit */
} suffixes[] = {
    {"k", SFX_MULT, 1, 0},	  {"m", SFX_MULT, 2, 0},	  {"g", SFX_MULT, 3, 0},
    {"t", SFX_MULT, 4, 0},	  {"b", SFX_BYTE, 0, 0},	  {"kb", SFX_BYTE, 1, 0},
    {"kib", SFX_BYTE, 1, 0},	  {"mb", SFX_BYTE, 2, 0},	  {"mib", SFX_BYTE, 2, 0},
    {"gb", SFX_BYTE, 3, 0},	  {"gib", SFX_BYTE, 3, 0},	  {"tb", SFX_BYTE, 4, 0},
    {"tib", SFX_BYTE, 4, 0},	  {"ns", SFX_TIME, 0, 1},	  {"us", SFX_TIME, 0, 1000},
    {"ms", SFX_TIME, 0, 1000000}, {"s", SFX_TIME, 0, 1000000000},
};

static const struct kind_info {
	const char *name; /* units_kind_name() */
	const char *noun; /* for messages: "an entry count" */
	const char *rule; /* units_kind_rule() */
} kinds[UNITS_NR_KINDS_] = {
    [UNITS_COUNT] = {"count", "a count", "decimal: 1k = 1000; k, m, g, t"},
    [UNITS_ENTRIES] = {"entries", "an entry count", "binary: 1k = 1024; k, m, g, t"},
    [UNITS_BYTES] = {"bytes", "a byte size",
		     "binary: 1k = 1KiB = 1024; b, k/kb/kib, m/mb/mib, g/gb/gib, t/tb/tib"},
    [UNITS_NS] = {"duration", "a duration", "ns, us, ms, s (a bare number is ns)"},
    [UNITS_RATE] = {"rate", "a rate", "decimal, per second: 1k = 1000; k, m, g, t"},
    [UNITS_REAL] = {"real", "a plain number", "a plain number, no unit"},
};

static const char *const class_noun[] = {
    [SFX_NONE] = "no",
    [SFX_MULT] = "a multiplier",
    [SFX_BYTE] = "a byte unit",
    [SFX_TIME] = "a duration unit",
};

const char *units_kind_name(enum units_kind kind)
{
	return (unsigned int)kind < UNITS_NR_KINDS_ ? kinds[kind].name : "?";
}

const char *units_kind_rule(enum units_kind kind)
{
	return (unsigned int)kind < UNITS_NR_KINDS_ ? kinds[kind].rule : "?";
}

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t err_bytes, const char *fmt,
						      ...)
{
	va_list ap;

	if (err && err_bytes) {
		va_start(ap, fmt);
		vsnprintf(err, err_bytes, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A parsed value: mant * 10^-scale * mult. */
struct num {
	u128 mant;	/* digits, point removed */
	int scale;	/* digits after the point minus the exponent */
	bool hex;	/* 0x... (integer) */
	size_t num_len; /* characters of the number (for strtod) */
	uint64_t mult;	/* what the unit multiplies by */
};

static bool mant_push(u128 *m, unsigned int base, unsigned int digit)
{
	if (*m > (~(u128)0 - digit) / base)
		return false;
	*m = *m * base + digit;
	return true;
}

/* The number at the start of @s (no sign); 0, or -EINVAL / -ERANGE with @err set. */
static int read_number(const char *s, const char *text, struct num *n, char *err, size_t err_bytes)
{
	const char *p = s;
	unsigned int zeros = 0; /* fraction zeros not yet applied (trailing zeros cost nothing) */

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return fail(err, err_bytes, "'%s' is not a number (0x wants hex digits)",
				    text);
		for (; isxdigit((unsigned char)*p); p++) {
			unsigned int d = isdigit((unsigned char)*p)
					     ? (unsigned int)(*p - '0')
					     : (unsigned int)(tolower(*p) - 'a' + 10);

			if (!mant_push(&n->mant, 16, d) || n->mant > UINT64_MAX)
				goto range;
		}
		n->hex = true;
		n->num_len = (size_t)(p - s);
		return 0;
	}
	if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
		return fail(err, err_bytes, "'%s' is not a number", text);
	for (; isdigit((unsigned char)*p); p++)
		if (!mant_push(&n->mant, 10, (unsigned int)(*p - '0')))
			goto range;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (*p == '0') {
				zeros++;
				continue;
			}
			for (; zeros; zeros--, n->scale++)
				if (!mant_push(&n->mant, 10, 0))
					goto range;
			if (!mant_push(&n->mant, 10, (unsigned int)(*p - '0')))
				goto range;
			n->scale++;
		}
	}
	if ((*p == 'e' || *p == 'E') &&
	    (isdigit((unsigned char)p[1]) ||
	     ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2])))) {
		int sign = p[1] == '-' ? -1 : 1, e = 0;

		for (p += p[1] == '-' || p[1] == '+' ? 2 : 1; isdigit((unsigned char)*p); p++)
			if ((e = e * 10 + (*p - '0')) > 1000)
				goto range;
		n->scale -= sign * e;
	}
	n->num_len = (size_t)(p - s);
	return 0;
range:
	snprintf(err, err_bytes, "'%s' is too large", text);
	return -ERANGE;
}

static uint64_t pow_u64(uint64_t base, unsigned int p)
{
	uint64_t r = 1;

	while (p--)
		r *= base;
	return r;
}

/* The unit @u (length @len) for @kind: sets n->mult, or explains why not. */
static int apply_unit(const char *u, size_t len, enum units_kind kind, const char *text,
		      struct num *n, char *err, size_t err_bytes)
{
	const struct suffix *sf = NULL;
	enum sfx_class cls = SFX_NONE;

	for (size_t i = 0; len && i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strlen(suffixes[i].text) == len && !strncasecmp(u, suffixes[i].text, len))
			sf = &suffixes[i];
	if (len && !sf)
		return fail(err, err_bytes, "'%s': unknown unit '%.*s'; %s takes %s", text,
			    (int)len, u, kinds[kind].noun, kinds[kind].rule);
	if (sf)
		cls = sf->cls;
	switch (kind) {
	case UNITS_COUNT:
	case UNITS_RATE:
		if (cls == SFX_NONE || cls == SFX_MULT) {
			n->mult = pow_u64(1000, sf ? sf->power : 0);
			return 0;
		}
		break;
	case UNITS_ENTRIES:
		if (cls == SFX_NONE || cls == SFX_MULT) {
			n->mult = pow_u64(1024, sf ? sf->power : 0);
			return 0;
		}
		break;
	case UNITS_BYTES:
		if (cls == SFX_NONE || cls == SFX_MULT || cls == SFX_BYTE) {
			n->mult = pow_u64(1024, sf ? sf->power : 0);
			return 0;
		}
		break;
	case UNITS_NS:
		if (cls == SFX_NONE || cls == SFX_TIME) {
			n->mult = sf ? sf->ns : 1;
			return 0;
		}
		break;
	case UNITS_REAL:
		if (cls == SFX_NONE) {
			n->mult = 1;
			return 0;
		}
		break;
	default:
		return fail(err, err_bytes, "'%s': bad unit kind %d", text, (int)kind);
	}
	return fail(err, err_bytes, "'%s': '%.*s' is %s, but this value is %s (%s)", text, (int)len,
		    u, class_noun[cls], kinds[kind].noun, kinds[kind].rule);
}

/* Number and unit of @text; *@num_start gets where the number begins. */
static int parse(const char *text, enum units_kind kind, struct num *n, const char **num_start,
		 char *err, size_t err_bytes)
{
	const char *s = text, *u;
	size_t len;
	int rc;

	memset(n, 0, sizeof(*n));
	if ((unsigned int)kind >= UNITS_NR_KINDS_)
		return fail(err, err_bytes, "'%s': bad unit kind %d", text, (int)kind);
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return fail(err, err_bytes, "empty value (want %s: %s)", kinds[kind].noun,
			    kinds[kind].rule);
	if (*s == '-')
		return fail(err, err_bytes, "'%s' is negative (want %s)", text, kinds[kind].noun);
	rc = read_number(s, text, n, err, err_bytes);
	if (rc)
		return rc;
	*num_start = s;
	u = s + n->num_len;
	while (isspace((unsigned char)*u))
		u++;
	len = strlen(u);
	while (len && isspace((unsigned char)u[len - 1]))
		len--;
	return apply_unit(u, len, kind, text, n, err, err_bytes);
}

int units_parse_u64(const char *text, enum units_kind kind, uint64_t *out, char *err,
		    size_t err_bytes)
{
	const char *start;
	struct num n;
	u128 x;
	int rc = parse(text, kind, &n, &start, err, err_bytes);

	if (rc)
		return rc;
	x = n.mant;
	for (; n.scale < 0 && x; n.scale++) {
		if (x > UINT64_MAX)
			goto range;
		x *= 10;
	}
	if (x > UINT64_MAX)
		goto range;
	x *= n.mult; /* < 2^64 * 2^40: fits */
	if (n.scale > 0 && x) {
		u128 d = 1;

		/* 10^38 < 2^127: beyond that nothing non-zero divides evenly */
		if (n.scale > 38)
			return fail(err, err_bytes, "'%s' is not a whole number (want %s)", text,
				    kinds[kind].noun);
		for (int i = 0; i < n.scale; i++)
			d *= 10;
		if (x % d)
			return fail(err, err_bytes, "'%s' is not a whole number (want %s)", text,
				    kinds[kind].noun);
		x /= d;
	}
	if (x > UINT64_MAX)
		goto range;
	*out = (uint64_t)x;
	return 0;
range:
	snprintf(err, err_bytes, "'%s' is too large (more than 2^64 - 1)", text);
	return -ERANGE;
}

int units_parse_double(const char *text, enum units_kind kind, double *out, char *err,
		       size_t err_bytes)
{
	const char *start;
	char buf[128];
	struct num n;
	double v;
	int rc = parse(text, kind, &n, &start, err, err_bytes);

	if (rc)
		return rc;
	if (n.hex) {
		v = (double)n.mant;
	} else {
		if (n.num_len >= sizeof(buf))
			return fail(err, err_bytes, "'%s' is too long", text);
		memcpy(buf, start, n.num_len);
		buf[n.num_len] = 0;
		v = strtod(buf, NULL); /* the syntax was checked above: only range is left */
	}
	v *= (double)n.mult;
	if (!isfinite(v)) {
		snprintf(err, err_bytes, "'%s' is too large", text);
		return -ERANGE;
	}
	*out = v;
	return 0;
}
