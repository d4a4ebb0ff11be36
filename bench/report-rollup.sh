#!/usr/bin/env bash
# bench/report-rollup.sh — the time of one hour's report rollup (ReportRollup.RollUpHourAsync) over raw data at
# per-second density: DEVICES devices (default 1000), each with a dns_activity and a net_activity point every second
# (5 names each) and a block every 10 seconds, written into a fresh influxd on a free loopback port; SECONDS_OF_DATA
# (default 3600) seconds of it. Prints the write time and the rollup time (docs/benchmarks.md).
set -euo pipefail

DEVICES=${DEVICES:-1000}
SECONDS_OF_DATA=${SECONDS_OF_DATA:-3600}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib/influxd.sh"
[[ -x $INFLUXD ]] || { echo "influxd not found at $INFLUXD: apt-get install influxdb" >&2; exit 1; }

bench_work report-rollup
build_bench "$ROOT/bench/ClassroomGuard.Storage.Benchmarks"
start_influxd "$WORK"
$BENCH --report-rollup --url "$URL" --devices "$DEVICES" --seconds "$SECONDS_OF_DATA" --batch 10000
