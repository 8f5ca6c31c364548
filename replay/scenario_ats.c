// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_ats.c - `ats=on|off`: the device has (or lacks) an ATC. Off drops
 * device-TLB invalidations; on adds one after every page-selective IOTLB
 * invalidation, as Linux does for ATS-enabled devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "replay/scenario.h"

struct state {
	int on;	      /* ats=on */
	uint64_t sid; /* requester id for added invalidations */
	char kv[64];  /* the override */
	char kv2[64]; /* on: every device has ATS (ats.devices=all) */
};

static int init(void **state, const char *value, const struct scenario_arg *args, size_t nr_args,
		uint64_t seed)
{
	struct state *st;
	int on;

	if (!strcmp(value, "on"))
		on = 1;
	else if (!strcmp(value, "off"))
		on = 0;
	else {
		scenario_err("scenario ats: '%s' is not on or off", value);
		return -EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->on = on;
	for (size_t i = 0; i < nr_args; i++) {
		if (strcmp(args[i].key, "sid") ||
		    scenario_arg_u64("ats", &args[i], &st->sid, UNITS_COUNT) || st->sid > 0xffff) {
			free(st);
			return strcmp(args[i].key, "sid") ? scenario_bad_arg("ats", &args[i])
							  : -EINVAL;
		}
	}
	snprintf(st->kv, sizeof(st->kv), "%s=%s", SCN_KEY_ATS, on ? "on" : "off");
	snprintf(st->kv2, sizeof(st->kv2), "%s=all", SCN_KEY_ATS_DEVICES);
	*state = st;
	return 0;
}

static int is_dev_tlb(const struct trace_rec_qi_submit *q)
{
	return q->type == TRACE_QI_DEV_TLB_INV || q->type == TRACE_QI_P_DEV_TLB_INV;
}

static int push(void *state, const struct trace_rec *rec, const struct scenario_emit *next)
{
	const struct trace_rec_qi_submit *q = (const void *)rec;
	struct state *st = state;
	struct trace_rec_qi_submit d;
	int rc;

	if (rec->kind != TRACE_REC_QI_SUBMIT)
		return next->emit(next, rec);
	if (is_dev_tlb(q))
		return 0; /* off: no ATC; on: re-added below, one per IOTLB invalidation */
	rc = next->emit(next, rec);
	if (rc || !st->on || q->type != TRACE_QI_IOTLB_INV || q->granularity != 3)
		return rc;
	scenario_qi_dev_tlb(&d, rec->ts_ns, q->iommu_id, (uint16_t)st->sid, q->addr, q->addr_mask);
	d.hdr.cpu = rec->cpu;
	d.hdr.pid = rec->pid;
	d.hdr.comm_id = rec->comm_id;
	return next->emit(next, &d.hdr);
}

static size_t overrides(const void *state, const char **kv)
{
	const struct state *st = state;

	kv[0] = st->kv;
	kv[1] = st->kv2;
	return st->on ? 2 : 1;
}

const struct scenario_ops scenario_ats = {
    .name = "ats",
    .value = "on|off",
    .summary = "give the device an ATC (device TLB) or take it away",
    .help = "off: drops every device-TLB invalidation (dev_tlb_inv, p_dev_tlb_inv); the\n"
	    "model's " SCN_KEY_ATS " is off, so translations go to the IOMMU each time.\n"
	    "on: drops existing device-TLB invalidations and adds one after every\n"
	    "page-selective IOTLB invalidation, same range (Linux flushes the ATC after\n"
	    "the IOTLB for ATS devices), for every device (" SCN_KEY_ATS_DEVICES "=all).\n"
	    "Argument :sid=N sets the requester id of the\n"
	    "added descriptors (default 0: unknown).",
    .init = init,
    .push = push,
    .overrides = overrides,
    .free = free,
};
