// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace.c - trace writer/reader: round trips of every record kind,
 * descriptor decoding against real qi_submit values, and every kind of bad
 * input fed as hand-made or mutated bytes (no kernel needed).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "trace/fields.h"
#include "trace/trace.h"

static char tmpdir[] = "/tmp/svt-test-trace.XXXXXX";

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
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void init_rec(struct trace_rec *h, unsigned kind, size_t size, uint64_t ts)
{
	memset(h, 0, size);
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
	h->ts_ns = ts;
	h->cpu = (uint16_t)(ts % 7);
	h->pid = (uint32_t)(1000 + ts);
}

/* Writes nr map records (ts = i) plus one of every other kind; returns records written. */
static uint64_t write_sample(const char *path, uint64_t nr_maps)
{
	struct trace_writer *w =
	    trace_writer__open_fmt(path, TRACE_CLOCK_MONOTONIC, 0,
				   "{\"host\":{\"kernel_release\":\"test\"}}", TRACE_VERSION_MAJOR);
	struct trace_rec_iommu_map m;
	struct trace_rec_qi_submit q;
	struct trace_rec_wq_submit s;
	struct trace_rec g;
	uint64_t n = 0;

	assert_non_null(w);
	for (uint64_t i = 0; i < nr_maps; i++) {
		init_rec(&m.hdr, TRACE_REC_IOMMU_MAP, sizeof(m), i);
		m.iova = 0x1000 * i;
		m.paddr = 0xabc000 + i;
		m.size_bytes = 4096;
		m.device_id = trace_writer__intern(w, i % 2 ? "0000:00:01.0" : "0000:00:02.0");
		assert_int_equal(trace_writer__append(w, &m.hdr), 0);
		n++;
	}
	init_rec(&q.hdr, TRACE_REC_QI_SUBMIT, sizeof(q), nr_maps);
	q.qw[0] = 0xc00f2;
	q.qw[1] = 0xffff5000;
	q.iommu_id = trace_writer__intern(w, "dmar0");
	trace_qi_decode(&q);
	assert_int_equal(trace_writer__append(w, &q.hdr), 0);
	n++;
	init_rec(&s.hdr, TRACE_REC_WQ_SUBMIT, sizeof(s), nr_maps + 1);
	s.src = 0x1111;
	s.dst = 0x2222;
	s.xfer_bytes = 4096;
	s.opcode = 3;
	s.portal = TRACE_PORTAL_ENQCMD;
	s.retries = 5;
	s.pasid = 7;
	assert_int_equal(trace_writer__append(w, &s.hdr), 0);
	n++;
	init_rec(&g, TRACE_REC_GENERIC, sizeof(g), nr_maps + 2);
	g.event_id = trace_writer__intern(w, "sched:sched_switch");
	assert_int_equal(trace_writer__append_generic(w, &g, "prev_comm=a next_comm=b"), 0);
	n++;
	assert_int_equal(trace_writer__add_lost(w, 1, "iommu:map", 3), 0);
	assert_int_equal(trace_writer__add_lost(w, 1, "iommu:map", 4), 0);
	assert_int_equal(trace_writer__add_lost(w, 0, "dma:dma_map_page", 2), 0);
	assert_int_equal(trace_writer__close(w), 0);
	return n;
}

static void lost_sum(uint32_t cpu, const char *probe, uint64_t nr, void *ctx)
{
	uint64_t *v = ctx;

	if (!strcmp(probe, "iommu:map") && cpu == 1)
		v[0] += nr;
	else
		v[1] += nr;
}

static void test_round_trip(void **state)
{
	const char *p = tpath("rt.svt");
	uint64_t n = write_sample(p, 100000), maps = 0, lost[2] = {0, 0};
	const struct trace_rec *rec;
	struct trace_reader *r;
	int err, rc;

	(void)state;
	r = trace_reader__open(p, &err);
	assert_non_null(r);
	assert_string_equal(trace_reader__meta_json(r), "{\"host\":{\"kernel_release\":\"test\"}}");
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		if (rec->kind == TRACE_REC_IOMMU_MAP) {
			const struct trace_rec_iommu_map *m = (const void *)rec;

			/* 100000 maps span several 1 MiB chunks: order and content survive */
			assert_int_equal(m->hdr.ts_ns, maps);
			assert_int_equal(m->iova, 0x1000 * maps);
			assert_int_equal(m->paddr, 0xabc000 + maps);
			assert_int_equal(m->hdr.pid, 1000 + maps);
			assert_string_equal(trace_reader__string(r, m->device_id),
					    maps % 2 ? "0000:00:01.0" : "0000:00:02.0");
			assert_string_equal(trace_reader__event_name(r, rec), "iommu:map");
			maps++;
		} else if (rec->kind == TRACE_REC_QI_SUBMIT) {
			const struct trace_rec_qi_submit *q = (const void *)rec;

			assert_int_equal(q->type, TRACE_QI_IOTLB_INV);
			assert_string_equal(trace_reader__string(r, q->iommu_id), "dmar0");
		} else if (rec->kind == TRACE_REC_WQ_SUBMIT) {
			const struct trace_rec_wq_submit *s = (const void *)rec;

			assert_int_equal(s->retries, 5);
			assert_int_equal(s->portal, TRACE_PORTAL_ENQCMD);
			assert_int_equal(s->xfer_bytes, 4096);
		} else if (rec->kind == TRACE_REC_GENERIC) {
			assert_string_equal(trace_reader__event_name(r, rec), "sched:sched_switch");
			assert_string_equal(trace_reader__generic_text(rec),
					    "prev_comm=a next_comm=b");
		}
	}
	assert_int_equal(rc, 0);
	assert_true(trace_reader__clean_end(r));
	assert_int_equal(maps, 100000);
	assert_int_equal(trace_reader__nr_records(r), n);
	trace_reader__lost_foreach(r, lost_sum, lost);
	assert_int_equal(lost[0], 7); /* two entries for the same cpu+probe add up */
	assert_int_equal(lost[1], 2);
	/* rewind gives the same stream again */
	assert_int_equal(trace_reader__rewind(r), 0);
	maps = 0;
	while (trace_reader__next(r, &rec) == 1)
		maps++;
	assert_int_equal(maps, n);
	trace_reader__close(r);
}

static void test_writer_rejects_bad_records(void **state)
{
	struct trace_writer *w = trace_writer__open_fmt(tpath("bad.svt"), TRACE_CLOCK_MONOTONIC, 0,
							"{}", TRACE_VERSION_MAJOR);
	struct trace_rec_iommu_map m;

	(void)state;
	assert_non_null(w);
	init_rec(&m.hdr, TRACE_REC_IOMMU_MAP, sizeof(m), 1);
	m.hdr.size_bytes = sizeof(m) - 8; /* lies about its size */
	assert_int_equal(trace_writer__append(w, &m.hdr), -EINVAL);
	m.hdr.size_bytes = sizeof(m);
	m.hdr.kind = TRACE_REC_KIND_MAX_; /* unknown kind */
	assert_int_equal(trace_writer__append(w, &m.hdr), -EINVAL);
	assert_int_equal(trace_writer__close(w), 0);
	/* meta must be a JSON object */
	assert_null(trace_writer__open_fmt(tpath("bad2.svt"), TRACE_CLOCK_MONOTONIC, 0, "[1,2]",
					   TRACE_VERSION_MAJOR));
	assert_int_equal(errno, EINVAL);
}

/* Real qi_submit values from the shared QEMU VT-d trace, decoded per the VT-d spec. */
static void test_qi_decode(void **state)
{
	struct trace_rec_qi_submit q = {0};

	(void)state;
	q.qw[0] = 0xc00f2; /* iotlb_inv: page-selective, DR|DW, DID 12 */
	q.qw[1] = 0xffff5000;
	trace_qi_decode(&q);
	assert_int_equal(q.type, TRACE_QI_IOTLB_INV);
	assert_int_equal(q.granularity, 3);
	assert_int_equal(q.domain_id, 12);
	assert_int_equal(q.addr, 0xffff5000);
	assert_int_equal(q.addr_mask, 0);
	assert_string_equal(trace_qi_type_name(q.type), "iotlb_inv");

	q.qw[0] = 0x20000000003; /* dev_tlb_inv for SID 0x200 (bus 2) */
	q.qw[1] = 0xffff5000;
	trace_qi_decode(&q);
	assert_int_equal(q.type, TRACE_QI_DEV_TLB_INV);
	assert_int_equal(q.sid, 0x200);
	assert_int_equal(q.addr, 0xffff5000);
	assert_int_equal(q.addr_mask, 0);

	q.qw[1] = 0x7000 | 1; /* S=1 (bit 0), three trailing ones: 2^4 pages at 0 */
	trace_qi_decode(&q);
	assert_int_equal(q.addr_mask, 4);
	assert_int_equal(q.addr, 0);
	/* S=1 with every address bit set (issue 19): the whole space, not a shift by 65 */
	q.qw[1] = ~0xfffULL | 1;
	trace_qi_decode(&q);
	assert_int_equal(q.addr_mask, 52);
	assert_int_equal(q.addr, 0);
	q.qw[1] = 0x7ffffffffffff000ULL | 1; /* 51 trailing ones: 2^52 pages as well */
	trace_qi_decode(&q);
	assert_int_equal(q.addr_mask, 52);
	assert_int_equal(q.addr, 0);
	q.qw[1] = 0x3ffffffffffff000ULL | 1; /* 50 ones: 2^51 pages, bit 63 kept */
	trace_qi_decode(&q);
	assert_int_equal(q.addr_mask, 51);
	assert_true(q.addr == 0x0ULL);
	q.qw[0] = 0x20000000003;
	q.qw[1] = 0x8000000000000000ULL | 0x3ffffffffffff000ULL | 1;
	trace_qi_decode(&q);
	assert_int_equal(q.addr_mask, 51);
	assert_true(q.addr == 0x8000000000000000ULL);
	q.qw[0] = 0x8; /* PASID-based dev-TLB: S is bit 11 there */
	q.qw[1] = 0x7000 | (1 << 11);
	trace_qi_decode(&q);
	assert_int_equal(q.addr_mask, 4);

	/* encoders round-trip through the decoder for every size */
	for (unsigned int am = 0; am < 20; am++) {
		trace_qi_encode_dev_tlb(&q, 0x200, 0x12345678000ULL, am);
		assert_int_equal(q.type, TRACE_QI_DEV_TLB_INV);
		assert_int_equal(q.addr_mask, am);
		assert_int_equal(q.sid, 0x200);
		assert_int_equal(q.addr, 0x12345678000ULL & ~((4096ULL << am) - 1));
		trace_qi_encode_iotlb(&q, 7, 3, 0x12345678000ULL, am);
		assert_int_equal(q.addr_mask, am);
		assert_int_equal(q.domain_id, 7);
		assert_int_equal(q.addr, 0x12345678000ULL & ~((4096ULL << am) - 1));
	}

	q.qw[0] = 0x20026; /* p_iotlb_inv: DID 2, granularity 2 (PASID-selective) */
	q.qw[1] = 0;
	trace_qi_decode(&q);
	assert_int_equal(q.type, TRACE_QI_P_IOTLB_INV);
	assert_int_equal(q.domain_id, 2);
	assert_int_equal(q.granularity, 2);
	assert_int_equal(q.pasid, 0);

	q.qw[0] = 0x500020017ULL; /* pc_inv: PASID 5, DID 2, gran 1 */
	trace_qi_decode(&q);
	assert_int_equal(q.type, TRACE_QI_PC_INV);
	assert_int_equal(q.pasid, 5);
	assert_int_equal(q.domain_id, 2);
	assert_int_equal(q.granularity, 1);
}

static void test_prq_decode(void **state)
{
	struct trace_rec_page_req p = {0};

	(void)state;
	/* rid 0x0300, PASID present, PASID 0x42, write, last, group 5, addr 0x7f0012345000 */
	p.dw[0] = (0x0300u << 16) | (1u << 8) | 0x1;
	p.dw[1] = 0x42;
	p.dw[2] = 0x12345000u | (5u << 3) | (1u << 2) | 2u;
	p.dw[3] = 0x7f00;
	trace_prq_decode(&p);
	assert_int_equal(p.sid, 0x300);
	assert_int_equal(p.pasid, 0x42);
	assert_int_equal(p.rw, 2);
	assert_int_equal(p.last, 1);
	assert_int_equal(p.grpid, 5);
	assert_int_equal(p.addr, 0x7f0012345000ULL);
	p.dw[0] &= ~(1u << 8); /* no PASID */
	trace_prq_decode(&p);
	assert_int_equal(p.pasid, TRACE_NO_PASID);
}

/* ---- bad input ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *b;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	b = malloc((size_t)st.st_size);
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

/* Read everything; returns the final rc and counts records. */
static int drain(const char *path, int *open_err, uint64_t *nr)
{
	const struct trace_rec *rec;
	struct trace_reader *r = trace_reader__open(path, open_err);
	int rc;

	*nr = 0;
	if (!r)
		return *open_err;
	while ((rc = trace_reader__next(r, &rec)) == 1)
		(*nr)++;
	trace_reader__close(r);
	return rc;
}

static void fix_crc_hdr(uint8_t *b)
{
	uint32_t c = (uint32_t)crc32(0, b, 60);

	memcpy(b + 60, &c, 4);
}

static void test_open_errors(void **state)
{
	uint64_t nr;
	size_t len;
	uint8_t *b;
	int oerr;

	(void)state;
	write_sample(tpath("good.svt"), 10);
	b = slurp(tpath("good.svt"), &len);

	assert_int_equal(drain(tpath("missing.svt"), &oerr, &nr), -ENOENT);
	assert_non_null(strstr(trace_open_errmsg(), "missing.svt"));
	assert_int_equal(drain(tmpdir, &oerr, &nr), TRACE_E_ISDIR);
	spill(tpath("empty.svt"), b, 0);
	assert_int_equal(drain(tpath("empty.svt"), &oerr, &nr), TRACE_E_EMPTY);
	spill(tpath("short.svt"), b, 20);
	assert_int_equal(drain(tpath("short.svt"), &oerr, &nr), TRACE_E_SHORT_HDR);

	b[0] = 'X';
	spill(tpath("magic.svt"), b, len);
	assert_int_equal(drain(tpath("magic.svt"), &oerr, &nr), TRACE_E_MAGIC);
	assert_non_null(strstr(trace_open_errmsg(), "magic.svt: byte 0"));
	b[0] = 'S';

	b[8] = 3; /* version_major 3, header CRC made valid: only the version is wrong */
	fix_crc_hdr(b);
	spill(tpath("v3.svt"), b, len);
	assert_int_equal(drain(tpath("v3.svt"), &oerr, &nr), TRACE_E_VERSION);
	assert_non_null(strstr(trace_open_errmsg(), "v3.1"));
	b[8] = 1;
	fix_crc_hdr(b);

	b[24] ^= 1; /* flipped bit in created_unix_ns: header CRC catches it */
	spill(tpath("hdrbit.svt"), b, len);
	assert_int_equal(drain(tpath("hdrbit.svt"), &oerr, &nr), TRACE_E_HDR_CRC);
	b[24] ^= 1;

	/* byte-swapped endian mark */
	{
		uint32_t m = __builtin_bswap32(TRACE_ENDIAN_MARK);

		memcpy(b + 12, &m, 4);
		fix_crc_hdr(b);
		spill(tpath("swapped.svt"), b, len);
		assert_int_equal(drain(tpath("swapped.svt"), &oerr, &nr), TRACE_E_ENDIAN);
	}
	free(b);
}

/* Offset of the first RECORDS chunk and of its first record. */
static size_t find_records_chunk(const uint8_t *b, size_t len)
{
	size_t off = 64;

	while (off + 32 <= len) {
		struct trace_chunk_hdr ch;

		memcpy(&ch, b + off, sizeof(ch));
		if (ch.type == TRACE_CHUNK_RECORDS)
			return off;
		off += 32 + ch.payload_bytes;
	}
	fail();
	return 0;
}

static void test_corrupt_records(void **state)
{
	uint64_t nr;
	size_t len, off;
	uint8_t *b;
	int oerr, rc;
	struct trace_chunk_hdr ch;
	struct trace_reader *r;
	const struct trace_rec *rec;

	(void)state;
	write_sample(tpath("good.svt"), 10);
	b = slurp(tpath("good.svt"), &len);
	off = find_records_chunk(b, len);

	/* a flipped bit inside a record: payload CRC */
	b[off + 32 + 40] ^= 0x10;
	spill(tpath("flip.svt"), b, len);
	rc = drain(tpath("flip.svt"), &oerr, &nr);
	assert_int_equal(rc, TRACE_E_CHUNK_CRC);
	assert_int_equal(nr, 0);
	b[off + 32 + 40] ^= 0x10;

	/* a record whose size field lies, with checksums made valid so only the
	 * record check can catch it: second map record claims 8 more bytes */
	{
		uint16_t lie = sizeof(struct trace_rec_iommu_map) + 8;
		uint32_t c;

		memcpy(b + off + 32 + sizeof(struct trace_rec_iommu_map) + 10, &lie, 2);
		memcpy(&ch, b + off, sizeof(ch));
		c = (uint32_t)crc32(0, b + off + 32, ch.payload_bytes);
		memcpy(b + off + 24, &c, 4);
		c = (uint32_t)crc32(0, b + off, 28); /* the header CRC covers payload_crc */
		memcpy(b + off + 28, &c, 4);
		spill(tpath("lie.svt"), b, len);
		r = trace_reader__open(tpath("lie.svt"), &oerr);
		assert_non_null(r);
		assert_int_equal(trace_reader__next(r, &rec), 1); /* first record is fine */
		assert_int_equal(trace_reader__next(r, &rec), TRACE_E_REC_SIZE);
		assert_non_null(strstr(trace_reader__errmsg(r), "record 1"));
		assert_non_null(strstr(trace_reader__errmsg(r), "lie.svt: byte"));
		/* the error is sticky */
		assert_int_equal(trace_reader__next(r, &rec), TRACE_E_REC_SIZE);
		trace_reader__close(r);
	}
	free(b);

	/* bytes after the END chunk */
	b = slurp(tpath("good.svt"), &len);
	b = realloc(b, len + 8);
	memset(b + len, 0xee, 8);
	spill(tpath("trail.svt"), b, len + 8);
	assert_int_equal(drain(tpath("trail.svt"), &oerr, &nr), TRACE_E_CHUNK_SIZE);
	free(b);
}

/* Every truncation of a valid file: never a crash, records are a prefix of the
 * original, and the error says truncated (or no end) unless the cut is whole. */
static void test_every_truncation(void **state)
{
	size_t len;
	uint8_t *b;
	uint64_t full, nr;
	int oerr, rc;

	(void)state;
	full = write_sample(tpath("trunc-src.svt"), 40);
	b = slurp(tpath("trunc-src.svt"), &len);
	for (size_t cut = 0; cut < len; cut++) {
		spill(tpath("cut.svt"), b, cut);
		rc = drain(tpath("cut.svt"), &oerr, &nr);
		assert_true(rc < 0);
		assert_true(nr <= full);
		if (cut >= 64 + 32 + 40) /* header + meta survive: a reader opens */
			assert_true(rc == TRACE_E_TRUNCATED || rc == TRACE_E_NO_END);
	}
	spill(tpath("cut.svt"), b, len);
	assert_int_equal(drain(tpath("cut.svt"), &oerr, &nr), 0);
	assert_int_equal(nr, full);
	free(b);
}

/* A torn file (writer killed before close) keeps every flushed chunk. */
static void test_torn_prefix(void **state)
{
	struct trace_writer *w = trace_writer__open_fmt(tpath("torn.svt"), TRACE_CLOCK_MONOTONIC, 0,
							"{}", TRACE_VERSION_MAJOR);
	struct trace_rec_iommu_unmap u;
	size_t len;
	uint8_t *b;
	uint64_t nr;
	int oerr;

	(void)state;
	for (int i = 0; i < 50000; i++) {
		init_rec(&u.hdr, TRACE_REC_IOMMU_UNMAP, sizeof(u), (uint64_t)i);
		assert_int_equal(trace_writer__append(w, &u.hdr), 0);
	}
	assert_int_equal(trace_writer__flush(w), 0);
	/* copy the file as it is now: what a crash would leave */
	b = slurp(tpath("torn.svt"), &len);
	assert_int_equal(trace_writer__close(w), 0);
	spill(tpath("torn-copy.svt"), b, len);
	assert_int_equal(drain(tpath("torn-copy.svt"), &oerr, &nr), TRACE_E_NO_END);
	assert_int_equal(nr, 50000);
	/* and half of the last chunk gone */
	spill(tpath("torn-copy.svt"), b, len - 1000);
	assert_int_equal(drain(tpath("torn-copy.svt"), &oerr, &nr), TRACE_E_TRUNCATED);
	assert_true(nr > 0 && nr < 50000);
	assert_int_equal(nr % (TRACE_CHUNK_MAX_BYTES / sizeof(u)), 0); /* whole chunks only */
	free(b);
}

/* Reader memory stays flat: reading a 64 MiB file grows max RSS by far less. */
static void test_streaming_memory(void **state)
{
	struct trace_writer *w = trace_writer__open_fmt(tpath("big.svt"), TRACE_CLOCK_MONOTONIC, 0,
							"{}", TRACE_VERSION_MAJOR);
	struct trace_rec_iommu_map m;
	struct rusage ru0, ru1;
	uint64_t nr;
	int oerr;

	(void)state;
	for (int i = 0; i < 64 * 1024 * 1024 / (int)sizeof(m); i++) {
		init_rec(&m.hdr, TRACE_REC_IOMMU_MAP, sizeof(m), (uint64_t)i);
		assert_int_equal(trace_writer__append(w, &m.hdr), 0);
	}
	assert_int_equal(trace_writer__close(w), 0);
	getrusage(RUSAGE_SELF, &ru0);
	assert_int_equal(drain(tpath("big.svt"), &oerr, &nr), 0);
	getrusage(RUSAGE_SELF, &ru1);
	assert_int_equal(nr, 64 * 1024 * 1024 / sizeof(m));
	/* one 1 MiB chunk buffer (+ sanitizer overhead), not the 64 MiB file */
	assert_true(ru1.ru_maxrss - ru0.ru_maxrss < 16 * 1024);
	unlink(tpath("big.svt"));
}

/* Write maps at @ts on @cpu (n of them); the file's header flags and cpus_seen after close. */
static void write_findings(const char *path, const uint64_t *ts, const uint16_t *cpu, int n,
			   unsigned int major, uint32_t *flags, uint32_t *cpus_seen)
{
	struct trace_writer *w =
	    trace_writer__open_fmt(path, TRACE_CLOCK_MONOTONIC, TRACE_F_TIME_ORDERED, "{}", major);
	struct trace_rec_iommu_map m;
	struct trace_reader *r;
	struct trace_file_hdr fh;
	int err = 0, fd;

	assert_non_null(w);
	for (int i = 0; i < n; i++) {
		init_rec(&m.hdr, TRACE_REC_IOMMU_MAP, sizeof(m), ts[i]);
		m.hdr.cpu = cpu[i];
		assert_int_equal(trace_writer__append(w, &m.hdr), 0);
	}
	/* before close, what is on disk claims nothing (a killed writer's file) */
	assert_int_equal(trace_writer__flush(w), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, &fh, sizeof(fh)), sizeof(fh));
	close(fd);
	assert_int_equal(fh.flags & (TRACE_F_TIME_ORDERED | TRACE_F_CPUS_SEEN), 0);
	assert_int_equal(trace_writer__close(w), 0);
	r = trace_reader__open(path, &err); /* the rewritten header's CRC holds */
	assert_non_null(r);
	*flags = trace_reader__file_hdr(r)->flags;
	*cpus_seen = trace_reader__file_hdr(r)->cpus_seen;
	trace_reader__close(r);
}

/* The writer's findings in the header: time order and the highest CPU, v1 and v2. */
static void test_header_findings(void **state)
{
	static const uint64_t in_order[] = {10, 20, 20, 30}, unordered[] = {10, 30, 20};
	static const uint16_t cpus[] = {1, 5, UINT16_MAX, 2}, unknown[] = {UINT16_MAX, UINT16_MAX};
	uint32_t flags, seen;

	(void)state;
	for (unsigned int major = 1; major <= 2; major++) {
		write_findings(tpath("ord.svt"), in_order, cpus, 4, major, &flags, &seen);
		assert_int_equal(flags & TRACE_F_TIME_ORDERED, TRACE_F_TIME_ORDERED);
		assert_int_equal(flags & TRACE_F_CPUS_SEEN, TRACE_F_CPUS_SEEN);
		assert_int_equal(seen, 6); /* CPU 5 + 1; 0xffff (unknown) not counted */
		write_findings(tpath("unord.svt"), unordered, cpus, 3, major, &flags, &seen);
		assert_int_equal(flags & TRACE_F_TIME_ORDERED,
				 0); /* the caller's claim is ignored */
		assert_int_equal(flags & TRACE_F_CPUS_SEEN, TRACE_F_CPUS_SEEN);
		assert_int_equal(seen, 6);
		write_findings(tpath("nocpu.svt"), in_order, unknown, 2, major, &flags, &seen);
		assert_int_equal(seen, 0);
	}
}

/*
 * trace/fields.c names every byte of every fixed kind except its reserved
 * words: fields lie inside the record, after the header, in layout order
 * without overlap, and the bytes left over are exactly the kind's reserved
 * members (format.h). A field left out or given a wrong size fails here.
 */
static void test_field_tables(void **state)
{
	static const size_t reserved_bytes[TRACE_REC_KIND_MAX_] = {
	    [TRACE_REC_IOMMU_UNMAP] = 4, [TRACE_REC_DEV_GROUP] = 4, [TRACE_REC_DMA] = 1,
	    [TRACE_REC_QI_SUBMIT] = 6,	 [TRACE_REC_PAGE_REQ] = 4,  [TRACE_REC_QI_WAIT] = 4,
	};
	(void)state;
	for (unsigned int k = TRACE_REC_IOMMU_MAP; k < TRACE_REC_GENERIC; k++) {
		size_t nr, covered = 0, at = sizeof(struct trace_rec);
		const struct trace_field *f = trace_rec_fields(k, &nr);

		assert_non_null(f);
		for (size_t i = 0; i < nr; i++) {
			size_t sz = trace_field_size(f[i].type);

			assert_true(f[i].offset >= at); /* ordered, no overlap */
			assert_true(f[i].offset + sz <= trace_rec_fixed_size[k]);
			at = f[i].offset + sz;
			covered += sz;
		}
		if (sizeof(struct trace_rec) + covered + reserved_bytes[k] !=
		    trace_rec_fixed_size[k])
			fail_msg("kind %u (%s): %zu field bytes + %zu reserved != %u", k,
				 trace_rec_kind_name(k), covered, reserved_bytes[k],
				 trace_rec_fixed_size[k]);
	}
	{
		size_t nr;

		assert_null(trace_rec_fields(TRACE_REC_GENERIC, &nr));
		assert_int_equal(nr, 0);
		assert_null(trace_rec_fields(999, &nr));
	}
	{ /* values: a sign-extended S32 and a STR id read back through the table */
		struct trace_rec_qi_wait w = {.ret = -110, .iommu_id = 7, .wait_ns = 123456789};
		size_t nr;
		const struct trace_field *f = trace_rec_fields(TRACE_REC_QI_WAIT, &nr);

		for (size_t i = 0; i < nr; i++) {
			uint64_t v = trace_field_u64(&w, &f[i]);

			if (!strcmp(f[i].name, "ret"))
				assert_int_equal((int64_t)v, -110);
			else if (!strcmp(f[i].name, "iommu_id"))
				assert_int_equal(v, 7);
			else if (!strcmp(f[i].name, "wait_ns"))
				assert_int_equal(v, 123456789);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_writer_rejects_bad_records),
	    cmocka_unit_test(test_qi_decode),
	    cmocka_unit_test(test_prq_decode),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_corrupt_records),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_torn_prefix),
	    cmocka_unit_test(test_streaming_memory),
	    cmocka_unit_test(test_field_tables),
	    cmocka_unit_test(test_header_findings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
