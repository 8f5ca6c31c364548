#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_engines.sh - emitted sweep jobs on the real engines from Debian:
# GNU parallel runs a 72-point job list; a single-node Slurm (slurm-wlm +
# munge, configured and started here, stopped by the pids started here)
# runs a 2100-point sweep in chunks of 50 as several arrays, because its
# MaxArraySize (21 here, to keep the run short) refuses the list as one
# array. Both merged databases must equal a local -j 2 sweep of the same
# grid; job output must be empty (lines are silent on success).
. "$(dirname "$0")/lib.sh"
BIN=$(cd "$(dirname "$SVATRACE")" && pwd)/$(basename "$SVATRACE")
# the 2100-point runs use the optimised build: the sanitizer build is
# checked by the parallel part and every other test
FAST=$PWD/${BUILD:-build}/svatrace
[ -x "$FAST" ] || FAST=$BIN
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

content() { # runs of a results DB: point key, label, every metric
	sqlite3 "$1" "SELECT r.point_key || ' ' || r.label || ' ' ||
		(SELECT group_concat(key || '=' || printf('%.17g', value), ' ') FROM
			(SELECT key, value FROM metrics WHERE run_id = r.id ORDER BY key))
		FROM runs r WHERE r.status = 0 ORDER BY r.point_key"
}

"$BIN" gen random-access --set duration=20us --set rate=1M --set footprint=64k \
	--set map=off --seed 3 -o "$TMP/t.svt" >/dev/null 2>&1 || { echo "not ok 1 - gen"; exit 0; }

# ---- GNU parallel
if command -v parallel >/dev/null; then
	G=(--scenario pinned --scenario faulting:resident=0.5 --scenario faulting
	   --grid iotlb.entries=8..1024*2 --grid walk.walkers=1,2,4 --set iotlb.ways=1)
	check_rc "local -j 2 sweep, 72 points" 0 "$BIN" sweep "$TMP/t.svt" "${G[@]}" -j 2 --db "$TMP/local72.db"
	check_rc "--emit-jobs for GNU parallel" 0 "$BIN" sweep "$TMP/t.svt" "${G[@]}" \
		--emit-jobs "$TMP/p/jobs.txt" --svatrace "$BIN"
	check_eq "... 72 lines" 72 "$(grep -c . "$TMP/p/jobs.txt")"
	(cd / && parallel --will-cite -j 2 --halt now,fail=1 --joblog "$TMP/p/joblog" \
		<"$TMP/p/jobs.txt" >"$TMP/p/out" 2>"$TMP/p/err")
	check_eq "parallel ran every line with exit 0" "72 0" \
		"$(awk 'NR > 1 {n++; if ($7 != 0) bad++} END {print n, bad + 0}' "$TMP/p/joblog")"
	check_eq "... and the jobs printed nothing" "" "$(cat "$TMP/p/out" "$TMP/p/err")"
	"$BIN" db merge "$TMP/par.db" "$TMP"/p/shards/*.db >/dev/null 2>&1
	check_eq "merged parallel shards = local sweep (keys, labels, metrics)" \
		"$(content "$TMP/local72.db")" "$(content "$TMP/par.db")"
else
	ok "# SKIP GNU parallel not installed (scripts/install-deps.sh test)"
fi

# ---- single-node Slurm
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || [ "$(id -u)" != 0 ]; then
	ok "# SKIP slurm-wlm/munge not installed, or not root"
	echo "1..$TAP_N"
	exit 0
fi
T0=$SECONDS
S=$TMP/slurm
H=$(hostname -s)
PORT=$((20000 + $$ % 20000))
mkdir -p "$S/state" "$S/spool"
head -c 1024 /dev/urandom >"$S/munge.key"
chmod 400 "$S/munge.key"
munged -F -f --key-file="$S/munge.key" --socket="$S/munge.sock" --pid-file="$S/munged.pid" \
	--log-file="$S/munged.log" --seed-file="$S/munge.seed" >"$S/munged.out" 2>&1 &
PIDS+=($!)
cat >"$S/slurm.conf" <<CONF
ClusterName=svttest
SlurmctldHost=$H
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$S/munge.sock
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SwitchType=switch/none
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
SlurmdParameters=config_overrides
MaxArraySize=21
NodeName=$H CPUs=4 State=UNKNOWN
PartitionName=svt Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$S/slurm.conf
for _ in $(seq 50); do [ -S "$S/munge.sock" ] && break; sleep 0.1; done
slurmctld -D -f "$SLURM_CONF" >"$S/ctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$S/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break; sleep 0.3; done
check_eq "single-node Slurm is up (node idle)" idle "$(sinfo -h -o %T 2>&1)"

G=(--grid iotlb.entries=1..2100 --set iotlb.ways=1)
check_rc "--emit-jobs 2100 points, --chunk 50, --max-array 21, --throttle 4" 0 \
	"$FAST" sweep "$TMP/t.svt" "${G[@]}" --emit-jobs "$TMP/s/jobs.txt" --chunk 50 \
	--max-array 21 --throttle 4 --svatrace "$FAST"
check_eq "... 42 lines" 42 "$(grep -c . "$TMP/s/jobs.txt")"
check_fails "this Slurm refuses the 42 lines as one array (MaxArraySize 21)" \
	sbatch --array=1-42 "$TMP/s/jobs.txt.sbatch"
check_match "... as the issue saw it" 'Invalid job array specification' "$OUT"
check_rc "FILE.submit: 3 arrays (20 + 20 + 2 tasks) accepted" 0 sh "$TMP/s/jobs.txt.submit"
check_eq "... three job ids" 3 "$(printf '%s\n' "$OUT" | grep -c '^[0-9][0-9]*$')"
for _ in $(seq 1200); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
check_eq "every array task has finished" "" "$(squeue -h 2>&1)"
check_eq "one Slurm output file per task (42), all empty" "42 0" \
	"$(ls "$TMP"/s/shards/slurm-*.out | wc -l) $(cat "$TMP"/s/shards/slurm-*.out | wc -c)"
check_eq "one shard per point" 2100 "$(ls "$TMP"/s/shards/point-*.db | wc -l)"
"$FAST" db merge "$TMP/slurm.db" "$TMP"/s/shards/point-*.db >/dev/null 2>&1
SLURM_S=$((SECONDS - T0))
check_rc "local -j 2 sweep of the same 2100 points" 0 "$FAST" sweep "$TMP/t.svt" "${G[@]}" -j 2 --db "$TMP/local.db"
check_eq "merged Slurm shards = local sweep (2100 runs: keys, labels, metrics)" \
	"$(content "$TMP/local.db" | md5sum)" "$(content "$TMP/slurm.db" | md5sum)"
check_eq "... 2100 runs" 2100 "$(sqlite3 "$TMP/slurm.db" 'SELECT count(*) FROM runs')"
echo "# Slurm part: daemons up, 2100 points in 42 tasks run and merged in ${SLURM_S} s"
echo "1..$TAP_N"
