// SPDX-License-Identifier: GPL-2.0
/*
 * host_cpus.c - how many CPUs the traced host had, for the model's
 * host.cpus (fault-handling concurrency, model/xlate/model.h): the host
 * snapshot's "cpus" when the trace's META carries one (svatrace collect),
 * or a generated trace's "cpus" key (svatrace gen), else the highest CPU
 * number any record was seen on, plus one (ftrace imports have neither):
 * from the trace header when its writer stored it (TRACE_F_CPUS_SEEN), else
 * by reading the records ahead once.
 */
#include <jansson.h>
#include <stdlib.h>

#include "replay/host_cpus.h"
#include "replay/source.h"

uint32_t replay_host_cpus(struct replay_source *src)
{
	const char *meta = replay_source__meta_json(src);
	const struct trace_rec *rec;
	uint32_t max_cpu = 0;
	int64_t n_seen;
	json_t *j;

	if (meta && (j = json_loads(meta, 0, NULL))) {
		json_t *cpus = json_object_get(json_object_get(j, "host"), "cpus");
		json_t *gen = json_object_get(json_object_get(j, "params"), "cpus");
		json_int_t n = json_is_integer(cpus) ? json_integer_value(cpus) : 0;

		/* a generated trace: its generator's cpus key (svatrace gen) */
		if (!n && json_is_string(gen) && json_object_get(j, "generator"))
			n = strtoll(json_string_value(gen), NULL, 10);
		json_decref(j);
		if (n > 0 && n <= 1 << 20)
			return (uint32_t)n;
	}
	n_seen = replay_source__cpus_seen(src);
	if (n_seen >= 0)
		return n_seen ? (uint32_t)n_seen : 1;
	while (replay_source__next(src, &rec) == 1)
		if (rec->cpu != UINT16_MAX &&
		    (uint32_t)rec->cpu + 1 > max_cpu) /* 0xffff: unknown */
			max_cpu = (uint32_t)rec->cpu + 1;
	replay_source__rewind(src);
	return max_cpu ? max_cpu : 1;
}
