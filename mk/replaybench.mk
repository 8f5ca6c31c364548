# SPDX-License-Identifier: GPL-2.0
# replaybench.mk - the replay benchmark's helpers (bench/replay.sh): the
# issue-16 stream generator and the classic reference simulator. Both use
# the bench/% pattern rule of model.mk (refsim ignores the library).

BENCH_REPLAY_BINS := $(BUILD)/bench/gen_stream $(BUILD)/bench/refsim

bench: $(BENCH_REPLAY_BINS)
