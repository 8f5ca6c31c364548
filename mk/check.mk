# SPDX-License-Identifier: GPL-2.0
# check.mk - `make check`: the fast tests, i.e. every test except the
# emulated-guest boots (qemu_vtd*: minutes of TCG) and the real cluster
# engines (sweep_engines: starts Slurm and munge, ~3 min), run CHECK_JOBS at a time
# (default: one per CPU; see tests/run.sh for the order and the tests kept
# serial). Same summary line as `make test`, which stays the full suite CI
# runs. TEST_FILTER=regex narrows it further.

CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CHECK_EXCLUDE ?= ^(qemu|sweep_engines$$)

.PHONY: check
check: deps-test
	$(Q)$(MAKE) --no-print-directory $(BUILD)/svatrace $(BUILD)/san/svatrace $(UNIT_BINS) $(TESTS_EXTRA)
	$(Q)BUILD=$(BUILD) JOBS=$(CHECK_JOBS) TEST_EXCLUDE='$(CHECK_EXCLUDE)' tests/run.sh
