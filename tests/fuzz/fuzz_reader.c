// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_reader.c - libFuzzer target: any byte string written as a file must
 * be either refused at open or read to a clean end or an error, with every
 * accessor safe on whatever records come back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	const struct trace_rec *rec;
	struct trace_reader *r;
	volatile uint64_t sink = 0;
	FILE *f;
	int err;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/svt-fuzz-%d.svt", (int)getpid());
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	r = trace_reader__open(path, &err);
	if (!r)
		return 0;
	while (trace_reader__next(r, &rec) == 1) {
		const char *e = trace_reader__event_name(r, rec);

		sink += strlen(e) + rec->ts_ns;
		sink += strlen(trace_reader__generic_text(rec));
		sink += trace_reader__string(r, rec->comm_id) != NULL;
	}
	sink += strlen(trace_reader__errmsg(r));
	trace_reader__close(r);
	return 0;
}
