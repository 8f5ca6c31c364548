// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_collect.c - `svatrace collect`: capture IOMMU, DMA, VT-d, I/O page
 * fault, pin and DSA events with eBPF into a trace file, optionally while
 * running a command (`-- COMMAND`, which then decides when it ends), show a
 * live status line on a terminal, then print a summary of counts, losses
 * and the command's exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "collect/collector.h"
#include "collect/probes.h"
#include "collect/progstats.h"
#include "collect/redact.h"
#include "collect/status.h"
#include "collect/workload.h"
#include "common/log.h"
#include "lib/units.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

#define DEFAULT_OUT "svatrace.svt"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace collect [OPTIONS] [-- COMMAND [ARGS...]]\n"
	    "\n"
	    "Attach eBPF programs to every IOMMU / DMA-API / VT-d / I/O page fault /\n"
	    "pin / idxd source this kernel has (DESIGN.md section 3; absent ones are\n"
	    "skipped with one line) and write the events to a trace file. Ends on\n"
	    "Ctrl-C, SIGTERM, -d, or when COMMAND exits; the file is always closed\n"
	    "complete and valid. With COMMAND, svatrace starts it once the probes are\n"
	    "attached and exits with its exit status (128+N if signal N ended it).\n"
	    "Kernel functions are traced with fentry where the kernel allows it, else\n"
	    "with kprobes (same records). On a terminal a status line shows elapsed\n"
	    "time, records, lost events and records/s. Needs root (or CAP_BPF+\n"
	    "CAP_PERFMON) and kernel BTF. See 'svatrace doctor'.\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output FILE       trace file to write (default: " DEFAULT_OUT ");\n"
	    "                          an existing FILE is kept unless --force\n"
	    "  -f, --force             overwrite an existing output file\n"
	    "  -d, --duration SECONDS  stop after this long (default: until Ctrl-C or\n"
	    "                          COMMAND exits; COMMAND gets SIGTERM if it still runs)\n"
	    "  -e, --events LIST       comma-separated globs on probe names or groups\n"
	    "                          (iommu, dma, intel_iommu, qi_wait, iopf, pin, idxd);\n"
	    "                          e.g. 'iommu:map,iommu:unmap,intel_iommu' (default: all)\n"
	    "  -p, --pid PID|workload  only events raised in this process (workload:\n"
	    "                          COMMAND's own process)\n"
	    "      --cgroup DIR|workload\n"
	    "                          only events raised by tasks of this cgroup-v2\n"
	    "                          directory (workload: a cgroup made for COMMAND and\n"
	    "                          every process it starts, removed afterwards)\n"
	    "      --device GLOB       only records of devices matching GLOB (e.g. "
	    "'0000:00:1f.*');\n"
	    "                          records without a device field are kept\n"
	    "      --func-probes MODE  kernel-function probes through auto (fentry, else\n"
	    "                          kprobe), fentry or kprobe (default: auto)\n"
	    "  -b, --buffer-size SIZE  ring buffer bytes in all, K/M suffix, rounded up to a\n"
	    "                          power of two (default: 16M; per-CPU rings share it,\n"
	    "                          at least 1M each)\n"
	    "      --poll-ms MS        consumer polling interval (default: %u)\n"
	    "      --rings percpu|single  one ring buffer per CPU, merged by time\n"
	    "                          (default), or one ring all CPUs share; with percpu\n"
	    "                          each CPU's ring gets its share of --buffer-size\n"
	    "      --consumers N       consumer threads (default: one per 8 CPUs)\n"
	    "      --summary           count events in BPF instead of recording them: one\n"
	    "                          svatrace:summary record per counter and interval\n"
	    "                          (events, size or wait sum, log2 histogram; per probe,\n"
	    "                          device / IOMMU unit, invalidation type, DSA WQ)\n"
	    "      --interval TIME     summary interval, e.g. 1s, 200ms (default: 1s)\n"
	    "      --sample N          keep 1 of N mappings, by a hash of the IOVA page: a\n"
	    "                          kept map's unmap and page invalidations are kept too\n"
	    "                          (the trace's meta records N)\n"
	    "      --max-size SIZE     rotate past SIZE bytes (K/M/G): the file is closed\n"
	    "                          complete and the next one is OUT.1, OUT.2, ... (one\n"
	    "                          line per rotation; one consumer thread)\n"
	    "      --stop-on-loss      end the run (file closed complete, exit 1) as soon as\n"
	    "                          more events are lost than --loss-budget (default 0)\n"
	    "      --loss-budget N     events that may be lost before --stop-on-loss stops\n"
	    "      --keep-phys         keep physical and user addresses (default: replace\n"
	    "                          them by a keyed hash, consistent within the file)\n"
	    "      --hash-key FILE     key of that hash (32 hex digits or 16 bytes), so\n"
	    "                          traces of one host can be joined (default: random\n"
	    "                          per trace); only the key's id is stored\n"
	    "      --keep-cmdline      store the whole kernel command line and COMMAND's\n"
	    "                          arguments (default: only the IOMMU/DMA/PCI kernel\n"
	    "                          options and COMMAND's name)\n"
	    "      --uprobe PATH:SYMBOL:ARGn=dsa-desc\n"
	    "                          record the 64-byte DSA descriptor that argument n of\n"
	    "                          SYMBOL in PATH points to (repeatable, up to %d)\n"
	    "      --tracepoint SYSTEM:NAME\n"
	    "                          also record any tracepoint (repeatable, up to %d) as\n"
	    "                          generic records named SYSTEM:NAME whose text holds the\n"
	    "                          scalar fields of the first 64 payload bytes; 8-byte\n"
	    "                          fields are hashed unless --keep-phys. Add '-e none' to\n"
	    "                          record only these (e.g. to measure the capture cost)\n"
	    "      --btf FILE          kernel BTF for CO-RE (default: %s)\n"
	    "  -l, --list              list the probes, whether they can attach here and how\n"
	    "      --json              with --list: one JSON object per probe\n"
	    "  -v, --verbose           libbpf messages and debug output\n"
	    "  -h, --help              this help\n"
	    "\n"
	    "Examples:\n"
	    "  sudo svatrace collect -o io.svt -d 10 -e iommu,intel_iommu,qi_wait\n"
	    "  sudo svatrace collect -o dd.svt --cgroup workload -- dd if=/dev/nvme0n1 "
	    "of=/dev/null bs=1M count=100 iflag=direct\n"
	    "  sudo svatrace collect -o app.svt --uprobe ./app:submit:ARG1=dsa-desc -- ./app\n"
	    "  sudo svatrace collect -o sc.svt -e none -d 5 --tracepoint "
	    "syscalls:sys_enter_getppid\n",
	    COLLECT_DEFAULT_POLL_MS, SVT_MAX_UPROBES, SVT_MAX_TRACEPOINTS, COLLECT_DEFAULT_BTF);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t p = 4096;

	if (end == s)
		return -EINVAL;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	else if (*end == 'g' || *end == 'G')
		v <<= 30, end++;
	if (*end || v == 0 || v > (1ull << 31))
		return -EINVAL;
	while (p < v)
		p <<= 1;
	*out = p;
	return 0;
}

/* --list --json: one object per probe, the same facts as the table. */
static int list_probes_json(enum probe_func_mode mode)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct probe_status *st = probe_check(&d[i], mode);
		bool user = d[i].type == PROBE_UPROBE || d[i].type == PROBE_USER_TP;

		json_array_append_new(
		    arr, json_pack("{s:s,s:s,s:b,s:s?,s:s?}", "name", d[i].name, "group",
				   d[i].group, "present", !user && st->via, "via",
				   !user && st->via ? probe_via_name(st->via) : NULL, "why",
				   user	     ? (d[i].type == PROBE_UPROBE ? "with --uprobe"
									  : "with --tracepoint")
				   : st->via ? NULL
					     : st->why));
	}
	json_dumpf(arr, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(arr);
	return CLI_OK;
}

static int list_probes(enum probe_func_mode mode, bool as_json)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);

	if (as_json)
		return list_probes_json(mode);
	for (size_t i = 0; i < n; i++) {
		const struct probe_status *st = probe_check(&d[i], mode);

		if (d[i].type == PROBE_UPROBE)
			printf("%-40s %-12s %s\n", d[i].name, d[i].group, "with --uprobe");
		else if (d[i].type == PROBE_USER_TP)
			printf("%-40s %-12s %s\n", d[i].name, d[i].group, "with --tracepoint");
		else if (st->via)
			printf("%-40s %-12s present via %s\n", d[i].name, d[i].group,
			       probe_via_name(st->via));
		else
			printf("%-40s %-12s %s\n", d[i].name, d[i].group, st->why);
	}
	return CLI_OK;
}

/* Everything the command line asks for, beyond what collect_run() takes. */
struct collect_cli {
	struct collect_opts o;
	enum probe_func_mode func_mode;
	const char *pid_arg;	/* --pid: a number or "workload" */
	const char *cgroup_arg; /* --cgroup: a directory or "workload" */
	const char *key_path;	/* --hash-key */
	bool force;		/* --force */
	char **cmd;		/* COMMAND [ARGS], NULL-terminated, or NULL */
	struct workload *wl;	/* COMMAND, held until the probes are attached */
	int wl_status;		/* its wait status */
	bool wl_started;	/* workload__start() succeeded */
	struct collect_status status;
	bool status_drawn; /* a status line is on the terminal */
	uint8_t key[REDACT_KEY_BYTES];
	char key_id[REDACT_KEY_ID_LEN + 1];
	char *workload_meta;
	uint64_t interval_ms; /* --interval, applied after every option */
};

static int parse_number_opt(int c, const char *arg, struct collect_cli *cl)
{
	char *end;

	switch (c) {
	case 'd': {
		double s = strtod(arg, &end);

		if (end == arg || *end || s <= 0)
			return cli_usage_error("collect", "bad duration '%s' (seconds > 0)", arg);
		cl->o.duration_ms = (uint64_t)(s * 1000 + 0.5);
		if (!cl->o.duration_ms)
			cl->o.duration_ms = 1;
		return 0;
	}
	case 'b':
		if (parse_size(arg, &cl->o.buffer_bytes))
			return cli_usage_error("collect", "bad buffer size '%s' (e.g. 64K, 8M)",
					       arg);
		return 0;
	case 'P': {
		long v = strtol(arg, &end, 10);

		if (end == arg || *end || v <= 0 || v > 10000)
			return cli_usage_error("collect", "bad --poll-ms '%s' (1..10000)", arg);
		cl->o.poll_ms = (unsigned int)v;
		return 0;
	}
	}
	return cli_usage_error("collect", "unknown option");
}

static int parse_probe_opt(int c, const char *arg, struct collect_cli *cl)
{
	struct collect_opts *o = &cl->o;

	if (c == 'U') {
		int argn;

		if (o->nr_uprobes >= SVT_MAX_UPROBES)
			return cli_usage_error("collect", "at most %d --uprobe options",
					       SVT_MAX_UPROBES);
		if (collect_parse_uprobe(arg, NULL, NULL, &argn))
			return cli_usage_error("collect",
					       "bad --uprobe '%s': want PATH:SYMBOL:ARGn=dsa-desc "
					       "with n in 1..5",
					       arg);
		o->uprobes[o->nr_uprobes++] = arg;
		return 0;
	}
	if (c == 'T') {
		const char *colon = strchr(arg, ':');

		if (o->nr_tracepoints >= SVT_MAX_TRACEPOINTS)
			return cli_usage_error("collect", "at most %d --tracepoint options",
					       SVT_MAX_TRACEPOINTS);
		if (!colon || colon == arg || !colon[1] || strchr(colon + 1, ':'))
			return cli_usage_error("collect", "bad --tracepoint '%s': want SYSTEM:NAME",
					       arg);
		o->tracepoints[o->nr_tracepoints++] = arg;
		return 0;
	}
	if (probe_func_mode_parse(arg, &cl->func_mode))
		return cli_usage_error("collect",
				       "bad --func-probes '%s': want auto, fentry or "
				       "kprobe",
				       arg);
	o->func_mode = (uint8_t)cl->func_mode;
	return 0;
}

/* The production-rate options: rings, consumers, summary, sampling, rotation, loss. */
static int parse_rate_opt(int c, const char *arg, struct collect_cli *cl)
{
	struct collect_opts *o = &cl->o;
	char *end, err[160];
	long v;

	switch (c) {
	case 0x101: /* --rings */
		if (!strcmp(arg, "percpu"))
			o->rings = COLLECT_RINGS_PERCPU;
		else if (!strcmp(arg, "single"))
			o->rings = COLLECT_RINGS_SINGLE;
		else
			return cli_usage_error("collect", "bad --rings '%s' (percpu, single)", arg);
		return 0;
	case 0x102: /* --consumers */
		v = strtol(arg, &end, 10);
		if (end == arg || *end || v <= 0 || v > COLLECT_MAX_CONSUMERS)
			return cli_usage_error("collect", "bad --consumers '%s' (1..%d)", arg,
					       COLLECT_MAX_CONSUMERS);
		o->nr_consumers = (unsigned int)v;
		return 0;
	case 0x103: /* --summary */
		if (!o->summary_ms)
			o->summary_ms = 1000;
		return 0;
	case 0x104: { /* --interval */
		uint64_t ns;

		if (units_parse_u64(arg, UNITS_NS, &ns, err, sizeof(err)) || ns < 1000000)
			return cli_usage_error("collect",
					       "bad --interval '%s' (a time >= 1ms, e.g. 1s)", arg);
		cl->interval_ms = ns / 1000000;
		return 0;
	}
	case 0x105: /* --sample */
		v = strtol(arg, &end, 10);
		if (end == arg || *end || v <= 0 || v > 1000000)
			return cli_usage_error("collect", "bad --sample '%s' (1..1000000)", arg);
		o->sample_n = (uint32_t)v;
		return 0;
	case 0x106: /* --max-size */
		if (units_parse_u64(arg, UNITS_BYTES, &o->max_bytes, err, sizeof(err)) ||
		    o->max_bytes < 65536)
			return cli_usage_error(
			    "collect", "bad --max-size '%s' (bytes >= 64K, e.g. 512M)", arg);
		return 0;
	case 0x107: /* --stop-on-loss */
		o->stop_on_loss = true;
		return 0;
	case 0x108: /* --loss-budget */
		if (units_parse_u64(arg, UNITS_COUNT, &o->loss_budget, err, sizeof(err)))
			return cli_usage_error("collect", "bad --loss-budget '%s': %s", arg, err);
		o->stop_on_loss = true;
		return 0;
	}
	return cli_usage_error("collect", "unknown option");
}

/* Parse the options; -1 to go on, else the exit status (--list, --help, errors). */
static int parse_args(int argc, char **argv, struct collect_cli *cl)
{
	static const struct option lopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, 'f'},
	    {"duration", required_argument, NULL, 'd'},
	    {"events", required_argument, NULL, 'e'},
	    {"pid", required_argument, NULL, 'p'},
	    {"cgroup", required_argument, NULL, 'C'},
	    {"device", required_argument, NULL, 'D'},
	    {"func-probes", required_argument, NULL, 'F'},
	    {"buffer-size", required_argument, NULL, 'b'},
	    {"poll-ms", required_argument, NULL, 'P'},
	    {"rings", required_argument, NULL, 0x101},
	    {"consumers", required_argument, NULL, 0x102},
	    {"summary", no_argument, NULL, 0x103},
	    {"interval", required_argument, NULL, 0x104},
	    {"sample", required_argument, NULL, 0x105},
	    {"max-size", required_argument, NULL, 0x106},
	    {"stop-on-loss", no_argument, NULL, 0x107},
	    {"loss-budget", required_argument, NULL, 0x108},
	    {"keep-phys", no_argument, NULL, 'K'},
	    {"hash-key", required_argument, NULL, 'H'},
	    {"keep-cmdline", no_argument, NULL, 'L'},
	    {"uprobe", required_argument, NULL, 'U'},
	    {"btf", required_argument, NULL, 'B'},
	    {"tracepoint", required_argument, NULL, 'T'},
	    {"list", no_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool list = false, as_json = false;
	int c, rc;

	/* '+': the first non-option starts COMMAND, whose own options stay its own */
	while ((c = cli_getopt(argc, argv, "+o:fd:e:p:b:lvh", lopts)) != -1) {
		rc = 0;
		switch (c) {
		case 'o':
			cl->o.out_path = optarg;
			break;
		case 'f':
			cl->force = true;
			break;
		case 'e':
			cl->o.events = optarg;
			break;
		case 'p':
			cl->pid_arg = optarg;
			break;
		case 'C':
			cl->cgroup_arg = optarg;
			break;
		case 'D':
			cl->o.device = optarg;
			break;
		case 'K':
			cl->o.keep_addrs = true;
			break;
		case 'H':
			cl->key_path = optarg;
			break;
		case 'L':
			cl->o.keep_cmdline = true;
			break;
		case 'B':
			cl->o.btf_path = optarg;
			break;
		case 'd':
		case 'b':
		case 'P':
			rc = parse_number_opt(c, optarg, cl);
			break;
		case 'U':
		case 'T':
		case 'F':
			rc = parse_probe_opt(c, optarg, cl);
			break;
		case 0x101 ... 0x108:
			rc = parse_rate_opt(c, optarg, cl);
			break;
		case 'l':
			list = true;
			break;
		case 'j':
			as_json = true;
			break;
		case 'v':
			svt_log_set_level(SVT_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("collect", "unknown option");
		}
		if (rc)
			return rc;
	}
	if (cl->interval_ms && !cl->o.summary_ms)
		return cli_usage_error("collect", "--interval goes with --summary");
	if (cl->interval_ms)
		cl->o.summary_ms = cl->interval_ms;
	if (list)
		return list_probes(cl->func_mode, as_json);
	if (optind < argc)
		cl->cmd = &argv[optind];
	return -1;
}

/*
 * The output must not exist (unless --force) and its folder must be
 * writable: found now, not after every probe is attached.
 */
static int check_output(const struct collect_cli *cl)
{
	char dir[4096];
	struct stat st;

	if (!cl->force && lstat(cl->o.out_path, &st) == 0)
		return cli_error("collect",
				 "%s exists: not overwriting it (use --force, or another -o)",
				 cl->o.out_path);
	if (lstat(cl->o.out_path, &st) == 0 && !S_ISREG(st.st_mode))
		return cli_error("collect", "%s: not a regular file: cannot replace it",
				 cl->o.out_path);
	snprintf(dir, sizeof(dir), "%s", cl->o.out_path);
	if (access(dirname(dir), W_OK) != 0)
		return cli_error("collect", "%s: cannot create: folder %s: %s", cl->o.out_path, dir,
				 strerror(errno));
	return 0;
}

/* The address-hash key: --hash-key FILE or a fresh random one; only its id is stored. */
static int prepare_key(struct collect_cli *cl)
{
	char kerr[512];

	if (cl->key_path && cl->o.keep_addrs)
		return cli_usage_error("collect", "--hash-key and --keep-phys exclude each other");
	if (cl->o.keep_addrs)
		return 0;
	if (cl->key_path ? redact_key_load(cl->key_path, cl->key, kerr, sizeof(kerr))
			 : redact_key_random(cl->key)) {
		if (!cl->key_path)
			snprintf(kerr, sizeof(kerr), "no random source for the hash key");
		return cli_error("collect", "%s", kerr);
	}
	redact_key_id(cl->key, cl->key_id);
	cl->o.hash_key = cl->key;
	cl->o.hash_key_id = cl->key_id;
	cl->o.hash_key_user = cl->key_path != NULL;
	return 0;
}

/* What the meta says of COMMAND: its name; its arguments only with --keep-cmdline. */
static char *workload_meta(const struct collect_cli *cl)
{
	json_t *m = json_object(), *args = json_array();
	char *s, *name = strdup(cl->cmd[0]);
	size_t n = 0;

	for (char **a = cl->cmd; *a; a++, n++)
		if (cl->o.keep_cmdline)
			json_array_append_new(args, json_string(*a));
	json_object_set_new(m, "command", json_string(name ? basename(name) : "?"));
	json_object_set_new(m, "nr_args", json_integer((json_int_t)n - 1));
	if (cl->o.keep_cmdline)
		json_object_set_new(m, "argv", args);
	else
		json_decref(args);
	s = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	free(name);
	return s;
}

/* The PID / cgroup filters, COMMAND forked and held; 0 or the exit status. */
static int prepare_filters(struct collect_cli *cl)
{
	char err[512];
	bool want_wl = (cl->pid_arg && !strcmp(cl->pid_arg, "workload")) ||
		       (cl->cgroup_arg && !strcmp(cl->cgroup_arg, "workload"));

	if (want_wl && !cl->cmd)
		return cli_usage_error("collect", "'workload' filters need a command after --");
	if (cl->pid_arg && strcmp(cl->pid_arg, "workload")) {
		char *end;
		long v = strtol(cl->pid_arg, &end, 10);

		if (end == cl->pid_arg || *end || v <= 0 || v > INT32_MAX)
			return cli_usage_error("collect", "bad pid '%s'", cl->pid_arg);
		cl->o.pid = (uint32_t)v;
	}
	if (cl->cgroup_arg && strcmp(cl->cgroup_arg, "workload")) {
		int rc = cgroup_id_of(cl->cgroup_arg, &cl->o.cgroup_id);

		if (rc)
			return cli_error("collect", "--cgroup %s: %s (want a cgroup-v2 directory)",
					 cl->cgroup_arg, strerror(-rc));
	}
	if (!cl->cmd)
		return 0;
	cl->wl = workload__new(cl->cmd, err, sizeof(err));
	if (!cl->wl)
		return cli_error("collect", "%s", err);
	if (cl->pid_arg && !strcmp(cl->pid_arg, "workload"))
		cl->o.pid = (uint32_t)workload__pid(cl->wl);
	if (cl->cgroup_arg && !strcmp(cl->cgroup_arg, "workload") &&
	    workload__cgroup(cl->wl, &cl->o.cgroup_id, err, sizeof(err)))
		return cli_error("collect", "--cgroup workload: %s", err);
	cl->workload_meta = workload_meta(cl);
	cl->o.workload_meta = cl->workload_meta;
	return 0;
}

/* Probes attached: let COMMAND run. */
static void on_ready(void *ctx)
{
	struct collect_cli *cl = ctx;

	if (cl->wl && workload__start(cl->wl) == 0)
		cl->wl_started = true;
}

static void on_tick(void *ctx, const struct collect_progress *p)
{
	struct collect_cli *cl = ctx;
	char line[160];

	collect_status_line(&cl->status, p, line, sizeof(line));
	fprintf(stderr, "\r%s\033[K", line);
	cl->status_drawn = true;
}

static void summary(const struct collect_result *res)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);

	fprintf(stderr, "%-40s %12s %10s  %s\n", "probe", "records", "lost", "via");
	for (size_t i = 0; i < n; i++) {
		const struct collect_probe_result *p = &res->probe[i];

		if (!p->attached)
			continue;
		fprintf(stderr, "%-40s %12llu %10llu  %s\n", d[i].name,
			(unsigned long long)p->nr_records, (unsigned long long)p->nr_lost,
			p->raw ? "raw_tp" : probe_via_name(p->via));
	}
	fprintf(stderr, "total: %llu records, %llu lost, %u probes attached, %.1f s",
		(unsigned long long)res->nr_records, (unsigned long long)res->nr_lost,
		res->nr_attached, (double)res->duration_ns / 1e9);
	if (res->nr_filtered)
		fprintf(stderr, ", %llu filtered by --device",
			(unsigned long long)res->nr_filtered);
	fputc('\n', stderr);
	if (res->out_full)
		fprintf(stderr,
			"disk full: %llu of the %llu records are in the file (%llu bytes, %s), "
			"%llu were not written\n",
			(unsigned long long)res->nr_kept, (unsigned long long)res->nr_records,
			(unsigned long long)res->out_bytes,
			res->out_complete ? "complete" : "a readable prefix",
			(unsigned long long)(res->nr_records > res->nr_kept
						 ? res->nr_records - res->nr_kept
						 : 0));
	if (res->nr_summary_records)
		fprintf(stderr,
			"summary mode: the counts are events counted in BPF, written as %llu "
			"svatrace:summary records\n",
			(unsigned long long)res->nr_summary_records);
	if (res->nr_lost > res->nr_missed)
		fprintf(stderr,
			"warning: %llu events lost (ring buffer full): use a larger "
			"--buffer-size or a narrower -e\n",
			(unsigned long long)(res->nr_lost - res->nr_missed));
	if (res->nr_missed)
		fprintf(
		    stderr,
		    "warning: %llu events lost (the kernel skipped a kprobe or tracepoint program "
		    "while its CPU was in another BPF program or a BPF map syscall)\n",
		    (unsigned long long)res->nr_missed);
	if (!progstats_misses_countable())
		fprintf(stderr, "note: kprobe and tracepoint programs' skipped runs are not "
				"countable on this kernel (Linux 6.7+ counts them): 'lost' "
				"counts ring-buffer drops only\n");
}

/* COMMAND's end, said in words; its exit code becomes ours. */
static int workload_end(struct collect_cli *cl, int rc)
{
	int st = 0, code;

	if (workload__wait(cl->wl, true, &st))
		return cli_error("collect", "cannot wait for '%s': %s", cl->cmd[0],
				 strerror(errno));
	if (!cl->wl_started) {
		fprintf(stderr, "svatrace collect: '%s' was not run (the capture did not start)\n",
			cl->cmd[0]);
		return rc ? CLI_FAIL : CLI_OK;
	}
	code = workload__exit_code(st);
	if (WIFSIGNALED(st))
		fprintf(stderr, "workload: '%s' killed by signal %d (exit code %d)\n", cl->cmd[0],
			WTERMSIG(st), code);
	else
		fprintf(stderr, "workload: '%s' exited with status %d\n", cl->cmd[0], code);
	if (rc) /* the capture failed: that is the news, whatever COMMAND did */
		return CLI_FAIL;
	return code;
}

/* "svatrace collect OPTIONS -- NAME (N arguments not kept)" into @buf. */
static const char *own_command_line(int argc, char **argv, char **cmd, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "svatrace");
	int nargs = 0;

	for (int i = 0; i < argc && argv + i < cmd && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, " %s", argv[i]);
	for (char **a = cmd + 1; *a; a++)
		nargs++;
	if (o < len)
		snprintf(buf + o, len - o, "%s %s (%d argument%s not kept)",
			 !strcmp(cmd[-1], "--") ? "" : " --", cmd[0], nargs, nargs == 1 ? "" : "s");
	return buf;
}

int cmd_collect(int argc, char **argv)
{
	struct collect_cli cl = {
	    .o =
		{
		    .out_path = DEFAULT_OUT,
		    .poll_ms = COLLECT_DEFAULT_POLL_MS,
		    .btf_path = COLLECT_DEFAULT_BTF,
		    .cmdline = cli_command_line(),
		    .stop = &stop_flag,
		},
	};
	struct collect_result res;
	struct sigaction sa = {.sa_handler = on_signal};
	char cmdline[4096];
	int rc;

	rc = parse_args(argc, argv, &cl);
	if (rc >= 0)
		return rc;
	rc = check_output(&cl);
	if (!rc)
		rc = prepare_key(&cl);
	if (!rc)
		rc = prepare_filters(&cl);
	if (rc) {
		workload__free(cl.wl);
		free(cl.workload_meta);
		return rc;
	}
	if (cl.cmd && !cl.o.keep_cmdline) {
		/* COMMAND's arguments may hold secrets: the meta's "workload" has its name */
		cl.o.cmdline = own_command_line(argc, argv, cl.cmd, cmdline, sizeof(cmdline));
	}
	cl.o.ready = on_ready;
	cl.o.ready_ctx = &cl;
	if (cli_is_tty(stderr) && svt_log_get_level() >= SVT_LOG_INFO) {
		cl.o.tick = on_tick;
		cl.o.tick_ctx = &cl;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (cl.wl)
		sigaction(SIGCHLD, &sa, NULL); /* COMMAND's exit ends the capture */
	/* a file size limit (ulimit -f) is a full disk: EFBIG, not death by SIGXFSZ */
	signal(SIGXFSZ, SIG_IGN);
	rc = collect_run(&cl.o, &res);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	explicit_bzero(cl.key, sizeof(cl.key));
	if (cl.status_drawn)
		fprintf(stderr, "\r\033[K");
	if (res.nr_attached && svt_log_get_level() >= SVT_LOG_INFO)
		summary(&res);
	if (cl.wl)
		rc = workload_end(&cl, rc);
	else
		rc = rc ? CLI_FAIL : CLI_OK;
	workload__free(cl.wl);
	free(cl.workload_meta);
	return rc;
}
