/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gen.h - synthetic workload generators: seeded, reproducible record streams
 * in the native trace format, for capacity studies with no capture.
 *
 * A generator kind is one file collect/gen_KIND.c defining a const struct
 * gen_kind (a params table and a run function) plus one line in GEN_KINDS
 * in collect/gen/gen.c. Parameters are typed (count, bytes, time, rate,
 * real, choice, string), have a default and a unit, and are validated once
 * by gen_cfg__set()/gen_cfg__resolve() with messages that name the key; a
 * kind's run function then trusts them. Generators write through struct
 * gen_out (emit + intern), so the CLI plugs in a trace writer and tests an
 * in-memory list. Records come out in nondecreasing time order.
 */
#ifndef SVATRACE_COLLECT_GEN_H
#define SVATRACE_COLLECT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/units.h"
#include "trace/format.h"

enum gen_type {
	/* numbers parse with lib/units, the kind given by gen_type_kind() */
	GEN_T_COUNT,   /* integer count or id; decimal: 1k = 1000 */
	GEN_T_BYTES,   /* integer bytes; binary: 1k = 1024 */
	GEN_T_TIME,    /* integer ns; ns, us, ms, s (plain: ns) */
	GEN_T_RATE,    /* per second (real); decimal: 1k = 1000 */
	GEN_T_REAL,    /* real number, no unit */
	GEN_T_CHOICE,  /* one word of @choices ("a|b|c") */
	GEN_T_STR,     /* free text (device names) */
	GEN_T_ENTRIES, /* integer entries of a ring or queue; binary: 1k = 1024 */
};

struct gen_param {
	const char *key;     /* name used with --set key=value */
	enum gen_type type;  /* how the value parses */
	const char *unit;    /* shown in help ("bytes", "ns", "1/s") */
	const char *def;     /* default value, in the same syntax as --set */
	double min;	     /* smallest accepted numeric value */
	double max;	     /* largest accepted numeric value; 0: no limit */
	const char *choices; /* GEN_T_CHOICE: "a|b|c" */
	const char *help;    /* one line */
};

/* Where a generator's records go. */
struct gen_out {
	int (*emit)(void *ctx, const struct trace_rec *rec); /* 0 or -errno */
	uint32_t (*intern)(void *ctx, const char *s);	     /* string id >= 1 */
	void *ctx;					     /* sink state */
};

struct gen_cfg;

struct gen_kind {
	const char *name;		/* "dsa-memcpy" */
	const char *summary;		/* one line for gen --help */
	const char *assumptions;	/* paragraph for gen KIND --help */
	const struct gen_param *params; /* table ending with a NULL key */
	/* Cross-key checks after every key parsed; 0 or -EINVAL after svt_err(). */
	int (*check)(const struct gen_cfg *cfg);
	/* Emit the workload; 0 or a negative error. */
	int (*run)(const struct gen_cfg *cfg, uint64_t seed, const struct gen_out *out);
};

/** gen_find() - the kind called @name, NULL if none. */
const struct gen_kind *gen_find(const char *name);

/** gen_foreach() - call @fn for every kind, in table order. */
void gen_foreach(void (*fn)(const struct gen_kind *k, void *ctx), void *ctx);

/** gen_cfg__new() - a config for @kind with every key at its default (unparsed). */
struct gen_cfg *gen_cfg__new(const struct gen_kind *kind);

/** gen_cfg__free() - free; NULL is a no-op. */
void gen_cfg__free(struct gen_cfg *cfg);

/**
 * gen_cfg__set() - override one key from "key=value".
 * @cfg: config.
 * @kv: "key=value"; the value is parsed and range-checked here.
 *
 * Return: 0, or -EINVAL after svt_err() named the key and what is wrong.
 */
int gen_cfg__set(struct gen_cfg *cfg, const char *kv);

/** gen_cfg__resolve() - parse the defaults left and run the kind's check(); 0 or -EINVAL. */
int gen_cfg__resolve(struct gen_cfg *cfg);

/** gen_cfg_u64() - value of a COUNT, BYTES or TIME key. */
uint64_t gen_cfg_u64(const struct gen_cfg *cfg, const char *key);

/** gen_cfg_real() - value of any numeric key as a double. */
double gen_cfg_real(const struct gen_cfg *cfg, const char *key);

/** gen_cfg_str() - the text of a key (STR or CHOICE: the word). */
const char *gen_cfg_str(const struct gen_cfg *cfg, const char *key);

/** gen_cfg_is() - true if a CHOICE key has the value @word. */
int gen_cfg_is(const struct gen_cfg *cfg, const char *key, const char *word);

/** gen_cfg_kind() - the kind the config belongs to. */
const struct gen_kind *gen_cfg_kind(const struct gen_cfg *cfg);

/**
 * gen_cfg_foreach() - call @fn(key, value text, ctx) for every key in table
 * order, with the resolved text (default or override) — for the meta JSON.
 */
void gen_cfg_foreach(const struct gen_cfg *cfg,
		     void (*fn)(const char *key, const char *value, void *ctx), void *ctx);

/**
 * gen_parse_value() - parse @text as a value of @type (no range check).
 * @u: integer result (COUNT, BYTES, TIME).
 * @d: real result (every numeric type).
 *
 * Return: 0 or -EINVAL.
 */
int gen_parse_value(enum gen_type type, const char *text, uint64_t *u, double *d);

/** gen_type_kind() - the lib/units kind a numeric @type parses as. */
enum units_kind gen_type_kind(enum gen_type type);

#endif /* SVATRACE_COLLECT_GEN_H */
