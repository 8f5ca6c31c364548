/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq_params.h - the work-queue model's parameters as one table: key, type,
 * unit, default, source of the default, bounds and place in struct
 * wq_config, as struct param_def rows of model/params.h gathered in
 * wq_param_table, which the replay registers (--set wq.*, [wq] profile
 * sections, --list-params). wq_params_set() sets one key of a bare struct
 * wq_config the same way (tests, the benchmark, wq_config_default()).
 *
 * Model assumptions: none (bookkeeping only).
 */
#ifndef SVATRACE_MODEL_WQ_PARAMS_H
#define SVATRACE_MODEL_WQ_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "model/params.h"
#include "model/wq/wq.h"

/*
 * The replay's parameter table (keys wq.*): svt_param_registry[] lists it;
 * its config struct is struct wq_config, its check wq_config_validate().
 */
extern const struct param_table wq_param_table;

/* wq.loop: how the replay drives the model from a trace's WQ records. */
enum wq_loop {
	WQ_LOOP_CLOSED = 0, /* = WQ_REPLAY_CLOSED */
	WQ_LOOP_OPEN = 1,   /* = WQ_REPLAY_OPEN */
};

/* wq.xlate: where the replay's translation stalls come from. */
enum wq_xlate_kind {
	WQ_XLATE_MODEL = 0, /* the translation model (model/xlate/model.h), wq_xlate_model_ops */
	WQ_XLATE_FIXED = 1, /* wq_xlate_fixed_ops with wq.xlate_fixed_* */
	WQ_XLATE_NONE = 2,  /* no stalls */
};

/* wq.devtlb.link: how the device's TLB reaches the IOMMU on a miss. */
enum wq_devtlb_link {
	WQ_DEVTLB_ON_DIE = 0, /* integrated device (SPR DSA): wq.devtlb.on_die_one_way_ns */
	WQ_DEVTLB_PCIE = 1,   /* discrete device: the translation model's pcie.one_way_ns */
};

/** wq_op_of_choice() - opcode (enum wq_op) of wq.client_op's enum index @idx. */
uint32_t wq_op_of_choice(uint32_t idx);

/** wq_params_table() - the rows; *@nr gets their number. */
const struct param_def *wq_params_table(size_t *nr);

/** wq_params_find() - the row of @key, NULL if unknown. */
const struct param_def *wq_params_find(const char *key);

/**
 * wq_params_set() - set @key of @cfg from @value ("30000000000", "4K", "500ns",
 * "shared"). Does not run the cross-field check (wq_config_validate()).
 * Return: 0, -ENOENT unknown key, -EINVAL bad value (message in @err).
 */
int wq_params_set(struct wq_config *cfg, const char *key, const char *value, char *err,
		  size_t err_bytes);

/** wq_params_format() - the current value of @d in @cfg as text. */
void wq_params_format(const struct wq_config *cfg, const struct param_def *d, char *buf,
		      size_t buf_bytes);

#endif /* SVATRACE_MODEL_WQ_PARAMS_H */
