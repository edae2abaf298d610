# Sourced by bench/run.sh and bench/road_run.sh: a throw-away PostgreSQL for pgRouting on
# 127.0.0.1, stopped (and its folder removed) on exit.
#
#   source bench/peers/postgres.sh; start_pg "$out"   # sets $port, creates database covsim_bench
start_pg() {
  local log_dir=$1
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_dir=$(mktemp -d /tmp/covsim-bench-pg.XXXXXX)
  as_pg=()
  if [ "$(id -u)" -eq 0 ]; then  # initdb refuses root: the server runs as the postgres user
    chown postgres: "$pg_dir"
    as_pg=(runuser -u postgres --)
  fi
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  trap stop_pg EXIT
  trap 'exit 130' INT TERM
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-sync >"$log_dir/initdb.log"
  # fsync off: a scratch database for one run, nothing to keep.
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off" start >/dev/null
  "${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres covsim_bench
}

stop_pg() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
  trap - EXIT
}
