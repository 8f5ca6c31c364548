/* SPDX-License-Identifier: GPL-2.0 */
/*
 * params.h - typed, validated model parameters driven by tables.
 *
 * Every tunable number of the model is one row of a const parameter table:
 * key ("iotlb.entries"), type, unit, default (as text), source (where the
 * default comes from, or "estimate"), bounds, and where the parsed value is
 * stored inside the table's config struct. A params object holds one config
 * blob per registered table, filled with the defaults; a profile and --set
 * overrides change it by key (params__set), and params__validate() runs
 * each table's cross-field check once so the hot path can trust the config.
 *
 * Extending: another module (the DSA work-queue model, replay) declares its
 * own `const struct param_table` with its own config struct and adds one line
 * to the registry array the program passes to params__new(); it then reads
 * its config with params__cfg(). Keys of a table should share its prefix
 * ("wq.", "dsa.", "replay.").
 *
 * Model assumptions: none (pure bookkeeping; no I/O, no globals).
 */
#ifndef SVATRACE_MODEL_PARAMS_H
#define SVATRACE_MODEL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/units.h"

enum param_type {
	PARAM_U64 = 0,	  /* unsigned integer, stored as uint64_t */
	PARAM_U32 = 1,	  /* unsigned integer, stored as uint32_t */
	PARAM_DOUBLE = 2, /* real number, stored as double */
	PARAM_BOOL = 3,	  /* on/off/true/false/1/0/yes/no, stored as uint8_t */
	PARAM_ENUM = 4,	  /* one word of @choices, stored as uint32_t index */
};

/* One parameter. */
struct param_def {
	const char *key;      /* dotted name, unique over all tables */
	enum param_type type; /* storage and parsing */
	const char *unit;     /* "ns", "entries", "bytes", "" ... */
	const char *dflt;     /* default value as text */
	const char *source;   /* citation of the default, or "estimate: why" */
	size_t offset;	      /* offsetof() the field in the table's config struct */
	double min;	      /* smallest accepted value (numbers) */
	double max;	      /* largest accepted value (numbers) */
	const char *choices;  /* PARAM_ENUM: words separated by '|' */
	const char *help;     /* one line: what it means */
};

/* A table of parameters with its config struct. */
struct param_table {
	const char *name;	      /* "model", "replay", "wq" */
	const struct param_def *defs; /* rows */
	size_t nr_defs;		      /* number of rows */
	size_t cfg_bytes;	      /* sizeof the config struct the rows fill */
	/*
	 * Optional cross-field check after every value parsed (e.g. entries
	 * divisible by ways). Return 0, or -EINVAL with a message naming the
	 * key(s) written into err.
	 */
	int (*validate)(const void *cfg, char *err, size_t err_bytes);
};

struct params;

/**
 * params__new() - parameters of @tables, every key at its default.
 * @tables: NULL-terminated array of tables (the program's registry).
 *
 * Return: the object, or NULL with errno (EINVAL if a default does not parse
 * or a key is duplicated: a programming error).
 */
struct params *params__new(const struct param_table *const *tables);

/** params__free() - free; NULL is a no-op. */
void params__free(struct params *p);

/**
 * params__set() - set @key from text.
 * @p: parameters.
 * @key: dotted key.
 * @value: text ("64", "2M", "lru", "on", "1.5e3").
 * @origin: where the value came from ("--set", "profile default.ini:12"); copied.
 * @err: message naming the key on failure.
 *
 * Return: 0, -ENOENT for an unknown key, -EINVAL for a bad value.
 */
int params__set(struct params *p, const char *key, const char *value, const char *origin, char *err,
		size_t err_bytes);

/**
 * params__validate() - run every table's cross-field check.
 * Return: 0 or -EINVAL with @err naming the key.
 */
int params__validate(const struct params *p, char *err, size_t err_bytes);

/**
 * params__cfg() - the config struct of @table (as registered), NULL if the
 * table is not part of @p.
 */
const void *params__cfg(const struct params *p, const struct param_table *table);

/** params__cfg_mut() - writable config of @table (tests, sweeps). */
void *params__cfg_mut(struct params *p, const struct param_table *table);

/**
 * params__foreach() - call @fn for every key in registry order.
 * @fn: gets the definition, the current value as text and where it came from
 *	("default" unless set).
 */
void params__foreach(const struct params *p,
		     void (*fn)(const struct param_def *d, const char *value, const char *origin,
				void *ctx),
		     void *ctx);

struct results_sink;

/**
 * params__store() - hand every key of @p to @sink as a config row (value
 * and origin), in registry order: what a stored run says it was run with.
 * Return: 0, or the first negative errno the sink returned.
 */
int params__store(const struct params *p, const struct results_sink *sink);

/**
 * param_provenance() - the class of a source text: "calibrated" (begins
 * with "calibrated" or "derived": fitted to, or derived from fits to,
 * measurements), "estimated" (begins with "estimate" or "not identified"),
 * else "cited" (a paper, spec, code or measured fact).
 */
const char *param_provenance(const char *source);

/**
 * param_origin_provenance() - the class of a value by where it came from
 * (params__foreach()'s origin, or a stored run's config source): "default"
 * or "builtin" takes @builtin_source's class ("estimated" when NULL: not
 * recorded); "profile PATH: SOURCE" takes SOURCE's, a profile value without
 * a source comment is "estimated"; anything else (--set, a scenario) is "set".
 */
const char *param_origin_provenance(const char *origin, const char *builtin_source);

/** params__find() - definition of @key, NULL if unknown. */
const struct param_def *params__find(const struct params *p, const char *key);

/**
 * params__value_text() - the current value of @key as the program stores it
 * (integers in base units, "on"/"off", the choice's word).
 * Return: 0, or -ENOENT for an unknown key.
 */
int params__value_text(const struct params *p, const char *key, char *buf, size_t bytes);

/**
 * params_def_kind() - how values of @d parse (lib/units.h), from its unit:
 * "bytes" binary sizes; "entries", "descriptors", "records", "requests"
 * binary entry counts of caches and queues; "ns" durations; "x/y" decimal
 * rates; other integers decimal counts; other reals plain numbers.
 */
enum units_kind params_def_kind(const struct param_def *d);

/**
 * params_parse_uint() - parse @text as an integer value of @d: its unit
 * kind, then its bounds. Return: 0, or -EINVAL with @err naming the key.
 */
int params_parse_uint(const struct param_def *d, const char *text, uint64_t *out, char *err,
		      size_t err_bytes);

#endif /* SVATRACE_MODEL_PARAMS_H */
