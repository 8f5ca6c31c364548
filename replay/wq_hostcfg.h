/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq_hostcfg.h - a DSA device's real configuration as wq.* parameter
 * settings: from accel-config's JSON (`accel-config list`, `accel-config
 * save-config`: an array of devices, each with "groups", their
 * "grouped_workqueues" and "grouped_engines") or from the host snapshot a
 * trace's META chunk carries (host.dsa: flat "devices", "groups",
 * "engines", "wqs" lists read from /sys/bus/dsa by `svatrace collect`).
 *
 * Both become the same key=value list (wq.nr_groups, wq.groupG.engines,
 * wq.nr_wqs, wq.wqI.{mode,size,threshold,priority,group,block_on_fault},
 * wq.device_wq_entries, wq.max_batch, wq.max_read_buffers), which the CLI
 * applies through the parameter registry with an origin naming the file,
 * so `--list-params` says where each value came from.
 *
 * Mapping assumptions:
 * - One device: the one named by @device, else the first with a WQ of
 *   size > 0. WQs of size 0 (not configured) are skipped; the others become
 *   model WQs 0..N-1 in the order of their WQ ids (wq0.3 alone is model WQ
 *   0), at most 8 (WQ_MAX_WQS), groups keep their ids (at most 4).
 * - An engine counts for the group its group id names; engines outside
 *   any group are ignored.
 * - Values not in the input (a snapshot without read buffers, say) are not
 *   set: the default or profile value stays.
 */
#ifndef SVATRACE_REPLAY_WQ_HOSTCFG_H
#define SVATRACE_REPLAY_WQ_HOSTCFG_H

#include <stddef.h>
#include <jansson.h>

struct params;

#define WQ_HOSTCFG_MAX_KV 96 /* 8 WQs x 6 + 4 groups + a few device keys */

/* One setting. */
struct wq_hostcfg_kv {
	char key[40];	/* "wq.wq0.size" */
	char value[24]; /* "32" */
};

/**
 * wq_hostcfg_from_accel() - settings from accel-config JSON.
 * @root: an array of device objects, or one device object.
 * @device: device name ("dsa0"), or NULL for the first configured one.
 * @kv: filled with up to WQ_HOSTCFG_MAX_KV settings; *@nr gets their number.
 * Return: 0, or -EINVAL with a message naming what is wrong in @err.
 */
int wq_hostcfg_from_accel(const json_t *root, const char *device, struct wq_hostcfg_kv *kv,
			  size_t *nr, char *err, size_t err_bytes);

/**
 * wq_hostcfg_from_snapshot() - settings from a trace's host snapshot.
 * @dsa: the snapshot's "dsa" object (devices, groups, engines, wqs).
 * Return: 0 (*@nr may be 0: no configured WQ), or -EINVAL with @err.
 */
int wq_hostcfg_from_snapshot(const json_t *dsa, const char *device, struct wq_hostcfg_kv *kv,
			     size_t *nr, char *err, size_t err_bytes);

/**
 * wq_hostcfg_read_file() - wq_hostcfg_from_accel() of the JSON file @path.
 * Return: 0 or -EINVAL/-ENOENT with a message naming @path (and the line).
 */
int wq_hostcfg_read_file(const char *path, struct wq_hostcfg_kv *kv, size_t *nr, char *err,
			 size_t err_bytes);

/**
 * wq_hostcfg_apply_trace() - set @p's wq.* keys from the host snapshot in
 * the META chunk of the trace at @trace_path, with origin "trace host
 * snapshot (PATH)". A trace that cannot be opened, or has no snapshot or no
 * configured DSA WQ, sets nothing.
 * Return: settings applied (>= 0), or -EINVAL with @err naming the trace
 * and what was wrong (a snapshot that does not convert, a value refused).
 */
int wq_hostcfg_apply_trace(struct params *p, const char *trace_path, char *err, size_t err_bytes);

#endif /* SVATRACE_REPLAY_WQ_HOSTCFG_H */
