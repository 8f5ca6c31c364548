// SPDX-License-Identifier: GPL-2.0
/*
 * store_sink.c - the results sink backed by the SQLite store (see store_sink.h).
 *
 * Each op forwards to the store's staging calls; end_run commits the staged
 * run. A busy database (another writer holding the lock past the busy
 * timeout) is retried a few times before the run is reported as failed.
 */
#include <errno.h>
#include <stdlib.h>

#include "analyze/store_sink.h"
#include "common/log.h"

#define STORE_SINK_COMMIT_TRIES 5 /* busy timeouts in a row before giving up */

struct store_sink {
	struct store *st;    /* where runs go (not owned) */
	int64_t last_run_id; /* id of the last committed run */
};

static int ss_begin_run(void *ctx, const struct results_run_info *info)
{
	struct store_sink *ss = ctx;

	return store__stage_begin(ss->st, info);
}

static int ss_config(void *ctx, const char *key, const char *value, const char *source)
{
	struct store_sink *ss = ctx;

	return store__stage_config(ss->st, key, value, source);
}

static int ss_metric(void *ctx, const char *key, double value, const char *unit)
{
	struct store_sink *ss = ctx;

	return store__stage_metric(ss->st, key, value, unit);
}

static int ss_histogram(void *ctx, const char *key, const struct results_hist *h)
{
	struct store_sink *ss = ctx;

	return store__stage_hist(ss->st, key, h);
}

static int ss_series(void *ctx, const char *key, uint64_t start_ns, uint64_t window_ns,
		     const double *values, size_t nr_values)
{
	struct store_sink *ss = ctx;

	return store__stage_series(ss->st, key, start_ns, window_ns, values, nr_values);
}

static int ss_end_run(void *ctx, int status)
{
	struct store_sink *ss = ctx;
	int64_t id = 0;
	int rc = -EBUSY;

	for (int i = 0; i < STORE_SINK_COMMIT_TRIES && rc == -EBUSY; i++) {
		rc = store__stage_commit(ss->st, status, &id);
		if (rc == -EBUSY)
			svt_warn("%s: database busy, retrying the commit", store__path(ss->st));
	}
	if (rc == -EEXIST) {
		svt_info(
		    "%s: this point was stored meanwhile by another writer; run not stored again",
		    store__path(ss->st));
		return 0;
	}
	if (rc) {
		svt_err("%s: cannot store the run: %s", store__path(ss->st), store__errmsg(ss->st));
		return rc;
	}
	ss->last_run_id = id;
	return 0;
}

static const struct results_sink_ops store_sink_ops = {
    .begin_run = ss_begin_run,
    .config = ss_config,
    .metric = ss_metric,
    .histogram = ss_histogram,
    .series = ss_series,
    .end_run = ss_end_run,
};

struct store_sink *store_sink__new(struct store *st)
{
	struct store_sink *ss;

	if (!st) {
		errno = EINVAL;
		return NULL;
	}
	ss = calloc(1, sizeof(*ss));
	if (!ss)
		return NULL;
	ss->st = st;
	return ss;
}

void store_sink__free(struct store_sink *ss)
{
	free(ss);
}

struct results_sink store_sink__sink(struct store_sink *ss)
{
	return (struct results_sink){.ops = &store_sink_ops, .ctx = ss};
}

int64_t store_sink__last_run_id(const struct store_sink *ss)
{
	return ss->last_run_id;
}
