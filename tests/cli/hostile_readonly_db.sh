#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19 item 6: a database you cannot write can still be read. The read
# commands run as another user (nobody) on a database owned by root; before
# the fix they failed with "attempt to write a readonly database", and
# `replay --db` on a read-only file replayed everything and then failed with
# "not an error".
. tests/cli/lib.sh
if [ "$(id -u)" != 0 ] || ! command -v setpriv > /dev/null; then
	echo "1..0 # SKIP needs root and setpriv to act as another user"
	exit 0
fi
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
# nobody must reach the program and the database. A checkout or TMPDIR inside
# a 0700 folder (a mktemp -d clone) hides both, so the test then works in a
# folder of its own under /tmp and runs a copy of the program from there.
chmod 755 "$TMP"
RO=$TMP
if ! $AS_NOBODY test -x "$RO"; then
	RO=$(mktemp -d /tmp/svt-ro.XXXXXX)
	trap 'rm -rf "$TMP" "$RO"' EXIT
	chmod 755 "$RO"
fi
if ! $AS_NOBODY test -x "$SVATRACE"; then
	mkdir -m 755 "$RO/bin"
	cp "$SVATRACE" "$RO/bin/svatrace"
	SVATRACE=$RO/bin/svatrace
fi
if ! $AS_NOBODY test -x "$SVATRACE"; then
	echo "1..0 # SKIP $SVATRACE is not executable by nobody"
	exit 0
fi
"$SVATRACE" import --from ftrace-text data/traces/qemu-vtd-6.1-trace.txt.gz -o "$RO/t.svt" 2>/dev/null
for l in a b; do
	"$SVATRACE" replay --db "$RO/r.db" --label "$l" "$RO/t.svt" > /dev/null 2>&1
done
chmod 644 "$RO/r.db"
sum=$(md5sum < "$RO/r.db")

check_rc "runs as another user" 0 $AS_NOBODY "$SVATRACE" runs --db "$RO/r.db"
check_match "runs lists both runs" "a.*
.*b" "$OUT"
check_rc "db info as another user" 0 $AS_NOBODY "$SVATRACE" db info "$RO/r.db"
check_match "db info counts the runs" "runs: +2" "$OUT"
check_rc "compare as another user" 0 $AS_NOBODY "$SVATRACE" compare --db "$RO/r.db" 1 2
mkdir -m 777 "$RO/rep2"
check_rc "report as another user (into a folder it may write)" 0 $AS_NOBODY "$SVATRACE" report --db "$RO/r.db" --no-render -o "$RO/rep2"
check_eq "reading left the file unchanged" "$sum" "$(md5sum < "$RO/r.db")"

# a read-only file in a folder the user may write: refused before replaying
chmod 777 "$RO"
chmod 444 "$RO/r.db"
check_rc "replay --db on a read-only file" 1 $AS_NOBODY "$SVATRACE" replay --db "$RO/r.db" "$RO/t.svt"
check_match "replay --db: says read-only, before the replay" "r.db: the database is read-only for this user" "$OUT"
check_eq "replay --db: printed no results first" "" "$(printf '%s' "$OUT" | grep -E 'xlate|latency' | head -1)"
check_rc "runs on a read-only file, writable folder" 0 $AS_NOBODY "$SVATRACE" runs --db "$RO/r.db"
chmod 755 "$RO"
echo "1..$TAP_N"
