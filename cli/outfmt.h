/* SPDX-License-Identifier: GPL-2.0 */
/*
 * outfmt.h - the `--json` / `--csv` output-format choice that compare and
 * runs share: the two getopt entries, taking them, and refusing both at once.
 */
#ifndef SVATRACE_CLI_OUTFMT_H
#define SVATRACE_CLI_OUTFMT_H

#include <getopt.h>
#include <stdbool.h>

/* getopt_long entries of the two options (values 'j' and 'c'). */
#define CLI_OUTFMT_OPTIONS                                                                         \
	{"json", no_argument, NULL, 'j'},                                                          \
	{                                                                                          \
		"csv", no_argument, NULL, 'c'                                                      \
	}

struct cli_outfmt {
	bool json; /* --json given */
	bool csv;  /* --csv given */
};

/** cli_outfmt_opt() - take getopt's result @c if it is --json or --csv; true if taken. */
bool cli_outfmt_opt(struct cli_outfmt *f, int c);

/**
 * cli_outfmt_check() - after option parsing: both formats is a usage error.
 * @cmd: subcommand name, for the message.
 *
 * Return: CLI_OK, or CLI_USAGE after printing "--json or --csv, not both".
 */
int cli_outfmt_check(const char *cmd, const struct cli_outfmt *f);

#endif /* SVATRACE_CLI_OUTFMT_H */
