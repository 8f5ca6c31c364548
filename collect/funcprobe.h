/* SPDX-License-Identifier: GPL-2.0 */
/*
 * funcprobe.h - the kprobe side of kernel-function probes. Each PROBE_FUNC
 * entry of probe_table.h has an fentry/fexit pair and a kprobe/kretprobe
 * twin that writes the same record; probe_check() (probes.h) decides which
 * one a kernel takes, and the collector loads and attaches only that one.
 * The kprobe programs carry no target in their section name, so they are
 * attached here by function name.
 */
#ifndef SVATRACE_COLLECT_FUNCPROBE_H
#define SVATRACE_COLLECT_FUNCPROBE_H

#include <bpf/libbpf.h>
#include <stdbool.h>

#include "collect/probes.h"

/**
 * funcprobe_autoload() - load @d's kprobe twins with @obj or not.
 * @obj: the opened, not yet loaded, BPF object.
 * @d: a probe; anything but PROBE_FUNC is left alone.
 * @on: load them (the probe goes through kprobes) or not.
 */
void funcprobe_autoload(struct bpf_object *obj, const struct probe_def *d, bool on);

/**
 * funcprobe_attach() - attach @d's kprobe (and kretprobe) to @d->target.
 * @obj: the loaded BPF object.
 * @d: a PROBE_FUNC probe whose twins were loaded.
 * @entry, @exit: set to the links (@exit NULL when @d has no kretprobe).
 *
 * Return: 0, or -errno with nothing left attached.
 */
int funcprobe_attach(struct bpf_object *obj, const struct probe_def *d, struct bpf_link **entry,
		     struct bpf_link **exit);

#endif /* SVATRACE_COLLECT_FUNCPROBE_H */
