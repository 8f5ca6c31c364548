// SPDX-License-Identifier: GPL-2.0
/*
 * import.c - the importer table. Adding an importer = one file + one line.
 */
#include <string.h>

#include "collect/import/import.h"

/*
 * The registry: one line per importer, in help order. Importer NAME is
 * `const struct importer importer_NAME` in its own file
 * (collect/import/import_NAME.c); the declarations and the table are made
 * from this list, the help and --from validation from the table.
 */
#define IMPORTERS(X)                                                                               \
	X(ftrace_text)                                                                             \
	X(access_csv)                                                                              \
	X(trace_dat)                                                                               \
	X(pcm_iio)

#define DECLARE_(n) extern const struct importer importer_##n;
IMPORTERS(DECLARE_)
#undef DECLARE_
#define ENTRY_(n) &importer_##n,
static const struct importer *const importers[] = {IMPORTERS(ENTRY_)};
#undef ENTRY_

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
