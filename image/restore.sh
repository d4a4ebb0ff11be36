#!/usr/bin/env bash
# Brings a freshly installed ClassroomGuard appliance back to an archive image/backup.sh wrote.
set -euo pipefail
umask 077 # the unpacked archive holds secrets and pupils' data: ours alone

usage() {
  cat <<'USAGE'
Usage: sudo image/restore.sh ARCHIVE [--passphrase-file FILE] [--with-timeseries]

Puts this appliance back to ARCHIVE (made by image/backup.sh): state database, settings, certificate,
secrets and the console's sign-in keys. Run it on an appliance that is set up (image/setup.sh, or the
image's first boot), with the same or a newer ClassroomGuard release than the one that made the archive.

It checks the archive and your passphrase FIRST: a damaged archive or a wrong passphrase changes nothing.
Then it stops the services, keeps the files it replaces in
/var/backups/classroomguard/before-restore-<date>/ (to undo a mistaken restore), puts the archive's
files in place, migrates the database, starts the services again and verifies the change-control log.

  --passphrase-file FILE  read the passphrase from FILE's first line (scripts); otherwise you are asked
  --with-timeseries       also restore the InfluxDB time series in the archive (replaces this appliance's)
  --help                  this text

Environment: CG_PREFIX=<dir> restores an install under that folder (as set-up does).
USAGE
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=image/lib.sh
source "$repo/image/lib.sh"
# shellcheck source=image/backup-lib.sh
source "$repo/image/backup-lib.sh"


archive="" passphrase_file="" with_timeseries=0
while [ $# -gt 0 ]; do
  case "$1" in
    --passphrase-file) [ $# -ge 2 ] || fail 64 "--passphrase-file needs a file name"; passphrase_file=$2; shift 2 ;;
    --with-timeseries) with_timeseries=1; shift ;;
    --help | -h) usage; exit 0 ;;
    -*) usage >&2; fail 64 "unknown option '$1'" ;;
    *) [ -z "$archive" ] || fail 64 "one archive at a time ('$archive' and '$1')"; archive=$1; shift ;;
  esac
done
[ -n "$archive" ] || { usage >&2; fail 64 "which archive? Give the file image/backup.sh wrote"; }
[ -f "$archive" ] && [ -r "$archive" ] || fail 66 "the archive $archive does not exist or cannot be read"
archive=$(realpath -- "$archive")

appliance_paths
service_owner
console_dotnet
installed=$(cat "$opt/current/VERSION")
command -v gpg >/dev/null || fail 69 "gpg is missing: sudo apt-get install gnupg"
read_passphrase "$passphrase_file" 0

# 1. Check everything before changing anything: unpack beside the data (same disk: the moves below are renames).
staging=$(mktemp -d "$lib/.restore.XXXXXX") || fail 73 "cannot write in $lib"
trap 'rm -rf "$staging"' EXIT
say "Checking $archive"
tar --no-same-owner -xf "$archive" -C "$staging" 2>"$staging/tar.log" ||
  fail 65 "the archive $archive is damaged or truncated ($(head -n 1 "$staging/tar.log")); nothing was changed. Use another copy of the backup"
a=$staging/classroomguard-backup
[ -f "$a/manifest" ] || fail 65 "$archive is not a ClassroomGuard backup (no manifest); nothing was changed"
format=$(manifest_value "$a/manifest" format)
[ "$format" = "$BACKUP_FORMAT" ] ||
  fail 65 "$archive is in backup format '$format', which this release does not know; nothing was changed. Upgrade this appliance first"
verify_members "$a"
from_version=$(manifest_value "$a/manifest" version)
if release_newer "$from_version" "$installed"; then
  fail 65 "the archive comes from ClassroomGuard $from_version, newer than the $installed installed here; nothing was changed. Upgrade this appliance to $from_version or later first (docs/image.md), then restore"
fi
if [ "$with_timeseries" -eq 1 ]; then
  [ -d "$a/influxdb" ] || fail 65 "--with-timeseries: the archive holds no time series (it was made without --with-timeseries); nothing was changed"
  rpc=$(influx_rpc_address) || fail 78 "--with-timeseries: this appliance uses an external InfluxDB (no $etc/influxdb.conf); nothing was changed"
fi
check=$(sqlite3 -bail "$a/state.db" "PRAGMA integrity_check" 2>&1) || true
[ "$check" = ok ] || fail 65 "the archive's state database fails SQLite's integrity check ($check); nothing was changed"
say "Decrypting the secrets"
mkdir "$a/secrets"
gpg_with_passphrase --decrypt "$a/secrets.tar.gpg" 2>"$staging/gpg.log" | tar -xf - -C "$a/secrets" 2>>"$staging/gpg.log" ||
  fail 65 "the secrets could not be decrypted: wrong passphrase (or the archive was altered); nothing was changed. Try again with the passphrase given when the backup was made"
[ -f "$a/secrets/secrets.json" ] && [ -f "$a/secrets/tls/console.key" ] ||
  fail 65 "the archive's encrypted secrets lack secrets.json or the certificate's key; nothing was changed"

# 2. Stop what runs (remembering it, to start it again), keeping InfluxDB up for migrate and the time series.
say "Stopping the ClassroomGuard services"
stop_services "$staging/services"

# 3. Keep what is replaced, in the layout of the machine (copied back over /, or the prefix, it undoes the restore).
undo=$backups/before-restore-$(date -u +%Y%m%dT%H%M%SZ)
keep_replaced "$undo"

# 4. The archive's files in place, owned and moded as set-up leaves them.
say "Restoring from $from_version (made $(manifest_value "$a/manifest" created) on $(manifest_value "$a/manifest" host))"
fresh_influx_user=$(json_value "$etc/secrets.json" Username)
fresh_influx_password=$(json_value "$etc/secrets.json" Password)
put_in_place "$a" "$(manifest_value "$a/manifest" prefix)"
align_influx_credentials "$fresh_influx_user" "$fresh_influx_password"
if [ "$with_timeseries" -eq 1 ]; then restore_timeseries "$a/influxdb" "$rpc"; fi

# 5. The database migrated forward to this release, the services started again, the change log verified.
say "Migrating the state database"
migrate_rc=0
migrate_output=$(as_service_user "$dotnet_bin" "$console_dll" migrate 2>&1) || migrate_rc=$?
printf '%s\n' "$migrate_output" | sed 's/^/    /'
if [ "$migrate_rc" -eq 69 ]; then
  echo "warning: InfluxDB could not be provisioned; once it runs: sudo -u $service_user dotnet $console_dll migrate" >&2
elif [ "$migrate_rc" -ne 0 ]; then
  fail 65 "migrate failed (exit $migrate_rc); the services are stopped. To undo the restore: copy $undo/. back over ${prefix:-/} and start the services again (image/setup.sh)"
fi
say "Starting the services again"
start_services "$staging/services"
verify_rc=0
verdict=$(as_service_user "$dotnet_bin" "$console_dll" verify-log 2>&1) || verify_rc=$?
cat <<DONE

Restored $archive
  from ClassroomGuard $from_version onto $installed.
  The replaced files are in $undo (to undo: stop the services, copy $undo/. over ${prefix:-/}, start them).
  Change-control log: $verdict
DONE
if [ "$verify_rc" -ne 0 ]; then
  echo "error: the restored change-control log does not verify (exit $verify_rc): report this to the school's governors (README, 'Checking the change-control log')" >&2
  exit 65
fi
