// SPDX-License-Identifier: GPL-2.0
/*
 * import.c - the importer table. Adding an importer = one file + one line.
 */
#include <string.h>

#include "collect/import/import.h"

extern const struct importer importer_access_csv;
extern const struct importer importer_ftrace_text;
extern const struct importer importer_trace_dat;

static const struct importer *const importers[] = {
	&importer_ftrace_text,
	&importer_access_csv,
	&importer_trace_dat,
};

const struct importer *import_find(const char *name)
{
	for (size_t i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
		if (!strcmp(importers[i]->name, name))
			return importers[i];
	return NULL;
}

void import_foreach(void (*fn)(const struct importer *imp, void *ctx), void *ctx)
{
	for (size_t i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
		fn(importers[i], ctx);
}
