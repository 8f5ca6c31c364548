# SPDX-License-Identifier: GPL-2.0
# check.mk - `make check`: the developer's fast loop. It runs every test
# except the emulated-guest boots (qemu_vtd*: minutes of TCG) and the real
# cluster engines (sweep_engines: starts Slurm and munge, ~3 min), CHECK_JOBS
# at a time (default: one per CPU plus one, as the tests wait on their
# children, gnuplot, the browser and timeouts part of the time: on 2 CPUs, 3
# slots took 59-67 s where 2 took 66-75 s in paired runs; see tests/run.sh
# for the order and the tests kept serial), and both the CLI tests and the unit tests run on the
# plain optimised build ($(BUILD)/svatrace, $(BUILD)/tests-plain/), not the
# ASan/UBSan one: the model's numbers are the same from either build, and a
# sanitized run costs several times a plain one (ASan's start and its leak
# check at exit). `make test` stays the full suite CI runs: every test, on
# the sanitized build. Same summary line. TEST_FILTER=regex narrows it
# further.

CHECK_JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
CHECK_EXCLUDE ?= ^(qemu|sweep_engines$$)

.PHONY: check
check: deps-test
	$(Q)$(MAKE) -s --no-print-directory $(BUILD)/svatrace $(CHECK_UNIT_BINS) $(TESTS_EXTRA)
	$(Q)BUILD=$(BUILD) SVATRACE=$(abspath $(BUILD)/svatrace) UNIT_DIR=$(BUILD)/tests-plain \
		JOBS=$(CHECK_JOBS) TEST_EXCLUDE='$(CHECK_EXCLUDE)' tests/run.sh

# The unit tests of make check: the same sources linked against the plain
# library (make test builds and runs the sanitized ones, $(BUILD)/tests/).
CHECK_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests-plain/%)

$(BUILD)/tests-plain/%: tests/unit/%.c $(BUILD)/libsvatrace.a
	$(call msg,TEST-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libsvatrace.a $(LDLIBS) -lcmocka
