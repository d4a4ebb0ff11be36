#!/usr/bin/env bash
# bench/dns-restart.sh — how long the DNS filter takes from process start to its first answer (issue #15: DNS answers
# again within 2 s of the DNS filter crashing; the unit restarts it after RestartSec=200ms).
#
# Starts our filter (Release build) RUNS times on a loopback port with the UT1 lists (the seed, or with DOMAINS the
# benchmarks' block set of that many names, bench/dns-blockset.sh), Format=Ut1, a state database and the compiled list
# cache beside it, exactly as on an appliance; dig asks the Firefox canary (use-application-dns.net, NXDOMAIN only once
# the policy is in force: set-up's readiness check) every 50 ms. The first start parses the lists and writes the cache
# ("cold"); the others start from the cache, as every restart after a crash does. Printed per start:
#   start=N cache=yes|no answer_ms=X cpu_ms=Y load=L
# answer_ms is wall time (spawn → first NXDOMAIN), cpu_ms the process's user+system CPU at that moment: on a busy
# machine wall time grows with the load, CPU time hardly does.
#
# Usage: bench/dns-restart.sh [--help]
# Environment: UT1 (default ../shared/data/ut1), DOMAINS (default 0 = the seed only; 5000000 = the real scale), SEED,
# RUNS (default 4), DLL (default this tree's Release build, built unless SKIP_BUILD=1), DOTNET (default dotnet).
# Needs: dotnet, dig, python3 (DOMAINS > 0).
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "error: unknown option $1 (see --help)" >&2; exit 64 ;;
esac
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/dns-blockset.sh
source "$repo/bench/dns-blockset.sh"
ut1=${UT1:-$repo/../shared/data/ut1} domains=${DOMAINS:-0} runs=${RUNS:-4} dotnet=${DOTNET:-dotnet}
dll=${DLL:-$repo/dnsfilter/bin/Release/net10.0/ClassroomGuard.DnsFilter.dll}
command -v dig >/dev/null || { echo "error: dig is missing: apt-get install bind9-dnsutils" >&2; exit 69; }
[ -d "$ut1" ] || { echo "error: no UT1 lists at $ut1 (set UT1)" >&2; exit 66; }
if [ -z "${SKIP_BUILD:-}" ] && [ -z "${DLL:-}" ]; then
  "$dotnet" build "$repo/dnsfilter" -c Release --nologo -v quiet >/dev/null
fi
work=$(mktemp -d /tmp/cg-dns-restart.XXXXXX)
trap 'rm -rf "$work"' EXIT
lists=$ut1
if [ "$domains" -gt 0 ]; then
  prepare_block_set "$work" "$ut1" "$domains" "${SEED:-1}"
  lists=$block_tree
fi
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for run in $(seq 1 "$runs"); do
  cache=no; [ -f "$work/dns-lists.cache" ] && cache=yes
  start=$(date +%s%N)
  "$dotnet" "$dll" "--Dns:Listen:0=127.0.0.1:$port" "--Dns:Upstreams:0=127.0.0.1:9" "--State:Path=$work/state.db" \
    "--Dns:Lists:Ut1Url=" "--Dns:Lists:Sources:0:Path=$lists" "--Dns:Lists:Sources:0:Format=Ut1" >"$work/run$run.log" 2>&1 &
  pid=$! answer=""
  for _ in $(seq 1 1200); do
    if dig +time=1 +tries=1 -p "$port" @127.0.0.1 use-application-dns.net A 2>/dev/null | grep -q 'status: NXDOMAIN'; then
      answer=$(( ($(date +%s%N) - start) / 1000000 )); break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat" 2>/dev/null || echo ?)
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  echo "start=$run cache=$cache answer_ms=${answer:-none} cpu_ms=$cpu load=$(cut -d' ' -f1 /proc/loadavg)"
  sleep 1 # the cache is written in the background after a cold start
done
