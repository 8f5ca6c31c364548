/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wq_params.h - the work-queue model's parameters as one table: key, type,
 * unit, default, source of the default, bounds and place in struct
 * wq_config. The row layout mirrors struct param_def of model/params.h (the
 * model helper's profile machinery) so that the table registers there
 * unchanged once both are on main; until then wq_params_set() gives the same
 * "key = text" interface for --set style overrides and profile files
 * (data/profiles/wq.ini, section [wq]).
 *
 * Model assumptions: none (bookkeeping only).
 */
#ifndef SVATRACE_MODEL_WQ_PARAMS_H
#define SVATRACE_MODEL_WQ_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "model/wq.h"

enum wq_param_type {
	WQ_PARAM_U64 = 0,	/* uint64_t */
	WQ_PARAM_U32 = 1,	/* uint32_t */
	WQ_PARAM_ENUM = 4,	/* uint32_t index into @choices */
};

/* One parameter (same fields as struct param_def in model/params.h). */
struct wq_param_def {
	const char *key;	/* dotted name: "wq.engine_bw_bytes_per_s" */
	enum wq_param_type type;	/* storage and parsing */
	const char *unit;	/* "ns", "entries", "bytes", ... */
	const char *dflt;	/* default value as text */
	const char *source;	/* citation of the default, or "estimate: why" */
	size_t offset;		/* offsetof() in struct wq_config */
	double min;		/* smallest accepted value */
	double max;		/* largest accepted value */
	const char *choices;	/* enum: words separated by '|' */
	const char *help;	/* one line: what it means */
};

/** wq_params_table() - the rows; *@nr gets their number. */
const struct wq_param_def *wq_params_table(size_t *nr);

/** wq_params_find() - the row of @key, NULL if unknown. */
const struct wq_param_def *wq_params_find(const char *key);

/**
 * wq_params_set() - set @key of @cfg from @value ("30000000000", "4K", "500ns",
 * "shared"). Does not run the cross-field check (wq_config_validate()).
 * Return: 0, -ENOENT unknown key, -EINVAL bad value (message in @err).
 */
int wq_params_set(struct wq_config *cfg, const char *key, const char *value, char *err,
		  size_t err_bytes);

/** wq_params_format() - the current value of @d in @cfg as text. */
void wq_params_format(const struct wq_config *cfg, const struct wq_param_def *d, char *buf,
		      size_t buf_bytes);

/** wq_parse_u64() - unsigned number with K/M/G (binary) or ns/us/ms/s suffix. Return 0/-EINVAL. */
int wq_parse_u64(const char *s, uint64_t *out);

#endif /* SVATRACE_MODEL_WQ_PARAMS_H */
