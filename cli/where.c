// SPDX-License-Identifier: GPL-2.0
/*
 * where.c - `--where KEY=VALUE` parsing shared by subcommands (see where.h).
 *
 * Values are normalised to what the store holds, so a filter matches what a
 * user would type: a parameter key's value goes through the same parser as
 * --set (lib/units via model/params) and is rewritten as stored
 * (pt.page_bytes=4k -> 4096, iotlb.policy=LRU -> lru, ats.enabled=true ->
 * on); status takes the names `runs` prints (ok, running). Other keys
 * (run columns, keys of other producers) are compared as typed. A key that
 * is neither a run field, nor a parameter, nor a config key of a stored run
 * is refused with a "did you mean" (lib/suggest): a typo must not look
 * like "no run matches".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/where.h"
#include "lib/suggest.h"
#include "model/params.h"
#include "replay/registry.h"

/* The run fields a filter may name (store_where, analyze/store.h). */
static const char *const run_fields[] = {
    "id",	  "label",	"scenario",  "status",	     "seed",
    "trace_hash", "trace_path", "point_key", "tool_version", "time_utc",
};
#define NR_RUN_FIELDS (sizeof(run_fields) / sizeof(run_fields[0]))

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

/* Candidate keys for a suggestion: run fields, parameters, stored config keys. */
struct cands {
	const char **v; /* keys (run fields and parameters static, config keys strdup'd) */
	bool *owned;	/* v[i] was strdup'd */
	size_t nr, cap; /* used, allocated */
};

static int cands_add(struct cands *c, const char *key, bool copy)
{
	for (size_t i = 0; i < c->nr; i++)
		if (!strcmp(c->v[i], key))
			return 0;
	if (c->nr == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		const char **v = realloc(c->v, cap * sizeof(*v));
		bool *o;

		if (!v)
			return -ENOMEM;
		c->v = v;
		o = realloc(c->owned, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		c->owned = o;
		c->cap = cap;
	}
	c->v[c->nr] = copy ? strdup(key) : key;
	if (!c->v[c->nr])
		return -ENOMEM;
	c->owned[c->nr++] = copy;
	return 0;
}

static int config_cb(void *arg, const char *key, const char *value, const char *source)
{
	(void)value;
	(void)source;
	return cands_add(arg, key, true);
}

static void cands_free(struct cands *c)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->owned[i])
			free((char *)c->v[i]);
	free(c->v);
	free(c->owned);
}

/* The config keys of every stored run (for the suggestion only). */
static int stored_keys(struct store *st, const struct store_run *runs, size_t nr, struct cands *c)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < nr; i++)
		rc = store__for_each_config(st, runs[i].id, config_cb, c);
	return rc;
}

static bool is_field_or_param(const char *key, const struct params *p)
{
	for (size_t i = 0; i < NR_RUN_FIELDS; i++)
		if (!strcmp(key, run_fields[i]))
			return true;
	return p && params__find(p, key);
}

/* Some stored run has config @key (most often the first one asked). */
static bool stored_key(struct store *st, const struct store_run *runs, size_t nr, const char *key)
{
	for (size_t i = 0; i < nr; i++) {
		char *v = store__get_config(st, runs[i].id, key);

		if (v) {
			free(v);
			return true;
		}
	}
	return false;
}

/* The first key of @wh that is unknown, or NULL; then @c receives every candidate. */
static const char *first_unknown(const struct cli_where *wh, struct store *st, struct cands *c,
				 int *err)
{
	struct params *p = params__new(svt_param_registry);
	struct store_run *runs = NULL;
	const char *bad = NULL;
	size_t nr = 0;

	*err = 0;
	for (size_t i = 0; i < wh->nr && !bad && !*err; i++) {
		if (is_field_or_param(wh->w[i].key, p))
			continue;
		if (!runs && (*err = store__list_runs(st, NULL, 0, &runs, &nr)))
			break;
		if (!stored_key(st, runs, nr, wh->w[i].key))
			bad = wh->w[i].key;
	}
	if (bad)
		*err = stored_keys(st, runs, nr, c);
	for (size_t i = 0; !*err && bad && i < NR_RUN_FIELDS; i++)
		*err = cands_add(c, run_fields[i], false);
	for (size_t t = 0; !*err && bad && svt_param_registry[t]; t++)
		for (size_t k = 0; !*err && k < svt_param_registry[t]->nr_defs; k++)
			*err = cands_add(c, svt_param_registry[t]->defs[k].key, false);
	store_runs_free(runs, nr);
	params__free(p);
	return bad;
}

/*
 * No typo away: keys sharing a word of @bad ("page_size" -> pt.page_bytes,
 * ...), up to four, as "; keys with 'page': a, b" in @buf.
 */
static void sharing_a_word(const char *bad, const struct cands *c, char *buf, size_t bytes)
{
	char words[128], *save = NULL, *w;
	size_t n = 0, used;

	snprintf(words, sizeof(words), "%s", bad);
	for (w = strtok_r(words, "._", &save); w && !n; w = strtok_r(NULL, "._", &save)) {
		if (strlen(w) < 4)
			continue;
		for (size_t i = 0; i < c->nr && n < 4; i++) {
			if (!strstr(c->v[i], w))
				continue;
			used = strlen(buf);
			if (n++)
				snprintf(buf + used, bytes - used, ", %s", c->v[i]);
			else
				snprintf(buf + used, bytes - used, "; keys with '%s': %s", w,
					 c->v[i]);
		}
	}
}

int cli_where_check(const char *cmd, const struct cli_where *wh, struct store *st, const char *db)
{
	struct cands c = {0};
	const char *bad, *near;
	int err, rc = CLI_OK;

	bad = first_unknown(wh, st, &c, &err);
	if (err)
		rc = cli_error(cmd, "%s: cannot read the stored config keys: %s", db,
			       store__errmsg(st));
	else if (bad) {
		char also[256] = "";

		near = suggest_closest(bad, c.v, c.nr);
		if (!near)
			sharing_a_word(bad, &c, also, sizeof(also));
		rc = cli_usage_error(
		    cmd,
		    "--where %s: no run field, parameter or stored config key "
		    "has that name%s%s%s%s (run fields: id, label, scenario, "
		    "status, seed, trace_hash, trace_path, point_key, "
		    "tool_version, time_utc; config keys: 'svatrace runs --db %s --json')",
		    bad, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "", also,
		    db);
	}
	cands_free(&c);
	return rc;
}
