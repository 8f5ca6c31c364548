// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - the probe table and presence checks (see probes.h). Presence is
 * decided from tracefs and /proc/kallsyms rather than by trying to load,
 * because libbpf 1.1 fails the whole object when one target is missing.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "collect/host.h"
#include "collect/probes.h"
#include "trace/format.h"

/* The rows of probe_table.h as struct probe_def entries, indexed by id. */
#define TP(ID, KIND, OP, SYS, EV, PROG, GRP)                                                       \
	[SVT_P_##ID] = {.id = SVT_P_##ID,                                                          \
			.type = PROBE_TP,                                                          \
			.kind = SVT_K_##KIND,                                                      \
			.op = OP,                                                                  \
			.name = SYS ":" EV,                                                        \
			.group = GRP,                                                              \
			.target = SYS "/" EV,                                                      \
			.prog = PROG},
#define TPR(ID, KIND, OP, SYS, EV, PROG, GRP, RAW, NARGS, ARG0)                                    \
	[SVT_P_##ID] = {.id = SVT_P_##ID,                                                          \
			.type = PROBE_TP,                                                          \
			.kind = SVT_K_##KIND,                                                      \
			.op = OP,                                                                  \
			.name = SYS ":" EV,                                                        \
			.group = GRP,                                                              \
			.target = SYS "/" EV,                                                      \
			.prog = PROG,                                                              \
			.raw_prog = RAW,                                                           \
			.raw_nr_args = NARGS,                                                      \
			.raw_arg0 = ARG0},
#define FN(ID, KIND, OP, FUNC, PROG, RET, GRP, MOD, KPROG, KRET)                                   \
	[SVT_P_##ID] = {.id = SVT_P_##ID,                                                          \
			.type = PROBE_FUNC,                                                        \
			.kind = SVT_K_##KIND,                                                      \
			.op = OP,                                                                  \
			.name = "fentry:" FUNC,                                                    \
			.group = GRP,                                                              \
			.target = FUNC,                                                            \
			.prog = PROG,                                                              \
			.ret_prog = RET,                                                           \
			.module = MOD,                                                             \
			.kprog = KPROG,                                                            \
			.kret_prog = KRET},
#define OTHER(ID, KIND, OP, TYPE, NAME, GRP, PROG)                                                 \
	[SVT_P_##ID] = {.id = SVT_P_##ID,                                                          \
			.type = TYPE,                                                              \
			.kind = SVT_K_##KIND,                                                      \
			.op = OP,                                                                  \
			.name = NAME,                                                              \
			.group = GRP,                                                              \
			.target = "",                                                              \
			.prog = PROG},

static const struct probe_def defs[SVT_P_MAX_] = {SVT_PROBES(TP, TPR, FN, OTHER)};

#undef TP
#undef TPR
#undef FN
#undef OTHER

const struct probe_def *probe_defs(size_t *nr)
{
	*nr = SVT_P_MAX_;
	return defs;
}

const struct probe_def *probe_def_by_id(unsigned int id)
{
	return id < SVT_P_MAX_ ? &defs[id] : NULL;
}

const struct probe_def *probe_def_by_event(const char *sys, const char *event)
{
	for (size_t i = 0; i < SVT_P_MAX_; i++) {
		const char *slash = strchr(defs[i].target, '/');

		if (defs[i].type != PROBE_TP || !slash || strcmp(slash + 1, event))
			continue;
		if (!sys || ((size_t)(slash - defs[i].target) == strlen(sys) &&
			     !strncmp(defs[i].target, sys, strlen(sys))))
			return &defs[i];
	}
	return NULL;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *probe_tracefs_dir(void)
{
	static const char *const cands[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	static const char *found;
	char p[128];

	if (found)
		return found;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
			snprintf(p, sizeof(p), "%s/events", cands[i]);
			if (is_dir(p))
				return found = cands[i];
		}
		/* Not mounted (minimal systems, our QEMU guest): mount it once. */
		if (pass == 0 && mount("tracefs", cands[0], "tracefs", 0, NULL) != 0)
			break;
	}
	return NULL;
}

/* Is @fn a text symbol in one line of /proc/kallsyms ("ADDR t NAME[\t[mod]]")? */
static bool kallsyms_line_is(const char *line, const char *fn)
{
	const char *sp = strchr(line, ' ');
	size_t n = strlen(fn);

	if (!sp || (sp[1] != 't' && sp[1] != 'T') || sp[2] != ' ')
		return false;
	return !strncmp(sp + 3, fn, n) &&
	       (sp[3 + n] == '\n' || sp[3 + n] == '\t' || sp[3 + n] == ' ');
}

/*
 * One pass over /proc/kallsyms per process (122k lines here, slow in an
 * emulated guest) for every function the table names; other names get a
 * pass of their own.
 */
static bool kallsyms_has(const char *fn)
{
	static bool done, found[SVT_P_MAX_];
	char line[512];
	bool hit = false;
	FILE *f;

	for (size_t i = 0; done && i < SVT_P_MAX_; i++)
		if (defs[i].type == PROBE_FUNC && !strcmp(defs[i].target, fn))
			return found[i];
	if (!(f = fopen("/proc/kallsyms", "r")))
		return false;
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; !done && i < SVT_P_MAX_; i++)
			if (defs[i].type == PROBE_FUNC && kallsyms_line_is(line, defs[i].target))
				found[i] = true;
		hit |= kallsyms_line_is(line, fn);
	}
	fclose(f);
	done = true;
	return hit;
}

static struct btf *vmlinux_btf(void)
{
	static struct btf *vmlinux;

	if (!vmlinux)
		vmlinux = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	return vmlinux;
}

/* @id with typedefs and qualifiers skipped. */
static const struct btf_type *btf_resolve(const struct btf *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(b, t->type);
	return t;
}

bool probe_raw_ok(const struct probe_def *p)
{
	const struct btf *b = vmlinux_btf();
	const struct btf_type *t;
	const struct btf_param *prm;
	const char *ev = p->raw_prog ? strchr(p->target, '/') : NULL;
	char name[128];
	int id;

	if (!b || !ev)
		return false;
	snprintf(name, sizeof(name), "btf_trace_%s", ev + 1);
	id = btf__find_by_name_kind(b, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return false;
	t = btf_resolve(b, (__u32)id);
	if (!t || !btf_is_ptr(t) || !(t = btf_resolve(b, t->type)) || !btf_is_func_proto(t))
		return false;
	/* (void *__data, TP_PROTO...) */
	if (btf_vlen(t) != p->raw_nr_args + 1u)
		return false;
	prm = btf_params(t);
	for (unsigned int i = 1; i <= p->raw_nr_args; i++) {
		const struct btf_type *a = btf_resolve(b, prm[i].type);

		if (!a)
			return false;
		if (i == 1 && p->raw_arg0) {
			if (!btf_is_ptr(a) || !(a = btf_resolve(b, a->type)) || !btf_is_struct(a) ||
			    strcmp(btf__name_by_offset(b, a->name_off), p->raw_arg0))
				return false;
		} else if (!btf_is_int(a) || a->size != 8) {
			return false; /* every other argument: a 64-bit integer */
		}
	}
	return true;
}

/* Kernel BTF of vmlinux or of @module (split BTF), cached for the process. */
static struct btf *kernel_btf(const char *module)
{
	static struct btf *mods[4];
	static const char *mod_names[4];
	struct btf *vmlinux = vmlinux_btf();
	char path[256];

	if (!vmlinux || !module)
		return vmlinux;
	for (int i = 0; i < 4; i++) {
		if (mod_names[i] && !strcmp(mod_names[i], module))
			return mods[i];
		if (!mod_names[i]) {
			snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
			mods[i] = btf__parse_split(path, vmlinux);
			if (!mods[i])
				return NULL; /* not loaded: retry on the next call */
			mod_names[i] = module;
			return mods[i];
		}
	}
	return NULL;
}

/* The kernel's fd of @module's BTF object (fentry on a module function needs it), or -errno. */
static int module_btf_fd(const char *module)
{
	__u32 id = 0;

	while (bpf_btf_get_next_id(id, &id) == 0) {
		char name[64] = "";
		struct bpf_btf_info info = {.name = (__u64)(uintptr_t)name,
					    .name_len = sizeof(name)};
		__u32 len = sizeof(info);
		int fd = bpf_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && !strcmp(name, module))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/*
 * Load "r0 = 0; exit" as an fentry (@exit: fexit) program on @fn and attach
 * it for an instant: whatever the kernel refuses, it refuses here.
 */
static int fentry_try(const char *fn, const char *module, bool exit, const char **why)
{
	static const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, lo);
	struct btf *b = kernel_btf(module);
	int id = b ? btf__find_by_name_kind(b, fn, BTF_KIND_FUNC) : -ENOENT;
	int prog, link, obj = -1, err = 0;

	if (id <= 0) {
		*why = "function has no BTF (fentry needs it)";
		return -ENOENT;
	}
	if (module && (obj = module_btf_fd(module)) < 0) {
		*why = "module BTF not loaded";
		return obj;
	}
	lo.expected_attach_type = exit ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
	lo.attach_btf_id = (__u32)id;
	lo.attach_btf_obj_fd = module ? obj : 0;
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "svt_check", "GPL", insns, 2, &lo);
	if (prog < 0) {
		err = -errno;
		*why = err == -EPERM
			   ? "kernel refuses fentry programs (EPERM: a sandbox or lockdown)"
			   : "kernel refuses fentry programs (load failed)";
	} else {
		link = bpf_raw_tracepoint_open(NULL, prog);
		if (link < 0) {
			err = -errno;
			*why = err == -524 ? "no BPF trampoline for this function (ENOTSUPP: e.g. "
					     "more than 6 arguments before Linux 6.6)"
					   : "fentry attach refused";
		} else {
			close(link);
		}
		close(prog);
	}
	if (obj >= 0)
		close(obj);
	return err;
}

int probe_fentry_ok(const char *fn)
{
	const char *why;

	return fentry_try(fn, NULL, false, &why);
}

/* The kprobe PMU's type and retprobe bit, from sysfs; -ENOENT without one. */
static int kprobe_pmu(int *retbit)
{
	static int type = -2, bit = -1;
	FILE *f;

	if (type == -2) {
		type = -ENOENT;
		if ((f = fopen("/sys/bus/event_source/devices/kprobe/type", "r"))) {
			if (fscanf(f, "%d", &type) != 1)
				type = -ENOENT;
			fclose(f);
		}
		if ((f = fopen("/sys/bus/event_source/devices/kprobe/format/retprobe", "r"))) {
			if (fscanf(f, "config:%d", &bit) != 1)
				bit = -1;
			fclose(f);
		}
	}
	*retbit = bit;
	return type;
}

/* Open and close a kprobe (@ret: kretprobe) perf event on @fn. */
static int kprobe_try(const char *fn, bool ret, const char **why)
{
	struct perf_event_attr attr = {.size = sizeof(attr)};
	int bit, type = kprobe_pmu(&bit), fd;

	if (type < 0) {
		*why = "kernel has no kprobes (CONFIG_KPROBES off)";
		return type;
	}
	if (ret && bit < 0) {
		*why = "kernel has no kretprobes";
		return -ENOENT;
	}
	attr.type = (__u32)type;
	attr.config = ret ? 1ull << bit : 0;
	attr.config1 = (__u64)(uintptr_t)fn; /* kprobe_func */
	fd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		*why = err == -EPERM || err == -EACCES
			   ? "kprobe refused (needs root or CAP_PERFMON)"
			   : "kprobe refused (function not probeable)";
		return err;
	}
	close(fd);
	return 0;
}

/* "fentry: A; kprobe: B", kept for the process (one per probe and mode). */
static const char *both_why(const char *fw, const char *kw)
{
	static char bufs[SVT_P_MAX_ * 3][200];
	static unsigned int used;
	char *b;

	if (!fw)
		return kw;
	if (!kw)
		return fw;
	if (used >= sizeof(bufs) / sizeof(bufs[0]))
		return fw;
	b = bufs[used++];
	snprintf(b, sizeof(bufs[0]), "fentry: %s; kprobe: %s", fw, kw);
	return b;
}

static void check_func(const struct probe_def *p, enum probe_func_mode mode,
		       struct probe_status *st)
{
	const char *fw = NULL, *kw = NULL;

	if (!kallsyms_has(p->target)) {
		st->why = p->module ? "function not found (module not loaded?)"
				    : "function not in this kernel";
		return;
	}
	if (!host_has_bpf_caps(NULL)) {
		st->why = "cannot tell without root (or CAP_BPF and CAP_PERFMON)";
		return;
	}
	if (mode != PROBE_FUNC_KPROBE) {
		if (fentry_try(p->target, p->module, false, &fw) == 0 &&
		    (!p->ret_prog || fentry_try(p->target, p->module, true, &fw) == 0)) {
			st->via = PROBE_VIA_FENTRY;
			return;
		}
	} else {
		fw = "not tried (--func-probes kprobe)";
	}
	st->fentry_why = fw;
	if (mode != PROBE_FUNC_FENTRY) {
		if (kprobe_try(p->target, false, &kw) == 0 &&
		    (!p->kret_prog || kprobe_try(p->target, true, &kw) == 0)) {
			st->via = PROBE_VIA_KPROBE;
			return;
		}
	}
	st->why = mode == PROBE_FUNC_FENTRY   ? fw
		  : mode == PROBE_FUNC_KPROBE ? kw
					      : both_why(fw, kw);
}

const struct probe_status *probe_check(const struct probe_def *p, enum probe_func_mode mode)
{
	static struct probe_status cache[SVT_P_MAX_][3];
	static bool done[SVT_P_MAX_][3];
	struct probe_status *st;
	char path[256];
	const char *tfs;

	if (p->id >= SVT_P_MAX_ || (unsigned int)mode > PROBE_FUNC_KPROBE) {
		static const struct probe_status bad = {.why = "no such probe"};

		return &bad;
	}
	st = &cache[p->id][mode];
	if (done[p->id][mode])
		return st;
	done[p->id][mode] = true;
	switch (p->type) {
	case PROBE_TP:
		tfs = probe_tracefs_dir();
		if (!tfs) {
			st->why = "tracefs not available";
			break;
		}
		snprintf(path, sizeof(path), "%s/events/%s", tfs, p->target);
		if (is_dir(path))
			st->via = PROBE_VIA_TRACEPOINT;
		else
			st->why = "tracepoint not in this kernel";
		break;
	case PROBE_FUNC:
		check_func(p, mode, st);
		break;
	default:
		st->via = PROBE_VIA_OPTION;
	}
	return st;
}

const char *probe_via_name(unsigned int via)
{
	static const char *const names[] = {"none", "tracepoint", "fentry", "kprobe", "option"};

	return via < sizeof(names) / sizeof(names[0]) ? names[via] : "?";
}

int probe_func_mode_parse(const char *s, enum probe_func_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = PROBE_FUNC_AUTO;
	else if (!strcmp(s, "fentry"))
		*mode = PROBE_FUNC_FENTRY;
	else if (!strcmp(s, "kprobe"))
		*mode = PROBE_FUNC_KPROBE;
	else
		return -EINVAL;
	return 0;
}

bool probe_present(const struct probe_def *p, const char **why)
{
	const struct probe_status *st = probe_check(p, PROBE_FUNC_AUTO);

	if (why)
		*why = st->why;
	return st->via != PROBE_VIA_NONE;
}

bool probe_selected(const struct probe_def *p, const char *sel)
{
	char buf[1024], *save = NULL, *tok;

	if (!sel || !*sel || !strcmp(sel, "all"))
		return p->type != PROBE_UPROBE && p->type != PROBE_USER_TP;
	snprintf(buf, sizeof(buf), "%s", sel);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!fnmatch(tok, p->name, 0) || !fnmatch(tok, p->group, 0) ||
		    (p->type == PROBE_FUNC && !fnmatch(tok, p->target, 0)))
			return true;
	}
	return false;
}
