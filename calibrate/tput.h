/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tput.h - throughput of a closed-loop device (issue #15, item 7): a DMA
 * engine with a limited number of outstanding reads (its tags) turns the
 * translation model's latency, and the walkers' queueing under load, into
 * achievable 64-byte read throughput, for pcie-bench's
 * bw_dma_win_sweep_rd_rnd_64.txt.
 *
 * Model assumptions:
 * - The device keeps @outstanding reads in flight; a read is issued when
 *   one completes, but no faster than the data path allows at that window
 *   (one 64-byte read per 512 / cap_gbps ns).
 * - The data path's rate cap per window: the IOMMU-on run's link rate (its
 *   largest measured throughput, where nothing misses the IOTLB) scaled by
 *   the IOMMU-off throughput at that window over the IOMMU-off maximum. The
 *   IOMMU-off run measures what the data path alone sustains under load
 *   (Sandy Bridge: 33.1 -> 29.7 Gb/s at 256 KiB although its latency rises
 *   8 ns); scaling takes its shape, not its level, since Broadwell's
 *   IOMMU-off runs reach 28 Gb/s where its IOMMU-on runs reach 33.6.
 * - A read completes after its translation (model__access at its issue
 *   time; walks queue for walk.walkers FCFS walkers) plus the data path's
 *   latency at that window (@data_ns: the run's latency at its smallest
 *   window plus the latency fit's data-path rise, fit.h).
 * - With @in_order, translations complete in arrival order: a read that hits
 *   waits for every earlier read's walk (no hit under miss); later misses
 *   still start their walks (miss under miss, up to walk.walkers). Source:
 *   the same host's latency file. Broadwell at 512 KiB (128 pages): median
 *   533 ns as at 8 KiB, 95th percentile 813 ns (+280 ns: one whole walk),
 *   mean +25 ns, so about 9% of reads miss a single ~120-entry IOTLB with
 *   one read in flight (a 64-entry first level over a cheap second level
 *   would put half the reads at +50 ns and the 95th percentile near 600 ns).
 *   Under load the same 9% take 33.6 -> 22.9 Gb/s (44.7 M reads/s): about
 *   250 ns of the whole stream per miss, one walk (c1 = 288 ns), which a
 *   miss that only delays its own read cannot cost with 36 reads in flight.
 *   No vendor document describes the IIO's translation pipeline; Intel's
 *   later IIO perfmon (Ice Lake-SP UNC_IIO_IOMMU1.CYC_PWT_FULL, "maximum
 *   limit for outstanding page walks", intel/perfmon ICX events) documents
 *   the walk limit that bounds miss under miss.
 * - walk.leaf_serial (the caller's choice; cmd_calibrate fits it with
 *   walk.walkers): a walk that needs the leaf table of a walk in flight
 *   waits for it. Source: Sandy Bridge's own throughput curve, an estimate
 *   (docs/calibration.md): its walks overlap 0.9 / 1.5 / 2.2 / 3.0 / 4.0 at
 *   once over 1 / 2 / 4 / 8 / 32 leaf tables, the expected number of
 *   distinct tables before a repeat (1, 1.5, 2.22, 3.25), capped near 4.
 * - Random 64-byte aligned offsets over the window, as in the latency fit;
 *   12000 warm-up reads, 20000 measured.
 */
#ifndef SVATRACE_CALIBRATE_TPUT_H
#define SVATRACE_CALIBRATE_TPUT_H

#include <stdint.h>

#include "calibrate/pciebench.h"
#include "model/xlate/config.h"

/* The closed-loop device. */
struct cal_device {
	uint32_t outstanding; /* reads in flight (tags) */
	int in_order;	      /* translations complete in arrival order (no hit under miss) */
	double data_ns[PB_MAX_WINDOWS];	 /* data-path latency of one read, per window */
	double cap_gbps[PB_MAX_WINDOWS]; /* data-path rate cap (64-byte reads), per window */
};

/**
 * cal_curve_at() - @c's value at @win_bytes: linear in log2(window) between
 * its windows, its end values outside them (the latency and throughput
 * files sweep different windows).
 */
double cal_curve_at(const struct pb_curve *c, uint64_t win_bytes);

/**
 * cal_tput() - predicted Gb/s of 64-byte reads for each window of @win_bytes.
 * Return: 0 or -errno.
 */
int cal_tput(const struct model_cfg *cfg, const struct cal_device *dev, const uint64_t *win_bytes,
	     uint32_t nr, double *gbps);

/**
 * cal_tput_walkers() - cal_tput() for walk.walkers = 1..@max_walkers (the
 * rest of @cfg as given): @gbps[w - 1][i] for window i. The same numbers as
 * cal_tput() with each count, computed once per window up to the first
 * count whose walks never wait for a walker: walkers are identical FCFS
 * servers, and with one more a walk starts no later (given the same walks,
 * the (k+1)-th earliest free time of c + 1 walkers is never later than the
 * k-th of c), so when every walk
 * starts on arrival with c walkers it does with any more, and the whole run
 * (the model is deterministic) is the same.
 * Return: 0 or -errno.
 */
int cal_tput_walkers(const struct model_cfg *cfg, const struct cal_device *dev,
		     const uint64_t *win_bytes, uint32_t nr, uint32_t max_walkers,
		     double (*gbps)[PB_MAX_WINDOWS]);

#define CAL_MAX_WALKERS 32 /* largest walker grid of cal_tput_fit_walkers() */

/* The least-squares walker count for one configuration (cal_tput_fit_walkers()). */
struct cal_walkers_fit {
	uint32_t walkers;	     /* walk.walkers with the smallest sum (the smallest on ties) */
	double sse;		     /* its sum of squared errors over the windows, (Gb/s)^2 */
	double pred[PB_MAX_WINDOWS]; /* its curve (cal_tput() with that count) */
	uint32_t nr_runs; /* closed-loop runs it took (the full grid: windows x counts) */
};

/**
 * cal_tput_fit_walkers() - walk.walkers in 1..@max_walkers by least squares
 * against @meas: the count whose curve (cal_tput() with it, the rest of @cfg
 * as given) has the smallest sum over the windows of (predicted -
 * measured)^2, summed in window order, the smallest count on ties. The same
 * answer as cal_tput_walkers() and a scan of every count, without running
 * the whole grid. It is a best-first branch and bound over (count, window)
 * pairs: a count's partial sum over the windows it has run is a lower bound
 * of its whole sum (the terms are not negative), so the count with the
 * smallest partial sum runs its next window (first the windows no count has
 * run, then the one whose nearest count's term was the largest: the windows
 * that tell counts apart), and the search ends when every unfinished count's
 * partial sum exceeds a finished count's whole sum (by a relative 1e-9,
 * well above the rounding of a sum of 32 terms in another order: a count on
 * a tie is always finished). A window's value for a count comes free once a
 * smaller count's run there had no walk wait for a walker (as in
 * cal_tput_walkers()).
 * Return: 0, -EINVAL (@max_walkers 0 or over CAL_MAX_WALKERS, unusable
 * device, too many windows), or -errno of the model.
 */
int cal_tput_fit_walkers(const struct model_cfg *cfg, const struct cal_device *dev,
			 const struct pb_curve *meas, uint32_t max_walkers,
			 struct cal_walkers_fit *fit);

/**
 * cal_tput_err() - largest |predicted - measured| over the windows, as a
 * fraction of the IOMMU-off throughput at the same window (@off; NULL: of
 * the measured curve's first value). The throughput metric.
 */
double cal_tput_err(const double *pred, const struct pb_curve *meas, const struct pb_curve *off,
		    uint32_t *at);

#endif /* SVATRACE_CALIBRATE_TPUT_H */
