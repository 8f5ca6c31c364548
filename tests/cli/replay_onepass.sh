#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_onepass.sh - a replay reads its trace once (issue 16): a cleanly
# closed v2 trace of device accesses is read about 1x its size (the stored
# content hash names it, its header says there is nothing for the owners or
# perfmon passes), and a trace whose bytes do not give its stored hash is
# replayed and then fails loudly.
. "$(dirname "$0")/lib.sh"

T=$TMP/acc.svt
"$SVATRACE" gen random-access --set duration=20ms --set map=off -o "$T" > /dev/null
size=$(stat -c %s "$T")
if command -v strace > /dev/null; then
	ASAN_OPTIONS=detect_leaks=0 strace -e trace=openat,pread64,read -o "$TMP/st" "$SVATRACE" replay "$T" > /dev/null
	# bytes read from the trace's descriptors (every open of it, in order)
	read_bytes=$(awk -v t="$T" '
		/^openat\(/ && index($0, "\"" t "\"") { split($0, a, "= "); fd[a[2]] = 1; next }
		/^openat\(/ { split($0, a, "= "); delete fd[a[2]]; next }
		/^(pread64|read)\(/ { split($0, b, /[(,]/); if (fd[b[2]]) { n = split($0, c, "= "); s += c[n] } }
		END { print s + 0 }' "$TMP/st")
	ratio=$(awk -v r="$read_bytes" -v s="$size" 'BEGIN { printf "%.2f", r / s }')
	if awk -v r="$ratio" 'BEGIN { exit !(r >= 1.0 && r <= 1.2) }'; then
		ok "replay reads the trace once: ${ratio}x its $size bytes"
	else
		not_ok "replay reads the trace once" "read $read_bytes bytes of a $size-byte trace (${ratio}x)"
	fi
else
	ok "# SKIP strace not installed"
fi

# the stored hash (the 32 bytes before END) flipped, its chunk CRC made right
python3 - "$T" "$TMP/bad.svt" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
h = len(b) - 96                       # HASH chunk header, then 32 bytes, then END
assert struct.unpack_from('<I', b, h + 4)[0] == 8
b[h + 32] ^= 1
struct.pack_into('<I', b, h + 24, zlib.crc32(bytes(b[h + 32:h + 64])))
struct.pack_into('<I', b, h + 28, zlib.crc32(bytes(b[h:h + 28])))
open(sys.argv[2], 'wb').write(b)
PY
check_fails "a trace whose bytes do not give its stored hash fails" "$SVATRACE" replay "$TMP/bad.svt"
check_match "... and says so" "content hash mismatch" "$OUT"
check_rc "the intact trace replays" 0 "$SVATRACE" replay "$T"
echo "1..$TAP_N"
