// SPDX-License-Identifier: GPL-2.0
/*
 * resolve.c - the one rule by which a run's parameters are resolved, shared
 * by `svatrace replay`, `svatrace sweep` and emitted job lines (see
 * resolve.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "replay/profile.h"
#include "replay/scenario.h"
#include "sweep/resolve.h"

int sweep_split_setting(const char *kv, char *key, size_t key_bytes, const char **value)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv || (size_t)(eq - kv) >= key_bytes)
		return -EINVAL;
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = 0;
	*value = eq + 1;
	return 0;
}

static int null_emit(void *ctx, const struct trace_rec *rec)
{
	(void)ctx;
	(void)rec;
	return 0;
}

static uint32_t null_intern(void *ctx, const char *s)
{
	(void)ctx;
	(void)s;
	return 1;
}

static const char *null_string(void *ctx, uint32_t id)
{
	(void)ctx;
	(void)id;
	return NULL;
}

/*
 * Apply the overrides a scenario asks for; copy its normalised spec to @spec.
 * The chain goes to *@keep when the caller runs it next, else it is freed.
 */
static int apply_scenario(struct params *p, const char *scenario, char *spec, size_t spec_bytes,
			  struct scenario_chain **keep, char *err, size_t err_bytes)
{
	const struct scenario_out out = {null_emit, null_intern, null_string, NULL};
	const char *kv[64];
	struct scenario_chain *c;
	size_t n;
	int rc = 0;

	c = scenario_chain__new(scenario, 0, &out, err, err_bytes);
	if (!c)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	snprintf(spec, spec_bytes, "%s", scenario_chain__spec(c));
	n = scenario_chain__overrides(c, kv, sizeof(kv) / sizeof(kv[0]));
	if (n > sizeof(kv) / sizeof(kv[0]))
		n = sizeof(kv) / sizeof(kv[0]);
	for (size_t i = 0; i < n && !rc; i++) {
		char key[128], origin[160], msg[256];
		const char *value;

		if (sweep_split_setting(kv[i], key, sizeof(key), &value)) {
			snprintf(err, err_bytes, "--scenario %s: bad override '%s'", spec, kv[i]);
			rc = -EINVAL;
			break;
		}
		snprintf(origin, sizeof(origin), "scenario %s", spec);
		rc = params__set(p, key, value, origin, msg, sizeof(msg));
		if (rc == -ENOENT) {
			svt_warn(
			    "scenario %s: no parameter '%s' in this build's model; '%s' ignored",
			    spec, key, kv[i]);
			rc = 0;
		} else if (rc) {
			snprintf(err, err_bytes, "--scenario %s: %s", spec, msg);
		}
	}
	if (keep && !rc)
		*keep = c;
	else
		scenario_chain__free(c);
	return rc;
}

int sweep_resolve(struct params *p, const char *profile, const char *scenario,
		  const struct sweep_setting *sets, size_t nr_sets, char *spec, size_t spec_bytes,
		  char *err, size_t err_bytes)
{
	return sweep_resolve_chain(p, profile, scenario, sets, nr_sets, NULL, spec, spec_bytes, err,
				   err_bytes);
}

int sweep_resolve_chain(struct params *p, const char *profile, const char *scenario,
			const struct sweep_setting *sets, size_t nr_sets,
			struct scenario_chain **chain, char *spec, size_t spec_bytes, char *err,
			size_t err_bytes)
{
	char path[4096], msg[256];
	int rc;

	spec[0] = 0;
	if (chain)
		*chain = NULL;
	if (profile) {
		if (profile_resolve(profile, path, sizeof(path))) {
			snprintf(err, err_bytes,
				 "no profile '%s' (looked for %s.ini in $SVATRACE_PROFILE_DIR, "
				 "PREFIX/share/svatrace/profiles, data/profiles)",
				 profile, profile);
			return -ENOENT;
		}
		rc = profile_load(p, path, err, err_bytes);
		if (rc)
			return rc;
	}
	if (scenario && *scenario) {
		rc = apply_scenario(p, scenario, spec, spec_bytes, chain, err, err_bytes);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < nr_sets && !rc; i++) {
		rc = params__set(p, sets[i].key, sets[i].value, sets[i].origin, msg, sizeof(msg));
		if (rc)
			snprintf(err, err_bytes, "%s %s", sets[i].origin, msg);
	}
	if (!rc)
		rc = params__validate(p, err, err_bytes);
	if (rc && chain) {
		scenario_chain__free(*chain);
		*chain = NULL;
	}
	return rc;
}
