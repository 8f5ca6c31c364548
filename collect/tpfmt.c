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
#include "trace/trace.h"

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

int tpfmt_layout(const struct tpfmt *f, int hashed, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return -ENOSPC;
	buf[0] = 0;
	for (uint32_t i = 0; i < f->nr_fields; i++) {
		const struct tpfmt_field *fl = &f->field[i];
		char type = fl->size_bytes == 8 && hashed ? 'x' : fl->is_signed ? 's' : 'u';
		int n = snprintf(buf + used, len - used, "%s%.*s:%u:%u:%c", used ? " " : "",
				 (int)strnlen(fl->name, sizeof(fl->name)), fl->name,
				 fl->offset_bytes, fl->size_bytes, type);

		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}

int tpfmt_hash(const struct tpfmt *f, void *payload, uint64_t (*hash)(void *hash_ctx, uint64_t v),
	       void *hash_ctx)
{
	unsigned char *b = payload;
	int hashed = 0;

	for (uint32_t i = 0; hash && i < f->nr_fields; i++) {
		const struct tpfmt_field *fl = &f->field[i];
		uint64_t u;

		if (fl->size_bytes != 8 || fl->offset_bytes + 8u > f->payload_bytes)
			continue;
		memcpy(&u, b + fl->offset_bytes, 8);
		u = hash(hash_ctx, u);
		memcpy(b + fl->offset_bytes, &u, 8);
		hashed = 1;
	}
	return hashed;
}

/*
 * The text the trace reader gives the stored record: the same layout and
 * formatter (trace_raw_format()), so there is one way to print a field.
 */
int tpfmt_format(const struct tpfmt *f, const void *payload,
		 uint64_t (*hash)(void *hash_ctx, uint64_t v), void *hash_ctx, char *buf,
		 size_t len)
{
	unsigned char copy[TPFMT_PAYLOAD_MAX];
	char layout[TPFMT_MAX_FIELDS * (TPFMT_NAME_BYTES + 12)];
	uint32_t n = f->payload_bytes < sizeof(copy) ? f->payload_bytes : sizeof(copy);
	int hashed;

	if (!len)
		return 0;
	buf[0] = 0;
	memcpy(copy, payload, n);
	hashed = tpfmt_hash(f, copy, hash, hash_ctx);
	if (tpfmt_layout(f, hashed, layout, sizeof(layout)) ||
	    trace_raw_format(layout, copy, n, buf, len) < 0)
		buf[0] = 0;
	return hashed;
}
