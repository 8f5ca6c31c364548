// SPDX-License-Identifier: GPL-2.0
/*
 * pack.c - the v2 record packing (format.h): a chunk of v1 records <-> its
 * delta-varint form, compressed with zstd. The packer is exact: unpacking
 * gives back the same bytes, whatever the records hold.
 *
 * Decoding is the reader's hot loop: one varint per 64-bit word, with a
 * fast path for the one-byte case (unchanged fields, small time steps);
 * the previous record of each kind is a fixed array, nothing is allocated.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "trace/trace.h"
#include "trace/trace-local.h"

#define PACK_PREV_WORDS TRACE_PACK_PREV_WORDS

static inline uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ -(z & 1);
}

static inline unsigned int kind_slot(unsigned int kind)
{
	return kind < TRACE_REC_KIND_MAX_ ? kind : TRACE_REC_KIND_MAX_;
}

size_t trace_pack_bound(uint32_t raw_bytes)
{
	/* per 8 raw bytes at most 10 varint bytes, plus one kind byte per record */
	return ZSTD_compressBound((size_t)raw_bytes / 8 * 11 + 16);
}

struct trace_packer *trace_packer__new(uint32_t raw_cap, int level)
{
	struct trace_packer *pk = calloc(1, sizeof(*pk));

	if (!pk)
		return NULL;
	pk->raw_cap = raw_cap;
	pk->level = level;
	/*
	 * The writer's records are at least 32 bytes; a record the decoder
	 * gives may be 16 (the fuzz target packs those again): room for its
	 * kind, a word and its time, and a time varint (at most 10 bytes) per
	 * record in the column.
	 */
	pk->buf = malloc(trace_pack_bound(raw_cap) + raw_cap / 8);
	pk->tbuf = malloc((size_t)raw_cap / 16 * 11 + 16);
	pk->zc = ZSTD_createCCtx();
	if (!pk->buf || !pk->tbuf || !pk->zc) {
		trace_packer__free(pk);
		errno = ENOMEM;
		return NULL;
	}
	trace_packer__reset(pk);
	return pk;
}

void trace_packer__free(struct trace_packer *pk)
{
	if (!pk)
		return;
	ZSTD_freeCCtx(pk->zc);
	free(pk->buf);
	free(pk->tbuf);
	free(pk);
}

void trace_packer__reset(struct trace_packer *pk)
{
	memset(pk->prev, 0, sizeof(pk->prev));
	memset(pk->tbase, 0, sizeof(pk->tbase));
	pk->p = pk->buf;
	pk->tp = pk->tbuf;
}

int trace_packer__finish(struct trace_packer *pk, uint8_t *out, size_t out_cap, size_t *out_bytes)
{
	size_t z;

	if (pk->time_layout != TRACE_TIME_INLINE) {
		/*
		 * The time column after the other words, then its length
		 * (format.h). buf has room: trace_packer__new() allows 12
		 * bytes per raw word; the two streams take at most 12 (a
		 * 16-byte record: a 3-byte kind, a 10-byte varint, an escape
		 * byte and a 10-byte varint time), plus 4.
		 */
		uint32_t t = (uint32_t)(pk->tp - pk->tbuf);

		memcpy(pk->p, pk->tbuf, t);
		pk->p += t;
		memcpy(pk->p, &t, sizeof(t));
		pk->p += sizeof(t);
	}
	z = ZSTD_compressCCtx(pk->zc, out, out_cap, pk->buf, (size_t)(pk->p - pk->buf), pk->level);

	trace_packer__reset(pk);
	if (ZSTD_isError(z))
		return -ENOSPC;
	*out_bytes = z;
	return 0;
}

int trace_pack(const uint8_t *raw, uint32_t raw_bytes, uint8_t *tmp, uint8_t *out, size_t out_cap,
	       size_t *out_bytes)
{
	struct trace_packer pk = {.time_layout = TRACE_TIME_INLINE};
	size_t z;

	/* the packer's state on the stack, its stream in @tmp: one call, nothing kept */
	pk.buf = pk.p = tmp;
	for (uint32_t off = 0; off < raw_bytes;) {
		const struct trace_rec *rec = (const void *)(raw + off);

		trace_packer__add(&pk, rec);
		off += rec->size_bytes;
	}
	z = ZSTD_compress(out, out_cap, tmp, (size_t)(pk.p - tmp), TRACE_WRITER_PACK_LEVEL);
	if (ZSTD_isError(z))
		return -ENOSPC;
	*out_bytes = z;
	return 0;
}

/* A varint with no bounds check: the caller knows 10 bytes are there. */
static inline const uint8_t *get_varint_nocheck(const uint8_t *p, uint64_t *v)
{
	uint64_t x = *p++, b;

	if (x < 0x80) {
		*v = x;
		return p;
	}
	/*
	 * Two to eight bytes (an address delta): one 8-byte load (the packed
	 * data is followed by TRACE_UNPACK_PAD zeros, so it stays in the
	 * buffer), the end found from the stop bits, the 7-bit groups gathered
	 * without a loop: the byte loop's exit mispredicted with the length.
	 */
	{
		uint64_t w, stop, g;

		memcpy(&w, p - 1, 8);
		stop = ~w & 0x8080808080808080ull;
		if (stop) {
			unsigned int n = (unsigned int)__builtin_ctzll(stop) + 1; /* bits used */

			g = n == 64 ? w : w & ((1ull << n) - 1);
			g = (g & 0x007f007f007f007full) | ((g & 0x7f007f007f007f00ull) >> 1);
			g = (g & 0x00003fff00003fffull) | ((g & 0x3fff00003fff0000ull) >> 2);
			g = (g & 0x000000000fffffffull) | ((g & 0x0fffffff00000000ull) >> 4);
			*v = g;
			return p - 1 + n / 8;
		}
	}
	x &= 0x7f;
	for (unsigned int s = 7; s < 64; s += 7) {
		b = *p++;
		x |= (b & 0x7f) << s;
		if (b < 0x80) {
			*v = x;
			return p;
		}
	}
	return NULL;
}

/*
 * One record at @p into @out (at most @room bytes); the packed data is
 * followed by TRACE_UNPACK_PAD zero bytes, so no varint can overrun
 * (get_varint_nocheck). Word 0 (the time) comes from the time column at
 * *@pt when @pt is not NULL (TRACE_PACKED_F_TIME_COLUMN), else from @p.
 * Always inlined, so each caller's @pt is a constant and costs no branch.
 * Return: the byte after it, NULL on a malformed record.
 */
static inline __attribute__((always_inline)) const uint8_t *
unpack_one_at(const uint8_t *p, const uint8_t **pt, bool tbytes, struct trace_pack_prev *prev,
	      uint8_t *out, uint32_t room, uint32_t *rec_bytes)
{
	uint64_t kind, z, w0, w1, w, *pw;
	uint32_t nw, i;

	if (!(p = get_varint_nocheck(p, &kind)) || room < 16)
		return NULL;
	pw = prev->w[kind_slot((unsigned int)kind)];
	if (pt && tbytes) { /* format.h, TRACE_PACKED_F_TIME_BYTES */
		uint64_t *base = &prev->tbase[kind_slot((unsigned int)kind)];
		uint8_t b = **pt;

		if (b != TRACE_TIME_ESC) {
			w0 = pw[0] + *base + b - TRACE_TIME_BIAS;
			(*pt)++;
		} else {
			if (!(*pt = get_varint_nocheck(*pt + 1, &z)))
				return NULL;
			*base = unzigzag(z);
			w0 = pw[0] + *base;
		}
	} else {
		if (pt ? !(*pt = get_varint_nocheck(*pt, &z)) : !(p = get_varint_nocheck(p, &z)))
			return NULL;
		w0 = pw[0] + unzigzag(z);
	}
	if (!(p = get_varint_nocheck(p, &z)))
		return NULL;
	w1 = pw[1] + unzigzag(z);
	/* word 1 is kind (bits 0-15) and size_bytes (16-31) */
	nw = (uint32_t)(w1 >> 16 & 0xffff) / 8;
	if (nw < 2 || 8 * nw > room || (w1 & 0xffff) != kind)
		return NULL;
	pw[0] = w0;
	pw[1] = w1;
	memcpy(out, &w0, 8);
	memcpy(out + 8, &w1, 8);
	for (i = 2; i < nw && i < PACK_PREV_WORDS; i++) {
		if (!(p = get_varint_nocheck(p, &z)))
			return NULL;
		w = pw[i] + unzigzag(z);
		pw[i] = w;
		memcpy(out + 8 * i, &w, 8);
	}
	for (; i < nw; i++) {
		if (!(p = get_varint_nocheck(p, &w)))
			return NULL;
		memcpy(out + 8 * i, &w, 8);
	}
	*rec_bytes = 8 * nw;
	return p;
}

static inline const uint8_t *unpack_one_fast(const uint8_t *p, struct trace_pack_prev *prev,
					     uint8_t *out, uint32_t room, uint32_t *rec_bytes)
{
	return unpack_one_at(p, NULL, false, prev, out, room, rec_bytes);
}

int trace_unpack_begin(struct trace_unpack_state *u, const uint8_t *frame, size_t frame_bytes,
		       uint8_t *tmp, size_t tmp_cap)
{
	size_t n;

	if (tmp_cap < TRACE_UNPACK_PAD)
		return TRACE_E_PACKED;
	n = ZSTD_decompress(tmp, tmp_cap - TRACE_UNPACK_PAD, frame, frame_bytes);
	if (ZSTD_isError(n))
		return TRACE_E_PACKED;
	/*
	 * Zeros after the end: a varint that runs past it stops at the first
	 * of them and every later one is a single zero byte, so no record can
	 * read beyond the padding (its words are at most 8191), and none needs
	 * a bounds check per byte; a record that ended past the end is refused.
	 * Before, the last 82 KB of each packed chunk (about 40% of the
	 * records of a 1 MiB chunk of device accesses) went through a slower
	 * loop that checked every byte.
	 */
	memset(tmp + n, 0, TRACE_UNPACK_PAD);
	memset(&u->prev, 0, sizeof(u->prev));
	u->p = tmp;
	u->end = tmp + n;
	return 0;
}

int trace_unpack_next(struct trace_unpack_state *u, uint8_t *raw, uint32_t room, uint32_t want,
		      uint32_t *got)
{
	const uint8_t *p = u->p;
	uint32_t off = 0, rb;

	while (p < u->end && off < want) {
		if (!(p = unpack_one_fast(p, &u->prev, raw + off, room - off, &rb)) || p > u->end)
			return TRACE_E_PACKED;
		off += rb;
	}
	u->p = p;
	*got = off;
	return 0;
}

int trace_unpack(const uint8_t *frame, size_t frame_bytes, uint8_t *tmp, size_t tmp_cap,
		 uint8_t *raw, uint32_t raw_bytes)
{
	static __thread struct trace_unpack_state u;
	uint32_t got;
	int err = trace_unpack_begin(&u, frame, frame_bytes, tmp, tmp_cap);

	if (!err)
		err = trace_unpack_next(&u, raw, raw_bytes, raw_bytes, &got);
	if (err)
		return err;
	return got == raw_bytes && u.p == u.end ? 0 : TRACE_E_PACKED;
}

/*
 * The time-column layout (format.h, TRACE_PACKED_F_TIME_COLUMN): as
 * unpack_one_fast(), but word 0 comes from the time column at *@pt. Both
 * streams are followed by zero padding (trace_unpack_begin_tcol()), so no
 * varint needs a bounds check per byte.
 */
static inline const uint8_t *unpack_one_tcol(const uint8_t *p, const uint8_t **pt,
					     struct trace_pack_prev *prev, uint8_t *out,
					     uint32_t room, uint32_t *rec_bytes)
{
	return unpack_one_at(p, pt, false, prev, out, room, rec_bytes);
}

/* As unpack_one_tcol(), for a column of bytes (TRACE_PACKED_F_TIME_BYTES). */
static inline const uint8_t *unpack_one_tbytes(const uint8_t *p, const uint8_t **pt,
					       struct trace_pack_prev *prev, uint8_t *out,
					       uint32_t room, uint32_t *rec_bytes)
{
	return unpack_one_at(p, pt, true, prev, out, room, rec_bytes);
}

int trace_unpack_begin_tcol(struct trace_unpack_state *u, const uint8_t *frame, size_t frame_bytes,
			    bool tbytes, uint8_t *tmp, size_t tmp_cap)
{
	size_t n, rest;
	uint32_t t;

	if (tmp_cap < 2 * TRACE_UNPACK_PAD)
		return TRACE_E_PACKED;
	n = ZSTD_decompress(tmp, tmp_cap - 2 * TRACE_UNPACK_PAD, frame, frame_bytes);
	if (ZSTD_isError(n) || n < sizeof(t))
		return TRACE_E_PACKED;
	memcpy(&t, tmp + n - sizeof(t), sizeof(t));
	rest = n - sizeof(t);
	if (t > rest)
		return TRACE_E_PACKED;
	rest -= t;
	/*
	 * The time column moves past a pad of zeros after the other words,
	 * and gets one of its own: each stream then ends in zeros, as
	 * trace_unpack_begin() explains, and a record running past the end of
	 * either is refused (trace_unpack_next_tcol()).
	 */
	memmove(tmp + rest + TRACE_UNPACK_PAD, tmp + rest, t);
	memset(tmp + rest, 0, TRACE_UNPACK_PAD);
	memset(tmp + rest + TRACE_UNPACK_PAD + t, 0, TRACE_UNPACK_PAD);
	memset(&u->prev, 0, sizeof(u->prev));
	u->p = tmp;
	u->end = tmp + rest;
	u->tp = tmp + rest + TRACE_UNPACK_PAD;
	u->tend = u->tp + t;
	u->tbytes = tbytes;
	return 0;
}

int trace_unpack_next_tcol(struct trace_unpack_state *u, uint8_t *raw, uint32_t room, uint32_t want,
			   uint32_t *got)
{
	const uint8_t *p = u->p, *pt = u->tp;
	uint32_t off = 0, rb;

	/* one loop per column kind: the always-inlined decoder has no branch on it */
	if (u->tbytes) {
		while (p < u->end && off < want) {
			if (!(p = unpack_one_tbytes(p, &pt, &u->prev, raw + off, room - off,
						    &rb)) ||
			    p > u->end || pt > u->tend)
				return TRACE_E_PACKED;
			off += rb;
		}
	} else {
		while (p < u->end && off < want) {
			if (!(p = unpack_one_tcol(p, &pt, &u->prev, raw + off, room - off, &rb)) ||
			    p > u->end || pt > u->tend)
				return TRACE_E_PACKED;
			off += rb;
		}
	}
	/* every time is used: a longer column is as malformed as a short one */
	if (p >= u->end && pt != u->tend)
		return TRACE_E_PACKED;
	u->p = p;
	u->tp = pt;
	*got = off;
	return 0;
}
