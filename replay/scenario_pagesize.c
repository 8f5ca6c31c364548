// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_pagesize.c - `pagesize=4k|2m|1g`: translate with another page
 * size. The records stay as they are; the model's page-size key changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "replay/scenario.h"

struct state {
	char kv[64]; /* the override */
};

static int init(void **state, const char *value, const struct scenario_arg *args, size_t nr_args,
		uint64_t seed)
{
	struct scenario_arg v = {"size", value ? value : ""};
	struct state *st;
	uint64_t bytes;

	if (nr_args)
		return scenario_bad_arg("pagesize", &args[0]);
	/* a byte size like any other (lib/units): 2m, 2M, 2MiB and 2097152 are one value */
	if (scenario_arg_u64("pagesize", &v, &bytes, UNITS_BYTES))
		return -EINVAL;
	if (bytes == 4096 || bytes == 2u << 20 || bytes == 1u << 30) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return -ENOMEM;
		snprintf(st->kv, sizeof(st->kv), "%s=%llu", SCN_KEY_PAGE_SIZE,
			 (unsigned long long)bytes);
		*state = st;
		return 0;
	}
	scenario_err("scenario pagesize: '%s' is not 4k, 2m or 1g", value);
	return -EINVAL;
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	return next->emit(next, rec);
}

static size_t overrides(const void *state, const char **kv)
{
	kv[0] = ((const struct state *)state)->kv;
	return 1;
}

const struct scenario_ops scenario_pagesize = {
    .name = "pagesize",
    .value = "4k|2m|1g",
    .summary = "translate every mapping with 4 KiB, 2 MiB or 1 GiB pages",
    .help = "Records pass unchanged; the model's " SCN_KEY_PAGE_SIZE " is set. Assumes the\n"
	    "mappings could be backed by pages of that size (aligned, contiguous), as with\n"
	    "hugetlbfs or THP-backed buffers; a 4 KiB page's translation then covers the\n"
	    "whole large page.",
    .init = init,
    .push = push,
    .overrides = overrides,
    .free = free,
};
