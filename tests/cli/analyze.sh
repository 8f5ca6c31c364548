#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# analyze.sh - runs, compare, db info/merge/example through the CLI, on the
# example database (known values: see analyze/example.c).
. "$(dirname "$0")/lib.sh"
DB=$TMP/ex.db

check_rc "db example writes 22 runs" 0 "$SVATRACE" db example "$DB"
check_match "db example says so" "22 example runs" "$OUT"
check_fails "db example refuses an existing file" "$SVATRACE" db example "$DB"

OUT=$("$SVATRACE" runs --db "$DB" 2>&1)
check_match "runs lists 22" "^22 runs" "$(printf '%s\n' "$OUT" | tail -1)"
check_match "runs shows swept keys as columns" "iotlb.entries +pt.page_bytes" "$OUT"
OUT=$("$SVATRACE" runs --db "$DB" --where pt.page_bytes=2m --where iotlb.entries=64 --csv 2>&1)
check_eq "runs --where ANDs config filters (csv)" "2" "$(printf '%s\n' "$OUT" | wc -l)"
check_match "csv row is run 8" "^8,.*,ok,iotlb 64 x 2m," "$OUT"
OUT=$("$SVATRACE" runs --db "$DB" --where scenario=faulting --json 2>&1)
check_match "runs --json has the full config" '"iotlb.ways": "8"' "$OUT"
check_match "runs --json has the trace meta" '"hostname": "example-host"' "$OUT"

OUT=$("$SVATRACE" compare --db "$DB" pinned faulting 2>&1)
check_match "compare: headline says how much slower" "faulting\) is 1.22x slower than A #11 \(pinned\)" "$OUT"
check_match "compare: why names the faults first" "why: pri.requests 0 -> 512 \(new\)" "$OUT"
check_match "compare: why says where CPU time moved" "mostly pri.service_cpu_ns \+6.4 ms" "$OUT"
check_match "compare: ratio column" "inval.count +1024 +64 +0.0625x" "$OUT"
OUT=$("$SVATRACE" compare --db "$DB" "dwq 16 clients" "swq 16 clients" 2>&1)
check_match "compare: throughput headline (higher is better)" "is 1.8x faster" "$OUT"
check_match "compare: config diff lists wq.mode" "wq.wq0.mode +dwq +swq" "$OUT"
OUT=$("$SVATRACE" compare --db "$DB" 11 12 --json 2>&1)
check_match "compare --json has ratios" '"key": "pri.requests"' "$OUT"
OUT=$("$SVATRACE" compare --db "$DB" 11 12 --csv 2>&1)
check_match "compare --csv row" "^run.duration_ns,ns,16000000,19500000,1.21875" "$OUT"
check_rc "compare: unknown run is an error" 1 "$SVATRACE" compare --db "$DB" pinned nosuch
check_match "compare: names the bad run" "no run 'nosuch'" "$OUT"
check_rc "compare: one run is a usage error" 2 "$SVATRACE" compare --db "$DB" pinned

printf 'just text, not sqlite\n%.0s' {1..10} > "$TMP/text.db"
check_rc "runs on a text file fails" 1 "$SVATRACE" runs --db "$TMP/text.db"
check_match "with a clear message" "text.db: not an SQLite database" "$OUT"
check_rc "runs on a missing file fails" 1 "$SVATRACE" runs --db "$TMP/none.db"
sqlite3 "$TMP/newer.db" "CREATE TABLE schema_version (version INTEGER); INSERT INTO schema_version VALUES (9);"
check_rc "newer schema is refused" 1 "$SVATRACE" db info "$TMP/newer.db"
check_match "with the versions" "schema v9 is newer than this svatrace understands \(v4\)" "$OUT"

OUT=$("$SVATRACE" db info "$DB" 2>&1)
check_match "db info: runs" "runs: +22 \(22 complete" "$OUT"
check_match "db info: wal" "journal wal" "$OUT"

# Merge: two shards with the same 22 points -> 22 runs; merging again adds nothing.
"$SVATRACE" db example "$TMP/s2.db" >/dev/null
sqlite3 "$TMP/s2.db" "DELETE FROM runs WHERE id > 12;"	# shard 2 holds a subset
check_rc "db merge" 0 "$SVATRACE" db merge "$TMP/m.db" "$DB" "$TMP/s2.db"
check_match "merge reports duplicates" "22 runs added, 12 duplicates skipped" "$OUT"
check_rc "db merge again" 0 "$SVATRACE" db merge "$TMP/m.db" "$DB" "$TMP/s2.db"
check_match "re-merge adds nothing" "0 runs added, 34 duplicates skipped" "$OUT"
check_eq "merged db has 22 runs" "22" "$(sqlite3 "$TMP/m.db" 'SELECT count(*) FROM runs')"
check_eq "merged db has every metric row" "$(sqlite3 "$DB" 'SELECT count(*) FROM metrics')" \
	"$(sqlite3 "$TMP/m.db" 'SELECT count(*) FROM metrics')"
check_rc "merge of a non-database fails" 1 "$SVATRACE" db merge "$TMP/m.db" "$TMP/text.db"

check_rc "--help teaches" 0 "$SVATRACE" compare --help
check_match "with an example" "Example:" "$OUT"

# ---- one percentile: what replay prints is what the database, compare and report say
. "$(dirname "$0")/realdb.inc"
for run in pinned faulting; do
	eval "out=\$REPLAY_$run"
	p99=$(printf '%s\n' "$out" | sed -n 's/^  translations .*, p99 \([0-9]*\) ns,.*/\1/p')
	stored=$(sqlite3 "$RDB" "SELECT cast(value AS int) FROM metrics m JOIN runs r ON r.id = m.run_id
		WHERE r.label = '$run' AND m.key = 'xlate.latency_ns@p99'" 2>&1)
	check_match "$run: replay printed a p99 ($p99)" '^[0-9]+$' "$p99"
	check_eq "$run: stored xlate.latency_ns@p99 = replay's" "$p99" "$stored"
	csv=$("$SVATRACE" compare --db "$RDB" "$run" dsa --csv 2>&1)
	check_eq "$run: compare's p99 (from the histogram) = replay's" "$p99" \
		"$(printf '%s\n' "$csv" | sed -n 's/^xlate\.latency_ns@p99,ns,\([^,]*\),.*/\1/p')"
	check_eq "$run: compare has one p99 spelling" "" "$(printf '%s\n' "$csv" | grep -E '^xlate\.latency_ns[._]p99')"
done
jp99=$(printf '%s\n' "$REPLAY_dsa" | sed -n 's/^  "submit\.latency_ns@p99": \([0-9]*\),\{0,1\}$/\1/p')
check_match "dsa: replay --json has submit.latency_ns@p99 ($jp99)" '^[0-9]+$' "$jp99"
check_eq "dsa: compare's submit p99 = replay's" "$jp99" "$("$SVATRACE" compare --db "$RDB" pinned dsa --csv 2>&1 |
	sed -n 's/^submit\.latency_ns@p99,ns,[^,]*,\([^,]*\),.*/\1/p')"
check_rc "report on the real runs" 0 "$SVATRACE" report --db "$RDB" --runs pinned,faulting -o "$TMP/rr"
p99=$(printf '%s\n' "$REPLAY_pinned" | sed -n 's/^  translations .*, p99 \([0-9]*\) ns,.*/\1/p')
p99us=$(awk -v n="$p99" 'BEGIN { printf "%.4g", n / 1000 }')
check_match "report's p99 row = replay's ($p99 ns = $p99us µs)" "^\| translation latency p99 \(µs\) \| $p99us \|" "$(cat "$TMP/rr/report.md")"

# ---- one time grid: every series of a real run shares the origin (the run's first timestamp) and the window
for run in pinned faulting; do
	check_eq "$run: all series share one start and one window" "1,1" \
		"$(sqlite3 "$RDB" "SELECT count(DISTINCT start_ns) || ',' || count(DISTINCT window_ns) FROM series
			WHERE run_id = (SELECT id FROM runs WHERE label = '$run')" 2>&1)"
done
# the shipped trace's first record is at 20 ms; the first IOTLB miss at 2.5 s (was each series' own origin)
check_eq "pinned: the origin is the trace's first timestamp" "20000000" \
	"$(sqlite3 "$RDB" "SELECT DISTINCT start_ns FROM series WHERE key = 'iotlb.misses'
		AND run_id = (SELECT id FROM runs WHERE label = 'pinned')" 2>&1)"

# a run of both models (DSA descriptors expanded into the translation model too):
# one time axis for both, from the first record (was 10 ms windows from the first
# access for the translation model's series, 10 us from the first submit for the WQ's)
"$SVATRACE" replay "$TMP/real-d.svt" --set replay.expand_wq=on --json > "$TMP/both.json" 2>&1
check_eq "xlate+wq run: series of both models" "iotlb.misses wq.0.occupancy" \
	"$(jq -r '.series | keys | map(select(. == "iotlb.misses" or . == "wq.0.occupancy")) | join(" ")' "$TMP/both.json")"
check_eq "xlate+wq run: one start and one window for every series" "1 1" \
	"$(jq -r '[.series[] | .start_ns] | unique | length' "$TMP/both.json") $(jq -r '[.series[] | .window_ns] | unique | length' "$TMP/both.json")"
first=$("$SVATRACE" dump -n 1 "$TMP/real-d.svt" | jq .ts_ns)
check_eq "xlate+wq run: the origin is the first record's time ($first ns)" "$first" \
	"$(jq -r '[.series[] | .start_ns] | unique | .[0]' "$TMP/both.json")"
check_eq "xlate+wq run: the window is the finer model's (wq.series_window_ns, 10 us)" 10000 \
	"$(jq -r '[.series[] | .window_ns] | unique | .[0]' "$TMP/both.json")"

# ---- one list of result keys (model/metric_keys.h): every key analyze reads is stored by a real replay
KEYS=$(printf '#include "model/metric_keys.h"\n#define X(k, u, l, kinds) k (kinds);\nSVT_RESULT_KEYS(X)\n' |
	${CC:-cc} -E -P -I. -x c - 2>&1 | tr ';' '\n' | sed 's/\([0-9]\)u\b/\1/g; s/^ *//' | grep '^"')
check_match "the key table expands" '^"run.duration_ns" \(1\)$' "$KEYS"
check_eq "with one row per key macro" "$(grep -c '^#define \(KEY\|CFG\)_' model/metric_keys.h)" "$(printf '%s\n' "$KEYS" | wc -l)"
missing=""
while read -r key kinds; do
	key=${key//\"/}; kinds=$((kinds))
	for t in 1:metrics 2:histograms 4:series 8:run_config; do
		[ $((kinds & ${t%%:*})) -ne 0 ] || continue
		n=$(sqlite3 "$RDB" "SELECT count(*) FROM ${t#*:} WHERE key = '$key'" 2>&1)
		[ "$n" -ge 1 ] 2>/dev/null || missing="$missing ${t#*:}:$key"
	done
done <<< "$KEYS"
check_eq "every listed key is stored by the real replays" "" "$missing"
check_eq "analyze reads no key outside the list (no dotted key literals in compare/plot/report)" "" \
	"$(grep -noE '"[a-z0-9_]+\.[a-z0-9_.@]+"' analyze/compare.c analyze/plot.c analyze/report.c |
		grep -vE '\.(html|png|svg|dat|gp|md|db|csv|json)"')"
check_eq "run.duration_ns of the DSA run: first record to the last completion (longer than the trace)" "1" \
	"$(sqlite3 "$RDB" "SELECT d.value > s.value FROM metrics d JOIN metrics s USING (run_id)
		WHERE d.key = 'run.duration_ns' AND s.key = 'replay.span_ns'
		AND run_id = (SELECT id FROM runs WHERE label = 'dsa')" 2>&1)"
OUT=$("$SVATRACE" compare --db "$RDB" pinned faulting 2>&1)
check_match "compare: the time-to-finish row is there for real runs" "^run.duration_ns " "$OUT"
check_match "compare: tied durations (trace-driven) hand the headline to latency" \
	"faulting\) is [0-9.e+]+x slower than A #1 \(pinned\): xlate.latency_ns@mean" "$OUT"
check_match "report: the time-to-finish row is there for real runs" "^\| time to finish \(ms\) \| [0-9.e+]+ \|" \
	"$(cat "$TMP/rr/report.md")"
