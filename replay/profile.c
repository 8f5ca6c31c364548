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
#include <sys/stat.h>
#include <unistd.h>

#include "replay/profile.h"

#define MAX_SOURCES 512

/* The "; source: ..." comment right above a key (inih drops comments). */
struct key_source {
	char key[128];	  /* section.key */
	char source[256]; /* text after "; source: " */
};

struct load_ctx {
	struct params *p;	/* target */
	const char *path;	/* file, for messages */
	char *err;		/* message buffer */
	size_t err_bytes;	/* its size */
	int rc;			/* first error */
	int lineno;		/* current line (counted by the handler) */
	struct key_source *src; /* comments found by scan_sources() */
	int nr_src;		/* entries of src */
	int long_line;		/* first line libinih cannot read whole (1-based), 0: none */
	size_t long_chars;	/* its length without the newline */
};

/*
 * One read of the file before libinih's: record each key's source comment so
 * `--list-params` shows it, and find the first line longer than libinih
 * reads (INI_MAX_LINE bytes, ini.h, newline and NUL included): libinih
 * parses what does not fit as the next line, so an over-long comment would
 * be reported as a bad line after it. No file: no-op (ini_parse says so).
 */
static void scan_sources(struct load_ctx *c)
{
	char section[64] = "", last[256] = "", key[64], *line = NULL;
	FILE *f = fopen(c->path, "r");
	size_t cap = 0;
	ssize_t n;
	int no = 0;

	if (!f)
		return;
	c->src = calloc(MAX_SOURCES, sizeof(*c->src));
	while ((n = getline(&line, &cap, f)) > 0) {
		no++;
		if ((size_t)n > INI_MAX_LINE - 1) {
			c->long_line = no;
			c->long_chars = (size_t)n - (line[n - 1] == '\n');
			break;
		}
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "; source: ", 10)) {
			snprintf(last, sizeof(last), "%s", line + 10);
		} else if (line[0] == '[') {
			sscanf(line, "[%63[^]]", section);
			*last = 0;
		} else if (*last && c->src && c->nr_src < MAX_SOURCES &&
			   sscanf(line, " %63[a-z_0-9] =", key) == 1) {
			snprintf(c->src[c->nr_src].key, sizeof(c->src[0].key), "%s.%s", section,
				 key);
			snprintf(c->src[c->nr_src].source, sizeof(c->src[0].source), "%s", last);
			c->nr_src++;
			*last = 0;
		}
	}
	free(line);
	fclose(f);
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	char key[128], origin[PATH_MAX + 32], msg[256], val[512];
	const char *hash;
	int rc;

	if (c->rc)
		return 0;
	/*
	 * libinih strips inline "; comments" only; a "# comment" after a
	 * value (after white space, as ';' needs too) is stripped the same way
	 * rather than read as part of the value.
	 */
	for (hash = strchr(value, '#'); hash; hash = strchr(hash + 1, '#'))
		if (hash > value && (hash[-1] == ' ' || hash[-1] == '\t'))
			break;
	if (hash) {
		size_t n = (size_t)(hash - value);

		while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
			n--;
		snprintf(val, sizeof(val), "%.*s", (int)n, value);
		value = val;
	}
	if (*section)
		snprintf(key, sizeof(key), "%s.%s", section, name);
	else
		snprintf(key, sizeof(key), "%s", name);
	snprintf(origin, sizeof(origin), "profile %s", c->path);
	for (int i = 0; i < c->nr_src; i++)
		if (!strcmp(c->src[i].key, key))
			snprintf(origin, sizeof(origin), "profile %.*s: %s", PATH_MAX / 2, c->path,
				 c->src[i].source);
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
	struct load_ctx c = {.p = p, .path = path, .err = err, .err_bytes = err_bytes};
	struct stat st;
	int line;

	/* a folder opens and reads as empty: it would be a profile of nothing */
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		snprintf(err, err_bytes,
			 "%s: is a directory, not a profile file (give the .ini file in it)", path);
		return -EISDIR;
	}
	scan_sources(&c);
	if (c.long_line) {
		free(c.src);
		snprintf(err, err_bytes,
			 "%s:%d: a line of %zu characters; a profile line holds at most %d (split "
			 "it)",
			 path, c.long_line, c.long_chars, INI_MAX_LINE - 2);
		return -EINVAL;
	}
	line = ini_parse(path, on_value, &c);
	free(c.src);

	if (line == -1) {
		snprintf(err, err_bytes, "%s: cannot open profile: %s", path, strerror(errno));
		return -ENOENT;
	}
	if (c.rc)
		return c.rc;
	if (line) {
		snprintf(err, err_bytes, "%s:%d: not a 'key = value' line or [section]", path,
			 line);
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
		/* installed: PREFIX/bin/svatrace -> PREFIX/share/svatrace/profiles (mk/install.mk)
		 */
		if ((slash = strrchr(exe, '/'))) {
			*slash = 0;
			snprintf(buf, bytes, "%s/../share/svatrace/profiles/%s.ini", exe,
				 name_or_path);
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
