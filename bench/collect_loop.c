// SPDX-License-Identifier: GPL-2.0
/*
 * collect_loop.c - the hot path of bench/collect.sh (and of the --tracepoint
 * test): N system calls in a tight loop, each firing one tracepoint when
 * traced. The default op, getppid(), fires syscalls:sys_enter_getppid (and
 * raw_syscalls:sys_enter); --op prctl calls prctl() with an unknown option,
 * which fails at once with EINVAL after firing task:task_prctl_unknown, an
 * ordinary tracepoint like the IOMMU/DMA ones (a syscall tracepoint instead
 * sends every system call of the task through the slow syscall-entry path).
 * Warms up, prints "pid P" and waits for one byte on stdin, so a tracer can
 * attach to exactly this process before the timed loop; then prints
 * "ops N" and "ns_per_op X". The raw syscall() keeps libc from caching or
 * inlining anything. --rate R paces the loop to R ops per second (checking
 * the clock every PACE_OPS ops; ahead of schedule by more than PACE_SLEEP_NS
 * it sleeps, else it spins), for the bench's loss-onset ladder: a loop that
 * spun whenever it was ahead kept its CPU busy at any rate, so with one
 * loop per CPU the collector's consumer only ran when the scheduler
 * preempted a loop, and the ladder measured that instead of the
 * collector's cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WARMUP_OPS 20000	  /* untraced: before the tracer attaches */
#define PRCTL_UNKNOWN 0x5356540aL /* no such prctl option: "SVT\n" */
#define PACE_OPS 64		  /* ops between clock reads when paced */
#define PACE_SLEEP_NS 20000.0	  /* paced and this far ahead: sleep, not spin */

static double pace_ns; /* --rate: ns per op, 0 = as fast as possible */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Wait until CLOCK_MONOTONIC reaches @until_ns: sleep while far, spin the rest. */
static void pace(double until_ns)
{
	double ahead;

	while ((ahead = until_ns - now_ns()) > 0) {
		if (ahead > PACE_SLEEP_NS) {
			struct timespec ts = {0, (long)(ahead - PACE_SLEEP_NS / 2)};

			if (ts.tv_nsec > 999999999L)
				ts.tv_nsec = 999999999L;
			nanosleep(&ts, NULL);
		}
	}
}

static void run(long nr_ops, int prctl_op)
{
	if (pace_ns > 0) {
		double t0 = now_ns();

		for (long i = 0; i < nr_ops; i++) {
			if (prctl_op)
				syscall(SYS_prctl, PRCTL_UNKNOWN, i, 0L, 0L, 0L);
			else
				syscall(SYS_getppid);
			if (i % PACE_OPS == PACE_OPS - 1)
				pace(t0 + (double)(i + 1) * pace_ns);
		}
		return;
	}
	if (prctl_op)
		for (long i = 0; i < nr_ops; i++)
			syscall(SYS_prctl, PRCTL_UNKNOWN, i, 0L, 0L, 0L);
	else
		for (long i = 0; i < nr_ops; i++)
			syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
	long nr_ops = argc > 1 ? atol(argv[1]) : 0;
	int nowait = 0, prctl_op = 0, bad = nr_ops <= 0;
	double t0, t1;
	char go;

	for (int i = 2; i < argc && !bad; i++) {
		if (!strcmp(argv[i], "--nowait"))
			nowait = 1;
		else if (!strcmp(argv[i], "--op") && i + 1 < argc && !strcmp(argv[i + 1], "prctl"))
			prctl_op = 1, i++;
		else if (!strcmp(argv[i], "--op") && i + 1 < argc &&
			 !strcmp(argv[i + 1], "getppid"))
			i++;
		else if (!strcmp(argv[i], "--rate") && i + 1 < argc && atof(argv[i + 1]) > 0)
			pace_ns = 1e9 / atof(argv[++i]);
		else
			bad = 1;
	}
	if (bad) {
		fprintf(stderr,
			"usage: collect_loop N [--nowait] [--op getppid|prctl] [--rate OPS_PER_S]\n"
			"  N system calls (default getppid; prctl: an unknown option, firing\n"
			"  task:task_prctl_unknown); without --nowait, waits for a byte on stdin "
			"first\n");
		return 2;
	}
	if (pace_ns > 0) /* sleeps end on time, not up to 50 us late */
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	run(WARMUP_OPS, prctl_op);
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if (!nowait && read(0, &go, 1) != 1)
		return 1;
	t0 = now_ns();
	run(nr_ops, prctl_op);
	t1 = now_ns();
	printf("ops %ld\nns_per_op %.1f\n", nr_ops, (t1 - t0) / (double)nr_ops);
	return 0;
}
