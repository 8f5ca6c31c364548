#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mrc.sh - `svatrace mrc`: every point of the one-pass miss-ratio curve
# equals a separate `svatrace replay` (fully associative, 8-way, direct
# mapped, 4 KiB and 2 MiB pages, two PASIDs, accesses crossing pages);
# traces whose IOTLB changes between lookups are refused by record; --plot.
. "$(dirname "$0")/lib.sh"

# 30000 accesses: a hot set, sequential runs, wide random pages; every 7th
# access crosses a page boundary, every 5th has PASID 3
awk 'BEGIN { srand(7); print "time_ns,device,pasid,iova,size,dir";
	for (i = 0; i < 30000; i++) {
		r = rand();
		if (r < 0.4) a = int(rand() * 200) * 4096 + int(rand() * 64) * 64;
		else if (r < 0.7) { s += 64; a = 4294967296 + s }
		else a = int(rand() * 65536) * 4096 + int(rand() * 64) * 64;
		size = (i % 7 == 0) ? 8192 : 64;
		pasid = (i % 5 == 0) ? 3 : "";
		printf "%d,dev0,%s,0x%x,%d,r\n", 1000 + i * 10, pasid, a, size }
}' > "$TMP/a.csv"
check_rc "import the access CSV" 0 "$SVATRACE" import --from access-csv "$TMP/a.csv" -o "$TMP/a.svt"

replay_misses() {	# ENTRIES WAYS PAGE_BYTES
	"$SVATRACE" replay "$TMP/a.svt" --set ats.enabled=off --set iotlb.entries="$1" \
		--set iotlb.ways="$2" --set pt.page_bytes="$3" --json |
		sed -n 's/^ *"iotlb.misses": \([0-9]*\),*$/\1/p'
}
mrc_misses() {	# JSON ENTRIES WAYS
	printf '%s\n' "$1" | sed -n "s/.*\"entries\": $2, \"ways\": $3, \"misses\": \([0-9]*\),.*/\1/p"
}
for page in 4096 2M; do
	check_rc "mrc --json ($page pages)" 0 "$SVATRACE" mrc "$TMP/a.svt" --entries 8,16,64,256,1024 \
		--ways full,8,1 --page-bytes "$page" --json
	J=$OUT
	for pt in "16 16" "256 256" "1024 1024" "64 8" "1024 8" "8 1" "256 1"; do
		set -- $pt
		want=$(replay_misses "$1" "$2" "$page")
		got=$(mrc_misses "$J" "$1" "$2")
		check_eq "$page pages, $1 entries, $2 ways: mrc = replay ($want)" "${want:-no replay count}" "${got:-no mrc count}"
	done
done
# the plain page index too (iotlb.set_index=page): PASID 3's sets are not rotated
check_rc "mrc --set-index page" 0 "$SVATRACE" mrc "$TMP/a.svt" --entries 64 --ways 8 --set-index page --json
want=$("$SVATRACE" replay "$TMP/a.svt" --set ats.enabled=off --set iotlb.entries=64 --set iotlb.ways=8 \
	--set iotlb.set_index=page --json | sed -n 's/^ *"iotlb.misses": \([0-9]*\),*$/\1/p')
check_eq "page index, 64 entries, 8 ways: mrc = replay ($want)" "${want:-no replay count}" \
	"$(mrc_misses "$OUT" 64 8)"
check_fails "bad --set-index" "$SVATRACE" mrc "$TMP/a.svt" --set-index xor
# a curve that means something: misses fall with size, fully associative
m16=$(mrc_misses "$J" 16 16); m1024=$(mrc_misses "$J" 1024 1024)
check_eq "misses fall from 16 to 1024 entries" 1 "$([ "$m1024" -lt "$m16" ] && echo 1)"

check_rc "text table" 0 "$SVATRACE" mrc "$TMP/a.svt" --entries 24,64 --ways 8
check_match "24 entries / 8 ways (3 sets) is said to be not computable" \
	"24 +8 +- +-  \(entries/ways not a power of two\)" "$OUT"

"$SVATRACE" gen random-access --set duration=20us -o "$TMP/maps.svt" > /dev/null 2>&1
check_fails "a trace with maps is refused" "$SVATRACE" mrc "$TMP/maps.svt"
check_match "naming the record" "record [0-9]+ is [a-z_]+: the IOTLB changes between lookups" "$OUT"
check_fails "bad --ways" "$SVATRACE" mrc "$TMP/a.svt" --ways 8,x
check_match "names the option" "--ways '8,x'" "$OUT"
check_fails "bad --page-bytes" "$SVATRACE" mrc "$TMP/a.svt" --page-bytes 8K

check_rc "--plot writes the data and the script" 0 "$SVATRACE" mrc "$TMP/a.svt" --plot "$TMP/p"
check_match "mrc.dat has the fully associative block" "^# fully associative" "$(head -1 "$TMP/p/mrc.dat")"
check_match "mrc.gp plots both curves" "index 1 with linespoints title '8-way'" "$(cat "$TMP/p/mrc.gp")"
if command -v gnuplot > /dev/null; then
	check_eq "mrc.png drawn" 1 "$([ -s "$TMP/p/mrc.png" ] && echo 1)"
fi
echo "1..$TAP_N"
