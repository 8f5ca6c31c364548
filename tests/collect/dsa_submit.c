// SPDX-License-Identifier: GPL-2.0
/*
 * dsa_submit.c - a user-space "DSA submitter" for the uprobe test: calls a
 * non-inlined submit(const struct dsa_desc *) with known descriptors and
 * prints what it sent, one line per descriptor, so the test can compare
 * the collector's records with it. No device is touched.
 *
 * usage: dsa_submit N [DELAY_MS]  (N descriptors; first waits DELAY_MS)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 64-byte DSA descriptor, DSA spec 1.2 section 8.3.1 (common fields). */
struct dsa_desc {
	uint32_t pasid : 20, rsvd : 11, priv : 1;
	uint32_t flags : 24, opcode : 8;
	uint64_t completion_addr;
	uint64_t src_addr;
	uint64_t dst_addr;
	uint32_t xfer_size;
	uint16_t int_handle;
	uint16_t rsvd1;
	uint8_t op_specific[24];
} __attribute__((aligned(64)));

volatile uint64_t sink;

__attribute__((noinline)) int submit(const struct dsa_desc *d)
{
	sink += d->xfer_size; /* a side effect so the call is not elided */
	__asm__ volatile("" ::: "memory");
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	int delay_ms = argc > 2 ? atoi(argv[2]) : 0;
	static struct dsa_desc d;

	if (delay_ms)
		usleep((useconds_t)delay_ms * 1000);
	for (int i = 0; i < n; i++) {
		memset(&d, 0, sizeof(d));
		d.pasid = 0x100 + (uint32_t)i;
		d.opcode = (uint8_t)(i % 2 ? 0x04 : 0x03); /* fill / memmove */
		d.flags = 0x000c | (uint32_t)i << 8;
		d.completion_addr = 0x7f0000001000ull + (uint64_t)i * 0x40;
		d.src_addr = 0x7f1000000000ull + (uint64_t)i * 0x10000;
		d.dst_addr = 0x7f2000000000ull + (uint64_t)i * 0x10000;
		d.xfer_size = 4096u * (uint32_t)(i + 1);
		submit(&d);
		if (n <= 100)
			printf("opcode=%u flags=0x%x pasid=%u xfer=%u src=0x%llx dst=0x%llx "
			       "compl=0x%llx\n",
			       d.opcode, d.flags, d.pasid, d.xfer_size,
			       (unsigned long long)d.src_addr, (unsigned long long)d.dst_addr,
			       (unsigned long long)d.completion_addr);
	}
	return 0;
}
