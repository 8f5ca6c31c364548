// SPDX-License-Identifier: GPL-2.0
/*
 * grid.c - sweep grids: axes from --grid specs (lists and integer ranges),
 * the scenario axis, the cross product in nested-loop order, point labels
 * (see grid.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/units.h"
#include "sweep/grid.h"

struct axis {
	char *key;     /* parameter key */
	char **values; /* value texts */
	size_t nr;     /* number of values */
};

struct sweep_grid {
	struct axis axes[SWEEP_MAX_AXES]; /* parameter axes, outermost first */
	size_t nr_axes;			  /* used */
	char **scenarios;		  /* scenario axis ("" = none) */
	size_t nr_scenarios;		  /* 0: one implicit "" */
};

struct sweep_grid *sweep_grid__new(void)
{
	return calloc(1, sizeof(struct sweep_grid));
}

static void axis_clear(struct axis *a)
{
	for (size_t i = 0; i < a->nr; i++)
		free(a->values[i]);
	free(a->values);
	free(a->key);
	memset(a, 0, sizeof(*a));
}

void sweep_grid__free(struct sweep_grid *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nr_axes; i++)
		axis_clear(&g->axes[i]);
	for (size_t i = 0; i < g->nr_scenarios; i++)
		free(g->scenarios[i]);
	free(g->scenarios);
	free(g);
}

static int axis_push(struct axis *a, const char *v, size_t len)
{
	char **n;

	if (a->nr == SWEEP_MAX_VALUES)
		return -E2BIG;
	n = realloc(a->values, (a->nr + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	a->values = n;
	n[a->nr] = strndup(v, len);
	if (!n[a->nr])
		return -ENOMEM;
	a->nr++;
	return 0;
}

/*
 * "LO..HI", "LO..HI*F", "LO..HI+S": 1 if @v is a range (expanded into @a), 0 if not, <0 bad.
 * LO, HI and a step +S are values of the key (@kind: "4k..2m" on a byte size); a factor
 * *F is a plain count.
 */
static int parse_range(struct axis *a, const char *v, enum units_kind kind, char *err,
		       size_t err_bytes)
{
	char why[192] = "";
	const char *dots = strstr(v, "..");
	char lo_s[64], hi_s[64], buf[32];
	const char *op;
	uint64_t lo, hi, step = 1;
	int geometric = 0, rc;

	if (!dots || strchr(v, ','))
		return 0;
	op = strpbrk(dots + 2, "*+");
	if ((size_t)(dots - v) >= sizeof(lo_s) ||
	    (size_t)((op ? op : dots + 2 + strlen(dots + 2)) - (dots + 2)) >= sizeof(hi_s))
		goto bad;
	snprintf(lo_s, sizeof(lo_s), "%.*s", (int)(dots - v), v);
	snprintf(hi_s, sizeof(hi_s), "%.*s",
		 (int)((op ? op : dots + 2 + strlen(dots + 2)) - (dots + 2)), dots + 2);
	if (units_parse_u64(lo_s, kind, &lo, why, sizeof(why)) ||
	    units_parse_u64(hi_s, kind, &hi, why, sizeof(why)) || hi < lo)
		goto bad;
	if (op) {
		geometric = *op == '*';
		if (units_parse_u64(op + 1, geometric ? UNITS_COUNT : kind, &step, why,
				    sizeof(why)) ||
		    step < 1 + (uint64_t)geometric || (geometric && !lo))
			goto bad;
	}
	for (uint64_t x = lo; x <= hi;) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)x);
		rc = axis_push(a, buf, strlen(buf));
		if (rc) {
			snprintf(err, err_bytes, "--grid %s: range '%s' gives more than %d values",
				 a->key, v, SWEEP_MAX_VALUES);
			return rc;
		}
		if (geometric ? x > hi / step : x > hi - step)
			break;
		x = geometric ? x * step : x + step;
	}
	return 1;
bad:
	snprintf(
	    err, err_bytes,
	    "--grid %s: bad range '%s' (want LO..HI, LO..HI*FACTOR or LO..HI+STEP, LO <= HI)%s%s",
	    a->key, v, *why ? ": " : "", why);
	return -EINVAL;
}

int sweep_grid__add_axis(struct sweep_grid *g, const char *spec, struct params *check, char *err,
			 size_t err_bytes)
{
	struct axis a = {0};
	char key[128], msg[256];
	const char *vals, *s;
	int rc;

	if (sweep_split_setting(spec, key, sizeof(key), &vals)) {
		snprintf(err, err_bytes, "--grid '%s': want KEY=V1,V2,... or KEY=LO..HI[*F|+S]",
			 spec);
		return -EINVAL;
	}
	if (!params__find(check, key)) {
		snprintf(err, err_bytes,
			 "--grid %s: unknown parameter '%s' (see 'svatrace replay --list-params')",
			 key, key);
		return -ENOENT;
	}
	for (size_t i = 0; i < g->nr_axes; i++) {
		if (!strcmp(g->axes[i].key, key)) {
			snprintf(err, err_bytes,
				 "--grid %s: key given twice (put all values in one --grid)", key);
			return -EINVAL;
		}
	}
	if (g->nr_axes == SWEEP_MAX_AXES) {
		snprintf(err, err_bytes, "--grid %s: more than %d axes", key, SWEEP_MAX_AXES);
		return -E2BIG;
	}
	a.key = strdup(key);
	if (!a.key)
		return -ENOMEM;
	rc = parse_range(&a, vals, params_def_kind(params__find(check, key)), err, err_bytes);
	if (rc < 0)
		goto fail;
	for (s = vals; !rc;) {
		size_t len = strcspn(s, ",");

		while (len && s[0] == ' ')
			s++, len--;
		while (len && s[len - 1] == ' ')
			len--;
		if (!len) {
			snprintf(err, err_bytes, "--grid %s: empty value in '%s'", key, vals);
			rc = -EINVAL;
			goto fail;
		}
		rc = axis_push(&a, s, len);
		if (rc) {
			snprintf(err, err_bytes, "--grid %s: more than %d values", key,
				 SWEEP_MAX_VALUES);
			goto fail;
		}
		s += strcspn(s, ",");
		if (!*s)
			break;
		s++;
	}
	for (size_t i = 0; i < a.nr; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(a.values[i], a.values[j])) {
				snprintf(err, err_bytes, "--grid %s: value '%s' given twice", key,
					 a.values[i]);
				rc = -EINVAL;
				goto fail;
			}
		}
		rc = params__set(check, key, a.values[i], "--grid", msg, sizeof(msg));
		if (rc) {
			snprintf(err, err_bytes, "--grid %s: %s", key, msg);
			goto fail;
		}
	}
	g->axes[g->nr_axes++] = a;
	return 0;
fail:
	axis_clear(&a);
	return rc < 0 ? rc : -EINVAL;
}

int sweep_grid__add_scenario(struct sweep_grid *g, const char *spec)
{
	char **n = realloc(g->scenarios, (g->nr_scenarios + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	g->scenarios = n;
	n[g->nr_scenarios] = strdup(spec ? spec : "");
	if (!n[g->nr_scenarios])
		return -ENOMEM;
	g->nr_scenarios++;
	return 0;
}

size_t sweep_grid__nr_points(const struct sweep_grid *g)
{
	size_t n = g->nr_scenarios ? g->nr_scenarios : 1;

	for (size_t i = 0; i < g->nr_axes; i++) {
		if (n > SWEEP_MAX_POINTS / g->axes[i].nr)
			return SWEEP_MAX_POINTS + 1;
		n *= g->axes[i].nr;
	}
	return n;
}

size_t sweep_grid__nr_axes(const struct sweep_grid *g)
{
	return g->nr_axes;
}

const char *sweep_grid__axis_key(const struct sweep_grid *g, size_t a)
{
	return a < g->nr_axes ? g->axes[a].key : NULL;
}

const char *sweep_grid__point(const struct sweep_grid *g, size_t idx, struct sweep_setting *out)
{
	/* mixed radix, last axis fastest */
	for (size_t i = g->nr_axes; i-- > 0;) {
		const struct axis *a = &g->axes[i];

		out[i] = (struct sweep_setting){a->key, a->values[idx % a->nr], "--grid"};
		idx /= a->nr;
	}
	return g->nr_scenarios ? g->scenarios[idx % g->nr_scenarios] : "";
}

void sweep_grid__label(const struct sweep_grid *g, size_t idx, char *buf, size_t bytes)
{
	struct sweep_setting s[SWEEP_MAX_AXES];
	const char *scn = sweep_grid__point(g, idx, s);
	size_t len = 0;

	buf[0] = 0;
	if (*scn)
		len += (size_t)snprintf(buf, bytes, "%s", scn);
	for (size_t i = 0; i < g->nr_axes && len < bytes; i++)
		len += (size_t)snprintf(buf + len, bytes - len, "%s%s=%s", len ? " " : "", s[i].key,
					s[i].value);
}
