#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_workload.sh - `svatrace collect [OPTIONS] -- COMMAND` on the build
# machine: COMMAND starts once the probes are attached and its exit ends the
# capture; svatrace exits with its status (128+N for signal N) and says it;
# --cgroup/--pid workload keep only COMMAND's events (a busy process outside
# it is filtered out, and is not without the filter); -d ends a longer
# COMMAND with SIGTERM; the default output is svatrace.svt, an existing
# output is kept without --force, an unwritable folder or a missing command
# fails before anything is attached; a live status line is drawn on a
# terminal only; COMMAND's arguments, the full kernel command line and the
# hash key stay out of the trace unless asked (--keep-cmdline, --hash-key).
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "ok 1 - # SKIP needs root and kernel BTF"
	exit 0
fi
S=$(cd "$(dirname "$SVATRACE")" && pwd)/$(basename "$SVATRACE")
TP=(-e none --tracepoint syscalls:sys_enter_getppid)
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# 1. exit status, default output name, the issue's own example
check_rc "collect -- sh -c 'exit 3' exits 3" 3 sh -c "cd '$TMP' && '$S' collect ${TP[*]} -- sh -c 'exit 3'"
check_match "... and says so" "workload: 'sh' exited with status 3" "$OUT"
if [ -f "$TMP/svatrace.svt" ]; then ok "default output is svatrace.svt"; else not_ok "default output is svatrace.svt" "$(ls "$TMP")"; fi
check_rc "the file passes info" 0 "$S" info "$TMP/svatrace.svt"
check_rc "a command killed by SIGTERM: exit 143" 143 "$S" collect -o "$TMP/sig.svt" "${TP[@]}" -- sh -c 'kill -TERM $$'
check_match "... said in words" "killed by signal 15" "$OUT"
check_rc "collect -d 1 -o x.svt -- dd ... (the help's form) runs" 0 "$S" collect -d 1 -o "$TMP/dd.svt" \
	-- dd if=/dev/zero of=/dev/null bs=4k count=100
t0=$(date +%s%N)
check_rc "-d 1 ends a longer command with SIGTERM (exit 143)" 143 "$S" collect -d 1 -o "$TMP/long.svt" "${TP[@]}" -- sleep 30
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$ms" -lt 10000 ]; then ok "... after about 1 s, not 30 ($ms ms)"; else not_ok "-d 1 stops the run" "$ms ms"; fi
check_rc "the -d file passes info" 0 "$S" info "$TMP/long.svt"

# 2. refusals, before anything is attached
echo keep > "$TMP/exists.svt"
check_rc "an existing output is refused without --force" 1 "$S" collect -o "$TMP/exists.svt" "${TP[@]}" -- true
check_match "... naming the file and --force" 'exists.svt exists: not overwriting it \(use --force' "$OUT"
check_eq "... and it is unchanged" keep "$(cat "$TMP/exists.svt")"
check_rc "--force overwrites it" 0 "$S" collect -f -o "$TMP/exists.svt" "${TP[@]}" -- true
check_rc "... with a valid trace" 0 "$S" info "$TMP/exists.svt"
check_rc "an output in a missing folder fails" 1 "$S" collect -o "$TMP/no/such/x.svt" "${TP[@]}" -- true
check_match "... before any probe is attached" '^svatrace collect: .*no/such/x.svt: cannot create' "$OUT"
if printf '%s' "$OUT" | grep -q 'collecting from'; then not_ok "no probe attached for a bad -o" "$OUT"; else ok "no probe attached for a bad -o"; fi
check_rc "a missing command fails" 1 "$S" collect -o "$TMP/nocmd.svt" "${TP[@]}" -- no-such-command-svt
check_match "... saying so" "cannot run 'no-such-command-svt': command not found" "$OUT"
if [ -e "$TMP/nocmd.svt" ]; then not_ok "no file for a missing command"; else ok "no file for a missing command"; fi
check_rc "'--cgroup workload' without a command is a usage error" 2 "$S" collect -o "$TMP/u.svt" --cgroup workload -d 1
check_rc "--hash-key with --keep-phys is a usage error" 2 "$S" collect -o "$TMP/u.svt" --keep-phys --hash-key /dev/null -- true

# 3. filters: a busy process outside the workload calls getppid too
python3 -c 'import os,time
while True: os.getppid(); time.sleep(0.002)' & NOISE=$!
sleep 0.3
W=(python3 -c 'import os; [os.getppid() for _ in range(500)]')
noise_recs() { "$S" dump "$1" | python3 -c "import json,sys; print(sum(1 for l in sys.stdin if json.loads(l).get('pid') == $NOISE))"; }
all_recs() { "$S" info --json "$1" | field 'd["events"].get("syscalls:sys_enter_getppid", 0)'; }
"$S" collect -o "$TMP/nofilt.svt" "${TP[@]}" -- "${W[@]}" 2>/dev/null
"$S" collect -o "$TMP/cg.svt" "${TP[@]}" --cgroup workload -- sh -c "$(printf '%q ' "${W[@]}")" 2>"$TMP/cg.log"
"$S" collect -o "$TMP/pid.svt" "${TP[@]}" --pid workload -- "${W[@]}" 2>/dev/null
kill $NOISE; wait $NOISE 2>/dev/null
n=$(noise_recs "$TMP/nofilt.svt")
if [ "$n" -gt 0 ]; then ok "without a filter the busy process is recorded ($n)"; else not_ok "unfiltered run records the busy process" "$n"; fi
check_eq "--cgroup workload: none of the busy process's events" 0 "$(noise_recs "$TMP/cg.svt")"
n=$(all_recs "$TMP/cg.svt")
if [ "$n" -ge 500 ]; then ok "--cgroup workload: the grandchild's 500 calls are in ($n records)"; else not_ok "--cgroup keeps the workload's descendants" "$n" "$(cat "$TMP/cg.log")"; fi
check_eq "--pid workload: none of the busy process's events" 0 "$(noise_recs "$TMP/pid.svt")"
n=$(all_recs "$TMP/pid.svt")
if [ "$n" -ge 500 ]; then ok "--pid workload: its 500 calls are in ($n records)"; else not_ok "--pid workload keeps its events" "$n"; fi
if ls -d /sys/fs/cgroup/svatrace-* /sys/fs/cgroup/unified/svatrace-* 2>/dev/null | grep -q .; then
	not_ok "the workload's cgroup is removed" "$(ls -d /sys/fs/cgroup/*/svatrace-* 2>/dev/null)"
else ok "the workload's cgroup is removed"; fi

# 4. live status on a terminal, quiet otherwise
script -qec "'$S' collect -o '$TMP/tty.svt' ${TP[*]} -- sleep 1.5" /dev/null > "$TMP/tty.out" 2>&1
check_match "on a terminal: a status line (elapsed, records, lost, rec/s)" \
	'[0-9]+\.[0-9] s  [0-9,]+ records  [0-9,]+ lost  [0-9,]+ rec/s' "$(tr '\r' '\n' < "$TMP/tty.out")"
"$S" collect -o "$TMP/notty.svt" "${TP[@]}" -- sleep 1.5 2> "$TMP/notty.err"
if grep -q 'rec/s' "$TMP/notty.err"; then not_ok "not a terminal: no status line" "$(cat "$TMP/notty.err")"
else ok "not a terminal: no status line"; fi

# 5. privacy: COMMAND's arguments, the kernel command line, the key
"$S" collect -o "$TMP/p1.svt" "${TP[@]}" -- sh -c 'true secret-token-4711' 2>/dev/null
if grep -qa 'secret-token-4711' "$TMP/p1.svt"; then not_ok "COMMAND's arguments are not in the trace by default"
else ok "COMMAND's arguments are not in the trace by default"; fi
m=$("$S" info --json "$TMP/p1.svt")
check_eq "the meta names the command and counts its arguments" "sh 2" "$(printf '%s' "$m" | field 'd["meta"]["workload"]["command"] + " " + str(d["meta"]["workload"]["nr_args"])')"
check_eq "the kernel command line is reduced by default" True "$(printf '%s' "$m" | field 'd["meta"]["host"]["kernel_cmdline_reduced"]')"
check_eq "a random hash key, its id stored" "random 16" "$(printf '%s' "$m" | field 'd["meta"]["hash_key"] + " " + str(len(d["meta"]["hash_key_id"]))')"
"$S" collect -o "$TMP/p2.svt" --keep-cmdline "${TP[@]}" -- sh -c 'true secret-token-4711' 2>/dev/null
m=$("$S" info --json "$TMP/p2.svt")
check_match "--keep-cmdline keeps COMMAND's arguments" 'secret-token-4711' "$(printf '%s' "$m" | field 'd["meta"]["workload"]["argv"]')"
check_eq "--keep-cmdline keeps the whole kernel command line" "$(tr -d '\n' < /proc/cmdline | sed 's/ *$//')" \
	"$(printf '%s' "$m" | field 'd["meta"]["host"]["kernel_cmdline"]' | sed 's/ *$//')"
printf '00112233445566778899aabbccddeeff\n' > "$TMP/key"
"$S" collect -o "$TMP/k1.svt" --hash-key "$TMP/key" "${TP[@]}" -- true 2>/dev/null
"$S" collect -o "$TMP/k2.svt" --hash-key "$TMP/key" "${TP[@]}" -- true 2>/dev/null
id1=$("$S" info --json "$TMP/k1.svt" | field 'd["meta"]["hash_key"] + " " + d["meta"]["hash_key_id"]')
id2=$("$S" info --json "$TMP/k2.svt" | field 'd["meta"]["hash_key"] + " " + d["meta"]["hash_key_id"]')
check_eq "--hash-key: two traces share the key id, marked user" "$id1" "$id2"
check_match "... 'user'" '^user [0-9a-f]{16}$' "$id1"
check_eq "the key itself is not stored (neither as hex nor as bytes)" False "$(python3 -c 'import sys
b = open(sys.argv[1], "rb").read(); k = "00112233445566778899aabbccddeeff"
print(k.encode() in b or bytes.fromhex(k) in b)' "$TMP/k1.svt")"
