// SPDX-License-Identifier: GPL-2.0
/*
 * collector.c - the live eBPF collector (see collector.h). Order follows
 * libbpf-tools: open -> set read-only config -> disable absent programs ->
 * load -> attach -> poll, with one cleanup path that detaches and frees in
 * reverse order whatever way the run ends.
 *
 * Records go to one ring buffer per CPU (or, with --rings single, to one
 * ring every CPU shares). A small pool of consumer threads each owns the
 * rings of a set of CPUs and merges them by time (collect/rings.h); a lone
 * consumer writes the output itself, several write part files that are
 * merged by time into the output once the probes are detached. A consumer
 * is woken by the BPF side only after a CPU has added a quarter of its
 * ring; otherwise it polls every poll_ms and consumes whatever is there, so
 * the cost per event carries no wakeup. It reads the rings in place rather
 * than through libbpf's ring_buffer, to publish its position once per
 * batch instead of per record.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/collector.h"
#include "collect/perfmon.h"
#include "collect/convert.h"
#include "collect/funcprobe.h"
#include "collect/host.h"
#include "collect/probes.h"
#include "collect/progstats.h"
#include "collect/redact.h"
#include "collect/rings.h"
#include "collect/summary.h"
#include "collect/tpfmt.h"
#include "common/log.h"
#include "trace/fields.h"
#include "trace/trace.h"

#include "svatrace.skel.h"

#define MAX_LINKS (2 * SVT_P_MAX_ + SVT_MAX_UPROBES + SVT_MAX_TRACEPOINTS)
#define FLUSH_EVERY_NS 1000000000ull /* a SIGKILL loses at most ~1 s of records */
/* --max-size checks the file every this many records: a file ends at most
 * this many records (~100 bytes each) past the limit. */
#define SIZE_CHECK_RECORDS 1024
#define TP_WORDS_MAX 16 /* tp_words_0..16 in svatrace.bpf.c */

/*
 * One consumer thread: the rings of the CPUs it serves, its converter and
 * the writer its records go to (the output itself when it is the only
 * consumer, else its own part file, merged into the output at the end).
 */
struct consumer {
	const struct collect_opts *o;  /* the run's options */
	struct rings *rs;	       /* the rings it drains */
	struct trace_writer *w;	       /* where its records go */
	char *part_path;	       /* its part file, NULL when w is the output */
	struct conv *cv;	       /* converter into w */
	int err;		       /* first writer error */
	int *stop;		       /* set by the main thread once the probes are detached */
	struct collect_state *cs;      /* the collection (rotation: meta, lost counters) */
	uint64_t nr_done[SVT_P_MAX_];  /* records per probe in files already rotated */
	unsigned int rotation;	       /* files closed by --max-size so far */
	unsigned int since_size_check; /* records since the file size was last checked */
	pthread_t thread;	       /* running consume_thread() */
	bool started;		       /* thread was created */
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

static void maybe_rotate(struct consumer *c);

/*
 * One record of a ring, in place: converted (conv__rec), no allocation;
 * the converter interns a name only when it changes.
 */
static void on_rec(void *ctx, const void *data, size_t size)
{
	struct consumer *c = ctx;
	int rc = conv__rec(c->cv, data, size);

	if (rc == -EBADMSG) /* a malformed record: skipped */
		return;
	if (rc < 0 && !c->err)
		c->err = rc;
	if (c->o->max_bytes && ++c->since_size_check >= SIZE_CHECK_RECORDS)
		maybe_rotate(c);
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
	json_object_set_new(meta, "buffer_bytes", json_integer((json_int_t)collect_ring_bytes(o)));
	if (o->sample_n > 1) /* readers scale counts by it */
		json_object_set_new(meta, "sample", json_integer((json_int_t)o->sample_n));
	if (o->summary_ms)
		json_object_set_new(meta, "summary_interval_ns",
				    json_integer((json_int_t)(o->summary_ms * 1000000)));
	json_object_set_new(meta, "rings",
			    json_string(o->rings == COLLECT_RINGS_PERCPU ? "percpu" : "single"));
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

/*
 * Read the per-CPU lost counters: write what was lost since the last call
 * (@prev, SVT_P_MAX_ x possible CPUs, updated) into @w, and, with @res, the
 * totals per probe. Return: events lost since the last call.
 */
static uint64_t read_lost(struct svatrace_bpf *skel, uint64_t *prev, struct trace_writer *w,
			  struct collect_result *res)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(skel->maps.lost);
	uint64_t *vals, delta = 0;

	if (ncpu <= 0 || !(vals = calloc((size_t)ncpu, sizeof(*vals))))
		return 0;
	for (uint32_t k = 0; k < SVT_P_MAX_; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int cpu = 0; cpu < ncpu; cpu++) {
			uint64_t *p =
			    prev ? &prev[k * (unsigned int)ncpu + (unsigned int)cpu] : NULL;
			uint64_t d = vals[cpu] - (p ? *p : 0);

			if (res) {
				res->probe[k].nr_lost += vals[cpu];
				res->nr_lost += vals[cpu];
			}
			if (p)
				*p = vals[cpu];
			if (!d)
				continue;
			delta += d;
			if (w)
				trace_writer__add_lost(w, (uint32_t)cpu, probe_def_by_id(k)->name,
						       d);
		}
	}
	free(vals);
	return delta;
}

/*
 * Events the kernel skipped, per probe (progstats.h: a kprobe or classic
 * tracepoint program does not run while this CPU is in another BPF program
 * or a BPF map syscall; Linux 6.7+ counts it): written like read_lost()'s,
 * as lost on no particular CPU, since the last call (@prev, SVT_P_MAX_,
 * updated; NULL: totals). Return: skips since the last call.
 */
static uint64_t read_missed(struct svatrace_bpf *skel, uint64_t *prev, struct trace_writer *w,
			    struct collect_result *res)
{
	uint64_t missed[SVT_P_MAX_], delta = 0;

	if (progstats_missed(skel->obj, missed))
		return 0;
	for (uint32_t k = 0; k < SVT_P_MAX_; k++) {
		uint64_t d = missed[k] - (prev ? prev[k] : 0);

		if (res) {
			res->probe[k].nr_lost += missed[k];
			res->probe[k].nr_missed = missed[k];
			res->nr_lost += missed[k];
			res->nr_missed += missed[k];
		}
		if (prev)
			prev[k] = missed[k];
		if (d && w)
			trace_writer__add_lost(w, TRACE_CPU_ANY, probe_def_by_id(k)->name, d);
		delta += d;
	}
	return delta;
}

/*
 * Each loaded program's kernel counts: with kernel.bpf_stats_enabled=1 its
 * mean run time (bench/collect_summary.sh measures summary mode's cost by
 * it), else only with -v; the verifier's instruction count is how close a
 * program is to the kernel's 1 M limit.
 */
static void log_progstats(struct svatrace_bpf *skel)
{
	struct progstat st[256];
	int n = progstats_read(skel->obj, st, sizeof(st) / sizeof(st[0]));

	for (int i = 0; i < n; i++) {
		if (!st[i].run_cnt) {
			svt_debug("bpf program %s: %u insns verified, %llu skipped", st[i].name,
				  st[i].verified_insns, (unsigned long long)st[i].recursion_misses);
			continue;
		}
		svt_info("bpf program %s: %llu runs, %.1f ns per run, %llu skipped, %u insns "
			 "verified",
			 st[i].name, (unsigned long long)st[i].run_cnt,
			 (double)st[i].run_time_ns / (double)st[i].run_cnt,
			 (unsigned long long)st[i].recursion_misses, st[i].verified_insns);
	}
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
 * The read-only config and the map sizes, before load: the filters, the
 * mode (per-CPU rings, one shared ring, or --summary), the ring sizes and
 * each CPU's wakeup threshold. Return: 0 or the -errno of a map resize.
 */
static int set_config(struct svatrace_bpf *skel, const struct collect_opts *o)
{
	int rc, ncpu;

	skel->rodata->targ_tgid = o->pid;
	skel->rodata->targ_cgid = o->cgroup_id;
	skel->rodata->tp_multi = o->nr_tracepoints > 1;
	/* Each CPU wakes the consumer after its share of a quarter of the ring.
	 * Online, not possible CPUs: hosts declare many more possible CPUs
	 * than they run, and a share too small means a self-IPI every few
	 * KiB of events. */
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	skel->rodata->percpu_rings = o->rings == COLLECT_RINGS_PERCPU && !o->summary_ms;
	skel->rodata->summary_mode = o->summary_ms > 0;
	skel->rodata->sample_n = o->sample_n;
	/* The counters are preallocated per CPU (~550 KiB each at full
	 * size): without --summary they shrink to one unused slot. */
	if (!o->summary_ms && (bpf_map__set_max_entries(skel->maps.sum_arr, 1) ||
			       bpf_map__set_max_entries(skel->maps.sum_hash, 1)))
		svt_debug("cannot shrink the summary maps");
	if (o->summary_ms) /* no records: the rings stay empty at their smallest */
		return bpf_map__set_max_entries(skel->maps.rb, (uint32_t)sysconf(_SC_PAGESIZE));
	if (o->rings == COLLECT_RINGS_PERCPU) {
		/* rb stays unused at its smallest size; rbs gets a slot per
		 * possible CPU, filled with the online CPUs' rings after load. */
		skel->rodata->wakeup_bytes = collect_ring_bytes(o) / 4;
		rc = bpf_map__set_max_entries(skel->maps.rb, (uint32_t)sysconf(_SC_PAGESIZE));
		return rc ? rc
			  : bpf_map__set_max_entries(skel->maps.rbs,
						     (uint32_t)libbpf_num_possible_cpus());
	}
	skel->rodata->wakeup_bytes = collect_ring_bytes(o) / 4 / (uint64_t)(ncpu > 0 ? ncpu : 1);
	return bpf_map__set_max_entries(skel->maps.rb, collect_ring_bytes(o));
}

/*
 * Which programs load: the selected probes' (on the first pass, with
 * @allow_func, decided and reported into @res), their raw_tp twins where
 * the prototype fits, and the tp_words_N programs the --tracepoint layouts
 * @tpf need. Return: true if some fentry program is on.
 */
static bool select_programs(struct svatrace_bpf *skel, const struct collect_opts *o,
			    const struct tpfmt *tpf, struct collect_result *res, bool allow_func)
{
	size_t nr_defs;
	const struct probe_def *defs = probe_defs(&nr_defs);
	bool any_func = false;
	struct bpf_program *prog;

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
	return any_func;
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
	bool any_func;

	skel = svatrace_bpf__open_opts(open_opts);
	if (!skel) {
		*rc = -errno;
		svt_err("cannot open the BPF object: %s", strerror(errno));
		return NULL;
	}
	*rc = set_config(skel, o);
	if (*rc) {
		svt_err("bad buffer size %llu: %s", (unsigned long long)o->buffer_bytes,
			strerror(-*rc));
		goto fail;
	}
	any_func = select_programs(skel, o, tpf, res, allow_func);
	summary_autoload(skel->obj, o->summary_ms > 0 && allow_func); /* its cut is fentry */
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
	struct svatrace_bpf *skel;		     /* loaded BPF object */
	int ring_fd[RINGS_MAX];			     /* per-CPU rings we created */
	unsigned int nr_ring_fds;		     /* entries in ring_fd[] */
	struct bpf_link *links[MAX_LINKS];	     /* attached programs */
	size_t nr_links;			     /* entries in links[] */
	struct trace_writer *w;			     /* output file */
	struct consumer cons[COLLECT_MAX_CONSUMERS]; /* consumer threads */
	unsigned int nr_cons;			     /* entries in cons[] */
	int stop_cons;				     /* tells the consumers to drain and end */
	uint8_t key[REDACT_KEY_BYTES];		     /* address hashing key, shared */
	struct tpfmt *tpf;			     /* record layout per --tracepoint */
	struct summary *sum;			     /* --summary: the counters' reader */
	uint64_t *lost_prev;		  /* lost counters already written, per probe and CPU */
	uint64_t missed_prev[SVT_P_MAX_]; /* skipped runs already written, per probe */
	char *meta_txt;			  /* the meta chunk, for rotated files */
	char *path;			  /* the file being written */
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

/*
 * The online CPUs from /sys/devices/system/cpu/online ("0-3,8,10-11") into
 * @cpus. Return: how many, or -errno.
 */
static int online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int n = 0, a, b;
	char sep;

	if (!f)
		return -errno;
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		sep = (char)fgetc(f);
		if (sep == '-') {
			if (fscanf(f, "%d", &b) != 1)
				break;
			sep = (char)fgetc(f);
		}
		for (int c = a; c <= b && n < max; c++)
			cpus[n++] = c;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n > 0 ? n : -EINVAL;
}

uint32_t collect_ring_bytes(const struct collect_opts *o)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t total = o->buffer_bytes ? o->buffer_bytes : COLLECT_DEFAULT_BUFFER_BYTES;
	uint64_t share = total / (uint64_t)(ncpu > 0 ? ncpu : 1);
	uint64_t bytes = (uint64_t)sysconf(_SC_PAGESIZE);

	if (o->rings != COLLECT_RINGS_PERCPU)
		return (uint32_t)total;
	if (!o->buffer_bytes) /* the default keeps big hosts' rings useful */
		bytes = COLLECT_MIN_RING_BYTES;
	while (bytes * 2 <= share)
		bytes *= 2;
	return (uint32_t)bytes;
}

unsigned int collect_nr_consumers(const struct collect_opts *o, unsigned int nr_cpus)
{
	unsigned int n = o->nr_consumers;

	if (o->rings != COLLECT_RINGS_PERCPU || o->max_bytes)
		return 1; /* rotation closes whole files: one writer */
	if (!n)		  /* one thread keeps up with ~CPUS_PER_CONSUMER busy CPUs */
		n = (nr_cpus + COLLECT_CPUS_PER_CONSUMER - 1) / COLLECT_CPUS_PER_CONSUMER;
	if (n > nr_cpus)
		n = nr_cpus;
	if (n > COLLECT_MAX_CONSUMERS)
		n = COLLECT_MAX_CONSUMERS;
	return n ? n : 1;
}

/*
 * The rings and their consumers: with per-CPU rings, create one ring per
 * online CPU, store it in rbs at the CPU's index, and give the CPUs to the
 * consumers in turn; with the shared ring, one consumer reads rb.
 */
static int open_rings(const struct collect_opts *o, struct collect_state *cs)
{
	int cpus[RINGS_MAX], ncpu = 1, rc;
	uint32_t ring_bytes = collect_ring_bytes(o);

	if (o->rings == COLLECT_RINGS_PERCPU) {
		ncpu = online_cpus(cpus, RINGS_MAX);
		if (ncpu < 0) {
			svt_err("cannot read the online CPUs: %s", strerror(-ncpu));
			return ncpu;
		}
	}
	cs->nr_cons = collect_nr_consumers(o, (unsigned int)ncpu);
	for (unsigned int i = 0; i < cs->nr_cons; i++) {
		cs->cons[i].rs = rings__new();
		if (!cs->cons[i].rs)
			return -errno;
	}
	if (o->rings != COLLECT_RINGS_PERCPU) {
		rc = rings__add(cs->cons[0].rs, bpf_map__fd(cs->skel->maps.rb), ring_bytes);
		goto out;
	}
	for (int i = 0; i < ncpu; i++) {
		char name[16];
		uint32_t key = (uint32_t)cpus[i];
		int fd;

		snprintf(name, sizeof(name), "svt_rb%d", cpus[i]);
		fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, name, 0, 0, ring_bytes, NULL);
		if (fd < 0) {
			rc = -errno;
			goto out;
		}
		cs->ring_fd[cs->nr_ring_fds++] = fd;
		if (bpf_map_update_elem(bpf_map__fd(cs->skel->maps.rbs), &key, &fd, BPF_ANY)) {
			rc = -errno;
			goto out;
		}
		rc = rings__add(cs->cons[(unsigned int)i % cs->nr_cons].rs, fd, ring_bytes);
		if (rc)
			goto out;
	}
	rc = 0;
out:
	if (rc)
		svt_err("cannot set up the ring buffers (%u bytes%s): %s", ring_bytes,
			o->rings == COLLECT_RINGS_PERCPU ? " per CPU" : "", strerror(-rc));
	return rc;
}

/*
 * A trace file written at zstd level 1 (TRACE_WRITER_PACK_LEVEL_FAST), in
 * the time-column layout: the consumer's CPU per event is what limits the
 * event rate without loss, and level 3's smaller files cost more of it
 * than they save here. With the irregular time steps of real events in
 * their own column, zstd finds the rest of each record repeating: 20-25 ns
 * less per event and 8% smaller files (bench/consumer_bench).
 */
static struct trace_writer *open_writer(const char *path, uint32_t flags, const char *meta_txt)
{
	struct trace_writer *w = trace_writer__open(path, TRACE_CLOCK_MONOTONIC, flags, meta_txt);

	if (w) {
		trace_writer__set_pack_level(w, TRACE_WRITER_PACK_LEVEL_FAST);
		trace_writer__set_time_column(w, true);
	}
	return w;
}

/* A converter into @w named like the output's (uprobe names, tracepoint layouts). */
static struct conv *new_conv(const struct collect_opts *o, struct collect_state *cs,
			     struct trace_writer *w)
{
	struct conv *cv = conv__new_key(w, o->keep_addrs, o->device, cs->key);

	if (!cv)
		return NULL;
	for (unsigned int i = 0; i < o->nr_uprobes; i++) {
		char *sym = NULL, name[300];
		int argn;

		if (collect_parse_uprobe(o->uprobes[i], NULL, &sym, &argn) == 0) {
			snprintf(name, sizeof(name), "uprobe:%s", sym);
			conv__set_uprobe_name(cv, i, name);
			free(sym);
		}
	}
	for (unsigned int i = 0; i < o->nr_tracepoints; i++) {
		if (conv__set_tracepoint(cv, i, o->tracepoints[i], &cs->tpf[i])) {
			conv__free(cv);
			errno = ENOMEM;
			return NULL;
		}
	}
	return cv;
}

/*
 * Create the trace file (its meta says what was attached) and a converter
 * per consumer: into the file itself for a lone consumer, else into the
 * consumer's part file "OUT.partN" (merged into OUT by merge_parts()).
 */
static int open_output(const struct collect_opts *o, struct collect_state *cs,
		       const struct collect_result *res)
{
	json_t *meta = build_meta(o, res);
	char *meta_txt = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	uint32_t flags = o->keep_addrs ? TRACE_F_ADDR_KEPT : TRACE_F_ADDR_HASHED;
	int rc = 0;

	json_decref(meta);
	if (!meta_txt)
		return -ENOMEM;
	cs->w = open_writer(o->out_path, flags, meta_txt);
	rc = cs->w ? 0 : -errno;
	cs->meta_txt = meta_txt; /* kept for the files --max-size rotates to */
	if (rc) {
		svt_err("cannot create %s: %s", o->out_path, strerror(-rc));
		return rc;
	}
	cs->path = strdup(o->out_path);
	cs->lost_prev =
	    calloc((size_t)SVT_P_MAX_ * (size_t)libbpf_num_possible_cpus(), sizeof(*cs->lost_prev));
	if (!cs->path || !cs->lost_prev)
		return -ENOMEM;
	if (o->summary_ms) {
		cs->sum = summary__new(bpf_map__fd(cs->skel->maps.sum_arr),
				       bpf_map__fd(cs->skel->maps.sum_hash),
				       &cs->skel->bss->sum_state, cs->skel->progs.fe_summary_cut,
				       cs->w, o->tracepoints, o->nr_tracepoints, now_ns());
		if (cs->sum && !summary__marker_cuts(cs->sum))
			svt_info("trace_marker writes do not cut summary intervals here "
				 "(no fentry on vfs_write, or no tracing_mark_write in kallsyms)");
		return cs->sum ? 0 : -errno;
	}
	if (o->hash_key) /* --hash-key: every part file hashes with the user's key */
		memcpy(cs->key, o->hash_key, REDACT_KEY_BYTES);
	else if (!o->keep_addrs && (rc = redact_key_random(cs->key))) {
		svt_err("cannot draw the address hashing key: %s", strerror(-rc));
		return rc;
	}
	for (unsigned int i = 0; i < cs->nr_cons; i++) {
		struct consumer *c = &cs->cons[i];

		c->o = o;
		c->cs = cs;
		c->stop = &cs->stop_cons;
		c->w = cs->w;
		if (cs->nr_cons > 1) {
			if (asprintf(&c->part_path, "%s.part%u", o->out_path, i) < 0) {
				c->part_path = NULL;
				return -ENOMEM;
			}
			c->w = open_writer(c->part_path, flags, "{}");
			if (!c->w) {
				rc = -errno;
				svt_err("cannot create %s: %s", c->part_path, strerror(errno));
				return rc;
			}
		}
		c->cv = new_conv(o, cs, c->w);
		if (!c->cv)
			return -errno;
	}
	return 0;
}

/* "OUT.N": the name of the file after @n rotations (the first keeps OUT). */
static char *rotated_path(const char *out, unsigned int n)
{
	char *p;

	if (!n)
		return strdup(out);
	return asprintf(&p, "%s.%u", out, n) < 0 ? NULL : p;
}

/*
 * --max-size: close the file (with the losses since the last one and its
 * END chunk: a complete trace), say so in one line, and go on in the next
 * numbered file with the same meta and a fresh converter (string ids are
 * per file; the hashing key is shared, so addresses match across files).
 * Only a lone consumer rotates (collect_nr_consumers()).
 */
static int rotate(struct consumer *c)
{
	struct collect_state *cs = c->cs;
	uint32_t flags = c->o->keep_addrs ? TRACE_F_ADDR_KEPT : TRACE_F_ADDR_HASHED;
	uint64_t nr = trace_writer__nr_records(c->w), lost;
	char *next;
	int rc;

	lost = read_lost(cs->skel, cs->lost_prev, c->w, NULL);
	lost += read_missed(cs->skel, cs->missed_prev, c->w, NULL);
	for (unsigned int i = 0; i < SVT_P_MAX_; i++)
		c->nr_done[i] += conv__nr_records(c->cv, i);
	conv__free(c->cv);
	c->cv = NULL;
	rc = trace_writer__close(c->w);
	c->w = cs->w = NULL;
	if (rc) {
		svt_err("closing %s: %s", cs->path, trace_strerror(rc));
		return rc;
	}
	svt_info("rotated %s: %llu records, %llu lost, complete", cs->path, (unsigned long long)nr,
		 (unsigned long long)lost);
	next = rotated_path(c->o->out_path, ++c->rotation);
	if (!next)
		return -ENOMEM;
	free(cs->path);
	cs->path = next;
	c->w = cs->w = open_writer(cs->path, flags, cs->meta_txt);
	if (!c->w) {
		rc = -errno;
		svt_err("cannot create %s: %s", cs->path, strerror(errno));
		return rc;
	}
	c->cv = new_conv(c->o, cs, c->w);
	return c->cv ? 0 : -errno;
}

/* --max-size: rotate once the file has reached it (checked every SIZE_CHECK_RECORDS). */
static void maybe_rotate(struct consumer *c)
{
	struct stat st;

	c->since_size_check = 0;
	if (c->part_path || c->err)
		return;
	trace_writer__flush(c->w);
	if (!stat(c->cs->path, &st) && (uint64_t)st.st_size >= c->o->max_bytes)
		c->err = rotate(c);
}

/*
 * A consumer thread: drain its rings up to the time it woke (rings.h: the
 * watermark that keeps the merge in time order) until told to stop, then
 * everything left; flush its writer every FLUSH_EVERY_NS.
 */
static void *consume_thread(void *arg)
{
	struct consumer *c = arg;
	uint64_t t_flush = now_ns();

	while (!__atomic_load_n(c->stop, __ATOMIC_ACQUIRE) && !c->err) {
		uint64_t t;
		int n = rings__wait(c->rs, (int)c->o->poll_ms);

		if (n < 0) {
			c->err = n;
			break;
		}
		t = now_ns();
		rings__consume(c->rs, t, on_rec, c);
		if (t - t_flush >= FLUSH_EVERY_NS) {
			trace_writer__flush(c->w);
			t_flush = t;
		}
	}
	/* The probes are detached: whatever is committed now is the last. */
	rings__consume(c->rs, RINGS_ALL, on_rec, c);
	return NULL;
}

/* Map a part file's string id to the output's, interning on first use. */
struct id_map {
	uint32_t *to; /* part id -> output id, 0 = not yet */
	uint32_t nr;  /* slots in to[] */
	int err;      /* first error */
};

static uint32_t remap(struct id_map *m, struct trace_reader *r, struct trace_writer *w, uint32_t id)
{
	if (!id)
		return 0;
	if (id >= m->nr) {
		uint32_t nr = id * 2 + 64;
		uint32_t *to = realloc(m->to, nr * sizeof(*to));

		if (!to) {
			m->err = -ENOMEM;
			return 0;
		}
		memset(to + m->nr, 0, (nr - m->nr) * sizeof(*to));
		m->to = to;
		m->nr = nr;
	}
	if (!m->to[id]) {
		const char *s = trace_reader__string(r, id);

		m->to[id] = s ? trace_writer__intern(w, s) : 0;
	}
	return m->to[id];
}

/* One part in the merge: its reader, its next record (a copy) and its id map. */
struct part {
	struct trace_reader *r;	     /* the part file */
	const struct trace_rec *rec; /* its next record, NULL when done */
	struct id_map ids;	     /* its string ids -> the output's */
	bool short_ok;		     /* written until the disk was full: a prefix is all there is */
};

static int part_next(struct part *p)
{
	int rc = trace_reader__next(p->r, &p->rec);

	if (rc <= 0)
		p->rec = NULL;
	/* a part cut short by a full disk ends where its good prefix ends */
	if (p->short_ok && (rc == TRACE_E_NO_END || rc == TRACE_E_TRUNCATED))
		return 0;
	return rc < 0 ? rc : 0;
}

/* Copy @rec with the output's string ids into @buf and append it. */
static int append_remapped(struct trace_writer *w, struct part *p, void *buf)
{
	struct trace_rec *h = buf;
	size_t nf;
	const struct trace_field *f = trace_rec_fields(p->rec->kind, &nf);

	memcpy(buf, p->rec, p->rec->size_bytes);
	h->comm_id = remap(&p->ids, p->r, w, h->comm_id);
	h->event_id = remap(&p->ids, p->r, w, h->event_id);
	for (size_t i = 0; i < nf; i++) {
		uint32_t id;

		if (f[i].type != TRACE_F_STR || f[i].offset + 4u > h->size_bytes)
			continue;
		memcpy(&id, (char *)buf + f[i].offset, 4);
		id = remap(&p->ids, p->r, w, id);
		memcpy((char *)buf + f[i].offset, &id, 4);
	}
	return p->ids.err ? p->ids.err : trace_writer__append(w, h);
}

/*
 * Merge the consumers' part files into the output by time (each part is in
 * time order: rings.h) and delete them. The cost is one more read and
 * write of every record, paid after the probes are detached.
 */
static int merge_parts(struct collect_state *cs)
{
	struct part parts[COLLECT_MAX_CONSUMERS] = {{0}};
	void *buf = malloc(sizeof(struct trace_rec) + TRACE_GENERIC_MAX_TEXT + 64);
	unsigned int n = cs->nr_cons;
	int rc = buf ? 0 : -ENOMEM;

	for (unsigned int i = 0; i < n && !rc; i++) {
		struct consumer *c = &cs->cons[i];

		rc = trace_writer__close(c->w);
		c->w = NULL;
		if (collect_out_of_space(rc) || collect_out_of_space(c->err)) {
			parts[i].short_ok = true; /* its good prefix is merged */
			rc = 0;
		}
		if (!rc && !(parts[i].r = trace_reader__open(c->part_path, &rc)))
			svt_err("reading back %s: %s", c->part_path, trace_open_errmsg());
		if (!rc)
			rc = part_next(&parts[i]);
	}
	while (!rc) {
		struct part *best = NULL;

		for (unsigned int i = 0; i < n; i++)
			if (parts[i].rec && (!best || parts[i].rec->ts_ns < best->rec->ts_ns))
				best = &parts[i];
		if (!best)
			break;
		rc = append_remapped(cs->w, best, buf);
		if (!rc)
			rc = part_next(best);
	}
	for (unsigned int i = 0; i < n; i++) {
		trace_reader__close(parts[i].r);
		free(parts[i].ids.to);
		if (cs->cons[i].part_path)
			unlink(cs->cons[i].part_path);
	}
	free(buf);
	return rc;
}

/*
 * Events lost so far, all probes and CPUs (--stop-on-loss polls it): the
 * BPF side's running total in the mapped .bss, no map syscall (see
 * lost_total in svatrace.bpf.c), and the runs the kernel skipped.
 */
static uint64_t lost_now(struct svatrace_bpf *skel)
{
	return __atomic_load_n(&skel->bss->lost_total, __ATOMIC_RELAXED) +
	       read_missed(skel, NULL, NULL, NULL);
}

/*
 * Tell o->tick() how far the run is: records converted so far (read while
 * the consumers run: a display figure, exact at the end), events lost.
 */
static void progress(struct collect_state *cs, uint64_t elapsed_ns, const struct collect_opts *o)
{
	struct collect_progress p = {.elapsed_ns = elapsed_ns};

	for (unsigned int c = 0; c < cs->nr_cons; c++)
		for (unsigned int i = 0; i < SVT_P_MAX_; i++)
			p.nr_records += cs->cons[c].nr_done[i] +
					(cs->cons[c].cv ? conv__nr_records(cs->cons[c].cv, i) : 0);
	p.nr_lost = lost_now(cs->skel);
	o->tick(o->tick_ctx, &p);
}

/*
 * --summary: write the counters every summary_ms until *o->stop or the
 * duration; then detach and write the last partial interval.
 */
static int summary_loop(const struct collect_opts *o, struct collect_state *cs,
			struct collect_result *res, uint64_t t_start, uint64_t t_end)
{
	uint64_t t_next = t_start + o->summary_ms * 1000000ull, t;
	int rc = 0;

	while (!rc && !(o->stop && *o->stop)) {
		struct timespec ts = {0, 20 * 1000000L}; /* reaction time to -d and Ctrl-C */

		t = now_ns();
		if (t_end && t >= t_end)
			break;
		if (t >= t_next) {
			rc = summary__tick(cs->sum, t);
			t_next += o->summary_ms * 1000000ull;
			if (t_next <= t) /* late by whole intervals: skip them */
				t_next = t + o->summary_ms * 1000000ull;
			trace_writer__flush(cs->w);
		} else {
			rc = summary__poll(cs->sum, t); /* intervals cut by trace_marker */
		}
		nanosleep(&ts, NULL);
	}
	res->duration_ns = now_ns() - t_start;
	while (cs->nr_links)
		bpf_link__destroy(cs->links[--cs->nr_links]);
	if (!rc)
		rc = summary__tick(cs->sum, now_ns());
	if (rc)
		svt_err("summary of %s: %s", o->out_path,
			rc > -4096 ? strerror(-rc) : trace_strerror(rc));
	for (unsigned int i = 0; i < SVT_P_MAX_; i++)
		res->probe[i].nr_records = summary__nr_events(cs->sum, i);
	res->nr_summary_records = summary__nr_records(cs->sum);
	read_lost(cs->skel, NULL, cs->w, res);
	read_missed(cs->skel, NULL, cs->w, res);
	log_progstats(cs->skel);
	return rc;
}

/*
 * Run the consumers until *o->stop, the duration or a writer error; then
 * detach, let each consumer drain what is left, record the losses and
 * merge the parts.
 */
static int poll_loop(const struct collect_opts *o, struct collect_state *cs,
		     struct collect_result *res)
{
	uint64_t t_start = now_ns(), t_end = 0, t_tick = t_start;
	int rc = 0;

	if (o->duration_ms)
		t_end = t_start + o->duration_ms * 1000000ull;
	if (cs->sum)
		return summary_loop(o, cs, res, t_start, t_end);
	for (unsigned int i = 0; i < cs->nr_cons; i++) {
		rc = -pthread_create(&cs->cons[i].thread, NULL, consume_thread, &cs->cons[i]);
		if (rc) {
			svt_err("cannot start a consumer thread: %s", strerror(-rc));
			break;
		}
		cs->cons[i].started = true;
	}
	while (!rc && !(o->stop && *o->stop)) {
		struct timespec ts = {0, 20 * 1000000L}; /* reaction time to -d and Ctrl-C */
		bool failed = false;

		for (unsigned int i = 0; i < cs->nr_cons; i++)
			failed |= __atomic_load_n(&cs->cons[i].err, __ATOMIC_RELAXED) != 0;
		if (failed || (t_end && now_ns() >= t_end))
			break;
		if (o->stop_on_loss && lost_now(cs->skel) > o->loss_budget) {
			svt_err("stopping: more than %llu events lost (--stop-on-loss)",
				(unsigned long long)o->loss_budget);
			rc = -ECANCELED;
			break;
		}
		nanosleep(&ts, NULL);
		if (o->tick && now_ns() - t_tick >= COLLECT_TICK_NS) {
			t_tick = now_ns();
			progress(cs, t_tick - t_start, o);
		}
	}
	res->duration_ns = now_ns() - t_start;
	/* Detach first so the final drain sees every event the probes produced. */
	while (cs->nr_links)
		bpf_link__destroy(cs->links[--cs->nr_links]);
	__atomic_store_n(&cs->stop_cons, 1, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < cs->nr_cons; i++) {
		if (cs->cons[i].started)
			pthread_join(cs->cons[i].thread, NULL);
		cs->cons[i].started = false;
		if (cs->cons[i].err && !rc) {
			rc = cs->cons[i].err;
			svt_err("writing %s: %s",
				cs->cons[i].part_path ? cs->cons[i].part_path : o->out_path,
				rc == -EINTR ? strerror(-rc) : trace_strerror(rc));
		}
	}
	read_lost(cs->skel, cs->lost_prev, cs->w, res);
	read_missed(cs->skel, cs->missed_prev, cs->w, res);
	log_progstats(cs->skel);
	if ((!rc || collect_out_of_space(rc)) && cs->nr_cons > 1) {
		/* after a full disk too: what the parts kept goes into OUT */
		int mrc = merge_parts(cs);

		if (mrc && !collect_out_of_space(mrc))
			svt_err("merging the consumers' parts into %s: %s", o->out_path,
				trace_strerror(mrc));
		if (mrc && !rc)
			rc = mrc;
	}
	return rc;
}

bool collect_out_of_space(int err)
{
	return err == -ENOSPC || err == -EFBIG || err == -EDQUOT;
}

/*
 * The disk filled (issue 19): the writer cut the torn chunk off and ended
 * the file after its last whole one where END fit. Count what @path kept
 * by reading it back, and say it: records kept and not, bytes, whether the
 * file is complete or a readable prefix.
 */
static void kept_after_full(const char *path, int why, struct collect_result *res)
{
	const struct trace_rec *rec;
	struct trace_reader *r;
	struct stat st;
	uint64_t kept = 0;
	int rc = 0;

	r = trace_reader__open(path, &rc);
	while (r && (rc = trace_reader__next(r, &rec)) > 0)
		kept++;
	res->out_full = true;
	res->out_complete = r && rc == 0;
	res->nr_kept = kept;
	res->out_bytes = stat(path, &st) ? 0 : (uint64_t)st.st_size;
	trace_reader__close(r);
	svt_err("%s writing %s: it keeps %llu of %llu records (%llu bytes, %s); %llu records "
		"were not written",
		strerror(-why), path, (unsigned long long)kept, (unsigned long long)res->nr_records,
		(unsigned long long)res->out_bytes,
		res->out_complete ? "a complete trace ending with END"
				  : "a readable prefix without END",
		(unsigned long long)(res->nr_records > kept ? res->nr_records - kept : 0));
}

/* Per-probe record counts into @res, then free in reverse order; returns @rc or the close error. */
static int cs_close(const struct collect_opts *o, struct collect_state *cs,
		    struct collect_result *res, int rc)
{
	for (unsigned int c = 0; c < cs->nr_cons; c++) {
		struct consumer *k = &cs->cons[c];

		for (size_t i = 0; i < SVT_P_MAX_; i++)
			res->probe[i].nr_records += k->nr_done[i];
		if (!k->cv)
			continue;
		for (size_t i = 0; i < SVT_P_MAX_; i++)
			res->probe[i].nr_records += conv__nr_records(k->cv, (unsigned int)i);
		res->nr_filtered += conv__nr_filtered(k->cv);
	}
	for (size_t i = 0; i < SVT_P_MAX_; i++)
		res->nr_records += res->probe[i].nr_records;
	while (cs->nr_links)
		bpf_link__destroy(cs->links[--cs->nr_links]);
	for (unsigned int c = 0; c < cs->nr_cons; c++) {
		struct consumer *k = &cs->cons[c];

		rings__free(k->rs);
		conv__free(k->cv);
		if (k->part_path) {
			trace_writer__close(k->w); /* a part left by an error */
			unlink(k->part_path);
			free(k->part_path);
		}
	}
	while (cs->nr_ring_fds)
		close(cs->ring_fd[--cs->nr_ring_fds]);
	summary__free(cs->sum);
	svatrace_bpf__destroy(cs->skel);
	if (cs->w) {
		int crc = trace_writer__close(cs->w);

		if (crc && !rc) {
			rc = crc;
			if (!collect_out_of_space(crc))
				svt_err("closing %s: %s", cs->path ? cs->path : o->out_path,
					trace_strerror(crc));
		}
	}
	if (collect_out_of_space(rc))
		kept_after_full(cs->path ? cs->path : o->out_path, rc, res);
	free(cs->tpf);
	free(cs->lost_prev);
	free(cs->meta_txt);
	free(cs->path);
	return rc;
}

int collect_run(const struct collect_opts *o, struct collect_result *res)
{
	struct collect_state cs = {0};
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
	/* The rings exist before any probe fires: with per-CPU rings an
	 * event on a CPU whose slot is still empty would count as lost. */
	rc = o->summary_ms ? 0 : open_rings(o, &cs);
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

void collect_rate_advise(struct collect_rate *r)
{
	double per_s = r->events_per_s;

	r->sample_n = 0;
	if (per_s <= COLLECT_FULL_MAX_PER_S) {
		r->mode = "full";
		snprintf(r->advice, sizeof(r->advice),
			 "%.0f IOMMU/DMA events/s here: full capture keeps up ('svatrace collect')",
			 per_s);
	} else if (per_s <= COLLECT_SAMPLE_MAX_PER_S) {
		r->mode = "sample";
		r->sample_n =
		    (uint32_t)((per_s + COLLECT_FULL_MAX_PER_S - 1) / COLLECT_FULL_MAX_PER_S);
		snprintf(r->advice, sizeof(r->advice),
			 "%.0f IOMMU/DMA events/s here: sample mappings ('svatrace collect "
			 "--sample %u') or count them ('--summary')",
			 per_s, r->sample_n);
	} else {
		r->mode = "summary";
		snprintf(r->advice, sizeof(r->advice),
			 "%.0f IOMMU/DMA events/s here: count them ('svatrace collect --summary'); "
			 "full or sampled capture would cost a noticeable share of the host",
			 per_s);
	}
}

int collect_rate_estimate(const char *btf_path, uint64_t window_ms, struct collect_rate *r)
{
	char path[] = "/tmp/svatrace-rate.XXXXXX";
	struct collect_opts o = {
	    .out_path = path,
	    .duration_ms = window_ms,
	    .summary_ms = window_ms,
	    .poll_ms = COLLECT_DEFAULT_POLL_MS,
	    .btf_path = btf_path,
	    .cmdline = "svatrace doctor (event rate)",
	};
	struct collect_result *res = calloc(1, sizeof(*res));
	enum svt_log_level lvl = svt_log_get_level();
	int fd = mkstemp(path), rc;

	memset(r, 0, sizeof(*r));
	if (fd < 0 || !res) {
		rc = fd < 0 ? -errno : -ENOMEM;
		free(res);
		return rc;
	}
	close(fd);
	svt_log_set_level(SVT_LOG_ERROR); /* doctor reports; only failures show */
	rc = collect_run(&o, res);
	svt_log_set_level(lvl);
	unlink(path);
	if (!rc) {
		r->nr_events = res->nr_records; /* summary mode: events counted */
		r->window_ns = res->duration_ns;
		r->events_per_s =
		    res->duration_ns ? (double)res->nr_records * 1e9 / (double)res->duration_ns : 0;
		collect_rate_advise(r);
	}
	free(res);
	return rc;
}
