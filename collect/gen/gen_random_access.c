// SPDX-License-Identifier: GPL-2.0
/*
 * gen_random_access.c - a device touching pages of a footprint at random
 * (uniform or Zipf): DEV_ACCESS records, optionally bracketed by one IOMMU
 * map of the whole footprint at the start and its unmap at the end. The
 * workload for IOTLB reach, page-size and pinned-vs-faulting studies.
 */
#include <errno.h>
#include <stdlib.h>

#include "collect/gen/gen-local.h"
#include "common/log.h"
#include "lib/prng.h"

static const struct gen_param params[] = {
    {"duration", GEN_T_TIME, "ns", "10ms", 1, 0, NULL, "accesses happen in [0, duration)"},
    {"device", GEN_T_STR, "", "0000:05:00.0", 0, 0, NULL, "device name"},
    {"iommu", GEN_T_STR, "", "dmar0", 0, 0, NULL, "IOMMU unit name (for the final invalidation)"},
    {"did", GEN_T_COUNT, "", "3", 0, 65535, NULL, "domain id in the final invalidation"},
    {"pasid", GEN_T_COUNT, "", "1", 0, 1048575, NULL, "PASID of the accesses; 0: none (RID only)"},
    {"base", GEN_T_BYTES, "bytes", "1g", 0, 0, NULL,
     "first address of the footprint (4 KiB aligned)"},
    {"footprint", GEN_T_BYTES, "bytes", "64m", 4096, 0, NULL, "bytes the accesses cover"},
    {"page", GEN_T_BYTES, "bytes", "4k", 4096, 1073741824.0, NULL,
     "granule the distribution ranks (pages)"},
    {"dist", GEN_T_CHOICE, "", "uniform", 0, 0, "uniform|zipf", "which page each access touches"},
    {"zipf_s", GEN_T_REAL, "", "0.99", 0.01, 10, NULL, "Zipf exponent"},
    {"scatter", GEN_T_CHOICE, "", "on", 0, 0, "on|off",
     "on: Zipf ranks map to pages by a fixed permutation; off: rank 1 is the first page"},
    {"access_size", GEN_T_BYTES, "bytes", "64", 1, 4096, NULL,
     "bytes per access (aligned to itself)"},
    {"rate", GEN_T_RATE, "1/s", "10M", 1, 1e10, NULL, "accesses per second"},
    {"arrival", GEN_T_CHOICE, "", "constant", 0, 0, "constant|poisson", "inter-arrival law"},
    {"read_frac", GEN_T_REAL, "", "1", 0, 1, NULL, "fraction of reads"},
    {"map", GEN_T_CHOICE, "", "on", 0, 0, "on|off",
     "on: IOMMU map of the footprint at 0 and unmap + invalidation at the end (pinned style)"},
    {NULL},
};

static int check(const struct gen_cfg *cfg)
{
	uint64_t page = gen_cfg_u64(cfg, "page"), fp = gen_cfg_u64(cfg, "footprint");

	if (page & (page - 1)) {
		svt_err("gen random-access: key 'page': %llu is not a power of two",
			(unsigned long long)page);
		return -EINVAL;
	}
	if (fp % page) {
		svt_err("gen random-access: key 'footprint': not a multiple of page (%llu)",
			(unsigned long long)page);
		return -EINVAL;
	}
	if (gen_cfg_u64(cfg, "base") % GEN_PAGE_BYTES) {
		svt_err("gen random-access: key 'base': not 4 KiB aligned");
		return -EINVAL;
	}
	if (gen_cfg_u64(cfg, "access_size") & (gen_cfg_u64(cfg, "access_size") - 1)) {
		svt_err("gen random-access: key 'access_size': not a power of two");
		return -EINVAL;
	}
	return 0;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static int run(const struct gen_cfg *cfg, uint64_t seed, const struct gen_out *out)
{
	uint64_t duration = gen_cfg_u64(cfg, "duration"), base = gen_cfg_u64(cfg, "base");
	uint64_t fp = gen_cfg_u64(cfg, "footprint"), page = gen_cfg_u64(cfg, "page");
	uint64_t asz = gen_cfg_u64(cfg, "access_size"), nr_pages = fp / page, mult = 1;
	uint64_t slots = page / asz;
	uint32_t pasid =
	    gen_cfg_u64(cfg, "pasid") ? (uint32_t)gen_cfg_u64(cfg, "pasid") : TRACE_NO_PASID;
	uint32_t dev_id = out->intern(out->ctx, gen_cfg_str(cfg, "device"));
	int zipf = gen_cfg_is(cfg, "dist", "zipf"), poisson = gen_cfg_is(cfg, "arrival", "poisson");
	int map = gen_cfg_is(cfg, "map", "on");
	double gap_ns = 1e9 / gen_cfg_real(cfg, "rate"), rf = gen_cfg_real(cfg, "read_frac");
	struct prng_zipf z;
	struct prng rng;
	double t = 0;
	int rc = 0;

	prng_seed(&rng, seed);
	if (zipf && prng_zipf_init(&z, nr_pages, gen_cfg_real(cfg, "zipf_s")))
		return -EINVAL;
	if (zipf && gen_cfg_is(cfg, "scatter", "on")) {
		/* rank -> page by i * mult mod n, a bijection when gcd(mult, n) = 1 */
		mult = (uint64_t)((double)nr_pages * 0.6180339887) | 1;
		while (gcd(mult, nr_pages) != 1)
			mult += 2;
		mult %= nr_pages ? nr_pages : 1;
		if (!mult)
			mult = 1;
	}
	if (map) {
		struct trace_rec_iommu_map m;

		gen_rec_init(&m, TRACE_REC_IOMMU_MAP, sizeof(m), 0);
		m.iova = base;
		m.paddr = 0x400000000ull;
		m.size_bytes = fp;
		m.device_id = dev_id;
		m.prot = 3; /* IOMMU_READ | IOMMU_WRITE */
		rc = gen_emit(out, &m);
	}
	for (; !rc && (uint64_t)t < duration; t += poisson ? prng_exp(&rng, gap_ns) : gap_ns) {
		struct trace_rec_dev_access a;
		uint64_t pg =
		    zipf ? (prng_zipf(&z, &rng) - 1) * mult % nr_pages : prng_below(&rng, nr_pages);

		gen_rec_init(&a, TRACE_REC_DEV_ACCESS, sizeof(a), (uint64_t)t);
		a.iova = base + pg * page + prng_below(&rng, slots) * asz;
		a.size_bytes = (uint32_t)asz;
		a.device_id = dev_id;
		a.pasid = pasid;
		a.dir = prng_double(&rng) < rf ? TRACE_DIR_READ : TRACE_DIR_WRITE;
		rc = gen_emit(out, &a);
	}
	if (map && !rc) {
		struct trace_rec_iommu_unmap u;
		struct trace_rec_qi_submit q;

		gen_rec_init(&u, TRACE_REC_IOMMU_UNMAP, sizeof(u), duration);
		u.iova = base;
		u.size_bytes = fp;
		u.unmapped_bytes = fp;
		u.device_id = dev_id;
		rc = gen_emit(out, &u);
		gen_rec_init(&q, TRACE_REC_QI_SUBMIT, sizeof(q), duration);
		q.iommu_id = out->intern(out->ctx, gen_cfg_str(cfg, "iommu"));
		gen_qi_iotlb_psi(&q, (uint32_t)gen_cfg_u64(cfg, "did"), base, gen_log2_pages(fp));
		if (!rc)
			rc = gen_emit(out, &q);
	}
	return rc;
}

const struct gen_kind gen_random_access = {
    .name = "random-access",
    .summary = "device accesses to uniform or Zipf pages over a footprint",
    .assumptions = "Each access picks a page (uniform, or Zipf by rank with a fixed scattering\n"
		   "permutation) and an access_size-aligned offset in it; one DEV_ACCESS record\n"
		   "per access at a constant or Poisson rate. With map=on the footprint is mapped\n"
		   "by one IOMMU map at time 0 and unmapped at 'duration' with one page-selective\n"
		   "invalidation covering it (rounded up to a power of two of pages).",
    .params = params,
    .check = check,
    .run = run,
};
