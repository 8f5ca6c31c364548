// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - the probe table and presence checks (see probes.h). Presence is
 * decided from tracefs and /proc/kallsyms rather than by trying to load,
 * because libbpf 1.1 fails the whole object when one target is missing.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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
#define FN(ID, KIND, OP, FUNC, PROG, RET, GRP, MOD)                                                \
	[SVT_P_##ID] = {.id = SVT_P_##ID,                                                          \
			.type = PROBE_FUNC,                                                        \
			.kind = SVT_K_##KIND,                                                      \
			.op = OP,                                                                  \
			.name = "fentry:" FUNC,                                                    \
			.group = GRP,                                                              \
			.target = FUNC,                                                            \
			.prog = PROG,                                                              \
			.ret_prog = RET,                                                           \
			.module = MOD},
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

/* One pass over /proc/kallsyms per process: only text symbols matter. */
static bool kallsyms_has(const char *fn)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];
	bool found = false;
	size_t n = strlen(fn);

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' ');

		if (!sp || (sp[1] != 't' && sp[1] != 'T') || sp[2] != ' ')
			continue;
		if (!strncmp(sp + 3, fn, n) &&
		    (sp[3 + n] == '\n' || sp[3 + n] == '\t' || sp[3 + n] == ' ')) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
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
static bool btf_has_func(const char *fn, const char *module)
{
	static struct btf *vmlinux, *mods[4];
	static const char *mod_names[4];
	struct btf *b = NULL;
	char path[256];

	if (!vmlinux)
		vmlinux = vmlinux_btf();
	if (!vmlinux)
		return false;
	if (!module) {
		b = vmlinux;
	} else {
		for (int i = 0; i < 4; i++) {
			if (mod_names[i] && !strcmp(mod_names[i], module)) {
				b = mods[i];
				break;
			}
			if (!mod_names[i]) {
				snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
				mods[i] = btf__parse_split(path, vmlinux);
				if (!mods[i])
					return false; /* not loaded: retry on the next call */
				mod_names[i] = module;
				b = mods[i];
				break;
			}
		}
	}
	return b && btf__find_by_name_kind(b, fn, BTF_KIND_FUNC) > 0;
}

bool probe_present(const struct probe_def *p, const char **why)
{
	char path[256];
	const char *tfs;

	if (why)
		*why = NULL;
	switch (p->type) {
	case PROBE_TP:
		tfs = probe_tracefs_dir();
		if (!tfs) {
			if (why)
				*why = "tracefs not available";
			return false;
		}
		snprintf(path, sizeof(path), "%s/events/%s", tfs, p->target);
		if (is_dir(path))
			return true;
		if (why)
			*why = "tracepoint not in this kernel";
		return false;
	case PROBE_FUNC:
		if (kallsyms_has(p->target)) {
			if (btf_has_func(p->target, p->module))
				return true;
			if (why)
				*why = "function has no BTF (fentry needs it)";
			return false;
		}
		if (why)
			*why = p->module ? "function not found (module not loaded?)"
					 : "function not in this kernel";
		return false;
	default:
		return true;
	}
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
