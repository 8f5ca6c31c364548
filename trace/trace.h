/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - write and read svatrace trace files (format in format.h).
 *
 * The writer buffers records into chunks of at most TRACE_CHUNK_MAX_BYTES and
 * writes each chunk with its checksum; strings (device, event and task names)
 * are interned and written in a STRINGS chunk before the first chunk that
 * uses them. The reader streams chunk by chunk with one reusable buffer, so
 * its memory does not grow with the file: only with the number of distinct
 * strings.
 *
 * Errors: functions return 0 or a negative value: -errno for system errors,
 * or a TRACE_E_* code for format errors. trace_strerror() names a code;
 * trace_reader__errmsg() adds the file, byte offset and record index.
 */
#ifndef SVATRACE_TRACE_H
#define SVATRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/format.h"

/* Format error codes (negative, outside the errno range). */
enum trace_err {
	TRACE_E_BASE = -4096,
	TRACE_E_EMPTY = -4096,	     /* file has no bytes */
	TRACE_E_SHORT_HDR = -4095,   /* file ends inside the file header */
	TRACE_E_MAGIC = -4094,	     /* not an svatrace file */
	TRACE_E_VERSION = -4093,     /* major version this reader does not know */
	TRACE_E_ENDIAN = -4092,	     /* byte-swapped file */
	TRACE_E_HDR_CRC = -4091,     /* file header checksum mismatch */
	TRACE_E_TRUNCATED = -4090,   /* file ends inside a chunk */
	TRACE_E_CHUNK_MAGIC = -4089, /* chunk header magic wrong */
	TRACE_E_CHUNK_CRC = -4088,   /* chunk header or payload checksum mismatch */
	TRACE_E_CHUNK_SIZE = -4087,  /* chunk payload size out of range */
	TRACE_E_REC_SIZE = -4086,    /* record size field inconsistent */
	TRACE_E_STRING = -4085,	     /* malformed string entry or unknown string id */
	TRACE_E_META = -4084,	     /* meta chunk missing or not JSON */
	TRACE_E_NO_END = -4083, /* file ends cleanly on a chunk boundary but has no END chunk */
	TRACE_E_ISDIR = -4082,	/* path is a directory */
	TRACE_E_PACKED = -4081, /* a compressed records chunk does not decode */
	TRACE_E_HASH = -4080,	/* the bytes read do not give the stored content hash */
	TRACE_E_LIMIT_ = -4080,
};

/**
 * trace_strerror() - describe an error code from this module.
 * @err: negative TRACE_E_* code or negative errno.
 *
 * Return: a static string.
 */
const char *trace_strerror(int err);

/** trace_rec_kind_name() - short name of a record kind ("iommu_map"). */
const char *trace_rec_kind_name(unsigned int kind);

/**
 * trace_rec_default_event() - the "system:name" event a kind stands for when
 * a record has no event_id of its own (e.g. "iommu:map").
 * @rec: the record (some kinds pick by their op field).
 */
const char *trace_rec_default_event(const struct trace_rec *rec);

/** trace_qi_type_name() - "iotlb_inv", ... for a VT-d descriptor type; NULL if unknown. */
const char *trace_qi_type_name(unsigned int type);

/** trace_qi_decode() - fill the decoded fields of a qi_submit record from its qw[]. */
void trace_qi_decode(struct trace_rec_qi_submit *q);

/**
 * trace_qi_encode_iotlb() - set qw[] (and the decoded fields) of an IOTLB
 * invalidation as Linux qi_flush_iotlb() builds it.
 * @gran: 1 global, 2 domain, 3 page-selective (@addr, 2^@am pages).
 */
void trace_qi_encode_iotlb(struct trace_rec_qi_submit *q, uint32_t did, unsigned int gran,
			   uint64_t addr, unsigned int am);

/** trace_qi_encode_dev_tlb() - device-TLB invalidation of 2^@am pages at @addr for @sid. */
void trace_qi_encode_dev_tlb(struct trace_rec_qi_submit *q, uint16_t sid, uint64_t addr,
			     unsigned int am);

/** trace_prq_decode() - fill the decoded fields of a page request record from its dw[]. */
void trace_prq_decode(struct trace_rec_page_req *p);

/* ------------------------------------------------------------------ writer */

struct trace_writer;

/**
 * trace_writer__open() - create a trace file in format v2 (the compact one)
 * and write its header; trace_writer__open_fmt() chooses the version.
 * @path: file to create (truncated if it exists).
 * @clock: enum trace_clock of the timestamps that will be written.
 * @flags: TRACE_F_* bits.
 * @meta_json: a JSON object (UTF-8 text): host snapshot, command line,
 *	probes. Written as the META chunk. Must not be NULL.
 *
 * Return: the writer, or NULL with errno set.
 */
struct trace_writer *trace_writer__open(const char *path, enum trace_clock clock, uint32_t flags,
					const char *meta_json);

/**
 * trace_writer__open_fmt() - trace_writer__open() in a given format version.
 * @version_major: TRACE_VERSION_MAJOR (v1, records as laid out) or
 *	TRACE_VERSION_MAJOR_PACKED (v2: delta-varint records, zstd per chunk,
 *	chunk index; about 5-10x smaller). Anything else: EINVAL.
 */
struct trace_writer *trace_writer__open_fmt(const char *path, enum trace_clock clock,
					    uint32_t flags, const char *meta_json,
					    unsigned int version_major);

/**
 * trace_writer__intern() - id of a string, adding it if new.
 * @w: writer.
 * @s: NUL-terminated string; NULL or "" gives 0.
 *
 * Return: id >= 1, 0 for none, or a negative error (as uint32_t cast: use
 * trace_writer__error() to tell). Ids are stable for the life of the writer.
 */
uint32_t trace_writer__intern(struct trace_writer *w, const char *s);

/**
 * trace_writer__append() - add one record.
 * @w: writer.
 * @rec: record with hdr.kind and hdr.size_bytes set (size must match the
 *	kind's fixed size, or for generic records the text length).
 *
 * Return: 0 or a negative error. On error the writer stays usable for close.
 */
int trace_writer__append(struct trace_writer *w, const struct trace_rec *rec);

/**
 * trace_writer__append_generic() - add a generic record for an unknown event.
 * @w: writer.
 * @hdr: common header: ts_ns, cpu, pid, comm_id, event_id (kind and size are set here).
 * @text: the event's formatted text (truncated at TRACE_GENERIC_MAX_TEXT bytes).
 */
int trace_writer__append_generic(struct trace_writer *w, const struct trace_rec *hdr,
				 const char *text);

/**
 * trace_writer__append_raw() - add a raw-fields generic record (format.h,
 *	TRACE_RF_RAW_FIELDS), built in place in the records buffer: no copy
 *	through a stack record, no text.
 * @w: writer.
 * @hdr: common header as for trace_writer__append_generic().
 * @layout_id: interned layout string (trace_raw_format()).
 * @payload: the raw bytes; @payload_bytes of them (<= TRACE_GENERIC_MAX_TEXT).
 */
int trace_writer__append_raw(struct trace_writer *w, const struct trace_rec *hdr,
			     uint32_t layout_id, const void *payload, uint32_t payload_bytes);

/**
 * trace_raw_format() - the "name=value ..." text of a raw payload.
 * @layout: "NAME:OFFSET:SIZE:TYPE ..." (TYPE u, s or x; see rawfmt.c).
 * @payload: the bytes; @payload_bytes of them (fields past the end are left out).
 * @buf: output, NUL-terminated, cut to @len - 1 bytes.
 *
 * Return: the text length, or -EINVAL for a malformed layout.
 */
int trace_raw_format(const char *layout, const void *payload, uint32_t payload_bytes, char *buf,
		     size_t len);

/* Largest record trace_writer__reserve() gives room for. */
#define TRACE_WRITER_STAGE_BYTES 8192

/**
 * trace_writer__reserve() - room for one record of @size_bytes (at most
 * TRACE_WRITER_STAGE_BYTES), to be filled in place (every byte: header with
 * this size_bytes, fields, zero padding) and added by trace_writer__commit()
 * before any other call on @w. For callers that build many records of
 * one trusted layout: the record is not checked as trace_writer__append()
 * checks it. A packed writer gives the same small stage each time (the
 * record is packed at commit), so it stays in the cache.
 * Return: the record's first byte, 8-byte aligned; NULL when the writer has
 * failed (trace_writer__error() says why; -E2BIG for a record too large).
 */
void *trace_writer__reserve(struct trace_writer *w, uint32_t size_bytes);

/** trace_writer__commit() - add the record filled in at the last trace_writer__reserve(). */
void trace_writer__commit(struct trace_writer *w);

/** trace_writer__add_lost() - record @nr lost events on @cpu for probe @probe. */
int trace_writer__add_lost(struct trace_writer *w, uint32_t cpu, const char *probe, uint64_t nr);

#define TRACE_WRITER_PACK_LEVEL 3 /* zstd level by default: smaller files */
/* zstd level 1: on the collector's records 1.5-2x faster than 3 and no larger
 * (bench/consumer_bench); on gen's traces within 10% of 3's size */
#define TRACE_WRITER_PACK_LEVEL_FAST 1

/**
 * trace_writer__set_pack_level() - zstd level of the RECORDS_Z chunks written
 * from now on (v2 writers; default TRACE_WRITER_PACK_LEVEL). Readers need
 * no setting: any level decodes the same way.
 */
void trace_writer__set_pack_level(struct trace_writer *w, int level);

/**
 * trace_writer__set_time_column() - write RECORDS_Z chunks in the
 * time-column layout with a column of bytes (format.h,
 * TRACE_PACKED_F_TIME_COLUMN | TRACE_PACKED_F_TIME_BYTES) from now on, or
 * not. For streams of many small records with irregular time steps (the
 * collector's): zstd then finds the other words repeating, and codes each
 * time step as one byte.
 * Return: 0; -EINVAL for a v1 writer; -EBUSY once a record is pending.
 */
int trace_writer__set_time_column(struct trace_writer *w, bool on);

/** trace_writer__flush() - write the pending chunk now (e.g. periodically). */
int trace_writer__flush(struct trace_writer *w);

/** trace_writer__nr_records() - records appended so far. */
uint64_t trace_writer__nr_records(const struct trace_writer *w);

/** trace_writer__error() - first error the writer met, 0 if none. */
int trace_writer__error(const struct trace_writer *w);

/**
 * trace_writer__close() - flush, write the lost counters and the END chunk,
 * fsync and close. Frees @w. NULL is a no-op.
 *
 * Return: 0 or the first error met during the writer's life.
 */
int trace_writer__close(struct trace_writer *w);

/* ------------------------------------------------------------------ reader */

struct trace_reader;

/**
 * trace_reader__open() - open a trace file and check its header and meta chunk.
 * @path: file to read.
 * @err: set to 0 or a negative error code when NULL is returned.
 *
 * Return: reader, or NULL. On NULL, trace_open_errmsg() holds a message.
 */
struct trace_reader *trace_reader__open(const char *path, int *err);

/** trace_open_errmsg() - message for the last failed trace_reader__open() in this thread. */
const char *trace_open_errmsg(void);

/**
 * trace_reader__next() - the next record in file order.
 * @r: reader.
 * @rec: set to the record; valid until the next call. Unknown kinds
 *	(newer minor versions) are returned too: check hdr.kind.
 *
 * Return: 1 with a record, 0 at a clean end of file, or a negative error.
 * After an error, trace_reader__errmsg() says where; every record returned
 * before the error is from a verified chunk (the good prefix).
 */
int trace_reader__next(struct trace_reader *r, const struct trace_rec **rec);

/**
 * trace_reader__next_batch() - up to @max next records in file order, as
 * trace_reader__next() would return them one by one.
 * @r: reader.
 * @recs: receives the records; all valid until the next call on @r.
 * @max: room in @recs (> 0).
 *
 * A batch never spans two chunks, so its records stay where the chunk was
 * decoded; a raw-fields generic record (turned into text in one buffer)
 * ends a batch. A record that fails its checks ends the batch before it and
 * is reported by the next call, so the good prefix is returned first.
 *
 * Return: the number of records (> 0), 0 at a clean end, or a negative error.
 */
int trace_reader__next_batch(struct trace_reader *r, const struct trace_rec **recs, uint32_t max);

/** trace_reader__rewind() - start reading records again from the first chunk. */
int trace_reader__rewind(struct trace_reader *r);

/** trace_reader__string() - the string for id, NULL if 0 or unknown so far. */
const char *trace_reader__string(const struct trace_reader *r, uint32_t id);

/** trace_reader__event_name() - "system:name" of a record (its event_id or the kind's default). */
const char *trace_reader__event_name(const struct trace_reader *r, const struct trace_rec *rec);

/** trace_reader__generic_text() - text of a generic record. */
const char *trace_reader__generic_text(const struct trace_rec *rec);

/** trace_reader__meta_json() - the META chunk text (a JSON object). */
const char *trace_reader__meta_json(const struct trace_reader *r);

/** trace_reader__file_hdr() - the verified file header. */
const struct trace_file_hdr *trace_reader__file_hdr(const struct trace_reader *r);

/**
 * trace_reader__stored_hash() - the content hash the writer stored at a clean
 * close (format.h, TRACE_CHUNK_HASH), as 64 hex digits; NULL if the file has
 * none (v1, torn, or older v2). Known at open: the reader verifies it while
 * it reads, and trace_reader__next() fails with TRACE_E_HASH at the end of a
 * pass whose bytes do not give it.
 */
const char *trace_reader__stored_hash(const struct trace_reader *r);

/** trace_reader__clean_end() - true once the END chunk has been read. */
bool trace_reader__clean_end(const struct trace_reader *r);

/**
 * trace_reader__lost_foreach() - call @fn for each lost counter read so far
 * (summed per cpu and probe). Counters sit at the end of the file, so call
 * this after trace_reader__next() returned 0.
 */
void trace_reader__lost_foreach(const struct trace_reader *r,
				void (*fn)(uint32_t cpu, const char *probe, uint64_t nr, void *ctx),
				void *ctx);

/** trace_reader__nr_records() - records returned so far. */
uint64_t trace_reader__nr_records(const struct trace_reader *r);

/** trace_reader__offset() - file offset of the end of the last verified chunk. */
uint64_t trace_reader__offset(const struct trace_reader *r);

/** trace_reader__file_bytes() - size of the file when opened. */
uint64_t trace_reader__file_bytes(const struct trace_reader *r);

/** trace_reader__errmsg() - "FILE: byte OFF (record N): what" for the last error. */
const char *trace_reader__errmsg(const struct trace_reader *r);

/** trace_reader__close() - close and free. NULL is a no-op. */
void trace_reader__close(struct trace_reader *r);

/**
 * trace_convert() - rewrite trace @in as @out in format @version_major
 * (TRACE_VERSION_MAJOR or TRACE_VERSION_MAJOR_PACKED): same header clock
 * and flags, meta, string ids, records and lost counters.
 * @err: message on failure (names the file, and the offset for a damaged
 *	input: its good prefix is converted and closed cleanly).
 * @nr_records: records written.
 *
 * Return: 0, a TRACE_E_* code or a negative errno.
 */
int trace_convert(const char *in, const char *out, unsigned int version_major, char *err,
		  size_t err_bytes, uint64_t *nr_records);

#endif /* SVATRACE_TRACE_H */
