// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_profile.c - libFuzzer target for calibration profiles (INI files
 * applied to the model's parameters): any file is applied or refused with a
 * message, never a crash; the parameters stay readable either way.
 */
#include "model/params.h"
#include "replay/profile.h"
#include "replay/registry.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".ini");
	struct params *p;
	char err[256];

	if (!path)
		return 0;
	p = params__new(svt_param_registry);
	if (!p)
		return 0;
	(void)profile_load(p, path, err, sizeof(err));
	params__free(p);
	return 0;
}
