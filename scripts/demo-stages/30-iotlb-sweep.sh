# stage: sweep: IOTLB size x page size on random 64-byte device reads over 64 MiB
# SPDX-License-Identifier: GPL-2.0
# The published shape (Neugebauer et al., SIGCOMM'18): with 4 KiB pages the
# translation cost rises once the footprint exceeds the IOTLB reach; 2 MiB
# pages remove it.
set -euo pipefail
DB=$OUT/results.db
T=$OUT/random-access.svt
"$SVT" gen random-access --set duration=20ms --set footprint=64m --seed 7 -o "$T"
if "$SVT" help 2>/dev/null | grep -q '^  sweep '; then
	"$SVT" sweep "$T" --grid iotlb.entries=16,64,256,1024,4096 --grid pt.page_bytes=4096,2M \
		-j 2 --db "$DB"
else
	for e in 16 64 256 1024 4096; do
		for p in 4096 2M; do
			"$SVT" -q replay "$T" --label "iotlb $e x $p" --set iotlb.entries="$e" \
				--set pt.page_bytes="$p" --db "$DB" > /dev/null
		done
	done
fi
echo "stored the IOTLB sweep in $DB"
