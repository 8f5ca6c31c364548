/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload.h - the command `svatrace collect -- COMMAND [ARGS]` runs under
 * capture. It is forked before the BPF object is loaded (so its pid, or a
 * cgroup made for it, can be a load-time filter) and held on a pipe until
 * the probes are attached; then it execs, and its exit ends the capture.
 */
#ifndef SVATRACE_COLLECT_WORKLOAD_H
#define SVATRACE_COLLECT_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct workload;

/**
 * workload__new() - fork @argv[0] (searched in PATH) held before exec.
 * @argv: NULL-terminated command and arguments.
 * @err, @err_len: what went wrong, in words.
 *
 * Return: the workload, or NULL with @err set (command not found or not
 * executable, fork failure).
 */
struct workload *workload__new(char *const argv[], char *err, size_t err_len);

/** workload__pid() - the child's pid (its tgid once it runs COMMAND). */
pid_t workload__pid(const struct workload *w);

/**
 * workload__cgroup() - make a cgroup-v2 group for the child and move it
 * there, so that the child and every process it starts share one cgroup id.
 * @cgid: set to that id (what bpf_get_current_cgroup_id() returns).
 * Return: 0 or -errno (@err says what: no cgroup2 mount, mkdir, move).
 */
int workload__cgroup(struct workload *w, uint64_t *cgid, char *err, size_t err_len);

/** workload__start() - let the child exec COMMAND. Return: 0 or -errno. */
int workload__start(struct workload *w);

/**
 * workload__wait() - the child's end. If it still runs (the capture ended
 * first: -d, Ctrl-C), @stop sends it SIGTERM first.
 * @status: set to its wait status.
 * Return: 0 or -errno.
 */
int workload__wait(struct workload *w, bool stop, int *status);

/**
 * workload__exit_code() - the shell convention for @status: the exit
 * status, or 128 + the signal that ended it.
 */
int workload__exit_code(int status);

/** workload__free() - kill a child never started, remove the cgroup, free. */
void workload__free(struct workload *w);

/** cgroup_id_of() - the id of the cgroup-v2 directory @path. Return: 0 or -errno. */
int cgroup_id_of(const char *path, uint64_t *cgid);

#endif /* SVATRACE_COLLECT_WORKLOAD_H */
