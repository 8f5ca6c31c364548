/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perfmon.h - the host's VT-d and DSA performance monitors, counted over a
 * collection window. Linux registers each as a perf PMU under
 * /sys/bus/event_source/devices: dmarN (drivers/iommu/intel/perfmon.c:
 * format/ event "config:0-27", event_group "config:28-31"; events/ such as
 * iotlb_lookup "event_group=0x3,event=0x001") and dsaN
 * (drivers/dma/idxd/perfmon.c: format/ event_category "config:0-3", event
 * "config:4-31", filters in config1; no events/ directory). This module
 * discovers them under a root path (tests give a fake tree), encodes events
 * into perf_event_attr config words exactly as each PMU's format/ files say,
 * counts them with perf_event_open() over a window and writes one generic
 * record "perfmon:PMU/EVENT" per count (docs/counters.md). Where a monitor
 * is absent it says why: no such PMU, no permission, perf_event_paranoid.
 *
 * Lifecycle: perfmon__new (discover) -> perfmon__start (open and enable
 * counters) -> perfmon__stop (read them, close) -> perfmon__write (records)
 * -> perfmon__free. Errors are returned; nothing is printed.
 */
#ifndef SVATRACE_COLLECT_PERFMON_H
#define SVATRACE_COLLECT_PERFMON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct trace_writer;
struct perf_event_attr;

#define PERFMON_EVENT_SYS "perfmon" /* records are "perfmon:PMU/EVENT" */
#define PERFMON_NR_CONFIG 3	    /* config, config1, config2 */

/* The system calls behind counting; tests install fakes (perfmon__set_ops). */
struct perfmon_ops {
	/* perf_event_open(attr, pid -1, cpu, group -1, 0): fd or -errno */
	int (*open)(void *ctx, const struct perf_event_attr *attr, int cpu);
	/* read value, time_enabled, time_running: 0 or -errno */
	int (*read)(void *ctx, int fd, uint64_t v[3]);
	void (*close)(void *ctx, int fd);
};

struct perfmon;

/**
 * perfmon__new() - discover dmar* and dsa* PMUs.
 * @sysfs: sysfs root ("/sys", or a fake tree's).
 * @proc: procfs root ("/proc"), for kernel/perf_event_paranoid.
 *
 * A host without monitors is not an error: the object holds no PMU and
 * perfmon__why_absent() says why.
 * Return: the object, or NULL with errno (allocation).
 */
struct perfmon *perfmon__new(const char *sysfs, const char *proc);

/** perfmon__free() - close open counters and free; NULL is a no-op. */
void perfmon__free(struct perfmon *pm);

/** perfmon__set_ops() - replace the system calls (tests); NULL restores them. */
void perfmon__set_ops(struct perfmon *pm, const struct perfmon_ops *ops, void *ctx);

/** perfmon__nr_pmus() - PMUs found. */
unsigned int perfmon__nr_pmus(const struct perfmon *pm);

/** perfmon__pmu_name() - name of PMU @i ("dmar0"), NULL if out of range. */
const char *perfmon__pmu_name(const struct perfmon *pm, unsigned int i);

/** perfmon__pmu_type() - perf type number of PMU @i (its sysfs "type"). */
uint32_t perfmon__pmu_type(const struct perfmon *pm, unsigned int i);

/** perfmon__nr_events() - events listed in PMU @i's events/ directory. */
unsigned int perfmon__nr_events(const struct perfmon *pm, unsigned int i);

/** perfmon__event_name() - name of event @e of PMU @i, NULL if out of range. */
const char *perfmon__event_name(const struct perfmon *pm, unsigned int i, unsigned int e);

/**
 * perfmon__encode() - turn an event string into config words.
 * @pm: monitors.
 * @i: PMU index.
 * @terms: "event_group=0x3,event=0x001" (a term without '=' means 1).
 * @cfg: receives config, config1, config2 (zeroed first).
 *
 * Each term's value is spread over the bits its format/TERM file names
 * ("config:0-27", "config1:16-31", or several ranges "config:0-7,32-35",
 * low value bits first), as the kernel's perf tool does.
 * Return: 0; -ENOENT for a term the PMU has no format for; -ERANGE for a
 * value wider than its field; -EINVAL for a malformed term or format.
 */
int perfmon__encode(const struct perfmon *pm, unsigned int i, const char *terms,
		    uint64_t cfg[PERFMON_NR_CONFIG]);

/**
 * perfmon__add_event() - count @terms on PMU @i under @name too (for PMUs
 * such as dsa* that list no events/). Return: 0 or -errno (perfmon__encode).
 */
int perfmon__add_event(struct perfmon *pm, unsigned int i, const char *name, const char *terms);

/**
 * perfmon__start() - open every event of every PMU, system-wide on the
 * first CPU of the PMU's cpumask, and start counting.
 * @now_ns: the window's start time (trace clock).
 *
 * Events that cannot be opened keep their reason (perfmon__why_event).
 * Return: the number of counters running (0 is not an error).
 */
int perfmon__start(struct perfmon *pm, uint64_t now_ns);

/** perfmon__stop() - read every running counter and close it; @now_ns ends the window. */
void perfmon__stop(struct perfmon *pm, uint64_t now_ns);

/**
 * perfmon__count() - the count of event @e of PMU @i after perfmon__stop().
 * @count: set to the count (scaled by enabled/running when the kernel
 *	multiplexed the counter).
 * Return: 0, or -ENODATA when it was not counted (perfmon__why_event says why).
 */
int perfmon__count(const struct perfmon *pm, unsigned int i, unsigned int e, uint64_t *count);

/** perfmon__why_event() - why event @e of PMU @i was not counted, NULL if it was. */
const char *perfmon__why_event(const struct perfmon *pm, unsigned int i, unsigned int e);

/** perfmon__why_absent() - why there is nothing to count, NULL when some PMU exists. */
const char *perfmon__why_absent(const struct perfmon *pm);

/** perfmon__paranoid() - kernel.perf_event_paranoid, or INT32_MIN if unreadable. */
int perfmon__paranoid(const struct perfmon *pm);

/**
 * perfmon__write() - one generic record per counted event: event
 * "perfmon:PMU/EVENT", text "count=N window_ns=W enabled_ns=E running_ns=R",
 * at the window's end time.
 * Return: records written, or a negative error from the writer.
 */
int perfmon__write(const struct perfmon *pm, struct trace_writer *w);

/**
 * perfmon__json() - what doctor reports: {"pmus": [{name, type, events,
 * cpumask}], "perf_event_paranoid": N, "why_absent": TEXT|null}.
 */
json_t *perfmon__json(const struct perfmon *pm);

/*
 * The collector's two hooks: begin discovers and starts counting on the
 * live host (/sys, /proc), logging one line on what it counts or why not;
 * end stops, writes the records into @w and frees. Both accept NULL.
 */
struct perfmon *perfmon_collect_begin(uint64_t now_ns);
void perfmon_collect_end(struct perfmon *pm, struct trace_writer *w, uint64_t now_ns);

/**
 * perfmon_doctor() - add "perf_monitors" (perfmon__json) to the doctor
 * report @r and, when there are none, one line to @advice saying why.
 */
void perfmon_doctor(json_t *r, json_t *advice, const char *sysfs, const char *proc);

#endif /* SVATRACE_COLLECT_PERFMON_H */
