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
	const char *target;   /* "iommu/map" or the function name */
	const char *prog;     /* BPF program name (entry) */
	const char *ret_prog; /* BPF program name of the fexit, NULL if none */
	const char *module;   /* kernel module that provides it, NULL if built in */
	const char *raw_prog; /* raw_tp program preferred to prog when probe_raw_ok(), or NULL */
	uint8_t raw_nr_args;  /* arguments raw_prog expects (the tracepoint's TP_PROTO) */
	const char *raw_arg0; /* struct its first argument points to, NULL if a scalar */
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
 * Tracepoints: the tracefs event directory; functions: a text symbol in
 * /proc/kallsyms and a FUNC in the kernel's (or its module's) BTF, which
 * fentry needs. Uprobes are always "present" (checked at attach).
 */
bool probe_present(const struct probe_def *p, const char **why);

/**
 * probe_selected() - does the -e selection @sel (comma-separated globs on
 * probe names or group names; NULL or "all" = everything) pick @p?
 */
bool probe_selected(const struct probe_def *p, const char *sel);

#endif /* SVATRACE_COLLECT_PROBES_H */
