# SPDX-License-Identifier: GPL-2.0
# wq.mk - the work-queue model's benchmark binary (bench/wq.sh runs it).
$(BUILD)/bench/wq_bench: bench/wq_bench.c $(BUILD)/libsvatrace.a
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libsvatrace.a $(LDLIBS)

bench: $(BUILD)/bench/wq_bench
