# SPDX-License-Identifier: GPL-2.0
# lib.sh - tiny TAP helpers for CLI tests (sourced, not run).
# Each check prints "ok N - desc" or "not ok N - desc" with the evidence.
set -u
TAP_N=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/svt-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
SVATRACE=${SVATRACE:-build/san/svatrace}

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() { TAP_N=$((TAP_N + 1)); echo "not ok $TAP_N - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

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
