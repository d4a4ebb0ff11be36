#!/usr/bin/env bash
# Live capture: tcpreplay into a veth at --topspeed and at fixed rates, captured on the peer by our sniffer service and,
# the same way, by tcpdump; per rate, what was sent and what each capture received and dropped (pcap_stats).
#
#   sudo bash bench/sniffer-live.sh                          # 1,000,000 packets per run; topspeed, 200k, 100k, 50k pps
#   sudo PACKETS=500000 RATES="topspeed 300000" bash bench/sniffer-live.sh
#   sudo FILE=/tmp/x.pcap bash bench/sniffer-live.sh         # replay this capture instead of generating one
#   sudo CAPTURE_CPU=0 BUFFER_MB=1 bash bench/sniffer-live.sh # capture on the sender's core, with a 1 MiB ring
#
# - The capture: bench/ClassroomGuard.Sniffer.Benchmarks --generate (the same realistic mix as bench/sniffer.sh).
# - Two network namespaces joined by a veth, nothing else in them (no address, IPv6 off): tcpreplay sends into one end
#   (pinned to CPU $SEND_CPU), the capture reads the other end (pinned to CPU $CAPTURE_CPU). No traffic leaves them.
# - sniffer: the real service (sniffer/, published), run as nobody with CAP_NET_RAW only, as set-up runs it, with its
#   defaults (promiscuous, no filter, every packet decoded, accounted and checked for circumvention with the UT1 lists
#   at $UT1, default ../shared/data/ut1; ring BUFFER_MB, default 32 MiB as the service's); discovered devices and
#   alerts go to a state database of its own in the work folder (written off the capture thread); no InfluxDB (the
#   per-second net_activity is still computed, then dropped). After tcpreplay ends it is given time to drain the ring (until its decoded count stops moving), then
#   stopped; its last log lines carry pcap_stats.
# - tcpdump: tcpdump -i IFACE -w /dev/null -B (the same ring size; TPACKET_V3 like ours), stopped with SIGINT;
#   its exit summary carries pcap_stats ("received by filter", "dropped by kernel"; "dropped by interface" only when
#   not 0).
# - CAPTURE_CPU=$SEND_CPU puts the capture on tcpreplay's core: the two then compete for one CPU, and the capture that
#   needs less CPU per packet drops fewer (on this 2-vCPU VM tcpreplay, not the capture, is otherwise the limit).
# - cpu_s: CPU seconds (user+sys, /proc/PID/stat) the capture process used from just before tcpreplay started until it
#   had drained; pps_per_cpu = received / cpu_s, the rate one dedicated core would sustain.
# - Of cpu_s, for the sniffer (/proc/PID/task/*/stat by thread name): capture_s is the capture thread's own (the one
#   LongRunning task, ".NET Long Runni", its name cut to 15 characters: read, decode, account, check), jit_s the tiered JIT's background thread
#   (".NET Tiered Compilation"); the rest is the thread pool (state writer, per-second work), timers and logging.
#   start_s is what it used from launch until 2 s after "Capturing on" (not in cpu_s). For tcpdump capture_s = cpu_s.
# Prints one line per run, then a table; records the load average (the machine is shared).
set -euo pipefail

PACKETS=${PACKETS:-1000000}
RATES=${RATES:-topspeed 200000 100000 50000}
SEND_CPU=${SEND_CPU:-0}
CAPTURE_CPU=${CAPTURE_CPU:-1}
FILE=${FILE:-}
BUFFER_MB=${BUFFER_MB:-32}
UT1=${UT1:-$(cd "$(dirname "$0")/../.." && pwd)/shared/data/ut1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

[[ $(id -u) -eq 0 ]] || { echo "error: run as root (network namespaces, veth, setpriv)" >&2; exit 1; }
for tool in dotnet tcpreplay tcpdump taskset setpriv ip; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (image/packages.sh TEST_PACKAGES)" >&2; exit 1; }
done
DOTNET=$(readlink -f "$(command -v dotnet)")

WORK=$(mktemp -d /tmp/cg-bench-live.XXXXXX)
chmod 755 "$WORK"   # the sniffer runs as nobody and must read its program
NS=cgl$(printf '%04x' $((RANDOM % 65536)))
CAPTURE_PID=""
cleanup() {
  [[ -n $CAPTURE_PID ]] && kill "$CAPTURE_PID" 2>/dev/null || true
  ip netns del "${NS}s" 2>/dev/null || true
  ip netns del "${NS}r" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build"
dotnet publish "$ROOT/sniffer" -c Release -o "$WORK/sniffer" -v quiet -nologo >/dev/null
if [[ -z $FILE ]]; then
  dotnet build "$ROOT/bench/ClassroomGuard.Sniffer.Benchmarks" -c Release -v quiet -nologo >/dev/null
  FILE=$WORK/live.pcap
  echo "== generate $PACKETS packets"
  dotnet "$ROOT/bench/ClassroomGuard.Sniffer.Benchmarks/bin/Release/net10.0/ClassroomGuard.Sniffer.Benchmarks.dll" --generate "$FILE" "$PACKETS"
fi
cat "$FILE" >/dev/null   # into the page cache: tcpreplay reads it as fast as it can

ip netns add "${NS}s"; ip netns add "${NS}r"
ip link add "${NS}a" type veth peer name "${NS}b"
ip link set "${NS}a" netns "${NS}s"; ip link set "${NS}b" netns "${NS}r"
for pair in "${NS}s ${NS}a" "${NS}r ${NS}b"; do
  read -r ns dev <<<"$pair"
  ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
  ip -n "$ns" link set "$dev" up
done
IFACE=${NS}b
install -d -o nobody "$WORK/state"   # the service's own state database: discovered devices and alerts go there
ut1=$UT1
if [[ ! -d $ut1 ]]; then
  echo "note: no UT1 lists at $ut1 (UT1=…): circumvention detection runs without its name lists"
  ut1=""
fi

# replay RATE — tcpreplay into the veth; sets SENT and SENT_PPS from its summary.
replay() {
  local speed=(--topspeed)
  [[ $1 != topspeed ]] && speed=(--pps="$1")
  ip netns exec "${NS}s" taskset -c "$SEND_CPU" tcpreplay -q -i "${NS}a" "${speed[@]}" -L "$PACKETS" "$FILE" >"$WORK/replay" 2>&1 || true
  SENT=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$WORK/replay")
  SENT_PPS=$(sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' "$WORK/replay" | cut -d. -f1)
  [[ -n $SENT ]] || { echo "error: tcpreplay failed:" >&2; cat "$WORK/replay" >&2; exit 1; }
}

# cpu_ticks PID — user+sys clock ticks the process has used.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
TICK=$(getconf CLK_TCK)

# thread_ticks PID NAME — user+sys clock ticks of the process's threads whose name starts with NAME.
thread_ticks() {
  local f sum=0 v
  for f in /proc/"$1"/task/*; do
    [[ $(cat "$f/comm" 2>/dev/null) == "$2"* ]] || continue
    v=$(sed 's/.*) //' "$f/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# seconds TICKS — as CPU seconds, two decimals.
seconds() { awk -v t="$1" -v hz="$TICK" 'BEGIN { printf "%.2f", t / hz }'; }

# result TOOL RATE RECEIVED DECODED DROP IFDROP TICKS CAPTURE_TICKS JIT_TICKS START_TICKS — prints one result line.
result() {
  local cpu pps_cpu
  cpu=$(seconds "$7")
  pps_cpu=$(echo "$7" | awk -v r="$3" -v t="$TICK" '{ printf "%d", ($1 > 0 ? r * t / $1 : 0) }')
  printf 'live rate=%s tool=%s sent=%s sent_pps=%s received=%s decoded=%s ps_drop=%s ps_ifdrop=%s cpu_s=%s pps_per_cpu=%s capture_s=%s jit_s=%s start_s=%s\n' \
    "$2" "$1" "$SENT" "$SENT_PPS" "$3" "$4" "$5" "$6" "$cpu" "$pps_cpu" "$(seconds "$8")" "$(seconds "$9")" "$(seconds "${10}")"
}

# wait_for_text FILE TEXT — up to 60 s.
wait_for_text() {
  for _ in $(seq 1 600); do grep -qF "$2" "$1" && return 0; sleep 0.1; done
  echo "error: never saw '$2' in $1:" >&2; cat "$1" >&2; exit 1
}

# run_sniffer RATE — prints one result line.
run_sniffer() {
  local log=$WORK/sniffer.log last="" now
  ip netns exec "${NS}r" taskset -c "$CAPTURE_CPU" setpriv --reuid=nobody --regid=nogroup --init-groups --reset-env \
    --inh-caps=+net_raw --ambient-caps=+net_raw --bounding-set=-all,+net_raw --no-new-privs -- \
    "$DOTNET" "$WORK/sniffer/ClassroomGuard.Sniffer.dll" --Sniffer:Interface="$IFACE" --Sniffer:StatisticsInterval=00:00:01 \
    --Sniffer:BufferSize=$((BUFFER_MB * 1024 * 1024)) --Sniffer:Circumvention:Ut1Directory="$ut1" \
    --State:Path="$WORK/state/state.db" >"$log" 2>&1 &
  CAPTURE_PID=$!
  wait_for_text "$log" "Capturing on $IFACE ("
  sleep 2   # past the JIT of start-up: the CPU counted below is the capture's
  local ticks start capture jit
  ticks=$(cpu_ticks "$CAPTURE_PID"); start=$ticks
  capture=$(thread_ticks "$CAPTURE_PID" ".NET Long Runni"); jit=$(thread_ticks "$CAPTURE_PID" ".NET Tiered Com")
  replay "$1"
  # Let it drain the ring: stop once two successive one-second statistics lines show the same decoded count.
  for _ in $(seq 1 120); do
    sleep 1
    now=$(grep -o 'decoded [0-9]*' "$log" | tail -n 1)
    [[ -n $now && $now == "$last" ]] && break
    last=$now
  done
  ticks=$(($(cpu_ticks "$CAPTURE_PID") - ticks))
  capture=$(($(thread_ticks "$CAPTURE_PID" ".NET Long Runni") - capture))
  jit=$(($(thread_ticks "$CAPTURE_PID" ".NET Tiered Com") - jit))
  kill -TERM "$CAPTURE_PID"; wait "$CAPTURE_PID" || true; CAPTURE_PID=""
  local final decoded
  final=$(grep -o 'Final capture statistics of .*' "$log" | tail -n 1)
  decoded=$(sed -n 's/.*Capture of .* ended: \([0-9]*\) packets.*/\1/p' "$log" | tail -n 1)
  [[ -n $final ]] || { echo "error: no final statistics from the sniffer:" >&2; cat "$log" >&2; exit 1; }
  result sniffer "$1" "$(sed -n 's/.*received \([0-9]*\),.*/\1/p' <<<"$final")" "$decoded" \
    "$(sed -n 's/.*, dropped \([0-9]*\),.*/\1/p' <<<"$final")" "$(sed -n 's/.*interface dropped \([0-9]*\).*/\1/p' <<<"$final")" "$ticks" \
    "$capture" "$jit" "$start"
}

# run_tcpdump RATE — prints one result line.
run_tcpdump() {
  local log=$WORK/tcpdump.log
  ip netns exec "${NS}r" taskset -c "$CAPTURE_CPU" tcpdump -n -i "$IFACE" -B $((BUFFER_MB * 1024)) -w /dev/null >"$log" 2>&1 &
  CAPTURE_PID=$!
  wait_for_text "$log" "listening on"
  local ticks start
  ticks=$(cpu_ticks "$CAPTURE_PID"); start=$ticks
  replay "$1"
  sleep 2   # tcpdump writes to /dev/null: its ring drains at once
  ticks=$(($(cpu_ticks "$CAPTURE_PID") - ticks))
  kill -INT "$CAPTURE_PID"; wait "$CAPTURE_PID" || true; CAPTURE_PID=""
  result tcpdump "$1" "$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$log")" \
    "$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$log")" "$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$log")" \
    "$(sed -n 's/^\([0-9]*\) packets dropped by interface.*/\1/p' "$log" | grep . || echo 0)" "$ticks" "$ticks" 0 "$start"
}

echo "== $PACKETS packets of $(basename "$FILE") per run ($(du -h "$FILE" | cut -f1)); send CPU $SEND_CPU, capture CPU $CAPTURE_CPU, ring $BUFFER_MB MiB"
for rate in $RATES; do
  for tool in sniffer tcpdump; do
    "run_$tool" "$rate" >"$WORK/line"   # no pipe: a failure must end the script (and its trap stop the capture)
    cat "$WORK/line"; cat "$WORK/line" >>"$WORK/results"
  done
done
echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== result (decoded: packets our sniffer decoded / tcpdump wrote)"
fmt='%-9s %-8s %9s %9s %9s %9s %9s %9s %7s %11s %9s %6s %7s\n'
# shellcheck disable=SC2059
printf "$fmt" rate tool sent sent_pps received decoded ps_drop ps_ifdrop cpu_s pps_per_cpu capture_s jit_s start_s
sed -E 's/[a-z_]+=//g' "$WORK/results" | while read -r _ r t s p rc d dr ifd c pc cs js ss; do
  # shellcheck disable=SC2059
  printf "$fmt" "$r" "$t" "$s" "$p" "$rc" "$d" "$dr" "$ifd" "$c" "$pc" "$cs" "$js" "$ss"
done
