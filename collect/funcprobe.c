// SPDX-License-Identifier: GPL-2.0
/*
 * funcprobe.c - load and attach the kprobe twins of kernel-function probes
 * (see funcprobe.h). Kept out of collector.c, which owns the ring and the
 * fentry/tracepoint path, so the fallback is one call at load and one at
 * attach.
 */
#include <errno.h>

#include "collect/funcprobe.h"

static struct bpf_program *prog_by_name(struct bpf_object *obj, const char *name)
{
	return name ? bpf_object__find_program_by_name(obj, name) : NULL;
}

void funcprobe_autoload(struct bpf_object *obj, const struct probe_def *d, bool on)
{
	struct bpf_program *kp, *kr;

	if (d->type != PROBE_FUNC)
		return;
	kp = prog_by_name(obj, d->kprog);
	kr = prog_by_name(obj, d->kret_prog);
	if (kp)
		bpf_program__set_autoload(kp, on);
	if (kr)
		bpf_program__set_autoload(kr, on);
}

int funcprobe_attach(struct bpf_object *obj, const struct probe_def *d, struct bpf_link **entry,
		     struct bpf_link **exit)
{
	struct bpf_program *kp = prog_by_name(obj, d->kprog);
	struct bpf_program *kr = prog_by_name(obj, d->kret_prog);
	int err;

	*entry = *exit = NULL;
	if (!kp || (d->kret_prog && !kr))
		return -ENOENT;
	*entry = bpf_program__attach_kprobe(kp, false, d->target);
	if (!*entry)
		return -errno;
	if (kr) {
		*exit = bpf_program__attach_kprobe(kr, true, d->target);
		if (!*exit) {
			err = -errno;
			bpf_link__destroy(*entry);
			*entry = NULL;
			return err;
		}
	}
	return 0;
}
