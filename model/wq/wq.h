/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq.h - model of DSA-style work submission: a device with groups of engines
 * and work queues (dedicated or shared), the CPU side of submission
 * (MOVDIR64B to a dedicated WQ with client-side credits and an optional
 * software lock; ENQCMD/ENQCMDS to a shared WQ with a non-posted round trip
 * and a retry policy), completion by polling, UMWAIT or interrupt, and the
 * clients that drive it (closed loop, Poisson open loop, or descriptors
 * given by the caller at trace times or as a closed-loop script).
 *
 * The model runs on the shared event core (model/sim.h) and reports through
 * a results sink (model/results.h). Translation stalls of a descriptor's
 * source and destination come from a pluggable struct wq_xlate_ops, so the
 * IOTLB/ATC/PRI model plugs in without this module knowing it.
 *
 * Model assumptions:
 * - One WQ entry holds one submission (a batch descriptor is one entry). An
 *   engine takes one submission at a time; the entry is freed when the engine
 *   takes it. A batch runs its work descriptors back to back on that engine
 *   after one batch fetch.
 * - Service of a work descriptor = overhead + translation stalls + bytes /
 *   engine bandwidth, but its data also passes a device-wide data path that
 *   is reserved first-come first-served in engine-start order at the device
 *   bandwidth; the descriptor ends when both are done. Every opcode moves its
 *   transfer size through that path at the same rate (not calibrated per op).
 *   The path's rate is also bounded by Little's law on the device's read
 *   buffers: max_read_buffers x 64 B / read_latency_ns.
 * - Translation overlap (xlate_overlap, with translation ops and fixed
 *   service times): an engine has a translation stage and a data stage. It
 *   takes a second descriptor from its WQs as soon as its translation stage
 *   is free, and translates it while the current one moves its data (a
 *   descriptor's source and destination requests are in flight together:
 *   the longer one counts). The data of a descriptor moves once its
 *   translation is done and the engine's previous descriptor has finished,
 *   so a stream runs at 1 / max(translation, overhead + data) per engine.
 *   Without overlap the engine translates (source, then destination) and
 *   then moves, serially. Batches translate member by member, serially.
 * - Engines pick among their group's non-empty WQs by smooth weighted round
 *   robin with weight = WQ priority; several idle engines: lowest index first.
 * - A dedicated-WQ client counts a slot as used from submission until it has
 *   noticed the completion (what software can know), so it never overflows
 *   the WQ; clients sharing one DWQ share the count behind a FIFO lock.
 * - ENQCMD reaches the WQ portal_oneway_ns after issue, where the accept or
 *   retry decision is made (occupancy < threshold for ENQCMD, < size for
 *   ENQCMDS); the core stays blocked until enqcmd_rtt_ns after issue.
 * - Who retries decides what a "retry" answer costs: ENQCMDS submitters
 *   (the kernel, privileged clients) follow retry_policy_enqcmds (Linux:
 *   32 retries, then -EAGAIN); ENQCMD submitters (user space) follow the
 *   client library's retry_policy (spin, pause, backoff; never -EAGAIN
 *   unless set to kernel).
 * - block_on_fault=0 (per WQ, accel-config's default): a descriptor whose
 *   source or destination reaches a page that is not present moves the
 *   bytes before that page and completes partially (status page fault,
 *   bytes completed); the client notices it, spends sw_fault_ns touching
 *   the page, and resubmits the remainder ahead of its other work. Every
 *   byte is moved exactly once. block_on_fault=1 leaves faults to the
 *   translation ops (PRI: the engine waits). Batches do not fault.
 * - A client is one core: it submits one descriptor at a time; a completion
 *   is noticed no earlier than the end of the submission the core is in.
 *   Think time delays the next issue but does not occupy the core.
 */
#ifndef SVATRACE_MODEL_WQ_H
#define SVATRACE_MODEL_WQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/results.h"
#include "model/sim.h"

#define WQ_MAX_GROUPS 4		    /* groups per device (DSA 1.0: 4) */
#define WQ_MAX_WQS 8		    /* work queues per device (DSA 1.0: 8) */
#define WQ_MAX_ENGINES_PER_GROUP 16 /* what-if headroom; DSA 1.0 has 4 per device */
#define WQ_MAX_ENTRIES 65536	    /* what-if headroom for WQ sizes */
#define WQ_READ_BYTES 64	    /* one read buffer: a cache line */

enum wq_mode {
	WQ_MODE_DEDICATED = 0, /* one owner (or a software lock), MOVDIR64B */
	WQ_MODE_SHARED = 1,    /* many clients, ENQCMD/ENQCMDS */
};

/* DSA opcodes (values as in the DSA spec and Linux uapi/linux/idxd.h). */
enum wq_op {
	WQ_OP_NOOP = 0x00,
	WQ_OP_BATCH = 0x01,
	WQ_OP_MEMMOVE = 0x03,
	WQ_OP_FILL = 0x04,
	WQ_OP_COMPARE = 0x05,
	WQ_OP_CRC = 0x10,
};

enum wq_compl {
	WQ_COMPL_POLL = 0,   /* spin on the completion record */
	WQ_COMPL_UMWAIT = 1, /* UMONITOR/UMWAIT on the completion record */
	WQ_COMPL_INTR = 2,   /* completion interrupt, thread sleeps */
};

enum wq_dist {
	WQ_DIST_FIXED = 0, /* the computed time */
	WQ_DIST_EXP = 1,   /* exponential with the computed time as mean */
};

enum wq_retry_policy {
	WQ_RETRY_KERNEL = 0,  /* up to retry_max retries with a PAUSE, then -EAGAIN */
	WQ_RETRY_SPIN = 1,    /* retry at once until accepted */
	WQ_RETRY_BACKOFF = 2, /* exponential backoff with jitter until accepted */
	WQ_RETRY_PAUSE = 3,   /* retry after a PAUSE until accepted */
	WQ_RETRY_NR_
};

enum wq_driver {
	WQ_DRIVER_CLOSED = 0,	/* next descriptor when one completes + think time */
	WQ_DRIVER_POISSON = 1,	/* open loop, exponential inter-arrival times */
	WQ_DRIVER_EXTERNAL = 2, /* only what wq__submit()/wq__push() give */
};

/* One work queue. */
struct wq_wq_cfg {
	uint32_t mode;	    /* enum wq_mode */
	uint32_t size;	    /* entries */
	uint32_t priority;  /* arbitration weight, 1..15 */
	uint32_t threshold; /* shared: entries ENQCMD may fill (ENQCMDS: size) */
	uint32_t group;	    /* group index */
	uint32_t
	    block_on_fault; /* 1: the device waits for the fault (PRI); 0: partial completion */
};

/* Device, submission and completion parameters (see wq_params.c for sources). */
struct wq_config {
	uint64_t seed;			       /* PRNG seed */
	uint32_t nr_groups;		       /* groups in use */
	uint32_t group_engines[WQ_MAX_GROUPS]; /* engines per group */
	uint32_t nr_wqs;		       /* work queues in use */
	struct wq_wq_cfg wq[WQ_MAX_WQS];       /* work queues */
	uint32_t device_wq_entries;	       /* WQ entries the device has in all */
	uint32_t max_batch;		       /* largest batch (descriptors) */
	uint64_t engine_bw_bytes_per_s;	       /* one engine's data rate */
	uint64_t device_bw_bytes_per_s;	       /* device data path rate */
	uint32_t max_read_buffers;	       /* 64 B reads the device keeps in flight */
	uint64_t read_latency_ns;	       /* device memory read round trip */
	uint32_t xlate_overlap;		       /* 1: translation overlaps data movement */
	uint32_t devtlb_enabled;	       /* replay: 1: the device's own TLB (ATS) */
	uint32_t devtlb_entries;	       /* replay: device TLB entries */
	uint32_t devtlb_ways;		       /* replay: device TLB ways */
	uint64_t devtlb_hit_ns;		       /* replay: device TLB lookup */
	uint32_t devtlb_link;		       /* replay: enum wq_devtlb_link (wq_params.h) */
	uint64_t on_die_one_way_ns;	       /* replay: device <-> IOMMU one way, on die */
	uint64_t desc_overhead_ns;	       /* per work descriptor on an engine */
	uint64_t batch_fetch_ns;	       /* fetch of a batch's descriptor list */
	uint32_t service_dist;		       /* enum wq_dist (validation) */
	uint64_t desc_prep_ns;		       /* CPU: fill the 64 B descriptor */
	uint64_t movdir64b_ns;		       /* CPU: MOVDIR64B posted write */
	uint64_t portal_oneway_ns;	       /* core -> WQ portal */
	uint64_t enqcmd_rtt_ns;		       /* ENQCMD issue -> result at the core */
	uint64_t lock_acquire_ns;	       /* shared-DWQ lock, uncontended */
	uint64_t lock_handoff_ns;	       /* lock passing to another core */
	uint32_t retry_policy;		       /* enum wq_retry_policy of ENQCMD (user space) */
	uint32_t retry_policy_enqcmds;	       /* enum wq_retry_policy of ENQCMDS (kernel) */
	uint32_t retry_max;		       /* kernel policy: retries before -EAGAIN */
	uint64_t retry_pause_ns;	       /* kernel/spin: pause between tries */
	uint64_t backoff_min_ns;	       /* backoff: first delay */
	uint64_t backoff_max_ns;	       /* backoff: largest delay */
	uint64_t poll_detect_ns;	       /* completion write -> polling core sees it */
	uint64_t poll_cpu_ns;		       /* CPU per completion processed (poll) */
	uint64_t umwait_wake_ns;	       /* completion write -> UMWAIT returns */
	uint64_t intr_latency_ns;	       /* completion -> thread runs (interrupt) */
	uint64_t intr_cpu_ns;		       /* CPU per interrupt + wakeup */
	uint64_t sw_fault_ns;		       /* CPU: touch a faulted page before a resubmit */
	uint64_t series_window_ns;	       /* occupancy time-series window */
	uint32_t client_queue_depth;	       /* default: outstanding per client */
	uint32_t client_compl;		       /* default: enum wq_compl */
	uint32_t client_op;		       /* default: index of noop|memmove|fill|compare|crc */
	uint32_t client_xfer_bytes;	       /* default: transfer size */
	uint32_t client_batch;		       /* default: 0 single, N batch of N */
	uint64_t client_think_ns;	       /* default: think time */
	uint32_t loop;			       /* replay: enum wq_loop (wq_params.h) */
	uint32_t xlate;			       /* replay: enum wq_xlate_kind (wq_params.h) */
	uint64_t xlate_fixed_access_ns;	       /* replay, xlate=fixed: per access */
	uint64_t xlate_fixed_page_ns;	       /* replay, xlate=fixed: per page */
};

/* A descriptor as a client submits it. */
struct wq_desc {
	uint64_t src;	     /* source address (compare: first source) */
	uint64_t dst;	     /* destination (compare: second source) */
	uint64_t tag;	     /* caller's id (e.g. trace desc_id) */
	uint32_t xfer_bytes; /* per work descriptor */
	uint32_t batch_n;    /* 0: one descriptor; N: batch of N (addresses advance) */
	uint32_t opcode;     /* enum wq_op of the work descriptor(s) */
};

/* One client: a thread with a PASID on its own core. */
struct wq_client_cfg {
	uint32_t pasid;		    /* PASID carried by its descriptors */
	uint32_t wq;		    /* work queue it submits to */
	uint32_t privileged;	    /* 1: ENQCMDS (threshold does not apply) */
	uint32_t compl ;	    /* enum wq_compl */
	uint32_t driver;	    /* enum wq_driver */
	uint32_t queue_depth;	    /* closed loop: descriptors outstanding */
	uint32_t think_dist;	    /* enum wq_dist of the think time */
	uint64_t think_ns;	    /* closed loop: after a completion */
	uint64_t interarrival_ns;   /* Poisson: mean inter-arrival time */
	uint64_t nr_desc;	    /* closed/Poisson: submissions to generate */
	uint64_t start_ns;	    /* first issue */
	uint64_t addr_stride_bytes; /* generated: address step per descriptor */
	struct wq_desc tmpl;	    /* generated descriptors start from this */
};

/*
 * Translation stalls of a descriptor's access to [addr, addr + bytes): the
 * time the engine waits for translations, computed at @now_ns. The IOTLB/
 * ATC/PRI model implements this; wq_xlate_fixed_ops is a fixed-cost stand-in.
 */
struct wq_xlate_ops {
	const char *name; /* "fixed", "iotlb", ... */
	uint64_t (*stall_ns)(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes, bool write,
			     uint64_t now_ns);
	/*
	 * Optional (NULL: every page present). For a WQ with block_on_fault=0:
	 * the offset in [0, @bytes) of the first page of [addr, addr + bytes)
	 * that is not present, or UINT64_MAX. The page counts as present from
	 * then on (software touches it before it resubmits the remainder).
	 */
	uint64_t (*fault_offset)(void *ctx, uint32_t pasid, uint64_t addr, uint64_t bytes,
				 bool write, uint64_t now_ns);
};

/* Context of wq_xlate_fixed_ops: per access + per page touched. */
struct wq_xlate_fixed {
	uint64_t per_access_ns; /* every source/destination access */
	uint64_t per_page_ns;	/* every page the access touches */
	uint64_t page_bytes;	/* page size (power of two) */
};

extern const struct wq_xlate_ops wq_xlate_fixed_ops;

struct model;

/*
 * Context of wq_xlate_model_ops: the translation model (model/xlate/model.h) as
 * the device's translation path. Every page of an access is one model
 * lookup (ATC/IOTLB/walk/PRI per the model's config); the stall is the sum
 * of the model's translation latencies of those pages.
 */
struct wq_xlate_model {
	struct model *m;      /* translation model, fed only by this ops (time order) */
	uint32_t dev;	      /* device index in @m (the DSA device) */
	uint32_t sid;	      /* source id (context-cache key) */
	uint32_t domain;      /* IOMMU domain */
	uint64_t nr_accesses; /* accesses translated */
	uint64_t nr_pages;    /* pages looked up */
	uint64_t stall_ns;    /* stalls returned, summed */
};

extern const struct wq_xlate_ops wq_xlate_model_ops;

/* Per work queue counters (exact sums, so tests can check queueing laws). */
struct wq_wq_stats {
	uint64_t nr_accepted;	    /* submissions that entered the WQ */
	uint64_t nr_completed;	    /* submissions completed */
	uint64_t nr_desc_completed; /* work descriptors completed (batch: N) */
	uint64_t nr_retry_answers;  /* ENQCMD attempts answered "retry" */
	uint64_t nr_dropped;	    /* posted writes that found the WQ full */
	uint64_t nr_partial;	    /* block_on_fault=0: completed partially (page fault) */
	uint64_t bytes_accepted;    /* bytes of accepted submissions */
	uint64_t bytes_completed;   /* bytes of completed submissions */
	uint64_t sum_wait_ns;	    /* accept -> engine start, summed */
	uint64_t sum_sojourn_ns;    /* accept -> completion, summed */
	uint64_t sum_service_ns;    /* engine start -> completion, summed */
	uint64_t system_area;	    /* integral of submissions in WQ + engines (ns) */
	uint64_t queue_area;	    /* integral of WQ entries used (ns) */
	uint32_t max_queue;	    /* most entries used at once */
	uint32_t nr_clients;	    /* clients submitting to it (DWQ: > 1 share a lock) */
};

/* Per client counters. */
struct wq_client_stats {
	uint64_t nr_issued;	    /* submissions the client wanted to make */
	uint64_t nr_accepted;	    /* accepted by the WQ */
	uint64_t nr_completed;	    /* completions noticed */
	uint64_t nr_desc_completed; /* work descriptors completed */
	uint64_t nr_rejected;	    /* given up (-EAGAIN) */
	uint64_t nr_retries;	    /* ENQCMD retries */
	uint64_t nr_partial;	    /* partial completions noticed (page fault) */
	uint64_t nr_resubmits;	    /* remainders resubmitted after a partial completion */
	uint64_t bytes_issued;	    /* bytes of the descriptors issued (not resubmits) */
	uint64_t bytes_completed;   /* bytes moved, every piece */
	uint64_t sum_submit_ns;	    /* issue -> accepted, summed */
	uint64_t sum_e2e_ns;	    /* issue -> completion noticed, summed */
	uint64_t cpu_submit_ns;	    /* core busy submitting (incl. lock, retries) */
	uint64_t cpu_wait_ns;	    /* core spinning/UMWAITing for completions */
	uint64_t cpu_compl_ns;	    /* core processing completions/interrupts */
	uint64_t cpu_fault_ns;	    /* core servicing page faults before resubmits */
	uint64_t lock_wait_ns;	    /* spinning on the shared-DWQ lock */
	uint64_t credit_wait_ns;    /* waiting for a DWQ slot */
	uint64_t last_notice_ns;    /* time of the last completion noticed */
};

/*
 * Where a descriptor's end-to-end time goes (ready -> completion noticed),
 * one part per stage the model walks it through. Each interval of a
 * descriptor's life is charged to exactly one part, so the parts of the
 * completed descriptors sum exactly (integer ns) to their summed
 * end-to-end latency. A descriptor completed partially (page fault) and
 * resubmitted goes round again; its parts add up over the rounds.
 */
enum wq_part {
	WQ_PART_CORE_WAIT = 0, /* ready, the client's core busy with earlier submissions */
	WQ_PART_CREDIT_WAIT,   /* DWQ: the client waits for a free slot */
	WQ_PART_PREP,	       /* CPU fills the 64 B descriptor */
	WQ_PART_LOCK,	       /* shared DWQ: software lock wait, acquire, hand-off */
	WQ_PART_PORTAL,	       /* MOVDIR64B / the accepted ENQCMD reaching the WQ */
	WQ_PART_ENQCMD_RETRY,  /* ENQCMD answered "retry": first to last attempt */
	WQ_PART_WQ_WAIT,       /* accepted -> an engine runs it (queueing) */
	WQ_PART_XLATE_STALL,   /* engine waits on address translation only */
	WQ_PART_ENGINE,	       /* engine work: overhead, batch fetch, data movement */
	WQ_PART_NOTICE,	       /* completion written -> the client notices it */
	WQ_PART_FAULT,	       /* partial completion: software touches the page */
	WQ_PART_NR_
};

/* wq_part_names[p]: the metric name of part @p (submit.part.NAME_ns). */
extern const char *const wq_part_names[WQ_PART_NR_];

/* Whole-model counters. */
struct wq_stats {
	uint64_t end_ns;	       /* time of the last model event */
	uint64_t nr_issued;	       /* submissions issued by all clients */
	uint64_t nr_accepted;	       /* accepted by WQs */
	uint64_t nr_completed;	       /* completions noticed by clients */
	uint64_t nr_desc_completed;    /* work descriptors completed */
	uint64_t nr_rejected;	       /* given up */
	uint64_t nr_retries;	       /* ENQCMD retries */
	uint64_t nr_dropped;	       /* posted writes to a full WQ */
	uint64_t nr_partial;	       /* partial completions (block_on_fault=0) */
	uint64_t nr_resubmits;	       /* remainders resubmitted */
	uint64_t bytes_issued;	       /* requested by issued descriptors */
	uint64_t bytes_accepted;       /* accepted */
	uint64_t bytes_completed;      /* completed by engines */
	uint64_t engine_busy_ns;       /* summed over engines */
	uint64_t nr_engines;	       /* engines on the device */
	uint64_t xlate_stall_ns;       /* translation stalls, summed */
	uint64_t xlate_exposed_ns;     /* engine time waiting on translation only */
	uint64_t nr_xlate_calls;       /* calls into the translation ops */
	uint64_t nr_in_flight;	       /* issued, neither completed nor rejected */
	uint64_t sum_e2e_ns;	       /* issue -> noticed, summed over completed descriptors */
	uint64_t part_ns[WQ_PART_NR_]; /* sum_e2e_ns split by enum wq_part (sums exactly) */
};

struct wq_model;

/** wq_config_default() - fill @cfg with the default profile (wq_params.c). */
void wq_config_default(struct wq_config *cfg);

/**
 * wq_config_validate() - check @cfg once so the hot path can trust it.
 * Return: 0, or -EINVAL with a message naming the key in @err.
 */
int wq_config_validate(const struct wq_config *cfg, char *err, size_t err_bytes);

/** wq_client_cfg_default() - a closed-loop client of WQ 0 from @cfg's client defaults. */
void wq_client_cfg_default(const struct wq_config *cfg, struct wq_client_cfg *c);

/**
 * wq__new() - a model of @cfg.
 * @cfg: validated here; copied.
 * @sim: event core to run on (shared with other components), or NULL to own one.
 * @xops, @xctx: translation stalls; NULL for none.
 *
 * Return: the model, or NULL with errno (EINVAL: bad config, ENOMEM).
 */
struct wq_model *wq__new(const struct wq_config *cfg, struct sim *sim,
			 const struct wq_xlate_ops *xops, void *xctx);

/** wq__free() - free; NULL is a no-op. */
void wq__free(struct wq_model *m);

/** wq__config() - the model's (validated) configuration. */
const struct wq_config *wq__config(const struct wq_model *m);

/** wq__sim() - the event core the model runs on. */
struct sim *wq__sim(struct wq_model *m);

/**
 * wq__add_client() - add a client; its driver starts at @c->start_ns.
 * Return: the client index, or -EINVAL (bad WQ/driver/desc), -ENOMEM.
 */
int wq__add_client(struct wq_model *m, const struct wq_client_cfg *c);

/** wq__nr_clients() - clients added so far. */
uint32_t wq__nr_clients(const struct wq_model *m);

/**
 * wq__submit() - open loop: @client wants to submit @d at @t_ns (>= now).
 * Return: 0, -EINVAL (bad client/desc/time), -ENOMEM.
 */
int wq__submit(struct wq_model *m, uint32_t client, uint64_t t_ns, const struct wq_desc *d);

/**
 * wq__push() - closed-loop script: append @d to @client's script; it is
 * issued @think_ns after a completion frees one of the client's
 * queue_depth slots (the first queue_depth go at once).
 * Return: 0, -EINVAL, -ENOMEM.
 */
int wq__push(struct wq_model *m, uint32_t client, const struct wq_desc *d, uint64_t think_ns);

/**
 * wq__set_queue_depth() - change @client's closed-loop queue depth; a larger
 * depth issues scripted descriptors into the new slots at once (after their
 * think time). Return: 0 or -EINVAL.
 */
int wq__set_queue_depth(struct wq_model *m, uint32_t client, uint32_t queue_depth);

/** wq__run() - run the shared event core until no event is left. Return: events fired. */
uint64_t wq__run(struct wq_model *m);

/** wq__run_until() - run events up to @t_ns. Return: events fired. */
uint64_t wq__run_until(struct wq_model *m, uint64_t t_ns);

/** wq__stats() - whole-model counters. */
void wq__stats(const struct wq_model *m, struct wq_stats *out);

/** wq__wq_stats() - counters of WQ @i. Return: 0 or -EINVAL. */
int wq__wq_stats(const struct wq_model *m, uint32_t i, struct wq_wq_stats *out);

/** wq__client_stats() - counters of client @i. Return: 0 or -EINVAL. */
int wq__client_stats(const struct wq_model *m, uint32_t i, struct wq_client_stats *out);

/**
 * wq__percentile_ns() - a percentile of a latency distribution.
 * @which: "submit" (issue -> accepted), "wait" (accepted -> dispatched to an
 *	   engine, all WQs), "e2e" (issue -> noticed) or "sojourn" (accepted ->
 *	   completed, all WQs).
 * @client: client index for "submit"/"e2e", UINT32_MAX for all clients.
 * @q: 0..1.
 * Return: the value by the one quantile definition (hist_quantile(), lib/hist.h), 0 if empty.
 */
uint64_t wq__percentile_ns(const struct wq_model *m, const char *which, uint32_t client, double q);

/** wq_jain_index() - Jain's fairness index of @x[0..n): (sum x)^2 / (n sum x^2); 1 if all 0. */
double wq_jain_index(const double *x, size_t n);

/**
 * wq__report() - emit the config, wq.*, submit.* (with the decomposition
 * submit.part.NAME_ns, summed over the submit.part.nr_desc completed
 * descriptors, and their total submit.part.total_ns) and client.* metrics,
 * histograms and the occupancy series to @sink (no begin_run/end_run).
 * Return: 0 or the first negative value a sink callback returned.
 */
int wq__report(const struct wq_model *m, const struct results_sink *sink);

#endif /* SVATRACE_MODEL_WQ_H */
