#!/usr/bin/env bash
# Throughput of our InfluxWriter against curl POSTing the same line protocol, into one local influxd.
#
#   bash bench/influx.sh            # 1,500,000 points, 3,000 devices, batches of 5,000
#   POINTS=2000000 bash bench/influx.sh
#
# Starts its own influxd (temporary folders, free loopback ports), provisions two databases with our
# provisioner, then measures in the same run:
#   curl:   the workload pre-serialised by our PointBuilder into gzipped batch files (gzip "fastest", like the
#           writer), POSTed one after the other by ONE curl process over one keep-alive connection;
#   writer: InfluxWriter doing everything itself: serialising each point, batching, gzip, POST, one request at a
#           time, timed from the first point until the last batch is acknowledged (204).
# Both counts are verified with SELECT count(*). curl runs first (on the emptier server), which favours curl.
# Prints, as its last two lines:  writer points_per_s=N  and  curl points_per_s=N
set -euo pipefail

POINTS=${POINTS:-1500000}
DEVICES=${DEVICES:-3000}
BATCH=${BATCH:-5000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib/influxd.sh" # free_port, start_influxd (sets PID and URL); INFLUXD
[[ -x $INFLUXD ]] || { echo "influxd not found at $INFLUXD: apt-get install influxdb" >&2; exit 1; }

bench_work influx
build_bench "$ROOT/bench/ClassroomGuard.Storage.Benchmarks"

start_influxd "$WORK"

$BENCH --provision --url "$URL" --db bench_curl
$BENCH --provision --url "$URL" --db bench_writer

count() {
  curl -fsG "$URL/query" --data-urlencode "db=$1" --data-urlencode 'q=SELECT count("queries") FROM "raw"."dns_activity"' \
    | jq -r '.results[0].series[0].values[0][1] // 0'
}

# --- curl: same points, pre-serialised and pre-gzipped, one process, sequential keep-alive POSTs -------------
BASE=$(( $(date +%s) - 3600 ))   # one hour ago: inside the 7-day raw retention policy
$BENCH --generate "$WORK/batches" --points "$POINTS" --devices "$DEVICES" --batch "$BATCH" --base "$BASE"
{
  first=1
  for file in "$WORK"/batches/*.lp.gz; do
    [[ $first == 1 ]] || echo "next"
    first=0
    echo "url = \"$URL/write?db=bench_curl&rp=raw&precision=ns\""
    echo "header = \"Content-Encoding: gzip\""
    echo "header = \"Content-Type: text/plain; charset=utf-8\""
    echo "data-binary = \"@$file\""
    echo "output = \"/dev/null\""
    echo "write-out = \"%{http_code}\\n\""
  done
} > "$WORK/curl.conf"
start=$(date +%s%N)
curl -s -K "$WORK/curl.conf" > "$WORK/curl.codes"
end=$(date +%s%N)
bad=$(grep -vc '^204$' "$WORK/curl.codes" || true)
[[ $bad == 0 ]] || { echo "curl: $bad requests did not get 204" >&2; sort "$WORK/curl.codes" | uniq -c >&2; exit 1; }
curl_count=$(count bench_curl)
[[ $curl_count == "$POINTS" ]] || { echo "curl: server has $curl_count points, expected $POINTS" >&2; exit 1; }
curl_rate=$(( POINTS * 1000000000 / (end - start) ))
echo "curl: $POINTS points in $(( (end - start) / 1000000 )) ms, verified count=$curl_count"

# --- our writer ---------------------------------------------------------------------------------------------
$BENCH --writer --url "$URL" --db bench_writer --points "$POINTS" --devices "$DEVICES" --batch "$BATCH" --base "$BASE" | tee "$WORK/writer.out"
writer_count=$(count bench_writer)
[[ $writer_count == "$POINTS" ]] || { echo "writer: server has $writer_count points, expected $POINTS" >&2; exit 1; }
writer_rate=$(sed -n 's/^writer_rate=//p' "$WORK/writer.out")
echo "writer: verified count=$writer_count; writer/curl = $(( writer_rate * 100 / curl_rate ))%"

echo "writer points_per_s=$writer_rate"
echo "curl points_per_s=$curl_rate"
