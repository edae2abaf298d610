#!/usr/bin/env bash
# Installs the peers the benchmark measures covsim against, only those that are missing (Debian 12
# names; pgRouting ships as postgresql-15-pgrouting, found with `apt-cache search pgrouting`).
set -euo pipefail
packages=(
  python3-networkx          # Dijkstra with a cut-off, the Python reference
  postgresql postgis postgresql-15-pgrouting   # pgr_drivingDistance
  python3-psycopg2          # the pgRouting peer talks to the server from Python
  python3-pulp coinor-cbc   # exact max-cover optimum (MILP) per EPCI
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bench: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi
