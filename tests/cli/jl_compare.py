#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# jl_compare.py - compare two `svatrace dump` outputs field by field.
#   ordered A B   : record i of A equals record i of B; timestamps may differ
#                   by up to 1000 ns (ftrace text prints microseconds)
#   multiset A B  : the same records in any order, timestamps ignored (two
#                   captures of one window: collector vs trace.dat)
# Both: fentry:* records (no tracefs counterpart) and the task name of pid 0
# ("<idle>" in trace-cmd, "swapper/N" in the kernel) are left out. multiset
# also leaves task names out: trace-cmd names a pid by its last name (saved
# cmdlines), so events before an exec in the window carry the new name,
# while the collector reads the name at the event.
# --window START STOP (after the mode): only records with START <= ts <= STOP
# (ns), trace_marker records (ftrace:print) left out.
# Prints "N records equal" or the first differences; exit 0 when equal.
# ordered decodes only the lines whose text differs beyond the leading
# timestamp (a trace.dat and its ftrace text of 100k records: 1.8 s -> 0.5 s).
import collections, json, sys

WINDOW = None

def load(path, drop_ts):
    out = []
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            if d["event"].startswith("fentry:"):
                continue
            if WINDOW and (d["event"] == "ftrace:print" or not WINDOW[0] <= d["ts_ns"] <= WINDOW[1]):
                continue
            if d["pid"] == 0 or drop_ts:
                d.pop("comm", None)
            d.pop("hashed", None)
            if drop_ts:
                d.pop("ts_ns")
            out.append(d)
    return out

def norm(d):
    """The record as load() keeps it: no comm for pid 0, no hashed flag."""
    if d["pid"] == 0:
        d.pop("comm", None)
    d.pop("hashed", None)
    return d

def load_lines(path):
    """The raw lines of the records load() keeps (ordered mode, no window).
    Decoding 100k records costs seconds, so they are decoded only where
    the text alone cannot decide: a line that names fentry: anywhere, and
    (in main) a pair whose text differs beyond the timestamp."""
    out = []
    with open(path) as f:
        for line in f:
            if '"fentry:' in line and json.loads(line)["event"].startswith("fentry:"):
                continue
            out.append(line)
    return out

def same_but_ts(la, lb):
    """True when two dump lines differ at most in a leading "ts_ns" value,
    by up to 1000 ns: then their records are equal in load()'s sense (the
    same text after the timestamp is the same record). False means only
    "decode and compare", never "different"."""
    pre = '{"ts_ns":'
    if not (la.startswith(pre) and lb.startswith(pre)):
        return False
    ca, cb = la.find(",", len(pre)), lb.find(",", len(pre))
    if ca < 0 or cb < 0 or la[ca:] != lb[cb:]:
        return False
    try:
        return abs(int(la[len(pre):ca]) - int(lb[len(pre):cb])) <= 1000
    except ValueError:
        return False

def main():
    global WINDOW
    args = sys.argv[1:]
    mode = args.pop(0)
    if args[0] == "--window":
        WINDOW = (int(args[1]), int(args[2]))
        args = args[3:]
    a_path, b_path = args[:2]
    if mode == "ordered":
        a, b = load_lines(a_path), load_lines(b_path)
        if len(a) != len(b):
            print(f"{len(a)} records vs {len(b)}")
            return 1
        bad = 0
        for i, (la, lb) in enumerate(zip(a, b)):
            if same_but_ts(la, lb):
                continue
            x, y = norm(json.loads(la)), norm(json.loads(lb))
            if abs(x.pop("ts_ns") - y.pop("ts_ns")) > 1000 or x != y:
                bad += 1
                if bad <= 3:
                    print(f"record {i}:\n  {json.dumps(x)}\n  {json.dumps(y)}")
        if bad:
            print(f"{bad} of {len(a)} records differ")
            return 1
        print(f"{len(a)} records equal")
        return 0
    a = collections.Counter(json.dumps(d, sort_keys=True) for d in load(a_path, True))
    b = collections.Counter(json.dumps(d, sort_keys=True) for d in load(b_path, True))
    only_a, only_b = a - b, b - a
    if only_a or only_b:
        for k, v in list(only_a.items())[:3]:
            print(f"only in A ({v}x): {k}")
        for k, v in list(only_b.items())[:3]:
            print(f"only in B ({v}x): {k}")
        print(f"{sum(only_a.values())} records only in A, {sum(only_b.values())} only in B")
        return 1
    print(f"{sum(a.values())} records equal")
    return 0

sys.exit(main())
