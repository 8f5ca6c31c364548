// SPDX-License-Identifier: GPL-2.0
/*
 * svt_cpucap - test-only module for the QEMU guest (scripts/qemu-vtd.sh).
 *
 * QEMU's TCG cannot emulate MOVDIR64B ("-cpu max,+movdir64b" is filtered
 * with "TCG doesn't support requested feature"), and idxd refuses to load
 * without it (drivers/dma/idxd/init.c, idxd_init_module(): "idxd driver
 * failed to load without MOVDIR64B"). This module sets the MOVDIR64B bit in
 * boot_cpu_data so that a later insmod of idxd passes that check: module
 * alternatives, which static_cpu_has() uses, are patched at module load from
 * boot_cpu_data. The guest has no DSA device, so idxd never probes one and
 * never issues MOVDIR64B; the only purpose is to let the collector's idxd
 * probes attach to a loaded idxd. Never load this on a real host.
 */
#include <linux/module.h>
#include <linux/bitops.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

static int __init svt_cpucap_init(void)
{
	bool had = boot_cpu_has(X86_FEATURE_MOVDIR64B);

	set_bit(X86_FEATURE_MOVDIR64B, (unsigned long *)boot_cpu_data.x86_capability);
	pr_info("svt_cpucap: MOVDIR64B capability bit forced on (was %s); test guest only\n",
		had ? "on" : "off");
	return 0;
}

static void __exit svt_cpucap_exit(void)
{
}

module_init(svt_cpucap_init);
module_exit(svt_cpucap_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(
    "svatrace test guest: force the MOVDIR64B CPU capability so idxd loads under QEMU TCG");
