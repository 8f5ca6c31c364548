// SPDX-License-Identifier: GPL-2.0
/*
 * where.c - `--where KEY=VALUE` parsing shared by subcommands (see where.h).
 *
 * Values are normalised to what the store holds, so a filter matches what a
 * user would type: a parameter key's value goes through the same parser as
 * --set (lib/units via model/params) and is rewritten as stored
 * (pt.page_bytes=4k -> 4096, iotlb.policy=LRU -> lru, ats.enabled=true ->
 * on); status takes the names `runs` prints (ok, running). Other keys
 * (run columns, keys of other producers) are compared as typed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/where.h"
#include "model/params.h"
#include "replay/registry.h"

/* status=NAME -> the stored value ("0"), NULL for SQL NULL; 1 if @name is not a status name. */
static int status_value(const char *name, const char **stored)
{
	char *end;

	if (!strcasecmp(name, "ok")) {
		*stored = "0";
		return 0;
	}
	if (!strcasecmp(name, "running")) {
		*stored = NULL; /* a run still in progress has no status yet */
		return 0;
	}
	strtol(name, &end, 10);
	if (*name && !*end) {
		*stored = name;
		return 0;
	}
	return 1;
}

/*
 * A parameter's value as stored into @buf. Return: 0, -ENOENT if @key is not
 * a parameter, or a CLI exit code (> 0) after the message.
 */
static int param_value(const char *cmd, const char *key, const char *value, char *buf, size_t bytes)
{
	struct params *p = params__new(svt_param_registry);
	char err[256];
	int rc;

	if (!p)
		return cli_error(cmd, "parameter tables: %s", strerror(errno));
	if (!params__find(p, key)) {
		params__free(p);
		return -ENOENT;
	}
	rc = params__set(p, key, value, "--where", err, sizeof(err));
	if (!rc)
		rc = params__value_text(p, key, buf, bytes);
	params__free(p);
	if (rc)
		return cli_usage_error(cmd, "--where %s", err);
	return 0;
}

int cli_where_add(const char *cmd, struct cli_where *wh, const char *arg)
{
	const char *eq = strchr(arg, '='), *stored;
	char norm[128], *copy;
	size_t klen;
	int rc;

	if (!eq || eq == arg)
		return cli_usage_error(cmd, "--where wants KEY=VALUE, not '%s'", arg);
	if (wh->nr == CLI_MAX_WHERE)
		return cli_usage_error(cmd, "at most %d --where", CLI_MAX_WHERE);
	klen = (size_t)(eq - arg);
	copy = malloc(klen + 1 + sizeof(norm) + strlen(eq + 1) + 1);
	if (!copy)
		return cli_error(cmd, "out of memory");
	memcpy(copy, arg, klen);
	copy[klen] = '\0';
	stored = eq + 1;
	if (!strcmp(copy, "status")) {
		if (status_value(eq + 1, &stored)) {
			free(copy);
			return cli_usage_error(cmd,
					       "--where status=%s: want ok, running or a status "
					       "number (failed runs hold -errno, e.g. -4)",
					       eq + 1);
		}
	} else {
		rc = param_value(cmd, copy, eq + 1, norm, sizeof(norm));
		if (rc > 0) {
			free(copy);
			return rc;
		}
		/* not a parameter (run columns, other producers' keys): compared as typed */
		stored = rc == -ENOENT ? eq + 1 : norm;
	}
	wh->buf[wh->nr] = copy;
	wh->w[wh->nr].key = copy;
	wh->w[wh->nr].value = stored ? strcpy(copy + klen + 1, stored) : NULL;
	wh->nr++;
	return 0;
}

void cli_where_free(struct cli_where *wh)
{
	for (size_t i = 0; i < wh->nr; i++)
		free(wh->buf[i]);
	wh->nr = 0;
}
