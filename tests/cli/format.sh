#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# format.sh - the C sources follow .clang-format: every tracked .c/.h equals
# what clang-format makes of it (a file that does not is named, with the
# first lines that differ). Generated files (build/) are not tracked.
. "$(dirname "$0")/lib.sh"
CF=${CLANG_FORMAT:-clang-format}
if ! command -v "$CF" >/dev/null; then
	not_ok "clang-format is installed (scripts/install-deps.sh test)"
	exit 0
fi
# one clang-format process for every file (--dry-run --Werror names each
# file that differs): a process per file took 15 s of CPU, this 2 s
report=$(git ls-files -z '*.c' '*.h' | xargs -0 "$CF" --style=file --dry-run --Werror 2>&1)
rc=$?
bad=$(printf '%s\n' "$report" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
if [ "$rc" = 0 ] && [ -z "$bad" ]; then
	ok "every tracked C file is clang-formatted"
else
	not_ok "every tracked C file is clang-formatted (run: clang-format -i FILE)" \
		"files that differ: $(printf '%s ' $bad | head -c 600)" \
		"$(printf '%s\n' "$report" | head -8)"
fi
# the check can fail: a misformatted copy of a real file is caught
f=$(git ls-files '*.c' | head -1)
sed 's/^\t/  /' "$f" > "$TMP/bad.c"
if "$CF" --style=file --assume-filename="$f" < "$TMP/bad.c" | cmp -s - "$TMP/bad.c"; then
	not_ok "a file indented with spaces is reported as unformatted"
else
	ok "a file indented with spaces is reported as unformatted"
fi
