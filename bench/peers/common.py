"""Shared by the peers: covsim's sampled travel-table rows, the comparison of a peer's minutes
with them, and JSON output. Vertex ids are those of bench/peer_export.hpp."""
import csv
import json
import math
import os
from collections import defaultdict


def read_rows(path):
    """covsim rows: {source vertex: {vertex: minutes}}."""
    rows = defaultdict(dict)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows[int(r["source"])][int(r["target"])] = float(r["minutes"])
    return dict(rows)


def compare(covsim, peer, cutoff):
    """Max abs difference of minutes both found, and vertices only one of them found. covsim
    sums float minutes, the peers double ones: a vertex within `boundary` of the cut-off may
    fall on either side, so those are counted apart from real disagreements."""
    boundary = 1e-3
    diff = 0.0
    shared = only_covsim = only_peer = at_boundary = 0
    for s, theirs in peer.items():
        ours = covsim[s]
        for v, m in theirs.items():
            if v in ours:
                shared += 1
                diff = max(diff, abs(ours[v] - m))
            elif abs(m - cutoff) <= boundary:
                at_boundary += 1
            else:
                only_peer += 1
        for v, m in ours.items():
            if v not in theirs:
                if abs(m - cutoff) <= boundary:
                    at_boundary += 1
                else:
                    only_covsim += 1
    return {"sources": len(peer), "entries_compared": shared, "max_abs_diff_min": diff,
            "only_covsim": only_covsim, "only_peer": only_peer, "at_cutoff_boundary": at_boundary}


def covsim_measures(out_dir):
    with open(os.path.join(out_dir, "covsim.json")) as f:
        return json.load(f)["measures"]


def write_json(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, allow_nan=True)
        f.write("\n")
    os.replace(tmp, path)


def fmt(x, digits=3):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}g}"
