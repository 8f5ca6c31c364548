// SPDX-License-Identifier: GPL-2.0
/*
 * test_calibrate.c - the pcie-bench reader (values of a real file, truncated
 * files, wrong columns, missing file: errors naming file and line), what
 * folder names say (IOMMU off / 4 KiB / super pages, Sandy Bridge's -iommu,
 * remote siblings), and the fit recovering known parameters from a curve
 * the model itself drew.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "calibrate/fit.h"
#include "calibrate/pciebench.h"
#include "calibrate/tput.h"
#include "model/params.h"
#include "model/xlate/model.h"

#define BDW "data/pcie-bench/nfp6000-1.2GHz_bdw-Xeon-E5-2630v4-dell-t430-s0-s0-s0-iommu-nosp"

static char tmpdir[] = "/tmp/svt-cal.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

/* Copy the first @nr_lines of the real file to a temp file, optionally editing one line. */
static const char *copy_lines(const char *name, int nr_lines, int edit_line, const char *edit,
			      size_t cut_bytes)
{
	static char path[256];
	char line[1024];
	FILE *in = fopen(BDW "/" PB_LAT_FILE, "r"), *out;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	out = fopen(path, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in) && n < nr_lines) {
		n++;
		if (n == edit_line)
			fputs(edit, out);
		else if (n == nr_lines && cut_bytes)
			fwrite(line, 1, cut_bytes, out); /* a file cut inside a line */
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
	return path;
}

static void test_read_real(void **state)
{
	struct pb_curve c;
	char err[512];

	assert_int_equal(pb_read_lat(BDW "/" PB_LAT_FILE, "DWarm", &c, err, sizeof(err)), 0);
	assert_int_equal(c.nr, 12);
	assert_int_equal(c.win_bytes[0], 8192);
	assert_int_equal(c.win_bytes[5], 1572864); /* 1.5MB */
	assert_int_equal(c.win_bytes[11], 64u << 20);
	/* DWarm Avg(ns), not Cold's or TAvg(ns) (729.2) */
	assert_true(c.val[0] > 537.55 && c.val[0] < 537.65);
	assert_true(c.val[11] > 897.95 && c.val[11] < 898.05);
	assert_int_equal(pb_read_lat(BDW "/" PB_LAT_FILE, "Cold", &c, err, sizeof(err)), 0);
	assert_true(c.val[11] > 901.15 && c.val[11] < 901.25);
}

static void test_read_bad(void **state)
{
	struct pb_curve c;
	char err[512];
	const char *p;

	assert_int_equal(pb_read_lat("/nonexistent/" PB_LAT_FILE, "DWarm", &c, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/" PB_LAT_FILE));
	/* truncated at a line boundary inside the DWarm block (rows 28..) */
	p = copy_lines("trunc.txt", 30, 0, NULL, 0);
	assert_int_equal(pb_read_lat(p, "DWarm", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "trunc.txt:30: truncated"));
	/* cut inside a line */
	p = copy_lines("cut.txt", 33, 0, NULL, 40);
	assert_int_equal(pb_read_lat(p, "DWarm", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cut.txt:33: "));
	assert_non_null(strstr(err, "expected 23"));
	/* wrong header column */
	p = copy_lines("hdr.txt", 60, 1,
		       " Test PAT Cache HO DO WinSZ SZ TAvg Avg Med Min Max 95% 99.9% TAvg(ns) "
		       "Mean(ns) Med(ns) Min(ns) Max(ns) 95%(ns) 99.9%(ns) #outliers #samples\n",
		       0);
	assert_int_equal(pb_read_lat(p, "DWarm", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "hdr.txt:1: not a pcie-bench latency header"));
	/* a row with a column missing */
	p = copy_lines(
	    "col.txt", 60, 29,
	    "  LAT_DMA_RD Rand DWarm 0 0 64KB 64 965.0 735.4 720 704 2480 736 1152 804.2 "
	    "612.8 600 586 2066 613 960 2\n",
	    0);
	assert_int_equal(pb_read_lat(p, "DWarm", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "col.txt:29: 22 columns, expected 23"));
	/* the throughput layout refuses a latency file */
	assert_int_equal(pb_read_bw(BDW "/" PB_LAT_FILE, "DWarm", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":1: not a pcie-bench throughput header"));
}

static void test_run_names(void **state)
{
	struct pb_run r;
	char err[256];

	assert_int_equal(pb_run_parse("x/nfp6000-1.2GHz_snb-Xeon-E5-2630_dell-t620-iommu/", &r, err,
				      sizeof(err)),
			 0);
	assert_string_equal(r.cpu, "snb");
	assert_int_equal(r.iommu, PB_IOMMU_4K); /* no super pages on Sandy Bridge */
	assert_string_equal(r.base_name, "nfp6000-1.2GHz_snb-Xeon-E5-2630_dell-t620");
	assert_string_equal(r.machine, "snb-e5-2630");
	assert_false(r.two_socket);

	assert_int_equal(pb_run_parse("nfp6000-1.2GHz_ib-Xeon-E5-2620v2_dell-t620-s0-s1-s1-iommu",
				      &r, err, sizeof(err)),
			 0);
	assert_int_equal(r.iommu, PB_IOMMU_SP);
	assert_true(r.remote);
	assert_string_equal(r.local_name,
			    "nfp6000-1.2GHz_ib-Xeon-E5-2620v2_dell-t620-s0-s0-s0-iommu");
	assert_string_equal(r.base_name, "nfp6000-1.2GHz_ib-Xeon-E5-2620v2_dell-t620-s0-s1-s1");
	assert_string_equal(r.machine, "ib-e5-2620v2-remote");

	assert_int_equal(pb_run_parse(BDW, &r, err, sizeof(err)), 0);
	assert_int_equal(r.iommu, PB_IOMMU_4K);
	assert_false(r.remote);
	assert_string_equal(r.machine, "bdw-e5-2630v4-local");

	assert_int_equal(pb_run_parse("nfp6000-1.2GHz_bdw-Xeon-E5-2630v4-dell-t430-s0-s0-s0", &r,
				      err, sizeof(err)),
			 0);
	assert_int_equal(r.iommu, PB_IOMMU_OFF);
	assert_int_equal(pb_run_parse("some-folder", &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "some-folder: not a pcie-bench result folder name"));
}

/* A curve drawn by the model with known values: the fit must give them back. */
static void test_fit_recovers(void **state)
{
	static const uint64_t kib[] = {8, 256, 512, 1024, 2048, 4096, 16384, 65536};
	struct params *p =
	    params__new((const struct param_table *const[]){&model_param_table, NULL});
	struct model_cfg truth, tmpl, got;
	struct pb_curve meas = {.nr = 8};
	struct cal_score s;
	struct cal_fit fit;

	assert_non_null(p);
	tmpl = *(const struct model_cfg *)params__cfg(p, &model_param_table);
	tmpl.scalable = 0;
	truth = tmpl;
	truth.iotlb_entries = truth.iotlb_ways = 96;
	truth.pwc_lvl_entries[2] = 2; /* second rise past 4 MiB */
	truth.walk_fixed_ns = 180;
	truth.mem_read_ns = 60;
	for (int i = 0; i < 8; i++) {
		meas.win_bytes[i] = kib[i] * 1024;
		meas.val[i] = 500;
	}
	assert_int_equal(cal_predict(&truth, &meas, NULL, &s), 0);
	/* at 64 MiB: 1-96/16384 misses x (240 + 60 x 31/32 level-2 misses) */
	assert_true(s.pred_inc[7] > 290 && s.pred_inc[7] < 302);
	for (int i = 0; i < 8; i++)
		meas.val[i] = 500 + s.pred_inc[i];
	assert_int_equal(cal_fit(&tmpl, &meas, NULL, &got, &fit), 0);
	assert_int_equal(fit.iotlb_entries, 96);
	assert_int_equal(fit.pwc_l2_entries, 2);
	assert_true(fit.read_fitted);
	assert_true(fit.mem_read_ns >= 55 && fit.mem_read_ns <= 65);
	assert_true(fit.walk_fixed_ns + fit.mem_read_ns >= 236 &&
		    fit.walk_fixed_ns + fit.mem_read_ns <= 244);
	assert_true(fit.score.err < 0.02);
	params__free(p);
}

/* pwc.l2_entries and pt.remote change what a walk costs, by the amounts the fit assumes. */
static void test_model_knobs(void **state)
{
	static const uint64_t win[] = {8 << 10, 64 << 20};
	struct params *p =
	    params__new((const struct param_table *const[]){&model_param_table, NULL});
	struct model_cfg c;
	struct cal_sweep big, small, remote;

	assert_non_null(p);
	c = *(const struct model_cfg *)params__cfg(p, &model_param_table);
	c.scalable = 0;
	c.iotlb_entries = c.iotlb_ways = 16;
	c.pwc_lvl_entries[2] = 64; /* 128 MiB reach: one read per walk */
	assert_int_equal(cal_sweep(&c, win, 2, &big), 0);
	assert_true(big.miss[1] > 0.99);
	assert_true(fabs(big.reads[1] / big.miss[1] - 1) < 0.01);
	c.pwc_lvl_entries[2] = 1; /* 2 MiB reach: 31 of 32 walks also read the PDE */
	assert_int_equal(cal_sweep(&c, win, 2, &small), 0);
	assert_true(fabs(small.reads[1] / small.miss[1] - (1 + 31.0 / 32)) < 0.02);
	/* remote tables: every read costs remote_extra_ns more */
	c.pt_remote = 1;
	c.mem_remote_extra_ns = 100;
	assert_int_equal(cal_sweep(&c, win, 2, &remote), 0);
	assert_true(fabs(remote.lat_ns[1] - small.lat_ns[1] - 100 * small.reads[1]) < 1);
	params__free(p);
}

/*
 * One stack-distance pass per window gives every grid size's misses: the
 * IOTLB's equal a model run's exactly; the level-2 misses per walk equal a
 * model run's behind a small IOTLB within sampling noise.
 */
static void test_mrc_equals_sweeps(void **state)
{
	static const uint64_t win[] = {512 << 10, 1 << 20, 8 << 20, 64 << 20};
	static const uint32_t ns[] = {16, 64, 120, 256}, l2s[] = {1, 4, 64};
	struct params *p =
	    params__new((const struct param_table *const[]){&model_param_table, NULL});
	double miss[4][PB_MAX_WINDOWS], l2miss[3][PB_MAX_WINDOWS];
	struct model_cfg c;
	struct cal_sweep sw;

	assert_non_null(p);
	c = *(const struct model_cfg *)params__cfg(p, &model_param_table);
	c.scalable = 0;
	assert_int_equal(cal_mrc(&c, win, 4, ns, 4, l2s, 3, miss, l2miss), 0);
	for (int i = 0; i < 4; i++) {
		c.iotlb_entries = c.iotlb_ways = ns[i];
		c.pwc_lvl_entries[2] = 64;
		assert_int_equal(cal_sweep(&c, win, 4, &sw), 0);
		for (int k = 0; k < 4; k++)
			assert_true(fabs(sw.miss[k] - miss[i][k]) < 1e-12);
	}
	/* 120 entries over 128 pages: 1 - 120/128 of the accesses miss */
	assert_true(fabs(miss[2][0] - 8.0 / 128) < 0.01);
	for (int j = 0; j < 3; j++) {
		c.iotlb_entries = c.iotlb_ways = 16;
		c.pwc_lvl_entries[2] = l2s[j];
		assert_int_equal(cal_sweep(&c, win, 4, &sw), 0);
		for (int k = 0; k < 4; k++)
			assert_true(fabs(sw.reads[k] / sw.miss[k] - 1 - l2miss[j][k]) < 0.02);
	}
	/* 1 entry over 32 regions at 64 MiB: 31 of 32 walks read the PDE */
	assert_true(fabs(l2miss[0][3] - 31.0 / 32) < 0.01);
	assert_true(l2miss[2][3] < 1e-12);
	assert_int_equal(cal_mrc(&c, win, 4, ns, CAL_MRC_MAX + 1, l2s, 3, miss, l2miss), -EINVAL);
	params__free(p);
}

/*
 * The remote data path from the two IOMMU-off runs: the local run's cache
 * misses (its rise as a fraction) times the remote run's DRAM latency;
 * refused when the IOMMU-off runs cannot tell.
 */
static void test_remote_base(void **state)
{
	struct pb_curve lo = {
	    .nr = 4, .win_bytes = {8192, 1 << 20, 4 << 20, 64 << 20}, .val = {540, 550, 590, 615}};
	struct pb_curve hi = {
	    .nr = 4, .win_bytes = {8192, 1 << 20, 4 << 20, 64 << 20}, .val = {677, 675, 675, 675}};
	struct pb_curve out, flat = lo;

	(void)state;
	assert_int_equal(cal_remote_base(&lo, &hi, 541, &out), 0);
	assert_true(fabs(out.val[0] - 540) < 1e-9);
	/* 10 of the 75 ns rise: 2/15 of the way to 675 */
	assert_true(fabs(out.val[1] - (540 + 135.0 * 10 / 75)) < 1e-9);
	assert_true(fabs(out.val[2] - (540 + 135.0 * 50 / 75)) < 1e-9);
	assert_true(fabs(out.val[3] - 675) < 1e-9);
	/* the remote run starts with the IOMMU-on run: it is the data path as it is */
	assert_int_equal(cal_remote_base(&lo, &hi, 670, &out), -ENODATA);
	/* the local run starts elsewhere (Broadwell: 608 vs 538 ns) */
	assert_int_equal(cal_remote_base(&lo, &hi, 500, &out), -ENODATA);
	/* no cache rise in the local run */
	for (int i = 0; i < 4; i++)
		flat.val[i] = 540 + i;
	assert_int_equal(cal_remote_base(&flat, &hi, 541, &out), -ENODATA);
	hi.win_bytes[2] = 8 << 20;
	assert_int_equal(cal_remote_base(&lo, &hi, 541, &out), -EINVAL);
}

/* Values between the latency file's windows, for the throughput file's. */
static void test_curve_at(void **state)
{
	struct pb_curve c = {.nr = 3, .win_bytes = {8192, 2 << 20, 8 << 20}, .val = {10, 20, 40}};

	(void)state;
	assert_true(fabs(cal_curve_at(&c, 4096) - 10) < 1e-9);
	assert_true(fabs(cal_curve_at(&c, 2 << 20) - 20) < 1e-9);
	assert_true(fabs(cal_curve_at(&c, 4 << 20) - 30) < 1e-9); /* log2 midpoint */
	assert_true(fabs(cal_curve_at(&c, 64 << 20) - 40) < 1e-9);
}

/* The built-in model, legacy mode, with Broadwell's fitted IOTLB (120) and walk (215 + 73 ns). */
static struct model_cfg bdw_cfg(const struct params *p)
{
	struct model_cfg c = *(const struct model_cfg *)params__cfg(p, &model_param_table);

	c.scalable = 0;
	c.iotlb_entries = c.iotlb_ways = 120;
	c.pwc_lvl_entries[2] = 64;
	c.walk_fixed_ns = 215;
	c.mem_read_ns = 73;
	return c;
}

/*
 * In-order translation (tput.h): at 512 KiB a 120-entry IOTLB misses 1 read
 * in 16; with no hit under miss each of those walks holds back the reads
 * behind it, which costs a third of the throughput (Broadwell: 33.6 -> 22.9
 * Gb/s); in any order the 36 reads in flight hide them. Where nothing
 * misses (256 KiB) the order changes nothing.
 */
static void test_tput_in_order(void **state)
{
	static const uint64_t win[] = {256 << 10, 512 << 10};
	struct params *p =
	    params__new((const struct param_table *const[]){&model_param_table, NULL});
	struct cal_device dev = {
	    .outstanding = 36, .data_ns = {540, 540}, .cap_gbps = {33.6, 33.6}};
	struct model_cfg c;
	double any[2], ord[2];

	(void)state;
	assert_non_null(p);
	c = bdw_cfg(p);
	c.walkers = 6;
	assert_int_equal(cal_tput(&c, &dev, win, 2, any), 0);
	dev.in_order = 1;
	assert_int_equal(cal_tput(&c, &dev, win, 2, ord), 0);
	assert_true(fabs(ord[0] - any[0]) < 1e-9);
	assert_true(any[1] > 31);
	assert_true(ord[1] > 20 && ord[1] < 27);
	dev.outstanding = 0;
	assert_int_equal(cal_tput(&c, &dev, win, 2, ord), -EINVAL);
	params__free(p);
}

/*
 * cal_tput_walkers() gives, for every walker count, exactly cal_tput()'s
 * curve with that count: at 256 KiB nothing misses, so it reuses the
 * one-walker run; at 4 MiB every read misses and walks queue for the
 * walkers, so each count is its own run (and more walkers are faster).
 */
static void test_tput_walkers(void **state)
{
	static const uint64_t win[] = {256 << 10, 4 << 20};
	struct params *p =
	    params__new((const struct param_table *const[]){&model_param_table, NULL});
	struct cal_device dev = {
	    .outstanding = 36, .in_order = 1, .data_ns = {540, 540}, .cap_gbps = {33.6, 33.6}};
	double all[3][PB_MAX_WINDOWS], one[2];
	struct model_cfg c;

	(void)state;
	assert_non_null(p);
	c = bdw_cfg(p);
	assert_int_equal(cal_tput_walkers(&c, &dev, win, 2, 3, all), 0);
	for (uint32_t w = 1; w <= 3; w++) {
		c.walkers = w;
		assert_int_equal(cal_tput(&c, &dev, win, 2, one), 0);
		assert_true(all[w - 1][0] == one[0]);
		assert_true(all[w - 1][1] == one[1]);
	}
	assert_true(all[0][1] < all[2][1]);
	dev.outstanding = 0;
	assert_int_equal(cal_tput_walkers(&c, &dev, win, 2, 3, all), -EINVAL);
	params__free(p);
}

/*
 * cal_tput_fit_walkers() picks the count a scan of cal_tput_walkers()'s
 * whole grid picks (the first smallest sum of squares), with the same sum
 * and curve to the bit, from fewer runs: the measured curve is count 3's
 * own, moved off it at one window, so counts far from 3 lose at once. On a
 * tie (256 KiB: every count gives the same curve, although the warm-up's
 * first misses wait for walkers, so no count stands for the others) the
 * smallest count wins, and with no finite sum count 1 (as the scan).
 */
static void test_tput_fit_walkers(void **state)
{
	static const uint64_t win[] = {256 << 10, 1 << 20, 4 << 20};
	struct params *p =
	    params__new((const struct param_table *const[]){&model_param_table, NULL});
	struct cal_device dev = {.outstanding = 36,
				 .in_order = 1,
				 .data_ns = {540, 540, 540},
				 .cap_gbps = {33.6, 33.6, 33.6}};
	double all[6][PB_MAX_WINDOWS], best = INFINITY;
	struct pb_curve meas = {.nr = 3};
	struct cal_walkers_fit f;
	uint32_t want = 0;
	struct model_cfg c;

	(void)state;
	assert_non_null(p);
	c = bdw_cfg(p);
	assert_int_equal(cal_tput_walkers(&c, &dev, win, 3, 6, all), 0);
	for (uint32_t i = 0; i < 3; i++) {
		meas.win_bytes[i] = win[i];
		meas.val[i] = all[2][i] + (i == 2 ? 0.3 : 0);
	}
	for (uint32_t w = 0; w < 6; w++) {
		double e = 0;

		for (uint32_t i = 0; i < 3; i++)
			e += (all[w][i] - meas.val[i]) * (all[w][i] - meas.val[i]);
		if (e < best) {
			best = e;
			want = w + 1;
		}
	}
	assert_true(all[0][2] < all[5][2] - 1); /* the counts differ at 4 MiB */
	assert_int_equal(cal_tput_fit_walkers(&c, &dev, &meas, 6, &f), 0);
	assert_int_equal(f.walkers, want);
	assert_true(f.sse == best);
	for (uint32_t i = 0; i < 3; i++)
		assert_true(f.pred[i] == all[want - 1][i]);
	assert_true(f.nr_runs < 3 * 6);
	meas.nr = 1;
	meas.val[0] += 0.5;
	assert_int_equal(cal_tput_fit_walkers(&c, &dev, &meas, 6, &f), 0);
	assert_int_equal(f.walkers, 1);
	assert_true(f.pred[0] == all[0][0]);
	/* no sum is finite: as the scan, count 1, and no window out of range */
	meas.val[0] = NAN;
	assert_int_equal(cal_tput_fit_walkers(&c, &dev, &meas, 6, &f), 0);
	assert_int_equal(f.walkers, 1);
	assert_int_equal(cal_tput_fit_walkers(&c, &dev, &meas, 0, &f), -EINVAL);
	assert_int_equal(cal_tput_fit_walkers(&c, &dev, &meas, CAL_MAX_WALKERS + 1, &f), -EINVAL);
	params__free(p);
}

/* The latency model__access() adds for one 64-byte read of @iova at @t_ns. */
static uint64_t read_lat(struct model *m, uint64_t t_ns, uint64_t iova)
{
	struct model_access a = {.bytes = 64, .sid = 0x100, .domain = 1, .iova = iova};
	uint64_t before = model__latency_sum_ns(m);

	model__access(m, t_ns, &a);
	return model__latency_sum_ns(m) - before;
}

/*
 * walk.leaf_serial: two misses at once to pages of one leaf table (one 2
 * MiB region): the second walk starts when the first ends; to two leaf
 * tables, or with the key off, both walk at once. A broken key (ignored,
 * or keyed by page or by a wider region) fails one of the three.
 */
static void test_leaf_serial(void **state)
{
	struct params *p =
	    params__new((const struct param_table *const[]){&model_param_table, NULL});
	const uint64_t base = 1ull << 32, two_mib = 2ull << 20;
	struct model_cfg c;
	struct model *m;
	uint64_t first, same, other;

	(void)state;
	assert_non_null(p);
	c = *(const struct model_cfg *)params__cfg(p, &model_param_table);
	c.scalable = 0;
	c.walkers = 4;
	c.walk_fixed_ns = 200;
	c.mem_read_ns = 70;
	for (int ls = 0; ls < 2; ls++) {
		c.walk_leaf_serial = (uint8_t)ls;
		assert_non_null(m = model__new(&c));
		first = read_lat(m, 1000, base);
		same = read_lat(m, 1000, base + 4096);		      /* same leaf table */
		other = read_lat(m, 1000, base + 2 * two_mib + 4096); /* another one */
		model__free(m);
		assert_true(first >= 270);
		/* the second walk of the table reads only the leaf (the PDE is cached) */
		if (ls)
			assert_true(same >= first + 270);
		else
			assert_true(same < first);
		assert_true(other <= first);
	}
	params__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_real),	     cmocka_unit_test(test_read_bad),
	    cmocka_unit_test(test_run_names),	     cmocka_unit_test(test_fit_recovers),
	    cmocka_unit_test(test_model_knobs),	     cmocka_unit_test(test_remote_base),
	    cmocka_unit_test(test_curve_at),	     cmocka_unit_test(test_mrc_equals_sweeps),
	    cmocka_unit_test(test_tput_in_order),    cmocka_unit_test(test_tput_walkers),
	    cmocka_unit_test(test_tput_fit_walkers), cmocka_unit_test(test_leaf_serial),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
