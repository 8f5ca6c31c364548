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

#define COLLECT_DEFAULT_BUFFER_BYTES (8u << 20) /* ring buffer size */
#define COLLECT_DEFAULT_POLL_MS 100		/* consumer polling interval */
#define COLLECT_DEFAULT_BTF "/sys/kernel/btf/vmlinux"

/* How far a collection is, for a live status line. */
struct collect_progress {
	uint64_t elapsed_ns; /* since the probes were attached */
	uint64_t nr_records; /* written so far */
	uint64_t nr_lost;    /* dropped so far (ring buffer full) */
};

#define COLLECT_TICK_NS 500000000ull /* tick() period */

struct collect_opts {
	const char *out_path;			      /* trace file to write */
	uint64_t duration_ms;			      /* 0 = until *stop */
	const char *events;			      /* -e selection, NULL = all */
	uint32_t pid;				      /* 0 = every process */
	const char *device;			      /* device-name glob, NULL = all */
	uint64_t buffer_bytes;			      /* ring buffer size (power of 2, >= page) */
	unsigned int poll_ms;			      /* consumer polling interval */
	bool keep_addrs;			      /* --keep-phys */
	uint8_t func_mode;			      /* enum probe_func_mode (--func-probes) */
	const char *btf_path;			      /* kernel BTF used for CO-RE */
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
	uint64_t nr_lost;    /* events dropped (ring buffer full), all CPUs */
};

struct collect_result {
	struct collect_probe_result probe[SVT_P_MAX_]; /* indexed by enum svt_probe */
	unsigned int nr_attached;		       /* probes attached */
	uint64_t nr_records;			       /* records written in total */
	uint64_t nr_lost;			       /* events lost in total */
	uint64_t nr_filtered;			       /* dropped by --device */
	uint64_t duration_ns;			       /* time the probes were attached */
};

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
 * collect_run() - run one collection.
 * @o: options.
 * @res: filled with per-probe outcomes (also on error, as far as known).
 *
 * Return: 0 when the file was written and closed cleanly; a negative errno
 * otherwise (svt_err() has said why: privileges, BTF, output file...).
 */
int collect_run(const struct collect_opts *o, struct collect_result *res);

#endif /* SVATRACE_COLLECT_COLLECTOR_H */
