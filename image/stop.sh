#!/usr/bin/env bash
# Stops the ClassroomGuard services that image/setup.sh started. Data and settings stay.
# Honours CG_PREFIX like set-up does.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=image/lib.sh
source "$repo/image/lib.sh"
run=${CG_PREFIX:-}/run/classroomguard
if [ -z "${CG_PREFIX:-}" ] && [ -d /run/systemd/system ] && [ -z "${CG_NO_SYSTEMD:-}" ]; then
  systemctl stop classroomguard-sniffer.service classroomguard-dnsfilter.service classroomguard-console.service classroomguard-influxdb.service 2>/dev/null || true
fi
for name in sniffer dnsfilter console influxd; do
  stop_background "$name" "$run"
done
echo "ClassroomGuard services stopped."
