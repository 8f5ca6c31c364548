# SPDX-License-Identifier: GPL-2.0
# collect.mk - BPF collector build: vmlinux.h from the running kernel's BTF
# (generated, never committed), clang -target bpf, bpftool gen skeleton;
# libbpf / libtracecmd / libtraceevent flags; test helper programs.

BPFTOOL ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_SRCS := $(wildcard collect/bpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:collect/bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:collect/bpf/%.bpf.c=$(BUILD)/%.skel.h)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -Wno-unused-function \
	-I$(BUILD) -I.

GENERATED += $(BUILD)/vmlinux.h $(BPF_SKELS)

EXTRA_CFLAGS += $(shell pkg-config --cflags libbpf libtracecmd libtraceevent 2>/dev/null)
EXTRA_LIBS += $(shell pkg-config --libs libbpf libtracecmd libtraceevent 2>/dev/null)

$(BUILD)/vmlinux.h:
	$(call msg,BTF,$@)
	@mkdir -p $(dir $@)
	@test -r $(VMLINUX_BTF) || { echo "collect.mk: $(VMLINUX_BTF) missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF)" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BUILD)/bpf/%.bpf.o: collect/bpf/%.bpf.c collect/collect.h collect/probe_table.h $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

# Test helper: a user-space "DSA submitter" for the uprobe test. -O0 and
# noinline keep submit() a real function with its descriptor in arg 1.
$(BUILD)/tests/collect/%: tests/collect/%.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-inline -o $@ $<

$(BUILD)/tests/collect/trace_dump: tests/collect/dump/trace_dump.c $(BUILD)/libsvatrace.a
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libsvatrace.a $(LDLIBS)

# Test helper: a --sample N trace made from a whole one (the collector's rule).
$(BUILD)/tests/collect/trace_sample: tests/collect/sample/trace_sample.c $(BUILD)/libsvatrace.a
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libsvatrace.a $(LDLIBS)

COLLECT_TEST_BINS := $(BUILD)/tests/collect/trace_dump $(BUILD)/tests/collect/trace_sample
COLLECT_TEST_BINS += $(patsubst tests/collect/%.c,$(BUILD)/tests/collect/%,$(wildcard tests/collect/*.c))
TESTS_EXTRA += $(COLLECT_TEST_BINS)
# Both are made by pattern rules and named by no rule, so make would treat
# them as intermediate and delete them after a build; the compiler's .d files
# name the skeleton, so its absence recompiled the collector and relinked
# svatrace on every make, even the `make install` that a test runs while
# other tests exec the binary (seen: "Permission denied" mid-link).
.SECONDARY: $(BPF_OBJS) $(BPF_SKELS)
