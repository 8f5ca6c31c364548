// SPDX-License-Identifier: GPL-2.0
/*
 * progstats.c - the kernel's per-program counts of the collector's BPF
 * programs (see progstats.h): one BPF_OBJ_GET_INFO_BY_FD per program, read
 * at the end of a run or of a rotated file, never per event.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "collect/probes.h"
#include "collect/progstats.h"

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

int progstats_probe_of(const char *name)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);

	if (!strncmp(name, "tp_words_", 9) || !strcmp(name, "tp_generic"))
		return SVT_P_TRACEPOINT;
	for (size_t i = 0; i < n; i++)
		if (same(name, d[i].prog) || same(name, d[i].ret_prog) ||
		    same(name, d[i].raw_prog) || same(name, d[i].kprog) ||
		    same(name, d[i].kret_prog))
			return (int)d[i].id;
	return -1;
}

int progstats_read(struct bpf_object *obj, struct progstat *out, unsigned int max)
{
	struct bpf_program *prog;
	unsigned int n = 0;

	bpf_object__for_each_program(prog, obj)
	{
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);
		struct progstat *s;

		if (fd < 0 || n >= max)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			return -errno;
		s = &out[n++];
		snprintf(s->name, sizeof(s->name), "%s", bpf_program__name(prog));
		s->probe = progstats_probe_of(s->name);
		s->run_cnt = info.run_cnt;
		s->run_time_ns = info.run_time_ns;
		s->recursion_misses = info.recursion_misses;
		s->verified_insns = info.verified_insns;
	}
	return (int)n;
}

int progstats_missed(struct bpf_object *obj, uint64_t *missed)
{
	struct progstat st[256];
	int n = progstats_read(obj, st, sizeof(st) / sizeof(st[0]));

	memset(missed, 0, SVT_P_MAX_ * sizeof(*missed));
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (st[i].probe >= 0 && st[i].probe < SVT_P_MAX_)
			missed[st[i].probe] += st[i].recursion_misses;
	return 0;
}

bool progstats_misses_countable(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 7);
}
