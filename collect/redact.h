/* SPDX-License-Identifier: GPL-2.0 */
/*
 * redact.h - consistent keyed hashing of sensitive addresses.
 *
 * Physical and user virtual addresses reveal KASLR/ASLR layout. Unless the
 * user asks to keep them, collectors and importers replace each address by
 * a keyed hash of its page frame (SipHash-2-4 via libsodium's
 * crypto_shorthash) with the page offset kept, so the same page always maps
 * to the same hashed page within one file (reuse and locality survive) and
 * nothing links it to the real address. The key is random per file unless
 * the user gives one (--hash-key FILE: traces of one host can be joined);
 * it is never stored: a trace records only its key id, a hash of the key, so
 * two traces can be seen to share a key without revealing it. Reproducible
 * output (SOURCE_DATE_EPOCH) does not change the key: an all-zero key, used
 * before, let anyone reverse the hashes by hashing candidate frames.
 */
#ifndef SVATRACE_COLLECT_REDACT_H
#define SVATRACE_COLLECT_REDACT_H

#include <stdbool.h>
#include <stdint.h>

struct redact;

#define REDACT_KEY_BYTES 16  /* SipHash-2-4 key */
#define REDACT_KEY_ID_LEN 16 /* hex chars of a key id */

/** redact__new() - a hasher; @keep = true makes redact__addr() the identity. */
struct redact *redact__new(bool keep);

/**
 * redact__new_key() - a hasher with @key (REDACT_KEY_BYTES); NULL @key is
 * a fresh random key. @keep = true makes redact__addr() the identity.
 */
struct redact *redact__new_key(bool keep, const uint8_t *key);

/**
 * redact_key_random() - fill @key with REDACT_KEY_BYTES random bytes.
 * Return: 0 or -EIO (no randomness source).
 */
int redact_key_random(uint8_t key[REDACT_KEY_BYTES]);

/**
 * redact_key_load() - read a key file: 32 hex digits (a trailing newline
 * allowed) or exactly REDACT_KEY_BYTES raw bytes.
 * @err: message naming the file and the problem on failure.
 * Return: 0, -errno of the open/read, or -EINVAL for any other content.
 */
int redact_key_load(const char *path, uint8_t key[REDACT_KEY_BYTES], char *err, size_t err_len);

/**
 * redact_key_id() - the id of @key: the first 8 bytes of a keyed BLAKE2b
 * ("svatrace key id" as the message), in hex. It tells keys apart and gives
 * nothing about the key.
 */
void redact_key_id(const uint8_t key[REDACT_KEY_BYTES], char out[REDACT_KEY_ID_LEN + 1]);

/** redact__free() - free; NULL is a no-op. */
void redact__free(struct redact *rd);

/**
 * redact__addr() - the address to store for @addr, where 0 means "none"
 * (a field the event may lack, read as 0): 0 stays 0. Not
 * thread-safe: it remembers recent frames in @rd (one hasher per thread).
 */
uint64_t redact__addr(struct redact *rd, uint64_t addr);

/**
 * redact__addr_any() - the address to store for @addr, 0 included: for
 * fields every event of its kind carries (iommu:map's paddr, a page
 * request's address). Physical frame 0 is real memory on some machines
 * (DRAM at 0 on many arm64 boards) and a device fault at address 0 is a
 * null-pointer DMA; stored as 0 under "hashed", it was the one raw value
 * in the file, and its page's other addresses (0x10) hashed to another frame.
 */
uint64_t redact__addr_any(struct redact *rd, uint64_t addr);

/** redact__keeps() - true if addresses are kept as they are. */
bool redact__keeps(const struct redact *rd);

#endif /* SVATRACE_COLLECT_REDACT_H */
