// SPDX-License-Identifier: GPL-2.0
/*
 * wq_hostcfg.c - accel-config JSON and a trace's host snapshot to wq.*
 * settings (see wq_hostcfg.h for the mapping assumptions). Both inputs are
 * first read into one small description of the device, so that the two
 * readers share every rule of how a device becomes settings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/params.h"
#include "model/wq/wq.h"
#include "replay/wq_hostcfg.h"
#include "trace/trace.h"

#define NONE (-1LL)

struct hc_wq {
	long long id;	     /* N of wqD.N */
	char mode[16];	     /* "dedicated" | "shared" */
	long long size;	     /* entries */
	long long threshold; /* shared: ENQCMD limit */
	long long priority;  /* 1..15 */
	long long group;     /* group id */
	long long bof;	     /* block_on_fault */
};

/* What the settings are made from. */
struct hc_dev {
	struct hc_wq wq[64];		  /* configured WQs (size > 0) */
	size_t nr_wqs;			  /* used */
	long long engines[WQ_MAX_GROUPS]; /* engines per group id */
	long long max_read_buffers;	  /* NONE: not given */
	long long wq_entries;		  /* device WQ entries, NONE: not given */
	long long max_batch;		  /* NONE: not given */
};

static long long num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v)) {
		char *end;
		long long x = strtoll(json_string_value(v), &end, 0);

		if (end != json_string_value(v) && !*end)
			return x;
	}
	return NONE;
}

static const char *str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "wq0.3" -> 3 with *@dev = 0; -1 if @name is not PREFIX<dev>.<n>. */
static long long sub_id(const char *name, const char *prefix, long long *dev)
{
	size_t pl = strlen(prefix);
	char *end;
	long long d, n;

	if (!name || strncmp(name, prefix, pl))
		return -1;
	d = strtoll(name + pl, &end, 10);
	if (end == name + pl || *end != '.')
		return -1;
	n = strtoll(end + 1, &end, 10);
	if (*end)
		return -1;
	if (dev)
		*dev = d;
	return n;
}

static void dev_init(struct hc_dev *h)
{
	memset(h, 0, sizeof(*h));
	h->max_read_buffers = h->wq_entries = h->max_batch = NONE;
}

static int add_wq(struct hc_dev *h, const json_t *w, long long group, char *err, size_t n)
{
	struct hc_wq *q;
	const char *mode = str(w, "mode");
	long long id = sub_id(str(w, "dev") ? str(w, "dev") : str(w, "name"), "wq", NULL);

	if (num(w, "size") <= 0)
		return 0; /* not configured */
	if (h->nr_wqs == sizeof(h->wq) / sizeof(h->wq[0])) {
		snprintf(err, n, "more than %zu work queues", h->nr_wqs);
		return -EINVAL;
	}
	q = &h->wq[h->nr_wqs++];
	q->id = id;
	snprintf(q->mode, sizeof(q->mode), "%s", mode ? mode : "");
	q->size = num(w, "size");
	q->threshold = num(w, "threshold");
	q->priority = num(w, "priority");
	q->group = num(w, "group_id") != NONE ? num(w, "group_id") : group;
	q->bof = num(w, "block_on_fault");
	return 0;
}

static int cmp_wq(const void *a, const void *b)
{
	const struct hc_wq *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int add(struct wq_hostcfg_kv *kv, size_t *nr, const char *key, long long v)
{
	if (*nr == WQ_HOSTCFG_MAX_KV)
		return -EINVAL;
	snprintf(kv[*nr].key, sizeof(kv[*nr].key), "%s", key);
	snprintf(kv[*nr].value, sizeof(kv[*nr].value), "%lld", v);
	(*nr)++;
	return 0;
}

/* The one place where a device description becomes settings. */
static int emit(struct hc_dev *h, struct wq_hostcfg_kv *kv, size_t *nr, char *err, size_t n)
{
	long long nr_groups = 0;
	char key[40];
	size_t i;
	int rc = 0;

	*nr = 0;
	if (!h->nr_wqs)
		return 0;
	if (h->nr_wqs > WQ_MAX_WQS) {
		snprintf(err, n, "%zu configured work queues, the model takes at most %d",
			 h->nr_wqs, WQ_MAX_WQS);
		return -EINVAL;
	}
	qsort(h->wq, h->nr_wqs, sizeof(h->wq[0]), cmp_wq);
	for (i = 0; i < WQ_MAX_GROUPS; i++)
		if (h->engines[i])
			nr_groups = (long long)i + 1;
	for (i = 0; i < h->nr_wqs; i++) {
		struct hc_wq *q = &h->wq[i];

		if (q->group < 0 || q->group >= WQ_MAX_GROUPS) {
			snprintf(err, n, "wq%lld: group %lld is not one of the device's %d groups",
				 q->id, q->group, WQ_MAX_GROUPS);
			return -EINVAL;
		}
		if (strcmp(q->mode, "dedicated") && strcmp(q->mode, "shared")) {
			snprintf(err, n, "wq%lld: mode '%s' is not dedicated or shared", q->id,
				 q->mode);
			return -EINVAL;
		}
		if (q->group + 1 > nr_groups)
			nr_groups = q->group + 1;
	}
	rc = rc ?: add(kv, nr, "wq.nr_groups", nr_groups);
	for (i = 0; i < (size_t)nr_groups; i++) {
		snprintf(key, sizeof(key), "wq.group%u.engines", (unsigned int)i);
		rc = rc ?: add(kv, nr, key, h->engines[i]);
	}
	if (h->wq_entries != NONE)
		rc = rc ?: add(kv, nr, "wq.device_wq_entries", h->wq_entries);
	if (h->max_batch != NONE)
		rc = rc ?: add(kv, nr, "wq.max_batch", h->max_batch);
	if (h->max_read_buffers != NONE)
		rc = rc ?: add(kv, nr, "wq.max_read_buffers", h->max_read_buffers);
	rc = rc ?: add(kv, nr, "wq.nr_wqs", (long long)h->nr_wqs);
	for (i = 0; i < h->nr_wqs && !rc; i++) {
		struct hc_wq *q = &h->wq[i];

		if (*nr + 6 > WQ_HOSTCFG_MAX_KV)
			break;
		snprintf(kv[*nr].key, sizeof(kv[*nr].key), "wq.wq%u.mode", (unsigned int)i);
		snprintf(kv[*nr].value, sizeof(kv[*nr].value), "%s", q->mode);
		(*nr)++;
#define WQKEY(f, v)                                                                                \
	do {                                                                                       \
		snprintf(key, sizeof(key), "wq.wq%u." f, (unsigned int)i);                         \
		rc = rc ?: add(kv, nr, key, v);                                                    \
	} while (0)
		WQKEY("size", q->size);
		WQKEY("group", q->group);
		if (q->priority != NONE)
			WQKEY("priority", q->priority);
		/* accel-config shows threshold 0 for dedicated WQs: not a limit */
		if (q->threshold != NONE && (q->threshold || !strcmp(q->mode, "shared")))
			WQKEY("threshold", q->threshold);
		if (q->bof != NONE)
			WQKEY("block_on_fault", q->bof);
#undef WQKEY
	}
	if (rc)
		snprintf(err, n, "more than %d settings", WQ_HOSTCFG_MAX_KV);
	return rc;
}

static void count_engine(struct hc_dev *h, long long group)
{
	if (group >= 0 && group < WQ_MAX_GROUPS)
		h->engines[group]++;
}

static bool has_wq(const json_t *groups)
{
	size_t i, k;
	json_t *g, *w;

	json_array_foreach (groups, i, g)
		json_array_foreach (json_object_get(g, "grouped_workqueues"), k, w)
			if (num(w, "size") > 0)
				return true;
	return false;
}

int wq_hostcfg_from_accel(const json_t *root, const char *device, struct wq_hostcfg_kv *kv,
			  size_t *nr, char *err, size_t err_bytes)
{
	const json_t *dev = NULL, *d;
	struct hc_dev h;
	size_t i, k;
	json_t *g, *x;

	*nr = 0;
	if (json_is_object(root)) {
		dev = root;
	} else if (json_is_array(root)) {
		json_array_foreach (root, i, d) {
			const char *name = str(d, "dev");

			if (device ? name && !strcmp(name, device)
				   : has_wq(json_object_get(d, "groups"))) {
				dev = d;
				break;
			}
		}
	}
	if (!dev) {
		snprintf(err, err_bytes,
			 device ? "no device '%s'" : "no device with a configured work queue",
			 device);
		return -EINVAL;
	}
	dev_init(&h);
	h.max_read_buffers = num(dev, "max_read_buffers");
	h.wq_entries = num(dev, "max_work_queues_size");
	if (h.wq_entries == NONE)
		h.wq_entries = num(dev, "work_queue_size");
	h.max_batch = num(dev, "max_batch_size");
	json_array_foreach (json_object_get(dev, "groups"), i, g) {
		long long gid = sub_id(str(g, "dev"), "group", NULL);

		json_array_foreach (json_object_get(g, "grouped_workqueues"), k, x) {
			int rc = add_wq(&h, x, gid, err, err_bytes);

			if (rc)
				return rc;
		}
		json_array_foreach (json_object_get(g, "grouped_engines"), k, x)
			count_engine(&h, num(x, "group_id") != NONE ? num(x, "group_id") : gid);
	}
	return emit(&h, kv, nr, err, err_bytes);
}

int wq_hostcfg_from_snapshot(const json_t *dsa, const char *device, struct wq_hostcfg_kv *kv,
			     size_t *nr, char *err, size_t err_bytes)
{
	long long want = -1, d;
	struct hc_dev h;
	size_t i;
	json_t *x;

	*nr = 0;
	if (!json_is_object(dsa))
		return 0;
	if (device && sscanf(device, "dsa%lld", &want) != 1) {
		snprintf(err, err_bytes, "device '%s' is not dsaN", device);
		return -EINVAL;
	}
	if (want < 0) { /* the first device with a configured WQ */
		json_array_foreach (json_object_get(dsa, "wqs"), i, x)
			if (num(x, "size") > 0 && sub_id(str(x, "name"), "wq", &d) >= 0) {
				want = d;
				break;
			}
		if (want < 0)
			return 0;
	}
	dev_init(&h);
	json_array_foreach (json_object_get(dsa, "devices"), i, x) {
		const char *name = str(x, "name");

		if (name && sscanf(name, "dsa%lld", &d) == 1 && d == want) {
			h.wq_entries = num(x, "max_work_queues_size");
			h.max_batch = num(x, "max_batch_size");
			h.max_read_buffers = num(x, "max_read_buffers");
		}
	}
	json_array_foreach (json_object_get(dsa, "wqs"), i, x) {
		int rc;

		if (sub_id(str(x, "name"), "wq", &d) < 0 || d != want)
			continue;
		if ((rc = add_wq(&h, x, NONE, err, err_bytes)))
			return rc;
	}
	json_array_foreach (json_object_get(dsa, "engines"), i, x)
		if (sub_id(str(x, "name"), "engine", &d) >= 0 && d == want)
			count_engine(&h, num(x, "group_id"));
	return emit(&h, kv, nr, err, err_bytes);
}

int wq_hostcfg_read_file(const char *path, struct wq_hostcfg_kv *kv, size_t *nr, char *err,
			 size_t err_bytes)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	char why[200];
	int rc;

	*nr = 0;
	if (!root) {
		snprintf(err, err_bytes, "%s:%d: %s", path, je.line, je.text);
		return -EINVAL;
	}
	rc = wq_hostcfg_from_accel(root, NULL, kv, nr, why, sizeof(why));
	json_decref(root);
	if (rc)
		snprintf(err, err_bytes, "%s: %s", path, why);
	return rc;
}

int wq_hostcfg_apply_trace(struct params *p, const char *trace_path, char *err, size_t err_bytes)
{
	struct wq_hostcfg_kv kv[WQ_HOSTCFG_MAX_KV];
	struct trace_reader *r;
	json_t *meta = NULL;
	char why[200], origin[1100];
	size_t nr = 0, i;
	int e = 0, rc = 0;

	r = trace_reader__open(trace_path, &e);
	if (!r)
		return 0;
	if (trace_reader__meta_json(r))
		meta = json_loads(trace_reader__meta_json(r), 0, NULL);
	if (meta && wq_hostcfg_from_snapshot(json_object_get(json_object_get(meta, "host"), "dsa"),
					     NULL, kv, &nr, why, sizeof(why))) {
		snprintf(err, err_bytes, "%s: host snapshot: %s", trace_path, why);
		rc = -EINVAL;
		nr = 0;
	}
	snprintf(origin, sizeof(origin), "trace host snapshot (%s)", trace_path);
	for (i = 0; i < nr && !rc; i++) {
		if (params__set(p, kv[i].key, kv[i].value, origin, why, sizeof(why))) {
			snprintf(err, err_bytes, "%s: host snapshot: %s", trace_path, why);
			rc = -EINVAL;
		}
	}
	json_decref(meta);
	trace_reader__close(r);
	return rc ? rc : (int)nr;
}
