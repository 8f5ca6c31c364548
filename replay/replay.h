/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay.h - stream a native trace through the translation model.
 *
 * Records are read from a record source (replay/source.h) in file order,
 * put back in time order through a bounded reorder window (per-CPU buffers
 * make collectors emit slightly out of order; replay/reorder.h), rewritten
 * by the scenario chain (replay/scenario.h), normalised into model requests
 * (replay/request.h) and fed to model/: device
 * accesses, maps and unmaps, pins, invalidation descriptors. Maps (and
 * DMA-API maps) expand into device accesses per the expansion rules
 * (docs/replay.md). Memory is constant in trace length: the reorder window,
 * pending expansions, live maps and the model's tables only.
 *
 * Replay assumptions (see docs/replay.md):
 * - Expansion: a map of [iova, +size) becomes one device access per page
 *   (replay.expand=page) or per replay.line_bytes line (line), starting at
 *   map time + replay.expand_delay_ns and streaming at
 *   replay.expand_bytes_per_us (access k of a map at start + offset/bw);
 *   off: none. Steps of all pending maps interleave in time order.
 *   auto (default): page, or off when the first PRESCAN records after the
 *   scenario include dev_access records (explicit accesses are not doubled).
 * - Page requests (PAGE_REQ) are the model's PRI input (model__page_req):
 *   device = the record's device name, else its requester id; see
 *   model/xlate/model.h "Trace page requests" for what the model does.
 * - Domains: all devices share domain 0 unless replay.domain_per_device=on
 *   (traces rarely tie a device to a domain); a trace descriptor's domain-
 *   selective invalidation therefore applies to every domain.
 * - A record older than the newest released one by more than the window is
 *   replayed at the release time (counted as late).
 */
#ifndef SVATRACE_REPLAY_REPLAY_H
#define SVATRACE_REPLAY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/params.h"
#include "model/results.h"

/*
 * The words of replay.expand and replay.expand_source, in stored order:
 * the enums and the parameters' choice strings are made from these lists,
 * so a parsed word and the enum value it stores cannot disagree.
 */
#define REPLAY_EXPAND_MODES(X)                                                                     \
	X(OFF, off)                                                                                \
	X(PAGE, page)                                                                              \
	X(LINE, line)                                                                              \
	X(AUTO, auto)	    /* request, unless the trace has dev_access records */                 \
	X(REQUEST, request) /* one access per PCIe read request / write payload */

#define REPLAY_EXPAND_SOURCES(X)                                                                   \
	X(AUTO, auto)	/* DMA-API maps once any was seen, else iommu maps */                      \
	X(IOMMU, iommu) /* iommu:map */                                                            \
	X(DMA, dma)	/* dma:dma_map_* */                                                        \
	X(BOTH, both)	/* both (double counts if both are traced) */

#define REPLAY_ENUM_(id, word) REPLAY_EXPAND_##id,
enum replay_expand { REPLAY_EXPAND_MODES(REPLAY_ENUM_) };
#undef REPLAY_ENUM_
#define REPLAY_ENUM_(id, word) REPLAY_EXPSRC_##id,
enum replay_expand_source { REPLAY_EXPAND_SOURCES(REPLAY_ENUM_) };
#undef REPLAY_ENUM_

struct replay_cfg {
	uint32_t expand;		 /* enum replay_expand */
	uint32_t expand_source;		 /* enum replay_expand_source */
	uint64_t expand_delay_ns;	 /* map to first device access */
	uint64_t expand_bytes_per_us;	 /* device bandwidth spacing expanded accesses */
	uint32_t line_bytes;		 /* line mode: bytes per access */
	uint32_t max_read_request_bytes; /* request mode: bytes per device read (PCIe MRRS) */
	uint32_t max_payload_bytes;	 /* request mode: bytes per device write (PCIe MPS) */
	uint8_t expand_wq;		 /* expand work descriptors' src/dst ranges */
	uint8_t domain_per_device;	 /* each device its own domain */
	uint64_t reorder_window_ns;	 /* time-order slack */
	uint32_t reorder_max;		 /* records held at most */
	uint64_t max_record_bytes;	 /* a map/unmap/DMA record larger than this is refused */
};

/* The "replay" parameter table (keys replay.*). */
extern const struct param_table replay_param_table;

/* Progress callback: bytes of the file verified so far, of total. */
typedef void (*replay_progress_fn)(uint64_t done_bytes, uint64_t total_bytes, void *ctx);

struct scenario_chain;

struct replay_opts {
	const struct params *params;  /* validated parameters (model + replay tables) */
	const char *trace_path;	      /* input */
	const char *label;	      /* run label, NULL: generated */
	uint64_t seed;		      /* model.seed as used */
	const char *scenario;	      /* scenario spec (replay/scenario.h), NULL or "": none */
	struct scenario_chain *chain; /* that spec's chain, built already (sweep_resolve_chain):
				       * run instead of building another; the caller frees it */
	const char *trace_hash;	      /* hex content hash if already known, NULL: hash the file */
	replay_progress_fn progress;  /* NULL: none */
	void *progress_ctx;	      /* for progress */
	char *errmsg;		      /* NULL: errors go to the log; else the first one, here */
	size_t errmsg_bytes;	      /* size of errmsg */
};

struct replay_source;

/**
 * replay_run() - replay @o->trace_path and report to @sink (begin_run,
 * config, metrics, histograms, series, end_run).
 *
 * Errors are reported once: into @o->errmsg when the caller gives one (the
 * first error), else through the log (common/log.h).
 * Return: 0, or a negative error (a corrupt trace reports the good
 * prefix's results with status < 0).
 */
int replay_run(const struct replay_opts *o, const struct results_sink *sink);

/**
 * replay_run_source() - as replay_run(), reading records from @src (not
 * closed) instead of a file. @o->trace_path and @o->trace_hash only label
 * the run (NULL: "").
 */
int replay_run_source(const struct replay_opts *o, struct replay_source *src,
		      const struct results_sink *sink);

/**
 * replay_run_file() - as replay_run(), on @src, which the caller opened
 * from @o->trace_path with replay_source_file__open() (not closed) and may
 * have read and rewound already: records it kept (replay_source_file__keep)
 * are not decoded again.
 */
int replay_run_file(const struct replay_opts *o, struct replay_source *src,
		    const struct results_sink *sink);

/**
 * replay_owners_pass() - the replay of @src reads it once before replaying
 * it (the owners pass, replay/owners.h): the trace may hold maps, unmaps,
 * DMA maps, invalidations or page requests.
 */
bool replay_owners_pass(const struct replay_source *src);

/**
 * replay_keep_budget() - bytes of records a replay's file source may keep
 * between its passes: 64 MiB, at most an eighth of an address-space limit
 * (sweep --point-mem).
 */
size_t replay_keep_budget(void);

/**
 * replay_trace_hash() - the content hash replay_run() stores as the trace's
 * identity, hex: the one a v2 writer stored at a clean close (no read of the
 * file; trace/format.h, TRACE_CHUNK_HASH), else BLAKE2b-256 of the file.
 * @hex: receives 64 hex chars and a NUL; @hex_bytes >= 65.
 *
 * Return: 0 or a negative errno from opening/reading @path.
 */
int replay_trace_hash(const char *path, char *hex, size_t hex_bytes);

#endif /* SVATRACE_REPLAY_REPLAY_H */
