/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event_sys.h - the system of a tracepoint known only by its name.
 *
 * ftrace text prints "sched_switch:", not "sched:sched_switch"; the
 * importers name every event "SYSTEM:NAME" as the collector and the
 * trace.dat importer do. The system comes from a list of the capturing
 * host's events the user gives (its tracefs available_events, lines
 * "SYSTEM:NAME"), else from the capturing host's tracefs events/ tree when
 * the input is read there (the kernel's own answer), else from a built-in
 * table of well-known events and families, else it is "unknown". A name
 * found in two systems of a list or tree is left to the next source.
 * Internal to collect/import/.
 */
#ifndef SVATRACE_COLLECT_IMPORT_EVENT_SYS_H
#define SVATRACE_COLLECT_IMPORT_EVENT_SYS_H

#include <stddef.h>

struct event_sys;

/**
 * event_sys__new() - a resolver; @events_dir is a tracefs "events"
 * directory to look names up in (NULL or unreadable: the table only).
 * Return: the resolver, or NULL with errno set.
 */
struct event_sys *event_sys__new(const char *events_dir);

/**
 * event_sys__load_list() - read @path, lines "SYSTEM:NAME" (tracefs
 * available_events or set_event; blank and '#' lines skipped), as the
 * first source of systems. Return: 0, or -errno with "FILE:LINE: what" in
 * @err.
 */
int event_sys__load_list(struct event_sys *es, const char *path, char *err, size_t err_bytes);

/** event_sys__free() - free @es (NULL is a no-op). */
void event_sys__free(struct event_sys *es);

/**
 * event_sys__name() - write "SYSTEM:NAME" of event @name into @buf
 * ("unknown:NAME" if no source knows it).
 */
void event_sys__name(struct event_sys *es, const char *name, char *buf, size_t len);

/**
 * event_sys_builtin() - the built-in table's system of event @name, NULL
 * if not in it.
 */
const char *event_sys_builtin(const char *name);

/**
 * event_sys_tracefs_events_dir() - the tracefs "events" directory that
 * belongs to input file @path when @path is a tracefs trace file (the
 * top "trace" or an instance's), written into @buf; -1 otherwise.
 */
int event_sys_tracefs_events_dir(const char *path, char *buf, size_t len);

#endif /* SVATRACE_COLLECT_IMPORT_EVENT_SYS_H */
