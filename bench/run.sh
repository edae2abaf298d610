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
cmake --build "$build" -j2 --target covsim_national_bench covsim_micro_bench

rm -rf "$out"
mkdir -p "$out"
echo "== covsim on France =="
"$build/bench/covsim_national_bench" --data "$data" --out "$out" --seed "$seed" \
  --draws "$draws" --sample-sources "$sample" | tee "$out/covsim.txt"

echo "== networkx =="
"$py" "$here/peers/networkx_peer.py" "$out" | tee "$out/networkx.txt"

echo "== pgRouting =="
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/covsim-bench-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then  # initdb refuses root: the server runs as the postgres user
  chown postgres: "$pg_dir"
  as_pg=(runuser -u postgres --)
fi
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_pg() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_pg EXIT
trap 'exit 130' INT TERM
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-sync >"$out/initdb.log"
# fsync off: a scratch database for one run, nothing to keep.
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off" start >/dev/null
"${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres covsim_bench
"$py" "$here/peers/pgrouting_peer.py" "$out" --port "$port" | tee "$out/pgrouting.txt"
cp "$pg_dir/server.log" "$out/postgresql.log"
stop_pg
trap - EXIT

echo "== PuLP + CBC =="
"$py" "$here/peers/cbc_peer.py" "$out" placement_1.jsonl placement_3.jsonl | tee "$out/cbc.txt"

echo "== micro benchmarks (synthetic territory) =="
"$build/bench/covsim_micro_bench" --benchmark_min_time=0.2 | tee "$out/micro.txt"

"$py" "$here/peers/report.py" "$out" | tee "$out/report.txt"
