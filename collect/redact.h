/* SPDX-License-Identifier: GPL-2.0 */
/*
 * redact.h - consistent keyed hashing of sensitive addresses.
 *
 * Physical and user virtual addresses reveal KASLR/ASLR layout. Unless the
 * user asks to keep them, collectors and importers replace each address by
 * a keyed hash of its page frame (SipHash-2-4 via libsodium's
 * crypto_shorthash) with the page offset kept, so the same page always maps
 * to the same hashed page within one file (reuse and locality survive) and
 * nothing links it to the real address. The key is random per file; with
 * SOURCE_DATE_EPOCH set (reproducible output) it is all zero.
 */
#ifndef SVATRACE_COLLECT_REDACT_H
#define SVATRACE_COLLECT_REDACT_H

#include <stdbool.h>
#include <stdint.h>

struct redact;

/** redact__new() - a hasher; @keep = true makes redact__addr() the identity. */
struct redact *redact__new(bool keep);

/** redact__free() - free; NULL is a no-op. */
void redact__free(struct redact *rd);

/** redact__addr() - the address to store for @addr (0 stays 0). */
uint64_t redact__addr(const struct redact *rd, uint64_t addr);

/** redact__keeps() - true if addresses are kept as they are. */
bool redact__keeps(const struct redact *rd);

#endif /* SVATRACE_COLLECT_REDACT_H */
