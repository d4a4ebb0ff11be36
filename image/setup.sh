#!/usr/bin/env bash
# Sets up and starts ClassroomGuard on this Debian 12 machine, and prints where the console is.
# Safe to run again: it keeps the state database, the InfluxDB data, the certificate and the
# secrets it made before, and never prints a password twice.
#
# Environment (all optional; the defaults make a real appliance):
#   CG_PREFIX            install under this folder instead of / (tests use a temp folder)
#   CG_PUBLISHED         install this release folder (image/release.sh; the appliance image's first boot) instead of
#                        building one from this source tree with the .NET SDK
#   CG_SKIP_PACKAGES=1   do not apt-get install (the packages must already be there)
#   CG_NO_SYSTEMD=1      start services as background processes even where systemd runs
#   CG_RUN_AS            user the services run as (default: classroomguard, created if missing;
#                        with CG_PREFIX, the user running set-up)
#   CG_CONSOLE_PORT      console HTTPS port (default 8443)
#   CG_INFLUX_URL        use this external InfluxDB instead of starting a local one
#   CG_INFLUX_PORT       local InfluxDB HTTP port, loopback only (default 8086)
#   CG_INFLUX_RPC_PORT   local InfluxDB backup/RPC port, loopback only (default 8088)
#   CG_DNS_LISTEN        where the DNS filter answers, comma-separated (default 0.0.0.0:53,[::]:53; IPv4 only
#                        where the kernel has IPv6 switched off)
#   CG_DNS_UPSTREAMS     resolvers it forwards to, comma-separated (default: this machine's
#                        non-loopback nameservers in /etc/resolv.conf)
#   CG_UT1_DIR           UT1 blocklists to install (default: ../shared/data/ut1 beside the repo)
#   CG_UT1_ARCHIVE       a UT1 archive (blacklists.tar.gz) on this machine, readable by the service user,
#                        to install the full lists from instead of downloading them from UT1 (offline)
#   CG_FETCH_LISTS=0     do not download the full block lists now (the appliance image's first boot: the DNS filter
#                        fetches them itself when it starts without them)
#   CG_SNIFF_INTERFACE   the interface cabled to the switch's mirror (SPAN) port, e.g. eth1, that
#                        the sniffer captures on (default: the one chosen at an earlier run, kept in
#                        sniffer.json; none: the sniffer is not started, and set-up lists the
#                        interfaces to choose from)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# A relative archive path means the caller's folder: made absolute before anything changes folder or user.
if [ -n "${CG_UT1_ARCHIVE:-}" ]; then CG_UT1_ARCHIVE=$(realpath -m -- "$CG_UT1_ARCHIVE"); fi
# shellcheck source=image/packages.sh
source "$repo/image/packages.sh"
# shellcheck source=image/lib.sh
source "$repo/image/lib.sh"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# 1. What to install: a published release (the appliance image), or one built here with the .NET SDK.
published=${CG_PUBLISHED:-}
if [ -n "$published" ]; then
  published=$(realpath -e -- "$published") || die "CG_PUBLISHED=${CG_PUBLISHED} does not exist"
  [ -f "$published/VERSION" ] && [ -d "$published/console" ] ||
    die "CG_PUBLISHED=$published is not a ClassroomGuard release (no VERSION or console/; image/release.sh makes one)"
  if [ -x "$published/dotnet/dotnet" ]; then
    dotnet_bin=$published/dotnet/dotnet
  elif ! dotnet_bin=$(find_dotnet); then
    die "the release $published carries no .NET runtime and none is installed (no dotnet on PATH)"
  fi
else
  if ! dotnet_bin=$(find_dotnet); then
    cat >&2 <<'MSG'
error: the .NET 10 SDK is not installed (no `dotnet` on PATH or in /usr/share/dotnet).
       Install Microsoft's `dotnet-sdk-10.0` package for Debian 12 (see Microsoft's guide
       "Install the .NET SDK or the .NET Runtime on Debian"), then run this command again.
MSG
    exit 1
  fi
  if ! "$dotnet_bin" --list-sdks | grep -q '^10\.'; then
    die "the .NET SDK found at $dotnet_bin is not version 10 ($("$dotnet_bin" --list-sdks | tr '\n' ' ')). Install dotnet-sdk-10.0 and run again."
  fi
fi

prefix=${CG_PREFIX:-}
if [ -z "$prefix" ] && [ "$(id -u)" -ne 0 ]; then
  die "set-up installs packages, a service user and files under /etc, /opt and /var: run it as root (sudo $0)"
fi
etc=$prefix/etc/classroomguard
lib=$prefix/var/lib/classroomguard
opt=$prefix/opt/classroomguard
log=$prefix/var/log/classroomguard
run=$prefix/run/classroomguard
console_port=${CG_CONSOLE_PORT:-8443}
influx_port=${CG_INFLUX_PORT:-8086}
influx_rpc_port=${CG_INFLUX_RPC_PORT:-8088}
external_influx=${CG_INFLUX_URL:-}
# A real appliance runs its services as classroomguard; an install under CG_PREFIX (tests,
# development) runs them as whoever ran set-up.
default_user=classroomguard
[ -n "$prefix" ] && default_user=$(id -un)
run_as=${CG_RUN_AS:-$default_user}
# Both families: the school's IPv6 clients must be filtered too (a v4-only filter lets them ask the router instead).
# /proc/net/if_inet6 is absent only when the kernel runs with ipv6.disable=1, where [::]:53 could not bind.
if [ -e /proc/net/if_inet6 ]; then default_dns_listen='0.0.0.0:53,[::]:53'; else default_dns_listen=0.0.0.0:53; fi
dns_listen=${CG_DNS_LISTEN:-$default_dns_listen}
dns_upstreams=${CG_DNS_UPSTREAMS:-$(resolv_conf_upstreams)}
ut1_default=$repo/../shared/data/ut1
[ -n "$published" ] && ut1_default=$published/lists/ut1
ut1_source=${CG_UT1_DIR:-$ut1_default}
sniff_interface=${CG_SNIFF_INTERFACE:-}
use_systemd=0
if [ -z "${CG_NO_SYSTEMD:-}" ] && [ -z "$prefix" ] && [ -d /run/systemd/system ]; then
  use_systemd=1
fi

# The mirror port is checked before anything changes: a typo must not leave a half set-up machine.
if [ -n "$sniff_interface" ] && ! interface_exists "$sniff_interface"; then
  die "CG_SNIFF_INTERFACE=$sniff_interface is not a network interface on this machine. Interfaces here: $(describe_interfaces | paste -sd';' - | sed 's/;/; /g')"
fi
if [ -n "$sniff_interface" ] && ! is_root; then
  die "starting the sniffer on $sniff_interface needs root (to give it CAP_NET_RAW): sudo $0, or leave CG_SNIFF_INTERFACE unset"
fi

# 2. Debian packages.
if [ -z "${CG_SKIP_PACKAGES:-}" ]; then
  say "Checking Debian packages"
  install_packages "${APPLIANCE_PACKAGES[@]}"
fi

# 3. The service account: the services never run as root.
if [ "$run_as" = classroomguard ] && is_root && ! id classroomguard >/dev/null 2>&1; then
  say "Creating the service user classroomguard"
  useradd --system --home-dir /var/lib/classroomguard --shell /usr/sbin/nologin classroomguard
fi
install -d -m 0750 "$etc" "$etc/tls" "$lib" "$lib/spool" "$lib/spool-console" "$lib/spool-sniffer" "$lib/influxdb" "$lib/lists" "$log" "$run"
install -d -m 0700 "$lib/reports" # kept reports name devices: the service user only
group=$(id -gn "$run_as")
# own_by_service FILE... — the service user reads settings and writes data; nobody else can.
own_by_service() { if is_root; then chgrp "$group" "$@"; fi; }
if is_root; then chown -R "$run_as:" "$lib" "$log" "$run"; fi
own_by_service "$etc" "$etc/tls"

# 4. The release: built here (or given), kept under releases/<version>, and made current by one symlink switch, so
#    a running service keeps its old files (overwriting a loaded assembly in place can crash it) until it is
#    restarted below, and image/upgrade.sh can switch back.
install -d -m 0755 "$opt" "$opt/releases"
if [ -z "$published" ]; then
  say "Building ClassroomGuard (Release)"
  rm -rf "$opt/releases/.building"
  version=$(bash "$repo/image/release.sh" "$opt/releases/.building" 2>"$log/build.log") ||
    die "building ClassroomGuard failed; see $log/build.log"
  published=$opt/releases/.building
fi
version=$(cat "$published/VERSION")
release=$opt/releases/$version
if [ "$(realpath -m "$published")" != "$(realpath -m "$release")" ]; then
  rm -rf "$release"
  if [ "$published" = "$opt/releases/.building" ]; then mv "$published" "$release"; else cp -a "$published" "$release"; fi
fi
ln -sfn "releases/$version" "$opt/.current.new" && mv -T "$opt/.current.new" "$opt/current"
# The services run through the current release; its own runtime when it carries one.
[ -x "$opt/current/dotnet/dotnet" ] && dotnet_bin=$opt/current/dotnet/dotnet
units_dir=$opt/current/image/systemd
# Installs from before releases/ kept the services straight under $opt.
rm -rf "$opt/console" "$opt/dnsfilter" "$opt/sniffer"
# Keep the current release and the one before it (image/upgrade.sh rolls back to it); older ones go.
for old in $(ls -1t "$opt/releases" | grep -vxF "$version" | tail -n +2); do rm -rf "${opt:?}/releases/$old"; done
if is_root; then chown -R root:root "$release"; fi

# 5. Secrets, generated once, readable by the service user only.
secrets=$etc/secrets.json
if [ ! -f "$secrets" ]; then
  say "Generating secrets ($secrets)"
  influx_password=$(random_secret)
  umask 077
  printf '{\n  "Influx": { "Username": "classroomguard", "Password": "%s" }\n}\n' "$influx_password" >"$secrets"
  umask 022
fi
chmod 0640 "$secrets"
own_by_service "$secrets"
influx_password=$(json_value "$secrets" Password)

# 6. The console's TLS certificate (self-signed unless the school puts its own in place).
if [ ! -f "$etc/tls/console.crt" ]; then
  say "Generating the console's TLS certificate"
  make_certificate "$etc/tls/console.crt" "$etc/tls/console.key"
fi
own_by_service "$etc/tls/console.key"
chmod 0640 "$etc/tls/console.key"

# 7. InfluxDB: a loopback-only influxd with its own data folder and credentials, unless an
#    external one is configured.
if [ -n "$external_influx" ]; then
  influx_url=$external_influx
  say "Using the external InfluxDB at $influx_url"
else
  influx_url=http://127.0.0.1:$influx_port
  write_influx_config "$etc/influxdb.conf" "$lib/influxdb" "$influx_port" "$influx_rpc_port"
  if [ "$use_systemd" -eq 1 ]; then
    # Debian's own unit listens on every interface without authentication: keep it off.
    systemctl disable --now influxdb.service >/dev/null 2>&1 || true
    install_unit classroomguard-influxdb "$etc" "$opt/current" "$run_as"
  else
    start_background influxd "$run" "$log" "$run_as" /usr/bin/influxd -config "$etc/influxdb.conf"
  fi
  wait_for "InfluxDB at $influx_url" 30 curl -sf "$influx_url/ping"
  ensure_influx_admin "$influx_url" classroomguard "$influx_password"
fi

# 8. Settings for every service (kept if present, so a technician's edits survive re-runs).
if [ ! -f "$etc/appliance.json" ]; then
  cat >"$etc/appliance.json" <<JSON
{
  "State": { "Path": "$lib/state.db" },
  "Dns": { "ControlSocket": "$run/dnsfilter.sock" },
  "Influx": { "Url": "$influx_url", "SpoolDirectory": "$lib/spool" },
  "Reports": { "Directory": "$lib/reports" },
  "Console": {
    "Listen": "https://0.0.0.0:$console_port",
    "CertificatePath": "$etc/tls/console.crt",
    "CertificateKeyPath": "$etc/tls/console.key",
    "DataProtectionKeysPath": "$lib/keys"
  }
}
JSON
fi
own_by_service "$etc/appliance.json"
chmod 0640 "$etc/appliance.json"

# 9. State database and time-series provisioning, then the first administrator.
console_dll=$opt/current/console/ClassroomGuard.Console.dll
as_service_user() { run_as_user "$run_as" env CLASSROOMGUARD_CONFIG_DIR="$etc" "$@"; }
say "Creating or upgrading the state database and provisioning InfluxDB"
# The commands' results are on stdout; their log lines (stderr) go to set-up's log, shown only if one fails.
run_logged() {
  local rc=0
  "$@" 2>>"$log/setup.log" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "error: '$*' failed (exit $rc); its log ($log/setup.log) ends:" >&2
    tail -n 20 "$log/setup.log" >&2
    exit "$rc"
  fi
}
run_logged as_service_user "$dotnet_bin" "$console_dll" migrate
run_logged as_service_user "$dotnet_bin" "$console_dll" create-first-admin --username admin

# The DNS filter's settings (its lists come in step 11), written before the console starts: the console's probe of the
# upstream resolvers (technician's home, /healthz) reads Dns:Upstreams from them.
if [ ! -f "$etc/dns.json" ] && [ -n "$dns_upstreams" ]; then
  cat >"$etc/dns.json" <<JSON
{
  "Dns": {
    "Listen": $(json_string_array "$dns_listen"),
    "Upstreams": $(json_string_array "$dns_upstreams"),
    "Lists": { "Sources": [ { "Path": "$lib/lists/ut1", "Format": "Ut1" } ] }
  }
}
JSON
  own_by_service "$etc/dns.json"
  chmod 0640 "$etc/dns.json"
fi

# 10. Start the console.
start_service console
# Up = serving with its state database readable. Not curl -f: /healthz is 503 too while no upstream resolver answers
# (the school's internet down during set-up), which is not the console failing to start.
console_serving() { curl -sk "$1" | grep -q '"state":"Healthy"'; }
wait_for "the console" 60 console_serving "https://127.0.0.1:$console_port/healthz"

# 11. The DNS filter: the school's lists, its settings, and the service (port 53 needs
#     CAP_NET_BIND_SERVICE, which it gets and nothing more).
dns_status="not started: no upstream resolver (set CG_DNS_UPSTREAMS, or Dns:Upstreams in $etc/dns.json)"
if [ -d "$ut1_source" ]; then
  say "Installing the UT1 blocklists"
  rm -rf "$lib/lists/ut1.new" && cp -a "$ut1_source" "$lib/lists/ut1.new"
  rm -rf "$lib/lists/ut1" && mv "$lib/lists/ut1.new" "$lib/lists/ut1"
  if is_root; then chown -R "$run_as:" "$lib/lists"; fi
else
  echo "warning: no UT1 blocklists at $ut1_source: only always-on lists and deny entries will block" >&2
fi
# The full collection (the seed above lacks adult, malware and phishing): downloaded, checked and swapped in by the
# DNS filter's own code. A failure never stops set-up: the summary says what it means and what to do.
dnsfilter_dll=$opt/current/dnsfilter/ClassroomGuard.DnsFilter.dll
lists_rc=-1 lists_output=""
if [ "${CG_FETCH_LISTS:-1}" = 0 ] && [ -f "$etc/dns.json" ]; then
  if is_root; then chown "$run_as:" "$lib/lists"; fi # the DNS filter keeps its downloads there
  say "Not fetching the full block lists now (CG_FETCH_LISTS=0): the DNS filter fetches them when it starts"
elif [ -f "$etc/dns.json" ]; then
  if is_root; then chown "$run_as:" "$lib/lists"; fi # the DNS filter keeps its downloads there
  fetch_args=(fetch-lists)
  [ -n "${CG_UT1_ARCHIVE:-}" ] && fetch_args+=("--Dns:Lists:Ut1Url=$CG_UT1_ARCHIVE")
  say "Fetching the full block lists (UT1: adult, malware, phishing and the rest; this can take a few minutes)"
  # The running filter may be downloading now: fetch-lists then waits for it (the same lock files; never created here).
  for lock in "$lib/lists/.lock-ut1" "$lib/lists/.lock-feeds"; do
    if [ -e "$lock" ] && command -v flock >/dev/null && ! flock -n -s "$lock" true 2>/dev/null; then
      echo "    waiting for the running filter's download to finish (it holds $lock; up to 30 minutes)"
      break
    fi
  done
  lists_rc=0
  # At least the downloader's own 30-minute limit, plus unpacking, the feeds and a margin (45 minutes).
  lists_output=$(as_service_user timeout 2700 "$dotnet_bin" "$dnsfilter_dll" "${fetch_args[@]}" 2>>"$log/setup.log") || lists_rc=$?
  [ -n "$lists_output" ] && printf '%s\n' "$lists_output" | sed 's/^/    /'
fi
if [ -f "$etc/dns.json" ]; then
  start_service dnsfilter
  read -r dns_host dns_port < <(dns_probe_target "$dns_listen")
  # The Firefox canary is NXDOMAIN only once the policy is loaded: a real readiness check.
  wait_for "the DNS filter" 60 dns_answers_nxdomain "$dns_host" "$dns_port" use-application-dns.net
  dns_status="$dns_listen (settings: $etc/dns.json)"
fi

# 12. The sniffer on the switch's mirror port, with CAP_NET_RAW and nothing more. Which port is the
#     mirror is the technician's choice (CG_SNIFF_INTERFACE), kept in sniffer.json for later runs.
sniffer_json=$etc/sniffer.json
if [ -n "$sniff_interface" ]; then
  if [ ! -f "$sniffer_json" ]; then
    # Circumvention detection names DoH/VPN/proxy services from the UT1 lists the DNS filter uses; without them
    # it still runs its other detectors.
    ut1_lists=$lib/lists/ut1
    if [ ! -d "$ut1_lists" ]; then
      ut1_lists=""
      echo "warning: no UT1 lists: the sniffer will not recognise DoH, VPN and proxy services by name (Sniffer:Circumvention:Ut1Directory in $sniffer_json)" >&2
    fi
    cat >"$sniffer_json" <<JSON
{
  "Sniffer": {
    "Interface": "$sniff_interface",
    "Circumvention": { "Ut1Directory": "$ut1_lists" }
  }
}
JSON
  elif [ "$(json_value "$sniffer_json" Interface)" != "$sniff_interface" ]; then
    say "Sniffer interface: $(json_value "$sniffer_json" Interface) -> $sniff_interface"
    sed -i "s|\"Interface\": *\"[^\"]*\"|\"Interface\": \"$sniff_interface\"|" "$sniffer_json"
  fi
  own_by_service "$sniffer_json"
  chmod 0640 "$sniffer_json"
fi
sniffer_status=""
if [ -f "$sniffer_json" ]; then
  sniff_interface=$(json_value "$sniffer_json" Interface)
  is_root || die "starting the sniffer ($sniffer_json) needs root to give it CAP_NET_RAW: sudo $0"
  interface_exists "$sniff_interface" ||
    die "the sniffer's interface '$sniff_interface' (Sniffer:Interface in $sniffer_json) does not exist. Interfaces here: $(describe_interfaces | paste -sd';' - | sed 's/;/; /g')"
  if [ -n "$(interface_addresses "$sniff_interface")" ]; then
    echo "warning: $sniff_interface has an address ($(interface_addresses "$sniff_interface")): a mirror port normally has none; is it the school network port rather than the switch's mirror port?" >&2
  fi
  if ! interface_is_up "$sniff_interface"; then
    is_root || die "$sniff_interface is down and bringing it up needs root: sudo ip link set $sniff_interface up"
    say "Bringing $sniff_interface up (no address: it only listens)"
    ip link set dev "$sniff_interface" up
  fi
  if [ -z "$prefix" ] && [ -z "$(interface_addresses "$sniff_interface")" ]; then
    persist_mirror_interface "$sniff_interface"
  fi
  say "Starting the sniffer on $sniff_interface"
  start_sniffer_and_wait "$sniff_interface"
  sniffer_status="capturing on $sniff_interface (settings: $sniffer_json)"
fi

address=$(primary_address)
fingerprint=$(openssl x509 -in "$etc/tls/console.crt" -noout -fingerprint -sha256 | cut -d= -f2)
# The agent's --pin: base64 SHA-256 of the certificate's SubjectPublicKeyInfo (agent/Enrolment/CertificatePin.cs).
agent_pin=$(openssl x509 -in "$etc/tls/console.crt" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
cat <<DONE

ClassroomGuard is running.
  Console:      https://$address:$console_port/   (health: https://$address:$console_port/healthz)
  Certificate:  SHA-256 $fingerprint
  Agent pin:    $agent_pin
                Enrol a pupil device with a room's token (Rooms & enrolment), on the device:
                  sudo classroomguard-agent-enrol --console https://$address:$console_port --token <room token> --pin $agent_pin
  Settings:     $etc/appliance.json   Secrets: $secrets
  Logs:         $log/
  DNS filter:   $dns_status
                Point the school's DHCP "DNS server" option at $address.
DONE
# Block lists: every school must block adult content, malware and phishing; say it in red when they are not loaded.
if [ -t 1 ] && command -v tput >/dev/null 2>&1 && [ "$(tput colors 2>/dev/null || echo 0)" -ge 8 ]; then
  red=$(tput bold; tput setaf 1) plain=$(tput sgr0)
else
  red="" plain=""
fi
lists_version=$(printf '%s\n' "$lists_output" | sed -n 's/^Lists in force: //p' | tail -n 1)
if [ "$lists_rc" -eq 0 ]; then
  echo "  Block lists:  $lists_version; every required list is loaded. The DNS filter refreshes them daily."
elif [ "$lists_rc" -ne -1 ]; then
  lists_missing=$(printf '%s\n' "$lists_output" | sed -n 's/^Required lists NOT in force: //p' | tail -n 1)
  lists_failure=$(printf '%s\n' "$lists_output" | grep -m 1 ' download from .* failed: ' || true)
  [ "$lists_rc" -eq 124 ] && lists_failure="The download did not finish within 20 minutes."
  [ -z "$lists_failure" ] && lists_failure="fetch-lists ended with exit $lists_rc (its log: $log/setup.log)."
  if [ -n "$lists_missing" ]; then
    case "$lists_missing" in
      *"UT1 "*) printf '%s\n' "${red}  Block lists:  Adult, malware and phishing lists are NOT loaded: pupils can reach adult sites.${plain}" ;;
      *) printf '%s\n' "${red}  Block lists:  Lists every school must block are NOT loaded.${plain}" ;;
    esac
    printf '%s\n' "${red}                Missing: $lists_missing.${plain}"
  else
    printf '%s\n' "${red}  Block lists:  $lists_version is in force, but the last download failed.${plain}"
  fi
  printf '%s\n' "${red}                ${lists_failure/#UT1 download from/The download from}${plain}" \
    "                The DNS filter tries again in 15 minutes, then every hour, and raises an alert on the console." \
    "                Check that this machine can reach the address above (proxy, firewall, DNS), or copy a UT1" \
    "                archive (blacklists.tar.gz from https://dsi.ut-capitole.fr/blacklists/) here and run:" \
    "                  sudo CG_UT1_ARCHIVE=/path/to/blacklists.tar.gz $repo/image/setup.sh" \
    "                (docs/lists.md: how lists are fetched, and what to do when a download fails)"
fi
if [ -n "$sniffer_status" ]; then
  echo "  Sniffer:      $sniffer_status"
else
  cat <<NOSNIFF
  Sniffer:      NOT started: no mirror port chosen. Cable a spare port of this machine to the switch's
                mirror (SPAN) port, then run set-up again naming it, e.g.
                  sudo CG_SNIFF_INTERFACE=eth1 $repo/image/setup.sh
                Interfaces here:
$(describe_interfaces | sed 's/^/                  /')
NOSNIFF
fi
