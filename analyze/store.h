/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store.h - the SQLite results store: runs, their resolved config, scalar
 * metrics, latency histograms and time series (schema: docs/results-schema.md).
 *
 * The database is in WAL mode with a busy timeout, so several processes (the
 * workers of a sweep) can write one file at once; every write happens inside
 * a BEGIN IMMEDIATE transaction, so a killed writer loses only its own
 * uncommitted run. The schema is versioned (table schema_version) and opening
 * an older database migrates it in place through ordered steps; a newer one
 * is refused with a message. Each run has a "point key": a hash of its
 * resolved config, trace hash and scenario, which tells a sweep which points
 * are done and lets `db merge` drop duplicates.
 *
 * Runs are written only through the results sink (analyze/store_sink.h),
 * which stages them with store__stage_*() below.
 *
 * Errors: functions return 0 or a negative errno (-EIO for SQLite errors,
 * with the SQLite message in store__errmsg()).
 *
 * Implementation: analyze/store_{open,schema,key,write,read,merge}.c with
 * analyze/store-local.h (see analyze/README.md).
 */
#ifndef SVATRACE_ANALYZE_STORE_H
#define SVATRACE_ANALYZE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/results.h"

#define STORE_SCHEMA_VERSION 4	    /* schema this code writes */
#define STORE_POINT_KEY_LEN 32	    /* hex chars of a point key */
#define STORE_BUSY_TIMEOUT_MS 30000 /* default wait for another writer */

/* store__open() flags */
#define STORE_CREATE (1u << 0)	      /* create the file if it does not exist */
#define STORE_READONLY (1u << 1)      /* read only: never writes, migrates or locks for writing */
#define STORE_ONE_PER_POINT (1u << 2) /* commit refuses a 2nd complete run of a point key */
#define STORE_VIEWS (1u << 3)	      /* rebuild the wide views at open (svatrace sql) */

struct store;

/* One run as read back from the store (strings owned by the struct). */
struct store_run {
	int64_t id;	       /* runs.id */
	char *time_utc;	       /* ISO 8601 UTC time the run was stored */
	char *tool_version;    /* svatrace version that produced it */
	char *label;	       /* user or generated label */
	char *scenario;	       /* scenario transforms, "" if none */
	uint64_t seed;	       /* PRNG seed */
	int status;	       /* 0 complete, negative failed/interrupted */
	char *trace_path;      /* input trace path, "" if synthetic */
	uint64_t trace_bytes;  /* input trace size */
	char *trace_hash;      /* hex content hash of the trace */
	char *trace_meta_json; /* trace header summary (JSON), "" if none */
	char *point_key;       /* hash of config + trace hash + scenario */
	char *model_rev;       /* content hash of the model sources that ran it, "" unknown */
	char *profile;	       /* profile file its parameters came from, "" built-in defaults */
	char *profile_hash;    /* content hash of that file when the run was stored, "" unknown */
};

/* A run filter: a run column (id, label, scenario, status, seed, trace_hash,
 * trace_path, point_key, tool_version, model_rev, profile, profile_hash) or
 * else a config key, equal to value. */
struct store_where {
	const char *key;   /* column or config key */
	const char *value; /* text it must equal */
};

/* A histogram read back: counts[] has RESULTS_HIST_BUCKETS entries. */
struct store_hist {
	uint64_t *counts; /* per-bucket counts (malloc'd) */
	uint64_t nr;	  /* values recorded */
	uint64_t sum;	  /* sum of values */
	uint64_t min;	  /* smallest value */
	uint64_t max;	  /* largest value */
	char unit[16];	  /* "ns" */
};

/* @h as a lib/hist.h histogram, for hist_stat() and hist_quantile(). */
static inline struct hist store_hist_view(const struct store_hist *h)
{
	return (struct hist){
	    .counts = h->counts, .nr = h->nr, .sum = h->sum, .min = h->min, .max = h->max};
}

/* A time series read back. */
struct store_series {
	uint64_t start_ns;  /* start of window 0 */
	uint64_t window_ns; /* width of each window */
	double *values;	    /* one per window (malloc'd) */
	size_t nr_values;   /* number of windows */
};

/* What one merged shard contributed. */
struct store_merge_stats {
	size_t nr_runs;	      /* runs in the shard */
	size_t nr_copied;     /* copied into the output */
	size_t nr_duplicates; /* skipped: point already in the output */
	size_t nr_replaced;   /* replaced a failed run of the same point */
};

/* Summary for `db info`. */
struct store_info {
	int schema_version;    /* schema_version.version */
	size_t nr_runs;	       /* all runs */
	size_t nr_complete;    /* runs with status 0 */
	size_t nr_traces;      /* distinct trace hashes */
	size_t nr_config_rows; /* rows of run_config */
	size_t nr_metric_rows; /* rows of metrics */
	size_t nr_metric_keys; /* distinct metric keys */
	size_t nr_histograms;  /* rows of histograms */
	size_t nr_series;      /* rows of series */
	char first_time[32];   /* earliest run time, "" if none */
	char last_time[32];    /* latest run time */
	char journal_mode[16]; /* "wal" */
};

/**
 * store__open() - open (and if needed create or migrate) a results database.
 * @path: database file.
 * @flags: STORE_CREATE to create a missing file.
 * @errbuf: receives a message naming the file and the problem on failure
 *	(not a database, newer schema, ...).
 * @errlen: size of @errbuf.
 *
 * A store opened without STORE_READONLY must be writable: a file SQLite can
 * only read (permissions, read-only mount) is refused with -EROFS here, not
 * after a whole replay. With STORE_READONLY an older schema is read as is
 * (not migrated) and WAL files left by a writer are not needed. The wide
 * views are made when missing and kept current by each commit that stores
 * a new key; STORE_VIEWS rebuilds them from the stored keys at open.
 *
 * Return: the store, or NULL with errno set and @errbuf filled.
 */
struct store *store__open(const char *path, unsigned int flags, char *errbuf, size_t errlen);

/** store__close() - close; NULL is a no-op. */
void store__close(struct store *st);

/** store__errmsg() - message of the last SQLite error on @st. */
const char *store__errmsg(const struct store *st);

/** store__path() - the file @st was opened from. */
const char *store__path(const struct store *st);

/** store__set_busy_timeout() - how long a writer waits for another (ms). */
void store__set_busy_timeout(struct store *st, int timeout_ms);

/**
 * store_point_key() - the point key of a run before running it.
 * @trace_hash: hex hash of the input trace ("" or NULL if none).
 * @scenario: scenario string ("" or NULL if none).
 * @keys: resolved config keys (any order).
 * @values: their values.
 * @nr: number of keys.
 * @out: receives STORE_POINT_KEY_LEN hex chars and a NUL.
 *
 * Return: 0 or -ENOMEM. The same inputs give the key the run gets when it
 * is stored (store__stage_commit()).
 */
int store_point_key(const char *trace_hash, const char *scenario, const char *const *keys,
		    const char *const *values, size_t nr, char out[STORE_POINT_KEY_LEN + 1]);

/** store__has_point() - 1 if a complete run with point key @key exists, 0 if not, <0 on error. */
int store__has_point(struct store *st, const char *key);

/**
 * store__list_runs() - runs matching every filter, in id order.
 * @st: store.
 * @where: filters (AND), may be NULL if @nr_where is 0.
 * @nr_where: number of filters.
 * @out: receives a malloc'd array (free with store_runs_free()).
 * @nr_out: receives its length.
 */
int store__list_runs(struct store *st, const struct store_where *where, size_t nr_where,
		     struct store_run **out, size_t *nr_out);

/** store__get_run() - one run by id; -ENOENT if there is none. */
int store__get_run(struct store *st, int64_t id, struct store_run *out);

/**
 * store__find_run() - resolve a run named by id ("12") or by label.
 * Return: the id, -ENOENT if none, -EEXIST if the label is ambiguous.
 */
int64_t store__find_run(struct store *st, const char *name);

/** store_run_clear() - free the strings of one run. */
void store_run_clear(struct store_run *r);

/** store_runs_free() - free an array from store__list_runs(). */
void store_runs_free(struct store_run *runs, size_t nr);

/** store__get_config() - malloc'd value of config @key of @run, NULL (errno ENOENT) if absent. */
char *store__get_config(struct store *st, int64_t run, const char *key);

/**
 * store__for_each_config() - call @fn for every config row of @run in key order.
 * @fn returns 0 to go on, non-zero to stop (that value is returned).
 */
int store__for_each_config(struct store *st, int64_t run,
			   int (*fn)(void *arg, const char *key, const char *value,
				     const char *source),
			   void *arg);

/** store__get_metric() - value (and unit, may be NULL) of metric @key; -ENOENT if absent. */
int store__get_metric(struct store *st, int64_t run, const char *key, double *value, char *unit,
		      size_t unit_len);

/** store__for_each_metric() - call @fn for every metric of @run in key order. */
int store__for_each_metric(struct store *st, int64_t run,
			   int (*fn)(void *arg, const char *key, double value, const char *unit),
			   void *arg);

/** store__for_each_hist_key() - call @fn for each histogram key of @run in key order. */
int store__for_each_hist_key(struct store *st, int64_t run, int (*fn)(void *arg, const char *key),
			     void *arg);

/** store__get_hist() - histogram @key of @run; -ENOENT if absent. Free with store_hist_clear(). */
int store__get_hist(struct store *st, int64_t run, const char *key, struct store_hist *out);

/**
 * store__metric_value() - @key of @run: a scalar metric, else KEY@STAT of
 * a histogram (hist_stat()); NAN if neither.
 */
double store__metric_value(struct store *st, int64_t run, const char *key);

/** store_hist_clear() - free a histogram's counts. */
void store_hist_clear(struct store_hist *h);

/**
 * store_hist_quantile() - value at quantile @q (0..1) of @h by the one
 * definition, hist_quantile() (lib/hist.h). 0 if @h is empty.
 */
uint64_t store_hist_quantile(const struct store_hist *h, double q);

/** store__get_series() - series @key of @run; -ENOENT if absent. Free with store_series_clear(). */
int store__get_series(struct store *st, int64_t run, const char *key, struct store_series *out);

/** store_series_clear() - free a series' values. */
void store_series_clear(struct store_series *s);

/**
 * store__merge() - copy the runs of database @shard_path into @st, skipping
 * any whose point key @st already holds complete (a failed run there is
 * replaced by a complete one). One transaction per shard, so re-running a
 * merge is idempotent.
 */
int store__merge(struct store *st, const char *shard_path, struct store_merge_stats *stats,
		 char *errbuf, size_t errlen);

/** store__info() - counts for `db info`. */
int store__info(struct store *st, struct store_info *info);

/*
 * ---- the one write path (store_sink.c uses it): a run is staged in the
 * connection's memory and written to the file in one transaction ----
 */

/**
 * store__stage_begin() - start buffering a run in the connection's in-memory
 * staging schema; the database file is not locked until store__stage_commit().
 */
int store__stage_begin(struct store *st, const struct results_run_info *info);
/** store__stage_config() - stage one config key. */
int store__stage_config(struct store *st, const char *key, const char *value, const char *source);
/** store__stage_metric() - stage one metric. */
int store__stage_metric(struct store *st, const char *key, double value, const char *unit);
/** store__stage_hist() - stage one histogram. */
int store__stage_hist(struct store *st, const char *key, const struct results_hist *h);
/** store__stage_series() - stage one time series. */
int store__stage_series(struct store *st, const char *key, uint64_t start_ns, uint64_t window_ns,
			const double *values, size_t nr_values);
/**
 * store__stage_commit() - write the staged run to the file in one transaction.
 * @id: receives the run's id in the file (may be NULL).
 *
 * Return: 0; -EEXIST when the store was opened with STORE_ONE_PER_POINT, the
 * run is complete (@status 0) and the file already holds a complete run of
 * its point key (the staged run is dropped, nothing is written); -EBUSY (the
 * stage is kept, retry); -EROFS; -EIO.
 */
int store__stage_commit(struct store *st, int status, int64_t *id);

/*
 * ---- runs handed over between processes (store_image.c): a sweep worker
 * commits its run into a database in memory and its parent stores the
 * image, so the workers never open (and parse the schema of) the file ----
 */

/**
 * store__open_memory() - an empty results database in memory, without the
 * wide views. Runs are staged and committed into it as into a file (its
 * first run gets id 1); close with store__close().
 *
 * Return: the store, or NULL with errno set and @errbuf filled.
 */
struct store *store__open_memory(char *errbuf, size_t errlen);

/**
 * store__image() - the serialized database of a store__open_memory() store:
 * *@image (free with store_image_free()) of *@bytes.
 * Return: 0, -EINVAL (not a memory store) or -ENOMEM.
 */
int store__image(struct store *st, void **image, size_t *bytes);
/** store_image_free() - free an image from store__image(); NULL is a no-op. */
void store_image_free(void *image);

/**
 * store__commit_image() - store the one run of @image (a memory store that
 * committed one run) in @st's file, as store__stage_commit() stores a staged
 * run: one transaction, the same -EEXIST rule under STORE_ONE_PER_POINT, the
 * wide views rebuilt for new keys. @image stays the caller's.
 * @id: receives the run's id in the file (may be NULL).
 *
 * Return: 0, -EEXIST, -EBUSY (retry), -EROFS, -EINVAL (not such an image),
 * -ENOMEM or -EIO (store__errmsg()).
 */
int store__commit_image(struct store *st, const void *image, size_t bytes, int64_t *id);

#endif /* SVATRACE_ANALYZE_STORE_H */
