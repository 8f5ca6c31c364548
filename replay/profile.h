/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile.h - calibration profiles: INI files (parsed with libinih) whose
 * [section] key = value lines set parameter "section.key". Every value in a
 * shipped profile carries a comment with its source or "estimate".
 */
#ifndef SVATRACE_REPLAY_PROFILE_H
#define SVATRACE_REPLAY_PROFILE_H

#include <stddef.h>

#include "model/params.h"

/**
 * profile_resolve() - path of profile @name_or_path.
 * @name_or_path: a file path (contains '/' or ends in ".ini"), or a name
 *	looked up as NAME.ini in $SVATRACE_PROFILE_DIR, then the installed
 *	share folder (PROGRAM_DIR/../share/svatrace/profiles), then the source
 *	tree: ./data/profiles, and data/profiles up to three folders above the
 *	program (build/ and build/san/).
 * @buf: receives the path.
 *
 * Return: 0, or -ENOENT.
 */
int profile_resolve(const char *name_or_path, char *buf, size_t bytes);

/**
 * profile_load() - apply every key of an INI file to @p.
 * @err: "FILE:LINE: message naming the key" on failure.
 *
 * Return: 0, -ENOENT (no file), -EINVAL (syntax, unknown key, bad value).
 */
int profile_load(struct params *p, const char *path, char *err, size_t err_bytes);

#endif /* SVATRACE_REPLAY_PROFILE_H */
