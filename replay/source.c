// SPDX-License-Identifier: GPL-2.0
/*
 * source.c - the record-source wrappers and its two back ends: a native
 * trace file (trace/trace.h) and an in-memory array (see source.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

static int file_next(void *impl, const struct trace_rec **rec)
{
	return trace_reader__next(impl, rec);
}

static int file_next_batch(void *impl, const struct trace_rec **recs, uint32_t max)
{
	return trace_reader__next_batch(impl, recs, max);
}

static int file_rewind(void *impl)
{
	return trace_reader__rewind(impl);
}

static void file_close(void *impl)
{
	trace_reader__close(impl);
}

static const char *file_string(void *impl, uint32_t id)
{
	return trace_reader__string(impl, id);
}

static const char *file_errmsg(void *impl)
{
	return trace_reader__errmsg(impl);
}

static uint64_t file_nr_records(void *impl)
{
	return trace_reader__nr_records(impl);
}

static uint64_t file_done_bytes(void *impl)
{
	return trace_reader__offset(impl);
}

static uint64_t file_total_bytes(void *impl)
{
	return trace_reader__file_bytes(impl);
}

static const char *file_meta_json(void *impl)
{
	return trace_reader__meta_json(impl);
}

static bool file_time_ordered(void *impl)
{
	return trace_reader__file_hdr(impl)->flags & TRACE_F_TIME_ORDERED;
}

static int64_t file_cpus_seen(void *impl)
{
	const struct trace_file_hdr *fh = trace_reader__file_hdr(impl);

	return fh->flags & TRACE_F_CPUS_SEEN ? (int64_t)fh->cpus_seen : -1;
}

static int64_t file_kinds_seen(void *impl)
{
	const struct trace_file_hdr *fh = trace_reader__file_hdr(impl);

	return fh->flags & TRACE_F_KINDS_SEEN ? (int64_t)fh->kinds_seen : -1;
}

static const char *file_stored_hash(void *impl)
{
	return trace_reader__stored_hash(impl);
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

	if (!r) {
		snprintf(err, err_bytes, "%s", trace_open_errmsg());
		errno = rc ? -rc : EIO;
		return NULL;
	}
	return wrap(&file_ops, r);
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
