#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# seed.sh - one PRNG (lib/prng): --seed N is model.seed and wq.seed, stored
# as the models ran with them (replay used to rewrite wq.seed silently);
# the same seed gives the same results, another seed other results.
. "$(dirname "$0")/lib.sh"

OUT=$("$SVATRACE" replay --list-params --seed 7 2>&1)
check_match "--seed 7 sets model.seed" "^model.seed +- +count +7 " "$OUT"
check_match "--seed 7 sets wq.seed" "^wq.seed +- +count +7 " "$OUT"

"$SVATRACE" gen dsa-memcpy --set duration=1ms --set clients=4 -o "$TMP/d.svt" >/dev/null 2>&1
run() { "$SVATRACE" replay "$TMP/d.svt" --set wq.service_dist=exp "$@" --json 2>&1 | grep '"wq.0.sojourn_ns@mean"'; }
A=$(run --seed 1); B=$(run --seed 1); C=$(run --seed 2)
check_match "the WQ model ran" "sojourn_ns@mean.: [0-9]" "$A"
check_eq "same --seed, same WQ results" "$A" "$B"
if [ -n "$A" ] && [ "$A" != "$C" ]; then ok "another --seed, other WQ results"; else not_ok "another --seed, other WQ results" "$A" "$C"; fi
D=$(run --set wq.seed=2)
check_eq "--set wq.seed=2 alone gives what --seed 2 gave (the WQ model draws from wq.seed; the default translation model draws nothing)" "$C" "$D"

"$SVATRACE" replay "$TMP/d.svt" --seed 9 --db "$TMP/r.db" >/dev/null 2>&1
OUT=$("$SVATRACE" runs --db "$TMP/r.db" --where wq.seed=9 --csv 2>&1)
check_match "the stored wq.seed is the one given" "^1,.*,ok," "$OUT"
