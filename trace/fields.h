/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fields.h - the fields of each fixed record kind, by name, offset and type,
 * so that tools (`svatrace dump`) can print any record without a switch per
 * kind. The layout itself is trace/format.h's; this table only names it, and
 * the unit test checks that it covers every byte of every kind.
 */
#ifndef SVATRACE_TRACE_FIELDS_H
#define SVATRACE_TRACE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum trace_field_type {
	TRACE_F_U8, /* unsigned integers */
	TRACE_F_U16,
	TRACE_F_U32,
	TRACE_F_U64,
	TRACE_F_S16, /* signed integers */
	TRACE_F_S32,
	TRACE_F_HEX64, /* addresses: printed as 0x... */
	TRACE_F_STR,   /* uint32_t string id, printed as the string */
};

struct trace_field {
	const char *name; /* field name as in format.h */
	uint16_t offset;  /* bytes from the record start */
	uint8_t type;	  /* enum trace_field_type */
};

/**
 * trace_rec_fields() - the fields of record kind @kind after the common
 * header, in layout order, reserved words left out. Sets *@nr; NULL (and 0)
 * for TRACE_REC_GENERIC and unknown kinds.
 */
const struct trace_field *trace_rec_fields(unsigned int kind, size_t *nr);

/** trace_field_size() - bytes a field of @type occupies. */
size_t trace_field_size(unsigned int type);

/** trace_field_u64() - the field's value, widened (sign-extended for S types). */
uint64_t trace_field_u64(const void *rec, const struct trace_field *f);

#endif /* SVATRACE_TRACE_FIELDS_H */
