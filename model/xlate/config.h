/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config.h - the translation model's configuration: one struct filled from
 * the "model" parameter table (model_param_table), so every field has a key,
 * unit, default and source that `svatrace replay --list-params` prints.
 *
 * Model assumptions: see model.h; this file only names the knobs.
 */
#ifndef SVATRACE_MODEL_CONFIG_H
#define SVATRACE_MODEL_CONFIG_H

#include <stdint.h>

#include "model/params.h"

enum model_mode {
	MODEL_MODE_PINNED = 0,	 /* every accessed page is present (pinned + mapped) */
	MODEL_MODE_FAULTING = 1, /* SVA: first touch of a non-resident page faults (PRI) */
};

enum model_inval_mode {
	MODEL_INVAL_STRICT = 0, /* invalidate + wait on every unmap */
	MODEL_INVAL_LAZY = 1,	/* per-CPU flush queue, flushed when full or on timeout */
};

enum model_inval_source {
	MODEL_INVSRC_AUTO = 0,	/* trace's qi_submit records if it has any, else model */
	MODEL_INVSRC_TRACE = 1, /* apply the trace's qi_submit descriptors */
	MODEL_INVSRC_MODEL = 2, /* derive invalidations from unmaps (strict/lazy) */
};

enum model_caching_mode {
	MODEL_CM_AUTO = 0, /* as the trace shows (map-then-flush pattern) */
	MODEL_CM_ON = 1,   /* VT-d CAP.CM=1 (a vIOMMU): flush after every map */
	MODEL_CM_OFF = 2,  /* bare metal: no flushes after maps (trace's are dropped) */
};

enum model_trace_waits {
	MODEL_TW_DESCRIPTOR = 0, /* each traced descriptor was its own qi_submit_sync (Linux 6.1) */
	MODEL_TW_RUN = 1,	 /* one CPU's descriptors at one time were one batch (qi_batch) */
	MODEL_TW_WAIT = 2,	 /* only inv_wait descriptors are waits (AMD-Vi COMPLETION_WAIT) */
};

enum model_ats_devices {
	MODEL_ATS_TRACE = 0, /* as the trace says (model__set_dev_ats), all if it says nothing */
	MODEL_ATS_ALL = 1,   /* every device, whatever the trace says */
};

enum model_dist {
	MODEL_DIST_FIXED = 0,	/* always the mean */
	MODEL_DIST_EXP = 1,	/* exponential with that mean */
	MODEL_DIST_UNIFORM = 2, /* uniform on [mean/2, 3*mean/2] */
};

struct model_cfg {
	uint64_t seed;		  /* PRNG seed of every random choice */
	uint32_t mode;		  /* enum model_mode */
	double resident_fraction; /* faulting: probability a first-touched page is resident */
	/* page tables */
	uint64_t page_bytes;  /* mapping page size: 4096, 2 MiB or 1 GiB */
	uint32_t pt_levels;   /* first-level (or only) table levels: 4 or 5 */
	uint8_t nested;	      /* two-dimensional (guest over host) walks */
	uint32_t host_levels; /* nested: host (second-stage) levels */
	uint8_t scalable;     /* scalable mode: PASID directory + table on PASID cache miss */
	/* IOTLB */
	uint32_t iotlb_entries; /* entries */
	uint32_t iotlb_ways;	/* ways per set (== entries: fully associative) */
	uint32_t iotlb_policy;	/* index in iotlb_policy registry */
	uint64_t iotlb_hit_ns;	/* lookup time */
	uint32_t set_index;	/* enum iotlb_index of the IOTLB, PWC levels and ATC */
	/* walk caches and walkers */
	uint32_t pwc_entries;	      /* entries of each paging-structure cache level */
	uint32_t pwc_ways;	      /* ways of each PWC level */
	uint32_t pwc_lvl_entries[6];  /* levels 2..5: own fully associative size (0: pwc_entries) */
	uint32_t cc_entries;	      /* context cache entries (fully associative) */
	uint32_t pasidc_entries;      /* PASID cache entries (fully associative) */
	uint64_t mem_read_ns;	      /* one page-table memory read (tables in local memory) */
	uint64_t mem_remote_extra_ns; /* added per read when the tables are in remote memory */
	uint8_t pt_remote;	      /* page tables in the other socket's memory */
	uint64_t walk_fixed_ns;	      /* per-walk overhead besides the reads */
	uint32_t walkers;	      /* concurrent page walks */
	uint8_t walk_leaf_serial;     /* a walk waits for one in flight to the same leaf table */
	/* ATS and device TLB */
	uint8_t ats;		   /* devices use ATS and have an ATC */
	uint32_t ats_devices;	   /* enum model_ats_devices */
	uint32_t atc_entries;	   /* ATC entries per device */
	uint32_t atc_ways;	   /* ATC ways */
	uint32_t atc_policy;	   /* ATC replacement */
	uint64_t atc_hit_ns;	   /* ATC lookup time */
	uint64_t pcie_one_way_ns;  /* PCIe one-way latency (request or completion) */
	uint64_t ats_inval_dev_ns; /* device time to process an ATS invalidation */
	/* PRI */
	uint32_t prq_entries;	  /* page request queue depth */
	uint32_t pri_outstanding; /* outstanding page requests per device */
	uint32_t pri_handlers;	  /* iopf handlers at once; 0: host_cpus */
	uint64_t pri_dispatch_ns; /* PRQ interrupt to page-request thread start */
	uint64_t pri_thread_ns;	  /* page-request thread time per request (serial stage) */
	uint32_t host_cpus;	  /* CPUs of the traced host; 0: replay fills it from the trace */
	uint64_t fault_minor_ns;  /* minor fault service (page in memory) */
	uint64_t fault_major_ns;  /* major fault service (page from storage) */
	double fault_major_fraction; /* probability a fault is major */
	uint32_t fault_dist;	     /* enum model_dist of service times */
	uint64_t pri_retry_ns;	     /* device delay before retrying after a response */
	uint32_t pri_max_retries;    /* retries before the device gives up */
	/* pinned path */
	uint64_t pin_page_ns;	   /* pin_user_pages per page */
	uint64_t map_call_ns;	   /* iommu map per call */
	uint64_t map_page_ns;	   /* iommu map per page */
	uint64_t unmap_call_ns;	   /* iommu unmap per call */
	uint64_t unmap_page_ns;	   /* iommu unmap per page */
	uint32_t inval_mode;	   /* enum model_inval_mode */
	uint32_t inval_source;	   /* enum model_inval_source */
	uint32_t fq_entries;	   /* lazy: flush queue entries per CPU */
	uint64_t fq_timeout_ns;	   /* lazy: flush queue timeout */
	uint64_t qi_wait_ns;	   /* one synchronous invalidation (qi_submit_sync) */
	uint32_t caching_mode;	   /* enum model_caching_mode */
	uint32_t iommu_units;	   /* IOMMU units at most (0: as many as the trace names) */
	uint32_t trace_waits;	   /* enum model_trace_waits */
	uint64_t series_window_ns; /* time-series window (grows to keep <= 4096 windows) */
	/* not a parameter: the run's time axis shared with the WQ model, NULL: own */
	struct series_grid *series_grid;
};

/* The "model" parameter table (keys iotlb.*, pwc.*, walk.*, ats.*, pri.*, ...). */
extern const struct param_table model_param_table;

/** model_cfg_check() - cross-field validation; message names the key. */
int model_cfg_check(const struct model_cfg *c, char *err, size_t err_bytes);

#endif /* SVATRACE_MODEL_CONFIG_H */
