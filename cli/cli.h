/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - the svatrace command table and helpers shared by subcommands.
 *
 * Each subcommand lives in cli/cmd_NAME.c and is one line of the table in
 * cli/main.c. A subcommand returns the process exit status: 0 success,
 * 1 failure (bad input, error), 2 usage error.
 */
#ifndef SVATRACE_CLI_H
#define SVATRACE_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct cli_cmd {
	const char *name;		   /* subcommand word */
	const char *summary;		   /* one line for "svatrace help" */
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
};

/* Exit statuses */
#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

/** cli_usage_error() - print "svatrace CMD: msg" and a hint to --help; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct option;

/**
 * cli_getopt() - getopt_long() for subcommands, with one error path.
 * @argc, @argv: the subcommand's (argv[0] is its name, used in messages).
 * @shortopts, @longopts: as for getopt_long().
 *
 * An unknown option (with the nearest known one: "unknown option '--jsn';
 * did you mean '--json'?"), a missing value or an unwanted one is reported
 * here, once, as "svatrace CMD: ..." with the --help hint; getopt's own
 * message is off. The command's usage error for it (its `default:` branch)
 * then prints nothing more.
 *
 * Return: as getopt_long(): the option's value, -1 at the end, '?' on error.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/** cli_error() - print "svatrace CMD: msg"; returns CLI_FAIL. */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * cli_check_label() - a run label is one line of text: a control byte
 * (newline, tab, escape) broke plot data files and terminals (issue 19).
 * Return: CLI_OK, or CLI_USAGE after "svatrace CMD: --label: ..." naming the byte.
 */
int cli_check_label(const char *cmd, const char *label);

/** cli_is_tty() - true if @f is a terminal and progress may be drawn on it. */
bool cli_is_tty(FILE *f);

/** cli_command_line() - the whole argv joined with spaces (static buffer). */
const char *cli_command_line(void);

/** replay_scenario_help() - print the scenario transforms (cmd_replay.c; sweep uses it too). */
void replay_scenario_help(void);

/* Subcommands (alphabetical). */
int cmd_calibrate(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_mrc(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_sql(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif /* SVATRACE_CLI_H */
