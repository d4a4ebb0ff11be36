# shellcheck shell=bash
# Helpers for image/setup.sh and image/stop.sh. Sourced, never run.

# find_dotnet — prints the dotnet executable, or fails.
find_dotnet() {
  if command -v dotnet >/dev/null 2>&1; then
    command -v dotnet
  elif [ -x "${DOTNET_ROOT:-/usr/share/dotnet}/dotnet" ]; then
    echo "${DOTNET_ROOT:-/usr/share/dotnet}/dotnet"
  else
    return 1
  fi
}

# random_secret — 32 characters from the kernel's CSPRNG, safe in JSON and URLs.
random_secret() {
  head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 32
}

# json_value FILE KEY — the first string value of KEY in a JSON file we wrote ourselves.
json_value() {
  sed -n "s/.*\"$2\": *\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -n 1
}

# is_root — true when running as root.
is_root() { [ "$(id -u)" -eq 0 ]; }

# make_certificate CRT KEY — a self-signed ECDSA P-256 certificate for this host, valid 825 days
# (the longest browsers accept), naming the host, localhost and the primary address.
make_certificate() {
  local host address
  host=$(hostname)
  address=$(primary_address)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj "/CN=$host/O=ClassroomGuard" \
    -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1,IP:$address" \
    -keyout "$2" -out "$1" >/dev/null 2>&1
}

# primary_address — the address other machines on the LAN reach this one at.
primary_address() {
  local address
  address=$(hostname -I 2>/dev/null | awk '{print $1}')
  echo "${address:-127.0.0.1}"
}

# write_influx_config FILE DATA_DIR HTTP_PORT RPC_PORT — influxd 1.x listening on loopback only,
# with authentication on, no usage reporting and no internal monitoring database.
write_influx_config() {
  cat >"$1" <<CONF
# Written by ClassroomGuard set-up. Loopback only: nothing outside this machine reaches it.
reporting-disabled = true
bind-address = "127.0.0.1:$4"

[meta]
  dir = "$2/meta"

[data]
  dir = "$2/data"
  wal-dir = "$2/wal"
  query-log-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:$3"
  auth-enabled = true
  log-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = true
CONF
}

# ensure_influx_admin URL USER PASSWORD — makes sure USER/PASSWORD is an InfluxDB admin.
# influxd lets anyone create the first user while it has none; after that only an admin can.
# The password travels in a curl config file, never on a command line other users can see.
ensure_influx_admin() {
  local url=$1 user=$2 password=$3 auth query
  auth=$(mktemp) query=$(mktemp)
  chmod 600 "$auth" "$query"
  printf 'user = "%s:%s"\n' "$user" "$password" >"$auth"
  if ! curl -sf -K "$auth" "$url/query" --data-urlencode "q=SHOW USERS" >/dev/null; then
    printf "q=CREATE USER \"%s\" WITH PASSWORD '%s' WITH ALL PRIVILEGES" "$user" "$password" >"$query"
    curl -sf -XPOST "$url/query" --data-binary @"$query" >/dev/null || true
    if ! curl -sf -K "$auth" "$url/query" --data-urlencode "q=SHOW USERS" >/dev/null; then
      rm -f "$auth" "$query"
      echo "error: InfluxDB at $url refuses the credentials in secrets.json and already has other users." >&2
      echo "       Put that server's admin user and password in secrets.json (Influx:Username, Influx:Password)." >&2
      return 1
    fi
  fi
  rm -f "$auth" "$query"
}

# as_user_argv USER CMD... — sets AS_USER_ARGV to a command line that runs CMD as USER with no shell
# in between (so signals and the pid reach the program itself). With caps=NAME[,NAME] in the
# environment, CMD gets those capabilities and can never have any other, the way the units'
# AmbientCapabilities= + CapabilityBoundingSet= + NoNewPrivileges= do: e.g. caps=net_bind_service
# for DNS on port 53, caps=net_raw for the sniffer. The bounding set holds even when USER is root
# (an install under CG_PREFIX run by root): root then keeps its uid but not its other capabilities.
as_user_argv() {
  local user=$1
  shift
  local cap_args=()
  if [ -n "${caps:-}" ]; then
    cap_args=(--inh-caps="+${caps//,/,+}" --ambient-caps="+${caps//,/,+}"
      --bounding-set="-all,+${caps//,/,+}" --no-new-privs)
  fi
  if [ "$(id -un)" = "$user" ] && [ "${#cap_args[@]}" -eq 0 ]; then
    AS_USER_ARGV=("$@")
  else
    AS_USER_ARGV=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups --reset-env "${cap_args[@]}" -- "$@")
  fi
}

# run_as_user USER CMD... — runs CMD as USER in the foreground.
run_as_user() {
  as_user_argv "$@"
  "${AS_USER_ARGV[@]}"
}

# resolv_conf_upstreams — the machine's own resolvers (not loopback ones), comma-separated.
resolv_conf_upstreams() {
  awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" {print $2}' /etc/resolv.conf 2>/dev/null | paste -sd, -
}

# json_string_array A,B,C — ["A","B","C"]
json_string_array() {
  local IFS=, item out=""
  for item in $1; do out+="${out:+,}\"$item\""; done
  printf '[%s]' "$out"
}

# dns_answers_nxdomain HOST PORT NAME — true when the DNS server there says NXDOMAIN for NAME.
dns_answers_nxdomain() {
  dig +time=1 +tries=1 -p "$2" "@$1" "$3" A 2>/dev/null | grep -q 'status: NXDOMAIN'
}

# start_background NAME RUN_DIR LOG_DIR USER CMD... — for machines without systemd.
start_background() {
  local name=$1 rundir=$2 logdir=$3 user=$4
  shift 4
  if [ -f "$rundir/$name.pid" ] && kill -0 "$(cat "$rundir/$name.pid")" 2>/dev/null; then
    return 0
  fi
  as_user_argv "$user" "$@"
  # exec: the background job IS the program, so the pid file names it and stop_background's
  # signal reaches it (a shell left in between would die alone and orphan the service).
  (cd / && exec "${AS_USER_ARGV[@]}" >>"$logdir/$name.log" 2>&1 </dev/null) &
  echo $! >"$rundir/$name.pid"
}

# stop_background NAME RUN_DIR — stops what start_background started, waiting up to 15 s.
stop_background() {
  local pidfile=$2/$1.pid pid i
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for i in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}

# describe_interfaces — the interfaces the sniffer could capture on, but loopback and pseudo-devices, one per line:
# "NAME (up|down, link|no link, ADDRESSES)", for a technician choosing the mirror port. Listed by the sniffer itself
# (`ClassroomGuard.Sniffer interfaces`: libpcap's list through SharpPcap, the code that later opens the port), once it
# has been built; only a first run that stops before building (a mistyped CG_SNIFF_INTERFACE) lists them with ip(8).
describe_interfaces() {
  local sniffer=${opt:-/opt/classroomguard}/sniffer/ClassroomGuard.Sniffer.dll name state addresses
  if [ -f "$sniffer" ] && "${dotnet_bin:-dotnet}" "$sniffer" interfaces 2>/dev/null; then
    return 0
  fi
  for name in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
    [ "$name" = lo ] && continue
    state=$(cat "/sys/class/net/$name/operstate" 2>/dev/null || echo unknown)
    addresses=$(ip -o addr show dev "$name" scope global | awk '{print $4}' | paste -sd' ' -)
    printf '%s (%s, %s)\n' "$name" "$state" "${addresses:-no address}"
  done
}

# interface_exists NAME — true when NAME is a network interface here.
interface_exists() { [ -n "$1" ] && ip link show dev "$1" >/dev/null 2>&1; }

# interface_addresses NAME — its global addresses, space-separated (a mirror port has none).
interface_addresses() { ip -o addr show dev "$1" scope global | awk '{print $4}' | paste -sd' ' -; }

# interface_is_up NAME — true when the administrative state is up (a capture on a down link fails).
interface_is_up() { ip -o link show dev "$1" | grep -q '[<,]UP[,>]'; }

# render_unit FILE ETC OPT USER DOTNET — prints the unit FILE with its @ETC@ @OPT@ @USER@ @DOTNET@ filled in (set-up
# installs units with it, and the appliance image's build into its root file system).
render_unit() {
  sed -e "s|@ETC@|$2|g" -e "s|@OPT@|$3|g" -e "s|@USER@|$4|g" -e "s|@DOTNET@|$5|g" "$1"
}

# install_unit NAME ETC OPT USER — installs NAME.service from $units_dir (default image/systemd), running on
# $dotnet_bin (default: the dotnet on PATH), and (re)starts it.
install_unit() {
  local name=$1 dotnet_path=${dotnet_bin:-}
  [ -n "$dotnet_path" ] || dotnet_path=$(find_dotnet)
  render_unit "${units_dir:-$repo/image/systemd}/$name.service" "$2" "$3" "$4" "$dotnet_path" >"/etc/systemd/system/$name.service"
  systemctl daemon-reload
  systemctl enable "$name.service" >/dev/null 2>&1
  systemctl restart "$name.service"
}

# wait_for WHAT SECONDS CMD... — retries CMD until it succeeds or SECONDS pass.
wait_for() {
  local what=$1 seconds=$2 i
  shift 2
  for i in $(seq 1 $((seconds * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "error: $what did not come up within ${seconds}s; see the logs in ${log:-/var/log/classroomguard}" >&2
  return 1
}

# persist_mirror_interface NAME — where ifupdown manages the network (Debian's default), brings the
# mirror port up at every boot, with no address (a capture on a down link fails). Leaves alone an
# interface the machine's own network configuration already names.
persist_mirror_interface() {
  local name=$1 ours=/etc/network/interfaces.d/classroomguard-mirror
  if ! grep -qs '^source .*interfaces\.d' /etc/network/interfaces; then
    echo "note: ifupdown does not manage this machine's network: make $name come up at boot, without an address, in its network configuration" >&2
    return 0
  fi
  if grep -qsw "iface $name" /etc/network/interfaces $(ls /etc/network/interfaces.d/* 2>/dev/null | grep -vx "$ours"); then
    return 0
  fi
  cat >"$ours" <<IFACE
# Written by ClassroomGuard set-up: the switch's mirror port, up at boot with no address, for the sniffer.
auto $name
iface $name inet manual
    up ip link set dev \$IFACE up
    down ip link set dev \$IFACE down
IFACE
}

# sniffer_output SOURCE FROM — what the sniffer printed since FROM: SOURCE is its log file (FROM a
# byte offset) or "journal" (FROM a Unix time).
sniffer_output() {
  if [ "$1" = journal ]; then
    journalctl -u classroomguard-sniffer.service --since "@$2" -o cat 2>/dev/null
  else
    tail -c +"$(($2 + 1))" "$1" 2>/dev/null
  fi
}

# wait_for_sniffer IFACE SOURCE FROM [PID] — waits up to 90 s (a small PC still starting the other services can take
# more than 30 s to start .NET; it returns as soon as capture starts) until the sniffer says it captures on
# IFACE; if it ends first (PID gone) or never says so, fails quoting its own reason (no permission,
# no such interface, interface down, bad filter, bad setting).
wait_for_sniffer() {
  local iface=$1 source=$2 from=$3 pid=${4:-} i output reason
  for i in $(seq 1 450); do
    output=$(sniffer_output "$source" "$from")
    grep -qF "Capturing on $iface (" <<<"$output" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  reason=$(sniffer_output "$source" "$from" | grep -E '^ClassroomGuard\.Sniffer: ' | tail -n 1 || true)
  echo "error: the sniffer did not start capturing on $iface: ${reason:-no reason given; see ${log:-/var/log/classroomguard}/sniffer.log}" >&2
  return 1
}

# shellcheck disable=SC2154 # set-up's variables, set by set-up and upgrade.sh
# start_service NAME — (re)starts set-up's service NAME (console, dnsfilter or sniffer) from $opt/current: its unit
# under systemd ($use_systemd=1), else a background process with the same settings and capabilities. Reads set-up's
# variables (etc lib run log opt run_as dotnet_bin use_systemd); image/setup.sh and image/upgrade.sh both start the
# services through it, so an upgrade starts them exactly as set-up does.
start_service() {
  local name=$1
  if [ "${use_systemd:-0}" -eq 1 ]; then
    install_unit "classroomguard-$name" "$etc" "$opt/current" "$run_as"
    return
  fi
  stop_background "$name" "$run"
  case "$name" in
    console)
      start_background console "$run" "$log" "$run_as" env CLASSROOMGUARD_CONFIG_DIR="$etc" \
        ClassroomGuard__Influx__SpoolDirectory="$lib/spool-console" "$dotnet_bin" "$opt/current/console/ClassroomGuard.Console.dll" ;;
    dnsfilter)
      caps=net_bind_service start_background dnsfilter "$run" "$log" "$run_as" \
        env CLASSROOMGUARD_CONFIG_DIR="$etc" "$dotnet_bin" "$opt/current/dnsfilter/ClassroomGuard.DnsFilter.dll" ;;
    sniffer)
      # Its own InfluxDB spool, as in the unit: a spool folder is one process's queue (per-process file sequence).
      caps=net_raw start_background sniffer "$run" "$log" "$run_as" env CLASSROOMGUARD_CONFIG_DIR="$etc" \
        ClassroomGuard__Influx__SpoolDirectory="$lib/spool-sniffer" "$dotnet_bin" "$opt/current/sniffer/ClassroomGuard.Sniffer.dll" ;;
    *) echo "error: start_service: no service called $name" >&2; return 64 ;;
  esac
}

# start_sniffer_and_wait IFACE — starts the sniffer (start_service) and waits until it captures on IFACE, or fails
# quoting its own reason (wait_for_sniffer).
start_sniffer_and_wait() {
  local since offset
  if [ "${use_systemd:-0}" -eq 1 ]; then
    since=$(date +%s)
    start_service sniffer
    wait_for_sniffer "$1" journal "$since"
  else
    offset=$(stat -c %s "$log/sniffer.log" 2>/dev/null || echo 0)
    start_service sniffer
    wait_for_sniffer "$1" "$log/sniffer.log" "$offset" "$(cat "$run/sniffer.pid")"
  fi
}

# dns_probe_target LISTEN — "HOST PORT" to ask for the DNS filter's readiness canary, from its first Dns:Listen entry
# (0.0.0.0:53 -> 127.0.0.1 53, [::]:53 -> ::1 53).
dns_probe_target() {
  local first=${1%%,*} host port
  host=${first%:*} port=${first##*:}
  [ "$host" = 0.0.0.0 ] && host=127.0.0.1
  [ "$host" = "[::]" ] && host=::1
  echo "${host//[\[\]]/} $port"
}
