/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sqlite.h - write a trace's records into an SQLite database: one table per
 * record kind (trace_rec_kind_name(): iommu_map, dma, qi_submit, ...),
 * columns ts_ns, event, cpu, pid, comm, then the kind's fields as
 * trace/fields.h names them (the fields `svatrace dump` prints). String
 * fields (device_id, iommu_id, ...) hold the string; addresses are
 * INTEGER (SQLite integers are signed: values >= 2^63 read negative, print
 * them with printf('0x%x', col)). Every table has an index on ts_ns, and
 * one on device_id where the kind has it. Table trace_meta(key, value)
 * holds the file name, header and meta JSON; lost(cpu, probe, nr) the
 * lost-event counters. docs/sql.md has worked queries.
 */
#ifndef SVATRACE_EXPORT_SQLITE_H
#define SVATRACE_EXPORT_SQLITE_H

#include <stddef.h>
#include <stdint.h>

struct sqlite_export_stats {
	uint64_t nr_records; /* rows written */
	uint32_t nr_tables;  /* record tables created (every kind, empty or not) */
};

/**
 * sqlite_export() - write @trace_path's records into a new database @db_path
 * (an existing file is replaced).
 * @err: receives a message naming the file and the problem.
 *
 * Return: 0, or a negative error. A damaged trace: the good prefix is
 * written and committed, and the reader's error is returned.
 */
int sqlite_export(const char *trace_path, const char *db_path, struct sqlite_export_stats *st,
		  char *err, size_t err_bytes);

#endif /* SVATRACE_EXPORT_SQLITE_H */
