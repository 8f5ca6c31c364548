// SPDX-License-Identifier: GPL-2.0
/*
 * collect_loop.c - the hot path of bench/collect.sh (and of the --tracepoint
 * test): N getppid() system calls in a tight loop, each firing
 * syscalls:sys_enter_getppid (and raw_syscalls:sys_enter) when traced.
 * Warms up, prints "pid P" and waits for one byte on stdin, so a tracer can
 * attach to exactly this process before the timed loop; then prints
 * "ops N" and "ns_per_op X". The raw syscall() keeps libc from caching or
 * inlining anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WARMUP_OPS 20000	/* untraced: before the tracer attaches */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long nr_ops = argc > 1 ? atol(argv[1]) : 0;
	double t0, t1;
	char go;

	if (nr_ops <= 0 || argc > 3) {
		fprintf(stderr, "usage: collect_loop N [--nowait]\n"
				"  N getppid() calls; without --nowait, waits for a byte on stdin first\n");
		return 2;
	}
	for (long i = 0; i < WARMUP_OPS; i++)
		syscall(SYS_getppid);
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if (argc < 3 && read(0, &go, 1) != 1)
		return 1;
	t0 = now_ns();
	for (long i = 0; i < nr_ops; i++)
		syscall(SYS_getppid);
	t1 = now_ns();
	printf("ops %ld\nns_per_op %.1f\n", nr_ops, (t1 - t0) / (double)nr_ops);
	return 0;
}
