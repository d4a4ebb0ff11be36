#!/usr/bin/env bash
# bench/dns-reload.sh — a full list recompile in the running DNS filter at the real scale, under load (issue #11:
# "a full recompile after a list update ≤ 10 s without ever stopping answering").
#
# The same block set as bench/dns.sh (bench/dns-blockset.sh: the real UT1 folders + generated names up to DOMAINS, in
# UT1 layout), the same upstream and query mix. Our filter (Release build) loads the tree; after one warm-up pass,
# dnsperf runs the mix at LOAD_QPS queries/s. Three seconds in, ADD names are appended to the tree's adult/domains (one
# list file changes, as in a UT1 update), the last of them being h<NAMES+1>.allowed.bench — a name the upstream answers
# (NOERROR) and that the filter has already cached, but that the changed list blocks — and bench/dns-reload-probe.py
# sends SIGNAL (default HUP: reload the lists, PolicyService.ReloadListsAsync) to the filter. Every 10 ms the probe asks
# the new name and an ordinary cached name: reload_s = signal → the new name first answered NXDOMAIN (the recompiled
# policy is in force), max_gap_ms = the longest time between two answers to the ordinary name (the filter never
# stopped answering if it stays near 10 ms), probe_lost = ordinary probe queries unanswered within 1 s.
# Before the load the filter is started twice — the first start parses the lists and writes the compiled cache, the
# second (measured) one starts from that cache, as an appliance normally runs; RESTART=0 measures the first process.
# lost = dnsperf's lost queries (queries with no answer within 5 s) over the whole run; with LOAD_QPS > 0 dnsperf runs
# whole passes (-n) and waits for every answer, so 0 means none was dropped.
#
# The last line printed:
#   dnsfilter reload_s=X max_gap_ms=Y lost=L domains=D
# reload_s=timeout: the new name was not blocked RELOAD_TIMEOUT s after the signal; reload_s=failed: the filter exited
# (e.g. a build that does not handle the signal: SIGHUP's default action ends a process).
# Also printed: the process's RSS before and after the reload and its peak (VmHWM, both tables live at once), CPU used
# by the reload, load average.
#
# Environment: UT1, DOMAINS (default 5000000), SEED, BLOCKED, NAMES, CLIENTS, OUTSTANDING as bench/dns.sh; LOAD_QPS
# (dnsperf -Q, default 20000; 0 = as fast as it can, then -l RUN and dnsperf's tail counts as lost), RUN (s of load,
# default 40), ADD (names appended, default 1000), SIGNAL (default HUP; none = a control run: the same load and probe,
# nothing signalled, for the baseline of lost queries and gaps; then reload_s=none), RELOAD_TIMEOUT (s, default 60), SKIP_BUILD=1,
# KEEP=1, DLL (default this tree's Release build). Needs: dotnet, unbound, dnsperf, dig, python3.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UT1="${UT1:-$repo/../shared/data/ut1}"
DOMAINS="${DOMAINS:-5000000}"
SEED="${SEED:-11}"
BLOCKED="${BLOCKED:-100000}"
NAMES="${NAMES:-2000}"
CLIENTS="${CLIENTS:-8}"
OUTSTANDING="${OUTSTANDING:-200}"
LOAD_QPS="${LOAD_QPS:-20000}"
RUN="${RUN:-40}"
ADD="${ADD:-1000}"
SIGNAL="${SIGNAL:-HUP}"
RELOAD_TIMEOUT="${RELOAD_TIMEOUT:-60}"
DLL="${DLL:-$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll}"

# shellcheck source=bench/dns-upstream.sh
source "$(dirname "${BASH_SOURCE[0]}")/dns-upstream.sh"
bench_start cg-dnsreload dotnet unbound dnsperf dig python3
# shellcheck source=bench/dns-blockset.sh
source "$(dirname "${BASH_SOURCE[0]}")/dns-blockset.sh"

prepare_block_set "$work" "$UT1" "$DOMAINS" "$SEED"
shuf -n "$BLOCKED" --random-source=<(yes) "$block_file" | awk '{ print $0 " A" }' > "$work/queries.txt"
blocked_queries=$(wc -l < "$work/queries.txt")
awk -v n="$blocked_queries" -v names="$NAMES" 'BEGIN { for (i = 0; i < n; i++) printf "h%d.allowed.bench A\n", i % names + 1 }' >> "$work/queries.txt"
shuf --random-source=<(yes) -o "$work/queries.txt" "$work/queries.txt"
probe_blocked="$(tail -n 1 "$block_file")"
new_name="h$((NAMES + 1)).allowed.bench"

# The upstream serves one name more than the mix uses: the one the list change will block.
start_bench_upstream "$work" "$((NAMES + 1))"
pids+=($!)

if [ "${SKIP_BUILD:-0}" != 1 ] && [ "$DLL" = "$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll" ]; then
  echo "building dnsfilter (Release)…"
  dotnet build -c Release -nologo -v q "$repo/dnsfilter/ClassroomGuard.DnsFilter.csproj" > "$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; exit 1; }
fi
[ -f "$DLL" ] || { echo "error: $DLL not built" >&2; exit 1; }

rss_of() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

port=$(free_port)
mkdir -p "$work/dnsfilter/config"
start_filter() { # WHAT — starts our filter on $port and waits until the block set's last name is blocked
  echo "dnsfilter: $1; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  START=$(date +%s%N)
  CLASSROOMGUARD_CONFIG_DIR="$work/dnsfilter/config" dotnet "$DLL" \
    --Dns:Listen:0="127.0.0.1:$port" --Dns:Upstreams:0="127.0.0.1:$up_port" \
    --State:Path="$work/dnsfilter/state.db" \
    --Dns:Lists:Sources:0:Path="$block_tree" --Dns:Lists:Sources:0:Format=Ut1 --Dns:Lists:Ut1Url= \
    --Dns:Policy:BlockAnswer=NxDomain --Logging:LogLevel:Default=Warning >> "$work/dnsfilter.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  until dig @127.0.0.1 -p "$port" +tries=1 +time=1 +noall +comments "$probe_blocked" A 2>/dev/null | grep -q 'status: NXDOMAIN'; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/dnsfilter.log" >&2; echo "error: dnsfilter exited" >&2; exit 1; }
    [ $(($(date +%s%N) - START)) -lt 600000000000 ] || { echo "error: dnsfilter not ready after 600 s" >&2; exit 1; }
    sleep 0.05
  done
  echo "  ready after $(awk -v d=$(($(date +%s%N) - START)) 'BEGIN { printf "%.2f", d / 1e9 }') s, rss_mb=$(rss_of "$pid" VmRSS)"
}
start_filter "first start (lists parsed, compiled cache written)"
for _ in $(seq 1 600); do [ -s "$work/dnsfilter/dns-lists.cache" ] && break; sleep 0.1; done
sleep 1
if [ "${RESTART:-1}" = 1 ]; then
  kill "$pid"; wait "$pid" 2>/dev/null || true
  start_filter "restart from the compiled cache (the appliance's usual state)"
fi

# Warm-up: every name of the mix once, and the name the change will block (cached NOERROR before the change).
dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -n 1 -c "$CLIENTS" -q "$OUTSTANDING" > "$work/warm.txt" 2>&1
dig @127.0.0.1 -p "$port" +tries=1 +time=1 +noall +comments "$new_name" A | grep -q 'status: NOERROR' \
  || { echo "error: $new_name is not answered NOERROR before the change" >&2; exit 1; }
rss_before=$(rss_of "$pid" VmRSS)
echo "  after warm-up: rss_mb=$rss_before; load average $(cut -d' ' -f1-3 /proc/loadavg)"

lines=$(wc -l < "$work/queries.txt")
udp_drops() { awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $6 }' /proc/net/snmp; } # RcvbufErrors, machine-wide
drops0=$(udp_drops)
if [ "$LOAD_QPS" -gt 0 ]; then
  passes=$(( (RUN * LOAD_QPS + lines - 1) / lines ))
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -n "$passes" -Q "$LOAD_QPS" -c "$CLIENTS" -q "$OUTSTANDING" > "$work/perf.txt" 2>&1 &
  load_desc="dnsperf -Q $LOAD_QPS -n $passes ($((passes * lines)) queries)"
else
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$RUN" -c "$CLIENTS" -q "$OUTSTANDING" > "$work/perf.txt" 2>&1 &
  load_desc="dnsperf -l $RUN (as fast as it can)"
fi
perf_pid=$!
pids+=("$perf_pid")
sleep 3

# The list update: ADD names appended to one list file of the tree, the last one the probe's (with DOMAINS=0 our UT1
# copy has no adult folder: the update creates it, as a new UT1 release adding a folder would).
mkdir -p "$block_tree/adult"
{
  for i in $(seq 1 $((ADD - 1))); do echo "cg-reload-$i.example"; done
  echo "$new_name"
} >> "$block_tree/adult/domains"
cpu0=$(cpu_of "$pid")
echo "reload: appended $ADD names to $block_tree/adult/domains; signal $SIGNAL under $load_desc; load average $(cut -d' ' -f1-3 /proc/loadavg)"
hwm_before=$(rss_of "$pid" VmHWM)
[ "${SIGNAL,,}" = none ] && RELOAD_TIMEOUT=10
probe=$(python3 "$repo/bench/dns-reload-probe.py" --port "$port" --pid "$pid" --allowed h1.allowed.bench \
  --new "$new_name" --signal "$SIGNAL" --timeout "$RELOAD_TIMEOUT")
echo "  probe: $probe"
alive=yes # a zombie (exited, not yet reaped by this script) is gone too
[ "$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] || ! kill -0 "$pid" 2>/dev/null && alive=no
if [ "$alive" = yes ]; then
  echo "  dnsfilter after the reload: cpu_s_since_signal=$(awk -v a="$cpu0" -v b="$(cpu_of "$pid")" 'BEGIN { printf "%.2f", b - a }') rss_mb=$(rss_of "$pid" VmRSS) rss_peak_mb=$(rss_of "$pid" VmHWM) (peak before the reload $hwm_before)"
else
  st=0; wait "$pid" 2>/dev/null || st=$?
  echo "  dnsfilter exited after the signal (status $st$( [ "$st" -gt 128 ] && echo ": killed by signal $(kill -l $((st - 128)))")); its log:"
  tail -n 5 "$work/dnsfilter.log" | sed 's/^/    /'
  kill "$perf_pid" 2>/dev/null || true # nothing answers any more: dnsperf would wait 5 s per outstanding query
fi
wait "$perf_pid" || true
grep -E "Queries (sent|completed|lost)|Response codes|Queries per second" "$work/perf.txt" | sed 's/^/  dnsperf: /' || true
lost=$(awk '/Queries lost/ { print $3 }' "$work/perf.txt")
echo "  UDP datagrams dropped for a full receive buffer on this machine during the run (Udp RcvbufErrors): $(($(udp_drops) - drops0))"
reload_s=$(sed -n 's/.*reload_s=\([^ ]*\).*/\1/p' <<< "$probe")
max_gap=$(sed -n 's/.*max_gap_ms=\([^ ]*\).*/\1/p' <<< "$probe")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $load_desc; $(basename "$(dirname "$DLL")")"
echo "dnsfilter reload_s=$reload_s max_gap_ms=$max_gap lost=${lost:-?} domains=$((block_count + ADD))"
