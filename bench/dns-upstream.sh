# shellcheck shell=bash
# Shared by the bench/dns*.sh scripts (sourced): their common start (tools, temp dir, clean-up), a free loopback port,
# and the benchmarks' upstream — unbound serving the zone "bench." from local-data (h1..hN.allowed.bench), refusing
# everything else, on loopback only.

# bench_start PREFIX TOOL… — fails unless every TOOL is installed and $UT1 exists; makes the temp dir $work
# (/tmp/PREFIX.XXXXXX) and the array pids, and on exit kills and waits for every pid in it and removes $work
# (KEEP=1 keeps it).
bench_start() {
  local prefix=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "error: '$tool' is not installed" >&2; exit 1; }
  done
  [ -d "$UT1" ] || { echo "error: UT1 lists not found at $UT1 (set UT1=…)" >&2; exit 1; }
  work="$(mktemp -d "/tmp/$prefix.XXXXXX")"
  pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}

# free_port — a TCP and UDP port nobody listens on, in 20000–49999.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! ss -Hlnu "sport = :$port" | grep -q . && ! ss -Hlnt "sport = :$port" | grep -q .; then echo "$port"; return; fi
  done
}

# start_bench_upstream WORKDIR NAMES — writes WORKDIR/upstream.conf, starts unbound in the foreground as a background
# job (its pid in $! for the caller's clean-up) and sets up_port.
start_bench_upstream() {
  local work=$1 names=$2 i
  up_port=$(free_port)
  {
    cat <<CONF
server:
  interface: 127.0.0.1
  port: $up_port
  do-daemonize: no
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: ""
  use-syslog: no
  verbosity: 0
  num-threads: 1
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  local-zone: "." refuse
  local-zone: "bench." static
  local-data: "bench. 3600 IN SOA ns.bench. hostmaster.bench. 1 3600 600 86400 3600"
CONF
    for i in $(seq 1 "$names"); do
      echo "  local-data: \"h$i.allowed.bench. 3600 IN A 198.18.$((i / 250)).$((i % 250 + 1))\""
    done
    printf 'remote-control:\n  control-enable: no\n'
  } > "$work/upstream.conf"
  unbound -d -c "$work/upstream.conf" > "$work/upstream.log" 2>&1 &
}
