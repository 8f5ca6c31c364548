/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probes.h - the table of everything `svatrace collect` can attach
 * (DESIGN.md §3) and the checks that say whether the running kernel has
 * each target. Shared by the collector (to disable absent programs before
 * load) and by `svatrace doctor` (to report them).
 */
#ifndef SVATRACE_COLLECT_PROBES_H
#define SVATRACE_COLLECT_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"

enum probe_type {
	PROBE_TP = 0,	   /* tracepoint "system/name" */
	PROBE_FUNC = 1,	   /* kernel function: fentry (+ optional fexit) */
	PROBE_UPROBE = 2,  /* user-space function (--uprobe) */
	PROBE_USER_TP = 3, /* any tracepoint named by --tracepoint */
};

/* One probe, as collect/probe_table.h describes it. */
struct probe_def {
	uint16_t id;	  /* enum svt_probe */
	uint8_t type;	  /* enum probe_type */
	uint8_t kind;	  /* enum svt_kind: its values' struct and its trace record */
	uint16_t op;	  /* enum trace_*_op of that record, 0 if the kind has none */
	const char *name; /* "iommu:map", "fentry:qi_submit_sync": -e and lost counters */
	const char
	    *group; /* selection group: iommu, dma, intel_iommu, qi_wait, iopf, pin, idxd, uprobe */
	const char *target;    /* "iommu/map" or the function name */
	const char *prog;      /* BPF program name (entry) */
	const char *ret_prog;  /* BPF program name of the fexit, NULL if none */
	const char *module;    /* kernel module that provides it, NULL if built in */
	const char *raw_prog;  /* raw_tp program preferred to prog when probe_raw_ok(), or NULL */
	uint8_t raw_nr_args;   /* arguments raw_prog expects (the tracepoint's TP_PROTO) */
	const char *raw_arg0;  /* struct its first argument points to, NULL if a scalar */
	const char *kprog;     /* PROBE_FUNC: the kprobe twin of prog */
	const char *kret_prog; /* PROBE_FUNC: the kretprobe twin of ret_prog, NULL if none */
};

/* How a probe attaches (probe_check()). */
enum probe_via {
	PROBE_VIA_NONE = 0,   /* cannot attach here: see why */
	PROBE_VIA_TRACEPOINT, /* tracepoint (its raw_tp twin is the collector's choice) */
	PROBE_VIA_FENTRY,     /* fentry (+ fexit) through a BPF trampoline */
	PROBE_VIA_KPROBE,     /* kprobe (+ kretprobe) */
	PROBE_VIA_OPTION,     /* --uprobe / --tracepoint: checked when attached */
};

/* Which mechanism kernel-function probes may use (collect --func-probes). */
enum probe_func_mode {
	PROBE_FUNC_AUTO = 0, /* fentry where the kernel takes it, else kprobe */
	PROBE_FUNC_FENTRY,   /* fentry only */
	PROBE_FUNC_KPROBE,   /* kprobe only */
};

/* What probe_check() found for one probe. */
struct probe_status {
	uint8_t via;		/* enum probe_via */
	const char *why;	/* PROBE_VIA_NONE: why not (lives until exit) */
	const char *fentry_why; /* PROBE_FUNC: why fentry was not used, NULL if it was */
};

/** probe_defs() - the table, @nr set to its length; indexed by enum svt_probe. */
const struct probe_def *probe_defs(size_t *nr);

/**
 * probe_raw_ok() - whether @p's raw_tp program fits this kernel: the
 * kernel BTF has btf_trace_EVENT with raw_nr_args arguments, the first
 * pointing to struct raw_arg0 when that is set. A raw tracepoint's
 * arguments are untyped for the program, so this check is what keeps a
 * changed prototype from being recorded as wrong values; false sends the
 * probe to its classic tracepoint program.
 */
bool probe_raw_ok(const struct probe_def *p);

/**
 * probe_fentry_ok() - whether an fentry program on vmlinux function @fn
 * loads and attaches here (tried with an empty program).
 * Return: 0, or the negative errno the kernel gave.
 */
int probe_fentry_ok(const char *fn);

/** probe_def_by_id() - the entry for @id, NULL if out of range. */
const struct probe_def *probe_def_by_id(unsigned int id);

/**
 * probe_def_by_event() - the tracepoint probe of event @sys:@event (ftrace
 * names, e.g. "dma", "dma_map_page"); @sys NULL matches any system (ftrace
 * text omits it). NULL when no probe records that event.
 */
const struct probe_def *probe_def_by_event(const char *sys, const char *event);

/**
 * probe_tracefs_dir() - the tracefs mount ("/sys/kernel/tracing"), mounting
 * it there if nothing is mounted and we may. NULL if unavailable.
 */
const char *probe_tracefs_dir(void);

/**
 * probe_present() - does the running kernel have @p's target?
 * @p: probe.
 * @why: set to a short reason when it does not (static string or NULL).
 *
 * probe_check(@p, PROBE_FUNC_AUTO) says it can attach. Uprobes and
 * --tracepoint are always "present" (checked at attach).
 */
bool probe_present(const struct probe_def *p, const char **why);

/**
 * probe_check() - can @p attach on this kernel, and how? The one check
 * `svatrace doctor`, `collect --list` and the collector all use, so they
 * agree. Tracepoints: as probe_present(). Kernel functions: the symbol
 * must be in /proc/kallsyms; then, unless @mode is PROBE_FUNC_KPROBE, a
 * two-instruction fentry (and fexit) program is loaded against the
 * function's BTF and attached for an instant, which shows whatever the
 * kernel would refuse (no trampoline, >6 arguments before 6.6, a sandbox
 * that forbids tracing programs); where that fails and @mode allows it, a
 * kprobe (and kretprobe) perf event is opened and closed the same way.
 * Needs the privileges collect needs; without them every function probe
 * reads "cannot attach" with the kernel's reason. Cached per probe and mode.
 *
 * Return: the status (never NULL; static storage).
 */
const struct probe_status *probe_check(const struct probe_def *p, enum probe_func_mode mode);

/** probe_via_name() - "tracepoint", "fentry", "kprobe", "option" or "none". */
const char *probe_via_name(unsigned int via);

/**
 * probe_func_mode_parse() - "auto", "fentry" or "kprobe" into @mode.
 * Return: 0 or -EINVAL.
 */
int probe_func_mode_parse(const char *s, enum probe_func_mode *mode);

/**
 * probe_selected() - does the -e selection @sel (comma-separated globs on
 * probe names or group names; NULL or "all" = everything) pick @p?
 */
bool probe_selected(const struct probe_def *p, const char *sel);

#endif /* SVATRACE_COLLECT_PROBES_H */
