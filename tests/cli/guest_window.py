#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# guest_window.py - per-event counts of a guest run over the compared window,
# the span between the guest's "svt-window-start" and "svt-window-stop"
# trace_marker writes (scripts/qemu-vtd.sh): the collector runs a little
# longer than tracefs records, and an event in those gaps is seen by one
# side only.
#   guest_window.py window DAT.jl            -> "START_NS STOP_NS" (markers' ns,
#                                               from a dump of the trace.dat import)
#   guest_window.py counts DIR COL.jl START STOP
#       -> one line per event of DIR/events.txt: "EVENT TRACEFS COLLECTOR"
#   TRACEFS is counted from DIR/tracefs.txt itself (lines between the two
#   marker lines; scatterlist events by array entries, one record each in
#   svatrace); COLLECTOR from a dump of the collector's file, ts in the window.
#   guest_window.py summary DIR SUM.jl
#       -> the same lines, COLLECTOR from a `collect --summary` file: the nr of
#          its svatrace:summary records in the intervals after the cut at the
#          svt-window-start marker, up to and including the one ending at the
#          cut at svt-window-stop (svatrace:summary_cut records, same writes
#          as tracefs's marker lines); first a line "# cuts START STOP N"
#          (N: intervals summed)
import collections, json, re, sys

def window(dat_jl):
    start = stop = None
    with open(dat_jl) as f:
        for line in f:
            d = json.loads(line)
            if d["event"] != "ftrace:print":
                continue
            if "svt-window-start" in d.get("text", ""):
                start = d["ts_ns"]
            elif "svt-window-stop" in d.get("text", ""):
                stop = d["ts_ns"]
    if start is None or stop is None:
        sys.exit("no svt-window markers in " + dat_jl)
    print(start, stop)

ARRAY = {"dma_map_sg": "dma_addrs", "dma_sync_sg_for_cpu": "dma_addrs",
         "dma_sync_sg_for_device": "dma_addrs", "dma_unmap_sg": "phys_addrs"}
EVENT = re.compile(r"\s\d+\.\d+:\s+([a-z0-9_]+):\s(.*)$")

def tracefs_counts(d):
    want, inside = collections.Counter(), False
    with open(d + "/tracefs.txt", errors="replace") as f:
        for line in f:
            if "svt-window-start" in line:
                inside = True
                continue
            if "svt-window-stop" in line:
                break
            m = EVENT.search(line)
            if not inside or not m:
                continue
            name, text = m.groups()
            if name in ARRAY:
                a = re.search(ARRAY[name] + r"=\{([^}]*)\}", text)
                want[name] += len([x for x in a.group(1).split(",") if x]) if a else 0
            else:
                want[name] += 1
    return want

def counts(d, col_jl, start, stop):
    events = [l.strip() for l in open(d + "/events.txt") if l.strip()]
    want, got = tracefs_counts(d), collections.Counter()
    with open(col_jl) as f:
        for line in f:
            r = json.loads(line)
            if start <= r["ts_ns"] <= stop:
                got[r["event"]] += 1
    for ev in events:
        print(ev, want[ev.split(":", 1)[1]], got[ev])

def summary(d, sum_jl):
    events = [l.strip() for l in open(d + "/events.txt") if l.strip()]
    want, got = tracefs_counts(d), collections.Counter()
    recs = [json.loads(l) for l in open(sum_jl)]
    cut = {}
    for r in recs:
        if r["event"] == "svatrace:summary_cut":
            cut[r["text"]] = r["ts_ns"]
    start, stop = cut.get("marker=svt-window-start"), cut.get("marker=svt-window-stop")
    if start is None or stop is None:
        sys.exit("no summary cuts at the svt-window markers in " + sum_jl)
    ends = set()
    for r in recs:
        if r["event"] == "svatrace:summary" and start < r["ts_ns"] <= stop:
            m = re.match(r"probe=(\S+) .* nr=(\d+) ", r["text"])
            got[m.group(1)] += int(m.group(2))
            ends.add(r["ts_ns"])
    print("# cuts", start, stop, len(ends))
    for ev in events:
        print(ev, want[ev.split(":", 1)[1]], got[ev])

if sys.argv[1] == "window":
    window(sys.argv[2])
elif sys.argv[1] == "summary":
    summary(sys.argv[2], sys.argv[3])
else:
    counts(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
