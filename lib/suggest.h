/* SPDX-License-Identifier: GPL-2.0 */
/*
 * suggest.h - "did you mean": the candidate closest to a mistyped word by
 * edit distance (Levenshtein: insert, delete, substitute, and swap of two
 * neighbours, each 1), if it is close enough to be a plausible typo.
 *
 * Model assumptions: none.
 */
#ifndef SVATRACE_LIB_SUGGEST_H
#define SVATRACE_LIB_SUGGEST_H

#include <stddef.h>

/** suggest_distance() - edit distance of @a and @b (bytes; capped at 255). */
unsigned int suggest_distance(const char *a, const char *b);

/**
 * suggest_closest() - the entry of @cands[0..@nr) nearest to @word, or NULL
 * when none is within max(2, strlen(@word) / 3) edits (so "replya" finds
 * "replay" and "xyz" finds nothing). Ties go to the earlier candidate.
 */
const char *suggest_closest(const char *word, const char *const *cands, size_t nr);

#endif /* SVATRACE_LIB_SUGGEST_H */
