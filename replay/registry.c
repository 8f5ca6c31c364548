// SPDX-License-Identifier: GPL-2.0
/*
 * registry.c - the parameter registry (see registry.h). One line per table.
 */
#include <stddef.h>

#include "model/xlate/config.h"
#include "model/wq/wq_params.h"
#include "replay/registry.h"
#include "replay/replay.h"

const struct param_table *const svt_param_registry[] = {
	&model_param_table,	/* iotlb., pwc., walk., ats., atc., pri., fault., pin., map., inval. ... */
	&replay_param_table,	/* replay. */
	&wq_param_table,	/* wq.: the DSA work-queue model (model/wq/wq_params.c) */
	NULL,
};
