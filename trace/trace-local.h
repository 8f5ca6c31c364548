/* SPDX-License-Identifier: GPL-2.0 */
/* trace-local.h - internals shared by the files of trace/. */
#ifndef SVATRACE_TRACE_LOCAL_H
#define SVATRACE_TRACE_LOCAL_H

#include <stdint.h>
#include <zlib.h>

#include "trace/format.h"

_Static_assert(sizeof(struct trace_file_hdr) == 64, "file header layout");
_Static_assert(sizeof(struct trace_chunk_hdr) == 32, "chunk header layout");
_Static_assert(sizeof(struct trace_rec) == 32, "record header layout");
_Static_assert(sizeof(struct trace_lost) == 16, "lost entry layout");
_Static_assert(sizeof(struct trace_string) == 8, "string entry layout");

static inline uint32_t trace_crc32(const void *buf, size_t len)
{
	/* zlib's crc32 takes uInt lengths; chunks are <= 1 MiB so one call suffices */
	return (uint32_t)crc32(0L, (const Bytef *)buf, (uInt)len);
}

static inline uint32_t trace_pad8(uint32_t n)
{
	return (n + 7u) & ~7u;
}

#endif /* SVATRACE_TRACE_LOCAL_H */
