#!/usr/bin/env bash
# bench/dns-highbytes.sh — issue #11: a flood of names holding bytes ≥ 0x80 from one client, while ordinary
# cached names keep being asked, against our filter with the UT1 lists loaded. Loopback only.
#
# An upstream unbound serves the zone "bench." from local-data (ordinary names h1..h200.allowed.bench; every other
# name under bench. is NXDOMAIN; everything outside bench. is refused: nothing leaves the machine). Our filter
# (Release build, default settings except ports, state and lists) forwards to it. After a warm-up of the ordinary
# names, two dnsperf clients run at once:
#   - hostile (bench/dns-highbytes-flood.py; dnsperf mangles \DDD escapes): FLOOD distinct names: a raw byte
#     0x80-0xFF, an ASCII capital and a number as the first label, under bench. — each once, at RATE queries/s,
#     from one socket;
#   - ordinary: the cached names, at 200 queries/s for the same time.
# Prints dnsperf's summaries for both and, for the filter: rss_before_mb (VmRSS after warm-up), rss_peak_mb (VmHWM:
# the kernel's high-water mark over the whole life of the process, so it includes start-up and list loading),
# rss_after_mb (VmRSS after the flood), rss_max_during_mb (VmRSS sampled every 100 ms during the flood).
#
# Environment: UT1 (default ../shared/data/ut1 from the repo root), DOMAINS (default 0: the UT1 tree as it is; N: the
# block set of bench/dns.sh — the real folders plus generated names up to N in UT1 layout, bench/dns-blockset.sh — and
# the flood starts once its last name is blocked; the filter is restarted once first so that it runs from the compiled
# list cache, as an appliance normally does), SEED (generator seed, default 11), DLL (default: this tree's Release build,
# built unless SKIP_BUILD=1), FLOOD (default 5000), RATE (default 500), FIRST_BYTE=ascii (the same flood with a-z
# instead of the high byte, for comparison), KEEP=1 (keep the temp dir), BEFORE / AFTER (commands run before and
# after the flood with PID set to the filter's, e.g. a dotnet-counters snapshot), DURING (the same, DURING_AFTER
# seconds into the flood, default 5). DOTNET_* variables reach the filter.
# Needs: dotnet, unbound, dnsperf, dig, python3.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UT1="${UT1:-$repo/../shared/data/ut1}"
FLOOD="${FLOOD:-5000}"
RATE="${RATE:-500}"
DLL="${DLL:-$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll}"


# free_port and start_bench_upstream (the shared upstream unbound)
# shellcheck source=bench/dns-upstream.sh
source "$(dirname "${BASH_SOURCE[0]}")/dns-upstream.sh"
bench_start cg-highbytes dotnet unbound dnsperf dig python3
# shellcheck source=bench/dns-blockset.sh
source "$(dirname "${BASH_SOURCE[0]}")/dns-blockset.sh"

lists="$UT1"
probe_blocked=""
if [ "${DOMAINS:-0}" -gt 0 ]; then
  prepare_block_set "$work" "$UT1" "$DOMAINS" "${SEED:-11}"
  lists="$block_tree"
  probe_blocked="$(tail -n 1 "$block_file")"
fi

start_bench_upstream "$work" 200
pids+=($!)

for i in $(seq 1 200); do echo "h$i.allowed.bench A"; done > "$work/ordinary.txt"

if [ "${SKIP_BUILD:-0}" != 1 ] && [ "$DLL" = "$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll" ]; then
  echo "building dnsfilter (Release)…"
  dotnet build -c Release -nologo -v q "$repo/dnsfilter/ClassroomGuard.DnsFilter.csproj" > "$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; exit 1; }
fi
[ -f "$DLL" ] || { echo "error: $DLL not built" >&2; exit 1; }

port=$(free_port)
mkdir -p "$work/config"
start_filter() {
  CLASSROOMGUARD_CONFIG_DIR="$work/config" dotnet "$DLL" \
    --Dns:Listen:0="127.0.0.1:$port" --Dns:Upstreams:0="127.0.0.1:$up_port" \
    --State:Path="$work/state.db" \
    --Dns:Lists:Sources:0:Path="$lists" --Dns:Lists:Sources:0:Format=Ut1 --Dns:Lists:Ut1Url= \
    --Logging:LogLevel:Default=Warning ${FILTER_ARGS:-} >> "$work/dnsfilter.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do
    dig @127.0.0.1 -p "$port" +tries=1 +time=1 +noall +comments h1.allowed.bench A 2>/dev/null | grep -q 'status: NOERROR' && break
    sleep 0.1
  done
  dig @127.0.0.1 -p "$port" +tries=1 +time=1 +noall +comments h1.allowed.bench A | grep -q 'status: NOERROR' \
    || { cat "$work/dnsfilter.log" >&2; echo "error: dnsfilter never answered" >&2; exit 1; }
  if [ -n "$probe_blocked" ]; then # the whole block set in force (blocked names get the null address by default)
    for _ in $(seq 1 6000); do
      [ "$(dig @127.0.0.1 -p "$port" +tries=1 +time=1 +short "$probe_blocked" A 2>/dev/null)" = 0.0.0.0 ] && break
      kill -0 "$pid" 2>/dev/null || { cat "$work/dnsfilter.log" >&2; echo "error: dnsfilter exited" >&2; exit 1; }
      sleep 0.1
    done
    [ "$(dig @127.0.0.1 -p "$port" +tries=1 +time=1 +short "$probe_blocked" A)" = 0.0.0.0 ] \
      || { echo "error: $probe_blocked not blocked: the block set did not load" >&2; exit 1; }
    echo "block set in force: $block_count names; rss_mb=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")"
  fi
}
start_filter
if [ -n "$probe_blocked" ]; then # restart from the compiled list cache, as an appliance normally runs
  for _ in $(seq 1 600); do [ -s "$work/dns-lists.cache" ] && break; sleep 0.1; done
  sleep 1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "restart from the compiled list cache"
  start_filter
fi

rss() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
dnsperf -s 127.0.0.1 -p "$port" -d "$work/ordinary.txt" -n 3 -c 1 -q 20 > "$work/warm.txt" 2>&1
sleep 1
before=$(rss VmRSS)
detail() { grep -E '^(RssAnon|RssFile|Threads)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' '; }
echo "before the flood: $(detail)"
if [ -n "${BEFORE:-}" ]; then PID=$pid bash -c "$BEFORE"; fi

duration=$(( (FLOOD + RATE - 1) / RATE + 2 ))
python3 "$repo/bench/dns-highbytes-flood.py" 127.0.0.1 "$port" "$FLOOD" "$RATE" "${FIRST_BYTE:-high}" > "$work/flood-perf.txt" 2>&1 &
flood_pid=$!
dnsperf -s 127.0.0.1 -p "$port" -d "$work/ordinary.txt" -l "$duration" -c 1 -q 20 -Q 200 -t 5 > "$work/ordinary-perf.txt" 2>&1 &
ordinary_pid=$!
if [ -n "${DURING:-}" ]; then (sleep "${DURING_AFTER:-5}"; PID=$pid bash -c "$DURING") & fi
max=0
while kill -0 "$flood_pid" 2>/dev/null || kill -0 "$ordinary_pid" 2>/dev/null; do
  now=$(rss VmRSS)
  max=$(awk -v a="$max" -v b="$now" 'BEGIN { print (b > a ? b : a) }')
  sleep 0.1
done
wait "$flood_pid" || true
wait "$ordinary_pid" || true

echo "after the flood: $(detail)"
if [ -n "${AFTER:-}" ]; then PID=$pid bash -c "$AFTER"; fi
summary() { grep -E "Queries (sent|completed|lost)|Response codes|Average Latency|Latency StdDev" "$1" | sed "s/^/  $2: /"; }
cat "$work/flood-perf.txt"
summary "$work/ordinary-perf.txt" ordinary
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); FLOOD=$FLOOD RATE=$RATE; $(basename "$(dirname "$DLL")")"
echo "dnsfilter rss_before_mb=$before rss_max_during_mb=$max rss_after_mb=$(rss VmRSS) rss_peak_mb=$(rss VmHWM)${block_count:+ domains=$block_count}"
