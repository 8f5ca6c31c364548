/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collector.h - the live eBPF collector behind `svatrace collect`: open the
 * BPF skeleton, disable programs whose targets this kernel lacks, load,
 * attach, drain the ring buffer in batches into a trace file, and write the
 * lost-event counters and the END chunk however the run ends.
 */
#ifndef SVATRACE_COLLECT_COLLECTOR_H
#define SVATRACE_COLLECT_COLLECTOR_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "collect/collect.h"

/*
 * Ring bytes for all CPUs together. Per-CPU rings split them, so 16 MiB
 * keeps the 8 MiB a lone busy CPU had in the one shared ring on a 2-CPU
 * host; each ring gets at least 1 MiB (~12k iommu:map records) on big ones.
 */
#define COLLECT_DEFAULT_BUFFER_BYTES (16u << 20)
#define COLLECT_MIN_RING_BYTES (1u << 20) /* per-CPU ring at least */
#define COLLECT_DEFAULT_POLL_MS 100	  /* consumer polling interval */
#define COLLECT_DEFAULT_BTF "/sys/kernel/btf/vmlinux"
#define COLLECT_MAX_CONSUMERS 16    /* consumer threads at most */
#define COLLECT_CPUS_PER_CONSUMER 8 /* default: one consumer thread per this many CPUs */

enum collect_rings {
	COLLECT_RINGS_PERCPU = 0, /* one ring buffer per CPU (default) */
	COLLECT_RINGS_SINGLE = 1, /* one ring buffer every CPU shares */
};

/* How far a collection is, for a live status line. */
struct collect_progress {
	uint64_t elapsed_ns; /* since the probes were attached */
	uint64_t nr_records; /* written so far */
	uint64_t nr_lost;    /* dropped so far (ring buffer full) */
};

#define COLLECT_TICK_NS 500000000ull /* tick() period */

struct collect_opts {
	const char *out_path;	   /* trace file to write */
	uint64_t duration_ms;	   /* 0 = until *stop */
	const char *events;	   /* -e selection, NULL = all */
	uint32_t pid;		   /* 0 = every process */
	const char *device;	   /* device-name glob, NULL = all */
	uint64_t buffer_bytes;	   /* ring bytes in all (power of 2), 0 = default */
	enum collect_rings rings;  /* per-CPU rings or one shared ring */
	unsigned int nr_consumers; /* consumer threads, 0 = by CPU count */
	unsigned int poll_ms;	   /* consumer polling interval */
	uint64_t summary_ms;	   /* --summary interval, 0 = records */
	uint32_t sample_n;	   /* --sample: keep 1 of N mappings, 0/1 = all */
	uint64_t max_bytes;	   /* --max-size: rotate past this many bytes, 0 = never */
	bool stop_on_loss;	   /* --stop-on-loss: end the run once loss_budget is exceeded */
	uint64_t loss_budget;	   /* events that may be lost before stopping */
	bool keep_addrs;	   /* --keep-phys */
	uint8_t func_mode;	   /* enum probe_func_mode (--func-probes) */
	const char *btf_path;	   /* kernel BTF used for CO-RE */
	const char *uprobes[SVT_MAX_UPROBES];	      /* PATH:SYMBOL:ARGn=dsa-desc */
	unsigned int nr_uprobes;		      /* entries in uprobes[] */
	const char *tracepoints[SVT_MAX_TRACEPOINTS]; /* SYSTEM:NAME, recorded generically */
	unsigned int nr_tracepoints;		      /* entries in tracepoints[] */
	const char *cmdline;			      /* for the meta chunk */
	volatile sig_atomic_t *stop;		      /* set asynchronously to end the run */
	void (*ready)(void *ctx); /* called once probes are attached (may be NULL) */
	void *ready_ctx;	  /* argument of ready() */
	/* --- workload, live status and privacy (cmd_collect) --- */
	uint64_t cgroup_id;	   /* only tasks of this cgroup-v2 id; 0 = every cgroup */
	const uint8_t *hash_key;   /* address-hash key (REDACT_KEY_BYTES), NULL: random */
	const char *hash_key_id;   /* its id, stored in the meta (never the key) */
	bool hash_key_user;	   /* the key came from --hash-key */
	bool keep_cmdline;	   /* host snapshot keeps the whole kernel command line */
	const char *workload_meta; /* JSON object for the meta's "workload", NULL if none */
	void (*tick)(void *ctx, const struct collect_progress *p); /* ~2 Hz, may be NULL */
	void *tick_ctx;						   /* argument of tick() */
};

struct collect_probe_result {
	bool selected;	     /* picked by -e */
	bool attached;	     /* attached and live */
	bool raw;	     /* through its raw_tp program (probe_raw_ok()) */
	uint8_t via;	     /* enum probe_via that probe_check() chose */
	const char *why;     /* reason it is not attached (static) */
	uint64_t nr_records; /* records written */
	uint64_t nr_lost;    /* events dropped (ring buffer full), all CPUs, and nr_missed */
	uint64_t nr_missed;  /* of which runs the kernel skipped (progstats.h) */
};

struct collect_result {
	struct collect_probe_result probe[SVT_P_MAX_]; /* indexed by enum svt_probe */
	unsigned int nr_attached;		       /* probes attached */
	uint64_t nr_records;			       /* records written in total */
	uint64_t nr_lost;			       /* events lost in total */
	uint64_t nr_missed;			       /* of which runs the kernel skipped */
	uint64_t nr_filtered;			       /* dropped by --device */
	uint64_t nr_summary_records;		       /* --summary: counter records written */
	uint64_t duration_ns;			       /* time the probes were attached */
	bool out_full;	    /* the disk filled: nr_kept, out_* say what stayed */
	bool out_complete;  /* ... and the file still ends with END */
	uint64_t nr_kept;   /* records the (last) output file holds */
	uint64_t out_bytes; /* its size */
};

/** collect_out_of_space() - @err (negative errno) means the disk or a size limit is full. */
bool collect_out_of_space(int err);

/**
 * collect_parse_uprobe() - check a --uprobe spec "PATH:SYMBOL:ARGn=dsa-desc".
 * @spec: the spec.
 * @path, @sym: set to malloc'd copies (may be NULL to only check).
 * @argn: set to n (1..5).
 *
 * Return: 0 or -EINVAL.
 */
int collect_parse_uprobe(const char *spec, char **path, char **sym, int *argn);

/**
 * collect_ring_bytes() - the size of each ring: with per-CPU rings, the
 * buffer divided among the online CPUs, rounded down to a power of two and
 * at least a page (COLLECT_MIN_RING_BYTES for the default buffer); with one
 * shared ring, the buffer.
 */
uint32_t collect_ring_bytes(const struct collect_opts *o);

/**
 * collect_nr_consumers() - consumer threads for @nr_cpus rings: o->nr_consumers,
 * else one per COLLECT_CPUS_PER_CONSUMER CPUs; at most one per ring and
 * COLLECT_MAX_CONSUMERS; 1 with one shared ring or with --max-size.
 */
unsigned int collect_nr_consumers(const struct collect_opts *o, unsigned int nr_cpus);

/*
 * What capture suits an event rate (doctor's advice). Full capture costs
 * the consumer ~100-400 ns per event on the bench host (bench/collect.sh,
 * bench/consumer_bench) and the kernel side ~100 ns more on the producing
 * CPU: up to COLLECT_FULL_MAX_PER_S that is a fraction of one consumer CPU
 * and no loss. Sampling 1 of N brings the rate back under it; past
 * COLLECT_SAMPLE_MAX_PER_S even the kernel side of sampling (a hash per
 * event, all events still fire) is a noticeable share of the machine, and
 * only the summary (a map update per event, no ring) is cheap enough.
 */
#define COLLECT_FULL_MAX_PER_S 1000000.0
#define COLLECT_SAMPLE_MAX_PER_S 20000000.0

struct collect_rate {
	uint64_t nr_events;  /* events counted in the window, every probe */
	uint64_t window_ns;  /* how long */
	double events_per_s; /* their rate */
	const char *mode;    /* "full", "sample" or "summary" */
	uint32_t sample_n;   /* mode "sample": keep 1 of this many */
	char advice[256];    /* one sentence with the command line options */
};

/** collect_rate_advise() - fill @r's mode, sample_n and advice from r->events_per_s. */
void collect_rate_advise(struct collect_rate *r);

/**
 * collect_rate_estimate() - count every probe's events for @window_ms in
 * summary mode (nothing is recorded; a temporary file is removed) and advise.
 * @btf_path: kernel BTF (NULL: the default).
 * Return: 0 or a negative errno (no privileges, no probe...), quietly.
 */
int collect_rate_estimate(const char *btf_path, uint64_t window_ms, struct collect_rate *r);

/**
 * collect_run() - run one collection.
 * @o: options.
 * @res: filled with per-probe outcomes (also on error, as far as known).
 *
 * Return: 0 when the file was written and closed cleanly; a negative errno
 * otherwise (svt_err() has said why: privileges, BTF, output file...).
 */
int collect_run(const struct collect_opts *o, struct collect_result *res);

#endif /* SVATRACE_COLLECT_COLLECTOR_H */
