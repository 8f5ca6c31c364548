// SPDX-License-Identifier: GPL-2.0
/*
 * suggest.c - closest candidate by edit distance (see suggest.h).
 */
#include <string.h>

#include "lib/suggest.h"

#define MAXLEN 255 /* longer words are compared on their first 255 bytes */

unsigned int suggest_distance(const char *a, const char *b)
{
	size_t la = strnlen(a, MAXLEN), lb = strnlen(b, MAXLEN);
	unsigned int d[3][MAXLEN + 1]; /* rows i-2, i-1, i (mod 3) */

	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned int *cur = d[i % 3], *prev = d[(i - 1) % 3], *pp = d[(i - 2) % 3];

		cur[0] = (unsigned int)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int cost = a[i - 1] != b[j - 1];
			unsigned int v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			/* a transposition ("replya" -> "replay") is one edit */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[la % 3][lb] > 255 ? 255 : d[la % 3][lb];
}

const char *suggest_closest(const char *word, const char *const *cands, size_t nr)
{
	size_t len = strlen(word);
	unsigned int best = ~0u, limit = len / 3 > 2 ? (unsigned int)(len / 3) : 2;
	const char *hit = NULL;

	for (size_t i = 0; i < nr; i++) {
		unsigned int dist;

		if (!cands[i])
			continue;
		dist = suggest_distance(word, cands[i]);
		if (dist < best) {
			best = dist;
			hit = cands[i];
		}
	}
	return best <= limit && best > 0 ? hit : NULL;
}
