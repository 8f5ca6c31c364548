#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - run every libFuzzer target (FUZZ_TARGETS) for FUZZ_SECONDS each
# with a per-input time limit (FUZZ_TIMEOUT s: the hang detector) and a
# memory limit, seeded from the bundled trace and profiles (seeds are made
# here, never stored). FUZZ_PARALLEL targets run at once. Findings land in
# $BUILD/fuzz/artifacts/TARGET/ (crash-*, timeout-*, oom-*); the summary
# gives per target the inputs run and the crashes, hangs and OOMs found, and
# the exit status is non-zero if any target found something.
set -uo pipefail
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_PARALLEL=${FUZZ_PARALLEL:-1}
FUZZ_TARGETS=${FUZZ_TARGETS:-reader profile scenario ftrace-text access-csv trace-dat pcm-iio unpack}
F=$BUILD/fuzz
SEEDS=$F/seeds

make_seeds() {
	local t=$1 d=$F/corpus/$1
	mkdir -p "$d" "$SEEDS"
	[ -n "$(ls -A "$d")" ] && return
	[ -f "$SEEDS/seed.txt" ] || zcat -f data/traces/qemu-vtd-6.1-trace.txt.gz | head -300 > "$SEEDS/seed.txt"
	case $t in
	reader)
		"$BUILD/svatrace" -q import --from ftrace-text "$SEEDS/seed.txt" -o "$d/seed.svt"
		head -c 300 "$d/seed.svt" > "$d/seed-short.svt"
		head -c 2000 "$d/seed.svt" > "$d/seed-torn.svt"
		"$BUILD/svatrace" -q gen random-access --set duration=20us -o "$d/gen.svt" || true
		;;
	ftrace-text)
		head -60 "$SEEDS/seed.txt" > "$d/plain.txt"
		gzip -c "$d/plain.txt" > "$d/plain.txt.gz"
		zcat -f data/traces/qemu-vtd-6.1-trace.txt.gz | grep -v ' map: ' | head -40 > "$d/other.txt"
		;;
	access-csv)
		printf 'time_ns,device,pasid,iova,size,dir\n1000,nic0,,0x1000,64,r\n2000,nic0,5,0x2000,8192,w\n# c\n3000,dsa0,,0xfffff000,4096,r\n' > "$d/a.csv"
		;;
	trace-dat)
		# no trace.dat is bundled: the guest tests cache real ones; cut
		# to 200 events (the header, formats and symbols stay: ~1 MB).
		# Without them only a magic-shaped start, which stays shallow.
		printf '\027\bDtracing6\0\0\0\0\0\0\0' > "$d/magic.dat"
		for g in "${CACHE:-/var/cache/svatrace}"/guest-run*/trace.dat; do
			[ -s "$g" ] || continue
			if command -v trace-cmd > /dev/null &&
				(cd "$d" && trace-cmd split -i "$g" -o "$(basename "$(dirname "$g")").dat" -e 200 > /dev/null 2>&1); then
				:
			else
				cp "$g" "$d/$(basename "$(dirname "$g")").dat"
			fi
		done
		;;
	pcm-iio) # pcm-iio -csv layout (src/pcm-iio-pmu.cpp); values made up
		h='Date,Time,Socket,Name,Part,IB write,IB read,OB read,OB write,IOTLB Lookup,IOTLB Miss,Ctxt Cache Hit,4K Cache Hit'
		printf '%s\n2025-03-01,12:00:00.250,Socket0,IIO Stack 1 - PCIe0,Part0 (1st x16),1,2,3,4,500,12,499,9\n2025-03-01,12:00:00.250,Socket0,IIO Stack 1 - PCIe0,Part1 (2nd x4),0,0,0,0\n%s\n' "$h" "$h" > "$d/a.csv"
		;;
	profile)
		cp data/profiles/*.ini "$d/"
		;;
	unpack) # the v2 record decoder (mk/fuzzpack.mk): starts from nothing
		: > "$d/empty"
		;;
	scenario)
		for s in pinned faulting 'faulting:resident=0.5:reclaim=1000' dwq swq pagesize=2m \
			inval=lazy ats=off tenants=4 'pinned,inval=lazy,pagesize=1g'; do
			printf '%s\n\001\0\0\0\0\0\0\0\0\020\0\0\0\0\0\0\0\040\0\0\0\0\0\0' "$s" > "$d/$(echo "$s" | tr -c 'a-z0-9' _)"
		done
		;;
	esac
}

run_one() {
	local t=$1 art=$F/artifacts/$1 log=$F/$1.log
	mkdir -p "$art"
	local max_len=65536 tmo=$FUZZ_TIMEOUT
	# a trace.dat header is ~1 MB; libtraceevent parses it in ~2 s of CPU
	# under ASan (5 s wall on a loaded machine), unmutated: not a hang
	if [ "$t" = trace-dat ]; then
		max_len=$((2 << 20))
		[ "$tmo" -lt 60 ] && tmo=60
	fi
	nice "$F/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout="$tmo" -rss_limit_mb=2048 \
		-max_len=$max_len -print_final_stats=1 -artifact_prefix="$art/" "$F/corpus/$t" > "$log" 2>&1
}

for t in $FUZZ_TARGETS; do
	[ -x "$F/fuzz_$t" ] || { echo "fuzz: $F/fuzz_$t missing (make fuzz-build)" >&2; exit 2; }
	make_seeds "$t"
done
stamp=$F/.run-start
: > "$stamp" # findings are counted from this run only (older ones stay)
echo "fuzzing ${FUZZ_TARGETS// /, } for ${FUZZ_SECONDS}s each (per-input limit ${FUZZ_TIMEOUT}s)"
running=0
for t in $FUZZ_TARGETS; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$FUZZ_PARALLEL" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
bad=0
printf '%-12s %10s %8s %6s %5s %s\n' TARGET INPUTS CRASHES HANGS OOMS CORPUS
for t in $FUZZ_TARGETS; do
	art=$F/artifacts/$t
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$F/$t.log" | tail -1)
	c=$(find "$art" -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' \) | wc -l)
	h=$(find "$art" -newer "$stamp" -name 'timeout-*' | wc -l)
	o=$(find "$art" -newer "$stamp" -name 'oom-*' | wc -l)
	printf '%-12s %10s %8s %6s %5s %s\n' "$t" "${runs:-?}" "$c" "$h" "$o" "$(ls "$F/corpus/$t" | wc -l)"
	[ $((c + h + o)) -eq 0 ] && [ -n "$runs" ] || bad=1
done
[ "$bad" = 0 ] && echo "fuzz: clean" || echo "fuzz: findings in $F/artifacts/ (logs: $F/TARGET.log)"
exit "$bad"
