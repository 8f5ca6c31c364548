// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace_v2.c - the compact trace format (v2): every record kind with
 * random contents reads back byte for byte after v1 -> v2 -> v1 conversion
 * across several chunks; strings, lost counters and meta survive; the INDEX
 * chunk lists every records chunk; a torn v2 file gives its good prefix
 * (whole chunks, the same records) at every cut; a compressed chunk whose
 * checksum was forged still fails to decode cleanly; a device-access stream
 * packs into fewer than 8 bytes per record; the content hash the writer
 * stores equals BLAKE2b-256 of the hashed header and chunks, is known at
 * open, verified while reading (an edit with right CRCs fails at the end),
 * and absent from a torn file; the header lists the kinds written; batches
 * (trace_reader__next_batch) give the records one-by-one reading gives; a
 * chunk whose packed records stop part way gives the records before that;
 * the time-column layout gives the same records, a torn or malformed one
 * its prefix.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "lib/prng.h"
#include "trace/trace.h"
#include "trace/trace-local.h"

#define NR_RECS 60000 /* ~3 MiB of v1 records: four chunks */

static char tmpdir[] = "/tmp/svt-test-trace2.XXXXXX";

static const char *tpath(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static int setup(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *b;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	b = malloc((size_t)st.st_size + 1);
	assert_int_equal(read(fd, b, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return b;
}

static void spill(const char *path, const uint8_t *b, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	close(fd);
}

/* All records of a file, concatenated; returns the reader's final rc. */
static int read_all(const char *path, uint8_t **out, size_t *bytes, uint64_t *nr)
{
	const struct trace_rec *rec;
	struct trace_reader *r;
	size_t cap = 1 << 20;
	int rc, oerr;

	*out = malloc(cap);
	*bytes = 0;
	*nr = 0;
	r = trace_reader__open(path, &oerr);
	if (!r)
		return oerr;
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		if (*bytes + rec->size_bytes > cap) {
			cap *= 2;
			*out = realloc(*out, cap);
		}
		memcpy(*out + *bytes, rec, rec->size_bytes);
		*bytes += rec->size_bytes;
		(*nr)++;
	}
	trace_reader__close(r);
	return rc;
}

/*
 * Random records of every kind: small deltas in some words, noise in others;
 * in format @major, in the time-column layout if @time_column (@layout: an
 * enum trace_time_layout, when not the writer's own).
 */
static void write_random_layout(const char *path, int major, bool time_column, int layout)
{
	struct trace_writer *w =
	    trace_writer__open_fmt(path, TRACE_CLOCK_MONOTONIC, TRACE_F_ADDR_KEPT,
				   "{\"host\":{\"kernel_release\":\"v2 test\"}}", major);
	uint64_t ts = 1000;
	struct prng rng = prng_make(5);
	uint8_t buf[512];

	assert_non_null(w);
	if (time_column)
		assert_int_equal(layout >= 0
				     ? trace_writer__set_time_layout(w, (unsigned int)layout)
				     : trace_writer__set_time_column(w, true),
				 0);
	for (int i = 0; i < NR_RECS; i++) {
		struct trace_rec *h = (void *)buf;
		unsigned int kind = 1 + (unsigned int)prng_below(&rng, TRACE_REC_KIND_MAX_ - 1);
		uint32_t dev = trace_writer__intern(w, i % 3	  ? "dev-a"
						       : i % 1000 ? "dev-b"
								  : "dev-z");

		ts += prng_below(&rng, 100);
		if (kind == TRACE_REC_GENERIC) {
			char text[64];

			h->ts_ns = ts;
			h->cpu = (uint16_t)(i % 4);
			h->event_id = dev;
			snprintf(text, sizeof(text), "event %d value %llu", i,
				 (unsigned long long)prng_next(&rng));
			assert_int_equal(trace_writer__append_generic(w, h, text), 0);
			continue;
		}
		memset(buf, 0, sizeof(buf));
		for (uint32_t o = sizeof(*h); o < trace_rec_fixed_size[kind]; o += 8) {
			uint64_t v = prng_below(&rng, 4) ? prng_below(&rng, 1000) : prng_next(&rng);

			memcpy(buf + o, &v, 8);
		}
		h->ts_ns = ts;
		h->kind = (uint16_t)kind;
		h->size_bytes = trace_rec_fixed_size[kind];
		h->cpu = (uint16_t)(i % 4);
		h->pid = (uint32_t)prng_below(&rng, 5);
		h->comm_id = dev;
		assert_int_equal(trace_writer__append(w, h), 0);
		if (i % 20000 == 0)
			assert_int_equal(trace_writer__add_lost(w, (uint32_t)i % 3, "probe-x", 7),
					 0);
	}
	if (time_column) /* not part way through a chunk */
		assert_int_equal(trace_writer__set_time_column(w, false), -EBUSY);
	assert_int_equal(trace_writer__close(w), 0);
}

static void write_random(const char *path, int major, bool time_column)
{
	write_random_layout(path, major, time_column, -1);
}

static void write_random_v1(const char *path)
{
	write_random(path, TRACE_VERSION_MAJOR, false);
}

struct lost_total {
	uint64_t n;
};

static void lost_cb(uint32_t cpu, const char *probe, uint64_t nr, void *ctx)
{
	((struct lost_total *)ctx)->n += nr * (cpu + 1) * (strcmp(probe, "probe-x") ? 1000 : 1);
}

static uint64_t lost_of(const char *path)
{
	const struct trace_rec *rec;
	struct lost_total lt = {0};
	int oerr;
	struct trace_reader *r = trace_reader__open(path, &oerr);

	assert_non_null(r);
	while (trace_reader__next(r, &rec) == 1)
		;
	trace_reader__lost_foreach(r, lost_cb, &lt);
	assert_string_equal(trace_reader__meta_json(r),
			    "{\"host\":{\"kernel_release\":\"v2 test\"}}");
	/* the address flag carried over; the writer's own findings added at close */
	assert_int_equal(trace_reader__file_hdr(r)->flags & ~(uint32_t)TRACE_F_TIME_ORDERED,
			 TRACE_F_ADDR_KEPT | TRACE_F_CPUS_SEEN | TRACE_F_KINDS_SEEN);
	/* every kind 1..15 was written (write_random_v1), none else */
	assert_int_equal(trace_reader__file_hdr(r)->kinds_seen, 0xfffe);
	assert_string_equal(trace_reader__string(r, 1), "dev-z");
	trace_reader__close(r);
	return lt.n;
}

static void test_round_trip(void **state)
{
	uint8_t *a, *b, *c;
	size_t na, nb, nc, fa, fb;
	uint64_t ra, rb, rc, n;
	char err[600];

	write_random_v1(tpath("v1.svt"));
	assert_int_equal(trace_convert(tpath("v1.svt"), tpath("v2.svt"), TRACE_VERSION_MAJOR_PACKED,
				       err, sizeof(err), &n),
			 0);
	assert_int_equal(n, NR_RECS);
	assert_int_equal(trace_convert(tpath("v2.svt"), tpath("v1b.svt"), TRACE_VERSION_MAJOR, err,
				       sizeof(err), &n),
			 0);
	assert_int_equal(read_all(tpath("v1.svt"), &a, &na, &ra), 0);
	assert_int_equal(read_all(tpath("v2.svt"), &b, &nb, &rb), 0);
	assert_int_equal(read_all(tpath("v1b.svt"), &c, &nc, &rc), 0);
	assert_int_equal(ra, NR_RECS);
	assert_int_equal(rb, NR_RECS);
	assert_int_equal(rc, NR_RECS);
	assert_int_equal(na, nb);
	assert_int_equal(na, nc);
	assert_memory_equal(a, b, na);
	assert_memory_equal(a, c, na);
	assert_true(na > 3 * TRACE_CHUNK_MAX_BYTES); /* several chunks: deltas restart */
	/* 3 lost entries (cpu 0, 1, 2) of 7 each */
	assert_int_equal(lost_of(tpath("v1.svt")), 7 * (1 + 2 + 3));
	assert_int_equal(lost_of(tpath("v2.svt")), 7 * (1 + 2 + 3));
	/* the header says v2, and the noise-heavy records still shrink */
	free(slurp(tpath("v1.svt"), &fa));
	free(a);
	a = slurp(tpath("v2.svt"), &fb);
	assert_int_equal(a[8], TRACE_VERSION_MAJOR_PACKED);
	assert_true(fb < fa * 2 / 3);
	free(a);
	free(b);
	free(c);
}

/* Chunk headers of a file: offsets of every chunk of @type; returns how many. */
static int chunks_of(const uint8_t *b, size_t len, uint32_t type, uint64_t *offs, int max)
{
	int n = 0;

	for (size_t off = 64; off + sizeof(struct trace_chunk_hdr) <= len;) {
		struct trace_chunk_hdr ch;

		memcpy(&ch, b + off, sizeof(ch));
		if (ch.type == type && n < max)
			offs[n++] = off;
		off += sizeof(ch) + ch.payload_bytes;
	}
	return n;
}

static void test_index(void **state)
{
	uint64_t z[16], ix[2];
	struct trace_index_ent e;
	size_t len;
	uint8_t *b = slurp(tpath("v2.svt"), &len);
	int nz = chunks_of(b, len, TRACE_CHUNK_RECORDS_Z, z, 16);
	uint64_t total = 0;

	assert_true(nz >= 4);
	assert_int_equal(chunks_of(b, len, TRACE_CHUNK_INDEX, ix, 2), 1);
	for (int i = 0; i < nz; i++) {
		memcpy(&e, b + ix[0] + 32 + i * sizeof(e), sizeof(e));
		assert_int_equal(e.chunk_off, z[i]);
		assert_true(e.first_ts_ns <= e.last_ts_ns);
		total += e.nr_records;
	}
	assert_int_equal(total, NR_RECS);
	free(b);
}

/* read_all() by trace_reader__next_batch() of at most @max records a call. */
static int read_all_batch(const char *path, uint32_t max, uint8_t **out, size_t *bytes,
			  uint64_t *nr)
{
	const struct trace_rec *recs[16];
	struct trace_reader *r;
	size_t cap = 1 << 20;
	int n, oerr;

	*out = malloc(cap);
	*bytes = 0;
	*nr = 0;
	r = trace_reader__open(path, &oerr);
	if (!r)
		return oerr;
	while ((n = trace_reader__next_batch(r, recs, max)) > 0) {
		assert_true((uint32_t)n <= max);
		for (int i = 0; i < n; i++) {
			while (*bytes + recs[i]->size_bytes > cap) {
				cap *= 2;
				*out = realloc(*out, cap);
			}
			memcpy(*out + *bytes, recs[i], recs[i]->size_bytes);
			*bytes += recs[i]->size_bytes;
		}
		*nr += (uint64_t)n;
		assert_int_equal(trace_reader__nr_records(r), *nr);
	}
	trace_reader__close(r);
	return n;
}

/*
 * Batches give the records one-by-one reading gives, in order, all valid at
 * once (copied only after the call), across chunks of v1 and v2; on a torn
 * file the same good prefix and an error.
 */
static void test_next_batch(void **state)
{
	static const char *const files[] = {"v1.svt", "v2.svt"};
	uint8_t *a, *b, *raw;
	size_t na, nb, len;
	uint64_t ra, rb;

	for (int f = 0; f < 2; f++) {
		assert_int_equal(read_all(tpath(files[f]), &a, &na, &ra), 0);
		for (uint32_t max = 1; max <= 16; max += 5) {
			assert_int_equal(read_all_batch(tpath(files[f]), max, &b, &nb, &rb), 0);
			assert_int_equal(rb, ra);
			assert_int_equal(nb, na);
			assert_memory_equal(a, b, na);
			free(b);
		}
		free(a);
	}
	raw = slurp(tpath("v2.svt"), &len);
	spill(tpath("torn-b.svt"), raw, len * 2 / 3);
	assert_true(read_all(tpath("torn-b.svt"), &a, &na, &ra) < 0);
	assert_true(read_all_batch(tpath("torn-b.svt"), 16, &b, &nb, &rb) < 0);
	assert_true(ra > 0);
	assert_int_equal(rb, ra);
	assert_int_equal(nb, na);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
	free(raw);
}

/*
 * @f (@len bytes) with the RECORDS_Z chunk at @at rebuilt around new packed
 * bytes (@packed, @packed_bytes: compressed again, CRCs made right) into
 * @out (@len + @cap bytes). Return: the new file's length.
 */
static size_t repack_chunk(const uint8_t *f, size_t len, uint64_t at, const uint8_t *packed,
			   size_t packed_bytes, uint8_t *out, size_t cap)
{
	struct trace_chunk_hdr ch;
	struct trace_packed_hdr ph;
	uint8_t *pl = out + at + sizeof(ch);
	size_t nf, pay, old;

	memcpy(&ch, f + at, sizeof(ch));
	memcpy(&ph, f + at + sizeof(ch), sizeof(ph));
	old = ch.payload_bytes;
	memcpy(out, f, at);
	nf = ZSTD_compress(pl + sizeof(ph), cap, packed, packed_bytes, 1);
	assert_false(ZSTD_isError(nf));
	ph.frame_bytes = (uint32_t)nf;
	memcpy(pl, &ph, sizeof(ph));
	pay = (sizeof(ph) + nf + 7) & ~(size_t)7;
	memset(pl + sizeof(ph) + nf, 0, pay - sizeof(ph) - nf);
	ch.payload_bytes = (uint32_t)pay;
	ch.payload_crc = (uint32_t)crc32(0, pl, (uInt)pay);
	ch.hdr_crc =
	    (uint32_t)crc32(0, (const Bytef *)&ch, offsetof(struct trace_chunk_hdr, hdr_crc));
	memcpy(out + at, &ch, sizeof(ch));
	memcpy(pl + pay, f + at + sizeof(ch) + old, len - at - sizeof(ch) - old);
	return len - old + pay;
}

/*
 * A verified chunk whose packed records stop part way (the first half of
 * them, recompressed, CRCs made right): the records before the 64 KiB
 * slice where decoding stops come out, the same as the file's, then
 * "does not decode"; none of the chunks after it.
 */
static void test_packed_cut(void **state)
{
	struct trace_chunk_hdr ch, c0;
	struct trace_packed_hdr ph;
	uint64_t z[16], nr_all, nr;
	size_t len, nall, ngot, cap = 4 << 20, n, nlen;
	uint8_t *b = slurp(tpath("v2.svt"), &len), *all, *got, *dec = malloc(cap),
		*out = malloc(len + cap);
	int fd;

	assert_true(chunks_of(b, len, TRACE_CHUNK_RECORDS_Z, z, 16) >= 3);
	memcpy(&c0, b + z[0], sizeof(c0));
	memcpy(&ch, b + z[1], sizeof(ch));
	memcpy(&ph, b + z[1] + sizeof(ch), sizeof(ph));
	n = ZSTD_decompress(dec, cap, b + z[1] + sizeof(ch) + sizeof(ph), ph.frame_bytes);
	assert_false(ZSTD_isError(n));
	/* the file up to chunk 1, then chunk 1 with half its packed records */
	nlen = repack_chunk(b, len, z[1], dec, n / 2, out, cap);
	fd = open(tpath("cut.svt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, nlen), (ssize_t)nlen);
	close(fd);
	memcpy(&c0, b + z[0], sizeof(c0));
	assert_int_equal(read_all(tpath("v2.svt"), &all, &nall, &nr_all), 0);
	assert_int_equal(read_all(tpath("cut.svt"), &got, &ngot, &nr), TRACE_E_PACKED);
	assert_true(nr > c0.nr_items);		     /* some of chunk 1 came out */
	assert_true(nr < c0.nr_items + ch.nr_items); /* not all of it */
	assert_memory_equal(got, all, ngot);
	free(all);
	free(got);
	free(dec);
	free(out);
	free(b);
}

static void test_torn_prefix(void **state)
{
	uint8_t *b, *all, *got;
	size_t len, nall, ngot;
	uint64_t z[16], nr_all, nr;
	int nz;

	b = slurp(tpath("v2.svt"), &len);
	nz = chunks_of(b, len, TRACE_CHUNK_RECORDS_Z, z, 16);
	assert_int_equal(read_all(tpath("v2.svt"), &all, &nall, &nr_all), 0);
	/* cut at 200 places: the records read are a prefix, ending on a chunk boundary */
	for (size_t cut = 1; cut < len; cut += len / 200 + 1) {
		int rc;

		spill(tpath("torn.svt"), b, cut);
		rc = read_all(tpath("torn.svt"), &got, &ngot, &nr);
		assert_true(rc < 0);
		assert_true(ngot <= nall);
		if (ngot)
			assert_memory_equal(got, all, ngot);
		/* every RECORDS_Z chunk wholly before the cut was read */
		for (int i = 0; i + 1 < nz; i++)
			if (z[i + 1] <= cut)
				assert_true(nr >= (uint64_t)(i + 1) * 10000);
		free(got);
	}
	free(all);
	free(b);
}

static void test_forged_checksum(void **state)
{
	struct trace_chunk_hdr ch;
	uint64_t z[16], nr;
	size_t len, n;
	uint8_t *b = slurp(tpath("v2.svt"), &len), *got;
	const struct trace_rec *rec;
	struct trace_reader *r;
	int oerr, rc;

	assert_true(chunks_of(b, len, TRACE_CHUNK_RECORDS_Z, z, 16) >= 2);
	/* flip frame bytes of the second records chunk, then make its CRCs right */
	memcpy(&ch, b + z[1], sizeof(ch));
	for (int i = 0; i < 64; i++)
		b[z[1] + 32 + 8 + 20 + i] ^= 0x5a;
	ch.payload_crc = (uint32_t)crc32(0, b + z[1] + 32, ch.payload_bytes);
	ch.hdr_crc =
	    (uint32_t)crc32(0, (const Bytef *)&ch, offsetof(struct trace_chunk_hdr, hdr_crc));
	memcpy(b + z[1], &ch, sizeof(ch));
	spill(tpath("forged.svt"), b, len);
	r = trace_reader__open(tpath("forged.svt"), &oerr);
	assert_non_null(r);
	nr = 0;
	while ((rc = trace_reader__next(r, &rec)) == 1)
		nr++;
	assert_int_equal(rc, TRACE_E_PACKED);
	memcpy(&ch, b + z[0], sizeof(ch));
	assert_int_equal(nr, ch.nr_items); /* the first chunk, whole */
	assert_non_null(strstr(trace_reader__errmsg(r), "does not decode"));
	trace_reader__close(r);
	(void)got;
	(void)n;
	free(b);
}

static void test_access_stream_size(void **state)
{
	struct trace_writer *w = trace_writer__open_fmt(tpath("acc.svt"), TRACE_CLOCK_SYNTHETIC, 0,
							"{}", TRACE_VERSION_MAJOR_PACKED);
	uint64_t seq[16] = {0}, hot[300];
	struct prng rng = prng_make(3);
	const int n = 200000;
	size_t len;

	assert_non_null(w);
	for (int i = 0; i < 300; i++)
		hot[i] = prng_below(&rng, 1 << 20) << 12;
	for (int i = 0; i < n; i++) {
		struct trace_rec_dev_access a = {0};
		uint64_t k = prng_below(&rng, 10);

		a.hdr.ts_ns = 1000 + 10 * (uint64_t)i;
		a.hdr.kind = TRACE_REC_DEV_ACCESS;
		a.hdr.size_bytes = sizeof(a);
		a.size_bytes = 64;
		a.pasid = TRACE_NO_PASID;
		a.device_id = 1;
		if (k < 4) {
			uint64_t s = prng_below(&rng, 16);

			a.iova = (s << 28) + (seq[s] += 64);
		} else if (k < 8) {
			a.iova = hot[prng_below(&rng, 300)] + (prng_below(&rng, 64) << 6);
		} else {
			a.iova = prng_below(&rng, 1ull << 26) << 6;
		}
		assert_int_equal(trace_writer__append(w, &a.hdr), 0);
	}
	assert_int_equal(trace_writer__close(w), 0);
	free(slurp(tpath("acc.svt"), &len));
	if (len >= 8 * (size_t)n)
		fail_msg("%.2f bytes per access", (double)len / n);
}

static int read_rc(const char *path, uint64_t *nr)
{
	const struct trace_rec *rec;
	struct trace_reader *r;
	int rc, oerr;

	r = trace_reader__open(path, &oerr);
	assert_non_null(r);
	*nr = 0;
	while ((rc = trace_reader__next(r, &rec)) == 1)
		(*nr)++;
	trace_reader__close(r);
	return rc;
}

static void test_content_hash(void **state)
{
	struct trace_file_hdr fh;
	struct trace_chunk_hdr ch;
	crypto_generichash_state st;
	uint8_t h[32], *b;
	char hex[65];
	uint64_t off[2], ix[2], nr;
	size_t len;
	int oerr;
	struct trace_reader *r;

	assert_true(sodium_init() >= 0);
	b = slurp(tpath("v2.svt"), &len);
	assert_int_equal(chunks_of(b, len, TRACE_CHUNK_HASH, off, 2), 1);
	assert_int_equal(off[0] + 32 + 32 + 32, len); /* HASH, then END last */
	/* the definition (format.h): header as first written, then every chunk before HASH */
	memcpy(&fh, b, sizeof(fh));
	assert_true(fh.flags & TRACE_F_TIME_ORDERED);
	fh.flags &= ~TRACE_F_FINDINGS;
	fh.cpus_seen = fh.kinds_seen = 0;
	fh.hdr_crc =
	    (uint32_t)crc32(0, (const Bytef *)&fh, offsetof(struct trace_file_hdr, hdr_crc));
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const void *)&fh, sizeof(fh));
	crypto_generichash_update(&st, b + 64, off[0] - 64);
	crypto_generichash_final(&st, h, 32);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	r = trace_reader__open(tpath("v2.svt"), &oerr);
	assert_non_null(r);
	assert_non_null(trace_reader__stored_hash(r));
	assert_string_equal(trace_reader__stored_hash(r), hex);
	trace_reader__close(r);
	assert_int_equal(read_rc(tpath("v2.svt"), &nr), 0);
	assert_int_equal(nr, NR_RECS);

	/* one byte of the index changed, CRCs made right: every record, then a loud end */
	assert_int_equal(chunks_of(b, len, TRACE_CHUNK_INDEX, ix, 2), 1);
	memcpy(&ch, b + ix[0], sizeof(ch));
	b[ix[0] + 32 + 12] ^= 1; /* a first_ts_ns byte: readers do not use it */
	ch.payload_crc = (uint32_t)crc32(0, b + ix[0] + 32, ch.payload_bytes);
	ch.hdr_crc =
	    (uint32_t)crc32(0, (const Bytef *)&ch, offsetof(struct trace_chunk_hdr, hdr_crc));
	memcpy(b + ix[0], &ch, sizeof(ch));
	spill(tpath("edited.svt"), b, len);
	assert_int_equal(read_rc(tpath("edited.svt"), &nr), TRACE_E_HASH);
	assert_int_equal(nr, NR_RECS);
	b[ix[0] + 32 + 12] ^= 1;

	/* a rewind mid-pass starts the hash over: the next full pass still verifies */
	{
		const struct trace_rec *rec;
		int rc;

		r = trace_reader__open(tpath("v2.svt"), &oerr);
		assert_non_null(r);
		for (int i = 0; i < 30000; i++)
			assert_int_equal(trace_reader__next(r, &rec), 1);
		assert_int_equal(trace_reader__rewind(r), 0);
		nr = 0;
		while ((rc = trace_reader__next(r, &rec)) == 1)
			nr++;
		assert_int_equal(rc, 0);
		assert_int_equal(nr, NR_RECS);
		trace_reader__close(r);
	}

	/* torn before its end: no stored hash (the caller hashes the bytes) */
	spill(tpath("torn-hash.svt"), b, len - 32);
	r = trace_reader__open(tpath("torn-hash.svt"), &oerr);
	assert_non_null(r);
	assert_null(trace_reader__stored_hash(r));
	trace_reader__close(r);
	/* v1 files have none */
	r = trace_reader__open(tpath("v1.svt"), &oerr);
	assert_non_null(r);
	assert_null(trace_reader__stored_hash(r));
	trace_reader__close(r);
	free(b);
}

/*
 * The time-column layout (format.h, TRACE_PACKED_F_TIME_COLUMN): the same
 * records as v1, every records chunk flagged, at every cut a prefix; a
 * column one time short, or with a length past the frame, fails to decode.
 */
static void test_time_column(void **state)
{
	struct trace_chunk_hdr ch;
	struct trace_packed_hdr ph;
	uint64_t z[16], nr_a, nr_b, nr;
	size_t len, na, nb, ngot, cap = 4 << 20, n;
	uint8_t *a, *b, *got, *f, *dec = malloc(cap), *out;
	struct trace_writer *w1;
	int nz;

	write_random(tpath("tv1.svt"), TRACE_VERSION_MAJOR, false);
	write_random(tpath("tcol.svt"), TRACE_VERSION_MAJOR_PACKED, true);
	assert_int_equal(read_all(tpath("tv1.svt"), &a, &na, &nr_a), 0);
	assert_int_equal(read_all(tpath("tcol.svt"), &b, &nb, &nr_b), 0);
	assert_int_equal(nr_b, NR_RECS);
	assert_int_equal(nb, na);
	assert_memory_equal(a, b, na);
	f = slurp(tpath("tcol.svt"), &len);
	nz = chunks_of(f, len, TRACE_CHUNK_RECORDS_Z, z, 16);
	assert_true(nz >= 4);
	for (int i = 0; i < nz; i++) {
		memcpy(&ph, f + z[i] + sizeof(ch), sizeof(ph));
		assert_true(ph.raw_bytes & TRACE_PACKED_F_TIME_COLUMN);
		assert_true(ph.raw_bytes & TRACE_PACKED_F_TIME_BYTES);
	}
	/* the varint column collectors wrote before still reads the same */
	write_random_layout(tpath("tvar.svt"), TRACE_VERSION_MAJOR_PACKED, true,
			    TRACE_TIME_VARINTS);
	assert_int_equal(read_all(tpath("tvar.svt"), &got, &ngot, &nr), 0);
	assert_int_equal(ngot, na);
	assert_memory_equal(got, a, na);
	free(got);
	{
		size_t vlen;
		uint8_t *vf = slurp(tpath("tvar.svt"), &vlen);
		uint64_t vz[16];
		int nvz = chunks_of(vf, vlen, TRACE_CHUNK_RECORDS_Z, vz, 16);

		assert_true(nvz >= 4);
		memcpy(&ph, vf + vz[0] + sizeof(ch), sizeof(ph));
		assert_true(ph.raw_bytes & TRACE_PACKED_F_TIME_COLUMN);
		assert_false(ph.raw_bytes & TRACE_PACKED_F_TIME_BYTES);
		free(vf);
	}
	/* torn: a prefix of the records at every cut */
	for (size_t cut = 1; cut < len; cut += len / 50 + 1) {
		spill(tpath("ttorn.svt"), f, cut);
		assert_true(read_all(tpath("ttorn.svt"), &got, &ngot, &nr) < 0);
		assert_true(ngot <= nb);
		if (ngot)
			assert_memory_equal(got, b, ngot);
		free(got);
	}
	/* chunk 1 rebuilt with its time column one time short, then with a
	 * column length past the frame: decoding stops in that chunk */
	memcpy(&ch, f + z[1], sizeof(ch));
	memcpy(&ph, f + z[1] + sizeof(ch), sizeof(ph));
	n = ZSTD_decompress(dec, cap, f + z[1] + sizeof(ch) + sizeof(ph), ph.frame_bytes);
	assert_false(ZSTD_isError(n));
	for (int bad = 0; bad < 2; bad++) {
		struct trace_chunk_hdr nh;
		uint32_t t;
		size_t m = n;

		memcpy(&t, dec + m - 4, 4);
		if (bad == 0) { /* drop the last time (times step by < 100: one byte) */
			t -= 1;
			memmove(dec + m - 5, dec + m - 4, 4);
			m -= 1;
		} else {
			t = (uint32_t)m;
		}
		memcpy(dec + m - 4, &t, 4);
		out = malloc(len + cap);
		spill(tpath("tbad.svt"), out, repack_chunk(f, len, z[1], dec, m, out, cap));
		assert_int_equal(read_all(tpath("tbad.svt"), &got, &ngot, &nr), TRACE_E_PACKED);
		memcpy(&nh, f + z[0], sizeof(nh));
		assert_true(nr >= nh.nr_items); /* chunk 0 whole */
		assert_true(nr < nh.nr_items + ch.nr_items);
		assert_memory_equal(got, b, ngot);
		free(got);
		free(out);
		if (bad == 0) { /* the original column for the next case */
			memcpy(&ph, f + z[1] + sizeof(ch), sizeof(ph));
			n = ZSTD_decompress(dec, cap, f + z[1] + sizeof(ch) + sizeof(ph),
					    ph.frame_bytes);
		}
	}
	/* a v1 writer has no packer to set */
	w1 = trace_writer__open_fmt(tpath("tx.svt"), TRACE_CLOCK_SYNTHETIC, 0, "{}",
				    TRACE_VERSION_MAJOR);
	assert_non_null(w1);
	assert_int_equal(trace_writer__set_time_column(w1, true), -EINVAL);
	assert_int_equal(trace_writer__close(w1), 0);
	free(a);
	free(b);
	free(f);
	free(dec);
}

/*
 * Records of random words do not shrink: a packed writer, which keeps no
 * v1 copy of its records, unpacks such a chunk again and writes it as
 * plain RECORDS, byte for byte the records appended (through append and
 * through reserve/commit, in both time layouts).
 */
static void test_no_shrink(void **state)
{
	for (int tcol = 0; tcol < 2; tcol++) {
		const char *path = tpath(tcol ? "noshrink-t.svt" : "noshrink.svt");
		struct trace_writer *w =
		    trace_writer__open_fmt(path, TRACE_CLOCK_MONOTONIC, TRACE_F_ADDR_KEPT, "{}",
					   TRACE_VERSION_MAJOR_PACKED);
		struct prng rng = prng_make(11);
		uint8_t *want = malloc(3 << 20), *got, *f;
		size_t nwant = 0, ngot, len;
		uint64_t nr, z[16], plain[16];
		uint8_t buf[512];

		assert_non_null(w);
		if (tcol)
			assert_int_equal(trace_writer__set_time_column(w, true), 0);
		for (int i = 0; i < 30000; i++) {
			struct trace_rec *h = (void *)buf;
			unsigned int kind = TRACE_REC_IOMMU_MAP;
			uint32_t size = trace_rec_fixed_size[kind];

			for (uint32_t o = 0; o < size; o += 8) {
				uint64_t v = prng_next(&rng);

				memcpy(buf + o, &v, 8);
			}
			h->kind = (uint16_t)kind;
			h->size_bytes = (uint16_t)size;
			if (i % 2) {
				assert_int_equal(trace_writer__append(w, h), 0);
			} else {
				void *q = trace_writer__reserve(w, size);

				assert_non_null(q);
				memcpy(q, buf, size);
				trace_writer__commit(w);
			}
			memcpy(want + nwant, buf, size);
			nwant += size;
		}
		assert_int_equal(trace_writer__close(w), 0);
		assert_int_equal(read_all(path, &got, &ngot, &nr), 0);
		assert_int_equal(nr, 30000);
		assert_int_equal(ngot, nwant);
		assert_memory_equal(got, want, nwant);
		f = slurp(path, &len);
		assert_int_equal(chunks_of(f, len, TRACE_CHUNK_RECORDS_Z, z, 16), 0);
		assert_true(chunks_of(f, len, TRACE_CHUNK_RECORDS, plain, 16) >= 2);
		free(f);
		free(got);
		free(want);
	}
	(void)state;
}

static void test_bad_version(void **state)
{
	assert_null(trace_writer__open_fmt(tpath("x.svt"), TRACE_CLOCK_SYNTHETIC, 0, "{}", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),	       cmocka_unit_test(test_index),
	    cmocka_unit_test(test_torn_prefix),	       cmocka_unit_test(test_forged_checksum),
	    cmocka_unit_test(test_access_stream_size), cmocka_unit_test(test_bad_version),
	    cmocka_unit_test(test_content_hash),       cmocka_unit_test(test_next_batch),
	    cmocka_unit_test(test_packed_cut),	       cmocka_unit_test(test_time_column),
	    cmocka_unit_test(test_no_shrink),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
