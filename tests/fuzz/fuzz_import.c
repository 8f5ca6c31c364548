// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_import.c - libFuzzer target for one importer, chosen at build time
 * (-DFUZZ_IMPORTER='"ftrace-text"', "access-csv", "trace-dat", "pcm-iio"):
 * any input ends in records or an error, the output writer stays consistent, and no
 * input makes the importer crash, hang or trip a sanitizer. The output goes
 * to /dev/null: only the importer's behaviour is under test.
 */
#include <stdlib.h>

#include "collect/import/import.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct importer *imp = import_find(FUZZ_IMPORTER);
	struct import_opts io = {.keep_addrs = size & 1, .cmdline = "fuzz"};
	struct import_stats st = {0};
	struct trace_writer *w;
	const char *path = fuzz_file(data, size, ".in");

	if (!imp || !path)
		abort(); /* a broken build, not a finding: stop at once */
	w = trace_writer__open("/dev/null", imp->clock, 0, "{}");
	if (!w)
		abort();
	(void)imp->run(path, &io, &st, w);
	(void)trace_writer__close(w);
	return 0;
}
