#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report.sh - `svatrace report` writes a self-contained HTML page whose every
# image loads in headless Chromium, and a Markdown twin.
. "$(dirname "$0")/lib.sh"
DB=$TMP/ex.db
"$SVATRACE" db example "$DB" >/dev/null

check_rc "report on all runs" 0 "$SVATRACE" report --db "$DB" -o "$TMP/r" \
	--question "Does SVA cost more than pinned DMA?"
check_match "names the files" "report: .*/report.html \(22 runs, 5 plots\)" "$OUT"
H=$TMP/r/report.html
check_match "html has the question" "<h1>Does SVA cost more than pinned DMA\?</h1>" "$(cat "$H")"
check_match "html names the host" "host.hostname: example-host" "$(cat "$H")"
check_match "html has the metrics table" "<td>IOTLB miss rate \(%\)</td>" "$(cat "$H")"
check_eq "five embedded images" "5" "$(grep -o 'src="data:image/png;base64,' "$H" | wc -l)"
check_match "markdown references images relatively" '!\[.*\]\(latency-cdf.png\)' "$(cat "$TMP/r/report.md")"

check_rc "report pinned vs faulting" 0 "$SVATRACE" report --db "$DB" --runs pinned,faulting -o "$TMP/pf"
check_match "verdict line" "faulting\) is 1.22x slower than A #11 \(pinned\)" "$(cat "$TMP/pf/report.html")"
check_match "why line" "why: pri.requests 0 -&gt; 512" "$(cat "$TMP/pf/report.html")"

# Render in headless Chromium: a copy of the page with a script that records,
# after load, how many <img> loaded with a real size.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	not_ok "chromium is installed (scripts/install-deps.sh browser)"
	exit 0
fi
sed 's|</body>|<script>window.addEventListener("load", function () { var im = document.images, n = 0; for (var i = 0; i < im.length; i++) if (im[i].complete \&\& im[i].naturalWidth > 0) n++; document.body.setAttribute("data-imgcheck", n + "/" + im.length); });</script></body>|' \
	"$H" > "$TMP/r/check.html"
DOM=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$TMP/chrome-profile" --virtual-time-budget=10000 \
	--dump-dom "file://$TMP/r/check.html" 2>"$TMP/chrome.log")
check_match "chromium: every image loaded (5/5)" 'data-imgcheck="5/5"' "$DOM"
check_match "chromium: page rendered the tables" "Key metrics" "$DOM"
