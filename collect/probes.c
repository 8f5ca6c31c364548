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

#define TP(id_, sys, ev, prog_, grp)                                                        \
	[id_] = { .id = id_, .type = PROBE_TP, .name = sys ":" ev, .group = grp,            \
		  .target = sys "/" ev, .prog = prog_ }
/* A tracepoint with a raw_tp program of @nargs arguments, the first a @arg0 pointer. */
#define TPR(id_, sys, ev, prog_, grp, raw_, nargs, arg0)                                    \
	[id_] = { .id = id_, .type = PROBE_TP, .name = sys ":" ev, .group = grp,            \
		  .target = sys "/" ev, .prog = prog_, .raw_prog = raw_, .raw_nr_args = nargs, \
		  .raw_arg0 = arg0 }
#define KP(id_, fn, prog_, ret_, grp, mod)                                                  \
	[id_] = { .id = id_, .type = PROBE_FUNC, .name = "fentry:" fn, .group = grp,      \
		  .target = fn, .prog = prog_, .ret_prog = ret_, .module = mod }

static const struct probe_def defs[SVT_P_MAX_] = {
	TPR(SVT_P_IOMMU_MAP, "iommu", "map", "tp_iommu_map", "iommu", "rtp_iommu_map", 3, NULL),
	TPR(SVT_P_IOMMU_UNMAP, "iommu", "unmap", "tp_iommu_unmap", "iommu", "rtp_iommu_unmap", 3,
	    NULL),
	TP(SVT_P_IOMMU_IO_PAGE_FAULT, "iommu", "io_page_fault", "tp_iommu_io_page_fault", "iommu"),
	TP(SVT_P_IOMMU_ADD_GROUP, "iommu", "add_device_to_group", "tp_iommu_add_group", "iommu"),
	TP(SVT_P_IOMMU_REMOVE_GROUP, "iommu", "remove_device_from_group", "tp_iommu_remove_group",
	   "iommu"),
	TP(SVT_P_IOMMU_ATTACH, "iommu", "attach_device_to_domain", "tp_iommu_attach", "iommu"),
	TP(SVT_P_DMA_MAP_PHYS, "dma", "dma_map_phys", "tp_dma_map_phys", "dma"),
	TP(SVT_P_DMA_MAP_PAGE, "dma", "dma_map_page", "tp_dma_map_page", "dma"),
	TP(SVT_P_DMA_MAP_RESOURCE, "dma", "dma_map_resource", "tp_dma_map_resource", "dma"),
	TP(SVT_P_DMA_UNMAP_PHYS, "dma", "dma_unmap_phys", "tp_dma_unmap_phys", "dma"),
	TP(SVT_P_DMA_UNMAP_PAGE, "dma", "dma_unmap_page", "tp_dma_unmap_page", "dma"),
	TP(SVT_P_DMA_UNMAP_RESOURCE, "dma", "dma_unmap_resource", "tp_dma_unmap_resource", "dma"),
	TP(SVT_P_DMA_MAP_SG, "dma", "dma_map_sg", "tp_dma_map_sg", "dma"),
	TP(SVT_P_DMA_UNMAP_SG, "dma", "dma_unmap_sg", "tp_dma_unmap_sg", "dma"),
	TP(SVT_P_DMA_ALLOC, "dma", "dma_alloc", "tp_dma_alloc", "dma"),
	TP(SVT_P_DMA_ALLOC_PAGES, "dma", "dma_alloc_pages", "tp_dma_alloc_pages", "dma"),
	TP(SVT_P_DMA_FREE, "dma", "dma_free", "tp_dma_free", "dma"),
	TP(SVT_P_DMA_FREE_PAGES, "dma", "dma_free_pages", "tp_dma_free_pages", "dma"),
	TP(SVT_P_DMA_SYNC_SINGLE_CPU, "dma", "dma_sync_single_for_cpu", "tp_dma_sync_single_cpu",
	   "dma"),
	TP(SVT_P_DMA_SYNC_SINGLE_DEV, "dma", "dma_sync_single_for_device",
	   "tp_dma_sync_single_dev", "dma"),
	TP(SVT_P_DMA_SYNC_SG_CPU, "dma", "dma_sync_sg_for_cpu", "tp_dma_sync_sg_cpu", "dma"),
	TP(SVT_P_DMA_SYNC_SG_DEV, "dma", "dma_sync_sg_for_device", "tp_dma_sync_sg_dev", "dma"),
	TPR(SVT_P_QI_SUBMIT, "intel_iommu", "qi_submit", "tp_qi_submit", "intel_iommu",
	    "rtp_qi_submit", 5, "intel_iommu"),
	TP(SVT_P_PRQ_REPORT, "intel_iommu", "prq_report", "tp_prq_report", "intel_iommu"),
	TP(SVT_P_CACHE_TAG_ASSIGN, "intel_iommu", "cache_tag_assign", "tp_cache_tag_assign",
	   "intel_iommu"),
	TP(SVT_P_CACHE_TAG_UNASSIGN, "intel_iommu", "cache_tag_unassign", "tp_cache_tag_unassign",
	   "intel_iommu"),
	TP(SVT_P_CACHE_TAG_FLUSH_RANGE, "intel_iommu", "cache_tag_flush_range",
	   "tp_cache_tag_flush_range", "intel_iommu"),
	TP(SVT_P_CACHE_TAG_FLUSH_ALL, "intel_iommu", "cache_tag_flush_all", "tp_cache_tag_flush_all",
	   "intel_iommu"),
	TP(SVT_P_CACHE_TAG_FLUSH_RANGE_NP, "intel_iommu", "cache_tag_flush_range_np",
	   "tp_cache_tag_flush_range_np", "intel_iommu"),
	KP(SVT_P_QI_SUBMIT_SYNC, "qi_submit_sync", "fe_qi_submit_sync", "fx_qi_submit_sync",
	   "qi_wait", NULL),
	KP(SVT_P_IOPF_REPORT, "iommu_report_device_fault", "fe_iopf_report", NULL, "iopf", NULL),
	KP(SVT_P_IOPF_HANDLE_IOPF, "iommu_sva_handle_iopf", "fe_iopf_handle_iopf", NULL, "iopf",
	   NULL),
	KP(SVT_P_IOPF_HANDLE_MM, "iommu_sva_handle_mm", "fe_iopf_handle_mm", NULL, "iopf", NULL),
	KP(SVT_P_IOPF_PAGE_RESPONSE, "iommu_page_response", "fe_iopf_page_response", NULL, "iopf",
	   NULL),
	KP(SVT_P_IOPF_GROUP_RESPONSE, "iopf_group_response", "fe_iopf_group_response", NULL, "iopf",
	   NULL),
	KP(SVT_P_PIN_FAST, "pin_user_pages_fast", "fe_pin_fast", "fx_pin_fast", "pin", NULL),
	KP(SVT_P_PIN, "pin_user_pages", "fe_pin", "fx_pin", "pin", NULL),
	KP(SVT_P_PIN_REMOTE, "pin_user_pages_remote", "fe_pin_remote", "fx_pin_remote", "pin",
	   NULL),
	KP(SVT_P_PIN_UNLOCKED, "pin_user_pages_unlocked", "fe_pin_unlocked", "fx_pin_unlocked",
	   "pin", NULL),
	KP(SVT_P_UNPIN, "unpin_user_pages", "fe_unpin", NULL, "pin", NULL),
	KP(SVT_P_UNPIN_DIRTY, "unpin_user_pages_dirty_lock", "fe_unpin_dirty", NULL, "pin", NULL),
	KP(SVT_P_IDXD_SUBMIT, "idxd_submit_desc", "fe_idxd_submit", NULL, "idxd", "idxd"),
	KP(SVT_P_IDXD_ENQCMDS, "idxd_enqcmds", "fe_idxd_enqcmds", "fx_idxd_enqcmds", "idxd",
	   "idxd"),
	KP(SVT_P_IDXD_COMPLETE, "idxd_dma_complete_txd", "fe_idxd_complete", NULL, "idxd", "idxd"),
	KP(SVT_P_IDXD_WQ_THREAD, "idxd_wq_thread", "fe_idxd_wq_thread", NULL, "idxd", "idxd"),
	KP(SVT_P_IDXD_MISC_THREAD, "idxd_misc_thread", "fe_idxd_misc_thread", NULL, "idxd", "idxd"),
	[SVT_P_UPROBE_DSA] = { .id = SVT_P_UPROBE_DSA, .type = PROBE_UPROBE, .name = "uprobe:dsa-desc",
			       .group = "uprobe", .target = "", .prog = "up_dsa_desc" },
	[SVT_P_TRACEPOINT] = { .id = SVT_P_TRACEPOINT, .type = PROBE_USER_TP, .name = "tracepoint",
			       .group = "tracepoint", .target = "", .prog = "tp_generic" },
};

const struct probe_def *probe_defs(size_t *nr)
{
	*nr = SVT_P_MAX_;
	return defs;
}

const struct probe_def *probe_def_by_id(unsigned int id)
{
	return id < SVT_P_MAX_ ? &defs[id] : NULL;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *probe_tracefs_dir(void)
{
	static const char *const cands[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
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
		if (!strncmp(sp + 3, fn, n) && (sp[3 + n] == '\n' || sp[3 + n] == '\t' ||
						  sp[3 + n] == ' ')) {
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
			return false;	/* every other argument: a 64-bit integer */
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
					return false;	/* not loaded: retry on the next call */
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
