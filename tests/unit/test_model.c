// SPDX-License-Identifier: GPL-2.0
/*
 * test_model.c - the translation model checked against analytic results and
 * published behaviour: the walker queue against the M/D/1 mean wait, the
 * IOTLB reach knee (flat, then rising by the configured miss cost; flat with
 * 2 MiB pages), walk read counts (4/5 levels, nested 2D = 24), conservation
 * (lookups, page requests, maps), strict vs. lazy invalidation, trace
 * descriptors, and determinism.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/xlate/config.h"
#include "model/xlate/iotlb.h"
#include "model/xlate/model.h"
#include "model/params.h"
#include "lib/prng.h"
#include "model/xlate/walk.h"

static const struct param_table *const tables[] = {&model_param_table, NULL};

/* Default config with overrides "key=value" (NULL-terminated). */
static struct model_cfg cfg_with(const char *const *sets)
{
	struct params *p = params__new(tables);
	struct model_cfg c;
	char err[256];

	assert_non_null(p);
	for (; sets && *sets; sets++) {
		char key[64];
		const char *eq = strchr(*sets, '=');

		assert_non_null(eq);
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *sets), *sets);
		if (params__set(p, key, eq + 1, "test", err, sizeof(err)))
			fail_msg("%s", err);
	}
	assert_int_equal(params__validate(p, err, sizeof(err)), 0);
	c = *(const struct model_cfg *)params__cfg(p, &model_param_table);
	params__free(p);
	return c;
}

static double metric(const struct model *m, const char *key)
{
	double v = model__metric(m, key);

	if (isnan(v))
		fail_msg("no metric %s", key);
	return v;
}

/* ------------------------------------------------ M/D/1 */

static void check_md1(double rho)
{
	const uint64_t service = 1000; /* ns */
	const double lambda = rho / (double)service;
	struct walkq *q = walkq__new(1);
	uint64_t n = 1000000;
	struct prng rng;
	double t = 0, want, got;

	prng_seed(&rng, 12345);

	for (uint64_t i = 0; i < n; i++) {
		t += prng_exp(&rng, 1.0 / lambda);
		walkq__serve(q, (uint64_t)llround(t * 1000) / 1000, service);
	}
	/* Pollaczek-Khinchine for deterministic service: Wq = rho*D / (2(1-rho)) */
	want = rho * (double)service / (2 * (1 - rho));
	got = (double)walkq__stats(q)->wait_ns / (double)walkq__stats(q)->nr;
	if (fabs(got - want) > 0.02 * want)
		fail_msg("rho %.2f: mean wait %.1f ns, M/D/1 says %.1f ns", rho, got, want);
	/* utilisation = busy time / span = rho (Little's law on the server) */
	assert_true(fabs((double)walkq__stats(q)->busy_ns / t - rho) < 0.01);
	walkq__free(q);
}

static void test_walkers_md1(void **state)
{
	check_md1(0.3);
	check_md1(0.5);
	check_md1(0.7);
}

static void test_walkers_many_servers(void **state)
{
	struct walkq *q = walkq__new(4);

	/* 4 simultaneous walks start at once; the fifth waits for the first to end */
	for (int i = 0; i < 4; i++)
		assert_int_equal(walkq__serve(q, 100, 50), 100);
	assert_int_equal(walkq__serve(q, 100, 50), 150);
	assert_int_equal(walkq__stats(q)->nr_waited, 1);
	walkq__free(q);
}

/* ------------------------------------------------ walks */

static void test_walk_reads(void **state)
{
	static const char *const nonscalable[] = {"pt.scalable=off", NULL};
	static const char *const five[] = {"pt.scalable=off", "pt.levels=5", NULL};
	static const char *const nested[] = {"pt.scalable=off", "pt.nested=on", NULL};
	static const char *const scal[] = {NULL};
	struct model_cfg c;
	struct pwalk *w;

	c = cfg_with(nonscalable);
	w = pwalk__new(&c);
	assert_int_equal(pwalk__walk(w, 1, 1, 0, 0x12345000, IOTLB_PSZ_4K), 2 + 4); /* cold */
	assert_int_equal(pwalk__walk(w, 1, 1, 0, 0x12346000, IOTLB_PSZ_4K), 1);	    /* PDE cached */
	assert_int_equal(pwalk__walk(w, 1, 1, 0, 0x12545000, IOTLB_PSZ_4K), 2); /* PDPTE cached */
	assert_int_equal(pwalk__walk(w, 1, 1, 0, 0x12600000, IOTLB_PSZ_2M), 1); /* 2M leaf */
	pwalk__free(w);

	c = cfg_with(five);
	w = pwalk__new(&c);
	assert_int_equal(pwalk__walk(w, 1, 1, 0, 0x12345000, IOTLB_PSZ_4K), 2 + 5);
	pwalk__free(w);

	c = cfg_with(scal);
	w = pwalk__new(&c);
	assert_int_equal(pwalk__walk(w, 1, 1, 5, 0x12345000, IOTLB_PSZ_4K), 2 + 2 + 4);
	assert_int_equal(pwalk__walk(w, 1, 1, 6, 0x12345000, IOTLB_PSZ_4K), 2 + 4); /* new PASID */
	pwalk__free(w);

	c = cfg_with(nested);
	w = pwalk__new(&c);
	/* cold 2D walk: (4+1)(4+1)-1 = 24 reads, + 2 for the context entry */
	assert_int_equal(pwalk__walk(w, 1, 1, 0, 0x12345000, IOTLB_PSZ_4K), 2 + 24);
	assert_int_equal(pwalk__stats(w)->nested_reads, 20);
	pwalk__free(w);
}

/* ------------------------------------------------ IOTLB reach */

/*
 * Random 64-byte reads over a window of W bytes, one every 1 us (no walker
 * queueing): mean translation latency after warm-up.
 */
static double mean_latency(const struct model_cfg *c, uint64_t window_bytes)
{
	struct model *m = model__new(c);
	uint64_t n = 60000, warm = 20000;
	struct prng rng;
	double sum0 = 0, sum = 0, cnt0 = 0;

	prng_seed(&rng, 99);

	assert_non_null(m);
	for (uint64_t i = 0; i < n; i++) {
		struct model_access a = {
		    .iova = 0x40000000 + (prng_below(&rng, window_bytes / 64) * 64),
		    .bytes = 64,
		};

		if (i == warm) {
			sum0 = metric(m, "xlate.latency_ns@sum");
			cnt0 = metric(m, "xlate.count");
		}
		model__access(m, i * 1000, &a);
	}
	sum = metric(m, "xlate.latency_ns@sum") - sum0;
	sum /= metric(m, "xlate.count") - cnt0;
	model__free(m);
	return sum;
}

static void test_iotlb_reach_knee(void **state)
{
	/* a 300 ns miss cost, inside the 230-360 ns pcie-bench range */
	static const char *const s4k[] = {"iotlb.entries=64", "iotlb.ways=8", "mem.read_ns=100",
					  "walk.fixed_ns=200", NULL};
	static const char *const s2m[] = {"iotlb.entries=64", "iotlb.ways=8",
					  "mem.read_ns=100",  "walk.fixed_ns=200",
					  "pt.page_bytes=2M", NULL};
	struct model_cfg c = cfg_with(s4k);
	const double hit = (double)c.iotlb_hit_ns;
	const double miss_cost = (double)(c.walk_fixed_ns + c.mem_read_ns); /* PDE cached: 1 read */
	const uint64_t reach = (uint64_t)c.iotlb_entries * 4096;	    /* 256 KiB */

	/* flat while the window fits the reach */
	for (uint64_t w = 16 * 1024; w <= reach; w *= 2) {
		double l = mean_latency(&c, w);

		if (fabs(l - hit) > 1e-9)
			fail_msg("window %llu KiB within reach: latency %.2f, want %.0f",
				 (unsigned long long)(w >> 10), l, hit);
	}
	/* beyond: miss ratio 1 - entries/pages (uniform references), each miss costs miss_cost */
	for (uint64_t w = 2 * reach; w <= 64 * reach; w *= 2) {
		double pages = (double)w / 4096, want = hit + (1 - 64 / pages) * miss_cost;
		double l = mean_latency(&c, w);

		if (fabs(l - want) > 0.03 * miss_cost)
			fail_msg("window %llu KiB: latency %.1f, want %.1f",
				 (unsigned long long)(w >> 10), l, want);
	}
	/* the plateau: 64x the reach is within 2% of hit + full miss cost */
	assert_true(fabs(mean_latency(&c, 64 * reach) - (hit + miss_cost)) < 0.03 * miss_cost);

	/* 2 MiB pages: the same windows (up to 16 MiB = 8 pages) stay flat */
	c = cfg_with(s2m);
	for (uint64_t w = 16 * 1024; w <= 64 * reach; w *= 4)
		assert_true(fabs(mean_latency(&c, w) - hit) < 1e-9);
}

/* ------------------------------------------------ conservation */

static void test_conservation_lookups_ats(void **state)
{
	static const char *const s[] = {"ats.enabled=on", "atc.entries=16", "atc.ways=16", NULL};
	struct model_cfg c = cfg_with(s);
	struct model *m = model__new(&c);
	struct prng rng;

	prng_seed(&rng, 3);
	for (uint64_t i = 0; i < 50000; i++) {
		struct model_access a = {.iova = prng_below(&rng, 1 << 26),
					 .bytes = 1 + prng_below(&rng, 9000),
					 .dev = (uint32_t)prng_below(&rng, 3)};

		model__access(m, i * 100, &a);
	}
	assert_true(metric(m, "atc.hits") + metric(m, "atc.misses") == metric(m, "atc.lookups"));
	assert_true(metric(m, "atc.lookups") == metric(m, "access.pages"));
	/* every ATC miss is one ATS request and one IOTLB lookup, or waits for one in flight */
	assert_true(metric(m, "atc.misses") ==
		    metric(m, "iotlb.lookups") + metric(m, "xlate.pending_waits"));
	assert_true(metric(m, "ats.requests") == metric(m, "iotlb.lookups"));
	assert_true(metric(m, "xlate.pending_waits") > 0);
	assert_true(metric(m, "iotlb.hits") + metric(m, "iotlb.misses") ==
		    metric(m, "iotlb.lookups"));
	assert_true(metric(m, "iotlb.misses") == metric(m, "walk.count"));
	assert_true(metric(m, "atc.devices") == 3);
	assert_true(metric(m, "xlate.count") == metric(m, "access.pages"));
	model__free(m);
}

static void test_conservation_pri(void **state)
{
	static const char *const s[] = {
	    "ats.enabled=on",	    "model.mode=faulting", "pri.prq_entries=4", "pri.handlers=1",
	    "fault.minor_ns=20000", "fault.dist=exp",	   "pri.max_retries=3", NULL};
	struct model_cfg c = cfg_with(s);
	struct model *m = model__new(&c);
	double req, resp, drop;

	for (uint64_t i = 0; i < 20000; i++) {
		struct model_access a = {.iova = i * 4096, .bytes = 64, .dev = (uint32_t)(i % 4)};

		model__access(m, i * 500, &a);
	}
	model__finish(m, 20000 * 500);
	req = metric(m, "pri.requests");
	resp = metric(m, "pri.responses");
	drop = metric(m, "pri.dropped");
	assert_true(req == resp + drop);
	assert_true(drop > 0); /* the tiny PRQ overflows */
	assert_true(metric(m, "pri.retries") + metric(m, "pri.failed") == drop);
	/* every page faulted once: served or given up */
	assert_true(resp + metric(m, "pri.failed") == 20000);
	assert_true(metric(m, "pri.max_prq_occupancy") <= 4);
	assert_true(metric(m, "xlate.count") == resp);
	model__free(m);
}

/*
 * Pending translations: three accesses at 1, 2 and 3 us to one non-resident
 * page. The first faults; the other two wait for that fault's translation
 * (no second walk, no second page request), so they see the fault latency
 * minus their offsets. Today's code without MSHRs served them as ATC hits.
 */
static void test_pending_translations(void **state)
{
	static const char *const s[] = {"ats.enabled=on", "model.mode=faulting", "fault.dist=fixed",
					NULL};
	struct model_cfg c = cfg_with(s);
	struct model *one = model__new(&c), *m = model__new(&c);
	struct model_access a = {.iova = 0x7000, .bytes = 64, .pasid = 1};
	double fault, walks, lat[3], sum = 0;

	/* the fault alone: its latency and walks */
	model__access(one, 1000, &a);
	model__finish(one, 1000000);
	fault = metric(one, "xlate.latency_ns@sum");
	walks = metric(one, "walk.count");
	assert_true(fault > 5000); /* a PRI round trip, not a hit */
	for (int i = 0; i < 3; i++) {
		double before = metric(m, "xlate.latency_ns@sum");

		model__access(m, 1000 * (uint64_t)(i + 1), &a);
		lat[i] = metric(m, "xlate.latency_ns@sum") - before;
		sum += lat[i];
	}
	model__finish(m, 1000000);
	for (int i = 0; i < 3; i++) {
		double want = fault - 1000.0 * i;

		if (fabs(lat[i] - want) > 0.05 * want)
			fail_msg("access %d: %.0f ns, want %.0f (fault %.0f - offset)", i, lat[i],
				 want, fault);
	}
	assert_true(metric(m, "pri.requests") == 1);
	assert_true(metric(m, "pri.responses") == 1);
	assert_true(metric(m, "walk.count") == walks);
	assert_true(metric(m, "xlate.pending_waits") == 2);
	assert_true(metric(m, "xlate.count") == 3);
	/* once the translation is in, a fourth access hits the ATC */
	model__access(m, 1000000, &a);
	assert_true(metric(m, "atc.hits") == 1);
	model__free(one);
	model__free(m);
}

/* Erlang C: mean wait in queue of M/M/c with arrival rate @lambda, service rate @mu. */
static double mmc_wq(uint32_t c, double lambda, double mu)
{
	double a = lambda / mu, rho = a / c, term = 1, sum = 0, pc;

	for (uint32_t k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	/* term = a^c / c! */
	pc = term / (1 - rho) / (sum + term / (1 - rho));
	return pc / (c * mu - lambda);
}

/*
 * PRI queueing as Linux serves it: with the page-request thread and the
 * dispatch delay at 0, Poisson faults and exponential service meet
 * host.cpus handlers (iopf work on an unbound workqueue): the mean handler
 * wait is M/M/c's. Today's code had a fixed pri.handlers=4 and no host.cpus.
 */
static void check_mmc(uint32_t cpus, double rho)
{
	static const char *const base[] = {
	    "ats.enabled=on",	       "model.mode=faulting",	  "mem.read_ns=0",
	    "walk.fixed_ns=0",	       "iotlb.hit_ns=0",	  "atc.hit_ns=0",
	    "pcie.one_way_ns=0",       "pri.dispatch_ns=0",	  "pri.thread_ns=0",
	    "inval.qi_wait_ns=0",      "fault.minor_ns=1000",	  "fault.dist=exp",
	    "pri.prq_entries=1000000", "pri.outstanding=1000000", NULL,
	};
	const char *s[32];
	char cpus_kv[32];
	size_t n = 0;
	struct model_cfg c;
	struct model *m;
	const double mu = 1.0 / 1000, lambda = rho * cpus * mu;
	struct prng rng;
	uint64_t nr = 400000;
	double t = 0, want, got;

	prng_seed(&rng, 99);
	for (; base[n]; n++)
		s[n] = base[n];
	snprintf(cpus_kv, sizeof(cpus_kv), "host.cpus=%u", cpus);
	s[n++] = cpus_kv;
	s[n] = NULL;
	c = cfg_with(s);
	m = model__new(&c);
	for (uint64_t i = 0; i < nr; i++) {
		struct model_access a = {.iova = i << 12, .bytes = 64, .pasid = 1};

		t += prng_exp(&rng, 1.0 / lambda);
		model__access(m, (uint64_t)llround(t), &a);
	}
	model__finish(m, (uint64_t)t + 1);
	assert_true(metric(m, "pri.handlers") == cpus);
	assert_true(metric(m, "pri.responses") == nr);
	want = mmc_wq(cpus, lambda, mu);
	got = metric(m, "pri.mean_handler_wait_ns");
	if (fabs(got - want) > 0.03 * want)
		fail_msg("c=%u rho=%.2f: mean handler wait %.1f ns, M/M/c says %.1f ns", cpus, rho,
			 got, want);
	model__free(m);
}

static void test_pri_mmc(void **state)
{
	check_mmc(4, 0.7);
	check_mmc(2, 0.8);
	check_mmc(8, 0.8);
}

/* Handler concurrency: pri.handlers overrides, else host.cpus, else highest CPU seen + 1. */
static void test_pri_handlers_source(void **state)
{
	static const char *const over[] = {"ats.enabled=on", "model.mode=faulting", "host.cpus=16",
					   "pri.handlers=3", NULL};
	static const char *const seen[] = {"ats.enabled=on", "model.mode=faulting", NULL};
	struct model_access a = {.iova = 0x1000, .bytes = 64, .pasid = 1};
	struct model_cfg c = cfg_with(over);
	struct model *m = model__new(&c);

	model__access(m, 0, &a);
	assert_true(metric(m, "pri.handlers") == 3);
	/* the response's qi_submit_sync is CPU time of the handler */
	assert_true(metric(m, "pri.response_cpu_ns") == (double)c.qi_wait_ns);
	model__free(m);
	c = cfg_with(seen);
	m = model__new(&c);
	model__map(m, 0, 5, 0, 0x100000, 4096);
	model__access(m, 10, &a);
	assert_true(metric(m, "pri.handlers") == 6);
	model__free(m);
}

static void test_faulting_without_ats(void **state)
{
	static const char *const s[] = {"model.mode=faulting", "model.resident_fraction=0.25",
					NULL};
	struct model_cfg c = cfg_with(s);
	struct model *m = model__new(&c);

	for (uint64_t i = 0; i < 4000; i++) {
		struct model_access a = {.iova = i * 4096, .bytes = 8};

		model__access(m, i * 500, &a);
	}
	assert_true(metric(m, "fault.unrecoverable") + metric(m, "fault.first_touch_resident") ==
		    4000);
	assert_true(fabs(metric(m, "fault.first_touch_resident") - 1000) < 100);
	assert_true(metric(m, "pri.requests") == 0);
	model__free(m);
}

static void test_conservation_maps(void **state)
{
	struct model_cfg c = cfg_with(NULL);
	struct model *m = model__new(&c);
	struct prng rng;

	prng_seed(&rng, 5);
	for (uint64_t i = 0; i < 3000; i++) {
		uint64_t iova = prng_below(&rng, 500) << 12;

		if (prng_below(&rng, 2))
			model__map(m, i * 1000, 0, 1, iova, 4096 * (1 + prng_below(&rng, 3)));
		else
			model__unmap(m, i * 1000, 0, 1, iova, 4096 * (1 + prng_below(&rng, 3)));
	}
	model__finish(m, 3000 * 1000);
	assert_true(metric(m, "map.count") == metric(m, "unmap.completed") + metric(m, "map.live"));
	assert_true(metric(m, "map.live") > 0);
	assert_true(metric(m, "unmap.unmatched") > 0);
	assert_true(metric(m, "map.live_bytes") <= metric(m, "map.peak_live_bytes"));
	model__free(m);
}

/* ------------------------------------------------ trace page requests */

static void page_req(struct model *m, uint64_t t, uint32_t dev, uint32_t pasid, uint64_t addr,
		     uint32_t grpid, bool last)
{
	struct model_page_req r = {
	    .addr = addr, .dev = dev, .sid = dev, .pasid = pasid, .grpid = grpid, .last = last};

	model__advance(m, t);
	model__page_req(m, t, &r);
}

/*
 * Every cost but the PCIe hops (O), the PRQ dispatch (D) and the fault
 * service (S) is zero, so a fault's latency is known exactly: ATS request
 * and "not present" (2 O), page request (O), dispatch, service, response
 * (O), retried ATS request and completion (2 O): 6 O + D + S. A group of n
 * is served by one handler: each member waits for all n services.
 */
#define PR_O 100
#define PR_D 1000
#define PR_S 5000
static const char *const pr_exact[] = {
    "ats.enabled=on",	   "model.mode=faulting",  "mem.read_ns=0",
    "walk.fixed_ns=0",	   "iotlb.hit_ns=0",	   "atc.hit_ns=0",
    "pcie.one_way_ns=100", "pri.dispatch_ns=1000", "fault.minor_ns=5000",
    "fault.dist=fixed",	   "pri.retry_ns=0",	   "pri.handlers=4",
    "pri.thread_ns=0",	   "inval.qi_wait_ns=0",   NULL,
};

static void test_page_req_groups(void **state)
{
	struct model_cfg c = cfg_with(pr_exact);
	struct model *m = model__new(&c);
	const double one = 6 * PR_O + PR_D + PR_S, three = 6 * PR_O + PR_D + 3 * PR_S,
		     two = 6 * PR_O + PR_D + 2 * PR_S;

	/* group 5 of PASID 7: three requests, the third is the last */
	page_req(m, 0, 0, 7, 0x1000, 5, false);
	/* same index, other PASID: another group */
	page_req(m, 0, 0, 8, 0x1000, 5, false);
	page_req(m, 0, 0, 7, 0x2000, 5, false);
	assert_true(metric(m, "pri.requests") == 3);
	assert_true(metric(m, "pri.in_flight") == 3);
	assert_true(metric(m, "pri.responses") == 0);
	page_req(m, 0, 0, 7, 0x3000, 5, true);
	assert_true(metric(m, "pri.responses") == 1);
	assert_true(metric(m, "pri.answered") == 3);
	assert_true(metric(m, "pri.in_flight") == 1);
	assert_true(metric(m, "pri.mean_fault_latency_ns") == three);
	assert_true(metric(m, "xlate.latency_ns@max") == three);
	page_req(m, 0, 0, 8, 0x2000, 5, true);
	assert_true(metric(m, "pri.responses") == 2);
	assert_true(metric(m, "pri.answered") == 5);
	assert_true(fabs(metric(m, "pri.mean_fault_latency_ns") - (3 * three + 2 * two) / 5) <
		    1e-9);
	/* a group of one: 6 O + D + S */
	page_req(m, 100000, 1, 7, 0x9000, 6, true);
	assert_true(metric(m, "pri.responses") == 3);
	assert_true(metric(m, "xlate.latency_ns@sum") == 3 * three + 2 * two + one);
	/* a group whose last request never comes */
	page_req(m, 200000, 1, 7, 0xa000, 7, false);
	page_req(m, 200000, 1, 7, 0xb000, 7, false);
	assert_true(metric(m, "pri.in_flight") == 2);
	assert_true(metric(m, "pri.requests") == metric(m, "pri.answered") +
						     metric(m, "pri.dropped") +
						     metric(m, "pri.in_flight"));
	model__finish(m, 300000);
	assert_true(metric(m, "pri.in_flight") == 0);
	assert_true(metric(m, "pri.unterminated_groups") == 1);
	assert_true(metric(m, "pri.requests") == 8);
	assert_true(metric(m, "pri.trace_requests") == 8);
	assert_true(metric(m, "pri.responses") == 4);
	assert_true(metric(m, "inval.page_grp_resp") == 4);
	assert_true(metric(m, "pri.answered") == 8);
	assert_true(metric(m, "pri.dropped") == 0);
	assert_true(metric(m, "pri.service_cpu_ns") == 8 * PR_S);
	assert_true(metric(m, "xlate.count") == 8);
	assert_true(fabs(metric(m, "pri.mean_fault_latency_ns") -
			 (3 * three + 2 * two + one + 2 * two) / 8) < 1e-9);
	model__free(m);
}

/* A trace fault and the residency model never fault one touch twice. */
static void test_page_req_no_double(void **state)
{
	static const char *const s[] = {"ats.enabled=on", "model.mode=faulting",
					"model.resident_fraction=0", NULL};
	struct model_cfg c = cfg_with(s);
	struct model *m = model__new(&c);
	struct model_access a = {.iova = 0x5010, .bytes = 64, .dev = 2, .sid = 2, .pasid = 3};

	page_req(m, 1000, 2, 3, 0x5000, 1, true);
	model__access(m, 1000, &a); /* the access that faulted: not translated again */
	assert_true(metric(m, "access.absorbed_pages") == 1);
	assert_true(metric(m, "xlate.count") == 1);
	assert_true(metric(m, "atc.lookups") == 1);
	a.dev = a.sid = 3; /* another device at the same time: its own translation */
	model__access(m, 1000, &a);
	assert_true(metric(m, "access.absorbed_pages") == 1);
	assert_true(metric(m, "xlate.count") == 2);
	assert_true(metric(m, "pri.requests") == 1); /* resident since the trace's fault */
	a.dev = a.sid = 2;
	model__access(m, 2000, &a); /* while the fault is served: waits for it */
	assert_true(metric(m, "xlate.pending_waits") == 1);
	assert_true(metric(m, "pri.requests") == 1);
	model__access(m, 100000, &a); /* later: an ATC hit */
	assert_true(metric(m, "atc.hits") == 1);
	a.iova = 0x6000; /* a page the trace never named: the residency model faults it */
	model__access(m, 200000, &a);
	assert_true(metric(m, "pri.requests") == 2);
	/* the trace says it faulted again (e.g. reclaimed): that is a new fault */
	page_req(m, 300000, 2, 3, 0x6000, 2, true);
	model__finish(m, 400000);
	assert_true(metric(m, "pri.requests") == 3);
	assert_true(metric(m, "pri.trace_requests") == 2);
	assert_true(metric(m, "pri.answered") == 3);
	assert_true(metric(m, "access.count") == 5);
	assert_true(metric(m, "xlate.count") == 6);
	model__free(m);
}

/* Pinned: a trace page request is a plain translation; without ATS it cannot be served. */
static void test_page_req_modes(void **state)
{
	static const char *const noats[] = {"model.mode=faulting", NULL};
	struct model_cfg c = cfg_with(NULL);
	struct model *m = model__new(&c);

	page_req(m, 0, 0, 1, 0x1000, 0, true);
	model__finish(m, 0);
	assert_true(metric(m, "pri.requests") == 0);
	assert_true(metric(m, "pri.trace_requests") == 1);
	assert_true(metric(m, "xlate.count") == 1);
	assert_true(metric(m, "iotlb.lookups") == 1);
	assert_true(metric(m, "fault.unrecoverable") == 0);
	model__free(m);
	c = cfg_with(noats);
	m = model__new(&c);
	page_req(m, 0, 0, 1, 0x1000, 0, true);
	model__finish(m, 0);
	assert_true(metric(m, "pri.requests") == 0);
	assert_true(metric(m, "fault.unrecoverable") == 1);
	assert_true(metric(m, "xlate.count") == 0);
	model__free(m);
}

/* Groups through a tiny PRQ: every request is answered, dropped, or (before the end) in flight. */
static void test_page_req_conservation(void **state)
{
	static const char *const s[] = {
	    "ats.enabled=on",	 "model.mode=faulting",	 "pri.prq_entries=4",
	    "pri.handlers=1",	 "fault.minor_ns=20000", "fault.dist=exp",
	    "pri.max_retries=3", "pri.outstanding=6",	 NULL};
	struct model_cfg c = cfg_with(s);
	struct model *m = model__new(&c);
	const uint64_t groups = 3000, size = 4;
	double req, ans, drop;

	for (uint64_t g = 0; g < groups; g++)
		for (uint64_t k = 0; k < size; k++)
			page_req(m, g * 2000, (uint32_t)(g % 3), 1, (g * size + k) << 12,
				 (uint32_t)(g & 0x1ff), k == size - 1);
	req = metric(m, "pri.requests");
	ans = metric(m, "pri.answered");
	drop = metric(m, "pri.dropped");
	assert_true(req == ans + drop + metric(m, "pri.in_flight"));
	model__finish(m, groups * 2000);
	assert_true(metric(m, "pri.in_flight") == 0);
	req = metric(m, "pri.requests");
	ans = metric(m, "pri.answered");
	assert_true(req == ans + drop);
	assert_true(drop > 0); /* the tiny PRQ overflows */
	assert_true(metric(m, "pri.retries") + metric(m, "pri.failed") == drop);
	/* every traced request is answered once or given up */
	assert_true(ans + metric(m, "pri.failed") == groups * size);
	assert_true(metric(m, "pri.trace_requests") == groups * size);
	assert_true(metric(m, "pri.max_prq_occupancy") <= 4);
	assert_true(metric(m, "pri.stalled") > 0); /* 6 outstanding per device */
	model__free(m);
}

/* ------------------------------------------------ invalidation */

static void run_unmaps(struct model *m, int n, uint64_t gap_ns)
{
	for (int i = 0; i < n; i++) {
		struct model_access a = {.iova = (uint64_t)i << 12, .bytes = 64, .domain = 1};

		model__advance(m, (uint64_t)i * gap_ns);
		model__map(m, (uint64_t)i * gap_ns, 0, 1, a.iova, 4096);
		model__access(m, (uint64_t)i * gap_ns, &a);
		model__unmap(m, (uint64_t)i * gap_ns, 0, 1, a.iova, 4096);
		/* a stale access after the unmap (and after the walk filled): hits only in lazy
		 * mode */
		model__access(m, (uint64_t)i * gap_ns + gap_ns - 1, &a);
	}
}

static void test_strict_vs_lazy(void **state)
{
	static const char *const strict[] = {"inval.mode=strict", "inval.source=model", NULL};
	static const char *const lazy[] = {"inval.mode=lazy", "inval.source=model", NULL};
	struct model_cfg c = cfg_with(strict);
	struct model *m = model__new(&c);

	run_unmaps(m, 1000, 1000);
	model__finish(m, 1000 * 1000);
	assert_true(metric(m, "inval.iotlb_inv") == 1000);
	assert_true(metric(m, "inval.count") == 1000);
	assert_true(metric(m, "iotlb.hits") == 0); /* the stale access misses */
	assert_true(metric(m, "inval.wait_ns") == 1000.0 * (double)c.qi_wait_ns);
	model__free(m);

	c = cfg_with(lazy);
	m = model__new(&c);
	run_unmaps(m, 1000, 1000); /* 1 ms in all: the 256-entry queue fills 3 times */
	model__finish(m, 1000 * 1000);
	assert_true(metric(m, "inval.fq_full") == 3);
	assert_true(metric(m, "inval.fq_timeout") == 1); /* the 232 left flush on timeout */
	assert_true(metric(m, "inval.flushes") == 4);
	assert_true(metric(m, "inval.iotlb_inv") == 4);
	/* every stale access hits, except the 3 right after a full-queue flush */
	if (metric(m, "iotlb.hits") != 997 || metric(m, "xlate.pending_waits") != 0)
		fail_msg("hits %.0f pw %.0f", metric(m, "iotlb.hits"),
			 metric(m, "xlate.pending_waits"));
	model__free(m);

	/* timeouts alone: one unmap every 4 ms -> each queue flushes on its 10 ms timer */
	m = model__new(&c);
	run_unmaps(m, 10, 4000000);
	model__finish(m, 40000000);
	assert_true(metric(m, "inval.fq_full") == 0);
	assert_true(metric(m, "inval.fq_timeout") == 4); /* at 10, 22, 34 ms and the last */
	model__free(m);
}

static void test_trace_descriptors(void **state)
{
	static const char *const s[] = {"ats.enabled=on", NULL};
	struct model_cfg c = cfg_with(s);
	struct model *m = model__new(&c);
	struct model_qi q = {.type = MODEL_QI_IOTLB_INV,
			     .granularity = 3,
			     .domain = IOTLB_ANY,
			     .addr = 0x5000,
			     .addr_mask = 1};
	struct model_access a = {.iova = 0x4000, .bytes = 0x3000}; /* pages 4,5,6 */

	model__access(m, 0, &a);
	assert_true(metric(m, "atc.misses") == 3);
	model__qi(m, 10, &q); /* pages 4..5 of the IOTLB (ATC untouched) */
	assert_true(model__effective_inval_source(m) == MODEL_INVSRC_TRACE);
	assert_true(metric(m, "iotlb.inval_entries") == 2);
	q.type = MODEL_QI_DEV_TLB_INV;
	q.addr = 0x6000;
	q.addr_mask = 0;
	model__qi(m, 20, &q);
	assert_true(metric(m, "atc.inval_entries") == 1);
	model__access(m, 30, &a);
	assert_true(metric(m, "atc.hits") == 2 && metric(m, "atc.misses") == 4);
	assert_true(metric(m, "iotlb.hits") == 1); /* page 6 still in the IOTLB */
	q.type = MODEL_QI_IEC_INV;
	model__qi(m, 40, &q);
	assert_true(metric(m, "inval.count") == 3);
	assert_true(metric(m, "inval.iotlb_inv") == 1 && metric(m, "inval.dev_tlb_inv") == 1 &&
		    metric(m, "inval.iec_inv") == 1);
	/* unmaps no longer invalidate: the trace does */
	model__unmap(m, 50, 0, 0, 0x4000, 0x3000);
	assert_true(metric(m, "inval.count") == 3);
	model__free(m);
}

/*
 * Invalidation waits from trace descriptors: Linux 6.1 issues each flush as
 * its own qi_submit_sync (descriptor mode); batching kernels one per run of
 * a CPU's descriptors at one time, with the device-TLB flush after the
 * IOTLB's its own; traced inv_wait descriptors are the waits. Strict +
 * ATS from the model waits twice. Each wait costs inval.qi_wait_ns on the
 * path that issued it (unmap or map). Before, trace descriptors cost 0.
 */
static void qi_at(struct model *m, uint64_t t, uint32_t cpu, uint32_t type)
{
	struct model_qi q = {.type = type,
			     .granularity = 3,
			     .domain = IOTLB_ANY,
			     .pasid = IOTLB_ANY,
			     .addr = 0x40000,
			     .cpu = cpu};

	model__qi(m, t, &q);
}

static void test_inval_waits(void **state)
{
	static const char *const desc[] = {"inval.source=trace", "inval.qi_wait_ns=1000",
					   "pcie.one_way_ns=0", "ats.inval_dev_ns=0", NULL};
	static const char *const run[] = {"inval.source=trace",	   "inval.qi_wait_ns=1000",
					  "pcie.one_way_ns=0",	   "ats.inval_dev_ns=0",
					  "inval.trace_waits=run", NULL};
	static const char *const strict_ats[] = {"inval.source=model",
						 "inval.mode=strict",
						 "ats.enabled=on",
						 "inval.qi_wait_ns=1000",
						 "pcie.one_way_ns=100",
						 "ats.inval_dev_ns=300",
						 NULL};
	struct model_cfg c = cfg_with(desc);
	struct model *m = model__new(&c);
	struct model_access a = {.iova = 0x1000, .bytes = 64};

	model__unmap(m, 5, 0, 0, 0x40000, 4096);
	qi_at(m, 10, 0, MODEL_QI_IOTLB_INV);
	qi_at(m, 10, 0, MODEL_QI_DEV_TLB_INV);
	qi_at(m, 10, 0, MODEL_QI_IEC_INV);
	assert_true(metric(m, "inval.sync_waits") == 3);
	assert_true(metric(m, "inval.wait_ns") == 3000);
	assert_true(metric(m, "unmap.inval_wait_ns") == 3000); /* after an unmap on CPU 0 */
	qi_at(m, 20, 1, MODEL_QI_IOTLB_INV);		       /* CPU 1 did no unmap */
	assert_true(metric(m, "unmap.inval_wait_ns") == 3000);
	model__free(m);

	c = cfg_with(run);
	m = model__new(&c);
	qi_at(m, 10, 0, MODEL_QI_IOTLB_INV);
	qi_at(m, 10, 0, MODEL_QI_IEC_INV);   /* same run */
	qi_at(m, 10, 1, MODEL_QI_IOTLB_INV); /* other CPU: its own */
	assert_true(metric(m, "inval.sync_waits") == 2);
	qi_at(m, 10, 0, MODEL_QI_DEV_TLB_INV); /* device TLB after the IOTLB: a wait of its own */
	qi_at(m, 11, 0, MODEL_QI_IOTLB_INV);   /* next time: next run */
	assert_true(metric(m, "inval.sync_waits") == 4);
	/* a trace with inv_wait descriptors: they are the waits */
	qi_at(m, 12, 0, MODEL_QI_IOTLB_INV);
	qi_at(m, 12, 0, MODEL_QI_INV_WAIT);
	qi_at(m, 13, 0, MODEL_QI_IOTLB_INV);
	qi_at(m, 13, 0, MODEL_QI_INV_WAIT);
	assert_true(metric(m, "inval.sync_waits") == 6);
	model__free(m);

	/* model strict + ATS, one device: IOTLB wait, then the device-TLB wait + ATS round trip */
	c = cfg_with(strict_ats);
	m = model__new(&c);
	model__access(m, 0, &a);
	model__unmap(m, 100000, 0, 0, 0x1000, 4096);
	assert_true(metric(m, "inval.sync_waits") == 2);
	assert_true(metric(m, "inval.wait_ns") == 1000 + 1000 + 200 + 300);
	assert_true(metric(m, "unmap.inval_wait_ns") == 2500);
	model__free(m);
}

/* Caching mode: a page-selective flush of a map the same CPU just made. */
static void test_caching_mode(void **state)
{
	static const char *const on[] = {"inval.source=trace", "iommu.caching_mode=auto", NULL};
	static const char *const off[] = {"inval.source=trace", "iommu.caching_mode=off", NULL};
	static const char *const model_on[] = {"inval.source=model", "iommu.caching_mode=on", NULL};
	const char *const *cfgs[] = {on, off};

	for (int k = 0; k < 2; k++) {
		struct model_cfg c = cfg_with(cfgs[k]);
		struct model *m = model__new(&c);

		model__map(m, 0, 0, 0, 0x40000, 4096);
		qi_at(m, 1, 1, MODEL_QI_IOTLB_INV); /* other CPU: not the map's */
		qi_at(m, 2, 0, MODEL_QI_IOTLB_INV); /* the map's flush */
		qi_at(m, 3, 0, MODEL_QI_IOTLB_INV); /* consumed: a second one is not */
		model__map(m, 4, 0, 0, 0x40000, 4096);
		model__unmap(m, 5, 0, 0, 0x40000, 4096);
		qi_at(m, 6, 0, MODEL_QI_IOTLB_INV); /* after the unmap: the unmap's */
		assert_true(metric(m, "inval.caching_mode_flushes") == 1);
		assert_true(metric(m, "inval.caching_mode") == (k == 0));
		assert_true(metric(m, "inval.iotlb_inv") == (k == 0 ? 4 : 3));
		assert_true(metric(m, "inval.caching_mode_dropped") == (k == 0 ? 0 : 1));
		assert_true(metric(m, "map.inval_wait_ns") == (k == 0 ? (double)c.qi_wait_ns : 0));
		model__free(m);
	}
	/* model source, caching mode on: the model flushes after each map, IOTLB only */
	{
		struct model_cfg c = cfg_with(model_on);
		struct model *m = model__new(&c);

		model__map(m, 0, 0, 0, 0x40000, 8192);
		model__map(m, 1, 0, 0, 0x80000, 4096);
		assert_true(metric(m, "inval.caching_mode_flushes") == 2);
		assert_true(metric(m, "inval.sync_waits") == 2);
		assert_true(metric(m, "map.inval_wait_ns") == 2.0 * (double)c.qi_wait_ns);
		model__free(m);
	}
}

/*
 * Linux keeps the flush queue per domain (dma-iommu.c: the cookie's per-CPU
 * rings and one fq_timer per domain). Before, one queue per CPU remembered
 * only the last unmap's domain: the other domain's stale entries were never
 * flushed, and unmaps of two domains filled one ring.
 */
static void test_fq_per_domain(void **state)
{
	static const char *const s[] = {"inval.mode=lazy", "inval.source=model",
					"inval.fq_entries=4", NULL};
	struct model_cfg c = cfg_with(s);
	struct model *m = model__new(&c);

	for (uint32_t d = 1; d <= 2; d++)
		for (uint64_t i = 0; i < 3; i++) {
			struct model_access a = {.iova = i << 12, .bytes = 64, .domain = d};

			model__map(m, 0, 0, d, a.iova, 4096);
			model__access(m, 0, &a);
		}
	for (uint32_t d = 1; d <= 2; d++)
		for (uint64_t i = 0; i < 3; i++)
			model__unmap(m, 1000, 0, d, i << 12, 4096);
	/* 3 entries per domain on CPU 0: no ring is full */
	assert_true(metric(m, "inval.fq_full") == 0);
	model__advance(m, 20000000);
	/* each domain's timer flushed its own domain */
	assert_true(metric(m, "inval.fq_timeout") == 2);
	for (uint32_t d = 1; d <= 2; d++)
		for (uint64_t i = 0; i < 3; i++) {
			struct model_access a = {.iova = i << 12, .bytes = 64, .domain = d};

			model__access(m, 20000000, &a);
		}
	assert_true(metric(m, "iotlb.hits") == 0); /* no stale translation survives */
	/* a fourth unmap in domain 1 on CPU 0 fills that ring: the domain is flushed */
	model__unmap(m, 20000001, 0, 1, 0x10000, 4096);
	model__unmap(m, 20000001, 0, 1, 0x11000, 4096);
	model__unmap(m, 20000001, 0, 1, 0x12000, 4096);
	model__unmap(m, 20000001, 0, 1, 0x13000, 4096);
	assert_true(metric(m, "inval.fq_full") == 1);
	model__free(m);
}

/*
 * xlate.use_after_unmap: a translation served (cache hit, or a walk of a page
 * not mapped again) for an IOVA unmapped and not yet invalidated there.
 */
static void test_use_after_unmap(void **state)
{
	static const char *const lazy[] = {"inval.mode=lazy", "inval.source=model",
					   "ats.enabled=on", NULL};
	static const char *const strict[] = {"inval.mode=strict", "inval.source=model",
					     "ats.enabled=on", NULL};
	struct model_access a = {.iova = 0x5000, .bytes = 64};
	struct model_cfg c = cfg_with(lazy);
	struct model *m = model__new(&c);

	model__map(m, 0, 0, 0, 0x5000, 4096);
	model__access(m, 0, &a);
	model__unmap(m, 10000, 0, 0, 0x5000, 4096);
	model__access(m, 20000, &a); /* lazy: the ATC still serves it */
	assert_true(metric(m, "xlate.use_after_unmap") == 1);
	model__advance(m, 20000000);	/* the flush queue's timer flushed it */
	model__access(m, 20000001, &a); /* a walk of an unmapped page: not counted any more */
	assert_true(metric(m, "xlate.use_after_unmap") == 1);
	model__free(m);

	c = cfg_with(strict);
	m = model__new(&c);
	model__map(m, 0, 0, 0, 0x5000, 4096);
	model__access(m, 0, &a);
	model__unmap(m, 10000, 0, 0, 0x5000, 4096);
	model__map(m, 10001, 0, 0, 0x5000, 4096); /* reuse after a strict invalidation */
	model__access(m, 20000, &a);
	assert_true(metric(m, "xlate.use_after_unmap") == 0);
	model__free(m);
}

/* ------------------------------------------------ determinism */

static void run_mix(const struct model_cfg *c, double out[4])
{
	struct model *m = model__new(c);
	struct prng rng;

	prng_seed(&rng, 8);
	for (uint64_t i = 0; i < 30000; i++) {
		struct model_access a = {.iova = prng_below(&rng, 1 << 28),
					 .bytes = 64,
					 .dev = (uint32_t)prng_below(&rng, 2),
					 .pasid = (uint32_t)prng_below(&rng, 3)};

		model__advance(m, i * 300);
		model__access(m, i * 300, &a);
		if (i % 100 == 0) {
			/* an SVA invalidation (faulting mode maps and unmaps nothing) */
			struct model_qi q = {.type = MODEL_QI_P_IOTLB_INV,
					     .granularity = 3,
					     .domain = IOTLB_ANY,
					     .pasid = a.pasid,
					     .addr = a.iova & ~0xfffull,
					     .cpu = (uint32_t)(i % 3)};

			model__qi(m, i * 300, &q);
		}
	}
	model__finish(m, 30000 * 300);
	out[0] = metric(m, "iotlb.misses");
	out[1] = metric(m, "xlate.latency_ns@sum");
	out[2] = metric(m, "pri.requests");
	out[3] = metric(m, "inval.count");
	model__free(m);
}

static void test_determinism(void **state)
{
	static const char *const s[] = {
	    "ats.enabled=on",		"model.mode=faulting",	       "iotlb.policy=random",
	    "fault.major_fraction=0.1", "model.resident_fraction=0.5", NULL};
	static const char *const s2[] = {"ats.enabled=on",
					 "model.mode=faulting",
					 "iotlb.policy=random",
					 "fault.major_fraction=0.1",
					 "model.resident_fraction=0.5",
					 "model.seed=2",
					 NULL};
	struct model_cfg c = cfg_with(s), c2 = cfg_with(s2);
	double a[4], b[4], d[4];

	run_mix(&c, a);
	run_mix(&c, b);
	run_mix(&c2, d);
	assert_memory_equal(a, b, sizeof(a));
	assert_true(a[1] != d[1]); /* another seed, other fault times */
	assert_true(a[3] > 0 && a[2] > 0);
}

/* ------------------------------------------------ params */

static void test_params_validation(void **state)
{
	struct params *p = params__new(tables);
	char err[256];

	assert_int_equal(params__set(p, "iotlb.entriez", "8", "t", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "iotlb.entriez"));
	assert_int_equal(params__set(p, "mem.read_ns", "-5", "t", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "mem.read_ns"));
	assert_int_equal(params__set(p, "iotlb.policy", "plru", "t", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "lru|fifo|random"));
	assert_int_equal(params__set(p, "iotlb.ways", "0", "t", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "iotlb.ways"));
	assert_int_equal(params__set(p, "iotlb.ways", "5", "t", err, sizeof(err)), 0);
	assert_int_equal(params__validate(p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "iotlb.ways"));
	assert_non_null(strstr(err, "divisible"));
	assert_int_equal(params__set(p, "iotlb.ways", "64", "t", err, sizeof(err)), 0);
	assert_int_equal(params__set(p, "pt.page_bytes", "2M", "t", err, sizeof(err)), 0);
	assert_int_equal(params__set(p, "inval.fq_timeout_ns", "10ms", "t", err, sizeof(err)), 0);
	assert_int_equal(params__validate(p, err, sizeof(err)), 0);
	assert_int_equal(((const struct model_cfg *)params__cfg(p, &model_param_table))->page_bytes,
			 2u << 20);
	assert_int_equal(params__set(p, "pt.page_bytes", "8192", "t", err, sizeof(err)), 0);
	assert_int_equal(params__validate(p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "pt.page_bytes"));
	params__free(p);
}

static void count_row(const struct param_def *d, const char *value, const char *origin, void *ctx)
{
	int *n = ctx;

	/* every row has a unit field, a source and help */
	assert_non_null(d->source);
	assert_true(strlen(d->source) > 0);
	assert_true(strlen(d->help) > 0);
	assert_string_equal(origin, "default");
	(*n)++;
}

static void test_params_sources(void **state)
{
	struct params *p = params__new(tables);
	int n = 0;

	params__foreach(p, count_row, &n);
	assert_int_equal(n, (int)model_param_table.nr_defs);
	params__free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_walkers_md1),
	    cmocka_unit_test(test_walkers_many_servers),
	    cmocka_unit_test(test_walk_reads),
	    cmocka_unit_test(test_iotlb_reach_knee),
	    cmocka_unit_test(test_conservation_lookups_ats),
	    cmocka_unit_test(test_conservation_pri),
	    cmocka_unit_test(test_pending_translations),
	    cmocka_unit_test(test_pri_mmc),
	    cmocka_unit_test(test_pri_handlers_source),
	    cmocka_unit_test(test_faulting_without_ats),
	    cmocka_unit_test(test_page_req_groups),
	    cmocka_unit_test(test_page_req_no_double),
	    cmocka_unit_test(test_page_req_modes),
	    cmocka_unit_test(test_page_req_conservation),
	    cmocka_unit_test(test_conservation_maps),
	    cmocka_unit_test(test_strict_vs_lazy),
	    cmocka_unit_test(test_trace_descriptors),
	    cmocka_unit_test(test_inval_waits),
	    cmocka_unit_test(test_fq_per_domain),
	    cmocka_unit_test(test_use_after_unmap),
	    cmocka_unit_test(test_caching_mode),
	    cmocka_unit_test(test_determinism),
	    cmocka_unit_test(test_params_validation),
	    cmocka_unit_test(test_params_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
