# shellcheck shell=bash
# Shared by bench/dns.sh and bench/dns-highbytes.sh (sourced): a free loopback port, and the benchmarks' upstream —
# unbound serving the zone "bench." from local-data (h1..hN.allowed.bench), refusing everything else, on loopback only.

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
