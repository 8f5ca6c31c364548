// SPDX-License-Identifier: GPL-2.0
/*
 * store_series.c - the text of a stored series (series.values_json): a JSON
 * array of reals, null for a value that is not finite. It is written exactly
 * as jansson's json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(17)) wrote it,
 * the text every earlier version stored, but without a json_t per value and
 * without printf for integral values: series are mostly counts per window,
 * and building and printing them was the largest part of storing a run (the
 * demo stores 1.5 M values). Reading scans the text this writes and leaves
 * any other text (an integer token, whitespace, a string) to jansson, so
 * what a value reads back as does not change.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/store-local.h"

#define REAL_TEXT_MAX 32 /* "%.17g" of any double, "-0.0", a sign: < 32 bytes */

/*
 * @v as jansson writes a real of precision 17 (jsonp_dtostr): "%.17g", then
 * ".0" when that has neither '.' nor 'e', then the exponent without '+' or
 * leading zeros ("1e+17" -> "1e17", "1e-05" -> "1e-5"). An integral value
 * below 2^53 has at most 16 digits, which "%.17g" prints in full with no
 * point and no exponent: those are written directly. Return: the length
 * (@buf is not NUL-terminated).
 */
static size_t real_text(char buf[REAL_TEXT_MAX], double v)
{
	char digits[24], *e, *start, *end;
	size_t n = 0, len;

	if (fabs(v) < 0x1p53 && v == (double)(int64_t)v) {
		int64_t i = (int64_t)v;
		uint64_t u = i < 0 ? (uint64_t)-i : (uint64_t)i;
		size_t d = 0;

		if (signbit(v))
			buf[n++] = '-'; /* also -0.0, which "%.17g" prints as "-0" */
		do {
			digits[d++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		while (d)
			buf[n++] = digits[--d];
		buf[n++] = '.';
		buf[n++] = '0';
		return n;
	}
	len = (size_t)snprintf(buf, REAL_TEXT_MAX, "%.17g", v);
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		buf[len++] = '.';
		buf[len++] = '0';
		buf[len] = 0;
	}
	e = strchr(buf, 'e');
	if (e) {
		start = e + 1;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, len - (size_t)(end - buf));
			len -= (size_t)(end - start);
		}
	}
	return len;
}

char *store_series_text(const double *values, size_t nr)
{
	/* '[' and ']', and per value its text and a ',' */
	size_t cap = 3 + nr * (REAL_TEXT_MAX + 1), n = 0;
	char *t = malloc(cap);

	if (!t)
		return NULL;
	t[n++] = '[';
	for (size_t i = 0; i < nr; i++) {
		if (i)
			t[n++] = ',';
		if (isfinite(values[i])) {
			n += real_text(t + n, values[i]);
		} else {
			memcpy(t + n, "null", 4); /* JSON has no NaN or infinity */
			n += 4;
		}
	}
	t[n++] = ']';
	t[n] = 0;
	return t;
}

/*
 * The end of the JSON real starting at @p (-?int frac? exp?, with a
 * fraction or an exponent: an integer token is jansson's integer, which
 * the scan leaves to it), or NULL when @p does not start one.
 */
static const char *real_end(const char *p)
{
	int is_real = 0;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
		is_real = 1;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
		is_real = 1;
	}
	return is_real ? p : NULL;
}

/* The values of @text if it is an array of reals and nulls with no space;
 * -EINVAL for any other text, -ENOMEM. */
static int scan(const char *text, double **out, size_t *nr)
{
	const char *p = text;
	size_t n = 1, i = 0;
	double *v;

	if (*p != '[')
		return -EINVAL;
	if (!strcmp(p, "[]")) {
		n = 0;
	} else {
		for (const char *c = p; *c; c++)
			n += *c == ',';
	}
	v = calloc(n ? n : 1, sizeof(double));
	if (!v)
		return -ENOMEM;
	p++;
	while (i < n) {
		const char *end;

		if (!strncmp(p, "null", 4)) {
			v[i++] = NAN;
			end = p + 4;
		} else {
			char *stop;

			end = real_end(p);
			if (!end)
				goto other;
			errno = 0;
			v[i] = strtod(p, &stop);
			/* jansson refuses an overflow ("real number overflow") */
			if (stop != end || (errno == ERANGE && isinf(v[i])))
				goto other;
			i++;
		}
		if (*end != (i < n ? ',' : ']'))
			goto other;
		p = end + 1;
	}
	if (*p != (n ? 0 : ']') || (!n && p[1]))
		goto other;
	*out = v;
	*nr = n;
	return 0;
other:
	free(v);
	return -EINVAL;
}

int store_series_parse(const char *text, double **out, size_t *nr)
{
	json_error_t jerr;
	json_t *arr;
	int rc = scan(text, out, nr);

	if (rc != -EINVAL)
		return rc;
	arr = json_loads(text, 0, &jerr);
	if (!arr || !json_is_array(arr)) {
		json_decref(arr);
		return -EINVAL;
	}
	*nr = json_array_size(arr);
	*out = calloc(*nr ? *nr : 1, sizeof(double));
	if (!*out) {
		json_decref(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < *nr; i++) {
		json_t *v = json_array_get(arr, i);

		(*out)[i] = json_is_number(v) ? json_number_value(v) : NAN;
	}
	json_decref(arr);
	return 0;
}
