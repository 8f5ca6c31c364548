/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log.h - the one logging hook of svatrace's library code.
 *
 * Library code never prints: it calls svt_log(), which forwards to a hook the
 * program sets (the CLI maps -v/-q onto the level). With no hook set,
 * warnings and errors go to stderr.
 */
#ifndef SVATRACE_COMMON_LOG_H
#define SVATRACE_COMMON_LOG_H

#include <stdarg.h>

enum svt_log_level {
	SVT_LOG_ERROR = 0, /* the operation failed */
	SVT_LOG_WARN = 1,  /* something was skipped or approximated */
	SVT_LOG_INFO = 2,  /* progress and notices (shown by default) */
	SVT_LOG_DEBUG = 3, /* -v */
};

typedef void (*svt_log_fn)(enum svt_log_level level, const char *fmt, va_list ap);

/** svt_log_set_fn() - install the hook; NULL restores the stderr default. */
void svt_log_set_fn(svt_log_fn fn);

/** svt_log_set_level() - messages above @level are dropped. */
void svt_log_set_level(enum svt_log_level level);

/** svt_log_get_level() - the current level. */
enum svt_log_level svt_log_get_level(void);

/** svt_log() - log one message (no trailing newline needed). */
void svt_log(enum svt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define svt_err(...) svt_log(SVT_LOG_ERROR, __VA_ARGS__)
#define svt_warn(...) svt_log(SVT_LOG_WARN, __VA_ARGS__)
#define svt_info(...) svt_log(SVT_LOG_INFO, __VA_ARGS__)
#define svt_debug(...) svt_log(SVT_LOG_DEBUG, __VA_ARGS__)

#endif /* SVATRACE_COMMON_LOG_H */
