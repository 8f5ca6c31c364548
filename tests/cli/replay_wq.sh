#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_wq.sh - `svatrace replay` drives the DSA work-queue model from the
# WQ records of `svatrace gen dsa-memcpy` traces: wq keys are parameters
# (--set, --list-params, validation), and the DWQ-vs-SWQ trade-off shows in
# the --json numbers: one 4 KiB client gets far more through a DWQ than an
# SWQ, four SWQ clients come near the saturation figure, SWQ retries per
# descriptor appear and grow past saturation, conservation holds, and the
# same seed gives the same JSON. Also wq.xlate=model|fixed|none and --db.
. "$(dirname "$0")/lib.sh"

# jget KEY FILE: a top-level number of the --json output
jget() { sed -n "s/^  \"$1\": \\([-0-9.e+]*\\),\\{0,1\\}\$/\\1/p" "$2" | head -1; }
# fcmp "EXPR" a b ...: awk comparison on numbers, exit 0 if true
fcmp() { local e=$1; shift; awk -v a="$1" -v b="${2:-0}" -v c="${3:-0}" "BEGIN { exit !($e) }"; }

# ---- parameters
check_rc "--list-params lists wq keys" 0 "$SVATRACE" replay --list-params
check_match "wq.wq0.mode is listed" "wq.wq0.mode +- +choice +dedicated" "$OUT"
check_match "wq.loop is listed" "wq.loop +- +choice +closed" "$OUT"
check_match "wq.xlate is listed" "wq.xlate +- +choice +model" "$OUT"
check_rc "--set wq.loop=open is accepted" 0 "$SVATRACE" replay --list-params --set wq.loop=open
check_rc "bad wq enum: exit 2" 2 "$SVATRACE" replay --list-params --set wq.wq0.mode=both
check_match "bad wq enum names the key" "wq.wq0.mode" "$OUT"
check_rc "wq cross-field check: exit 2" 2 "$SVATRACE" replay --list-params --set wq.wq0.mode=shared --set wq.wq0.threshold=500
check_match "cross-field check names the key" "wq.wq0.threshold" "$OUT"
printf '[wq.wq0]\nmode = shared\n[wq]\nloop = open\n' > "$TMP/wq.ini"
check_rc "[wq.wq0] / [wq] profile sections load" 0 "$SVATRACE" replay --list-params --profile "$TMP/wq.ini"
check_match "profile sets wq.wq0.mode" "wq.wq0.mode +- +choice +shared" "$OUT"

# ---- traces: 4 KiB memmoves, clients well ahead of the device (4M/s each)
gen() { "$SVATRACE" gen dsa-memcpy --set clients="$1" --set wq_mode="$2" --set rate=4M \
	--set duration=1ms --seed 3 -o "$TMP/$2_$1.svt" >/dev/null 2>&1; }
for n in 1 4 8 16; do gen "$n" swq; done
gen 1 dwq
rp() { local out=$1; shift; "$SVATRACE" replay "$@" --json > "$out" 2>"$out.err"; }

rp "$TMP/d1.json" "$TMP/dwq_1.svt" --set wq.wq0.mode=dedicated
rp "$TMP/s1.json" "$TMP/swq_1.svt" --set wq.wq0.mode=shared
rp "$TMP/s4.json" "$TMP/swq_4.svt" --set wq.wq0.mode=shared
d1=$(jget wq.device.desc_per_s "$TMP/d1.json")
s1=$(jget wq.device.desc_per_s "$TMP/s1.json")
s4=$(jget wq.device.desc_per_s "$TMP/s4.json")
util_d1=$(jget wq.device.engine_utilization "$TMP/d1.json")
echo "# 1 client: DWQ $d1 desc/s (engines $util_d1 busy), SWQ $s1; 4 SWQ clients $s4"
fcmp "a > 0.95" "$util_d1" && ok "one DWQ client saturates the engines ($util_d1)" \
	|| not_ok "one DWQ client: engine utilization $util_d1"
fcmp "a > 2 * b" "$d1" "$s1" && ok "1 client: DWQ ($d1/s) > 2 x SWQ ($s1/s)" \
	|| not_ok "1 client: DWQ $d1 vs SWQ $s1"
fcmp "a > 0.85 * b" "$s4" "$d1" && ok "4 SWQ clients ($s4/s) reach > 85% of saturation ($d1/s)" \
	|| not_ok "4 SWQ clients: $s4 vs saturation $d1"
fcmp "a < 0.5 * b" "$s1" "$s4" && ok "1 SWQ client gets < half of 4 clients" \
	|| not_ok "SWQ 1 client $s1 vs 4 clients $s4"

# retries past saturation (a 32-entry SWQ so that 8 and 16 clients overflow it)
prev=0
for n in 4 8 16; do
	rp "$TMP/r$n.json" "$TMP/swq_$n.svt" --set wq.wq0.mode=shared --set wq.wq0.size=32 \
		--set wq.wq0.threshold=32
	r[$n]=$(jget submit.retries_per_desc "$TMP/r$n.json")
done
echo "# SWQ(32) retries per descriptor: 4 clients ${r[4]}, 8 ${r[8]}, 16 ${r[16]}"
fcmp "a > 0" "${r[4]}" && ok "SWQ retries per descriptor > 0 at 4 clients (${r[4]})" \
	|| not_ok "no retries at 4 clients"
fcmp "a < b && b < c" "${r[4]}" "${r[8]}" "${r[16]}" && ok "retries per descriptor grow with clients" \
	|| not_ok "retries 4/8/16 clients: ${r[4]} ${r[8]} ${r[16]}"

# conservation on every run: issued = completed + rejected; bytes in = out
bad=0
for f in "$TMP"/d1.json "$TMP"/s1.json "$TMP"/s4.json "$TMP"/r4.json "$TMP"/r8.json "$TMP"/r16.json; do
	iss=$(jget submit.nr_issued "$f"); rej=$(jget submit.nr_rejected "$f")
	done_=$(jget wq.device.nr_desc_completed "$f"); acc=$(jget wq.0.nr_accepted "$f")
	cmp=$(jget wq.0.nr_completed "$f"); subs=$(jget wq.replay.submits "$f")
	[ "$iss" = $((done_ + rej)) ] && [ "$acc" = "$cmp" ] && [ "$iss" = "$subs" ] || {
		bad=$((bad + 1)); echo "# $f: issued $iss completed $done_ rejected $rej accepted $acc"; }
done
check_eq "conservation: submitted = completed + rejected, accepted = completed (6 runs)" 0 "$bad"
rej16=$(jget submit.nr_rejected "$TMP/r16.json")
fcmp "a > 0" "$rej16" && ok "16 clients on a 32-entry SWQ: -EAGAIN rejections reported ($rej16)" \
	|| not_ok "no rejections at 16 clients"

# determinism
rp "$TMP/s4b.json" "$TMP/swq_4.svt" --set wq.wq0.mode=shared
check_eq "same trace, profile and seed: identical JSON" "" "$(diff "$TMP/s4.json" "$TMP/s4b.json")"

# ---- translation: model (default) vs fixed vs none
stall=$(jget wq.device.xlate_stall_ns_per_desc "$TMP/d1.json")
xs=$(jget wq.xlate.stall_ns "$TMP/d1.json"); xl=$(jget wq.xlate.xlate.latency_ns@sum "$TMP/d1.json")
check_eq "wq.xlate=model: the WQ model's stalls = the translation model's latency sum" "$xs" "$xl"
nd=$(jget wq.device.nr_desc_completed "$TMP/d1.json")
pg=$(jget wq.xlate.access.pages "$TMP/d1.json")
check_eq "every 4 KiB descriptor looks up its source and destination page (sequential, aligned)" $((2 * nd)) "$pg"
rp "$TMP/fx.json" "$TMP/dwq_1.svt" --set wq.xlate=fixed --set wq.xlate_fixed_page_ns=7 --set wq.xlate_fixed_access_ns=1
check_eq "wq.xlate=fixed: 2 x (1 + 7) ns per aligned 4 KiB memmove" 16 "$(jget wq.device.xlate_stall_ns_per_desc "$TMP/fx.json")"
rp "$TMP/nx.json" "$TMP/dwq_1.svt" --set wq.xlate=none
check_eq "wq.xlate=none: no stalls" 0 "$(jget wq.device.xlate_stall_ns_per_desc "$TMP/nx.json")"
dn=$(jget wq.device.desc_per_s "$TMP/nx.json")
fcmp "a > b" "$dn" "$d1" && ok "translation stalls cost throughput ($dn/s without, $d1/s with; $stall ns/desc)" \
	|| not_ok "no-xlate $dn vs model $d1"

# ---- open loop follows trace times: the trace's 4M/s offered load is what comes out
rp "$TMP/open.json" "$TMP/swq_1.svt" --set wq.wq0.mode=shared --set wq.loop=open
check_eq "wq.loop=open reported" 1 "$(jget wq.replay.loop "$TMP/open.json")"
io=$(jget submit.nr_issued "$TMP/open.json"); is=$(jget submit.nr_issued "$TMP/s1.json")
check_eq "open loop issues the trace's descriptors" "$is" "$io"

# ---- --db: wq metrics land in the results store
check_rc "replay --db stores a WQ run" 0 "$SVATRACE" replay "$TMP/swq_4.svt" --set wq.wq0.mode=shared --db "$TMP/wq.db"
check_eq "stored submit.nr_issued" "$(jget submit.nr_issued "$TMP/s4.json")" \
	"$(sqlite3 "$TMP/wq.db" "select cast(value as int) from metrics where key='submit.nr_issued'" 2>&1)"

# ---- batches: a batch record's members are folded into it, not submitted twice
"$SVATRACE" gen dsa-memcpy --set clients=2 --set batch=4 --set rate=200k --set duration=1ms --seed 1 -o "$TMP/batch.svt" >/dev/null 2>&1
rp "$TMP/b.json" "$TMP/batch.svt"
check_eq "batch members fold into their batch (2 clients x 200 jobs x 4)" \
	"$(( $(jget wq.replay.submits "$TMP/b.json") * 4 ))" "$(jget wq.replay.batch_members_folded "$TMP/b.json")"
check_eq "batches complete 4 work descriptors each" \
	"$(( $(jget wq.replay.submits "$TMP/b.json") * 4 ))" "$(jget wq.device.nr_desc_completed "$TMP/b.json")"
