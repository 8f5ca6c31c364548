// SPDX-License-Identifier: GPL-2.0
/*
 * collector.c - the live eBPF collector (see collector.h). Order follows
 * libbpf-tools: open -> set read-only config -> disable absent programs ->
 * load -> attach -> poll, with one cleanup path that detaches and frees in
 * reverse order whatever way the run ends.
 *
 * The consumer is woken by the BPF side only after each CPU has added an
 * equal share of a quarter of the ring; otherwise it polls every poll_ms and
 * consumes whatever is there, so the cost per event carries no wakeup. It
 * reads the ring itself (struct ring below) rather than through libbpf's
 * ring_buffer, to publish its position once per batch instead of per record.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "collect/collector.h"
#include "collect/perfmon.h"
#include "collect/convert.h"
#include "collect/funcprobe.h"
#include "collect/host.h"
#include "collect/probes.h"
#include "collect/tpfmt.h"
#include "common/log.h"
#include "trace/trace.h"

#include "svatrace.skel.h"

#define MAX_LINKS (2 * SVT_P_MAX_ + SVT_MAX_UPROBES + SVT_MAX_TRACEPOINTS)
#define FLUSH_EVERY_NS 1000000000ull   /* a SIGKILL loses at most ~1 s of records */
#define RING_PUBLISH_BYTES (64u << 10) /* consumer position published this often */
#define TP_WORDS_MAX 16		       /* tp_words_0..16 in svatrace.bpf.c */

struct run {
	struct conv *cv; /* converter into the writer */
	int err;	 /* first writer error */
};

/*
 * The BPF ring buffer, read directly (the kernel's mmap ABI, as libbpf
 * does): the consumer position page read-write, then the producer position
 * page and the data pages, mapped twice in a row so a record that wraps is
 * contiguous. libbpf 1.1 publishes the consumer position after every
 * record; every bpf_ringbuf_reserve() reads it, so that moved one cache line
 * between the producing and the consuming CPU per event.
 */
struct ring {
	int epoll_fd;		     /* the map fd registered for EPOLLIN */
	size_t page_bytes;	     /* mmap granularity */
	uint64_t mask;		     /* ring bytes - 1 */
	unsigned long *consumer_pos; /* shared with the kernel, written by us */
	unsigned long *producer_pos; /* shared with the kernel, read-only */
	unsigned char *data;	     /* ring data, mapped twice */
	size_t ro_bytes;	     /* length of the read-only mapping */
};

/*
 * Why an attach failed, in words: 524 is the kernel-internal ENOTSUPP,
 * which strerror() does not know. For fentry/fexit it means the kernel will
 * not build a trampoline for that function; on x86 before Linux 6.6 that
 * includes functions with more than six arguments (pin_user_pages_remote()
 * on 6.1 has seven).
 */
static const char *attach_strerror(int err, int type)
{
	if (err == 524)
		return type == PROBE_FUNC
			   ? "not supported for this function (ENOTSUPP: no BPF "
			     "trampoline, e.g. more than 6 arguments before Linux 6.6)"
			   : "not supported by this kernel (ENOTSUPP)";
	return strerror(err);
}

static void ring_close(struct ring *r)
{
	if (r->consumer_pos && r->consumer_pos != MAP_FAILED)
		munmap(r->consumer_pos, r->page_bytes);
	if (r->producer_pos && r->producer_pos != MAP_FAILED)
		munmap(r->producer_pos, r->ro_bytes);
	if (r->epoll_fd >= 0)
		close(r->epoll_fd);
	memset(r, 0, sizeof(*r));
	r->epoll_fd = -1;
}

static int ring_open(struct ring *r, int map_fd, uint32_t ring_bytes)
{
	/* Edge-triggered: report the BPF side's wakeups only. Level-triggered
	 * epoll returns at once while any byte waits, so a consumer that keeps
	 * up spins through tiny batches (a syscall and a clock read each). */
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET};
	void *p;
	int err;

	memset(r, 0, sizeof(*r));
	r->epoll_fd = -1;
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
	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epoll_fd < 0 || epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev) < 0)
		goto fail;
	return 0;
fail:
	err = -errno;
	ring_close(r);
	return err;
}

/* Wait up to @timeout_ms for a wakeup from the BPF side. */
static int ring_wait(struct ring *r, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(r->epoll_fd, &ev, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

static int on_event(struct run *run, const void *data, size_t size);

/* Hand every committed record to on_event(); stop at one still being written. */
static void ring_consume(struct ring *r, struct run *run)
{
	unsigned long cons = *r->consumer_pos, published = cons;
	unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);

	while (cons < prod) {
		uint32_t *hdr = (uint32_t *)(r->data + (cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		if (!(len & BPF_RINGBUF_DISCARD_BIT))
			on_event(run, (unsigned char *)hdr + BPF_RINGBUF_HDR_SZ, size);
		cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
		if (cons - published >= RING_PUBLISH_BYTES) {
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
			published = cons;
		}
		if (cons == prod)
			prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
	}
	if (cons != published)
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static char buf[65536]; /* verifier logs arrive as one message */
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	svt_debug("libbpf: %s", buf);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int collect_parse_uprobe(const char *spec, char **path, char **sym, int *argn)
{
	const char *c2 = strrchr(spec, ':'), *c1;
	int n;
	char tail[32];

	if (!c2 || c2 == spec)
		return -EINVAL;
	for (c1 = c2 - 1; c1 > spec && *c1 != ':'; c1--)
		;
	if (c1 <= spec || c1 + 1 == c2)
		return -EINVAL;
	if (sscanf(c2 + 1, "ARG%d=%31s", &n, tail) != 2 &&
	    sscanf(c2 + 1, "arg%d=%31s", &n, tail) != 2)
		return -EINVAL;
	if (n < 1 || n > 5 || strcmp(tail, "dsa-desc"))
		return -EINVAL;
	if (path && !(*path = strndup(spec, (size_t)(c1 - spec))))
		return -ENOMEM;
	if (sym && !(*sym = strndup(c1 + 1, (size_t)(c2 - c1 - 1)))) {
		if (path) {
			free(*path);
			*path = NULL;
		}
		return -ENOMEM;
	}
	*argn = n;
	return 0;
}

static int on_event(struct run *run, const void *data, size_t size)
{
	struct svt_event e;
	int rc;

	if (conv_rec_decode(data, size, &e))
		return 0;
	rc = conv__event(run->cv, &e);
	if (rc < 0 && !run->err)
		run->err = rc;
	return 0;
}

static json_t *build_meta(const struct collect_opts *o, const struct collect_result *res)
{
	json_t *meta = json_object(), *probes = json_array(), *ups = json_array();
	json_t *tps = json_array();
	json_t *host =
	    host_snapshot_flags("/sys", "/proc", o->keep_cmdline ? HOST_KEEP_CMDLINE : 0);
	size_t n;
	const struct probe_def *defs = probe_defs(&n);

	for (size_t i = 0; i < n; i++) {
		const struct collect_probe_result *p = &res->probe[i];

		if (!p->selected)
			continue;
		json_array_append_new(
		    probes,
		    json_pack("{s:s,s:s,s:b,s:s?,s:s?}", "name", defs[i].name, "target",
			      defs[i].target, "attached", p->attached, "skipped", p->why, "via",
			      p->raw			   ? "raw_tp"
			      : defs[i].type == PROBE_FUNC ? probe_via_name(p->via)
							   : NULL));
	}
	for (unsigned int i = 0; i < o->nr_uprobes; i++)
		json_array_append_new(ups, json_string(o->uprobes[i]));
	for (unsigned int i = 0; i < o->nr_tracepoints; i++)
		json_array_append_new(tps, json_string(o->tracepoints[i]));
	json_object_set_new(meta, "tool", json_string("svatrace " SVT_VERSION));
	json_object_set_new(meta, "source", json_pack("{s:s}", "collector", "ebpf"));
	json_object_set_new(meta, "command_line", json_string(o->cmdline ? o->cmdline : ""));
	json_object_set_new(meta, "clock", json_string("monotonic"));
	json_object_set_new(meta, "addresses", json_string(o->keep_addrs ? "kept" : "hashed"));
	json_object_set_new(meta, "buffer_bytes", json_integer((json_int_t)o->buffer_bytes));
	json_object_set_new(meta, "filters",
			    json_pack("{s:i,s:s?,s:I}", "pid", (int)o->pid, "device", o->device,
				      "cgroup_id", (json_int_t)o->cgroup_id));
	if (!o->keep_addrs && o->hash_key_id) {
		/* the id only: the key itself would let anyone reverse the hashes */
		json_object_set_new(meta, "hash_key_id", json_string(o->hash_key_id));
		json_object_set_new(meta, "hash_key",
				    json_string(o->hash_key_user ? "user" : "random"));
	}
	if (o->workload_meta)
		json_object_set_new(meta, "workload", json_loads(o->workload_meta, 0, NULL));
	json_object_set_new(meta, "probes", probes);
	json_object_set_new(meta, "uprobes", ups);
	json_object_set_new(meta, "tracepoints", tps);
	if (host)
		json_object_set_new(meta, "host", host);
	return meta;
}

/* Read the per-CPU lost counters, record them, and sum per probe. */
static void read_lost(struct svatrace_bpf *skel, struct trace_writer *w, struct collect_result *res)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(skel->maps.lost);
	uint64_t *vals;

	if (ncpu <= 0 || !(vals = calloc((size_t)ncpu, sizeof(*vals))))
		return;
	for (uint32_t k = 0; k < SVT_P_MAX_; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int cpu = 0; cpu < ncpu; cpu++) {
			if (!vals[cpu])
				continue;
			res->probe[k].nr_lost += vals[cpu];
			res->nr_lost += vals[cpu];
			if (w)
				trace_writer__add_lost(w, (uint32_t)cpu, probe_def_by_id(k)->name,
						       vals[cpu]);
		}
	}
	free(vals);
}

/*
 * The --tracepoint program for a payload of @payload_bytes: tp_words_N
 * (plain context loads) when the payload is whole 4-byte words, else
 * tp_generic (bpf_probe_read_kernel). See svatrace.bpf.c.
 */
static void tp_prog_name(uint32_t payload_bytes, char *buf, size_t len)
{
	if (payload_bytes % 4 == 0 && payload_bytes / 4 <= TP_WORDS_MAX)
		snprintf(buf, len, "tp_words_%u", payload_bytes / 4);
	else
		snprintf(buf, len, "tp_generic");
}

/*
 * Open the skeleton, disable programs that are not selected or whose target
 * is absent (or, without @allow_func, every fentry program), and load.
 * Returns NULL with *rc set; *rc = -EAGAIN when the load failed but might
 * succeed without the fentry programs.
 */
static struct svatrace_bpf *open_and_load(const struct collect_opts *o,
					  const struct bpf_object_open_opts *open_opts,
					  const struct tpfmt *tpf, struct collect_result *res,
					  bool allow_func, int *rc)
{
	struct svatrace_bpf *skel;
	size_t nr_defs;
	const struct probe_def *defs = probe_defs(&nr_defs);
	bool any_func = false;
	struct bpf_program *prog;
	int ncpu;

	skel = svatrace_bpf__open_opts(open_opts);
	if (!skel) {
		*rc = -errno;
		svt_err("cannot open the BPF object: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->targ_tgid = o->pid;
	skel->rodata->targ_cgid = o->cgroup_id;
	skel->rodata->tp_multi = o->nr_tracepoints > 1;
	/* Each CPU wakes the consumer after its share of a quarter of the ring.
	 * Online, not possible CPUs: hosts declare many more possible CPUs
	 * than they run, and a share too small means a self-IPI every few
	 * KiB of events. */
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	skel->rodata->wakeup_bytes = o->buffer_bytes / 4 / (uint64_t)(ncpu > 0 ? ncpu : 1);
	*rc = bpf_map__set_max_entries(skel->maps.rb, (uint32_t)o->buffer_bytes);
	if (*rc) {
		svt_err("bad buffer size %llu: %s", (unsigned long long)o->buffer_bytes,
			strerror(-*rc));
		goto fail;
	}
	for (size_t i = 0; i < nr_defs; i++) {
		const struct probe_def *d = &defs[i];
		struct collect_probe_result *p = &res->probe[i];
		struct bpf_program *prog = bpf_object__find_program_by_name(skel->obj, d->prog);
		struct bpf_program *rprog =
		    d->ret_prog ? bpf_object__find_program_by_name(skel->obj, d->ret_prog) : NULL;
		bool on;

		if (allow_func) { /* first pass: decide and report once */
			p->selected = d->type == PROBE_UPROBE	 ? o->nr_uprobes > 0
				      : d->type == PROBE_USER_TP ? o->nr_tracepoints > 0
								 : probe_selected(d, o->events);
			if (p->selected) {
				const struct probe_status *st = probe_check(d, o->func_mode);

				p->via = st->via;
				p->why = st->why;
				if (!st->via)
					svt_info("skipping %s: %s", d->name, p->why);
			}
		}
		on = p->selected && !p->why && (allow_func || d->type != PROBE_FUNC);
		any_func |= on && d->type == PROBE_FUNC;
		if (!on || p->via == PROBE_VIA_KPROBE) {
			if (prog)
				bpf_program__set_autoload(prog, false);
			if (rprog)
				bpf_program__set_autoload(rprog, false);
		}
		funcprobe_autoload(skel->obj, d, on && p->via == PROBE_VIA_KPROBE);
		/* raw_tp twin: loaded when the prototype fits; the classic
		 * program stays loaded as the fallback should it not attach. */
		if (d->raw_prog) {
			struct bpf_program *raw =
			    bpf_object__find_program_by_name(skel->obj, d->raw_prog);

			if (allow_func)
				p->raw = on && probe_raw_ok(d);
			if (raw)
				bpf_program__set_autoload(raw, on && p->raw);
		}
	}
	/* --tracepoint: only the tp_words_N programs some option needs (and
	 * tp_generic, the fallback when one of them cannot attach). */
	bpf_object__for_each_program(prog, skel->obj)
	{
		const char *name = bpf_program__name(prog);
		char want[32];
		bool on = false;

		if (strncmp(name, "tp_words_", 9))
			continue;
		for (unsigned int i = 0; i < o->nr_tracepoints && !on; i++) {
			tp_prog_name(tpf[i].payload_bytes, want, sizeof(want));
			on = !strcmp(want, name);
		}
		bpf_program__set_autoload(prog, on);
	}
	*rc = svatrace_bpf__load(skel);
	if (*rc == 0)
		return skel;
	if (any_func) {
		svt_debug("load failed (%s) with fentry programs enabled", strerror(-*rc));
		*rc = -EAGAIN;
	} else {
		svt_err("cannot load the BPF programs: %s%s", strerror(-*rc),
			*rc == -EPERM ? " (needs root or CAP_BPF+CAP_PERFMON; a locked-down kernel "
					"also refuses)"
				      : " (run with -v for the verifier log)");
	}
fail:
	svatrace_bpf__destroy(skel);
	return NULL;
}

/* Everything one collection holds; freed by cs_close() in reverse order. */
struct collect_state {
	struct svatrace_bpf *skel;	   /* loaded BPF object */
	struct ring rb;			   /* the ring buffer, read directly */
	struct bpf_link *links[MAX_LINKS]; /* attached programs */
	size_t nr_links;		   /* entries in links[] */
	struct trace_writer *w;		   /* output file */
	struct run run;			   /* converter and its first error */
	struct tpfmt *tpf;		   /* record layout per --tracepoint */
};

/*
 * Check what can be checked before loading anything: privileges, kernel BTF,
 * every --uprobe spec, every --tracepoint's format (into cs->tpf).
 */
static int check_opts(const struct collect_opts *o, const char *btf, struct collect_state *cs)
{
	const char *why = NULL;
	int rc;

	if (!host_has_bpf_caps(&why)) {
		svt_err("cannot collect: %s", why);
		return -EPERM;
	}
	if (access(btf, R_OK) != 0) {
		svt_err("cannot collect: kernel BTF not found at %s (%s). The collector relocates "
			"its programs against the kernel's BTF (CO-RE): use a kernel built with "
			"CONFIG_DEBUG_INFO_BTF=y, or pass a BTF file with --btf; without BTF, "
			"record with trace-cmd and use 'svatrace import --from trace-dat'",
			btf, strerror(errno));
		return -ENOENT;
	}
	for (unsigned int i = 0; i < o->nr_uprobes; i++) {
		int argn;

		if (collect_parse_uprobe(o->uprobes[i], NULL, NULL, &argn)) {
			svt_err("bad --uprobe '%s': want PATH:SYMBOL:ARGn=dsa-desc (n = 1..5)",
				o->uprobes[i]);
			return -EINVAL;
		}
	}
	if (o->nr_tracepoints) {
		const char *tfs = probe_tracefs_dir();

		cs->tpf = calloc(o->nr_tracepoints, sizeof(*cs->tpf));
		if (!cs->tpf)
			return -ENOMEM;
		for (unsigned int i = 0; i < o->nr_tracepoints; i++) {
			rc = tfs ? tpfmt_load(tfs, o->tracepoints[i], &cs->tpf[i]) : -ENOENT;
			if (rc) {
				svt_err("bad --tracepoint '%s': %s", o->tracepoints[i],
					rc == -EINVAL
					    ? "want SYSTEM:NAME (e.g. syscalls:sys_enter_getppid)"
					: rc == -ENOENT ? "no such tracepoint in this kernel (see "
							  "/sys/kernel/tracing/events)"
							: strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

/* Load the BPF object; a kernel that refuses fentry programs keeps the tracepoints. */
static int load(const struct collect_opts *o, const char *btf, struct collect_state *cs,
		struct collect_result *res)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	size_t nr_defs;
	const struct probe_def *defs = probe_defs(&nr_defs);
	int rc = 0;

	if (strcmp(btf, COLLECT_DEFAULT_BTF))
		open_opts.btf_custom_path = btf;
	cs->skel = open_and_load(o, &open_opts, cs->tpf, res, true, &rc);
	if (!cs->skel && rc == -EAGAIN) {
		/* Some kernels (sandboxes, no BPF trampoline) refuse fentry
		 * programs: keep the tracepoints rather than failing. */
		svt_info("skipping every fentry probe: this kernel refused to load fentry/fexit "
			 "programs (no BPF trampoline support, or a sandbox); tracepoints stay");
		for (size_t i = 0; i < nr_defs; i++)
			if (defs[i].type == PROBE_FUNC && res->probe[i].selected &&
			    !res->probe[i].why)
				res->probe[i].why = "kernel refuses fentry programs";
		cs->skel = open_and_load(o, &open_opts, cs->tpf, res, false, &rc);
	}
	if (!cs->skel)
		return rc ? rc : -EIO; /* never go on without an object */
	return 0;
}

/* Attach the probe table's loaded programs; one that fails is skipped, not fatal. */
static void attach_table(struct collect_state *cs, struct collect_result *res)
{
	size_t nr_defs;
	const struct probe_def *defs = probe_defs(&nr_defs);
	struct bpf_object *obj = cs->skel->obj;

	for (size_t i = 0; i < nr_defs; i++) {
		const struct probe_def *d = &defs[i];
		struct collect_probe_result *p = &res->probe[i];
		struct bpf_program *prog = bpf_object__find_program_by_name(obj, d->prog);
		struct bpf_program *rprog =
		    d->ret_prog ? bpf_object__find_program_by_name(obj, d->ret_prog) : NULL;
		struct bpf_link *l1 = NULL, *l2 = NULL;

		if (d->type == PROBE_UPROBE || d->type == PROBE_USER_TP || !prog ||
		    (!bpf_program__autoload(prog) && p->via != PROBE_VIA_KPROBE) || !p->selected ||
		    p->why)
			continue;
		if (p->raw) {
			l1 =
			    bpf_program__attach(bpf_object__find_program_by_name(obj, d->raw_prog));
			if (!l1) {
				svt_debug(
				    "%s: raw tracepoint attach failed (%s), using the tracepoint",
				    d->name, strerror(errno));
				p->raw = false;
			}
		}
		if (p->via == PROBE_VIA_KPROBE && funcprobe_attach(obj, d, &l1, &l2) == 0)
			goto attached;
		if (!l1 && p->via != PROBE_VIA_KPROBE)
			l1 = bpf_program__attach(prog);
		if (!l1 || (rprog && !(l2 = bpf_program__attach(rprog)))) {
			p->why = "attach failed";
			svt_info("skipping %s: attach failed: %s", d->name,
				 attach_strerror(errno, d->type));
			bpf_link__destroy(l1);
			continue;
		}
	attached:
		cs->links[cs->nr_links++] = l1;
		if (l2)
			cs->links[cs->nr_links++] = l2;
		p->attached = true;
		res->nr_attached++;
	}
}

/* Attach every --uprobe; any failure ends the run (the user asked for it). */
static int attach_uprobes(const struct collect_opts *o, struct collect_state *cs,
			  struct collect_result *res)
{
	for (unsigned int i = 0; i < o->nr_uprobes; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, uo);
		char *path = NULL, *sym = NULL;
		int argn = 0, rc;
		struct bpf_link *l;

		collect_parse_uprobe(o->uprobes[i], &path, &sym, &argn);
		uo.func_name = sym;
		uo.bpf_cookie = (uint64_t)argn | (uint64_t)i << 8;
		l = bpf_program__attach_uprobe_opts(cs->skel->progs.up_dsa_desc,
						    o->pid ? (int)o->pid : -1, path, 0, &uo);
		if (!l) {
			rc = -errno;
			svt_err("cannot attach --uprobe %s: %s (is %s a function in %s?)",
				o->uprobes[i], strerror(errno), sym, path);
			free(path);
			free(sym);
			return rc;
		}
		cs->links[cs->nr_links++] = l;
		free(path);
		free(sym);
	}
	if (o->nr_uprobes) {
		res->probe[SVT_P_UPROBE_DSA].attached = true;
		res->nr_attached++;
	}
	return 0;
}

/* Attach every --tracepoint; any failure ends the run. */
static int attach_tracepoints(const struct collect_opts *o, struct collect_state *cs,
			      struct collect_result *res)
{
	for (unsigned int i = 0; i < o->nr_tracepoints; i++) {
		LIBBPF_OPTS(bpf_tracepoint_opts, to, .bpf_cookie = i);
		const char *spec = o->tracepoints[i], *colon = strchr(spec, ':');
		char sys[128], pname[32];
		struct bpf_link *l;

		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - spec), spec);
		tp_prog_name(cs->tpf[i].payload_bytes, pname, sizeof(pname));
		l = bpf_program__attach_tracepoint_opts(
		    bpf_object__find_program_by_name(cs->skel->obj, pname), sys, colon + 1, &to);
		if (!l && errno == EACCES && strcmp(pname, "tp_generic")) {
			/* the format file and the kernel disagree on the last field */
			svt_debug("--tracepoint %s: %s refused, using tp_generic", spec, pname);
			l = bpf_program__attach_tracepoint_opts(cs->skel->progs.tp_generic, sys,
								colon + 1, &to);
		}
		if (!l) {
			int rc = -errno;

			svt_err("cannot attach --tracepoint %s: %s", spec, strerror(errno));
			return rc;
		}
		cs->links[cs->nr_links++] = l;
	}
	if (o->nr_tracepoints) {
		res->probe[SVT_P_TRACEPOINT].attached = true;
		res->nr_attached++;
	}
	return 0;
}

/* Create the trace file (its meta says what was attached) and the converter into it. */
static int open_output(const struct collect_opts *o, struct collect_state *cs,
		       const struct collect_result *res)
{
	json_t *meta = build_meta(o, res);
	char *meta_txt = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	int rc = 0;

	json_decref(meta);
	if (!meta_txt)
		return -ENOMEM;
	cs->w =
	    trace_writer__open(o->out_path, TRACE_CLOCK_MONOTONIC,
			       o->keep_addrs ? TRACE_F_ADDR_KEPT : TRACE_F_ADDR_HASHED, meta_txt);
	free(meta_txt);
	if (!cs->w) {
		rc = -errno;
		svt_err("cannot create %s: %s", o->out_path, strerror(errno));
		return rc;
	}
	cs->run.cv = conv__new_key(cs->w, o->keep_addrs, o->device, o->hash_key);
	if (!cs->run.cv)
		return -errno;
	for (unsigned int i = 0; i < o->nr_uprobes; i++) {
		char *sym = NULL, name[300];
		int argn;

		if (collect_parse_uprobe(o->uprobes[i], NULL, &sym, &argn) == 0) {
			snprintf(name, sizeof(name), "uprobe:%s", sym);
			conv__set_uprobe_name(cs->run.cv, i, name);
			free(sym);
		}
	}
	for (unsigned int i = 0; i < o->nr_tracepoints; i++) {
		rc = conv__set_tracepoint(cs->run.cv, i, o->tracepoints[i], &cs->tpf[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Tell o->tick() how far the run is: records converted, events lost so far. */
static void progress(struct collect_state *cs, uint64_t elapsed_ns, const struct collect_opts *o)
{
	struct collect_result tmp = {0};
	struct collect_progress p = {.elapsed_ns = elapsed_ns};

	for (unsigned int i = 0; i < SVT_P_MAX_; i++)
		p.nr_records += conv__nr_records(cs->run.cv, i);
	read_lost(cs->skel, NULL, &tmp);
	p.nr_lost = tmp.nr_lost;
	o->tick(o->tick_ctx, &p);
}

/*
 * Drain the ring until *o->stop, the duration or a writer error, flushing
 * the file every FLUSH_EVERY_NS; then detach and drain what is left.
 */
static int poll_loop(const struct collect_opts *o, struct collect_state *cs,
		     struct collect_result *res)
{
	uint64_t t_start = now_ns(), t_end = 0, t_flush = t_start, t_tick = t_start;
	int rc = 0;

	if (o->duration_ms)
		t_end = t_start + o->duration_ms * 1000000ull;
	while (!(o->stop && *o->stop) && !cs->run.err) {
		uint64_t t;
		int n = ring_wait(&cs->rb, (int)o->poll_ms);

		if (n < 0) {
			svt_err("ring buffer poll: %s", strerror(-n));
			rc = n;
			break;
		}
		ring_consume(&cs->rb, &cs->run);
		t = now_ns();
		if (t_end && t >= t_end)
			break;
		if (t - t_flush >= FLUSH_EVERY_NS) {
			trace_writer__flush(cs->w);
			t_flush = t;
		}
		if (o->tick && t - t_tick >= COLLECT_TICK_NS) {
			progress(cs, t - t_start, o);
			t_tick = t;
		}
	}
	res->duration_ns = now_ns() - t_start;
	/* Detach first so the final drain sees every event the probes produced. */
	while (cs->nr_links)
		bpf_link__destroy(cs->links[--cs->nr_links]);
	ring_consume(&cs->rb, &cs->run);
	read_lost(cs->skel, cs->w, res);
	if (cs->run.err && !rc) {
		rc = cs->run.err;
		svt_err("writing %s: %s", o->out_path, trace_strerror(rc));
	}
	return rc;
}

/* Per-probe record counts into @res, then free in reverse order; returns @rc or the close error. */
static int cs_close(const struct collect_opts *o, struct collect_state *cs,
		    struct collect_result *res, int rc)
{
	for (size_t i = 0; i < SVT_P_MAX_; i++) {
		if (cs->run.cv)
			res->probe[i].nr_records = conv__nr_records(cs->run.cv, (unsigned int)i);
		res->nr_records += res->probe[i].nr_records;
	}
	if (cs->run.cv)
		res->nr_filtered = conv__nr_filtered(cs->run.cv);
	ring_close(&cs->rb);
	while (cs->nr_links)
		bpf_link__destroy(cs->links[--cs->nr_links]);
	svatrace_bpf__destroy(cs->skel);
	conv__free(cs->run.cv);
	if (cs->w) {
		int crc = trace_writer__close(cs->w);

		if (crc && !rc) {
			rc = crc;
			svt_err("closing %s: %s", o->out_path, trace_strerror(crc));
		}
	}
	free(cs->tpf);
	return rc;
}

int collect_run(const struct collect_opts *o, struct collect_result *res)
{
	struct collect_state cs = {.rb = {.epoll_fd = -1}};
	struct perfmon *pm;
	const char *btf = o->btf_path ? o->btf_path : COLLECT_DEFAULT_BTF;
	int rc;

	memset(res, 0, sizeof(*res));
	libbpf_set_print(libbpf_log);
	rc = check_opts(o, btf, &cs);
	if (rc) {
		free(cs.tpf);
		return rc;
	}
	rc = load(o, btf, &cs, res);
	if (rc)
		goto out;
	attach_table(&cs, res);
	if ((rc = attach_uprobes(o, &cs, res)) || (rc = attach_tracepoints(o, &cs, res)))
		goto out;
	if (!res->nr_attached) {
		svt_err("no probe could be attached (see 'svatrace doctor')");
		rc = -ENOENT;
		goto out;
	}
	rc = open_output(o, &cs, res);
	if (rc)
		goto out;
	rc = ring_open(&cs.rb, bpf_map__fd(cs.skel->maps.rb),
		       bpf_map__max_entries(cs.skel->maps.rb));
	if (rc) {
		svt_err("cannot set up the ring buffer: %s", strerror(-rc));
		goto out;
	}
	svt_info("collecting from %u probes into %s%s", res->nr_attached, o->out_path,
		 o->duration_ms ? "" : " (Ctrl-C to stop)");
	if (o->ready)
		o->ready(o->ready_ctx);
	pm = perfmon_collect_begin(now_ns()); /* VT-d/DSA counters over the window */
	rc = poll_loop(o, &cs, res);
	perfmon_collect_end(pm, cs.w, now_ns()); /* perfmon:PMU/EVENT records */
out:
	return cs_close(o, &cs, res, rc);
}
