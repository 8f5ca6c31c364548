// SPDX-License-Identifier: GPL-2.0
/*
 * alloc.c - allocation wrappers with a countdown fault hook (see alloc.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

static uint64_t countdown; /* allocations until the failing one; 0: disarmed */
static bool fired;	   /* the armed failure happened */

void svt_alloc_fail_at(uint64_t n)
{
	countdown = n;
	fired = false;
}

bool svt_alloc_fired(void)
{
	return fired;
}

static bool fault(void)
{
	if (!countdown || --countdown)
		return false;
	fired = true;
	errno = ENOMEM;
	return true;
}

void *svt_malloc(size_t bytes)
{
	return fault() ? NULL : malloc(bytes);
}

void *svt_calloc(size_t n, size_t bytes)
{
	return fault() ? NULL : calloc(n, bytes);
}

void *svt_realloc(void *p, size_t bytes)
{
	return fault() ? NULL : realloc(p, bytes);
}

char *svt_strdup(const char *s)
{
	return fault() ? NULL : strdup(s);
}
