/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jsonstr.h - JSON strings from byte strings. Names in traces (task names,
 * device names, event text) are bytes: any process can name itself with
 * bytes that are not UTF-8, and the kernel's 15-byte cut of task names
 * splits multi-byte characters. The trace stores them as they are; JSON
 * output must still be valid, and jansson refuses invalid UTF-8.
 */
#ifndef SVATRACE_COMMON_JSONSTR_H
#define SVATRACE_COMMON_JSONSTR_H

#include <jansson.h>

/**
 * svt_json_bytes() - a JSON string for @s, whatever its bytes.
 * @s: NUL-terminated bytes.
 *
 * Valid UTF-8 is kept as is. Otherwise every byte that is not part of a
 * valid UTF-8 sequence becomes the four characters \xHH and every backslash
 * becomes \\, so the original bytes can be recovered from the text.
 *
 * Return: a new reference, or NULL if out of memory.
 */
json_t *svt_json_bytes(const char *s);

#endif /* SVATRACE_COMMON_JSONSTR_H */
