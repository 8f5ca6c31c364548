// SPDX-License-Identifier: GPL-2.0
/*
 * test_scenario.c - scenario transforms on a small hand-made trace.
 *
 * Golden: each spec's output (overrides, then one line per record) must
 * equal tests/golden/scenario/NAME.txt exactly; SVT_REGEN_GOLDEN=1 rewrites
 * the files instead (scripts/regen-golden.sh, `make golden`). Semantic
 * checks: faulting emits one page request per distinct non-resident page
 * touched and none with resident=1; pinned emits no page requests and one
 * unpin per pin; spec errors name the transform and argument.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/log.h"
#include "replay/scenario.h"

#define GOLDEN_DIR "tests/golden/scenario"

/* ------------------------------------------------------- in-memory trace */

struct mem {
	char strings[32][64]; /* id - 1 -> name */
	uint32_t nr_strings;
	char *text; /* formatted output */
	size_t len, cap;
	uint64_t nr[TRACE_REC_KIND_MAX_];
	uint64_t nr_pin, nr_unpin, last_ts;
	uint64_t nr_pr_last; /* page requests with last-in-group set */
	int lpig_mismatch;   /* a page request whose dw[] disagrees with its decoded last/grpid */
	int unordered;
};

static uint32_t m_intern(void *ctx, const char *s)
{
	struct mem *m = ctx;

	for (uint32_t i = 0; i < m->nr_strings; i++)
		if (!strcmp(m->strings[i], s))
			return i + 1;
	snprintf(m->strings[m->nr_strings], 64, "%s", s);
	return ++m->nr_strings;
}

static const char *m_string(void *ctx, uint32_t id)
{
	struct mem *m = ctx;

	return id && id <= m->nr_strings ? m->strings[id - 1] : NULL;
}

static void out(struct mem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct mem *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->cap - m->len < 512) {
		m->cap = m->cap * 2 + 4096;
		m->text = realloc(m->text, m->cap);
	}
	va_start(ap, fmt);
	n = vsnprintf(m->text + m->len, m->cap - m->len, fmt, ap);
	va_end(ap);
	m->len += (size_t)n;
}

static const char *S(struct mem *m, uint32_t id)
{
	const char *s = m_string(m, id);

	return s ? s : "-";
}

/* One line per record: the fields a transform may change. */
static int m_emit(void *ctx, const struct trace_rec *r)
{
	struct mem *m = ctx;

	m->nr[r->kind]++;
	m->unordered |= r->ts_ns < m->last_ts;
	m->last_ts = r->ts_ns;
	out(m, "%6llu cpu%u pid%u ", (unsigned long long)r->ts_ns, r->cpu, r->pid);
	switch (r->kind) {
	case TRACE_REC_IOMMU_MAP: {
		const struct trace_rec_iommu_map *x = (const void *)r;

		out(m, "iommu_map dev=%s iova=%#llx size=%llu prot=%u", S(m, x->device_id),
		    (unsigned long long)x->iova, (unsigned long long)x->size_bytes, x->prot);
		break;
	}
	case TRACE_REC_IOMMU_UNMAP: {
		const struct trace_rec_iommu_unmap *x = (const void *)r;

		out(m, "iommu_unmap dev=%s iova=%#llx size=%llu", S(m, x->device_id),
		    (unsigned long long)x->iova, (unsigned long long)x->size_bytes);
		break;
	}
	case TRACE_REC_DMA: {
		const struct trace_rec_dma *x = (const void *)r;

		out(m, "dma op=%u dev=%s addr=%#llx size=%llu", x->op, S(m, x->device_id),
		    (unsigned long long)x->dma_addr, (unsigned long long)x->size_bytes);
		break;
	}
	case TRACE_REC_QI_SUBMIT: {
		const struct trace_rec_qi_submit *x = (const void *)r;

		out(m, "qi type=%u gran=%u did=%u sid=%#x addr=%#llx am=%u qw0=%#llx qw1=%#llx",
		    x->type, x->granularity, x->domain_id, x->sid, (unsigned long long)x->addr,
		    x->addr_mask, (unsigned long long)x->qw[0], (unsigned long long)x->qw[1]);
		break;
	}
	case TRACE_REC_QI_WAIT:
		out(m, "qi_wait %llu",
		    (unsigned long long)((const struct trace_rec_qi_wait *)r)->wait_ns);
		break;
	case TRACE_REC_PAGE_REQ: {
		const struct trace_rec_page_req *x = (const void *)r;

		out(m, "page_req dev=%s pasid=%u addr=%#llx rw=%u grp=%u dw=%08x.%08x.%08x.%08x",
		    S(m, x->device_id), x->pasid, (unsigned long long)x->addr, x->rw, x->grpid,
		    x->dw[0], x->dw[1], x->dw[2], x->dw[3]);
		m->nr_pr_last += x->last;
		/* VT-d 7.5.1: LPIG is bit 2 and the group index bits 11:3 of the second quad word
		 */
		m->lpig_mismatch |=
		    ((x->dw[2] >> 2) & 1) != x->last || ((x->dw[2] >> 3) & 0x1ff) != x->grpid;
		break;
	}
	case TRACE_REC_PIN: {
		const struct trace_rec_pin *x = (const void *)r;

		out(m, "%s addr=%#llx pages=%u", x->op == TRACE_PIN ? "pin" : "unpin",
		    (unsigned long long)x->addr, x->nr_pages);
		if (x->op == TRACE_PIN)
			m->nr_pin += x->nr_pages;
		else
			m->nr_unpin += x->nr_pages;
		break;
	}
	case TRACE_REC_WQ_SUBMIT: {
		const struct trace_rec_wq_submit *x = (const void *)r;

		out(m,
		    "wq_submit dev=%s desc=%#llx pasid=%u wq=%u portal=%u op=%u src=%#llx "
		    "dst=%#llx bytes=%u retries=%u",
		    S(m, x->device_id), (unsigned long long)x->desc_id, x->pasid, x->wq, x->portal,
		    x->opcode, (unsigned long long)x->src, (unsigned long long)x->dst,
		    x->xfer_bytes, x->retries);
		break;
	}
	case TRACE_REC_WQ_COMPLETE: {
		const struct trace_rec_wq_complete *x = (const void *)r;

		out(m, "wq_complete dev=%s desc=%#llx pasid=%u wq=%u", S(m, x->device_id),
		    (unsigned long long)x->desc_id, x->pasid, x->wq);
		break;
	}
	case TRACE_REC_DEV_ACCESS: {
		const struct trace_rec_dev_access *x = (const void *)r;

		out(m, "dev_access dev=%s pasid=%u iova=%#llx size=%u dir=%u", S(m, x->device_id),
		    x->pasid, (unsigned long long)x->iova, x->size_bytes, x->dir);
		break;
	}
	default:
		out(m, "kind=%u", r->kind);
	}
	out(m, "\n");
	return 0;
}

static void hdr(void *rec, unsigned int kind, size_t size, uint64_t ts, uint32_t pid)
{
	struct trace_rec *h = rec;

	memset(rec, 0, size);
	h->ts_ns = ts;
	h->kind = (uint16_t)kind;
	h->size_bytes = (uint16_t)size;
	h->pid = pid;
}

/* The hand-made trace: a pinned NIC buffer and a DSA client with SVA accesses. */
static void feed(struct scenario_chain *c, struct mem *m)
{
	uint32_t nic = m_intern(m, "nic0"), dsa = m_intern(m, "dsa0"), dmar = m_intern(m, "dmar0");
	struct trace_rec_iommu_map map;
	struct trace_rec_iommu_unmap unmap;
	struct trace_rec_dma dma;
	struct trace_rec_dev_access acc;
	struct trace_rec_wq_submit sub;
	struct trace_rec_wq_complete cmp;
	struct trace_rec_qi_submit qi;
	struct trace_rec_qi_wait qw;
	struct trace_rec_page_req pr;
	struct trace_rec_pin pin;

	hdr(&map, TRACE_REC_IOMMU_MAP, sizeof(map), 0, 0);
	map.iova = 0x1000;
	map.size_bytes = 8192;
	map.device_id = nic;
	map.prot = 2;
	assert_int_equal(scenario_chain__push(c, &map.hdr), 0);
	hdr(&dma, TRACE_REC_DMA, sizeof(dma), 0, 0);
	dma.dma_addr = 0x1000;
	dma.size_bytes = 8192;
	dma.device_id = nic;
	dma.op = TRACE_DMA_MAP_PAGE;
	assert_int_equal(scenario_chain__push(c, &dma.hdr), 0);
	hdr(&pin, TRACE_REC_PIN, sizeof(pin), 50, 100);
	pin.addr = 0x10000;
	pin.nr_pages = 1;
	pin.nr_done = 1;
	assert_int_equal(scenario_chain__push(c, &pin.hdr), 0);
	for (int i = 0; i < 2; i++) {
		hdr(&acc, TRACE_REC_DEV_ACCESS, sizeof(acc), 100 + 50 * i, 100);
		acc.iova = 0x70000000 + 64 * i;
		acc.size_bytes = 64;
		acc.device_id = dsa;
		acc.pasid = 5;
		assert_int_equal(scenario_chain__push(c, &acc.hdr), 0);
	}
	hdr(&sub, TRACE_REC_WQ_SUBMIT, sizeof(sub), 200, 100);
	sub.src = 0x10000;
	sub.dst = 0x20800; /* straddles two pages */
	sub.desc_id = 1;
	sub.device_id = dsa;
	sub.xfer_bytes = 4096;
	sub.pasid = 5;
	sub.wq = 2;
	sub.opcode = 3;
	sub.portal = TRACE_PORTAL_MOVDIR64B;
	assert_int_equal(scenario_chain__push(c, &sub.hdr), 0);
	hdr(&sub, TRACE_REC_WQ_SUBMIT, sizeof(sub), 250, 101);
	sub.src = 0x10000; /* same VA, another process */
	sub.dst = 0x30000;
	sub.desc_id = 2;
	sub.device_id = dsa;
	sub.xfer_bytes = 64;
	sub.pasid = 6;
	sub.wq = 0;
	sub.opcode = 3;
	sub.portal = TRACE_PORTAL_ENQCMD;
	sub.retries = 3;
	assert_int_equal(scenario_chain__push(c, &sub.hdr), 0);
	hdr(&cmp, TRACE_REC_WQ_COMPLETE, sizeof(cmp), 300, 100);
	cmp.desc_id = 1;
	cmp.device_id = dsa;
	cmp.pasid = 5;
	cmp.wq = 2;
	assert_int_equal(scenario_chain__push(c, &cmp.hdr), 0);
	hdr(&cmp, TRACE_REC_WQ_COMPLETE, sizeof(cmp), 320, 101);
	cmp.desc_id = 2;
	cmp.device_id = dsa;
	cmp.pasid = 6;
	assert_int_equal(scenario_chain__push(c, &cmp.hdr), 0);
	hdr(&unmap, TRACE_REC_IOMMU_UNMAP, sizeof(unmap), 400, 0);
	unmap.iova = 0x1000;
	unmap.size_bytes = 8192;
	unmap.unmapped_bytes = 8192;
	unmap.device_id = nic;
	assert_int_equal(scenario_chain__push(c, &unmap.hdr), 0);
	scenario_qi_iotlb(&qi, 400, dmar, 7, 3, 0x1000, 1);
	assert_int_equal(scenario_chain__push(c, &qi.hdr), 0);
	scenario_qi_dev_tlb(&qi, 400, dmar, 0x300, 0x1000, 1);
	assert_int_equal(scenario_chain__push(c, &qi.hdr), 0);
	hdr(&qw, TRACE_REC_QI_WAIT, sizeof(qw), 400, 0);
	qw.wait_ns = 9000;
	assert_int_equal(scenario_chain__push(c, &qw.hdr), 0);
	hdr(&dma, TRACE_REC_DMA, sizeof(dma), 400, 0);
	dma.dma_addr = 0x1000;
	dma.size_bytes = 8192;
	dma.device_id = nic;
	dma.op = TRACE_DMA_UNMAP_PAGE;
	assert_int_equal(scenario_chain__push(c, &dma.hdr), 0);
	scenario_page_req(&pr, 500, dsa, 5, 0x40000, 1, 3);
	assert_int_equal(scenario_chain__push(c, &pr.hdr), 0);
	assert_int_equal(scenario_chain__finish(c), 0);
}

static struct mem *run(const char *spec)
{
	struct mem *m = calloc(1, sizeof(*m));
	struct scenario_out o = {m_emit, m_intern, m_string, m};
	struct scenario_chain *c;
	const char *kv[16];
	size_t n;

	c = scenario_chain__new(spec, 1, &o, NULL, 0);
	assert_non_null(c);
	n = scenario_chain__overrides(c, kv, 16);
	out(m, "# scenario %s\n", spec);
	for (size_t i = 0; i < n; i++)
		out(m, "# set %s\n", kv[i]);
	feed(c, m);
	scenario_chain__free(c);
	assert_false(m->unordered);
	return m;
}

static void free_mem(struct mem *m)
{
	free(m->text);
	free(m);
}

static void golden(const char *name, const char *spec)
{
	struct mem *m = run(spec);
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.txt", name);
	if (getenv("SVT_REGEN_GOLDEN")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fwrite(m->text, 1, m->len, f);
		fclose(f);
	} else {
		char *want = calloc(1, 1 << 20);
		size_t n;

		f = fopen(path, "r");
		if (!f)
			fail_msg("%s missing: run 'make golden'", path);
		n = fread(want, 1, (1 << 20) - 1, f);
		fclose(f);
		if (n != m->len || memcmp(want, m->text, n)) {
			fprintf(stderr, "--- %s expected\n%s--- got\n%.*s", path, want, (int)m->len,
				m->text);
			free(want);
			fail_msg("%s: output differs from golden", name);
		}
		free(want);
	}
	free_mem(m);
}

static void test_golden_identity(void **state)
{
	golden("identity", "");
}
static void test_golden_pinned(void **state)
{
	golden("pinned", "pinned");
}
static void test_golden_faulting(void **state)
{
	golden("faulting", "faulting:prq=trace");
}
static void test_golden_faulting_resident(void **state)
{
	golden("faulting-resident1", "faulting:resident=1:prq=trace");
}
static void test_golden_dwq(void **state)
{
	golden("dwq", "dwq:wqs=4");
}
static void test_golden_swq(void **state)
{
	golden("swq", "swq:wq=1");
}
static void test_golden_pagesize(void **state)
{
	golden("pagesize-2m", "pagesize=2m");
}
static void test_golden_strict(void **state)
{
	golden("inval-strict", "inval=strict");
}
static void test_golden_lazy(void **state)
{
	golden("inval-lazy", "inval=lazy:timeout=50ns");
}
static void test_golden_ats_off(void **state)
{
	golden("ats-off", "ats=off");
}
static void test_golden_ats_on(void **state)
{
	golden("ats-on", "ats=on:sid=0x300");
}
static void test_golden_tenants(void **state)
{
	golden("tenants-2", "tenants=2:shift=120ns");
}
static void test_golden_chain(void **state)
{
	golden("chain", "faulting, swq, tenants=2:shift=1us");
}

/* faulting: page requests == distinct non-resident pages touched */
/*
 * inval=lazy keeps one flush queue per domain (Linux dma-iommu.c: per
 * cookie): an unmap joins the queue of the domain the trace's flush after
 * it names, so two domains' unmaps on one CPU give two domain-selective
 * flushes, each with its own DID (before: one queue per CPU, flushed with
 * the last DID seen: did=9 only).
 */
static void test_lazy_per_domain(void **state)
{
	struct mem *m = calloc(1, sizeof(*m));
	struct scenario_out o = {m_emit, m_intern, m_string, m};
	struct scenario_chain *c = scenario_chain__new("inval=lazy:timeout=1us", 1, &o, NULL, 0);
	uint32_t dmar = m_intern(m, "dmar0");
	struct trace_rec_iommu_unmap u;
	struct trace_rec_qi_submit q;
	const uint32_t did[2] = {5, 9};

	assert_non_null(c);
	for (int i = 0; i < 2; i++) {
		hdr(&u, TRACE_REC_IOMMU_UNMAP, sizeof(u), 100 + 10 * i, 0);
		u.iova = 0x1000 + 0x8000 * i;
		u.size_bytes = u.unmapped_bytes = 4096;
		assert_int_equal(scenario_chain__push(c, &u.hdr), 0);
		scenario_qi_iotlb(&q, 101 + 10 * i, dmar, did[i], 3, u.iova, 0);
		assert_int_equal(scenario_chain__push(c, &q.hdr), 0);
	}
	assert_int_equal(scenario_chain__finish(c), 0);
	scenario_chain__free(c);
	assert_non_null(strstr(m->text, "qi type=2 gran=2 did=5 "));
	assert_non_null(strstr(m->text, "qi type=2 gran=2 did=9 "));
	assert_null(strstr(m->text, "gran=3")); /* the per-unmap flushes are replaced */
	free_mem(m);
}

static void test_faulting_counts(void **state)
{
	struct mem *m = run("faulting:prq=trace");

	/*
	 * Touched pages: nic0 map 0x1000, 0x2000 (no PASID); pasid 5: 0x70000000,
	 * 0x10000, 0x20000, 0x21000; pasid 6: 0x10000, 0x30000. The trace's own
	 * page request is dropped. Resident 0: all 8 fault, each once.
	 */
	assert_int_equal(m->nr[TRACE_REC_PAGE_REQ], 8);
	/*
	 * One group per touching record: the two map pages (at-touch requests,
	 * a group each), the 0x70000000 access, descriptor 1 (3 pages),
	 * descriptor 2 (2).
	 */
	assert_int_equal(m->nr_pr_last, 5);
	assert_false(m->lpig_mismatch);
	/* the map and its unmap go on to the replay, which expands the map (the device's
	 * first touch of each page sends its page request); pins are gone */
	assert_int_equal(m->nr[TRACE_REC_IOMMU_MAP] + m->nr[TRACE_REC_IOMMU_UNMAP], 2);
	assert_int_equal(m->nr[TRACE_REC_PIN], 0);
	assert_int_equal(m->nr[TRACE_REC_DEV_ACCESS],
			 2); /* the trace's two: none made at map time */
	assert_int_equal(m->nr[TRACE_REC_QI_SUBMIT] + m->nr[TRACE_REC_QI_WAIT], 0);
	free_mem(m);
	m = run("faulting:prq=trace:prg=page"); /* a group each */
	assert_int_equal(m->nr[TRACE_REC_PAGE_REQ], 8);
	assert_int_equal(m->nr_pr_last, 8);
	assert_false(m->lpig_mismatch);
	free_mem(m);
	m = run("faulting:prq=keep"); /* the trace's own page request is the only one */
	assert_int_equal(m->nr[TRACE_REC_PAGE_REQ], 1);
	assert_non_null(strstr(m->text, "# set model.resident_fraction=1\n"));
	assert_non_null(strstr(m->text, "page_req dev=dsa0 pasid=5 addr=0x40000 rw=1 grp=3"));
	free_mem(m);
	m = run("faulting:resident=1:prq=trace");
	assert_int_equal(m->nr[TRACE_REC_PAGE_REQ], 0);
	free_mem(m);
	m = run("faulting"); /* prq=model: the model decides */
	assert_int_equal(m->nr[TRACE_REC_PAGE_REQ], 0);
	free_mem(m);
}

/* Resident fraction f: the share of distinct pages that fault is 1 - f. */
static void test_faulting_resident_fraction(void **state)
{
	struct mem m = {0};
	struct scenario_out o = {m_emit, m_intern, m_string, &m};
	struct scenario_chain *c =
	    scenario_chain__new("faulting:resident=0.25:prq=trace", 3, &o, NULL, 0);
	struct trace_rec_dev_access a;
	const int pages = 20000;

	assert_non_null(c);
	for (int rep = 0; rep < 2; rep++) {
		for (int i = 0; i < pages; i++) {
			hdr(&a, TRACE_REC_DEV_ACCESS, sizeof(a), (uint64_t)(rep * pages + i), 1);
			a.iova = 0x100000000ull + (uint64_t)i * 4096;
			a.size_bytes = 64;
			a.pasid = 9;
			assert_int_equal(scenario_chain__push(c, &a.hdr), 0);
		}
	}
	scenario_chain__free(c);
	/* second pass touches resident pages only: no new requests */
	assert_true(m.nr[TRACE_REC_PAGE_REQ] > 0.74 * pages &&
		    m.nr[TRACE_REC_PAGE_REQ] < 0.76 * pages);
	free(m.text);
}

/* Reclaim: a reclaimed page faults again on its next touch */
static void test_faulting_reclaim(void **state)
{
	struct mem m = {0};
	struct scenario_out o = {m_emit, m_intern, m_string, &m};
	struct scenario_chain *c =
	    scenario_chain__new("faulting:reclaim=1e9:prq=trace", 3, &o, NULL, 0);
	struct trace_rec_dev_access a;

	assert_non_null(c);
	/* one page touched every 10 ns: 10 reclaims per interval, the only resident page goes */
	for (int i = 0; i < 100; i++) {
		hdr(&a, TRACE_REC_DEV_ACCESS, sizeof(a), (uint64_t)i * 10, 1);
		a.iova = 0x5000;
		a.pasid = 1;
		assert_int_equal(scenario_chain__push(c, &a.hdr), 0);
	}
	scenario_chain__free(c);
	assert_int_equal(m.nr[TRACE_REC_PAGE_REQ], 100);
	free(m.text);
}

/* pinned: no page requests, every pin released, a map per pinned range */
static void test_pinned_counts(void **state)
{
	struct mem *m = run("pinned");

	assert_int_equal(m->nr[TRACE_REC_PAGE_REQ], 0);
	/* trace's own pin (1 page) + desc1 src 1 + dst 2 pages + desc2 src 1 + dst 1 + access page
	 * 1 */
	assert_int_equal(m->nr_pin, 1 + 1 + 2 + 1 + 1 + 1);
	assert_int_equal(m->nr_unpin, m->nr_pin - 1); /* the trace's own pin has no unpin in it */
	assert_int_equal(m->nr[TRACE_REC_IOMMU_MAP], 1 + 4 + 1);
	assert_int_equal(m->nr[TRACE_REC_IOMMU_UNMAP], m->nr[TRACE_REC_IOMMU_MAP]);
	free_mem(m);
}

/*
 * A chain reset (the replay's expand=auto prescan, then the run proper)
 * replays exactly as a fresh chain: every transform's state, PRNG streams
 * included, is re-created. Without the reset the second output differs
 * (pinned, for one, still holds the first pass's pinned ranges).
 */
static void test_reset_replays_identically(void **state)
{
	static const char *const specs[] = {
	    "faulting:resident=0.5",	      "pinned",
	    "inval=lazy:fq_size=2",	      "tenants=3:shift=1us",
	    "faulting:reclaim=1e9:prq=trace", "dwq,ats=on",
	    "pagesize=2m,inval=strict",
	};

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct mem *m = calloc(1, sizeof(*m));
		struct scenario_out o = {m_emit, m_intern, m_string, m};
		struct scenario_chain *c = scenario_chain__new(specs[i], 7, &o, NULL, 0);
		char err[256];
		char *first;
		size_t len;

		assert_non_null(m);
		assert_non_null(c);
		feed(c, m);
		first = m->text;
		len = m->len;
		m->text = NULL;
		m->len = m->cap = 0;
		assert_int_equal(scenario_chain__reset(c, 7, err, sizeof(err)), 0);
		feed(c, m);
		if (len != m->len || memcmp(first, m->text, len))
			fail_msg("%s: output after reset differs", specs[i]);
		free(first);
		scenario_chain__free(c);
		free_mem(m);
	}
}

static int nr_logged;

static void capture(enum svt_log_level level, const char *fmt, va_list ap)
{
	nr_logged++;
}

/* The message comes back through the caller's buffer, once, and nothing is logged. */
static int bad_spec(const char *spec, const char *needle)
{
	struct scenario_out o = {m_emit, m_intern, m_string, NULL};
	struct scenario_chain *c;
	char err[512] = "stale";

	nr_logged = 0;
	c = scenario_chain__new(spec, 1, &o, err, sizeof(err));
	if (c || errno != EINVAL || !strstr(err, needle) || nr_logged) {
		fprintf(stderr, "spec '%s': chain %p, error '%s', %d logged\n", spec, (void *)c,
			err, nr_logged);
		scenario_chain__free(c);
		return 0;
	}
	return 1;
}

static void test_bad_specs(void **state)
{
	svt_log_set_fn(capture);
	assert_true(bad_spec("warp", "'warp'"));
	assert_true(bad_spec("pagesize=3m", "pagesize"));
	assert_true(bad_spec("pagesize", "needs a value"));
	assert_true(bad_spec("pinned=yes", "takes no"));
	assert_true(bad_spec("faulting:resident=2", "'resident'"));
	assert_true(bad_spec("faulting:bogus=1", "'bogus'"));
	assert_true(bad_spec("dwq:wqs=0", "'wqs'"));
	assert_true(bad_spec("faulting:reclaim=5", "prq=trace"));
	assert_true(bad_spec("faulting:prq=keep:resident=0.5", "'resident'"));
	assert_true(bad_spec("faulting:prg=bundle", "'prg'"));
	assert_true(bad_spec("tenants=0", "tenants"));
	assert_true(bad_spec("inval=sometimes", "inval"));
	assert_true(bad_spec("ats=maybe", "ats"));
	svt_log_set_fn(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden_identity),
	    cmocka_unit_test(test_golden_pinned),
	    cmocka_unit_test(test_golden_faulting),
	    cmocka_unit_test(test_golden_faulting_resident),
	    cmocka_unit_test(test_golden_dwq),
	    cmocka_unit_test(test_golden_swq),
	    cmocka_unit_test(test_golden_pagesize),
	    cmocka_unit_test(test_golden_strict),
	    cmocka_unit_test(test_golden_lazy),
	    cmocka_unit_test(test_golden_ats_off),
	    cmocka_unit_test(test_golden_ats_on),
	    cmocka_unit_test(test_golden_tenants),
	    cmocka_unit_test(test_golden_chain),
	    cmocka_unit_test(test_lazy_per_domain),
	    cmocka_unit_test(test_faulting_counts),
	    cmocka_unit_test(test_faulting_resident_fraction),
	    cmocka_unit_test(test_faulting_reclaim),
	    cmocka_unit_test(test_pinned_counts),
	    cmocka_unit_test(test_bad_specs),
	    cmocka_unit_test(test_reset_replays_identically),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
