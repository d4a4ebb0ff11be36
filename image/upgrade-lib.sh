# shellcheck shell=bash
# Helpers for image/upgrade.sh: reading an upgrade bundle, checking a release, the services' health. Sourced after
# image/lib.sh, never run. They report problems on stderr and return non-zero; upgrade.sh decides what happens next.
# They read upgrade.sh's variables (etc log run use_systemd), as lib.sh's read set-up's.
# shellcheck disable=SC2154

# bundle_version TAR — the one version a bundle holds (releases/<version>/...), or fails saying why. Refuses what a
# release never holds and what could write outside its folder: absolute names, "..", device files, hard links.
bundle_version() {
  local listing versions bad errors
  if ! errors=$(LC_ALL=C tar -tf "$1" 2>&1 >/dev/null); then
    echo "$1 is not a complete tar archive (tar: $(head -n 1 <<<"$errors" | sed 's/^tar: //')): copy it again" >&2
    return 1
  fi
  listing=$(LC_ALL=C tar -tvf "$1")
  bad=$(awk '$1 !~ /^[-dl]/ {print $NF}' <<<"$listing" | head -n 3)
  [ -z "$bad" ] || { echo "$1 holds entries a release never has (devices, hard links): $bad" >&2; return 1; }
  listing=$(LC_ALL=C tar -tf "$1" | sed 's|^\./||')
  bad=$(grep -E '^/|(^|/)\.\.(/|$)' <<<"$listing" | head -n 3 || true)
  [ -z "$bad" ] || { echo "$1 names files outside its own folder: $bad" >&2; return 1; }
  bad=$(grep -vE '^(releases/?|releases/[^/]+(/.*)?)$' <<<"$listing" | head -n 3 || true)
  [ -z "$bad" ] || { echo "$1 is not an upgrade bundle: everything in it must be under releases/<version>/ (found: $(paste -sd' ' <<<"$bad"))" >&2; return 1; }
  versions=$(sed -n 's|^releases/\([^/]\{1,\}\).*|\1|p' <<<"$listing" | sort -u)
  if [ -z "$versions" ] || [ "$(wc -l <<<"$versions")" -ne 1 ]; then
    echo "$1 must hold exactly one release under releases/ (found: ${versions:-none})" >&2
    return 1
  fi
  valid_version "$versions" || { echo "$1 holds releases/$versions: not a release version" >&2; return 1; }
  echo "$versions"
}

# valid_version V — the characters image/release.sh allows in a version.
valid_version() { case "$1" in *[!A-Za-z0-9._+-]* | "" | .* ) return 1 ;; esac; }

# unpack_bundle BUNDLE VERSION DEST — the release in BUNDLE (a tar or a release folder) into DEST, which must not exist.
unpack_bundle() {
  local strip=2
  if [ -d "$1" ]; then
    cp -a "$1" "$3"
    return
  fi
  mkdir -p "$3"
  # "./releases/<v>/x" has one more leading component than "releases/<v>/x".
  LC_ALL=C tar -tf "$1" | head -n 1 | grep -q '^\./' && strip=3
  tar -xf "$1" -C "$3" --no-same-owner --strip-components="$strip"
}

# check_release DIR VERSION — DIR holds a whole release of VERSION (image/release.sh's layout), or fails saying what
# is missing.
check_release() {
  local dir=$1 want=$2 found file missing=()
  [ -f "$dir/VERSION" ] || { echo "it has no VERSION file: image/release.sh did not make it" >&2; return 1; }
  found=$(head -n 1 "$dir/VERSION")
  [ "$found" = "$want" ] || { echo "its VERSION says '$found', its folder releases/$want" >&2; return 1; }
  for file in console/ClassroomGuard.Console.dll dnsfilter/ClassroomGuard.DnsFilter.dll sniffer/ClassroomGuard.Sniffer.dll \
    image/lib.sh image/systemd/classroomguard-console.service image/systemd/classroomguard-dnsfilter.service \
    image/systemd/classroomguard-sniffer.service image/systemd/classroomguard-influxdb.service; do
    [ -s "$dir/$file" ] || missing+=("$file")
  done
  [ "${#missing[@]}" -eq 0 ] || { echo "it is not a whole release: ${missing[*]} missing" >&2; return 1; }
  if [ ! -x "$dir/dotnet/dotnet" ] && ! find_dotnet >/dev/null; then
    echo "it carries no .NET runtime (image/release.sh --runtime) and none is installed here" >&2
    return 1
  fi
}

# is_newer A B — true when version A sorts after version B (release versions start with the UTC date and time).
is_newer() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$1" ]; }

# service_running NAME — the service (console, dnsfilter, sniffer) runs now.
service_running() {
  if [ "$use_systemd" -eq 1 ]; then
    systemctl is-active --quiet "classroomguard-$1.service"
  else
    [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null
  fi
}

# service_gone NAME — the service has stopped for good (exited; under systemd, failed), so waiting longer is pointless.
service_gone() {
  if [ "$use_systemd" -eq 1 ]; then
    systemctl is-failed --quiet "classroomguard-$1.service"
  else
    ! service_running "$1"
  fi
}

# stop_services — stops the sniffer, the DNS filter and the console (InfluxDB is Debian's and keeps running).
stop_services() {
  local name
  if [ "$use_systemd" -eq 1 ]; then
    systemctl stop classroomguard-sniffer.service classroomguard-dnsfilter.service classroomguard-console.service 2>/dev/null || true
  fi
  for name in sniffer dnsfilter console; do stop_background "$name" "$run"; done
}

# console_health_url — where the console's /healthz answers on this machine, from Console:Listen in appliance.json.
console_health_url() {
  local listen host port
  listen=$(json_value "$etc/appliance.json" Listen)
  listen=${listen:-https://0.0.0.0:8443}
  port=${listen##*:} host=${listen#*://}
  host=${host%:*}
  case "$host" in 0.0.0.0 | "[::]" | "*" | "+" | "") host=127.0.0.1 ;; esac
  echo "https://$host:${port%/}/healthz"
}

# console_state URL — the console's own check of its state database ("state" in /healthz): Healthy, Degraded,
# Unhealthy, or nothing when it does not answer. Its other checks (an upstream resolver down, lists not yet
# downloaded) say nothing about the release.
console_state() {
  curl -sk --max-time 5 "$1" 2>/dev/null | grep -o '"state":"[A-Za-z]*"' | head -n 1 | cut -d'"' -f4
}

# dns_listen_setting — the DNS filter's Dns:Listen entries from dns.json, comma-separated.
dns_listen_setting() {
  tr -d '\n' <"$etc/dns.json" | sed -n 's/.*"Listen": *\[\([^]]*\)\].*/\1/p' | tr -d ' "'
}

# log_tail NAME — the end of a service's log, for a technician reading why it did not come up.
log_tail() {
  if [ "$use_systemd" -eq 1 ]; then
    journalctl -u "classroomguard-$1.service" -n 15 -o cat --no-pager 2>/dev/null || true
  else
    tail -n 15 "$log/$1.log" 2>/dev/null || true
  fi
}
