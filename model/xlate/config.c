// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - the model parameter table: every knob of the translation model
 * with its unit, default, source and bounds, and the cross-field check.
 * data/profiles/default.ini repeats these defaults with the same sources
 * (a unit test keeps the two equal).
 *
 * Model assumptions: none here (see model.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"

#define F(field) offsetof(struct model_cfg, field)
#define U64MAX 1.8e19
#define NS_MAX 1e15 /* about 11 days: larger is a typo */

/* Sources quoted in defaults. */
#define SRC_HYPERSIO "HyperSIO (ISCA'20)"
#define SRC_PCIEBENCH "Neugebauer et al., pcie-bench (SIGCOMM'18)"
#define SRC_LINUX_FQ "Linux iova flush queue (IOVA_FQ_SIZE 256, IOVA_FQ_TIMEOUT 10 ms)"
#define SRC_CALIB "derived: medians of the bdw/ib/snb local profiles (docs/calibration.md)"
#define SRC_QI_WAIT                                                                                \
	"estimate: bare-metal VT-d, about 1 us per wait (queue round trip; no published "          \
	"measurement used; sensitivity table in docs/model.md); under a vIOMMU 7-11 us "           \
	"(qemu-vtd.ini)"
#define SRC_VIOMMU                                                                                 \
	"vIOMMU measurements: qi_submit_sync 7-11 us at low core counts, __iommu_map/unmap 1-2 us"

static const struct param_def model_defs[] = {
    {"model.seed", PARAM_U64, "", "1", "estimate: any fixed seed; --seed overrides", F(seed), 0,
     U64MAX, NULL, "seed of every random choice (random replacement, fault service)"},
    {"model.mode", PARAM_ENUM, "", "pinned", "estimate: classic DMA-API path", F(mode), 0, 0,
     "pinned|faulting",
     "pinned: accessed pages are present; faulting: SVA, first touch faults via PRI"},
    {"model.resident_fraction", PARAM_DOUBLE, "", "0", "estimate", F(resident_fraction), 0, 1, NULL,
     "faulting mode: probability a first-touched page is already resident"},
    {"pt.page_bytes", PARAM_U64, "bytes", "4096", SRC_PCIEBENCH " (4 KiB baseline)", F(page_bytes),
     4096, 1073741824.0, NULL, "mapping page size: 4096, 2M or 1G"},
    {"pt.levels", PARAM_U32, "levels", "4",
     "Intel VT-d spec: 4-level (48-bit) tables, 5-level optional; AMD-Vi v1 tables: 3 levels "
     "below 512 GiB of IOVA (Linux DEFAULT_PGTABLE_LEVEL)",
     F(pt_levels), 3, 5, NULL, "page-table levels of the (first-stage) walk"},
    {"pt.nested", PARAM_BOOL, "", "off", "estimate: bare metal", F(nested), 0, 1, NULL,
     "nested (guest over host) two-dimensional walks"},
    {"pt.host_levels", PARAM_U32, "levels", "4", "Intel VT-d spec: 4-level second stage",
     F(host_levels), 4, 5, NULL, "nested: levels of the host (second-stage) table"},
    {"pt.scalable", PARAM_BOOL, "", "on",
     "scripts/qemu-vtd.sh: the bundled QEMU trace's guest runs intel_iommu=on,sm_on", F(scalable),
     0, 1, NULL, "scalable mode: PASID directory and table reads on a PASID-cache miss"},
    {"iotlb.entries", PARAM_U32, "entries", "128", SRC_CALIB, F(iotlb_entries), 1, 1 << 24, NULL,
     "IOTLB entries"},
    {"iotlb.ways", PARAM_U32, "ways", "8",
     "estimate: pcie-bench's random stream cannot tell the organisation; 8 as " SRC_HYPERSIO,
     F(iotlb_ways), 1, 1 << 24, NULL,
     "ways per set (= entries: fully associative, 1: direct mapped)"},
    {"iotlb.policy", PARAM_ENUM, "", "lru", SRC_HYPERSIO, F(iotlb_policy), 0, 0,
     IOTLB_POLICY_CHOICES, "replacement policy"},
    {"iotlb.set_index", PARAM_ENUM, "", "ctx-hash",
     "estimate: hardware set hashes are not published; ctx-hash = page number + Fibonacci hash "
     "of (domain, PASID), Knuth TAOCP 6.4 (model/xlate/iotlb.h)",
     F(set_index), 0, 0, "ctx-hash|page",
     "set index of the IOTLB, every PWC level and the ATC: ctx-hash or plain page number"},
    {"iotlb.hit_ns", PARAM_U64, "ns", "2", SRC_HYPERSIO, F(iotlb_hit_ns), 0, NS_MAX, NULL,
     "IOTLB lookup time"},
    {"pwc.entries", PARAM_U32, "entries", "16",
     "estimate: gem5 SMMUv3 has per-level walk caches; size assumed", F(pwc_entries), 1, 1 << 20,
     NULL, "entries of each paging-structure cache level"},
    {"pwc.ways", PARAM_U32, "ways", "4", "estimate", F(pwc_ways), 1, 1 << 20, NULL,
     "ways of each paging-structure cache level"},
    {"pwc.l2_entries", PARAM_U32, "entries", "64", SRC_CALIB, F(pwc_lvl_entries[2]), 0, 1 << 20,
     NULL,
     "level-2 (PDE) cache, each entry reaching 2 MiB: own fully associative size (0: pwc.entries)"},
    {"pwc.l3_entries", PARAM_U32, "entries", "0", "estimate: 0 = pwc.entries/pwc.ways",
     F(pwc_lvl_entries[3]), 0, 1 << 20, NULL,
     "level-3 (PDPE) cache, each entry reaching 1 GiB: own fully associative size (0: "
     "pwc.entries)"},
    {"pwc.l4_entries", PARAM_U32, "entries", "0", "estimate: 0 = pwc.entries/pwc.ways",
     F(pwc_lvl_entries[4]), 0, 1 << 20, NULL,
     "level-4 (PML4E) cache, each entry reaching 512 GiB: own fully associative size (0: "
     "pwc.entries)"},
    {"pwc.l5_entries", PARAM_U32, "entries", "0", "estimate: 0 = pwc.entries/pwc.ways",
     F(pwc_lvl_entries[5]), 0, 1 << 20, NULL,
     "level-5 (PML5E) cache: own fully associative size (0: pwc.entries)"},
    {"cc.entries", PARAM_U32, "entries", "32", "estimate", F(cc_entries), 1, 1 << 16, NULL,
     "context cache entries (fully associative)"},
    {"pasidc.entries", PARAM_U32, "entries", "64", "estimate", F(pasidc_entries), 1, 1 << 16, NULL,
     "PASID cache entries (fully associative)"},
    {"mem.read_ns", PARAM_U64, "ns", "73", SRC_CALIB, F(mem_read_ns), 0, NS_MAX, NULL,
     "one page-table memory read (tables in memory local to the IOMMU)"},
    {"mem.remote_extra_ns", PARAM_U64, "ns", "0",
     "estimate: 0 (single socket); calibrate sets the IOMMU-off remote-local difference",
     F(mem_remote_extra_ns), 0, NS_MAX, NULL,
     "added to each page-table read when pt.remote is on (tables in the other socket's memory)"},
    {"pt.remote", PARAM_BOOL, "", "off", "estimate: page tables in local memory", F(pt_remote), 0,
     1, NULL,
     "page tables (and the buffer) in the other socket's memory: reads cost mem.remote_extra_ns "
     "more"},
    {"walk.fixed_ns", PARAM_U64, "ns", "215", SRC_CALIB, F(walk_fixed_ns), 0, NS_MAX, NULL,
     "per-walk overhead besides memory reads (miss handling)"},
    {"walk.walkers", PARAM_U32, "walkers", "4", "estimate", F(walkers), 1, 4096, NULL,
     "page walks in flight at once; more wait in FIFO order"},
    {"walk.leaf_serial", PARAM_BOOL, "", "off",
     "estimate: off; `calibrate throughput` selects it per machine from the throughput curve "
     "(on: Sandy Bridge only, docs/calibration.md)",
     F(walk_leaf_serial), 0, 1, NULL,
     "a walk that needs the same leaf page table (PDE) as a walk in flight waits for it to end"},
    {"ats.enabled", PARAM_BOOL, "", "off", SRC_PCIEBENCH " (devices measured without ATS)", F(ats),
     0, 1, NULL, "devices translate through ATS into a per-device ATC"},
    {"ats.devices", PARAM_ENUM, "", "trace",
     "Linux 6.1 iommu_flush_dev_iotlb: device-TLB invalidations go only to devices with ATS "
     "enabled",
     F(ats_devices), 0, 0, "trace|all",
     "with ats.enabled: trace = the devices whose source ids the trace's device-TLB "
     "invalidations name (none when it flushes domains without any; all when it has no "
     "domain flush); all = every device (a what-if)"},
    {"atc.entries", PARAM_U32, "entries", "32",
     "estimate: like gem5 SMMUv3 micro-TLB (32, fully assoc.)", F(atc_entries), 1, 1 << 20, NULL,
     "ATC (device TLB) entries per device"},
    {"atc.ways", PARAM_U32, "ways", "32", "estimate: like gem5 SMMUv3 micro-TLB", F(atc_ways), 1,
     1 << 20, NULL, "ATC ways"},
    {"atc.policy", PARAM_ENUM, "", "lru", "estimate", F(atc_policy), 0, 0, IOTLB_POLICY_CHOICES,
     "ATC replacement policy"},
    {"atc.hit_ns", PARAM_U64, "ns", "2", "estimate: as an IOTLB hit (" SRC_HYPERSIO ")",
     F(atc_hit_ns), 0, NS_MAX, NULL, "ATC lookup time"},
    {"pcie.one_way_ns", PARAM_U64, "ns", "450", SRC_HYPERSIO, F(pcie_one_way_ns), 0, NS_MAX, NULL,
     "PCIe one-way latency of a request or completion"},
    {"ats.inval_dev_ns", PARAM_U64, "ns", "1000", "estimate", F(ats_inval_dev_ns), 0, NS_MAX, NULL,
     "device time to process an ATS invalidation request"},
    {"pri.prq_entries", PARAM_U32, "entries", "2048",
     "Linux intel PRQ: (4096 << PRQ_ORDER 4) / 32-byte descriptors", F(prq_entries), 1, 1 << 24,
     NULL, "page request queue depth; a full queue auto-responds and the device retries"},
    {"pri.outstanding", PARAM_U32, "requests", "2048",
     "Linux intel iommu: pci_enable_pri(pdev, PRQ_DEPTH)", F(pri_outstanding), 1, 1 << 24, NULL,
     "outstanding page requests per device"},
    {"pri.handlers", PARAM_U32, "threads", "0",
     "Linux iopf_queue_alloc: alloc_workqueue(WQ_UNBOUND), max_active = CPUs; 0 = host.cpus",
     F(pri_handlers), 0, 4096, NULL,
     "fault handlers running at once (iopf work items); 0: host.cpus (explicit override "
     "otherwise)"},
    {"pri.dispatch_ns", PARAM_U64, "ns", "2000", "estimate: PRQ interrupt + thread wakeup",
     F(pri_dispatch_ns), 0, NS_MAX, NULL, "page request arrival to page-request thread start"},
    {"pri.thread_ns", PARAM_U64, "ns", "500",
     "estimate: Linux prq_event_thread per descriptor (read, iopf_fault alloc, "
     "iommu_report_device_fault)",
     F(pri_thread_ns), 0, NS_MAX, NULL,
     "serial stage: page-request thread time per request; the PRQ slot frees when it is done"},
    {"host.cpus", PARAM_U32, "CPUs", "0",
     "the trace: host snapshot 'cpus', else the highest CPU number seen + 1", F(host_cpus), 0,
     1 << 20, NULL, "CPUs of the traced host (fault-handling concurrency); 0: from the trace"},
    {"fault.minor_ns", PARAM_U64, "ns", "1500", "estimate: handle_mm_fault on a resident/zero page",
     F(fault_minor_ns), 0, NS_MAX, NULL, "mean minor fault service time"},
    {"fault.major_ns", PARAM_U64, "ns", "100000", "estimate: one NVMe page read", F(fault_major_ns),
     0, NS_MAX, NULL, "mean major fault service time"},
    {"fault.major_fraction", PARAM_DOUBLE, "", "0", "estimate", F(fault_major_fraction), 0, 1, NULL,
     "probability that a fault is major"},
    {"fault.dist", PARAM_ENUM, "", "exp", "estimate", F(fault_dist), 0, 0, "fixed|exp|uniform",
     "distribution of fault service times around their mean (seeded)"},
    {"pri.retry_ns", PARAM_U64, "ns", "500", "estimate", F(pri_retry_ns), 0, NS_MAX, NULL,
     "device delay between a page response and its retry"},
    {"pri.max_retries", PARAM_U32, "retries", "16", "estimate", F(pri_max_retries), 0, 1 << 20,
     NULL, "retries after overflow before the device reports failure"},
    {"pin.page_ns", PARAM_U64, "ns", "22", "get_user_pages_fast on present pages: 22 ns/page",
     F(pin_page_ns), 0, NS_MAX, NULL, "pinning cost per page"},
    {"map.call_ns", PARAM_U64, "ns", "1500", SRC_VIOMMU, F(map_call_ns), 0, NS_MAX, NULL,
     "iommu map cost per call"},
    {"map.page_ns", PARAM_U64, "ns", "10", "estimate: one PTE write", F(map_page_ns), 0, NS_MAX,
     NULL, "iommu map cost per page"},
    {"unmap.call_ns", PARAM_U64, "ns", "1500", SRC_VIOMMU, F(unmap_call_ns), 0, NS_MAX, NULL,
     "iommu unmap cost per call (without invalidation wait)"},
    {"unmap.page_ns", PARAM_U64, "ns", "10", "estimate: one PTE clear", F(unmap_page_ns), 0, NS_MAX,
     NULL, "iommu unmap cost per page"},
    {"inval.mode", PARAM_ENUM, "", "lazy", "Linux x86 default (IOMMU_DEFAULT_DMA_LAZY)",
     F(inval_mode), 0, 0, "strict|lazy",
     "strict: invalidate and wait per unmap; lazy: flush queue"},
    {"inval.source", PARAM_ENUM, "", "auto", "estimate", F(inval_source), 0, 0, "auto|trace|model",
     "trace: apply the trace's qi_submit descriptors; model: derive from unmaps; auto: trace if it "
     "has any"},
    {"inval.fq_entries", PARAM_U32, "entries", "256", SRC_LINUX_FQ, F(fq_entries), 1, 1 << 20, NULL,
     "lazy: flush queue entries per CPU"},
    {"inval.fq_timeout_ns", PARAM_U64, "ns", "10000000", SRC_LINUX_FQ, F(fq_timeout_ns), 1, NS_MAX,
     NULL, "lazy: flush queue timeout"},
    {"inval.qi_wait_ns", PARAM_U64, "ns", "1000", SRC_QI_WAIT, F(qi_wait_ns), 0, NS_MAX, NULL,
     "one synchronous invalidation wait (qi_submit_sync)"},
    {"iommu.units", PARAM_U32, "units", "0",
     "VT-d spec 3.1/6.2: each DMAR unit has its own IOTLB and paging-structure caches; units from "
     "the trace's unit names (dmar0, ...)",
     F(iommu_units), 0, 64, NULL,
     "IOMMU units with caches of their own: 0 = as the trace names them (devices tied to units "
     "through their domains and page requests); N = at most N (1: every device shares one set)"},
    {"iommu.caching_mode", PARAM_ENUM, "", "auto",
     "VT-d spec 6.1 (CAP.CM: software flushes after making entries present); Linux "
     "__mapping_notify_one",
     F(caching_mode), 0, 0, "auto|on|off",
     "auto: as the trace shows (map-then-flush); on: a vIOMMU (flush + wait after each map); off: "
     "bare metal (the trace's flushes after maps are dropped)"},
    {"inval.trace_waits", PARAM_ENUM, "", "descriptor",
     "Linux 6.1: every flush is qi_submit_sync(.., 1 descriptor, ..); 6.12 batches "
     "(qi_batch_flush_descs)",
     F(trace_waits), 0, 0, "descriptor|run|wait",
     "trace source: what one synchronous wait is: each descriptor, or a run of one CPU's "
     "descriptors at one time (a traced inv_wait descriptor always is one); wait: only inv_wait "
     "descriptors (AMD-Vi's COMPLETION_WAIT), from the first record on"},
    {"stats.series_window_ns", PARAM_U64, "ns", "10000000", "estimate", F(series_window_ns), 1,
     NS_MAX, NULL,
     "time-series window; a replay's series share one window, the finer of this and "
     "wq.series_window_ns (doubles to keep at most 4096 windows)"},
};

static int model_validate(const void *cfg, char *err, size_t err_bytes)
{
	return model_cfg_check(cfg, err, err_bytes);
}

const struct param_table model_param_table = {
    .name = "model",
    .defs = model_defs,
    .nr_defs = sizeof(model_defs) / sizeof(model_defs[0]),
    .cfg_bytes = sizeof(struct model_cfg),
    .validate = model_validate,
};

static int geom(const char *prefix, uint32_t entries, uint32_t ways, char *err, size_t n)
{
	struct iotlb_geom g = {.entries = entries, .ways = ways, .policy = &iotlb_policy_lru};
	const char *why;

	if (iotlb_geom_check(&g, &why)) {
		snprintf(err, n, "%s.entries=%u, %s.ways=%u: %s", prefix, entries, prefix, ways,
			 why);
		return -EINVAL;
	}
	return 0;
}

int model_cfg_check(const struct model_cfg *c, char *err, size_t err_bytes)
{
	int rc;

	if (c->page_bytes != 4096 && c->page_bytes != (2u << 20) && c->page_bytes != (1u << 30)) {
		snprintf(err, err_bytes, "pt.page_bytes=%llu: must be 4096, 2M or 1G",
			 (unsigned long long)c->page_bytes);
		return -EINVAL;
	}
	if ((c->page_bytes == (1u << 30) && c->pt_levels < 3)) {
		snprintf(err, err_bytes, "pt.levels too small for 1G pages");
		return -EINVAL;
	}
	if ((rc = geom("iotlb", c->iotlb_entries, c->iotlb_ways, err, err_bytes)) ||
	    (rc = geom("pwc", c->pwc_entries, c->pwc_ways, err, err_bytes)) ||
	    (rc = geom("atc", c->atc_entries, c->atc_ways, err, err_bytes)))
		return rc;
	return 0;
}
