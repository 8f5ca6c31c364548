// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_convert.c - `svatrace convert IN -o OUT`: rewrite a trace in the
 * compact format v2 (delta-varint records, zstd per chunk, chunk index), or
 * back to v1 with --v1. Everything else (clock, flags, meta, strings, lost
 * counters) is kept; a damaged input converts up to its good prefix and the
 * command says where the damage starts (exit 1). The output is written to a
 * temporary file beside it and renamed into place (common/outfile.c): an
 * existing OUT survives a failed conversion, and OUT naming IN is refused.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "common/outfile.h"
#include "trace/trace.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: svatrace convert IN -o OUT [--v1]\n"
		   "\n"
		   "Rewrite trace IN as OUT in the compact format (v2: records delta-encoded as\n"
		   "varints, zstd per chunk, a chunk index; typically 5-10x smaller than v1).\n"
		   "Every command reads both versions. Clock, flags, meta, strings and lost\n"
		   "counters are kept. A damaged IN is converted up to its good prefix; the\n"
		   "message says where the damage starts and the exit status is 1.\n"
		   "\n"
		   "Options:\n"
		   "  -o, --output FILE   output trace (required)\n"
		   "      --v1            write format v1 (records as laid out, uncompressed)\n"
		   "  -h, --help          this help\n");
}

int cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"v1", no_argument, NULL, '1'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned int major = TRACE_VERSION_MAJOR_PACKED;
	const char *out = NULL;
	struct outfile of;
	struct stat si, so;
	size_t tmp_len;
	uint64_t n;
	char err[600];
	int c, rc, cerr;

	while ((c = cli_getopt(argc, argv, "o:h", opts)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case '1':
			major = TRACE_VERSION_MAJOR;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("convert", "bad option");
		}
	}
	if (optind != argc - 1 || !out)
		return cli_usage_error("convert", "give one input trace and -o OUT");
	rc = outfile__begin(&of, out, argv[optind]);
	if (rc == -EEXIST)
		return cli_usage_error("convert", "%s: output is the input", out);
	if (rc == -EINVAL || rc == -EISDIR)
		return cli_error("convert", "%s: not a regular file: cannot replace it", out);
	if (rc)
		return cli_error("convert", "%s: cannot create: %s", out, strerror(-rc));
	rc = trace_convert(argv[optind], of.tmp_path, major, err, sizeof(err), &n);
	tmp_len = strlen(of.tmp_path);
	if (rc && !strncmp(err, of.tmp_path, tmp_len)) {
		/* the output failed (full disk...): name OUT, keep the old one */
		outfile__abort(&of);
		return cli_error("convert", "%s%s (nothing written)", out, err + tmp_len);
	}
	if (rc && (stat(of.tmp_path, &so) || so.st_size == 0)) {
		/* the input was not opened (not a trace): no prefix to keep */
		outfile__abort(&of);
		return cli_error("convert", "%s (nothing written)", err);
	}
	/* complete, or the good prefix of a damaged input (closed cleanly) */
	cerr = outfile__commit(&of);
	if (cerr)
		return cli_error("convert", "%s: cannot rename the finished trace into place: %s",
				 out, strerror(-cerr));
	if (rc)
		return cli_error("convert", "%s (%" PRIu64 " records converted before it)", err, n);
	if (!stat(argv[optind], &si) && !stat(out, &so))
		fprintf(stderr,
			"svatrace: %s: %" PRIu64
			" records, %lld -> %lld bytes (%.2f bytes/record) -> %s (v%u)\n",
			argv[optind], n, (long long)si.st_size, (long long)so.st_size,
			n ? (double)so.st_size / (double)n : 0.0, out, major);
	return CLI_OK;
}
