// SPDX-License-Identifier: GPL-2.0
/*
 * svatrace.bpf.c - the BPF side of `svatrace collect`: one program per
 * DESIGN.md §3 source (IOMMU, DMA-API and VT-d tracepoints, kprobes on the
 * invalidation wait, the I/O page-fault path, pin/unpin and idxd, and a
 * uprobe for user-space DSA submitters). Each program copies raw values into
 * a struct svt_event in one ring buffer; all decoding happens in user space
 * where it can be tested. The loader disables (autoload=false) every program
 * whose target this kernel lacks before loading, because libbpf 1.1 fails
 * the whole object load on one missing target.
 *
 * Tracepoint contexts and kernel structs are declared locally with a ___svt
 * flavour and preserve_access_index, so CO-RE relocates them against the
 * running kernel's BTF even when the build host's vmlinux.h lacks them (the
 * build host has no intel_iommu or idxd).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "collect/collect.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 targ_tgid = 0;		/* --pid: 0 = every task */
const volatile __u64 wakeup_bytes = 256 * 1024;	/* wake the consumer past this much data */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024);	/* resized by the loader (--buffer-size) */
} rb SEC(".maps");

/* Events dropped because the ring buffer was full, per CPU and probe. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SVT_P_MAX_);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* Entry state of entry/exit pairs, by thread id. */
struct entry {
	__u64 ts_ns;		/* entry time */
	__u64 a[4];		/* saved arguments */
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct entry);
} entries SEC(".maps");

static __always_inline bool skip_task(void)
{
	return targ_tgid && (bpf_get_current_pid_tgid() >> 32) != targ_tgid;
}

static __always_inline void lost_add(__u16 probe, __u64 n)
{
	__u32 k = probe;
	__u64 *c = bpf_map_lookup_elem(&lost, &k);

	if (c)
		*c += n;
}

/* Scatterlist events give one record per entry, at most SVT_SG_MAX; entries
 * past that are counted as lost, so records + lost = entries fired. */
static __always_inline void sg_overflow(__u16 probe, __u32 n)
{
	if (n > SVT_SG_MAX)
		lost_add(probe, n - SVT_SG_MAX);
}

static __always_inline struct svt_event *ev_reserve(__u16 probe)
{
	struct svt_event *e;
	__u64 id;

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		lost_add(probe, 1);
		return NULL;
	}
	id = bpf_get_current_pid_tgid();
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	e->probe = probe;
	e->op = 0;
	e->ret = 0;
	e->dur_ns = 0;
	for (int i = 0; i < 8; i++)
		e->v[i] = 0;
	e->s1[0] = 0;
	e->s2[0] = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/*
 * Batched wakeups: the consumer polls on a timer and is woken early only by
 * the event that makes the waiting data cross wakeup_bytes, never once per
 * event. Waking on every event while above the mark (as a plain ">=" would)
 * costs an irq_work self-IPI per event whenever the consumer lags: ~1.5 us
 * per event in a VM (bench/collect.sh). A consumer that is awake drains until
 * the ring is empty, so one wakeup per crossing is enough; AVAIL_DATA
 * already counts this reserved event.
 */
static __always_inline void ev_submit(struct svt_event *e)
{
	__u64 avail = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	bool crossed = avail >= wakeup_bytes && avail - sizeof(*e) - 8 < wakeup_bytes;

	bpf_ringbuf_submit(e, crossed ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* A __data_loc field: low 16 bits offset from the record start, high 16 length. */
static __always_inline void loc_str(void *ctx, __u32 loc, char *dst, int n)
{
	bpf_probe_read_kernel_str(dst, n, (char *)ctx + (loc & 0xffff));
}

/* ------------------------------------------------------------ iommu:* */

struct trace_event_raw_map___svt {
	__u64 iova;
	__u64 paddr;
	__u64 size;
} __attribute__((preserve_access_index));

struct trace_event_raw_unmap___svt {
	__u64 iova;
	__u64 size;
	__u64 unmapped_size;
} __attribute__((preserve_access_index));

struct trace_event_raw_iommu_group_event___svt {
	int gid;
	__u32 __data_loc_device;
} __attribute__((preserve_access_index));

struct trace_event_raw_iommu_device_event___svt {
	__u32 __data_loc_device;
} __attribute__((preserve_access_index));

struct trace_event_raw_iommu_error___svt {
	__u32 __data_loc_device;
	__u32 __data_loc_driver;
	__u64 iova;
	int flags;
} __attribute__((preserve_access_index));

SEC("tracepoint/iommu/map")
int tp_iommu_map(struct trace_event_raw_map___svt *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IOMMU_MAP)))
		return 0;
	e->v[0] = ctx->iova;
	e->v[1] = ctx->paddr;
	e->v[2] = ctx->size;
	ev_submit(e);
	return 0;
}

SEC("tracepoint/iommu/unmap")
int tp_iommu_unmap(struct trace_event_raw_unmap___svt *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IOMMU_UNMAP)))
		return 0;
	e->v[0] = ctx->iova;
	e->v[1] = ctx->size;
	e->v[2] = ctx->unmapped_size;
	ev_submit(e);
	return 0;
}

SEC("tracepoint/iommu/io_page_fault")
int tp_iommu_io_page_fault(struct trace_event_raw_iommu_error___svt *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IOMMU_IO_PAGE_FAULT)))
		return 0;
	e->v[0] = ctx->iova;
	e->v[1] = (__u32)ctx->flags;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	loc_str(ctx, ctx->__data_loc_driver, e->s2, sizeof(e->s2));
	ev_submit(e);
	return 0;
}

static __always_inline int group_event(struct trace_event_raw_iommu_group_event___svt *ctx,
				       __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[0] = (__u32)ctx->gid;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/iommu/add_device_to_group")
int tp_iommu_add_group(struct trace_event_raw_iommu_group_event___svt *ctx)
{
	return group_event(ctx, SVT_P_IOMMU_ADD_GROUP);
}

SEC("tracepoint/iommu/remove_device_from_group")
int tp_iommu_remove_group(struct trace_event_raw_iommu_group_event___svt *ctx)
{
	return group_event(ctx, SVT_P_IOMMU_REMOVE_GROUP);
}

SEC("tracepoint/iommu/attach_device_to_domain")
int tp_iommu_attach(struct trace_event_raw_iommu_device_event___svt *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IOMMU_ATTACH)))
		return 0;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	ev_submit(e);
	return 0;
}

/* ------------------------------------------------------------ dma:* (6.12+) */

/* dma_map class: dma_map_page/dma_map_resource (6.12), dma_map_phys (6.18+). */
struct trace_event_raw_dma_map___svt {
	__u32 __data_loc_device;
	__u64 phys_addr;
	__u64 dma_addr;
	__u64 size;
	enum dma_data_direction dir;
	__u64 attrs;
} __attribute__((preserve_access_index));

struct trace_event_raw_dma_unmap___svt {
	__u32 __data_loc_device;
	__u64 addr;
	__u64 size;
	enum dma_data_direction dir;
	__u64 attrs;
} __attribute__((preserve_access_index));

struct trace_event_raw_dma_alloc_class___svt {
	__u32 __data_loc_device;
	void *virt_addr;
	__u64 dma_addr;
	__u64 size;
	enum dma_data_direction dir;
	__u64 attrs;
} __attribute__((preserve_access_index));

struct trace_event_raw_dma_free_class___svt {
	__u32 __data_loc_device;
	void *virt_addr;
	__u64 dma_addr;
	__u64 size;
	enum dma_data_direction dir;
	__u64 attrs;
} __attribute__((preserve_access_index));

struct trace_event_raw_dma_map_sg___svt {
	__u32 __data_loc_device;
	int full_ents;
	__u32 __data_loc_phys_addrs;
	__u32 __data_loc_dma_addrs;
	__u32 __data_loc_lengths;
	enum dma_data_direction dir;
	__u64 attrs;
} __attribute__((preserve_access_index));

struct trace_event_raw_dma_unmap_sg___svt {
	__u32 __data_loc_device;
	__u32 __data_loc_addrs;
	enum dma_data_direction dir;
	__u64 attrs;
} __attribute__((preserve_access_index));

struct trace_event_raw_dma_sync_single___svt {
	__u32 __data_loc_device;
	__u64 dma_addr;
	__u64 size;
	enum dma_data_direction dir;
} __attribute__((preserve_access_index));

struct trace_event_raw_dma_sync_sg___svt {
	__u32 __data_loc_device;
	__u32 __data_loc_dma_addrs;
	__u32 __data_loc_lengths;
	enum dma_data_direction dir;
} __attribute__((preserve_access_index));

/* v[0] phys, v[1] dma addr, v[2] size, v[3] dir, v[4] attrs */
static __always_inline int dma_map(struct trace_event_raw_dma_map___svt *ctx, __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[0] = ctx->phys_addr;
	e->v[1] = ctx->dma_addr;
	e->v[2] = ctx->size;
	e->v[3] = (__u32)ctx->dir;
	e->v[4] = ctx->attrs;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/dma/dma_map_phys")
int tp_dma_map_phys(void *ctx) { return dma_map(ctx, SVT_P_DMA_MAP_PHYS); }
SEC("tracepoint/dma/dma_map_page")
int tp_dma_map_page(void *ctx) { return dma_map(ctx, SVT_P_DMA_MAP_PAGE); }
SEC("tracepoint/dma/dma_map_resource")
int tp_dma_map_resource(void *ctx) { return dma_map(ctx, SVT_P_DMA_MAP_RESOURCE); }

static __always_inline int dma_unmap(struct trace_event_raw_dma_unmap___svt *ctx, __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[1] = ctx->addr;
	e->v[2] = ctx->size;
	e->v[3] = (__u32)ctx->dir;
	e->v[4] = ctx->attrs;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/dma/dma_unmap_phys")
int tp_dma_unmap_phys(void *ctx) { return dma_unmap(ctx, SVT_P_DMA_UNMAP_PHYS); }
SEC("tracepoint/dma/dma_unmap_page")
int tp_dma_unmap_page(void *ctx) { return dma_unmap(ctx, SVT_P_DMA_UNMAP_PAGE); }
SEC("tracepoint/dma/dma_unmap_resource")
int tp_dma_unmap_resource(void *ctx) { return dma_unmap(ctx, SVT_P_DMA_UNMAP_RESOURCE); }

static __always_inline int dma_alloc(struct trace_event_raw_dma_alloc_class___svt *ctx,
				     __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[1] = ctx->dma_addr;
	e->v[2] = ctx->size;
	if (bpf_core_field_exists(ctx->dir))
		e->v[3] = (__u32)ctx->dir;
	if (bpf_core_field_exists(ctx->attrs))
		e->v[4] = ctx->attrs;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/dma/dma_alloc")
int tp_dma_alloc(void *ctx) { return dma_alloc(ctx, SVT_P_DMA_ALLOC); }
SEC("tracepoint/dma/dma_alloc_pages")
int tp_dma_alloc_pages(void *ctx) { return dma_alloc(ctx, SVT_P_DMA_ALLOC_PAGES); }

static __always_inline int dma_free(struct trace_event_raw_dma_free_class___svt *ctx, __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[1] = ctx->dma_addr;
	e->v[2] = ctx->size;
	if (bpf_core_field_exists(ctx->dir))
		e->v[3] = (__u32)ctx->dir;
	if (bpf_core_field_exists(ctx->attrs))
		e->v[4] = ctx->attrs;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/dma/dma_free")
int tp_dma_free(void *ctx) { return dma_free(ctx, SVT_P_DMA_FREE); }
SEC("tracepoint/dma/dma_free_pages")
int tp_dma_free_pages(void *ctx) { return dma_free(ctx, SVT_P_DMA_FREE_PAGES); }

/* One event per scatterlist entry (op = index), at most SVT_SG_MAX. */
SEC("tracepoint/dma/dma_map_sg")
int tp_dma_map_sg(struct trace_event_raw_dma_map_sg___svt *ctx)
{
	__u32 lp = ctx->__data_loc_phys_addrs, ld = ctx->__data_loc_dma_addrs;
	__u32 ll = ctx->__data_loc_lengths;
	__u32 n = (ll >> 16) / sizeof(__u32);

	if (skip_task())
		return 0;
	sg_overflow(SVT_P_DMA_MAP_SG, n);
	for (__u32 i = 0; i < SVT_SG_MAX && i < n; i++) {
		struct svt_event *e = ev_reserve(SVT_P_DMA_MAP_SG);
		__u32 len = 0;

		if (!e) {	/* ring full: this entry is counted, count the rest too */
			lost_add(SVT_P_DMA_MAP_SG, (n < SVT_SG_MAX ? n : SVT_SG_MAX) - i - 1);
			return 0;
		}
		e->op = i;
		bpf_probe_read_kernel(&e->v[0], 8, (char *)ctx + (lp & 0xffff) + i * 8);
		bpf_probe_read_kernel(&e->v[1], 8, (char *)ctx + (ld & 0xffff) + i * 8);
		bpf_probe_read_kernel(&len, 4, (char *)ctx + (ll & 0xffff) + i * 4);
		e->v[2] = len;
		e->v[3] = (__u32)ctx->dir;
		e->v[4] = ctx->attrs;
		e->v[5] = n;
		loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
		ev_submit(e);
	}
	return 0;
}

SEC("tracepoint/dma/dma_unmap_sg")
int tp_dma_unmap_sg(struct trace_event_raw_dma_unmap_sg___svt *ctx)
{
	__u32 la = ctx->__data_loc_addrs;
	__u32 n = (la >> 16) / sizeof(__u64);

	if (skip_task())
		return 0;
	sg_overflow(SVT_P_DMA_UNMAP_SG, n);
	for (__u32 i = 0; i < SVT_SG_MAX && i < n; i++) {
		struct svt_event *e = ev_reserve(SVT_P_DMA_UNMAP_SG);

		if (!e) {	/* ring full: this entry is counted, count the rest too */
			lost_add(SVT_P_DMA_UNMAP_SG, (n < SVT_SG_MAX ? n : SVT_SG_MAX) - i - 1);
			return 0;
		}
		e->op = i;
		/* unmap_sg's array holds physical addresses (printed phys_addrs=) */
		bpf_probe_read_kernel(&e->v[0], 8, (char *)ctx + (la & 0xffff) + i * 8);
		e->v[3] = (__u32)ctx->dir;
		e->v[4] = ctx->attrs;
		e->v[5] = n;
		loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
		ev_submit(e);
	}
	return 0;
}

static __always_inline int dma_sync_single(struct trace_event_raw_dma_sync_single___svt *ctx,
					   __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[1] = ctx->dma_addr;
	e->v[2] = ctx->size;
	e->v[3] = (__u32)ctx->dir;
	loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/dma/dma_sync_single_for_cpu")
int tp_dma_sync_single_cpu(void *ctx) { return dma_sync_single(ctx, SVT_P_DMA_SYNC_SINGLE_CPU); }
SEC("tracepoint/dma/dma_sync_single_for_device")
int tp_dma_sync_single_dev(void *ctx) { return dma_sync_single(ctx, SVT_P_DMA_SYNC_SINGLE_DEV); }

static __always_inline int dma_sync_sg(struct trace_event_raw_dma_sync_sg___svt *ctx, __u16 probe)
{
	__u32 ld = ctx->__data_loc_dma_addrs, ll = ctx->__data_loc_lengths;
	__u32 n = (ll >> 16) / sizeof(__u32);

	if (skip_task())
		return 0;
	sg_overflow(probe, n);
	for (__u32 i = 0; i < SVT_SG_MAX && i < n; i++) {
		struct svt_event *e = ev_reserve(probe);
		__u32 len = 0;

		if (!e) {	/* ring full: this entry is counted, count the rest too */
			lost_add(probe, (n < SVT_SG_MAX ? n : SVT_SG_MAX) - i - 1);
			return 0;
		}
		e->op = i;
		bpf_probe_read_kernel(&e->v[1], 8, (char *)ctx + (ld & 0xffff) + i * 8);
		bpf_probe_read_kernel(&len, 4, (char *)ctx + (ll & 0xffff) + i * 4);
		e->v[2] = len;
		e->v[3] = (__u32)ctx->dir;
		e->v[5] = n;
		loc_str(ctx, ctx->__data_loc_device, e->s1, sizeof(e->s1));
		ev_submit(e);
	}
	return 0;
}

SEC("tracepoint/dma/dma_sync_sg_for_cpu")
int tp_dma_sync_sg_cpu(void *ctx) { return dma_sync_sg(ctx, SVT_P_DMA_SYNC_SG_CPU); }
SEC("tracepoint/dma/dma_sync_sg_for_device")
int tp_dma_sync_sg_dev(void *ctx) { return dma_sync_sg(ctx, SVT_P_DMA_SYNC_SG_DEV); }

/* ------------------------------------------------------------ intel_iommu:* */

struct trace_event_raw_qi_submit___svt {
	__u64 qw0;
	__u64 qw1;
	__u64 qw2;
	__u64 qw3;
	__u32 __data_loc_iommu;
} __attribute__((preserve_access_index));

/* prq_report: dw0..dw3 are u64 fields in the event (5.15+). */
struct trace_event_raw_prq_report___svt {
	__u64 dw0;
	__u64 dw1;
	__u64 dw2;
	__u64 dw3;
	unsigned long seq;
	__u32 __data_loc_iommu;
	__u32 __data_loc_dev;
} __attribute__((preserve_access_index));

/* cache_tag_log class (assign/unassign) and cache_tag_flush class (6.10+). */
struct trace_event_raw_cache_tag_log___svt {
	__u32 __data_loc_iommu;
	__u32 __data_loc_dev;
	__u16 type;
	__u16 domain_id;
	__u32 pasid;
} __attribute__((preserve_access_index));

struct trace_event_raw_cache_tag_flush___svt {
	__u32 __data_loc_iommu;
	__u32 __data_loc_dev;
	__u16 type;
	__u16 domain_id;
	__u32 pasid;
	unsigned long start;
	unsigned long end;
} __attribute__((preserve_access_index));

SEC("tracepoint/intel_iommu/qi_submit")
int tp_qi_submit(struct trace_event_raw_qi_submit___svt *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_QI_SUBMIT)))
		return 0;
	e->v[0] = ctx->qw0;
	e->v[1] = ctx->qw1;
	e->v[2] = ctx->qw2;
	e->v[3] = ctx->qw3;
	loc_str(ctx, ctx->__data_loc_iommu, e->s2, sizeof(e->s2));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/intel_iommu/prq_report")
int tp_prq_report(struct trace_event_raw_prq_report___svt *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_PRQ_REPORT)))
		return 0;
	e->v[0] = ctx->dw0;
	e->v[1] = ctx->dw1;
	e->v[2] = ctx->dw2;
	e->v[3] = ctx->dw3;
	e->v[4] = ctx->seq;
	loc_str(ctx, ctx->__data_loc_dev, e->s1, sizeof(e->s1));
	loc_str(ctx, ctx->__data_loc_iommu, e->s2, sizeof(e->s2));
	ev_submit(e);
	return 0;
}

static __always_inline int cache_tag_log(struct trace_event_raw_cache_tag_log___svt *ctx,
					 __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[2] = ctx->type;
	e->v[3] = ctx->domain_id;
	e->v[4] = ctx->pasid;
	loc_str(ctx, ctx->__data_loc_dev, e->s1, sizeof(e->s1));
	loc_str(ctx, ctx->__data_loc_iommu, e->s2, sizeof(e->s2));
	ev_submit(e);
	return 0;
}

static __always_inline int cache_tag_flush(struct trace_event_raw_cache_tag_flush___svt *ctx,
					   __u16 probe)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[0] = ctx->start;
	e->v[1] = ctx->end;
	e->v[2] = ctx->type;
	e->v[3] = ctx->domain_id;
	e->v[4] = ctx->pasid;
	loc_str(ctx, ctx->__data_loc_dev, e->s1, sizeof(e->s1));
	loc_str(ctx, ctx->__data_loc_iommu, e->s2, sizeof(e->s2));
	ev_submit(e);
	return 0;
}

SEC("tracepoint/intel_iommu/cache_tag_assign")
int tp_cache_tag_assign(void *ctx) { return cache_tag_log(ctx, SVT_P_CACHE_TAG_ASSIGN); }
SEC("tracepoint/intel_iommu/cache_tag_unassign")
int tp_cache_tag_unassign(void *ctx) { return cache_tag_log(ctx, SVT_P_CACHE_TAG_UNASSIGN); }
SEC("tracepoint/intel_iommu/cache_tag_flush_range")
int tp_cache_tag_flush_range(void *ctx) { return cache_tag_flush(ctx, SVT_P_CACHE_TAG_FLUSH_RANGE); }
SEC("tracepoint/intel_iommu/cache_tag_flush_all")
int tp_cache_tag_flush_all(void *ctx) { return cache_tag_flush(ctx, SVT_P_CACHE_TAG_FLUSH_ALL); }
SEC("tracepoint/intel_iommu/cache_tag_flush_range_np")
int tp_cache_tag_flush_range_np(void *ctx) { return cache_tag_flush(ctx, SVT_P_CACHE_TAG_FLUSH_RANGE_NP); }

/* ------------------------------------------------------------ entry/exit pairs */

static __always_inline void entry_save(__u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entry en = { .ts_ns = bpf_ktime_get_ns(), .a = { a0, a1, a2, a3 } };

	bpf_map_update_elem(&entries, &tid, &en, BPF_ANY);
}

/* Reserve the exit event and fill v[0..3] and dur_ns from the saved entry. */
static __always_inline struct svt_event *exit_event(__u16 probe, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entry *en = bpf_map_lookup_elem(&entries, &tid);
	struct svt_event *e;

	if (!en)
		return NULL;	/* entry missed (probe attached mid-call) */
	e = ev_reserve(probe);
	if (e) {
		e->dur_ns = e->ts_ns - en->ts_ns;
		e->ts_ns = en->ts_ns;
		e->v[0] = en->a[0];
		e->v[1] = en->a[1];
		e->v[2] = en->a[2];
		e->v[3] = en->a[3];
		e->ret = ret;
	}
	bpf_map_delete_elem(&entries, &tid);
	return e;
}

/*
 * Kernel functions are traced with fentry/fexit (BPF trampolines): kprobes
 * are not built into every kernel (this project's build host has none),
 * while BTF is required anyway. Arguments are read with bpf_get_func_arg()
 * and the return value with bpf_get_func_ret() (5.17+), which check the
 * argument count at run time: some prototypes changed between kernels
 * (pin_user_pages lost its vmas argument in 6.5).
 */
static __always_inline __u64 arg(void *ctx, __u32 n)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, n, &v);
	return v;
}

static __always_inline long fret(void *ctx)
{
	__u64 v = 0;

	bpf_get_func_ret(ctx, &v);
	return (long)v;
}

/* qi_submit_sync(iommu, desc, count, options): the invalidation wait. */
struct intel_iommu___svt {
	char name[16];
} __attribute__((preserve_access_index));

SEC("fentry/qi_submit_sync")
int fe_qi_submit_sync(void *ctx)
{
	if (!skip_task())
		entry_save(arg(ctx, 0), arg(ctx, 2), 0, 0);
	return 0;
}

SEC("fexit/qi_submit_sync")
int fx_qi_submit_sync(void *ctx)
{
	struct svt_event *e = exit_event(SVT_P_QI_SUBMIT_SYNC, (int)fret(ctx));
	struct intel_iommu___svt *iommu;

	if (!e)
		return 0;
	iommu = (void *)e->v[0];
	BPF_CORE_READ_STR_INTO(&e->s2, iommu, name);
	e->v[0] = 0;
	ev_submit(e);
	return 0;
}

/* ------------------------------------------------------------ I/O page faults */

struct iommu_fault_page_request___svt {
	__u32 flags;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u64 addr;
} __attribute__((preserve_access_index));

/*
 * struct iommu_fault: 6.1 wraps prm in an anonymous union, 6.8+ does not;
 * CO-RE matches the member through anonymous unions either way.
 */
struct iommu_fault___svt {
	__u32 type;
	struct iommu_fault_page_request___svt prm;
} __attribute__((preserve_access_index));

struct device___svt {
	struct {
		const char *name;
	} kobj;
} __attribute__((preserve_access_index));

struct iommu_page_response___svt {
	__u32 pasid;
	__u32 grpid;
	__u32 code;
} __attribute__((preserve_access_index));

/* v[0] addr, v[1] pasid, v[2] grpid, v[3] perm, v[4] flags, v[5] type */
static __always_inline int fault_event(__u16 probe, struct device___svt *dev,
				       struct iommu_fault___svt *f)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	if (f) {
		e->v[0] = BPF_CORE_READ(f, prm.addr);
		e->v[1] = BPF_CORE_READ(f, prm.pasid);
		e->v[2] = BPF_CORE_READ(f, prm.grpid);
		e->v[3] = BPF_CORE_READ(f, prm.perm);
		e->v[4] = BPF_CORE_READ(f, prm.flags);
		e->v[5] = BPF_CORE_READ(f, type);
	}
	if (dev) {
		const char *name = BPF_CORE_READ(dev, kobj.name);

		bpf_probe_read_kernel_str(e->s1, sizeof(e->s1), name);
	}
	ev_submit(e);
	return 0;
}

/* iommu_report_device_fault(dev, evt): evt (iommu_fault_event in 6.1,
 * iopf_fault in 6.7+) starts with struct iommu_fault in both. */
SEC("fentry/iommu_report_device_fault")
int fe_iopf_report(void *ctx)
{
	return fault_event(SVT_P_IOPF_REPORT, (void *)arg(ctx, 0), (void *)arg(ctx, 1));
}

/* The SVA handler that calls handle_mm_fault: 6.1 iommu_sva_handle_iopf(fault, data). */
SEC("fentry/iommu_sva_handle_iopf")
int fe_iopf_handle_iopf(void *ctx)
{
	return fault_event(SVT_P_IOPF_HANDLE_IOPF, NULL, (void *)arg(ctx, 0));
}

/* 6.7+: iommu_sva_handle_mm(fault, mm). */
SEC("fentry/iommu_sva_handle_mm")
int fe_iopf_handle_mm(void *ctx)
{
	return fault_event(SVT_P_IOPF_HANDLE_MM, NULL, (void *)arg(ctx, 0));
}

/* Page group response, 6.1: iommu_page_response(dev, msg). v[1] pasid, v[2] grpid, v[6] code */
SEC("fentry/iommu_page_response")
int fe_iopf_page_response(void *ctx)
{
	struct device___svt *dev = (void *)arg(ctx, 0);
	struct iommu_page_response___svt *msg = (void *)arg(ctx, 1);
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IOPF_PAGE_RESPONSE)))
		return 0;
	e->v[1] = BPF_CORE_READ(msg, pasid);
	e->v[2] = BPF_CORE_READ(msg, grpid);
	e->v[6] = BPF_CORE_READ(msg, code);
	bpf_probe_read_kernel_str(e->s1, sizeof(e->s1), BPF_CORE_READ(dev, kobj.name));
	ev_submit(e);
	return 0;
}

/* 6.7+: iopf_group_response(group, status); the group starts with its
 * last fault (struct iopf_fault), which starts with struct iommu_fault. */
SEC("fentry/iopf_group_response")
int fe_iopf_group_response(void *ctx)
{
	struct iommu_fault___svt *group = (void *)arg(ctx, 0);
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IOPF_GROUP_RESPONSE)))
		return 0;
	e->v[1] = BPF_CORE_READ(group, prm.pasid);
	e->v[2] = BPF_CORE_READ(group, prm.grpid);
	e->v[6] = (__u32)arg(ctx, 1);
	ev_submit(e);
	return 0;
}

/* ------------------------------------------------------------ pin/unpin */

/* Entry saves v[0] start, v[1] nr_pages, v[2] gup flags; exit adds the
 * pages pinned or -errno. Argument positions per function: */
SEC("fentry/pin_user_pages_fast")	/* (start, nr_pages, gup_flags, pages) */
int fe_pin_fast(void *ctx)
{
	if (!skip_task())
		entry_save(arg(ctx, 0), arg(ctx, 1), arg(ctx, 2), 0);
	return 0;
}

SEC("fentry/pin_user_pages")		/* (start, nr_pages, gup_flags, pages[, vmas]) */
int fe_pin(void *ctx)
{
	if (!skip_task())
		entry_save(arg(ctx, 0), arg(ctx, 1), arg(ctx, 2), 0);
	return 0;
}

SEC("fentry/pin_user_pages_remote")	/* (mm, start, nr_pages, gup_flags, pages, ...) */
int fe_pin_remote(void *ctx)
{
	if (!skip_task())
		entry_save(arg(ctx, 1), arg(ctx, 2), arg(ctx, 3), 0);
	return 0;
}

SEC("fentry/pin_user_pages_unlocked")	/* (start, nr_pages, pages, gup_flags) */
int fe_pin_unlocked(void *ctx)
{
	if (!skip_task())
		entry_save(arg(ctx, 0), arg(ctx, 1), arg(ctx, 3), 0);
	return 0;
}

static __always_inline int pin_exit(__u16 probe, long ret)
{
	struct svt_event *e = exit_event(probe, ret);

	if (e)
		ev_submit(e);
	return 0;
}

SEC("fexit/pin_user_pages_fast")
int fx_pin_fast(void *ctx) { return pin_exit(SVT_P_PIN_FAST, (int)fret(ctx)); }
SEC("fexit/pin_user_pages")
int fx_pin(void *ctx) { return pin_exit(SVT_P_PIN, fret(ctx)); }
SEC("fexit/pin_user_pages_remote")
int fx_pin_remote(void *ctx) { return pin_exit(SVT_P_PIN_REMOTE, fret(ctx)); }
SEC("fexit/pin_user_pages_unlocked")
int fx_pin_unlocked(void *ctx) { return pin_exit(SVT_P_PIN_UNLOCKED, fret(ctx)); }

/* unpin_user_pages(pages, npages): no user address is known here. */
static __always_inline int unpin(__u16 probe, unsigned long npages)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(probe)))
		return 0;
	e->v[1] = npages;
	e->ret = npages;
	ev_submit(e);
	return 0;
}

SEC("fentry/unpin_user_pages")
int fe_unpin(void *ctx) { return unpin(SVT_P_UNPIN, arg(ctx, 1)); }
SEC("fentry/unpin_user_pages_dirty_lock")
int fe_unpin_dirty(void *ctx) { return unpin(SVT_P_UNPIN_DIRTY, arg(ctx, 1)); }

/* ------------------------------------------------------------ idxd (module) */

struct idxd_device___svt {
	int id;
} __attribute__((preserve_access_index));

struct idxd_wq___svt {
	int id;
	struct idxd_device___svt *idxd;
} __attribute__((preserve_access_index));

/* hw and completion sit in anonymous unions in struct idxd_desc. */
struct idxd_desc___svt {
	void *hw;
	void *completion;
} __attribute__((preserve_access_index));

/* idxd_submit_desc(wq, desc): descriptor in v[0..7] (64 bytes, DSA spec
 * layout), wq in op, device number in ret, desc pointer in dur_ns. */
SEC("fentry/idxd_submit_desc")
int fe_idxd_submit(void *ctx)
{
	struct idxd_wq___svt *wq = (void *)arg(ctx, 0);
	struct idxd_desc___svt *desc = (void *)arg(ctx, 1);
	struct svt_event *e;
	void *hw;

	if (skip_task() || !(e = ev_reserve(SVT_P_IDXD_SUBMIT)))
		return 0;
	hw = BPF_CORE_READ(desc, hw);
	bpf_probe_read_kernel(e->v, 64, hw);
	e->op = BPF_CORE_READ(wq, id);
	e->ret = BPF_CORE_READ(wq, idxd, id);
	e->dur_ns = (__u64)desc;	/* pairs submit with completion; hashed in user space */
	ev_submit(e);
	return 0;
}

/* idxd_enqcmds(wq, portal, desc): retries ENQCMDS up to wq->enqcmds_retries
 * times; the return value says accepted (0) or -EAGAIN/-ENXIO. */
SEC("fentry/idxd_enqcmds")
int fe_idxd_enqcmds(void *ctx)
{
	struct idxd_wq___svt *wq = (void *)arg(ctx, 0);

	if (!skip_task())
		entry_save(BPF_CORE_READ(wq, id), BPF_CORE_READ(wq, idxd, id), arg(ctx, 2), 0);
	return 0;
}

SEC("fexit/idxd_enqcmds")
int fx_idxd_enqcmds(void *ctx)
{
	struct svt_event *e = exit_event(SVT_P_IDXD_ENQCMDS, (int)fret(ctx));

	if (e)
		ev_submit(e);
	return 0;
}

/* idxd_dma_complete_txd(desc, comp_type, ...): v[0] status byte, v[1] bytes
 * completed, v[2] fault address from the completion record. */
SEC("fentry/idxd_dma_complete_txd")
int fe_idxd_complete(void *ctx)
{
	struct idxd_desc___svt *desc = (void *)arg(ctx, 0);
	struct svt_event *e;
	__u8 crec[16] = {};

	if (skip_task() || !(e = ev_reserve(SVT_P_IDXD_COMPLETE)))
		return 0;
	bpf_probe_read_kernel(crec, sizeof(crec), BPF_CORE_READ(desc, completion));
	e->v[0] = crec[0];
	e->v[1] = *(__u32 *)&crec[4];
	e->v[2] = *(__u64 *)&crec[8];
	e->v[3] = (__u32)arg(ctx, 1);
	e->dur_ns = (__u64)desc;
	ev_submit(e);
	return 0;
}

/* Completion interrupt thread and the misc (error / event log) thread. */
SEC("fentry/idxd_wq_thread")
int fe_idxd_wq_thread(void *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IDXD_WQ_THREAD)))
		return 0;
	e->v[0] = arg(ctx, 0);
	ev_submit(e);
	return 0;
}

SEC("fentry/idxd_misc_thread")
int fe_idxd_misc_thread(void *ctx)
{
	struct svt_event *e;

	if (skip_task() || !(e = ev_reserve(SVT_P_IDXD_MISC_THREAD)))
		return 0;
	e->v[0] = arg(ctx, 0);
	ev_submit(e);
	return 0;
}

/* ------------------------------------------------------------ user-space DSA submitters */

/*
 * --uprobe PATH:SYMBOL:ARGn=dsa-desc. The attach cookie holds the argument
 * number (low 8 bits) and the --uprobe index (next 8 bits, in op).
 */
SEC("uprobe")
int up_dsa_desc(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	struct svt_event *e;
	unsigned long p, a[5];
	__u32 n;

	if (skip_task())
		return 0;
	/* Read every candidate at its fixed offset first: a switch on the
	 * cookie would let clang compute the ctx offset, which the verifier
	 * refuses ("dereference of modified ctx ptr"). */
	a[0] = PT_REGS_PARM1(ctx);
	a[1] = PT_REGS_PARM2(ctx);
	a[2] = PT_REGS_PARM3(ctx);
	a[3] = PT_REGS_PARM4(ctx);
	a[4] = PT_REGS_PARM5(ctx);
	n = cookie & 0xff;
	if (n < 1 || n > 5)
		return 0;
	p = a[n - 1];
	if (!(e = ev_reserve(SVT_P_UPROBE_DSA)))
		return 0;
	e->op = (cookie >> 8) & 0xff;
	if (bpf_probe_read_user(e->v, 64, (void *)p))
		e->ret = -14;	/* -EFAULT: descriptor not readable */
	e->dur_ns = p;
	ev_submit(e);
	return 0;
}

/* ------------------------------------------------------------ --tracepoint SYSTEM:NAME */

/*
 * Any tracepoint: the record's bytes after the 8-byte common header, as many
 * as its format has (at most 64), into v[]. The attach cookie holds the
 * --tracepoint index (low 8 bits, in op) and that byte count (next 8 bits);
 * the loader reads the format file, the converter names the fields.
 */
SEC("tracepoint")
int tp_generic(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	struct svt_event *e;
	__u32 n = (cookie >> 8) & 0x7f;

	if (skip_task() || !(e = ev_reserve(SVT_P_TRACEPOINT)))
		return 0;
	e->op = cookie & 0xff;
	if (n > sizeof(e->v))
		n = sizeof(e->v);
	if (n)
		bpf_probe_read_kernel(e->v, n, (char *)ctx + 8);
	ev_submit(e);
	return 0;
}
