/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host.h - snapshot of what a host's IOMMU and DSA configuration is, for
 * the trace header (collect) and for `svatrace doctor`: kernel release and
 * command line, IOMMU kind and mode (scalable mode, strict/lazy), IOMMU
 * groups, PCI devices with their ATS/PRI/PASID capabilities, and DSA
 * devices, groups, engines and work queues from /sys/bus/dsa.
 */
#ifndef SVATRACE_COLLECT_HOST_H
#define SVATRACE_COLLECT_HOST_H

#include <stdbool.h>
#include <jansson.h>

/* PCIe extended capability ids (PCIe base spec 7.6). */
#define HOST_PCI_EXT_CAP_ATS 0x0f
#define HOST_PCI_EXT_CAP_PRI 0x13
#define HOST_PCI_EXT_CAP_PASID 0x1b

/**
 * host_snapshot() - build the snapshot as a JSON object.
 * @sysfs: root of sysfs ("/sys"); tests point it at a fake tree.
 * @proc: root of procfs ("/proc").
 *
 * Unreadable parts are left out or marked "unknown", never an error.
 * Return: new reference (json_decref() it), NULL only on allocation failure.
 */
json_t *host_snapshot(const char *sysfs, const char *proc);

#define HOST_KEEP_CMDLINE (1u << 0) /* keep the whole kernel command line */

/**
 * host_snapshot_flags() - host_snapshot() with @flags. By default (and in
 * host_snapshot()) "kernel_cmdline" holds only the options the model and
 * doctor read (IOMMU, DMA, PCI ATS, idxd: host_cmdline_reduce()), since a
 * command line can carry secrets (a service's address, root= device ids) and
 * the snapshot goes into traces, databases and reports (issue 19);
 * "kernel_cmdline_reduced" says which. HOST_KEEP_CMDLINE keeps it whole.
 */
json_t *host_snapshot_flags(const char *sysfs, const char *proc, unsigned int flags);

/**
 * host_cmdline_reduce() - the IOMMU-related options of @cmdline, in order,
 * separated by one space, into @out (truncated to @len - 1 bytes).
 */
void host_cmdline_reduce(const char *cmdline, char *out, size_t len);

/**
 * host_pci_ext_caps() - find ATS/PRI/PASID in a PCI config space image.
 * @cfg: config space bytes (extended caps need the 4 KiB image; as non-root
 *	sysfs gives only the first 64 bytes).
 * @len: bytes in @cfg.
 * @ats, @pri, @pasid: set true when the capability is present.
 *
 * Return: 0, or -ENODATA when @len does not reach the extended space.
 */
int host_pci_ext_caps(const unsigned char *cfg, size_t len, bool *ats, bool *pri, bool *pasid);

/**
 * host_has_bpf_caps() - may this process load BPF tracing programs?
 * @why: set to a message when it may not.
 *
 * True when root-equivalent: CAP_SYS_ADMIN, or CAP_BPF together with
 * CAP_PERFMON (5.8+), in the effective set.
 */
bool host_has_bpf_caps(const char **why);

/**
 * host_identifying() - what a trace with this @meta (its meta chunk: host
 * snapshot, command line, workload, addresses) holds that could identify
 * the host or its users, one phrase per item, ending with what is never
 * stored. For `svatrace doctor` (on what collect would write) and `info`.
 *
 * Return: a JSON array of strings (new reference), NULL on allocation failure.
 */
json_t *host_identifying(const json_t *meta);

#endif /* SVATRACE_COLLECT_HOST_H */
