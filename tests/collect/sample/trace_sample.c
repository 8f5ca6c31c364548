// SPDX-License-Identifier: GPL-2.0
/*
 * trace_sample.c - test helper: `trace_sample IN OUT N` writes the trace
 * `collect --sample N` would have taken of IN's events: the collector's
 * rule (svatrace.bpf.c sampled_out/qi_sampled_out) applied in user space.
 * A map, unmap or DMA record is kept when its IOVA page hashes to 0 mod N;
 * a page-selective invalidation (IOTLB/PASID-IOTLB page granularity,
 * device-TLB, PASID device-TLB) when the page it names does; every other
 * record is kept. OUT's meta is IN's with "sample": N, as the collector
 * writes it. Lets the replay tests compare a sampled trace with the whole.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/fields.h"
#include "trace/trace.h"

static unsigned int sample_n;

static int kept(uint64_t addr)
{
	uint64_t h = (addr >> 12) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32) % sample_n == 0;
}

static int keep(const struct trace_rec *rec)
{
	switch (rec->kind) {
	case TRACE_REC_IOMMU_MAP:
		return kept(((const struct trace_rec_iommu_map *)rec)->iova);
	case TRACE_REC_IOMMU_UNMAP:
		return kept(((const struct trace_rec_iommu_unmap *)rec)->iova);
	case TRACE_REC_DMA:
		return kept(((const struct trace_rec_dma *)rec)->dma_addr);
	case TRACE_REC_QI_SUBMIT: {
		const struct trace_rec_qi_submit *q = (const void *)rec;
		unsigned int type = q->qw[0] & 0xf, gran = (q->qw[0] >> 4) & 3;

		if (type == 3 || type == 7 || ((type == 2 || type == 6) && gran == 3))
			return kept(q->qw[1] & ~0xfffull);
		return 1;
	}
	default:
		return 1;
	}
}

/* @rec with OUT's string ids into @buf. */
static void remap(struct trace_reader *r, struct trace_writer *w, const struct trace_rec *rec,
		  uint8_t *buf)
{
	struct trace_rec *h = (void *)buf;
	size_t nf;
	const struct trace_field *f = trace_rec_fields(rec->kind, &nf);

	memcpy(buf, rec, rec->size_bytes);
	h->comm_id = h->comm_id ? trace_writer__intern(w, trace_reader__string(r, h->comm_id)) : 0;
	h->event_id =
	    h->event_id ? trace_writer__intern(w, trace_reader__string(r, h->event_id)) : 0;
	for (size_t i = 0; i < nf; i++) {
		uint32_t id;

		if (f[i].type != TRACE_F_STR || f[i].offset + 4u > h->size_bytes)
			continue;
		memcpy(&id, buf + f[i].offset, 4);
		id = id ? trace_writer__intern(w, trace_reader__string(r, id)) : 0;
		memcpy(buf + f[i].offset, &id, 4);
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[65536];
	const struct trace_rec *rec;
	struct trace_reader *r;
	struct trace_writer *w;
	json_t *meta;
	char *meta_txt;
	int err, rc;

	if (argc != 4 || (sample_n = (unsigned int)atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: trace_sample IN OUT N\n");
		return 2;
	}
	r = trace_reader__open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "%s\n", trace_open_errmsg());
		return 1;
	}
	meta = json_loads(trace_reader__meta_json(r), 0, NULL);
	json_object_set_new(meta, "sample", json_integer(sample_n));
	meta_txt = json_dumps(meta, JSON_COMPACT);
	w = trace_writer__open(argv[2], trace_reader__file_hdr(r)->clock,
			       trace_reader__file_hdr(r)->flags, meta_txt);
	if (!w) {
		perror(argv[2]);
		return 1;
	}
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		if (!keep(rec))
			continue;
		remap(r, w, rec, buf);
		if (trace_writer__append(w, (const void *)buf))
			break;
	}
	err = trace_writer__close(w);
	if (rc < 0 || err) {
		fprintf(stderr, "trace_sample: %s\n", trace_reader__errmsg(r));
		return 1;
	}
	trace_reader__close(r);
	json_decref(meta);
	free(meta_txt);
	return 0;
}
