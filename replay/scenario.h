/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - what-if scenario transforms: pure record-stream filters that
 * rewrite a trace before the model sees it (pinned <-> faulting, dwq <-> swq,
 * page size, strict <-> lazy invalidation, ATS on/off, N tenants).
 *
 * A chain is built from a spec "NAME[=VALUE][:key=value...][,NAME...]", e.g.
 * "faulting:resident=0.5,pagesize=2m,tenants=4:shift=10us". Records pushed in
 * flow through each transform in order; each may drop, rewrite, or add
 * records (keeping small state) and emits into the next; the last emits into
 * the caller's scenario_out. scenario_chain__finish() flushes what transforms
 * hold back (reorder buffers, pinned ranges to release) at end of stream.
 * A transform may also ask for model parameter overrides ("key=value"
 * strings) that the replay applies with its --set machinery after the
 * profile and before the user's own --set. One file per transform
 * (replay/scenario_NAME.c) and one line in SCENARIO_TRANSFORMS in replay/scenario.c.
 */
#ifndef SVATRACE_REPLAY_SCENARIO_H
#define SVATRACE_REPLAY_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "lib/units.h"

#include "trace/format.h"

/*
 * Model keys the transforms override. One place, so that renaming a model
 * key is a one-line change here.
 */
#define SCN_KEY_MODE "model.mode"		   /* pinned | faulting */
#define SCN_KEY_RESIDENT "model.resident_fraction" /* 0..1 */
#define SCN_KEY_PAGE_SIZE "pt.page_bytes"	   /* 4096 | 2M | 1G */
#define SCN_KEY_INVAL "inval.mode"		   /* strict | lazy */
#define SCN_KEY_ATS "ats.enabled"		   /* on | off */
#define SCN_KEY_ATS_DEVICES "ats.devices"	   /* trace | all */
#define SCN_KEY_WQ_MODE "wq.wq0.mode"		   /* dedicated | shared (the WQ model's key) */

/* Where a chain's output goes, and the string table of the trace. */
struct scenario_out {
	int (*emit)(void *ctx, const struct trace_rec *rec); /* 0 or -errno */
	uint32_t (*intern)(void *ctx, const char *s);	     /* new names (tenants); id >= 1 */
	const char *(*string)(void *ctx, uint32_t id);	     /* name of an id, NULL if unknown */
	void *ctx;					     /* caller's state */
};

/* The emitter a transform writes into (the next stage or the caller). */
struct scenario_emit {
	int (*emit)(const struct scenario_emit *e,
		    const struct trace_rec *rec); /* pass one record on */
	const struct scenario_out *out;		  /* strings */
	void *priv;				  /* chain internals */
};

/* One key=value argument of a transform. */
struct scenario_arg {
	const char *key;   /* argument name */
	const char *value; /* its text */
};

#define SCENARIO_MAX_ARGS 8
#define SCENARIO_MAX_OVERRIDES 20 /* dwq: 8 WQ sizes + 8 modes + nr_wqs */

struct scenario_ops {
	const char *name;    /* "faulting" */
	const char *value;   /* NULL: no =VALUE; else the accepted words, "4k|2m|1g" or "N" */
	const char *summary; /* one line */
	const char *help;    /* assumptions and arguments (":key=value", defaults) */
	/*
	 * Parse @value and @args (already split), allocate state into *@state.
	 * Return 0 or -EINVAL after scenario_err() named the transform and
	 * argument (the chain hands the message to its caller).
	 */
	int (*init)(void **state, const char *value, const struct scenario_arg *args,
		    size_t nr_args, uint64_t seed);
	/* One record in; zero or more out through @next. */
	int (*push)(void *state, const struct trace_rec *rec, const struct scenario_emit *next);
	/* End of stream: emit what is held back. May be NULL. */
	int (*finish)(void *state, const struct scenario_emit *next);
	/* Fill @kv with up to SCENARIO_MAX_OVERRIDES "key=value" strings; return count. May be
	 * NULL. */
	size_t (*overrides)(const void *state, const char **kv);
	/* Records out per record in, at most (tenants=N: N). May be NULL: 1. */
	uint64_t (*copies)(const void *state);
	void (*free)(void *state);
};

/*
 * Copies of one input record a whole chain may make: the product of the
 * stages' copies(). "tenants=4096,tenants=4096" made 2^24 of every record
 * and held them in memory without bound (issue 19).
 */
#define SCENARIO_MAX_COPIES 4096

struct scenario_chain;

/** scenario_find() - the transform called @name, NULL if none. */
const struct scenario_ops *scenario_find(const char *name);

/** scenario_foreach() - call @fn for each transform in table order. */
void scenario_foreach(void (*fn)(const struct scenario_ops *ops, void *ctx), void *ctx);

/**
 * scenario_chain__new() - parse @spec and build the chain.
 * @spec: "NAME[=VALUE][:key=value...][,...]"; "" or NULL gives an identity chain.
 * @seed: PRNG seed for transforms that draw (residency); each stage derives its own.
 * @out: output and string table; copied.
 * @err: on failure, receives the one message naming the transform and argument
 *	(nothing is logged).
 *
 * Return: the chain, or NULL with errno (EINVAL: bad spec; ENOMEM).
 */
struct scenario_chain *scenario_chain__new(const char *spec, uint64_t seed,
					   const struct scenario_out *out, char *err,
					   size_t err_bytes);

/** scenario_chain_nr_built() - chains scenario_chain__new() built in this process (tests). */
uint64_t scenario_chain_nr_built(void);

/**
 * scenario_chain__reset() - start again: every stage's state is recreated
 * from the arguments parsed by scenario_chain__new(), its streams from
 * @seed (a replay rewinds its source after the expand=auto prescan).
 * Return: 0, or -ENOMEM with @err set (the chain then passes records
 * through unchanged until freed).
 */
int scenario_chain__reset(struct scenario_chain *c, uint64_t seed, char *err, size_t err_bytes);

/**
 * scenario_chain__bind() - send the chain's records to @out (copied) from
 * now on: a chain built to read its overrides (sweep_resolve) is the one the
 * replay then runs, so a replay builds its chain once.
 */
void scenario_chain__bind(struct scenario_chain *c, const struct scenario_out *out);

/** scenario_chain__push() - one record through the chain; 0 or a negative error. */
int scenario_chain__push(struct scenario_chain *c, const struct trace_rec *rec);

/** scenario_chain__finish() - end of stream: flush every stage in order. */
int scenario_chain__finish(struct scenario_chain *c);

/**
 * scenario_chain__errmsg() - why the last push or finish failed, as the
 * failing stage said it (scenario_fail()), or "" if it gave no reason (then
 * the error code says it all).
 */
const char *scenario_chain__errmsg(const struct scenario_chain *c);

/**
 * scenario_chain__overrides() - the model overrides of every stage, in chain
 * order (a later stage wins on the same key when applied in order).
 * @kv: filled with up to @max "key=value" strings owned by the chain.
 * Return: the number of overrides (may exceed @max: only @max are stored).
 */
size_t scenario_chain__overrides(const struct scenario_chain *c, const char **kv, size_t max);

/** scenario_chain__spec() - the normalised spec (for the run's identity). */
const char *scenario_chain__spec(const struct scenario_chain *c);

/** scenario_chain__free() - free; NULL is a no-op. */
void scenario_chain__free(struct scenario_chain *c);

/* Helpers for transforms. */

/**
 * scenario_arg_u64() - parse an integer argument of unit @kind (lib/units:
 * counts decimal, entries and bytes binary, durations ns/us/ms/s); 0 or
 * -EINVAL after a message naming the scenario and the argument.
 */
int scenario_arg_u64(const char *name, const struct scenario_arg *a, uint64_t *v,
		     enum units_kind kind);

/** scenario_arg_real() - parse a real argument of unit @kind within [lo, hi]; 0 or -EINVAL. */
int scenario_arg_real(const char *name, const struct scenario_arg *a, enum units_kind kind,
		      double lo, double hi, double *v);

/**
 * scenario_err() - report why init() fails ("scenario NAME: ..."): the
 * message goes to the error buffer of the chain being built (the first
 * message wins). For init() only.
 */
void scenario_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * scenario_fail() - say why push() or finish() is about to fail (a cap hit,
 * with the cap and how to raise it); the caller of the chain reads it with
 * scenario_chain__errmsg(). The first message wins until the chain is reset.
 */
void scenario_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** scenario_bad_arg() - report "scenario NAME: unknown argument 'KEY'" and return -EINVAL. */
int scenario_bad_arg(const char *name, const struct scenario_arg *a);

/** scenario_rec_pasid() - the PASID a record carries, TRACE_NO_PASID if none. */
uint32_t scenario_rec_pasid(const struct trace_rec *rec);

/** scenario_rec_copy_size() - largest record a transform may need to copy. */
#define SCENARIO_REC_MAX (sizeof(struct trace_rec_generic) + TRACE_GENERIC_MAX_TEXT + 8)

/**
 * scenario_qi_iotlb() - build an IOTLB invalidation record (VT-d 6.5.2.3)
 * at @ts_ns: granularity 3 = page-selective (2^@am pages at @addr), 2 = domain.
 */
void scenario_qi_iotlb(struct trace_rec_qi_submit *q, uint64_t ts_ns, uint32_t iommu_id,
		       uint32_t did, unsigned int gran, uint64_t addr, unsigned int am);

/** scenario_qi_dev_tlb() - build a device-TLB invalidation record for requester @sid
 * (VT-d 6.5.2.5). */
void scenario_qi_dev_tlb(struct trace_rec_qi_submit *q, uint64_t ts_ns, uint32_t iommu_id,
			 uint16_t sid, uint64_t addr, unsigned int am);

/**
 * scenario_page_req() - build a page request record (VT-d 7.5.1 descriptor in
 * dw[], decoded fields filled) for one page at @addr.
 * @rw: bit0 read, bit1 write.
 */
void scenario_page_req(struct trace_rec_page_req *p, uint64_t ts_ns, uint32_t device_id,
		       uint32_t pasid, uint64_t addr, unsigned int rw, uint16_t grpid);

/** scenario_log2_pages() - smallest am with 2^am 4 KiB pages >= @bytes. */
unsigned int scenario_log2_pages(uint64_t bytes);

#endif /* SVATRACE_REPLAY_SCENARIO_H */
