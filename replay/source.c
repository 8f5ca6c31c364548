// SPDX-License-Identifier: GPL-2.0
/*
 * source.c - the record-source wrappers and its two back ends: a native
 * trace file (trace/trace.h) and an in-memory array (see source.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "replay/source.h"
#include "trace/trace.h"

void replay_source__close(struct replay_source *s)
{
	if (!s)
		return;
	s->ops->close(s->impl);
	free(s);
}

const char *replay_source__string(const struct replay_source *s, uint32_t id)
{
	return s->ops->string ? s->ops->string(s->impl, id) : NULL;
}

const char *replay_source__errmsg(const struct replay_source *s)
{
	return s->ops->errmsg ? s->ops->errmsg(s->impl) : "record source failed";
}

uint64_t replay_source__nr_records(const struct replay_source *s)
{
	return s->ops->nr_records(s->impl);
}

uint64_t replay_source__done_bytes(const struct replay_source *s)
{
	return s->ops->done_bytes ? s->ops->done_bytes(s->impl) : 0;
}

uint64_t replay_source__total_bytes(const struct replay_source *s)
{
	return s->ops->total_bytes ? s->ops->total_bytes(s->impl) : 0;
}

bool replay_source__time_ordered(const struct replay_source *s)
{
	return s->ops->time_ordered && s->ops->time_ordered(s->impl);
}

int64_t replay_source__cpus_seen(const struct replay_source *s)
{
	return s->ops->cpus_seen ? s->ops->cpus_seen(s->impl) : -1;
}

int64_t replay_source__kinds_seen(const struct replay_source *s)
{
	return s->ops->kinds_seen ? s->ops->kinds_seen(s->impl) : -1;
}

const char *replay_source__stored_hash(const struct replay_source *s)
{
	return s->ops->stored_hash ? s->ops->stored_hash(s->impl) : NULL;
}

const char *replay_source__meta_json(const struct replay_source *s)
{
	const char *j = s->ops->meta_json ? s->ops->meta_json(s->impl) : NULL;

	return j ? j : "{}";
}

static struct replay_source *wrap(const struct replay_source_ops *ops, void *impl)
{
	struct replay_source *s;

	if (!impl)
		return NULL;
	s = svt_malloc(sizeof(*s));
	if (!s) {
		ops->close(impl);
		errno = ENOMEM;
		return NULL;
	}
	s->ops = ops;
	s->impl = impl;
	return s;
}

/* ---------------------------------------------------------------- file */

/*
 * A file source can keep the records of its first pass (replay_source_file__keep):
 * the replay reads a trace twice, once to learn its owners (owners.h) and
 * once to replay it, and decoding a record (decompression, unpacking) costs
 * more than the owners pass does with it. Once a pass has read the whole
 * file without error, a rewind serves the kept copies instead of reading the
 * file again; a pass that fails, or a trace larger than the budget, keeps
 * nothing and every pass reads the file as before. The reader keeps its
 * string table across a rewind, so string() answers as after a rewind of
 * the reader.
 */
enum keep_state {
	KEEP_OFF,     /* nothing kept: every pass reads the file */
	KEEP_FILLING, /* this pass (from record 0) copies what it reads */
	KEEP_FULL,    /* a whole clean pass is kept */
};

struct file_src {
	struct trace_reader *r; /* the file */
	enum keep_state keep;	/* see above */
	bool playing;		/* serving kept records (keep == KEEP_FULL, after a rewind) */
	size_t max_bytes;	/* budget of the arena */
	char *arena;	    /* kept records, back to back: each one's size_bytes finds the next */
	size_t arena_bytes; /* used (the arena holds max_bytes) */
	size_t nr;	    /* records kept */
	size_t pos;	    /* playing: index of the next record to serve */
	size_t pos_bytes;   /* playing: its offset in arena */
};

static void keep_drop(struct file_src *f)
{
	free(f->arena);
	f->arena = NULL;
	f->arena_bytes = f->nr = 0;
	f->keep = KEEP_OFF;
}

/*
 * Copy @rec into the arena; over the budget or out of memory, keep nothing.
 * The arena is the whole budget, allocated once: glibc maps a block this
 * large on its own, so only the pages records fill are ever touched, where
 * growing it by realloc copied every record up to twice into fresh pages
 * (half the page faults of a short replay).
 */
static void keep_rec(struct file_src *f, const struct trace_rec *rec)
{
	size_t size = rec->size_bytes;

	if (!f->arena && !(f->arena = malloc(f->max_bytes))) {
		keep_drop(f);
		return;
	}
	if (f->arena_bytes + size > f->max_bytes) {
		keep_drop(f);
		return;
	}
	memcpy(f->arena + f->arena_bytes, rec, size);
	f->arena_bytes += size;
	f->nr++;
}

/* The reader's answer @rc to a read of @n records @recs: kept while filling. */
static int keep_read(struct file_src *f, int rc, const struct trace_rec *const *recs)
{
	if (f->keep != KEEP_FILLING)
		return rc;
	if (rc < 0)
		keep_drop(f); /* the next pass reads the file again and meets the error again */
	else if (rc == 0)
		f->keep = KEEP_FULL;
	for (int i = 0; i < rc && f->keep == KEEP_FILLING; i++)
		keep_rec(f, recs[i]);
	return rc;
}

/* Playing: the next kept record (f->pos < f->nr). */
static const struct trace_rec *play_next(struct file_src *f)
{
	const struct trace_rec *rec = (const void *)(f->arena + f->pos_bytes);

	f->pos_bytes += rec->size_bytes;
	f->pos++;
	return rec;
}

static int file_next(void *impl, const struct trace_rec **rec)
{
	struct file_src *f = impl;

	if (f->playing) {
		if (f->pos == f->nr)
			return 0;
		*rec = play_next(f);
		return 1;
	}
	return keep_read(f, trace_reader__next(f->r, rec), rec);
}

static int file_next_batch(void *impl, const struct trace_rec **recs, uint32_t max)
{
	struct file_src *f = impl;
	uint32_t n = 0;

	if (f->playing) {
		while (n < max && f->pos < f->nr)
			recs[n++] = play_next(f);
		return (int)n;
	}
	return keep_read(f, trace_reader__next_batch(f->r, recs, max), recs);
}

static int file_rewind(void *impl)
{
	struct file_src *f = impl;

	if (f->keep == KEEP_FULL) {
		f->playing = true;
		f->pos = f->pos_bytes = 0;
		return 0;
	}
	/* a pass that stopped early: the next one, from record 0, fills afresh */
	f->arena_bytes = f->nr = 0;
	return trace_reader__rewind(f->r);
}

static void file_close(void *impl)
{
	struct file_src *f = impl;

	keep_drop(f);
	trace_reader__close(f->r);
	free(f);
}

static const char *file_string(void *impl, uint32_t id)
{
	return trace_reader__string(((struct file_src *)impl)->r, id);
}

static const char *file_errmsg(void *impl)
{
	return trace_reader__errmsg(((struct file_src *)impl)->r);
}

static uint64_t file_nr_records(void *impl)
{
	struct file_src *f = impl;

	return f->playing ? f->pos : trace_reader__nr_records(f->r);
}

static uint64_t file_done_bytes(void *impl)
{
	struct file_src *f = impl;

	/* playing: the share of the records served (a progress display's estimate) */
	if (f->playing)
		return f->nr ? trace_reader__file_bytes(f->r) * f->pos / f->nr : 0;
	return trace_reader__offset(f->r);
}

static uint64_t file_total_bytes(void *impl)
{
	return trace_reader__file_bytes(((struct file_src *)impl)->r);
}

static const char *file_meta_json(void *impl)
{
	return trace_reader__meta_json(((struct file_src *)impl)->r);
}

static bool file_time_ordered(void *impl)
{
	return trace_reader__file_hdr(((struct file_src *)impl)->r)->flags & TRACE_F_TIME_ORDERED;
}

static int64_t file_cpus_seen(void *impl)
{
	const struct trace_file_hdr *fh = trace_reader__file_hdr(((struct file_src *)impl)->r);

	return fh->flags & TRACE_F_CPUS_SEEN ? (int64_t)fh->cpus_seen : -1;
}

static int64_t file_kinds_seen(void *impl)
{
	const struct trace_file_hdr *fh = trace_reader__file_hdr(((struct file_src *)impl)->r);

	return fh->flags & TRACE_F_KINDS_SEEN ? (int64_t)fh->kinds_seen : -1;
}

static const char *file_stored_hash(void *impl)
{
	return trace_reader__stored_hash(((struct file_src *)impl)->r);
}

static const struct replay_source_ops file_ops = {
    .name = "file",
    .next = file_next,
    .rewind = file_rewind,
    .close = file_close,
    .string = file_string,
    .errmsg = file_errmsg,
    .nr_records = file_nr_records,
    .done_bytes = file_done_bytes,
    .total_bytes = file_total_bytes,
    .meta_json = file_meta_json,
    .time_ordered = file_time_ordered,
    .cpus_seen = file_cpus_seen,
    .kinds_seen = file_kinds_seen,
    .stored_hash = file_stored_hash,
    .next_batch = file_next_batch,
};

struct replay_source *replay_source_file__open(const char *path, char *err, size_t err_bytes)
{
	int rc = 0;
	struct trace_reader *r = trace_reader__open(path, &rc);
	struct file_src *f;

	if (!r) {
		snprintf(err, err_bytes, "%s", trace_open_errmsg());
		errno = rc ? -rc : EIO;
		return NULL;
	}
	f = svt_calloc(1, sizeof(*f));
	if (!f) {
		trace_reader__close(r);
		snprintf(err, err_bytes, "%s: %s", path, strerror(ENOMEM));
		errno = ENOMEM;
		return NULL;
	}
	f->r = r;
	return wrap(&file_ops, f);
}

void replay_source_file__keep(struct replay_source *s, size_t max_bytes)
{
	struct file_src *f = s->impl;

	if (s->ops != &file_ops || f->keep != KEEP_OFF || f->playing ||
	    trace_reader__nr_records(f->r))
		return; /* not a file, or not at its start: a kept pass must be whole */
	/* records take at least the file's bytes less its headers (v1), several times them (v2) */
	if (trace_reader__file_bytes(f->r) > max_bytes)
		return;
	f->keep = KEEP_FILLING;
	f->max_bytes = max_bytes;
}

/* ---------------------------------------------------------------- memory */

struct mem {
	const struct trace_rec *const *recs; /* the records */
	size_t nr;			     /* their number */
	const char *const *strings;	     /* names of ids 1..nr_strings */
	size_t nr_strings;		     /* their number */
	size_t next;			     /* index of the next record */
	size_t fail_at;			     /* index that fails (SIZE_MAX: none) */
	int fail_err;			     /* its error */
	char msg[96];			     /* errmsg */
};

static int mem_next(void *impl, const struct trace_rec **rec)
{
	struct mem *m = impl;

	if (m->next == m->fail_at) {
		snprintf(m->msg, sizeof(m->msg), "memory source: injected error at record %zu",
			 m->next);
		return m->fail_err;
	}
	if (m->next >= m->nr)
		return 0;
	*rec = m->recs[m->next++];
	return 1;
}

static int mem_rewind(void *impl)
{
	((struct mem *)impl)->next = 0;
	return 0;
}

static const char *mem_string(void *impl, uint32_t id)
{
	struct mem *m = impl;

	return m->strings && id && id <= m->nr_strings ? m->strings[id - 1] : NULL;
}

static const char *mem_errmsg(void *impl)
{
	return ((struct mem *)impl)->msg;
}

static uint64_t mem_nr_records(void *impl)
{
	return ((struct mem *)impl)->next;
}

static const struct replay_source_ops mem_ops = {
    .name = "memory",
    .next = mem_next,
    .rewind = mem_rewind,
    .close = free,
    .string = mem_string,
    .errmsg = mem_errmsg,
    .nr_records = mem_nr_records,
};

struct replay_source *replay_source_mem__new(const struct trace_rec *const *recs, size_t nr,
					     const char *const *strings, size_t nr_strings)
{
	struct mem *m = svt_calloc(1, sizeof(*m));

	if (m) {
		*m = (struct mem){.recs = recs,
				  .nr = nr,
				  .strings = strings,
				  .nr_strings = nr_strings,
				  .fail_at = SIZE_MAX};
	}
	return wrap(&mem_ops, m);
}

void replay_source_mem__fail_at(struct replay_source *s, size_t idx, int err)
{
	struct mem *m = s->impl;

	m->fail_at = idx;
	m->fail_err = err;
}
