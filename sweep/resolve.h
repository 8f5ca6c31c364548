/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resolve.h - the one rule by which a run's parameters are resolved. It is
 * shared by `svatrace replay`, `svatrace sweep` and the job lines a sweep
 * emits, so a point run by any of them has the same resolved config and
 * hence the same point key:
 *
 *   defaults < profile < scenario overrides < user --set (in order)
 *            < grid values of the point
 *
 * Errors: functions return 0 or a negative errno and write a message that
 * names the offending profile, transform, key or value into the caller's
 * buffer.
 */
#ifndef SVATRACE_SWEEP_RESOLVE_H
#define SVATRACE_SWEEP_RESOLVE_H

#include <stddef.h>

#include "model/params.h"

/* One KEY=VALUE setting with where it came from ("--set", "--grid"). */
struct sweep_setting {
	const char *key;    /* parameter key */
	const char *value;  /* its text */
	const char *origin; /* recorded as the config row's source */
};

/**
 * sweep_resolve() - resolve one run's parameters by the rule above.
 * @p: fresh parameters (params__new() of the registry).
 * @profile: profile name or file, NULL for the built-in defaults.
 * @scenario: scenario spec, NULL or "" for none.
 * @sets: user settings then grid settings, applied in order.
 * @nr_sets: their number.
 * @spec: receives the scenario chain's normalised spec ("" if none).
 * @spec_bytes: size of @spec.
 * @err: message on failure.
 * @err_bytes: size of @err.
 *
 * A scenario override whose key no registered table knows (e.g. wq.mode
 * while the work-queue model is not registered) is skipped with a warning.
 *
 * Return: 0, or -EINVAL/-ENOENT with @err naming the profile, transform,
 * key or cross-field check that failed.
 */
int sweep_resolve(struct params *p, const char *profile, const char *scenario,
		  const struct sweep_setting *sets, size_t nr_sets, char *spec, size_t spec_bytes,
		  char *err, size_t err_bytes);

struct scenario_chain;

/**
 * sweep_resolve_chain() - sweep_resolve(), keeping the scenario chain it
 * builds to read the overrides: *@chain receives it (NULL without a
 * scenario or on failure) for replay_opts.chain, so that a replay builds its
 * chain once. The caller frees it with scenario_chain__free().
 */
int sweep_resolve_chain(struct params *p, const char *profile, const char *scenario,
			const struct sweep_setting *sets, size_t nr_sets,
			struct scenario_chain **chain, char *spec, size_t spec_bytes, char *err,
			size_t err_bytes);

/**
 * sweep_split_setting() - split "KEY=VALUE" into @key (copied) and a pointer
 * to VALUE.
 *
 * Return: 0, or -EINVAL if there is no '=', no key, or the key does not fit.
 */
int sweep_split_setting(const char *kv, char *key, size_t key_bytes, const char **value);

#endif /* SVATRACE_SWEEP_RESOLVE_H */
