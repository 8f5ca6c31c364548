#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# collect_badname.sh - issue 19: a process may name itself with any bytes
# (prctl PR_SET_NAME), and the kernel cuts task names at 15 bytes, which
# splits ordinary multi-byte names too. Such a name once aborted the capture
# ("Cannot allocate memory", 0 records): strings are bytes now. A process
# named 'a'*14 + 0xc3 (the first byte of 'é', cut off) makes 500 prctl calls
# under capture; every call is in the trace, under its escaped name.
. "$(dirname "$0")/lib.sh"
TP=task:task_prctl_unknown
N=500

need_capture "$TP"

rm -f "$TMP/go"; mkfifo "$TMP/go"
# names itself, prints its pid, waits for the go, then N unknown prctl options
cat > "$TMP/name.py" << 'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, ctypes.c_char_p(b"a" * 14 + b"\xc3"), 0, 0, 0)  # PR_SET_NAME
print("pid", os.getpid(), flush=True)
sys.stdin.read(1)
for _ in range(int(sys.argv[1])):
    libc.prctl(0x7fff0001, 0, 0, 0, 0)  # unknown option: task_prctl_unknown
PY
python3 "$TMP/name.py" "$N" < "$TMP/go" > "$TMP/loop.out" &
lp=$!
exec 3> "$TMP/go"
for _ in $(seq 100); do grep -qs '^pid ' "$TMP/loop.out" && break; sleep 0.05; done
lpid=$(sed -n 's/^pid //p' "$TMP/loop.out")
check_eq "the process has the cut name" "$(printf 'aaaaaaaaaaaaaa\303')" "$(cat /proc/"$lpid"/comm)"
"$SVATRACE" collect -o "$TMP/n.svt" -e none -p "$lpid" --tracepoint $TP 2> "$TMP/c.log" &
cp=$!
wait_attached "$TMP/c.log" $cp
printf x >&3; exec 3>&-
wait $lp
# no pause: Ctrl-C detaches the probe, then drains the ring
kill -INT $cp 2>/dev/null; wait $cp
check_eq "the capture ends cleanly" 0 $?
check_match "... with every call and none lost" "total: $N records, 0 lost" "$(cat "$TMP/c.log")"
check_rc "info reads the trace" 0 "$SVATRACE" info --json "$TMP/n.svt"
check_eq "... $N records of $TP" $N \
	"$(printf '%s' "$OUT" | python3 -c "import json,sys; print(json.load(sys.stdin)['events'].get('$TP', 0))")"
"$SVATRACE" dump "$TMP/n.svt" > "$TMP/n.jl"
check_eq "every record carries the name, escaped in JSON" $N \
	"$(grep -c '"comm":"aaaaaaaaaaaaaa\\\\xc3"' "$TMP/n.jl")"
check_rc "the dump is valid JSON, line by line" 0 python3 -c "
import json, sys
for l in open('$TMP/n.jl'): json.loads(l)"
