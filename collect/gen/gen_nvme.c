// SPDX-License-Identifier: GPL-2.0
/*
 * gen_nvme.c - an NVMe SSD driven at a fixed queue depth: every I/O maps its
 * scatterlist through the DMA API (one IOVA range, one IOMMU map per
 * physically contiguous segment), completes after a service time, and is
 * unmapped with a strict-mode invalidation; the slot then issues the next I/O
 * (closed loop).
 */
#include <errno.h>
#include <stdlib.h>

#include "collect/gen/gen-local.h"
#include "common/log.h"
#include "lib/prng.h"

#define IOVA_TOP 0x100000000ull	   /* below the 32-bit DMA limit first, as Linux does */
#define PHYS_BASE 0x300000000ull   /* page-cache pages come from here */
#define PHYS_POOL_PAGES (1u << 20) /* 4 GiB of candidate pages */
#define DMA_BIDI 0
#define DMA_TO_DEVICE 1
#define DMA_FROM_DEVICE 2

static const struct gen_param params[] = {
    {"duration", GEN_T_TIME, "ns", "100ms", 1, 0, NULL, "I/Os are issued in [0, duration)"},
    {"device", GEN_T_STR, "", "0000:04:00.0", 0, 0, NULL, "device name"},
    {"sid", GEN_T_COUNT, "", "0x400", 0, 65535, NULL, "requester id for device-TLB invalidations"},
    {"iommu", GEN_T_STR, "", "dmar0", 0, 0, NULL, "IOMMU unit name"},
    {"did", GEN_T_COUNT, "", "2", 0, 65535, NULL, "domain id in invalidations"},
    {"queues", GEN_T_COUNT, "", "1", 1, 1024, NULL, "submission queues (one per CPU)"},
    {"qd", GEN_T_ENTRIES, "", "32", 1, 65536, NULL, "outstanding I/Os per queue"},
    {"io_size", GEN_T_BYTES, "bytes", "4k", 512, 67108864, NULL, "bytes per I/O"},
    {"phys_contig", GEN_T_CHOICE, "", "off", 0, 0, "off|on",
     "on: an I/O's pages are physically contiguous (one IOMMU map); off: one map per 4 KiB page"},
    {"svc", GEN_T_TIME, "ns", "80us", 1, 0, NULL,
     "device service time (estimate: NAND read ~80 us, vendor datasheets)"},
    {"svc_dist", GEN_T_CHOICE, "", "fixed", 0, 0, "fixed|exp", "service time law (exp: mean svc)"},
    {"think", GEN_T_TIME, "ns", "0", 0, 0, NULL,
     "time between a completion and the slot's next I/O"},
    {"read_frac", GEN_T_REAL, "", "0.7", 0, 1, NULL, "fraction of reads (device writes memory)"},
    {"ats", GEN_T_CHOICE, "", "off", 0, 0, "off|on",
     "device has an ATC: unmaps also invalidate it"},
    {NULL},
};

struct state {
	const struct gen_out *out; /* sink */
	struct prng rng;	   /* one stream: the heap fixes event order */
	uint32_t dev_id, iommu_id, comm_id, did;
	uint16_t sid;
	uint64_t io_bytes;    /* bytes per I/O */
	uint64_t nr_pages;    /* 4 KiB pages per I/O */
	uint64_t range_bytes; /* IOVA allocation: pages rounded to a power of two */
	unsigned int am;      /* log2 of that page count */
	double read_frac;     /* P(read) */
	int contig, ats;      /* decoded choices */
	uint64_t *free_iova;  /* LIFO of freed ranges (rcache) */
	size_t nr_free;	      /* entries in free_iova */
	uint64_t next_iova;   /* top-down cursor */
};

enum { EV_ISSUE = 0, EV_COMPLETE = 1 };

static int emit_dma(struct state *st, uint64_t ts, uint16_t op, uint8_t dir, uint64_t phys,
		    uint64_t iova, uint64_t len)
{
	struct trace_rec_dma d;

	gen_rec_init(&d, TRACE_REC_DMA, sizeof(d), ts);
	d.hdr.comm_id = st->comm_id;
	d.phys = phys;
	d.dma_addr = iova;
	d.size_bytes = len;
	d.device_id = st->dev_id;
	d.op = op;
	d.dir = dir;
	return gen_emit(st->out, &d);
}

/* Physical page @i of an I/O whose first page is @phys0. */
static uint64_t page_phys(const struct state *st, uint64_t phys0, uint64_t i)
{
	if (st->contig)
		return phys0 + i * GEN_PAGE_BYTES;
	/* scattered page-cache pages: 8 pages apart, so no two are adjacent */
	return PHYS_BASE +
	       ((phys0 - PHYS_BASE) / GEN_PAGE_BYTES + i * 8) % PHYS_POOL_PAGES * GEN_PAGE_BYTES;
}

static uint64_t seg_bytes(const struct state *st, uint64_t i)
{
	uint64_t left = st->io_bytes - i * GEN_PAGE_BYTES;

	return left < GEN_PAGE_BYTES ? left : GEN_PAGE_BYTES;
}

/* dma_map_sg: one IOVA range; one IOMMU map per physically contiguous run. */
static int issue(struct state *st, uint64_t ts, struct gen_ev *ev)
{
	struct trace_rec_iommu_map m;
	uint64_t iova, phys0;
	uint8_t dir = prng_double(&st->rng) < st->read_frac ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	int rc = 0;

	if (st->nr_free) {
		iova = st->free_iova[--st->nr_free];
	} else {
		st->next_iova -= st->range_bytes;
		iova = st->next_iova;
	}
	phys0 = PHYS_BASE +
		prng_below(&st->rng, PHYS_POOL_PAGES / ((uint64_t)1 << st->am)) * st->range_bytes;
	for (uint64_t i = 0; i < st->nr_pages && !rc; i += st->contig ? st->nr_pages : 1) {
		gen_rec_init(&m, TRACE_REC_IOMMU_MAP, sizeof(m), ts);
		m.hdr.comm_id = st->comm_id;
		m.iova = iova + i * GEN_PAGE_BYTES;
		m.paddr = page_phys(st, phys0, i);
		m.size_bytes = st->contig ? st->nr_pages * GEN_PAGE_BYTES : GEN_PAGE_BYTES;
		m.device_id = st->dev_id;
		m.prot = dir == DMA_FROM_DEVICE ? 2 : 1; /* IOMMU_WRITE : IOMMU_READ */
		rc = gen_emit(st->out, &m);
	}
	for (uint64_t i = 0; i < st->nr_pages && !rc; i++)
		rc = emit_dma(st, ts, TRACE_DMA_MAP_SG, dir, page_phys(st, phys0, i),
			      iova + i * GEN_PAGE_BYTES, seg_bytes(st, i));
	ev->a = iova;
	ev->b = phys0;
	ev->c = dir;
	return rc;
}

static int complete(struct state *st, const struct gen_ev *ev)
{
	struct trace_rec_iommu_unmap u;
	struct trace_rec_qi_submit q;
	uint64_t iova = ev->a;
	int rc;

	gen_rec_init(&u, TRACE_REC_IOMMU_UNMAP, sizeof(u), ev->ts_ns);
	u.hdr.comm_id = st->comm_id;
	u.iova = iova;
	u.size_bytes = st->nr_pages * GEN_PAGE_BYTES;
	u.unmapped_bytes = st->nr_pages * GEN_PAGE_BYTES;
	u.device_id = st->dev_id;
	rc = gen_emit(st->out, &u);
	gen_rec_init(&q, TRACE_REC_QI_SUBMIT, sizeof(q), ev->ts_ns);
	q.hdr.comm_id = st->comm_id;
	q.iommu_id = st->iommu_id;
	gen_qi_iotlb_psi(&q, st->did, iova, st->am);
	if (!rc)
		rc = gen_emit(st->out, &q);
	if (!rc && st->ats) {
		gen_rec_init(&q, TRACE_REC_QI_SUBMIT, sizeof(q), ev->ts_ns);
		q.hdr.comm_id = st->comm_id;
		q.iommu_id = st->iommu_id;
		gen_qi_dev_tlb(&q, st->sid, iova, st->am);
		rc = gen_emit(st->out, &q);
	}
	for (uint64_t i = 0; i < st->nr_pages && !rc; i++)
		rc = emit_dma(st, ev->ts_ns, TRACE_DMA_UNMAP_SG, (uint8_t)ev->c,
			      page_phys(st, ev->b, i), iova + i * GEN_PAGE_BYTES, seg_bytes(st, i));
	st->free_iova[st->nr_free++] = iova;
	return rc;
}

static int run(const struct gen_cfg *cfg, uint64_t seed, const struct gen_out *out)
{
	struct state st = {.out = out};
	uint64_t duration = gen_cfg_u64(cfg, "duration"), svc = gen_cfg_u64(cfg, "svc");
	uint64_t think = gen_cfg_u64(cfg, "think");
	uint64_t slots = gen_cfg_u64(cfg, "queues") * gen_cfg_u64(cfg, "qd");
	int svc_exp = gen_cfg_is(cfg, "svc_dist", "exp");
	struct heap h = HEAP_INIT(struct gen_ev);
	struct gen_ev ev;
	int rc = 0;

	prng_seed(&st.rng, seed);
	st.dev_id = out->intern(out->ctx, gen_cfg_str(cfg, "device"));
	st.iommu_id = out->intern(out->ctx, gen_cfg_str(cfg, "iommu"));
	st.comm_id = out->intern(out->ctx, "fio");
	st.did = (uint32_t)gen_cfg_u64(cfg, "did");
	st.sid = (uint16_t)gen_cfg_u64(cfg, "sid");
	st.io_bytes = gen_cfg_u64(cfg, "io_size");
	st.nr_pages = (st.io_bytes + GEN_PAGE_BYTES - 1) / GEN_PAGE_BYTES;
	st.am = gen_log2_pages(st.io_bytes);
	st.range_bytes = GEN_PAGE_BYTES << st.am;
	st.read_frac = gen_cfg_real(cfg, "read_frac");
	st.contig = gen_cfg_is(cfg, "phys_contig", "on");
	st.ats = gen_cfg_is(cfg, "ats", "on");
	st.next_iova = IOVA_TOP;
	st.free_iova = calloc(slots, sizeof(*st.free_iova));
	if (!st.free_iova)
		return -ENOMEM;
	for (uint64_t i = 0; i < slots && !rc; i++) {
		ev = (struct gen_ev){.ts_ns = 0, .who = (uint32_t)i, .what = EV_ISSUE};
		rc = heap__push(&h, &ev);
	}
	while (!rc && heap__pop(&h, &ev)) {
		if (ev.what == EV_COMPLETE) {
			rc = complete(&st, &ev);
			if (!rc && ev.ts_ns + think < duration) {
				ev.ts_ns += think;
				ev.what = EV_ISSUE;
				rc = heap__push(&h, &ev);
			}
			continue;
		}
		rc = issue(&st, ev.ts_ns, &ev);
		if (!rc) {
			ev.ts_ns +=
			    svc_exp ? (uint64_t)(prng_exp(&st.rng, (double)svc) + 0.5) : svc;
			ev.what = EV_COMPLETE;
			rc = heap__push(&h, &ev);
		}
	}
	heap__release(&h);
	free(st.free_iova);
	return rc;
}

const struct gen_kind gen_nvme = {
    .name = "nvme",
    .summary = "NVMe block I/O at a fixed queue depth: dma_map_sg / unmap per I/O",
    .assumptions =
	"Closed loop: each of queues x qd slots issues an I/O, which completes after\n"
	"'svc', and issues the next one 'think' later (IOPS = slots / (svc + think) with\n"
	"fixed service). The I/O's buffer is mapped with dma_map_sg: one IOVA range\n"
	"(pages rounded up to a power of two, top-down below 4 GiB, freed ranges reused\n"
	"LIFO as the IOVA rcache does), one IOMMU map per physically contiguous run and\n"
	"one DMA record per scatterlist entry (4 KiB pages). Completion unmaps the\n"
	"range with a strict-mode page-selective IOTLB invalidation (and a device-TLB\n"
	"invalidation with ats=on). Reads make the device write memory.",
    .params = params,
    .run = run,
};
