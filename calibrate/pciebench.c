// SPDX-License-Identifier: GPL-2.0
/*
 * pciebench.c - pcie-bench result files and folder names (see pciebench.h).
 *
 * A result file is a header line, then blocks separated by blank lines, one
 * per host cache state (Cold, DThrash, DWarm, HWarm), each with one row per
 * window size. Every block of a complete file has the same windows, so a
 * block shorter than the first is a truncated file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/pciebench.h"

#define MAX_TOK 32

/* Layout of one file kind: the columns checked by name in the header. */
struct pb_layout {
	const char *what;     /* "latency", "throughput" */
	uint32_t nr_header;   /* header tokens */
	uint32_t nr_data;     /* data tokens */
	uint32_t col_cache;   /* "Cache" */
	uint32_t col_win;     /* "WinSZ" */
	uint32_t col_val;     /* value column */
	const char *val_name; /* its header name */
};

static const struct pb_layout lat_layout = {
    "latency", 23, 23, 2, 5, 15, "Avg(ns)",
};
/* "BW (GB/s)" is two header tokens, one data token (Gb/s, README) */
static const struct pb_layout bw_layout = {
    "throughput", 14, 13, 2, 5, 11, "BW",
};

const char *pb_iommu_name(enum pb_iommu m)
{
	return m == PB_IOMMU_OFF ? "off" : m == PB_IOMMU_4K ? "4k" : "superpages";
}

static uint32_t split(char *line, char **tok)
{
	uint32_t n = 0;

	for (char *s = strtok(line, " \t\r\n"); s; s = strtok(NULL, " \t\r\n"))
		if (n < MAX_TOK)
			tok[n++] = s;
		else
			n++;
	return n;
}

/* "8KB", "1.5MB", "64MB", "1GB" -> bytes; 0 if not a size. */
static uint64_t parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	double mul = !strcmp(end, "KB")	  ? 1024.0
		     : !strcmp(end, "MB") ? 1048576.0
		     : !strcmp(end, "GB") ? 1073741824.0
		     : !strcmp(end, "B")  ? 1.0
					  : 0;

	if (end == s || !(v > 0) || !mul)
		return 0;
	return (uint64_t)(v * mul + 0.5);
}

static int read_table(const char *path, const struct pb_layout *L, const char *cache,
		      struct pb_curve *c, char *err, size_t n)
{
	char line[1024], *tok[MAX_TOK], first_cache[32] = "", cur[32] = "";
	uint32_t lineno = 0, nt, first_rows = 0, cur_rows = 0, cur_start = 0;
	bool header = false;
	FILE *f = fopen(path, "r");

	memset(c, 0, sizeof(*c));
	if (!f) {
		int e = errno;

		snprintf(err, n, "%s: cannot open: %s", path, strerror(e));
		return e == ENOENT ? -ENOENT : -EINVAL;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len && line[len - 1] != '\n' && !feof(f)) {
			snprintf(err, n, "%s:%u: line longer than %zu bytes", path, lineno,
				 sizeof(line) - 1);
			goto bad;
		}
		nt = split(line, tok);
		if (!nt)
			continue;
		if (!header) {
			if (nt != L->nr_header || strcmp(tok[L->col_cache], "Cache") ||
			    strcmp(tok[L->col_win], "WinSZ") ||
			    strcmp(tok[L->col_val], L->val_name)) {
				snprintf(err, n,
					 "%s:%u: not a pcie-bench %s header: want %u columns with "
					 "Cache, WinSZ and %s as columns %u, %u, %u",
					 path, lineno, L->what, L->nr_header, L->val_name,
					 L->col_cache + 1, L->col_win + 1, L->col_val + 1);
				goto bad;
			}
			header = true;
			continue;
		}
		if (nt != L->nr_data) {
			snprintf(err, n,
				 "%s:%u: %u columns, expected %u (truncated or wrong columns)",
				 path, lineno, nt, L->nr_data);
			goto bad;
		}
		if (strcmp(tok[L->col_cache], cur)) {
			if (*cur && first_rows && cur_rows != first_rows) {
				snprintf(err, n,
					 "%s:%u: block %s has %u windows, the first block %u", path,
					 cur_start, cur, cur_rows, first_rows);
				goto bad;
			}
			if (*cur && !first_rows) {
				first_rows = cur_rows;
				snprintf(first_cache, sizeof(first_cache), "%s", cur);
			}
			snprintf(cur, sizeof(cur), "%s", tok[L->col_cache]);
			cur_rows = 0;
			cur_start = lineno;
		}
		cur_rows++;
		if (!strcmp(cur, cache)) {
			uint64_t w = parse_size(tok[L->col_win]);
			char *end;
			double v = strtod(tok[L->col_val], &end);

			if (!w) {
				snprintf(err, n,
					 "%s:%u: window '%s' is not a size like 8KB or 1.5MB", path,
					 lineno, tok[L->col_win]);
				goto bad;
			}
			if (*end || !isfinite(v) || v <= 0) {
				snprintf(err, n, "%s:%u: %s '%s' is not a positive number", path,
					 lineno, L->val_name, tok[L->col_val]);
				goto bad;
			}
			if (c->nr == PB_MAX_WINDOWS) {
				snprintf(err, n, "%s:%u: more than %d windows", path, lineno,
					 PB_MAX_WINDOWS);
				goto bad;
			}
			if (c->nr && w <= c->win_bytes[c->nr - 1]) {
				snprintf(err, n, "%s:%u: window %s does not grow", path, lineno,
					 tok[L->col_win]);
				goto bad;
			}
			c->win_bytes[c->nr] = w;
			c->val[c->nr++] = v;
		}
	}
	fclose(f);
	if (!header) {
		snprintf(err, n, "%s:%u: empty file (no header)", path, lineno);
		return -EINVAL;
	}
	if (first_rows && cur_rows != first_rows) {
		snprintf(err, n,
			 "%s:%u: truncated: block %s ends after %u windows, block %s has %u", path,
			 lineno, cur, cur_rows, first_cache, first_rows);
		return -EINVAL;
	}
	if (c->nr < 3) {
		snprintf(err, n, "%s:%u: %s block has %u windows, need at least 3 (truncated?)",
			 path, lineno, cache, c->nr);
		return -EINVAL;
	}
	return 0;
bad:
	fclose(f);
	return -EINVAL;
}

int pb_read_lat(const char *path, const char *cache, struct pb_curve *c, char *err,
		size_t err_bytes)
{
	return read_table(path, &lat_layout, cache, c, err, err_bytes);
}

int pb_read_bw(const char *path, const char *cache, struct pb_curve *c, char *err, size_t err_bytes)
{
	return read_table(path, &bw_layout, cache, c, err, err_bytes);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

int pb_run_parse(const char *dir, struct pb_run *r, char *err, size_t n)
{
	char tmp[256], *slash;
	const char *cpus[] = {"snb", "ib", "bdw"}, *p;
	size_t len;
	int x, y, z;

	memset(r, 0, sizeof(*r));
	if (strlen(dir) >= sizeof(tmp)) {
		snprintf(err, n, "%.64s...: folder path too long", dir);
		return -EINVAL;
	}
	snprintf(tmp, sizeof(tmp), "%s", dir);
	while ((len = strlen(tmp)) > 1 && tmp[len - 1] == '/')
		tmp[len - 1] = 0;
	slash = strrchr(tmp, '/');
	snprintf(r->name, sizeof(r->name), "%s", slash ? slash + 1 : tmp);
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		char pat[16];

		snprintf(pat, sizeof(pat), "_%s-", cpus[i]);
		if ((p = strstr(r->name, pat))) {
			snprintf(r->cpu, sizeof(r->cpu), "%s", cpus[i]);
			p += strlen(pat);
			if (!strncmp(p, "Xeon-", 5)) {
				size_t k = 0;

				for (p += 5;
				     *p && *p != '_' && *p != '-' && k + 1 < sizeof(r->model); p++)
					r->model[k++] =
					    (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
				/* "E5-2630v4": the dash inside the model name */
				if (*p == '-' && k + 1 < sizeof(r->model))
					for (r->model[k++] = *p++; *p && *p != '_' && *p != '-' &&
								   k + 1 < sizeof(r->model);
					     p++)
						r->model[k++] =
						    (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a'
										  : *p);
			}
			break;
		}
	}
	if (!*r->cpu) {
		snprintf(err, n,
			 "%s: not a pcie-bench result folder name "
			 "(nfp6000-..._snb-|_ib-|_bdw-<cpu>_<machine>[-sX-sY-sZ][-iommu[-nosp]])",
			 r->name);
		return -EINVAL;
	}
	snprintf(r->base_name, sizeof(r->base_name), "%s", r->name);
	if (ends_with(r->name, "-iommu-nosp")) {
		r->iommu = PB_IOMMU_4K;
		r->base_name[strlen(r->name) - strlen("-iommu-nosp")] = 0;
	} else if (ends_with(r->name, "-iommu")) {
		/* Sandy Bridge VT-d has no super pages: its -iommu run is 4 KiB */
		r->iommu = strcmp(r->cpu, "snb") ? PB_IOMMU_SP : PB_IOMMU_4K;
		r->base_name[strlen(r->name) - strlen("-iommu")] = 0;
	} else {
		r->iommu = PB_IOMMU_OFF;
	}
	if ((p = strstr(r->name, "-s")) && sscanf(p, "-s%d-s%d-s%d", &x, &y, &z) == 3) {
		r->two_socket = true;
		r->remote = x != y;
		if (r->remote) {
			char *q;

			snprintf(r->local_name, sizeof(r->local_name), "%s", r->name);
			q = strstr(r->local_name, "-s");
			/* "-sX-sY-sZ": the local sibling has the buffer and the host program on X
			 */
			q[5] = q[2];
			q[8] = q[2];
		}
	}
	snprintf(r->machine, sizeof(r->machine), "%s%s%s%s", r->cpu, *r->model ? "-" : "", r->model,
		 r->two_socket ? (r->remote ? "-remote" : "-local") : "");
	return 0;
}
