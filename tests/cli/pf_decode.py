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


def parse(lines):
    """protobuf text format -> list of (name, value-or-list).

    String methods, not a regex per line: the bundled trace decodes to
    770k lines, and this loop was most of export.sh's time.
    """
    stack = [[]]
    cur = stack[0]
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if s == '}':
            done = stack.pop()
            cur = stack[-1]
            cur[-1] = (cur[-1][0], done)
            continue
        if s.endswith(' {'):
            name = s[:-2]
            if not name.isidentifier():
                raise SystemExit('unparsed line: ' + s)
            cur.append((name, None))
            cur = []
            stack.append(cur)
            continue
        name, sep, v = s.partition(': ')
        if not sep or not name.isidentifier():
            raise SystemExit('unparsed line: ' + s)
        if v.startswith('"'):
            v = json.loads(v.replace("\\'", "'"))
        cur.append((name, v))
    if len(stack) != 1:
        raise SystemExit('unbalanced braces')
    return stack[0]


def get(msg, name):
    return [v for f, v in msg if f == name]


def one(msg, name, default=None):
    v = get(msg, name)
    return v[0] if v else default


def main():
    top = parse(sys.stdin)
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
