// SPDX-License-Identifier: GPL-2.0
/*
 * params.c - parameter tables: defaults, parsing by key, validation,
 * iteration. See params.h.
 *
 * Model assumptions: none.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/suggest.h"
#include "lib/units.h"
#include "model/params.h"
#include "model/results.h"

struct params_tab {
	const struct param_table *table; /* registered table */
	void *cfg;			 /* its config struct */
	char **origin;			 /* per row: NULL = default, else malloc'd */
};

struct params {
	struct params_tab *tabs; /* one per registered table */
	size_t nr_tabs;		 /* number of tables */
};

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * The unit kind (lib/units.h) of a key, from its unit: binary for byte sizes
 * and for entry counts of caches and queues, decimal for rates and other
 * counts, ns/us/ms/s for durations. One table, so --set, profiles, grids
 * and --where read a key's value the same way.
 */
static const struct {
	const char *unit;     /* param_def.unit */
	enum units_kind kind; /* how its values parse */
} unit_kinds[] = {
    {"bytes", UNITS_BYTES},	{"ns", UNITS_NS},
    {"entries", UNITS_ENTRIES}, {"descriptors", UNITS_ENTRIES}, /* batch and queue capacities */
    {"records", UNITS_ENTRIES}, {"requests", UNITS_ENTRIES},	/* buffer, outstanding queue */
};

enum units_kind params_def_kind(const struct param_def *d)
{
	for (size_t i = 0; i < sizeof(unit_kinds) / sizeof(unit_kinds[0]); i++)
		if (!strcmp(d->unit, unit_kinds[i].unit))
			return unit_kinds[i].kind;
	if (strchr(d->unit, '/'))
		return UNITS_RATE; /* bytes/s, bytes/us */
	return d->type == PARAM_DOUBLE ? UNITS_REAL : UNITS_COUNT;
}

int params_parse_uint(const struct param_def *d, const char *text, uint64_t *out, char *err,
		      size_t err_bytes)
{
	char why[192];
	uint64_t v;

	if (units_parse_u64(text, params_def_kind(d), &v, why, sizeof(why))) {
		snprintf(err, err_bytes, "%s: %s", d->key, why);
		return -EINVAL;
	}
	if ((double)v < d->min || (double)v > d->max) {
		snprintf(err, err_bytes, "%s: %llu is out of range [%.0f, %.0f]%s%s", d->key,
			 (unsigned long long)v, d->min, d->max, *d->unit ? " " : "", d->unit);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int enum_index(const char *choices, const char *word, uint32_t *out)
{
	size_t wl = strlen(word);
	const char *c = choices;
	uint32_t i = 0;

	while (*c) {
		const char *bar = strchr(c, '|');
		size_t l = bar ? (size_t)(bar - c) : strlen(c);

		if (l == wl && !strncasecmp(c, word, l)) {
			*out = i;
			return 0;
		}
		if (!bar)
			break;
		c = bar + 1;
		i++;
	}
	return -EINVAL;
}

static int parse_into(const struct param_def *d, void *cfg, const char *value, char *err,
		      size_t err_bytes)
{
	char *field = (char *)cfg + d->offset;
	char word[64];
	size_t n;

	value = skip_ws(value);
	n = strlen(value);
	while (n && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\n'))
		n--;
	if (n >= sizeof(word)) {
		snprintf(err, err_bytes, "%s: value too long", d->key);
		return -EINVAL;
	}
	memcpy(word, value, n);
	word[n] = 0;

	switch (d->type) {
	case PARAM_U64:
	case PARAM_U32: {
		uint64_t v;
		int rc = params_parse_uint(d, word, &v, err, err_bytes);

		if (rc)
			return rc;
		if (d->type == PARAM_U32)
			*(uint32_t *)field = (uint32_t)v;
		else
			*(uint64_t *)field = v;
		return 0;
	}
	case PARAM_DOUBLE: {
		char why[192];
		double v;

		if (units_parse_double(word, params_def_kind(d), &v, why, sizeof(why))) {
			snprintf(err, err_bytes, "%s: %s", d->key, why);
			return -EINVAL;
		}
		if (v < d->min || v > d->max) {
			snprintf(err, err_bytes, "%s: %g is out of range [%g, %g]", d->key, v,
				 d->min, d->max);
			return -EINVAL;
		}
		*(double *)field = v;
		return 0;
	}
	case PARAM_BOOL:
		if (!strcasecmp(word, "on") || !strcasecmp(word, "true") || !strcmp(word, "1") ||
		    !strcasecmp(word, "yes")) {
			*(uint8_t *)field = 1;
		} else if (!strcasecmp(word, "off") || !strcasecmp(word, "false") ||
			   !strcmp(word, "0") || !strcasecmp(word, "no")) {
			*(uint8_t *)field = 0;
		} else {
			snprintf(err, err_bytes, "%s: '%s' is not on/off", d->key, word);
			return -EINVAL;
		}
		return 0;
	case PARAM_ENUM: {
		uint32_t idx;

		if (enum_index(d->choices, word, &idx)) {
			snprintf(err, err_bytes, "%s: '%s' is not one of %s", d->key, word,
				 d->choices);
			return -EINVAL;
		}
		*(uint32_t *)field = idx;
		return 0;
	}
	}
	snprintf(err, err_bytes, "%s: bad parameter type", d->key);
	return -EINVAL;
}

static void format_value(const struct param_def *d, const void *cfg, char *buf, size_t bytes)
{
	const char *field = (const char *)cfg + d->offset;

	switch (d->type) {
	case PARAM_U64:
		snprintf(buf, bytes, "%llu", (unsigned long long)*(const uint64_t *)field);
		break;
	case PARAM_U32:
		snprintf(buf, bytes, "%u", *(const uint32_t *)field);
		break;
	case PARAM_DOUBLE:
		snprintf(buf, bytes, "%.17g", *(const double *)field);
		break;
	case PARAM_BOOL:
		snprintf(buf, bytes, "%s", *(const uint8_t *)field ? "on" : "off");
		break;
	case PARAM_ENUM: {
		uint32_t idx = *(const uint32_t *)field, i = 0;
		const char *c = d->choices;

		while (i < idx && c && (c = strchr(c, '|')))
			c++, i++;
		if (!c)
			c = "?";
		snprintf(buf, bytes, "%.*s",
			 (int)(strchr(c, '|') ? strchr(c, '|') - c : (long)strlen(c)), c);
		break;
	}
	}
}

void params__free(struct params *p)
{
	if (!p)
		return;
	for (size_t t = 0; t < p->nr_tabs; t++) {
		if (p->tabs[t].origin)
			for (size_t i = 0; i < p->tabs[t].table->nr_defs; i++)
				free(p->tabs[t].origin[i]);
		free(p->tabs[t].origin);
		free(p->tabs[t].cfg);
	}
	free(p->tabs);
	free(p);
}

static const struct param_def *find(const struct params *p, const char *key, size_t *tab,
				    size_t *row)
{
	for (size_t t = 0; t < p->nr_tabs; t++) {
		const struct param_table *tb = p->tabs[t].table;

		for (size_t i = 0; i < tb->nr_defs; i++) {
			if (!strcmp(tb->defs[i].key, key)) {
				if (tab)
					*tab = t;
				if (row)
					*row = i;
				return &tb->defs[i];
			}
		}
	}
	return NULL;
}

/* The known key nearest to a mistyped @key ("iotlb.entires"), or NULL. */
static const char *closest_key(const struct params *p, const char *key)
{
	const char *best = NULL;
	unsigned int best_d = ~0u;

	for (size_t t = 0; t < p->nr_tabs; t++) {
		const struct param_table *tb = p->tabs[t].table;

		for (size_t i = 0; i < tb->nr_defs; i++) {
			const char *c = tb->defs[i].key;
			const char *hit = suggest_closest(key, &c, 1);

			if (hit && suggest_distance(key, c) < best_d) {
				best_d = suggest_distance(key, c);
				best = c;
			}
		}
	}
	return best;
}

struct params *params__new(const struct param_table *const *tables)
{
	struct params *p = calloc(1, sizeof(*p));
	char err[256];
	size_t n = 0;

	if (!p)
		return NULL;
	while (tables[n])
		n++;
	p->tabs = calloc(n ? n : 1, sizeof(*p->tabs));
	if (!p->tabs)
		goto nomem;
	for (size_t t = 0; t < n; t++) {
		const struct param_table *tb = tables[t];

		p->tabs[t].table = tb;
		p->tabs[t].cfg = calloc(1, tb->cfg_bytes ? tb->cfg_bytes : 1);
		p->tabs[t].origin = calloc(tb->nr_defs ? tb->nr_defs : 1, sizeof(char *));
		p->nr_tabs = t + 1;
		if (!p->tabs[t].cfg || !p->tabs[t].origin)
			goto nomem;
		for (size_t i = 0; i < tb->nr_defs; i++) {
			size_t ft, fr;

			if (find(p, tb->defs[i].key, &ft, &fr) != &tb->defs[i] ||
			    parse_into(&tb->defs[i], p->tabs[t].cfg, tb->defs[i].dflt, err,
				       sizeof(err))) {
				params__free(p);
				errno = EINVAL;
				return NULL;
			}
		}
	}
	return p;
nomem:
	params__free(p);
	errno = ENOMEM;
	return NULL;
}

int params__set(struct params *p, const char *key, const char *value, const char *origin, char *err,
		size_t err_bytes)
{
	size_t t, i;
	const struct param_def *d = find(p, key, &t, &i);
	int rc;

	if (!d) {
		const char *near = closest_key(p, key);

		if (near)
			snprintf(err, err_bytes, "unknown parameter '%s'; did you mean '%s'?", key,
				 near);
		else
			snprintf(err, err_bytes, "unknown parameter '%s' (see --list-params)", key);
		return -ENOENT;
	}
	rc = parse_into(d, p->tabs[t].cfg, value, err, err_bytes);
	if (rc)
		return rc;
	free(p->tabs[t].origin[i]);
	p->tabs[t].origin[i] = strdup(origin ? origin : "set");
	return p->tabs[t].origin[i] ? 0 : -ENOMEM;
}

int params__validate(const struct params *p, char *err, size_t err_bytes)
{
	for (size_t t = 0; t < p->nr_tabs; t++) {
		const struct param_table *tb = p->tabs[t].table;
		int rc;

		if (tb->validate && (rc = tb->validate(p->tabs[t].cfg, err, err_bytes)))
			return rc;
	}
	return 0;
}

const void *params__cfg(const struct params *p, const struct param_table *table)
{
	for (size_t t = 0; t < p->nr_tabs; t++)
		if (p->tabs[t].table == table)
			return p->tabs[t].cfg;
	return NULL;
}

void *params__cfg_mut(struct params *p, const struct param_table *table)
{
	return (void *)params__cfg(p, table);
}

const char *param_provenance(const char *source)
{
	if (!strncmp(source, "calibrated", 10) || !strncmp(source, "derived", 7))
		return "calibrated";
	if (!strncmp(source, "estimate", 8) || !strncmp(source, "not identified", 14))
		return "estimated";
	return "cited";
}

const char *param_origin_provenance(const char *origin, const char *builtin_source)
{
	const char *ps;

	if (!strcmp(origin, "default") || !strcmp(origin, "builtin"))
		return builtin_source ? param_provenance(builtin_source) : "estimated";
	if (strncmp(origin, "profile ", 8))
		return "set";
	ps = strstr(origin, ": ");
	return ps ? param_provenance(ps + 2) : "estimated";
}

const struct param_def *params__find(const struct params *p, const char *key)
{
	return find(p, key, NULL, NULL);
}

int params__value_text(const struct params *p, const char *key, char *buf, size_t bytes)
{
	size_t t, row;
	const struct param_def *d = find(p, key, &t, &row);

	if (!d)
		return -ENOENT;
	format_value(d, p->tabs[t].cfg, buf, bytes);
	return 0;
}

void params__foreach(const struct params *p,
		     void (*fn)(const struct param_def *d, const char *value, const char *origin,
				void *ctx),
		     void *ctx)
{
	char buf[64];

	for (size_t t = 0; t < p->nr_tabs; t++) {
		const struct param_table *tb = p->tabs[t].table;

		for (size_t i = 0; i < tb->nr_defs; i++) {
			format_value(&tb->defs[i], p->tabs[t].cfg, buf, sizeof(buf));
			fn(&tb->defs[i], buf,
			   p->tabs[t].origin[i] ? p->tabs[t].origin[i] : "default", ctx);
		}
	}
}

struct store_ctx {
	const struct results_sink *sink; /* where config goes */
	int rc;				 /* first error */
};

static void store_row(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	struct store_ctx *c = ctx;
	int rc;

	if (c->rc || !c->sink->ops->config)
		return;
	rc = c->sink->ops->config(c->sink->ctx, d->key, value, origin);
	if (rc < 0)
		c->rc = rc;
}

int params__store(const struct params *p, const struct results_sink *sink)
{
	struct store_ctx c = {.sink = sink};

	params__foreach(p, store_row, &c);
	return c.rc;
}
