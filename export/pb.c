// SPDX-License-Identifier: GPL-2.0
/*
 * pb.c - protocol-buffers wire-format writer (see pb.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export/pb.h"

static int grow(struct pb_buf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (b->err)
		return b->err;
	if (b->len + more <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return b->err = -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

void pb_fini(struct pb_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void put_varint(struct pb_buf *b, uint64_t v)
{
	if (grow(b, 10))
		return;
	while (v >= 0x80) {
		b->p[b->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (uint8_t)v;
}

void pb_varint_field(struct pb_buf *b, uint32_t field, uint64_t v)
{
	put_varint(b, (uint64_t)field << 3 | 0);
	put_varint(b, v);
}

void pb_double_field(struct pb_buf *b, uint32_t field, double v)
{
	put_varint(b, (uint64_t)field << 3 | 1);
	if (grow(b, 8))
		return;
	memcpy(b->p + b->len, &v, 8); /* little-endian host (trace/format.h insists) */
	b->len += 8;
}

void pb_bytes_field(struct pb_buf *b, uint32_t field, const void *data, size_t len)
{
	put_varint(b, (uint64_t)field << 3 | 2);
	put_varint(b, len);
	if (grow(b, len))
		return;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

void pb_str_field(struct pb_buf *b, uint32_t field, const char *s)
{
	pb_bytes_field(b, field, s, strlen(s));
}
