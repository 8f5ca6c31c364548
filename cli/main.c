// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the svatrace program: global options, the subcommand table,
 * help and version. Subcommands are listed here only once they work.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/log.h"
#include "lib/suggest.h"

static const struct cli_cmd commands[] = {
    {"calibrate",
     "fit the translation model to pcie-bench measurements; check a profile against them",
     cmd_calibrate},
    {"collect", "capture IOMMU, DMA, VT-d and DSA events with eBPF into a trace file", cmd_collect},
    {"compare", "compare two stored runs: ratios, config differences, faster/slower and why",
     cmd_compare},
    {"convert", "rewrite a trace in the compact format v2 (or back to v1)", cmd_convert},
    {"db", "results databases: info, merge sweep shards, example data", cmd_db},
    {"doctor", "say what this host can collect and what to change", cmd_doctor},
    {"gen", "write a synthetic workload (DSA memcpy, NIC RX, NVMe, random access) as a trace",
     cmd_gen},
    {"import", "convert ftrace text (and other sources) into a trace file", cmd_import},
    {"export", "write a trace as a Perfetto timeline or SQLite tables (model series too)",
     cmd_export},
    {"dump", "print a trace file's records as JSON lines, fields by name", cmd_dump},
    {"info", "show a trace file's header, time span, event counts and losses", cmd_info},
    {"mrc", "the IOTLB miss-ratio curve over many sizes from one pass (LRU stack distances)",
     cmd_mrc},
    {"plot", "draw stored runs with gnuplot (PNG, SVG): sweeps, CDFs, time series, costs",
     cmd_plot},
    {"replay", "replay a trace through the address-translation model and print metrics",
     cmd_replay},
    {"report", "one-page HTML/Markdown design-review report of stored runs", cmd_report},
    {"runs", "list the runs of a results database", cmd_runs},
    {"sql", "run SQL on a results database or an exported trace database", cmd_sql},
    {"sweep", "replay a trace over a grid of parameters in parallel processes into one results DB",
     cmd_sweep},
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static char cmdline_buf[4096];

const char *cli_command_line(void)
{
	return cmdline_buf;
}

static void save_command_line(int argc, char **argv)
{
	size_t off = 0;

	for (int i = 0; i < argc && off < sizeof(cmdline_buf) - 1; i++) {
		int n = snprintf(cmdline_buf + off, sizeof(cmdline_buf) - off, "%s%s", i ? " " : "",
				 argv[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int cli_check_label(const char *cmd, const char *label)
{
	for (const unsigned char *p = (const unsigned char *)label; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cli_usage_error(cmd,
					       "--label: control character 0x%02x at byte %zu: a "
					       "label is one line of text",
					       *p, (size_t)(p - (const unsigned char *)label));
	return CLI_OK;
}

bool cli_is_tty(FILE *f)
{
	return isatty(fileno(f));
}

static void vmsg(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "svatrace %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/*
 * Set when cli_getopt() has reported a bad option: the command's own
 * "bad option" usage error that follows adds nothing, so it prints nothing.
 */
static bool opt_error_reported;

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	if (opt_error_reported) {
		opt_error_reported = false;
		return CLI_USAGE;
	}
	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'svatrace %s --help'.\n", cmd);
	return CLI_USAGE;
}

int cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

/*
 * The long option of @opts named @name (@len bytes), or the only one it
 * abbreviates (getopt_long takes unique prefixes), or NULL.
 */
static const struct option *long_opt(const struct option *opts, const char *name, size_t len)
{
	const struct option *prefix = NULL;
	size_t nr_prefix = 0;

	for (; opts && opts->name; opts++) {
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
		if (!strncmp(opts->name, name, len)) {
			prefix = opts;
			nr_prefix++;
		}
	}
	return nr_prefix == 1 ? prefix : NULL;
}

/* The long options of @opts that start with @name's @len bytes: how many. */
static size_t nr_long_prefix(const struct option *opts, const char *name, size_t len)
{
	size_t n = 0;

	for (; opts && opts->name; opts++)
		n += !strncmp(opts->name, name, len);
	return n;
}

/* "did you mean '--json'?" for the unknown long option @word, or "". */
static const char *long_suggestion(const struct option *opts, const char *word, char *buf,
				   size_t size)
{
	const char *names[128];
	const char *best;
	size_t nr = 0;

	for (; opts && opts->name && nr < sizeof(names) / sizeof(names[0]); opts++)
		names[nr++] = opts->name;
	best = suggest_closest(word, names, nr);
	if (!best)
		return "";
	snprintf(buf, size, "; did you mean '--%s'?", best);
	return buf;
}

/* Say once what was wrong with the option getopt_long() just refused. */
static void report_bad_option(const char *cmd, int argc, char **argv, const char *shortopts,
			      const struct option *longopts)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	char hint[160], word[128];
	const struct option *o = NULL;
	const char *eq;
	size_t len;

	if (!strncmp(arg, "--", 2) && arg[2]) {
		eq = strchr(arg + 2, '=');
		len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		o = long_opt(longopts, arg + 2, len);
		/* a short option's error right after a long option: not this one */
		if (optopt && (!o || o->val != optopt) &&
		    nr_long_prefix(longopts, arg + 2, len) < 2)
			goto short_opt;
		snprintf(word, sizeof(word), "%.*s", (int)(len < 100 ? len : 100), arg + 2);
		if (o && o->has_arg == required_argument)
			cli_usage_error(cmd, "option '--%s' needs a value", o->name);
		else if (o && o->has_arg == no_argument)
			cli_usage_error(cmd, "option '--%s' takes no value", o->name);
		else if (nr_long_prefix(longopts, arg + 2, len) > 1)
			cli_usage_error(cmd, "option '--%s' is ambiguous (the start of several)",
					word);
		else
			cli_usage_error(cmd, "unknown option '--%s'%s", word,
					long_suggestion(longopts, word, hint, sizeof(hint)));
		return;
	}
short_opt:
	if (optopt > 0 && optopt < 256 && strchr(shortopts, optopt) &&
	    strchr(shortopts, optopt)[1] == ':')
		cli_usage_error(cmd, "option '-%c' needs a value", optopt);
	else if (optopt > 0 && optopt < 256)
		cli_usage_error(cmd, "unknown option '-%c'", optopt);
	else
		cli_usage_error(cmd, "unknown option '%s'", arg);
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?' || c == ':') {
		report_bad_option(argv[0], argc, argv, shortopts, longopts);
		opt_error_reported = true;
		return '?';
	}
	return c;
}

static void print_help(FILE *f)
{
	fprintf(f, "usage: svatrace [-v|-q] [--json|--csv] COMMAND [ARGS]\n"
		   "\n"
		   "svatrace measures what I/O address translation (IOMMU, ATS, PRI) and\n"
		   "accelerator work submission (Intel DSA work queues) cost, from traces of\n"
		   "real hosts, and what they would cost under another design.\n"
		   "\n"
		   "Commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-8s  %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n"
		   "Global options (before or after COMMAND):\n"
		   "  -v, --verbose   more messages (repeat for debug)\n"
		   "  -q, --quiet     only errors\n"
		   "  --json, --csv   before COMMAND: passed to it (for commands that have them)\n"
		   "  -V, --version   print the version\n"
		   "  -h, --help      this help\n"
		   "\n"
		   "'svatrace COMMAND --help' explains a command.\n");
}

static void log_to_stderr(enum svt_log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};

	fprintf(stderr, "svatrace: %s", prefix[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Subcommand name nearest to a mistyped @word, or NULL. */
static const char *closest_command(const char *word)
{
	const char *names[NR_COMMANDS + 1];

	for (size_t c = 0; c < NR_COMMANDS; c++)
		names[c] = commands[c].name;
	names[NR_COMMANDS] = "help";
	return suggest_closest(word, names, NR_COMMANDS + 1);
}

/*
 * -q/-v after the subcommand are the global ones (collect keeps its own -v);
 * they are taken out of the subcommand's argv, up to a "--".
 */
static int take_global_flags(int argc, char **argv, const char *cmd, int *level)
{
	int n = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			*level = SVT_LOG_ERROR;
		} else if (strcmp(cmd, "collect") &&
			   (!strcmp(a, "-v") || !strcmp(a, "--verbose"))) {
			(*level)++;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	int level = SVT_LOG_INFO;
	char *fmt_flag = NULL;
	int i, rc;

	save_command_line(argc, argv);
	svt_log_set_fn(log_to_stderr);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			level++;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			level = SVT_LOG_ERROR;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("svatrace %s (%s)\n", SVT_VERSION, SVT_GIT_REV);
			return CLI_OK;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_help(stdout);
			return CLI_OK;
		} else if (!strcmp(a, "--json") || !strcmp(a, "--csv")) {
			fmt_flag = argv[i];
		} else {
			static const char *const global[] = {"--verbose", "--quiet", "--version",
							     "--help",	  "--json",  "--csv"};
			const char *near = suggest_closest(a, global, 6);

			if (near)
				fprintf(stderr,
					"svatrace: unknown option '%s'; did you mean '%s'?\n", a,
					near);
			else
				fprintf(stderr,
					"svatrace: unknown option '%s'; see 'svatrace help'\n", a);
			return CLI_USAGE;
		}
	}
	if (i < argc)
		argc = i + take_global_flags(argc - i, argv + i, argv[i], &level);
	if (level > SVT_LOG_DEBUG)
		level = SVT_LOG_DEBUG;
	svt_log_set_level((enum svt_log_level)level);
	if (i >= argc) {
		print_help(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 < argc) {
			for (size_t c = 0; c < NR_COMMANDS; c++) {
				if (!strcmp(argv[i + 1], commands[c].name)) {
					char *hargv[] = {argv[i + 1], "--help", NULL};

					return commands[c].run(2, hargv);
				}
			}
			if (closest_command(argv[i + 1]))
				fprintf(stderr, "svatrace: no command '%s'; did you mean '%s'?\n",
					argv[i + 1], closest_command(argv[i + 1]));
			else
				fprintf(stderr, "svatrace: no command '%s'\n", argv[i + 1]);
			return CLI_USAGE;
		}
		print_help(stdout);
		return CLI_OK;
	}
	for (size_t c = 0; c < NR_COMMANDS; c++) {
		if (!strcmp(argv[i], commands[c].name)) {
			char **sub = argv + i;
			int nsub = argc - i;

			if (fmt_flag) { /* "svatrace --json runs ..." = "svatrace runs --json ..."
					 */
				sub = calloc((size_t)nsub + 2, sizeof(*sub));
				if (!sub)
					return CLI_FAIL;
				sub[0] = argv[i];
				sub[1] = fmt_flag;
				memcpy(sub + 2, argv + i + 1, (size_t)(nsub - 1) * sizeof(*sub));
				nsub++;
			}
			optind = 1;
			rc = commands[c].run(nsub, sub);
			if (sub != argv + i)
				free(sub);
			return rc;
		}
	}
	if (closest_command(argv[i]))
		fprintf(stderr, "svatrace: '%s' is not a command; did you mean '%s'?\n", argv[i],
			closest_command(argv[i]));
	else
		fprintf(stderr, "svatrace: '%s' is not a command; see 'svatrace help'\n", argv[i]);
	return CLI_USAGE;
}
