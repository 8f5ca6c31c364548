// SPDX-License-Identifier: GPL-2.0
/*
 * refsim.c - the classic trace-driven cache simulator the replay benchmark
 * measures svatrace against, written the way such simulators usually are
 * (DineroIV's "din" input, cachegrind-style arrays): read "LABEL hex-address"
 * text lines with buffered fgets and strtoull, index the set by page number
 * modulo the number of sets, scan the set's ways linearly for the tag, and
 * evict the least recently used way (per-way stamps). It prints accesses,
 * hits and misses, so the benchmark can check svatrace counts the same.
 *
 * Model assumptions: one page size (PAGE_SHIFT), one context, a miss fills
 * at once; the same rules as svatrace's IOTLB with --set ats.enabled=off.
 *
 * usage: refsim ENTRIES WAYS [FILE]   (FILE default: stdin)
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SHIFT 12

int main(int argc, char **argv)
{
	uint64_t entries, ways, sets, clock = 0, hits = 0, misses = 0;
	uint64_t *tags, *stamps;
	char line[256];
	FILE *in = stdin;

	if (argc < 3) {
		fprintf(stderr, "usage: refsim ENTRIES WAYS [FILE]\n");
		return 2;
	}
	entries = strtoull(argv[1], NULL, 0);
	ways = strtoull(argv[2], NULL, 0);
	if (!entries || !ways || ways > entries || entries % ways) {
		fprintf(stderr, "refsim: WAYS must divide ENTRIES (got %s, %s)\n", argv[1],
			argv[2]);
		return 2;
	}
	sets = entries / ways;
	if (argc > 3 && !(in = fopen(argv[3], "r"))) {
		perror(argv[3]);
		return 1;
	}
	tags = malloc(entries * sizeof(*tags));
	stamps = calloc(entries, sizeof(*stamps));
	if (!tags || !stamps) {
		fprintf(stderr, "refsim: out of memory\n");
		return 1;
	}
	memset(tags, 0xff, entries * sizeof(*tags)); /* all invalid */
	while (fgets(line, sizeof(line), in)) {
		char *p = line, *end;
		uint64_t addr, page, *t, *s, w, victim = 0;

		/* "LABEL ADDRESS": skip the label (0 = read, 1 = write, 2 = fetch) */
		strtoull(p, &end, 10);
		if (end == p)
			continue;
		addr = strtoull(end, &p, 16);
		if (p == end)
			continue;
		page = addr >> PAGE_SHIFT;
		t = tags + (page % sets) * ways;
		s = stamps + (page % sets) * ways;
		clock++;
		for (w = 0; w < ways; w++)
			if (t[w] == page)
				break;
		if (w < ways) {
			hits++;
			s[w] = clock;
			continue;
		}
		misses++;
		for (w = 1; w < ways; w++) /* invalid ways have stamp 0: taken first */
			if (s[w] < s[victim])
				victim = w;
		t[victim] = page;
		s[victim] = clock;
	}
	printf("accesses %" PRIu64 " hits %" PRIu64 " misses %" PRIu64 "\n", hits + misses, hits,
	       misses);
	if (in != stdin)
		fclose(in);
	free(tags);
	free(stamps);
	return 0;
}
