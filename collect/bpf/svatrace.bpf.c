// SPDX-License-Identifier: GPL-2.0
/*
 * svatrace.bpf.c - the BPF side of `svatrace collect`: one program per
 * DESIGN.md §3 source (IOMMU, DMA-API and VT-d tracepoints, kprobes on the
 * invalidation wait, the I/O page-fault path, pin/unpin and idxd, and a
 * uprobe for user-space DSA submitters). Each program copies raw values into
 * a variable-size record (struct svt_rec, collect.h) in one ring buffer;
 * all decoding happens in user space where it can be tested. The per-event
 * path is kept to four helper calls (task, reserve, clock, submit): on hosts
 * with retpolines and SRSO "safe RET" each helper costs 15-60 ns, more than
 * all the plain loads and stores of a record. The loader disables
 * (autoload=false) every program whose target this kernel lacks before
 * loading, because libbpf 1.1 fails the whole object load on one missing
 * target.
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

const volatile __u32 targ_tgid = 0;	       /* --pid: 0 = every task */
const volatile __u64 targ_cgid = 0;	       /* --cgroup: cgroup-v2 id, 0 = every cgroup */
const volatile __u64 wakeup_bytes = 64 * 1024; /* per CPU: wake the consumer past this much data */
const volatile bool tp_multi = false;	       /* more than one --tracepoint: op from the cookie */

const volatile bool percpu_rings = false; /* records go to rbs[this CPU], not rb */

/* The single ring every CPU shares (--rings single). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* resized by the loader (--buffer-size) */
} rb SEC(".maps");

/*
 * Per-CPU rings (the default): the loader creates one ring buffer per
 * online CPU and stores it at that CPU's index. A shared ring serialises
 * every CPU's reserve and commit on one lock and one producer position,
 * and its throughput falls several-fold as producers are added (the
 * kernel's ring-buffer benchmarks); one ring per CPU is touched by one
 * producer and one consumer. The lookup of an array of maps is inlined by
 * the verifier (no helper call), and so is bpf_get_smp_processor_id().
 */
struct rb_cpu {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096); /* a template: the loader's rings have their own size */
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* resized to the possible CPUs by the loader */
	__type(key, __u32);
	__array(values, struct rb_cpu);
} rbs SEC(".maps");

/* Events dropped because the ring buffer was full, per CPU and probe. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SVT_P_MAX_);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/*
 * Per-CPU state as a plain array in .bss indexed by CPU (one cache line
 * each, so CPUs never share one): no helper call, unlike a per-CPU map
 * lookup on kernels before 6.10.
 */
struct svt_pcpu pcpu[SVT_MAX_CPUS];

/* ------------------------------------------------------------ summary mode */

const volatile bool summary_mode = false; /* count into sum_arr/sum_hash, no ring records */

/* Counters of events without a name (collect.h: summary mode); the
 * second half counts the odd epochs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * SVT_P_MAX_ * SVT_SUM_CLASSES);
	__type(key, __u32);
	__type(value, struct svt_sum_val);
} sum_arr SEC(".maps");

/* Counters by (probe, class, device or IOMMU name). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SVT_SUM_MAX_KEYS);
	__type(key, struct svt_sum_key);
	__type(value, struct svt_sum_val);
} sum_hash SEC(".maps");

/* The epoch and the marker cuts (collect.h); the collector maps .bss. */
struct svt_sum_state sum_state;

/*
 * Page requests waiting for their response: the first request's time per
 * (device, PASID, group). LRU: a request that never gets a response here
 * (the driver answered it itself, or the device went away) ages out.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct svt_iopf_key);
	__type(value, __u64);
} iopf_pending SEC(".maps");

/*
 * In summary mode a program writes its record into this CPU's scratch
 * slot instead of the ring, so every program stays as it is and
 * rec_submit() reads the record back into the counters. Classic
 * tracepoint programs never nest on one CPU (bpf_prog_active); a raw_tp or
 * fentry program interrupting another mid-record would overwrite its slot
 * and one of the two events is miscounted.
 */
struct svt_scratch scratch[SVT_MAX_CPUS];

/* The record kind of each probe (probe_table.h), for the summary's quantity. */
#define SVT_KIND_OF(ID, KIND, ...) [SVT_P_##ID] = SVT_K_##KIND,
static const __u8 probe_kind[SVT_P_MAX_] = {
    SVT_PROBES(SVT_KIND_OF, SVT_KIND_OF, SVT_KIND_OF, SVT_KIND_OF)};
#undef SVT_KIND_OF

/*
 * Entry state of entry/exit pairs. A thread id alone is not a call: every
 * CPU's idle task is pid 0 (interrupts served in idle on two CPUs overlap),
 * and an interrupt can run qi_submit_sync on a task that is inside another
 * probed call. So the key is the owner (thread, or the CPU for pid 0), the
 * probe, and the nesting depth: calls of one owner nest LIFO, and an exit
 * takes the deepest entry of its probe.
 */
struct entry {
	__u64 ts_ns; /* entry time */
	__u64 a[4];  /* saved arguments */
	__u64 epoch; /* summary mode: the epoch at entry (the pair counts in it) */
};

/*
 * Summary mode: an exit record's op (0 otherwise for these kinds) carries
 * SVT_OP_EPOCH | the entry's epoch parity, so a pair counts in the interval
 * its entry fell in, as a full trace places it by its entry time.
 */
#define SVT_OP_EPOCH 0x8000
struct entry_key {
	__u32 owner; /* thread id; SVT_IDLE_OWNER | cpu for pid 0 */
	__u16 probe; /* SVT_P_* of the exit that consumes it */
	__u16 depth; /* 0 outermost */
};
#define SVT_IDLE_OWNER 0x80000000u
#define SVT_ENTRY_NEST 4 /* task, softirq, hardirq, NMI */
#define SVT_EEXIST 17	 /* errno: vmlinux.h has none */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct entry_key);
	__type(value, struct entry);
} entries SEC(".maps");

/*
 * The current task, read through its BTF pointer: pid, tgid and comm are
 * plain loads, where bpf_get_current_pid_tgid() and bpf_get_current_comm()
 * are helper calls (~15 and ~60 ns each on a host with retpolines and
 * SRSO "safe RET", where every kernel call/return is expensive).
 */
static __always_inline struct task_struct *cur(void)
{
	return bpf_get_current_task_btf();
}

/*
 * All CPUs' and probes' losses in one word the collector reads through the
 * mapped .bss (--stop-on-loss polls it every 20 ms, the status line every
 * 0.5 s) instead of a map lookup per probe: every BPF map syscall holds
 * bpf_prog_active on its CPU, and kprobe and classic tracepoint programs
 * firing there meanwhile are skipped. An atomic add on a shared line, but
 * only when an event is lost.
 */
__u64 lost_total;

static __always_inline void lost_add(__u16 probe, __u64 n)
{
	__u32 k = probe;
	__u64 *c = bpf_map_lookup_elem(&lost, &k);

	if (c)
		*c += n;
	__sync_fetch_and_add(&lost_total, n);
}

/* Scatterlist events give one record per entry, at most SVT_SG_MAX; entries
 * past that are counted as lost, so records + lost = entries fired. */
static __always_inline void sg_overflow(__u16 probe, __u32 n)
{
	if (n > SVT_SG_MAX)
		lost_add(probe, n - SVT_SG_MAX);
}

static __always_inline bool skip_task(struct task_struct *t)
{
	/* targ_cgid is read-only data: with 0 the verifier drops the helper call */
	return (targ_tgid && t->tgid != targ_tgid) ||
	       (targ_cgid && bpf_get_current_cgroup_id() != targ_cgid);
}

/*
 * --sample N: keep 1 of N mappings, chosen by a hash of the IOVA page
 * (the first page of a mapping), so that a kept map's unmap and its
 * page-selective invalidations, which name the same first page, are kept
 * too and a kept mapping's life is whole. iommu:map carries no device, so
 * the hash is of the page alone (the same page of two domains is kept or
 * dropped together). Events without an address are all kept.
 */
const volatile __u32 sample_n = 0; /* 0 or 1: keep everything */

static __always_inline bool sampled_out(__u64 addr)
{
	__u64 h;

	if (sample_n <= 1)
		return false;
	h = (addr >> 12) * 0x9e3779b97f4a7c15ull; /* Fibonacci hashing: spreads runs of pages */
	return (__u32)(h >> 32) % sample_n != 0;
}

/*
 * Values, ret, dur and strings of a record (offsets are constants). RVAL
 * gives the values as the named struct of the probe's kind (collect.h);
 * RV as plain slots, only where a generic path copies them in order.
 */
#define RVAL(r, type) ((type *)((r) + 1))
#define RV(r) ((__u64 *)((r) + 1))
#define RRET(r, nv) (*(__s64 *)((char *)(r) + SVT_REC_OFF_RET(nv)))
#define RDUR(r, nv, fl) (*(__u64 *)((char *)(r) + SVT_REC_OFF_DUR(nv, fl)))
#define RS1(r, nv, fl) ((char *)(r) + SVT_REC_OFF_S1(nv, fl))
#define RS2(r, nv, fl) ((char *)(r) + SVT_REC_OFF_S2(nv, fl))

/*
 * Reserve a record of @nv values and the parts in @fl (compile-time
 * constants: the verifier needs a constant size) and fill its header. The
 * caller writes every value and part, then calls rec_submit() with the same
 * @nv and @fl. NULL when the ring buffer is full: counted as lost.
 */
static __always_inline struct svt_rec *rec_new(struct task_struct *t, __u16 probe, __u32 nv,
					       __u32 fl)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct svt_rec *r;
	void *ring = &rb;

	if (summary_mode) {
		if (cpu >= SVT_MAX_CPUS)
			return NULL;
		r = (struct svt_rec *)&scratch[cpu];
		r->ts_ns = 0; /* not needed: exit_rec() reads the clock itself */
		r->tgid = t->tgid;
		r->tid = t->pid;
		r->probe = probe;
		r->op = 0;
		r->cpu = cpu;
		r->nr_v = nv;
		r->flags = fl;
		return r;
	}
	if (percpu_rings) {
		ring = bpf_map_lookup_elem(&rbs, &cpu);
		if (!ring) { /* a CPU that came online after the loader ran */
			lost_add(probe, 1);
			return NULL;
		}
	}
	r = bpf_ringbuf_reserve(ring, SVT_REC_BYTES(nv, fl), 0);
	if (!r) {
		lost_add(probe, 1);
		return NULL;
	}
	/* The time is read after the reserve: the consumer relies on it to
	 * merge the per-CPU rings by time (collect/rings.h). */
	r->ts_ns = bpf_ktime_get_ns();
	r->tgid = t->tgid;
	r->tid = t->pid;
	r->probe = probe;
	r->op = 0;
	r->cpu = cpu;
	r->nr_v = nv;
	r->flags = fl;
	*(__u64 *)&r->comm[0] = *(__u64 *)&t->comm[0];
	*(__u64 *)&r->comm[8] = *(__u64 *)&t->comm[8];
	return r;
}

/* rec_new() for the current task, NULL when --pid filters it out. */
static __always_inline struct svt_rec *rec_open(__u16 probe, __u32 nv, __u32 fl)
{
	struct task_struct *t = cur();

	return skip_task(t) ? NULL : rec_new(t, probe, nv, fl);
}

/*
 * Batched wakeups: the consumer polls on a timer and is woken early only
 * when this CPU has submitted wakeup_bytes since it last woke it (the
 * loader sets that to a quarter of this CPU's ring, or with one shared
 * ring to a quarter of it divided by the CPU count, so a ring is at most
 * a quarter full before a wakeup), never once per
 * event. A per-CPU count costs two loads and a store; asking the ring how
 * much data waits (bpf_ringbuf_query) is a helper call and a read of the
 * consumer position, a cache line the consumer keeps writing (~20 ns).
 */
/* A new hash entry's value (too big for the 512-byte BPF stack). */
static const struct svt_sum_val sum_zero;

/* floor(log2(v)) + 1, 0 for 0: the histogram bucket, without a loop. */
static __always_inline __u32 log2_bucket(__u64 v)
{
	__u32 b = 0;

	if (!v)
		return 0;
	if (v >> 32) {
		v >>= 32;
		b += 32;
	}
	if (v >> 16) {
		v >>= 16;
		b += 16;
	}
	if (v >> 8) {
		v >>= 8;
		b += 8;
	}
	if (v >> 4) {
		v >>= 4;
		b += 4;
	}
	if (v >> 2) {
		v >>= 2;
		b += 2;
	}
	if (v >> 1)
		b += 1;
	b += 1;
	return b < SVT_SUM_BUCKETS ? b : SVT_SUM_BUCKETS - 1;
}

/* enum iommu_fault_type: IOMMU_FAULT_PAGE_REQ is 2 on 6.1 (after
 * DMA_UNRECOV), 1 from 6.8 (DMA_UNRECOV removed); CO-RE reads this kernel's. */
enum iommu_fault_type___svt {
	IOMMU_FAULT_PAGE_REQ___svt = 2,
};

static __always_inline __u64 iopf_page_req_type(void)
{
	if (bpf_core_enum_value_exists(enum iommu_fault_type___svt, IOMMU_FAULT_PAGE_REQ___svt))
		return bpf_core_enum_value(enum iommu_fault_type___svt, IOMMU_FAULT_PAGE_REQ___svt);
	return 2;
}

/* The pairing key of an iopf record: device (s1), PASID and group id. */
static __always_inline void iopf_key(struct svt_iopf_key *k, struct svt_rec *r, __u32 nv, __u32 fl)
{
	struct svt_v_iopf *v = RVAL(r, struct svt_v_iopf);

	k->pasid = v->pasid;
	k->grpid = v->grpid;
	if (fl & SVT_RF_S1)
		bpf_probe_read_kernel_str(k->name, sizeof(k->name), RS1(r, nv, fl));
}

/*
 * Summary mode pairs page requests with their responses here, in the
 * report and response programs (the probe is a constant there; in
 * sum_add() it is not, and every case there is verified for every
 * program, 128 times over in the scatterlist loops).
 *
 * A page request (iommu_report_device_fault): remember the group's first
 * request time. Later requests of the same group (no "last page" bit yet)
 * keep the first one's (BPF_NOEXIST): the service time runs from the
 * first request the device sent to the one response for the group.
 */
static __always_inline void iopf_request(struct svt_rec *r, __u32 nv, __u32 fl)
{
	struct svt_iopf_key k = {};
	__u64 ts = r->ts_ns;

	if (RVAL(r, struct svt_v_iopf)->type != iopf_page_req_type())
		return;
	iopf_key(&k, r, nv, fl);
	bpf_map_update_elem(&iopf_pending, &k, &ts, BPF_NOEXIST);
}

/* A page response: ns since its group's first request, 0 if not seen
 * (the request came before the attach, or aged out of the LRU). */
static __always_inline __u64 iopf_service_ns(struct svt_rec *r, __u32 nv, __u32 fl)
{
	struct svt_iopf_key k = {};
	__u64 *t, d = 0;

	iopf_key(&k, r, nv, fl);
	t = bpf_map_lookup_elem(&iopf_pending, &k);
	if (!t)
		return 0;
	if (r->ts_ns > *t)
		d = r->ts_ns - *t;
	bpf_map_delete_elem(&iopf_pending, &k);
	return d;
}

/* Add the record in this CPU's scratch slot to the summary counters. */
static __always_inline void sum_add(struct svt_rec *r, __u32 nv, __u32 fl)
{
	struct svt_sum_key key = {};
	struct svt_sum_val *v;
	__u32 probe = r->probe, kind, b;
	/* the epoch read once: the whole event counts in its slot; an exit
	 * record's entry epoch (SVT_OP_EPOCH) instead, without a branch */
	__u32 own = (__u32)(r->op >> 15) & 1;
	__u32 epoch = (((__u32)sum_state.epoch & 1) & (own - 1)) | (r->op & own & 1);
	__u64 qty = 0;
	bool named = false;

	if (probe >= SVT_P_MAX_)
		return;
	kind = probe_kind[probe];
	key.probe = probe;
	key.epoch = epoch;
	switch (kind) {
	case SVT_K_IOMMU_MAP:
		qty = RVAL(r, struct svt_v_iommu_map)->size_bytes;
		break;
	case SVT_K_IOMMU_UNMAP:
		qty = RVAL(r, struct svt_v_iommu_unmap)->unmapped_bytes;
		break;
	case SVT_K_DMA:
	case SVT_K_DMA_SG:
		qty = RVAL(r, struct svt_v_dma)->size_bytes;
		break;
	case SVT_K_QI_SUBMIT: {
		__u64 qw0 = RVAL(r, struct svt_v_qi_submit)->qw[0];

		key.cls = (qw0 & 0xf) | ((qw0 >> 9) & 0x7) << 4;
		break;
	}
	case SVT_K_QI_WAIT:
		if (fl & SVT_RF_DUR)
			qty = RDUR(r, SVT_EXIT_NV, fl);
		break;
	case SVT_K_PIN:
		qty = RVAL(r, struct svt_v_pin)->nr_pages;
		break;
	case SVT_K_DSA_SUBMIT:
		if (fl & SVT_RF_RET)
			key.cls =
			    ((RRET(r, SVT_NV(struct svt_v_dsa_desc)) & 0x7f) << 8) | (r->op & 0xff);
		named = true;
		break;
	case SVT_K_DSA_ENQCMDS: {
		struct svt_v_dsa_enqcmds *e = RVAL(r, struct svt_v_dsa_enqcmds);

		key.cls = ((e->dev & 0x7f) << 8) | (e->wq & 0xff);
		if ((fl & SVT_RF_RET) && RRET(r, SVT_EXIT_NV))
			key.cls |= 0x8000;
		if (fl & SVT_RF_DUR)
			qty = RDUR(r, SVT_EXIT_NV, fl);
		named = true;
		break;
	}
	case SVT_K_DSA_COMPLETE:
		named = true;
		break;
	case SVT_K_IOPF_RESP: /* page_response() put the service time here */
		qty = RVAL(r, struct svt_v_iopf)->addr;
		break;
	case SVT_K_TRACEPOINT:
		key.cls = r->op;
		break;
	}
	b = log2_bucket(qty);
	if (fl & (SVT_RF_S1 | SVT_RF_S2)) {
		named = true;
		/* the device (s1) where there is one, else the IOMMU (s2) */
		bpf_probe_read_kernel_str(key.name, sizeof(key.name),
					  fl & SVT_RF_S1 ? RS1(r, nv, fl) : RS2(r, nv, fl));
	}
	if (named) {
		v = bpf_map_lookup_elem(&sum_hash, &key);
		if (!v) {
			bpf_map_update_elem(&sum_hash, &key, &sum_zero, BPF_NOEXIST);
			v = bpf_map_lookup_elem(&sum_hash, &key);
			if (!v) {
				lost_add(probe, 1); /* the hash is full */
				return;
			}
		}
	} else {
		__u32 idx = (epoch * SVT_P_MAX_ + probe) * SVT_SUM_CLASSES +
			    (key.cls & (SVT_SUM_CLASSES - 1));

		v = bpf_map_lookup_elem(&sum_arr, &idx);
		if (!v)
			return;
	}
	v->nr++;
	v->sum += qty;
	if (b < SVT_SUM_BUCKETS)
		v->hist[b]++;
}

/*
 * sum_add() on CPU @cpu's scratch record, as a global function, for the
 * scatterlist loops (rec_submit_loop()): the verifier checks a global
 * function once, on its own (its arguments as any scalar), where an inlined
 * sum_add() is checked again in every loop iteration (SVT_SG_MAX times):
 * inlined there, summary mode's tp_dma_sync_sg_cpu took 774,994 verifier
 * instructions on Linux 6.18 (the limit is 1 M), 32,575 with this. Other
 * programs keep sum_add() inlined: there the probe and the record's
 * layout are constants and the switch folds away; through this function
 * summary mode cost 39 ns per event over the filtered floor instead of 12
 * (bench/collect_summary.sh, prctl).
 */
__noinline int sum_add_slot(__u32 cpu, __u32 nv, __u32 fl)
{
	if (cpu >= SVT_MAX_CPUS || nv > SVT_NR_V)
		return 0;
	/* the masks after a barrier: the verifier sees the bounds on the
	 * registers the accesses use (clang would reuse the unchecked ones) */
	asm volatile("" : "+r"(cpu), "+r"(nv));
	sum_add((struct svt_rec *)&scratch[cpu & (SVT_MAX_CPUS - 1)], nv & 15,
		fl & (SVT_RF_RET | SVT_RF_DUR | SVT_RF_S1 | SVT_RF_S2));
	return 0;
}

static __always_inline void rec_submit(struct svt_rec *r, __u32 nv, __u32 fl)
{
	__u32 cpu = r->cpu;
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (summary_mode) {
		sum_add(r, nv, fl);
		return;
	}

	if (cpu < SVT_MAX_CPUS) {
		struct svt_pcpu *p = &pcpu[cpu];

		p->unwoken_bytes += SVT_REC_BYTES(nv, fl) + 8;
		if (p->unwoken_bytes >= wakeup_bytes) {
			p->unwoken_bytes = 0;
			flags = BPF_RB_FORCE_WAKEUP;
		}
	} else {
		flags = 0; /* the kernel's own rule: wake when the consumer caught up */
	}
	bpf_ringbuf_submit(r, flags);
}

/* rec_submit() inside a loop: summary mode counts through sum_add_slot(). */
static __always_inline void rec_submit_loop(struct svt_rec *r, __u32 nv, __u32 fl)
{
	if (summary_mode)
		sum_add_slot(r->cpu, nv, fl);
	else
		rec_submit(r, nv, fl);
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

#define MAP_NV SVT_NV(struct svt_v_iommu_map)
#define UNMAP_NV SVT_NV(struct svt_v_iommu_unmap)

static __always_inline int iommu_map(__u64 iova, __u64 paddr, __u64 size)
{
	struct svt_v_iommu_map *v;
	struct svt_rec *r;

	if (sampled_out(iova))
		return 0;
	if (!(r = rec_open(SVT_P_IOMMU_MAP, MAP_NV, 0)))
		return 0;
	v = RVAL(r, struct svt_v_iommu_map);
	v->iova = iova;
	v->paddr = paddr;
	v->size_bytes = size;
	rec_submit(r, MAP_NV, 0);
	return 0;
}

static __always_inline int iommu_unmap(__u64 iova, __u64 size, __u64 unmapped)
{
	struct svt_v_iommu_unmap *v;
	struct svt_rec *r;

	if (sampled_out(iova))
		return 0;
	if (!(r = rec_open(SVT_P_IOMMU_UNMAP, UNMAP_NV, 0)))
		return 0;
	v = RVAL(r, struct svt_v_iommu_unmap);
	v->iova = iova;
	v->size_bytes = size;
	v->unmapped_bytes = unmapped;
	rec_submit(r, UNMAP_NV, 0);
	return 0;
}

SEC("tracepoint/iommu/map")
int tp_iommu_map(struct trace_event_raw_map___svt *ctx)
{
	return iommu_map(ctx->iova, ctx->paddr, ctx->size);
}

SEC("tracepoint/iommu/unmap")
int tp_iommu_unmap(struct trace_event_raw_unmap___svt *ctx)
{
	return iommu_unmap(ctx->iova, ctx->size, ctx->unmapped_size);
}

/*
 * The same records from raw tracepoints: the program gets the tracepoint's
 * arguments as u64s, skipping the perf record the classic tracepoint
 * program reads (its fill and dispatch: ~50 ns per event here, measured
 * with the same program body on task:task_prctl_unknown). The loader uses
 * them when the kernel's BTF shows the expected prototype
 * (btf_trace_map: iova, paddr, size), else the classic programs above.
 */
SEC("raw_tp/map")
int rtp_iommu_map(__u64 *ctx)
{
	return iommu_map(ctx[0], ctx[1], ctx[2]);
}

SEC("raw_tp/unmap") /* iova, size, unmapped_size */
int rtp_iommu_unmap(__u64 *ctx)
{
	return iommu_unmap(ctx[0], ctx[1], ctx[2]);
}

SEC("tracepoint/iommu/io_page_fault")
int tp_iommu_io_page_fault(struct trace_event_raw_iommu_error___svt *ctx)
{
	const __u32 nv = SVT_NV(struct svt_v_iommu_fault), fl = SVT_RF_S1 | SVT_RF_S2;
	struct svt_v_iommu_fault *v;
	struct svt_rec *r;

	if (!(r = rec_open(SVT_P_IOMMU_IO_PAGE_FAULT, nv, fl)))
		return 0;
	v = RVAL(r, struct svt_v_iommu_fault);
	v->iova = ctx->iova;
	v->flags = (__u32)ctx->flags;
	loc_str(ctx, ctx->__data_loc_device, RS1(r, nv, fl), SVT_STR_BYTES);
	loc_str(ctx, ctx->__data_loc_driver, RS2(r, nv, fl), SVT_STR_BYTES);
	rec_submit(r, nv, fl);
	return 0;
}

static __always_inline int group_event(struct trace_event_raw_iommu_group_event___svt *ctx,
				       __u16 probe)
{
	const __u32 nv = SVT_NV(struct svt_v_iommu_group);
	struct svt_rec *r;

	if (!(r = rec_open(probe, nv, SVT_RF_S1)))
		return 0;
	RVAL(r, struct svt_v_iommu_group)->gid = (__u32)ctx->gid;
	loc_str(ctx, ctx->__data_loc_device, RS1(r, nv, SVT_RF_S1), SVT_STR_BYTES);
	rec_submit(r, nv, SVT_RF_S1);
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
	const __u32 nv = SVT_NV_BEFORE(struct svt_v_iommu_group, gid); /* no group */
	struct svt_rec *r;

	if (!(r = rec_open(SVT_P_IOMMU_ATTACH, nv, SVT_RF_S1)))
		return 0;
	loc_str(ctx, ctx->__data_loc_device, RS1(r, nv, SVT_RF_S1), SVT_STR_BYTES);
	rec_submit(r, nv, SVT_RF_S1);
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

/*
 * Every DMA-API record is a struct svt_v_dma and s1 the device; only
 * scatterlist entries carry nr_ents (op = this entry's index). Values a
 * tracepoint lacks are 0.
 */
#define DMA_NV SVT_NV_BEFORE(struct svt_v_dma, nr_ents)
#define DMA_SG_NV SVT_NV(struct svt_v_dma)
#define DMA_FL SVT_RF_S1

static __always_inline int dma_rec(void *ctx, __u16 probe, __u64 phys, __u64 dma, __u64 size,
				   __u64 dir, __u64 attrs, __u32 loc_dev)
{
	struct svt_v_dma *v;
	struct svt_rec *r;

	if (sampled_out(dma))
		return 0;
	if (!(r = rec_open(probe, DMA_NV, DMA_FL)))
		return 0;
	v = RVAL(r, struct svt_v_dma);
	v->phys = phys;
	v->dma_addr = dma;
	v->size_bytes = size;
	v->dir = (__u32)dir;
	v->attrs = attrs;
	loc_str(ctx, loc_dev, RS1(r, DMA_NV, DMA_FL), SVT_STR_BYTES);
	rec_submit(r, DMA_NV, DMA_FL);
	return 0;
}

static __always_inline int dma_map(struct trace_event_raw_dma_map___svt *ctx, __u16 probe)
{
	return dma_rec(ctx, probe, ctx->phys_addr, ctx->dma_addr, ctx->size, ctx->dir, ctx->attrs,
		       ctx->__data_loc_device);
}

SEC("tracepoint/dma/dma_map_phys")
int tp_dma_map_phys(void *ctx)
{
	return dma_map(ctx, SVT_P_DMA_MAP_PHYS);
}
SEC("tracepoint/dma/dma_map_page")
int tp_dma_map_page(void *ctx)
{
	return dma_map(ctx, SVT_P_DMA_MAP_PAGE);
}
SEC("tracepoint/dma/dma_map_resource")
int tp_dma_map_resource(void *ctx)
{
	return dma_map(ctx, SVT_P_DMA_MAP_RESOURCE);
}

static __always_inline int dma_unmap(struct trace_event_raw_dma_unmap___svt *ctx, __u16 probe)
{
	return dma_rec(ctx, probe, 0, ctx->addr, ctx->size, ctx->dir, ctx->attrs,
		       ctx->__data_loc_device);
}

SEC("tracepoint/dma/dma_unmap_phys")
int tp_dma_unmap_phys(void *ctx)
{
	return dma_unmap(ctx, SVT_P_DMA_UNMAP_PHYS);
}
SEC("tracepoint/dma/dma_unmap_page")
int tp_dma_unmap_page(void *ctx)
{
	return dma_unmap(ctx, SVT_P_DMA_UNMAP_PAGE);
}
SEC("tracepoint/dma/dma_unmap_resource")
int tp_dma_unmap_resource(void *ctx)
{
	return dma_unmap(ctx, SVT_P_DMA_UNMAP_RESOURCE);
}

/*
 * dma_alloc and dma_free classes: the same fields at different offsets (the
 * alloc class has gfp flags), dir and attrs only on newer kernels.
 */
#define DMA_ALLOC_FREE(cls)                                                                        \
	static __always_inline int cls##_rec(struct trace_event_raw_##cls##___svt *ctx,            \
					     __u16 probe)                                          \
	{                                                                                          \
		__u64 dir = 0, attrs = 0;                                                          \
                                                                                                   \
		if (bpf_core_field_exists(ctx->dir))                                               \
			dir = ctx->dir;                                                            \
		if (bpf_core_field_exists(ctx->attrs))                                             \
			attrs = ctx->attrs;                                                        \
		return dma_rec(ctx, probe, 0, ctx->dma_addr, ctx->size, dir, attrs,                \
			       ctx->__data_loc_device);                                            \
	}
DMA_ALLOC_FREE(dma_alloc_class)
DMA_ALLOC_FREE(dma_free_class)

SEC("tracepoint/dma/dma_alloc")
int tp_dma_alloc(void *ctx)
{
	return dma_alloc_class_rec(ctx, SVT_P_DMA_ALLOC);
}
SEC("tracepoint/dma/dma_alloc_pages")
int tp_dma_alloc_pages(void *ctx)
{
	return dma_alloc_class_rec(ctx, SVT_P_DMA_ALLOC_PAGES);
}
SEC("tracepoint/dma/dma_free")
int tp_dma_free(void *ctx)
{
	return dma_free_class_rec(ctx, SVT_P_DMA_FREE);
}
SEC("tracepoint/dma/dma_free_pages")
int tp_dma_free_pages(void *ctx)
{
	return dma_free_class_rec(ctx, SVT_P_DMA_FREE_PAGES);
}

static __always_inline int dma_sync_single(struct trace_event_raw_dma_sync_single___svt *ctx,
					   __u16 probe)
{
	return dma_rec(ctx, probe, 0, ctx->dma_addr, ctx->size, ctx->dir, 0,
		       ctx->__data_loc_device);
}

SEC("tracepoint/dma/dma_sync_single_for_cpu")
int tp_dma_sync_single_cpu(void *ctx)
{
	return dma_sync_single(ctx, SVT_P_DMA_SYNC_SINGLE_CPU);
}
SEC("tracepoint/dma/dma_sync_single_for_device")
int tp_dma_sync_single_dev(void *ctx)
{
	return dma_sync_single(ctx, SVT_P_DMA_SYNC_SINGLE_DEV);
}

/*
 * One record per scatterlist entry (op = index), at most SVT_SG_MAX (the
 * rest counted lost). The __data_loc arrays: @loc_phys (u64), @loc_dma (u64)
 * and @loc_len (u32), each 0 when the event has none; @n entries.
 */
static __always_inline int dma_sg(void *ctx, __u16 probe, __u32 loc_phys, __u32 loc_dma,
				  __u32 loc_len, __u32 n, __u64 dir, __u64 attrs, __u32 loc_dev)
{
	struct task_struct *t = cur();

	if (skip_task(t))
		return 0;
	sg_overflow(probe, n);
	for (__u32 i = 0; i < SVT_SG_MAX && i < n; i++) {
		struct svt_rec *r = rec_new(t, probe, DMA_SG_NV, DMA_FL);
		struct svt_v_dma *v;
		__u32 len = 0;

		if (!r) { /* ring full: this entry is counted, count the rest too */
			lost_add(probe, (n < SVT_SG_MAX ? n : SVT_SG_MAX) - i - 1);
			return 0;
		}
		r->op = i;
		v = RVAL(r, struct svt_v_dma);
		v->phys = 0;
		v->dma_addr = 0;
		if (loc_phys)
			bpf_probe_read_kernel(&v->phys, 8,
					      (char *)ctx + (loc_phys & 0xffff) + i * 8);
		if (loc_dma)
			bpf_probe_read_kernel(&v->dma_addr, 8,
					      (char *)ctx + (loc_dma & 0xffff) + i * 8);
		if (loc_len)
			bpf_probe_read_kernel(&len, 4, (char *)ctx + (loc_len & 0xffff) + i * 4);
		v->size_bytes = len;
		v->dir = (__u32)dir;
		v->attrs = attrs;
		v->nr_ents = n;
		loc_str(ctx, loc_dev, RS1(r, DMA_SG_NV, DMA_FL), SVT_STR_BYTES);
		rec_submit_loop(r, DMA_SG_NV, DMA_FL);
	}
	return 0;
}

SEC("tracepoint/dma/dma_map_sg")
int tp_dma_map_sg(struct trace_event_raw_dma_map_sg___svt *ctx)
{
	__u32 ll = ctx->__data_loc_lengths;

	return dma_sg(ctx, SVT_P_DMA_MAP_SG, ctx->__data_loc_phys_addrs, ctx->__data_loc_dma_addrs,
		      ll, (ll >> 16) / sizeof(__u32), ctx->dir, ctx->attrs, ctx->__data_loc_device);
}

SEC("tracepoint/dma/dma_unmap_sg")
int tp_dma_unmap_sg(struct trace_event_raw_dma_unmap_sg___svt *ctx)
{
	__u32 la = ctx->__data_loc_addrs;

	/* its one array holds physical addresses (printed phys_addrs=) */
	return dma_sg(ctx, SVT_P_DMA_UNMAP_SG, la, 0, 0, (la >> 16) / sizeof(__u64), ctx->dir,
		      ctx->attrs, ctx->__data_loc_device);
}

static __always_inline int dma_sync_sg(struct trace_event_raw_dma_sync_sg___svt *ctx, __u16 probe)
{
	__u32 ll = ctx->__data_loc_lengths;

	return dma_sg(ctx, probe, 0, ctx->__data_loc_dma_addrs, ll, (ll >> 16) / sizeof(__u32),
		      ctx->dir, 0, ctx->__data_loc_device);
}

SEC("tracepoint/dma/dma_sync_sg_for_cpu")
int tp_dma_sync_sg_cpu(void *ctx)
{
	return dma_sync_sg(ctx, SVT_P_DMA_SYNC_SG_CPU);
}
SEC("tracepoint/dma/dma_sync_sg_for_device")
int tp_dma_sync_sg_dev(void *ctx)
{
	return dma_sync_sg(ctx, SVT_P_DMA_SYNC_SG_DEV);
}

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

/* qi_submit: the descriptor's qwords, s2 the IOMMU (the caller fills it and submits). */
#define QI_NV SVT_NV(struct svt_v_qi_submit)
#define QI_FL SVT_RF_S2

/*
 * --sample: an invalidation of a page range (VT-d 3.4 §6.5.2: IOTLB and
 * PASID-IOTLB with page-selective granularity, device-TLB and PASID
 * device-TLB) is kept with the mapping whose first page it names; domain
 * and global invalidations are all kept.
 */
static __always_inline bool qi_sampled_out(__u64 qw0, __u64 qw1)
{
	__u32 type = qw0 & 0xf, gran = (qw0 >> 4) & 0x3;

	if (sample_n <= 1)
		return false;
	if (type == 3 || type == 7 || ((type == 2 || type == 6) && gran == 3))
		return sampled_out(qw1 & ~0xfffull);
	return false;
}

static __always_inline struct svt_rec *qi_rec(__u64 qw0, __u64 qw1, __u64 qw2, __u64 qw3)
{
	struct svt_v_qi_submit *v;
	struct svt_rec *r;

	if (qi_sampled_out(qw0, qw1))
		return NULL;
	if (!(r = rec_open(SVT_P_QI_SUBMIT, QI_NV, QI_FL)))
		return NULL;
	v = RVAL(r, struct svt_v_qi_submit);
	v->qw[0] = qw0;
	v->qw[1] = qw1;
	v->qw[2] = qw2;
	v->qw[3] = qw3;
	return r;
}

SEC("tracepoint/intel_iommu/qi_submit")
int tp_qi_submit(struct trace_event_raw_qi_submit___svt *ctx)
{
	struct svt_rec *r = qi_rec(ctx->qw0, ctx->qw1, ctx->qw2, ctx->qw3);

	if (r) {
		loc_str(ctx, ctx->__data_loc_iommu, RS2(r, QI_NV, QI_FL), SVT_STR_BYTES);
		rec_submit(r, QI_NV, QI_FL);
	}
	return 0;
}

/* qi_submit(iommu, qw0, qw1, qw2, qw3) as a raw tracepoint (see rtp_iommu_map). */
struct intel_iommu___svt {
	char name[16];
} __attribute__((preserve_access_index));

SEC("raw_tp/qi_submit")
int rtp_qi_submit(__u64 *ctx)
{
	struct intel_iommu___svt *iommu = (void *)ctx[0];
	struct svt_rec *r = qi_rec(ctx[1], ctx[2], ctx[3], ctx[4]);

	if (r) {
		BPF_CORE_READ_STR_INTO((char(*)[SVT_STR_BYTES])RS2(r, QI_NV, QI_FL), iommu, name);
		rec_submit(r, QI_NV, QI_FL);
	}
	return 0;
}

SEC("tracepoint/intel_iommu/prq_report")
int tp_prq_report(struct trace_event_raw_prq_report___svt *ctx)
{
	const __u32 nv = SVT_NV(struct svt_v_prq), fl = SVT_RF_S1 | SVT_RF_S2;
	struct svt_v_prq *v;
	struct svt_rec *r;

	if (!(r = rec_open(SVT_P_PRQ_REPORT, nv, fl)))
		return 0;
	v = RVAL(r, struct svt_v_prq);
	v->dw[0] = ctx->dw0;
	v->dw[1] = ctx->dw1;
	v->dw[2] = ctx->dw2;
	v->dw[3] = ctx->dw3;
	v->seq = ctx->seq;
	loc_str(ctx, ctx->__data_loc_dev, RS1(r, nv, fl), SVT_STR_BYTES);
	loc_str(ctx, ctx->__data_loc_iommu, RS2(r, nv, fl), SVT_STR_BYTES);
	rec_submit(r, nv, fl);
	return 0;
}

/* cache_tag_* record: struct svt_v_cache_tag (start and end 0 for
 * assign/unassign), s1 device, s2 IOMMU. */
static __always_inline int cache_tag(void *ctx, __u16 probe, __u64 start, __u64 end, __u64 type,
				     __u64 domain_id, __u64 pasid, __u32 loc_dev, __u32 loc_iommu)
{
	const __u32 nv = SVT_NV(struct svt_v_cache_tag), fl = SVT_RF_S1 | SVT_RF_S2;
	struct svt_v_cache_tag *v;
	struct svt_rec *r;

	if (!(r = rec_open(probe, nv, fl)))
		return 0;
	v = RVAL(r, struct svt_v_cache_tag);
	v->start = start;
	v->end = end;
	v->type = type;
	v->domain_id = domain_id;
	v->pasid = pasid;
	loc_str(ctx, loc_dev, RS1(r, nv, fl), SVT_STR_BYTES);
	loc_str(ctx, loc_iommu, RS2(r, nv, fl), SVT_STR_BYTES);
	rec_submit(r, nv, fl);
	return 0;
}

static __always_inline int cache_tag_log(struct trace_event_raw_cache_tag_log___svt *ctx,
					 __u16 probe)
{
	return cache_tag(ctx, probe, 0, 0, ctx->type, ctx->domain_id, ctx->pasid,
			 ctx->__data_loc_dev, ctx->__data_loc_iommu);
}

static __always_inline int cache_tag_flush(struct trace_event_raw_cache_tag_flush___svt *ctx,
					   __u16 probe)
{
	return cache_tag(ctx, probe, ctx->start, ctx->end, ctx->type, ctx->domain_id, ctx->pasid,
			 ctx->__data_loc_dev, ctx->__data_loc_iommu);
}

SEC("tracepoint/intel_iommu/cache_tag_assign")
int tp_cache_tag_assign(void *ctx)
{
	return cache_tag_log(ctx, SVT_P_CACHE_TAG_ASSIGN);
}
SEC("tracepoint/intel_iommu/cache_tag_unassign")
int tp_cache_tag_unassign(void *ctx)
{
	return cache_tag_log(ctx, SVT_P_CACHE_TAG_UNASSIGN);
}
SEC("tracepoint/intel_iommu/cache_tag_flush_range")
int tp_cache_tag_flush_range(void *ctx)
{
	return cache_tag_flush(ctx, SVT_P_CACHE_TAG_FLUSH_RANGE);
}
SEC("tracepoint/intel_iommu/cache_tag_flush_all")
int tp_cache_tag_flush_all(void *ctx)
{
	return cache_tag_flush(ctx, SVT_P_CACHE_TAG_FLUSH_ALL);
}
SEC("tracepoint/intel_iommu/cache_tag_flush_range_np")
int tp_cache_tag_flush_range_np(void *ctx)
{
	return cache_tag_flush(ctx, SVT_P_CACHE_TAG_FLUSH_RANGE_NP);
}

/* ------------------------------------------------------------ entry/exit pairs */

/*
 * Kernel functions are traced with fentry/fexit (BPF trampolines): kprobes
 * are not built into every kernel (this project's build host has none),
 * while BTF is required anyway. Arguments are read with bpf_get_func_arg()
 * and the return value with bpf_get_func_ret() (5.17+), which check the
 * argument count at run time: some prototypes changed between kernels
 * (pin_user_pages lost its vmas argument in 6.5).
 */
static __always_inline __u64 arg(void *ctx, int n)
{
	__u64 v = 0;

	if (n >= 0) /* n < 0: no such argument, 0 (folded at compile time) */
		bpf_get_func_arg(ctx, n, &v);
	return v;
}

static __always_inline long fret(void *ctx)
{
	__u64 v = 0;

	bpf_get_func_ret(ctx, &v);
	return (long)v;
}

static __always_inline __u32 entry_owner(struct task_struct *t)
{
	__u32 tid = t->pid;

	return tid ? tid : SVT_IDLE_OWNER | bpf_get_smp_processor_id();
}

/* Saves the entry of @probe's call in the first free depth slot. */
static __always_inline int entry_save(__u16 probe, __u64 a0, __u64 a1, __u64 a2)
{
	struct task_struct *t = cur();
	struct entry en = {.ts_ns = bpf_ktime_get_ns(),
			   .a = {a0, a1, a2, 0},
			   .epoch = summary_mode ? sum_state.epoch : 0};
	struct entry_key k = {.owner = entry_owner(t), .probe = probe};

	if (skip_task(t))
		return 0;
#pragma unroll
	for (int d = 0; d < SVT_ENTRY_NEST; d++) {
		k.depth = d;
		if (bpf_map_update_elem(&entries, &k, &en, BPF_NOEXIST) != -SVT_EEXIST)
			break;
	}
	return 0;
}

/* An fentry program saving arguments @i0, @i1, @i2 (-1: none) for its fexit. */
#define ENTRY_SAVE(prog, fn, probe, i0, i1, i2)                                                    \
	SEC("fentry/" fn)                                                                          \
	int prog(void *ctx)                                                                        \
	{                                                                                          \
		return entry_save(probe, arg(ctx, i0), arg(ctx, i1), arg(ctx, i2));                \
	}

/*
 * The exit record of an entry/exit pair: the saved arguments in the value
 * slots, in order (so ENTRY_SAVE's argument positions are what fills the
 * kind's struct: svt_v_qi_wait, svt_v_pin, svt_v_dsa_enqcmds), ret, dur_ns
 * entry to exit, ts_ns the entry time; @fl may add s2. NULL when the entry
 * was missed (probe attached mid-call) or the ring is full.
 */
#define EXIT_NV SVT_EXIT_NV
#define EXIT_FL (SVT_RF_RET | SVT_RF_DUR)

static __always_inline struct svt_rec *exit_rec(__u16 probe, long ret, const __u32 fl)
{
	struct task_struct *t = cur();
	struct entry_key k = {.owner = entry_owner(t), .probe = probe};
	struct entry *en = bpf_map_lookup_elem(&entries, &k), *deeper;
	struct svt_rec *r;

	if (!en)
		return NULL;
#pragma unroll
	for (int d = 1; d < SVT_ENTRY_NEST; d++) {
		k.depth = d;
		deeper = bpf_map_lookup_elem(&entries, &k);
		if (!deeper) {
			k.depth = d - 1;
			break;
		}
		en = deeper;
	}
	r = rec_new(t, probe, EXIT_NV, fl);
	if (r) {
		RDUR(r, EXIT_NV, fl) = (summary_mode ? bpf_ktime_get_ns() : r->ts_ns) - en->ts_ns;
		r->ts_ns = en->ts_ns;
		if (summary_mode)
			r->op = SVT_OP_EPOCH | (en->epoch & 1);
		RV(r)[0] = en->a[0];
		RV(r)[1] = en->a[1];
		RV(r)[2] = en->a[2];
		RV(r)[3] = en->a[3];
		RRET(r, EXIT_NV) = ret;
	}
	bpf_map_delete_elem(&entries, &k);
	return r;
}

/* An fexit program recording the pair; @ret_type is the function's return type. */
#define EXIT_RECORD(prog, fn, probe, ret_type)                                                     \
	SEC("fexit/" fn)                                                                           \
	int prog(void *ctx)                                                                        \
	{                                                                                          \
		struct svt_rec *r = exit_rec(probe, (ret_type)fret(ctx), EXIT_FL);                 \
                                                                                                   \
		if (r)                                                                             \
			rec_submit(r, EXIT_NV, EXIT_FL);                                           \
		return 0;                                                                          \
	}

/* qi_submit_sync(iommu, desc, count, options): the invalidation wait. */
ENTRY_SAVE(fe_qi_submit_sync, "qi_submit_sync", SVT_P_QI_SUBMIT_SYNC, 0, 2, -1)

/* nr_desc, ret, dur_ns, s2 the IOMMU (the iommu pointer is cleared);
 * shared by the fexit and the kretprobe. */
static __always_inline int qi_wait_exit(int ret)
{
	const __u32 fl = EXIT_FL | SVT_RF_S2;
	struct svt_rec *r = exit_rec(SVT_P_QI_SUBMIT_SYNC, ret, fl);
	struct intel_iommu___svt *iommu;
	char *s2;

	if (!r)
		return 0;
	iommu = (void *)RVAL(r, struct svt_v_qi_wait)->iommu;
	s2 = RS2(r, EXIT_NV, fl);
	BPF_CORE_READ_STR_INTO((char(*)[SVT_STR_BYTES])s2, iommu, name);
	RVAL(r, struct svt_v_qi_wait)->iommu = 0;
	rec_submit(r, EXIT_NV, fl);
	return 0;
}

SEC("fexit/qi_submit_sync")
int fx_qi_submit_sync(void *ctx)
{
	return qi_wait_exit((int)fret(ctx));
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

static __always_inline void dev_name_into(char *dst, struct device___svt *dev)
{
	if (dev)
		bpf_probe_read_kernel_str(dst, SVT_STR_BYTES, BPF_CORE_READ(dev, kobj.name));
	else
		dst[0] = 0;
}

/* struct svt_v_iopf up to code, s1 device */
#define FAULT_NV SVT_NV_BEFORE(struct svt_v_iopf, code)

static __always_inline int fault_event(__u16 probe, struct device___svt *dev,
				       struct iommu_fault___svt *f)
{
	struct svt_v_iopf *v;
	struct svt_rec *r;

	if (!(r = rec_open(probe, FAULT_NV, SVT_RF_S1)))
		return 0;
	if (summary_mode) /* the request's time, for the service time */
		r->ts_ns = bpf_ktime_get_ns();
	if (f) {
		v = RVAL(r, struct svt_v_iopf);
		v->addr = BPF_CORE_READ(f, prm.addr);
		v->pasid = BPF_CORE_READ(f, prm.pasid);
		v->grpid = BPF_CORE_READ(f, prm.grpid);
		v->perm = BPF_CORE_READ(f, prm.perm);
		v->flags = BPF_CORE_READ(f, prm.flags);
		v->type = BPF_CORE_READ(f, type);
	} else {
		for (int i = 0; i < (int)FAULT_NV; i++)
			RV(r)[i] = 0;
	}
	dev_name_into(RS1(r, FAULT_NV, SVT_RF_S1), dev);
	if (summary_mode && probe == SVT_P_IOPF_REPORT)
		iopf_request(r, FAULT_NV, SVT_RF_S1);
	rec_submit(r, FAULT_NV, SVT_RF_S1);
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

/* Page responses: struct svt_v_iopf with pasid, grpid and code (the rest 0),
 * s1 device. */
#define RESP_NV SVT_NV(struct svt_v_iopf)

static __always_inline int page_response(__u16 probe, struct device___svt *dev, __u64 pasid,
					 __u64 grpid, __u64 code)
{
	struct svt_v_iopf *v;
	struct svt_rec *r;

	if (!(r = rec_open(probe, RESP_NV, SVT_RF_S1)))
		return 0;
	if (summary_mode) /* the response's time, for the service time */
		r->ts_ns = bpf_ktime_get_ns();
	v = RVAL(r, struct svt_v_iopf);
	v->addr = 0;
	v->pasid = pasid;
	v->grpid = grpid;
	v->perm = 0;
	v->flags = 0;
	v->type = 0;
	v->code = code;
	dev_name_into(RS1(r, RESP_NV, SVT_RF_S1), dev);
	if (summary_mode) /* addr is 0 in a response: the service time, for sum_add() */
		v->addr = iopf_service_ns(r, RESP_NV, SVT_RF_S1);
	rec_submit(r, RESP_NV, SVT_RF_S1);
	return 0;
}

/* 6.1: iommu_page_response(dev, msg). */
SEC("fentry/iommu_page_response")
int fe_iopf_page_response(void *ctx)
{
	struct iommu_page_response___svt *msg = (void *)arg(ctx, 1);

	return page_response(SVT_P_IOPF_PAGE_RESPONSE, (void *)arg(ctx, 0),
			     BPF_CORE_READ(msg, pasid), BPF_CORE_READ(msg, grpid),
			     BPF_CORE_READ(msg, code));
}

/*
 * 6.7+: iopf_group_response(group, status); the group starts with its
 * last fault (struct iopf_fault), which starts with struct iommu_fault.
 * The device: group->fault_param->dev (6.8+), group->dev (6.7).
 */
struct iommu_fault_param___svt {
	struct device___svt *dev;
} __attribute__((preserve_access_index));

struct iopf_group___svt {
	struct iommu_fault_param___svt *fault_param;
	struct device___svt *dev;
} __attribute__((preserve_access_index));

static __always_inline int group_response(struct iopf_group___svt *g, __u32 status)
{
	struct iommu_fault___svt *last = (void *)g;
	struct device___svt *dev = NULL;

	if (bpf_core_field_exists(g->fault_param))
		dev = BPF_CORE_READ(g, fault_param, dev);
	else if (bpf_core_field_exists(g->dev))
		dev = BPF_CORE_READ(g, dev);
	return page_response(SVT_P_IOPF_GROUP_RESPONSE, dev, BPF_CORE_READ(last, prm.pasid),
			     BPF_CORE_READ(last, prm.grpid), status);
}

SEC("fentry/iopf_group_response")
int fe_iopf_group_response(void *ctx)
{
	return group_response((void *)arg(ctx, 0), (__u32)arg(ctx, 1));
}

/* ------------------------------------------------------------ pin/unpin */

/* Entry saves struct svt_v_pin's addr (start), nr_pages and gup_flags; exit
 * adds the pages pinned or -errno. Argument positions per function: */
ENTRY_SAVE(fe_pin_fast, "pin_user_pages_fast", SVT_P_PIN_FAST, 0, 1,
	   2) /* (start, nr_pages, gup_flags, pages) */
ENTRY_SAVE(fe_pin, "pin_user_pages", SVT_P_PIN, 0, 1,
	   2) /* (start, nr_pages, gup_flags, pages[, vmas]) */
ENTRY_SAVE(fe_pin_remote, "pin_user_pages_remote", SVT_P_PIN_REMOTE, 1, 2,
	   3) /* (mm, start, nr_pages, gup_flags, ...) */
ENTRY_SAVE(fe_pin_unlocked, "pin_user_pages_unlocked", SVT_P_PIN_UNLOCKED, 0, 1,
	   3) /* (start, nr_pages, pages, gup_flags) */

EXIT_RECORD(fx_pin_fast, "pin_user_pages_fast", SVT_P_PIN_FAST, int)
EXIT_RECORD(fx_pin, "pin_user_pages", SVT_P_PIN, long)
EXIT_RECORD(fx_pin_remote, "pin_user_pages_remote", SVT_P_PIN_REMOTE, long)
EXIT_RECORD(fx_pin_unlocked, "pin_user_pages_unlocked", SVT_P_PIN_UNLOCKED, long)

/* unpin_user_pages(pages, npages): nr_pages and ret npages; no user address is known here. */
#define UNPIN_NV SVT_NV_BEFORE(struct svt_v_pin, gup_flags)

static __always_inline int unpin(__u16 probe, unsigned long npages)
{
	struct svt_v_pin *v;
	struct svt_rec *r;

	if (!(r = rec_open(probe, UNPIN_NV, SVT_RF_RET)))
		return 0;
	v = RVAL(r, struct svt_v_pin);
	v->addr = 0;
	v->nr_pages = npages;
	RRET(r, UNPIN_NV) = npages;
	rec_submit(r, UNPIN_NV, SVT_RF_RET);
	return 0;
}

SEC("fentry/unpin_user_pages")
int fe_unpin(void *ctx)
{
	return unpin(SVT_P_UNPIN, arg(ctx, 1));
}
SEC("fentry/unpin_user_pages_dirty_lock")
int fe_unpin_dirty(void *ctx)
{
	return unpin(SVT_P_UNPIN_DIRTY, arg(ctx, 1));
}

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

/* A 64-byte DSA descriptor (struct svt_v_dsa_desc), ret and dur_ns
 * (the descriptor address, svt_event.desc_addr) per probe. */
#define DESC_NV SVT_NV(struct svt_v_dsa_desc)
#define DESC_FL (SVT_RF_RET | SVT_RF_DUR)

/* idxd_submit_desc(wq, desc): the descriptor (DSA spec layout), wq in op,
 * device number in ret, desc pointer in dur_ns. */
static __always_inline int idxd_submit(struct idxd_wq___svt *wq, struct idxd_desc___svt *desc)
{
	struct svt_rec *r;

	if (!(r = rec_open(SVT_P_IDXD_SUBMIT, DESC_NV, DESC_FL)))
		return 0;
	bpf_probe_read_kernel(RVAL(r, struct svt_v_dsa_desc), sizeof(struct svt_v_dsa_desc),
			      BPF_CORE_READ(desc, hw));
	r->op = BPF_CORE_READ(wq, id);
	RRET(r, DESC_NV) = BPF_CORE_READ(wq, idxd, id);
	RDUR(r, DESC_NV, DESC_FL) =
	    (__u64)desc; /* pairs submit with completion; hashed in user space */
	rec_submit(r, DESC_NV, DESC_FL);
	return 0;
}

SEC("fentry/idxd_submit_desc")
int fe_idxd_submit(void *ctx)
{
	return idxd_submit((void *)arg(ctx, 0), (void *)arg(ctx, 1));
}

/* idxd_enqcmds(wq, portal, desc): retries ENQCMDS up to wq->enqcmds_retries
 * times; the return value says accepted (0) or -EAGAIN/-ENXIO. */
static __always_inline int idxd_enqcmds_entry(struct idxd_wq___svt *wq, __u64 desc)
{
	return entry_save(SVT_P_IDXD_ENQCMDS, BPF_CORE_READ(wq, id), BPF_CORE_READ(wq, idxd, id),
			  desc);
}

SEC("fentry/idxd_enqcmds")
int fe_idxd_enqcmds(void *ctx)
{
	return idxd_enqcmds_entry((void *)arg(ctx, 0), arg(ctx, 2));
}

EXIT_RECORD(fx_idxd_enqcmds, "idxd_enqcmds", SVT_P_IDXD_ENQCMDS, int)

/* idxd_dma_complete_txd(desc, comp_type, ...): struct svt_v_dsa_complete
 * from the completion record and comp_type, desc pointer in dur_ns. */
static __always_inline int idxd_complete(struct idxd_desc___svt *desc, __u32 comp_type)
{
	const __u32 nv = SVT_NV(struct svt_v_dsa_complete);
	struct svt_v_dsa_complete *v;
	struct svt_rec *r;
	__u8 crec[16] = {};

	if (!(r = rec_open(SVT_P_IDXD_COMPLETE, nv, SVT_RF_DUR)))
		return 0;
	bpf_probe_read_kernel(crec, sizeof(crec), BPF_CORE_READ(desc, completion));
	v = RVAL(r, struct svt_v_dsa_complete);
	v->status = crec[0];
	v->bytes_done = *(__u32 *)&crec[4];
	v->fault_addr = *(__u64 *)&crec[8];
	v->comp_type = comp_type;
	RDUR(r, nv, SVT_RF_DUR) = (__u64)desc;
	rec_submit(r, nv, SVT_RF_DUR);
	return 0;
}

SEC("fentry/idxd_dma_complete_txd")
int fe_idxd_complete(void *ctx)
{
	return idxd_complete((void *)arg(ctx, 0), (__u32)arg(ctx, 1));
}

/* Completion interrupt thread and the misc (error / event log) thread: irq. */
static __always_inline int irq_thread(__u16 probe, __u64 irq)
{
	const __u32 nv = SVT_NV(struct svt_v_irq);
	struct svt_rec *r;

	if (!(r = rec_open(probe, nv, 0)))
		return 0;
	RVAL(r, struct svt_v_irq)->irq = irq;
	rec_submit(r, nv, 0);
	return 0;
}

SEC("fentry/idxd_wq_thread")
int fe_idxd_wq_thread(void *ctx)
{
	return irq_thread(SVT_P_IDXD_WQ_THREAD, arg(ctx, 0));
}
SEC("fentry/idxd_misc_thread")
int fe_idxd_misc_thread(void *ctx)
{
	return irq_thread(SVT_P_IDXD_MISC_THREAD, arg(ctx, 0));
}

/* ------------------------------------------------------------ AMD-Vi command buffer */

/*
 * AMD-Vi has no invalidation tracepoint: every command the driver puts in
 * the command buffer (INVALIDATE_IOMMU_PAGES, INVALIDATE_IOTLB_PAGES,
 * COMPLETION_WAIT, ...) goes through __iommu_queue_command_sync(iommu,
 * cmd, sync) in drivers/iommu/amd/iommu.c (5.x-6.12), with the iommu lock
 * held. The 16 command bytes are copied as they are; user space decodes.
 */
static __always_inline int amd_cmd(__u64 cmd, __u64 sync)
{
	const __u32 nv = SVT_NV(struct svt_v_amd_cmd);
	struct svt_v_amd_cmd *v;
	struct svt_rec *r;

	if (!(r = rec_open(SVT_P_AMD_CMD, nv, 0)))
		return 0;
	v = RVAL(r, struct svt_v_amd_cmd);
	if (bpf_probe_read_kernel(v, 16, (void *)cmd))
		v->lo = v->hi = 0;
	v->sync = sync & 0xff; /* bool */
	rec_submit(r, nv, 0);
	return 0;
}

SEC("fentry/__iommu_queue_command_sync")
int fe_amd_cmd(void *ctx)
{
	return amd_cmd(arg(ctx, 1), arg(ctx, 2));
}

/* ------------------------------------------------------------ kprobe twins */

/*
 * The same kernel-function probes as kprobes/kretprobes, for kernels that
 * refuse fentry/fexit (no BPF trampoline, a sandbox that forbids tracing
 * programs, more than six arguments on x86 before Linux 6.6). Each twin
 * calls the helper its fentry/fexit program calls, with the same arguments
 * read from the registers (x86-64 calling convention), so its records are
 * the fentry's byte for byte: same probe id, values, ret, dur and strings.
 * SEC("kprobe") without a target: the loader attaches each to the function
 * probe_table.h names (bpf_program__attach_kprobe), only when probe_check()
 * chose kprobe for it (probes.h).
 */
static __always_inline __u64 karg(struct pt_regs *ctx, const int n)
{
	switch (n) { /* n is a constant: one register load after inlining */
	case 0:
		return PT_REGS_PARM1(ctx);
	case 1:
		return PT_REGS_PARM2(ctx);
	case 2:
		return PT_REGS_PARM3(ctx);
	case 3:
		return PT_REGS_PARM4(ctx);
	case 4:
		return PT_REGS_PARM5(ctx);
	case 5:
#ifdef PT_REGS_PARM6
		return PT_REGS_PARM6(ctx);
#else
		return ctx->r9; /* libbpf < 1.2 has no PT_REGS_PARM6 (x86-64: r9) */
#endif
	}
	return 0;
}

/* A kprobe saving arguments @i0, @i1, @i2 (-1: none) for its kretprobe (ENTRY_SAVE's twin). */
#define KENTRY_SAVE(prog, probe, i0, i1, i2)                                                       \
	SEC("kprobe")                                                                              \
	int prog(struct pt_regs *ctx)                                                              \
	{                                                                                          \
		return entry_save(probe, i0 < 0 ? 0 : karg(ctx, i0), i1 < 0 ? 0 : karg(ctx, i1),   \
				  i2 < 0 ? 0 : karg(ctx, i2));                                     \
	}

/* EXIT_RECORD's twin. */
#define KEXIT_RECORD(prog, probe, ret_type)                                                        \
	SEC("kretprobe")                                                                           \
	int prog(struct pt_regs *ctx)                                                              \
	{                                                                                          \
		struct svt_rec *r = exit_rec(probe, (ret_type)PT_REGS_RC(ctx), EXIT_FL);           \
                                                                                                   \
		if (r)                                                                             \
			rec_submit(r, EXIT_NV, EXIT_FL);                                           \
		return 0;                                                                          \
	}

KENTRY_SAVE(kp_qi_submit_sync, SVT_P_QI_SUBMIT_SYNC, 0, 2, -1)
SEC("kretprobe")
int kr_qi_submit_sync(struct pt_regs *ctx)
{
	return qi_wait_exit((int)PT_REGS_RC(ctx));
}

SEC("kprobe")
int kp_iopf_report(struct pt_regs *ctx)
{
	return fault_event(SVT_P_IOPF_REPORT, (void *)karg(ctx, 0), (void *)karg(ctx, 1));
}
SEC("kprobe")
int kp_iopf_handle_iopf(struct pt_regs *ctx)
{
	return fault_event(SVT_P_IOPF_HANDLE_IOPF, NULL, (void *)karg(ctx, 0));
}
SEC("kprobe")
int kp_iopf_handle_mm(struct pt_regs *ctx)
{
	return fault_event(SVT_P_IOPF_HANDLE_MM, NULL, (void *)karg(ctx, 0));
}
SEC("kprobe")
int kp_iopf_page_response(struct pt_regs *ctx)
{
	struct iommu_page_response___svt *msg = (void *)karg(ctx, 1);

	return page_response(SVT_P_IOPF_PAGE_RESPONSE, (void *)karg(ctx, 0),
			     BPF_CORE_READ(msg, pasid), BPF_CORE_READ(msg, grpid),
			     BPF_CORE_READ(msg, code));
}
SEC("kprobe")
int kp_iopf_group_response(struct pt_regs *ctx)
{
	return group_response((void *)karg(ctx, 0), (__u32)karg(ctx, 1));
}

KENTRY_SAVE(kp_pin_fast, SVT_P_PIN_FAST, 0, 1, 2)
KENTRY_SAVE(kp_pin, SVT_P_PIN, 0, 1, 2)
KENTRY_SAVE(kp_pin_remote, SVT_P_PIN_REMOTE, 1, 2, 3)
KENTRY_SAVE(kp_pin_unlocked, SVT_P_PIN_UNLOCKED, 0, 1, 3)
KEXIT_RECORD(kr_pin_fast, SVT_P_PIN_FAST, int)
KEXIT_RECORD(kr_pin, SVT_P_PIN, long)
KEXIT_RECORD(kr_pin_remote, SVT_P_PIN_REMOTE, long)
KEXIT_RECORD(kr_pin_unlocked, SVT_P_PIN_UNLOCKED, long)

SEC("kprobe")
int kp_unpin(struct pt_regs *ctx)
{
	return unpin(SVT_P_UNPIN, karg(ctx, 1));
}
SEC("kprobe")
int kp_unpin_dirty(struct pt_regs *ctx)
{
	return unpin(SVT_P_UNPIN_DIRTY, karg(ctx, 1));
}

SEC("kprobe")
int kp_idxd_submit(struct pt_regs *ctx)
{
	return idxd_submit((void *)karg(ctx, 0), (void *)karg(ctx, 1));
}
SEC("kprobe")
int kp_idxd_enqcmds(struct pt_regs *ctx)
{
	return idxd_enqcmds_entry((void *)karg(ctx, 0), karg(ctx, 2));
}
KEXIT_RECORD(kr_idxd_enqcmds, SVT_P_IDXD_ENQCMDS, int)
SEC("kprobe")
int kp_idxd_complete(struct pt_regs *ctx)
{
	return idxd_complete((void *)karg(ctx, 0), (__u32)karg(ctx, 1));
}
SEC("kprobe")
int kp_idxd_wq_thread(struct pt_regs *ctx)
{
	return irq_thread(SVT_P_IDXD_WQ_THREAD, karg(ctx, 0));
}
SEC("kprobe")
int kp_idxd_misc_thread(struct pt_regs *ctx)
{
	return irq_thread(SVT_P_IDXD_MISC_THREAD, karg(ctx, 0));
}
SEC("kprobe")
int kp_amd_cmd(struct pt_regs *ctx)
{
	return amd_cmd(karg(ctx, 1), karg(ctx, 2));
}

/* ------------------------------------------------------------ user-space DSA submitters */

/*
 * --uprobe PATH:SYMBOL:ARGn=dsa-desc. The attach cookie holds the argument
 * number (low 8 bits) and the --uprobe index (next 8 bits, in op). The
 * descriptor goes to the values, ret is -EFAULT when it was not readable, the
 * user address goes to dur_ns.
 */
SEC("uprobe")
int up_dsa_desc(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);
	struct task_struct *t = cur();
	struct svt_rec *r;
	unsigned long p, a[5];
	__u32 n;

	if (skip_task(t))
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
	if (!(r = rec_new(t, SVT_P_UPROBE_DSA, DESC_NV, DESC_FL)))
		return 0;
	r->op = (cookie >> 8) & 0xff;
	RRET(r, DESC_NV) = bpf_probe_read_user(RVAL(r, struct svt_v_dsa_desc),
					       sizeof(struct svt_v_dsa_desc), (void *)p)
			       ? -14 /* -EFAULT */
			       : 0;
	RDUR(r, DESC_NV, DESC_FL) = p;
	rec_submit(r, DESC_NV, DESC_FL);
	return 0;
}

/* ------------------------------------------------------------ --tracepoint SYSTEM:NAME */

/*
 * Any tracepoint: the record's payload (the bytes after its 8-byte common
 * header, at most 64) into struct svt_v_tracepoint; the converter names the fields from the
 * format file. op = the --tracepoint option's index, from the attach cookie
 * when there are several (a helper call), else 0.
 *
 * tp_words_N copies N 4-byte words with plain context loads at constant
 * offsets. The kernel refuses to attach a program whose loads reach past
 * the event's last field, so the loader picks N = payload bytes / 4 (exact
 * when the payload is a multiple of 4 bytes, as for every syscall event).
 * Other payloads use tp_generic, which copies 64 bytes with
 * bpf_probe_read_kernel() (~40 ns more here: a helper call); the bytes past
 * the payload are never decoded.
 */
static __always_inline __u16 tp_index(void *ctx)
{
	return tp_multi ? (__u16)bpf_get_attach_cookie(ctx) : 0;
}

static __always_inline int tp_words(void *ctx, const __u32 words)
{
	const __u32 nv = (words + 1) / 2;
	struct svt_rec *r;
	__u32 *w;

	if (!(r = rec_open(SVT_P_TRACEPOINT, nv, 0)))
		return 0;
	r->op = tp_index(ctx);
	if (summary_mode) { /* counted by op alone: the payload is never read */
		rec_submit(r, nv, 0);
		return 0;
	}
	w = (__u32 *)RVAL(r, struct svt_v_tracepoint)->payload;
	/* Spelled out, not a loop: each load must be ctx + a constant (the
	 * verifier refuses a context pointer moved by a variable). */
// clang-format off
#define TP_WORD(i)                                                                             \
	if (words > i)                                                                         \
		w[i] = ((__u32 *)ctx)[2 + i];
	TP_WORD(0) TP_WORD(1) TP_WORD(2) TP_WORD(3) TP_WORD(4) TP_WORD(5) TP_WORD(6) TP_WORD(7)
	TP_WORD(8) TP_WORD(9) TP_WORD(10) TP_WORD(11) TP_WORD(12) TP_WORD(13) TP_WORD(14)
	TP_WORD(15)
#undef TP_WORD
	if (words & 1)
		w[words] = 0;
	// clang-format on
	rec_submit(r, nv, 0);
	return 0;
}

// clang-format off
#define TP_WORDS(n)                                                                            \
	SEC("tracepoint")                                                                      \
	int tp_words_##n(void *ctx) { return tp_words(ctx, n); }
TP_WORDS(0) TP_WORDS(1) TP_WORDS(2) TP_WORDS(3) TP_WORDS(4) TP_WORDS(5) TP_WORDS(6)
TP_WORDS(7) TP_WORDS(8) TP_WORDS(9) TP_WORDS(10) TP_WORDS(11) TP_WORDS(12) TP_WORDS(13)
TP_WORDS(14) TP_WORDS(15) TP_WORDS(16)

SEC("tracepoint")
int tp_generic(void *ctx)
// clang-format on
{
	const __u32 nv = SVT_NV(struct svt_v_tracepoint);
	struct svt_rec *r;

	if (!(r = rec_open(SVT_P_TRACEPOINT, nv, 0)))
		return 0;
	r->op = tp_index(ctx);
	if (!summary_mode) /* summary mode counts by op alone */
		bpf_probe_read_kernel(RVAL(r, struct svt_v_tracepoint)->payload, 64,
				      (char *)ctx + 8);
	rec_submit(r, nv, 0);
	return 0;
}

/* ------------------------------------------------------------ summary cuts */

/*
 * A write to tracefs's trace_marker ends the current summary interval
 * (collect.h: epochs), so a summary lines up with a tracefs recording's
 * markers. The marker's own write op, tracing_mark_write(), cannot be
 * probed: kernel/trace is built without ftrace call sites, so fentry has
 * no trampoline there and, with CONFIG_KPROBES_ON_FTRACE (Debian's), kprobe
 * events refuse it as a notrace function. So the program sits on
 * vfs_write(file, buf, count, pos) and keeps the writes whose file's write
 * op is tracing_mark_write (its address from kallsyms, set in
 * sum_state.mark_fn by summary.c): a few loads per write() while summary
 * mode runs. Loaded in summary mode only.
 */
struct file_operations___svt {
	void *write;
} __attribute__((preserve_access_index));

struct file___svt {
	const struct file_operations___svt *f_op;
} __attribute__((preserve_access_index));

SEC("fentry/vfs_write")
int fe_summary_cut(void *ctx)
{
	struct file___svt *f = (void *)arg(ctx, 0);
	const char *ubuf = (const char *)arg(ctx, 1);
	__u64 cnt = arg(ctx, 2), ts, e;
	struct svt_sum_cut *c;
	__u32 n;

	if (!sum_state.mark_fn || (__u64)BPF_CORE_READ(f, f_op, write) != sum_state.mark_fn)
		return 0;
	ts = bpf_ktime_get_ns();
	e = __sync_fetch_and_add(&sum_state.epoch, 1);
	c = &sum_state.cut[e & (SVT_SUM_CUT_SLOTS - 1)];
	n = cnt < SVT_STR_BYTES - 1 ? cnt : SVT_STR_BYTES - 1;
	c->ts_ns = ts;
	n &= SVT_STR_BYTES - 1;
	if (bpf_probe_read_user(c->text, n, ubuf))
		n = 0;
	c->text[n & (SVT_STR_BYTES - 1)] = 0;
	c->epoch = e + 1;
	return 0;
}

/*
 * Test hook for the page-request pairing (tests/unit/test_summary.c): a
 * raw_tp program run by BPF_PROG_TEST_RUN with (probe, pasid, grpid, type,
 * ts_ns, device index), writing the record the report or response program
 * writes and submitting it through the same rec_submit(). Never attached.
 */
SEC("raw_tp")
int test_iopf(__u64 *ctx)
{
	__u16 probe = ctx[0] == SVT_P_IOPF_REPORT ? SVT_P_IOPF_REPORT : SVT_P_IOPF_PAGE_RESPONSE;
	struct svt_v_iopf *v;
	struct svt_rec *r;
	char *name;

	if (!(r = rec_open(probe, RESP_NV, SVT_RF_S1)))
		return 0;
	r->ts_ns = ctx[4];
	v = RVAL(r, struct svt_v_iopf);
	v->addr = 0;
	v->pasid = ctx[1];
	v->grpid = ctx[2];
	v->perm = 0;
	v->flags = 0;
	v->type = ctx[3];
	v->code = 0;
	name = RS1(r, RESP_NV, SVT_RF_S1);
	__builtin_memcpy(name, "test-dev", 8);
	name[8] = '0' + (ctx[5] & 7);
	name[9] = 0;
	if (probe == SVT_P_IOPF_REPORT)
		iopf_request(r, RESP_NV, SVT_RF_S1);
	else
		v->addr = iopf_service_ns(r, RESP_NV, SVT_RF_S1);
	rec_submit(r, RESP_NV, SVT_RF_S1);
	return 0;
}

/* The page-request type this kernel uses (for test_iopf's callers): ctx[0] := it. */
SEC("raw_tp")
int test_iopf_type(__u64 *ctx)
{
	return (int)iopf_page_req_type();
}
