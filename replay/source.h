/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source.h - where a replay's records come from: a stream with swappable
 * back ends (redis rio style). The file back end reads a native trace
 * (trace/trace.h); the in-memory one serves records a caller built, so
 * replay logic can be tested without files and errors can be injected.
 *
 * Records come in source order (for a file: file order, only nearly sorted
 * by time); the replay puts them in time order with its reorder window
 * (replay/reorder.h). A record returned by next() stays valid until the
 * following next(), rewind() or close().
 */
#ifndef SVATRACE_REPLAY_SOURCE_H
#define SVATRACE_REPLAY_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/format.h"

/* A back end. Optional members may be NULL. */
struct replay_source_ops {
	const char *name;				       /* "file", "memory" */
	int (*next)(void *impl, const struct trace_rec **rec); /* 1 record, 0 end, <0 error */
	int (*rewind)(void *impl);			       /* 0 or -errno */
	void (*close)(void *impl);			       /* frees @impl */
	const char *(*string)(void *impl, uint32_t id); /* name of a string id, NULL unknown */
	const char *(*errmsg)(void *impl);		/* after next() < 0: what and where */
	uint64_t (*nr_records)(void *impl);		/* records returned since (re)start */
	uint64_t (*done_bytes)(void *impl);		/* optional: progress */
	uint64_t (*total_bytes)(void *impl);		/* optional: progress, run info */
	const char *(*meta_json)(void *impl);		/* optional: the trace's META chunk */
	bool (*time_ordered)(void *impl);  /* optional: records are known to come in time order */
	int64_t (*cpus_seen)(void *impl);  /* optional: highest record cpu + 1, -1 if unknown */
	int64_t (*kinds_seen)(void *impl); /* optional: bit per record kind present, -1 unknown */
	const char *(*stored_hash)(void *impl); /* optional: content hash known without a read */
	/* optional: up to max records at once, valid until the next call; n, 0 end, <0 error */
	int (*next_batch)(void *impl, const struct trace_rec **recs, uint32_t max);
};

/* Records one replay_source__next_batch() call returns at most (callers size arrays by it). */
#define REPLAY_SOURCE_BATCH_MAX 64

struct replay_source {
	const struct replay_source_ops *ops; /* back end */
	void *impl;			     /* its state */
};

/**
 * replay_source_file__open() - a source reading the native trace @path.
 * @err: receives the reason on failure (file, offset, what).
 * Return: the source, or NULL with errno set.
 */
struct replay_source *replay_source_file__open(const char *path, char *err, size_t err_bytes);

/**
 * replay_source_file__keep() - keep in memory the records of the pass that
 * starts now (at most @max_bytes of them), so that after a rewind they are
 * served again without reading and decoding the file. Only a pass that
 * reads the whole file cleanly is kept; else every pass reads the file.
 * A no-op for other back ends and once records were read.
 */
void replay_source_file__keep(struct replay_source *s, size_t max_bytes);

/**
 * replay_source_mem__new() - a source serving @recs in array order.
 * @recs: @nr records (not copied: they must outlive the source).
 * @strings: names of string ids 1..@nr_strings (not copied); may be NULL.
 * Return: the source, or NULL with errno ENOMEM.
 */
struct replay_source *replay_source_mem__new(const struct trace_rec *const *recs, size_t nr,
					     const char *const *strings, size_t nr_strings);

/**
 * replay_source_mem__fail_at() - make next() return @err (< 0) instead of
 * record @idx (a corrupt trace, for tests).
 */
void replay_source_mem__fail_at(struct replay_source *s, size_t idx, int err);

/** replay_source__next() - the next record: 1, 0 at the end, or a negative error. */
static inline int replay_source__next(struct replay_source *s, const struct trace_rec **rec)
{
	return s->ops->next(s->impl, rec);
}

/** replay_source__rewind() - start again from the first record; 0 or -errno. */
/**
 * replay_source__next_batch() - up to @max (<= REPLAY_SOURCE_BATCH_MAX)
 * next records, the same ones replay_source__next() would return one by
 * one, all valid until the next call on @s. A back end without a batch
 * returns one record per call.
 * Return: the number of records (> 0), 0 at the end, or a negative error
 * (after the records before it were returned).
 */
static inline int replay_source__next_batch(struct replay_source *s, const struct trace_rec **recs,
					    uint32_t max)
{
	return s->ops->next_batch ? s->ops->next_batch(s->impl, recs, max)
				  : s->ops->next(s->impl, &recs[0]);
}

static inline int replay_source__rewind(struct replay_source *s)
{
	return s->ops->rewind(s->impl);
}

/** replay_source__close() - close and free; NULL is a no-op. */
void replay_source__close(struct replay_source *s);

/** replay_source__string() - the name of string id @id, NULL if unknown. */
const char *replay_source__string(const struct replay_source *s, uint32_t id);

/**
 * replay_source__time_ordered() - true if the source vouches that its records
 * come in time order (a trace whose writer found them so), so reordering
 * them is not needed. False when unknown.
 */
bool replay_source__time_ordered(const struct replay_source *s);

/**
 * replay_source__cpus_seen() - the highest CPU number of any record + 1
 * (0: none) when the source knows it without reading ahead, else -1.
 */
int64_t replay_source__cpus_seen(const struct replay_source *s);

/**
 * replay_source__kinds_seen() - one bit per record kind the source holds
 * (bit k: kind k) when it knows without reading ahead, else -1.
 */
int64_t replay_source__kinds_seen(const struct replay_source *s);

/**
 * replay_source__stored_hash() - the input's content hash (hex) when the
 * source knows it without a read of its own (a trace's stored hash, which
 * the file back end verifies as it reads: next() fails at the end of a pass
 * on a mismatch), else NULL.
 */
const char *replay_source__stored_hash(const struct replay_source *s);

/** replay_source__errmsg() - after an error: what and where. */
const char *replay_source__errmsg(const struct replay_source *s);

/** replay_source__nr_records() - records returned since the start or the last rewind. */
uint64_t replay_source__nr_records(const struct replay_source *s);

/** replay_source__done_bytes() - bytes consumed (progress), 0 if unknown. */
uint64_t replay_source__done_bytes(const struct replay_source *s);

/** replay_source__total_bytes() - input size, 0 if unknown. */
uint64_t replay_source__total_bytes(const struct replay_source *s);

/** replay_source__meta_json() - the trace's metadata as JSON, "{}" if none. */
const char *replay_source__meta_json(const struct replay_source *s);

#endif /* SVATRACE_REPLAY_SOURCE_H */
