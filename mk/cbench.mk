# SPDX-License-Identifier: GPL-2.0
# cbench.mk - the collector benchmark's hot-path program (bench/collect.sh),
# also used by tests/cli/collect_tracepoint.sh.
$(BUILD)/bench/collect_loop: bench/collect_loop.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $<

bench: $(BUILD)/bench/collect_loop
TESTS_EXTRA += $(BUILD)/bench/collect_loop

# The consumer's CPU per event on synthetic ring records (no kernel needed).
$(BUILD)/bench/consumer_bench: bench/consumer_bench.c $(BUILD)/libsvatrace.a
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libsvatrace.a $(LDLIBS)

bench: $(BUILD)/bench/consumer_bench
