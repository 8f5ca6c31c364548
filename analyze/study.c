// SPDX-License-Identifier: GPL-2.0
/*
 * study.c - grouping stored runs into studies (see study.h). A run's study
 * key is its input (the trace hash, or "generator G seed S" for a generated
 * trace, whose other parameters become the study's swept keys) plus what
 * produced it (tool version, profile): two runs compare only if all match.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/study.h"

struct src_arg {
	char *buf;  /* receives the profile name */
	size_t len; /* its size */
};

static int profile_cb(void *arg, const char *key, const char *value, const char *source)
{
	struct src_arg *a = arg;
	const char *p, *base, *end;

	(void)key;
	(void)value;
	if (strncmp(source, "profile ", 8))
		return 0;
	p = source + 8;
	end = p + strcspn(p, ": ");
	base = p;
	for (const char *q = p; q < end; q++)
		if (*q == '/')
			base = q + 1;
	if (end - base > 4 && !strncmp(end - 4, ".ini", 4))
		end -= 4;
	snprintf(a->buf, a->len, "%.*s", (int)(end - base), base);
	return 1;
}

static void profile_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".ini"))
		n -= 4;
	snprintf(buf, len, "%.*s", (int)n, base);
}

void study_profile_of(struct store *st, int64_t run, char *buf, size_t len)
{
	struct src_arg a = {buf, len};
	struct store_run r;

	snprintf(buf, len, "built-in defaults");
	if (store__get_run(st, run, &r) == 0) {
		bool named = r.profile && *r.profile;

		if (named)
			profile_name(r.profile, buf, len);
		store_run_clear(&r);
		if (named)
			return;
	}
	store__for_each_config(st, run, profile_cb, &a);
}

/* Input key, display name and description of one run. */
struct run_key {
	char input[256];	   /* trace hash or "gen G seed S" */
	char name[STUDY_NAME_LEN]; /* proposed study name */
	char what[512];		   /* description of the input */
	char profile[256];	   /* profile name */
	json_t *params;		   /* generator params (borrowed from meta), NULL */
	json_t *meta;		   /* parsed trace meta (owned) */
	bool generated;		   /* a generator made the trace */
};

static void base_name(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strcspn(b, ".");
	snprintf(buf, len, "%.*s", (int)(n ? n : strlen(b)), b);
}

static void key_of(struct store *st, const struct store_run *r, struct run_key *k)
{
	json_t *gen;

	memset(k, 0, sizeof(*k));
	study_profile_of(st, r->id, k->profile, sizeof(k->profile));
	k->meta = *r->trace_meta_json ? json_loads(r->trace_meta_json, 0, NULL) : NULL;
	gen = json_is_object(k->meta) ? json_object_get(k->meta, "generator") : NULL;
	if (json_is_string(gen)) {
		json_t *seed = json_object_get(k->meta, "seed");

		k->generated = true;
		k->params = json_object_get(k->meta, "params");
		snprintf(k->input, sizeof(k->input), "gen %s seed %" JSON_INTEGER_FORMAT,
			 json_string_value(gen),
			 json_is_integer(seed) ? json_integer_value(seed) : 0);
		snprintf(k->name, sizeof(k->name), "%s", json_string_value(gen));
		snprintf(k->what, sizeof(k->what),
			 "traces made by the %s generator (seed %" JSON_INTEGER_FORMAT ")",
			 json_string_value(gen),
			 json_is_integer(seed) ? json_integer_value(seed) : 0);
	} else if (*r->trace_hash) {
		json_t *src = json_is_object(k->meta) ? json_object_get(k->meta, "source") : NULL;
		json_t *imp = json_is_object(src) ? json_object_get(src, "importer") : NULL;

		snprintf(k->input, sizeof(k->input), "trace %s", r->trace_hash);
		base_name(*r->trace_path ? r->trace_path : "trace", k->name, sizeof(k->name));
		snprintf(k->what, sizeof(k->what), "trace %s (%" PRIu64 " bytes%s%s)",
			 r->trace_path, r->trace_bytes,
			 json_is_string(imp) ? ", imported from " : "",
			 json_is_string(imp) ? json_string_value(imp) : "");
	} else {
		snprintf(k->input, sizeof(k->input), "synthetic");
		snprintf(k->name, sizeof(k->name), "synthetic");
		snprintf(k->what, sizeof(k->what), "runs without an input trace");
		k->generated = true;
	}
}

/* Generator parameters whose values differ between the study's traces. */
static void swept_params(struct run_key *keys, const size_t *idx, size_t nr, char *buf, size_t len)
{
	const char *k;
	json_t *v;
	size_t used = 0;

	buf[0] = 0;
	if (!nr || !json_is_object(keys[idx[0]].params))
		return;
	json_object_foreach (keys[idx[0]].params, k, v) {
		bool differs = false;

		for (size_t i = 1; i < nr && !differs; i++) {
			json_t *w = json_object_get(keys[idx[i]].params, k);

			differs = !w || !json_equal(v, w);
		}
		if (differs && used < len)
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", k);
	}
}

int study_group(struct store *st, const struct store_run *runs, size_t nr, struct study **out,
		size_t *nr_out)
{
	struct run_key *keys = calloc(nr ? nr : 1, sizeof(*keys));
	size_t *which = calloc(nr ? nr : 1, sizeof(*which));
	struct study *s = calloc(nr ? nr : 1, sizeof(*s));
	size_t ns = 0;
	int rc = 0;

	*out = NULL;
	*nr_out = 0;
	if (!keys || !which || !s) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nr; i++)
		key_of(st, &runs[i], &keys[i]);
	for (size_t i = 0; i < nr; i++) {
		size_t j;

		size_t same_input = SIZE_MAX;

		for (j = 0; j < i; j++) {
			if (strcmp(keys[i].input, keys[j].input))
				continue;
			if (same_input == SIZE_MAX)
				same_input = which[j];
			if (!strcmp(keys[i].profile, keys[j].profile) &&
			    !strcmp(runs[i].profile_hash, runs[j].profile_hash) &&
			    !strcmp(runs[i].model_rev, runs[j].model_rev) &&
			    !strcmp(runs[i].tool_version, runs[j].tool_version))
				break;
		}
		if (j < i) {
			which[i] = which[j];
			continue;
		}
		which[i] = ns;
		snprintf(s[ns].model_rev, sizeof(s[ns].model_rev), "%s",
			 *runs[i].model_rev ? runs[i].model_rev : "unknown");
		snprintf(s[ns].profile_hash, sizeof(s[ns].profile_hash), "%s",
			 runs[i].profile_hash);
		if (same_input != SIZE_MAX)
			snprintf(s[ns].split, sizeof(s[ns].split),
				 "same input as study %s, but made by another %s",
				 s[same_input].name,
				 strcmp(keys[i].profile, s[same_input].profile) ? "profile"
				 : strcmp(runs[i].profile_hash, s[same_input].profile_hash)
				     ? "version of the profile file"
				 : strcmp(runs[i].tool_version, s[same_input].tool_version)
				     ? "svatrace version"
				     : "model revision");
		snprintf(s[ns].input, sizeof(s[ns].input), "%s", keys[i].what);
		snprintf(s[ns].profile, sizeof(s[ns].profile), "%s", keys[i].profile);
		snprintf(s[ns].tool_version, sizeof(s[ns].tool_version), "%s",
			 runs[i].tool_version);
		s[ns].generated = keys[i].generated;
		/* a unique name: a second study on the same input gets "-2" */
		snprintf(s[ns].name, sizeof(s[ns].name), "%s", keys[i].name);
		for (unsigned int n = 2;; n++) {
			bool clash = false;

			for (size_t t = 0; t < ns; t++)
				clash |= !strcmp(s[t].name, s[ns].name);
			if (!clash)
				break;
			snprintf(s[ns].name, sizeof(s[ns].name), "%.50s-%u", keys[i].name, n);
		}
		ns++;
	}
	for (size_t t = 0; t < ns; t++) {
		s[t].idx = calloc(nr, sizeof(*s[t].idx));
		if (!s[t].idx) {
			rc = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < nr; i++)
		s[which[i]].idx[s[which[i]].nr++] = i;
	for (size_t t = 0; t < ns; t++)
		if (s[t].generated)
			swept_params(keys, s[t].idx, s[t].nr, s[t].swept, sizeof(s[t].swept));
	*out = s;
	*nr_out = ns;
	s = NULL;
out:
	for (size_t i = 0; keys && i < nr; i++)
		json_decref(keys[i].meta);
	free(keys);
	free(which);
	study_free(s, ns);
	return rc;
}

void study_free(struct study *s, size_t nr)
{
	if (!s)
		return;
	for (size_t i = 0; i < nr; i++)
		free(s[i].idx);
	free(s);
}
