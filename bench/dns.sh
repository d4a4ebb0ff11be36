#!/usr/bin/env bash
# bench/dns.sh — our DNS filter side by side with unbound and dnsmasq, in the same run (issue #3).
#
# All three are loaded with the same block set: the UT1 folders our default mapping blocks (from ../shared/data/ut1)
# plus, up to DOMAINS names in all (default 5,000,000: the real scale, issue #11), synthetic names shaped like UT1's
# adult list, which our copy lacks (bench/gen-domains.py: seeded, its header says how the distribution is obtained),
# written in UT1 layout (<temp tree>/adult/domains beside copies of the real folders) so our filter loads the tree with
# Format=Ut1 exactly as in production; the SAME names go to unbound (local-zone always_nxdomain) and dnsmasq
# (address=/name/). All forward to the same local upstream (a separate unbound serving a synthetic zone of allowed
# names from local-data), and are measured with dnsperf on the same shuffled mix: 50 % blocked names sampled from the
# whole block set, 50 % allowed names (cached after one warm-up pass); same duration and client concurrency. Blocked
# names are answered NXDOMAIN by all three. Everything runs on loopback; nothing leaves the machine.
#
# For each peer: qps (dnsperf "Queries per second"), ready_s (process start → first NXDOMAIN for the probe, the LAST
# name of the block set, i.e. a generated one, polled with dig every 10 ms; for us that means the lists are loaded and
# the policy is in force), rss_mb (VmRSS after the run), domains (names in the block set). For our filter ready_s is
# the RESTART (state database and compiled list cache already on disk: the appliance rebooting); the first start,
# which parses the lists and writes the cache, is printed as ready_first_s. The last three lines printed are:
#   dnsfilter qps=N ready_s=X rss_mb=Y domains=D ready_first_s=F
#   unbound qps=N ready_s=X rss_mb=Y domains=D
#   dnsmasq qps=N ready_s=X rss_mb=Y domains=D
# A peer that could not load the set prints qps=0 and ready_s=timeout (not answering after READY_TIMEOUT s; rss_mb =
# its VmRSS then) or ready_s=failed (the process exited, e.g. out of memory under PEER_MEM_MB; rss_mb = its last
# sampled VmRSS, "?" if none); the reason is in the lines above. Each peer also prints rss_ready_mb, rss_peak_mb
# (VmHWM: the high-water mark, loading included) and cpu_to_ready_s.
#
# Environment: UT1 (default ../shared/data/ut1 from the repo root), DOMAINS (total names, default 5000000; 0 = the
# real folders only), SEED (generator seed, default 11), DURATION (s, default 20), CLIENTS (dnsperf -c, default 8),
# OUTSTANDING (dnsperf -q, default 200), BLOCKED (distinct blocked names in the mix, default 100000), NAMES (distinct
# allowed names, default 2000), READY_TIMEOUT (s, default 900), PEER_MEM_MB (address-space limit for unbound and
# dnsmasq, prlimit --as, default 8192: keeps a shared machine safe; 0 = none), PEERS (default "dnsfilter unbound
# dnsmasq"), DLL (our filter's build, default this tree's Release build, built unless SKIP_BUILD=1: e.g. a copy of an
# older build for before/after runs), SKIP_BUILD=1 (use the existing Release build), KEEP=1 (keep the temp dir). DOTNET_* variables reach our
# filter (for experiments with runtime settings). DOMAINS=0 BLOCKED=2000 reproduces the runs before issue #11.
# Needs: dotnet, unbound, dnsmasq, dnsperf, dig, python3 (Debian: unbound dnsmasq dnsperf bind9-dnsutils python3).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UT1="${UT1:-$repo/../shared/data/ut1}"
DURATION="${DURATION:-20}"
CLIENTS="${CLIENTS:-8}"
OUTSTANDING="${OUTSTANDING:-200}"
NAMES="${NAMES:-2000}"
DOMAINS="${DOMAINS:-5000000}"
SEED="${SEED:-11}"
BLOCKED="${BLOCKED:-100000}"
READY_TIMEOUT="${READY_TIMEOUT:-900}"
PEER_MEM_MB="${PEER_MEM_MB:-8192}"
PEERS="${PEERS:-dnsfilter unbound dnsmasq}"

for tool in dotnet unbound dnsmasq dnsperf dig python3 prlimit; do
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
# prepare_block_set (the real folders + generated names, in UT1 layout)
# shellcheck source=bench/dns-blockset.sh
source "$(dirname "${BASH_SOURCE[0]}")/dns-blockset.sh"

# ---- the block set: the real UT1 folders our default mapping blocks + generated names up to DOMAINS ----
prepare_block_set "$work" "$UT1" "$DOMAINS" "$SEED"

awk '{ printf "local-zone: \"%s.\" always_nxdomain\n", $0 }' "$block_file" > "$work/unbound-blocked.conf"
awk '{ printf "address=/%s/\n", $0 }' "$block_file" > "$work/dnsmasq-blocked.conf"

# ---- the query mix: BLOCKED names sampled from the whole block set + as many allowed lines (h1..hNAMES, cycled:
# cached after the warm-up), shuffled: 50 % blocked / 50 % cached-allowed ----
shuf -n "$BLOCKED" --random-source=<(yes) "$block_file" | awk '{ print $0 " A" }' > "$work/queries.txt"
blocked_queries=$(wc -l < "$work/queries.txt")
awk -v n="$blocked_queries" -v names="$NAMES" 'BEGIN { for (i = 0; i < n; i++) printf "h%d.allowed.bench A\n", i % names + 1 }' >> "$work/queries.txt"
shuf --random-source=<(yes) -o "$work/queries.txt" "$work/queries.txt"
probe_blocked="$(tail -n 1 "$block_file")"
echo "query mix: $blocked_queries blocked names (sampled from all $block_count) + $blocked_queries allowed lines over $NAMES names; probe $probe_blocked"

# ---- the shared upstream: unbound with the allowed names as local-data, refusing everything else ----
start_bench_upstream "$work" "$NAMES"
pids+=($!)

# ---- our filter: Release build, default settings except the ports, state and lists ----
dll="${DLL:-$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll}"
if [ "${SKIP_BUILD:-0}" != 1 ] && [ "$dll" = "$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll" ]; then
  echo "building dnsfilter (Release)…"
  dotnet build -c Release -nologo -v q "$repo/dnsfilter/ClassroomGuard.DnsFilter.csproj" > "$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; exit 1; }
fi
[ -f "$dll" ] || { echo "error: $dll not built" >&2; exit 1; }

rss_of() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
hwm_of() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null; }

# wait_answer PORT NAME STATUS PID → READY (seconds since START, global, ns) when dig sees STATUS; returns 1 after
# READY_TIMEOUT s (READY=timeout), 2 when PID exited (READY=failed). LAST_RSS: the process's last sampled VmRSS.
wait_answer() {
  local port=$1 name=$2 status=$3 pid=$4 now n=0
  LAST_RSS="?"
  while :; do
    if dig @127.0.0.1 -p "$port" +tries=1 +time=1 +noall +comments "$name" A 2>/dev/null | grep -q "status: $status"; then
      now=$(date +%s%N)
      READY=$(awk -v d=$((now - START)) 'BEGIN { printf "%.2f", d / 1e9 }')
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then READY=failed; return 2; fi
    if [ $((n++ % 50)) = 0 ]; then LAST_RSS=$(rss_of "$pid" || echo "$LAST_RSS"); fi
    if [ $(($(date +%s%N) - START)) -gt $((READY_TIMEOUT * 1000000000)) ]; then
      READY=timeout; LAST_RSS=$(rss_of "$pid" || echo "$LAST_RSS"); return 1
    fi
    sleep 0.01
  done
}

# limited CMD… — runs CMD under the PEER_MEM_MB address-space limit (unbound and dnsmasq only: .NET reserves far more
# address space than it uses, so our filter is measured without one).
# Called as `limited … &`: exec, so that $! is the peer's own pid (prlimit execs the command in turn).
limited() {
  if [ "$PEER_MEM_MB" -gt 0 ]; then exec prlimit --as=$((PEER_MEM_MB * 1024 * 1024)) -- "$@"; else exec "$@"; fi
}

# ready_peer NAME PORT PID → waits for the probe; sets READY and prints the ready line; on failure records the
# result line and returns 1.
ready_peer() {
  local name=$1 port=$2 pid=$3 rc=0
  wait_answer "$port" "$probe_blocked" NXDOMAIN "$pid" || rc=$?
  if [ "$rc" != 0 ]; then
    local why="no answer after $READY_TIMEOUT s" st=0
    if [ "$rc" = 2 ]; then wait "$pid" 2>/dev/null || st=$?; why="exited with status $st"; fi
    echo "  $name: could not load $block_count names: $why — last log lines:"
    tail -n 5 "$work/$name.log" | sed "s/^/    /"
    results+=("$name qps=0 ready_s=$READY rss_mb=$LAST_RSS domains=$block_count")
    return 1
  fi
  echo "  $name: ready_s=$READY cpu_to_ready_s=$(cpu_of "$pid") rss_ready_mb=$(rss_of "$pid") rss_peak_mb=$(hwm_of "$pid")"
}

measure() { # NAME PORT PID → sets QPS RSS
  local name=$1 port=$2 pid=$3
  # Warm-up: every name once (fills caches, JIT), then the timed run.
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -n 1 -c "$CLIENTS" -q "$OUTSTANDING" > "$work/$name-warm.txt" 2>&1
  local cpu0 cpu1
  cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$DURATION" -c "$CLIENTS" -q "$OUTSTANDING" > "$work/$name-perf.txt" 2>&1
  cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  echo "  $name: load average after the timed run $(cut -d' ' -f1-3 /proc/loadavg)"
  QPS=$(awk '/Queries per second/ { printf "%d", $4 }' "$work/$name-perf.txt")
  RSS=$(rss_of "$pid")
  grep -E "Queries (sent|completed|lost)|Response codes" "$work/$name-perf.txt" | sed "s/^/  $name: /"
  # CPU the server used per answered query during the timed run (µs): comparable even when dnsperf, not the
  # server, is the bottleneck (on 2 cores the client competes for the same CPUs).
  echo "  $name: cpu_us_per_query=$(awk -v c=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$(awk '/Queries completed/ { print $3 }' "$work/$name-perf.txt")" 'BEGIN { printf "%.2f", c / hz * 1e6 / n }')"
  echo "  $name: rss_peak_mb=$(hwm_of "$pid") $(grep -E '^(RssAnon|RssFile|Threads)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')"
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
    --Dns:Lists:Sources:0:Path="$block_tree" --Dns:Lists:Sources:0:Format=Ut1 --Dns:Lists:Ut1Url= \
    --Dns:Policy:BlockAnswer=NxDomain --Logging:LogLevel:Default=Warning >> "$work/dnsfilter.log" 2>&1 &
  pid=$!
  pids+=("$pid")
}
if [[ " $PEERS " == *" dnsfilter "* ]]; then
  port=$(free_port)
  mkdir -p "$work/dnsfilter/config"
  echo "dnsfilter: first start (new state database, lists parsed, compiled cache written); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  start_dnsfilter "$port"
  wait_answer "$port" "$probe_blocked" NXDOMAIN "$pid" || { cat "$work/dnsfilter.log" >&2; echo "error: dnsfilter never answered ($READY)" >&2; exit 1; }
  READY_FIRST=$READY
  echo "  dnsfilter: ready_first_s=$READY_FIRST cpu_to_ready_s=$(cpu_of "$pid") rss_ready_mb=$(rss_of "$pid") rss_peak_mb=$(hwm_of "$pid")"
  # The compiled cache is written in the background after the first answer (temporary file + rename): wait for it.
  for _ in $(seq 1 600); do [ -s "$work/dnsfilter/dns-lists.cache" ] && break; sleep 0.1; done
  [ -s "$work/dnsfilter/dns-lists.cache" ] || echo "  dnsfilter: warning: no compiled list cache after 60 s" >&2
  sleep 1
  echo "  dnsfilter: compiled cache $(du -m "$work/dnsfilter/dns-lists.cache" 2>/dev/null | cut -f1) MB"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "dnsfilter: restart (state and compiled cache on disk); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  start_dnsfilter "$port"
  wait_answer "$port" "$probe_blocked" NXDOMAIN "$pid" || { cat "$work/dnsfilter.log" >&2; echo "error: dnsfilter never answered ($READY)" >&2; exit 1; }
  echo "  dnsfilter: ready_s=$READY cpu_to_ready_s=$(cpu_of "$pid") rss_ready_mb=$(rss_of "$pid") rss_peak_mb=$(hwm_of "$pid")"
  measure dnsfilter "$port" "$pid"
  results+=("dnsfilter qps=$QPS ready_s=$READY rss_mb=$RSS domains=$block_count ready_first_s=$READY_FIRST")
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
echo "unbound: start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s%N)
limited unbound -d -c "$work/unbound.conf" > "$work/unbound.log" 2>&1 &
pid=$!
pids+=("$pid")
if ready_peer unbound "$port" "$pid"; then
  measure unbound "$port" "$pid"
  results+=("unbound qps=$QPS ready_s=$READY rss_mb=$RSS domains=$block_count")
fi
kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
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
echo "dnsmasq: start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s%N)
limited dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" > "$work/dnsmasq.log" 2>&1 &
pid=$!
pids+=("$pid")
if ready_peer dnsmasq "$port" "$pid"; then
  measure dnsmasq "$port" "$pid"
  results+=("dnsmasq qps=$QPS ready_s=$READY rss_mb=$RSS domains=$block_count")
fi
kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
fi

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION; $blocked_queries blocked + $blocked_queries allowed queries ($NAMES allowed names); $block_count domains"
printf '%s\n' "${results[@]}"
