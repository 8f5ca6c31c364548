// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_unpack.c - libFuzzer target for the v2 record decoder (trace/pack.c),
 * below the chunk checksums that keep random bytes away from it in files:
 * the input (after a 4-byte claimed size) is taken as packed records,
 * compressed, and decoded, in the plain and in both time-column layouts
 * (format.h, TRACE_PACKED_F_TIME_COLUMN, TRACE_PACKED_F_TIME_BYTES). It must
 * fail cleanly or give whole records; what decodes must pack and decode
 * again to the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "trace/trace.h"
#include "trace/trace-local.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * @frame decoded as the time-column layout (a column of bytes if @tbytes)
 * into @raw: 0 if it gives exactly @raw_bytes.
 */
static int unpack_tcol(const uint8_t *frame, size_t fb, bool tbytes, uint8_t *tmp, size_t cap,
		       uint8_t *raw, uint32_t raw_bytes)
{
	static struct trace_unpack_state u;
	uint32_t got;

	if (trace_unpack_begin_tcol(&u, frame, fb, tbytes, tmp, cap) ||
	    trace_unpack_next_tcol(&u, raw, raw_bytes, raw_bytes, &got))
		return -1;
	return got == raw_bytes && trace_unpack_done(&u) ? 0 : -1;
}

/* Records that decoded from a time-column layout pack and decode to the same bytes. */
static void tcol_round_trip(const uint8_t *raw, uint32_t raw_bytes, bool tbytes, uint8_t *tmp,
			    uint8_t *frame2, size_t cap, uint8_t *raw2)
{
	static struct trace_packer *pk;
	size_t fb2;

	if (!pk) {
		pk = trace_packer__new(TRACE_CHUNK_MAX_BYTES, 1);
		if (!pk)
			abort();
	}
	pk->time_layout = tbytes ? TRACE_TIME_BYTES : TRACE_TIME_VARINTS;
	/* the packer trusts size_bytes (the writer checked it; the reader checks
	 * every decoded record): records whose size field is not their size stop here */
	for (uint32_t off = 0, size; off < raw_bytes; off += size) {
		uint16_t s;

		memcpy(&s, raw + off + offsetof(struct trace_rec, size_bytes), sizeof(s));
		size = s;
		if (size < 16 || size % 8 || size > raw_bytes - off)
			return;
	}
	for (uint32_t off = 0; off < raw_bytes;) {
		const struct trace_rec *rec = (const void *)(raw + off);

		trace_packer__add(pk, rec);
		off += rec->size_bytes;
	}
	if (trace_packer__finish(pk, frame2, cap, &fb2)) /* 16-byte records can outgrow @cap */
		return;
	if (unpack_tcol(frame2, fb2, tbytes, tmp, cap, raw2, raw_bytes) ||
	    memcmp(raw, raw2, raw_bytes))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *frame, *tmp, *raw, *raw2, *frame2;
	static size_t cap;
	uint32_t raw_bytes;
	size_t fb, fb2;

	if (!cap) {
		cap = trace_pack_bound(TRACE_CHUNK_MAX_BYTES) + 2 * TRACE_UNPACK_PAD;
		frame = malloc(cap);
		frame2 = malloc(cap);
		tmp = malloc(cap);
		raw = malloc(TRACE_CHUNK_MAX_BYTES);
		raw2 = malloc(TRACE_CHUNK_MAX_BYTES);
	}
	if (size < 4)
		return 0;
	memcpy(&raw_bytes, data, 4);
	raw_bytes %= TRACE_CHUNK_MAX_BYTES + 1;
	fb = ZSTD_compress(frame, cap, data + 4, size - 4, 1);
	if (ZSTD_isError(fb))
		return 0;
	for (int tbytes = 0; tbytes < 2; tbytes++)
		if (!unpack_tcol(frame, fb, tbytes, tmp, cap, raw, raw_bytes))
			tcol_round_trip(raw, raw_bytes, tbytes, tmp, frame2, cap, raw2);
	if (trace_unpack(frame, fb, tmp, cap, raw, raw_bytes))
		return 0;
	/* decoded: whole records; they pack and decode to the same bytes */
	if (trace_pack(raw, raw_bytes, tmp, frame2, cap, &fb2) ||
	    trace_unpack(frame2, fb2, tmp, cap, raw2, raw_bytes) || memcmp(raw, raw2, raw_bytes))
		abort();
	return 0;
}
