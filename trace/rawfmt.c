// SPDX-License-Identifier: GPL-2.0
/*
 * rawfmt.c - the text of a raw-fields generic record (format.h,
 * TRACE_RF_RAW_FIELDS). The collector stores a --tracepoint event as its
 * payload bytes and one layout string per tracepoint; the text, which used
 * to be printed per event on the collector's CPU (about a third of its
 * consumer time on task:task_prctl_unknown), is made here, when read.
 *
 * A layout is space-separated fields "NAME:OFFSET:SIZE:TYPE", OFFSET and SIZE
 * in bytes within the payload, SIZE 1, 2, 4 or 8, TYPE 'u' (unsigned
 * decimal), 's' (signed decimal) or 'x' (hex with 0x, the form of a hashed
 * address). The output is the one tpfmt_format() gave: "name=value ...".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"

/* Append to a bounded buffer: what does not fit is cut, as snprintf would. */
struct out {
	char *buf;   /* output */
	size_t len;  /* its size, >= 1 */
	size_t used; /* bytes written, not counting the NUL */
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t room = o->len - 1 - o->used; /* o->used < o->len always */

	if (n > room)
		n = room;
	memcpy(o->buf + o->used, s, n);
	o->used += n;
	o->buf[o->used] = 0;
}

/* @u in decimal, or in hex with a 0x prefix: no printf (it was ~70% of the formatting). */
static void put_u64(struct out *o, uint64_t u, bool hex, bool neg)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	do {
		*--p = hex ? "0123456789abcdef"[u & 0xf] : (char)('0' + u % 10);
		u = hex ? u >> 4 : u / 10;
	} while (u);
	if (hex) {
		*--p = 'x';
		*--p = '0';
	}
	if (neg)
		*--p = '-';
	put(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* One "NAME:OFF:SIZE:TYPE" at *@pp; advances past it. Return: 0, -EINVAL if malformed. */
static int next_field(const char **pp, const char **name, size_t *name_len, unsigned long *off,
		      unsigned long *size, char *type)
{
	const char *p = *pp, *c;
	char *end;

	c = strchr(p, ':');
	if (!c || c == p)
		return -EINVAL;
	*name = p;
	*name_len = (size_t)(c - p);
	*off = strtoul(c + 1, &end, 10);
	if (*end != ':')
		return -EINVAL;
	*size = strtoul(end + 1, &end, 10);
	if (*end != ':' || !strchr("usx", end[1]) || !end[1] || (end[2] && end[2] != ' '))
		return -EINVAL;
	if (*size != 1 && *size != 2 && *size != 4 && *size != 8)
		return -EINVAL;
	*type = end[1];
	*pp = end + 2;
	return 0;
}

int trace_raw_format(const char *layout, const void *payload, uint32_t payload_bytes, char *buf,
		     size_t len)
{
	const unsigned char *b = payload;
	struct out o = {buf, len, 0};
	const char *p = layout;

	if (!len || !layout)
		return -EINVAL;
	buf[0] = 0;
	for (p += strspn(p, " "); *p; p += strspn(p, " ")) {
		const char *name;
		size_t name_len;
		unsigned long off, size;
		uint64_t u = 0;
		char type;

		if (next_field(&p, &name, &name_len, &off, &size, &type))
			return -EINVAL;
		if (off > payload_bytes || size > payload_bytes - off)
			continue;	   /* not copied: left out, as when it was printed live */
		memcpy(&u, b + off, size); /* little endian */
		if (o.used)
			put(&o, " ", 1);
		put(&o, name, name_len);
		put(&o, "=", 1);
		if (type == 'x') {
			put_u64(&o, u, true, false);
		} else if (type == 's') {
			unsigned int bits = 8u * (unsigned int)size;
			int64_t s =
			    bits == 64 ? (int64_t)u : (int64_t)(u << (64 - bits)) >> (64 - bits);

			put_u64(&o, s < 0 ? 0 - (uint64_t)s : (uint64_t)s, false, s < 0);
		} else {
			put_u64(&o, u, false, false);
		}
	}
	return (int)o.used;
}
