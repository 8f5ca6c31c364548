// SPDX-License-Identifier: GPL-2.0
/*
 * reader.c - the streaming trace reader (see trace.h).
 *
 * The reader holds one chunk payload at a time (at most TRACE_CHUNK_MAX_BYTES)
 * and reads it with one large read, so memory does not grow with the file.
 * Every chunk is verified (header CRC, size, payload CRC) before any of its
 * records is returned, so every record handed out comes from the good prefix.
 * A v2 chunk is decompressed whole when loaded, and its packed records are
 * decoded 64 KiB of records at a time as they are read (unpack_slice()), so
 * packed data that a verified chunk holds but that does not decode (a
 * writer bug or a forged checksum) fails at the record where it stops
 * decoding, after the records of the chunk before it.
 * Records are checked once more when handed out: size field against the
 * chunk and the kind's fixed size. Strings are kept (id -> text) because
 * records refer to them by id; that table grows with the number of distinct
 * names (devices, events, tasks), not with the file. The table is indexed by
 * id, so an id is refused beyond the number of string entries read so far
 * (the writer numbers them 1, 2, 3... as it interns them): one hostile entry
 * with id 2^24 made `info` allocate 128 MiB of empty slots (issue 19).
 * A v2 file closed cleanly ends with its content hash (format.h): the
 * reader finds it at open and hashes each chunk it loads, so the first pass
 * from the start to END verifies it at no extra read; later passes do not
 * hash again.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/trace.h"
#include "trace/trace-local.h"

struct lost_sum {
	uint32_t cpu;	   /* CPU or TRACE_CPU_ANY */
	uint32_t probe_id; /* string id */
	uint64_t nr;	   /* summed count */
};

struct trace_reader {
	int fd;			       /* input file */
	char *path;		       /* for messages */
	uint64_t file_bytes;	       /* size at open */
	struct trace_file_hdr fh;      /* verified header */
	char *meta;		       /* meta JSON text */
	uint64_t first_chunk_off;      /* offset of the chunk after META */
	uint64_t off;		       /* offset of the next chunk header */
	uint64_t chunk_off;	       /* offset of the current chunk header */
	uint64_t next_seq;	       /* expected seq of the next chunk */
	uint8_t *buf;		       /* current chunk payload (a RECORDS_Z's: its records) */
	uint8_t *zbuf;		       /* v2: the other payload buffer (swapped with buf) */
	uint8_t *ztmp;		       /* v2: the decompressed packed records */
	size_t ztmp_cap;	       /* v2: bytes of ztmp */
	uint32_t buf_bytes;	       /* payload length */
	struct trace_unpack_state unp; /* v2: the RECORDS_Z chunk being decoded */
	bool unp_tcol;		       /* ... in the time-column layout */
	bool unpacking;		       /* v2: unp has records left for buf */
	uint32_t raw_bytes;	       /* v2: the chunk's record bytes (its packed header) */
	uint32_t raw_done;	       /* v2: of which decoded so far (buf's end) */
	uint32_t slice_off;	       /* v2: bytes of the chunk's records before buf's */
	uint32_t pos;		       /* next record offset in buf */
	bool in_records;	       /* buf holds a RECORDS payload */
	bool clean_end;		       /* END chunk read */
	int err;		       /* sticky error */
	uint64_t nr_records;	       /* records returned */
	char **strings;		       /* id -> text; [0] unused */
	uint32_t nr_strings;	       /* entries allocated in strings */
	uint64_t nr_string_ents;       /* string entries read so far (bounds their ids) */
	struct lost_sum *lost;	       /* summed lost counters */
	uint32_t nr_lost;	       /* entries used */
	uint32_t lost_cap;	       /* entries allocated */
	char errmsg[512];	       /* last error, with location */
	bool hashing;	    /* this pass hashes what it loads (stored hash not yet verified) */
	bool hash_verified; /* a pass reached the HASH chunk and matched */
	char stored_hex[2 * TRACE_HASH_BYTES + 1]; /* the stored content hash, "" if none */
	uint8_t stored[TRACE_HASH_BYTES];	   /* ... in binary */
	crypto_generichash_state hash;		   /* this pass's hash so far */
	crypto_generichash_state hash_meta;	   /* ... after the meta chunk (rewind) */
	uint8_t *text_rec; /* a raw-fields record turned into text (rawfmt.c) */
};

static __thread char open_errmsg[512];

const char *trace_open_errmsg(void)
{
	return open_errmsg;
}

/* Record an error with its location; returns @err. */
static int fail(struct trace_reader *r, int err, uint64_t off, const char *detail)
{
	r->err = err;
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: byte %llu (chunk %llu, record %llu): %s%s%s",
		 r->path, (unsigned long long)off, (unsigned long long)r->next_seq,
		 (unsigned long long)r->nr_records, trace_strerror(err), detail ? ": " : "",
		 detail ? detail : "");
	return err;
}

/* Read exactly @len bytes at @off; TRACE_E_TRUNCATED if the file ends first. */
static int read_at(struct trace_reader *r, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(r->fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return TRACE_E_TRUNCATED;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int add_string(struct trace_reader *r, uint32_t id, const char *s, uint32_t len)
{
	char *copy;

	/* the n-th entry of the file has an id of at most n (see the top of the file) */
	if (id == 0 || id > (1u << 24) || id > r->nr_string_ents)
		return TRACE_E_STRING;
	if (id >= r->nr_strings) {
		uint32_t n = r->nr_strings ? r->nr_strings : 64;
		char **ns;

		while (n <= id)
			n *= 2;
		ns = realloc(r->strings, n * sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		memset(ns + r->nr_strings, 0, (n - r->nr_strings) * sizeof(*ns));
		r->strings = ns;
		r->nr_strings = n;
	}
	copy = strndup(s, len);
	if (!copy)
		return -ENOMEM;
	free(r->strings[id]);
	r->strings[id] = copy;
	return 0;
}

static int parse_strings(struct trace_reader *r, uint32_t nr, char *detail, size_t detail_bytes)
{
	uint32_t pos = 0;

	for (uint32_t i = 0; i < nr; i++) {
		struct trace_string e;
		uint32_t need;
		int err;

		if (r->buf_bytes - pos < sizeof(e))
			return TRACE_E_STRING;
		memcpy(&e, r->buf + pos, sizeof(e));
		if (e.len_bytes > TRACE_GENERIC_MAX_TEXT)
			return TRACE_E_STRING;
		need = (uint32_t)sizeof(e) + trace_pad8(e.len_bytes + 1);
		if (need > r->buf_bytes - pos || r->buf[pos + sizeof(e) + e.len_bytes] != '\0')
			return TRACE_E_STRING;
		r->nr_string_ents++;
		err = add_string(r, e.id, (const char *)r->buf + pos + sizeof(e), e.len_bytes);
		if (err == TRACE_E_STRING)
			snprintf(
			    detail, detail_bytes,
			    "string %u of the chunk has id %u, beyond the %llu strings read so far",
			    i, e.id, (unsigned long long)r->nr_string_ents);
		if (err)
			return err;
		pos += need;
	}
	return pos == r->buf_bytes ? 0 : TRACE_E_STRING;
}

static int parse_lost(struct trace_reader *r, uint32_t nr)
{
	if ((uint64_t)nr * sizeof(struct trace_lost) != r->buf_bytes)
		return TRACE_E_CHUNK_SIZE;
	for (uint32_t i = 0; i < nr; i++) {
		struct trace_lost e;
		uint32_t j;

		memcpy(&e, r->buf + i * sizeof(e), sizeof(e));
		for (j = 0; j < r->nr_lost; j++)
			if (r->lost[j].cpu == e.cpu && r->lost[j].probe_id == e.probe_id)
				break;
		if (j == r->nr_lost) {
			if (r->nr_lost == r->lost_cap) {
				uint32_t cap = r->lost_cap ? r->lost_cap * 2 : 16;
				struct lost_sum *nl = realloc(r->lost, cap * sizeof(*nl));

				if (!nl)
					return -ENOMEM;
				r->lost = nl;
				r->lost_cap = cap;
			}
			r->lost[r->nr_lost++] = (struct lost_sum){e.cpu, e.probe_id, 0};
		}
		/* saturate: two hostile counts of 2^63 summed to 0 lost */
		r->lost[j].nr =
		    r->lost[j].nr + e.nr_lost < e.nr_lost ? UINT64_MAX : r->lost[j].nr + e.nr_lost;
	}
	return 0;
}

/* Read and verify the chunk at r->off into r->buf. Returns its type or an error. */
static int load_chunk(struct trace_reader *r, struct trace_chunk_hdr *ch)
{
	char detail[96];
	int err;

	r->chunk_off = r->off;
	err = read_at(r, r->off, ch, sizeof(*ch));
	if (err)
		return fail(r, err, r->off, "in a chunk header");
	if (ch->magic != TRACE_CHUNK_MAGIC)
		return fail(r, TRACE_E_CHUNK_MAGIC, r->off, NULL);
	if (trace_crc32(ch, offsetof(struct trace_chunk_hdr, hdr_crc)) != ch->hdr_crc)
		return fail(r, TRACE_E_CHUNK_CRC, r->off, "in the chunk header");
	if (ch->payload_bytes > TRACE_CHUNK_MAX_BYTES || ch->payload_bytes % 8) {
		snprintf(detail, sizeof(detail), "%u bytes", ch->payload_bytes);
		return fail(r, TRACE_E_CHUNK_SIZE, r->off, detail);
	}
	if (ch->seq != r->next_seq) {
		snprintf(detail, sizeof(detail), "sequence %llu where %llu was expected",
			 (unsigned long long)ch->seq, (unsigned long long)r->next_seq);
		return fail(r, TRACE_E_CHUNK_MAGIC, r->off, detail);
	}
	if (r->off + sizeof(*ch) + ch->payload_bytes > r->file_bytes)
		return fail(r, TRACE_E_TRUNCATED, r->off, "the chunk's payload is cut short");
	err = read_at(r, r->off + sizeof(*ch), r->buf, ch->payload_bytes);
	if (err)
		return fail(r, err, r->off + sizeof(*ch), NULL);
	if (trace_crc32(r->buf, ch->payload_bytes) != ch->payload_crc)
		return fail(r, TRACE_E_CHUNK_CRC, r->off, "in the payload");
	if (r->hashing && ch->type == TRACE_CHUNK_HASH) {
		crypto_generichash_state st = r->hash;
		uint8_t h[TRACE_HASH_BYTES];

		crypto_generichash_final(&st, h, sizeof(h));
		if (ch->payload_bytes != sizeof(h) || memcmp(h, r->buf, sizeof(h)))
			return fail(r, TRACE_E_HASH, r->off, r->stored_hex);
		r->hash_verified = true;
		r->hashing = false;
	} else if (r->hashing) {
		crypto_generichash_update(&r->hash, (const void *)ch, sizeof(*ch));
		crypto_generichash_update(&r->hash, r->buf, ch->payload_bytes);
	}
	r->buf_bytes = ch->payload_bytes;
	r->pos = 0;
	r->off += sizeof(*ch) + ch->payload_bytes;
	r->next_seq++;
	return (int)ch->type;
}

/* A chunk header at @off that verifies and has @type and @payload_bytes. */
static bool tail_chunk_ok(struct trace_reader *r, uint64_t off, uint32_t type,
			  uint32_t payload_bytes, struct trace_chunk_hdr *ch)
{
	return !read_at(r, off, ch, sizeof(*ch)) && ch->magic == TRACE_CHUNK_MAGIC &&
	       trace_crc32(ch, offsetof(struct trace_chunk_hdr, hdr_crc)) == ch->hdr_crc &&
	       ch->type == type && ch->payload_bytes == payload_bytes;
}

/*
 * The stored content hash of a cleanly closed v2 file: its last chunks are
 * HASH (32 bytes) and END. Found here, at open, so a replay can name its
 * input before the first record; verified as the file is read.
 */
static void find_stored_hash(struct trace_reader *r)
{
	uint64_t end_off = r->file_bytes - sizeof(struct trace_chunk_hdr);
	uint64_t hash_off = end_off - sizeof(struct trace_chunk_hdr) - TRACE_HASH_BYTES;
	struct trace_chunk_hdr eh, hh;
	struct trace_file_hdr h = trace_hash_hdr(&r->fh);

	if (r->fh.version_major != TRACE_VERSION_MAJOR_PACKED ||
	    r->file_bytes < r->fh.hdr_bytes + 3 * sizeof(eh) + TRACE_HASH_BYTES)
		return;
	if (!tail_chunk_ok(r, end_off, TRACE_CHUNK_END, 0, &eh) ||
	    !tail_chunk_ok(r, hash_off, TRACE_CHUNK_HASH, TRACE_HASH_BYTES, &hh) ||
	    hh.seq + 1 != eh.seq ||
	    read_at(r, hash_off + sizeof(hh), r->stored, TRACE_HASH_BYTES) ||
	    trace_crc32(r->stored, TRACE_HASH_BYTES) != hh.payload_crc)
		return;
	sodium_bin2hex(r->stored_hex, sizeof(r->stored_hex), r->stored, TRACE_HASH_BYTES);
	crypto_generichash_init(&r->hash, NULL, 0, TRACE_HASH_BYTES);
	crypto_generichash_update(&r->hash, (const void *)&h, sizeof(h));
	r->hashing = true;
}

static int open_fail(struct trace_reader *r, int err, uint64_t off, const char *detail)
{
	if (r->errmsg[0])
		snprintf(open_errmsg, sizeof(open_errmsg), "%s", r->errmsg);
	else
		snprintf(open_errmsg, sizeof(open_errmsg), "%s: byte %llu: %s%s%s", r->path,
			 (unsigned long long)off, trace_strerror(err), detail ? ": " : "",
			 detail ? detail : "");
	return err;
}

struct trace_reader *trace_reader__open(const char *path, int *errp)
{
	struct trace_reader *r;
	struct trace_chunk_hdr ch;
	struct stat st;
	json_t *meta;
	int err, type;

	*errp = 0;
	open_errmsg[0] = '\0';
	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path ? path : "(null)"))) {
		free(r);
		*errp = -ENOMEM;
		snprintf(open_errmsg, sizeof(open_errmsg), "%s: out of memory", path);
		return NULL;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		err = open_fail(r, -errno, 0, NULL);
		goto fail;
	}
	if (fstat(r->fd, &st)) {
		err = open_fail(r, -errno, 0, NULL);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		err = open_fail(r, TRACE_E_ISDIR, 0, NULL);
		goto fail;
	}
	r->file_bytes = (uint64_t)st.st_size;
	if (r->file_bytes == 0) {
		err = open_fail(r, TRACE_E_EMPTY, 0, NULL);
		goto fail;
	}
	err = read_at(r, 0, &r->fh, sizeof(r->fh));
	if (err == TRACE_E_TRUNCATED) {
		/* Check the magic we do have, so a short non-trace file says "not a trace". */
		char m[8] = {0};

		read_at(r, 0, m, r->file_bytes < 8 ? r->file_bytes : 8);
		err = r->file_bytes >= 8 && memcmp(m, TRACE_MAGIC, 8) ? TRACE_E_MAGIC
								      : TRACE_E_SHORT_HDR;
	}
	if (err) {
		open_fail(r, err, 0, NULL);
		goto fail;
	}
	if (memcmp(r->fh.magic, TRACE_MAGIC, 8)) {
		err = open_fail(r, TRACE_E_MAGIC, 0, NULL);
		goto fail;
	}
	if (r->fh.endian_mark == __builtin_bswap32(TRACE_ENDIAN_MARK)) {
		err = open_fail(r, TRACE_E_ENDIAN, 12, NULL);
		goto fail;
	}
	if (r->fh.version_major != TRACE_VERSION_MAJOR &&
	    r->fh.version_major != TRACE_VERSION_MAJOR_PACKED) {
		char d[64];

		snprintf(d, sizeof(d), "file is v%u.%u, this reader reads v%u.x and v%u.x",
			 r->fh.version_major, r->fh.version_minor, TRACE_VERSION_MAJOR,
			 TRACE_VERSION_MAJOR_PACKED);
		err = open_fail(r, TRACE_E_VERSION, 8, d);
		goto fail;
	}
	if (trace_crc32(&r->fh, offsetof(struct trace_file_hdr, hdr_crc)) != r->fh.hdr_crc ||
	    r->fh.endian_mark != TRACE_ENDIAN_MARK || r->fh.hdr_bytes < sizeof(r->fh) ||
	    r->fh.hdr_bytes % 8) {
		err = open_fail(r, TRACE_E_HDR_CRC, 0, NULL);
		goto fail;
	}
	r->buf = malloc(TRACE_CHUNK_MAX_BYTES);
	if (!r->buf) {
		err = open_fail(r, -ENOMEM, 0, NULL);
		goto fail;
	}
	if (sodium_init() < 0) {
		err = open_fail(r, -ENOMEM, 0, "libsodium did not initialise");
		goto fail;
	}
	find_stored_hash(r);
	/* hdr_bytes lets a newer minor version grow the header */
	r->off = r->fh.hdr_bytes;
	type = load_chunk(r, &ch);
	if (type < 0) {
		err = open_fail(r, type, r->off, NULL);
		goto fail;
	}
	if (type != TRACE_CHUNK_META || r->buf_bytes == 0 || r->buf[r->buf_bytes - 1] != '\0') {
		err = open_fail(r, TRACE_E_META, r->chunk_off, "first chunk is not the meta chunk");
		goto fail;
	}
	meta = json_loads((const char *)r->buf, 0, NULL);
	if (!json_is_object(meta)) {
		json_decref(meta);
		err = open_fail(r, TRACE_E_META, r->chunk_off, "not a JSON object");
		goto fail;
	}
	json_decref(meta);
	r->meta = strdup((const char *)r->buf);
	if (!r->meta) {
		err = open_fail(r, -ENOMEM, 0, NULL);
		goto fail;
	}
	r->first_chunk_off = r->off;
	r->hash_meta = r->hash;
	return r;
fail:
	*errp = err;
	trace_reader__close(r);
	return NULL;
}

static int check_rec(struct trace_reader *r, const struct trace_rec *rec, uint32_t room)
{
	char d[128];
	uint32_t size = rec->size_bytes;

	if (size < sizeof(*rec) || size % TRACE_REC_ALIGN || size > room) {
		snprintf(d, sizeof(d), "size %u of a '%s' record (%u bytes left in chunk)", size,
			 trace_rec_kind_name(rec->kind), room);
		return fail(r, TRACE_E_REC_SIZE,
			    r->chunk_off + sizeof(struct trace_chunk_hdr) + r->slice_off + r->pos,
			    d);
	}
	if (rec->kind == TRACE_REC_GENERIC) {
		const struct trace_rec_generic *g = (const void *)rec;

		if (size < sizeof(*g) || g->text_bytes > size - sizeof(*g) - 1 ||
		    ((const char *)(g + 1))[g->text_bytes] != '\0') {
			snprintf(d, sizeof(d), "generic record text of %u bytes in %u",
				 g->text_bytes, size);
			return fail(r, TRACE_E_REC_SIZE,
				    r->chunk_off + sizeof(struct trace_chunk_hdr) + r->slice_off +
					r->pos,
				    d);
		}
	} else if (rec->kind < TRACE_REC_KIND_MAX_ && size != trace_rec_fixed_size[rec->kind]) {
		snprintf(d, sizeof(d), "size %u of a '%s' record, which is %u bytes", size,
			 trace_rec_kind_name(rec->kind), trace_rec_fixed_size[rec->kind]);
		return fail(r, TRACE_E_REC_SIZE,
			    r->chunk_off + sizeof(struct trace_chunk_hdr) + r->slice_off + r->pos,
			    d);
	}
	return 0;
}

/*
 * v2: the next slice of the RECORDS_Z chunk being decoded into r->buf.
 * A chunk is decoded UNPACK_SLICE_BYTES of records at a time, not whole:
 * the 1 MiB of records decoded at once went past L2 before the replay read
 * them, and pushed its tables out (issue 16). Return: 1 with records in
 * r->buf, 0 at the chunk's end, or an error.
 */
#define UNPACK_SLICE_BYTES 65536

static int unpack_slice(struct trace_reader *r)
{
	uint32_t got;
	int err;

	r->buf_bytes = 0;
	r->pos = 0;
	if (trace_unpack_done(&r->unp)) {
		r->unpacking = false;
		if (r->raw_done != r->raw_bytes)
			return fail(r, TRACE_E_PACKED, r->chunk_off, NULL);
		return 0;
	}
	err = r->unp_tcol ? trace_unpack_next_tcol(&r->unp, r->buf, r->raw_bytes - r->raw_done,
						   UNPACK_SLICE_BYTES, &got)
			  : trace_unpack_next(&r->unp, r->buf, r->raw_bytes - r->raw_done,
					      UNPACK_SLICE_BYTES, &got);
	if (err)
		return fail(r, err, r->chunk_off, NULL);
	r->slice_off = r->raw_done;
	r->raw_done += got;
	r->buf_bytes = got;
	r->pos = 0;
	return 1;
}

/* v2: start decoding the RECORDS_Z payload in r->buf; its records come into r->buf. */
static int unpack_chunk(struct trace_reader *r)
{
	struct trace_packed_hdr ph;
	bool tbytes;
	uint8_t *t;
	int err;

	if (!r->zbuf) {
		r->ztmp_cap = trace_pack_bound(TRACE_CHUNK_MAX_BYTES) + 2 * TRACE_UNPACK_PAD;
		r->zbuf = malloc(TRACE_CHUNK_MAX_BYTES);
		r->ztmp = malloc(r->ztmp_cap);
		if (!r->zbuf || !r->ztmp)
			return fail(r, -ENOMEM, r->chunk_off, NULL);
	}
	if (r->buf_bytes < sizeof(ph))
		return fail(r, TRACE_E_PACKED, r->chunk_off, "payload shorter than its header");
	memcpy(&ph, r->buf, sizeof(ph));
	r->unp_tcol = ph.raw_bytes & TRACE_PACKED_F_TIME_COLUMN;
	tbytes = ph.raw_bytes & TRACE_PACKED_F_TIME_BYTES;
	ph.raw_bytes &= ~(TRACE_PACKED_F_TIME_COLUMN | TRACE_PACKED_F_TIME_BYTES);
	if (ph.raw_bytes > TRACE_CHUNK_MAX_BYTES || ph.frame_bytes > r->buf_bytes - sizeof(ph))
		return fail(r, TRACE_E_PACKED, r->chunk_off, "sizes out of range");
	if (tbytes && !r->unp_tcol)
		return fail(r, TRACE_E_PACKED, r->chunk_off,
			    "a byte time column flag without a column");
	err = r->unp_tcol ? trace_unpack_begin_tcol(&r->unp, r->buf + sizeof(ph), ph.frame_bytes,
						    tbytes, r->ztmp, r->ztmp_cap)
			  : trace_unpack_begin(&r->unp, r->buf + sizeof(ph), ph.frame_bytes,
					       r->ztmp, r->ztmp_cap);
	if (err)
		return fail(r, err, r->chunk_off, NULL);
	t = r->buf;
	r->buf = r->zbuf;
	r->zbuf = t;
	r->raw_bytes = ph.raw_bytes;
	r->raw_done = 0;
	r->unpacking = true;
	err = unpack_slice(r);
	return err < 0 ? err : 0;
}

/*
 * A raw-fields generic record (format.h, TRACE_RF_RAW_FIELDS) as the text
 * record every consumer knows: its payload formatted by its layout string.
 */
static int raw_to_text(struct trace_reader *r, const struct trace_rec *rec,
		       const struct trace_rec **out)
{
	const struct trace_rec_generic *g = (const void *)rec;
	const char *layout = trace_reader__string(r, g->layout_id);
	struct trace_rec_generic *t;
	char d[96];
	int n;

	if (!r->text_rec && !(r->text_rec = malloc(sizeof(*t) + TRACE_GENERIC_MAX_TEXT + 8)))
		return fail(r, -ENOMEM, r->chunk_off, NULL);
	t = (void *)r->text_rec;
	n = layout ? trace_raw_format(layout, g + 1, g->text_bytes, (char *)(t + 1),
				      TRACE_GENERIC_MAX_TEXT + 1)
		   : -EINVAL;
	if (n < 0) {
		snprintf(d, sizeof(d), "raw-fields record with %s layout string %u",
			 layout ? "a malformed" : "no", g->layout_id);
		return fail(r, TRACE_E_STRING,
			    r->chunk_off + sizeof(struct trace_chunk_hdr) + r->slice_off + r->pos -
				rec->size_bytes,
			    d);
	}
	t->hdr = g->hdr;
	t->hdr.flags &= (uint16_t)~TRACE_RF_RAW_FIELDS;
	t->text_bytes = (uint32_t)n;
	t->layout_id = 0;
	t->hdr.size_bytes = (uint16_t)trace_pad8((uint32_t)sizeof(*t) + (uint32_t)n + 1);
	memset((char *)(t + 1) + n, 0, t->hdr.size_bytes - sizeof(*t) - (size_t)n);
	*out = &t->hdr;
	return 0;
}

int trace_reader__next(struct trace_reader *r, const struct trace_rec **recp)
{
	struct trace_chunk_hdr ch;
	int type, err;

	if (r->err)
		return r->err;
	for (;;) {
		if (r->in_records && r->pos < r->buf_bytes) {
			const struct trace_rec *rec = (const void *)(r->buf + r->pos);

			err = check_rec(r, rec, r->buf_bytes - r->pos);
			if (err)
				return err;
			r->pos += rec->size_bytes;
			if (rec->kind == TRACE_REC_GENERIC && (rec->flags & TRACE_RF_RAW_FIELDS) &&
			    (err = raw_to_text(r, rec, &rec)))
				return err;
			r->nr_records++;
			*recp = rec;
			return 1;
		}
		if (r->in_records && r->unpacking) {
			err = unpack_slice(r);
			if (err < 0)
				return err;
			if (err)
				continue;
		}
		r->in_records = false;
		if (r->clean_end)
			return 0;
		if (r->off == r->file_bytes)
			return fail(r, TRACE_E_NO_END, r->off, NULL);
		type = load_chunk(r, &ch);
		if (type < 0)
			return type;
		switch (type) {
		case TRACE_CHUNK_RECORDS:
			r->in_records = true;
			r->slice_off = 0;
			break;
		case TRACE_CHUNK_RECORDS_Z:
			err = unpack_chunk(r);
			if (err)
				return err;
			r->in_records = true;
			break;
		case TRACE_CHUNK_STRINGS: {
			char d[128] = "";

			err = parse_strings(r, ch.nr_items, d, sizeof(d));
			if (err)
				return fail(r, err, r->chunk_off, d[0] ? d : NULL);
			break;
		}
		case TRACE_CHUNK_LOST:
			err = parse_lost(r, ch.nr_items);
			if (err)
				return fail(r, err, r->chunk_off, NULL);
			break;
		case TRACE_CHUNK_END:
			r->clean_end = true;
			if (r->off != r->file_bytes)
				return fail(r, TRACE_E_CHUNK_SIZE, r->off,
					    "bytes follow the end-of-trace chunk");
			return 0;
		case TRACE_CHUNK_META:
			return fail(r, TRACE_E_META, r->chunk_off, "a second meta chunk");
		default:
			/* A chunk type from a newer minor version: verified, skipped. */
			break;
		}
	}
}

int trace_reader__next_batch(struct trace_reader *r, const struct trace_rec **recs, uint32_t max)
{
	int rc = trace_reader__next(r, &recs[0]);
	uint32_t n = 1;

	if (rc != 1)
		return rc;
	/* the rest of this chunk, checked as trace_reader__next() checks them */
	while (n < max && r->pos < r->buf_bytes) {
		const struct trace_rec *rec = (const void *)(r->buf + r->pos);

		/* a record of a fixed-size kind that fits passes check_rec(): no call */
		if (!(rec->kind < TRACE_REC_KIND_MAX_ && rec->kind != TRACE_REC_GENERIC &&
		      rec->size_bytes == trace_rec_fixed_size[rec->kind] &&
		      rec->size_bytes >= sizeof(*rec) && rec->size_bytes % TRACE_REC_ALIGN == 0 &&
		      rec->size_bytes <= r->buf_bytes - r->pos) &&
		    ((rec->kind == TRACE_REC_GENERIC && (rec->flags & TRACE_RF_RAW_FIELDS)) ||
		     check_rec(r, rec, r->buf_bytes - r->pos)))
			break; /* a check failure is sticky: the next call returns it */
		r->pos += rec->size_bytes;
		r->nr_records++;
		recs[n++] = rec;
	}
	return (int)n;
}

int trace_reader__rewind(struct trace_reader *r)
{
	r->off = r->first_chunk_off;
	r->next_seq = 1;
	r->in_records = false;
	r->unpacking = false;
	r->clean_end = false;
	r->err = 0;
	r->errmsg[0] = '\0';
	r->nr_records = 0;
	r->nr_lost = 0;
	r->nr_string_ents = 0; /* the same entries are read again */
	/* a pass that did not reach the HASH chunk verified nothing: start over */
	if (r->stored_hex[0] && !r->hash_verified) {
		r->hash = r->hash_meta;
		r->hashing = true;
	}
	return 0;
}

const char *trace_reader__stored_hash(const struct trace_reader *r)
{
	return r->stored_hex[0] ? r->stored_hex : NULL;
}

const char *trace_reader__string(const struct trace_reader *r, uint32_t id)
{
	return id && id < r->nr_strings ? r->strings[id] : NULL;
}

const char *trace_reader__event_name(const struct trace_reader *r, const struct trace_rec *rec)
{
	const char *s = trace_reader__string(r, rec->event_id);

	return s ? s : trace_rec_default_event(rec);
}

const char *trace_reader__generic_text(const struct trace_rec *rec)
{
	if (rec->kind != TRACE_REC_GENERIC)
		return "";
	return (const char *)((const struct trace_rec_generic *)rec + 1);
}

const char *trace_reader__meta_json(const struct trace_reader *r)
{
	return r->meta;
}

const struct trace_file_hdr *trace_reader__file_hdr(const struct trace_reader *r)
{
	return &r->fh;
}

bool trace_reader__clean_end(const struct trace_reader *r)
{
	return r->clean_end;
}

void trace_reader__lost_foreach(const struct trace_reader *r,
				void (*fn)(uint32_t cpu, const char *probe, uint64_t nr, void *ctx),
				void *ctx)
{
	for (uint32_t i = 0; i < r->nr_lost; i++) {
		const char *p = trace_reader__string(r, r->lost[i].probe_id);

		fn(r->lost[i].cpu, p ? p : "?", r->lost[i].nr, ctx);
	}
}

uint64_t trace_reader__nr_records(const struct trace_reader *r)
{
	return r->nr_records;
}

uint64_t trace_reader__offset(const struct trace_reader *r)
{
	return r->in_records ? r->chunk_off : r->off;
}

uint64_t trace_reader__file_bytes(const struct trace_reader *r)
{
	return r->file_bytes;
}

const char *trace_reader__errmsg(const struct trace_reader *r)
{
	return r->errmsg;
}

void trace_reader__close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (uint32_t i = 0; i < r->nr_strings; i++)
		free(r->strings[i]);
	free(r->strings);
	free(r->lost);
	free(r->buf);
	free(r->zbuf);
	free(r->ztmp);
	free(r->meta);
	free(r->path);
	free(r->text_rec);
	free(r);
}
