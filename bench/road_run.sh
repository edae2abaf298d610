#!/usr/bin/env bash
# Road networks in one command: builds bench/ in Release, generates the national OpenStreetMap
# extract (covsim_osm_gen, kept in build-bench/osm/ for the next run) and cuts a department
# from it with osmium-tool (the Nièvre's bounding box), runs covsim_road_bench (import, cached
# reload, settled nodes/s, the national 45-min table), then pgRouting's pgr_drivingDistance on
# the very same graph from a seeded sample of communes, in a throw-away PostgreSQL on
# 127.0.0.1, and compares the minutes. Results: build-bench/road/ (covsim.json, pgrouting.json).
#
#   bash bench/road_run.sh             # COVSIM_DATA=/path/to/shared/data to point elsewhere
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
data=${COVSIM_DATA:-$root/../shared/data}
build=${COVSIM_BENCH_BUILD:-$root/build-bench}
spacing=${COVSIM_OSM_SPACING_KM:-1}
sample=${COVSIM_BENCH_SOURCES:-200}
out=$build/road
osm=$build/osm
py=/usr/bin/python3

bash "$root/.ci/deps"
bash "$here/peers/install.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOVSIM_BUILD_BENCH=ON \
  -DCOVSIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target covsim_osm_gen covsim_road_bench

mkdir -p "$osm"
national=$osm/france-$spacing.osm.pbf
[ -f "$national" ] || "$build/bench/covsim_osm_gen" --out "$national" --spacing-km "$spacing"
department=$osm/nievre-$spacing.osm.pbf
[ -f "$department" ] || osmium extract -b 2.84,46.65,4.23,47.59 "$national" -o "$department"

rm -rf "$out"
mkdir -p "$out"
"$build/bench/covsim_road_bench" --data "$data" --national "$national" \
  --department "$department" --department-layer communes-2018/58-nievre.geojson \
  --sample-sources "$sample" --out "$out" | tee "$out/covsim.txt"

source "$here/peers/postgres.sh"
start_pg "$out"
"$py" "$here/peers/pgrouting_peer.py" "$out" --port "$port" --cutoffs 45 | tee "$out/pgrouting.txt"
stop_pg
