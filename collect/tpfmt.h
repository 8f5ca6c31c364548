/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tpfmt.h - the layout of an arbitrary tracepoint's record, parsed from its
 * tracefs "format" file, for `svatrace collect --tracepoint SYSTEM:NAME`: how
 * many payload bytes follow the 8-byte common header (what the BPF side
 * copies, at most 64) and the scalar fields in them, so the converter can
 * store the copied bytes with a layout string (tpfmt_layout()) that the
 * trace reader turns into "name=value" text (trace_raw_format()).
 */
#ifndef SVATRACE_COLLECT_TPFMT_H
#define SVATRACE_COLLECT_TPFMT_H

#include <stddef.h>
#include <stdint.h>

#define TPFMT_COMMON_BYTES 8 /* common_type/flags/preempt_count/pid */
#define TPFMT_PAYLOAD_MAX 64 /* bytes the BPF side copies (sizeof svt_event.v) */
#define TPFMT_MAX_FIELDS 16  /* scalar fields kept per tracepoint */
#define TPFMT_NAME_BYTES 32  /* field name, truncated */

struct tpfmt_field {
	char name[TPFMT_NAME_BYTES]; /* field name without type or [] */
	uint16_t offset_bytes;	     /* from the end of the common header */
	uint8_t size_bytes;	     /* 1, 2, 4 or 8 */
	uint8_t is_signed;	     /* 1 if the format says signed:1 */
};

struct tpfmt {
	uint32_t payload_bytes; /* bytes after the common header to copy (<= 64) */
	uint32_t nr_fields;	/* entries in field[] */
	struct tpfmt_field field[TPFMT_MAX_FIELDS]; /* scalar fields inside payload_bytes */
};

/**
 * tpfmt_parse() - parse the text of a tracefs events/SYS/NAME/format file.
 * @text: the file's contents (NUL-terminated).
 * @f: filled in.
 *
 * Fields past the 64 copied bytes, arrays and __data_loc strings are left
 * out of @f->field (their bytes, if inside the payload, are still copied).
 *
 * Return: 0, or -EINVAL when @text has no "field:" lines.
 */
int tpfmt_parse(const char *text, struct tpfmt *f);

/**
 * tpfmt_load() - read and parse TRACEFS/events/SYS/NAME/format.
 * @tracefs: tracefs mount, e.g. "/sys/kernel/tracing".
 * @sys_name: "SYSTEM:NAME".
 * @f: filled in.
 *
 * Return: 0, -EINVAL for a malformed @sys_name, -ENOENT when the kernel has
 * no such tracepoint, or another negative errno.
 */
int tpfmt_load(const char *tracefs, const char *sys_name, struct tpfmt *f);

/**
 * tpfmt_layout() - @f as a trace layout string ("NAME:OFFSET:SIZE:TYPE ...",
 * trace_raw_format()), 8-byte fields typed 'x' when @hashed (their values
 * are hashed addresses, printed in hex) else 'u'.
 * @buf, @len: output, NUL-terminated.
 *
 * Return: 0, or -ENOSPC when @len is too small.
 */
int tpfmt_layout(const struct tpfmt *f, int hashed, char *buf, size_t len);

/**
 * tpfmt_hash() - apply @hash in place to every 8-byte field of @payload
 * (they may be addresses). Return: 1 if some field was hashed, else 0.
 */
int tpfmt_hash(const struct tpfmt *f, void *payload, uint64_t (*hash)(void *hash_ctx, uint64_t v),
	       void *hash_ctx);

/**
 * tpfmt_format() - print @payload (the bytes after the common header) as
 * "name=value ..." into @buf.
 * @f: layout.
 * @payload: copied bytes (at least @f->payload_bytes).
 * @hash: called on every 8-byte field (they may be addresses) unless NULL.
 * @hash_ctx: argument of @hash.
 * @buf, @len: output, always NUL-terminated when @len > 0.
 *
 * Return: 1 if @hash was applied to some field, else 0.
 */
int tpfmt_format(const struct tpfmt *f, const void *payload,
		 uint64_t (*hash)(void *hash_ctx, uint64_t v), void *hash_ctx, char *buf,
		 size_t len);

#endif /* SVATRACE_COLLECT_TPFMT_H */
