/* SPDX-License-Identifier: GPL-2.0 */
/*
 * where.h - the `--where KEY=VALUE` filters that runs, plot and report share:
 * parsed once here into the store's filter array.
 */
#ifndef SVATRACE_CLI_WHERE_H
#define SVATRACE_CLI_WHERE_H

#include <stddef.h>

#include "analyze/store.h"

#define CLI_MAX_WHERE 32

struct cli_where {
	struct store_where w[CLI_MAX_WHERE]; /* filters, pointing into buf */
	char *buf[CLI_MAX_WHERE];	     /* one "KEY\0VALUE" copy per filter */
	size_t nr;			     /* filters in use */
};

/**
 * cli_where_add() - parse one --where argument.
 * @cmd: subcommand name, for the message.
 * @wh: filters so far (zero-initialised before the first call).
 * @arg: "KEY=VALUE".
 *
 * Return: 0, or CLI_USAGE after printing why (bad form, too many).
 */
int cli_where_add(const char *cmd, struct cli_where *wh, const char *arg);

/**
 * cli_where_check() - refuse filters on keys that nothing can hold: a key
 * must be a run field, a parameter, or a config key some run of @st has.
 * Unknown keys get a "did you mean" from those candidates.
 * @cmd: subcommand name; @db: the database's path, for the message.
 *
 * Return: CLI_OK, or CLI_USAGE after printing which key and why.
 */
int cli_where_check(const char *cmd, const struct cli_where *wh, struct store *st, const char *db);

/** cli_where_free() - free the copies; the struct may be reused empty. */
void cli_where_free(struct cli_where *wh);

#endif /* SVATRACE_CLI_WHERE_H */
