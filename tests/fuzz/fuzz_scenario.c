// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_scenario.c - libFuzzer target for scenario specs: the input up to the
 * first newline is the spec (as given to --scenario); a chain that builds
 * gets a few map/unmap records whose addresses and sizes come from the rest
 * of the input, then the end of stream. Parsing and the transforms must not
 * crash, hang or trip a sanitizer on any of it.
 */
#include <stdlib.h>
#include <string.h>

#include "replay/scenario.h"
#include "tests/fuzz/fuzz_common.h"

static int out_emit(void *ctx, const struct trace_rec *rec)
{
	(void)ctx;
	(void)rec;
	return 0;
}

static uint32_t out_intern(void *ctx, const char *s)
{
	(void)ctx;
	return 1 + (uint32_t)(strlen(s) & 0xff);
}

static const char *out_string(void *ctx, uint32_t id)
{
	(void)ctx;
	return id ? "dev0" : NULL;
}

static uint64_t take_u64(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *p < end; i++)
		v |= (uint64_t) * (*p)++ << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct scenario_out out = {out_emit, out_intern, out_string, NULL};
	const uint8_t *nl = memchr(data, '\n', size), *p, *end = data + size;
	size_t spec_len = nl ? (size_t)(nl - data) : size;
	struct scenario_chain *c;
	char *spec, err[256];
	int n = 0;

	svt_log_set_fn(fuzz_quiet);
	if (spec_len > 4096)
		return 0;
	spec = strndup((const char *)data, spec_len);
	if (!spec)
		return 0;
	c = scenario_chain__new(spec, 1, &out, err, sizeof(err));
	free(spec);
	if (!c)
		return 0;
	/* Records: 8 bytes time step, then iova and size; the record count is
	 * bounded so one input is one bounded amount of work. */
	p = nl ? nl + 1 : end;
	for (uint64_t ts = 0; p < end && n < 64; n++) {
		struct trace_rec_iommu_map m = {0};

		ts += take_u64(&p, end) & 0xffffffff;
		m.hdr.ts_ns = ts;
		m.hdr.kind = (n & 3) == 3 ? TRACE_REC_IOMMU_UNMAP : TRACE_REC_IOMMU_MAP;
		m.hdr.size_bytes = (uint16_t)trace_rec_fixed_size[m.hdr.kind];
		m.iova = take_u64(&p, end) & ~0xfffULL;
		m.size_bytes = (take_u64(&p, end) & 0xffffff) | 0x1000;
		m.device_id = 1;
		if (m.hdr.kind == TRACE_REC_IOMMU_UNMAP) {
			struct trace_rec_iommu_unmap u = {.hdr = m.hdr};

			u.iova = m.iova;
			u.size_bytes = m.size_bytes;
			u.unmapped_bytes = m.size_bytes;
			u.device_id = 1;
			if (scenario_chain__push(c, &u.hdr))
				break;
		} else if (scenario_chain__push(c, &m.hdr)) {
			break;
		}
	}
	(void)scenario_chain__finish(c);
	scenario_chain__free(c);
	return 0;
}
