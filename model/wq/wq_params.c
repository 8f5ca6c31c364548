// SPDX-License-Identifier: GPL-2.0
/*
 * wq_params.c - defaults, sources, parsing and the cross-field check of the
 * work-queue model's parameters (struct wq_config). Every default names its
 * source or says "estimate" and why; data/profiles/default.ini ([wq*]) carries the same
 * values and tests/unit/test_wq_params.c keeps the two in step.
 *
 * Model assumptions: none (bookkeeping only).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/wq/wq_params.h"

#define SRC_DESIGN                                                                                 \
	"DESIGN.md s6 and accel-config list of an SPR/EMR DSA: max_engines 4, work_queue_size 128"
#define SRC_ENQCMD                                                                                 \
	"estimate: a non-posted 64 B write to an on-die device and its answer, about an "          \
	"uncached MMIO read; no published figure found (docs/wq-model.md: sensitivity sweep)"
#define SRC_BW                                                                                     \
	"estimate: ~30 GB/s peak memmove per SPR DSA device as recalled from Kuper et al., "       \
	"ASPLOS'24 (not checked against the paper's figures)"
#define SRC_SPR "accel-config list of an SPR/EMR DSA (linux-dmaengine list, 2026-03-05)"
#define SRC_KERNEL "Linux drivers/dma/idxd/idxd.h: IDXD_ENQCMDS_RETRIES = 32 (DESIGN.md s6)"

#define U64(k, u, d, s, f, lo, hi, h)                                                              \
	{                                                                                          \
		k, PARAM_U64, u, d, s, offsetof(struct wq_config, f), lo, hi, NULL, h              \
	}
#define U32(k, u, d, s, f, lo, hi, h)                                                              \
	{                                                                                          \
		k, PARAM_U32, u, d, s, offsetof(struct wq_config, f), lo, hi, NULL, h              \
	}
#define ENUM(k, d, s, f, c, h)                                                                     \
	{                                                                                          \
		k, PARAM_ENUM, "", d, s, offsetof(struct wq_config, f), 0, 0, c, h                 \
	}

#define GROUP_ROW(i)                                                                               \
	U32("wq.group" #i ".engines", "engines", (i) == 0 ? "4" : "0",                             \
	    (i) == 0 ? SRC_DESIGN : "estimate: groups other than 0 unused by default",             \
	    group_engines[i], 0, WQ_MAX_ENGINES_PER_GROUP, "engines in group " #i)

#define WQ_ROWS(i)                                                                                 \
	ENUM("wq.wq" #i ".mode", "dedicated",                                                      \
	     "model choice: the DWQ side of a DWQ-vs-SWQ comparison (set shared for the other)",   \
	     wq[i].mode, "dedicated|shared",                                                       \
	     "WQ " #i ": dedicated (MOVDIR64B) or shared (ENQCMD)"),                               \
	    U32("wq.wq" #i ".size", "entries", (i) == 0 ? "128" : "16",                            \
		(i) == 0 ? SRC_DESIGN " (one WQ owning every entry)"                               \
			 : "estimate: unused by default",                                          \
		wq[i].size, 1, WQ_MAX_ENTRIES, "WQ " #i " entries"),                               \
	    U32("wq.wq" #i ".priority", "", "1",                                                   \
		"estimate: DSA WQ priority is 4 bits (1..15); equal weights by default",           \
		wq[i].priority, 1, 15, "WQ " #i " arbitration weight"),                            \
	    U32("wq.wq" #i ".threshold", "entries", (i) == 0 ? "128" : "16",                       \
		"estimate: threshold = size (ENQCMD may use every entry)", wq[i].threshold, 0,     \
		WQ_MAX_ENTRIES, "WQ " #i " entries usable by ENQCMD (shared)"),                    \
	    U32("wq.wq" #i ".group", "", "0", "estimate: every WQ in group 0", wq[i].group, 0,     \
		WQ_MAX_GROUPS - 1, "group of WQ " #i),                                             \
	    U32("wq.wq" #i ".block_on_fault", "", "0", SRC_SPR ": block_on_fault 0",               \
		wq[i].block_on_fault, 0, 1,                                                        \
		"WQ " #i ": 1 the device waits for a page fault (PRI), 0 partial completion")

static const struct param_def table[] = {
    U64("wq.seed", "", "1", "estimate: any fixed seed", seed, 0, 1.8e19,
	"PRNG seed of the work-queue model"),
    U32("wq.nr_groups", "groups", "1",
	"estimate: one group holding every engine (the simplest accel-config setup)", nr_groups, 1,
	WQ_MAX_GROUPS, "groups in use"),
    GROUP_ROW(0),
    GROUP_ROW(1),
    GROUP_ROW(2),
    GROUP_ROW(3),
    U32("wq.nr_wqs", "wqs", "1", "estimate: one WQ per device", nr_wqs, 1, WQ_MAX_WQS,
	"work queues in use"),
    WQ_ROWS(0),
    WQ_ROWS(1),
    WQ_ROWS(2),
    WQ_ROWS(3),
    WQ_ROWS(4),
    WQ_ROWS(5),
    WQ_ROWS(6),
    WQ_ROWS(7),
    U32("wq.device_wq_entries", "entries", "128", SRC_DESIGN, device_wq_entries, 1, WQ_MAX_ENTRIES,
	"WQ entries on the device (sum of WQ sizes may not exceed)"),
    U32("wq.max_batch", "descriptors", "1024", SRC_SPR ": max_batch_size 1024", max_batch, 1,
	1u << 20, "largest batch"),
    U64("wq.engine_bw_bytes_per_s", "bytes/s", "30000000000", SRC_BW, engine_bw_bytes_per_s, 1,
	1e13, "data rate of one engine"),
    U64("wq.device_bw_bytes_per_s", "bytes/s", "30000000000", SRC_BW, device_bw_bytes_per_s, 1,
	1e13, "data rate of the device (shared by its engines)"),
    U32("wq.max_read_buffers", "reads", "96", SRC_SPR ": max_read_buffers 96", max_read_buffers, 0,
	1u << 20, "64 B reads the device keeps in flight (0: no bound)"),
    U64("wq.read_latency_ns", "ns", "200",
	"estimate: DRAM read from an on-die device; with 96 read buffers Little's law gives "
	"96 x 64 B / 200 ns = 30.7 GB/s, just above wq.device_bw_bytes_per_s",
	read_latency_ns, 0, 1e9, "device memory read round trip (0: no read-buffer bound)"),
    ENUM("wq.xlate_overlap", "on",
	 "estimate: engines keep many reads in flight (wq.max_read_buffers); published "
	 "shape: one DWQ client saturates a device at 4 KiB (DESIGN.md s6)",
	 xlate_overlap, "off|on",
	 "an engine translates its next descriptor while the current one moves its data"),
    ENUM("wq.devtlb.enabled", "on",
	 SRC_SPR ": lspci shows ATS, PASID and PRI enabled on the DSA device", devtlb_enabled,
	 "off|on", "replay: the device's own TLB (ATS) in front of the IOMMU"),
    U32("wq.devtlb.entries", "entries", "64", "estimate: DSA device TLB size is not published",
	devtlb_entries, 1, 1u << 20, "replay: device TLB entries"),
    U32("wq.devtlb.ways", "ways", "64", "estimate: fully associative", devtlb_ways, 1, 1u << 20,
	"replay: device TLB ways"),
    U64("wq.devtlb.hit_ns", "ns", "2", "estimate: as an IOTLB hit (HyperSIO, ISCA'20)",
	devtlb_hit_ns, 0, 1e9, "replay: device TLB lookup"),
    ENUM("wq.devtlb.link", "on-die",
	 "DSA is integrated in the SoC (" SRC_SPR ": on a root bus), a miss crosses no PCIe "
	 "link",
	 devtlb_link, "on-die|pcie",
	 "replay: device TLB miss to the IOMMU: on-die, or pcie.one_way_ns (a discrete device)"),
    U64("wq.devtlb.on_die_one_way_ns", "ns", "50",
	"estimate: one traversal of the SoC mesh, tens of ns", on_die_one_way_ns, 0, 1e9,
	"replay: device TLB <-> IOMMU one way on die"),
    U64("wq.desc_overhead_ns", "ns", "150",
	"estimate: descriptor read + completion record write, a few hundred ns of fabric "
	"round trips overlapped; chosen so 4 engines are not the 4 KiB bottleneck",
	desc_overhead_ns, 0, 1e9, "engine time per work descriptor besides the data"),
    U64("wq.batch_fetch_ns", "ns", "200",
	"estimate: one read of the descriptor list (~ one memory round trip)", batch_fetch_ns, 0,
	1e9, "engine time to fetch a batch's descriptor list"),
    ENUM("wq.service_dist", "fixed", "model choice: fixed (exp only for queueing validation)",
	 service_dist, "fixed|exp", "service-time distribution"),
    U64("wq.desc_prep_ns", "ns", "20", "estimate: writing 64 B in L1 (a few stores)", desc_prep_ns,
	0, 1e9, "CPU time to fill a descriptor"),
    U64("wq.movdir64b_ns", "ns", "30",
	"estimate: MOVDIR64B is posted; the core pays a WC-buffer drain, tens of ns", movdir64b_ns,
	0, 1e9, "CPU time of one MOVDIR64B"),
    U64("wq.portal_oneway_ns", "ns", "250", "estimate: half of wq.enqcmd_rtt_ns", portal_oneway_ns,
	0, 1e9, "time for a 64 B portal write to reach the WQ"),
    U64("wq.enqcmd_rtt_ns", "ns", "500", SRC_ENQCMD, enqcmd_rtt_ns, 0, 1e9,
	"ENQCMD non-posted round trip; the core is blocked"),
    U64("wq.lock_acquire_ns", "ns", "20", "estimate: one uncontended atomic on a local line",
	lock_acquire_ns, 0, 1e9, "shared-DWQ software lock, uncontended"),
    U64("wq.lock_handoff_ns", "ns", "100",
	"estimate: cross-core cache-line transfer on one socket (~70-100 ns)", lock_handoff_ns, 0,
	1e9, "extra cost when the lock passes to another core"),
    ENUM("wq.retry_policy", "pause",
	 "estimate: user-space loops retry ENQCMD with a PAUSE; -EAGAIN is the kernel's "
	 "(ENQCMDS)",
	 retry_policy, "kernel|spin|backoff|pause",
	 "what an ENQCMD (user-space) submitter does on retry"),
    ENUM("wq.retry_policy_enqcmds", "kernel", SRC_KERNEL, retry_policy_enqcmds,
	 "kernel|spin|backoff|pause", "what an ENQCMDS (kernel) submitter does on retry"),
    U32("wq.retry_max", "retries", "32", SRC_KERNEL, retry_max, 0, 1u << 20,
	"kernel policy: retries before -EAGAIN"),
    U64("wq.retry_pause_ns", "ns", "40",
	"estimate: one PAUSE (cpu_relax) ~140 cycles on Skylake-SP and later at ~3.5 GHz",
	retry_pause_ns, 0, 1e9, "pause between retries"),
    U64("wq.backoff_min_ns", "ns", "100", "estimate: a few PAUSEs", backoff_min_ns, 1, 1e9,
	"backoff policy: first delay"),
    U64("wq.backoff_max_ns", "ns", "10000", "estimate: ~ one 4 KiB descriptor's e2e x 10",
	backoff_max_ns, 1, 1e10, "backoff policy: largest delay"),
    U64("wq.poll_detect_ns", "ns", "100",
	"estimate: device write -> polling core sees the line (one cache-line transfer)",
	poll_detect_ns, 0, 1e9, "completion -> noticed (poll)"),
    U64("wq.poll_cpu_ns", "ns", "10", "estimate: reading one completion record", poll_cpu_ns, 0,
	1e9, "CPU per completion processed (poll, UMWAIT)"),
    U64("wq.umwait_wake_ns", "ns", "300",
	"estimate: exit from C0.2 is sub-microsecond (Intel SDM: UMWAIT C0.2 is the "
	"slower-wakeup state)",
	umwait_wake_ns, 0, 1e9, "completion -> noticed (UMWAIT)"),
    U64("wq.intr_latency_ns", "ns", "5000",
	"estimate: seeds/002 (an extra interrupt costs 5-10K cycles) + a thread wakeup",
	intr_latency_ns, 0, 1e10, "completion -> thread runs (interrupt)"),
    U64("wq.intr_cpu_ns", "ns", "3000",
	"estimate: seeds/002 (5-10K cycles per interrupt at ~2.5 GHz)", intr_cpu_ns, 0, 1e10,
	"CPU per interrupt and wakeup"),
    U64("wq.sw_fault_ns", "ns", "1500",
	"estimate: as fault.minor_ns (handle_mm_fault on a resident or zero page)", sw_fault_ns, 0,
	1e10, "CPU time to touch a faulted page before resubmitting the rest"),
    U64("wq.series_window_ns", "ns", "10000", "model choice: 10 us windows, coarsened when long",
	series_window_ns, 1, 1e12,
	"occupancy time-series window (a replay's: see stats.series_window_ns)"),
    U32("wq.client_queue_depth", "descriptors", "32",
	"estimate: asynchronous use keeps tens of descriptors in flight (Kuper et al. "
	"ASPLOS'24 guideline: submit asynchronously)",
	client_queue_depth, 1, WQ_MAX_ENTRIES, "default outstanding descriptors per client"),
    ENUM("wq.client_compl", "poll", "estimate: polling is the common user-space choice",
	 client_compl, "poll|umwait|intr", "default completion method"),
    ENUM("wq.client_op", "memmove", "DESIGN.md s6 (4 KiB transfers)", client_op,
	 "noop|memmove|fill|compare|crc", "default operation"),
    U32("wq.client_xfer_bytes", "bytes", "4096", "DESIGN.md s6 (4 KiB transfers)",
	client_xfer_bytes, 0, 1u << 31, "default transfer size"),
    U32("wq.client_batch", "descriptors", "0", "model choice: no batching unless asked",
	client_batch, 0, 1u << 20, "default batch size (0: single descriptors)"),
    U64("wq.client_think_ns", "ns", "0", "model choice: back-to-back submission", client_think_ns,
	0, 1e12, "default think time"),
    ENUM("wq.loop", "closed",
	 "DESIGN.md s5: DWQ vs SWQ comparisons need closed loop (submission stalls change timing)",
	 loop, "closed|open",
	 "replay: closed = next descriptor after a completion + trace think time; open = trace "
	 "times"),
    ENUM("wq.xlate", "model", "model choice: descriptors' pages go through the translation model",
	 xlate, "model|fixed|none",
	 "replay: translation stalls from the translation model (model.*, iotlb.*, ats.*, ...), "
	 "a fixed cost, or none"),
    U64("wq.xlate_fixed_access_ns", "ns", "0", "estimate: no per-access cost beyond pages",
	xlate_fixed_access_ns, 0, 1e9, "wq.xlate=fixed: stall per source/destination access"),
    U64("wq.xlate_fixed_page_ns", "ns", "2",
	"HyperSIO (ISCA'20): IOTLB hit 2 ns, i.e. every page hits", xlate_fixed_page_ns, 0, 1e9,
	"wq.xlate=fixed: stall per page an access touches"),
};

#define NR_ROWS (sizeof(table) / sizeof(table[0]))

/* enum index of wq.client_op -> opcode value */
static const uint32_t op_of_choice[] = {WQ_OP_NOOP, WQ_OP_MEMMOVE, WQ_OP_FILL, WQ_OP_COMPARE,
					WQ_OP_CRC};

uint32_t wq_op_of_choice(uint32_t idx)
{
	return idx < sizeof(op_of_choice) / sizeof(op_of_choice[0]) ? op_of_choice[idx]
								    : WQ_OP_MEMMOVE;
}

static int validate_cb(const void *cfg, char *err, size_t err_bytes)
{
	return wq_config_validate(cfg, err, err_bytes);
}

const struct param_table wq_param_table = {
    .name = "wq",
    .defs = table,
    .nr_defs = NR_ROWS,
    .cfg_bytes = sizeof(struct wq_config),
    .validate = validate_cb,
};

const struct param_def *wq_params_table(size_t *nr)
{
	*nr = NR_ROWS;
	return table;
}

const struct param_def *wq_params_find(const char *key)
{
	size_t i;

	for (i = 0; i < NR_ROWS; i++)
		if (!strcmp(table[i].key, key))
			return &table[i];
	return NULL;
}

static int enum_index(const char *choices, const char *word, uint32_t *out)
{
	size_t wl = strlen(word);
	const char *p = choices;
	uint32_t i = 0;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);

		if (l == wl && !strncasecmp(p, word, l)) {
			*out = i;
			return 0;
		}
		if (!bar)
			break;
		p = bar + 1;
		i++;
	}
	return -EINVAL;
}

static void enum_word(const char *choices, uint32_t idx, char *buf, size_t n)
{
	const char *p = choices;
	uint32_t i;

	for (i = 0; i < idx && p; i++) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	if (!p) {
		snprintf(buf, n, "%u", idx);
		return;
	}
	snprintf(buf, n, "%.*s", (int)(strchr(p, '|') ? (size_t)(strchr(p, '|') - p) : strlen(p)),
		 p);
}

/* The opcode field is stored as its opcode value, the enum row as its index. */
static int set_row(struct wq_config *cfg, const struct param_def *d, const char *value, char *err,
		   size_t err_bytes)
{
	char *base = (char *)cfg + d->offset;
	uint64_t v;
	uint32_t idx;

	if (d->type == PARAM_ENUM) {
		if (enum_index(d->choices, value, &idx)) {
			snprintf(err, err_bytes, "%s: '%s' is not one of %s", d->key, value,
				 d->choices);
			return -EINVAL;
		}
		memcpy(base, &idx, sizeof(idx));
		return 0;
	}
	/* one parser for every key (model/params.c, lib/units): same units, same messages */
	if (params_parse_uint(d, value, &v, err, err_bytes))
		return -EINVAL;
	if (d->type == PARAM_U32) {
		uint32_t v32 = (uint32_t)v;

		memcpy(base, &v32, sizeof(v32));
	} else {
		memcpy(base, &v, sizeof(v));
	}
	return 0;
}

int wq_params_set(struct wq_config *cfg, const char *key, const char *value, char *err,
		  size_t err_bytes)
{
	const struct param_def *d = wq_params_find(key);

	if (!d) {
		snprintf(err, err_bytes, "unknown parameter '%s'", key);
		return -ENOENT;
	}
	return set_row(cfg, d, value, err, err_bytes);
}

void wq_params_format(const struct wq_config *cfg, const struct param_def *d, char *buf,
		      size_t buf_bytes)
{
	const char *base = (const char *)cfg + d->offset;
	uint32_t v32;
	uint64_t v64;

	if (d->type == PARAM_U64) {
		memcpy(&v64, base, sizeof(v64));
		snprintf(buf, buf_bytes, "%" PRIu64, v64);
		return;
	}
	memcpy(&v32, base, sizeof(v32));
	if (d->type == PARAM_U32) {
		snprintf(buf, buf_bytes, "%u", v32);
		return;
	}
	enum_word(d->choices, v32, buf, buf_bytes);
}

void wq_config_default(struct wq_config *cfg)
{
	char err[128];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NR_ROWS; i++)
		(void)set_row(cfg, &table[i], table[i].dflt, err, sizeof(err));
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, err_bytes, __VA_ARGS__);                                             \
		return -EINVAL;                                                                    \
	} while (0)

int wq_config_validate(const struct wq_config *c, char *err, size_t err_bytes)
{
	uint32_t i, entries = 0;
	bool group_has_wq[WQ_MAX_GROUPS] = {false};

	if (c->nr_groups < 1 || c->nr_groups > WQ_MAX_GROUPS)
		FAIL("wq.nr_groups: %u not in [1, %u]", c->nr_groups, WQ_MAX_GROUPS);
	if (c->nr_wqs < 1 || c->nr_wqs > WQ_MAX_WQS)
		FAIL("wq.nr_wqs: %u not in [1, %u]", c->nr_wqs, WQ_MAX_WQS);
	for (i = 0; i < c->nr_wqs; i++) {
		const struct wq_wq_cfg *w = &c->wq[i];

		if (w->mode > WQ_MODE_SHARED)
			FAIL("wq.wq%u.mode: unknown mode %u", i, w->mode);
		if (w->size < 1 || w->size > WQ_MAX_ENTRIES)
			FAIL("wq.wq%u.size: %u not in [1, %u]", i, w->size, WQ_MAX_ENTRIES);
		if (w->priority < 1 || w->priority > 15)
			FAIL("wq.wq%u.priority: %u not in [1, 15]", i, w->priority);
		if (w->mode == WQ_MODE_SHARED && (w->threshold < 1 || w->threshold > w->size))
			FAIL("wq.wq%u.threshold: %u not in [1, size=%u] for a shared WQ", i,
			     w->threshold, w->size);
		if (w->group >= c->nr_groups)
			FAIL("wq.wq%u.group: %u but wq.nr_groups is %u", i, w->group, c->nr_groups);
		group_has_wq[w->group] = true;
		entries += w->size;
	}
	if (entries > c->device_wq_entries)
		FAIL("wq.wqN.size: WQ sizes add up to %u > wq.device_wq_entries=%u", entries,
		     c->device_wq_entries);
	for (i = 0; i < c->nr_groups; i++) {
		if (c->group_engines[i] > WQ_MAX_ENGINES_PER_GROUP)
			FAIL("wq.group%u.engines: %u > %u", i, c->group_engines[i],
			     WQ_MAX_ENGINES_PER_GROUP);
		if (group_has_wq[i] && !c->group_engines[i])
			FAIL("wq.group%u.engines: group has a WQ but no engine", i);
	}
	if (!c->engine_bw_bytes_per_s || !c->device_bw_bytes_per_s)
		FAIL("wq.engine_bw_bytes_per_s/wq.device_bw_bytes_per_s: must be > 0");
	if (c->service_dist > WQ_DIST_EXP)
		FAIL("wq.service_dist: unknown distribution %u", c->service_dist);
	if (c->portal_oneway_ns > c->enqcmd_rtt_ns)
		FAIL("wq.portal_oneway_ns: %" PRIu64 " > wq.enqcmd_rtt_ns=%" PRIu64,
		     c->portal_oneway_ns, c->enqcmd_rtt_ns);
	if (c->retry_policy >= WQ_RETRY_NR_)
		FAIL("wq.retry_policy: unknown policy %u", c->retry_policy);
	if (c->retry_policy_enqcmds >= WQ_RETRY_NR_)
		FAIL("wq.retry_policy_enqcmds: unknown policy %u", c->retry_policy_enqcmds);
	if (!c->backoff_min_ns || c->backoff_min_ns > c->backoff_max_ns)
		FAIL("wq.backoff_min_ns: must be in [1, wq.backoff_max_ns]");
	if (!c->series_window_ns)
		FAIL("wq.series_window_ns: must be > 0");
	if (c->client_compl > WQ_COMPL_INTR)
		FAIL("wq.client_compl: unknown method %u", c->client_compl);
	if (c->client_batch > c->max_batch)
		FAIL("wq.client_batch: %u > wq.max_batch=%u", c->client_batch, c->max_batch);
	if (!c->client_queue_depth)
		FAIL("wq.client_queue_depth: must be >= 1");
	if (c->client_op > 4)
		FAIL("wq.client_op: unknown operation %u", c->client_op);
	if (c->loop > WQ_LOOP_OPEN)
		FAIL("wq.loop: unknown loop %u", c->loop);
	if (c->xlate > WQ_XLATE_NONE)
		FAIL("wq.xlate: unknown source %u", c->xlate);
	if (c->xlate_overlap > 1)
		FAIL("wq.xlate_overlap: unknown value %u", c->xlate_overlap);
	if (c->devtlb_enabled > 1 || c->devtlb_link > WQ_DEVTLB_PCIE)
		FAIL("wq.devtlb.enabled/wq.devtlb.link: unknown value");
	if (!c->devtlb_ways || c->devtlb_ways > c->devtlb_entries ||
	    c->devtlb_entries % c->devtlb_ways)
		FAIL("wq.devtlb.ways: %u must divide wq.devtlb.entries=%u", c->devtlb_ways,
		     c->devtlb_entries);
	return 0;
}
