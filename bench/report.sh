#!/usr/bin/env bash
# bench/report.sh — the reports (issue #14) from command to PDF for a school of 1,000 devices in 40 rooms.
#
#   bash bench/report.sh                        # 1,000 devices, 40 rooms, each report timed 3 times
#   DEVICES=200 ROOMS=10 RUNS=1 bash bench/report.sh
#   KEEP=/tmp/reports bash bench/report.sh      # also keep the PDFs and the printed HTML there, to look at
#
# Starts its own influxd (temporary folder, free loopback ports), then:
#   generate: bench/ClassroomGuard.Reports.Benchmarks writes the last whole week and the week before (the weekly-data
#             tests' ReportWeekGenerator: SQLite state through the StateStore, DNS, traffic and health points through
#             our InfluxWriter into influxd, then the hourly rollups);
#   measure:  `ClassroomGuard.Console report weekly --week W --out …` and `report governors --from … --to … --out …`
#             (Release build), each a fresh process as a technician or cron runs it, under /usr/bin/time -v. While it
#             runs, /proc is sampled every 50 ms: the console process's VmHWM (its own peak RSS), the proportional
#             set size (PSS, shared pages counted once) of the Chromium processes below it, added up, and in the same
#             sample the console's current RSS plus that Chromium PSS: the report's memory, command to PDF;
#   peer:     Debian's Chromium alone printing the same saved HTML with its own `--headless --print-to-pdf` (the floor:
#             what printing costs without our data, rendering or PuppeteerSharp), timed the same way, and printing
#             about:blank (Chromium's own floor, whatever the page);
#   check:    the weekly PDF holds the week's DNS query and block totals as the generator counted them.
# Prints the median seconds of each, the memory figures and last:
#   report weekly_s=N governors_s=N devices=1000 rss_mb=N     (targets: weekly ≤ 10 s, governors ≤ 5 s, rss ≤ 400 MB)
# where rss_mb is the largest sum, in one sample, of the console's RSS and its Chromium's PSS (the whole report).
set -euo pipefail

DEVICES=${DEVICES:-1000}
ROOMS=${ROOMS:-40}
RUNS=${RUNS:-3}
KEEP=${KEEP:-}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib/influxd.sh" # free_port, start_influxd (sets PID and URL); INFLUXD
for tool in dotnet curl ss pdftotext pdfinfo /usr/bin/time "$INFLUXD" "$CHROMIUM"; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is not installed (apt-get install influxdb curl iproute2 poppler-utils time chromium)" >&2; exit 1; }
done

bench_work report
build_bench "$ROOT/bench/ClassroomGuard.Reports.Benchmarks" # builds the console (Release) too
CONSOLE_DLL="$ROOT/console/bin/Release/net10.0/ClassroomGuard.Console.dll"
start_influxd "$WORK"
echo "loadavg at start: $(cat /proc/loadavg)"

# --- generate ---------------------------------------------------------------------------------------------------
mkdir -p "$WORK/etc" "$WORK/out"
vars=$(TMPDIR="$WORK" $BENCH --url "$URL" --db bench_report --state "$WORK/state.db" --devices "$DEVICES" --rooms "$ROOMS")
eval "$vars" # WEEK FROM TO DEVICES DEVICES_SEEN QUERIES BLOCKS BYTES
echo "week $WEEK, governors' period $FROM to $TO; the week: $DEVICES_SEEN devices seen, $QUERIES DNS queries, $BLOCKS blocks"

# The appliance's settings for this run only (an empty settings folder: nothing from /etc/classroomguard).
export CLASSROOMGUARD_CONFIG_DIR="$WORK/etc"
SETTINGS=("--State:Path=$WORK/state.db" "--Influx:Url=$URL" "--Influx:Database=bench_report" "--Influx:SpoolDirectory=$WORK/spool"
          "--Console:DataProtectionKeysPath=$WORK/keys" "--Reports:SchoolName=Bench Academy" "--Reports:ChromiumPath=$CHROMIUM")

# measure LABEL COMMAND…: runs it under /usr/bin/time -v, sampling /proc; appends
# "seconds console_hwm_kb chromium_pss_kb tree_kb total_kb" to $WORK/LABEL.runs (total: console RSS + Chromium PSS, one sample).
measure() {
  local label=$1; shift
  /usr/bin/time -v -o "$WORK/$label.time" "$@" > "$WORK/$label.out" 2> "$WORK/$label.err" &
  local tpid=$! dpid="" hwm=0 chromium=0 total=0 v r c
  while kill -0 "$tpid" 2>/dev/null; do
    [[ -n $dpid ]] || dpid=$(pgrep -P "$tpid" | head -n 1 || true)
    if [[ -n $dpid && -r /proc/$dpid/status ]]; then
      v=$(awk '/^VmHWM:/ {print $2}' "/proc/$dpid/status" 2>/dev/null || true)
      [[ -n $v ]] && hwm=$v
      r=$(awk '/^VmRSS:/ {print $2}' "/proc/$dpid/status" 2>/dev/null || true)
      c=0
      for p in $(ps -eo pid=,ppid= | awk -v root="$dpid" '{parent[$1]=$2} END {for (p in parent) {q=parent[p]; while (q > 1) {if (q == root) {print p; break} q=parent[q]}}}'); do
        c=$((c + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
      done
      (( c > chromium )) && chromium=$c
      (( ${r:-0} + c > total )) && total=$(( ${r:-0} + c ))
    fi
    sleep 0.05
  done
  wait "$tpid" || { echo "$label failed:" >&2; cat "$WORK/$label.out" "$WORK/$label.err" >&2; return 1; }
  local seconds tree
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2, t, ":"); s=0; for (i=1; i<=n; i++) s=s*60+t[i]; print s}' "$WORK/$label.time")
  tree=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$label.time")
  echo "$seconds $hwm $chromium $tree $total" >> "$WORK/$label.runs"
}

# --- measure ----------------------------------------------------------------------------------------------------
for run in $(seq 1 "$RUNS"); do
  measure weekly dotnet "$CONSOLE_DLL" report weekly --week "$WEEK" --out "$WORK/out/weekly.pdf" --save-html "$WORK/weekly.html" "${SETTINGS[@]}"
  measure governors dotnet "$CONSOLE_DLL" report governors --from "$FROM" --to "$TO" --out "$WORK/out/governors.pdf" "${SETTINGS[@]}"
done
cat "$WORK/weekly.out" "$WORK/governors.out"

# --- peer: Chromium alone prints the same HTML ------------------------------------------------------------------
sandbox=(); [[ $(id -u) -eq 0 ]] && sandbox=(--no-sandbox) # Chromium's sandbox does not start as root
for run in $(seq 1 "$RUNS"); do
  measure chromium-only "$CHROMIUM" --headless "${sandbox[@]}" --disable-gpu --host-resolver-rules="MAP * ~NOTFOUND" \
    --print-to-pdf="$WORK/out/floor.pdf" "file://$WORK/weekly.html"
  measure chromium-blank "$CHROMIUM" --headless "${sandbox[@]}" --disable-gpu --host-resolver-rules="MAP * ~NOTFOUND" \
    --print-to-pdf="$WORK/out/blank.pdf" "about:blank"
done

# --- check ------------------------------------------------------------------------------------------------------
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
text=$(pdftotext -layout "$WORK/out/weekly.pdf" -)
for figure in "$(commas "$QUERIES")" "$(commas "$BLOCKS")"; do
  grep -qF -- "$figure" <<<"$text" || { echo "error: the weekly PDF does not show the generated total $figure" >&2; exit 1; }
done
echo "weekly PDF: $(pdfinfo "$WORK/out/weekly.pdf" | awk -F': *' '/^Pages/ {print $2}') pages, $(stat -c %s "$WORK/out/weekly.pdf") bytes, HTML $(stat -c %s "$WORK/weekly.html") bytes; governors' PDF: $(pdfinfo "$WORK/out/governors.pdf" | awk -F': *' '/^Pages/ {print $2}') pages; totals checked"

if [[ -n $KEEP ]]; then mkdir -p "$KEEP" && cp "$WORK"/out/*.pdf "$WORK/weekly.html" "$KEEP/" && echo "kept in $KEEP"; fi

# --- summary ----------------------------------------------------------------------------------------------------
median() { sort -n | awk '{v[NR]=$1} END {printf "%.2f", v[int((NR+1)/2)]}'; }
maxcol() { awk -v c="$1" '$c > m {m=$c} END {printf "%.0f", m/1024}'; }
for label in weekly governors; do
  printf '%-14s runs=%d median_s=%s min_s=%s console_peak_rss_mb=%s chromium_pss_mb=%s largest_process_rss_mb=%s console_plus_chromium_mb=%s\n' "$label" "$RUNS" \
    "$(cut -d' ' -f1 "$WORK/$label.runs" | median)" "$(cut -d' ' -f1 "$WORK/$label.runs" | sort -n | head -n 1)" \
    "$(maxcol 2 < "$WORK/$label.runs")" "$(maxcol 3 < "$WORK/$label.runs")" "$(maxcol 4 < "$WORK/$label.runs")" "$(maxcol 5 < "$WORK/$label.runs")"
done
# For the peer the sampled process is Chromium's browser process itself: its children's PSS is the rest of Chromium.
# Their sum in one sample (column 5: the browser process's RSS + the others' PSS) is Chromium's whole cost.
for label in chromium-only chromium-blank; do
  printf '%-14s runs=%d median_s=%s min_s=%s browser_process_peak_rss_mb=%s other_chromium_pss_mb=%s chromium_total_mb=%s\n' "$label" "$RUNS" \
    "$(cut -d' ' -f1 "$WORK/$label.runs" | median)" "$(cut -d' ' -f1 "$WORK/$label.runs" | sort -n | head -n 1)" \
    "$(maxcol 4 < "$WORK/$label.runs")" "$(maxcol 3 < "$WORK/$label.runs")" "$(maxcol 5 < "$WORK/$label.runs")"
done
echo "loadavg at end: $(cat /proc/loadavg)"
weekly_s=$(cut -d' ' -f1 "$WORK/weekly.runs" | median)
governors_s=$(cut -d' ' -f1 "$WORK/governors.runs" | median)
rss_mb=$(cat "$WORK/weekly.runs" "$WORK/governors.runs" | maxcol 5) # the console and its Chromium together
echo "report weekly_s=$weekly_s governors_s=$governors_s devices=$DEVICES rss_mb=$rss_mb"
