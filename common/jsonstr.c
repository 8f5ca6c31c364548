// SPDX-License-Identifier: GPL-2.0
/*
 * jsonstr.c - JSON strings from byte strings (see jsonstr.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonstr.h"

/* Length of the valid UTF-8 sequence at @p (1..4), 0 if none (RFC 3629). */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

json_t *svt_json_bytes(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	json_t *j = json_string(s);
	char *buf, *o;

	if (j)
		return j;
	buf = malloc(4 * strlen(s) + 1);
	if (!buf)
		return NULL;
	o = buf;
	while (*p) {
		size_t n = utf8_seq(p);

		if (!n) {
			o += sprintf(o, "\\x%02x", *p++);
		} else if (*p == '\\') {
			*o++ = '\\';
			*o++ = *p++;
		} else {
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	*o = 0;
	j = json_string(buf);
	free(buf);
	return j;
}
