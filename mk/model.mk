# SPDX-License-Identifier: GPL-2.0
# model.mk - the model benchmark's helpers: the access-trace generator and
# the throughput driver, both linked against the optimised library.

BENCH_MODEL_BINS := $(BUILD)/bench/gen_access $(BUILD)/bench/model_bench

$(BUILD)/bench/%: bench/%.c $(BUILD)/libsvatrace.a
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libsvatrace.a $(LDLIBS)

bench: $(BENCH_MODEL_BINS)
