// SPDX-License-Identifier: GPL-2.0
/*
 * gen.c - the generator registry, typed parameters with validation, and the
 * event queue and VT-d descriptor helpers the kinds share (gen-local.h).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/gen/gen-local.h"
#include "trace/trace.h"
#include "collect/gen/gen.h"
#include "common/log.h"
#include "lib/units.h"

/*
 * The registry: one line per kind, in help order. Kind NAME is `const
 * struct gen_kind gen_NAME` in its own file (collect/gen/gen_NAME.c); the
 * declarations and the table are made from this list, the help and kind
 * validation from the table. Adding a generator: one file and one line.
 */
#define GEN_KINDS(X)                                                                               \
	X(dsa_memcpy)                                                                              \
	X(nic_rx)                                                                                  \
	X(nvme)                                                                                    \
	X(random_access)                                                                           \
	X(from_summary)

#define DECLARE_(n) extern const struct gen_kind gen_##n;
GEN_KINDS(DECLARE_)
#undef DECLARE_
#define ENTRY_(n) &gen_##n,
static const struct gen_kind *const kinds[] = {GEN_KINDS(ENTRY_)};
#undef ENTRY_
#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

const struct gen_kind *gen_find(const char *name)
{
	for (size_t i = 0; i < NR_KINDS; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

void gen_foreach(void (*fn)(const struct gen_kind *k, void *ctx), void *ctx)
{
	for (size_t i = 0; i < NR_KINDS; i++)
		fn(kinds[i], ctx);
}

/* ------------------------------------------------------------------ config */

struct gen_val {
	char *text; /* override text, NULL: the default */
	uint64_t u; /* integer value (COUNT, BYTES, TIME) */
	double d;   /* real value (every numeric type) */
	int parsed; /* u/d valid */
};

struct gen_cfg {
	const struct gen_kind *kind; /* what the keys belong to */
	size_t nr;		     /* keys in the kind's table */
	struct gen_val *val;	     /* one per key, table order */
};

struct gen_cfg *gen_cfg__new(const struct gen_kind *kind)
{
	struct gen_cfg *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->kind = kind;
	while (kind->params[cfg->nr].key)
		cfg->nr++;
	cfg->val = calloc(cfg->nr ? cfg->nr : 1, sizeof(*cfg->val));
	if (!cfg->val) {
		free(cfg);
		return NULL;
	}
	return cfg;
}

void gen_cfg__free(struct gen_cfg *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nr; i++)
		free(cfg->val[i].text);
	free(cfg->val);
	free(cfg);
}

const struct gen_kind *gen_cfg_kind(const struct gen_cfg *cfg)
{
	return cfg->kind;
}

enum units_kind gen_type_kind(enum gen_type type)
{
	switch (type) {
	case GEN_T_ENTRIES:
		return UNITS_ENTRIES;
	case GEN_T_BYTES:
		return UNITS_BYTES;
	case GEN_T_TIME:
		return UNITS_NS;
	case GEN_T_RATE:
		return UNITS_RATE;
	case GEN_T_REAL:
		return UNITS_REAL;
	default:
		return UNITS_COUNT;
	}
}

/* The one parser (lib/units) with the kind of @type; integer types get @u exact. */
static int parse_typed(enum gen_type type, const char *text, uint64_t *u, double *d, char *err,
		       size_t err_bytes)
{
	int rc;

	if (type == GEN_T_STR || type == GEN_T_CHOICE) {
		snprintf(err, err_bytes, "'%s' is not a number", text);
		return -EINVAL;
	}
	if (type == GEN_T_RATE || type == GEN_T_REAL) {
		*u = 0;
		return units_parse_double(text, gen_type_kind(type), d, err, err_bytes) ? -EINVAL
											: 0;
	}
	rc = units_parse_u64(text, gen_type_kind(type), u, err, err_bytes);
	if (rc)
		return -EINVAL;
	*d = (double)*u;
	return 0;
}

int gen_parse_value(enum gen_type type, const char *text, uint64_t *u, double *d)
{
	char err[160];

	return parse_typed(type, text, u, d, err, sizeof(err));
}

static int find_key(const struct gen_cfg *cfg, const char *key, size_t len)
{
	for (size_t i = 0; i < cfg->nr; i++) {
		const char *k = cfg->kind->params[i].key;

		if (strlen(k) == len && !strncmp(k, key, len))
			return (int)i;
	}
	return -1;
}

static int choice_ok(const char *choices, const char *word)
{
	size_t n = strlen(word);

	for (const char *c = choices; c && *c;) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);

		if (len == n && !strncmp(c, word, n))
			return 1;
		c = bar ? bar + 1 : NULL;
	}
	return 0;
}

static const char *val_text(const struct gen_cfg *cfg, size_t i)
{
	return cfg->val[i].text ? cfg->val[i].text : cfg->kind->params[i].def;
}

static int parse_one(struct gen_cfg *cfg, size_t i)
{
	const struct gen_param *p = &cfg->kind->params[i];
	struct gen_val *v = &cfg->val[i];
	const char *text = val_text(cfg, i);
	const char *kn = cfg->kind->name;
	char why[192];

	v->parsed = 0;
	if (p->type == GEN_T_STR) {
		if (!*text) {
			svt_err("gen %s: key '%s': empty value", kn, p->key);
			return -EINVAL;
		}
		v->parsed = 1;
		return 0;
	}
	if (p->type == GEN_T_CHOICE) {
		if (!choice_ok(p->choices, text)) {
			svt_err("gen %s: key '%s': '%s' is not one of %s", kn, p->key, text,
				p->choices);
			return -EINVAL;
		}
		v->parsed = 1;
		return 0;
	}
	if (parse_typed(p->type, text, &v->u, &v->d, why, sizeof(why))) {
		svt_err("gen %s: key '%s': %s", kn, p->key, why);
		return -EINVAL;
	}
	if (v->d < p->min || (p->max > 0 && v->d > p->max)) {
		if (p->max > 0)
			svt_err("gen %s: key '%s': %s is out of range [%g, %g] %s", kn, p->key,
				text, p->min, p->max, p->unit);
		else
			svt_err("gen %s: key '%s': %s is below the minimum %g %s", kn, p->key, text,
				p->min, p->unit);
		return -EINVAL;
	}
	v->parsed = 1;
	return 0;
}

int gen_cfg__set(struct gen_cfg *cfg, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *dup;
	int i;

	if (!eq || eq == kv) {
		svt_err("gen %s: '%s' is not key=value", cfg->kind->name, kv);
		return -EINVAL;
	}
	i = find_key(cfg, kv, (size_t)(eq - kv));
	if (i < 0) {
		svt_err("gen %s: unknown key '%.*s' (see 'svatrace gen %s --help')",
			cfg->kind->name, (int)(eq - kv), kv, cfg->kind->name);
		return -EINVAL;
	}
	dup = strdup(eq + 1);
	if (!dup)
		return -ENOMEM;
	free(cfg->val[i].text);
	cfg->val[i].text = dup;
	return parse_one(cfg, (size_t)i);
}

int gen_cfg__resolve(struct gen_cfg *cfg)
{
	for (size_t i = 0; i < cfg->nr; i++) {
		int rc = parse_one(cfg, i);

		if (rc)
			return rc;
	}
	return cfg->kind->check ? cfg->kind->check(cfg) : 0;
}

static const struct gen_val *get(const struct gen_cfg *cfg, const char *key)
{
	int i = find_key(cfg, key, strlen(key));

	/* a kind asking for a key it does not declare is a bug in that kind */
	if (i < 0) {
		svt_err("gen %s: internal: no key '%s'", cfg->kind->name, key);
		abort();
	}
	return &cfg->val[i];
}

uint64_t gen_cfg_u64(const struct gen_cfg *cfg, const char *key)
{
	return get(cfg, key)->u;
}

double gen_cfg_real(const struct gen_cfg *cfg, const char *key)
{
	return get(cfg, key)->d;
}

const char *gen_cfg_str(const struct gen_cfg *cfg, const char *key)
{
	return val_text(cfg, (size_t)(get(cfg, key) - cfg->val));
}

int gen_cfg_is(const struct gen_cfg *cfg, const char *key, const char *word)
{
	return !strcmp(gen_cfg_str(cfg, key), word);
}

void gen_cfg_foreach(const struct gen_cfg *cfg,
		     void (*fn)(const char *key, const char *value, void *ctx), void *ctx)
{
	for (size_t i = 0; i < cfg->nr; i++)
		fn(cfg->kind->params[i].key, val_text(cfg, i), ctx);
}

/* ------------------------------------------------------ VT-d descriptors */

unsigned int gen_log2_pages(uint64_t bytes)
{
	uint64_t pages = (bytes + GEN_PAGE_BYTES - 1) / GEN_PAGE_BYTES;
	unsigned int am = 0;

	while (((uint64_t)1 << am) < pages)
		am++;
	return am;
}

void gen_qi_iotlb_psi(struct trace_rec_qi_submit *q, uint32_t did, uint64_t addr, unsigned int am)
{
	trace_qi_encode_iotlb(q, did, 3, addr, am);
}

void gen_qi_dev_tlb(struct trace_rec_qi_submit *q, uint16_t sid, uint64_t addr, unsigned int am)
{
	trace_qi_encode_dev_tlb(q, sid, addr, am);
}
