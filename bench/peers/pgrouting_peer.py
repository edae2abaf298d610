#!/usr/bin/python3
"""pgRouting peer: pgr_drivingDistance from the sampled sources on covsim's exported graph, in a
PostgreSQL that bench/run.sh started on loopback. One call per cut-off with every source in its
array (pgRouting then reads its edges and builds its graph once), results stored server-side so
the time excludes the transfer to Python; checked against covsim's rows. Extrapolated to every
commune as fixed + marginal x communes, the fixed part (edges read, graph built) measured by a
call from a single source, so a larger batch is not charged that cost again.

    /usr/bin/python3 bench/peers/pgrouting_peer.py build-bench/out --port 54329
"""
import argparse
import os
import sys
import time

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import compare, covsim_measures, fmt, read_rows, write_json  # noqa: E402

# pgRouting ignores vertex id 0 in a list of roots: every id is shifted by one in the database.
SHIFT = 1


def driving_distance(cur, sources, cutoff):
    """Wall seconds of one pgr_drivingDistance call from `sources`, kept in table dd."""
    roots = ",".join(str(s + SHIFT) for s in sources)
    cur.execute("DROP TABLE IF EXISTS dd")
    t0 = time.perf_counter()
    cur.execute("CREATE TABLE dd AS SELECT from_v, node, agg_cost FROM pgr_drivingDistance("
                "'SELECT id, source, target, cost FROM edges', "
                f"ARRAY[{roots}]::bigint[], {cutoff}, directed => true)")
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="directory written by covsim_national_bench")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", default="postgres")
    ap.add_argument("--dbname", default="covsim_bench")
    ap.add_argument("--cutoffs", type=int, nargs="+", default=[30, 45])
    ap.add_argument("--sources", type=int, default=0, help="first N sampled sources (0: all)")
    args = ap.parse_args()
    communes = covsim_measures(args.out)["communes"]
    # Written by the road benchmark: compare only vertices that communes sit on.
    targets = None
    targets_file = os.path.join(args.out, "target_vertices.csv")
    if os.path.exists(targets_file):
        with open(targets_file) as f:
            targets = {int(line) for line in f.read().split()[1:]}

    conn = psycopg2.connect(host=args.host, port=args.port, user=args.user, dbname=args.dbname)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS pgrouting CASCADE")
    cur.execute("SELECT pgr_version()")
    version = cur.fetchone()[0]
    t0 = time.perf_counter()
    cur.execute("DROP TABLE IF EXISTS edges")
    cur.execute("CREATE TABLE edges (id bigserial PRIMARY KEY, source bigint, target bigint, "
                "cost double precision)")
    with open(os.path.join(args.out, "edges.csv")) as f:
        cur.copy_expert("COPY edges (source, target, cost) FROM STDIN WITH (FORMAT csv, HEADER)", f)
    cur.execute(f"UPDATE edges SET source = source + {SHIFT}, target = target + {SHIFT}")
    cur.execute("ANALYZE edges")
    load_s = time.perf_counter() - t0
    cur.execute("SELECT count(*) FROM edges")
    edges = cur.fetchone()[0]
    result = {"peer": f"pgRouting {version}", "graph_load_s": load_s, "edges": edges,
              "cutoffs": {}}
    print(f"pgRouting {version}: {edges} edges loaded in {load_s:.2f} s")

    for cutoff in args.cutoffs:
        rows = read_rows(os.path.join(args.out, f"covsim_rows_{cutoff}.csv"))
        sources = sorted(rows)
        if args.sources > 0:
            sources = sources[:args.sources]
        fixed = min(driving_distance(cur, sources[:1], cutoff) for _ in range(3))
        wall = driving_distance(cur, sources, cutoff)
        marginal = max(0.0, wall - fixed) / len(sources)
        cur.execute("SELECT from_v, node, agg_cost FROM dd")
        found = {s: {} for s in sources}
        for from_v, node, cost in cur.fetchall():
            found[from_v - SHIFT][node - SHIFT] = cost
        # A root without edges (an isolated commune) is not in pgRouting's graph: it reaches
        # itself at 0 minutes, as covsim and networkx say.
        for s in sources:
            found[s].setdefault(s, 0.0)
        # On a road graph covsim's rows hold the vertices communes sit on, not every junction.
        if targets is not None:
            found = {s: {v: m for v, m in f.items() if v in targets} for s, f in found.items()}
        check = compare(rows, found, cutoff)
        entry = {"sources": len(sources), "wall_s": wall, "fixed_s": fixed,
                 "per_source_ms": 1e3 * marginal,
                 "extrapolated_all_sources_s": fixed + marginal * communes, **check}
        result["cutoffs"][str(cutoff)] = entry
        print(f"  {cutoff} min: {len(sources)} sources in one call, {wall:.2f} s wall "
              f"(fixed {fixed:.3f} s + {entry['per_source_ms']:.3f} ms each); all {int(communes)} sources "
              f"EXTRAPOLATED: {entry['extrapolated_all_sources_s']:.1f} s; "
              f"max |diff| vs covsim {fmt(check['max_abs_diff_min'])} min, "
              f"only covsim {check['only_covsim']}, only pgRouting {check['only_peer']}, "
              f"at the cut-off {check['at_cutoff_boundary']}")
    cur.execute("DROP TABLE IF EXISTS dd")
    conn.close()
    write_json(os.path.join(args.out, "pgrouting.json"), result)


if __name__ == "__main__":
    main()
