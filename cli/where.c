// SPDX-License-Identifier: GPL-2.0
/* where.c - `--where KEY=VALUE` parsing shared by subcommands (see where.h). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/where.h"

int cli_where_add(const char *cmd, struct cli_where *wh, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *copy;

	if (!eq || eq == arg)
		return cli_usage_error(cmd, "--where wants KEY=VALUE, not '%s'", arg);
	if (wh->nr == CLI_MAX_WHERE)
		return cli_usage_error(cmd, "at most %d --where", CLI_MAX_WHERE);
	copy = strdup(arg);
	if (!copy)
		return cli_error(cmd, "out of memory");
	copy[eq - arg] = '\0';
	wh->buf[wh->nr] = copy;
	wh->w[wh->nr].key = copy;
	wh->w[wh->nr].value = copy + (eq - arg) + 1;
	wh->nr++;
	return 0;
}

void cli_where_free(struct cli_where *wh)
{
	for (size_t i = 0; i < wh->nr; i++)
		free(wh->buf[i]);
	wh->nr = 0;
}
