// SPDX-License-Identifier: GPL-2.0
/*
 * outfile.c - all-or-nothing output files (see outfile.h). The temporary
 * file gets the mode a plain creat(0666) would get under the current umask,
 * so the renamed output looks like one written in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/outfile.h"

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) || stat(b, &sb))
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int outfile__begin(struct outfile *of, const char *path, const char *in_path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dir_len = slash ? (int)(slash - path + 1) : 0;
	struct stat sb;
	mode_t mask;
	int fd, err;

	of->path = of->tmp_path = NULL;
	if (!*base)
		return -EISDIR;
	if (in_path && same_file(path, in_path))
		return -EEXIST;
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return -EISDIR;
		if (!S_ISREG(sb.st_mode))
			return -EINVAL;
	}
	of->path = strdup(path);
	if (!of->path || asprintf(&of->tmp_path, "%.*s.%s.tmp.XXXXXX", dir_len, path, base) < 0) {
		free(of->path);
		of->path = of->tmp_path = NULL;
		return -ENOMEM;
	}
	fd = mkstemp(of->tmp_path);
	if (fd < 0) {
		err = -errno;
		free(of->path);
		free(of->tmp_path);
		of->path = of->tmp_path = NULL;
		return err;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	close(fd);
	return 0;
}

int outfile__commit(struct outfile *of)
{
	int err = 0;

	if (!of->tmp_path)
		return -EINVAL;
	if (rename(of->tmp_path, of->path)) {
		err = -errno;
		unlink(of->tmp_path);
	}
	free(of->path);
	free(of->tmp_path);
	of->path = of->tmp_path = NULL;
	return err;
}

void outfile__abort(struct outfile *of)
{
	if (of->tmp_path)
		unlink(of->tmp_path);
	free(of->path);
	free(of->tmp_path);
	of->path = of->tmp_path = NULL;
}
