#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# pf_decode.py - summarise a Perfetto trace as decoded by
#   protoc --decode=perfetto.protos.Trace tests/cli/perfetto_subset.proto
# (text format, field names from Perfetto's public protos; no svatrace code).
# Checks what a viewer relies on (every event's track described before it,
# counter values only on counter tracks, slice ends matching begins per
# track, name iids defined) and prints one JSON object of counts.
import collections
import json
import re
import sys


# One protobuf text-format line: "name: value", "name {", "}", else unparsed.
# findall tokenises the whole text in C: a loop of string methods per line
# over the 880k lines of the bundled trace's --replay export took 2.5 s.
TOKEN = re.compile(r'^ *(?:([A-Za-z_]\w*)(?:(: )(.*)| \{)|(\})|(.*\S.*))$', re.M)
# Messages nothing here reads (one in three lines): checked as text, not kept.
SKIP = {'debug_annotations'}


# A debug_annotations message of scalars only (all of them, in these
# exports): dropped by one substitution in C before tokenising, which
# halves the parse; a nested one is left to the skip in parse().
FLAT_SKIP = re.compile(r'^ *debug_annotations \{\n(?: *[A-Za-z_]\w*: [^\n{}]*\n)* *\}\n', re.M)


def parse(text):
    """protobuf text format -> list of (name, value-or-list)."""
    text = FLAT_SKIP.sub('', text)
    stack = [[]]
    cur = stack[0]
    skip = 0
    for name, colon, v, close, bad in TOKEN.findall(text):
        if bad:
            raise SystemExit('unparsed line: ' + bad.strip())
        if skip:
            if close:
                skip -= 1
            elif not colon:
                skip += 1
            continue
        if colon:
            if v[:1] == '"':
                v = json.loads(v.replace("\\'", "'"))
            cur.append((name, v))
        elif name:
            if name in SKIP:
                skip = 1
                continue
            cur.append((name, None))
            cur = []
            stack.append(cur)
        else:
            stack.pop()
            if not stack:
                raise SystemExit('unbalanced braces')
            up = stack[-1]
            up[-1] = (up[-1][0], cur)
            cur = up
    if len(stack) != 1 or skip:
        raise SystemExit('unbalanced braces')
    return stack[0]


def get(msg, name):
    return [v for f, v in msg if f == name]


def one(msg, name, default=None):
    v = get(msg, name)
    return v[0] if v else default


def main():
    top = parse(sys.stdin.read())
    names, cats, tracks = {}, {}, {}
    types = collections.Counter()
    by_name = collections.Counter()
    by_cat = collections.Counter()
    depth = collections.Counter()
    sums = collections.Counter()
    last_ts = 0
    for f, pkt in top:
        if f != 'packet':
            raise SystemExit('top level holds ' + f)
        for idata in get(pkt, 'interned_data'):
            for en in get(idata, 'event_names'):
                names[int(one(en, 'iid'))] = one(en, 'name')
            for en in get(idata, 'event_categories'):
                cats[int(one(en, 'iid'))] = one(en, 'name')
        for td in get(pkt, 'track_descriptor'):
            tracks[int(one(td, 'uuid'))] = {'name': one(td, 'name'),
                                            'parent': int(one(td, 'parent_uuid', 0)),
                                            'counter': bool(get(td, 'counter'))}
        for te in get(pkt, 'track_event'):
            t = one(te, 'type')
            types[t] += 1
            tu = int(one(te, 'track_uuid', 0))
            if tu not in tracks:
                raise SystemExit('event on track %d before its descriptor' % tu)
            if (t == 'TYPE_COUNTER') != tracks[tu]['counter']:
                raise SystemExit('%s on track %s' % (t, tracks[tu]['name']))
            if t in ('TYPE_SLICE_BEGIN', 'TYPE_INSTANT'):
                iid = int(one(te, 'name_iid'))
                if iid not in names:
                    raise SystemExit('name_iid %d used before it was interned' % iid)
                by_name[names[iid]] += 1
                by_cat[cats[int(one(te, 'category_iids'))]] += 1
            if t == 'TYPE_COUNTER':
                sums[tracks[tu]['name']] += float(one(te, 'double_counter_value',
                                                      one(te, 'counter_value', 0)))
            if t == 'TYPE_SLICE_BEGIN':
                depth[tu] += 1
            if t == 'TYPE_SLICE_END':
                depth[tu] -= 1
                if depth[tu] < 0:
                    raise SystemExit('slice end without begin on ' + tracks[tu]['name'])
    roots = {u: t['name'] for u, t in tracks.items() if t['parent'] == 0}
    out = {
        'packets': len(top),
        'tracks': len(tracks),
        'tracks_under': dict(collections.Counter(roots.get(t['parent'], 'lanes')
                                                 for t in tracks.values() if t['parent'])),
        'counter_tracks': sum(t['counter'] for t in tracks.values()),
        'open_slices': sum(depth.values()),
        'types': dict(types),
        'counter_sums': dict(sums),
        'events_by_name': dict(by_name),
        'events_by_category': dict(by_cat),
        'track_names': sorted(t['name'] for t in tracks.values()),
    }
    json.dump(out, sys.stdout, sort_keys=True)
    print()


main()
