// SPDX-License-Identifier: GPL-2.0
/*
 * registry.c - the parameter registry (see registry.h). One line per table.
 */
#include <stddef.h>

#include "replay/registry.h"

/*
 * The tables, in --list-params order: NAME is `const struct param_table
 * NAME_param_table`, defined by its module. Adding a table: one line.
 */
#define PARAM_TABLES(X)                                                                            \
	X(model)  /* iotlb., pwc., walk., ats., atc., pri., fault., pin., map., inval. ... */      \
	X(replay) /* replay. */                                                                    \
	X(wq)	  /* wq.: the DSA work-queue model (model/wq/wq_params.c) */

#define DECLARE_(n) extern const struct param_table n##_param_table;
PARAM_TABLES(DECLARE_)
#undef DECLARE_

#define ENTRY_(n) &n##_param_table,
const struct param_table *const svt_param_registry[] = {PARAM_TABLES(ENTRY_) NULL};
#undef ENTRY_
