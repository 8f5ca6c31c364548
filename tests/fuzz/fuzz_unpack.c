// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_unpack.c - libFuzzer target for the v2 record decoder (trace/pack.c),
 * below the chunk checksums that keep random bytes away from it in files:
 * the input (after a 4-byte claimed size) is taken as packed records,
 * compressed, and decoded. It must fail cleanly or give whole records; what
 * decodes must pack and decode again to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "trace/trace.h"
#include "trace/trace-local.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *frame, *tmp, *raw, *raw2, *frame2;
	static size_t cap;
	uint32_t raw_bytes;
	size_t fb, fb2;

	if (!cap) {
		cap = trace_pack_bound(TRACE_CHUNK_MAX_BYTES) + TRACE_UNPACK_PAD;
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
	if (trace_unpack(frame, fb, tmp, cap, raw, raw_bytes))
		return 0;
	/* decoded: whole records; they pack and decode to the same bytes */
	if (trace_pack(raw, raw_bytes, tmp, frame2, cap, &fb2) ||
	    trace_unpack(frame2, fb2, tmp, cap, raw2, raw_bytes) || memcmp(raw, raw2, raw_bytes))
		abort();
	return 0;
}
