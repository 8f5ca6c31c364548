// SPDX-License-Identifier: GPL-2.0
/*
 * event_sys.c - the system of a tracepoint known only by its name (see
 * event_sys.h). The built-in table holds the events most often found in a
 * trace beside the IOMMU ones (scheduler, syscalls, IRQs, timers, memory,
 * block, network, power, workqueues) and the families svatrace decodes;
 * names are those of the kernel's include/trace/events/ headers (TRACE_SYSTEM)
 * and the events' TRACE_EVENT names (Linux 6.1-6.12).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "collect/import/event_sys.h"

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif
#ifndef DEBUGFS_MAGIC
#define DEBUGFS_MAGIC 0x64626720
#endif

#define ES_CACHE_MAX 512 /* names remembered per resolver (tracefs lookups) */

struct es_entry {
	char *name; /* event name */
	char *sys;  /* its system, NULL: tracefs does not know it */
};

struct event_sys {
	struct es_entry *list;	/* --event-list pairs (sys NULL: ambiguous) */
	size_t nr_list;		/* entries of list */
	char *events_dir;	/* tracefs events/ to search, NULL: none */
	struct es_entry *cache; /* names looked up there */
	size_t nr_cache;	/* entries of cache */
};

/* exact names, then prefixes ending in '_' or '*' (longest listed first) */
static const struct {
	const char *name;
	const char *sys;
} builtin[] = {
    {"tracing_mark_write", "ftrace"}, /* trace_marker text: ftrace/print */
    {"print", "ftrace"},
    {"function", "ftrace"},
    {"funcgraph_entry", "ftrace"},
    {"funcgraph_exit", "ftrace"},
    {"bprint", "ftrace"},
    {"bputs", "ftrace"},
    {"kernel_stack", "ftrace"},
    {"user_stack", "ftrace"},
    {"sys_enter", "raw_syscalls"},
    {"sys_exit", "raw_syscalls"},
    {"sys_enter_*", "syscalls"},
    {"sys_exit_*", "syscalls"},
    {"sched_*", "sched"},
    {"irq_handler_*", "irq"},
    {"softirq_*", "irq"},
    {"tasklet_*", "irq"},
    {"irq_vectors", "irq_vectors"},
    {"local_timer_*", "irq_vectors"},
    {"reschedule_*", "irq_vectors"},
    {"call_function_*", "irq_vectors"},
    {"timer_*", "timer"},
    {"hrtimer_*", "timer"},
    {"itimer_*", "timer"},
    {"tick_stop", "timer"},
    {"workqueue_*", "workqueue"},
    {"kmalloc", "kmem"},
    {"kmalloc_node", "kmem"},
    {"kfree", "kmem"},
    {"kmem_cache_*", "kmem"},
    {"mm_page_*", "kmem"},
    {"rss_stat", "kmem"},
    {"mm_filemap_*", "filemap"},
    {"mm_vmscan_*", "vmscan"},
    {"mm_compaction_*", "compaction"},
    {"page_fault_user", "exceptions"},
    {"page_fault_kernel", "exceptions"},
    {"block_*", "block"},
    {"nvme_*", "nvme"},
    {"net_dev_*", "net"},
    {"netif_*", "net"},
    {"napi_poll", "napi"},
    {"kfree_skb", "skb"},
    {"consume_skb", "skb"},
    {"cpu_idle", "power"},
    {"cpu_frequency", "power"},
    {"cpu_idle_miss", "power"},
    {"signal_*", "signal"},
    {"task_newtask", "task"},
    {"task_rename", "task"},
    {"cpuhp_*", "cpuhp"},
    {"rcu_utilization", "rcu"},
    {"rcu_*", "rcu"},
    {"lock_*", "lock"},
    {"contention_*", "lock"},
    {"xhci_*", "xhci-hcd"},
    {"kvm_*", "kvm"},
    {"virtio_*", "virtio"},
    /* the IOMMU, DMA-API and DSA families svatrace decodes */
    {"map", "iommu"},
    {"unmap", "iommu"},
    {"io_page_fault", "iommu"},
    {"add_device_to_group", "iommu"},
    {"remove_device_from_group", "iommu"},
    {"attach_device_to_domain", "iommu"},
    {"detach_device_from_domain", "iommu"},
    {"qi_submit", "intel_iommu"},
    {"prq_report", "intel_iommu"},
    {"cache_tag_*", "intel_iommu"},
    {"dma_*", "dma"},
    {"idxd_*", "idxd"},
};

const char *event_sys_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		const char *n = builtin[i].name;
		size_t len = strlen(n);

		if (n[len - 1] == '*' ? !strncmp(name, n, len - 1) : !strcmp(name, n))
			return builtin[i].sys;
	}
	return NULL;
}

int event_sys_tracefs_events_dir(const char *path, char *buf, size_t len)
{
	char real[PATH_MAX], *slash;
	struct statfs fs;
	struct stat st;
	int n;

	if (!realpath(path, real) || statfs(real, &fs) ||
	    (fs.f_type != TRACEFS_MAGIC && fs.f_type != DEBUGFS_MAGIC))
		return -1;
	slash = strrchr(real, '/');
	if (!slash)
		return -1;
	*slash = 0;
	n = snprintf(buf, len, "%s/events", real);
	if (n < 0 || (size_t)n >= len || stat(buf, &st) || !S_ISDIR(st.st_mode))
		return -1;
	return 0;
}

struct event_sys *event_sys__new(const char *events_dir)
{
	struct event_sys *es = calloc(1, sizeof(*es));

	if (!es)
		return NULL;
	if (events_dir) {
		es->events_dir = strdup(events_dir);
		es->cache = calloc(ES_CACHE_MAX, sizeof(*es->cache));
		if (!es->events_dir || !es->cache) {
			event_sys__free(es);
			errno = ENOMEM;
			return NULL;
		}
	}
	return es;
}

int event_sys__load_list(struct event_sys *es, const char *path, char *err, size_t err_bytes)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned long lineno = 0;
	size_t cap = 0;
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(err, err_bytes, "%s: %s", path, strerror(errno));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon, *name, *sys;
		size_t i;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon || colon == line || !colon[1] || strchr(colon + 1, ':') ||
		    strpbrk(line, " \t")) {
			snprintf(err, err_bytes,
				 "%s:%lu: want SYSTEM:NAME (as tracefs available_events)", path,
				 lineno);
			rc = -EINVAL;
			break;
		}
		*colon = 0;
		sys = line;
		name = colon + 1;
		for (i = 0; i < es->nr_list; i++)
			if (!strcmp(es->list[i].name, name))
				break;
		if (i < es->nr_list) {
			if (es->list[i].sys && strcmp(es->list[i].sys, sys)) {
				free(es->list[i].sys); /* two systems: the name cannot say */
				es->list[i].sys = NULL;
			}
			continue;
		}
		if (es->nr_list == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct es_entry *n = realloc(es->list, ncap * sizeof(*n));

			if (!n) {
				rc = -ENOMEM;
				break;
			}
			es->list = n;
			cap = ncap;
		}
		es->list[es->nr_list].name = strdup(name);
		es->list[es->nr_list].sys = strdup(sys);
		if (!es->list[es->nr_list].name || !es->list[es->nr_list].sys) {
			free(es->list[es->nr_list].name);
			free(es->list[es->nr_list].sys);
			rc = -ENOMEM;
			break;
		}
		es->nr_list++;
	}
	if (rc == -ENOMEM)
		snprintf(err, err_bytes, "%s: out of memory", path);
	fclose(f);
	return rc;
}

void event_sys__free(struct event_sys *es)
{
	if (!es)
		return;
	for (size_t i = 0; i < es->nr_list; i++) {
		free(es->list[i].name);
		free(es->list[i].sys);
	}
	free(es->list);
	for (size_t i = 0; i < es->nr_cache; i++) {
		free(es->cache[i].name);
		free(es->cache[i].sys);
	}
	free(es->cache);
	free(es->events_dir);
	free(es);
}

/* The system whose events/SYS/NAME directory exists; NULL if none or two. */
static char *tracefs_sys(const char *events_dir, const char *name)
{
	char path[PATH_MAX], *found = NULL;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(events_dir);
	int n;

	if (!d)
		return NULL;
	/* events/SYSTEM/EVENT/ (an instance has no available_events list) */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n = snprintf(path, sizeof(path), "%s/%s/%s", events_dir, de->d_name, name);
		if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (found) { /* the same name in two systems: the name alone cannot say */
			free(found);
			found = NULL;
			break;
		}
		found = strdup(de->d_name);
	}
	closedir(d);
	return found;
}

void event_sys__name(struct event_sys *es, const char *name, char *buf, size_t len)
{
	const char *sys = NULL;

	for (size_t i = 0; es && i < es->nr_list; i++)
		if (!strcmp(es->list[i].name, name)) {
			sys = es->list[i].sys;
			break;
		}
	if (!sys && es && es->events_dir) {
		size_t i;

		for (i = 0; i < es->nr_cache; i++)
			if (!strcmp(es->cache[i].name, name))
				break;
		if (i == es->nr_cache && es->nr_cache < ES_CACHE_MAX) {
			es->cache[i].name = strdup(name);
			es->cache[i].sys =
			    es->cache[i].name ? tracefs_sys(es->events_dir, name) : NULL;
			if (es->cache[i].name)
				es->nr_cache++;
		}
		if (i < es->nr_cache)
			sys = es->cache[i].sys;
		else
			sys = NULL;
		if (!sys && i == ES_CACHE_MAX) { /* cache full: ask tracefs each time */
			char *s = tracefs_sys(es->events_dir, name);

			if (s) {
				snprintf(buf, len, "%s:%s", s, name);
				free(s);
				return;
			}
		}
	}
	if (!sys)
		sys = event_sys_builtin(name);
	if (!strcmp(name, "tracing_mark_write") || (sys && !strcmp(name, "print"))) {
		snprintf(buf, len, "ftrace:print"); /* the event trace_marker writes */
		return;
	}
	snprintf(buf, len, "%s:%s", sys ? sys : "unknown", name);
}
