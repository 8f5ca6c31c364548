/* SPDX-License-Identifier: GPL-2.0 */
/*
 * registry.h - the program's parameter registry: every parameter table
 * that `svatrace replay` knows (--set, --profile, --list-params).
 *
 * Adding a table (e.g. a "dsa." model's keys) is one line in PARAM_TABLES
 * (replay/registry.c) naming its `NAME_param_table`; the module then reads
 * its config struct with params__cfg(p, &its_table).
 */
#ifndef SVATRACE_REPLAY_REGISTRY_H
#define SVATRACE_REPLAY_REGISTRY_H

#include "model/params.h"

/* NULL-terminated list of every parameter table, in --list-params order. */
extern const struct param_table *const svt_param_registry[];

#endif /* SVATRACE_REPLAY_REGISTRY_H */
