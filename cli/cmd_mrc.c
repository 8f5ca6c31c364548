// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_mrc.c - `svatrace mrc TRACE`: the IOTLB's LRU miss-ratio curve over
 * many sizes from one pass over the trace (model/xlate/stackdist.h), with
 * the counts a separate `svatrace replay --set ats.enabled=off --set
 * iotlb.entries=E --set iotlb.ways=W --set walk.fixed_ns=0 --set
 * mem.read_ns=0` gives (translations completing at once: sweep/onepass.c). Only traces whose IOTLB
 * lookups are exactly their device accesses qualify: DEV_ACCESS records in
 * time order (plus generic records); maps, invalidations, faults and work
 * queues change the IOTLB between lookups, and those traces are refused
 * with the record that disqualifies them (use `svatrace sweep`).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/stackdist.h"
#include "trace/trace.h"

#define MRC_MAX_POINTS 64
#define MRC_MAX_CTX 4096

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: svatrace mrc TRACE [--entries LIST] [--ways LIST] [--page-bytes N]\n"
	       "                    [--json] [--plot DIR]\n"
	       "\n"
	       "The IOTLB's miss-ratio curve: misses of an LRU IOTLB of every size in LIST,\n"
	       "from one pass (stack distances: Mattson 1970 for fully associative sizes,\n"
	       "Hill & Smith 1989 for power-of-two set counts). Each count equals what\n"
	       "'svatrace replay TRACE --set ats.enabled=off --set iotlb.entries=E\n"
	       "--set iotlb.ways=W --set pt.page_bytes=N --set iotlb.set_index=F\n"
	       "--set walk.fixed_ns=0 --set mem.read_ns=0' reports as iotlb.misses\n"
	       "(with walk time, lookups of a page being walked merge into the walk:\n"
	       "fewer misses). 'svatrace sweep' stores such points from the same pass.\n"
	       "The trace must hold only device accesses (and generic records) in time\n"
	       "order; others change the IOTLB between lookups: use 'svatrace sweep' for\n"
	       "those.\n"
	       "\n"
	       "Options:\n"
	       "  -e, --entries LIST   IOTLB sizes (default 16,32,...,16384)\n"
	       "  -w, --ways LIST      ways per set, 'full' = fully associative (default full,8);\n"
	       "                       with W ways, entries/W must be a power of two\n"
	       "  -p, --page-bytes N   page size: 4096, 2M or 1G (default 4096)\n"
	       "  -i, --set-index F    ctx-hash or page, as iotlb.set_index (default ctx-hash)\n"
	       "  -j, --json           one JSON object: {\"points\": [{entries, ways, ...}]}\n"
	       "  -P, --plot DIR       also write DIR/mrc.dat, DIR/mrc.gp and (with gnuplot)\n"
	       "                       DIR/mrc.png\n"
	       "  -h, --help           this help\n");
}

static int parse_list(const char *s, uint32_t *out, int max, bool allow_full)
{
	int n = 0;

	while (*s) {
		char *end;
		unsigned long long v;

		if (n == max)
			return -E2BIG;
		if (allow_full && !strncmp(s, "full", 4) && (s[4] == ',' || !s[4])) {
			v = 0; /* 0 = fully associative */
			end = (char *)s + 4;
		} else {
			errno = 0;
			v = strtoull(s, &end, 0);
			if (end == s || errno || !v || v > (1u << 28))
				return -EINVAL;
		}
		out[n++] = (uint32_t)v;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return n ? n : -EINVAL;
}

static int parse_page(const char *s, unsigned int *psz, unsigned int *shift)
{
	if (!strcmp(s, "4096") || !strcasecmp(s, "4K") || !strcasecmp(s, "4k")) {
		*psz = IOTLB_PSZ_4K;
		*shift = 12;
	} else if (!strcmp(s, "2097152") || !strcasecmp(s, "2M")) {
		*psz = IOTLB_PSZ_2M;
		*shift = 21;
	} else if (!strcmp(s, "1073741824") || !strcasecmp(s, "1G")) {
		*psz = IOTLB_PSZ_1G;
		*shift = 30;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* The context index of @pasid, as iotlb__ctx interns (domain 0, pasid). */
static uint32_t ctx_of(uint32_t *pasids, uint64_t *hashes, uint32_t *nr, uint32_t pasid,
		       bool ctx_hash)
{
	for (uint32_t i = 0; i < *nr; i++)
		if (pasids[i] == pasid)
			return i;
	if (*nr == MRC_MAX_CTX)
		return MRC_MAX_CTX - 1;
	pasids[*nr] = pasid;
	hashes[*nr] = ctx_hash ? iotlb_ctx_hash(0, pasid) : 0;
	return (*nr)++;
}

static int plot(const char *dir, const uint32_t *entries, int ne, const uint32_t *ways, int nw,
		const uint64_t (*misses)[MRC_MAX_POINTS], uint64_t refs)
{
	char path[4096];
	FILE *f;
	pid_t pid;
	int st;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return cli_error("mrc", "%s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/mrc.dat", dir);
	if (!(f = fopen(path, "w")))
		return cli_error("mrc", "%s: %s", path, strerror(errno));
	for (int w = 0; w < nw; w++) {
		if (ways[w])
			fprintf(f, "# %u-way\n", ways[w]);
		else
			fprintf(f, "# fully associative\n");
		for (int e = 0; e < ne; e++)
			if (misses[w][e] != UINT64_MAX)
				fprintf(f, "%u %.6f\n", entries[e],
					refs ? (double)misses[w][e] / (double)refs : 0.0);
		fprintf(f, "\n\n");
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/mrc.gp", dir);
	if (!(f = fopen(path, "w")))
		return cli_error("mrc", "%s: %s", path, strerror(errno));
	fprintf(f, "# svatrace mrc: IOTLB LRU miss ratio by size (run: gnuplot mrc.gp)\n"
		   "set terminal pngcairo size 800,500\nset output 'mrc.png'\n"
		   "set logscale x 2\nset xlabel 'IOTLB entries'\nset ylabel 'miss ratio'\n"
		   "set yrange [0:*]\nset key top right\nset grid\nplot ");
	for (int w = 0; w < nw; w++) {
		char title[32];

		if (ways[w])
			snprintf(title, sizeof(title), "%u-way", ways[w]);
		else
			snprintf(title, sizeof(title), "fully associative");
		fprintf(f, "%s'mrc.dat' index %d with linespoints title '%s'", w ? ", " : "", w,
			title);
	}
	fprintf(f, "\n");
	fclose(f);
	pid = fork();
	if (pid == 0) {
		if (chdir(dir))
			_exit(127);
		freopen("/dev/null", "w", stdout);
		execlp("gnuplot", "gnuplot", "mrc.gp", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr,
			"svatrace mrc: gnuplot did not run; %s/mrc.dat and mrc.gp are written\n",
			dir);
		return CLI_OK;
	}
	return CLI_OK;
}

/* The command line: the sizes to count, the page and index, the outputs. */
struct mrc_opts {
	uint32_t entries[MRC_MAX_POINTS]; /* IOTLB sizes */
	uint32_t ways[MRC_MAX_POINTS];	  /* ways per set, 0 = fully associative */
	int ne;				  /* nr of entries[] */
	int nw;				  /* nr of ways[] */
	unsigned int psz;		  /* IOTLB_PSZ_* of the page size */
	unsigned int shift;		  /* log2 of the page size in bytes */
	bool ctx_hash;			  /* iotlb.set_index=ctx-hash (else page) */
	bool as_json;			  /* --json */
	const char *plot_dir;		  /* --plot DIR, or NULL */
};

/* Parse the options into @o: -1 to go on, else the exit code (help or usage error). */
static int parse_opts(int argc, char **argv, struct mrc_opts *o)
{
	static const struct option opts[] = {
	    {"entries", required_argument, NULL, 'e'},
	    {"ways", required_argument, NULL, 'w'},
	    {"page-bytes", required_argument, NULL, 'p'},
	    {"set-index", required_argument, NULL, 'i'},
	    {"json", no_argument, NULL, 'j'},
	    {"plot", required_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = cli_getopt(argc, argv, "e:w:p:i:jP:h", opts)) != -1) {
		switch (c) {
		case 'e':
			if ((o->ne = parse_list(optarg, o->entries, MRC_MAX_POINTS, false)) < 0)
				return cli_usage_error("mrc",
						       "--entries '%s': want a list of sizes "
						       "(at most %d, each 1..2^28)",
						       optarg, MRC_MAX_POINTS);
			break;
		case 'w':
			if ((o->nw = parse_list(optarg, o->ways, MRC_MAX_POINTS, true)) < 0)
				return cli_usage_error("mrc",
						       "--ways '%s': want a list of 'full' "
						       "or way counts",
						       optarg);
			break;
		case 'p':
			if (parse_page(optarg, &o->psz, &o->shift))
				return cli_usage_error(
				    "mrc", "--page-bytes '%s': want 4096, 2M or 1G", optarg);
			break;
		case 'i':
			if (strcmp(optarg, "ctx-hash") && strcmp(optarg, "page"))
				return cli_usage_error(
				    "mrc", "--set-index '%s': want ctx-hash or page", optarg);
			o->ctx_hash = !strcmp(optarg, "ctx-hash");
			break;
		case 'j':
			o->as_json = true;
			break;
		case 'P':
			o->plot_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("mrc", "bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("mrc", "give exactly one trace file");
	return -1;
}

/* What to track: the largest fully associative size, the set counts and ways. */
static void track_cfg(const struct mrc_opts *o, struct stackdist_cfg *cfg)
{
	for (int w = 0; w < o->nw; w++) {
		for (int e = 0; e < o->ne; e++) {
			uint64_t sets;

			if (!o->ways[w]) {
				if (o->entries[e] > cfg->max_entries)
					cfg->max_entries = o->entries[e];
				continue;
			}
			sets = o->entries[e] / o->ways[w];
			if (o->entries[e] % o->ways[w] || (sets & (sets - 1)) ||
			    sets > (1ull << STACKDIST_MAX_SETS_LOG2))
				continue; /* reported as not computable below */
			cfg->sets_mask |= (uint32_t)sets;
			if (o->ways[w] > cfg->max_ways)
				cfg->max_ways = o->ways[w];
		}
	}
}

/*
 * One pass over @path's records into @sd: CLI_OK, or CLI_FAIL (reported)
 * on a record that disqualifies the trace or a read error.
 */
static int feed(struct stackdist *sd, struct trace_reader *r, const char *path,
		const struct mrc_opts *o)
{
	static uint64_t hashes[MRC_MAX_CTX];
	uint32_t pasids[MRC_MAX_CTX], nr_ctx = 0;
	const struct trace_rec *rec;
	uint64_t n = 0, last_ts = 0;
	int rc;

	while ((rc = trace_reader__next(r, &rec)) == 1) {
		const struct trace_rec_dev_access *a = (const void *)rec;
		uint64_t bytes, first, last, ctx;

		n++;
		if (rec->kind == TRACE_REC_GENERIC)
			continue;
		if (rec->kind != TRACE_REC_DEV_ACCESS)
			return cli_error("mrc",
					 "%s: record %" PRIu64 " is %s: the IOTLB changes between "
					 "lookups in this trace, so one-pass counts would differ "
					 "from replay; use 'svatrace sweep'",
					 path, n - 1, trace_rec_kind_name(rec->kind));
		if (rec->ts_ns < last_ts)
			return cli_error("mrc",
					 "%s: record %" PRIu64 " goes back in time (%" PRIu64
					 " ns after %" PRIu64 " ns): replay would reorder it; use "
					 "'svatrace sweep'",
					 path, n - 1, rec->ts_ns, last_ts);
		last_ts = rec->ts_ns;
		/* the pages the access touches, as model__access splits it */
		bytes = a->size_bytes ? a->size_bytes : 1;
		first = a->iova >> o->shift;
		last = a->iova + bytes - 1 < a->iova ? UINT64_MAX >> o->shift
						     : (a->iova + bytes - 1) >> o->shift;
		ctx = ctx_of(pasids, hashes, &nr_ctx, a->pasid == TRACE_NO_PASID ? 0 : a->pasid,
			     o->ctx_hash);
		for (uint64_t p = first;; p++) {
			/* iotlb.c's key layout: page << 14 | context << 2 | page size */
			stackdist__ref(sd, (p & ((1ull << 50) - 1)) << 14 | ctx << 2 | o->psz, p,
				       hashes[ctx]);
			if (p == last)
				break;
		}
	}
	if (rc < 0)
		return cli_error("mrc", "%s", trace_reader__errmsg(r));
	return CLI_OK;
}

static double ratio(uint64_t misses, uint64_t refs)
{
	return refs ? (double)misses / (double)refs : 0.0;
}

/* The points, as JSON or a table (a point whose sets are not a power of two says so). */
static void print_points(const struct mrc_opts *o, const char *path,
			 const uint64_t (*misses)[MRC_MAX_POINTS], uint64_t refs)
{
	if (o->as_json) {
		printf("{\"trace\": \"%s\", \"page_bytes\": %llu, \"lookups\": %" PRIu64
		       ", \"points\": [",
		       path, 1ull << o->shift, refs);
		for (int w = 0, k = 0; w < o->nw; w++) {
			for (int e = 0; e < o->ne; e++) {
				if (misses[w][e] == UINT64_MAX)
					continue;
				printf("%s\n  {\"entries\": %u, \"ways\": %u, \"misses\": %" PRIu64
				       ", \"miss_ratio\": %.6f}",
				       k++ ? "," : "", o->entries[e],
				       o->ways[w] ? o->ways[w] : o->entries[e], misses[w][e],
				       ratio(misses[w][e], refs));
			}
		}
		printf("\n]}\n");
		return;
	}
	printf("%s: %" PRIu64 " IOTLB lookups (%llu-byte pages), LRU\n", path, refs,
	       1ull << o->shift);
	printf("%10s %8s %14s %10s\n", "entries", "ways", "misses", "miss_ratio");
	for (int w = 0; w < o->nw; w++) {
		for (int e = 0; e < o->ne; e++) {
			char wb[16];

			snprintf(wb, sizeof(wb), "%u", o->ways[w]);
			if (misses[w][e] == UINT64_MAX) {
				printf("%10u %8s %14s %10s  (entries/ways not a power of "
				       "two)\n",
				       o->entries[e], o->ways[w] ? wb : "full", "-", "-");
				continue;
			}
			printf("%10u %8s %14" PRIu64 " %10.6f\n", o->entries[e],
			       o->ways[w] ? wb : "full", misses[w][e], ratio(misses[w][e], refs));
		}
	}
}

int cmd_mrc(int argc, char **argv)
{
	struct mrc_opts o = {.nw = 2, .psz = IOTLB_PSZ_4K, .shift = 12, .ctx_hash = true};
	static uint64_t misses[MRC_MAX_POINTS][MRC_MAX_POINTS];
	struct stackdist_cfg cfg = {0};
	struct stackdist *sd = NULL;
	struct trace_reader *r;
	int err, ret;

	o.ways[0] = 0;
	o.ways[1] = 8;
	for (uint32_t e = 16; e <= 16384; e *= 2)
		o.entries[o.ne++] = e;
	if ((ret = parse_opts(argc, argv, &o)) >= 0)
		return ret;
	track_cfg(&o, &cfg);
	if (cfg.max_ways > 4096)
		return cli_usage_error("mrc", "--ways: at most 4096 ways per set (or 'full')");
	sd = stackdist__new(&cfg);
	if (!sd)
		return cli_error("mrc", "cannot track these sizes: %s", strerror(errno));
	r = trace_reader__open(argv[optind], &err);
	if (!r) {
		stackdist__free(sd);
		return cli_error("mrc", "%s", trace_open_errmsg());
	}
	ret = feed(sd, r, argv[optind], &o);
	if (ret == CLI_OK) {
		for (int w = 0; w < o.nw; w++)
			for (int e = 0; e < o.ne; e++)
				if (stackdist__misses(sd, o.entries[e],
						      o.ways[w] ? o.ways[w] : o.entries[e],
						      &misses[w][e]))
					misses[w][e] = UINT64_MAX;
		print_points(&o, argv[optind], misses, stackdist__refs(sd));
		if (o.plot_dir)
			ret = plot(o.plot_dir, o.entries, o.ne, o.ways, o.nw, misses,
				   stackdist__refs(sd));
	}
	trace_reader__close(r);
	stackdist__free(sd);
	return ret;
}
