// SPDX-License-Identifier: GPL-2.0
/*
 * doctor.c - the `svatrace doctor` report (see doctor.h). It reuses the
 * probe table and the host snapshot the collector writes into its header,
 * so what doctor says is what collect would do.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collect/collector.h"
#include "collect/doctor.h"
#include "collect/host.h"
#include "collect/perfmon.h"
#include "collect/probes.h"

static void advise(json_t *adv, const char *text)
{
	json_array_append_new(adv, json_string(text));
}

static const char *const groups[] = {"iommu", "dma", "intel_iommu", "qi_wait",
				     "iopf",  "pin", "idxd",	    "amd_iommu"};

/* Every table probe and how it attaches (probe_check(), as collect does); counts per group. */
static json_t *probe_list(int nr_grp_present[8], bool *any)
{
	json_t *probes = json_array();
	size_t n;
	const struct probe_def *defs = probe_defs(&n);

	for (size_t i = 0; i < n; i++) {
		const struct probe_status *st;
		const char *pwhy = NULL;
		bool ok;

		if (defs[i].type == PROBE_UPROBE || defs[i].type == PROBE_USER_TP)
			continue;
		st = probe_check(&defs[i], PROBE_FUNC_AUTO);
		ok = st->via != PROBE_VIA_NONE;
		pwhy = st->why;
		*any |= ok;
		for (size_t g = 0; g < sizeof(groups) / sizeof(*groups); g++)
			if (ok && !strcmp(groups[g], defs[i].group))
				nr_grp_present[g]++;
		json_array_append_new(
		    probes, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s?,s:s?}", "name", defs[i].name,
				      "group", defs[i].group, "kind",
				      defs[i].type == PROBE_TP ? "tracepoint" : "function", "via",
				      probe_via_name(st->via), "present", ok, "why", pwhy,
				      "fentry_refused", ok ? st->fentry_why : NULL));
	}
	return probes;
}

/* What a trace collected here with the defaults would hold (host_identifying()). */
static json_t *would_hold(void)
{
	json_t *m = json_pack("{s:o?,s:s,s:s,s:s,s:s}", "host", host_snapshot("/sys", "/proc"),
			      "addresses", "hashed", "hash_key", "random", "hash_key_id",
			      "new per trace", "command_line", "svatrace collect ...");
	json_t *would = m ? host_identifying(m) : NULL;

	json_decref(m);
	return would ? would : json_array();
}

int doctor_add_event_rate(json_t *r, const char *btf_path)
{
	struct collect_rate cr;
	int rc = collect_rate_estimate(btf_path, 1000, &cr);

	if (rc)
		return rc;
	json_object_set_new(r, "event_rate",
			    json_pack("{s:I,s:I,s:f,s:s,s:i}", "events", (json_int_t)cr.nr_events,
				      "window_ns", (json_int_t)cr.window_ns, "per_s",
				      cr.events_per_s, "capture", cr.mode, "sample",
				      (int)cr.sample_n));
	advise(json_object_get(r, "advice"), cr.advice);
	return 0;
}

json_t *doctor_report(const char *btf_path, bool *can_collect)
{
	json_t *r = json_object(), *probes, *adv = json_array(), *caps = json_array();
	json_t *host = host_snapshot_flags("/sys", "/proc", HOST_KEEP_CMDLINE), *iommu, *pci, *dsa;
	const char *why = NULL, *kind, *mode, *tfs;
	bool priv, btf, any = false, any_fired = false;
	int nr_grp_present[8] = {0};

	if (!r || !host)
		return NULL;
	if (!btf_path)
		btf_path = "/sys/kernel/btf/vmlinux";
	priv = host_has_bpf_caps(&why);
	btf = access(btf_path, R_OK) == 0;
	tfs = probe_tracefs_dir();
	json_object_set_new(r, "privileges", json_pack("{s:b,s:s?}", "ok", priv, "message", why));
	json_object_set_new(r, "btf", json_pack("{s:b,s:s}", "ok", btf, "path", btf_path));
	json_object_set_new(r, "tracefs", tfs ? json_string(tfs) : json_null());
	probes = probe_list(nr_grp_present, &any);
	json_object_set_new(r, "probes", probes);

	iommu = json_object_get(host, "iommu");
	pci = json_object_get(host, "pci_devices");
	dsa = json_object_get(host, "dsa");
	kind = json_string_value(json_object_get(iommu, "kind"));
	mode = json_string_value(json_object_get(iommu, "mode"));
	for (size_t i = 0; i < json_array_size(pci); i++) {
		json_t *d = json_array_get(pci, i);

		if (json_is_true(json_object_get(d, "ats")) ||
		    json_is_true(json_object_get(d, "pri")) ||
		    json_is_true(json_object_get(d, "pasid")))
			json_array_append_new(caps, json_pack("{s:O,s:O,s:O,s:O}", "bdf",
							      json_object_get(d, "bdf"), "ats",
							      json_object_get(d, "ats"), "pri",
							      json_object_get(d, "pri"), "pasid",
							      json_object_get(d, "pasid")));
	}
	json_object_set_new(r, "iommu", json_incref(iommu));
	json_object_set_new(r, "devices_with_ats_pri_pasid", caps);
	json_object_set_new(r, "dsa", json_incref(dsa));
	json_object_set_new(r, "kernel_release",
			    json_incref(json_object_get(host, "kernel_release")));
	json_object_set_new(r, "kernel_cmdline",
			    json_incref(json_object_get(host, "kernel_cmdline")));

	/* What to change, most blocking first. */
	if (!priv)
		advise(adv, "run as root, or give the binary CAP_BPF and CAP_PERFMON");
	if (!btf)
		advise(adv, "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y (the collector needs "
			    "BTF for CO-RE); without it, record with trace-cmd and use "
			    "'svatrace import --from trace-dat'");
	if (!tfs)
		advise(adv, "mount tracefs: mount -t tracefs tracefs /sys/kernel/tracing");
	if (!kind || !strcmp(kind, "none")) {
		advise(adv, "no IOMMU is active, so iommu:* and intel_iommu:* events never fire "
			    "even where the tracepoints exist: enable VT-d (or AMD-Vi) in the "
			    "firmware and boot with intel_iommu=on (amd_iommu=on); for a test "
			    "setup, scripts/qemu-vtd.sh boots a guest with an emulated VT-d");
	} else {
		any_fired = true;
		if (mode && !strcmp(mode, "passthrough"))
			advise(adv, "devices are in identity (passthrough) domains: no map/unmap "
				    "events; boot with iommu.passthrough=0 (or iommu=nopt)");
		if (mode && !strcmp(mode, "lazy"))
			advise(adv, "invalidation is lazy (flush queue): unmaps are batched; boot "
				    "with iommu.strict=1 to see one invalidation per unmap");
		if (!strcmp(kind, "intel-vtd") &&
		    !json_is_true(json_object_get(iommu, "scalable_mode_on")))
			advise(adv,
			       "VT-d scalable mode is off: PASID/SVA (prq_report, I/O page "
			       "faults) need intel_iommu=on,sm_on and hardware with ecap.SMTS");
	}
	if (!json_array_size(caps))
		advise(adv, "no PCI device advertises ATS, PRI or PASID (or config space was not "
			    "readable): device-TLB invalidations and page requests cannot occur");
	if (!nr_grp_present[2] && (!kind || strcmp(kind, "amd-vi")))
		advise(adv, "no intel_iommu:* tracepoints: the kernel lacks CONFIG_INTEL_IOMMU "
			    "(or its tracing); qi_submit and prq_report will be skipped");
	if (kind && !strcmp(kind, "amd-vi") && !nr_grp_present[7])
		advise(adv, "AMD-Vi has no invalidation tracepoint and __iommu_queue_command_sync "
			    "cannot be probed here (inlined, or neither fentry nor kprobes work): "
			    "command-buffer invalidations will not be recorded");
	if (!nr_grp_present[1])
		advise(adv, "no dma:* tracepoints: they exist from Linux 6.12");
	if (!nr_grp_present[6])
		advise(adv,
		       "idxd probes absent: load the driver (modprobe idxd, CONFIG_INTEL_IDXD) "
		       "and configure work queues with accel-config");
	else if (!json_array_size(json_object_get(dsa, "devices")))
		advise(adv, "idxd is loaded but there is no DSA device: its probes attach but "
			    "cannot fire");
	if (!nr_grp_present[3] && !nr_grp_present[4] && !nr_grp_present[5])
		advise(adv, "no kernel function probe can attach (qi_submit_sync, the I/O "
			    "page-fault path, pin_user_pages*): they need fentry (BTF and a BPF "
			    "trampoline) or kprobes (CONFIG_KPROBES); each probe's line says why");
	json_object_set_new(r, "a_trace_would_hold", would_hold());
	perfmon_doctor(r, adv, "/sys", "/proc"); /* VT-d/DSA performance monitors */
	*can_collect = priv && btf && any;
	json_object_set_new(r, "can_collect", json_boolean(*can_collect));
	json_object_set_new(r, "events_can_fire", json_boolean(any_fired));
	json_object_set_new(r, "advice", adv);
	json_decref(host);
	return r;
}
