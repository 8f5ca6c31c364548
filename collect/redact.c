// SPDX-License-Identifier: GPL-2.0
/* redact.c - keyed address hashing (see redact.h). */
#include <errno.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "collect/redact.h"

_Static_assert(REDACT_KEY_BYTES == crypto_shorthash_KEYBYTES, "SipHash key size");

/*
 * Recently hashed frames, direct-mapped by frame number: DMA buffers and
 * descriptor rings reuse their pages, and a SipHash is ~20 ns on the
 * collector's consumer, whose whole budget is 60 ns per event (issue 20).
 */
#define REDACT_CACHE 256

struct redact {
	bool keep;				      /* identity */
	unsigned char key[crypto_shorthash_KEYBYTES]; /* SipHash key */
	uint64_t tag[REDACT_CACHE];		      /* frame + 1 cached in the slot, 0 = none */
	uint64_t hashed[REDACT_CACHE]; /* its hashed frame (bits 12-51 of the result) */
};

int redact_key_random(uint8_t key[REDACT_KEY_BYTES])
{
	if (sodium_init() < 0)
		return -EIO;
	randombytes_buf(key, REDACT_KEY_BYTES);
	return 0;
}

int redact_key_load(const char *path, uint8_t key[REDACT_KEY_BYTES], char *err, size_t err_len)
{
	char buf[2 * REDACT_KEY_BYTES + 3];
	size_t n, bin_len = 0;
	FILE *f = fopen(path, "rb");

	if (!f) {
		int e = errno;

		snprintf(err, err_len, "%s: %s", path, strerror(e));
		return -e;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == REDACT_KEY_BYTES) {
		memcpy(key, buf, REDACT_KEY_BYTES);
		return 0;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n == 2 * REDACT_KEY_BYTES &&
	    sodium_hex2bin(key, REDACT_KEY_BYTES, buf, n, NULL, &bin_len, NULL) == 0 &&
	    bin_len == REDACT_KEY_BYTES)
		return 0;
	snprintf(err, err_len,
		 "%s: not a hash key: want 32 hex digits or %d raw bytes (e.g. 'head -c 16 "
		 "/dev/urandom | xxd -p > FILE')",
		 path, REDACT_KEY_BYTES);
	return -EINVAL;
}

void redact_key_id(const uint8_t key[REDACT_KEY_BYTES], char out[REDACT_KEY_ID_LEN + 1])
{
	static const unsigned char msg[] = "svatrace key id";
	unsigned char h[REDACT_KEY_ID_LEN / 2];

	crypto_generichash(h, sizeof(h), msg, sizeof(msg) - 1, key, REDACT_KEY_BYTES);
	sodium_bin2hex(out, REDACT_KEY_ID_LEN + 1, h, sizeof(h));
}

struct redact *redact__new_key(bool keep, const uint8_t *key)
{
	struct redact *rd = calloc(1, sizeof(*rd));

	if (!rd)
		return NULL;
	rd->keep = keep;
	if (keep)
		return rd;
	if (key) {
		memcpy(rd->key, key, sizeof(rd->key));
	} else if (redact_key_random(rd->key)) {
		free(rd);
		errno = EIO;
		return NULL;
	}
	return rd;
}

struct redact *redact__new(bool keep)
{
	return redact__new_key(keep, NULL);
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

uint64_t redact__addr(struct redact *rd, uint64_t addr)
{
	return addr ? redact__addr_any(rd, addr) : 0;
}

uint64_t redact__addr_any(struct redact *rd, uint64_t addr)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t pfn = addr >> 12, h;
	unsigned int slot = (unsigned int)(pfn ^ pfn >> 8) % REDACT_CACHE;

	if (rd->keep)
		return addr;
	if (rd->tag[slot] == pfn + 1)
		return rd->hashed[slot] | (addr & 0xfff);
	crypto_shorthash(out, (const unsigned char *)&pfn, sizeof(pfn), rd->key);
	memcpy(&h, out, sizeof(h));
	/* 40-bit hashed frame: looks like an address, never 0, keeps the offset */
	rd->tag[slot] = pfn + 1;
	rd->hashed[slot] = ((h & 0xffffffffffULL) | 1) << 12;
	return rd->hashed[slot] | (addr & 0xfff);
}
