#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/run.sh counts what it runs honestly: a script whose plan is
# "1..0 # SKIP reason" is one skip (it used to count as nothing: a whole
# test that skipped itself vanished from the summary), an "ok N # SKIP" line
# is a skip, never a pass, and a script that dies without a failure line is a
# failure. Run on a tree of three tiny scripts, so the runner is the only code
# under test.
. tests/cli/lib.sh
runner=$PWD/tests/run.sh
mkdir -p "$TMP/tree/tests/cli" "$TMP/tree/build/tests"
cp tests/cli/lib.sh "$TMP/tree/tests/cli/"
printf '%s\n' 'echo "1..0 # SKIP not here"' > "$TMP/tree/tests/cli/a_skipall.sh"
printf '%s\n' 'echo "ok 1 - one"' 'echo "ok 2 - two # SKIP no x"' 'echo "1..2"' \
	> "$TMP/tree/tests/cli/b_mixed.sh"
printf '%s\n' 'echo "ok 1 - fine"' 'exit 3' > "$TMP/tree/tests/cli/c_dies.sh"

check_rc "runner: a failure makes it exit non-zero" 1 \
	bash -c "cd '$TMP/tree' && BUILD=build env -u TEST_FILTER -u TEST_EXCLUDE -u JOBS -u SERIAL bash '$runner'"
check_match "runner: a 1..0 skip plan is one skip, an ok-with-skip line a skip, a silent death a failure" \
	"^2 passed, 1 failed, 2 skipped$" "$OUT"
check_match "runner: the skipped script is named with its reason" \
	"ok +a_skipall +0 passed +1 skipped.*
.*1\.\.0 # SKIP not here" "$OUT"
rm "$TMP/tree/tests/cli/c_dies.sh" "$TMP/tree/tests/cli/b_mixed.sh"
check_rc "runner: all skipped is not a failure" 0 \
	bash -c "cd '$TMP/tree' && BUILD=build env -u TEST_FILTER -u TEST_EXCLUDE -u JOBS -u SERIAL bash '$runner'"
check_match "runner: all skipped" "^0 passed, 0 failed, 1 skipped$" "$OUT"
echo "1..$TAP_N"
