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
# file that differs): a process per file took 15 s of CPU, this 2 s.
# Files already found formatted are not checked again: $BUILD/format-ok/KEY
# lists "blob-hash path" of each file that passed, KEY being the hash of
# clang-format's version and .clang-format, so a changed file (new content,
# new hash), a new clang-format or a new style is checked again. A cold
# run checks every file; a make check after a few edits, only those (~0.1 s).
cache=${BUILD:-build}/format-ok
key=$({ "$CF" --version; cat .clang-format; } | git hash-object --stdin)
# "hash path" of every tracked file; todo: those not in the cache
ids=$(paste -d' ' <(git ls-files '*.c' '*.h' | git hash-object --stdin-paths) <(git ls-files '*.c' '*.h'))
new_ids=$(printf '%s\n' "$ids" | awk 'FILENAME != "-" { seen[$0] = 1; next } !($0 in seen)' "$cache/$key" - 2>/dev/null ||
	printf '%s\n' "$ids")
mapfile -t todo < <(printf '%s\n' "$new_ids" | sed -n 's/^[0-9a-f]* //p')
report= rc=0
if [ ${#todo[@]} -gt 0 ]; then
	report=$("$CF" --style=file --dry-run --Werror "${todo[@]}" 2>&1)
	rc=$?
fi
bad=$(printf '%s\n' "$report" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
if [ "$rc" = 0 ] && [ -z "$bad" ]; then
	ok "every tracked C file is clang-formatted"
	echo "# ${#todo[@]} of $(printf '%s\n' "$ids" | wc -l) files checked (the others passed before, unchanged)"
	[ ${#todo[@]} -eq 0 ] || { mkdir -p "$cache" && printf '%s\n' "$new_ids" >>"$cache/$key"; } 2>/dev/null
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
