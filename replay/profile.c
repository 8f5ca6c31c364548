// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - load calibration profiles with libinih (see profile.h).
 */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "replay/profile.h"

struct load_ctx {
	struct params *p;	/* target */
	const char *path;	/* file, for messages */
	char *err;		/* message buffer */
	size_t err_bytes;	/* its size */
	int rc;			/* first error */
	int lineno;		/* current line (counted by the handler) */
};

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	char key[128], origin[PATH_MAX + 32], msg[256];
	int rc;

	if (c->rc)
		return 0;
	if (*section)
		snprintf(key, sizeof(key), "%s.%s", section, name);
	else
		snprintf(key, sizeof(key), "%s", name);
	snprintf(origin, sizeof(origin), "profile %s", c->path);
	rc = params__set(c->p, key, value, origin, msg, sizeof(msg));
	if (rc) {
		snprintf(c->err, c->err_bytes, "%s: [%s] %s: %s", c->path, section, name, msg);
		c->rc = -EINVAL;
		return 0;
	}
	return 1;
}

int profile_load(struct params *p, const char *path, char *err, size_t err_bytes)
{
	struct load_ctx c = { .p = p, .path = path, .err = err, .err_bytes = err_bytes };
	int line = ini_parse(path, on_value, &c);

	if (line == -1) {
		snprintf(err, err_bytes, "%s: cannot open profile: %s", path, strerror(errno));
		return -ENOENT;
	}
	if (c.rc)
		return c.rc;
	if (line) {
		snprintf(err, err_bytes, "%s:%d: not a 'key = value' line or [section]", path, line);
		return -EINVAL;
	}
	return 0;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int profile_resolve(const char *name_or_path, char *buf, size_t bytes)
{
	const char *env = getenv("SVATRACE_PROFILE_DIR");
	char exe[PATH_MAX];
	ssize_t n;
	size_t l = strlen(name_or_path);

	if (strchr(name_or_path, '/') || (l > 4 && !strcmp(name_or_path + l - 4, ".ini"))) {
		snprintf(buf, bytes, "%s", name_or_path);
		return readable(buf) ? 0 : -ENOENT;
	}
	if (env) {
		snprintf(buf, bytes, "%s/%s.ini", env, name_or_path);
		if (readable(buf))
			return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		/* installed: PREFIX/bin/svatrace -> PREFIX/share/svatrace/profiles (mk/install.mk) */
		if ((slash = strrchr(exe, '/'))) {
			*slash = 0;
			snprintf(buf, bytes, "%s/../share/svatrace/profiles/%s.ini", exe, name_or_path);
			*slash = '/';
			if (readable(buf))
				return 0;
		}
	}
	snprintf(buf, bytes, "data/profiles/%s.ini", name_or_path);
	if (readable(buf))
		return 0;
	if (n > 0) {
		char *slash;

		/* build/svatrace and build/san/svatrace: walk up to the source tree */
		for (int up = 0; up < 3 && (slash = strrchr(exe, '/')); up++) {
			*slash = 0;
			snprintf(buf, bytes, "%s/data/profiles/%s.ini", exe, name_or_path);
			if (readable(buf))
				return 0;
		}
	}
	snprintf(buf, bytes, "%s", name_or_path);
	return -ENOENT;
}
