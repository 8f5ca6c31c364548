/* SPDX-License-Identifier: GPL-2.0 */
/*
 * finding.h - the finding of a study, computed from its runs' data: a title
 * that states the result ("2 MiB pages remove IOTLB misses from 64
 * entries"), the question it answers, and its cause in words, taken from
 * the latency decomposition keys (KEY.part.*_ns) when the runs have them,
 * else from the model's own component totals per translation or per
 * descriptor. Also the human words for config values the plots and tables
 * use ("2 MiB pages", "dedicated WQ").
 */
#ifndef SVATRACE_ANALYZE_FINDING_H
#define SVATRACE_ANALYZE_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/store.h"
#include "analyze/study.h"

enum finding_kind {
	FINDING_NONE,	     /* nothing computable (no metric the study's runs share) */
	FINDING_IOTLB_SWEEP, /* IOTLB entries x page size */
	FINDING_WQ_CLIENTS,  /* throughput vs clients per WQ mode */
	FINDING_CONTRAST,    /* the baseline against its most different run */
};

struct finding {
	enum finding_kind kind; /* which rule produced it */
	char title[320];	/* the result, stated */
	char question[256];	/* the question it answers (subtitle) */
	char cause[640];	/* "because ...", "" if unknown */
	char basis[256];	/* what the cause was derived from */
	/* the number the title rests on, for its sensitivity (analyze/finding_sens.h):
	 * metric of num_run, divided by the same metric of den_run if den_run != 0 */
	char metric[96];	/* plot_eval() expression, "" if none */
	char metric_words[160]; /* it in words: "faulting / pinned mean translation latency" */
	int64_t num_run;	/* run id, 0 if none */
	int64_t den_run;	/* run id, 0 if the number is not a ratio of runs */
};

/**
 * finding_of_study() - compute the finding of study @s.
 * @st: store.
 * @runs: the run array @s indexes.
 * @s: study (its baseline is the reference of a contrast).
 * @f: receives the finding (kind FINDING_NONE if none).
 *
 * Return: 0 or a negative errno.
 */
int finding_of_study(struct store *st, const struct store_run *runs, const struct study *s,
		     struct finding *f);

/**
 * finding_plot_title() - the title of plot @kind of study @s stated as what
 * it shows: the study's finding for the plot that shows it, else the plot's
 * own result ("pinned: 89.6 ms of CPU, most in invalidation wait (79.6 ms)").
 * Return: false if there is nothing to state (keep the kind's summary).
 */
bool finding_plot_title(struct store *st, const struct store_run *runs, const struct study *s,
			const struct finding *f, const char *kind, char *buf, size_t len);

/** finding_shows() - true if plot @kind is the one that shows finding @f ("iotlb-sweep"). */
bool finding_shows(const struct finding *f, const char *kind);

/** finding_fmt_ns() - a duration for people: "850 ns", "1.02 µs", "4.45 ms", "19.2 s". */
void finding_fmt_ns(char *buf, size_t len, double ns);

/** finding_fmt_bytes() - a size for people: "4 KiB", "2 MiB", "64 MiB". */
void finding_fmt_bytes(char *buf, size_t len, double bytes);

/** finding_parse_bytes() - a stored size ("4096", "2M", "4KiB") in bytes (lib/units); NAN if not
 * one. */
double finding_parse_bytes(const char *s);

/** finding_footprint_bytes() - the footprint @r's trace generator states
 * (meta "params": {"footprint": "64m"}) in bytes; NAN if it states none. */
double finding_footprint_bytes(const struct store_run *r);

/**
 * finding_value_words() - a config value in words for legends: page sizes
 * ("2 MiB pages"), WQ modes ("dedicated WQ"), else "KEY=VALUE".
 */
void finding_value_words(const char *key, const char *value, char *buf, size_t len);

/**
 * finding_label_words() - a sweep's generated label "KEY=VALUE KEY=VALUE"
 * in words ("16 IOTLB entries, 2 MiB pages").
 * Return: false (@buf unspecified) if @label is not of that form.
 */
bool finding_label_words(const char *label, char *buf, size_t len);

#endif /* SVATRACE_ANALYZE_FINDING_H */
