#!/usr/bin/python3
"""The benchmark's verdict: covsim's stages, the peers beside covsim on the same graph and
instances, and PASS/MISS for every target with the margin, from the JSON files the driver and
the peers wrote. Prints plain text and writes the same tables as Markdown (report.md).

    /usr/bin/python3 bench/peers/report.py build-bench/out
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import fmt  # noqa: E402


def load(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def table(header, rows):
    """Markdown table; the text output prints the same lines."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def verdict(value, limit, unit, less=True):
    """PASS/MISS and by how much, for `value` against `limit` (less: smaller is better)."""
    if value is None:
        return "n/a", "not measured"
    ok = value < limit if less else value >= limit
    if less:
        margin = (f"{fmt(limit - value)} {unit} under ({fmt(100 * (1 - value / limit), 2)}% headroom)"
                  if ok else f"misses by {fmt(value - limit)} {unit} ({fmt(value / limit)}x the target)")
    else:
        margin = (f"{fmt(value / limit)}x the required" if ok
                  else f"misses: {fmt(value)} is {fmt(100 * (1 - value / limit), 2)}% short")
    return ("PASS" if ok else "MISS"), margin


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    args = ap.parse_args()
    cov = load(args.out, "covsim.json")
    if cov is None:
        sys.exit(f"report: {args.out}/covsim.json is missing; run covsim_national_bench first")
    m = cov["measures"]
    nx, pg, cbc = (load(args.out, n) for n in ("networkx.json", "pgrouting.json", "cbc.json"))
    md = []

    def emit(title, text):
        print(f"\n== {title} ==\n{text}")
        md.append(f"### {title}\n\n{text}\n")

    threads = int(m["threads"])
    # The 1-minute load average lags: judge by the busier end, against the cores we use.
    busy = max(float(m["load_average_start"]), float(m["load_average_end"])) > threads + 0.5
    caveat = ("other work shared the cores, so wall times are inflated; CPU times are not"
              if busy else "no sign of other work competing for the cores")
    emit("Machine", f"{threads} threads; load average {m['load_average_start']} at the start and "
         f"{m['load_average_end']} at the end ({caveat}). Peak memory "
         f"{fmt(m['peak_rss_mib'], 4)} MiB (getrusage maxrss). Seed {int(m['seed'])}.")

    rows = [[s["name"], f"{s['seconds']:.3f}", f"{s['cpu_seconds']:.3f}",
             f"{s['peak_rss_mib']:.0f}"] for s in cov["stages"]]
    emit("covsim stages", table(["stage", "wall s", "CPU s", "peak RSS MiB"], rows))

    # Bounded searches: covsim measured on every source, peers on a sample, extrapolated.
    rows, ratios = [], {}
    for cutoff in ("30", "45"):
        cw, cc = m.get(f"tables_{cutoff}_s"), m.get(f"tables_{cutoff}_cpu_s")
        n = int(m["communes"])
        rows.append([f"covsim build_travel_table, {cutoff} min", n, f"{cw:.2f}", f"{cc:.2f}",
                     "measured, every source", "1", "1", "-"])
        best = None
        for peer in (nx, pg):
            if peer is None or cutoff not in peer["cutoffs"]:
                continue
            e = peer["cutoffs"][cutoff]
            ext = e["extrapolated_all_sources_s"]
            ext_cpu = e.get("extrapolated_all_sources_cpu_s")
            best = ext if best is None else min(best, ext)
            agree = (f"max abs diff {fmt(e['max_abs_diff_min'])} min over "
                     f"{e['entries_compared']} entries; only covsim {e['only_covsim']}, only "
                     f"peer {e['only_peer']}, at the cut-off {e['at_cutoff_boundary']}")
            rows.append([f"{peer['peer']}, {cutoff} min", n, f"{ext:.1f}",
                         fmt(ext_cpu) if ext_cpu is not None else "(server)",
                         f"EXTRAPOLATED from {e['sources']} sources ({e['wall_s']:.2f} s)",
                         f"{ext / cw:.1f}",
                         f"{ext_cpu / cc:.1f}" if ext_cpu is not None else "-", agree])
        ratios[cutoff] = best / cw if best is not None else None
    emit("Bounded travel tables: covsim and peers on the same graph",
         table(["engine", "sources", "wall s", "CPU s", "how", "covsim faster (wall)",
                "covsim faster (CPU)", "agreement with covsim"], rows))

    rows, worst = [], None
    if cbc is not None:
        for name, e in cbc["sets"].items():
            worst = e["worst_gap"] if worst is None else max(worst, e["worst_gap"])
            rows.append([name, e["instances"], e["proven_by_bound"], e["cbc_solved"],
                         e["cbc_not_optimal"], f"{e['covsim_seconds']:.2f}",
                         f"{e['cbc_seconds']:.1f}", f"{100 * e['worst_gap']:.3f}% ({e['worst_group']})",
                         f"{100 * e['total_gap']:.4f}%", len(e["covsim_report_mismatches"])])
        emit("Placement (max cover at 20 min, every EPCI) against the CBC optimum",
             table(["instances file", "EPCIs", "optimal by bound", "solved by CBC",
                    "CBC not optimal", "covsim s", "CBC s", "worst gap", "gap over all",
                    "covsim figures wrong"], rows))

    draws = int(m["sweep_draws"])
    targets = [
        ("France loaded + repaired + adjacency < 5 s", m.get("load_adjacency_s"), 5, "s", True,
         f"CPU {fmt(m.get('load_adjacency_cpu_s'))} s"),
        ("second run: France from the territory cache <= 0.3 s", m.get("cached_load_s"), 0.3,
         "s", True,
         f"uncached load + adjacency {fmt(m.get('load_adjacency_s'))} s: "
         f"{fmt(m['load_adjacency_s'] / m['cached_load_s']) if m.get('cached_load_s') else 'n/a'}x"),
        ("bounded tables, all candidates, 30 min < 10 s", m.get("tables_30_s"), 10, "s", True,
         f"CPU {fmt(m.get('tables_30_cpu_s'))} s"),
        ("bounded tables, all candidates, 45 min < 10 s", m.get("tables_45_s"), 10, "s", True,
         f"CPU {fmt(m.get('tables_45_cpu_s'))} s"),
        ("tables >= 5x faster than the faster peer, 30 min", ratios.get("30"), 5, "x", False,
         "wall ratio, peers extrapolated"),
        ("tables >= 5x faster than the faster peer, 45 min", ratios.get("45"), 5, "x", False,
         "wall ratio, peers extrapolated"),
        ("one renewal draw over France < 5 ms (draw + coverage + summary, 1 thread)",
         m.get("draw_ms"), 5, "ms", True,
         f"CPU {fmt(m.get('draw_cpu_ms'))} ms; draw_renewal alone {fmt(m.get('draw_only_ms'))} ms"),
        (f"{draws} draws < {10 * draws / 1000:g} s (1,000 draws < 10 s)", m.get("sweep_s"),
         10 * draws / 1000, "s", True, f"CPU {fmt(m.get('sweep_cpu_s'))} s"),
        ("placement within 1% of the CBC optimum (worst EPCI)",
         None if worst is None else 100 * worst, 1, "%", True, "every EPCI, both site counts"),
    ]
    rows = []
    for name, value, limit, unit, less, context in targets:
        status, margin = verdict(value, limit, unit, less)
        rows.append([name, "n/a" if value is None else fmt(value, 4) + " " + unit, status, margin,
                     context])
    emit("Targets", table(["target", "measured (wall)", "verdict", "margin", "context"], rows))

    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()
