/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fit.h - calibrating the translation model against a pcie-bench latency
 * curve: drive the model (model/xlate) with pcie-bench's access pattern,
 * warm, one window size at a time; fit the IOTLB size and the level-2
 * paging-structure cache size by a bounded grid search and the walk
 * latencies by least squares; predict a curve from a configuration; and
 * score it with the error metric.
 *
 * Error metric (issue #15): the largest |predicted - measured| increase over
 * the first window's (8 KiB) value, divided by the measured curve's largest
 * increase (its plateau rise).
 *
 * Model assumptions (what the benchmark's curve is made of):
 * - measured(W) - measured(8K) = baseline(W) - baseline(8K) + xlate(W) -
 *   xlate(8K): the IOMMU adds its translation latency to each DMA read, on
 *   top of the data path measured by the IOMMU-off run of the same host
 *   (pcie-bench's own reading of its Fig. 9). Without a baseline the data
 *   path is taken as flat.
 * - The stream: 64-byte reads at uniformly random 64-byte aligned offsets of
 *   a window, one at a time (pcie-bench LAT_DMA_RD: the card waits for each
 *   read), so walks never queue; accesses are spaced 1 us apart.
 * - "Warm" (DWarm): the caches start in the steady state of the stream, so
 *   the first CAL_WARM accesses are not measured.
 * - The window starts 2 MiB aligned just below 4 GiB, where Linux's IOVA
 *   allocator (top-down below the 32-bit limit) puts a device's buffers.
 */
#ifndef SVATRACE_CALIBRATE_FIT_H
#define SVATRACE_CALIBRATE_FIT_H

#include <stdbool.h>
#include <stdint.h>

#include "calibrate/pciebench.h"
#include "model/xlate/config.h"
#include "lib/prng.h"

/**
 * cal_stream() - the generator of a window sweep's random addresses: stream
 * PRNG_STREAM_CALIBRATE of @seed, indexed by the window size (lib/prng.h),
 * so every window draws its own stream and the fit and the throughput
 * device see the same addresses for the same window.
 */
static inline struct prng cal_stream(uint64_t seed, uint64_t win_bytes)
{
	return prng_make(prng_derive(prng_derive(seed, PRNG_STREAM_CALIBRATE), win_bytes));
}

#define CAL_WARM 12000	  /* accesses before measuring */
#define CAL_MEASURE 30000 /* accesses measured per window */

/* The model's view of one curve: per window, per access. */
struct cal_sweep {
	uint32_t nr;		       /* windows */
	double miss[PB_MAX_WINDOWS];   /* IOTLB misses per access */
	double reads[PB_MAX_WINDOWS];  /* page-table reads per access */
	double lat_ns[PB_MAX_WINDOWS]; /* mean translation latency */
};

/**
 * cal_sweep() - run the model over every window of @win_bytes.
 * @cfg: validated configuration (page size, caches, latencies).
 * Return: 0 or -errno (model creation).
 */
int cal_sweep(const struct model_cfg *cfg, const uint64_t *win_bytes, uint32_t nr,
	      struct cal_sweep *out);

#define CAL_MRC_MAX 32 /* sizes per cal_mrc() call */

/**
 * cal_mrc() - the miss ratios of many cache sizes from one pass per window
 * (model/xlate/stackdist.h) over cal_sweep()'s address stream, counted
 * after the warm-up: @miss[i][k], IOTLB misses per access of an LRU fully
 * associative IOTLB of @n_sizes[i] entries at window k (equal to
 * cal_sweep()'s: accesses 1 us apart, no walk overlaps the next access);
 * @l2miss[j][k], level-2 (PDE) cache misses per walk with @l2_sizes[j]
 * entries, the walks taken as a uniformly random subset of the accesses
 * (what they are for this stream); 0 with pages above 4 KiB (the walk ends
 * above level 1).
 * Return: 0, -EINVAL (more than CAL_MRC_MAX sizes), -ENOMEM.
 */
int cal_mrc(const struct model_cfg *tmpl, const uint64_t *win_bytes, uint32_t nr,
	    const uint32_t *n_sizes, uint32_t nr_n, const uint32_t *l2_sizes, uint32_t nr_l2,
	    double (*miss)[PB_MAX_WINDOWS], double (*l2miss)[PB_MAX_WINDOWS]);

/* A prediction against a measurement. */
struct cal_score {
	uint32_t nr;			 /* windows */
	double meas_inc[PB_MAX_WINDOWS]; /* measured increase over window 0 */
	double pred_inc[PB_MAX_WINDOWS]; /* predicted increase */
	double plateau_ns;		 /* largest measured increase */
	double err;			 /* largest |pred - meas| / plateau */
	uint32_t err_at;		 /* window index of that error */
};

/**
 * cal_predict() - predict @meas's windows with @cfg on top of @base (NULL:
 * flat data path) and score it.
 * Return: 0, -EINVAL (windows of @base differ from @meas), or -errno.
 */
int cal_predict(const struct model_cfg *cfg, const struct pb_curve *meas,
		const struct pb_curve *base, struct cal_score *s);

/*
 * The data path of a remote-memory IOMMU-on run (the buffer in the other
 * socket's memory). Its reads at small windows hit the cache like the local
 * run's (every IOMMU-on run starts at the local IOMMU-off run's latency), and
 * past the last-level cache they read remote DRAM. A remote IOMMU-off run
 * whose reads never hit the cache (it starts at its plateau) does not
 * describe that, so the data path is built from the two IOMMU-off runs:
 *   base(W) = L(W0) + f(W) * (R_plateau - L(W0)),
 *   f(W) = (L(W) - L(W0)) / (L_plateau - L(W0)),
 * f the fraction of reads missing the cache, from the local run's rise, and
 * R_plateau the remote run's DRAM latency (its largest window).
 */
#define CAL_START_TOL_NS 20.0 /* an IOMMU-off run starting this close describes the data path */
#define CAL_LLC_RISE_NS 10.0  /* a local rise this large shows the cache's reach */

/**
 * cal_remote_base() - the data path of a remote run whose own IOMMU-off run
 * starts @on0_ns-far from it (see above), from @local_off and @remote_off.
 * Return: 0 and @out filled; -ENODATA when the IOMMU-off runs cannot tell
 * (the local one does not start at @on0_ns or shows no cache rise, or the
 * remote one starts at @on0_ns: use it as it is); -EINVAL when the windows
 * differ.
 */
int cal_remote_base(const struct pb_curve *local_off, const struct pb_curve *remote_off,
		    double on0_ns, struct pb_curve *out);

/**
 * cal_remote_mix() - the mix itself, without cal_remote_base()'s checks:
 * @local_off's start, its change towards its last value as the fraction,
 * @remote_off's last value as the end (also for throughput curves, whose
 * cache misses are a fall). Return: 0, or -EINVAL (windows differ, or
 * @local_off does not change).
 */
int cal_remote_mix(const struct pb_curve *local_off, const struct pb_curve *remote_off,
		   struct pb_curve *out);

/* Fit result. */
struct cal_fit {
	uint32_t iotlb_entries;	 /* fitted IOTLB entries (fully associative) */
	uint32_t pwc_l2_entries; /* fitted level-2 PWC entries */
	bool l2_bound;		 /* no second rise seen: l2 is a lower bound */
	uint64_t walk_fixed_ns;	 /* fitted per-walk overhead */
	uint64_t mem_read_ns;	 /* fitted page-table read (local) */
	bool read_fitted;	 /* false: the curve cannot tell the read latency apart */
	bool miss_fitted;	 /* false: no window misses the IOTLB (super pages): entries is
				    a lower bound, walk latencies keep the template's values */
	struct cal_score score;	 /* the fitted model against the curve */
};

/**
 * cal_fit() - fit @tmpl's IOTLB size, level-2 PWC size, walk.fixed_ns and
 * mem.read_ns to @meas over @base (NULL: flat). @tmpl gives everything else
 * (page size, pt.remote, mem.remote_extra_ns, the default mem.read_ns used
 * when the curve cannot identify it). @out_cfg receives the fitted config.
 * Return: 0 or -errno.
 */
int cal_fit(const struct model_cfg *tmpl, const struct pb_curve *meas, const struct pb_curve *base,
	    struct model_cfg *out_cfg, struct cal_fit *fit);

#endif /* SVATRACE_CALIBRATE_FIT_H */
