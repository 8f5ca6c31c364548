# SPDX-License-Identifier: GPL-2.0
# fuzzpack.mk - libFuzzer target for the v2 record decoder (trace/pack.c);
# `make fuzz` runs it after the reader target, FUZZ_SECONDS each.
$(BUILD)/fuzz/fuzz_unpack: tests/fuzz/fuzz_unpack.c common/log.c $(wildcard trace/*.c)
	$(call msg,FUZZ-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) -std=gnu11 -g -O1 -I. $(PKG_CFLAGS) -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-o $@ $^ $(PKG_LIBS) -lm
fuzz: $(BUILD)/fuzz/fuzz_unpack
