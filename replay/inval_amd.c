// SPDX-License-Identifier: GPL-2.0
/*
 * inval_amd.c - AMD-Vi command-buffer commands -> the replay's invalidation
 * records (see inval_amd.h for the mapping), and the source that applies
 * it to a trace as it is read.
 *
 * Command layouts (AMD I/O Virtualization Technology (IOMMU) Specification,
 * pub. 48882 rev 3.08, section 2.4; Linux 6.1 drivers/iommu/amd/iommu.c
 * build_completion_wait, build_inv_dte, build_inv_iommu_pages,
 * build_inv_iotlb_pages, build_inv_address, build_inv_irt, build_inv_all):
 * opcode in data[1] bits 31:28.
 * - COMPLETION_WAIT: data[0] bit 0 S (store), bit 1 I, bit 2 F; the store
 *   address is data[1] 19:0 : data[0] 31:3; the store data data[3]:data[2].
 * - INVALIDATE_IOMMU_PAGES: data[0] 19:0 PASID, data[1] 15:0 DomainID,
 *   data[2] bit 0 S, bit 1 PDE, bit 2 GN, address data[3]:data[2] 63:12.
 * - INVALIDATE_IOTLB_PAGES: data[0] 15:0 DeviceID, 31:24 Maxpend (queue
 *   depth), data[0] 23:16 + data[1] 27:16 PASID (GN), data[2] bit 0 S,
 *   bit 2 GN, the address as above.
 * - INVALIDATE_DEVTAB_ENTRY, INVALIDATE_INTERRUPT_TABLE: data[0] 15:0 DeviceID.
 * Address and size (section 2.4.3): with S=0 the 4 KiB page at the address;
 * with S=1 the lowest clear bit n >= 12 of the address says the range is
 * 2^(n+1) bytes, naturally aligned (the bits below n are set to say so:
 * Linux build_inv_address sets them from the most significant bit that
 * differs between the first and last byte); bits 51:12 all set is every
 * page (CMD_INV_IOMMU_ALL_PAGES_ADDRESS).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "replay/inval_amd.h"
#include "trace/trace.h"

static const char *const op_names[INVAL_AMD_NR_OPS] = {
    [INVAL_AMD_COMPLETION_WAIT] = "completion_wait",
    [INVAL_AMD_INV_DEVTAB_ENTRY] = "inv_dev_entry",
    [INVAL_AMD_INV_IOMMU_PAGES] = "inv_iommu_pages",
    [INVAL_AMD_INV_IOTLB_PAGES] = "inv_iotlb_pages",
    [INVAL_AMD_INV_IRT] = "inv_irt",
    [INVAL_AMD_PREFETCH_PAGES] = "prefetch_iommu_pages",
    [INVAL_AMD_COMPLETE_PPR] = "complete_ppr_request",
    [INVAL_AMD_INV_ALL] = "inv_iommu_all",
};

const char *inval_amd_op_name(uint32_t op)
{
	return op < INVAL_AMD_NR_OPS ? op_names[op] : NULL;
}

#define ADDR_BITS 0x000ffffffffff000ull /* 51:12: bits 63:52 are a sign extension */

/* The range an INVALIDATE_*_PAGES address + S bit names (section 2.4.3). */
static void pages_range(struct inval_amd_cmd *c, uint64_t raw)
{
	uint64_t a = raw & ~0xfffull;
	unsigned int n = 12;

	if (!c->s) {
		c->addr = a & ADDR_BITS;
		return;
	}
	while (n < 52 && (a >> n) & 1)
		n++;
	if (n >= 52) { /* bits 51:12 all set: every page */
		c->all = true;
		c->addr_mask = 52;
		return;
	}
	c->addr = a & ADDR_BITS & ~((2ull << n) - 1);
	c->addr_mask = n + 1 - 12; /* 2^(n+1) bytes */
}

int inval_amd_decode(const uint32_t d[4], struct inval_amd_cmd *c)
{
	uint64_t addr = (uint64_t)d[3] << 32 | d[2];

	memset(c, 0, sizeof(*c));
	c->op = d[1] >> 28;
	c->pasid = TRACE_NO_PASID;
	switch (c->op) {
	case INVAL_AMD_COMPLETION_WAIT:
		c->s = d[0] & 1;
		c->store_addr = (uint64_t)(d[1] & 0xfffff) << 32 | (d[0] & ~7u);
		c->store_data = addr;
		return 0;
	case INVAL_AMD_INV_IOMMU_PAGES:
		c->domain_id = d[1] & 0xffff;
		c->s = d[2] & 1;
		c->pde = (d[2] >> 1) & 1;
		c->gn = (d[2] >> 2) & 1;
		if (c->gn)
			c->pasid = d[0] & 0xfffff;
		pages_range(c, addr);
		return 0;
	case INVAL_AMD_INV_IOTLB_PAGES:
		c->dev_id = d[0] & 0xffff;
		c->s = d[2] & 1;
		c->gn = (d[2] >> 2) & 1;
		if (c->gn)
			c->pasid = ((d[0] >> 16) & 0xff) | ((d[1] >> 16) & 0xfff) << 8;
		pages_range(c, addr);
		return 0;
	case INVAL_AMD_INV_DEVTAB_ENTRY:
	case INVAL_AMD_INV_IRT:
		c->dev_id = d[0] & 0xffff;
		return 0;
	case INVAL_AMD_PREFETCH_PAGES:
	case INVAL_AMD_COMPLETE_PPR:
	case INVAL_AMD_INV_ALL:
		return 0;
	default:
		return -EINVAL;
	}
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int inval_amd_parse_text(const char *text, uint32_t d[4])
{
	const char *r = text ? strstr(text, "raw=") : NULL;

	if (!r)
		return -EINVAL;
	r += 4;
	/* printed as hi then lo (%016llx%016llx): data[3] data[2] data[1] data[0] */
	for (int w = 3; w >= 0; w--) {
		uint32_t v = 0;

		for (int i = 0; i < 8; i++) {
			int h = hexval(*r++);

			if (h < 0)
				return -EINVAL;
			v = v << 4 | (uint32_t)h;
		}
		d[w] = v;
	}
	return hexval(*r) < 0 ? 0 : -EINVAL; /* exactly 32 digits */
}

static unsigned int page_gran(const struct inval_amd_cmd *c)
{
	return c->all ? 2 : 3; /* VT-d IIRG: 2 domain-selective, 3 page-selective */
}

int inval_amd_to_qi(const struct inval_amd_cmd *c, const struct trace_rec *hdr,
		    struct trace_rec_qi_submit *q)
{
	memset(q, 0, sizeof(*q));
	q->hdr = *hdr;
	q->hdr.kind = TRACE_REC_QI_SUBMIT;
	q->hdr.size_bytes = sizeof(*q);
	q->pasid = TRACE_NO_PASID;
	q->addr = c->addr;
	q->addr_mask = c->addr_mask;
	switch (c->op) {
	case INVAL_AMD_INV_IOMMU_PAGES:
		q->type = c->gn ? TRACE_QI_P_IOTLB_INV : TRACE_QI_IOTLB_INV;
		q->domain_id = c->domain_id;
		q->pasid = c->pasid;
		q->granularity = page_gran(c);
		break;
	case INVAL_AMD_INV_IOTLB_PAGES:
		q->type = c->gn ? TRACE_QI_P_DEV_TLB_INV : TRACE_QI_DEV_TLB_INV;
		q->sid = c->dev_id;
		q->pasid = c->pasid;
		q->granularity = page_gran(c);
		break;
	case INVAL_AMD_INV_DEVTAB_ENTRY:
		q->type = TRACE_QI_CC_INV;
		q->sid = c->dev_id;
		q->granularity = 3; /* device-selective (VT-d CIRG 3) */
		break;
	case INVAL_AMD_COMPLETION_WAIT:
		q->type = TRACE_QI_INV_WAIT;
		break;
	case INVAL_AMD_INV_IRT:
		q->type = TRACE_QI_IEC_INV;
		q->sid = c->dev_id;
		break;
	case INVAL_AMD_INV_ALL:
		q->type = TRACE_QI_IOTLB_INV;
		q->granularity = 1; /* global */
		break;
	case INVAL_AMD_COMPLETE_PPR:
		q->type = TRACE_QI_PAGE_GRP_RESP;
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

const char *inval_amd_trace_profile(const char *trace_path)
{
	struct trace_reader *r;
	const char *kind, *profile = NULL;
	json_t *meta = NULL;
	int e = 0;

	if (!(r = trace_reader__open(trace_path, &e)))
		return NULL;
	if (trace_reader__meta_json(r))
		meta = json_loads(trace_reader__meta_json(r), 0, NULL);
	/* collect/host.c: host.iommu.kind is "vt-d", "amd-vi", ... */
	kind = json_string_value(
	    json_object_get(json_object_get(json_object_get(meta, "host"), "iommu"), "kind"));
	if (kind && !strcmp(kind, "amd-vi"))
		profile = "amd-vi";
	json_decref(meta);
	trace_reader__close(r);
	return profile;
}

/* ---------------------------------------------------------------- source */

#define EVENT_SUFFIX ":__iommu_queue_command_sync" /* fentry: and its kprobe twin */

struct inval_amd {
	struct replay_source *inner;				 /* the trace */
	struct replay_source src;				 /* what this serves */
	struct trace_rec_qi_submit out[REPLAY_SOURCE_BATCH_MAX]; /* the last batch's conversions */
	uint32_t amd_id;		    /* event string id of the commands (0: not seen) */
	uint32_t other_id;		    /* last generic event id that is not theirs */
	uint64_t nr_cmds[INVAL_AMD_NR_OPS]; /* commands per opcode since the (re)start */
	uint64_t nr_bad;		    /* command records not decoded */
};

bool inval_amd_is_event(const char *name)
{
	size_t n = name ? strlen(name) : 0, k = sizeof(EVENT_SUFFIX) - 1;

	return n > k && !strcmp(name + n - k, EVENT_SUFFIX);
}

static bool is_amd_event(struct inval_amd *a, uint32_t id)
{
	const char *name;

	if (!id || id == a->other_id)
		return false;
	if (id == a->amd_id)
		return true;
	name = replay_source__string(a->inner, id);
	if (inval_amd_is_event(name)) {
		a->amd_id = id;
		return true;
	}
	a->other_id = id;
	return false;
}

/* The generic record's text, NULL if it does not fit the record. */
static const char *generic_text(const struct trace_rec *rec)
{
	const struct trace_rec_generic *g = (const void *)rec;
	const char *t = (const char *)(g + 1);

	if (rec->size_bytes < sizeof(*g) + 1 || g->text_bytes > rec->size_bytes - sizeof(*g) - 1 ||
	    t[g->text_bytes])
		return NULL;
	return t;
}

/* A command record @*rec becomes an invalidation in @out (other records pass unchanged). */
static void convert(struct inval_amd *a, const struct trace_rec **rec,
		    struct trace_rec_qi_submit *out)
{
	struct inval_amd_cmd c;
	uint32_t d[4];

	/* one compare per record on traces without AMD commands */
	if ((*rec)->kind != TRACE_REC_GENERIC || !is_amd_event(a, (*rec)->event_id))
		return;
	if (inval_amd_parse_text(generic_text(*rec), d) || inval_amd_decode(d, &c)) {
		a->nr_bad++;
		return; /* stays a generic record: counted, not modelled */
	}
	a->nr_cmds[c.op]++;
	if (inval_amd_to_qi(&c, *rec, out))
		return;
	out->qw[0] = (uint64_t)d[1] << 32 | d[0];
	out->qw[1] = (uint64_t)d[3] << 32 | d[2];
	*rec = &out->hdr;
}

static int amd_next(void *impl, const struct trace_rec **rec)
{
	struct inval_amd *a = impl;
	int rc = replay_source__next(a->inner, rec);

	if (rc == 1)
		convert(a, rec, &a->out[0]);
	return rc;
}

/* A batch: each record converted into its own slot, so all stay valid together. */
static int amd_next_batch(void *impl, const struct trace_rec **recs, uint32_t max)
{
	struct inval_amd *a = impl;
	int n = replay_source__next_batch(
	    a->inner, recs, max < REPLAY_SOURCE_BATCH_MAX ? max : REPLAY_SOURCE_BATCH_MAX);

	for (int i = 0; i < n; i++)
		if (recs[i]->kind == TRACE_REC_GENERIC)
			convert(a, &recs[i], &a->out[i]);
	return n;
}

static int amd_rewind(void *impl)
{
	struct inval_amd *a = impl;

	memset(a->nr_cmds, 0, sizeof(a->nr_cmds));
	a->nr_bad = 0;
	return replay_source__rewind(a->inner);
}

static void amd_close(void *impl)
{
	(void)impl; /* inval_amd__free frees it; the caller closes the inner source */
}

static const char *amd_string(void *impl, uint32_t id)
{
	return replay_source__string(((struct inval_amd *)impl)->inner, id);
}

static const char *amd_errmsg(void *impl)
{
	return replay_source__errmsg(((struct inval_amd *)impl)->inner);
}

static uint64_t amd_nr_records(void *impl)
{
	return replay_source__nr_records(((struct inval_amd *)impl)->inner);
}

static uint64_t amd_done_bytes(void *impl)
{
	return replay_source__done_bytes(((struct inval_amd *)impl)->inner);
}

static uint64_t amd_total_bytes(void *impl)
{
	return replay_source__total_bytes(((struct inval_amd *)impl)->inner);
}

static const char *amd_meta_json(void *impl)
{
	return replay_source__meta_json(((struct inval_amd *)impl)->inner);
}

static bool amd_time_ordered(void *impl)
{
	return replay_source__time_ordered(((struct inval_amd *)impl)->inner);
}

static int64_t amd_cpus_seen(void *impl)
{
	return replay_source__cpus_seen(((struct inval_amd *)impl)->inner);
}

/* The inner source's kinds: a generic record may come out as an invalidation. */
static int64_t amd_kinds_seen(void *impl)
{
	int64_t k = replay_source__kinds_seen(((struct inval_amd *)impl)->inner);

	return k >= 0 && (k & 1ll << TRACE_REC_GENERIC) ? k | 1ll << TRACE_REC_QI_SUBMIT : k;
}

static const struct replay_source_ops amd_ops = {
    .name = "amd-vi",
    .next = amd_next,
    .rewind = amd_rewind,
    .close = amd_close,
    .string = amd_string,
    .errmsg = amd_errmsg,
    .nr_records = amd_nr_records,
    .done_bytes = amd_done_bytes,
    .total_bytes = amd_total_bytes,
    .meta_json = amd_meta_json,
    .time_ordered = amd_time_ordered,
    .cpus_seen = amd_cpus_seen,
    .kinds_seen = amd_kinds_seen,
    .next_batch = amd_next_batch,
};

struct inval_amd *inval_amd__new(struct replay_source *inner)
{
	struct inval_amd *a = svt_calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->inner = inner;
	a->src = (struct replay_source){.ops = &amd_ops, .impl = a};
	return a;
}

void inval_amd__free(struct inval_amd *a)
{
	free(a);
}

struct replay_source *inval_amd__source(struct inval_amd *a)
{
	return &a->src;
}

uint64_t inval_amd__nr_cmds(const struct inval_amd *a, uint32_t op)
{
	return op < INVAL_AMD_NR_OPS ? a->nr_cmds[op] : 0;
}

uint64_t inval_amd__nr_bad(const struct inval_amd *a)
{
	return a->nr_bad;
}

int inval_amd__report(const struct inval_amd *a, const struct results_sink *s)
{
	char key[64];
	int rc;

	if (!a || !a->amd_id || !s->ops->metric)
		return 0;
	for (uint32_t op = 0; op < INVAL_AMD_NR_OPS; op++) {
		if (!a->nr_cmds[op])
			continue;
		snprintf(key, sizeof(key), "trace.amd.%s", op_names[op]);
		if ((rc = s->ops->metric(s->ctx, key, (double)a->nr_cmds[op], "commands")) < 0)
			return rc;
	}
	return s->ops->metric(s->ctx, "trace.amd.undecoded", (double)a->nr_bad, "records");
}
