// SPDX-License-Identifier: GPL-2.0
/*
 * gen_access.c - write a synthetic device-access trace for the model
 * benchmark: N DEV_ACCESS records (default 10 million), one every 10 ns, in
 * three interleaved populations chosen per record by a seeded PRNG:
 * 40% sequential 64-byte streams (4 streams), 30% a hot set of 256 pages,
 * 30% uniform random pages over 4 GiB. Two devices, no PASID.
 *
 * usage: gen_access OUT [N]
 */
#include <stdio.h>
#include <stdlib.h>

#include "lib/prng.h"
#include "trace/trace.h"

int main(int argc, char **argv)
{
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 10000000ull;
	struct prng rng;
	uint64_t stream[4] = {0x100000000ull, 0x200000000ull, 0x300000000ull, 0x400000000ull};
	struct trace_writer *w;
	uint32_t dev[2];
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_access OUT [N]\n");
		return 2;
	}
	w = trace_writer__open(argv[1], TRACE_CLOCK_SYNTHETIC, TRACE_F_ADDR_KEPT,
			       "{\"generator\":\"bench/gen_access\"}");
	if (!w) {
		perror(argv[1]);
		return 1;
	}
	prng_seed(&rng, 2024);
	dev[0] = trace_writer__intern(w, "bench-dev0");
	dev[1] = trace_writer__intern(w, "bench-dev1");
	for (uint64_t i = 0; i < n; i++) {
		struct trace_rec_dev_access r = {0};
		uint64_t k = prng_below(&rng, 10);

		r.hdr.ts_ns = 1000 + i * 10;
		r.hdr.kind = TRACE_REC_DEV_ACCESS;
		r.hdr.size_bytes = sizeof(r);
		r.size_bytes = 64;
		r.pasid = TRACE_NO_PASID;
		if (k < 4) {
			uint64_t s = prng_below(&rng, 4);

			r.iova = stream[s];
			stream[s] += 64;
		} else if (k < 7) {
			r.iova = 0x800000000ull + (prng_below(&rng, 256) << 12) +
				 (prng_below(&rng, 64) << 6);
		} else {
			r.iova = (prng_below(&rng, 1ull << 20) << 12) + (prng_below(&rng, 64) << 6);
		}
		r.device_id = dev[i & 1];
		r.dir = k & 1;
		if ((rc = trace_writer__append(w, &r.hdr))) {
			fprintf(stderr, "append: %s\n", trace_strerror(rc));
			return 1;
		}
	}
	rc = trace_writer__close(w);
	if (rc) {
		fprintf(stderr, "close: %s\n", trace_strerror(rc));
		return 1;
	}
	return 0;
}
