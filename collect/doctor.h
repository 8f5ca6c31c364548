/* SPDX-License-Identifier: GPL-2.0 */
/*
 * doctor.h - what this host can collect and why not: privileges, BTF, each
 * probe present or not, IOMMU kind and mode, scalable mode, devices with
 * ATS/PRI/PASID, DSA work queues, and what to change.
 */
#ifndef SVATRACE_COLLECT_DOCTOR_H
#define SVATRACE_COLLECT_DOCTOR_H

#include <stdbool.h>
#include <jansson.h>

/**
 * doctor_report() - examine the host.
 * @btf_path: kernel BTF file to check (NULL: /sys/kernel/btf/vmlinux).
 * @can_collect: set true when `svatrace collect` can run here (privileges,
 *	BTF and at least one probe present).
 *
 * Return: the report as a JSON object (new reference), NULL on allocation failure.
 */
json_t *doctor_report(const char *btf_path, bool *can_collect);

/**
 * doctor_add_event_rate() - count this host's IOMMU/DMA events for one
 * second (collect --summary, nothing recorded) and add "event_rate" and
 * the capture it suits (full, sampled or summary) to @r's advice.
 * Return: 0 or the collector's negative errno.
 */
int doctor_add_event_rate(json_t *r, const char *btf_path);

#endif /* SVATRACE_COLLECT_DOCTOR_H */
