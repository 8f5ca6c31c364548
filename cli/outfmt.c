// SPDX-License-Identifier: GPL-2.0
/* outfmt.c - `--json` / `--csv` selection shared by subcommands (see outfmt.h). */
#include "cli/cli.h"
#include "cli/outfmt.h"

bool cli_outfmt_opt(struct cli_outfmt *f, int c)
{
	if (c == 'j')
		f->json = true;
	else if (c == 'c')
		f->csv = true;
	else
		return false;
	return true;
}

int cli_outfmt_check(const char *cmd, const struct cli_outfmt *f)
{
	if (f->json && f->csv)
		return cli_usage_error(cmd, "--json or --csv, not both");
	return CLI_OK;
}
