#!/usr/bin/env bash
# The national benchmark in one command: installs what is missing (build deps, then the peers:
# networkx, PostgreSQL + PostGIS + pgRouting, PuLP + CBC), builds bench/ in Release in
# build-bench/, runs covsim on all of France, then the peers on the same graph and instances
# (pgRouting in a throw-away PostgreSQL on 127.0.0.1, stopped at the end), and prints every
# figure with PASS/MISS per target. Results: build-bench/out/ (report.md, *.json, logs).
#
#   bash bench/run.sh                  # COVSIM_DATA=/path/to/shared/data to point elsewhere
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
data=${COVSIM_DATA:-$root/../shared/data}
build=${COVSIM_BENCH_BUILD:-$root/build-bench}
seed=${COVSIM_BENCH_SEED:-7}
draws=${COVSIM_BENCH_DRAWS:-1000}
sample=${COVSIM_BENCH_SOURCES:-2000}  # sources the Dijkstra peers search (covsim: every commune)
out=$build/out
py=/usr/bin/python3  # Debian's interpreter: the apt-installed peers live there, not in a pyenv

for d in communes-2018 cog-2026; do
  [ -d "$data/$d" ] || { echo "bench: $data/$d is missing (set COVSIM_DATA)" >&2; exit 1; }
done

bash "$root/.ci/deps"
bash "$here/peers/install.sh"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOVSIM_BUILD_BENCH=ON \
  -DCOVSIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target covsim_national_bench covsim_micro_bench \
  covsim_decision_bench

rm -rf "$out"
mkdir -p "$out"
echo "== covsim on France =="
"$build/bench/covsim_national_bench" --data "$data" --out "$out" --seed "$seed" \
  --draws "$draws" --sample-sources "$sample" | tee "$out/covsim.txt"

echo "== networkx =="
"$py" "$here/peers/networkx_peer.py" "$out" | tee "$out/networkx.txt"

echo "== pgRouting =="
source "$here/peers/postgres.sh"
start_pg "$out"
"$py" "$here/peers/pgrouting_peer.py" "$out" --port "$port" | tee "$out/pgrouting.txt"
cp "$pg_dir/server.log" "$out/postgresql.log"
stop_pg

echo "== PuLP + CBC =="
"$py" "$here/peers/cbc_peer.py" "$out" placement_1.jsonl placement_3.jsonl | tee "$out/cbc.txt"

echo "== decisions: recommend --add 100 and prioritise over France, EPCI instances vs CBC =="
"$build/bench/covsim_decision_bench" --data "$data" --out "$out/decisions" --seed "$seed" \
  | tee "$out/decisions.txt"
"$py" "$here/peers/cbc_peer.py" "$out/decisions" recommend_epci.jsonl prioritise_dept.jsonl \
  | tee "$out/cbc_decisions.txt"

echo "== micro benchmarks (synthetic territory) =="
"$build/bench/covsim_micro_bench" --benchmark_min_time=0.2 | tee "$out/micro.txt"

"$py" "$here/peers/report.py" "$out" | tee "$out/report.txt"
