#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# runs_where.sh - `runs --where` on the example database (analyze/example.c):
# values are read like --set (4k = 4096) and status by name, the help's own
# example finds runs, an unknown key is an error with a "did you mean";
# `runs --metrics K,... --csv` gives one row per run for spreadsheets (n/a
# as an empty cell); a mistyped run label gets a suggestion in compare and
# plot --runs.
. "$(dirname "$0")/lib.sh"
DB=$TMP/ex.db
"$SVATRACE" db example "$DB" >/dev/null

n_runs() { printf '%s\n' "$1" | tail -1 | sed -n 's/^\([0-9]*\) runs\{0,1\}.*/\1/p'; }

# ---- values: what already worked stays
OUT=$("$SVATRACE" runs --db "$DB" --where pt.page_bytes=4k 2>&1)
check_eq "--where pt.page_bytes=4k matches the 4096 runs" "$(n_runs "$("$SVATRACE" runs --db "$DB" \
	--where pt.page_bytes=4096)")" "$(n_runs "$OUT")"
check_match "... and there are some" "^[1-9][0-9]* runs" "$(printf '%s\n' "$OUT" | tail -1)"
OUT=$("$SVATRACE" runs --db "$DB" --where status=ok 2>&1)
check_eq "--where status=ok matches every complete run" "22" "$(n_runs "$OUT")"
# the help's own example, run as printed
ex=$("$SVATRACE" runs --help | sed -n 's/^  svatrace runs --db results.db \(--where .*\)$/\1/p' | head -1)
check_match "help has a --where example" "pt.page_bytes=4k" "$ex"
# shellcheck disable=SC2086 # the example's words
OUT=$("$SVATRACE" runs --db "$DB" $ex 2>&1)
check_match "the help's example finds runs on the example database" "^[1-9][0-9]* runs" \
	"$(printf '%s\n' "$OUT" | tail -1)"

# ---- unknown keys
check_rc "--where on an unknown key: usage error" 2 "$SVATRACE" runs --db "$DB" --where pt.page_byte=4k
check_match "... suggests the parameter" "did you mean 'pt.page_bytes'\\?" "$OUT"
check_rc "--where on a mistyped stored key (not a parameter): usage error" 2 \
	"$SVATRACE" runs --db "$DB" --where invall=strict
check_match "... suggests the stored key" "did you mean 'inval'\\?" "$OUT"
check_rc "--where on a stored non-parameter key is accepted" 0 "$SVATRACE" runs --db "$DB" --where inval=strict
check_rc "--where on a run field is accepted" 0 "$SVATRACE" runs --db "$DB" --where label=nosuch
check_match "... and matches nothing, said plainly" "^0 runs" "$OUT"
check_rc "--where page_size=4k (the old help's example): usage error" 2 "$SVATRACE" runs --db "$DB" --where page_size=4k
check_match "... names the keys with 'page'" "keys with 'page': pt.page_bytes" "$OUT"
check_rc "--where with nothing close: usage error" 2 "$SVATRACE" runs --db "$DB" --where zzzzzz=1
check_eq "... without a suggestion" "" "$(printf '%s\n' "$OUT" | grep 'did you mean')"
check_rc "plot --where checks keys too" 2 "$SVATRACE" plot iotlb-sweep --db "$DB" -o "$TMP/p" --where iotlb.entires=64
check_match "... with the suggestion" "did you mean 'iotlb.entries'\\?" "$OUT"

# ---- --metrics
OUT=$("$SVATRACE" runs --db "$DB" --metrics iotlb.misses,xlate.latency_ns@p99,wq.device.desc_per_s --csv 2>&1)
check_match "--metrics --csv header ends with the metrics" \
	"^id,time,status,.*,iotlb.misses,xlate.latency_ns@p99,wq.device.desc_per_s$" "$(printf '%s\n' "$OUT" | head -1)"
check_eq "--metrics --csv has one row per run" "23" "$(printf '%s\n' "$OUT" | wc -l)"
row1=$(printf '%s\n' "$OUT" | sed -n 2p)
want=$(sqlite3 "$DB" "SELECT printf('%.17g', value) FROM metrics WHERE run_id = 1 AND key = 'iotlb.misses'")
check_eq "run 1's iotlb.misses is the stored value" "$want" "$(printf '%s\n' "$row1" |
	awk -F, '{ printf "%.17g", $(NF - 2) }')"
check_match "a run without a metric gets an empty cell" ",$" "$row1"
p99=$("$SVATRACE" compare --db "$DB" 1 2 --csv | awk -F, '$1 == "xlate.latency_ns@p99" { print $3 }')
check_eq "a histogram statistic equals compare's" "$(awk -v v="$p99" 'BEGIN { printf "%.17g", v }')" \
	"$(printf '%s\n' "$row1" | awk -F, '{ printf "%.17g", $(NF - 1) }')"
OUT=$("$SVATRACE" runs --db "$DB" --metrics wq.device.desc_per_s 2>&1)
check_match "table shows n/a where a run has no value" " n/a$" "$OUT"
OUT=$("$SVATRACE" runs --db "$DB" --metrics wq.device.desc_per_s --json 2>&1)
check_match "--json has the metrics, null for n/a" '"wq.device.desc_per_s": null' "$OUT"
check_rc "--metrics on a key no run has: usage error" 2 "$SVATRACE" runs --db "$DB" --metrics iotlb.mises
check_match "... with the closest stored key" "did you mean 'iotlb.misses'\\?" "$OUT"

# ---- run labels
check_rc "compare: a mistyped label fails" 1 "$SVATRACE" compare --db "$DB" "iotlb 16 x 4k" "iotlb 16 x 4K"
check_match "... suggesting the label" "no run 'iotlb 16 x 4K'.*did you mean 'iotlb 16 x 4k'\\?" "$OUT"
check_rc "plot --runs: a mistyped label fails" 1 "$SVATRACE" plot iotlb-sweep --db "$DB" -o "$TMP/p" --runs "1,pinnd"
check_match "... suggesting the label" "did you mean 'pinned'\\?" "$OUT"

echo "1..$TAP_N"
