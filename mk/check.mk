# SPDX-License-Identifier: GPL-2.0
# check.mk - `make check`: the developer's fast loop. It runs every test
# except the emulated-guest boots (qemu_vtd*: minutes of TCG) and the real
# cluster engines (sweep_engines: starts Slurm and munge, ~3 min), CHECK_JOBS
# at a time (default: one per CPU; see tests/run.sh for the order and the
# tests kept serial), and the CLI tests drive the plain optimised build
# ($(BUILD)/svatrace), not the ASan/UBSan one: the model's numbers are the
# same from either build, and a sanitized run costs several times a plain one
# (ASan's start and its leak check at exit). `make test` stays the full
# suite CI runs: every test, the CLI on the sanitized build. Same summary
# line. TEST_FILTER=regex narrows it further.

CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CHECK_EXCLUDE ?= ^(qemu|sweep_engines$$)

.PHONY: check
check: deps-test
	$(Q)$(MAKE) --no-print-directory $(BUILD)/svatrace $(UNIT_BINS) $(TESTS_EXTRA)
	$(Q)BUILD=$(BUILD) SVATRACE=$(abspath $(BUILD)/svatrace) JOBS=$(CHECK_JOBS) \
		TEST_EXCLUDE='$(CHECK_EXCLUDE)' tests/run.sh
