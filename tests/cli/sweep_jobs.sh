#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_jobs.sh - `svatrace sweep --emit-jobs`: the job lines run with plain
# bash (as GNU parallel or a Slurm array task would run them) write one shard
# per point; `svatrace db merge` of the shards equals the direct sweep (point
# keys, metric values, histogram totals), a point run twice merges once, and
# the Slurm script picks line SLURM_ARRAY_TASK_ID.
. "$(dirname "$0")/lib.sh"

T=$TMP/ra.svt
"$SVATRACE" gen random-access --set duration=2ms --set rate=10M --set footprint=4m \
	--set map=off --seed 9 -o "$T" >/dev/null 2>&1 || { echo "not ok 1 - gen"; exit 0; }
ARGS=(--scenario pinned --scenario faulting:resident=0.5 --grid iotlb.entries=32,128
	--grid walk.walkers=1,4 --set ats.enabled=on --seed 7)
NPTS=8

content() {
	sqlite3 "$1" "SELECT r.point_key || ' ' || r.scenario || ' ' || r.label || ' ' ||
		(SELECT group_concat(key || '=' || printf('%.17g', value), ' ') FROM
			(SELECT key, value FROM metrics WHERE run_id = r.id ORDER BY key)) || ' ' ||
		(SELECT IFNULL(group_concat(key || ':' || nr || ':' || sum, ' '), '') FROM
			(SELECT key, nr, sum FROM histograms WHERE run_id = r.id ORDER BY key))
		FROM runs r WHERE r.status = 0 ORDER BY r.point_key"
}

check_rc "direct sweep" 0 "$SVATRACE" sweep "$T" "${ARGS[@]}" -j 2 --db "$TMP/direct.db"
DIRECT=$(content "$TMP/direct.db")
check_eq "direct sweep stored $NPTS points" "$NPTS" "$(printf '%s\n' "$DIRECT" | grep -c .)"

mkdir -p "$TMP/cluster"
check_rc "--emit-jobs" 0 "$SVATRACE" sweep "$T" "${ARGS[@]}" --emit-jobs "$TMP/cluster/jobs.txt" --svatrace "$SVATRACE"
check_eq "one job line per point" "$NPTS" "$(grep -c . "$TMP/cluster/jobs.txt")"
check_match "job lines write shards next to the job file" "--db $TMP/cluster/shards/point-0.db" \
	"$(head -1 "$TMP/cluster/jobs.txt")"
check_match "Slurm script is an array of $NPTS" "#SBATCH --array=1-$NPTS" "$(cat "$TMP/cluster/jobs.txt.sbatch")"
check_eq "FILE.submit: one sbatch of the whole array" "1" "$(grep -c '^sbatch .*--array=1-8 ' "$TMP/cluster/jobs.txt.submit")"

# chunks, MaxArraySize and throttle; the default program is svatrace from PATH
check_rc "--chunk 3 --max-array 3 --throttle 2" 0 "$SVATRACE" sweep "$T" "${ARGS[@]}" \
	--emit-jobs "$TMP/ch/jobs.txt" --chunk 3 --max-array 3 --throttle 2
check_eq "... 8 points in 3 lines" 3 "$(grep -c . "$TMP/ch/jobs.txt")"
check_match "... a line runs its points in a subshell that exits 1 if one failed" \
	'^\(rc=0; svatrace -q replay .*point-0.db >/dev/null \|\| rc=1; svatrace .*point-1.db .*point-2.db >/dev/null \|\| rc=1; exit \$rc\)$' \
	"$(head -1 "$TMP/ch/jobs.txt")"
check_eq "... arrays of at most MaxArraySize-1 = 2 tasks, offsets 0 and 2, throttle %2" \
	"--array=1-2%2 SVATRACE_JOB_OFFSET=0 --array=1-1%2 SVATRACE_JOB_OFFSET=2" \
	"$(sed -n 's/^sbatch --parsable \(--array=[^ ]*\) --export=ALL,\(SVATRACE_JOB_OFFSET=[0-9]*\) .*/\1 \2/p' "$TMP/ch/jobs.txt.submit" | tr '\n' ' ' | sed 's/ $//')"
check_match "... the script's own array fits" "#SBATCH --array=1-2%2" "$(cat "$TMP/ch/jobs.txt.sbatch")"
# a point that fails (a stand-in svatrace that fails point-1): its line fails, point-2 still runs
printf '#!/bin/sh\ncase "$*" in *point-1.db*) exit 1 ;; esac\necho "$*" >>"%s/ran"\n' "$TMP" >"$TMP/fake.sh"
chmod +x "$TMP/fake.sh"
"$SVATRACE" sweep "$T" "${ARGS[@]}" --emit-jobs "$TMP/f/jobs.txt" --chunk 3 --svatrace "$TMP/fake.sh" >/dev/null 2>&1
check_rc "a failing point makes its line exit 1" 1 bash -c "$(sed -n 1p "$TMP/f/jobs.txt")"
check_eq "... after running the line's other points" "point-0.db point-2.db" \
	"$(grep -o 'point-[0-9]*\.db' "$TMP/ran" | tr '\n' ' ' | sed 's/ $//')"
check_fails "--chunk 0 is refused" "$SVATRACE" sweep "$T" "${ARGS[@]}" --emit-jobs "$TMP/x.txt" --chunk 0
check_match "... naming the option" "--chunk '0'" "$OUT"

# run from another directory, as a remote shell would
(cd / && bash "$TMP/cluster/jobs.txt") >"$TMP/jobs.out" 2>&1
check_eq "job lines run with plain bash" "0" "$?"
check_eq "... and print nothing on success (the run is in the shard)" "" "$(cat "$TMP/jobs.out")"
check_eq "one shard per point" "$NPTS" "$(ls "$TMP"/cluster/shards/point-*.db | wc -l)"
# task 3 again through the Slurm script: same point, same shard, a second copy
SLURM_ARRAY_TASK_ID=3 bash "$TMP/cluster/jobs.txt.sbatch" >/dev/null 2>&1
check_eq "Slurm task 3 ran line 3 into shard point-2" "2" \
	"$(sqlite3 "$TMP/cluster/shards/point-2.db" "SELECT COUNT(*) FROM runs")"

check_rc "db merge of the shards" 0 "$SVATRACE" db merge "$TMP/merged.db" "$TMP"/cluster/shards/point-*.db
check_eq "merged: one run per point (the repeated point once)" "$NPTS" \
	"$(sqlite3 "$TMP/merged.db" "SELECT COUNT(*) FROM runs")"
check_eq "merged shards = direct sweep (keys, labels, metrics, histograms)" "$DIRECT" \
	"$(content "$TMP/merged.db")"
check_rc "merging again is idempotent" 0 "$SVATRACE" db merge "$TMP/merged.db" "$TMP"/cluster/shards/point-*.db
check_eq "... still $NPTS runs" "$NPTS" "$(sqlite3 "$TMP/merged.db" "SELECT COUNT(*) FROM runs")"

# a sweep against the merged DB has nothing left to do; --emit-jobs emits only missing points
check_rc "sweep over the merged DB" 0 "$SVATRACE" sweep "$T" "${ARGS[@]}" --db "$TMP/merged.db" --json
check_match "... runs nothing" '"ran": 0' "$OUT"
sqlite3 "$TMP/merged.db" "DELETE FROM runs WHERE label LIKE 'pinned iotlb.entries=32 %'"
check_rc "--emit-jobs with --db" 0 "$SVATRACE" sweep "$T" "${ARGS[@]}" --db "$TMP/merged.db" \
	--emit-jobs "$TMP/rest.txt" --shards "$TMP/rest" --svatrace "$SVATRACE"
check_eq "... emits only the 2 missing points" "2" "$(grep -c . "$TMP/rest.txt")"
check_match "... to --shards" "--db $TMP/rest/point-0.db" "$(head -1 "$TMP/rest.txt")"
