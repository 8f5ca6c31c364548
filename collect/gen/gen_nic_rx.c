// SPDX-License-Identifier: GPL-2.0
/*
 * gen_nic_rx.c - a NIC receive ring as a Linux driver without page-pool
 * recycling drives the DMA API: every received packet's buffer is unmapped
 * (IOMMU unmap plus, in strict mode, a page-selective IOTLB invalidation
 * and with ATS a device-TLB invalidation) and a fresh buffer is mapped into
 * the ring slot.
 */
#include <errno.h>
#include <stdlib.h>

#include "collect/gen/gen-local.h"
#include "common/log.h"
#include "lib/prng.h"

#define IOVA_TOP 0x100000000ull	 /* Linux tries below the 32-bit DMA limit first */
#define IOVA_WINDOW (1ull << 30) /* fresh IOVAs wrap inside the top 1 GiB */
#define PHYS_BASE 0x200000000ull /* where buffer pages come from */
#define PHYS_POOL_PAGES 65536	 /* pages the buffer allocator cycles through */
#define DMA_FROM_DEVICE 2
#define IOMMU_WRITE 2

static const struct gen_param params[] = {
    {"duration", GEN_T_TIME, "ns", "100ms", 1, 0, NULL, "packets arrive in [0, duration)"},
    {"device", GEN_T_STR, "", "0000:03:00.0", 0, 0, NULL, "device name"},
    {"sid", GEN_T_COUNT, "", "0x300", 0, 65535, NULL,
     "requester id (bus:dev.fn) for device-TLB invalidations"},
    {"iommu", GEN_T_STR, "", "dmar0", 0, 0, NULL, "IOMMU unit name"},
    {"did", GEN_T_COUNT, "", "1", 0, 65535, NULL, "domain id in invalidations"},
    {"ring", GEN_T_ENTRIES, "", "256", 1, 65536, NULL, "RX ring entries (buffers mapped at once)"},
    {"buf_size", GEN_T_BYTES, "bytes", "2k", 64, 1048576, NULL,
     "buffer size mapped per ring entry"},
    {"pkt_size", GEN_T_BYTES, "bytes", "1500", 1, 1048576, NULL,
     "bytes the device writes per packet (dev_access)"},
    {"pps", GEN_T_RATE, "1/s", "1M", 1, 1e9, NULL, "packets per second"},
    {"arrival", GEN_T_CHOICE, "", "constant", 0, 0, "constant|poisson", "inter-arrival law"},
    {"ats", GEN_T_CHOICE, "", "off", 0, 0, "off|on",
     "device has an ATC: each unmap also invalidates it"},
    {"iova_reuse", GEN_T_CHOICE, "", "lifo", 0, 0, "lifo|fresh",
     "lifo: freed IOVAs are reused first (Linux IOVA rcache); fresh: top-down, never reused until "
     "wrap"},
    {"dev_access", GEN_T_CHOICE, "", "off", 0, 0, "off|on",
     "also emit the device's packet write (DEV_ACCESS)"},
    {"qi_wait", GEN_T_TIME, "ns", "0", 0, 0, NULL,
     "if > 0, emit a QI_WAIT of this length per flush"},
    {NULL},
};

static int check(const struct gen_cfg *cfg)
{
	if (gen_cfg_u64(cfg, "pkt_size") > gen_cfg_u64(cfg, "buf_size")) {
		svt_err("gen nic-rx: key 'pkt_size': larger than buf_size");
		return -EINVAL;
	}
	return 0;
}

struct state {
	const struct gen_out *out; /* sink */
	uint32_t dev_id, iommu_id, comm_id, did;
	uint16_t sid;
	uint64_t map_bytes; /* buffer rounded up to its IOVA allocation (pages, power of two) */
	uint64_t buf_bytes, pkt_bytes, qi_wait_ns;
	unsigned int am; /* log2 pages of a buffer */
	int ats, lifo, dev_access;
	uint64_t *free_iova; /* LIFO of freed IOVAs */
	size_t nr_free;
	uint64_t next_fresh; /* top-down cursor */
	uint64_t next_phys;  /* page counter of the buffer allocator */
};

static uint64_t alloc_iova(struct state *st)
{
	if (st->lifo && st->nr_free)
		return st->free_iova[--st->nr_free];
	if (st->next_fresh < IOVA_TOP - IOVA_WINDOW + st->map_bytes)
		st->next_fresh = IOVA_TOP;
	st->next_fresh -= st->map_bytes;
	return st->next_fresh;
}

static uint64_t alloc_phys(struct state *st)
{
	uint64_t pages = st->map_bytes / GEN_PAGE_BYTES;
	uint64_t p = PHYS_BASE + (st->next_phys % PHYS_POOL_PAGES) * GEN_PAGE_BYTES;

	st->next_phys += pages;
	return p;
}

static void hdr(struct state *st, struct trace_rec *h)
{
	h->pid = 0;
	h->comm_id = st->comm_id;
}

static int map_buf(struct state *st, uint64_t ts, uint64_t *iova, uint64_t *phys)
{
	struct trace_rec_iommu_map m;
	struct trace_rec_dma d;
	int rc;

	*iova = alloc_iova(st);
	*phys = alloc_phys(st);
	gen_rec_init(&m, TRACE_REC_IOMMU_MAP, sizeof(m), ts);
	hdr(st, &m.hdr);
	m.iova = *iova;
	m.paddr = *phys;
	m.size_bytes = st->map_bytes;
	m.device_id = st->dev_id;
	m.prot = IOMMU_WRITE;
	rc = gen_emit(st->out, &m);
	if (rc)
		return rc;
	/* the dma tracepoint fires after the mapping exists (kernel/dma/mapping.c) */
	gen_rec_init(&d, TRACE_REC_DMA, sizeof(d), ts);
	hdr(st, &d.hdr);
	d.phys = *phys;
	d.dma_addr = *iova;
	d.size_bytes = st->buf_bytes;
	d.device_id = st->dev_id;
	d.op = TRACE_DMA_MAP_PAGE;
	d.dir = DMA_FROM_DEVICE;
	return gen_emit(st->out, &d);
}

static int unmap_buf(struct state *st, uint64_t ts, uint64_t iova, uint64_t phys)
{
	struct trace_rec_iommu_unmap u;
	struct trace_rec_qi_submit q;
	struct trace_rec_qi_wait w;
	struct trace_rec_dma d;
	int rc;

	gen_rec_init(&u, TRACE_REC_IOMMU_UNMAP, sizeof(u), ts);
	hdr(st, &u.hdr);
	u.iova = iova;
	u.size_bytes = st->map_bytes;
	u.unmapped_bytes = st->map_bytes;
	u.device_id = st->dev_id;
	rc = gen_emit(st->out, &u);
	/* strict mode: iommu_iotlb_sync() right after the unmap */
	gen_rec_init(&q, TRACE_REC_QI_SUBMIT, sizeof(q), ts);
	hdr(st, &q.hdr);
	q.iommu_id = st->iommu_id;
	gen_qi_iotlb_psi(&q, st->did, iova, st->am);
	if (!rc)
		rc = gen_emit(st->out, &q);
	if (!rc && st->ats) {
		gen_rec_init(&q, TRACE_REC_QI_SUBMIT, sizeof(q), ts);
		hdr(st, &q.hdr);
		q.iommu_id = st->iommu_id;
		gen_qi_dev_tlb(&q, st->sid, iova, st->am);
		rc = gen_emit(st->out, &q);
	}
	if (!rc && st->qi_wait_ns) {
		gen_rec_init(&w, TRACE_REC_QI_WAIT, sizeof(w), ts);
		hdr(st, &w.hdr);
		w.wait_ns = st->qi_wait_ns;
		w.iommu_id = st->iommu_id;
		w.nr_desc = st->ats ? 2 : 1;
		rc = gen_emit(st->out, &w);
	}
	gen_rec_init(&d, TRACE_REC_DMA, sizeof(d), ts);
	hdr(st, &d.hdr);
	d.phys = phys;
	d.dma_addr = iova;
	d.size_bytes = st->buf_bytes;
	d.device_id = st->dev_id;
	d.op = TRACE_DMA_UNMAP_PAGE;
	d.dir = DMA_FROM_DEVICE;
	if (!rc)
		rc = gen_emit(st->out, &d);
	if (!rc && st->lifo)
		st->free_iova[st->nr_free++] = iova;
	return rc;
}

static int run(const struct gen_cfg *cfg, uint64_t seed, const struct gen_out *out)
{
	struct state st = {.out = out};
	uint64_t ring = gen_cfg_u64(cfg, "ring"), duration = gen_cfg_u64(cfg, "duration");
	double gap_ns = 1e9 / gen_cfg_real(cfg, "pps");
	int poisson = gen_cfg_is(cfg, "arrival", "poisson");
	uint64_t *iova, *phys;
	double t = 0;
	struct prng rng;
	int rc = 0;

	prng_seed(&rng, seed);
	st.dev_id = out->intern(out->ctx, gen_cfg_str(cfg, "device"));
	st.iommu_id = out->intern(out->ctx, gen_cfg_str(cfg, "iommu"));
	st.comm_id = out->intern(out->ctx, "ksoftirqd");
	st.did = (uint32_t)gen_cfg_u64(cfg, "did");
	st.sid = (uint16_t)gen_cfg_u64(cfg, "sid");
	st.buf_bytes = gen_cfg_u64(cfg, "buf_size");
	st.pkt_bytes = gen_cfg_u64(cfg, "pkt_size");
	st.qi_wait_ns = gen_cfg_u64(cfg, "qi_wait");
	st.am = gen_log2_pages(st.buf_bytes);
	/* IOVA allocations are whole pages, rounded to a power of two (alloc_iova_fast) */
	st.map_bytes = GEN_PAGE_BYTES << st.am;
	st.ats = gen_cfg_is(cfg, "ats", "on");
	st.lifo = gen_cfg_is(cfg, "iova_reuse", "lifo");
	st.dev_access = gen_cfg_is(cfg, "dev_access", "on");
	st.next_fresh = IOVA_TOP;
	iova = calloc(ring, sizeof(*iova));
	phys = calloc(ring, sizeof(*phys));
	st.free_iova = calloc(ring + 1, sizeof(*st.free_iova));
	if (!iova || !phys || !st.free_iova) {
		rc = -ENOMEM;
		goto out;
	}
	/* driver open: fill the ring */
	for (uint64_t i = 0; i < ring && !rc; i++)
		rc = map_buf(&st, 0, &iova[i], &phys[i]);
	/* constant arrivals start with the ring (duration / gap packets exactly) */
	t = poisson ? prng_exp(&rng, gap_ns) : 0;
	for (uint64_t k = 0; !rc && (uint64_t)t < duration; k++) {
		uint64_t ts = (uint64_t)t, slot = k % ring;

		if (st.dev_access) {
			struct trace_rec_dev_access a;

			gen_rec_init(&a, TRACE_REC_DEV_ACCESS, sizeof(a), ts);
			a.iova = iova[slot];
			a.size_bytes = (uint32_t)st.pkt_bytes;
			a.device_id = st.dev_id;
			a.pasid = TRACE_NO_PASID;
			a.dir = TRACE_DIR_WRITE;
			rc = gen_emit(out, &a);
		}
		if (!rc)
			rc = unmap_buf(&st, ts, iova[slot], phys[slot]);
		if (!rc)
			rc = map_buf(&st, ts, &iova[slot], &phys[slot]);
		t += poisson ? prng_exp(&rng, gap_ns) : gap_ns;
	}
out:
	free(iova);
	free(phys);
	free(st.free_iova);
	return rc;
}

const struct gen_kind gen_nic_rx = {
    .name = "nic-rx",
    .summary = "NIC receive ring: unmap + strict invalidation + map per packet",
    .assumptions =
	"One RX queue; the driver handles each packet when it arrives (no interrupt\n"
	"moderation) and refills the same ring slot at once: IOMMU unmap, page-selective\n"
	"IOTLB invalidation (strict mode), device-TLB invalidation if ats=on, DMA-API\n"
	"unmap, then IOMMU map + DMA-API map of a new buffer. IOVAs come top-down below\n"
	"4 GiB in power-of-two page multiples (Linux alloc_iova_fast); with\n"
	"iova_reuse=lifo a freed IOVA is handed out again first, as the per-CPU IOVA\n"
	"rcache does. Buffer pages cycle through a 256 MiB physical pool. The ring is\n"
	"filled at time 0; buffers still mapped at the end stay mapped.",
    .params = params,
    .check = check,
    .run = run,
};
