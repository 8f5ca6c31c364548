/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pb.h - a small protocol-buffers wire-format writer (varint, length-
 * delimited and nested messages), enough to write Perfetto traces without
 * a protobuf library. Wire format: https://protobuf.dev/programming-guides/encoding/
 * (tag = field << 3 | wire type; 0 varint, 1 fixed64, 2 length-delimited).
 *
 * A message is built in a struct pb_buf; a nested message is built in its
 * own buffer and appended to its parent with pb_msg(). Buffers keep their
 * memory across pb_reset(), so the hot path does not allocate.
 */
#ifndef SVATRACE_EXPORT_PB_H
#define SVATRACE_EXPORT_PB_H

#include <stddef.h>
#include <stdint.h>

struct pb_buf {
	uint8_t *p; /* bytes */
	size_t len; /* used */
	size_t cap; /* allocated */
	int err;    /* first error (-ENOMEM), sticky */
};

/** pb_reset() - empty @b, keeping its memory. */
static inline void pb_reset(struct pb_buf *b)
{
	b->len = 0;
}

/** pb_fini() - free @b's memory. */
void pb_fini(struct pb_buf *b);

/** pb_varint_field() - field @field as a varint (uint32/uint64/int64/bool/enum). */
void pb_varint_field(struct pb_buf *b, uint32_t field, uint64_t v);

/** pb_double_field() - field @field as a 64-bit double (wire type 1). */
void pb_double_field(struct pb_buf *b, uint32_t field, double v);

/** pb_bytes_field() - field @field as length-delimited bytes. */
void pb_bytes_field(struct pb_buf *b, uint32_t field, const void *data, size_t len);

/** pb_str_field() - field @field as a string (NUL-terminated @s). */
void pb_str_field(struct pb_buf *b, uint32_t field, const char *s);

/** pb_msg() - field @field as the nested message built in @sub. */
static inline void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *sub)
{
	pb_bytes_field(b, field, sub->p, sub->len);
	if (sub->err && !b->err)
		b->err = sub->err;
}

#endif /* SVATRACE_EXPORT_PB_H */
