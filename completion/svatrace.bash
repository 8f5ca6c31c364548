# SPDX-License-Identifier: GPL-2.0
# bash completion for svatrace: subcommands, each subcommand's options (from
# its --help), --set keys (from 'replay --list-params'), --profile names,
# --scenario names, plot kinds and 'db' actions. Everything is asked of the
# svatrace being completed, so the completion never lists what it lacks.
# Installed as PREFIX/share/bash-completion/completions/svatrace.

_svatrace_cmds() {
	"$1" help 2>/dev/null | awk '/^Commands:/ {c=1; next} c && /^  [a-z]/ {print $1} c && /^$/ {exit}'
}

_svatrace_opts() { # options of subcommand $2, as its --help lists them
	"$1" "$2" --help 2>/dev/null | grep -oE '(^|[ ,[])--[a-z][a-z0-9-]*' | sed 's/^[ ,[]//' | sort -u
}

_svatrace_set_keys() {
	"$1" replay --list-params 2>/dev/null | awk 'NR > 1 && /^[a-z]/ {print $1 "="}'
}

_svatrace_scenarios() {
	"$1" replay --scenario help 2>/dev/null | awk '/^[a-z][a-z_-]*$/ {print $1}'
}

_svatrace_profiles() {
	local d exe
	exe=$(command -v "$1" 2>/dev/null)
	for d in "${SVATRACE_PROFILE_DIR:-}" "${exe%/*}/../share/svatrace/profiles" data/profiles; do
		[ -n "$d" ] && [ -d "$d" ] && for f in "$d"/*.ini; do [ -e "$f" ] && basename "$f" .ini; done
	done | sort -u
}

_svatrace() {
	local cur prev words cword svt cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	svt=${COMP_WORDS[0]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	--set)
		compopt -o nospace 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -W "$(_svatrace_set_keys "$svt")" -- "$cur")
		return ;;
	--scenario)
		mapfile -t COMPREPLY < <(compgen -W "$(_svatrace_scenarios "$svt") help" -- "$cur")
		return ;;
	--profile)
		mapfile -t COMPREPLY < <(compgen -W "$(_svatrace_profiles "$svt")" -- "$cur")
		return ;;
	-o | --output | --out | --db | --scripts)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-v --verbose -q --quiet -V --version -h --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_svatrace_cmds "$svt") help" -- "$cur")
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_svatrace_opts "$svt" "$cmd")" -- "$cur")
		return
	fi
	case $cmd in
	help) mapfile -t COMPREPLY < <(compgen -W "$(_svatrace_cmds "$svt")" -- "$cur"); return ;;
	plot)
		if [ "$prev" = plot ]; then
			mapfile -t COMPREPLY < <(compgen -W "$("$svt" plot --help 2>/dev/null |
				awk '/^Kinds:/ {k=1; next} k && /^  [a-z]/ {print $1} k && /^$/ {exit}') list" -- "$cur")
			return
		fi ;;
	db)
		if [ "$prev" = db ]; then
			mapfile -t COMPREPLY < <(compgen -W "info merge example" -- "$cur")
			return
		fi ;;
	gen)
		if [ "$prev" = gen ]; then
			mapfile -t COMPREPLY < <(compgen -W "$("$svt" gen --help 2>/dev/null |
				awk '/^Kinds:/ {k=1; next} k && /^  [a-z]/ {print $1} k && /^$/ {exit}')" -- "$cur")
			return
		fi ;;
	esac
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -F _svatrace svatrace
