#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install.sh - `make install` into a DESTDIR: binary, profiles found by the
# installed binary from outside the source tree ($SVATRACE_PROFILE_DIR
# first), man pages that man(1) renders (one per subcommand, the --help
# text), and bash completion of subcommands, options, --set keys, scenarios.
. "$(dirname "$0")/lib.sh"
SRC=$PWD
R=$TMP/root
check_rc "make install PREFIX=/usr DESTDIR=..." 0 \
	make --no-print-directory -s install PREFIX=/usr DESTDIR="$R" BUILD="${BUILD:-build}"
B=$R/usr/bin/svatrace
check_rc "the installed binary runs" 0 "$B" --version
NCMD=$("$B" help | awk '/^Commands:/ {c=1; next} c && /^  [a-z]/ {n++} END {print n}')
check_eq "one man page per subcommand, plus svatrace.1" "$((NCMD + 1))" "$(ls "$R/usr/share/man/man1" | wc -l)"
check_rc "man -l renders svatrace-replay.1" 0 sh -c "MANWIDTH=80 man -l '$R/usr/share/man/man1/svatrace-replay.1' >'$TMP/replay.man' 2>&1"
check_match "... NAME line from the command table" 'svatrace-replay +- replay a trace through the address-translation model' "$(cat "$TMP/replay.man")"
check_match "... options from --help" '--list-params' "$(cat "$TMP/replay.man")"
check_eq "... every option --help lists is in the page" "" \
	"$(for o in $("$B" replay --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do grep -q -- "$o" "$TMP/replay.man" || echo "$o"; done)"
check_match "'man svatrace-replay' finds the installed page through MANPATH" 'SVATRACE-REPLAY\(1\)' \
	"$(MANPATH=$R/usr/share/man MANWIDTH=80 man svatrace-replay 2>&1 | head -1)"
check_match "svatrace.1 lists the subcommands and the profile search path" 'svatrace-export.*SVATRACE_PROFILE_DIR' \
	"$(MANWIDTH=80 man -l "$R/usr/share/man/man1/svatrace.1" 2>&1 | tr '\n' ' ')"

# profiles: the installed share folder, from a directory outside the source tree
cd "$TMP" || exit 1
check_rc "--profile qemu-vtd found in PREFIX/share/svatrace/profiles" 0 "$B" replay --list-params --profile qemu-vtd
check_match "... its values are the profile's" "qemu-vtd.ini" "$OUT"
mkdir -p "$TMP/myprof"
printf '[iotlb]\nentries = 16\n' >"$TMP/myprof/qemu-vtd.ini"
check_match "\$SVATRACE_PROFILE_DIR comes first" 'iotlb.entries +[^ ]+ +[^ ]+ +16 ' \
	"$(SVATRACE_PROFILE_DIR=$TMP/myprof "$B" replay --list-params --profile qemu-vtd)"
rm "$R/usr/share/svatrace/profiles/qemu-vtd.ini"
check_fails "without the installed file it is not found" "$B" replay --list-params --profile qemu-vtd
check_match "... and the message says where it looked" 'SVATRACE_PROFILE_DIR.*share/svatrace/profiles' "$OUT"
cd "$SRC" || exit 1

# completion, as bash runs it
comp() { # WORDS...: the candidates for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _svatrace; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$R/usr/share/bash-completion/completions/svatrace" "$@"
}
PATH=$R/usr/bin:$PATH
check_eq "completion: subcommands" "$("$B" help | awk '/^Commands:/ {c=1; next} c && /^  [a-z]/ {print $1}' | sort | tr '\n' ' ')help" \
	"$(comp svatrace '' | sort | tr '\n' ' ' | sed 's/ $//' | sed 's/ help\(.*\)/\1 help/')"
check_eq "completion: 'svatrace ex' -> export" "export" "$(comp svatrace ex)"
check_match "completion: replay options" '--profile.*--scenario.*--set' "$(comp svatrace replay -- | tr '\n' ' ')"
check_eq "completion: --set keys (every iotlb.* key of --list-params)" \
	"$("$B" replay --list-params | awk '/^iotlb\./ {print $1 "="}' | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(comp svatrace replay --set iotlb. | sort | tr '\n' ' ' | sed 's/ $//')"
check_match "completion: scenario names" 'faulting.*pinned' "$(comp svatrace replay --scenario '' | sort | tr '\n' ' ')"
check_eq "completion: profile names from the install" "default" "$(comp svatrace replay --profile d)"
check_match "completion: plot kinds" 'iotlb-sweep.*latency-cdf' "$(comp svatrace plot '' | tr '\n' ' ')"
echo "1..$TAP_N"
