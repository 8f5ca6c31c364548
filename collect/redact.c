// SPDX-License-Identifier: GPL-2.0
/* redact.c - keyed address hashing (see redact.h). */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "collect/redact.h"

struct redact {
	bool keep;					/* identity */
	unsigned char key[crypto_shorthash_KEYBYTES];	/* SipHash key */
};

struct redact *redact__new(bool keep)
{
	struct redact *rd = calloc(1, sizeof(*rd));
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	if (!rd)
		return NULL;
	rd->keep = keep;
	if (!keep && !(sde && *sde)) {
		if (sodium_init() < 0) {
			free(rd);
			errno = EIO;
			return NULL;
		}
		randombytes_buf(rd->key, sizeof(rd->key));
	}
	return rd;
}

void redact__free(struct redact *rd)
{
	if (!rd)
		return;
	sodium_memzero(rd->key, sizeof(rd->key));
	free(rd);
}

bool redact__keeps(const struct redact *rd)
{
	return rd->keep;
}

uint64_t redact__addr(const struct redact *rd, uint64_t addr)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t pfn = addr >> 12, h;

	if (rd->keep || addr == 0)
		return addr;
	crypto_shorthash(out, (const unsigned char *)&pfn, sizeof(pfn), rd->key);
	memcpy(&h, out, sizeof(h));
	/* 40-bit hashed frame: looks like an address, never 0, keeps the offset */
	return (((h & 0xffffffffffULL) | 1) << 12) | (addr & 0xfff);
}
