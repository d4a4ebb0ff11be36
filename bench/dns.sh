#!/usr/bin/env bash
# bench/dns.sh — our DNS filter side by side with unbound and dnsmasq, in the same run (issue #3).
#
# All three are loaded with the same UT1 block set (the folders our default mapping blocks, from
# ../shared/data/ut1), forward to the same local upstream (a separate unbound serving a synthetic zone of
# allowed names from local-data), and are measured with dnsperf on the same shuffled 50/50 mix of blocked and
# allowed names, warm cache (one warm-up pass first), same duration and client concurrency. Blocked names are
# answered NXDOMAIN by all three. Everything runs on loopback; nothing leaves the machine.
#
# For each peer: qps (dnsperf "Queries per second"), ready_s (process start → first NXDOMAIN for a blocked name,
# polled with dig every 10 ms; for us that means the lists are loaded and the policy is in force), rss_mb (VmRSS
# after the run). The last three lines printed are:
#   dnsfilter qps=N ready_s=X rss_mb=Y
#   unbound qps=N ready_s=X rss_mb=Y
#   dnsmasq qps=N ready_s=X rss_mb=Y
#
# Environment: UT1 (default ../shared/data/ut1 from the repo root), DURATION (s, default 20), CLIENTS (dnsperf -c,
# default 8), OUTSTANDING (dnsperf -q, default 200), NAMES (distinct names per half, default 2000),
# PEERS (default "dnsfilter unbound dnsmasq"), SKIP_BUILD=1 (use the existing Release build), KEEP=1 (keep the
# temp dir). DOTNET_* variables reach our filter (for experiments with runtime settings).
# Needs: dotnet, unbound, dnsmasq, dnsperf, dig (Debian: unbound dnsmasq dnsperf bind9-dnsutils).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UT1="${UT1:-$repo/../shared/data/ut1}"
DURATION="${DURATION:-20}"
CLIENTS="${CLIENTS:-8}"
OUTSTANDING="${OUTSTANDING:-200}"
NAMES="${NAMES:-2000}"
PEERS="${PEERS:-dnsfilter unbound dnsmasq}"

for tool in dotnet unbound dnsmasq dnsperf dig; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: '$tool' is not installed (Debian: apt-get install -y unbound dnsmasq dnsperf bind9-dnsutils)" >&2
    exit 1
  fi
done
[ -d "$UT1" ] || { echo "error: UT1 lists not found at $UT1 (set UT1=…)" >&2; exit 1; }

work="$(mktemp -d /tmp/cg-dnsbench.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port and start_bench_upstream (the shared upstream unbound)
# shellcheck source=bench/dns-upstream.sh
source "$(dirname "${BASH_SOURCE[0]}")/dns-upstream.sh"

# ---- the block set: the UT1 folders our default mapping blocks (dnsfilter/Lists/Ut1Categories.cs) ----
folders=(adult mixed_adult lingerie gambling arjel drogue agressif dangerous_material malware phishing hacking ddos
  cryptojacking stalkerware warez social_networks chat dating games filehosting doh vpn redirector residential-proxies)
files=()
for f in "${folders[@]}"; do
  [ -f "$UT1/$f/domains" ] && files+=("$UT1/$f/domains")
done
# Same normalisation as our loader: trim, lower-case, drop a trailing dot and a leading "*." or "."; keep only
# syntactically valid multi-label names (no IP addresses, labels ≤ 63, name ≤ 253).
LC_ALL=C cat "${files[@]}" | tr -d '\r' | tr 'A-Z' 'a-z' | LC_ALL=C awk '
  { sub(/^[ \t]+/, ""); sub(/[ \t]+$/, ""); sub(/\.$/, ""); sub(/^\*\./, ""); sub(/^\./, "") }
  /^#/ || $0 == "" { next }
  /^[0-9.]+$/ || /:/ { next }
  !/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/ { next }
  length($0) > 253 { next }
  { n = split($0, l, "."); for (i = 1; i <= n; i++) if (length(l[i]) > 63 || l[i] ~ /^-|-$/) next; print }
' | LC_ALL=C sort -u > "$work/blocked.txt"
blocked_count=$(wc -l < "$work/blocked.txt")
echo "block set: $blocked_count names from ${#files[@]} UT1 folders in $UT1"

awk '{ printf "local-zone: \"%s.\" always_nxdomain\n", $0 }' "$work/blocked.txt" > "$work/unbound-blocked.conf"
awk '{ printf "address=/%s/\n", $0 }' "$work/blocked.txt" > "$work/dnsmasq-blocked.conf"

# ---- the query mix: NAMES blocked (random, from the set) + NAMES allowed (served by the upstream), shuffled ----
shuf -n "$NAMES" --random-source=<(yes) "$work/blocked.txt" | awk '{ print $0 " A" }' > "$work/queries.txt"
for i in $(seq 1 "$NAMES"); do echo "h$i.allowed.bench A"; done >> "$work/queries.txt"
shuf --random-source=<(yes) -o "$work/queries.txt" "$work/queries.txt"
probe_blocked="$(shuf -n 1 --random-source=<(yes) "$work/blocked.txt")"

# ---- the shared upstream: unbound with the allowed names as local-data, refusing everything else ----
start_bench_upstream "$work" "$NAMES"
pids+=($!)

# ---- our filter: Release build, default settings except the ports, state and lists ----
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building dnsfilter (Release)…"
  dotnet build -c Release -nologo -v q "$repo/dnsfilter/ClassroomGuard.DnsFilter.csproj" > "$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; exit 1; }
fi
dll="$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll"
[ -f "$dll" ] || { echo "error: $dll not built" >&2; exit 1; }

wait_answer() { # PORT NAME STATUS → prints seconds since START (global, ns) when dig sees STATUS; fails after 60 s
  local port=$1 name=$2 status=$3 now
  while :; do
    if dig @127.0.0.1 -p "$port" +tries=1 +time=1 +noall +comments "$name" A 2>/dev/null | grep -q "status: $status"; then
      now=$(date +%s%N)
      awk -v d=$((now - START)) 'BEGIN { printf "%.2f", d / 1e9 }'
      return 0
    fi
    if [ $(($(date +%s%N) - START)) -gt 60000000000 ]; then return 1; fi
    sleep 0.01
  done
}

measure() { # NAME PORT PID → sets QPS RSS
  local name=$1 port=$2 pid=$3
  # Warm-up: every name once (fills caches, JIT), then the timed run.
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -n 1 -c "$CLIENTS" -q "$OUTSTANDING" > "$work/$name-warm.txt" 2>&1
  local cpu0 cpu1
  cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$DURATION" -c "$CLIENTS" -q "$OUTSTANDING" > "$work/$name-perf.txt" 2>&1
  cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  QPS=$(awk '/Queries per second/ { printf "%d", $4 }' "$work/$name-perf.txt")
  RSS=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
  grep -E "Queries (sent|completed|lost)|Response codes" "$work/$name-perf.txt" | sed "s/^/  $name: /"
  # CPU the server used per answered query during the timed run (µs): comparable even when dnsperf, not the
  # server, is the bottleneck (on 2 cores the client competes for the same CPUs).
  echo "  $name: cpu_us_per_query=$(awk -v c=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$(awk '/Queries completed/ { print $3 }' "$work/$name-perf.txt")" 'BEGIN { printf "%.2f", c / hz * 1e6 / n }')"
  echo "  $name: $(grep -E '^(RssAnon|RssFile|Threads)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
}

results=()

# 1. dnsfilter. The first start creates the state database and parses the lists (and writes the compiled list
# cache); it is timed and reported as ready_first_s. The measured start is the second one: an appliance restart,
# with the state and the unchanged lists already there — unbound and dnsmasq parse their configuration every time.
start_dnsfilter() { # PORT
  START=$(date +%s%N)
  CLASSROOMGUARD_CONFIG_DIR="$work/dnsfilter/config" dotnet "$dll" \
    --Dns:Listen:0="127.0.0.1:$1" --Dns:Upstreams:0="127.0.0.1:$up_port" \
    --State:Path="$work/dnsfilter/state.db" \
    --Dns:Lists:Sources:0:Path="$UT1" --Dns:Lists:Sources:0:Format=Ut1 \
    --Dns:Policy:BlockAnswer=NxDomain --Logging:LogLevel:Default=Warning >> "$work/dnsfilter.log" 2>&1 &
  pid=$!
  pids+=("$pid")
}
if [[ " $PEERS " == *" dnsfilter "* ]]; then
  port=$(free_port)
  mkdir -p "$work/dnsfilter/config"
  start_dnsfilter "$port"
  READY_FIRST=$(wait_answer "$port" "$probe_blocked" NXDOMAIN) || { cat "$work/dnsfilter.log" >&2; echo "error: dnsfilter never answered" >&2; exit 1; }
  echo "dnsfilter first start (new state database, lists parsed): ready_first_s=$READY_FIRST rss_mb=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")"
  sleep 1 # let it finish writing the list cache
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start_dnsfilter "$port"
  READY=$(wait_answer "$port" "$probe_blocked" NXDOMAIN) || { cat "$work/dnsfilter.log" >&2; echo "error: dnsfilter never answered" >&2; exit 1; }
  echo "dnsfilter restart: ready_s=$READY cpu_to_ready_s=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat") rss_ready_mb=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")"
  measure dnsfilter "$port" "$pid"
  results+=("dnsfilter qps=$QPS ready_s=$READY rss_mb=$RSS")
  kill "$pid"; wait "$pid" 2>/dev/null || true
fi

# 2. unbound (2 threads, SO_REUSEPORT, forwarding everything to the upstream)
if [[ " $PEERS " == *" unbound "* ]]; then
port=$(free_port)
cat > "$work/unbound.conf" <<EOF
server:
  interface: 127.0.0.1
  port: $port
  do-daemonize: no
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: ""
  use-syslog: no
  verbosity: 0
  num-threads: 2
  so-reuseport: yes
  module-config: "iterator"
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  include: "$work/unbound-blocked.conf"
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$up_port
remote-control:
  control-enable: no
EOF
START=$(date +%s%N)
unbound -d -c "$work/unbound.conf" > "$work/unbound.log" 2>&1 &
pid=$!
pids+=("$pid")
READY=$(wait_answer "$port" "$probe_blocked" NXDOMAIN) || { cat "$work/unbound.log" >&2; echo "error: unbound never answered" >&2; exit 1; }
measure unbound "$port" "$pid"
results+=("unbound qps=$QPS ready_s=$READY rss_mb=$RSS")
kill "$pid"; wait "$pid" 2>/dev/null || true
fi

# 3. dnsmasq (single-threaded by design)
if [[ " $PEERS " == *" dnsmasq "* ]]; then
port=$(free_port)
cat > "$work/dnsmasq.conf" <<EOF
port=$port
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-poll

pid-file=$work/dnsmasq.pid
cache-size=10000
server=127.0.0.1#$up_port
conf-file=$work/dnsmasq-blocked.conf
EOF
START=$(date +%s%N)
dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" > "$work/dnsmasq.log" 2>&1 &
pid=$!
pids+=("$pid")
READY=$(wait_answer "$port" "$probe_blocked" NXDOMAIN) || { cat "$work/dnsmasq.log" >&2; echo "error: dnsmasq never answered" >&2; exit 1; }
measure dnsmasq "$port" "$pid"
results+=("dnsmasq qps=$QPS ready_s=$READY rss_mb=$RSS")
kill "$pid"; wait "$pid" 2>/dev/null || true
fi

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION; $((NAMES * 2)) names"
printf '%s\n' "${results[@]}"
