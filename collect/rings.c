// SPDX-License-Identifier: GPL-2.0
/*
 * rings.c - BPF ring buffers read in place and merged by time (see
 * rings.h). Each ring maps the consumer position page read-write, then the
 * producer position page and the data pages mapped twice in a row, so a
 * record that wraps is contiguous and is handed out without a copy.
 *
 * The merge keeps one cached head per ring and, having picked the ring with
 * the oldest head, hands out that ring's records while they stay older than
 * the second-oldest head: a burst from one CPU costs one comparison per
 * record, not a scan of every ring.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collect/rings.h"

enum head_state { HEAD_EMPTY, HEAD_BUSY, HEAD_READY };

#define BUSY_SPINS 4096 /* pause loops (~10-40 ns each) before giving up on a busy head */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

struct ring {
	size_t page_bytes;	     /* mmap granularity */
	uint64_t mask;		     /* ring bytes - 1 */
	unsigned long *consumer_pos; /* shared with the kernel, written by us */
	unsigned long *producer_pos; /* shared with the kernel, read-only */
	unsigned char *data;	     /* ring data, mapped twice */
	size_t ro_bytes;	     /* length of the read-only mapping */
	unsigned long cons;	     /* next byte to read (this call) */
	unsigned long prod;	     /* producer position last read */
	unsigned long published;     /* consumer position last published */
	const unsigned char *h_rec;  /* HEAD_READY: the head record */
	uint32_t h_bytes;	     /* its size */
	uint64_t h_ts_ns;	     /* its time */
};

struct rings {
	int epoll_fd;	 /* every ring's map fd, edge-triggered */
	unsigned int nr; /* rings in r[] */
	struct ring *r;	 /* RINGS_MAX slots */
};

struct rings *rings__new(void)
{
	struct rings *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->r = calloc(RINGS_MAX, sizeof(*rs->r));
	rs->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (!rs->r || rs->epoll_fd < 0) {
		int err = errno;

		rings__free(rs);
		errno = err;
		return NULL;
	}
	return rs;
}

static void ring_unmap(struct ring *r)
{
	if (r->consumer_pos && r->consumer_pos != MAP_FAILED)
		munmap(r->consumer_pos, r->page_bytes);
	if (r->producer_pos && r->producer_pos != MAP_FAILED)
		munmap(r->producer_pos, r->ro_bytes);
	memset(r, 0, sizeof(*r));
}

void rings__free(struct rings *rs)
{
	if (!rs)
		return;
	for (unsigned int i = 0; rs->r && i < rs->nr; i++)
		ring_unmap(&rs->r[i]);
	if (rs->epoll_fd >= 0)
		close(rs->epoll_fd);
	free(rs->r);
	free(rs);
}

int rings__add(struct rings *rs, int map_fd, uint32_t ring_bytes)
{
	/* Edge-triggered: report the BPF side's wakeups only. Level-triggered
	 * epoll returns at once while any byte waits, so a consumer that keeps
	 * up spins through tiny batches (a syscall and a clock read each). */
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET};
	struct ring *r;
	void *p;
	int err;

	if (rs->nr >= RINGS_MAX)
		return -ENOSPC;
	r = &rs->r[rs->nr];
	r->page_bytes = (size_t)sysconf(_SC_PAGESIZE);
	r->mask = ring_bytes - 1;
	r->ro_bytes = r->page_bytes + 2 * (size_t)ring_bytes;
	p = mmap(NULL, r->page_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->consumer_pos = p;
	p = mmap(NULL, r->ro_bytes, PROT_READ, MAP_SHARED, map_fd, (off_t)r->page_bytes);
	if (p == MAP_FAILED)
		goto fail;
	r->producer_pos = p;
	r->data = (unsigned char *)p + r->page_bytes;
	ev.data.u32 = rs->nr;
	if (epoll_ctl(rs->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev) < 0)
		goto fail;
	rs->nr++;
	return 0;
fail:
	err = -errno;
	ring_unmap(r);
	return err;
}

unsigned int rings__nr(const struct rings *rs)
{
	return rs->nr;
}

int rings__wait(struct rings *rs, int timeout_ms)
{
	struct epoll_event ev[16];

	if (epoll_wait(rs->epoll_fd, ev, 16, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/* Find the ring's head: skip discarded records, stop at one still being written. */
static enum head_state ring_head(struct ring *r)
{
	for (;;) {
		const uint32_t *hdr;
		uint32_t len;

		if (r->cons >= r->prod) {
			r->prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
			if (r->cons >= r->prod)
				return HEAD_EMPTY;
		}
		hdr = (const uint32_t *)(r->data + (r->cons & r->mask));
		len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		/* A record is busy only between a program's reserve and its
		 * submit, a few hundred ns: wait that out rather than end the
		 * merge, which would leave every other ring until the next
		 * wakeup. */
		for (int spin = 0; (len & BPF_RINGBUF_BUSY_BIT) && spin < BUSY_SPINS; spin++) {
			cpu_relax();
			len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		}
		if (len & BPF_RINGBUF_BUSY_BIT)
			return HEAD_BUSY;
		r->h_bytes = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (len & BPF_RINGBUF_DISCARD_BIT) {
			r->cons += (r->h_bytes + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
			continue;
		}
		r->h_rec = (const unsigned char *)hdr + BPF_RINGBUF_HDR_SZ;
		r->h_ts_ns = 0;
		if (r->h_bytes >= sizeof(uint64_t))
			memcpy(&r->h_ts_ns, r->h_rec, sizeof(uint64_t));
		return HEAD_READY;
	}
}

static void ring_publish(struct ring *r)
{
	if (r->cons != r->published) {
		__atomic_store_n(r->consumer_pos, r->cons, __ATOMIC_RELEASE);
		r->published = r->cons;
	}
}

uint64_t rings__consume(struct rings *rs, uint64_t until_ns, rings_fn *fn, void *ctx)
{
	unsigned char state[RINGS_MAX];
	uint64_t nr = 0;

	for (unsigned int i = 0; i < rs->nr; i++) {
		struct ring *r = &rs->r[i];

		r->cons = r->published = *r->consumer_pos;
		r->prod = r->cons; /* ring_head() reads the producer position */
		state[i] = (unsigned char)ring_head(r);
	}
	for (;;) {
		uint64_t best_ts = until_ns, second_ts = until_ns;
		int best = -1;
		struct ring *r;

		for (unsigned int i = 0; i < rs->nr; i++) {
			uint64_t ts = rs->r[i].h_ts_ns;

			/* A record still being written may be older than every
			 * head: nothing can go out before it. */
			if (state[i] == HEAD_BUSY)
				goto out;
			if (state[i] != HEAD_READY)
				continue;
			if (ts < best_ts) {
				second_ts = best_ts;
				best_ts = ts;
				best = (int)i;
			} else if (ts < second_ts) {
				second_ts = ts;
			}
		}
		if (best < 0)
			break;
		r = &rs->r[best];
		do {
			fn(ctx, r->h_rec, r->h_bytes);
			nr++;
			r->cons += (r->h_bytes + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
			if (r->cons - r->published >= RINGS_PUBLISH_BYTES)
				ring_publish(r);
			state[best] = (unsigned char)ring_head(r);
		} while (state[best] == HEAD_READY && r->h_ts_ns <= second_ts &&
			 r->h_ts_ns < until_ns);
	}
out:
	for (unsigned int i = 0; i < rs->nr; i++)
		ring_publish(&rs->r[i]);
	return nr;
}
