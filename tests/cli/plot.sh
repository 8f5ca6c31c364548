#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# plot.sh - every plot kind from the example database (known values: see
# analyze/example.c) draws a non-empty PNG and SVG, and its .dat holds the
# values the closed forms give.
. "$(dirname "$0")/lib.sh"
DB=$TMP/ex.db
"$SVATRACE" db example "$DB" >/dev/null

is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# Every kind drawn from the example database by one `plot all` (a kind drawn
# alone and again by plot all cost 5 gnuplot runs, ~0.4 s of CPU, for the
# same pictures): expect() checks its PNG and SVG, and writes each kind's
# .dat alone with --no-render. With DRAWN unset (a changed database), expect
# draws the kind itself and checks that.
check_rc "plot all draws every kind" 0 "$SVATRACE" plot all --db "$DB" -o "$TMP/all"
check_eq "five PNGs" "5" "$(ls "$TMP/all"/*.png | wc -l)"
DRAWN=$TMP/all

# kind, then "block-title|row" pairs the .dat must contain
expect() {
	local kind=$1 d=${DRAWN:-$TMP/p}; shift
	check_rc "plot $kind" 0 "$SVATRACE" plot "$kind" --db "$DB" -o "$TMP/p" ${DRAWN:+--no-render}
	if is_png "$d/$kind.png" && [ "$(stat -c %s "$d/$kind.png")" -gt 2000 ]; then
		ok "$kind.png is a non-empty PNG"
	else
		not_ok "$kind.png is a non-empty PNG" "$(ls -l "$d/$kind.png" 2>&1)"
	fi
	if grep -q '<svg' "$d/$kind.svg" 2>/dev/null; then ok "$kind.svg written"; else not_ok "$kind.svg written"; fi
	for e in "$@"; do
		local block=${e%%|*} row=${e#*|}
		# the row must appear inside the block whose header starts with "block"
		if awk -v b="\"$block\"" -v r="$row" '
			/^"/ { inb = (index($0, b) == 1) }
			inb && index($0, r) == 1 { found = 1 }
			END { exit !found }' "$TMP/p/$kind.dat"; then
			ok "$kind.dat: $block has '$row'"
		else
			not_ok "$kind.dat: $block has '$row'" "$(cat "$TMP/p/$kind.dat")"
		fi
	done
}

# miss rate % = 100 * (819200/E) / 102400 (4k), /16 for 2m; mean = (hits*10 + misses*miss_ns)/lookups;
# p99 by lib/hist.h: 2m x 32 has 1600 misses at 150 ns in bucket [144, 151], rank 576 of them:
# 144 + floor(8 * 575.5 / 1600) = 146 (within the stated bound of the exact 150)
# (legends in words: a block is titled "4 KiB pages", not "pt.page_bytes=4096")
expect iotlb-sweep "4 KiB pages|16 50 105 200 1" "4 KiB pages|64 12.5 33.75 200 3" \
	"2 MiB pages|32 1.5625 12.1875 146 7" "2 MiB pages|256 0.195312 10.2734 10 10"
# 14400 of 16000 at 250 ns (bucket top 255); faulting 512 at 20000 ns
expect latency-cdf "pinned|255 0.9" "pinned|600 1" "faulting|255 0.9" "faulting|607 0.968" "faulting|20000 1"
# throughput M/s, p99 us, retries/desc
expect wq-clients "dedicated WQ|16 4 16 0 17" "shared WQ|8 7.2 12 0.5 21" "shared WQ|16 7.2 24 1.5 22"
# t_ms window_ms faults invalidations misses
expect timeseries "faulting|0 1 256 4 100" "faulting|9 1 1 4 100" "pinned|3 1 0 64 100"
# One x origin per run: a series stored with a later start (2 ms) is drawn at its own time
# on the run's axis, not on the first series' (the example's inval.count is 4 per 1 ms window)
cp "$DB" "$TMP/shift.db"
sqlite3 "$TMP/shift.db" "UPDATE series SET start_ns = 2000000 WHERE key = 'inval.count'
	AND run_id = (SELECT id FROM runs WHERE label = 'faulting')"
DB_SAVED=$DB; DB=$TMP/shift.db; DRAWN=
expect timeseries "faulting|0 1 256 ? 100" "faulting|1 1 " "faulting|2 1 " "faulting|17 1 ? 4 ?"
check_match "timeseries.dat: rows 0-1 have no invalidation, row 2 the first" \
	'^1 1 [0-9.]+ \? 100$' "$(cat "$TMP/p/timeseries.dat")"
DB=$DB_SAVED; DRAWN=$TMP/all
expect cpu-cost	# one block whose rows start with the quoted run label; a cost the run
# has no events for is n/a ("?", a gap), not 0: pinned serves no faults, faulting pins nothing
check_match "cpu-cost.dat: pinned row (ms)" '^"pinned" 2 1.5 1.2 0.8 \? 0.5 11$' "$(cat "$TMP/p/cpu-cost.dat")"
check_match "cpu-cost.dat: faulting row (ms)" '^"faulting" \? \? \? 0.1 6.4 0.5 12$' "$(cat "$TMP/p/cpu-cost.dat")"

check_rc "--runs selects runs" 0 "$SVATRACE" plot latency-cdf --db "$DB" --runs faulting -o "$TMP/one" --no-render
check_eq "one block" "1" "$(grep -c '^"' "$TMP/one/latency-cdf.dat")"

# No gnuplot on PATH: clear message, data and script still written.
mkdir -p "$TMP/nogp"
OUT=$(PATH=/nonexistent "$SVATRACE" plot cpu-cost --db "$DB" -o "$TMP/nogp" 2>&1); rc=$?
check_eq "missing gnuplot fails" "1" "$rc"
check_match "and says what to do" "gnuplot is not installed.*apt-get install gnuplot-nox" "$OUT"
if [ -s "$TMP/nogp/cpu-cost.dat" ] && [ -s "$TMP/nogp/cpu-cost.gp" ]; then
	ok ".dat and .gp still written"
else
	not_ok ".dat and .gp still written" "$(ls -l "$TMP/nogp")"
fi
# The written script re-runs by itself (people restyle it).
(cd "$TMP/nogp" && gnuplot cpu-cost.gp >/dev/null 2>&1)
if is_png "$TMP/nogp/cpu-cost.png"; then ok "the .gp re-runs stand-alone"; else not_ok "the .gp re-runs stand-alone"; fi
# standalone plots are titled like the report's: the study's finding, its question below
check_rc "plot iotlb-sweep (no --runs: the study whose finding it shows)" 0 "$SVATRACE" plot iotlb-sweep --db "$DB" -o "$TMP/t" --no-render
check_match "title: the finding, computed from the data" '^plot_title = "2 MiB pages remove IOTLB misses from 64 entries up;\\n4 KiB pages still miss 3% at 256 entries"' "$(cat "$TMP/t/iotlb-sweep.gp")"
check_match "subtitle: the question, then the study" '^plot_subtitle = "How do the IOTLB size and the page size change translation cost\?\\nstudy random-access' "$(cat "$TMP/t/iotlb-sweep.gp")"
check_rc "plot latency-cdf" 0 "$SVATRACE" plot latency-cdf --db "$DB" -o "$TMP/t" --no-render
check_match "... titled by the contrast finding" '^plot_title = "faulting: translation 3.18x slower than pinned' "$(cat "$TMP/t/latency-cdf.gp")"
check_rc "plot cpu-cost --runs pinned,faulting" 0 "$SVATRACE" plot cpu-cost --db "$DB" --runs pinned,faulting -o "$TMP/t" --no-render
check_match "... titled by its own result, the study's question below" '^plot_subtitle = "What does faulting cost compared with pinned\?' "$(cat "$TMP/t/cpu-cost.gp")"
check_match "... which states the CPU time" '^plot_title = "pinned: [0-9.]+ [mµ]?s of CPU' "$(cat "$TMP/t/cpu-cost.gp")"
check_rc "unknown kind is a usage error" 2 "$SVATRACE" plot nosuch --db "$DB" -o "$TMP/x"
check_rc "a kind without data fails clearly" 1 "$SVATRACE" plot wq-clients --db "$DB" --runs pinned -o "$TMP/x"
check_match "naming the kind" "no selected run has the data for plot 'wq-clients'" "$OUT"

# ---- the time-series plot of real replays: one origin per run (the trace's first record, 20 ms),
# so the first IOTLB misses (2.5 s in) share rows with the invalidations around them
. "$(dirname "$0")/realdb.inc"
# (two studies, so listed: without --runs a plot draws one study)
check_rc "plot timeseries on real runs" 0 "$SVATRACE" plot timeseries --db "$RDB" --runs faulting,genfault -o "$TMP/real"
check_eq "the shipped trace's block starts at its first timestamp; the generated one's at 0" \
	"faulting 20000000,genfault 0," \
	"$(awk '/^"/ { b = substr($1, 2, length($1) - 2) } /^# origin_ns/ { printf "%s %s,", b, $3 }' "$TMP/real/timeseries.dat")"
# (the run's window is the finer of the two models' settings, 10 us, doubled 9 times to fit 19 s)
check_match "a row with both invalidations and IOTLB misses (same axis)" '^2[45][0-9]{2}(\.[0-9]+)? 5\.12 [0-9]+ [1-9][0-9]* [1-9][0-9]*$' \
	"$(cat "$TMP/real/timeseries.dat")"
