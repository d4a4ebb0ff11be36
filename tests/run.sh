#!/usr/bin/env bash
# Runs the whole ClassroomGuard test suite (every test project in the solution, Release build)
# and ends with one line: "tests: N passed, N failed, N skipped".
# The tests start real servers (influxd, unbound, Xvfb, tshark, …) on loopback and in network namespaces
# they create, so it runs as root and first installs the Debian packages they need (TEST_PACKAGES in
# image/packages.sh; not as root, it names the missing ones and stops).
# The tests never read an installed appliance's /etc/classroomguard nor write its /var/lib/classroomguard:
# every test assembly points CLASSROOMGUARD_CONFIG_DIR at an empty folder of its own. As a backstop, this
# script gives the run a poisoned folder instead of /etc/classroomguard (a test that reads it fails, or
# leaves a canary that is reported below), and fails when root wrote into the appliance's folders meanwhile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=image/packages.sh
source image/packages.sh

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: 'dotnet' is not installed: the .NET 10 SDK (dotnet-sdk-10.0) is needed, see README.md." >&2
  exit 1
fi
install_packages "${TEST_PACKAGES[@]}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d /tmp/cg-tests-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
log=$work/test.log
marker=$work/started

# The backstop: settings no test may see. Any service reading them fails (two capture sources, an invalid
# listen address) or drops a canary folder.
poison=$work/poisoned-config
mkdir -p "$poison"
chmod 755 "$work" "$poison"
cat >"$poison/zz-poison.json" <<JSON
{
  "Sniffer": { "Interface": "cgpoison0", "ReadFile": "$work/poison.pcap" },
  "Dns": { "Listen": [ "poisoned-by-tests-run.sh" ] },
  "Influx": { "Url": "http://127.0.0.1:9/", "SpoolDirectory": "$work/canary/spool" },
  "State": { "Path": "$work/canary/state.db" },
  "Console": { "DataProtectionKeysPath": "$work/canary/keys" },
  "Reports": { "Directory": "$work/canary/reports" }
}
JSON
export CLASSROOMGUARD_CONFIG_DIR=$poison
# ClassroomGuard__* settings of the caller's shell would reach every service the tests start.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^ClassroomGuard__' || true)
touch "$marker"

rc=0
dotnet test ClassroomGuard.sln -c Release "$@" 2>&1 | tee "$log" || rc=$?

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, …").
summary=$(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
if [ -e "$work/canary" ]; then
  echo "error: a test read the machine's configuration folder (the poisoned $poison): it left $work/canary" >&2
  rc=1
fi
# An installed appliance writes there itself, as its service user; the tests run as root.
written=$(find /var/lib/classroomguard /var/lib/classroomguard-agent /etc/classroomguard -newer "$marker" -user root 2>/dev/null | head -n 20 || true)
if [ -n "$written" ]; then
  echo "error: the tests wrote into the appliance's folders:" >&2
  echo "$written" >&2
  rc=1
fi
echo "tests: ${summary:-0 passed, 0 failed, 0 skipped}"
if [ "$rc" -eq 0 ] && grep -qE '^tests: 0 passed' <<<"tests: $summary"; then
  echo "error: no test ran" >&2
  rc=1
fi
exit "$rc"
