/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host_cpus.h - the traced host's CPU count for host.cpus = 0 (auto).
 */
#ifndef SVATRACE_REPLAY_HOST_CPUS_H
#define SVATRACE_REPLAY_HOST_CPUS_H

#include <stdint.h>

struct replay_source;

/**
 * replay_host_cpus() - the META host snapshot's "cpus", else the highest CPU
 * number of any record + 1 (reads the trace once and rewinds it); at least 1.
 */
uint32_t replay_host_cpus(struct replay_source *src);

#endif /* SVATRACE_REPLAY_HOST_CPUS_H */
