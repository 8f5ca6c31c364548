/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rings.h - a set of BPF ring buffers read directly through their mmap (the
 * kernel's ring-buffer ABI, as libbpf does), whose records are handed out in
 * time order across the rings. One consumer thread owns one set: with
 * per-CPU rings, the rings of the CPUs it serves; with the single shared
 * ring, that ring alone.
 *
 * Time order: every record starts with struct svt_rec, whose ts_ns the BPF
 * side takes after bpf_ringbuf_reserve(). So once the consumer has read the
 * clock (the watermark W) and then each ring's producer position, every
 * record stamped before W already has its slot below that position,
 * committed or still busy. rings__consume() merges the rings' heads by
 * ts_ns up to W and stops at a busy head; records at or after W wait for
 * the next call. The exceptions are records that carry an earlier time on
 * purpose (fexit records stamped with their entry time): they come out
 * where their exit put them, as they did with one ring.
 *
 * State: a ring is opened by rings__add() and unmapped by rings__free().
 * The consumer position is published to the kernel every RINGS_PUBLISH_BYTES
 * and when a call ends, not per record: every bpf_ringbuf_reserve() reads
 * it, so publishing per record would move its cache line between the
 * producing and the consuming CPU per event.
 */
#ifndef SVATRACE_COLLECT_RINGS_H
#define SVATRACE_COLLECT_RINGS_H

#include <stddef.h>
#include <stdint.h>

struct rings;

#define RINGS_MAX 1024			/* rings per set */
#define RINGS_PUBLISH_BYTES (64u << 10) /* consumer position published this often */
#define RINGS_ALL UINT64_MAX		/* watermark that drains every committed record */

/* Called for each record (a struct svt_rec and what follows), in time order. */
typedef void rings_fn(void *ctx, const void *rec, size_t size);

/** rings__new() - an empty set. Return: the set, or NULL with errno. */
struct rings *rings__new(void);

/** rings__free() - unmap every ring and free; NULL is a no-op. */
void rings__free(struct rings *rs);

/**
 * rings__add() - map ring buffer @map_fd of @ring_bytes into the set and
 * register it for the BPF side's wakeups.
 * Return: 0, -ENOSPC past RINGS_MAX, or -errno of mmap/epoll.
 */
int rings__add(struct rings *rs, int map_fd, uint32_t ring_bytes);

/** rings__nr() - rings in the set. */
unsigned int rings__nr(const struct rings *rs);

/**
 * rings__wait() - wait up to @timeout_ms for a wakeup from any ring of the
 * set (edge-triggered: the BPF side wakes only after a batch of data).
 * Return: 0 (also on timeout or EINTR) or -errno.
 */
int rings__wait(struct rings *rs, int timeout_ms);

/**
 * rings__consume() - hand every committed record stamped before @until_ns to
 * @fn, merged by ts_ns across the set's rings, and release their space.
 * @until_ns: the watermark, read from CLOCK_MONOTONIC before the call; or
 *	RINGS_ALL once the probes are detached, to drain what is left.
 *
 * Return: records handed to @fn (discarded ones are skipped, not counted).
 */
uint64_t rings__consume(struct rings *rs, uint64_t until_ns, rings_fn *fn, void *ctx);

#endif /* SVATRACE_COLLECT_RINGS_H */
