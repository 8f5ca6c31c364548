// SPDX-License-Identifier: GPL-2.0
/*
 * workload.c - fork, hold, start and reap the command collected under (see
 * workload.h). The child blocks on a pipe read: one byte means exec, end
 * of file (the collector failed or exited) means _exit(127) without running
 * anything, so a failed capture never runs the workload uncaptured.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/workload.h"

struct workload {
	pid_t pid;	       /* the child */
	int go_fd;	       /* write end of the hold pipe, -1 once started */
	bool reaped;	       /* waitpid() returned it */
	char cgroup[PATH_MAX]; /* the group made for it, "" if none */
};

/* Is @cmd runnable: a path that is executable, or a name found in PATH? */
static bool runnable(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? p : ".", cmd);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

struct workload *workload__new(char *const argv[], char *err, size_t err_len)
{
	struct workload *w;
	int fds[2];

	if (!argv[0] || !runnable(argv[0])) {
		snprintf(err, err_len, "cannot run '%s': %s", argv[0] ? argv[0] : "",
			 strchr(argv[0] ? argv[0] : "", '/') ? strerror(errno)
							     : "command not found in PATH");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w || pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, err_len, "cannot start '%s': %s", argv[0], strerror(errno));
		free(w);
		return NULL;
	}
	w->pid = fork();
	if (w->pid < 0) {
		snprintf(err, err_len, "cannot fork for '%s': %s", argv[0], strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(w);
		return NULL;
	}
	if (w->pid == 0) {
		char go;

		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(127); /* the collector gave up: run nothing */
		execvp(argv[0], argv);
		fprintf(stderr, "svatrace collect: cannot run '%s': %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	w->go_fd = fds[1];
	return w;
}

pid_t workload__pid(const struct workload *w)
{
	return w->pid;
}

/* The cgroup-v2 mount: /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts. */
static int cgroup2_root(char *out, size_t len)
{
	FILE *f = fopen("/proc/mounts", "r");
	char dev[256], dir[1024], type[64];
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%255s %1023s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "cgroup2")) {
			snprintf(out, len, "%s", dir);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

int cgroup_id_of(const char *path, uint64_t *cgid)
{
	struct stat st;

	/* a cgroup-v2 directory's inode number is its kernfs id, the cgroup id */
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*cgid = (uint64_t)st.st_ino;
	return 0;
}

int workload__cgroup(struct workload *w, uint64_t *cgid, char *err, size_t err_len)
{
	char root[1024], procs[PATH_MAX + 32];
	FILE *f;
	int rc = cgroup2_root(root, sizeof(root));

	if (rc) {
		snprintf(err, err_len, "no cgroup2 file system is mounted");
		return rc;
	}
	snprintf(w->cgroup, sizeof(w->cgroup), "%s/svatrace-%d", root, (int)w->pid);
	if (mkdir(w->cgroup, 0755) < 0) {
		rc = -errno;
		snprintf(err, err_len, "cannot make cgroup %s: %s", w->cgroup, strerror(errno));
		w->cgroup[0] = 0;
		return rc;
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", w->cgroup);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "%d\n", (int)w->pid) < 0 || fclose(f) != 0) {
		rc = -errno;
		snprintf(err, err_len, "cannot move the workload into %s: %s", w->cgroup,
			 strerror(errno));
		return rc ? rc : -EIO;
	}
	return cgroup_id_of(w->cgroup, cgid);
}

int workload__start(struct workload *w)
{
	int rc = 0;

	if (w->go_fd < 0)
		return -EALREADY;
	if (write(w->go_fd, "g", 1) != 1)
		rc = -errno;
	close(w->go_fd);
	w->go_fd = -1;
	return rc;
}

int workload__wait(struct workload *w, bool stop, int *status)
{
	pid_t r;

	if (w->go_fd >= 0) { /* never started: let it go away without running */
		close(w->go_fd);
		w->go_fd = -1;
	}
	r = waitpid(w->pid, status, WNOHANG);
	if (r == 0 && stop) {
		kill(w->pid, SIGTERM);
		r = 0;
	}
	while (r == 0 || (r < 0 && errno == EINTR))
		r = waitpid(w->pid, status, 0);
	if (r < 0)
		return -errno;
	w->reaped = true;
	return 0;
}

int workload__exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

void workload__free(struct workload *w)
{
	int status;

	if (!w)
		return;
	if (!w->reaped)
		workload__wait(w, true, &status);
	/* the group is empty once the child and its descendants are gone;
	 * a straggler that outlived it keeps it (rmdir fails, harmless) */
	if (w->cgroup[0])
		rmdir(w->cgroup);
	free(w);
}
