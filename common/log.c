// SPDX-License-Identifier: GPL-2.0
/* log.c - the logging hook (see log.h). */
#include <stdio.h>

#include "common/log.h"

static svt_log_fn log_fn;
static enum svt_log_level log_level = SVT_LOG_INFO;

void svt_log_set_fn(svt_log_fn fn)
{
	log_fn = fn;
}

void svt_log_set_level(enum svt_log_level level)
{
	log_level = level;
}

enum svt_log_level svt_log_get_level(void)
{
	return log_level;
}

void svt_log(enum svt_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	if (log_fn) {
		log_fn(level, fmt, ap);
	} else {
		fputs("svatrace: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
