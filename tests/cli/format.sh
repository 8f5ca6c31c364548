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
bad=()
while IFS= read -r f; do
	if ! "$CF" --style=file "$f" | cmp -s - "$f"; then
		bad+=("$f")
	fi
done < <(git ls-files '*.c' '*.h')
if [ ${#bad[@]} -eq 0 ]; then
	ok "every tracked C file is clang-formatted"
else
	not_ok "every tracked C file is clang-formatted (run: clang-format -i FILE)" \
		"${#bad[@]} files differ: ${bad[*]:0:10}" \
		"$("$CF" --style=file "${bad[0]}" | diff "${bad[0]}" - | head -8)"
fi
# the check can fail: a misformatted copy of a real file is caught
f=$(git ls-files '*.c' | head -1)
sed 's/^\t/  /' "$f" > "$TMP/bad.c"
if "$CF" --style=file --assume-filename="$f" < "$TMP/bad.c" | cmp -s - "$TMP/bad.c"; then
	not_ok "a file indented with spaces is reported as unformatted"
else
	ok "a file indented with spaces is reported as unformatted"
fi
