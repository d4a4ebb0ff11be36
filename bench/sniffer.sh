#!/usr/bin/env bash
# Packets per second of our sniffer's decode + accounting against tcpdump and tshark, on the same generated capture.
#
#   bash bench/sniffer.sh                    # 5,000,000 packets; tshark on the first 500,000
#   PACKETS=2000000 RUNS=5 bash bench/sniffer.sh
#   LIVE=0 BDN=0 bash bench/sniffer.sh       # skip the live tcpreplay run / the BenchmarkDotNet allocation proof
#
# 1. Generates a synthetic but realistic capture with our generator (bench/ClassroomGuard.Sniffer.Benchmarks
#    --generate): bulk TCP downloads + ACKs, TLS connections (ClientHello with SNI and ALPN; a third of them ~2 KB
#    "post-quantum" ClientHellos split across two segments), DNS pairs, QUIC-like UDP 443, a little ARP/ICMP/mDNS.
#    The file lives in a temporary folder and is deleted at the end.
# 2. Each contender runs pinned to ONE core (taskset -c $CPU), the file already in the page cache:
#    sniffer: read + decode every packet and count it through the service's sinks — the accounting (flow table,
#             per-address counters, site names) and device discovery — flushed once a second by a second thread
#             without an InfluxDB writer (--decode FILE accounting: the service's file path, a memory-mapped reader);
#    sharppcap: the same through SharpPcap's CaptureFileReaderDevice (GetNextPacketPointers: pcap_next_ex) instead of
#             the mapped reader — the contender that decides which one reads classic pcap files (docs/sniffer.md);
#             also reported, once: decode alone with a no-op sink;
#    tcpdump: tcpdump -r FILE -w /dev/null (reads and copies every packet);
#    tshark:  tshark -r FILE -c $TSHARK_PACKETS -Y 'tls.handshake.type == 1' -T fields -e tls.handshake.extensions_server_name
#             (only the first $TSHARK_PACKETS packets: tshark on millions of packets takes minutes).
#    sniffer, sharppcap and tcpdump run $RUNS times each, alternating; the best (shortest) wall time counts. The machine is shared,
#    so packets per CPU-second (user+sys) are printed too.
# 3. LIVE=1: bench/sniffer-live.sh on the same file — tcpreplay from one network namespace into a veth at --topspeed
#    and fixed rates, our sniffer service and tcpdump capturing on the peer in another, and the counters pcap_stats
#    reports (received / dropped). All traffic stays on that veth pair.
# 4. BDN=1: BenchmarkDotNet with the memory diagnoser on the decode and accounting paths (Allocated must be 0 B), and
#    SharpPcap's two read calls on a file (SharpPcapReadBenchmarks), and as root the live capture loop on loopback
#    (LiveCaptureBenchmarks: SharpPcap's ring read + decode, UDP to our own port).
# Prints, as its last three lines:  sniffer pps=N   tshark pps=N   tcpdump pps=N   (wall clock, one core)
set -euo pipefail

PACKETS=${PACKETS:-5000000}
TSHARK_PACKETS=${TSHARK_PACKETS:-500000}
RUNS=${RUNS:-3}
CPU=${CPU:-1}
LIVE=${LIVE:-1}
LIVE_PACKETS=${LIVE_PACKETS:-1000000}
BDN=${BDN:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
for tool in dotnet tcpdump tshark taskset /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (image/packages.sh TEST_PACKAGES; /usr/bin/time is Debian's 'time')" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/cg-bench-sniffer.XXXXXX)
cleanup() {
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build"
dotnet build "$ROOT/bench/ClassroomGuard.Sniffer.Benchmarks" -c Release -v quiet -nologo | grep -E "error|Warn|warn" || true
BENCH=(dotnet "$ROOT/bench/ClassroomGuard.Sniffer.Benchmarks/bin/Release/net10.0/ClassroomGuard.Sniffer.Benchmarks.dll")
FILE=$WORK/bench.pcap

echo "== generate $PACKETS packets"
"${BENCH[@]}" --generate "$FILE" "$PACKETS"
cat "$FILE" > /dev/null   # into the page cache, for every contender alike

# seconds(cmd...) — runs pinned to $CPU, prints "wall user sys" of the command.
seconds() {
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" taskset -c "$CPU" "$@" > "$WORK/out" 2> "$WORK/err"
  cat "$WORK/time"
}

best_ours=""; best_ours_cpu=""; best_tcpdump=""; best_tcpdump_cpu=""; best_sharppcap=""; best_sharppcap_cpu=""
for run in $(seq 1 "$RUNS"); do
  echo "== run $run/$RUNS"
  taskset -c "$CPU" "${BENCH[@]}" --decode "$FILE" accounting > "$WORK/ours"
  line=$(cat "$WORK/ours"); echo "sniffer (mapped file, decode + accounting): $line"
  wall=$(grep -o ' seconds=[0-9.]*' <<<"$line" | cut -d= -f2)
  cpu=$(grep -o 'cpu_seconds=[0-9.]*' <<<"$line" | cut -d= -f2)
  [[ -z $best_ours ]] || (( $(echo "$wall < $best_ours" | bc -l) )) && best_ours=$wall
  [[ -z $best_ours_cpu ]] || (( $(echo "$cpu < $best_ours_cpu" | bc -l) )) && best_ours_cpu=$cpu

  taskset -c "$CPU" "${BENCH[@]}" --decode "$FILE" accounting sharppcap > "$WORK/sharppcap"
  line=$(cat "$WORK/sharppcap"); echo "sniffer (SharpPcap CaptureFileReaderDevice, decode + accounting): $line"
  wall=$(grep -o ' seconds=[0-9.]*' <<<"$line" | cut -d= -f2)
  cpu=$(grep -o 'cpu_seconds=[0-9.]*' <<<"$line" | cut -d= -f2)
  [[ -z $best_sharppcap ]] || (( $(echo "$wall < $best_sharppcap" | bc -l) )) && best_sharppcap=$wall
  [[ -z $best_sharppcap_cpu ]] || (( $(echo "$cpu < $best_sharppcap_cpu" | bc -l) )) && best_sharppcap_cpu=$cpu

  read -r wall user sys < <(seconds tcpdump -r "$FILE" -w /dev/null)
  echo "tcpdump -r -w /dev/null: wall=${wall}s user=${user}s sys=${sys}s"
  cpu=$(echo "$user + $sys" | bc -l)
  [[ -z $best_tcpdump ]] || (( $(echo "$wall < $best_tcpdump" | bc -l) )) && best_tcpdump=$wall
  [[ -z $best_tcpdump_cpu ]] || (( $(echo "$cpu < $best_tcpdump_cpu" | bc -l) )) && best_tcpdump_cpu=$cpu
done

echo "== sniffer decode alone (no-op sink), once"
taskset -c "$CPU" "${BENCH[@]}" --decode "$FILE" | tee "$WORK/decodeonly"
decode_wall=$(grep -o ' seconds=[0-9.]*' "$WORK/decodeonly" | cut -d= -f2)

echo "== tshark on the first $TSHARK_PACKETS packets (SNI extraction)"
read -r tshark_wall tshark_user tshark_sys < <(seconds tshark -r "$FILE" -c "$TSHARK_PACKETS" -Y "tls.handshake.type == 1" -T fields -e tls.handshake.extensions_server_name)
hellos=$(grep -c . "$WORK/out" || true)
echo "tshark: wall=${tshark_wall}s user=${tshark_user}s sys=${tshark_sys}s, $hellos SNI lines"
read -r empty_wall _ < <(seconds tshark -r "$FILE" -c 1 -Y "tls.handshake.type == 1" -T fields -e tls.handshake.extensions_server_name)
echo "tshark start-up alone (1 packet): ${empty_wall}s (included in its rate below)"

if [[ $LIVE == 1 ]]; then
  echo "== live: bench/sniffer-live.sh on the same file ($LIVE_PACKETS packets per run)"
  if [[ $(id -u) -ne 0 ]] || ! command -v tcpreplay >/dev/null; then
    echo "live: skipped (needs root and tcpreplay)"
  else
    FILE=$FILE PACKETS=$LIVE_PACKETS bash "$ROOT/bench/sniffer-live.sh" || echo "live: failed"
  fi
fi

if [[ $BDN == 1 ]]; then
  echo "== BenchmarkDotNet: allocations on the decode and accounting paths"
  filters=('*DecodeBenchmarks*' '*SharpPcapReadBenchmarks*')
  [[ $(id -u) -eq 0 ]] && filters+=('*LiveCaptureBenchmarks*') # capturing on lo needs CAP_NET_RAW
  (cd "$WORK" && "${BENCH[@]}" --bdn --filter "${filters[@]}" --job short --inProcess 2>&1 | grep -E '^\|' ) || echo "BenchmarkDotNet failed"
fi

pps() { echo "$1 / $2" | bc -l | xargs printf '%.0f'; }
echo "== result: best of $RUNS, one core (CPU $CPU), $PACKETS packets ($(du -h "$FILE" | cut -f1)); tshark on $TSHARK_PACKETS"
echo "per CPU-second (user+sys): sniffer $(pps "$PACKETS" "$best_ours_cpu"), sniffer via SharpPcap $(pps "$PACKETS" "$best_sharppcap_cpu"), tcpdump $(pps "$PACKETS" "$best_tcpdump_cpu"), tshark $(pps "$TSHARK_PACKETS" "$(echo "$tshark_user + $tshark_sys" | bc -l)")"
echo "sniffer decode alone (no-op sink, one run): $(pps "$PACKETS" "$decode_wall") pps (wall)"
echo "sniffer via SharpPcap's CaptureFileReaderDevice (best of $RUNS): $(pps "$PACKETS" "$best_sharppcap") pps (wall)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sniffer pps=$(pps "$PACKETS" "$best_ours")"
echo "tshark pps=$(pps "$TSHARK_PACKETS" "$tshark_wall")"
echo "tcpdump pps=$(pps "$PACKETS" "$best_tcpdump")"
