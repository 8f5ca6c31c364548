// SPDX-License-Identifier: GPL-2.0
/*
 * gen_stream.c - the replay benchmark's access stream (issue 16), written
 * three ways with the same addresses: PREFIX.svt (svatrace trace, one
 * DEV_ACCESS record per access), PREFIX.din ("0 hex-address" lines, the
 * reference simulator's input) and PREFIX.csv (import --from access-csv).
 * N accesses (default 10 million), 64-byte reads, one every 10 ns, one
 * device, no PASID, addresses below 4 GiB: 40% from 16 sequential streams,
 * 40% from a hot set of 300 random pages, 20% uniform random; a seeded PRNG
 * picks the population per access, so every run writes the same bytes.
 *
 * usage: gen_stream PREFIX [N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/prng.h"
#include "trace/trace.h"

#define NR_STREAMS 16
#define NR_HOT 300
#define SPACE_PAGES (1ull << 20) /* 4 GiB of 4 KiB pages */

static FILE *open_text(const char *prefix, const char *ext)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s.%s", prefix, ext);
	f = fopen(path, "w");
	if (!f)
		perror(path);
	return f;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 10000000ull;
	struct prng rng = prng_make(16);
	uint64_t stream[NR_STREAMS], hot[NR_HOT];
	struct trace_writer *w;
	char path[4096];
	FILE *din, *csv;
	uint32_t dev;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_stream PREFIX [N]\n");
		return 2;
	}
	for (int i = 0; i < NR_STREAMS; i++)
		stream[i] = prng_below(&rng, SPACE_PAGES) << 12;
	for (int i = 0; i < NR_HOT; i++)
		hot[i] = prng_below(&rng, SPACE_PAGES) << 12;
	snprintf(path, sizeof(path), "%s.svt", argv[1]);
	w = trace_writer__open(path, TRACE_CLOCK_SYNTHETIC, TRACE_F_ADDR_KEPT,
			       "{\"generator\":\"bench/gen_stream\"}");
	din = open_text(argv[1], "din");
	csv = open_text(argv[1], "csv");
	if (!w || !din || !csv) {
		if (!w)
			perror(path);
		return 1;
	}
	dev = trace_writer__intern(w, "bench-dev0");
	fprintf(csv, "time_ns,device,pasid,iova,size,dir\n");
	for (uint64_t i = 0; i < n; i++) {
		struct trace_rec_dev_access r = {0};
		uint64_t k = prng_below(&rng, 10);

		if (k < 4) {
			uint64_t s = prng_below(&rng, NR_STREAMS);

			r.iova = stream[s];
			/* a stream wraps below 4 GiB */
			stream[s] = (stream[s] + 64) & ((SPACE_PAGES << 12) - 1);
		} else if (k < 8) {
			r.iova = hot[prng_below(&rng, NR_HOT)] + (prng_below(&rng, 64) << 6);
		} else {
			r.iova =
			    (prng_below(&rng, SPACE_PAGES) << 12) + (prng_below(&rng, 64) << 6);
		}
		r.hdr.ts_ns = 1000 + i * 10;
		r.hdr.kind = TRACE_REC_DEV_ACCESS;
		r.hdr.size_bytes = sizeof(r);
		r.size_bytes = 64;
		r.pasid = TRACE_NO_PASID;
		r.device_id = dev;
		r.dir = TRACE_DIR_READ;
		if ((rc = trace_writer__append(w, &r.hdr))) {
			fprintf(stderr, "append: %s\n", trace_strerror(rc));
			return 1;
		}
		fprintf(din, "0 %" PRIx64 "\n", r.iova);
		fprintf(csv, "%" PRIu64 ",bench-dev0,,0x%" PRIx64 ",64,r\n", r.hdr.ts_ns, r.iova);
	}
	rc = trace_writer__close(w);
	if (rc) {
		fprintf(stderr, "close: %s\n", trace_strerror(rc));
		return 1;
	}
	if (fclose(din) || fclose(csv)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
