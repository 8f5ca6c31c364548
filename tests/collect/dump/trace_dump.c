// SPDX-License-Identifier: GPL-2.0
/*
 * trace_dump.c - test helper: print selected fields of every record of a
 * trace file, one line each, so shell tests can compare values.
 */
#include <stdio.h>

#include "trace/trace.h"

int main(int argc, char **argv)
{
	const struct trace_rec *rec;
	struct trace_reader *r;
	int err, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: trace_dump FILE\n");
		return 2;
	}
	r = trace_reader__open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "%s\n", trace_open_errmsg());
		return 1;
	}
	while ((rc = trace_reader__next(r, &rec)) == 1) {
		const char *ev = trace_reader__event_name(r, rec);

		if (rec->kind == TRACE_REC_WQ_SUBMIT) {
			const struct trace_rec_wq_submit *s = (const void *)rec;

			printf("%s opcode=%u flags=0x%x pasid=%u xfer=%u src=0x%llx dst=0x%llx "
			       "compl=0x%llx hashed=%u\n",
			       ev, s->opcode, s->desc_flags, s->pasid, s->xfer_bytes,
			       (unsigned long long)s->src, (unsigned long long)s->dst,
			       (unsigned long long)s->compl_addr,
			       rec->flags & TRACE_RF_ADDR_HASHED);
		} else if (rec->kind == TRACE_REC_GENERIC) {
			printf("%s pid=%u %s hashed=%u\n", ev, rec->pid,
			       trace_reader__generic_text(rec), rec->flags & TRACE_RF_ADDR_HASHED);
		} else {
			printf("%s kind=%u\n", ev, rec->kind);
		}
	}
	trace_reader__close(r);
	return rc < 0 ? 1 : 0;
}
