# bench/lib/influxd.sh — sourced by the benchmarks that need their own influxd (bench/influx.sh, bench/history.sh).
#
#   source "$ROOT/bench/lib/influxd.sh"
#   bench_work history          # WORK: a temporary folder removed on exit, with the influxd (PID) stopped first
#   build_bench "$ROOT/bench/ClassroomGuard.X.Benchmarks"   # BENCH: the command that runs it (Release)
#   start_influxd "$WORK"       # sets PID and URL (http://127.0.0.1:PORT)
#
# The influxd keeps everything under $WORK (meta, data, wal), listens on free loopback ports only, runs no continuous
# queries (a benchmark runs what it measures itself), and logs to $WORK/influxd.log. INFLUXD overrides the binary.

INFLUXD=${INFLUXD:-/usr/bin/influxd}

# Makes WORK (/tmp/cg-bench-$1.XXXXXX) and a trap that stops the influxd (PID, once started) and removes WORK on exit.
bench_work() {
  WORK=$(mktemp -d "/tmp/cg-bench-$1.XXXXXX")
  PID=""
  trap 'if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
}

# Builds the benchmark project $1 in Release (its log shown only on failure) and sets BENCH to the command that runs it.
build_bench() {
  local project=$1 name
  name=$(basename "$project")
  echo "building (Release)..."
  dotnet build -c Release -v q -nologo "$project" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; return 1; }
  BENCH="dotnet $project/bin/Release/net10.0/$name.dll"
}

# A TCP port nobody listens on (loopback), from 20000-59999.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    if ! ss -Hltn "sport = :$port" | grep -q .; then echo "$port"; return; fi
  done
}

# Writes $1/influxd.conf, starts influxd in the background and waits up to 30 s for /ping. Sets PID and URL.
start_influxd() {
  local work=$1 http_port rpc_port
  [[ -x $INFLUXD ]] || { echo "influxd not found at $INFLUXD: apt-get install influxdb" >&2; return 1; }
  http_port=$(free_port)
  rpc_port=$(free_port)
  while [[ $rpc_port == "$http_port" ]]; do rpc_port=$(free_port); done
  URL="http://127.0.0.1:$http_port"
  cat > "$work/influxd.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc_port"
[meta]
  dir = "$work/meta"
  logging-enabled = false
[data]
  dir = "$work/data"
  wal-dir = "$work/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[http]
  bind-address = "127.0.0.1:$http_port"
  log-enabled = false
  pprof-enabled = false
[logging]
  level = "warn"
  suppress-logo = true
CONF
  "$INFLUXD" -config "$work/influxd.conf" > "$work/influxd.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "$URL/ping"; then break; fi
    kill -0 "$PID" 2>/dev/null || { cat "$work/influxd.log" >&2; return 1; }
    sleep 0.1
  done
  curl -fs -o /dev/null "$URL/ping" || { echo "influxd did not start" >&2; cat "$work/influxd.log" >&2; return 1; }
  echo "influxd $(curl -s -D - -o /dev/null "$URL/ping" | tr -d '\r' | awk -F': ' '/X-Influxdb-Version/{print $2}') on $URL (pid $PID)"
}
