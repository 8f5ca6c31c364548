// SPDX-License-Identifier: GPL-2.0
/*
 * writer.c - the trace writer (see trace.h).
 *
 * Records accumulate in one chunk-sized buffer; strings interned since the
 * last flush accumulate in a second buffer and are written as a STRINGS
 * chunk just before the RECORDS chunk that may use them, so a reader always
 * knows a string before it meets its id. Lost counters added during the run
 * are written with the next flush, so a torn file keeps those seen so far.
 * The string index maps a 64-bit FNV-1a hash of the bytes to the id (probing
 * on to the next hash value on a collision) and keeps every string by id to
 * compare: names are bytes, not UTF-8 (a jansson object, used before, refused
 * non-UTF-8 task names and lost the whole capture: issue 19).
 * A v2 (packed) writer packs each record as it is appended (pack.c: while
 * the record is still in the cache; packing the whole buffer at flush read
 * it back from memory), compresses the chunk's packed form into a
 * RECORDS_Z chunk and remembers where it went, for the INDEX chunk it
 * writes before END. It keeps no v1 copy of the records: a record is
 * packed from the caller's bytes, or from a one-record stage
 * (trace_writer__reserve()), so the only memory a record touches is its
 * packed bytes (a collector's tracepoint record wrote its 88 bytes into
 * the 1 MiB records buffer, then packed them from there: issue 20).
 * A chunk that does not shrink is unpacked again (the reader's decoder)
 * into the records buffer and written as plain RECORDS.
 * It also hashes every byte it writes (format.h, TRACE_CHUNK_HASH) and
 * stores the content hash before END, so a reader has it without a second
 * read of the file.
 * A chunk that cannot be written whole (a full disk) is cut off again, and
 * close still writes END after the last whole chunk when it fits (without
 * a content hash: readers then hash the file's bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/u64map.h"
#include "trace/trace.h"
#include "trace/trace-local.h"

struct trace_writer {
	int fd;			 /* output file */
	int err;		 /* first error met, 0 if none */
	uint64_t seq;		 /* next chunk sequence number */
	uint64_t nr_records;	 /* records appended */
	uint8_t *rec_buf;	 /* v1: pending records; v2: unpacked chunk that did not shrink */
	uint32_t rec_bytes;	 /* v1 bytes of the pending records */
	uint32_t rec_count;	 /* pending records */
	uint64_t *stage;	 /* v2: the record being filled (trace_writer__reserve()) */
	uint8_t *str_buf;	 /* pending string entries */
	uint32_t str_bytes;	 /* bytes used in str_buf */
	uint32_t str_cap;	 /* bytes allocated for str_buf */
	uint32_t str_count;	 /* entries in str_buf */
	struct u64map str_index; /* string hash (probed) -> id */
	char **strs;		 /* interned strings by id (0 unused) */
	uint32_t strs_cap;	 /* entries allocated in strs */
	uint32_t next_str_id;	 /* next id to hand out */
	struct trace_lost *lost; /* pending lost entries */
	uint32_t nr_lost;	 /* entries in lost */
	uint32_t lost_cap;	 /* entries allocated */
	uint64_t off;		 /* bytes written so far */
	uint64_t first_ts_ns;	 /* time of the first pending record */
	bool packed;		 /* v2: RECORDS_Z chunks */
	struct trace_packer *pk; /* v2: the pending records, packed as they come */
	uint8_t *pout;		 /* v2: compressed chunk */
	size_t pcap;		 /* v2: bytes of pout */
	struct trace_index_ent *idx;   /* v2: one entry per records chunk */
	uint32_t nr_idx, idx_cap;      /* v2: entries used, allocated */
	struct trace_file_hdr fh;      /* as written at offset 0 (rewritten at close) */
	uint64_t last_ts_ns;	       /* time of the last record appended */
	bool unordered;		       /* a record came earlier than the one before */
	uint32_t cpus_seen;	       /* highest record cpu + 1 (0xffff: unknown, not counted) */
	uint32_t kinds_seen;	       /* bit per record kind appended */
	crypto_generichash_state hash; /* v2: content hash of the bytes written so far */
};

static int write_all(struct trace_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int set_err(struct trace_writer *w, int err)
{
	if (err && !w->err)
		w->err = err;
	return err;
}

static int write_chunk(struct trace_writer *w, uint32_t type, const void *payload, uint32_t bytes,
		       uint32_t nr_items)
{
	struct trace_chunk_hdr ch = {
	    .magic = TRACE_CHUNK_MAGIC,
	    .type = type,
	    .payload_bytes = bytes,
	    .nr_items = nr_items,
	    .seq = w->seq,
	    .payload_crc = trace_crc32(payload, bytes),
	};
	int err;

	ch.hdr_crc = trace_crc32(&ch, offsetof(struct trace_chunk_hdr, hdr_crc));
	err = write_all(w, &ch, sizeof(ch));
	if (!err && bytes)
		err = write_all(w, payload, bytes);
	if (!err) {
		w->seq++;
		w->off += sizeof(ch) + bytes;
		if (w->packed) {
			crypto_generichash_update(&w->hash, (const void *)&ch, sizeof(ch));
			if (bytes)
				crypto_generichash_update(&w->hash, payload, bytes);
		}
	} else if (ftruncate(w->fd, (off_t)w->off) == 0) {
		/* a full disk (issue 19): drop the torn chunk, the file stays a good prefix */
		lseek(w->fd, (off_t)w->off, SEEK_SET);
	}
	return set_err(w, err);
}

/* Reproducible output: generators and SOURCE_DATE_EPOCH get a fixed time. */
static uint64_t creation_time_ns(enum trace_clock clock)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct timespec ts;

	if (clock == TRACE_CLOCK_SYNTHETIC)
		return 0;
	if (sde && *sde)
		return strtoull(sde, NULL, 10) * 1000000000ULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct trace_writer *trace_writer__open(const char *path, enum trace_clock clock, uint32_t flags,
					const char *meta_json)
{
	/* the compact format by default (issue 16): 4.5 instead of 56 bytes per access */
	return trace_writer__open_fmt(path, clock, flags, meta_json, TRACE_VERSION_MAJOR_PACKED);
}

struct trace_writer *trace_writer__open_fmt(const char *path, enum trace_clock clock,
					    uint32_t flags, const char *meta_json,
					    unsigned int version_major)
{
	struct trace_file_hdr fh = {0};
	struct trace_writer *w;
	json_error_t jerr;
	json_t *meta;
	uint8_t *mbuf;
	uint32_t mlen, mpad;
	int err;

	if (!path || !meta_json || clock >= TRACE_CLOCK_MAX_ ||
	    (version_major != TRACE_VERSION_MAJOR && version_major != TRACE_VERSION_MAJOR_PACKED)) {
		errno = EINVAL;
		return NULL;
	}
	/* The meta chunk must be one JSON object; refuse anything else early. */
	meta = json_loads(meta_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!meta || !json_is_object(meta)) {
		json_decref(meta);
		errno = EINVAL;
		return NULL;
	}
	json_decref(meta);
	mlen = (uint32_t)strlen(meta_json);
	mpad = trace_pad8(mlen + 1);
	if (mpad > TRACE_CHUNK_MAX_BYTES) {
		errno = E2BIG;
		return NULL;
	}
	if (sodium_init() < 0) {
		errno = ENOMEM;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->fd = -1;
	w->next_str_id = 1;
	w->rec_buf = malloc(TRACE_CHUNK_MAX_BYTES);
	mbuf = calloc(1, mpad);
	if (version_major == TRACE_VERSION_MAJOR_PACKED) {
		w->packed = true;
		w->pcap = trace_pack_bound(TRACE_CHUNK_MAX_BYTES);
		w->pk = trace_packer__new(TRACE_CHUNK_MAX_BYTES, TRACE_WRITER_PACK_LEVEL);
		w->pout = malloc(w->pcap);
		w->stage = malloc(TRACE_WRITER_STAGE_BYTES);
	}
	if (!w->rec_buf || u64map_init(&w->str_index) || !mbuf ||
	    (w->packed && (!w->pk || !w->pout || !w->stage))) {
		err = -ENOMEM;
		goto fail;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		err = -errno;
		goto fail;
	}
	memcpy(fh.magic, TRACE_MAGIC, 8);
	fh.version_major = (uint16_t)version_major;
	fh.version_minor = TRACE_VERSION_MINOR;
	fh.endian_mark = TRACE_ENDIAN_MARK;
	fh.hdr_bytes = sizeof(fh);
	fh.flags = flags;
	fh.created_unix_ns = creation_time_ns(clock);
	fh.clock = clock;
	fh.flags &= ~TRACE_F_FINDINGS; /* the writer's findings, at close */
	fh.hdr_crc = trace_crc32(&fh, offsetof(struct trace_file_hdr, hdr_crc));
	w->fh = fh;
	if (w->packed) {
		crypto_generichash_init(&w->hash, NULL, 0, TRACE_HASH_BYTES);
		crypto_generichash_update(&w->hash, (const void *)&fh, sizeof(fh));
	}
	err = write_all(w, &fh, sizeof(fh));
	if (err)
		goto fail;
	w->off = sizeof(fh);
	memcpy(mbuf, meta_json, mlen);
	err = write_chunk(w, TRACE_CHUNK_META, mbuf, mpad, 1);
	if (err)
		goto fail;
	free(mbuf);
	return w;
fail:
	free(mbuf);
	if (w->fd >= 0)
		close(w->fd);
	u64map_fini(&w->str_index);
	free(w->rec_buf);
	free(w->stage);
	trace_packer__free(w->pk);
	free(w->pout);
	free(w);
	errno = -err;
	return NULL;
}

static uint64_t str_hash(const char *s, uint32_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ULL;
	return h;
}

/* The id of @s (its first @len bytes), 0 if new; *slot: where a new one goes. */
static uint32_t str_find(const struct trace_writer *w, const char *s, uint32_t len, uint64_t *slot)
{
	uint64_t h = str_hash(s, len), id;

	for (;; h++) {
		if (h == U64MAP_EMPTY)
			continue;
		if (!u64map_get(&w->str_index, h, &id)) {
			*slot = h;
			return 0;
		}
		if (!strncmp(w->strs[id], s, len) && !w->strs[id][len])
			return (uint32_t)id;
	}
}

uint32_t trace_writer__intern(struct trace_writer *w, const char *s)
{
	uint32_t len, need, id;
	struct trace_string e;
	uint64_t slot = 0;

	if (!s || !*s)
		return 0;
	len = (uint32_t)strnlen(s, TRACE_GENERIC_MAX_TEXT);
	id = str_find(w, s, len, &slot);
	if (id)
		return id;
	need = (uint32_t)sizeof(e) + trace_pad8(len + 1);
	if (w->str_bytes + need > TRACE_CHUNK_MAX_BYTES && trace_writer__flush(w))
		return 0;
	if (w->str_bytes + need > w->str_cap) {
		uint32_t cap = w->str_cap ? w->str_cap * 2 : 4096;
		uint8_t *nb;

		while (cap < w->str_bytes + need)
			cap *= 2;
		nb = realloc(w->str_buf, cap);
		if (!nb) {
			set_err(w, -ENOMEM);
			return 0;
		}
		w->str_buf = nb;
		w->str_cap = cap;
	}
	id = w->next_str_id;
	if (id >= w->strs_cap) {
		uint32_t cap = w->strs_cap ? w->strs_cap * 2 : 64;
		char **ns = realloc(w->strs, cap * sizeof(*ns));

		if (!ns) {
			set_err(w, -ENOMEM);
			return 0;
		}
		w->strs = ns;
		w->strs_cap = cap;
	}
	w->strs[id] = strndup(s, len);
	if (!w->strs[id] || u64map_put(&w->str_index, slot, id)) {
		free(w->strs[id]);
		set_err(w, -ENOMEM);
		return 0;
	}
	w->next_str_id++;
	e.id = id;
	e.len_bytes = len;
	memcpy(w->str_buf + w->str_bytes, &e, sizeof(e));
	memset(w->str_buf + w->str_bytes + sizeof(e), 0, need - sizeof(e));
	memcpy(w->str_buf + w->str_bytes + sizeof(e), s, len);
	w->str_bytes += need;
	w->str_count++;
	return id;
}

/*
 * v2, a chunk that does not shrink: its records again, unpacked from the
 * frame just made by the reader's own decoder, into rec_buf. Rare (records
 * of random words): a scratch buffer for the unpacking is allocated here.
 */
static int unpack_fallback(struct trace_writer *w, const uint8_t *frame, size_t frame_bytes,
			   uint8_t layout)
{
	size_t cap = trace_pack_bound(TRACE_CHUNK_MAX_BYTES) + 2 * TRACE_UNPACK_PAD;
	uint8_t *tmp = malloc(cap);
	struct trace_unpack_state *u = malloc(sizeof(*u));
	uint32_t got = 0;
	int err = -ENOMEM;

	if (tmp && u) {
		bool tcol = layout != TRACE_TIME_INLINE;

		err = tcol ? trace_unpack_begin_tcol(u, frame, frame_bytes,
						     layout == TRACE_TIME_BYTES, tmp, cap)
			   : trace_unpack_begin(u, frame, frame_bytes, tmp, cap);
		if (!err)
			err = tcol ? trace_unpack_next_tcol(u, w->rec_buf, TRACE_CHUNK_MAX_BYTES,
							    w->rec_bytes, &got)
				   : trace_unpack_next(u, w->rec_buf, TRACE_CHUNK_MAX_BYTES,
						       w->rec_bytes, &got);
		if (err || got != w->rec_bytes || !trace_unpack_done(u))
			err = -EIO; /* the packer and the decoder disagree: a bug */
	}
	free(u);
	free(tmp);
	return err;
}

/* v2: the pending records as a RECORDS_Z chunk (plain RECORDS if it does not shrink). */
static int write_packed(struct trace_writer *w)
{
	struct trace_packed_hdr ph = {.raw_bytes = w->rec_bytes};
	struct trace_index_ent *e;
	uint8_t layout = w->pk->time_layout;
	size_t frame;
	uint32_t bytes;
	int err;

	if (w->nr_idx == w->idx_cap) {
		uint32_t cap = w->idx_cap ? 2 * w->idx_cap : 64;
		void *p = realloc(w->idx, cap * sizeof(*w->idx));

		if (!p) {
			trace_packer__reset(
			    w->pk); /* the buffer is dropped: so is its packed form */
			return set_err(w, -ENOMEM);
		}
		w->idx = p;
		w->idx_cap = cap;
	}
	e = &w->idx[w->nr_idx++];
	*e = (struct trace_index_ent){.chunk_off = w->off,
				      .first_ts_ns = w->first_ts_ns,
				      .last_ts_ns = w->last_ts_ns,
				      .nr_records = w->rec_count,
				      .raw_bytes = w->rec_bytes};
	/*
	 * pout holds the frame of any chunk the writer packs: its records are
	 * at least 32 bytes, at most 43 packed bytes each (a 3-byte kind, four
	 * 10-byte varints), under the 11 per word trace_pack_bound() allows.
	 */
	if (trace_packer__finish(w->pk, w->pout + sizeof(ph), w->pcap - sizeof(ph) - 8, &frame))
		return set_err(w, -EIO);
	if (trace_pad8((uint32_t)(sizeof(ph) + frame)) >= w->rec_bytes) {
		err = unpack_fallback(w, w->pout + sizeof(ph), frame, layout);
		if (err)
			return set_err(w, err);
		return write_chunk(w, TRACE_CHUNK_RECORDS, w->rec_buf, w->rec_bytes, w->rec_count);
	}
	ph.frame_bytes = (uint32_t)frame;
	if (layout != TRACE_TIME_INLINE)
		ph.raw_bytes |= TRACE_PACKED_F_TIME_COLUMN;
	if (layout == TRACE_TIME_BYTES)
		ph.raw_bytes |= TRACE_PACKED_F_TIME_BYTES;
	memcpy(w->pout, &ph, sizeof(ph));
	bytes = trace_pad8((uint32_t)(sizeof(ph) + frame));
	memset(w->pout + sizeof(ph) + frame, 0, bytes - sizeof(ph) - frame);
	return write_chunk(w, TRACE_CHUNK_RECORDS_Z, w->pout, bytes, w->rec_count);
}

void trace_writer__set_pack_level(struct trace_writer *w, int level)
{
	if (w->pk)
		w->pk->level = level;
}

int trace_writer__set_time_layout(struct trace_writer *w, unsigned int layout)
{
	if (!w->pk || layout > TRACE_TIME_BYTES)
		return -EINVAL;
	if (w->pk->p != w->pk->buf) /* the pending chunk is packed the other way */
		return -EBUSY;
	w->pk->time_layout = (uint8_t)layout;
	return 0;
}

int trace_writer__set_time_column(struct trace_writer *w, bool on)
{
	return trace_writer__set_time_layout(w, on ? TRACE_TIME_BYTES : TRACE_TIME_INLINE);
}

int trace_writer__flush(struct trace_writer *w)
{
	int err = 0;

	if (w->str_count) {
		err = write_chunk(w, TRACE_CHUNK_STRINGS, w->str_buf, w->str_bytes, w->str_count);
		w->str_bytes = w->str_count = 0;
	}
	if (!err && w->rec_count) {
		err = w->packed ? write_packed(w)
				: write_chunk(w, TRACE_CHUNK_RECORDS, w->rec_buf, w->rec_bytes,
					      w->rec_count);
		w->rec_bytes = w->rec_count = 0;
	}
	if (!err && w->nr_lost) {
		err = write_chunk(w, TRACE_CHUNK_LOST, w->lost,
				  w->nr_lost * (uint32_t)sizeof(*w->lost), w->nr_lost);
		w->nr_lost = 0;
	}
	return err;
}

static int check_record(const struct trace_rec *rec)
{
	if (rec->size_bytes < sizeof(*rec) || rec->size_bytes % TRACE_REC_ALIGN)
		return -EINVAL;
	if (rec->kind == TRACE_REC_INVALID || rec->kind >= TRACE_REC_KIND_MAX_)
		return -EINVAL;
	if (rec->kind == TRACE_REC_GENERIC) {
		const struct trace_rec_generic *g = (const void *)rec;

		if (rec->size_bytes < sizeof(*g) ||
		    sizeof(*g) + g->text_bytes + 1 > rec->size_bytes)
			return -EINVAL;
		return 0;
	}
	return rec->size_bytes == trace_rec_fixed_size[rec->kind] ? 0 : -EINVAL;
}

/*
 * Room for a record of @size bytes: v1, at the end of the records buffer;
 * v2, the stage (the record is packed at rec_commit()). Flushes the pending
 * chunk when the record would take it past TRACE_CHUNK_MAX_BYTES. NULL on
 * error.
 */
static uint8_t *rec_reserve(struct trace_writer *w, uint32_t size)
{
	if (w->err)
		return NULL;
	if (w->rec_bytes + size > TRACE_CHUNK_MAX_BYTES && trace_writer__flush(w))
		return NULL;
	return w->packed ? (uint8_t *)w->stage : w->rec_buf + w->rec_bytes;
}

/* The record just filled in at rec_reserve() (v1), or any whole checked record (v2), joins the
 * chunk. */
static void rec_commit(struct trace_writer *w, const struct trace_rec *rec)
{
	if (rec->ts_ns < w->last_ts_ns)
		w->unordered = true;
	if (rec->cpu != UINT16_MAX && (uint32_t)rec->cpu + 1 > w->cpus_seen)
		w->cpus_seen = (uint32_t)rec->cpu + 1;
	w->kinds_seen |= 1u << (rec->kind < 31 ? rec->kind : 31);
	if (!w->rec_count)
		w->first_ts_ns = rec->ts_ns;
	w->last_ts_ns = rec->ts_ns;
	w->rec_bytes += rec->size_bytes;
	w->rec_count++;
	w->nr_records++;
	if (w->packed)
		trace_packer__add(w->pk, rec);
}

int trace_writer__append(struct trace_writer *w, const struct trace_rec *rec)
{
	int err = check_record(rec);
	uint8_t *p;

	if (err)
		return err;
	p = rec_reserve(w, rec->size_bytes);
	if (!p)
		return w->err;
	if (w->packed) { /* packed from the caller's bytes: no copy */
		rec_commit(w, rec);
		return 0;
	}
	memcpy(p, rec, rec->size_bytes);
	rec_commit(w, (const void *)p);
	return 0;
}

int trace_writer__append_generic(struct trace_writer *w, const struct trace_rec *hdr,
				 const char *text)
{
	uint8_t buf[sizeof(struct trace_rec_generic) + TRACE_GENERIC_MAX_TEXT + 8];
	struct trace_rec_generic *g = (void *)buf;
	uint32_t len = text ? (uint32_t)strnlen(text, TRACE_GENERIC_MAX_TEXT) : 0;
	uint32_t size = trace_pad8((uint32_t)sizeof(*g) + len + 1);

	memset(buf, 0, size);
	g->hdr = *hdr;
	g->hdr.kind = TRACE_REC_GENERIC;
	g->hdr.size_bytes = (uint16_t)size;
	g->text_bytes = len;
	if (len)
		memcpy(buf + sizeof(*g), text, len);
	return trace_writer__append(w, &g->hdr);
}

int trace_writer__append_raw(struct trace_writer *w, const struct trace_rec *hdr,
			     uint32_t layout_id, const void *payload, uint32_t payload_bytes)
{
	uint32_t size = trace_pad8((uint32_t)sizeof(struct trace_rec_generic) + payload_bytes + 1);
	struct trace_rec_generic *g;
	uint8_t *p;

	if (payload_bytes > TRACE_GENERIC_MAX_TEXT || !layout_id)
		return -EINVAL;
	_Static_assert(TRACE_WRITER_STAGE_BYTES >=
			   sizeof(struct trace_rec_generic) + TRACE_GENERIC_MAX_TEXT + 8,
		       "the stage holds any record append_raw() builds");
	p = rec_reserve(w, size);
	if (!p)
		return w->err;
	g = (void *)p;
	g->hdr = *hdr;
	g->hdr.kind = TRACE_REC_GENERIC;
	g->hdr.size_bytes = (uint16_t)size;
	g->hdr.flags |= TRACE_RF_RAW_FIELDS;
	g->text_bytes = payload_bytes;
	g->layout_id = layout_id;
	memcpy(p + sizeof(*g), payload, payload_bytes);
	/* the NUL and the padding: the packer and the CRC see defined bytes */
	memset(p + sizeof(*g) + payload_bytes, 0, size - sizeof(*g) - payload_bytes);
	rec_commit(w, &g->hdr);
	return 0;
}

void *trace_writer__reserve(struct trace_writer *w, uint32_t size_bytes)
{
	if (size_bytes > TRACE_WRITER_STAGE_BYTES) {
		set_err(w, -E2BIG);
		return NULL;
	}
	return rec_reserve(w, size_bytes);
}

void trace_writer__commit(struct trace_writer *w)
{
	rec_commit(w, w->packed ? (const struct trace_rec *)w->stage
				: (const struct trace_rec *)(w->rec_buf + w->rec_bytes));
}

int trace_writer__add_lost(struct trace_writer *w, uint32_t cpu, const char *probe, uint64_t nr)
{
	uint32_t id;

	if (!nr)
		return 0;
	id = trace_writer__intern(w, probe);
	if (w->err)
		return w->err;
	if (w->nr_lost == w->lost_cap) {
		uint32_t cap = w->lost_cap ? w->lost_cap * 2 : 64;
		struct trace_lost *nl;

		if (cap * sizeof(*nl) > TRACE_CHUNK_MAX_BYTES) {
			int err = trace_writer__flush(w);

			if (err)
				return err;
			cap = w->lost_cap;
		}
		if (cap != w->lost_cap) {
			nl = realloc(w->lost, cap * sizeof(*nl));
			if (!nl)
				return set_err(w, -ENOMEM);
			w->lost = nl;
			w->lost_cap = cap;
		}
	}
	w->lost[w->nr_lost++] = (struct trace_lost){.cpu = cpu, .probe_id = id, .nr_lost = nr};
	return 0;
}

uint64_t trace_writer__nr_records(const struct trace_writer *w)
{
	return w->nr_records;
}

int trace_writer__error(const struct trace_writer *w)
{
	return w->err;
}

/*
 * A complete file says in its header, rewritten in place after END, what
 * the writer found while appending: the highest CPU, and whether the records
 * are in time order (a reader may then skip reordering). On a stream that
 * cannot seek (a pipe) the header stays as first written.
 */
static void mark_findings(struct trace_writer *w)
{
	struct trace_file_hdr fh = w->fh;

	fh.flags |=
	    TRACE_F_CPUS_SEEN | TRACE_F_KINDS_SEEN | (w->unordered ? 0 : TRACE_F_TIME_ORDERED);
	fh.cpus_seen = w->cpus_seen;
	fh.kinds_seen = w->kinds_seen;
	fh.hdr_crc = trace_crc32(&fh, offsetof(struct trace_file_hdr, hdr_crc));
	for (size_t done = 0; done < sizeof(fh);) {
		ssize_t n =
		    pwrite(w->fd, (const uint8_t *)&fh + done, sizeof(fh) - done, (off_t)done);

		if (n > 0)
			done += (size_t)n;
		else if (n == 0 || errno != EINTR)
			return; /* ESPIPE (a pipe) before any byte: the old header stays */
	}
}

int trace_writer__close(struct trace_writer *w)
{
	int err;

	if (!w)
		return 0;
	trace_writer__flush(w);
	/* v2: the index, in chunks of at most TRACE_CHUNK_MAX_BYTES */
	for (uint32_t i = 0, per = TRACE_CHUNK_MAX_BYTES / sizeof(*w->idx);
	     !w->err && i < w->nr_idx; i += per) {
		uint32_t n = w->nr_idx - i < per ? w->nr_idx - i : per;

		write_chunk(w, TRACE_CHUNK_INDEX, w->idx + i, n * (uint32_t)sizeof(*w->idx), n);
	}
	if (!w->err && w->packed) {
		uint8_t h[TRACE_HASH_BYTES];

		crypto_generichash_final(&w->hash, h, sizeof(h));
		write_chunk(w, TRACE_CHUNK_HASH, h, sizeof(h), 1);
	}
	if (!w->err)
		write_chunk(w, TRACE_CHUNK_END, NULL, 0, 0);
	/*
	 * Out of space (issue 19): the records that did not fit are lost (the
	 * error is returned), but the chunks before them end with END if its
	 * 32 bytes fit where the torn chunk was: a complete, shorter trace.
	 */
	if (!w->err || ((w->err == -ENOSPC || w->err == -EFBIG || w->err == -EDQUOT) &&
			write_chunk(w, TRACE_CHUNK_END, NULL, 0, 0) == 0))
		mark_findings(w);
	if (!w->err && fsync(w->fd) && errno != EINVAL && errno != EROFS)
		set_err(w, -errno);
	if (close(w->fd) && !w->err)
		set_err(w, -errno);
	err = w->err;
	u64map_fini(&w->str_index);
	for (uint32_t i = 1; i < w->next_str_id; i++)
		free(w->strs[i]);
	free(w->strs);
	free(w->rec_buf);
	free(w->stage);
	free(w->str_buf);
	free(w->lost);
	trace_packer__free(w->pk);
	free(w->pout);
	free(w->idx);
	free(w);
	return err;
}
