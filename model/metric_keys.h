/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metric_keys.h - the one list of the result keys that analyze reads
 * (compare headlines, plot columns, report rows, the example database) and
 * that the producers (the translation model, the work-queue model, replay)
 * emit under the same names. Both sides include this header; a key is
 * renamed here only.
 *
 * Each key is a string macro (so analyze can build "KEY@p99" and "A/B"
 * expressions at compile time) and one row of SVT_RESULT_KEYS(X):
 *
 *   X(KEY, unit, label, kinds)
 *
 * kinds is a mask of SVT_KEY_* saying where a real run stores it: a scalar
 * metric, a histogram (read as KEY@STAT, lib/hist.h), a time series, or a
 * config key. tests/cli/analyze.sh expands the table with the C
 * preprocessor and checks that real replays of the shipped trace and of
 * generated DSA and faulting workloads store every row as its kinds say.
 */
#ifndef SVATRACE_MODEL_METRIC_KEYS_H
#define SVATRACE_MODEL_METRIC_KEYS_H

#define SVT_KEY_METRIC 1u /* metrics table: one scalar per run */
#define SVT_KEY_HIST 2u	  /* histograms table: statistics as KEY@STAT */
#define SVT_KEY_SERIES 4u /* series table: values per window */
#define SVT_KEY_CONFIG 8u /* run_config table: a resolved parameter */

/* Translation (IOTLB, page walk, ATS/ATC, PRI, invalidation): model/xlate. */
#define KEY_IOTLB_LOOKUPS "iotlb.lookups"
#define KEY_IOTLB_HITS "iotlb.hits"
#define KEY_IOTLB_MISSES "iotlb.misses"
#define KEY_WALK_READS "walk.mem_reads"
#define KEY_ATC_HITS "atc.hits"
#define KEY_ATC_MISSES "atc.misses"
#define KEY_PRI_REQUESTS "pri.requests"
#define KEY_INVAL_COUNT "inval.count"
#define KEY_XLATE_LAT "xlate.latency_ns"
#define KEY_USE_AFTER_UNMAP "xlate.use_after_unmap" /* stale translations served */

/*
 * Translation latency by part (model/xlate/model.c, enum xpart): each is a
 * sum over translations, and the parts sum to KEY_XLATE_LAT "@sum" exactly.
 */
#define KEY_XPART_HIT "xlate.part.hit_ns"	    /* ATC / IOTLB lookups */
#define KEY_XPART_INFLIGHT "xlate.part.inflight_ns" /* waiting on a walk/ATS in flight */
#define KEY_XPART_INFLIGHT_FAULT "xlate.part.inflight_fault_ns" /* ... on a fault in flight */
#define KEY_XPART_WALK_QUEUE "xlate.part.walk_queue_ns"		/* waiting for a walker */
#define KEY_XPART_WALK_MEM "xlate.part.walk_mem_ns"	       /* walk: fixed cost + memory reads */
#define KEY_XPART_ATS "xlate.part.ats_ns"		       /* ATS request/completion on PCIe */
#define KEY_XPART_PRI_REQUEST "xlate.part.pri_request_ns"      /* page request: PCIe, device slot */
#define KEY_XPART_PRI_THREAD "xlate.part.pri_thread_ns"	       /* page-request thread (PRQ drain) */
#define KEY_XPART_PRI_HANDLER "xlate.part.pri_handler_wait_ns" /* group + fault-handler wait */
#define KEY_XPART_FAULT "xlate.part.fault_ns"		       /* fault service */
#define KEY_XPART_PRI_RESPONSE "xlate.part.pri_response_ns"    /* page group response on PCIe */
#define KEY_XPART_RETRY "xlate.part.retry_ns" /* retry delay, PRQ-overflow retries */

/* Work submission (DSA work queues): model/wq. */
#define KEY_WQ_THROUGHPUT "wq.device.desc_per_s"
#define KEY_SUBMIT_LAT "submit.latency_ns"     /* ready -> accepted by the WQ */
#define KEY_WQ_WAIT_LAT "wq.wait.latency_ns"   /* accepted -> dispatched to an engine */
#define KEY_DESC_E2E_LAT "desc.e2e.latency_ns" /* ready -> completion noticed */
#define KEY_SUBMIT_DESCS "submit.nr_issued"
#define KEY_SUBMIT_RETRIES "submit.nr_retries"
#define KEY_CLIENTS "client.nr"
/*
 * End-to-end decomposition (model/wq enum wq_part): submit.part.NAME_ns is
 * one part summed over the completed descriptors; the parts sum exactly to
 * KEY_SUBMIT_PART_TOTAL (ns) over KEY_SUBMIT_PART_COUNT descriptors.
 * PREFIX_* name families of keys (not keys; analyze/compare reads them).
 */
#define PREFIX_SUBMIT_PART "submit.part."
#define PREFIX_XLATE_PART "xlate.part." /* model/xlate: parts of KEY_XLATE_LAT over accesses */
#define KEY_SUBMIT_PART_TOTAL "submit.e2e_sum_ns"
#define KEY_SUBMIT_PART_COUNT "submit.nr_completed"

/* CPU cost breakdown (ns of CPU time over the run). */
#define KEY_CPU_PIN "pin.cpu_ns"
#define KEY_CPU_MAP "map.cpu_ns"
#define KEY_CPU_UNMAP "unmap.cpu_ns"
#define KEY_CPU_INVAL "inval.wait_ns"
#define KEY_CPU_FAULT "pri.service_cpu_ns"
#define KEY_CPU_SUBMIT "submit.cpu_ns"

/* Whole run: replay. */
#define KEY_RUN_DURATION "run.duration_ns"

/* What the report's causes and n/a rules read: counts that say whether a
 * cost can exist, and the model's component totals (analyze/finding.c). */
#define KEY_XLATE_COUNT "xlate.count"
#define KEY_XLATE_PENDING_WAIT "xlate.pending_wait_ns"
#define KEY_PRI_HANDLER_WAIT "pri.handler_wait_ns"
#define KEY_PRI_THREAD_WAIT "pri.thread_wait_ns"
#define KEY_PRI_FAULT_LAT "pri.mean_fault_latency_ns"
#define KEY_WALK_WAIT "walk.wait_ns"
#define KEY_PIN_PAGES "pin.pages"
#define KEY_MAP_COUNT "map.count"
#define KEY_UNMAP_COUNT "unmap.count"
#define KEY_ACCESS_COUNT "access.count"
#define KEY_ACCESS_EXPANDED "replay.expanded_accesses"
#define KEY_SUBMIT_LOCK_WAIT "submit.lock_wait_ns"
/* Prefix of the per-kind record counts replay stores (measured trace counts). */
#define REPLAY_RECORDS_PREFIX "replay.records."

/* Config keys that plots use as axes or line groups. */
#define CFG_IOTLB_ENTRIES "iotlb.entries"
#define CFG_PAGE_SIZE "pt.page_bytes"
#define CFG_WQ_MODE "wq.wq0.mode"

/* The table: every key above, once. */
#define SVT_RESULT_KEYS(X)                                                                         \
	X(KEY_IOTLB_LOOKUPS, "lookups", "IOTLB lookups", SVT_KEY_METRIC)                           \
	X(KEY_IOTLB_HITS, "lookups", "IOTLB hits", SVT_KEY_METRIC)                                 \
	X(KEY_IOTLB_MISSES, "lookups", "IOTLB misses", SVT_KEY_METRIC | SVT_KEY_SERIES)            \
	X(KEY_WALK_READS, "reads", "page-walk memory reads", SVT_KEY_METRIC)                       \
	X(KEY_ATC_HITS, "lookups", "device TLB (ATC) hits", SVT_KEY_METRIC)                        \
	X(KEY_ATC_MISSES, "lookups", "device TLB (ATC) misses", SVT_KEY_METRIC)                    \
	X(KEY_PRI_REQUESTS, "requests", "page requests (faults)", SVT_KEY_METRIC | SVT_KEY_SERIES) \
	X(KEY_INVAL_COUNT, "descriptors", "invalidations", SVT_KEY_METRIC | SVT_KEY_SERIES)        \
	X(KEY_XLATE_LAT, "ns", "translation latency", SVT_KEY_HIST)                                \
	X(KEY_XPART_HIT, "ns", "translation: IOTLB/ATC hit", SVT_KEY_METRIC)                       \
	X(KEY_XPART_INFLIGHT, "ns", "translation: waiting on one in flight", SVT_KEY_METRIC)       \
	X(KEY_USE_AFTER_UNMAP, "translations", "translations after unmap (stale)", SVT_KEY_METRIC) \
	X(KEY_XPART_INFLIGHT_FAULT, "ns", "translation: waiting on a fault in flight",             \
	  SVT_KEY_METRIC)                                                                          \
	X(KEY_XPART_WALK_QUEUE, "ns", "translation: walk queueing", SVT_KEY_METRIC)                \
	X(KEY_XPART_WALK_MEM, "ns", "translation: walk memory reads", SVT_KEY_METRIC)              \
	X(KEY_XPART_ATS, "ns", "translation: ATS round trip", SVT_KEY_METRIC)                      \
	X(KEY_XPART_PRI_REQUEST, "ns", "translation: page request transfer", SVT_KEY_METRIC)       \
	X(KEY_XPART_PRI_THREAD, "ns", "translation: page-request thread", SVT_KEY_METRIC)          \
	X(KEY_XPART_PRI_HANDLER, "ns", "translation: fault handler wait", SVT_KEY_METRIC)          \
	X(KEY_XPART_FAULT, "ns", "translation: fault service", SVT_KEY_METRIC)                     \
	X(KEY_XPART_PRI_RESPONSE, "ns", "translation: page group response", SVT_KEY_METRIC)        \
	X(KEY_XPART_RETRY, "ns", "translation: retry", SVT_KEY_METRIC)                             \
	X(KEY_WQ_THROUGHPUT, "desc/s", "device throughput", SVT_KEY_METRIC)                        \
	X(KEY_SUBMIT_LAT, "ns", "submit latency (issue to accepted)", SVT_KEY_HIST)                \
	X(KEY_WQ_WAIT_LAT, "ns", "WQ wait (accepted to dispatched)", SVT_KEY_HIST)                 \
	X(KEY_DESC_E2E_LAT, "ns", "end-to-end latency (ready to noticed)", SVT_KEY_HIST)           \
	X(KEY_SUBMIT_DESCS, "submissions", "descriptors issued", SVT_KEY_METRIC)                   \
	X(KEY_SUBMIT_RETRIES, "retries", "ENQCMD retries", SVT_KEY_METRIC)                         \
	X(KEY_CLIENTS, "clients", "submitting clients", SVT_KEY_METRIC)                            \
	X(KEY_SUBMIT_PART_TOTAL, "ns", "end-to-end latency, summed", SVT_KEY_METRIC)               \
	X(KEY_SUBMIT_PART_COUNT, "desc", "descriptors completed", SVT_KEY_METRIC)                  \
	X(KEY_CPU_PIN, "ns", "CPU: pin", SVT_KEY_METRIC)                                           \
	X(KEY_CPU_MAP, "ns", "CPU: map", SVT_KEY_METRIC)                                           \
	X(KEY_CPU_UNMAP, "ns", "CPU: unmap", SVT_KEY_METRIC)                                       \
	X(KEY_CPU_INVAL, "ns", "CPU: invalidation wait", SVT_KEY_METRIC)                           \
	X(KEY_CPU_FAULT, "ns", "CPU: fault service", SVT_KEY_METRIC)                               \
	X(KEY_CPU_SUBMIT, "ns", "CPU: submission", SVT_KEY_METRIC)                                 \
	X(KEY_RUN_DURATION, "ns", "time to finish", SVT_KEY_METRIC)                                \
	X(KEY_XLATE_COUNT, "translations", "translations", SVT_KEY_METRIC)                         \
	X(KEY_XLATE_PENDING_WAIT, "ns", "waiting on a translation in flight", SVT_KEY_METRIC)      \
	X(KEY_PRI_HANDLER_WAIT, "ns", "page-request queueing", SVT_KEY_METRIC)                     \
	X(KEY_PRI_THREAD_WAIT, "ns", "waiting for the page-request thread", SVT_KEY_METRIC)        \
	X(KEY_PRI_FAULT_LAT, "ns", "mean fault latency", SVT_KEY_METRIC)                           \
	X(KEY_WALK_WAIT, "ns", "walk queueing", SVT_KEY_METRIC)                                    \
	X(KEY_PIN_PAGES, "pages", "pages pinned", SVT_KEY_METRIC)                                  \
	X(KEY_MAP_COUNT, "maps", "maps", SVT_KEY_METRIC)                                           \
	X(KEY_UNMAP_COUNT, "unmaps", "unmaps", SVT_KEY_METRIC)                                     \
	X(KEY_ACCESS_COUNT, "accesses", "device accesses", SVT_KEY_METRIC)                         \
	X(KEY_ACCESS_EXPANDED, "accesses", "device accesses synthesised from maps",                \
	  SVT_KEY_METRIC)                                                                          \
	X(KEY_SUBMIT_LOCK_WAIT, "ns", "portal lock wait", SVT_KEY_METRIC)                          \
	X(CFG_IOTLB_ENTRIES, "entries", "IOTLB entries", SVT_KEY_CONFIG)                           \
	X(CFG_PAGE_SIZE, "bytes", "page size", SVT_KEY_CONFIG)                                     \
	X(CFG_WQ_MODE, "", "WQ mode", SVT_KEY_CONFIG)

#endif /* SVATRACE_MODEL_METRIC_KEYS_H */
