/* SPDX-License-Identifier: GPL-2.0 */
/*
 * progstats.h - what the kernel counts about each loaded BPF program of the
 * collector: runs and run time (with kernel.bpf_stats_enabled=1), events it
 * skipped (recursion_misses) and the verifier's instruction count. Skipped
 * events are losses the ring-buffer counters cannot see: a kprobe or
 * classic tracepoint program does not run while another BPF program, or a
 * BPF map syscall of any task, holds bpf_prog_active on that CPU, and only
 * Linux 6.7+ counts those skips (trace_call_bpf() ->
 * bpf_prog_inc_misses_counters(), "bpf: Count missed stats in
 * trace_call_bpf"). fentry/fexit and raw_tp programs are not held off by
 * map syscalls; they count their own recursion on every kernel this
 * collector supports.
 */
#ifndef SVATRACE_COLLECT_PROGSTATS_H
#define SVATRACE_COLLECT_PROGSTATS_H

#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "collect/collect.h"

struct progstat {
	char name[32];		   /* the program's name in the object */
	int probe;		   /* enum svt_probe it serves, -1 if none (summary cuts) */
	uint64_t run_cnt;	   /* runs (0 unless kernel.bpf_stats_enabled) */
	uint64_t run_time_ns;	   /* time in the program, over run_cnt */
	uint64_t recursion_misses; /* runs the kernel skipped */
	uint32_t verified_insns;   /* instructions the verifier checked at load */
};

/**
 * progstats_probe_of() - the probe a program of the collector's object serves.
 * @name: the program's name.
 *
 * Return: enum svt_probe, or -1 for programs that serve none.
 */
int progstats_probe_of(const char *name);

/**
 * progstats_read() - the kernel's counts of every loaded program of @obj.
 * @obj: the loaded BPF object.
 * @out: filled with up to @max entries, loaded programs only.
 * @max: size of @out.
 *
 * Return: entries filled, or -errno.
 */
int progstats_read(struct bpf_object *obj, struct progstat *out, unsigned int max);

/**
 * progstats_missed() - skipped runs per probe, summed over its programs.
 * @obj: the loaded BPF object.
 * @missed: SVT_P_MAX_ counters, set (not added to).
 *
 * Return: 0 or -errno.
 */
int progstats_missed(struct bpf_object *obj, uint64_t *missed);

/**
 * progstats_misses_countable() - the running kernel counts kprobe and classic
 * tracepoint programs' skips (Linux 6.7+).
 */
bool progstats_misses_countable(void);

#endif /* SVATRACE_COLLECT_PROGSTATS_H */
