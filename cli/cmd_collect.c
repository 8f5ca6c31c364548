// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_collect.c - `svatrace collect`: capture IOMMU, DMA, VT-d, I/O page
 * fault, pin and DSA events with eBPF into a trace file, then print a
 * summary of counts and losses.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "collect/collector.h"
#include "collect/probes.h"
#include "common/log.h"
#include "lib/units.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	stop_flag = 1;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: svatrace collect [OPTIONS]\n"
	    "\n"
	    "Attach eBPF programs to every IOMMU / DMA-API / VT-d / I/O page fault /\n"
	    "pin / idxd source this kernel has (DESIGN.md section 3; absent ones are\n"
	    "skipped with one line) and write the events to a trace file. Ends on\n"
	    "Ctrl-C, SIGTERM or -d; the file is always closed complete and valid.\n"
	    "Needs root (or CAP_BPF+CAP_PERFMON) and kernel BTF. See 'svatrace doctor'.\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output FILE       trace file to write (default: svatrace.trace)\n"
	    "  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	    "  -e, --events LIST       comma-separated globs on probe names or groups\n"
	    "                          (iommu, dma, intel_iommu, qi_wait, iopf, pin, idxd);\n"
	    "                          e.g. 'iommu:map,iommu:unmap,intel_iommu' (default: all)\n"
	    "  -p, --pid PID           only events raised in this process\n"
	    "      --device GLOB       only records of devices matching GLOB (e.g. "
	    "'0000:00:1f.*');\n"
	    "                          records without a device field are kept\n"
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
	    "  -l, --list              list the probes and whether this kernel has them\n"
	    "  -v, --verbose           libbpf messages and debug output\n"
	    "  -h, --help              this help\n"
	    "\n"
	    "Example:\n"
	    "  sudo svatrace collect -o io.trace -d 10 -e iommu,intel_iommu,qi_wait\n"
	    "  sudo svatrace collect -o app.trace --uprobe ./app:submit:ARG1=dsa-desc -- \n"
	    "  sudo svatrace collect -o sc.trace -e none -d 5 --tracepoint "
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

static int list_probes(void)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);

	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		bool ok = probe_present(&d[i], &why);

		if (d[i].type == PROBE_UPROBE)
			printf("%-40s %-12s %s\n", d[i].name, d[i].group, "with --uprobe");
		else if (d[i].type == PROBE_USER_TP)
			printf("%-40s %-12s %s\n", d[i].name, d[i].group, "with --tracepoint");
		else
			printf("%-40s %-12s %s\n", d[i].name, d[i].group, ok ? "present" : why);
	}
	return CLI_OK;
}

static void summary(const struct collect_result *res)
{
	size_t n;
	const struct probe_def *d = probe_defs(&n);

	fprintf(stderr, "%-40s %12s %10s\n", "probe", "records", "lost");
	for (size_t i = 0; i < n; i++) {
		const struct collect_probe_result *p = &res->probe[i];

		if (!p->attached)
			continue;
		fprintf(stderr, "%-40s %12llu %10llu\n", d[i].name,
			(unsigned long long)p->nr_records, (unsigned long long)p->nr_lost);
	}
	fprintf(stderr, "total: %llu records, %llu lost, %u probes attached, %.1f s",
		(unsigned long long)res->nr_records, (unsigned long long)res->nr_lost,
		res->nr_attached, (double)res->duration_ns / 1e9);
	if (res->nr_filtered)
		fprintf(stderr, ", %llu filtered by --device",
			(unsigned long long)res->nr_filtered);
	fputc('\n', stderr);
	if (res->nr_summary_records)
		fprintf(stderr,
			"summary mode: the counts are events counted in BPF, written as %llu "
			"svatrace:summary records\n",
			(unsigned long long)res->nr_summary_records);
	if (res->nr_lost)
		fprintf(stderr,
			"warning: %llu events lost (ring buffer full): use a larger "
			"--buffer-size or a narrower -e\n",
			(unsigned long long)res->nr_lost);
}

int cmd_collect(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"duration", required_argument, NULL, 'd'},
	    {"events", required_argument, NULL, 'e'},
	    {"pid", required_argument, NULL, 'p'},
	    {"device", required_argument, NULL, 'D'},
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
	    {"uprobe", required_argument, NULL, 'U'},
	    {"btf", required_argument, NULL, 'B'},
	    {"tracepoint", required_argument, NULL, 'T'},
	    {"list", no_argument, NULL, 'l'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct collect_opts o = {
	    .out_path = "svatrace.trace",
	    .poll_ms = COLLECT_DEFAULT_POLL_MS,
	    .btf_path = COLLECT_DEFAULT_BTF,
	    .cmdline = cli_command_line(),
	    .stop = &stop_flag,
	};
	struct collect_result res;
	struct sigaction sa = {.sa_handler = on_signal};
	uint64_t interval_ms = 0; /* --interval, applied after every option */
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:d:e:p:b:lvh", lopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'o':
			o.out_path = optarg;
			break;
		case 'd': {
			double s = strtod(optarg, &end);

			if (end == optarg || *end || s <= 0)
				return cli_usage_error("collect", "bad duration '%s' (seconds > 0)",
						       optarg);
			o.duration_ms = (uint64_t)(s * 1000 + 0.5);
			if (!o.duration_ms)
				o.duration_ms = 1;
			break;
		}
		case 'e':
			o.events = optarg;
			break;
		case 'p': {
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v <= 0)
				return cli_usage_error("collect", "bad pid '%s'", optarg);
			o.pid = (uint32_t)v;
			break;
		}
		case 'D':
			o.device = optarg;
			break;
		case 'b':
			if (parse_size(optarg, &o.buffer_bytes))
				return cli_usage_error(
				    "collect", "bad buffer size '%s' (e.g. 64K, 8M)", optarg);
			break;
		case 'P': {
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v <= 0 || v > 10000)
				return cli_usage_error("collect", "bad --poll-ms '%s' (1..10000)",
						       optarg);
			o.poll_ms = (unsigned int)v;
			break;
		}
		case 0x101: /* --rings */
			if (!strcmp(optarg, "percpu"))
				o.rings = COLLECT_RINGS_PERCPU;
			else if (!strcmp(optarg, "single"))
				o.rings = COLLECT_RINGS_SINGLE;
			else
				return cli_usage_error("collect",
						       "bad --rings '%s' (percpu, single)", optarg);
			break;
		case 0x102: { /* --consumers */
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v <= 0 || v > COLLECT_MAX_CONSUMERS)
				return cli_usage_error("collect", "bad --consumers '%s' (1..%d)",
						       optarg, COLLECT_MAX_CONSUMERS);
			o.nr_consumers = (unsigned int)v;
			break;
		}
		case 0x103: /* --summary */
			if (!o.summary_ms)
				o.summary_ms = 1000;
			break;
		case 0x104: { /* --interval */
			uint64_t ns;
			char err[160];

			if (units_parse_u64(optarg, UNITS_NS, &ns, err, sizeof(err)) ||
			    ns < 1000000)
				return cli_usage_error(
				    "collect", "bad --interval '%s' (a time >= 1ms, e.g. 1s)",
				    optarg);
			interval_ms = ns / 1000000;
			break;
		}
		case 0x105: { /* --sample */
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v <= 0 || v > 1000000)
				return cli_usage_error("collect", "bad --sample '%s' (1..1000000)",
						       optarg);
			o.sample_n = (uint32_t)v;
			break;
		}
		case 0x106: { /* --max-size */
			char err[160];

			if (units_parse_u64(optarg, UNITS_BYTES, &o.max_bytes, err, sizeof(err)) ||
			    o.max_bytes < 65536)
				return cli_usage_error(
				    "collect", "bad --max-size '%s' (bytes >= 64K, e.g. 512M)",
				    optarg);
			break;
		}
		case 0x107: /* --stop-on-loss */
			o.stop_on_loss = true;
			break;
		case 0x108: { /* --loss-budget */
			char err[160];

			if (units_parse_u64(optarg, UNITS_COUNT, &o.loss_budget, err, sizeof(err)))
				return cli_usage_error("collect", "bad --loss-budget '%s': %s",
						       optarg, err);
			o.stop_on_loss = true;
			break;
		}
		case 'K':
			o.keep_addrs = true;
			break;
		case 'U': {
			int argn;

			if (o.nr_uprobes >= SVT_MAX_UPROBES)
				return cli_usage_error("collect", "at most %d --uprobe options",
						       SVT_MAX_UPROBES);
			if (collect_parse_uprobe(optarg, NULL, NULL, &argn))
				return cli_usage_error(
				    "collect",
				    "bad --uprobe '%s': want PATH:SYMBOL:ARGn=dsa-desc "
				    "with n in 1..5",
				    optarg);
			o.uprobes[o.nr_uprobes++] = optarg;
			break;
		}
		case 'B':
			o.btf_path = optarg;
			break;
		case 'T': {
			const char *colon = strchr(optarg, ':');

			if (o.nr_tracepoints >= SVT_MAX_TRACEPOINTS)
				return cli_usage_error("collect", "at most %d --tracepoint options",
						       SVT_MAX_TRACEPOINTS);
			if (!colon || colon == optarg || !colon[1] || strchr(colon + 1, ':'))
				return cli_usage_error(
				    "collect", "bad --tracepoint '%s': want SYSTEM:NAME", optarg);
			o.tracepoints[o.nr_tracepoints++] = optarg;
			break;
		}
		case 'l':
			return list_probes();
		case 'v':
			svt_log_set_level(SVT_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			return cli_usage_error("collect", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("collect", "unexpected argument '%s'", argv[optind]);
	if (interval_ms && !o.summary_ms)
		return cli_usage_error("collect", "--interval goes with --summary");
	if (interval_ms)
		o.summary_ms = interval_ms;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = collect_run(&o, &res);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (res.nr_attached && svt_log_get_level() >= SVT_LOG_INFO)
		summary(&res);
	return rc ? CLI_FAIL : CLI_OK;
}
