#!/usr/bin/env bash
# bench/blank.sh — the teacher's blank and the live classroom view, timed end to end through the interactive room
# page (issues #5 and #10).
#
# Starts, on loopback and in a temporary folder: a real influxd, unbound as the upstream resolver, the console
# (published, HTTPS) and the DNS filter as their own processes over one state database, an Xvfb display and the
# pupil agent program enrolled in a room with a room token. Chromium (Playwright) signs in as the room's teacher
# through the sign-in form and opens the room page (Blazor Server circuit). Then (bench/ClassroomGuard.Classroom.Benchmarks):
#
#   blank:   CYCLES blank/unblank cycles. Each is a click on the tile's Blank (Unblank) button, timed from just before
#            the click to the agent's window MapNotify (UnmapNotify), read by our own libX11 client selecting
#            SubstructureNotify on the root window on a thread blocked in poll(2) on the X socket: resolution well
#            under 1 ms. Three warm-up cycles are not counted; a random 200–700 ms pass between actions (a fixed period
#            would lock onto the phase of the console's 250 ms state-revision poll and bias the result).
#   live:    SAMPLES DNS queries with `dig -b 127.0.0.23` (an address the state gives the agent's device, in the room)
#            through the DNS filter, each timed from just before dig starts to the device's tile showing the name in
#            .tile-site (pushed over the circuit) — stamped in the page by a MutationObserver (wall clock on both
#            sides, same machine). Two warm-up queries; a random 1–2 s between queries.
#   console: KIOSKS more rooms with a device each, all assigned to the same teacher (a teacher sees only their rooms),
#            one Chromium page per room (KIOSKS circuits and room feeds); after 10 s with all of them live, the console's
#            CPU over the next 20 s (printed) and then its VmRSS.
#
# Prints the summaries (min/median/p95/max), the load average at start and end, and last:
#   blank p95_ms=N                 (target ≤ 250)
#   live p95_ms=N                  (target ≤ 1500)
#   console rss_mb=N circuits=30   (target ≤ 400)
# Environment: CYCLES (50), SAMPLES (50), KIOSKS (30), SKIP_BUILD=1 (use the existing Release build).
# Needs: dotnet, influxd, unbound, dig, Xvfb, ImageMagick, chromium (image/packages.sh TEST_PACKAGES).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CYCLES="${CYCLES:-50}"
SAMPLES="${SAMPLES:-50}"
KIOSKS="${KIOSKS:-30}"

for tool in dotnet influxd unbound dig Xvfb chromium; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: '$tool' is not installed (sudo bash .ci/run installs the test packages, see image/packages.sh)" >&2
    exit 1
  fi
done

project="$repo/bench/ClassroomGuard.Classroom.Benchmarks"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building $project (Release)…" >&2
  dotnet build -c Release -nologo -v q "$project" >/tmp/cg-blank-build.log 2>&1 ||
    { cat /tmp/cg-blank-build.log >&2; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet "$project/bin/Release/net10.0/ClassroomGuard.Classroom.Benchmarks.dll" --cycles "$CYCLES" --samples "$SAMPLES" --kiosks "$KIOSKS"
