// SPDX-License-Identifier: GPL-2.0
/*
 * perfmon.c - discover, encode and count the VT-d (dmar*) and DSA (dsa*)
 * perf PMUs over a collection window (see perfmon.h). The sysfs layout is
 * the one perf_pmu_register() creates: DIR/type (the perf type number),
 * DIR/cpumask (the CPU to open system-wide events on), DIR/format/TERM
 * ("config1:16-31") and DIR/events/NAME ("event_group=0x3,event=0x001").
 * Both drivers refuse sampling and per-task events (event->cpu < 0 is
 * -EINVAL in iommu_pmu_event_init() and perfmon_pmu_event_init()), so every
 * event is a counting event with pid -1 on one CPU.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "collect/perfmon.h"
#include "common/log.h"
#include "trace/trace.h"

#define PM_MAX_FORMATS 32 /* format/ terms per PMU (dmar: 12, dsa: 7) */
#define PM_MAX_EVENTS 64  /* events per PMU (dmar lists up to 25) */
#define PM_NAME_BYTES 64
#define PM_TERMS_BYTES 128
#define PM_WHY_BYTES 384

struct pm_format {
	char name[PM_NAME_BYTES]; /* term name ("event_group") */
	unsigned int word;	  /* 0 config, 1 config1, 2 config2 */
	uint64_t mask;		  /* bits of that word the term occupies */
};

struct pm_event {
	char name[PM_NAME_BYTES];	 /* "iotlb_lookup" */
	char terms[PM_TERMS_BYTES];	 /* "event_group=0x3,event=0x001" */
	uint64_t cfg[PERFMON_NR_CONFIG]; /* encoded config words */
	int fd;				 /* perf event fd while counting, else -1 */
	bool counted;			 /* count is valid */
	uint64_t count;			 /* events (scaled if multiplexed) */
	uint64_t enabled_ns;		 /* time the event was enabled */
	uint64_t running_ns;		 /* time it was on a counter */
	char why[PM_WHY_BYTES];		 /* why not counted, "" if counted or not tried */
};

struct pm_pmu {
	char name[PM_NAME_BYTES];	      /* "dmar0" */
	uint32_t type;			      /* perf type number */
	int cpu;			      /* first CPU of cpumask, 0 if none listed */
	struct pm_format fmt[PM_MAX_FORMATS]; /* format/ terms */
	unsigned int nr_fmt;		      /* entries of fmt */
	struct pm_event ev[PM_MAX_EVENTS];    /* events/ and added events */
	unsigned int nr_ev;		      /* entries of ev */
};

struct perfmon {
	char dir[384];		       /* SYSFS/bus/event_source/devices */
	struct pm_pmu *pmu;	       /* PMUs found, sorted by name */
	unsigned int nr_pmus;	       /* entries of pmu */
	int paranoid;		       /* kernel.perf_event_paranoid, INT32_MIN unknown */
	char why[PM_WHY_BYTES * 4];    /* why no PMU, "" if some */
	uint64_t start_ns;	       /* window start (trace clock) */
	uint64_t stop_ns;	       /* window end */
	const struct perfmon_ops *ops; /* system calls */
	void *ops_ctx;		       /* their context */
};

static int sys_open(void *ctx, const struct perf_event_attr *attr, int cpu)
{
	long fd = syscall(SYS_perf_event_open, attr, -1, cpu, -1, 0UL);

	(void)ctx;
	return fd < 0 ? -errno : (int)fd;
}

static int sys_read(void *ctx, int fd, uint64_t v[3])
{
	ssize_t n = read(fd, v, 3 * sizeof(*v));

	(void)ctx;
	if (n < 0)
		return -errno;
	return n == (ssize_t)(3 * sizeof(*v)) ? 0 : -EIO;
}

static void sys_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

static const struct perfmon_ops sys_ops = {sys_open, sys_read, sys_close};

/* First line of DIR/NAME into buf without its newline; 0 or -errno. */
static int read_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[1024];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		rc = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!rc)
		buf[strcspn(buf, "\r\n")] = 0;
	return rc;
}

/* "config1:16-31" or "config:0-7,32-35" -> word and mask. */
static int parse_format(const char *spec, unsigned int *word, uint64_t *mask)
{
	const char *p = spec;
	char *end;

	if (strncmp(p, "config", 6))
		return -EINVAL;
	p += 6;
	*word = 0;
	if (isdigit((unsigned char)*p))
		*word = (unsigned int)(*p++ - '0');
	if (*word >= PERFMON_NR_CONFIG || *p++ != ':')
		return -EINVAL; /* config3 (Linux 6.3) has no user here yet */
	*mask = 0;
	for (;;) {
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p)
			return -EINVAL;
		p = end;
		if (*p == '-') {
			hi = strtoul(++p, &end, 10);
			if (end == p)
				return -EINVAL;
			p = end;
		}
		if (lo > hi || hi > 63)
			return -EINVAL;
		for (unsigned long b = lo; b <= hi; b++)
			*mask |= 1ull << b;
		if (*p != ',')
			break;
		p++;
	}
	return *p ? -EINVAL : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strverscmp(((const struct pm_pmu *)a)->name, ((const struct pm_pmu *)b)->name);
}

static bool is_monitor(const char *name)
{
	return (!strncmp(name, "dmar", 4) && isdigit((unsigned char)name[4])) ||
	       (!strncmp(name, "dsa", 3) && isdigit((unsigned char)name[3]));
}

static void load_formats(struct pm_pmu *u, const char *pdir)
{
	char dir[1024], spec[128];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/format", pdir);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && u->nr_fmt < PM_MAX_FORMATS) {
		struct pm_format *f = &u->fmt[u->nr_fmt];

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(f->name))
			continue;
		if (read_line(dir, de->d_name, spec, sizeof(spec)) ||
		    parse_format(spec, &f->word, &f->mask))
			continue; /* an unknown layout: the term stays unusable */
		strcpy(f->name, de->d_name);
		u->nr_fmt++;
	}
	closedir(d);
}

static void load_events(struct perfmon *pm, struct pm_pmu *u, const char *pdir)
{
	char dir[1024], terms[PM_TERMS_BYTES];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/events", pdir);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		/* NAME.scale and NAME.unit describe NAME; they are not events */
		if (de->d_name[0] == '.' || strchr(de->d_name, '.') ||
		    strlen(de->d_name) >= PM_NAME_BYTES)
			continue;
		if (read_line(dir, de->d_name, terms, sizeof(terms)))
			continue;
		perfmon__add_event(pm, (unsigned int)(u - pm->pmu), de->d_name, terms);
	}
	closedir(d);
}

/*
 * DSA events by name. The idxd driver publishes format/ (event_category
 * config:0-3, event config:4-31: Documentation/ABI/testing/
 * sysfs-bus-event_source-devices-dsa) but no events/, so `perf stat -e
 * dsa0/atc_hit/` has nothing to resolve. The categories are the driver's
 * (drivers/dma/idxd/perfmon.h, enum dsa_perf_events: 0 WQ, 1 engine,
 * 2 address translation, 3 operation, 4 completion); the event bits within
 * a category are the DSA specification's performance-monitoring event
 * table (event = a bit mask of the category's events). Only events whose
 * bit two published uses of the counters agree on are named here; any
 * other is reached with its raw terms.
 */
static const struct {
	const char *name;  /* alias */
	const char *terms; /* format terms */
} dsa_aliases[] = {
    /* engine: data written, in 32-byte units */
    {"write_32b", "event_category=0x1,event=0x2"},
    /* address translation: requests that needed no page fault / a page fault */
    {"xlat_no_pf", "event_category=0x2,event=0x1"},
    {"xlat_pf", "event_category=0x2,event=0x2"},
    /* the device's ATC: requests that allocated an entry, that could not, hits */
    {"atc_alloc", "event_category=0x2,event=0x40"},
    {"atc_no_alloc", "event_category=0x2,event=0x80"},
    {"atc_hit", "event_category=0x2,event=0x100"},
};

/* A dsa* PMU that lists no events gets dsa_aliases (encoded by its own format/). */
static void add_dsa_aliases(struct perfmon *pm, struct pm_pmu *u)
{
	if (strncmp(u->name, "dsa", 3) || u->nr_ev)
		return;
	for (size_t k = 0; k < sizeof(dsa_aliases) / sizeof(dsa_aliases[0]); k++)
		(void)perfmon__add_event(pm, (unsigned int)(u - pm->pmu), dsa_aliases[k].name,
					 dsa_aliases[k].terms); /* a failure is kept in its why */
}

static int ev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pm_event *)a)->name, ((const struct pm_event *)b)->name);
}

static int discover(struct perfmon *pm)
{
	struct dirent *de;
	DIR *d = opendir(pm->dir);

	if (!d) {
		snprintf(pm->why, sizeof(pm->why),
			 "%s: %s (the kernel exposes no perf event sources)", pm->dir,
			 strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		char pdir[700], line[64];
		struct pm_pmu *u, *grown;
		unsigned long type;
		char *end;

		if (!is_monitor(de->d_name) || strlen(de->d_name) >= PM_NAME_BYTES)
			continue;
		snprintf(pdir, sizeof(pdir), "%s/%s", pm->dir, de->d_name);
		if (read_line(pdir, "type", line, sizeof(line)))
			continue;
		type = strtoul(line, &end, 10);
		if (end == line || *end || type > UINT32_MAX)
			continue;
		grown = realloc(pm->pmu, (pm->nr_pmus + 1) * sizeof(*pm->pmu));
		if (!grown) {
			closedir(d);
			return -ENOMEM;
		}
		pm->pmu = grown;
		u = &pm->pmu[pm->nr_pmus++];
		memset(u, 0, sizeof(*u));
		strcpy(u->name, de->d_name);
		u->type = (uint32_t)type;
		/* cpumask "0" or "0-3" or "0,28": the first CPU is the one to use */
		if (!read_line(pdir, "cpumask", line, sizeof(line)))
			u->cpu = atoi(line);
		load_formats(u, pdir);
		load_events(pm, u, pdir);
		add_dsa_aliases(pm, u);
		qsort(u->ev, u->nr_ev, sizeof(*u->ev), ev_cmp);
	}
	closedir(d);
	if (pm->nr_pmus)
		qsort(pm->pmu, pm->nr_pmus, sizeof(*pm->pmu), name_cmp);
	else
		snprintf(pm->why, sizeof(pm->why),
			 "no dmar* or dsa* PMU in %s: the VT-d performance monitor needs "
			 "hardware that reports it (ecap.PMS) and Linux 6.4+ with "
			 "CONFIG_INTEL_IOMMU_PERF_EVENTS; DSA's needs the idxd driver with "
			 "CONFIG_INTEL_IDXD_PERFMON and a device with counters (guests "
			 "usually have none)",
			 pm->dir);
	return 0;
}

struct perfmon *perfmon__new(const char *sysfs, const char *proc)
{
	struct perfmon *pm = calloc(1, sizeof(*pm));
	char path[512], line[32];
	int rc;

	if (!pm)
		return NULL;
	pm->ops = &sys_ops;
	pm->paranoid = INT32_MIN;
	snprintf(pm->dir, sizeof(pm->dir), "%s/bus/event_source/devices", sysfs ? sysfs : "/sys");
	snprintf(path, sizeof(path), "%s/sys/kernel", proc ? proc : "/proc");
	if (!read_line(path, "perf_event_paranoid", line, sizeof(line)))
		pm->paranoid = atoi(line);
	rc = discover(pm);
	if (rc) {
		perfmon__free(pm);
		errno = -rc;
		return NULL;
	}
	return pm;
}

void perfmon__free(struct perfmon *pm)
{
	if (!pm)
		return;
	for (unsigned int i = 0; i < pm->nr_pmus; i++)
		for (unsigned int e = 0; e < pm->pmu[i].nr_ev; e++)
			if (pm->pmu[i].ev[e].fd >= 0)
				pm->ops->close(pm->ops_ctx, pm->pmu[i].ev[e].fd);
	free(pm->pmu);
	free(pm);
}

void perfmon__set_ops(struct perfmon *pm, const struct perfmon_ops *ops, void *ctx)
{
	pm->ops = ops ? ops : &sys_ops;
	pm->ops_ctx = ctx;
}

unsigned int perfmon__nr_pmus(const struct perfmon *pm)
{
	return pm ? pm->nr_pmus : 0;
}

const char *perfmon__pmu_name(const struct perfmon *pm, unsigned int i)
{
	return i < pm->nr_pmus ? pm->pmu[i].name : NULL;
}

uint32_t perfmon__pmu_type(const struct perfmon *pm, unsigned int i)
{
	return i < pm->nr_pmus ? pm->pmu[i].type : 0;
}

unsigned int perfmon__nr_events(const struct perfmon *pm, unsigned int i)
{
	return i < pm->nr_pmus ? pm->pmu[i].nr_ev : 0;
}

const char *perfmon__event_name(const struct perfmon *pm, unsigned int i, unsigned int e)
{
	return i < pm->nr_pmus && e < pm->pmu[i].nr_ev ? pm->pmu[i].ev[e].name : NULL;
}

/* Spread @v over the set bits of @mask, low bits first. */
static int deposit(uint64_t v, uint64_t mask, uint64_t *out)
{
	for (unsigned int b = 0; b < 64 && v; b++) {
		if (!(mask & (1ull << b)))
			continue;
		if (v & 1)
			*out |= 1ull << b;
		v >>= 1;
	}
	return v ? -ERANGE : 0;
}

int perfmon__encode(const struct perfmon *pm, unsigned int i, const char *terms,
		    uint64_t cfg[PERFMON_NR_CONFIG])
{
	const struct pm_pmu *u;
	const char *p = terms;

	if (i >= pm->nr_pmus)
		return -EINVAL;
	u = &pm->pmu[i];
	memset(cfg, 0, PERFMON_NR_CONFIG * sizeof(*cfg));
	while (*p) {
		size_t n = strcspn(p, "=,");
		const struct pm_format *f = NULL;
		uint64_t v = 1;
		int rc;

		if (!n)
			return -EINVAL;
		for (unsigned int k = 0; k < u->nr_fmt && !f; k++)
			if (strlen(u->fmt[k].name) == n && !strncmp(u->fmt[k].name, p, n))
				f = &u->fmt[k];
		if (!f)
			return -ENOENT;
		p += n;
		if (*p == '=') {
			char *end;

			errno = 0;
			v = strtoull(++p, &end, 0);
			if (end == p || errno || (*end && *end != ','))
				return -EINVAL;
			p = end;
		}
		rc = deposit(v, f->mask, &cfg[f->word]);
		if (rc)
			return rc;
		if (*p == ',' && !*++p)
			return -EINVAL;
	}
	return 0;
}

int perfmon__add_event(struct perfmon *pm, unsigned int i, const char *name, const char *terms)
{
	struct pm_pmu *u;
	struct pm_event *ev;
	int rc;

	if (i >= pm->nr_pmus || strlen(name) >= PM_NAME_BYTES || strlen(terms) >= PM_TERMS_BYTES)
		return -EINVAL;
	u = &pm->pmu[i];
	if (u->nr_ev >= PM_MAX_EVENTS)
		return -ENOSPC;
	ev = &u->ev[u->nr_ev];
	memset(ev, 0, sizeof(*ev));
	ev->fd = -1;
	strcpy(ev->name, name);
	strcpy(ev->terms, terms);
	rc = perfmon__encode(pm, i, terms, ev->cfg);
	if (rc) {
		char why[PM_WHY_BYTES];

		snprintf(why, sizeof(why), "cannot encode '%s' with %s's format/: %s", terms,
			 u->name, strerror(-rc));
		memcpy(ev->why, why, sizeof(why));
	}
	u->nr_ev++;
	return rc;
}

static void open_why(const struct perfmon *pm, struct pm_event *ev, int err)
{
	if (err == -EACCES || err == -EPERM) {
		char p[32] = "unknown";

		if (pm->paranoid != INT32_MIN)
			snprintf(p, sizeof(p), "%d", pm->paranoid);
		snprintf(ev->why, sizeof(ev->why),
			 "no permission: system-wide counting needs CAP_PERFMON (or root) "
			 "while kernel.perf_event_paranoid (%s) is above 0%s",
			 p,
			 pm->paranoid >= 3
			     ? "; Debian's level 3 forbids it to every unprivileged user"
			     : "");
	} else if (err == -ENOENT || err == -ENODEV || err == -EOPNOTSUPP) {
		snprintf(ev->why, sizeof(ev->why), "the kernel has no such event source: %s",
			 strerror(-err));
	} else {
		snprintf(ev->why, sizeof(ev->why), "perf_event_open: %s", strerror(-err));
	}
}

int perfmon__start(struct perfmon *pm, uint64_t now_ns)
{
	int nr = 0;

	pm->start_ns = now_ns;
	for (unsigned int i = 0; i < pm->nr_pmus; i++) {
		struct pm_pmu *u = &pm->pmu[i];

		for (unsigned int e = 0; e < u->nr_ev; e++) {
			struct pm_event *ev = &u->ev[e];
			struct perf_event_attr a;
			int fd;

			if (ev->why[0] || ev->fd >= 0)
				continue; /* not encodable, or already running */
			memset(&a, 0, sizeof(a));
			a.size = sizeof(a);
			a.type = u->type;
			a.config = ev->cfg[0];
			a.config1 = ev->cfg[1];
			a.config2 = ev->cfg[2];
			/* more events than counters: the kernel rotates them; scale by these */
			a.read_format =
			    PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
			fd = pm->ops->open(pm->ops_ctx, &a, u->cpu);
			if (fd < 0) {
				open_why(pm, ev, fd);
				continue;
			}
			ev->fd = fd;
			nr++;
		}
	}
	return nr;
}

void perfmon__stop(struct perfmon *pm, uint64_t now_ns)
{
	pm->stop_ns = now_ns;
	for (unsigned int i = 0; i < pm->nr_pmus; i++) {
		for (unsigned int e = 0; e < pm->pmu[i].nr_ev; e++) {
			struct pm_event *ev = &pm->pmu[i].ev[e];
			uint64_t v[3];
			int rc;

			if (ev->fd < 0)
				continue;
			rc = pm->ops->read(pm->ops_ctx, ev->fd, v);
			pm->ops->close(pm->ops_ctx, ev->fd);
			ev->fd = -1;
			if (rc) {
				snprintf(ev->why, sizeof(ev->why), "reading the counter: %s",
					 strerror(-rc));
				continue;
			}
			if (!v[2]) {
				snprintf(ev->why, sizeof(ev->why),
					 "never scheduled on a counter (all busy)");
				continue;
			}
			ev->enabled_ns = v[1];
			ev->running_ns = v[2];
			ev->count = v[2] < v[1]
					? (uint64_t)((double)v[0] * (double)v[1] / (double)v[2])
					: v[0];
			ev->counted = true;
		}
	}
}

int perfmon__count(const struct perfmon *pm, unsigned int i, unsigned int e, uint64_t *count)
{
	if (i >= pm->nr_pmus || e >= pm->pmu[i].nr_ev || !pm->pmu[i].ev[e].counted)
		return -ENODATA;
	*count = pm->pmu[i].ev[e].count;
	return 0;
}

const char *perfmon__why_event(const struct perfmon *pm, unsigned int i, unsigned int e)
{
	if (i >= pm->nr_pmus || e >= pm->pmu[i].nr_ev)
		return "no such event";
	if (pm->pmu[i].ev[e].counted)
		return NULL;
	return pm->pmu[i].ev[e].why[0] ? pm->pmu[i].ev[e].why : "not started";
}

const char *perfmon__why_absent(const struct perfmon *pm)
{
	return pm->why[0] ? pm->why : NULL;
}

int perfmon__paranoid(const struct perfmon *pm)
{
	return pm->paranoid;
}

int perfmon__write(const struct perfmon *pm, struct trace_writer *w)
{
	int nr = 0;

	for (unsigned int i = 0; i < pm->nr_pmus; i++) {
		const struct pm_pmu *u = &pm->pmu[i];

		for (unsigned int e = 0; e < u->nr_ev; e++) {
			const struct pm_event *ev = &u->ev[e];
			struct trace_rec h = {0};
			char name[2 * PM_NAME_BYTES + 16], text[160];
			uint32_t id;
			int rc;

			if (!ev->counted)
				continue;
			snprintf(name, sizeof(name), PERFMON_EVENT_SYS ":%s/%s", u->name, ev->name);
			id = trace_writer__intern(w, name);
			if (trace_writer__error(w))
				return trace_writer__error(w);
			snprintf(text, sizeof(text),
				 "count=%" PRIu64 " window_ns=%" PRIu64 " enabled_ns=%" PRIu64
				 " running_ns=%" PRIu64,
				 ev->count, pm->stop_ns - pm->start_ns, ev->enabled_ns,
				 ev->running_ns);
			h.ts_ns = pm->stop_ns;
			h.cpu = (uint16_t)u->cpu;
			h.event_id = id;
			rc = trace_writer__append_generic(w, &h, text);
			if (rc)
				return rc;
			nr++;
		}
	}
	return nr;
}

json_t *perfmon__json(const struct perfmon *pm)
{
	json_t *r = json_object(), *pmus = json_array();

	for (unsigned int i = 0; i < pm->nr_pmus; i++) {
		const struct pm_pmu *u = &pm->pmu[i];
		json_t *evs = json_array();

		for (unsigned int e = 0; e < u->nr_ev; e++)
			json_array_append_new(evs, json_string(u->ev[e].name));
		json_array_append_new(pmus,
				      json_pack("{s:s,s:I,s:i,s:o}", "name", u->name, "type",
						(json_int_t)u->type, "cpu", u->cpu, "events", evs));
	}
	json_object_set_new(r, "pmus", pmus);
	json_object_set_new(r, "perf_event_paranoid",
			    pm->paranoid == INT32_MIN ? json_null() : json_integer(pm->paranoid));
	json_object_set_new(r, "why_absent", pm->why[0] ? json_string(pm->why) : json_null());
	return r;
}

struct perfmon *perfmon_collect_begin(uint64_t now_ns)
{
	struct perfmon *pm = perfmon__new("/sys", "/proc");
	int nr;

	if (!pm)
		return NULL;
	if (!pm->nr_pmus) {
		svt_info("hardware counters: none (%s)", pm->why);
		return pm;
	}
	nr = perfmon__start(pm, now_ns);
	if (nr > 0) {
		svt_info("hardware counters: %d events on %u monitors (%s%s)", nr, pm->nr_pmus,
			 pm->pmu[0].name, pm->nr_pmus > 1 ? ", ..." : "");
		return pm;
	}
	for (unsigned int i = 0; i < pm->nr_pmus; i++) {
		const struct pm_pmu *u = &pm->pmu[i];

		svt_info("hardware counters: %s: %s", u->name,
			 u->nr_ev
			     ? u->ev[0].why
			     : "the kernel lists no events for it (format/ only): none counted");
	}
	return pm;
}

void perfmon_collect_end(struct perfmon *pm, struct trace_writer *w, uint64_t now_ns)
{
	int nr;

	if (!pm)
		return;
	perfmon__stop(pm, now_ns);
	nr = w ? perfmon__write(pm, w) : 0;
	if (nr < 0)
		svt_warn("hardware counters: writing the records: %s", trace_strerror(nr));
	else if (nr > 0)
		svt_info("hardware counters: %d counts stored as " PERFMON_EVENT_SYS ":PMU/EVENT",
			 nr);
	perfmon__free(pm);
}

void perfmon_doctor(json_t *r, json_t *advice, const char *sysfs, const char *proc)
{
	struct perfmon *pm = perfmon__new(sysfs, proc);
	char line[PM_WHY_BYTES * 5];

	if (!pm)
		return;
	json_object_set_new(r, "perf_monitors", perfmon__json(pm));
	if (!pm->nr_pmus) {
		snprintf(line, sizeof(line),
			 "hardware counters (VT-d/DSA performance monitors): %s; replay cannot "
			 "compare its model with measured counts here",
			 pm->why);
		json_array_append_new(advice, json_string(line));
	} else if (geteuid() != 0 && pm->paranoid > 0) {
		snprintf(line, sizeof(line),
			 "hardware counters: %u monitors found, but kernel.perf_event_paranoid=%d "
			 "lets only CAP_PERFMON (or root) count them",
			 pm->nr_pmus, pm->paranoid);
		json_array_append_new(advice, json_string(line));
	}
	perfmon__free(pm);
}
