/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keys.h - the metric, histogram, series and config key names that analyze
 * reads (plots, compare headlines, the example database). They are the names
 * the model and replay report through model/results.h; if a producer names a
 * key differently, change it here only.
 */
#ifndef SVATRACE_ANALYZE_KEYS_H
#define SVATRACE_ANALYZE_KEYS_H

/* Translation (IOTLB, page walk, ATS/ATC, PRI, invalidation) metrics. */
#define KEY_IOTLB_LOOKUPS "iotlb.lookups"		/* count */
#define KEY_IOTLB_HITS "iotlb.hits"			/* count */
#define KEY_IOTLB_MISSES "iotlb.misses"			/* count; also a series */
#define KEY_WALK_READS "walk.mem_reads"			/* count */
#define KEY_ATC_HITS "atc.hits"				/* count */
#define KEY_ATC_MISSES "atc.misses"			/* count */
#define KEY_PRI_REQUESTS "pri.requests"			/* count; also a series (faults) */
#define KEY_INVAL_COUNT "inval.count"			/* count; also a series */
#define KEY_XLATE_LAT "xlate.latency_ns"		/* histogram, ns */

/* Work submission (DSA work queues). */
#define KEY_WQ_THROUGHPUT "wq.device.desc_per_s"	/* all WQs, descriptors/s */
#define KEY_SUBMIT_LAT "submit.latency_ns"		/* histogram: ready to accepted by the WQ, ns */
#define KEY_WQ_WAIT_LAT "wq.wait.latency_ns"		/* histogram: accepted to dispatched, ns */
#define KEY_DESC_E2E_LAT "desc.e2e.latency_ns"		/* histogram: ready to completion noticed, ns */
#define KEY_SUBMIT_DESCS "submit.nr_issued"		/* count */
#define KEY_SUBMIT_RETRIES "submit.nr_retries"		/* count of ENQCMD retries */

/* CPU cost breakdown (ns of CPU time over the run). */
#define KEY_CPU_PIN "pin.cpu_ns"
#define KEY_CPU_MAP "map.cpu_ns"
#define KEY_CPU_UNMAP "unmap.cpu_ns"
#define KEY_CPU_INVAL "inval.wait_ns"
#define KEY_CPU_FAULT "pri.service_cpu_ns"
#define KEY_CPU_SUBMIT "submit.cpu_ns"

/* Whole run. */
#define KEY_RUN_DURATION "run.duration_ns"		/* simulated time to finish the trace */

/* Config keys that plots use as axes or line groups. */
#define CFG_IOTLB_ENTRIES "iotlb.entries"
#define CFG_PAGE_SIZE "pt.page_bytes"
#define CFG_CLIENTS "client.nr"
#define CFG_WQ_MODE "wq.wq0.mode"

#endif /* SVATRACE_ANALYZE_KEYS_H */
