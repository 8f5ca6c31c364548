#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report.sh - `svatrace report` groups runs into studies and compares each only
# within itself; its first section states each study's finding with its cause;
# it says what is measured and what is modelled; values a run cannot have are
# n/a; and the self-contained HTML passes headless Chromium (every image loads,
# no horizontal overflow at 1280 px, every table has a caption).
. "$(dirname "$0")/lib.sh"
DB=$TMP/ex.db
"$SVATRACE" db example "$DB" >/dev/null

check_rc "report on all runs" 0 "$SVATRACE" report --db "$DB" -o "$TMP/r" \
	--question "Does SVA cost more than pinned DMA?"
check_match "names the files, the studies and the plots" "report: .*/report.html \(22 runs in 3 studies, 7 plots\)" "$OUT"
H=$TMP/r/report.html
check_match "html has the question" "<h1>Does SVA cost more than pinned DMA\?</h1>" "$(cat "$H")"
check_eq "the first section is the findings" '<h2 id="findings">Findings</h2>' "$(grep -m1 -o '<h2[^>]*>[^<]*</h2>' "$H")"
# the example's closed forms (analyze/example.c): 2 MiB misses = 51200/E of 102400 (<= 1% from 64),
# 4 KiB at 256 entries = 3200/102400 = 3.125%; DWQ peaks at 4 M/s (56% of SWQ's 7.2 M/s);
# SWQ 1 client 0.9 M/s = 12.5%; faulting mean = (14400*250 + 1088*600 + 512*20000)/16000 = 905.8 ns
F=$(sed -n '/<h2 id="findings">/,/<h2 id="provenance">/p' "$H")
check_match "finding: page size x IOTLB size, from the data" "2 MiB pages remove IOTLB misses from 64 entries up; 4 KiB pages still miss 3% at 256 entries" "$F"
check_match "... with its cause (reach against the footprint)" "IOTLB reach 64 x 2 MiB = 128 MiB covers the 64 MiB footprint" "$F"
check_match "finding: pinned vs faulting" "faulting: translation 3.18x slower than pinned \(mean 906 ns vs 285 ns\)" "$F"
check_match "finding: DWQ vs SWQ" "a dedicated WQ reaches at most 55% \(with 4 clients\); a shared WQ needs 8 clients for 100% \(1 reaches 12%\)" "$F"
check_eq "three findings, one per study" "3" "$(printf '%s\n' "$F" | grep -c '<li><a href="#study-')"
check_match "what is measured: the trace's host snapshot" "host.hostname: example-host" "$(cat "$H")"
check_match "what is modelled: the generated inputs say so" "random-access: measured: nothing" "$(cat "$H")"
check_match "inputs per run: calibrated / cited / estimated" "<th>calibrated</th><th>cited</th><th>estimated</th>" "$(cat "$H")"
check_match "html has the metrics table of a small study" "<td>IOTLB miss rate \(%\)</td>" "$(cat "$H")"
check_match "a cost the run has no events for is n/a, not 0 (pinned: no faults)" \
	'^\| CPU: fault service \(ms\) \| n/a \| 6.4 \|' "$(cat "$TMP/r/report.md")"
check_match "a study of more than 8 runs is a sweep table (one row per run)" \
	"<caption>dsa-memcpy: 10 runs, one per row" "$(cat "$H")"
check_eq "no run is compared with a run of another study" "" \
	"$(grep -oE '\((dwq|swq|iotlb)[^)]*\) is [^<]* than A #1[12] \((pinned|faulting)\)' "$H")"
check_eq "seven embedded images" "7" "$(grep -o 'src="data:image/png;base64,' "$H" | wc -l)"
check_eq "every table has a caption" "$(grep -c '<table>' "$H")" "$(grep -c '<caption>' "$H")"
check_match "markdown references images relatively, in the study's folder" '!\[.*\]\(example/latency-cdf.png\)' "$(cat "$TMP/r/report.md")"
check_eq "one copy of each output: the plots live in the study folders only" "" "$(ls "$TMP/r"/*.png "$TMP/r"/*.dat 2>/dev/null)"
check_eq "no gnuplot log left (they are kept only for warnings)" "" "$(find "$TMP/r" -name '*.gnuplot.log')"
check_match "the profile is on every plot" "study example · profile built-in defaults" "$(cat "$TMP/r/example/cpu-cost.gp")"

# The reports below check text only (warnings, verdicts, baselines): they skip
# gnuplot (--no-render; ~0.2 s of CPU each), whose every plot of these three
# studies the first report above drew and Chromium checks below.
# the trace's host CPU against the machine the profile describes ("; machine:" in the profile)
check_match "a profile without a machine says so" "Profile built-in defaults names no machine, so the trace's host CPU Example CPU @ 2.0GHz cannot be checked" "$(cat "$H")"
cp "$DB" "$TMP/bdw.db"
sqlite3 "$TMP/bdw.db" "UPDATE runs SET profile = 'data/profiles/bdw-e5-2630v4-local.ini' WHERE label IN ('pinned', 'faulting')"
check_rc "report on runs made with a Broadwell profile" 0 "$SVATRACE" report --db "$TMP/bdw.db" --study example --no-render -o "$TMP/bdw"
check_match "warns: the trace's host is not the profile's machine" \
	"Warning: the trace was taken on Example CPU @ 2.0GHz, but profile bdw-e5-2630v4-local describes Intel Xeon E5-2630 v4" \
	"$(cat "$TMP/bdw/report.html")"
sqlite3 "$TMP/bdw.db" "UPDATE runs SET trace_meta = replace(trace_meta, 'Example CPU @ 2.0GHz', 'Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz')"
check_rc "... and on the same runs traced on that machine" 0 "$SVATRACE" report --db "$TMP/bdw.db" --study example --no-render -o "$TMP/bdw2"
check_match "no warning, it says they match" "host CPU matches the machine profile bdw-e5-2630v4-local describes" "$(cat "$TMP/bdw2/report.html")"

check_rc "report pinned vs faulting" 0 "$SVATRACE" report --db "$DB" --runs pinned,faulting --no-render -o "$TMP/pf"
check_match "verdict line" "faulting\) is 1.22x slower than A #11 \(pinned\)" "$(cat "$TMP/pf/report.html")"
check_match "why line" "why: pri.requests 0 -&gt; 512" "$(cat "$TMP/pf/report.html")"

check_rc "--study picks one study" 0 "$SVATRACE" report --db "$DB" --study dsa-memcpy --baseline 'swq 1 clients' --no-render -o "$TMP/one"
check_match "... of its 10 runs" "\(10 runs in 1 study," "$OUT"
check_match "--baseline names the study's baseline" "Baseline: #18 swq 1 clients" "$(cat "$TMP/one/report.html")"
check_fails "an unknown study is an error" "$SVATRACE" report --db "$DB" --study nosuch -o "$TMP/x"
check_match "... that lists the studies" "no study named 'nosuch'; the studies are: random-access example dsa-memcpy" "$OUT"
check_fails "an unknown baseline is an error" "$SVATRACE" report --db "$DB" --baseline nosuch -o "$TMP/x"
check_match "... naming it" "--baseline nosuch: no such run" "$OUT"

# Render in headless Chromium at 1280 px: a copy of the page with a script that
# records, after load, how many <img> loaded with a real size, whether the page
# is wider than the window, and how many tables lack a caption; then, as the
# negative control, adds a table without a caption and a 2000 px wide element
# to the same page and measures again with the same function (one browser
# start, ~1 s of CPU, checks both: the control used to be a second page and
# a second start).
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	not_ok "chromium is installed (scripts/install-deps.sh browser)"
	exit 0
fi
JS='<script>
function svtMeasure(pre) {
	var im = document.images, n = 0, t = document.getElementsByTagName("table"), nc = 0, b = document.body;
	var w = document.documentElement.scrollWidth;
	for (var i = 0; i < im.length; i++) if (im[i].complete && im[i].naturalWidth > 0) n++;
	for (var j = 0; j < t.length; j++) if (!t[j].caption || !t[j].caption.textContent.trim()) nc++;
	b.setAttribute("data-" + pre + "imgcheck", n + "/" + im.length);
	b.setAttribute("data-" + pre + "overflow", w > window.innerWidth ? "wider:" + w + ">" + window.innerWidth : "none");
	b.setAttribute("data-" + pre + "nocaption", nc);
}
window.addEventListener("load", function () {
	svtMeasure("");
	var d = document.createElement("div");
	d.innerHTML = "<table><tr><td>x</td></tr></table><div style=\"width:2000px\">wide</div>";
	document.body.appendChild(d);
	svtMeasure("bad-");
});
</script>'
JS=$(printf '%s' "$JS" | tr '\n' ' ' | sed 's/[&|\\]/\\&/g')
sed "s|</body>|$JS</body>|" "$H" > "$TMP/r/report.check.html"
DOM=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--window-size=1280,900 --user-data-dir="$TMP/chrome-profile" --virtual-time-budget=10000 \
	--dump-dom "file://$TMP/r/report.check.html" 2>"$TMP/chrome.log")
check_match "chromium: every image loaded (7/7)" 'data-imgcheck="7/7"' "$DOM"
check_match "chromium: no horizontal overflow at 1280 px" 'data-overflow="none"' "$DOM"
check_match "chromium: every table has a caption" 'data-nocaption="0"' "$DOM"
check_match "chromium: page rendered the tables" "Key metrics" "$DOM"
# the check can fail: the same page with a table without a caption and a 2000 px wide element
check_match "chromium check sees a missing caption" 'data-bad-nocaption="1"' "$DOM"
check_match "chromium check sees an overflow" 'data-bad-overflow="wider:' "$DOM"
