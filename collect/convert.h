/* SPDX-License-Identifier: GPL-2.0 */
/*
 * convert.h - turn ring-buffer events (collect.h) into trace records
 * (trace/format.h) through the trace writer. Used by the live collector and
 * by the trace.dat importer, which fills the same struct svt_event from
 * libtraceevent field values, so both decode every event the same way.
 */
#ifndef SVATRACE_COLLECT_CONVERT_H
#define SVATRACE_COLLECT_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "collect/tpfmt.h"
#include "trace/trace.h"

struct conv;

/**
 * conv__new() - a converter writing to @w.
 * @w: open writer (not owned).
 * @keep_addrs: keep physical/user addresses; else hash them (keyed, per file).
 * @device_glob: keep only records whose device name matches (fnmatch); records
 *	without a device pass. NULL = no filter.
 *
 * Return: converter or NULL with errno set.
 */
struct conv *conv__new(struct trace_writer *w, bool keep_addrs, const char *device_glob);

/** conv__new_key() - conv__new() hashing addresses with @hash_key (REDACT_KEY_BYTES; NULL: random).
 */
struct conv *conv__new_key(struct trace_writer *w, bool keep_addrs, const char *device_glob,
			   const uint8_t *hash_key);

/** conv__free() - free; NULL is a no-op. */
void conv__free(struct conv *c);

/** conv__set_uprobe_name() - event name for records of --uprobe number @idx. */
void conv__set_uprobe_name(struct conv *c, unsigned int idx, const char *name);

/**
 * conv__set_tracepoint() - name ("SYSTEM:NAME") and layout of the records of
 * --tracepoint number @idx; @f is copied. Return: 0 or -ENOMEM/-EINVAL.
 */
int conv__set_tracepoint(struct conv *c, unsigned int idx, const char *name, const struct tpfmt *f);

/**
 * conv__rec() - one ring-buffer record into the trace: conv_rec_decode() and
 * conv__event(), with --tracepoint records taken straight from @data.
 * Return: as conv__event(); -EBADMSG for a malformed record.
 */
int conv__rec(struct conv *c, const void *data, size_t len);

/**
 * conv_rec_decode() - expand one ring-buffer record (struct svt_rec and its
 * payload, collect.h) into @e, every field the record lacks set to 0 (an absent
 * name to "": its first byte only).
 * @data, @len: the record as the ring buffer delivered it.
 *
 * Return: 0, or -EINVAL when @len is too short for what the header announces.
 */
int conv_rec_decode(const void *data, size_t len, struct svt_event *e);

/**
 * conv__event() - convert and append one event.
 * Return: 0 written, 1 dropped by the device filter, <0 writer error.
 */
int conv__event(struct conv *c, const struct svt_event *e);

/** conv__nr_records() - records written for probe @id. */
uint64_t conv__nr_records(const struct conv *c, unsigned int id);

/** conv__nr_filtered() - events dropped by the device filter. */
uint64_t conv__nr_filtered(const struct conv *c);

#endif /* SVATRACE_COLLECT_CONVERT_H */
