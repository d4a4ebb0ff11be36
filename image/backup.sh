#!/usr/bin/env bash
# Writes one archive of this ClassroomGuard appliance: the state database (copied while the console runs), the
# settings, the certificate and, encrypted with a passphrase you choose, the secrets. image/restore.sh puts it back.
set -euo pipefail
umask 077 # everything this writes holds secrets or pupils' data: ours alone

usage() {
  cat <<'USAGE'
Usage: sudo image/backup.sh [--out FILE] [--with-timeseries] [--passphrase-file FILE]

Writes one archive (.tar.gz) of this appliance: the state database (users, rooms, devices, policy,
change-control log, incidents), the settings (/etc/classroomguard/*.json), the console's certificate,
the kept reports and, encrypted with your passphrase (gpg, AES-256), the secrets: secrets.json, the
certificate's private key and the console's sign-in keys.

  --out FILE              where to write it (default /var/backups/classroomguard/classroomguard-<host>-<date>.tar.gz)
  --with-timeseries       also the InfluxDB time series (browsing history, counters; can be gigabytes)
  --passphrase-file FILE  read the passphrase from FILE's first line (scripts); otherwise you are asked twice
  --help                  this text

Keep the passphrase apart from the archive: without it the secrets cannot be restored; with both, anyone can.
Environment: CG_PREFIX=<dir> backs up an install under that folder (as set-up does).
USAGE
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=image/lib.sh
source "$repo/image/lib.sh"
# shellcheck source=image/backup-lib.sh
source "$repo/image/backup-lib.sh"

out="" with_timeseries=0 passphrase_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || fail 64 "--out needs a file name"; out=$2; shift 2 ;;
    --with-timeseries) with_timeseries=1; shift ;;
    --passphrase-file) [ $# -ge 2 ] || fail 64 "--passphrase-file needs a file name"; passphrase_file=$2; shift 2 ;;
    --help | -h) usage; exit 0 ;;
    *) usage >&2; fail 64 "unknown option '$1'" ;;
  esac
done

appliance_paths
service_owner
version=$(cat "$opt/current/VERSION")
host=$(hostname)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
[ -n "$out" ] || out=$backups/classroomguard-$host-$stamp.tar.gz
out=$(realpath -m -- "$out")
case "$out" in *.tar.gz | *.tgz) compress=(-z) ;; *.tar) compress=() ;; *) fail 64 "--out $out: the name must end in .tar.gz or .tar" ;; esac
[ -e "$out" ] && fail 73 "$out already exists: choose another --out, or move the old archive away first"
state_db=$lib/state.db
[ -f "$state_db" ] || fail 66 "there is no state database at $state_db: nothing to back up"
for f in "$etc/secrets.json" "$etc/tls/console.crt" "$etc/tls/console.key"; do
  [ -f "$f" ] || fail 66 "$f is missing: run image/setup.sh to make it, then back up again"
done
if [ "$with_timeseries" -eq 1 ]; then
  rpc=$(influx_rpc_address) ||
    fail 78 "--with-timeseries: this appliance uses an external InfluxDB (no $etc/influxdb.conf); back that server up with its own tools"
  command -v influxd >/dev/null || fail 69 "--with-timeseries needs influxd (Debian package influxdb)"
fi
command -v gpg >/dev/null || fail 69 "gpg is missing: sudo apt-get install gnupg"
read_passphrase "$passphrase_file" 1

# The work happens beside the archive (so one free-space check covers it), in a folder only we can read.
# Created if missing, never re-moded (install -d would chmod an existing folder: a USB stick's mount point, say).
[ -d "$(dirname "$out")" ] || install -d -m 0700 "$(dirname "$out")" 2>/dev/null || fail 73 "cannot create the folder $(dirname "$out")"
staging=$(mktemp -d "$(dirname "$out")/.classroomguard-backup.XXXXXX") || fail 73 "cannot write in $(dirname "$out")"
trap 'rm -rf "$staging"' EXIT
# Minimal free-space check: the copy and the archive of the database, reports and (asked for) time series fit twice.
needed_kb=$({ du -sk --apparent-size "$state_db"* "$lib/reports" "$lib/keys" 2>/dev/null || true; } | awk '{s += $1} END {print s + 1024}')
[ "$with_timeseries" -eq 1 ] && needed_kb=$((needed_kb + $(du -sk "$lib/influxdb" | cut -f1)))
free_kb=$(df -Pk "$staging" | awk 'NR == 2 {print $4}')
[ "$free_kb" -gt $((needed_kb * 2)) ] ||
  fail 73 "not enough free space in $(dirname "$out"): about $((needed_kb * 2 / 1024)) MB needed, $((free_kb / 1024)) MB free. Free some, or give --out on another disk"

b=$staging/classroomguard-backup
mkdir -m 0700 "$b" "$b/settings" "$b/tls"

# 1. The state database, online: VACUUM INTO reads it in one read transaction (a consistent snapshot however much the
#    console writes meanwhile; the backup API restarts on every write and may never finish). Run as the database's
#    owner, so a -wal/-shm file SQLite creates is never root's (the console could no longer open its database).
say "Copying the state database (online)"
# The owner writes the copy in its own folder (the staging folder is root's alone), then it moves here.
db_owner=$(stat -c %U "$state_db")
db_copy=$lib/.backup-$stamp-$$.db
trap 'rm -rf "$staging" "$db_copy"' EXIT
run_as_user "$db_owner" sqlite3 -bail -cmd ".timeout 30000" "$state_db" "VACUUM INTO '${db_copy//\'/\'\'}'" ||
  fail 75 "could not copy the state database $state_db (busy or damaged); try again in a minute"
mv "$db_copy" "$b/state.db"
check=$(sqlite3 -bail "$b/state.db" "PRAGMA integrity_check") || check="could not be checked"
[ "$check" = ok ] || fail 65 "the copy of the state database fails SQLite's integrity check ($check); the database itself may be damaged: nothing was written"
schema=$(sqlite3 "$b/state.db" "PRAGMA user_version")

# 2. Settings (every *.json but the secrets), the certificate and the kept reports (the database lists them).
for f in "$etc"/*.json; do
  [ "$(basename "$f")" = secrets.json ] || cp "$f" "$b/settings/"
done
cp "$etc/tls/console.crt" "$b/tls/console.crt"
if [ -d "$lib/reports" ]; then cp -a "$lib/reports" "$b/reports"; fi

# 3. The secrets, encrypted on the way into the archive (no plain copy is ever written): gpg's symmetric AES-256
#    with its modification detection code, so a wrong passphrase or an altered byte is refused, not half-decrypted.
say "Encrypting the secrets"
secret_members=(secrets.json tls/console.key)
keys_dir=$lib/keys
tar_keys=()
if [ -d "$keys_dir" ]; then tar_keys=(-C "$lib" keys); secret_members+=(keys/); fi
tar -cf - -C "$etc" secrets.json tls/console.key "${tar_keys[@]}" |
  gpg_with_passphrase --symmetric --cipher-algo AES256 "${GPG_S2K[@]}" --output "$b/secrets.tar.gpg" ||
  fail 65 "encrypting the secrets failed; nothing was written"

# 4. The time series, asked for: influxd's portable backup through its loopback RPC port.
if [ "$with_timeseries" -eq 1 ]; then
  say "Backing up the InfluxDB time series from $rpc (this can take a while)"
  influxd backup -portable -host "$rpc" "$b/influxdb" >"$staging/influx.log" 2>&1 ||
    fail 75 "influxd backup from $rpc failed (is InfluxDB running?): $(tail -n 3 "$staging/influx.log" | tr '\n' ' ')"
fi

# 5. The manifest: what, from where, and the SHA-256 of every member, checked by restore before it changes anything.
{
  echo "format=$BACKUP_FORMAT"
  echo "version=$version"
  echo "schema=$schema"
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host=$host"
  echo "prefix=$prefix"
  echo "timeseries=$([ "$with_timeseries" -eq 1 ] && echo yes || echo no)"
  echo "secrets=gpg-aes256:secrets.tar.gpg:${secret_members[*]}"
  (cd "$b" && find . -type f ! -name manifest -printf '%P\n' | LC_ALL=C sort | while IFS= read -r member; do
    echo "sha256=$(sha256sum -- "$member" | cut -d' ' -f1)  $member"
  done)
} >"$b/manifest"

tar -c "${compress[@]}" -f "$out.partial" -C "$staging" classroomguard-backup || fail 73 "could not write $out"
mv "$out.partial" "$out"
size=$(du -h "$out" | cut -f1)
cat <<DONE

Backup written: $out ($size)
  Version $version, state database schema $schema$([ "$with_timeseries" -eq 1 ] && echo ", with the time series").
  Restore it with: sudo image/restore.sh $out
  Keep the passphrase apart from the archive (e.g. in the school's password manager, not on this disk
  or the same USB stick): without it the secrets cannot be restored; with both, anyone can read them.
  The archive holds pupils' personal data (devices, incidents): store it as carefully as the appliance.
DONE
