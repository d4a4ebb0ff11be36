#!/usr/bin/env bash
# bench/blank.sh — the teacher's blank and the live classroom view, timed end to end (issue #5).
#
# Starts, on loopback and in a temporary folder: a real influxd, unbound as the upstream resolver, the console
# (published, HTTPS) and the DNS filter as their own processes over one state database, an Xvfb display and the
# pupil agent program enrolled in a room with a room token. Then (bench/ClassroomGuard.Classroom.Benchmarks):
#
#   blank: CYCLES blank/unblank cycles. Signed in as the room's teacher through the sign-in form, it sends the
#          tile buttons' form posts (POST /classroom/blank and /unblank with deviceId and the antiforgery token) and
#          times each from just before the POST to the agent's window MapNotify (blank) or UnmapNotify (unblank),
#          read by our own libX11 client selecting SubstructureNotify on the root window (what `xev -root -event
#          substructure` prints) on a thread blocked in poll(2) on the X socket: resolution well under 1 ms. Three
#          warm-up cycles are not counted; a random 200–700 ms pass between actions (a fixed period would lock onto
#          the phase of the console's 250 ms state-revision poll and bias the result).
#   live:  SAMPLES DNS queries with `dig -b 127.0.0.23` (an address the state gives the agent's device, in the room)
#          through the DNS filter, each timed from just before dig starts to the device's tile in the live view
#          (Chromium via Playwright, /rooms/{id}) showing the name in .tile-site — stamped in the page by a
#          MutationObserver (wall clock on both sides, same machine). Two warm-up queries; a random 1–2 s between
#          queries (no lock-step with the per-second flushes and reads on the way).
#          Skipped (NA) when the room page has no live view.
#
# Prints the summaries (min/median/p95/max), the load average at start and end, and last:
#   blank p95_ms=N     (target ≤ 1000)
#   live p95_ms=N      (target ≤ 3000)
# Environment: CYCLES (50), SAMPLES (50), SKIP_BUILD=1 (use the existing Release build).
# Needs: dotnet, influxd, unbound, dig, Xvfb, ImageMagick, chromium (image/packages.sh TEST_PACKAGES).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CYCLES="${CYCLES:-50}"
SAMPLES="${SAMPLES:-50}"

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
exec dotnet "$project/bin/Release/net10.0/ClassroomGuard.Classroom.Benchmarks.dll" --cycles "$CYCLES" --samples "$SAMPLES"
