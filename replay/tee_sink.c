// SPDX-License-Identifier: GPL-2.0
/*
 * tee_sink.c - a results sink that forwards every call to two sinks (the
 * printer and the SQLite store of `replay --db`). The first error wins.
 */
#include <errno.h>
#include <stdlib.h>

#include "replay/sinks.h"

struct tee_sink {
	struct results_sink sink; /* ops + ctx (ctx = this) */
	struct results_sink a, b; /* targets */
};

#define FWD(call)                                                                                  \
	do {                                                                                       \
		int ra = t->a.ops->call ? t->a.ops->call args_a : 0;                               \
		int rb = t->b.ops->call ? t->b.ops->call args_b : 0;                               \
		return ra < 0 ? ra : rb;                                                           \
	} while (0)

static int tee_begin(void *ctx, const struct results_run_info *info)
{
	struct tee_sink *t = ctx;
#define args_a (t->a.ctx, info)
#define args_b (t->b.ctx, info)
	FWD(begin_run);
#undef args_a
#undef args_b
}

static int tee_config(void *ctx, const char *key, const char *value, const char *source)
{
	struct tee_sink *t = ctx;
#define args_a (t->a.ctx, key, value, source)
#define args_b (t->b.ctx, key, value, source)
	FWD(config);
#undef args_a
#undef args_b
}

static int tee_metric(void *ctx, const char *key, double value, const char *unit)
{
	struct tee_sink *t = ctx;
#define args_a (t->a.ctx, key, value, unit)
#define args_b (t->b.ctx, key, value, unit)
	FWD(metric);
#undef args_a
#undef args_b
}

static int tee_hist(void *ctx, const char *key, const struct results_hist *h)
{
	struct tee_sink *t = ctx;
#define args_a (t->a.ctx, key, h)
#define args_b (t->b.ctx, key, h)
	FWD(histogram);
#undef args_a
#undef args_b
}

static int tee_series(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		      const double *values, size_t nr)
{
	struct tee_sink *t = ctx;
#define args_a (t->a.ctx, key, start_ns, window_ns, values, nr)
#define args_b (t->b.ctx, key, start_ns, window_ns, values, nr)
	FWD(series);
#undef args_a
#undef args_b
}

static int tee_end(void *ctx, int status)
{
	struct tee_sink *t = ctx;
#define args_a (t->a.ctx, status)
#define args_b (t->b.ctx, status)
	FWD(end_run);
#undef args_a
#undef args_b
}

static const struct results_sink_ops tee_ops = {
    .begin_run = tee_begin,
    .config = tee_config,
    .metric = tee_metric,
    .histogram = tee_hist,
    .series = tee_series,
    .end_run = tee_end,
};

struct results_sink *tee_sink__new(const struct results_sink *a, const struct results_sink *b)
{
	struct tee_sink *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->a = *a;
	t->b = *b;
	t->sink.ops = &tee_ops;
	t->sink.ctx = t;
	return &t->sink;
}

void tee_sink__free(struct results_sink *s)
{
	free(s);
}
