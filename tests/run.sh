#!/usr/bin/env bash
# Runs the whole ClassroomGuard test suite (every test project in the solution, Release build)
# and ends with one line: "tests: N passed, N failed, N skipped".
# The tests start real servers (influxd, …) on loopback: the Debian packages in
# image/packages.sh (TEST_PACKAGES) must be installed — .ci/run and image/setup.sh do that.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in dotnet influxd; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: '$tool' is not installed. Run 'sudo bash .ci/run' once (it installs the test packages), or see README.md." >&2
    exit 1
  fi
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
dotnet test ClassroomGuard.sln -c Release "$@" 2>&1 | tee "$log" || rc=$?

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, …").
summary=$(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
echo "tests: ${summary:-0 passed, 0 failed, 0 skipped}"
if [ "$rc" -eq 0 ] && grep -qE '^tests: 0 passed' <<<"tests: $summary"; then
  echo "error: no test ran" >&2
  rc=1
fi
exit "$rc"
