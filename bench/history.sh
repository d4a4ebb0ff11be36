#!/usr/bin/env bash
# bench/history.sh — the block history (issue #13): each page of a search over a week of blocks for 1,000 devices.
#
#   bash bench/history.sh                  # 1,000 devices, 7 days, 40 timed pages of each kind
#   DEVICES=200 DAYS=2 SAMPLES=10 bash bench/history.sh
#
# Starts its own influxd (temporary folders, free loopback ports), then bench/ClassroomGuard.History.Benchmarks:
#   generate: a week of dns_blocks into the `blocks` policy through our InfluxWriter (WeekOfBlocks.cs: school hours in
#             Europe/London, ~12 blocks per device per school hour, 3,000 domains in 14 categories, Zipf popularity,
#             deny entries, teacher pauses and focus, circumvention), verified with SELECT count(*);
#   measure:  pages of 50 through BlockHistoryReader (the /blocks page's and the CSV export's code): the first page
#             unfiltered, by device, by domain (suffix match), by category, and a page deep in the week via the cursor,
#             interleaved in random order after a warm-up;
#   peer:     the same InfluxQL text of every timed page sent by curl (one process per request, time_total), i.e.
#             influxd's own time for the request without our reader (our reader adds a second request when a
#             page's last second was cut by LIMIT).
# Prints the summaries, the load average at start and end, and last:
#   history p95_ms=N devices=1000 days=7        (target: each page under 1 s)
set -euo pipefail

DEVICES=${DEVICES:-1000}
DAYS=${DAYS:-7}
SAMPLES=${SAMPLES:-40}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib/influxd.sh" # free_port, start_influxd (sets PID and URL); INFLUXD
for tool in dotnet curl ss "$INFLUXD"; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is not installed (apt-get install influxdb curl iproute2)" >&2; exit 1; }
done

bench_work history
build_bench "$ROOT/bench/ClassroomGuard.History.Benchmarks"

start_influxd "$WORK"
echo "loadavg at start: $(cat /proc/loadavg)"

# TMPDIR: the writer's spool folder goes in $WORK, removed on exit.
TMPDIR="$WORK" $BENCH --url "$URL" --db bench_history --devices "$DEVICES" --days "$DAYS" --samples "$SAMPLES" --peer-file "$WORK/peer.tsv" | tee "$WORK/ours.out"

# --- peer: the same requests through curl ---------------------------------------------------------------------
while IFS=$'\t' read -r kind query; do
  ms=$(curl -fsG -o /dev/null -w '%{time_total}' "$URL/query" --data-urlencode "db=bench_history" --data-urlencode "epoch=ns" \
         --data-urlencode "q=$query" | awk '{printf "%.1f", $1 * 1000}')
  printf '%s\t%s\n' "$kind" "$ms"
done < "$WORK/peer.tsv" > "$WORK/peer.ms"
p95() { sort -n | awk '{v[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; printf "n=%d min=%.1f median=%.1f p95=%.1f max=%.1f ms", NR, v[1], v[int((NR+1)/2)], v[i], v[NR]}'; }
for kind in "first page" "by device" "by domain" "by category" "deep page"; do
  printf 'curl %-12s %s\n' "$kind" "$(awk -F'\t' -v k="$kind" '$1==k {print $2}' "$WORK/peer.ms" | p95)"
done
printf 'curl %-12s %s\n' "all pages" "$(cut -f2 "$WORK/peer.ms" | p95)"
echo "loadavg at end: $(cat /proc/loadavg)"
echo "curl p95_ms=$(cut -f2 "$WORK/peer.ms" | sort -n | awk '{v[NR]=$1} END {i=int(NR*0.95+0.999); printf "%.0f", v[i]}')"
tail -n 1 "$WORK/ours.out"
