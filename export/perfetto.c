// SPDX-License-Identifier: GPL-2.0
/*
 * perfetto.c - a trace as a Perfetto protobuf trace (see perfetto.h).
 *
 * Field numbers are those of Perfetto's public protos (proto2, package
 * perfetto.protos), cited per message below:
 *   protos/perfetto/trace/trace.proto             Trace.packet = 1
 *   protos/perfetto/trace/trace_packet.proto      TracePacket
 *   protos/perfetto/trace/track_event/track_descriptor.proto
 *   protos/perfetto/trace/track_event/counter_descriptor.proto
 *   protos/perfetto/trace/track_event/track_event.proto
 *   protos/perfetto/trace/track_event/debug_annotation.proto
 * Every packet carries trusted_packet_sequence_id 1 (one writer, one
 * sequence); the first sets SEQ_INCREMENTAL_STATE_CLEARED. Timestamps are
 * the trace's own ns (TracePacket.timestamp, default clock): one trace, one
 * clock, so relative positions are right whatever the trace clock was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/pb.h"
#include "export/perfetto.h"
#include "lib/u64map.h"
#include "trace/fields.h"
#include "trace/trace.h"

/* trace.proto */
#define TRACE_PACKET 1
/* trace_packet.proto */
#define PKT_TIMESTAMP 8
#define PKT_SEQ_ID 10 /* trusted_packet_sequence_id */
#define PKT_TRACK_EVENT 11
#define PKT_INTERNED_DATA 12
#define PKT_SEQ_FLAGS 13 /* sequence_flags */
#define PKT_TRACK_DESCRIPTOR 60
#define SEQ_INCREMENTAL_STATE_CLEARED 1
#define SEQ_NEEDS_INCREMENTAL_STATE 2
/* interned_data.proto: InternedData; EventCategory, EventName, DebugAnnotationName are {iid = 1,
 * name = 2} */
#define ID_EVENT_CATEGORIES 1
#define ID_EVENT_NAMES 2
#define ID_DEBUG_ANNOTATION_NAMES 3
#define IE_IID 1
#define IE_NAME 2
/* track_descriptor.proto */
#define TD_UUID 1
#define TD_NAME 2
#define TD_PARENT_UUID 5
#define TD_COUNTER 8
/* counter_descriptor.proto */
#define CD_UNIT 3
#define CD_UNIT_COUNT 2
/* track_event.proto */
#define TE_CATEGORY_IIDS 3
#define TE_DEBUG_ANNOTATIONS 4
#define TE_TYPE 9
#define TE_NAME_IID 10
#define TE_TRACK_UUID 11
#define TE_CATEGORIES 22
#define TE_NAME 23
#define TE_COUNTER_VALUE 30 /* int64 */
#define TE_DOUBLE_COUNTER_VALUE 44
#define TYPE_SLICE_BEGIN 1
#define TYPE_SLICE_END 2
#define TYPE_INSTANT 3
#define TYPE_COUNTER 4
/* debug_annotation.proto */
#define DA_NAME_IID 1
#define DA_UINT 3
#define DA_INT 4
#define DA_STRING 6
#define DA_POINTER 7
#define DA_NAME 10

/* Track uuids: a class in the top byte, an index below (0 is Perfetto's global track). */
#define UUID_GROUP(n) ((uint64_t)(n))
#define UUID_CPU(c) (1ull << 56 | (c))
#define UUID_DEV(id) (2ull << 56 | (id))
#define UUID_UNIT(id) (3ull << 56 | (id))
#define UUID_LANE(id, l) (4ull << 56 | (uint64_t)(id) << 8 | (l))
#define UUID_INFLIGHT(id) (5ull << 56 | (id))
#define UUID_SERIES(i) (6ull << 56 | (i))
enum { GROUP_CPUS = 1, GROUP_DEVICES = 2, GROUP_UNITS = 3, GROUP_MODEL = 4 };

struct pf {
	FILE *out;		    /* output */
	const char *out_path;	    /* for messages */
	struct trace_reader *r;	    /* input */
	struct pb_buf pkt, ev, sub; /* packet, its track event/descriptor, annotation */
	struct pb_buf packet;	    /* the framed packet (Trace.packet) */
	struct pb_buf interned;	    /* InternedData new in this packet */
	struct pb_buf ientry;	    /* one interned entry */
	struct u64map iids[4];	    /* per InternedData field: string address -> iid */
	uint64_t next_iid[4];	    /* last iid given, per field */
	bool first;		    /* no packet written yet */
	struct u64map tracks;	    /* uuid -> 1 once described */
	struct u64map lanes;	    /* device id -> bitmask of busy lanes */
	struct u64map live;	    /* map_key(device, iova) -> device << 8 | lane */
	struct u64map inflight;	    /* device id -> WQ descriptors in flight */
	uint64_t last_ts;	    /* newest timestamp seen */
	struct perfetto_stats st;   /* counts */
};

static int emit(struct pf *p, uint64_t ts, uint32_t field, const struct pb_buf *body, bool has_ts)
{
	pb_reset(&p->pkt);
	if (has_ts)
		pb_varint_field(&p->pkt, PKT_TIMESTAMP, ts);
	pb_varint_field(&p->pkt, PKT_SEQ_ID, 1);
	if (p->first || field == PKT_TRACK_EVENT)
		pb_varint_field(&p->pkt, PKT_SEQ_FLAGS,
				(p->first ? SEQ_INCREMENTAL_STATE_CLEARED : 0) |
				    (field == PKT_TRACK_EVENT ? SEQ_NEEDS_INCREMENTAL_STATE : 0));
	p->first = false;
	if (p->interned.len) {
		pb_msg(&p->pkt, PKT_INTERNED_DATA, &p->interned);
		pb_reset(&p->interned);
	}
	pb_msg(&p->pkt, field, body);
	pb_reset(&p->packet);
	pb_msg(&p->packet, TRACE_PACKET, &p->pkt);
	if (p->packet.err)
		return p->packet.err;
	if (fwrite(p->packet.p, 1, p->packet.len, p->out) != p->packet.len)
		return -errno ?: -EIO;
	p->st.out_bytes += p->packet.len;
	return 0;
}

/*
 * The iid of string @s in InternedData field @field, adding the entry to
 * this packet's interned data the first time. Strings are told apart by
 * address: every name here is a static table entry or a reader string,
 * stable for the whole export.
 */
static uint64_t intern(struct pf *p, unsigned int field, const char *s)
{
	uint64_t iid;

	if (u64map_get(&p->iids[field], (uint64_t)(uintptr_t)s, &iid))
		return iid;
	iid = ++p->next_iid[field];
	if (u64map_put(&p->iids[field], (uint64_t)(uintptr_t)s, iid)) {
		p->interned.err = -ENOMEM;
		return iid;
	}
	pb_reset(&p->ientry);
	pb_varint_field(&p->ientry, IE_IID, iid);
	pb_str_field(&p->ientry, IE_NAME, s);
	pb_msg(&p->interned, field, &p->ientry);
	return iid;
}

/* A track descriptor, once per uuid. @counter: a counter track (unit: count). */
static int describe(struct pf *p, uint64_t uuid, uint64_t parent, const char *name, bool counter)
{
	uint64_t v;
	int rc;

	if (u64map_get(&p->tracks, uuid, &v))
		return 0;
	rc = u64map_put(&p->tracks, uuid, 1);
	if (rc)
		return rc;
	pb_reset(&p->ev);
	pb_varint_field(&p->ev, TD_UUID, uuid);
	pb_str_field(&p->ev, TD_NAME, name);
	if (parent)
		pb_varint_field(&p->ev, TD_PARENT_UUID, parent);
	if (counter) {
		pb_reset(&p->sub);
		pb_varint_field(&p->sub, CD_UNIT, CD_UNIT_COUNT);
		pb_msg(&p->ev, TD_COUNTER, &p->sub);
	}
	return emit(p, 0, PKT_TRACK_DESCRIPTOR, &p->ev, false);
}

static const char *str_or(const struct pf *p, uint32_t id, char *buf, size_t bytes,
			  uint32_t fallback)
{
	const char *s = trace_reader__string(p->r, id);

	if (s)
		return s;
	snprintf(buf, bytes, "#%u", fallback);
	return buf;
}

/* The track a record's event goes on: its IOMMU unit, its device, or its CPU. */
static int record_track(struct pf *p, const struct trace_rec *rec, uint64_t *uuid)
{
	const struct trace_field *f;
	uint32_t dev = 0, unit = 0;
	char name[64], buf[32];
	size_t nr;
	int rc;

	f = trace_rec_fields(rec->kind, &nr);
	for (size_t i = 0; i < nr; i++) {
		if (f[i].type != TRACE_F_STR)
			continue;
		if (!strcmp(f[i].name, "iommu_id"))
			unit = (uint32_t)trace_field_u64(rec, &f[i]);
		else if (!strcmp(f[i].name, "device_id"))
			dev = (uint32_t)trace_field_u64(rec, &f[i]);
	}
	/* maps without a device (iommu:map before Linux 6.x names none) share one track */
	if (!dev && (rec->kind == TRACE_REC_IOMMU_MAP || rec->kind == TRACE_REC_IOMMU_UNMAP)) {
		*uuid = UUID_DEV(0);
		if (u64map_get(&p->tracks, *uuid, &(uint64_t){0}))
			return 0;
		rc = describe(p, *uuid, UUID_GROUP(GROUP_DEVICES),
			      "IOMMU maps (device not in event)", false);
		p->st.nr_device_tracks++;
		return rc;
	}
	/* unit first: a qi_submit or page request is the unit's work, whoever asked */
	if (unit) {
		*uuid = UUID_UNIT(unit);
		if (u64map_get(&p->tracks, *uuid, &(uint64_t){0}))
			return 0;
		rc = describe(p, *uuid, UUID_GROUP(GROUP_UNITS),
			      str_or(p, unit, buf, sizeof(buf), unit), false);
		p->st.nr_unit_tracks++;
		return rc;
	}
	if (dev) {
		*uuid = UUID_DEV(dev);
		if (u64map_get(&p->tracks, *uuid, &(uint64_t){0}))
			return 0;
		rc = describe(p, *uuid, UUID_GROUP(GROUP_DEVICES),
			      str_or(p, dev, buf, sizeof(buf), dev), false);
		p->st.nr_device_tracks++;
		return rc;
	}
	*uuid = UUID_CPU(rec->cpu);
	if (u64map_get(&p->tracks, *uuid, &(uint64_t){0}))
		return 0;
	snprintf(name, sizeof(name), "CPU %u", rec->cpu);
	rc = describe(p, *uuid, UUID_GROUP(GROUP_CPUS), name, false);
	p->st.nr_cpu_tracks++;
	return rc;
}

/* The record's fields as debug annotations on p->ev. */
static void annotate(struct pf *p, const struct trace_rec *rec)
{
	const struct trace_field *f;
	size_t nr;

	static const char pid_name[] = "pid", text_name[] = "text";

	pb_reset(&p->sub);
	pb_varint_field(&p->sub, DA_NAME_IID, intern(p, ID_DEBUG_ANNOTATION_NAMES, pid_name));
	pb_varint_field(&p->sub, DA_UINT, rec->pid);
	pb_msg(&p->ev, TE_DEBUG_ANNOTATIONS, &p->sub);
	if (rec->kind == TRACE_REC_GENERIC) {
		pb_reset(&p->sub);
		pb_varint_field(&p->sub, DA_NAME_IID,
				intern(p, ID_DEBUG_ANNOTATION_NAMES, text_name));
		pb_str_field(&p->sub, DA_STRING, trace_reader__generic_text(rec));
		pb_msg(&p->ev, TE_DEBUG_ANNOTATIONS, &p->sub);
		return;
	}
	f = trace_rec_fields(rec->kind, &nr);
	for (size_t i = 0; i < nr; i++) {
		uint64_t v = trace_field_u64(rec, &f[i]);
		const char *s;

		pb_reset(&p->sub);
		pb_varint_field(&p->sub, DA_NAME_IID,
				intern(p, ID_DEBUG_ANNOTATION_NAMES, f[i].name));
		switch (f[i].type) {
		case TRACE_F_STR:
			s = trace_reader__string(p->r, (uint32_t)v);
			pb_str_field(&p->sub, DA_STRING, s ? s : "");
			break;
		case TRACE_F_HEX64:
			pb_varint_field(&p->sub, DA_POINTER, v);
			break;
		case TRACE_F_S16:
		case TRACE_F_S32:
			pb_varint_field(&p->sub, DA_INT,
					v); /* int64 two's complement, sign-extended */
			break;
		default:
			pb_varint_field(&p->sub, DA_UINT, v);
		}
		pb_msg(&p->ev, TE_DEBUG_ANNOTATIONS, &p->sub);
	}
}

static int track_event(struct pf *p, uint64_t ts, uint64_t track, int type, const char *name,
		       const struct trace_rec *rec)
{
	pb_reset(&p->ev);
	pb_varint_field(&p->ev, TE_TYPE, (uint64_t)type);
	pb_varint_field(&p->ev, TE_TRACK_UUID, track);
	if (name) {
		pb_varint_field(&p->ev, TE_CATEGORY_IIDS,
				intern(p, ID_EVENT_CATEGORIES, trace_rec_kind_name(rec->kind)));
		pb_varint_field(&p->ev, TE_NAME_IID, intern(p, ID_EVENT_NAMES, name));
		annotate(p, rec);
	}
	return emit(p, ts, PKT_TRACK_EVENT, &p->ev, true);
}

static int counter_event(struct pf *p, uint64_t ts, uint64_t track, int64_t iv, const double *dv)
{
	pb_reset(&p->ev);
	pb_varint_field(&p->ev, TE_TYPE, TYPE_COUNTER);
	pb_varint_field(&p->ev, TE_TRACK_UUID, track);
	if (dv)
		pb_double_field(&p->ev, TE_DOUBLE_COUNTER_VALUE, *dv);
	else
		pb_varint_field(&p->ev, TE_COUNTER_VALUE, (uint64_t)iv);
	p->st.nr_counter_events++;
	return emit(p, ts, PKT_TRACK_EVENT, &p->ev, true);
}

/* Key of a live mapping; the device id in the top byte keeps devices apart. */
static uint64_t map_key(uint32_t dev, uint64_t iova)
{
	uint64_t k = iova ^ (uint64_t)dev << 56;

	return k == U64MAP_EMPTY ? k - 1 : k;
}

static int lane_end(struct pf *p, uint32_t dev, uint64_t key, uint64_t ts)
{
	uint64_t lane, mask = 0;

	if (!u64map_get(&p->live, key, &lane))
		return 0;
	u64map_del(&p->live, key);
	lane &= 0xff;
	u64map_get(&p->lanes, dev, &mask);
	mask &= ~(1ull << lane);
	if (u64map_put(&p->lanes, dev, mask))
		return -ENOMEM;
	pb_reset(&p->ev);
	pb_varint_field(&p->ev, TE_TYPE, TYPE_SLICE_END);
	pb_varint_field(&p->ev, TE_TRACK_UUID, UUID_LANE(dev, lane));
	return emit(p, ts, PKT_TRACK_EVENT, &p->ev, true);
}

static int on_map(struct pf *p, const struct trace_rec *rec, uint64_t track, const char *name)
{
	const struct trace_rec_iommu_map *m = (const void *)rec;
	uint64_t key = map_key(m->device_id, m->iova), mask = 0, lane;
	char lname[96], buf[32];
	int rc;

	/* a second map of a live IOVA: the first one's slice ends here */
	rc = lane_end(p, m->device_id, key, rec->ts_ns);
	if (rc)
		return rc;
	u64map_get(&p->lanes, m->device_id, &mask);
	if (mask == (PERFETTO_MAX_LANES == 64 ? ~0ull : (1ull << PERFETTO_MAX_LANES) - 1))
		return track_event(p, rec->ts_ns, track, TYPE_INSTANT, name, rec);
	lane = (uint64_t)__builtin_ctzll(~mask);
	if (!u64map_get(&p->tracks, UUID_LANE(m->device_id, lane), &(uint64_t){0})) {
		snprintf(lname, sizeof(lname), "%s maps, lane %u",
			 m->device_id ? str_or(p, m->device_id, buf, sizeof(buf), m->device_id)
				      : "no-device",
			 (unsigned)lane);
		rc = describe(p, UUID_LANE(m->device_id, lane), track, lname, false);
		if (rc)
			return rc;
		p->st.nr_lane_tracks++;
	}
	if (u64map_put(&p->lanes, m->device_id, mask | 1ull << lane) ||
	    u64map_put(&p->live, key, (uint64_t)m->device_id << 8 | lane))
		return -ENOMEM;
	p->st.nr_slices++;
	return track_event(p, rec->ts_ns, UUID_LANE(m->device_id, lane), TYPE_SLICE_BEGIN, name,
			   rec);
}

static int on_wq(struct pf *p, const struct trace_rec *rec, uint32_t dev, int delta)
{
	uint64_t n = 0, uuid = UUID_INFLIGHT(dev);
	char name[96], buf[32];
	int rc;

	if (!dev)
		return 0;
	if (!u64map_get(&p->tracks, uuid, &(uint64_t){0})) {
		snprintf(name, sizeof(name), "%s WQ descriptors in flight",
			 str_or(p, dev, buf, sizeof(buf), dev));
		rc = describe(p, uuid, UUID_DEV(dev), name, true);
		if (rc)
			return rc;
		p->st.nr_counter_tracks++;
	}
	u64map_get(&p->inflight, dev, &n);
	if (delta < 0 && n == 0)
		return 0; /* completion of a descriptor submitted before the trace began */
	n = delta > 0 ? n + 1 : n - 1;
	if (u64map_put(&p->inflight, dev, n))
		return -ENOMEM;
	return counter_event(p, rec->ts_ns, uuid, (int64_t)n, NULL);
}

static int on_record(struct pf *p, const struct trace_rec *rec)
{
	const char *name = trace_reader__event_name(p->r, rec);
	uint64_t track;
	int rc;

	if (rec->ts_ns > p->last_ts)
		p->last_ts = rec->ts_ns;
	rc = record_track(p, rec, &track);
	if (rc)
		return rc;
	p->st.nr_events++;
	switch (rec->kind) {
	case TRACE_REC_IOMMU_MAP:
		return on_map(p, rec, track, name);
	case TRACE_REC_IOMMU_UNMAP: {
		const struct trace_rec_iommu_unmap *u = (const void *)rec;

		rc = track_event(p, rec->ts_ns, track, TYPE_INSTANT, name, rec);
		return rc ?: lane_end(p, u->device_id, map_key(u->device_id, u->iova), rec->ts_ns);
	}
	case TRACE_REC_WQ_SUBMIT: {
		const struct trace_rec_wq_submit *w = (const void *)rec;

		rc = track_event(p, rec->ts_ns, track, TYPE_INSTANT, name, rec);
		return rc ?: w->status ? 0 : on_wq(p, rec, w->device_id, +1);
	}
	case TRACE_REC_WQ_COMPLETE: {
		const struct trace_rec_wq_complete *w = (const void *)rec;

		rc = track_event(p, rec->ts_ns, track, TYPE_INSTANT, name, rec);
		return rc ?: on_wq(p, rec, w->device_id, -1);
	}
	default:
		return track_event(p, rec->ts_ns, track, TYPE_INSTANT, name, rec);
	}
}

/* Mappings still live at the end: their slices end at the last timestamp. */
static int close_lanes(struct pf *p)
{
	int rc = 0;

	for (uint64_t i = 0; !rc && i < p->live.cap; i++) {
		uint64_t v = p->live.slots[i].val;

		if (p->live.slots[i].key == U64MAP_EMPTY)
			continue;
		pb_reset(&p->ev);
		pb_varint_field(&p->ev, TE_TYPE, TYPE_SLICE_END);
		pb_varint_field(&p->ev, TE_TRACK_UUID, UUID_LANE(v >> 8, v & 0xff));
		rc = emit(p, p->last_ts, PKT_TRACK_EVENT, &p->ev, true);
	}
	return rc;
}

static int series_tracks(struct pf *p, const struct perfetto_series *s, size_t nr, uint64_t t0)
{
	int rc = 0;

	if (!nr)
		return 0;
	rc = describe(p, UUID_GROUP(GROUP_MODEL), 0, "Model (replay)", false);
	for (size_t i = 0; !rc && i < nr; i++) {
		uint64_t start = s[i].start_ns ? s[i].start_ns : t0;

		rc = describe(p, UUID_SERIES(i), UUID_GROUP(GROUP_MODEL), s[i].key, true);
		p->st.nr_counter_tracks++;
		for (size_t k = 0; !rc && k < s[i].nr; k++)
			rc = counter_event(p, start + k * s[i].window_ns, UUID_SERIES(i), 0,
					   &s[i].values[k]);
	}
	return rc;
}

static void seterr(char *err, size_t bytes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, bytes, fmt, ap);
	va_end(ap);
}

int perfetto_export(const char *trace_path, const char *out_path,
		    const struct perfetto_series *series, size_t nr_series,
		    struct perfetto_stats *st, char *err, size_t err_bytes)
{
	struct pf p = {.out_path = out_path, .first = true};
	const struct trace_rec *rec;
	uint64_t t0 = UINT64_MAX;
	int rc, rrc = 0, oerr;

	p.r = trace_reader__open(trace_path, &oerr);
	if (!p.r) {
		seterr(err, err_bytes, "%s", trace_open_errmsg());
		return oerr ? oerr : -EINVAL;
	}
	if (u64map_init(&p.tracks) || u64map_init(&p.lanes) || u64map_init(&p.live) ||
	    u64map_init(&p.inflight) || u64map_init(&p.iids[1]) || u64map_init(&p.iids[2]) ||
	    u64map_init(&p.iids[3])) {
		rc = -ENOMEM;
		seterr(err, err_bytes, "out of memory");
		goto out;
	}
	p.out = fopen(out_path, "wb");
	if (!p.out) {
		rc = -errno;
		seterr(err, err_bytes, "%s: %s", out_path, strerror(errno));
		goto out;
	}
	setvbuf(p.out, NULL, _IOFBF, 1 << 20);
	rc = describe(&p, UUID_GROUP(GROUP_CPUS), 0, "CPUs", false);
	rc = rc ?: describe(&p, UUID_GROUP(GROUP_DEVICES), 0, "Devices", false);
	rc = rc ?: describe(&p, UUID_GROUP(GROUP_UNITS), 0, "IOMMU units", false);
	while (!rc && (rrc = trace_reader__next(p.r, &rec)) == 1) {
		p.st.nr_records++;
		if (rec->ts_ns < t0)
			t0 = rec->ts_ns;
		rc = on_record(&p, rec);
	}
	rc = rc ?: close_lanes(&p);
	rc = rc ?: series_tracks(&p, series, nr_series, t0 == UINT64_MAX ? 0 : t0);
	if (rc) {
		seterr(err, err_bytes, "%s: %s", out_path, strerror(-rc));
	} else if (rrc < 0) {
		rc = rrc;
		seterr(err, err_bytes, "%s; the records before it were exported",
		       trace_reader__errmsg(p.r));
	}
out:
	if (p.out && fclose(p.out) && !rc) {
		rc = -errno;
		seterr(err, err_bytes, "%s: %s", out_path, strerror(errno));
	}
	if (st)
		*st = p.st;
	pb_fini(&p.pkt);
	pb_fini(&p.ev);
	pb_fini(&p.sub);
	pb_fini(&p.packet);
	u64map_fini(&p.tracks);
	u64map_fini(&p.lanes);
	u64map_fini(&p.live);
	u64map_fini(&p.inflight);
	for (int i = 1; i < 4; i++)
		u64map_fini(&p.iids[i]);
	pb_fini(&p.interned);
	pb_fini(&p.ientry);
	trace_reader__close(p.r);
	return rc;
}
