#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The CLI surface: help lists exactly the working commands, each has --help,
# version prints, unknown things are usage errors (exit 2).
. tests/cli/lib.sh
check_rc "svatrace help exits 0" 0 "$SVATRACE" help
HELP=$OUT
check_match "help names import" "^  import " "$HELP"
check_match "help names info" "info +show a trace" "$HELP"
for cmd in $(printf '%s\n' "$HELP" | sed -n '/^Commands:/,/^$/p' | awk 'NF>1 && /^  /{print $1}'); do
	check_rc "svatrace $cmd --help exits 0" 0 "$SVATRACE" "$cmd" --help
	check_match "svatrace $cmd --help shows usage" "usage: svatrace $cmd" "$OUT"
	check_rc "svatrace help $cmd is the same" 0 "$SVATRACE" help "$cmd"
done
check_rc "--version" 0 "$SVATRACE" --version
check_match "--version prints a version" "^svatrace [0-9]+\.[0-9]+\.[0-9]+" "$OUT"
check_rc "unknown command is a usage error" 2 "$SVATRACE" frobnicate
check_match "unknown command says so" "'frobnicate' is not a command" "$OUT"
check_rc "no command is a usage error" 2 "$SVATRACE"
check_rc "unknown global option" 2 "$SVATRACE" --frob
check_rc "info without a file is a usage error" 2 "$SVATRACE" info
