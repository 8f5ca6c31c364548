/* SPDX-License-Identifier: GPL-2.0 */
/*
 * import.h - importers: read a foreign trace and append native records.
 *
 * `svatrace import --from NAME IN -o OUT` opens the output writer (with the
 * meta JSON the importer contributes) and calls the importer named NAME.
 * Adding an importer is one file (collect/import/import_NAME.c) and one line
 * in IMPORTERS in collect/import/import.c.
 */
#ifndef SVATRACE_COLLECT_IMPORT_H
#define SVATRACE_COLLECT_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/trace.h"

struct import_opts {
	bool keep_addrs;	 /* keep physical/user addresses (else hash them) */
	const char *cmdline;	 /* command line that ran the import */
	const uint8_t *hash_key; /* REDACT_KEY_BYTES address-hash key, NULL: random */
	bool lenient;		 /* keep going past IMPORT_MAX_BAD unparseable lines */
	const char *event_list;	 /* "SYSTEM:NAME" lines of the capturing host, or NULL */
};

/*
 * Unparseable input lines an import tolerates (each quoted in a warning)
 * before it stops: a few stray lines in a real trace are normal, more mean
 * the input is not in the format asked for. --lenient lifts the limit.
 */
#define IMPORT_MAX_BAD 10

struct import_stats {
	uint64_t nr_lines;    /* input lines or events read */
	uint64_t nr_records;  /* records written */
	uint64_t nr_generic;  /* of which generic (unknown event) */
	uint64_t nr_skipped;  /* input lines that were not events (comments, blank) */
	uint64_t nr_bad;      /* malformed events kept as generic records */
	uint64_t nr_unparsed; /* lines that were not in the input's format at all */
	/*
	 * Why nothing was imported, when the importer knows better than "0
	 * records" (the first unparseable line, quoted; an empty buffer...).
	 */
	char why[1024];
};

struct importer {
	const char *name;	/* --from value */
	const char *summary;	/* one line for --help */
	enum trace_clock clock; /* clock of the timestamps it produces */
	/*
	 * Optional: a JSON object (malloc'd text) of what the input says about
	 * its host ("kernel_release", "cpus", ...), merged into the output's
	 * meta under "host" before the writer is opened. NULL if not known.
	 */
	char *(*host_json)(const char *in_path);
	/*
	 * Optional: a JSON object (malloc'd text) merged into the output's
	 * meta "source" (what the file says of its own recording: clock
	 * name, buffers...), and the clock of its timestamps in @clock
	 * (left alone if the file does not say). NULL if nothing to add.
	 */
	char *(*source_json)(const char *in_path, enum trace_clock *clock);
	/*
	 * Read @in_path and append records to the open writer @w. Return 0 or a
	 * negative error; on error svt_err() has said what and where (file,
	 * line or offset).
	 */
	int (*run)(const char *in_path, const struct import_opts *opts, struct import_stats *st,
		   struct trace_writer *w);
};

/** import_find() - the importer called @name, NULL if none. */
const struct importer *import_find(const char *name);

/** import_foreach() - call @fn for every importer (for --help). */
void import_foreach(void (*fn)(const struct importer *imp, void *ctx), void *ctx);

#endif /* SVATRACE_COLLECT_IMPORT_H */
