/* SPDX-License-Identifier: GPL-2.0 */
/* trace-local.h - internals shared by the files of trace/. */
#ifndef SVATRACE_TRACE_LOCAL_H
#define SVATRACE_TRACE_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
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

/* The header as the content hash covers it: as first written, before the findings (format.h). */
static inline struct trace_file_hdr trace_hash_hdr(const struct trace_file_hdr *fh)
{
	struct trace_file_hdr h = *fh;

	h.flags &= ~TRACE_F_FINDINGS;
	h.cpus_seen = 0;
	h.kinds_seen = 0;
	h.hdr_crc = trace_crc32(&h, offsetof(struct trace_file_hdr, hdr_crc));
	return h;
}

static inline uint32_t trace_pad8(uint32_t n)
{
	return (n + 7u) & ~7u;
}

/* pack.c: the v2 record packing. */

#define TRACE_PACK_PREV_WORDS 16 /* words of the previous record kept per kind (128 bytes) */

/*
 * A chunk being packed as its records arrive (trace_packer__add()), so
 * each record is packed while it is still in the cache, then compressed
 * whole (trace_packer__finish()). The zstd context is kept across chunks:
 * creating one per chunk cleared its tables each time.
 */
/* Where a packer puts the records' times (format.h). */
enum trace_time_layout {
	TRACE_TIME_INLINE,  /* word 0 like the others */
	TRACE_TIME_VARINTS, /* a column of varints (TRACE_PACKED_F_TIME_COLUMN) */
	TRACE_TIME_BYTES,   /* a column of bytes (| TRACE_PACKED_F_TIME_BYTES) */
};

struct trace_packer {
	uint64_t prev[TRACE_REC_KIND_MAX_ + 1]
		     [TRACE_PACK_PREV_WORDS];	 /* previous record per kind */
	uint64_t tbase[TRACE_REC_KIND_MAX_ + 1]; /* TRACE_TIME_BYTES: time delta base per kind */
	uint8_t *buf;	     /* the chunk's varint stream, trace_pack_bound(raw_cap) bytes */
	uint8_t *p;	     /* its end */
	uint8_t *tbuf;	     /* time column: the records' time deltas, apart */
	uint8_t *tp;	     /* their end */
	uint8_t time_layout; /* enum trace_time_layout of the chunks */
	uint32_t raw_cap;    /* raw record bytes a chunk may hold */
	int level;	     /* zstd level */
	void *zc;	     /* ZSTD_CCtx */
};

/** trace_pack_bound() - bytes trace_pack() may need in @tmp and @out for @raw_bytes. */
size_t trace_pack_bound(uint32_t raw_bytes);

/**
 * trace_packer__new() - a packer for chunks of up to @raw_cap raw record
 * bytes, compressing at zstd @level. Return: NULL with errno on failure.
 */
struct trace_packer *trace_packer__new(uint32_t raw_cap, int level);

/** trace_packer__free() - free; NULL is a no-op. */
void trace_packer__free(struct trace_packer *pk);

/**
 * trace_writer__set_time_layout() - trace_writer__set_time_column() with a
 * choice of enum trace_time_layout: the varint column is what collectors
 * wrote before the byte column, kept so that tests can make such files.
 * Return: as trace_writer__set_time_column(); -EINVAL for an unknown layout.
 */
int trace_writer__set_time_layout(struct trace_writer *w, unsigned int layout);

/** trace_packer__reset() - start a new chunk (forget the previous records). */
void trace_packer__reset(struct trace_packer *pk);

static inline uint64_t trace_zigzag(uint64_t d)
{
	return (d << 1) ^ (uint64_t)((int64_t)d >> 63);
}

static inline uint8_t *trace_put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)v | 0x80;
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/**
 * trace_packer__add() - append one whole record (its size_bytes is trusted:
 * the writer checked it) to the chunk: its kind as a varint, then each word
 * as the zigzag varint of its difference from the same word of the
 * previous record of its kind (words past TRACE_PACK_PREV_WORDS as they
 * are). The chunk's records must total at most raw_cap bytes.
 */
static inline void trace_packer__add(struct trace_packer *pk, const void *rec)
{
	const uint8_t *raw = rec;
	uint16_t kind, size;
	uint64_t *pw, w;
	uint8_t *p = pk->p;
	uint32_t nw, i, lim;

	memcpy(&kind, raw + offsetof(struct trace_rec, kind), sizeof(kind));
	memcpy(&size, raw + offsetof(struct trace_rec, size_bytes), sizeof(size));
	pw = pk->prev[kind < TRACE_REC_KIND_MAX_ ? kind : TRACE_REC_KIND_MAX_];
	nw = size / 8u;
	p = trace_put_varint(p, kind);
	i = 0;
	if (pk->time_layout == TRACE_TIME_BYTES) { /* word 0 (the time): a byte, mostly */
		uint64_t *base =
		    &pk->tbase[kind < TRACE_REC_KIND_MAX_ ? kind : TRACE_REC_KIND_MAX_];
		uint64_t d, b;

		memcpy(&w, raw, 8);
		d = w - pw[0];
		b = d - *base + TRACE_TIME_BIAS;
		if (b < TRACE_TIME_ESC) {
			*pk->tp++ = (uint8_t)b;
		} else {
			*pk->tp++ = TRACE_TIME_ESC;
			pk->tp = trace_put_varint(pk->tp, trace_zigzag(d));
			*base = d;
		}
		pw[0] = w;
		i = 1;
	} else if (pk->time_layout == TRACE_TIME_VARINTS) { /* word 0 into its own column */
		memcpy(&w, raw, 8);
		pk->tp = trace_put_varint(pk->tp, trace_zigzag(w - pw[0]));
		pw[0] = w;
		i = 1;
	}
	lim = nw < TRACE_PACK_PREV_WORDS ? nw : TRACE_PACK_PREV_WORDS;
	/*
	 * Most of a record's words equal the previous record's (its task,
	 * event, layout, constant fields): two such words are two zero bytes,
	 * found with two compares, where each word took a delta, a zigzag and
	 * a test (issue 20: the packer was a quarter of the collector's
	 * consumer).
	 */
	for (; i + 1 < lim; i += 2) {
		uint64_t a, b, z;

		memcpy(&a, raw + 8 * i, 8);
		memcpy(&b, raw + 8 * i + 8, 8);
		if (a == pw[i] && b == pw[i + 1]) {
			p[0] = 0;
			p[1] = 0;
			p += 2;
			continue;
		}
		z = trace_zigzag(a - pw[i]);
		pw[i] = a;
		p = z < 0x80 ? (*p = (uint8_t)z, p + 1) : trace_put_varint(p, z);
		z = trace_zigzag(b - pw[i + 1]);
		pw[i + 1] = b;
		p = z < 0x80 ? (*p = (uint8_t)z, p + 1) : trace_put_varint(p, z);
	}
	for (; i < lim; i++) {
		uint64_t z;

		memcpy(&w, raw + 8 * i, 8);
		z = trace_zigzag(w - pw[i]);
		pw[i] = w;
		if (z < 0x80) /* most words: unchanged, or a small step */
			*p++ = (uint8_t)z;
		else
			p = trace_put_varint(p, z);
	}
	for (; i < nw; i++) {
		memcpy(&w, raw + 8 * i, 8);
		p = trace_put_varint(p, w);
	}
	pk->p = p;
}

/**
 * trace_packer__finish() - compress the chunk's packed records into @out (a
 * zstd frame of *@out_bytes) and start a new chunk.
 * Return: 0, or -ENOSPC if @out_cap is too small.
 */
int trace_packer__finish(struct trace_packer *pk, uint8_t *out, size_t out_cap, size_t *out_bytes);

/**
 * trace_pack() - pack and compress a chunk of v1 records (whole records) at
 * TRACE_WRITER_PACK_LEVEL, in one call.
 * @tmp: scratch of trace_pack_bound() bytes; @out: the zstd frame.
 * Return: 0, or -ENOSPC if @out_cap is too small.
 */
int trace_pack(const uint8_t *raw, uint32_t raw_bytes, uint8_t *tmp, uint8_t *out, size_t out_cap,
	       size_t *out_bytes);

/* Zero bytes trace_unpack() puts after the packed records (a record's words, and more). */
#define TRACE_UNPACK_PAD 16384

/* The previous record of each kind, as unpacking goes (TRACE_PACK_PREV_WORDS: above). */
struct trace_pack_prev {
	uint64_t w[TRACE_REC_KIND_MAX_ + 1][TRACE_PACK_PREV_WORDS]; /* per kind (last: unknown) */
	uint64_t
	    tbase[TRACE_REC_KIND_MAX_ + 1]; /* TRACE_PACKED_F_TIME_BYTES: delta base per kind */
};

/* A chunk being unpacked a slice at a time (trace_unpack_begin, trace_unpack_next). */
struct trace_unpack_state {
	const uint8_t *p, *end;	     /* the packed records left (in @tmp of begin) */
	const uint8_t *tp, *tend;    /* trace_unpack_begin_tcol(): the times left */
	bool tbytes;		     /* ... a column of bytes (TRACE_PACKED_F_TIME_BYTES) */
	struct trace_pack_prev prev; /* delta bases */
};

/**
 * trace_unpack_begin() - decompress a zstd frame made by trace_pack() into
 * @tmp (trace_pack_bound() + TRACE_UNPACK_PAD bytes for any chunk), ready
 * for trace_unpack_next(). Return: 0, or TRACE_E_PACKED.
 */
int trace_unpack_begin(struct trace_unpack_state *u, const uint8_t *frame, size_t frame_bytes,
		       uint8_t *tmp, size_t tmp_cap);

/**
 * trace_unpack_next() - the next whole records, into @raw (at most @room
 * bytes), until at least @want bytes or the end of the packed records;
 * *@got: bytes written (0: the end). Return: 0, or TRACE_E_PACKED.
 */
int trace_unpack_next(struct trace_unpack_state *u, uint8_t *raw, uint32_t room, uint32_t want,
		      uint32_t *got);

/**
 * trace_unpack_begin_tcol() - as trace_unpack_begin(), for a frame in the
 * time-column layout (format.h, TRACE_PACKED_F_TIME_COLUMN), its times
 * bytes if @tbytes (TRACE_PACKED_F_TIME_BYTES), else varints; @tmp needs
 * TRACE_UNPACK_PAD more bytes (2 * TRACE_UNPACK_PAD in all). The records then come from
 * trace_unpack_next_tcol(). Return: 0, or TRACE_E_PACKED.
 */
int trace_unpack_begin_tcol(struct trace_unpack_state *u, const uint8_t *frame, size_t frame_bytes,
			    bool tbytes, uint8_t *tmp, size_t tmp_cap);

/** trace_unpack_next_tcol() - trace_unpack_next() of the time-column layout. */
int trace_unpack_next_tcol(struct trace_unpack_state *u, uint8_t *raw, uint32_t room, uint32_t want,
			   uint32_t *got);

/** trace_unpack_done() - no packed records are left. */
static inline bool trace_unpack_done(const struct trace_unpack_state *u)
{
	return u->p >= u->end;
}

/**
 * trace_unpack() - the v1 records of a zstd frame made by trace_pack().
 * @tmp: scratch of @tmp_cap bytes: trace_pack_bound() + TRACE_UNPACK_PAD
 *	for any chunk; @raw: receives exactly @raw_bytes.
 * Return: 0, or TRACE_E_PACKED if the frame does not decode to @raw_bytes.
 */
int trace_unpack(const uint8_t *frame, size_t frame_bytes, uint8_t *tmp, size_t tmp_cap,
		 uint8_t *raw, uint32_t raw_bytes);

#endif /* SVATRACE_TRACE_LOCAL_H */
