// SPDX-License-Identifier: GPL-2.0
/*
 * tpfmt.c - tracefs "format" files of arbitrary tracepoints (see tpfmt.h).
 * A field line reads
 *	field:unsigned long args[6];	offset:16;	size:48;	signed:0;
 * and offsets count from the record start, common header included.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/tpfmt.h"

/* The declared name: last identifier before ';', '[' ends an array. */
static int field_name(const char *decl, size_t n, char *name, int *is_array)
{
	size_t end = n, start;

	*is_array = memchr(decl, '[', n) != NULL;
	if (*is_array)
		end = (size_t)((const char *)memchr(decl, '[', n) - decl);
	while (end > 0 && decl[end - 1] == ' ')
		end--;
	start = end;
	while (start > 0 && decl[start - 1] != ' ' && decl[start - 1] != '*')
		start--;
	if (start == end)
		return -EINVAL;
	if (end - start >= TPFMT_NAME_BYTES)
		end = start + TPFMT_NAME_BYTES - 1;
	memcpy(name, decl + start, end - start);
	name[end - start] = 0;
	return 0;
}

int tpfmt_parse(const char *text, struct tpfmt *f)
{
	const char *p = text;
	unsigned int max_end = TPFMT_COMMON_BYTES;
	int nr_lines = 0;

	memset(f, 0, sizeof(*f));
	while ((p = strstr(p, "field:"))) {
		const char *decl = p + 6, *semi = strchr(decl, ';'), *o, *s, *sg;
		unsigned int off, size, sgn = 0;
		struct tpfmt_field *fl;
		char name[TPFMT_NAME_BYTES];
		int is_array;

		p = decl;
		if (!semi || !(o = strstr(semi, "offset:")) || !(s = strstr(semi, "size:")) ||
		    sscanf(o, "offset:%u;", &off) != 1 || sscanf(s, "size:%u;", &size) != 1)
			continue;
		sg = strstr(semi, "signed:");
		if (sg && strchr(semi, '\n') && sg < strchr(semi, '\n'))
			sscanf(sg, "signed:%u;", &sgn);
		nr_lines++;
		if (off < TPFMT_COMMON_BYTES)
			continue; /* common_* fields */
		if (off + size > max_end)
			max_end = off + size;
		if (field_name(decl, (size_t)(semi - decl), name, &is_array) || is_array ||
		    !strncmp(decl, "__data_loc", 10) ||
		    (size != 1 && size != 2 && size != 4 && size != 8) ||
		    off + size > TPFMT_COMMON_BYTES + TPFMT_PAYLOAD_MAX ||
		    f->nr_fields >= TPFMT_MAX_FIELDS)
			continue;
		fl = &f->field[f->nr_fields++];
		memcpy(fl->name, name, sizeof(name));
		fl->offset_bytes = (uint16_t)(off - TPFMT_COMMON_BYTES);
		fl->size_bytes = (uint8_t)size;
		fl->is_signed = sgn ? 1 : 0;
	}
	if (!nr_lines)
		return -EINVAL;
	f->payload_bytes = max_end - TPFMT_COMMON_BYTES;
	if (f->payload_bytes > TPFMT_PAYLOAD_MAX)
		f->payload_bytes = TPFMT_PAYLOAD_MAX;
	return 0;
}

int tpfmt_load(const char *tracefs, const char *sys_name, struct tpfmt *f)
{
	const char *colon = strchr(sys_name, ':');
	char path[512], text[16384];
	size_t n;
	FILE *fp;

	if (!colon || colon == sys_name || !colon[1] || strchr(colon + 1, ':') ||
	    strchr(sys_name, '/') || strchr(sys_name, '.'))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", tracefs, (int)(colon - sys_name),
		 sys_name, colon + 1);
	fp = fopen(path, "r");
	if (!fp)
		return errno == ENOENT ? -ENOENT : -errno;
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = 0;
	return tpfmt_parse(text, f);
}

/* Append to a bounded buffer: what does not fit is cut, as snprintf would. */
struct out {
	char *buf;   /* output */
	size_t len;  /* its size */
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

/* @u in decimal, or in hex with a 0x prefix: no printf, it cost ~70% of the consumer. */
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

int tpfmt_format(const struct tpfmt *f, const void *payload,
		 uint64_t (*hash)(void *hash_ctx, uint64_t v), void *hash_ctx, char *buf,
		 size_t len)
{
	const unsigned char *b = payload;
	struct out o = {buf, len, 0};
	int hashed = 0;

	if (!len)
		return 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < f->nr_fields && o.used + 1 < len; i++) {
		const struct tpfmt_field *fl = &f->field[i];
		uint64_t u = 0;

		if (fl->offset_bytes + fl->size_bytes > f->payload_bytes)
			continue;
		memcpy(&u, b + fl->offset_bytes, fl->size_bytes); /* little endian */
		if (o.used)
			put(&o, " ", 1);
		put(&o, fl->name, strnlen(fl->name, sizeof(fl->name)));
		put(&o, "=", 1);
		if (fl->size_bytes == 8 && hash) {
			put_u64(&o, hash(hash_ctx, u), true, false);
			hashed = 1;
		} else if (fl->is_signed) {
			unsigned int bits = 8u * fl->size_bytes;
			int64_t s =
			    bits == 64 ? (int64_t)u : (int64_t)(u << (64 - bits)) >> (64 - bits);

			put_u64(&o, s < 0 ? 0 - (uint64_t)s : (uint64_t)s, false, s < 0);
		} else {
			put_u64(&o, u, false, false);
		}
	}
	return hashed;
}
