/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_common.h - shared by the libFuzzer targets: silence the library's
 * log hook (an error message per input would drown the fuzzer's output) and
 * write the input to a per-process file, since every reader takes a path.
 */
#ifndef SVATRACE_FUZZ_COMMON_H
#define SVATRACE_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_quiet(enum svt_log_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
}

/* The input as a file named @suffix; its path, or NULL. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	static char path[96];
	FILE *f;

	svt_log_set_fn(fuzz_quiet);
	snprintf(path, sizeof(path), "/tmp/svt-fuzz-%d%s", (int)getpid(), suffix);
	f = fopen(path, "wb");
	if (!f)
		return NULL;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return path;
}

#endif /* SVATRACE_FUZZ_COMMON_H */
