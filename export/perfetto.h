/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perfetto.h - write a trace (and optionally a replay's model series) as a
 * Perfetto trace in its native protobuf format, for ui.perfetto.dev and
 * trace_processor.
 *
 * Layout of the output (docs/export.md):
 * - group tracks "CPUs", "Devices", "IOMMU units" (and "Model" with series);
 * - one track per device, per IOMMU unit, and per CPU for records that name
 *   neither; every record is exactly one event (an instant, or the begin of
 *   a mapping slice), named by its "system:name" event with the kind's
 *   fields (trace/fields.h) as debug annotations;
 * - iommu:map opens a slice on one of the device's "map lanes" (child tracks,
 *   a lane holds one live mapping at a time) that the unmap of the same IOVA
 *   closes, so a mapping's lifetime is visible as a bar; maps beyond
 *   PERFETTO_MAX_LANES live ones are instants on the device track;
 * - per device with work-queue records, a counter track of descriptors in
 *   flight (submissions minus completions);
 * - each model series as a counter track: one value per window.
 */
#ifndef SVATRACE_EXPORT_PERFETTO_H
#define SVATRACE_EXPORT_PERFETTO_H

#include <stddef.h>
#include <stdint.h>

#define PERFETTO_MAX_LANES 32 /* live mapping slices per device */

/* One model time series to draw as a counter track. */
struct perfetto_series {
	const char *key;      /* "iotlb.misses" */
	uint64_t start_ns;    /* time of window 0; 0: the trace's first timestamp */
	uint64_t window_ns;   /* window length */
	const double *values; /* one value per window */
	size_t nr;	      /* windows */
};

struct perfetto_stats {
	uint64_t nr_records;	    /* records read */
	uint64_t nr_events;	    /* instants + slice begins: one per record */
	uint64_t nr_slices;	    /* of those, mapping slices (begin + end) */
	uint64_t nr_counter_events; /* counter values written */
	uint32_t nr_cpu_tracks;	    /* per-CPU tracks */
	uint32_t nr_device_tracks;  /* per-device tracks */
	uint32_t nr_unit_tracks;    /* per-IOMMU-unit tracks */
	uint32_t nr_lane_tracks;    /* map lanes */
	uint32_t nr_counter_tracks; /* WQ in-flight and model series */
	uint64_t out_bytes;	    /* size of the file written */
};

/**
 * perfetto_export() - write @trace_path as a Perfetto protobuf trace.
 * @out_path: file to create.
 * @series: model series to add as counter tracks (may be NULL).
 * @nr_series: entries of @series.
 * @st: filled with counts (may be NULL).
 * @err: receives a message naming the file and what went wrong.
 *
 * Return: 0, or a negative error. On a damaged trace the good prefix is
 * written (a valid Perfetto file) and the reader's error is returned.
 */
int perfetto_export(const char *trace_path, const char *out_path,
		    const struct perfetto_series *series, size_t nr_series,
		    struct perfetto_stats *st, char *err, size_t err_bytes);

#endif /* SVATRACE_EXPORT_PERFETTO_H */
