# SPDX-License-Identifier: GPL-2.0
# lib.sh - tiny TAP helpers for CLI tests (sourced, not run).
# Each check prints "ok N - desc" or "not ok N - desc" with the evidence.
set -u
TAP_N=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/svt-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
SVATRACE=${SVATRACE:-build/san/svatrace}
# PLAIN: the build without sanitizers (absolute; $SVATRACE if there is none),
# for repeated numeric matrices (one command over traces x scenarios x
# profiles). The model is deterministic, so its numbers are the same from
# either build; the sanitizers look for memory errors on a code path, and a
# sanitized replay costs about 5x a plain one (mostly ASan's start and its
# leak check at exit), so a matrix keeps one sanitized pass (matrix_bin).
PLAIN=${BUILD:-build}/svatrace
case $PLAIN in /*) ;; *) PLAIN=$PWD/$PLAIN ;; esac
[ -x "$PLAIN" ] || PLAIN=$SVATRACE
# matrix_bin K N: set BIN to the binary of the K-th run (from 0) of a matrix:
# $SVATRACE when K % N == 0, else $PLAIN. When the inner loops make L runs
# per outer case, gcd(L, N) = 1 and there are N outer cases, every inner
# case runs sanitized on exactly one outer case (K = o*L + i, and o*L = -i
# mod N has one solution o < N), and every outer case on one in N.
matrix_bin() {
	if [ $(($1 % $2)) -eq 0 ]; then BIN=$SVATRACE; else BIN=$PLAIN; fi
}

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() { TAP_N=$((TAP_N + 1)); echo "not ok $TAP_N - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# need_capture SYSTEM:EVENT: end the test as skipped unless this host can
# capture that tracepoint with the collector (root, kernel BTF, the event)
need_capture() {
	if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ] ||
	   [ ! -d "/sys/kernel/tracing/events/${1%%:*}/${1#*:}" ]; then
		echo "ok 1 - # SKIP needs root, kernel BTF and $1"
		exit 0
	fi
}

# jget KEY FILE: the number KEY holds in a --json object FILE (first match)
jget() { sed -n "s/^ *\"$1\": \([-0-9.e+]*\),\{0,1\}$/\1/p" "$2" | head -1; }
# jv FILE KEY: a scalar KEY's value in the JSON object FILE as
# `jq -r '.["KEY"]'` prints it ("null" when there is no KEY, nothing when FILE is not JSON),
# from one jq start per version of FILE: the object's top-level members are
# kept as "key<TAB>value" lines in FILE.kv (a test reading 20 values of one
# replay started jq 20 times, ~20 ms of CPU each)
jv() {
	# FILE.kv is used only when written after FILE's last change
	if ! [ "$1.kv" -nt "$1" ]; then
		jq -r 'to_entries[] | "\(.key)\t\(.value)"' "$1" > "$1.kv.tmp" 2>/dev/null &&
			mv "$1.kv.tmp" "$1.kv" || { rm -f "$1.kv" "$1.kv.tmp"; return 0; }
	fi
	awk -F'\t' -v k="$2" '$1 == k { v = $2; f = 1 } END { print f ? v : "null" }' "$1.kv"
}

# check DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# check_match DESC REGEX TEXT
check_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1" "no match for /$2/ in:" "$3"; fi
}
# check_rc DESC EXPECTED_RC CMD... (stdout+stderr kept in $OUT)
check_rc() {
	local desc=$1 want=$2; shift 2
	OUT=$("$@" 2>&1); local rc=$?
	if [ "$rc" = "$want" ]; then ok "$desc"; else not_ok "$desc" "exit $rc, wanted $want" "$OUT"; fi
}
# check_fails DESC CMD...: exit status must be non-zero and below 128 (no crash)
check_fails() {
	local desc=$1; shift
	OUT=$("$@" 2>&1); local rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && ! printf '%s' "$OUT" | grep -q 'Sanitizer'; then
		ok "$desc"
	else
		not_ok "$desc" "exit $rc (want 1..127, no sanitizer report)" "$OUT"
	fi
}
# wait_attached LOG PID: wait (up to 20 s) until the collector whose stderr is
# LOG says "collecting from" (its probes are attached); 1 if PID exits first
wait_attached() {
	for _ in $(seq 200); do
		grep -qs 'collecting from' "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
