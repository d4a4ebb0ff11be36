#!/usr/bin/env bash
# The classroom display's session, run by cage as the kiosk user (classroomguard-kiosk.service): shows a local page
# while ClassroomGuard does not answer, then signs in with the room's credential and leaves Chromium on the room page.
# Watchdog: Chromium gone → exit (the unit restarts the session within seconds); the console unreachable for
# CG_KIOSK_OUTAGE seconds (default 60) and then back → exit too, so a page Chromium gave up on (its own error page)
# is replaced by a fresh sign-in. Shorter outages are the room page's own business (it reconnects by itself).
set -euo pipefail

config=${CG_KIOSK_CONFIG_DIR:-/run/classroomguard-kiosk-config}
run=${RUNTIME_DIRECTORY:-/run/classroomguard-kiosk}
state=${STATE_DIRECTORY:-/var/lib/classroomguard-kiosk}
chromium=${CG_KIOSK_CHROMIUM:-/usr/bin/chromium}
every=${CG_KIOSK_CHECK_EVERY:-5}
outage=${CG_KIOSK_OUTAGE:-60}
page=$run/start.html
# shellcheck source=image/kiosk/files/pages.sh
source "$(dirname "${BASH_SOURCE[0]}")/pages.sh"

# --disable-gpu --disable-gpu-compositing: Chromium draws in software into shared-memory buffers, which cage (pixman)
# shows as they are. With its GPU process (mesa's software GL, and Debian's --enable-gpu-rasterization default) the
# window stayed white under cage and the page's script never ran (qemu, virtio-gpu: docs/image.md "The white window").
# The room page is video frames and text: software drawing is enough for it.
# shellcheck disable=SC2054 # the commas are in Chromium's feature list
flags=(--kiosk --noerrdialogs --disable-infobars --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --disable-features=Translate,MediaRouter --disable-translate
  --password-store=basic --disable-session-crashed-bubble --overscroll-history-navigation=0 --disable-pinch
  --check-for-update-interval=31536000 --ozone-platform=wayland --disable-gpu --disable-gpu-compositing
  --user-data-dir="$state/chromium")

# A killed Chromium offers to "restore pages" on its next start: tell it the last exit was clean.
preferences="$state/chromium/Default/Preferences"
[ -f "$preferences" ] && sed -i 's/"exited_cleanly":false/"exited_cleanly":true/; s/"exit_type":"[A-Za-z]*"/"exit_type":"Normal"/' "$preferences"

if [ ! -s "$config/console" ]; then
  [ -s "$config/problem.txt" ] || printf '%s\n' "The display's configuration was not read at start-up (classroomguard-kiosk-config.service failed)." \
    "Restart the display; if this stays, write the kiosk image to it again." >"$config/problem.txt"
  page_problem "$page" "$config/problem.txt"
  echo "kiosk: not configured; showing what to do"
  exec "$chromium" "${flags[@]}" "file://$page"
fi
console=$(<"$config/console") pin=$(<"$config/pin") room=$(<"$config/room")

# reachable — the console answers HTTPS with the pinned key (any HTTP status: it is there). Sets $why otherwise.
reachable() {
  local rc=0
  curl -sk --pinnedpubkey "sha256//$pin" --connect-timeout 4 --max-time 8 -o /dev/null "$console/healthz" || rc=$?
  case "$rc" in
    0) return 0 ;;
    90) why="ClassroomGuard answered, but its certificate is not the one this display was given (PIN). If ClassroomGuard was reinstalled, issue a new display credential." ;;
    *) why="No answer yet (curl $rc): check this display's network cable, and that ClassroomGuard is switched on." ;;
  esac
  return 1
}

why="Checking…"
page_waiting "$page" "$console" "$room" "$why"
"$chromium" "${flags[@]}" --ignore-certificate-errors-spki-list="$pin" "file://$page" &
browser=$!
trap 'kill "$browser" 2>/dev/null || true' EXIT

signed_in=0 down=0
while kill -0 "$browser" 2>/dev/null; do
  if reachable; then
    if [ "$signed_in" -eq 0 ]; then
      page_sign_in "$page" "$console" "$(<"$config/credential")"
      signed_in=1
      echo "kiosk: ClassroomGuard at $console answers; signing in"
    elif [ "$down" -ge "$outage" ]; then
      echo "kiosk: ClassroomGuard is back after ${down} s away; restarting the session to sign in afresh"
      exit 75
    fi
    down=0
  else
    down=$((down + every))
    [ "$signed_in" -eq 1 ] || page_waiting "$page" "$console" "$room" "$why"
    [ "$down" -ne "$outage" ] || echo "kiosk: ClassroomGuard at $console unreachable for ${outage} s: $why"
  fi
  sleep "$every"
done
wait "$browser" && rc=0 || rc=$?
echo "kiosk: Chromium exited (status $rc); the session restarts"
exit 1
