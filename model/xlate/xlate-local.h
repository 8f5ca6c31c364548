/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlate-local.h - internals shared by the files of model/xlate/ (not an
 * interface of the model).
 */
#ifndef SVATRACE_MODEL_XLATE_LOCAL_H
#define SVATRACE_MODEL_XLATE_LOCAL_H

#include <stdint.h>

/*
 * Key of (domain, page-aligned IOVA) in the model's maps (live maps, held
 * unmaps, stale pages). IOVAs are page aligned: the low 12 bits carry the
 * domain's low bits. Only the domain's low 12 bits reach the key.
 */
static inline uint64_t xlate_map_key(uint32_t domain, uint64_t iova)
{
	return (iova & ~0xfffull) ^ ((uint64_t)domain << 52) ^ (domain & 0xfff);
}

#endif /* SVATRACE_MODEL_XLATE_LOCAL_H */
