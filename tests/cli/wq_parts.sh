#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wq_parts.sh - the end-to-end decomposition of DSA submissions
# (submit.part.*_ns, model/wq enum wq_part) on every shipped DSA scenario:
# dwq and swq with 1, 2, 4, 8 and 16 clients, and batches, replayed from
# 'gen dsa-memcpy' traces as the demo does. On each: the parts sum exactly
# to submit.e2e_sum_ns, that sum over submit.nr_completed is the mean
# end-to-end latency, and the parts a mode cannot have are 0 while the
# ones it must have are not (DWQ: no ENQCMD retries; SWQ: no lock; a
# shared DWQ (16 clients on 8 WQs): lock time; saturated SWQ: retries).
. "$(dirname "$0")/lib.sh"

# jget KEY FILE: a top-level number of the --json output
jget() { sed -n "s/^  \"$1\": \\([-0-9.e+]*\\),\\{0,1\\}\$/\\1/p" "$2" | head -1; }
PARTS="core_wait credit_wait prep lock portal enqcmd_retry wq_wait xlate_stall engine notice fault"

# check_run NAME FILE: the sum and mean checks on one replay's --json
check_run() {
	local name=$1 f=$2 sum=0 v total nr mean bad=""
	for p in $PARTS; do
		v=$(jget "submit.part.${p}_ns" "$f")
		[ -n "$v" ] || bad="$bad missing:$p"
		sum=$(awk -v a="$sum" -v b="${v:-0}" 'BEGIN { printf "%.0f", a + b }')
	done
	total=$(jget submit.e2e_sum_ns "$f")
	nr=$(jget submit.nr_completed "$f")
	mean=$(jget desc.e2e.latency_ns@mean "$f")
	check_eq "$name: parts present" "" "$bad"
	check_eq "$name: parts sum exactly to submit.e2e_sum_ns" "$total" "$sum"
	if awk -v t="$total" -v n="$nr" -v m="$mean" \
		'BEGIN { exit !(n > 0 && t > 0 && (t / n - m) ^ 2 < 1e-6 * m * m) }'; then
		ok "$name: e2e_sum / nr_completed = desc.e2e.latency_ns@mean ($mean)"
	else
		not_ok "$name: e2e_sum / nr_completed = desc.e2e.latency_ns@mean" \
			"sum $total nr $nr mean $mean"
	fi
}

for n in 1 2 4 8 16; do
	"$SVATRACE" -q gen dsa-memcpy --set clients="$n" --set rate=4M --set duration=1ms --seed 3 \
		-o "$TMP/dsa-$n.svt"
	for mode in dwq swq; do
		"$SVATRACE" -q replay "$TMP/dsa-$n.svt" --scenario "$mode" --json >"$TMP/$mode-$n.json" \
			2>"$TMP/$mode-$n.err" || not_ok "replay $mode $n clients" "$(cat "$TMP/$mode-$n.err")"
		check_run "$mode $n clients" "$TMP/$mode-$n.json"
	done
done
for mode in dwq swq; do
	"$SVATRACE" -q gen dsa-memcpy --set clients=4 --set batch=8 --set rate=500k \
		--set duration=1ms --seed 3 -o "$TMP/batch.svt"
	"$SVATRACE" -q replay "$TMP/batch.svt" --scenario "$mode" --json >"$TMP/$mode-batch.json"
	check_run "$mode batch of 8, 4 clients" "$TMP/$mode-batch.json"
done

# parts a mode cannot have, and parts it must have
check_eq "dwq: no ENQCMD retry time" 0 "$(jget submit.part.enqcmd_retry_ns "$TMP/dwq-16.json")"
check_eq "dwq 1 client: no lock time" 0 "$(jget submit.part.lock_ns "$TMP/dwq-1.json")"
check_eq "swq: no lock time" 0 "$(jget submit.part.lock_ns "$TMP/swq-16.json")"
v=$(jget submit.part.lock_ns "$TMP/dwq-16.json")
if awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then ok "dwq 16 clients (2 per WQ): lock time $v ns"
else not_ok "dwq 16 clients (2 per WQ): lock time > 0" "got '$v'"; fi
v=$(jget submit.part.enqcmd_retry_ns "$TMP/swq-16.json")
r=$(jget submit.nr_retries "$TMP/swq-16.json")
if awk -v v="$v" -v r="$r" 'BEGIN { exit !(r > 0 && v > 0) }'; then
	ok "swq 16 clients: $r retries, retry time $v ns"
else not_ok "swq 16 clients: retry time > 0" "retries '$r' time '$v'"; fi
# prep is the profile's desc_prep_ns once per completed descriptor
prep=$("$SVATRACE" replay --list-params | awk '$1 == "wq.desc_prep_ns" { print $4 }')
nr=$(jget submit.nr_completed "$TMP/swq-4.json")
check_eq "swq 4 clients: prep = nr_completed x wq.desc_prep_ns ($prep)" \
	"$(awk -v n="$nr" -v p="${prep%ns}" 'BEGIN { printf "%.0f", n * p }')" \
	"$(jget submit.part.prep_ns "$TMP/swq-4.json")"

# ---- compare: the why comes from these parts, as text and as JSON objects
DB=$TMP/r.db
for mode in dwq swq; do
	"$SVATRACE" -q replay "$TMP/dsa-4.svt" --scenario "$mode" --label "$mode 4" --db "$DB" >/dev/null
done
"$SVATRACE" -q replay "$TMP/dsa-1.svt" --scenario swq --label "swq 1" --db "$DB" >/dev/null
OUT=$("$SVATRACE" compare --db "$DB" "swq 1" "swq 4" 2>&1)
check_match "compare: why names the part that moved most, in words, per descriptor" \
	"why: WQ queueing \+[0-9.]+ us of \+[0-9.]+ ns per descriptor" "$OUT"
"$SVATRACE" compare --db "$DB" "swq 1" "swq 4" --json >"$TMP/cmp.json"
check_eq "compare --json: headline and why are objects" "ok" "$(python3 - "$TMP/cmp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h, w, t = d["headline"], d["why"], d["why_total"]
assert h["metric"] == "run.duration_ns" and abs(h["value"] / h["baseline"] - h["ratio"]) < 1e-12, h
assert w[0]["component"] == "WQ queueing" and w[0]["key"] == "submit.part.wq_wait_ns", w[0]
assert all(abs(c["value"] - c["baseline"] - c["delta"]) < 1e-6 for c in w), w
assert abs(w[0]["delta"]) == max(abs(c["delta"]) for c in w), w
assert t["per"] == "descriptor" and t["decomposition"] == "submit.part.", t
assert d["why_text"].startswith("WQ queueing"), d["why_text"]
assert "metrics" in d and "rows" not in d
print("ok")
PY
)"
OUT=$("$SVATRACE" compare --help 2>&1)
check_match "compare --help documents the metrics key" "metrics \[\{key, unit, a, b," "$OUT"
check_eq "compare --help names no 'rows' JSON key" "" "$(printf '%s\n' "$OUT" | grep -E '\(rows|rows,')"

echo "1..$TAP_N"
