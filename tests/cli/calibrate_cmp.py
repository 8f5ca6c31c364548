#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# calibrate_cmp.py - for tests/cli/calibrate.sh and calibrate_json.sh (issue
# #18: --json on every command that prints data): parse `svatrace calibrate
# ... --json` with Python's json module (an independent parser) and compare
# its values with the same command's text output, row by row: the curves side
# by side, the errors, the fitted values (and the throughput fit's, when the
# run has a bw file), the throughput table and the default's values.
#
# usage: calibrate_cmp.py KIND TEXT_FILE JSON_FILE [KIND TEXT_FILE JSON_FILE]...
# KIND: fit, check, tput or default. One line per triple, in order: "ok: KIND"
# or "bad: " and what differs (one process for all: each python3 start costs
# about 0.1 s of CPU here).
import json, re, sys


def near(a, b, tol):
    return a is not None and abs(a - b) <= tol


def unit_bytes(s):
    m = re.match(r"([0-9.]+)(KiB|MiB)$", s)
    return int(float(m.group(1)) * (1024 if m.group(2) == "KiB" else 1048576))


def compare(text_path, json_path, kind):
    text = open(text_path).read().splitlines()
    try:
        j = json.load(open(json_path))
    except ValueError as e:
        return ["not JSON: %s" % e]
    bad = []
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
            # the throughput fit, when the run has a bw file: in both or in neither
            m = re.search(r"^fitted on (\S+): walk.walkers=(\d+) walk.leaf_serial=(on|off) "
                          r"\(largest error ([0-9.]+)%", "\n".join(text), re.M)
            ft = j.get("fitted_throughput")
            if bool(m) != bool(ft):
                bad.append("fitted_throughput: text %s json %s" % (m and m.groups(), ft))
            elif m and (m.group(1) != ft["bw_file"] or int(m.group(2)) != ft["walk.walkers"]
                        or (m.group(3) == "on") != ft["walk.leaf_serial"]
                        or not near(ft["largest_error_pct"], float(m.group(4)), 0.051)):
                bad.append("fitted_throughput: text %s json %s" % (m.groups(), ft))
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
    return bad


def main(args):
    if not args or len(args) % 3:
        sys.exit("usage: calibrate_cmp.py KIND TEXT_FILE JSON_FILE...")
    for k in range(0, len(args), 3):
        kind, text_path, json_path = args[k:k + 3]
        try:
            bad = compare(text_path, json_path, kind)
        except (KeyError, TypeError, AttributeError, IndexError, OSError) as e:
            bad = ["%s: %r" % (type(e).__name__, e)]
        print(" | ".join("bad: " + b for b in bad) if bad else "ok: %s" % kind)


main(sys.argv[1:])
