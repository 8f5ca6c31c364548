# SPDX-License-Identifier: GPL-2.0
# svatrace top-level Makefile. Quiet unless V=1; objects under $(BUILD)/.
#
#   make            build $(BUILD)/svatrace (-O2 -g -Werror)
#   make test       install missing packages, build with ASan+UBSan, run every test
#   make check      the fast tests (all but the guest boots) in parallel, plain build
#   make demo       install missing packages, build, run the demo on bundled data
#   make bench      benchmarks (ratios against a baseline from the same run)
#   make fuzz       libFuzzer on every reader, FUZZ_SECONDS each (tests/fuzz/)
#   make golden     regenerate golden files on purpose
#
# Sub-areas add rules in mk/*.mk (one fragment per area) so that adding an
# area never edits this file.

BUILD ?= build
V ?= 0
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

CC ?= cc
CLANG ?= clang
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

PKGS := jansson inih sqlite3 zlib libsodium libzstd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) -I. -I$(BUILD) $(PKG_CFLAGS) \
	-D_GNU_SOURCE -DSVT_VERSION='"$(VERSION)"' -DSVT_GIT_REV='"$(GIT_REV)"' \
	$(EXTRA_CFLAGS) -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDLIBS = $(PKG_LIBS) $(EXTRA_LIBS) -lm -lpthread

# Library sources: every .c of the stage folders (BPF programs excluded).
LIB_DIRS := lib common calibrate trace collect collect/import collect/gen replay model model/xlate model/wq analyze sweep
LIB_SRCS = $(filter-out %.bpf.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
CLI_SRCS := $(wildcard cli/*.c)

LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS = $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/san/%.o)
SAN_CLI_OBJS = $(CLI_SRCS:%.c=$(BUILD)/san/%.o)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

# Files generated before compiling (BPF skeletons); fragments append.
GENERATED :=
# Extra prerequisites of 'make test' (test programs, browser); fragments append.
TESTS_EXTRA :=

.DELETE_ON_ERROR:
.PHONY: all deps deps-test deps-demo deps-bench test check unit clitest demo bench fuzz fuzz-build golden clean

all: $(BUILD)/svatrace

-include $(sort $(wildcard mk/*.mk))

$(BUILD)/obj/%.o: %.c | $(GENERATED)
	$(call msg,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c | $(GENERATED)
	$(call msg,CC-SAN,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -c $< -o $@

$(BUILD)/libsvatrace.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/libsvatrace-san.a: $(SAN_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/svatrace: $(CLI_OBJS) $(BUILD)/libsvatrace.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libsvatrace.a $(LDLIBS)

$(BUILD)/san/svatrace: $(SAN_CLI_OBJS) $(BUILD)/libsvatrace-san.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $(SAN_CLI_OBJS) $(BUILD)/libsvatrace-san.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsvatrace-san.a
	$(call msg,TEST-CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -o $@ $< $(BUILD)/libsvatrace-san.a $(LDLIBS) -lcmocka

deps:
	$(Q)scripts/install-deps.sh build
deps-test:
	$(Q)scripts/install-deps.sh test demo
deps-demo:
	$(Q)scripts/install-deps.sh demo
deps-bench:
	$(Q)scripts/install-deps.sh bench

# The test build: sanitized CLI + unit binaries, then one runner that ends
# with "N passed, N failed, N skipped". TESTS_EXTRA (set above) lets fragments add prerequisites.
test: deps-test
	$(Q)$(MAKE) --no-print-directory $(BUILD)/svatrace $(BUILD)/san/svatrace $(UNIT_BINS) $(TESTS_EXTRA)
	$(Q)BUILD=$(BUILD) tests/run.sh

demo: deps-demo
	$(Q)$(MAKE) --no-print-directory $(BUILD)/svatrace
	$(Q)BUILD=$(BUILD) scripts/demo.sh

bench: deps-bench $(BUILD)/svatrace
	$(Q)BUILD=$(BUILD) bench/run.sh

# libFuzzer targets (tests/fuzz/): the library is rebuilt with clang and
# -fsanitize=fuzzer-no-link,address,undefined (gcc's sanitizer objects do
# not mix with libFuzzer's runtime) into $(BUILD)/fuzz/libsvatrace-fuzz.a.
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 -g -O1 -I. -I$(BUILD) $(PKG_CFLAGS) -D_GNU_SOURCE \
	-DSVT_VERSION='"$(VERSION)"' -DSVT_GIT_REV='"$(GIT_REV)"' $(EXTRA_CFLAGS) $(FUZZ_SAN)
FUZZ_LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_IMPORTERS := ftrace-text access-csv trace-dat pcm-iio
FUZZ_TARGETS := reader profile scenario $(FUZZ_IMPORTERS)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/obj/%.o: %.c | $(GENERATED)
	$(call msg,FUZZ-CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(BUILD)/fuzz/libsvatrace-fuzz.a: $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
$(BUILD)/fuzz/fuzz_reader $(BUILD)/fuzz/fuzz_profile $(BUILD)/fuzz/fuzz_scenario: \
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(BUILD)/fuzz/libsvatrace-fuzz.a
	$(call msg,FUZZ-LD,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/fuzz/libsvatrace-fuzz.a $(LDLIBS)
$(FUZZ_IMPORTERS:%=$(BUILD)/fuzz/fuzz_%): $(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_import.c \
		tests/fuzz/fuzz_common.h $(BUILD)/fuzz/libsvatrace-fuzz.a
	$(call msg,FUZZ-LD,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_IMPORTER='"$*"' -o $@ $< \
		$(BUILD)/fuzz/libsvatrace-fuzz.a $(LDLIBS)
# fuzz_unpack (the v2 record decoder) has its own rule in mk/fuzzpack.mk.
fuzz-build: $(BUILD)/svatrace $(FUZZ_BINS) $(BUILD)/fuzz/fuzz_unpack
fuzz: deps-test fuzz-build
	$(Q)BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) \
		FUZZ_TARGETS="$(FUZZ_TARGETS) unpack" tests/fuzz/run.sh

golden: $(BUILD)/svatrace
	$(Q)BUILD=$(BUILD) scripts/regen-golden.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
