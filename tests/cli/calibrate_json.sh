#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# calibrate_json.sh - `svatrace calibrate ... --json` (issue #18: --json on
# every command that prints data): each subcommand's JSON is parsed with
# Python's json module (an independent parser) and its values are compared
# with the same run's text output, row by row: the curves side by side, the
# errors, the fitted values, the throughput table and the default's values.
. "$(dirname "$0")/lib.sh"
D=data/pcie-bench
N=nfp6000-1.2GHz
IB=$D/${N}_ib-Xeon-E5-2620v2_dell-t620
SNB=$D/${N}_snb-Xeon-E5-2630_dell-t620
PLAIN=${BUILD:-build}/svatrace
[ -x "$PLAIN" ] || PLAIN=$SVATRACE

# compare TEXT_FILE JSON_FILE KIND: python3 prints "ok: ..." or "bad: ..." lines
compare() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read().splitlines()
try:
    j = json.load(open(sys.argv[2]))
except ValueError as e:
    print("bad: not JSON: %s" % e); sys.exit(0)
kind = sys.argv[3]
bad = []
def near(a, b, tol):
    return a is not None and abs(a - b) <= tol
def unit_bytes(s):
    m = re.match(r"([0-9.]+)(KiB|MiB)$", s)
    return int(float(m.group(1)) * (1024 if m.group(2) == "KiB" else 1048576))
if kind in ("fit", "check"):
    rows = [l.split() for l in text if re.match(r"\s+[0-9.]+(KiB|MiB)\s", l)]
    if len(rows) != len(j["windows"]) or not rows:
        bad.append("rows: text %d, json %d" % (len(rows), len(j["windows"])))
    for r, w in zip(rows, j["windows"]):
        if unit_bytes(r[0]) != w["window_bytes"]:
            bad.append("window %s vs %d" % (r[0], w["window_bytes"]))
        for col, key in ((1, "baseline_inc_ns"), (2, "measured_inc_ns"), (3, "predicted_inc_ns")):
            if not near(w[key], float(r[col]), 0.051):
                bad.append("%s %s: text %s json %r" % (r[0], key, r[col], w[key]))
        if not near(w["error_pct"], float(r[4].rstrip("%")), 0.051):
            bad.append("%s error: text %s json %r" % (r[0], r[4], w["error_pct"]))
    m = re.search(r"largest error: ([0-9.]+)% of the ([0-9]+) ns", "\n".join(text))
    if not m or not near(j["largest_error_pct"], float(m.group(1)), 0.051) \
       or not near(j["plateau_ns"], float(m.group(2)), 0.51):
        bad.append("largest error / plateau: text %s json %r %r" % (m and m.groups(), j["largest_error_pct"], j["plateau_ns"]))
    if kind == "fit":
        m = re.search(r"fitted: iotlb.entries=(\d+).* pwc.l2_entries=(\d+).* walk.fixed_ns=(\d+).* mem.read_ns=(\d+).* mem.remote_extra_ns=(\d+)", "\n".join(text))
        f = j["fitted"]
        got = (f["iotlb.entries"], f["pwc.l2_entries"], f["walk.fixed_ns"], f["mem.read_ns"], f["mem.remote_extra_ns"])
        if not m or tuple(int(x) for x in m.groups()) != got:
            bad.append("fitted: text %s json %s" % (m and m.groups(), got))
elif kind == "tput":
    rows = [l.split() for l in text if re.match(r"\s+\d+\s+[0-9.]", l)]
    if len(rows) != len(j["windows"]) or not rows:
        bad.append("rows: text %d, json %d" % (len(rows), len(j["windows"])))
    for r, w in zip(rows, j["windows"]):
        if int(r[0]) != w["window_bytes"]:
            bad.append("window %s" % r[0])
        for col, key, tol in ((1, "iommu_off_gbps", 0.0051), (2, "measured_gbps", 0.0051),
                              (3, "predicted_gbps", 0.0051), (5, "cap_gbps", 0.0051), (6, "data_ns", 0.051)):
            if not near(w[key], float(r[col]), tol):
                bad.append("%s %s: text %s json %r" % (r[0], key, r[col], w[key]))
        if not near(w["error_pct"], float(r[4].rstrip("%")), 0.051):
            bad.append("%s error" % r[0])
    m = re.search(r"device: outstanding=(\d+) .*walk.walkers=(\d+)", "\n".join(text))
    if not m or (int(m.group(1)), int(m.group(2))) != (j["device"]["outstanding"], j["device"]["walk.walkers"]):
        bad.append("device: text %s json %s" % (m and m.groups(), j["device"]))
    m = re.search(r"largest error: ([0-9.]+)%", "\n".join(text))
    if not m or not near(j["largest_error_pct"], float(m.group(1)), 0.051):
        bad.append("largest error")
    m = re.search(r"walk.leaf_serial=(on|off)\n", "\n".join(text) + "\n")
    if not m or (m.group(1) == "on") != j["device"]["walk.leaf_serial"]:
        bad.append("leaf_serial: text %s json %s" % (m and m.group(1), j["device"]["walk.leaf_serial"]))
    st = re.findall(r"structure: walk.leaf_serial=(on|off): walk.walkers=(\d+), rms ([0-9.]+) Gb/s, "
                    r"largest error ([0-9.]+)% at (\d+) bytes", "\n".join(text))
    if len(st) != 2 or len(j["structures"]) != 2:
        bad.append("structures: text %d json %d" % (len(st), len(j["structures"])))
    for t, s in zip(st, j["structures"]):
        if ((t[0] == "on") != s["walk.leaf_serial"] or int(t[1]) != s["walk.walkers"]
                or not near(s["rms_gbps"], float(t[2]), 0.0051)
                or not near(s["largest_error_pct"], float(t[3]), 0.051)
                or int(t[4]) != s["largest_error_window_bytes"]):
            bad.append("structure %s: text %s json %s" % (t[0], t, s))
    chosen = [s for s in j["structures"] if s["walk.leaf_serial"] == j["device"]["walk.leaf_serial"]]
    if len(chosen) != 1 or min(s["rms_gbps"] for s in j["structures"]) != chosen[0]["rms_gbps"]:
        bad.append("the chosen structure has not the smaller least squares")
elif kind == "default":
    vals = {}
    sec = None
    for l in text:
        if l.startswith("["):
            sec = l.strip("[]")
        elif "=" in l and not l.startswith(";"):
            k, v = (x.strip() for x in l.split("=", 1))
            vals["%s.%s" % (sec, k)] = int(v)
    if vals != j["values"]:
        bad.append("values: text %s json %s" % (vals, j["values"]))
    if len(j["from"]) != 3:
        bad.append("from: %s" % j["from"])
print("\n".join("bad: " + b for b in bad) if bad else "ok: %s" % kind)
EOF
}
# check_json DESC KIND CMD...: run CMD as text and with --json, compare
check_json() {
	local desc=$1 kind=$2 r; shift 2
	"$@" >"$TMP/t.txt" 2>&1
	"$@" --json >"$TMP/t.json" 2>"$TMP/t.err"
	r=$(compare "$TMP/t.txt" "$TMP/t.json" "$kind")
	if [ "$r" = "ok: $kind" ]; then ok "$desc"; else not_ok "$desc" "$r" "$(head -c 600 "$TMP/t.json")"; fi
}

check_json "calibrate pcie-bench --json equals the text (snb)" fit \
	"$SVATRACE" calibrate pcie-bench $SNB-iommu -o "$TMP/snb.ini"
check_eq "the JSON names the written profile" "$TMP/snb.ini" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profile"])' "$TMP/t.json")"
check_eq "a lower bound says so" "True True" \
	"$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["fitted"]; print(f["pwc.l2_entries_lower_bound"], not f["mem.read_ns_identified"])' "$TMP/t.json")"
check_json "calibrate check --json equals the text (ib remote super pages, built baseline)" check \
	"$PLAIN" calibrate check ib-e5-2620v2-remote $IB-s0-s1-s1-iommu
check_eq "the built baseline names both IOMMU-off runs" "built $IB-s0-s0-s0 $IB-s0-s1-s1" \
	"$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["baseline"]; print(b["kind"], b["cache_misses_from"], b["remote_dram_from"])' "$TMP/t.json")"
check_json "calibrate check --json equals the text (snb, run baseline)" check \
	"$PLAIN" calibrate check snb-e5-2630 $SNB-iommu
check_json "calibrate throughput --json equals the text (ib remote)" tput \
	"$PLAIN" calibrate throughput ib-e5-2620v2-remote $IB-s0-s1-s1-iommu-nosp
check_json "calibrate throughput --json equals the text (snb: walk.leaf_serial chosen)" tput \
	"$PLAIN" calibrate throughput snb-e5-2630 $SNB-iommu
check_json "calibrate default --json equals the ini it prints" default \
	"$SVATRACE" calibrate default bdw-e5-2630v4-local ib-e5-2620v2-local snb-e5-2630

# --json before the subcommand reaches it
"$PLAIN" --json calibrate check snb-e5-2630 $SNB-iommu >"$TMP/g.json" 2>&1
"$PLAIN" calibrate check snb-e5-2630 $SNB-iommu --json >"$TMP/a.json" 2>&1
check_eq "svatrace --json calibrate check = calibrate check --json" "$(cat "$TMP/a.json")" "$(cat "$TMP/g.json")"
# errors stay on stderr with a non-zero exit; stdout has no half object
check_fails "--json with a missing profile fails" "$SVATRACE" calibrate check nosuchprofile $SNB-iommu --json
"$SVATRACE" calibrate check nosuchprofile $SNB-iommu --json >"$TMP/e.out" 2>/dev/null
check_eq "... and prints nothing on stdout" "" "$(cat "$TMP/e.out")"
echo "1..$TAP_N"
