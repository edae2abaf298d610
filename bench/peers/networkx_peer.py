#!/usr/bin/python3
"""networkx peer: single_source_dijkstra_path_length with a cut-off from each sampled source on
covsim's exported graph (edges.csv), timed, checked against covsim's rows, and extrapolated to
every commune as a source (clearly labelled: per-source time x communes).

    /usr/bin/python3 bench/peers/networkx_peer.py build-bench/out --cutoffs 30 45
"""
import argparse
import csv
import os
import sys
import time

import networkx as nx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import compare, covsim_measures, fmt, read_rows, write_json  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="directory written by covsim_national_bench")
    ap.add_argument("--cutoffs", type=int, nargs="+", default=[30, 45])
    ap.add_argument("--sources", type=int, default=0, help="first N sampled sources (0: all)")
    args = ap.parse_args()
    measures = covsim_measures(args.out)
    communes = measures["communes"]

    t0 = time.perf_counter()
    g = nx.DiGraph()
    g.add_nodes_from(range(int(measures["graph_vertices"])))  # isolated communes have no edge
    with open(os.path.join(args.out, "edges.csv"), newline="") as f:
        g.add_weighted_edges_from(
            ((int(r["source"]), int(r["target"]), float(r["minutes"])) for r in csv.DictReader(f)),
            weight="minutes")
    load_s = time.perf_counter() - t0
    result = {"peer": f"networkx {nx.__version__}", "graph_load_s": load_s,
              "vertices": g.number_of_nodes(), "edges": g.number_of_edges(), "cutoffs": {}}
    print(f"networkx {nx.__version__}: graph of {g.number_of_nodes()} vertices, "
          f"{g.number_of_edges()} edges read in {load_s:.2f} s")

    for cutoff in args.cutoffs:
        rows = read_rows(os.path.join(args.out, f"covsim_rows_{cutoff}.csv"))
        sources = sorted(rows)
        if args.sources > 0:
            sources = sources[:args.sources]
        w0, c0 = time.perf_counter(), time.process_time()
        found = {s: nx.single_source_dijkstra_path_length(g, s, cutoff=cutoff, weight="minutes")
                 for s in sources}
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        check = compare(rows, found, cutoff)
        entry = {"sources": len(sources), "wall_s": wall, "cpu_s": cpu,
                 "per_source_ms": 1e3 * wall / len(sources),
                 "extrapolated_all_sources_s": wall / len(sources) * communes,
                 "extrapolated_all_sources_cpu_s": cpu / len(sources) * communes, **check}
        result["cutoffs"][str(cutoff)] = entry
        print(f"  {cutoff} min: {len(sources)} sources in {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({entry['per_source_ms']:.3f} ms each); all {int(communes)} sources "
              f"EXTRAPOLATED: {entry['extrapolated_all_sources_s']:.1f} s; "
              f"max |diff| vs covsim {fmt(check['max_abs_diff_min'])} min, "
              f"only covsim {check['only_covsim']}, only networkx {check['only_peer']}, "
              f"at the cut-off {check['at_cutoff_boundary']}")
    write_json(os.path.join(args.out, "networkx.json"), result)


if __name__ == "__main__":
    main()
