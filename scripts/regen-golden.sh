#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# regen-golden.sh - rewrite golden files on purpose (`make golden`), then
# show what changed so the change can be reviewed before committing.
set -eu
BUILD=${BUILD:-build}
make --no-print-directory "$BUILD/tests/test_scenario" >/dev/null
SVT_REGEN_GOLDEN=1 "$BUILD/tests/test_scenario" >/dev/null
git --no-pager diff --stat -- tests/golden 2>/dev/null || true
echo "golden files rewritten under tests/golden/; review with 'git diff tests/golden'"
