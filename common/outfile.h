/* SPDX-License-Identifier: GPL-2.0 */
/*
 * outfile.h - write an output file all or nothing: the data goes to a
 * temporary file in the output's folder (same file system, so the final
 * rename is atomic) and replaces the output only when the caller says it is
 * complete. Until then an existing output is untouched, and a failed or
 * killed writer leaves at most a ".NAME.tmp.XXXXXX" file, never a torn
 * output. The input can be named so that writing over it is refused before
 * anything is opened.
 *
 * Lifecycle:  outfile__begin() -> (caller writes tmp_path) ->
 *             outfile__commit() (rename) or outfile__abort() (unlink).
 */
#ifndef SVATRACE_COMMON_OUTFILE_H
#define SVATRACE_COMMON_OUTFILE_H

struct outfile {
	char *path;	/* final output path */
	char *tmp_path; /* temporary file the caller writes */
};

/**
 * outfile__begin() - create the temporary file for @path.
 * @of: state, filled on success.
 * @path: final output.
 * @in_path: input the output must not be (same file, also through a link
 *	or another name), or NULL.
 *
 * Return: 0; -EEXIST when @path is @in_path; -EISDIR when @path is a
 * directory; -EINVAL when @path exists and is not a regular file (a FIFO,
 * a device: those cannot be replaced by a rename); another -errno when the
 * temporary file cannot be created (e.g. -EACCES for the folder).
 */
int outfile__begin(struct outfile *of, const char *path, const char *in_path);

/** outfile__commit() - rename the temporary file over the output; 0 or -errno. */
int outfile__commit(struct outfile *of);

/** outfile__abort() - remove the temporary file (no-op after commit or on a zeroed @of). */
void outfile__abort(struct outfile *of);

#endif /* SVATRACE_COMMON_OUTFILE_H */
