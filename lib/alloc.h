/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alloc.h - malloc/calloc/realloc/strdup with one fault-injection hook, so
 * tests can make the n-th allocation fail and check that every allocation
 * failure becomes an error that reaches the user (SQLite's fault-injection
 * idea, reduced to a countdown). Without the hook armed these are the libc
 * functions plus one branch.
 */
#ifndef SVATRACE_LIB_ALLOC_H
#define SVATRACE_LIB_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** svt_malloc() - malloc(), or NULL with errno ENOMEM when the hook fires. */
void *svt_malloc(size_t bytes);

/** svt_calloc() - calloc(), or NULL with errno ENOMEM when the hook fires. */
void *svt_calloc(size_t n, size_t bytes);

/** svt_realloc() - realloc(), or NULL with errno ENOMEM (@p kept) when the hook fires. */
void *svt_realloc(void *p, size_t bytes);

/** svt_strdup() - strdup(), or NULL with errno ENOMEM when the hook fires. */
char *svt_strdup(const char *s);

/**
 * svt_alloc_fail_at() - test hook: the @n-th allocation through these
 * functions from now on fails (1: the next one); 0 disarms. Not thread-safe.
 */
void svt_alloc_fail_at(uint64_t n);

/** svt_alloc_fired() - true once the armed failure happened (since the last arming). */
bool svt_alloc_fired(void);

#endif /* SVATRACE_LIB_ALLOC_H */
