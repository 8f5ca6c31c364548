// SPDX-License-Identifier: GPL-2.0
/*
 * host.c - the host snapshot (see host.h). Everything comes from sysfs and
 * procfs text files; a part that cannot be read is left out rather than
 * failing, because the snapshot describes a trace, it does not gate it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "collect/host.h"
#include "common/jsonstr.h"

/* sysfs paths are short; a truncated one would only fail to open, which
 * the snapshot already tolerates. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Read a small sysfs/procfs file, trailing newline removed. */
static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static void set_text(json_t *o, const char *key, const char *dir, const char *file)
{
	char p[PATH_MAX], buf[512];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if (read_text(p, buf, sizeof(buf)) == 0)
		json_object_set_new(o, key, json_string(buf));
}

static void set_num(json_t *o, const char *key, const char *dir, const char *file)
{
	char p[PATH_MAX], buf[64], *end;
	long long v;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if (read_text(p, buf, sizeof(buf)) != 0)
		return;
	v = strtoll(buf, &end, 0);
	if (end != buf && !*end)
		json_object_set_new(o, key, json_integer(v));
	else
		json_object_set_new(o, key, json_string(buf));
}

/* Basename of a symlink target ("../../iommu_groups/7" -> "7"). */
static int link_base(const char *path, char *out, size_t len)
{
	char t[PATH_MAX];
	ssize_t n = readlink(path, t, sizeof(t) - 1);
	const char *b;

	if (n < 0)
		return -errno;
	t[n] = 0;
	b = strrchr(t, '/');
	snprintf(out, len, "%s", b ? b + 1 : t);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted directory entry names (no dot entries); *nr set. Free with free_names. */
static char **list_dir(const char *path, size_t *nr)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*nr = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (v[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), name_cmp);
	*nr = n;
	return v;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int host_pci_ext_caps(const unsigned char *cfg, size_t len, bool *ats, bool *pri, bool *pasid)
{
	unsigned int off = 0x100;

	*ats = *pri = *pasid = false;
	if (len < 0x104)
		return -ENODATA;
	/* Walk at most 64 capabilities: a corrupt list must not loop forever. */
	for (int i = 0; i < 64 && off >= 0x100 && off + 4 <= len; i++) {
		uint32_t h = cfg[off] | cfg[off + 1] << 8 | cfg[off + 2] << 16 |
			     (uint32_t)cfg[off + 3] << 24;

		if (h == 0 || h == 0xffffffffu)
			break;
		switch (h & 0xffff) {
		case HOST_PCI_EXT_CAP_ATS:
			*ats = true;
			break;
		case HOST_PCI_EXT_CAP_PRI:
			*pri = true;
			break;
		case HOST_PCI_EXT_CAP_PASID:
			*pasid = true;
			break;
		}
		off = (h >> 20) & 0xffc;
		if (!off)
			break;
	}
	return 0;
}

static json_t *pci_devices(const char *sysfs)
{
	char dir[PATH_MAX], p[PATH_MAX], buf[128];
	json_t *arr = json_array();
	size_t n;
	char **names;

	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", sysfs);
	names = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_object();
		char dd[PATH_MAX];
		unsigned char cfg[4096];
		ssize_t len = -1;
		int fd;
		bool ats, pri, pasid;

		snprintf(dd, sizeof(dd), "%s/%s", dir, names[i]);
		json_object_set_new(d, "bdf", json_string(names[i]));
		set_text(d, "vendor", dd, "vendor");
		set_text(d, "device", dd, "device");
		set_text(d, "class", dd, "class");
		snprintf(p, sizeof(p), "%s/driver", dd);
		if (link_base(p, buf, sizeof(buf)) == 0)
			json_object_set_new(d, "driver", json_string(buf));
		snprintf(p, sizeof(p), "%s/iommu_group", dd);
		if (link_base(p, buf, sizeof(buf)) == 0)
			json_object_set_new(d, "iommu_group", json_integer(atoi(buf)));
		snprintf(p, sizeof(p), "%s/config", dd);
		fd = open(p, O_RDONLY);
		if (fd >= 0) {
			len = pread(fd, cfg, sizeof(cfg), 0);
			close(fd);
		}
		if (len > 0 && host_pci_ext_caps(cfg, (size_t)len, &ats, &pri, &pasid) == 0) {
			json_object_set_new(d, "ats", json_boolean(ats));
			json_object_set_new(d, "pri", json_boolean(pri));
			json_object_set_new(d, "pasid", json_boolean(pasid));
		} else {
			/* unprivileged reads stop at 64 bytes: capabilities unknown */
			json_object_set_new(d, "ext_caps", json_string("unreadable"));
		}
		json_array_append_new(arr, d);
	}
	free_names(names, n);
	return arr;
}

static json_t *iommu_groups(const char *sysfs)
{
	char dir[PATH_MAX], gd[PATH_MAX], p[PATH_MAX];
	json_t *arr = json_array();
	char **names;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups", sysfs);
	names = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *g = json_object(), *devs = json_array();
		char **dn;
		size_t nd;

		snprintf(gd, sizeof(gd), "%s/%s", dir, names[i]);
		json_object_set_new(g, "id", json_integer(atoi(names[i])));
		set_text(g, "type", gd, "type");
		snprintf(p, sizeof(p), "%s/devices", gd);
		dn = list_dir(p, &nd);
		for (size_t j = 0; j < nd; j++)
			json_array_append_new(devs, json_string(dn[j]));
		free_names(dn, nd);
		json_object_set_new(g, "devices", devs);
		json_array_append_new(arr, g);
	}
	free_names(names, n);
	return arr;
}

/* Value of "key=" or "key" in the kernel command line, NULL if absent. */
static const char *cmdline_opt(const char *cmdline, const char *key, char *val, size_t len)
{
	size_t kl = strlen(key);

	for (const char *s = cmdline; (s = strstr(s, key)); s += kl) {
		if (s != cmdline && s[-1] != ' ')
			continue;
		if (s[kl] == '=') {
			size_t n = strcspn(s + kl + 1, " \n");

			snprintf(val, len, "%.*s", (int)n, s + kl + 1);
			return val;
		}
		if (s[kl] == ' ' || s[kl] == 0 || s[kl] == '\n') {
			snprintf(val, len, "%s", "");
			return val;
		}
	}
	return NULL;
}

/*
 * One /sys/class/iommu/NAME unit into @u: VT-d (intel-iommu/ registers and
 * the ecap bits doctor reads) or AMD-Vi (ivhdN: amd-iommu/cap, features).
 * Returns the IOMMU kind so far.
 */
static const char *iommu_unit(json_t *u, const char *ud_in, const char *name, const char *kind,
			      bool *ecap_smts, bool *any_dmar, bool *any_ivhd)
{
	char p[PATH_MAX], ud[PATH_MAX];

	snprintf(ud, sizeof(ud), "%s", ud_in);
	snprintf(p, sizeof(p), "%s/intel-iommu", ud);
	if (access(p, F_OK) == 0) {
		char ecap[64];

		kind = "intel-vtd";
		*any_dmar = true;
		set_text(u, "version", p, "version");
		set_text(u, "cap", p, "cap");
		set_text(u, "ecap", p, "ecap");
		snprintf(ud, sizeof(ud), "%s/ecap", p);
		if (read_text(ud, ecap, sizeof(ecap)) == 0) {
			unsigned long long e = strtoull(ecap, NULL, 16);

			/* VT-d 3.x ecap: bit 43 SMTS, 40 PASID, 53 SMPWC ... */
			bool smts = (e >> 43) & 1;

			json_object_set_new(u, "ecap_smts", json_boolean(smts));
			json_object_set_new(u, "ecap_pasid", json_boolean((e >> 40) & 1));
			json_object_set_new(u, "ecap_dev_tlb", json_boolean((e >> 2) & 1));
			json_object_set_new(u, "ecap_prs", json_boolean((e >> 29) & 1));
			*ecap_smts |= smts;
		}
	} else if (strstr(name, "ivhd")) {
		/* AMD-Vi: /sys/class/iommu/ivhdN/amd-iommu/{cap,features}
		 * (the capability header and the extended feature register) */
		kind = "amd-vi";
		*any_ivhd = true;
		snprintf(p, sizeof(p), "%s/amd-iommu", ud);
		set_text(u, "cap", p, "cap");
		set_text(u, "features", p, "features");
	} else if (strstr(name, "smmu")) {
		kind = "arm-smmu";
	} else if (!strcmp(kind, "none")) {
		kind = "other";
	}
	return kind;
}

/* IOMMU kind, units, and the mode as far as sysfs and the command line tell. */
static json_t *iommu_info(const char *sysfs, const char *cmdline, json_t *groups)
{
	char dir[PATH_MAX], ud[PATH_MAX], v[128];
	json_t *o = json_object(), *units = json_array();
	const char *kind = "none";
	bool ecap_smts = false, any_dmar = false, any_ivhd = false;
	char **names;
	size_t n;
	int nr_dma = 0, nr_fq = 0, nr_ident = 0;

	snprintf(dir, sizeof(dir), "%s/class/iommu", sysfs);
	names = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *u = json_object();

		snprintf(ud, sizeof(ud), "%s/%s", dir, names[i]);
		json_object_set_new(u, "name", json_string(names[i]));
		kind = iommu_unit(u, ud, names[i], kind, &ecap_smts, &any_dmar, &any_ivhd);
		json_array_append_new(units, u);
	}
	free_names(names, n);
	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "units", units);

	for (size_t i = 0; i < json_array_size(groups); i++) {
		const char *t =
		    json_string_value(json_object_get(json_array_get(groups, i), "type"));

		if (!t)
			continue;
		nr_dma += !strcmp(t, "DMA");
		nr_fq += !strcmp(t, "DMA-FQ");
		nr_ident += !strcmp(t, "identity");
	}
	/* Domain type per group: DMA = strict invalidation, DMA-FQ = lazy (flush queue). */
	if (nr_dma + nr_fq + nr_ident == 0) {
		const char *s = cmdline_opt(cmdline, "iommu.strict", v, sizeof(v));
		const char *amd = cmdline_opt(cmdline, "amd_iommu", v + 64, sizeof(v) - 64);

		/* amd_iommu=fullflush is the old spelling of iommu.strict=1 */
		json_object_set_new(o, "mode",
				    json_string(!strcmp(kind, "none") ? "none"
						: s ? (atoi(s) ? "strict" : "lazy")
						: amd && strstr(amd, "fullflush") ? "strict"
										  : "unknown"));
	} else {
		json_object_set_new(o, "mode",
				    json_string(nr_dma && !nr_fq		? "strict"
						: nr_fq && !nr_dma		? "lazy"
						: nr_ident && !nr_dma && !nr_fq ? "passthrough"
										: "mixed"));
	}
	json_object_set_new(o, "groups_strict", json_integer(nr_dma));
	json_object_set_new(o, "groups_lazy", json_integer(nr_fq));
	json_object_set_new(o, "groups_passthrough", json_integer(nr_ident));
	if (any_dmar) {
		const char *ii = cmdline_opt(cmdline, "intel_iommu", v, sizeof(v));
		const char *sm;

		/* Scalable mode needs ecap.SMTS and not sm_off; on Debian 6.1+
		 * kernels (CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON) it is the
		 * default when supported. */
		if (ii && strstr(ii, "sm_off"))
			sm = "off (intel_iommu=sm_off)";
		else if (!ecap_smts)
			sm = "off (hardware has no SMTS)";
		else if (ii && strstr(ii, "sm_on"))
			sm = "on";
		else
			sm = "on (default when supported)";
		json_object_set_new(o, "scalable_mode", json_string(sm));
		json_object_set_new(o, "scalable_mode_on", json_boolean(!strncmp(sm, "on", 2)));
	} else {
		json_object_set_new(o, "scalable_mode_on", json_false());
	}
	if (any_ivhd) {
		const char *a = cmdline_opt(cmdline, "amd_iommu", v, sizeof(v));

		/* amd_iommu=off|fullflush|force_enable|pgtbl_v1|pgtbl_v2|...
		 * (Documentation/admin-guide/kernel-parameters.txt) */
		json_object_set_new(o, "amd_iommu_options", json_string(a ? a : ""));
		json_object_set_new(
		    o, "page_table",
		    json_string(a && strstr(a, "pgtbl_v2") ? "v2 (x86 format)" : "v1 (default)"));
	}
	json_object_set_new(
	    o, "invalidation",
	    json_string(any_dmar   ? "queued invalidation (QI descriptors)"
			: any_ivhd ? "command buffer (INVALIDATE_IOMMU_PAGES/IOTLB_PAGES + "
				     "COMPLETION_WAIT; no tracepoint: fentry/kprobe on "
				     "__iommu_queue_command_sync)"
				   : "unknown"));
	return o;
}

/* DSA/IAX devices, groups, engines and WQs from /sys/bus/dsa/devices. */
static json_t *dsa_info(const char *sysfs)
{
	static const char *const wq_attrs[] = {"mode",		 "size",
					       "threshold",	 "priority",
					       "type",		 "state",
					       "name",		 "group_id",
					       "block_on_fault", "max_transfer_size",
					       "max_batch_size", "enqcmds_retries",
					       "ats_disable"};
	static const char *const dev_attrs[] = {
	    "state",	     "max_work_queues", "max_engines", "max_groups", "max_work_queues_size",
	    "pasid_enabled", "numa_node",	"op_cap",      "version"};
	static const char *const grp_attrs[] = {"engines", "work_queues", "read_buffers_allowed",
						"traffic_class_a", "traffic_class_b"};
	char dir[PATH_MAX], ed[PATH_MAX];
	json_t *o = json_object(), *devs = json_array(), *wqs = json_array(), *grps = json_array(),
	       *engs = json_array();
	char **names;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/bus/dsa/devices", sysfs);
	names = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object();
		const char *const *attrs = NULL;
		size_t na = 0;
		json_t *dst = NULL;

		snprintf(ed, sizeof(ed), "%s/%s", dir, names[i]);
		json_object_set_new(e, "name", json_string(names[i]));
		if (!strncmp(names[i], "wq", 2)) {
			attrs = wq_attrs, na = sizeof(wq_attrs) / sizeof(*wq_attrs), dst = wqs;
		} else if (!strncmp(names[i], "group", 5)) {
			attrs = grp_attrs, na = sizeof(grp_attrs) / sizeof(*grp_attrs), dst = grps;
		} else if (!strncmp(names[i], "engine", 6)) {
			dst = engs;
			set_num(e, "group_id", ed, "group_id");
		} else if (!strncmp(names[i], "dsa", 3) || !strncmp(names[i], "iax", 3)) {
			attrs = dev_attrs, na = sizeof(dev_attrs) / sizeof(*dev_attrs), dst = devs;
		}
		for (size_t a = 0; a < na; a++)
			set_num(e, attrs[a], ed, attrs[a]);
		if (dst)
			json_array_append_new(dst, e);
		else
			json_decref(e);
	}
	free_names(names, n);
	json_object_set_new(o, "devices", devs);
	json_object_set_new(o, "groups", grps);
	json_object_set_new(o, "engines", engs);
	json_object_set_new(o, "wqs", wqs);
	return o;
}

void host_cmdline_reduce(const char *cmdline, char *out, size_t len)
{
	/* what iommu_info(), the model's defaults and doctor look at */
	static const char *const keep[] = {
	    "intel_iommu=",	 "amd_iommu=", "amd_iommu_", "iommu=",	  "iommu.",
	    "swiotlb=",		 "idxd.",      "pci=",	     "intremap=", "dmar",
	    "vfio_iommu_type1.",
	};
	size_t o = 0;

	if (!len)
		return;
	out[0] = 0;
	for (const char *s = cmdline; *s;) {
		size_t n;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		n = strcspn(s, " \t\n");
		for (size_t i = 0; n && i < sizeof(keep) / sizeof(keep[0]); i++) {
			size_t kl = strlen(keep[i]);

			if (n >= kl && !strncmp(s, keep[i], kl)) {
				if (o + (o > 0) + n < len) {
					o += (size_t)snprintf(out + o, len - o, "%s%.*s",
							      o ? " " : "", (int)n, s);
				}
				break;
			}
		}
		s += n;
	}
}

json_t *host_snapshot(const char *sysfs, const char *proc)
{
	return host_snapshot_flags(sysfs, proc, 0);
}

json_t *host_snapshot_flags(const char *sysfs, const char *proc, unsigned int flags)
{
	json_t *o = json_object(), *groups;
	struct utsname u;
	char p[PATH_MAX], cmdline[4096] = "";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (!o)
		return NULL;
	if (uname(&u) == 0) {
		json_object_set_new(o, "kernel_release", json_string(u.release));
		json_object_set_new(o, "machine", json_string(u.machine));
		json_object_set_new(o, "hostname_hashed", json_false());
	}
	json_object_set_new(o, "cpus", json_integer(ncpu));
	snprintf(p, sizeof(p), "%s/cmdline", proc);
	if (read_text(p, cmdline, sizeof(cmdline)) == 0) {
		char reduced[sizeof(cmdline)];

		host_cmdline_reduce(cmdline, reduced, sizeof(reduced));
		json_object_set_new(o, "kernel_cmdline",
				    svt_json_bytes(flags & HOST_KEEP_CMDLINE ? cmdline : reduced));
		json_object_set_new(o, "kernel_cmdline_reduced",
				    json_boolean(!(flags & HOST_KEEP_CMDLINE)));
	}
	snprintf(p, sizeof(p), "%s/kernel/btf/vmlinux", sysfs);
	json_object_set_new(o, "btf", json_boolean(access(p, R_OK) == 0));
	groups = iommu_groups(sysfs);
	json_object_set_new(o, "iommu", iommu_info(sysfs, cmdline, groups));
	json_object_set_new(o, "iommu_groups", groups);
	json_object_set_new(o, "pci_devices", pci_devices(sysfs));
	json_object_set_new(o, "dsa", dsa_info(sysfs));
	return o;
}

bool host_has_bpf_caps(const char **why)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long eff = 0;
	bool ok;

	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "CapEff: %llx", &eff) == 1)
				break;
		fclose(f);
	}
	/* CAP_SYS_ADMIN 21, CAP_PERFMON 38, CAP_BPF 39 */
	ok = ((eff >> 21) & 1) || (((eff >> 38) & 1) && ((eff >> 39) & 1));
	if (!ok && why)
		*why = "loading BPF tracing programs needs root, or CAP_BPF plus CAP_PERFMON "
		       "(e.g. sudo svatrace collect ..., or setcap cap_bpf,cap_perfmon+ep)";
	return ok;
}

/* "N thing(s)" into the list. */
static void ident_count(json_t *out, size_t n, const char *what, const char *detail)
{
	if (n)
		json_array_append_new(
		    out, json_sprintf("%zu %s%s: %s", n, what, n == 1 ? "" : "s", detail));
}

json_t *host_identifying(const json_t *meta)
{
	json_t *out = json_array(), *host = json_object_get(meta, "host"), *wl;
	const char *addr = json_string_value(json_object_get(meta, "addresses"));
	const char *kid = json_string_value(json_object_get(meta, "hash_key_id"));

	if (!out)
		return NULL;
	if (json_is_object(host)) {
		json_array_append_new(
		    out,
		    json_sprintf("kernel release %s, %s, %lld CPUs",
				 json_string_value(json_object_get(host, "kernel_release")) ?: "?",
				 json_string_value(json_object_get(host, "machine")) ?: "?",
				 (long long)json_integer_value(json_object_get(host, "cpus"))));
		json_array_append_new(
		    out, json_string(json_is_false(json_object_get(host, "kernel_cmdline_reduced"))
					 ? "the whole kernel command line (--keep-cmdline)"
					 : "the kernel command line's IOMMU/DMA/PCI options only"));
		ident_count(out, json_array_size(json_object_get(host, "pci_devices")),
			    "PCI device", "bus addresses, vendor:device ids, drivers");
		ident_count(
		    out, json_array_size(json_object_get(json_object_get(host, "iommu"), "units")),
		    "IOMMU unit", "name and capability registers");
		ident_count(
		    out, json_array_size(json_object_get(json_object_get(host, "dsa"), "devices")),
		    "DSA device", "configuration");
	}
	if (json_string_length(json_object_get(meta, "command_line")))
		json_array_append_new(out,
				      json_string("the svatrace command line (paths, options)"));
	wl = json_object_get(meta, "workload");
	if (json_is_object(wl))
		json_array_append_new(
		    out, json_sprintf("the workload's name '%s'%s",
				      json_string_value(json_object_get(wl, "command")) ?: "?",
				      json_object_get(wl, "argv") ? " and its arguments" : ""));
	if (json_array_size(json_object_get(meta, "uprobes")))
		json_array_append_new(out, json_string("--uprobe program paths"));
	json_array_append_new(out, json_string("names and ids of the tasks that raised events, "
					       "device names"));
	if (addr && !strcmp(addr, "kept"))
		json_array_append_new(out, json_string("physical and user addresses, as they are "
						       "(--keep-phys): kernel/user layout"));
	else if (addr && !strcmp(addr, "hashed"))
		json_array_append_new(
		    out,
		    json_sprintf("physical and user addresses hashed with a %s key (id %s): "
				 "not reversible without it",
				 json_string_value(json_object_get(meta, "hash_key")) ?: "random",
				 kid ?: "not recorded"));
	json_array_append_new(out, json_string("not stored: host name, MAC and IP addresses"));
	return out;
}
