# shellcheck shell=bash disable=SC2034 # the variables set here are the callers'
# Helpers shared by image/backup.sh and image/restore.sh. Sourced after image/lib.sh, never run.

# The archive's own format; restore refuses a format it does not know.
BACKUP_FORMAT=1
# gpg's iterated-and-salted S2K at its strongest: each passphrase guess costs ~65 M SHA-512 rounds.
GPG_S2K=(--s2k-mode 3 --s2k-digest-algo SHA512 --s2k-count 65011712)
# A passphrase this short can be guessed offline by anyone holding the archive.
MIN_PASSPHRASE=12

# fail CODE MESSAGE... — what happened and what to do, on stderr, then exit CODE (sysexits: 64 usage, 65 bad data,
# 66 missing input, 69 missing dependency, 73 cannot create, 77 not permitted).
fail() {
  local code=$1
  shift
  printf 'error: %s\n' "$*" >&2
  exit "$code"
}

say() { printf '==> %s\n' "$*"; }

# appliance_paths — the folders set-up uses, under CG_PREFIX when given: etc, lib, opt, run, log, backups.
appliance_paths() {
  prefix=${CG_PREFIX:-}
  if [ -n "$prefix" ]; then prefix=$(realpath -m -- "$prefix"); fi
  etc=$prefix/etc/classroomguard
  lib=$prefix/var/lib/classroomguard
  opt=$prefix/opt/classroomguard
  run=$prefix/run/classroomguard
  log=$prefix/var/log/classroomguard
  backups=$prefix/var/backups/classroomguard
  if [ -z "$prefix" ] && ! is_root; then
    fail 77 "this reads and writes the appliance's secrets under /etc/classroomguard: run it as root (sudo $0)"
  fi
  [ -f "$opt/current/VERSION" ] ||
    fail 69 "ClassroomGuard is not installed here ($opt/current/VERSION is missing): run image/setup.sh first"
  [ -d "$etc" ] && [ -d "$lib" ] || fail 69 "no ClassroomGuard settings or data here ($etc, $lib): run image/setup.sh first"
}

# service_owner — user and group the services run as: set-up gives them the data folder.
service_owner() {
  service_user=$(stat -c %U "$lib")
  service_group=$(stat -c %G "$etc")
}

# console_dotnet — sets dotnet_bin and console_dll for the installed release (its own runtime when it has one).
console_dotnet() {
  console_dll=$opt/current/console/ClassroomGuard.Console.dll
  if [ -x "$opt/current/dotnet/dotnet" ]; then
    dotnet_bin=$opt/current/dotnet/dotnet
  else
    dotnet_bin=$(find_dotnet) || fail 69 "no .NET runtime: neither $opt/current/dotnet/dotnet nor dotnet on PATH"
  fi
  [ -f "$console_dll" ] || fail 69 "the installed release has no console ($console_dll): run image/setup.sh again"
}

# as_service_user CMD... — runs CMD as the service user with the appliance's settings folder.
as_service_user() { run_as_user "$service_user" env CLASSROOMGUARD_CONFIG_DIR="$etc" "$@"; }

# read_passphrase FILE CONFIRM — sets passphrase from FILE's first line, or from two prompts on the terminal when FILE
# is empty (CONFIRM=1: asked twice, they must match). Never from the command line, never echoed.
read_passphrase() {
  local file=$1 confirm=$2 again
  if [ -n "$file" ]; then
    [ -f "$file" ] && [ -r "$file" ] || fail 66 "the passphrase file $file does not exist or cannot be read"
    IFS= read -r passphrase <"$file" || true
  elif [ -t 0 ]; then
    IFS= read -rs -p "Passphrase for the archive's secrets: " passphrase
    echo >&2
    if [ "$confirm" = 1 ]; then
      IFS= read -rs -p "The same passphrase again: " again
      echo >&2
      [ "$passphrase" = "$again" ] || fail 64 "the two passphrases differ; nothing was written. Run the command again."
    fi
  else
    fail 64 "no passphrase: run this on a terminal to be asked for it, or give --passphrase-file FILE (its first line)"
  fi
  [ "${#passphrase}" -ge "$MIN_PASSPHRASE" ] ||
    fail 64 "the passphrase is shorter than $MIN_PASSPHRASE characters${file:+ (in $file)}: anyone holding the archive could guess it"
}

# gpg_with_passphrase ARGS... — gpg in batch mode with $passphrase on file descriptor 3 (never argv, never the
# environment), a throwaway home (no keyring, nothing cached in an agent: a second run must type it again).
gpg_with_passphrase() {
  local home rc=0
  home=$(mktemp -d /tmp/classroomguard-gpg.XXXXXX)
  gpg --homedir "$home" --batch --quiet --no-symkey-cache --pinentry-mode loopback --passphrase-fd 3 "$@" \
    3< <(printf '%s\n' "$passphrase") || rc=$?
  gpgconf --homedir "$home" --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$home"
  return "$rc"
}

# manifest_value FILE KEY — the value of KEY=… in a manifest.
manifest_value() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# release_newer A B — true when release A is newer than B: their <UTC date>.<time> parts (image/release.sh), or the
# whole of a CG_VERSION such as 1.10.2, in version order.
release_newer() {
  local a=${1%%-*} b=${2%%-*}
  [ "$a" != "$b" ] && [ "$(printf '%s\n%s\n' "$a" "$b" | sort -V | tail -n 1)" = "$a" ]
}

# influx_rpc_address — the local influxd's backup/restore (RPC) address, from the influxdb.conf set-up wrote.
influx_rpc_address() {
  [ -f "$etc/influxdb.conf" ] || return 1
  sed -n 's/^bind-address = "\(.*\)"$/\1/p' "$etc/influxdb.conf" | head -n 1
}

# ---- restore ----

# verify_members DIR — every member the manifest in DIR lists has its SHA-256, and nothing else is there.
verify_members() {
  local dir=$1 sums bad extra required
  sums=$(sed -n 's/^sha256=//p' "$dir/manifest")
  for required in state.db secrets.tar.gpg tls/console.crt; do
    grep -qxF "  $required" <<<"$(sed 's/^[0-9a-f]*//' <<<"$sums")" ||
      fail 65 "the archive's manifest does not list $required: not a complete backup; nothing was changed"
  done
  if ! bad=$(cd "$dir" && sha256sum --check --quiet <<<"$sums" 2>&1); then
    bad=$(sed -n 's/^\(.*\): FAILED.*/\1/p' <<<"$bad" | sort -u | paste -sd' ' -)
    fail 65 "the archive was altered or damaged: ${bad:-some member} differs from the SHA-256 in its manifest; nothing was changed. Use another copy of the backup"
  fi
  extra=$(cd "$dir" && find . ! -type d ! -name manifest -printf '%P\n' | LC_ALL=C sort |
    comm -23 - <(sed 's/^[0-9a-f]*  //' <<<"$sums" | LC_ALL=C sort))
  [ -z "$extra" ] || fail 65 "the archive holds files its manifest does not list ($(paste -sd' ' - <<<"$extra")); nothing was changed"
}

# systemd_services — true when the services run under systemd (as set-up decides).
systemd_services() { [ -z "$prefix" ] && [ -z "${CG_NO_SYSTEMD:-}" ] && [ -d /run/systemd/system ]; }

# The services restore stops and starts; InfluxDB stays up (migrate provisions it, the time series restore into it).
RESTORED_SERVICES=(sniffer dnsfilter console)

# stop_services STASH — stops the running services, noting in STASH how to start each again: its unit, or (background
# processes of set-up) its exact command line, environment, user and the capabilities set-up gave it.
stop_services() {
  local stash=$1 name pid caps amb
  mkdir -p "$stash"
  for name in "${RESTORED_SERVICES[@]}"; do
    if systemd_services; then
      if systemctl is-active --quiet "classroomguard-$name.service"; then
        touch "$stash/$name.unit"
        systemctl stop "classroomguard-$name.service"
      fi
      continue
    fi
    pid=$(cat "$run/$name.pid" 2>/dev/null) || continue
    kill -0 "$pid" 2>/dev/null || continue
    cp "/proc/$pid/cmdline" "$stash/$name.cmdline"
    cp "/proc/$pid/environ" "$stash/$name.environ"
    stat -c %U "/proc/$pid" >"$stash/$name.user"
    # The two capabilities set-up hands out (lib.sh as_user_argv): CAP_NET_BIND_SERVICE (10), CAP_NET_RAW (13).
    amb=$((16#$(sed -n 's/^CapAmb:\s*//p' "/proc/$pid/status")))
    caps=""
    if (((amb >> 10) & 1)); then caps=net_bind_service; fi
    if (((amb >> 13) & 1)); then caps=${caps:+$caps,}net_raw; fi
    printf '%s\n' "$caps" >"$stash/$name.caps"
    stop_background "$name" "$run"
  done
}

# start_services STASH — starts again what stop_services stopped, the same way.
start_services() {
  local stash=$1 name argv envv
  for name in "${RESTORED_SERVICES[@]}"; do
    if [ -f "$stash/$name.unit" ]; then
      systemctl start "classroomguard-$name.service" || echo "warning: classroomguard-$name did not start: journalctl -u classroomguard-$name" >&2
    elif [ -f "$stash/$name.cmdline" ]; then
      mapfile -d '' argv <"$stash/$name.cmdline"
      mapfile -d '' envv <"$stash/$name.environ"
      caps=$(cat "$stash/$name.caps") start_background "$name" "$run" "$log" "$(cat "$stash/$name.user")" \
        env -i "${envv[@]}" "${argv[@]}"
    fi
  done
}

# restored_paths — what a restore replaces, relative to the prefix (or /), those that exist.
restored_paths() {
  local path
  for path in "$etc"/*.json "$etc/tls/console.crt" "$etc/tls/console.key" "$lib/state.db" "$lib/state.db-wal" \
    "$lib/state.db-shm" "$lib/keys" "$lib/reports"; do
    if [ -e "$path" ]; then printf '%s\n' "${path#"$prefix"/}"; fi
  done
}

# keep_replaced UNDO — copies what the restore replaces into UNDO, in the machine's own layout.
keep_replaced() {
  local undo=$1
  install -d -m 0700 "$undo" || fail 73 "cannot create $undo to keep the replaced files; nothing was changed"
  restored_paths | (cd "${prefix:-/}" && xargs -r -d '\n' cp -a --parents -t "$undo") ||
    fail 73 "could not keep the replaced files in $undo; the services are stopped, nothing else changed: start them again (image/setup.sh)"
}

# place FILE DEST MODE [OWNER] — installs FILE as DEST, group the service's (when root) and MODE.
place() {
  install -m "$3" "$1" "$2"
  if is_root; then chown "${4:-root}:$service_group" "$2"; fi
}

# put_in_place DIR OLD_PREFIX — the unpacked archive's files where set-up keeps them; paths in the settings that
# named the old install's prefix name this one's.
put_in_place() {
  local a=$1 old_prefix=$2 f
  for f in "$a"/settings/*.json; do
    [ -e "$f" ] || continue
    if [ -n "$old_prefix" ] && [ "$old_prefix" != "$prefix" ]; then sed -i "s|\"$old_prefix/|\"$prefix/|g" "$f"; fi
    place "$f" "$etc/$(basename "$f")" 0640
  done
  place "$a/secrets/secrets.json" "$etc/secrets.json" 0640
  place "$a/secrets/tls/console.key" "$etc/tls/console.key" 0640
  place "$a/tls/console.crt" "$etc/tls/console.crt" 0644
  # A -wal left beside the new database would be replayed into it: the old one's go with it.
  rm -f "$lib/state.db-wal" "$lib/state.db-shm"
  place "$a/state.db" "$lib/state.db" 0600 "$service_user"
  replace_folder "$a/secrets/keys" "$lib/keys"
  replace_folder "$a/reports" "$lib/reports"
}

# replace_folder SRC DEST — DEST becomes a copy of SRC (if the archive has it), the service user's alone.
replace_folder() {
  [ -d "$1" ] || return 0
  rm -rf "$2"
  cp -r "$1" "$2"
  chmod -R u=rwX,go= "$2"
  if is_root; then chown -R "$service_user:" "$2"; fi
}

# influx_query USER PASSWORD QUERY — runs QUERY on the local influxd (its HTTP address in the influxdb.conf set-up
# wrote, which a restore leaves as it is); credentials and query in files, never argv.
influx_query() {
  local url auth query rc=0
  url=http://$(sed -n 's/^ \{1,\}bind-address = "\(.*\)"$/\1/p' "$etc/influxdb.conf" | head -n 1)
  auth=$(mktemp) query=$(mktemp)
  printf 'user = "%s:%s"\n' "$1" "$2" >"$auth"
  printf 'q=%s' "$3" >"$query"
  curl -sf -K "$auth" -XPOST "$url/query" --data-binary @"$query" >/dev/null || rc=$?
  rm -f "$auth" "$query"
  return "$rc"
}

# align_influx_credentials FRESH_USER FRESH_PASSWORD — the local InfluxDB knows the restored secrets.json's
# credentials: set-up gave this appliance's influxd its own, which the restored file replaced.
align_influx_credentials() {
  local user password
  [ -f "$etc/influxdb.conf" ] || return 0 # an external InfluxDB keeps its own users
  user=$(json_value "$etc/secrets.json" Username) password=$(json_value "$etc/secrets.json" Password)
  [ -n "$user" ] && [ -n "$password" ] || return 0
  if influx_query "$user" "$password" "SHOW DATABASES"; then return 0; fi
  if influx_query "$1" "$2" "SET PASSWORD FOR \"$user\" = '$password'" ||
    influx_query "$1" "$2" "CREATE USER \"$user\" WITH PASSWORD '$password' WITH ALL PRIVILEGES"; then
    say "InfluxDB now accepts the restored credentials (user $user)"
  else
    echo "warning: InfluxDB did not accept the restored credentials and could not be told them (is it running?); the console will spool until it does: see README, Troubleshooting" >&2
  fi
}

# restore_timeseries DIR RPC — replaces the local InfluxDB's databases with the archive's portable backup in DIR.
restore_timeseries() {
  local dir=$1 rpc=$2 user password db
  user=$(json_value "$etc/secrets.json" Username) password=$(json_value "$etc/secrets.json" Password)
  say "Restoring the InfluxDB time series through $rpc"
  for db in $(cat "$dir"/*.manifest | grep -o '"database": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u); do
    influx_query "$user" "$password" "DROP DATABASE \"$db\"" ||
      fail 75 "InfluxDB did not drop its database $db before the restore (is it running?). Settings, secrets and database are restored; run the restore again with --with-timeseries once InfluxDB runs"
  done
  influxd restore -portable -host "$rpc" "$dir" >"$staging/influx.log" 2>&1 ||
    fail 75 "influxd restore failed: $(tail -n 3 "$staging/influx.log" | tr '\n' ' '). Settings, secrets and database are restored; run the restore again with --with-timeseries"
}
