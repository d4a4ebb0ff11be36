#!/usr/bin/env bash
# Upgrades ClassroomGuard in place to a newer release, and goes back by itself when the new one does not come up.
#
# Usage: image/upgrade.sh BUNDLE [--allow-downgrade] [--timeout SECONDS]
#   BUNDLE              a newer build's classroomguard-<version>-upgrade.tar (image/build.sh makes it), or a release
#                       folder (image/release.sh makes one)
#   --allow-downgrade   also install a release OLDER than the running one (the same version is always refused)
#   --timeout SECONDS   how long the services have to come up healthy after the switch (default 180)
#
# Nothing stops until the bundle is known to be a whole, newer release. Then: the services stop, a copy of the state
# database and the settings is kept, /opt/classroomguard/current points at the new release, its units are installed,
# the state database migrates, the services start and must answer healthy. If anything fails, the old release, its
# units, the database copy and the settings are put back and started again. InfluxDB data, lists, reports, keys and
# secrets are never touched. Log: /var/log/classroomguard/upgrade-<date>.log. Exit codes: docs/image.md.
#
# Environment: CG_PREFIX (an install under a folder, as image/setup.sh makes it), CG_NO_SYSTEMD=1, CG_RUN_AS (the
# services' user; default: the owner of /var/lib/classroomguard).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=image/lib.sh
source "$repo/image/lib.sh"
# shellcheck source=image/upgrade-lib.sh
source "$repo/image/upgrade-lib.sh"

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
bundle="" allow_downgrade=0 timeout=180
while [ $# -gt 0 ]; do
  case "$1" in
    --allow-downgrade) allow_downgrade=1; shift ;;
    --timeout)
      timeout=${2:-}
      case "$timeout" in '' | *[!0-9]*) echo "error: --timeout needs a number of seconds" >&2; exit 64 ;; esac
      shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 64 ;;
    *) [ -z "$bundle" ] || { echo "error: one bundle only ($bundle, $1)" >&2; exit 64; }; bundle=$1; shift ;;
  esac
done
[ -n "$bundle" ] || { echo "error: no bundle given: image/upgrade.sh classroomguard-<version>-upgrade.tar (see --help)" >&2; exit 64; }

prefix=${CG_PREFIX:-}
if [ -z "$prefix" ] && ! is_root; then
  echo "error: an upgrade replaces the services and their units: run it as root (sudo $0 $bundle)" >&2
  exit 77
fi
etc=$prefix/etc/classroomguard
lib=$prefix/var/lib/classroomguard
opt=$prefix/opt/classroomguard
log=$prefix/var/log/classroomguard
run=$prefix/run/classroomguard
use_systemd=0
if [ -z "${CG_NO_SYSTEMD:-}" ] && [ -z "$prefix" ] && [ -d /run/systemd/system ]; then use_systemd=1; fi

if [ ! -L "$opt/current" ] || [ ! -f "$opt/current/VERSION" ] || [ ! -f "$etc/appliance.json" ]; then
  echo "error: ClassroomGuard is not installed here (no $opt/current or $etc/appliance.json): run image/setup.sh first" >&2
  exit 69
fi
for tool in tar sqlite3 curl dig flock; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing: sudo apt-get install $tool (dig: bind9-dnsutils), then run this again" >&2; exit 69; }
done
bundle=$(realpath -e -- "$bundle" 2>/dev/null) || { echo "error: there is no file or folder $bundle" >&2; exit 66; }
run_as=${CG_RUN_AS:-$(stat -c %U "$lib")}
old_version=$(cat "$opt/current/VERSION")
old_target=$(readlink "$opt/current")

# One upgrade at a time; set-up's folders exist on an installed appliance. The services are started with this
# descriptor closed (9>&-): one that inherited it would hold the lock for as long as it runs. They are started from a
# subshell, so this shell has no job to report when a broken one dies.
exec 9>"$run/upgrade.lock"
flock -n 9 || { echo "error: another upgrade is running now; wait for it to finish" >&2; exit 75; }
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
logfile=$log/upgrade-$stamp.log
exec > >(tee -a "$logfile")
tee_pids=$!
exec 2> >(tee -a "$logfile" >&2)
tee_pids+=" $!"
phase=checked
# finish — on every exit: an upgrade stopped half-way (a failed command, Ctrl-C) is rolled back; then the log is
# written out before the script ends.
finish() {
  local rc=$?
  case "$phase" in
    stopped | switched) roll_back "it stopped unexpectedly (exit $rc) while the services were $phase" && rc=0 || rc=$? ;;
  esac
  exec >&- 2>&-
  # shellcheck disable=SC2086 # two pids
  wait $tee_pids 2>/dev/null || true
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM
say() { printf '==> %s\n' "$*"; }
# refuse CODE WHY — stops before anything changed.
refuse() {
  echo "error: $2" >&2
  echo "Nothing was changed: ClassroomGuard still runs $old_version." >&2
  exit "$1"
}

# 1. The bundle: a whole release, newer than this one, unpacked beside the others.
say "Checking $bundle (installed: $old_version)"
if [ -d "$bundle" ]; then
  [ -f "$bundle/VERSION" ] || refuse 65 "$bundle is not a ClassroomGuard release (no VERSION file)"
  new_version=$(head -n 1 "$bundle/VERSION")
  valid_version "$new_version" || refuse 65 "$bundle/VERSION holds '$new_version', not a release version"
else
  new_version=$(bundle_version "$bundle" 2>&1) || refuse 65 "$new_version"
fi
[ "$new_version" != "$old_version" ] || refuse 65 "ClassroomGuard $old_version is already installed: the bundle holds the same version"
if ! is_newer "$new_version" "$old_version" && [ "$allow_downgrade" -eq 0 ]; then
  refuse 65 "$new_version is older than the installed $old_version (to go back to it anyway: --allow-downgrade)"
fi
new_release=$opt/releases/$new_version
partial=$new_release.partial
[ "$(readlink -f "$new_release")" != "$(readlink -f "$opt/current")" ] || refuse 65 "$new_version is the running release"
rm -rf "$partial"
state_db=$(json_value "$etc/appliance.json" Path)
state_db=${state_db:-$lib/state.db}
need_kb=$(($(du -sk "$bundle" | cut -f1) + 2 * $(du -sk "$state_db" 2>/dev/null | cut -f1 || echo 0) + 10240))
free_kb=$(df -Pk "$opt/releases" | awk 'NR == 2 {print $4}')
[ "$free_kb" -ge "$need_kb" ] || refuse 73 "not enough disk space: the upgrade needs about $((need_kb / 1024)) MiB under $opt, $((free_kb / 1024)) MiB are free"
unpack_bundle "$bundle" "$new_version" "$partial" 2>/dev/null || { rm -rf "$partial"; refuse 73 "could not unpack $bundle into $partial (disk full?)"; }
problem=$(check_release "$partial" "$new_version" 2>&1) || { rm -rf "$partial"; refuse 65 "$bundle is not a ClassroomGuard release: $problem"; }
if is_root; then chown -R root:root "$partial"; fi
rm -rf "$new_release"
mv "$partial" "$new_release"

# What runs now is what must run afterwards: the console always, the DNS filter once it has settings, the sniffer
# when it was capturing.
services=(console)
[ -f "$etc/dns.json" ] && services+=(dnsfilter)
sniff_interface=""
if [ -f "$etc/sniffer.json" ] && service_running sniffer; then
  services+=(sniffer)
  sniff_interface=$(json_value "$etc/sniffer.json" Interface)
fi
health_url=$(console_health_url)
schema_before=$(sqlite3 "$state_db" 'PRAGMA user_version' 2>/dev/null || echo unknown)

# switch_current TARGET — points current at TARGET (releases/<v>) in one rename, so it is never missing.
switch_current() { ln -sfn "$1" "$opt/.current.new" && mv -T "$opt/.current.new" "$opt/current"; }

# start_all — the units (systemd) or processes of the release current points at, started as set-up starts them.
start_all() {
  dotnet_bin=$opt/current/dotnet/dotnet
  [ -x "$dotnet_bin" ] || dotnet_bin=$(find_dotnet)
  units_dir=$opt/current/image/systemd
  if [ "$use_systemd" -eq 1 ] && [ -f /etc/systemd/system/classroomguard-influxdb.service ]; then
    install_unit classroomguard-influxdb "$etc" "$opt/current" "$run_as" || { problem="InfluxDB's unit could not be started"; return 1; }
  fi
  migrate || return 1
  local name
  for name in "${services[@]}"; do
    if [ "$name" = sniffer ]; then
      (start_sniffer_and_wait "$sniff_interface") 9>&- || { problem="the sniffer did not start capturing on $sniff_interface"; return 1; }
    else
      (start_service "$name") 9>&- || { problem="the $name could not be started"; return 1; }
    fi
  done
  wait_healthy
}

# migrate — the current release's console creates or upgrades the state database, as the services' user.
migrate() {
  local output rc=0
  output=$(run_as_user "$run_as" env CLASSROOMGUARD_CONFIG_DIR="$etc" timeout 600 \
    "$dotnet_bin" "$opt/current/console/ClassroomGuard.Console.dll" migrate 2>&1) || rc=$?
  printf '%s\n' "$output" >>"$logfile"
  [ "$rc" -eq 0 ] && return 0
  problem="the state database migration failed (exit $rc): $(tail -n 3 <<<"$output" | paste -sd' ' -)"
  return 1
}

# wait_healthy — every started service answers within the time limit: the console's state check, the DNS filter's
# readiness canary. Sets problem and fails otherwise, quoting the end of the service's log.
wait_healthy() {
  local deadline=$((SECONDS + timeout)) state="" dns_host dns_port
  while [ "$SECONDS" -lt "$deadline" ]; do
    state=$(console_state "$health_url")
    case "$state" in Healthy | Degraded) break ;; esac
    if service_gone console; then break; fi
    sleep 1
  done
  case "$state" in
    Healthy | Degraded) console_status="state $state ($health_url)" ;;
    *)
      local how="within ${timeout}s (its state: ${state:-no answer})"
      service_gone console && how="it stopped"
      problem="the console did not answer healthy at $health_url: $how; its log ends: $(log_tail console | tail -n 5)"
      return 1 ;;
  esac
  dns_status="not configured (no $etc/dns.json)"
  if [[ " ${services[*]} " == *" dnsfilter "* ]]; then
    read -r dns_host dns_port < <(dns_probe_target "$(dns_listen_setting)")
    until dns_answers_nxdomain "$dns_host" "$dns_port" use-application-dns.net; do
      if service_gone dnsfilter; then
        problem="the DNS filter did not answer on $dns_host port $dns_port: it stopped; its log ends: $(log_tail dnsfilter | tail -n 5)"
        return 1
      elif [ "$SECONDS" -ge "$deadline" ]; then
        problem="the DNS filter did not answer on $dns_host port $dns_port within ${timeout}s; its log ends: $(log_tail dnsfilter | tail -n 5)"
        return 1
      fi
      sleep 0.5
    done
    dns_status="answering on $dns_host port $dns_port"
  fi
}

# restore_data — the state database and the settings as they were when the services stopped.
restore_data() {
  [ -f "$backup/state.db" ] || return 0
  cp -p "$backup/state.db" "$state_db.rollback"
  # A stale write-ahead log would be replayed into the copy.
  rm -f "$state_db-wal" "$state_db-shm"
  mv -f "$state_db.rollback" "$state_db"
  if ! diff -rq "$backup/etc" "$etc" >/dev/null 2>&1; then
    rm -rf "$etc.rollback" && cp -a "$backup/etc" "$etc.rollback"
    rm -rf "$etc" && mv "$etc.rollback" "$etc"
  fi
}

# roll_back WHY — back to the old release, units, database and settings; returns 1 when it is healthy again, else 2.
roll_back() {
  phase="rolling back"
  echo "error: the upgrade to $new_version failed: $1" >&2
  say "Rolling back to $old_version"
  stop_services
  switch_current "$old_target"
  restore_data
  problem=""
  if start_all; then
    echo "ClassroomGuard is back on $old_version: the console is $console_status, the DNS filter is $dns_status." >&2
    echo "The state database and settings are as they were before the upgrade. The failed release stays in $new_release for diagnosis; this upgrade's log: $logfile" >&2
    return 1
  fi
  echo "error: ClassroomGuard is on $old_version again but does not come up healthy either: $problem" >&2
  echo "The copy of the state database and settings from before the upgrade is in $backup. See $logfile and the services' logs, or restore a backup (image/restore.sh)." >&2
  return 2
}

# 2. Stop, keep a copy of what an upgrade could change, switch.
say "Stopping the services (${services[*]})"
phase=stopped
stop_services
# After the stop nothing writes, so the copy is the database at the switch: a rollback loses no change.
backup=$lib/upgrade-backups/$stamp-from-$old_version
install -d -m 0700 "$lib/upgrade-backups" "$backup"
say "Copying the state database and settings to $backup"
if [ -f "$state_db" ]; then
  if ! sqlite3 "$state_db" ".backup '$backup/state.db'" || [ "$(sqlite3 "$backup/state.db" 'PRAGMA integrity_check')" != ok ]; then
    roll_back "could not make a consistent copy of the state database $state_db into $backup (disk full?)" || exit $?
  fi
  # The copy gets the database's owner and mode, so putting it back gives the services the file they had.
  chown --reference="$state_db" "$backup/state.db" && chmod --reference="$state_db" "$backup/state.db"
fi
cp -a "$etc" "$backup/etc" || { roll_back "could not copy the settings $etc into $backup" || exit $?; }

say "Switching to $new_version"
phase=switched
switch_current "releases/$new_version"
problem=""
start_all || { roll_back "$problem" && exit 0 || exit $?; }
phase=finished

# 3. Done: the release before stays for a later rollback; older ones, and all but the last three copies, go.
for old in "$opt/releases"/*; do
  case "$(basename "$old")" in "$new_version" | "$old_version") ;; *) rm -rf "$old" ;; esac
done
find "$lib/upgrade-backups" -mindepth 1 -maxdepth 1 -type d | sort | head -n -3 | xargs -r rm -rf
schema_after=$(sqlite3 "$state_db" 'PRAGMA user_version' 2>/dev/null || echo unknown)
cat <<DONE
ClassroomGuard upgraded: $old_version -> $new_version
  State database: schema $schema_before -> $schema_after (copy from before the upgrade: $backup)
  Console:        $console_status
  DNS filter:     $dns_status
  Sniffer:        ${sniff_interface:+capturing on $sniff_interface}${sniff_interface:-not running (it was not running before)}
  Kept for going back: $opt/releases/$old_version
  Log:            $logfile
DONE
