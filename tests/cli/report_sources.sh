#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report_sources.sh - nothing the report cites is missing from the repository:
# every file a parameter's source names (built-in defaults and the shipped
# profiles, as --list-params shows them) exists in the tree. Paths are from
# the top of the tree; Linux and QEMU source paths (drivers/, hw/, ...) are
# the kernel's and QEMU's, not ours.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1
missing=""
nr=0
for p in "" data/profiles/*.ini; do
	args=()
	[ -n "$p" ] && args=(--profile "$p")
	while read -r f; do
		nr=$((nr + 1))
		# a bare name ("sys-kernel-cmdline.txt" of a dataset the source names
		# too) must be some file of the tree; a path must be that file
		if [ "${f#*/}" = "$f" ]; then
			[ -n "$(git ls-files "$f" "*/$f" 2>/dev/null | head -1)" ] || [ -e "$f" ] ||
				missing="$missing ${p:-defaults}:$f"
		else
			[ -e "$f" ] || missing="$missing ${p:-defaults}:$f"
		fi
	done < <("$SVATRACE" replay --list-params --json "${args[@]}" |
		sed -n 's/.*"\(source\|origin\)": "\(.*\)",*$/\2/p' |
		grep -oE '(^|[ (])[A-Za-z0-9_./-]+\.(md|ini|sh|txt|csv|c|h)([ :),;]|$)' |
		sed -E 's/^[ (]//; s/[ :),;]$//' | grep -vE '^(drivers|include|mm|arch|kernel|hw)/' | sort -u)
done
check_eq "every file a parameter source names exists ($nr names checked)" "" "$missing"
# and the check can fail
if grep -q . <<< "$(printf 'DESIGN.md s6\n' | grep -oE '(^|[ (])[A-Za-z0-9_./-]+\.(md|ini|sh)([ :),;]|$)')"; then
	ok "the pattern finds a file name such as DESIGN.md"
else
	not_ok "the pattern finds a file name such as DESIGN.md"
fi
