// SPDX-License-Identifier: GPL-2.0
/*
 * fit.c - sweep, predict and fit (assumptions and metric in fit.h; the
 * method, parameters and bounds in docs/calibration.md).
 *
 * The fit is separable: for a uniformly random stream the IOTLB's miss ratio
 * depends on its size only, and the walks it sends to the paging-structure
 * caches are themselves a uniformly random stream over the window, so the
 * reads per walk depend on the level-2 cache size only. One sweep per IOTLB
 * size and one per level-2 size (instead of one per pair) give every pair's
 * miss and read counts; the chosen pair is then run through the whole model
 * once more and that run is what is reported.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "calibrate/fit.h"
#include "model/metric_keys.h"
#include "model/xlate/model.h"
#include "model/xlate/stackdist.h"

/* Bounded grids (docs/calibration.md). */
static const uint32_t iotlb_grid[] = {16,  32,	48,  64,  80,  96,  104, 112, 120, 128,
				      136, 144, 160, 192, 224, 256, 320, 384, 512, 1024};
static const uint32_t l2_grid[] = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64};
#define NR_IOTLB (sizeof(iotlb_grid) / sizeof(iotlb_grid[0]))
#define NR_L2 (sizeof(l2_grid) / sizeof(l2_grid[0]))
#define LAT_MAX_NS 5000.0 /* upper bound of walk.fixed_ns and mem.read_ns */
#define TIE 0.002	  /* errors this close are equal: keep the first found */

static uint64_t window_base(uint64_t win)
{
	uint64_t round = (win + (2u << 20) - 1) & ~((uint64_t)(2u << 20) - 1);

	return round < (1ull << 32) ? (1ull << 32) - round : 1ull << 32;
}

int cal_sweep(const struct model_cfg *cfg, const uint64_t *win_bytes, uint32_t nr,
	      struct cal_sweep *out)
{
	memset(out, 0, sizeof(*out));
	out->nr = nr;
	for (uint32_t i = 0; i < nr; i++) {
		struct model *m = model__new(cfg);
		struct model_access a = {.bytes = 64, .sid = 0x100, .domain = 1};
		struct prng prng = cal_stream(cfg->seed, win_bytes[i]);
		uint64_t base = window_base(win_bytes[i]), lines = win_bytes[i] / 64, t = 0;
		double miss0 = 0, reads0 = 0, lat0 = 0;

		if (!m)
			return -errno;
		for (uint32_t k = 0; k < CAL_WARM + CAL_MEASURE; k++) {
			if (k == CAL_WARM) {
				miss0 = model__metric(m, KEY_IOTLB_MISSES);
				reads0 = model__metric(m, KEY_WALK_READS);
				lat0 = (double)model__latency_sum_ns(m);
			}
			t += 1000;
			a.iova = base + prng_below(&prng, lines) * 64;
			model__advance(m, t);
			model__access(m, t, &a);
		}
		model__finish(m, t);
		/* a renamed metric must fail loudly, not fit a flat curve */
		if (!isfinite(model__metric(m, KEY_IOTLB_MISSES)) ||
		    !isfinite(model__metric(m, KEY_WALK_READS))) {
			model__free(m);
			return -EPROTO;
		}
		out->miss[i] = (model__metric(m, KEY_IOTLB_MISSES) - miss0) / CAL_MEASURE;
		out->reads[i] = (model__metric(m, KEY_WALK_READS) - reads0) / CAL_MEASURE;
		out->lat_ns[i] = ((double)model__latency_sum_ns(m) - lat0) / CAL_MEASURE;
		model__free(m);
	}
	return 0;
}

int cal_remote_mix(const struct pb_curve *local_off, const struct pb_curve *remote_off,
		   struct pb_curve *out)
{
	uint32_t n = local_off->nr;
	double l0, lmax, rmax;

	if (!n || remote_off->nr != n)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		if (local_off->win_bytes[i] != remote_off->win_bytes[i])
			return -EINVAL;
	l0 = local_off->val[0];
	lmax = local_off->val[n - 1];
	rmax = remote_off->val[n - 1];
	if (lmax == l0)
		return -EINVAL;
	*out = *local_off;
	for (uint32_t i = 0; i < n; i++) {
		double f = (local_off->val[i] - l0) / (lmax - l0);

		f = f < 0 ? 0 : f > 1 ? 1 : f;
		out->val[i] = l0 + f * (rmax - l0);
	}
	return 0;
}

int cal_remote_base(const struct pb_curve *local_off, const struct pb_curve *remote_off,
		    double on0_ns, struct pb_curve *out)
{
	uint32_t n = local_off->nr;

	if (!n || remote_off->nr != n)
		return -EINVAL;
	if (fabs(remote_off->val[0] - on0_ns) <= CAL_START_TOL_NS ||
	    fabs(local_off->val[0] - on0_ns) > CAL_START_TOL_NS ||
	    local_off->val[n - 1] - local_off->val[0] < CAL_LLC_RISE_NS)
		return -ENODATA;
	return cal_remote_mix(local_off, remote_off, out);
}

static int base_inc(const struct pb_curve *meas, const struct pb_curve *base, double *inc)
{
	for (uint32_t i = 0; i < meas->nr; i++)
		inc[i] = 0;
	if (!base)
		return 0;
	if (base->nr != meas->nr)
		return -EINVAL;
	for (uint32_t i = 0; i < meas->nr; i++) {
		if (base->win_bytes[i] != meas->win_bytes[i])
			return -EINVAL;
		inc[i] = base->val[i] - base->val[0];
	}
	return 0;
}

static void score(const struct pb_curve *meas, const double *pred_inc, struct cal_score *s)
{
	s->nr = meas->nr;
	s->plateau_ns = 0;
	for (uint32_t i = 0; i < meas->nr; i++) {
		s->meas_inc[i] = meas->val[i] - meas->val[0];
		s->pred_inc[i] = pred_inc[i];
		if (s->meas_inc[i] > s->plateau_ns)
			s->plateau_ns = s->meas_inc[i];
	}
	s->err = 0;
	s->err_at = 0;
	for (uint32_t i = 0; i < meas->nr; i++) {
		double e =
		    fabs(s->pred_inc[i] - s->meas_inc[i]) / (s->plateau_ns > 1 ? s->plateau_ns : 1);

		if (e > s->err) {
			s->err = e;
			s->err_at = i;
		}
	}
}

int cal_predict(const struct model_cfg *cfg, const struct pb_curve *meas,
		const struct pb_curve *base, struct cal_score *s)
{
	struct cal_sweep sw;
	double binc[PB_MAX_WINDOWS], pred[PB_MAX_WINDOWS];
	int rc;

	if ((rc = base_inc(meas, base, binc)))
		return rc;
	if ((rc = cal_sweep(cfg, meas->win_bytes, meas->nr, &sw)))
		return rc;
	for (uint32_t i = 0; i < meas->nr; i++)
		pred[i] = binc[i] + sw.lat_ns[i] - sw.lat_ns[0];
	score(meas, pred, s);
	return 0;
}

/* One least-squares candidate: y ~ c1 * a + r * b over n windows. */
struct ls {
	double c1, r, sse;
};

static double sse_of(const double *y, const double *a, const double *b, uint32_t n, double c1,
		     double r)
{
	double s = 0;

	for (uint32_t i = 0; i < n; i++) {
		double d = c1 * a[i] + r * b[i] - y[i];

		s += d * d;
	}
	return s;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Best c1 for fixed r (1-D least squares), c1 in [lo, hi]. */
static double c1_for(const double *y, const double *a, const double *b, uint32_t n, double r,
		     double lo, double hi)
{
	double num = 0, den = 0;

	for (uint32_t i = 0; i < n; i++) {
		num += a[i] * (y[i] - r * b[i]);
		den += a[i] * a[i];
	}
	return clamp(den > 0 ? num / den : lo, lo, hi);
}

/*
 * Least squares for (c1, r): c1 = walk.fixed_ns + r is the cost of a walk
 * with one read, r the cost of each further read. Bounds: r_min <= r <= c1
 * <= LAT_MAX_NS (walk.fixed_ns >= 0). When the further reads never vary
 * (@ident false) r stays at @r_dflt.
 */
static struct ls solve(const double *y, const double *a, const double *b, uint32_t n, double r_min,
		       double r_dflt, bool ident)
{
	struct ls best = {0, 0, INFINITY}, c;
	double saa = 0, sab = 0, sbb = 0, say = 0, sby = 0, det;

	if (!ident) {
		best.r = r_dflt;
		best.c1 = c1_for(y, a, b, n, best.r, best.r, LAT_MAX_NS);
		best.sse = sse_of(y, a, b, n, best.c1, best.r);
		return best;
	}
	for (uint32_t i = 0; i < n; i++) {
		saa += a[i] * a[i];
		sab += a[i] * b[i];
		sbb += b[i] * b[i];
		say += a[i] * y[i];
		sby += b[i] * y[i];
	}
	det = saa * sbb - sab * sab;
	if (det > 1e-12 * saa * sbb) {
		c.c1 = (say * sbb - sby * sab) / det;
		c.r = (saa * sby - sab * say) / det;
		if (c.r >= r_min && c.r <= c.c1 && c.c1 <= LAT_MAX_NS) {
			c.sse = sse_of(y, a, b, n, c.c1, c.r);
			return c;
		}
	}
	/* on a bound: r = r_min, or walk.fixed_ns = 0 (c1 = r), or c1 = max */
	c.r = r_min;
	c.c1 = c1_for(y, a, b, n, c.r, c.r, LAT_MAX_NS);
	c.sse = sse_of(y, a, b, n, c.c1, c.r);
	if (c.sse < best.sse)
		best = c;
	{
		double num = 0, den = 0;

		for (uint32_t i = 0; i < n; i++) {
			num += (a[i] + b[i]) * y[i];
			den += (a[i] + b[i]) * (a[i] + b[i]);
		}
		c.r = clamp(den > 0 ? num / den : r_min, r_min, LAT_MAX_NS);
		c.c1 = c.r;
		c.sse = sse_of(y, a, b, n, c.c1, c.r);
		if (c.sse < best.sse)
			best = c;
	}
	c.c1 = LAT_MAX_NS;
	{
		double num = 0, den = 0;

		for (uint32_t i = 0; i < n; i++) {
			num += b[i] * (y[i] - c.c1 * a[i]);
			den += b[i] * b[i];
		}
		c.r = clamp(den > 0 ? num / den : r_min, r_min, c.c1);
	}
	c.sse = sse_of(y, a, b, n, c.c1, c.r);
	if (c.sse < best.sse)
		best = c;
	return best;
}

/* cal_mrc(): fit.h. Both stacks see every access: the key of the IOTLB one is the page, of the
 * level-2 one the 2 MiB region (one PDE). */
int cal_mrc(const struct model_cfg *tmpl, const uint64_t *win_bytes, uint32_t nr,
	    const uint32_t *n_sizes, uint32_t nr_n, const uint32_t *l2_sizes, uint32_t nr_l2,
	    double (*miss)[PB_MAX_WINDOWS], double (*l2miss)[PB_MAX_WINDOWS])
{
	struct stackdist_cfg pc = {0}, lc = {0};
	unsigned shift = (unsigned)__builtin_ctzll(tmpl->page_bytes ? tmpl->page_bytes : 4096);

	if (nr_n > CAL_MRC_MAX || nr_l2 > CAL_MRC_MAX || nr > PB_MAX_WINDOWS)
		return -EINVAL;
	for (uint32_t i = 0; i < nr_n; i++)
		pc.max_entries = n_sizes[i] > pc.max_entries ? n_sizes[i] : pc.max_entries;
	for (uint32_t j = 0; j < nr_l2; j++)
		lc.max_entries = l2_sizes[j] > lc.max_entries ? l2_sizes[j] : lc.max_entries;
	for (uint32_t k = 0; k < nr; k++) {
		struct stackdist *pd = stackdist__new(&pc), *ld = stackdist__new(&lc);
		struct prng prng = cal_stream(tmpl->seed, win_bytes[k]);
		uint64_t base = window_base(win_bytes[k]), lines = win_bytes[k] / 64;
		uint64_t m0[CAL_MRC_MAX] = {0}, l0[CAL_MRC_MAX] = {0}, v;

		if (!pd || !ld) {
			stackdist__free(pd);
			stackdist__free(ld);
			return -ENOMEM;
		}
		for (uint32_t a = 0; a < CAL_WARM + CAL_MEASURE; a++) {
			uint64_t page = (base + prng_below(&prng, lines) * 64) >> shift;

			if (a == CAL_WARM) {
				for (uint32_t i = 0; i < nr_n; i++)
					stackdist__misses(pd, n_sizes[i], n_sizes[i], &m0[i]);
				for (uint32_t j = 0; j < nr_l2; j++)
					stackdist__misses(ld, l2_sizes[j], l2_sizes[j], &l0[j]);
			}
			stackdist__ref(pd, page, page, 0);
			/* with 4 KiB pages a walk looks the PDE up; larger pages end above it */
			if (shift == 12)
				stackdist__ref(ld, page >> 9, page >> 9, 0);
		}
		for (uint32_t i = 0; i < nr_n; i++) {
			stackdist__misses(pd, n_sizes[i], n_sizes[i], &v);
			miss[i][k] = (double)(v - m0[i]) / CAL_MEASURE;
		}
		for (uint32_t j = 0; j < nr_l2; j++) {
			stackdist__misses(ld, l2_sizes[j], l2_sizes[j], &v);
			l2miss[j][k] = shift == 12 ? (double)(v - l0[j]) / CAL_MEASURE : 0;
		}
		stackdist__free(pd);
		stackdist__free(ld);
	}
	return 0;
}

int cal_fit(const struct model_cfg *tmpl, const struct pb_curve *meas, const struct pb_curve *base,
	    struct model_cfg *out_cfg, struct cal_fit *fit)
{
	double miss[NR_IOTLB][PB_MAX_WINDOWS], l2miss[NR_L2][PB_MAX_WINDOWS];
	double binc[PB_MAX_WINDOWS], y[PB_MAX_WINDOWS], a[PB_MAX_WINDOWS], b[PB_MAX_WINDOWS];
	double extra = tmpl->pt_remote ? (double)tmpl->mem_remote_extra_ns : 0, best_err = INFINITY;
	double r_dflt = (double)tmpl->mem_read_ns + extra, plateau = 0;
	uint32_t n = meas->nr, bi = 0, bj = 0;
	struct ls best_ls = {0};
	struct model_cfg c;
	int rc;

	memset(fit, 0, sizeof(*fit));
	if ((rc = base_inc(meas, base, binc)))
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		y[i] = (meas->val[i] - meas->val[0]) - binc[i];
		if (meas->val[i] - meas->val[0] > plateau)
			plateau = meas->val[i] - meas->val[0];
	}
	if (plateau < 1)
		plateau = 1;
	/* every grid size's misses, one stack-distance pass per window */
	if ((rc = cal_mrc(tmpl, meas->win_bytes, n, iotlb_grid, NR_IOTLB, l2_grid, NR_L2, miss,
			  l2miss)))
		return rc;
	for (uint32_t i = 0; i < NR_IOTLB; i++) {
		/* largest level-2 first: on a tie (no second rise) the cache covers the windows */
		for (uint32_t j = NR_L2; j-- > 0;) {
			double bmax = 0, err = 0;
			struct ls ls;

			for (uint32_t k = 0; k < n; k++) {
				/* further reads per walk: the level-2 misses */
				a[k] = miss[i][k] - miss[i][0];
				b[k] = miss[i][k] * l2miss[j][k] - miss[i][0] * l2miss[j][0];
				if (fabs(b[k]) > bmax)
					bmax = fabs(b[k]);
			}
			/* further reads in under 2% of accesses: r is not identified */
			ls = solve(y, a, b, n, extra, r_dflt, bmax > 0.02);
			for (uint32_t k = 0; k < n; k++) {
				double e = fabs(ls.c1 * a[k] + ls.r * b[k] - y[k]) / plateau;

				if (e > err)
					err = e;
			}
			if (err < best_err - TIE) {
				best_err = err;
				bi = i;
				bj = j;
				best_ls = ls;
				fit->read_fitted = bmax > 0.02;
			}
		}
	}
	c = *tmpl;
	c.iotlb_entries = c.iotlb_ways = iotlb_grid[bi];
	c.pwc_lvl_entries[2] = l2_grid[bj];
	for (uint32_t k = 0; k < n; k++)
		if (miss[bi][k] > 0.02)
			fit->miss_fitted = true;
	if (fit->miss_fitted) {
		c.mem_read_ns = (uint64_t)llround(best_ls.r - extra);
		c.walk_fixed_ns = (uint64_t)llround(best_ls.c1 - best_ls.r);
	} else {
		fit->read_fitted = false; /* nothing walks: keep the template's latencies */
	}
	fit->iotlb_entries = c.iotlb_entries;
	fit->pwc_l2_entries = l2_grid[bj];
	fit->l2_bound = !fit->read_fitted;
	fit->walk_fixed_ns = c.walk_fixed_ns;
	fit->mem_read_ns = c.mem_read_ns;
	*out_cfg = c;
	return cal_predict(&c, meas, base, &fit->score);
}
