// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_calibrate.c - `svatrace calibrate`: fit the translation model to a
 * pcie-bench latency curve and write a profile (pcie-bench), or predict a
 * curve with a profile and print the error (check). Method and parameters:
 * docs/calibration.md; the library part is calibrate/.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "calibrate/fit.h"
#include "calibrate/pciebench.h"
#include "calibrate/tput.h"
#include "cli/cli.h"
#include "model/params.h"
#include "model/xlate/config.h"
#include "replay/profile.h"
#include "replay/registry.h"

#define CMD "calibrate"
#define CACHE_STATE "DWarm" /* the curve: data warmed by the device */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace calibrate pcie-bench DIR [--baseline DIR | --no-baseline]\n"
	    "                          [-o PROFILE.ini] [--plot FILE.png]\n"
	    "       svatrace calibrate check PROFILE DIR [--baseline DIR | --no-baseline]\n"
	    "                          [--plot FILE.png]\n"
	    "       svatrace calibrate default PROFILE... [-o FILE.ini]\n"
	    "       svatrace calibrate throughput PROFILE DIR [--baseline DIR]\n"
	    "  (each also takes --json: one JSON object with the same values as the text)\n"
	    "\n"
	    "pcie-bench: fit the translation model to DIR/" PB_LAT_FILE "\n"
	    "  (mean latency of 64-byte random DMA reads vs window, " CACHE_STATE " block) of an\n"
	    "  IOMMU-on pcie-bench run (-iommu-nosp: 4 KiB mappings; -iommu: super pages, except\n"
	    "  Sandy Bridge). The IOMMU-off run of the same host (DIR without the suffix) is the\n"
	    "  baseline the data path is taken from. Prints measured vs predicted increases over\n"
	    "  the 8 KiB value and the largest error (of the measured plateau rise); -o writes a\n"
	    "  profile whose fitted values name the file and the error.\n"
	    "check: predict DIR's curve with PROFILE (a path or a name in data/profiles) and\n"
	    "  print the same table; a profile fitted on local memory predicts a remote-memory\n"
	    "  run through its data path (page tables stay on the IOMMU's node), and the reverse.\n"
	    "default: the translation values of a default profile from machine profiles\n"
	    "  (medians of what each fit identifies), as data/profiles/default.ini's.\n"
	    "throughput: predict DIR's " PB_BW_FILE " with a closed-loop device\n"
	    "  over PROFILE (fitted outstanding reads, walkers and whether walks to one leaf\n"
	    "  table serialise) and print the error.\n"
	    "\n"
	    "  --baseline DIR   IOMMU-off run to use (default: found by name next to DIR)\n"
	    "  --no-baseline    take the data path as flat\n"
	    "  -o FILE          write the fitted profile\n"
	    "  --plot FILE      draw measured and predicted curves with gnuplot (PNG)\n"
	    "  -j, --json       one JSON object: curves side by side, errors, fitted values\n"
	    "\n"
	    "Method, parameters and bounds: docs/calibration.md.\n");
}

struct opts {
	const char *dir;      /* IOMMU-on run */
	const char *baseline; /* --baseline */
	bool no_baseline;     /* --no-baseline */
	const char *out;      /* -o */
	const char *plot;     /* --plot */
	bool json;	      /* --json */
};

/* Everything a command needs about DIR: its curve, baseline, run and config template. */
struct target {
	struct pb_run run;		  /* what the name says */
	char lat_path[PATH_MAX + 64];	  /* DIR/lat file */
	char base_dir[PATH_MAX + 512];	  /* baseline folder, "" if none */
	struct pb_curve meas;		  /* measured curve */
	struct pb_curve base;		  /* baseline curve */
	bool have_base;			  /* base is valid */
	bool base_built;		  /* base built from both IOMMU-off runs (fit.h) */
	char base_local[PATH_MAX + 300];  /* built: the local IOMMU-off run */
	char base_remote[PATH_MAX + 300]; /* built: the remote IOMMU-off run */
	uint64_t remote_extra_ns;	  /* IOMMU-off remote - local, largest window */
	bool have_extra;		  /* both IOMMU-off runs were found */
};

static bool is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static void parent_of(const char *dir, char *buf, size_t n)
{
	char *s;

	snprintf(buf, n, "%s", dir);
	while (strlen(buf) > 1 && buf[strlen(buf) - 1] == '/')
		buf[strlen(buf) - 1] = 0;
	s = strrchr(buf, '/');
	if (!s)
		snprintf(buf, n, ".");
	else if (s == buf)
		buf[1] = 0;
	else
		*s = 0;
}

static int load_target(const struct opts *o, struct target *t)
{
	char err[PATH_MAX + 256], parent[PATH_MAX], p[PATH_MAX + 640];
	int rc;

	memset(t, 0, sizeof(*t));
	if (!is_dir(o->dir))
		return cli_error(CMD, "%s: not a folder", o->dir);
	if (pb_run_parse(o->dir, &t->run, err, sizeof(err)))
		return cli_error(CMD, "%s", err);
	if (t->run.iommu == PB_IOMMU_OFF)
		return cli_error(
		    CMD,
		    "%s is an IOMMU-off run (its name has no -iommu or -iommu-nosp "
		    "suffix): it is the baseline that calibration subtracts, not a curve "
		    "to fit; give the IOMMU-on run (%s-iommu-nosp or %s-iommu)",
		    o->dir, t->run.name, t->run.name);
	snprintf(t->lat_path, sizeof(t->lat_path), "%s/%s", o->dir, PB_LAT_FILE);
	if ((rc = pb_read_lat(t->lat_path, CACHE_STATE, &t->meas, err, sizeof(err))))
		return cli_error(CMD, "%s", err);
	parent_of(o->dir, parent, sizeof(parent));
	if (!o->no_baseline) {
		if (o->baseline)
			snprintf(t->base_dir, sizeof(t->base_dir), "%s", o->baseline);
		else
			snprintf(t->base_dir, sizeof(t->base_dir), "%s/%s", parent,
				 t->run.base_name);
		if (!is_dir(t->base_dir))
			return cli_error(
			    CMD,
			    "no IOMMU-off baseline: %s is not a folder (give --baseline DIR, "
			    "or --no-baseline to take the data path as flat)",
			    t->base_dir);
		snprintf(p, sizeof(p), "%s/%s", t->base_dir, PB_LAT_FILE);
		if (pb_read_lat(p, CACHE_STATE, &t->base, err, sizeof(err)))
			return cli_error(CMD, "baseline: %s", err);
		if (t->base.nr != t->meas.nr ||
		    memcmp(t->base.win_bytes, t->meas.win_bytes, t->meas.nr * sizeof(uint64_t)))
			return cli_error(CMD, "%s: baseline windows differ from %s", p,
					 t->lat_path);
		t->have_base = true;
	} else {
		*t->base_dir = 0;
	}
	/* remote memory: the IOMMU-off remote - local read latency at the largest window */
	if (t->run.two_socket) {
		struct pb_run r;
		struct pb_curve lo, hi;
		char a[PATH_MAX + 300], b[PATH_MAX + 300];
		const char *remote_base, *local_base;
		char lname[256];

		if (t->run.remote) {
			remote_base = t->run.base_name;
			if (pb_run_parse(t->run.local_name, &r, err, sizeof(err)))
				return cli_error(CMD, "%s", err);
			snprintf(lname, sizeof(lname), "%s", r.base_name);
			local_base = lname;
		} else {
			/* local run: the remote sibling is -s<X>-s<other>-s<other> */
			char *q;

			snprintf(lname, sizeof(lname), "%s", t->run.base_name);
			q = strstr(lname, "-s");
			if (q && q[5]) {
				char other = q[2] == '0' ? '1' : '0';

				q[5] = other;
				q[8] = other;
			}
			remote_base = lname;
			local_base = t->run.base_name;
		}
		snprintf(a, sizeof(a), "%s/%s/%s", parent, remote_base, PB_LAT_FILE);
		snprintf(b, sizeof(b), "%s/%s/%s", parent, local_base, PB_LAT_FILE);
		if (!pb_read_lat(a, CACHE_STATE, &hi, err, sizeof(err)) &&
		    !pb_read_lat(b, CACHE_STATE, &lo, err, sizeof(err))) {
			double d = hi.val[hi.nr - 1] - lo.val[lo.nr - 1];

			t->remote_extra_ns = d > 0 ? (uint64_t)(d + 0.5) : 0;
			t->have_extra = true;
			/* a remote run whose IOMMU-off twin never hits the cache (fit.h) */
			if (t->run.remote && !o->baseline && !o->no_baseline &&
			    !cal_remote_base(&lo, &hi, t->meas.val[0], &t->base)) {
				snprintf(t->base_local, sizeof(t->base_local), "%s/%s", parent,
					 local_base);
				snprintf(t->base_remote, sizeof(t->base_remote), "%s/%s", parent,
					 remote_base);
				snprintf(t->base_dir, sizeof(t->base_dir), "%s", t->base_remote);
				t->have_base = t->base_built = true;
			}
		}
	}
	return 0;
}

/* What the data path of @t is, for "baseline:" lines. */
static void print_base(const struct target *t, FILE *f)
{
	if (!t->have_base)
		fprintf(f, "baseline: none (flat data path)\n");
	else if (t->base_built)
		fprintf(
		    f,
		    "baseline: built (remote data path): cache misses of %s, remote DRAM of %s\n",
		    t->base_local, t->base_remote);
	else
		fprintf(f, "baseline: %s\n", t->base_dir);
}

static void print_table(const struct target *t, const struct cal_score *s, FILE *f)
{
	fprintf(f, "%10s %12s %12s %12s %10s\n", "window", "baseline+", "measured+", "predicted+",
		"error");
	for (uint32_t i = 0; i < s->nr; i++) {
		double w = (double)t->meas.win_bytes[i];
		char ws[32];

		if (w >= 1048576)
			snprintf(ws, sizeof(ws), "%gMiB", w / 1048576);
		else
			snprintf(ws, sizeof(ws), "%gKiB", w / 1024);
		fprintf(f, "%10s %12.1f %12.1f %12.1f %9.1f%%\n", ws,
			t->have_base ? t->base.val[i] - t->base.val[0] : 0.0, s->meas_inc[i],
			s->pred_inc[i],
			100.0 * (s->pred_inc[i] - s->meas_inc[i]) /
			    (s->plateau_ns > 1 ? s->plateau_ns : 1));
	}
	fprintf(f, "largest error: %.1f%% of the %.0f ns plateau rise, at %s window %u (%.0f ns)\n",
		100.0 * s->err, s->plateau_ns, t->run.name, s->err_at,
		s->pred_inc[s->err_at] - s->meas_inc[s->err_at]);
}

static int plot(const char *png, const struct target *t, const struct cal_score *s,
		const char *title)
{
	char dat[PATH_MAX + 8], gp[PATH_MAX + 8];
	FILE *f;
	pid_t pid;
	int st;

	snprintf(dat, sizeof(dat), "%s.dat", png);
	snprintf(gp, sizeof(gp), "%s.gp", png);
	if (!(f = fopen(dat, "w")))
		return cli_error(CMD, "%s: %s", dat, strerror(errno));
	fprintf(f, "# window_bytes measured_inc_ns predicted_inc_ns\n");
	for (uint32_t i = 0; i < s->nr; i++)
		fprintf(f, "%llu %.2f %.2f\n", (unsigned long long)t->meas.win_bytes[i],
			s->meas_inc[i], s->pred_inc[i]);
	fclose(f);
	if (!(f = fopen(gp, "w")))
		return cli_error(CMD, "%s: %s", gp, strerror(errno));
	fprintf(f,
		"set terminal pngcairo size 800,500\n"
		"set output '%s'\n"
		"set title '%s' noenhanced\n"
		"set logscale x 2\n"
		"set xlabel 'window (bytes)'\n"
		"set ylabel 'mean latency increase over 8 KiB (ns)'\n"
		"set key left top\n"
		"set grid\n"
		"plot '%s' using 1:2 with linespoints title 'measured', \\\n"
		"     '%s' using 1:3 with linespoints title 'predicted'\n",
		png, title, dat, dat);
	fclose(f);
	pid = fork();
	if (pid < 0)
		return cli_error(CMD, "fork: %s", strerror(errno));
	if (!pid) {
		execlp("gnuplot", "gnuplot", gp, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return cli_error(CMD, "gnuplot %s failed (%s); data in %s", gp,
				 WIFEXITED(st) && WEXITSTATUS(st) == 127 ? "not installed"
									 : "see its message",
				 dat);
	return 0;
}

/* The model config of the target's run, starting from @p's values. */
static struct model_cfg run_cfg(const struct params *p, const struct target *t, bool keep_extra)
{
	struct model_cfg c = *(const struct model_cfg *)params__cfg(p, &model_param_table);

	c.page_bytes = t->run.iommu == PB_IOMMU_SP ? 2u << 20 : 4096;
	c.scalable = 0; /* Linux 3.19, intel_iommu=on: legacy mode */
	c.ats = 0;
	/*
	 * Page tables are on the IOMMU's node whichever node the buffer is on:
	 * Linux (3.19 as in these runs) sets domain->nid = iommu->node and
	 * allocates every table with alloc_pgtable_page(domain->nid)
	 * (drivers/iommu/intel-iommu.c). A remote run is remote data only.
	 */
	c.pt_remote = 0;
	if (!keep_extra || (t->have_extra && !c.mem_remote_extra_ns))
		c.mem_remote_extra_ns = t->have_extra ? t->remote_extra_ns : 0;
	return c;
}

/* What the throughput fit gave the profile (walk.walkers, walk.leaf_serial), when DIR has its file.
 */
struct walk_fit {
	bool have;		/* DIR has the throughput file and it was fitted */
	double err;		/* largest error of the chosen structure, fraction */
	char bw[PATH_MAX + 64]; /* that file */
};

static int fit_throughput(const struct opts *o, const struct target *t, struct model_cfg *c,
			  struct walk_fit *wf);

/* The [walk] keys the throughput fit chose, or why they keep their defaults. */
static void write_walkers(FILE *f, const struct model_cfg *c, const struct walk_fit *wf)
{
	char src[PATH_MAX + 160];

	if (!wf->have) {
		fprintf(f,
			"; walk.walkers, walk.leaf_serial: the run has no %s: built-in defaults\n",
			PB_BW_FILE);
		return;
	}
	/* the error first: inih's 200-byte lines may cut a long path, never the error */
	snprintf(src, sizeof(src), "throughput least squares, error %.1f%%, fitted from %s",
		 100.0 * wf->err, wf->bw);
	fprintf(f,
		"; walks in flight at once (walks)\n; source: calibrated: %.170s\nwalkers = %u\n\n"
		"; a walk to the leaf table (PDE) of a walk in flight waits for it\n"
		"; source: calibrated: %.170s\nleaf_serial = %s\n\n",
		src, c->walkers, src, c->walk_leaf_serial ? "on" : "off");
}

static int write_profile(const char *path, const struct target *t, const struct cal_fit *fit,
			 const struct model_cfg *c, const char *dflt_read_src,
			 const struct walk_fit *wf)
{
	FILE *f = fopen(path, "w");
	char src[PATH_MAX + 256];

	if (!f)
		return cli_error(CMD, "%s: %s", path, strerror(errno));
	/* inih reads lines of up to 200 bytes: keep each comment short */
	snprintf(src, sizeof(src), "fitted from %s, error %.1f%%", t->lat_path,
		 100.0 * fit->score.err);
	fprintf(
	    f,
	    "; SPDX-License-Identifier: GPL-2.0\n"
	    "; %s.ini - translation-model profile fitted by `svatrace calibrate pcie-bench`\n"
	    "; to the pcie-bench run %s (docs/calibration.md).\n"
	    "; Curve: %s, block %s, Avg(ns).\n"
	    "; Baseline (IOMMU off): %s%s%s%s%s.\n"
	    "; Error: largest |predicted - measured| increase over 8 KiB, %.1f%% of the %.0f ns\n"
	    "; plateau rise. Keys not listed keep their built-in defaults (default.ini).\n\n",
	    t->run.machine, t->run.name, t->lat_path, CACHE_STATE,
	    !t->have_base   ? "none (flat data path)"
	    : t->base_built ? "remote data path built from\n;   "
			    : t->base_dir,
	    t->base_built ? t->base_local : "", t->base_built ? " (cache misses) and\n;   " : "",
	    t->base_built ? t->base_remote : "", t->base_built ? " (remote DRAM)" : "",
	    100.0 * fit->score.err, fit->score.plateau_ns);
	fprintf(f,
		"[pt]\n; mapping page size of the run (bytes)\n"
		"; source: measured run: %s (%s mappings)\npage_bytes = %llu\n\n",
		t->run.name, pb_iommu_name(t->run.iommu), (unsigned long long)c->page_bytes);
	fprintf(f, "; scalable mode\n; source: measured run: Linux 3.19 with intel_iommu=on "
		   "(legacy mode; sys-kernel-cmdline.txt)\nscalable = off\n\n");
	fprintf(f, "; page tables in the other socket's memory\n"
		   "; source: cited: Linux intel-iommu allocates tables on the IOMMU's node "
		   "(domain->nid = iommu->node)\nremote = off\n\n");
	if (fit->miss_fitted)
		fprintf(f,
			"[iotlb]\n; IOTLB entries (entries)\n; source: calibrated: grid search, "
			"%s\nentries = %u\n\n",
			src, c->iotlb_entries);
	else
		fprintf(f,
			"[iotlb]\n; IOTLB entries (entries). No window misses: a lower bound.\n"
			"; source: calibrated: %s\nentries = %u\n\n",
			src, c->iotlb_entries);
	fprintf(f,
		"; ways per set (ways). A uniformly random stream cannot tell the organisation:\n"
		"; every organisation with evenly loaded sets has the same hit ratio.\n"
		"; source: calibrated: not identified, fully associative\nways = %u\n\n",
		c->iotlb_ways);
	fprintf(f, "[pwc]\n; level-2 (PDE) cache entries, 2 MiB reach each (entries)\n");
	if (fit->l2_bound)
		fprintf(f,
			"; No second rise up to the largest window: a lower bound.\n"
			"; source: calibrated: %s\n",
			src);
	else
		fprintf(f, "; source: calibrated: grid search, %s\n", src);
	fprintf(f, "l2_entries = %u\n\n", c->pwc_lvl_entries[2]);
	if (fit->miss_fitted)
		fprintf(f,
			"[walk]\n; per-walk overhead besides memory reads (ns)\n"
			"; source: calibrated: least squares, %s\nfixed_ns = %llu\n\n",
			src, (unsigned long long)c->walk_fixed_ns);
	else
		fprintf(
		    f,
		    "[walk]\n; per-walk overhead besides memory reads (ns)\n"
		    "; Not identified: no window of the run misses the IOTLB.\n"
		    "; source: not identified by the run: built-in default\nfixed_ns = %llu\n\n",
		    (unsigned long long)c->walk_fixed_ns);
	write_walkers(f, c, wf);
	fprintf(f, "[mem]\n; one page-table memory read, tables in local memory (ns)\n");
	if (fit->read_fitted)
		fprintf(f, "; source: calibrated: least squares, %s\n", src);
	else
		fprintf(f,
			"; Not identified: %s\n"
			"; source: %.150s\n",
			fit->miss_fitted
			    ? "every walk of the run reads once, so only\n"
			      "; walk.fixed_ns + mem.read_ns is fitted; read_ns keeps the default."
			    : "no window of the run misses the IOTLB; the default is kept.",
			dflt_read_src);
	fprintf(f, "read_ns = %llu\n\n", (unsigned long long)c->mem_read_ns);
	fprintf(f, "; added to each page-table read in remote memory (ns)\n");
	if (t->have_extra)
		fprintf(f,
			"; source: calibrated: remote - local mean latency at the largest window "
			"of the %s IOMMU-off runs\n",
			t->run.cpu);
	else
		fprintf(f, "; source: estimate: single-socket host\n");
	fprintf(f, "remote_extra_ns = %llu\n", (unsigned long long)c->mem_remote_extra_ns);
	if (fclose(f))
		return cli_error(CMD, "%s: %s", path, strerror(errno));
	return 0;
}

static int parse_opts(int argc, char **argv, int first, struct opts *o, int npos, const char **pos)
{
	static const struct option lo[] = {
	    {"baseline", required_argument, NULL, 'b'},
	    {"no-baseline", no_argument, NULL, 'n'},
	    {"output", required_argument, NULL, 'o'},
	    {"plot", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {"json", no_argument, NULL, 'j'},
	    {0},
	};
	int c, k = 0;

	optind = first;
	while ((c = cli_getopt(argc, argv, "-o:hj", lo)) != -1) {
		switch (c) {
		case 1:
			if (k == npos)
				return cli_usage_error(CMD, "unexpected argument '%s'", optarg);
			pos[k++] = optarg;
			break;
		case 'b':
			o->baseline = optarg;
			break;
		case 'n':
			o->no_baseline = true;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->plot = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return CLI_USAGE;
		}
	}
	if (k != npos)
		return cli_usage_error(CMD, "missing argument (%d of %d given)", k, npos);
	if (o->baseline && o->no_baseline)
		return cli_usage_error(CMD, "--baseline and --no-baseline exclude each other");
	return 0;
}

/* JSON output: numbers as computed (the text rounds them), errors in percent like the text. */
static json_t *j_base(const struct target *t)
{
	if (!t->have_base)
		return json_pack("{s:s}", "kind", "none");
	if (t->base_built)
		return json_pack("{s:s, s:s, s:s}", "kind", "built", "cache_misses_from",
				 t->base_local, "remote_dram_from", t->base_remote);
	return json_pack("{s:s, s:s}", "kind", "run", "dir", t->base_dir);
}

/* The run, its baseline and the curves side by side, as print_table() shows them. */
static json_t *j_curve(const struct target *t, const struct cal_score *s)
{
	json_t *w = json_array(), *o;

	for (uint32_t i = 0; w && i < s->nr; i++)
		json_array_append_new(
		    w, json_pack("{s:I, s:f, s:f, s:f, s:f}", "window_bytes",
				 (json_int_t)t->meas.win_bytes[i], "baseline_inc_ns",
				 t->have_base ? t->base.val[i] - t->base.val[0] : 0.0,
				 "measured_inc_ns", s->meas_inc[i], "predicted_inc_ns",
				 s->pred_inc[i], "error_pct",
				 100.0 * (s->pred_inc[i] - s->meas_inc[i]) /
				     (s->plateau_ns > 1 ? s->plateau_ns : 1)));
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:f, s:f, s:I}", "run", t->run.name,
		      "lat_file", t->lat_path, "mappings", pb_iommu_name(t->run.iommu), "memory",
		      t->run.remote ? "remote" : "local", "baseline", j_base(t), "windows", w,
		      "plateau_ns", s->plateau_ns, "largest_error_pct", 100.0 * s->err,
		      "largest_error_window_bytes", (json_int_t)t->meas.win_bytes[s->err_at]);
	return o;
}

/* Print @o (stolen) as one JSON object on stdout. */
static int j_print(json_t *o)
{
	int rc = o && !json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) ? 0 : -1;

	json_decref(o);
	if (rc)
		return cli_error(CMD, "JSON output: out of memory");
	putchar('\n');
	return CLI_OK;
}

static int do_fit(int argc, char **argv)
{
	struct opts o = {0};
	const char *pos[1];
	struct target t;
	struct params *p;
	struct model_cfg tmpl, fitted;
	struct cal_fit fit;
	struct walk_fit wf;
	const struct param_def *rd;
	int rc;

	if ((rc = parse_opts(argc, argv, 2, &o, 1, pos)))
		return rc < 0 ? CLI_OK : rc;
	o.dir = pos[0];
	if ((rc = load_target(&o, &t)))
		return rc;
	if (!(p = params__new(svt_param_registry)))
		return cli_error(CMD, "parameters: %s", strerror(errno));
	tmpl = run_cfg(p, &t, false);
	rd = params__find(p, "mem.read_ns");
	if ((rc = cal_fit(&tmpl, &t.meas, t.have_base ? &t.base : NULL, &fitted, &fit))) {
		params__free(p);
		return cli_error(CMD, "fit: %s", strerror(-rc));
	}
	if ((rc = fit_throughput(&o, &t, &fitted, &wf))) {
		params__free(p);
		return rc;
	}
	if (o.out)
		rc = write_profile(o.out, &t, &fit, &fitted, rd ? rd->source : "estimate", &wf);
	if (!rc && o.plot)
		rc = plot(o.plot, &t, &fit.score, t.run.name);
	if (rc) {
		params__free(p);
		return rc;
	}
	if (o.json) {
		json_t *j = j_curve(&t, &fit.score);

		if (j)
			json_object_set_new(
			    j, "fitted",
			    json_pack(
				"{s:I, s:b, s:I, s:b, s:I, s:b, s:I, s:b, s:I}", "iotlb.entries",
				(json_int_t)fit.iotlb_entries, "iotlb.entries_lower_bound",
				!fit.miss_fitted, "pwc.l2_entries", (json_int_t)fit.pwc_l2_entries,
				"pwc.l2_entries_lower_bound", fit.l2_bound, "walk.fixed_ns",
				(json_int_t)fit.walk_fixed_ns, "walk.fixed_ns_identified",
				fit.miss_fitted, "mem.read_ns", (json_int_t)fit.mem_read_ns,
				"mem.read_ns_identified", fit.read_fitted, "mem.remote_extra_ns",
				(json_int_t)fitted.mem_remote_extra_ns));
		if (j && wf.have)
			json_object_set_new(j, "fitted_throughput",
					    json_pack("{s:s, s:I, s:b, s:f}", "bw_file", wf.bw,
						      "walk.walkers", (json_int_t)fitted.walkers,
						      "walk.leaf_serial", fitted.walk_leaf_serial,
						      "largest_error_pct", 100.0 * wf.err));
		if (j)
			json_object_set_new(j, "command", json_string("pcie-bench"));
		if (j && o.out)
			json_object_set_new(j, "profile", json_string(o.out));
		if (j && o.plot)
			json_object_set_new(j, "plot", json_string(o.plot));
		params__free(p);
		return j_print(j);
	}
	printf("run: %s (%s mappings, %s memory), %s\n", t.run.name, pb_iommu_name(t.run.iommu),
	       t.run.remote ? "remote" : "local", t.lat_path);
	print_base(&t, stdout);
	printf("fitted: iotlb.entries=%u%s (fully associative) pwc.l2_entries=%u%s "
	       "walk.fixed_ns=%llu%s "
	       "mem.read_ns=%llu%s mem.remote_extra_ns=%llu\n",
	       fit.iotlb_entries, fit.miss_fitted ? "" : " (lower bound)", fit.pwc_l2_entries,
	       fit.l2_bound ? " (lower bound)" : "", (unsigned long long)fit.walk_fixed_ns,
	       fit.miss_fitted ? "" : " (not identified: default)",
	       (unsigned long long)fit.mem_read_ns,
	       fit.read_fitted ? "" : " (not identified: default)",
	       (unsigned long long)fitted.mem_remote_extra_ns);
	if (wf.have)
		printf("fitted on %s: walk.walkers=%u walk.leaf_serial=%s (largest error %.1f%% of "
		       "the "
		       "IOMMU-off throughput; `calibrate throughput` shows the curve)\n",
		       wf.bw, fitted.walkers, fitted.walk_leaf_serial ? "on" : "off",
		       100.0 * wf.err);
	if (!fit.miss_fitted)
		printf(
		    "note: no window misses the IOTLB with %s mappings: iotlb.entries is a lower "
		    "bound and the walk latencies are not identified by this run; its rise is the "
		    "data path's (baseline column)\n",
		    pb_iommu_name(t.run.iommu));
	print_table(&t, &fit.score, stdout);
	if (o.out)
		printf("profile: %s\n", o.out);
	if (o.plot)
		printf("plot: %s\n", o.plot);
	params__free(p);
	return CLI_OK;
}

/*
 * The model configuration profile @name gives run @t (the run decides page
 * size and memory placement; the profile the rest), its path in @path.
 * Return: CLI_OK or the code of the message printed.
 */
static int profile_cfg(const char *name, const struct target *t, char *path, size_t path_bytes,
		       struct model_cfg *c)
{
	char err[PATH_MAX + 256];
	struct params *p;

	if (profile_resolve(name, path, path_bytes))
		return cli_error(
		    CMD, "%s: no such profile (a path, or NAME for data/profiles/NAME.ini)", name);
	if (!(p = params__new(svt_param_registry)))
		return cli_error(CMD, "parameters: %s", strerror(errno));
	if (profile_load(p, path, err, sizeof(err)) || params__validate(p, err, sizeof(err))) {
		params__free(p);
		return cli_error(CMD, "%s", err);
	}
	*c = run_cfg(p, t, true);
	params__free(p);
	return CLI_OK;
}

static int do_check(int argc, char **argv)
{
	struct opts o = {0};
	const char *pos[2];
	char path[PATH_MAX];
	struct target t;
	struct model_cfg c;
	struct cal_score s;
	int rc;

	if ((rc = parse_opts(argc, argv, 2, &o, 2, pos)))
		return rc < 0 ? CLI_OK : rc;
	o.dir = pos[1];
	if ((rc = load_target(&o, &t)) || (rc = profile_cfg(pos[0], &t, path, sizeof(path), &c)))
		return rc;
	if ((rc = cal_predict(&c, &t.meas, t.have_base ? &t.base : NULL, &s)))
		return cli_error(CMD, "predict: %s", strerror(-rc));
	if (o.plot && (rc = plot(o.plot, &t, &s, t.run.name)))
		return rc;
	if (o.json) {
		json_t *j = j_curve(&t, &s);

		if (j) {
			json_object_set_new(j, "command", json_string("check"));
			json_object_set_new(j, "profile", json_string(path));
		}
		if (j && o.plot)
			json_object_set_new(j, "plot", json_string(o.plot));
		return j_print(j);
	}
	printf("profile: %s\nrun: %s (%s mappings, %s memory), %s\n", path, t.run.name,
	       pb_iommu_name(t.run.iommu), t.run.remote ? "remote" : "local", t.lat_path);
	print_base(&t, stdout);
	print_table(&t, &s, stdout);
	if (o.plot)
		printf("plot: %s\n", o.plot);
	return CLI_OK;
}

/*
 * Throughput: the run's bw file predicted by a closed-loop device over the
 * profile (calibrate/tput.h). The outstanding-read count, link cap and data
 * latency are the run's own small-window measurements; walk.walkers is fitted.
 */

/* What `calibrate throughput` compares against, read once. */
struct tput_in {
	char bw[PATH_MAX + 64]; /* DIR's bw file */
	struct pb_curve meas;	/* its DWarm curve, Gb/s */
	struct pb_curve off;	/* the IOMMU-off run's, when have_off */
	struct pb_curve shape;	/* the data path's shape under load (off, or built for remote) */
	bool have_off;		/* off is valid and has meas's windows */
	double link_gbps;	/* largest measured throughput */
	double off_max_gbps;	/* largest of shape */
};

static int tput_load(const struct opts *o, const struct target *t, struct tput_in *in)
{
	char err[PATH_MAX + 256], bwoff[PATH_MAX + 600];

	memset(in, 0, sizeof(*in));
	snprintf(in->bw, sizeof(in->bw), "%s/%s", o->dir, PB_BW_FILE);
	if (pb_read_bw(in->bw, CACHE_STATE, &in->meas, err, sizeof(err)))
		return cli_error(CMD, "%s", err);
	snprintf(bwoff, sizeof(bwoff), "%s/%s", t->base_dir, PB_BW_FILE);
	in->have_off = t->have_base &&
		       !pb_read_bw(bwoff, CACHE_STATE, &in->off, err, sizeof(err)) &&
		       in->off.nr == in->meas.nr;
	in->shape = in->off;
	if (in->have_off && t->base_built) {
		/* the remote IOMMU-off run never hits the cache: its shape is built too */
		struct pb_curve lbw;

		snprintf(bwoff, sizeof(bwoff), "%s/%s", t->base_local, PB_BW_FILE);
		if (pb_read_bw(bwoff, CACHE_STATE, &lbw, err, sizeof(err)) ||
		    cal_remote_mix(&lbw, &in->off, &in->shape))
			return cli_error(CMD, "%s: cannot build the remote data path's throughput",
					 bwoff);
	}
	for (uint32_t i = 0; i < in->meas.nr; i++) {
		in->link_gbps = fmax(in->link_gbps, in->meas.val[i]);
		if (in->have_off)
			in->off_max_gbps = fmax(in->off_max_gbps, in->shape.val[i]);
	}
	return CLI_OK;
}

/*
 * The device (tput.h): per window the data latency (the latency fit's
 * baseline rise) and the rate cap (the IOMMU-off run's shape); outstanding
 * reads by Little's law where translation is free (the small windows): the
 * link's plateau rate times the data latency; translations in order.
 */
static void tput_device(const struct target *t, const struct tput_in *in, struct cal_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	for (uint32_t i = 0; i < in->meas.nr; i++) {
		uint64_t w = in->meas.win_bytes[i];

		dev->data_ns[i] = t->meas.val[0] +
				  (t->have_base ? cal_curve_at(&t->base, w) - t->base.val[0] : 0);
		dev->cap_gbps[i] = in->have_off
				       ? in->link_gbps * in->shape.val[i] / in->off_max_gbps
				       : in->link_gbps;
	}
	dev->outstanding = (uint32_t)ceil(in->link_gbps * t->meas.val[0] / 512.0);
	dev->in_order = 1;
}

#define TPUT_MAX_WALKERS 16 /* the walker grid: 1..16 */

/*
 * walk.walkers (grid 1..16) by least squares over the windows, with
 * walk.leaf_serial as c says: the latency curves cannot tell the count,
 * since pcie-bench's latency test has one read in flight. Least squares:
 * one window the model cannot follow must not pick the count.
 */
static int tput_fit_walkers(struct model_cfg *c, const struct cal_device *dev,
			    const struct pb_curve *meas, struct cal_walkers_fit *f)
{
	int rc;

	if ((rc = cal_tput_fit_walkers(c, dev, meas, TPUT_MAX_WALKERS, f)))
		return rc;
	c->walkers = TPUT_MAX_WALKERS;
	return 0;
}

/*
 * The throughput fit: walk.walkers for each value of walk.leaf_serial, and
 * the structure with the smaller least squares (the same rule on every run;
 * docs/calibration.md). fit[0] off, fit[1] on; leaves the choice in @c.
 */
static int tput_fit(struct model_cfg *c, const struct cal_device *dev, const struct pb_curve *meas,
		    struct cal_walkers_fit fit[2])
{
	int rc;

	for (int ls = 0; ls < 2; ls++) {
		c->walk_leaf_serial = (uint8_t)ls;
		if ((rc = tput_fit_walkers(c, dev, meas, &fit[ls])))
			return rc;
	}
	c->walk_leaf_serial = fit[1].sse < fit[0].sse;
	c->walkers = fit[c->walk_leaf_serial].walkers;
	return 0;
}

/* The signed error at window @i: of the IOMMU-off throughput there, else of the first window's. */
static double tput_err_at(const struct tput_in *in, const double *pred, uint32_t i)
{
	return (pred[i] - in->meas.val[i]) / (in->have_off ? in->off.val[i] : in->meas.val[0]);
}

/* The fitted structures, their largest errors, and the one chosen. */
struct tput_res {
	struct cal_walkers_fit fit[2]; /* walk.leaf_serial off, on */
	double worst[2];	       /* largest error of each, fraction */
	uint32_t at[2];		       /* at which window */
	int ls;			       /* the chosen walk.leaf_serial */
};

static int tput_json(const char *profile, const struct target *t, const struct tput_in *in,
		     const struct cal_device *dev, const struct tput_res *r)
{
	const double *pred = r->fit[r->ls].pred;
	json_t *w = json_array(), *st = json_array(), *j;

	for (uint32_t i = 0; w && i < in->meas.nr; i++)
		json_array_append_new(
		    w, json_pack("{s:I, s:o, s:f, s:f, s:f, s:f, s:f}", "window_bytes",
				 (json_int_t)in->meas.win_bytes[i], "iommu_off_gbps",
				 in->have_off ? json_real(in->off.val[i]) : json_null(),
				 "measured_gbps", in->meas.val[i], "predicted_gbps", pred[i],
				 "error_pct", 100.0 * tput_err_at(in, pred, i), "cap_gbps",
				 dev->cap_gbps[i], "data_ns", dev->data_ns[i]));
	for (int ls = 0; st && ls < 2; ls++)
		json_array_append_new(
		    st, json_pack("{s:b, s:I, s:f, s:f, s:I}", "walk.leaf_serial", ls,
				  "walk.walkers", (json_int_t)r->fit[ls].walkers, "rms_gbps",
				  sqrt(r->fit[ls].sse / in->meas.nr), "largest_error_pct",
				  100.0 * r->worst[ls], "largest_error_window_bytes",
				  (json_int_t)in->meas.win_bytes[r->at[ls]]));
	j = json_pack("{s:s, s:s, s:s, s:s, s:{s:I, s:b, s:f, s:f, s:I, s:b}, s:o, s:o, s:f, s:I, "
		      "s:s}",
		      "command", "throughput", "profile", profile, "run", t->run.name, "bw_file",
		      in->bw, "device", "outstanding", (json_int_t)dev->outstanding, "in_order",
		      dev->in_order, "link_gbps", in->link_gbps, "data_ns", t->meas.val[0],
		      "walk.walkers", (json_int_t)r->fit[r->ls].walkers, "walk.leaf_serial", r->ls,
		      "structures", st, "windows", w, "largest_error_pct", 100.0 * r->worst[r->ls],
		      "largest_error_window_bytes", (json_int_t)in->meas.win_bytes[r->at[r->ls]],
		      "error_of",
		      in->have_off ? "IOMMU-off throughput" : "first window's throughput");
	return j_print(j);
}

static void tput_print(const char *profile, const struct target *t, const struct tput_in *in,
		       const struct cal_device *dev, const struct tput_res *r)
{
	const double *pred = r->fit[r->ls].pred;

	printf("profile: %s\nrun: %s, %s\n", profile, t->run.name, in->bw);
	printf("device: outstanding=%u (link x data latency / 64 B), data latency %.1f ns "
	       "(%s at %llu bytes, plus the baseline's rise), link %.2f Gb/s (largest "
	       "measured; capped per window by the IOMMU-off run's shape), translations in "
	       "order (no hit under miss); fitted walk.walkers=%u walk.leaf_serial=%s\n",
	       dev->outstanding, t->meas.val[0], PB_LAT_FILE,
	       (unsigned long long)t->meas.win_bytes[0], in->link_gbps, r->fit[r->ls].walkers,
	       r->ls ? "on" : "off");
	for (int ls = 0; ls < 2; ls++)
		printf("structure: walk.leaf_serial=%s: walk.walkers=%u, rms %.2f Gb/s, largest "
		       "error %.1f%% at %llu bytes%s\n",
		       ls ? "on" : "off", r->fit[ls].walkers, sqrt(r->fit[ls].sse / in->meas.nr),
		       100.0 * r->worst[ls], (unsigned long long)in->meas.win_bytes[r->at[ls]],
		       ls == r->ls ? " (chosen: smaller least squares)" : "");
	printf("%10s %12s %12s %12s %10s %10s %10s\n", "window", "iommu-off", "measured",
	       "predicted", "error", "cap", "data_ns");
	for (uint32_t i = 0; i < in->meas.nr; i++)
		printf("%10llu %12.2f %12.2f %12.2f %9.1f%% %10.2f %10.1f\n",
		       (unsigned long long)in->meas.win_bytes[i],
		       in->have_off ? in->off.val[i] : NAN, in->meas.val[i], pred[i],
		       100.0 * tput_err_at(in, pred, i), dev->cap_gbps[i], dev->data_ns[i]);
	printf("largest error: %.1f%% of the %s throughput, at window %u\n",
	       100.0 * r->worst[r->ls], in->have_off ? "IOMMU-off" : "first window's",
	       r->at[r->ls]);
}

static int do_tput(int argc, char **argv)
{
	struct opts o = {0};
	const char *pos[2];
	char path[PATH_MAX];
	struct tput_in in;
	struct cal_device dev;
	struct tput_res r;
	struct target t;
	struct model_cfg c;
	int rc;

	if ((rc = parse_opts(argc, argv, 2, &o, 2, pos)))
		return rc < 0 ? CLI_OK : rc;
	o.dir = pos[1];
	if ((rc = load_target(&o, &t)) || (rc = tput_load(&o, &t, &in)) ||
	    (rc = profile_cfg(pos[0], &t, path, sizeof(path), &c)))
		return rc;
	tput_device(&t, &in, &dev);
	if ((rc = tput_fit(&c, &dev, &in.meas, r.fit)))
		return cli_error(CMD, "throughput: %s", strerror(-rc));
	r.ls = c.walk_leaf_serial;
	for (int ls = 0; ls < 2; ls++)
		r.worst[ls] =
		    cal_tput_err(r.fit[ls].pred, &in.meas, in.have_off ? &in.off : NULL, &r.at[ls]);
	if (o.json)
		return tput_json(path, &t, &in, &dev, &r);
	tput_print(path, &t, &in, &dev, &r);
	return CLI_OK;
}

/*
 * calibrate pcie-bench: walk.walkers and walk.leaf_serial from DIR's
 * throughput file, when it has one, by the same fit as `calibrate
 * throughput` (over the latency fit's values in @c); leaves them in @c.
 */
static int fit_throughput(const struct opts *o, const struct target *t, struct model_cfg *c,
			  struct walk_fit *wf)
{
	struct tput_in in;
	struct cal_device dev;
	struct cal_walkers_fit fit[2];
	uint32_t at;
	int rc;

	memset(wf, 0, sizeof(*wf));
	snprintf(wf->bw, sizeof(wf->bw), "%s/%s", o->dir, PB_BW_FILE);
	if (access(wf->bw, F_OK))
		return CLI_OK;
	if ((rc = tput_load(o, t, &in)))
		return rc;
	tput_device(t, &in, &dev);
	if ((rc = tput_fit(c, &dev, &in.meas, fit)))
		return cli_error(CMD, "throughput: %s", strerror(-rc));
	wf->err = cal_tput_err(fit[c->walk_leaf_serial].pred, &in.meas,
			       in.have_off ? &in.off : NULL, &at);
	wf->have = true;
	return CLI_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median; an even count takes the mean of the middle two. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The default profile's translation values from machine profiles: medians
 * of what each curve identifies (docs/calibration.md, "Default profile").
 */
static int do_default(int argc, char **argv)
{
	double n_iotlb[64], n_l2[64], c1[64], rd[64];
	int nr = 0, nr_rd = 0, files = 0;
	char list[1024] = "", path[PATH_MAX], err[PATH_MAX + 256];
	const char *out = NULL;
	bool as_json = false;
	json_t *from = json_array();
	struct params *dflt = params__new(svt_param_registry);
	const struct model_cfg *d;
	uint64_t r, c, l2, ni;
	FILE *f = stdout;

	if (!dflt || !from) {
		json_decref(from);
		params__free(dflt);
		return cli_error(CMD, "parameters: %s", strerror(ENOMEM));
	}
	d = params__cfg(dflt, &model_param_table);
	for (int i = 2; i < argc; i++) {
		struct params *p;
		const struct model_cfg *m;

		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			as_json = true;
			continue;
		}
		if (nr == 64) {
			json_decref(from);
			params__free(dflt);
			return cli_usage_error(CMD, "at most 64 profiles");
		}
		if (profile_resolve(argv[i], path, sizeof(path))) {
			json_decref(from);
			params__free(dflt);
			return cli_error(CMD, "%s: no such profile", argv[i]);
		}
		p = params__new(svt_param_registry);
		if (!p || profile_load(p, path, err, sizeof(err))) {
			params__free(p);
			json_decref(from);
			params__free(dflt);
			return cli_error(CMD, "%s", p ? err : strerror(errno));
		}
		m = params__cfg(p, &model_param_table);
		n_iotlb[nr] = m->iotlb_entries;
		n_l2[nr] = m->pwc_lvl_entries[2] ? m->pwc_lvl_entries[2] : m->pwc_entries;
		c1[nr] = (double)(m->walk_fixed_ns + m->mem_read_ns);
		/* a level-2 reach below the largest window (64 MiB): the curve saw reads vary */
		if (n_l2[nr] * 2 < 64)
			rd[nr_rd++] = (double)m->mem_read_ns;
		nr++;
		files++;
		json_array_append_new(from, json_string(path));
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%.100s",
			 files > 1 ? " " : "", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		params__free(p);
	}
	if (!nr) {
		json_decref(from);
		params__free(dflt);
		return cli_usage_error(CMD, "default: give the machine profiles to derive from");
	}
	ni = (uint64_t)llround(median(n_iotlb, nr));
	l2 = (uint64_t)llround(median(n_l2, nr));
	r = nr_rd ? (uint64_t)llround(median(rd, nr_rd)) : d->mem_read_ns;
	c = (uint64_t)llround(median(c1, nr));
	if (as_json && !out)
		f = NULL; /* the values go to the JSON object only */
	else if (out && !(f = fopen(out, "w"))) {
		json_decref(from);
		params__free(dflt);
		return cli_error(CMD, "%s: %s", out, strerror(errno));
	}
	if (f)
		fprintf(
		    f,
		    "; translation values derived by `svatrace calibrate default` from: %s\n"
		    "; (medians; docs/calibration.md, \"Default profile\")\n"
		    "[iotlb]\n; source: derived: median of %d profiles\nentries = %llu\n"
		    "; source: derived: fully associative, as every fitted profile\nways = %llu\n"
		    "[pwc]\n; source: derived: median of %d profiles\nl2_entries = %llu\n"
		    "[mem]\n; source: derived: median of the %d profiles whose curve identifies "
		    "it%s\n"
		    "read_ns = %llu\n"
		    "[walk]\n; source: derived: median of walk.fixed_ns + mem.read_ns of %d "
		    "profiles, "
		    "minus mem.read_ns\nfixed_ns = %llu\n",
		    list, nr, (unsigned long long)ni, (unsigned long long)ni, nr,
		    (unsigned long long)l2, nr_rd, nr_rd ? "" : " (none: built-in default)",
		    (unsigned long long)r, nr, (unsigned long long)(c > r ? c - r : 0));
	if (out && fclose(f)) {
		json_decref(from);
		params__free(dflt);
		return cli_error(CMD, "%s: %s", out, strerror(errno));
	}
	params__free(dflt);
	if (as_json)
		return j_print(json_pack(
		    "{s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:i, s:s?}", "command", "default",
		    "from", from, "values", "iotlb.entries", (json_int_t)ni, "iotlb.ways",
		    (json_int_t)ni, "pwc.l2_entries", (json_int_t)l2, "mem.read_ns", (json_int_t)r,
		    "walk.fixed_ns", (json_int_t)(c > r ? c - r : 0), "read_ns_from_profiles",
		    nr_rd, "profile", out));
	json_decref(from);
	return CLI_OK;
}

int cmd_calibrate(int argc, char **argv)
{
	/* "svatrace --json calibrate check ..." arrives as "calibrate --json check ..." */
	if (argc > 2 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "-j"))) {
		char *j = argv[1];

		argv[1] = argv[2];
		argv[2] = j;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (!strcmp(argv[1], "pcie-bench"))
		return do_fit(argc, argv);
	if (!strcmp(argv[1], "check"))
		return do_check(argc, argv);
	if (!strcmp(argv[1], "default"))
		return do_default(argc, argv);
	if (!strcmp(argv[1], "throughput"))
		return do_tput(argc, argv);
	return cli_usage_error(CMD,
			       "unknown calibrate command '%s' (pcie-bench, check, default, "
			       "throughput)",
			       argv[1]);
}
