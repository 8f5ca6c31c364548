/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pciebench.h - reading pcie-bench result folders (Neugebauer et al.,
 * SIGCOMM'18; data/pcie-bench/README.md): the latency-vs-window file of
 * 64-byte random DMA reads, the throughput file of the same sweep, and what
 * a folder's name says about the run (CPU, IOMMU off / 4 KiB / super pages,
 * local or remote memory, the name of its IOMMU-off baseline).
 *
 * Errors name the file and line; nothing here prints.
 */
#ifndef SVATRACE_CALIBRATE_PCIEBENCH_H
#define SVATRACE_CALIBRATE_PCIEBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PB_MAX_WINDOWS 32			    /* windows per block */
#define PB_LAT_FILE "lat_dma_sweep_rd_rnd_64.txt"   /* latency sweep */
#define PB_BW_FILE "bw_dma_win_sweep_rd_rnd_64.txt" /* throughput sweep */

/* One measured curve: a value per window size, windows increasing. */
struct pb_curve {
	uint32_t nr;			    /* windows */
	uint64_t win_bytes[PB_MAX_WINDOWS]; /* window size */
	double val[PB_MAX_WINDOWS];	    /* latency: Avg(ns), mean; throughput: Gb/s */
};

enum pb_iommu {
	PB_IOMMU_OFF = 0, /* no -iommu suffix: the baseline */
	PB_IOMMU_4K = 1,  /* -iommu-nosp, or Sandy Bridge -iommu: 4 KiB mappings */
	PB_IOMMU_SP = 2,  /* -iommu on Ivy Bridge / Broadwell: super pages allowed */
};

/* What a folder's name says. */
struct pb_run {
	char name[256];	      /* folder base name */
	char cpu[8];	      /* "snb", "ib", "bdw" */
	char model[32];	      /* "e5-2630v4" (lower case), "" if absent */
	enum pb_iommu iommu;  /* mapping size */
	bool two_socket;      /* name has -sX-sY-sZ */
	bool remote;	      /* buffer on another socket than the device */
	char base_name[256];  /* IOMMU-off run of the same host and sockets */
	char local_name[256]; /* remote runs: the local-memory sibling (same suffix) */
	char machine[64];     /* profile name: "bdw-e5-2630v4-local" */
};

/**
 * pb_run_parse() - what @dir's base name says about the run.
 * Return: 0, or -EINVAL with @err when the name is not a pcie-bench folder.
 */
int pb_run_parse(const char *dir, struct pb_run *r, char *err, size_t err_bytes);

/**
 * pb_read_lat() - the latency file's block @cache ("DWarm"): Avg(ns) per window.
 * Return: 0, -ENOENT (no file), -EINVAL ("FILE:LINE: why" in @err).
 */
int pb_read_lat(const char *path, const char *cache, struct pb_curve *c, char *err,
		size_t err_bytes);

/**
 * pb_read_bw() - the throughput file's block @cache: Gb/s per window.
 * Return: as pb_read_lat().
 */
int pb_read_bw(const char *path, const char *cache, struct pb_curve *c, char *err,
	       size_t err_bytes);

/** pb_iommu_name() - "off", "4k", "superpages". */
const char *pb_iommu_name(enum pb_iommu m);

#endif /* SVATRACE_CALIBRATE_PCIEBENCH_H */
