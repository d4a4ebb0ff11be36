#!/usr/bin/env bash
# Reads and checks a classroom display's classroomguard-kiosk.conf (as the console issues it:
# CONSOLE=https://..., CREDENTIAL=..., PIN=<base64 SHA-256 of the console's public key>).
# Valid: writes OUTDIR/console, OUTDIR/credential, OUTDIR/pin, OUTDIR/room (one value each), exit 0.
# Invalid or missing: writes OUTDIR/problem.txt (what is wrong; what to do, for the screen), exit 65 (66: no file).
# Never prints the credential: what it says goes to the journal.
#
# Usage: kiosk-config.sh FILE OUTDIR
set -euo pipefail

case "${1:-}" in -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; -*) echo "error: unknown option $1" >&2; exit 64 ;; esac
[ $# -eq 2 ] || { echo "usage: kiosk-config.sh FILE OUTDIR" >&2; exit 64; }
file=$1 outdir=$2
mkdir -p "$outdir" || { echo "error: cannot create $outdir" >&2; exit 73; }
rm -f "$outdir/console" "$outdir/credential" "$outdir/pin" "$outdir/room" "$outdir/problem.txt"
umask 027

todo="Issue a display credential in ClassroomGuard: Rooms & enrolment → the room → Classroom displays; copy classroomguard-kiosk.conf onto this display's boot partition (the drive called CGBOOT), then restart the display."
problems=()
fail() {
  printf '%s\n' "${problems[@]}" "$todo" >"$outdir/problem.txt"
  printf 'classroomguard-kiosk.conf: %s\n' "${problems[@]}" >&2
  exit "$1"
}

if [ ! -f "$file" ]; then
  problems+=("This display has no classroomguard-kiosk.conf on its boot partition (CGBOOT), so it does not know which ClassroomGuard to show.")
  fail 66
fi

console="" credential="" pin="" room=""
# The first line names the room: "# ClassroomGuard classroom display — <room>, issued <date> by <who>".
room=$(sed -n '1s/^# ClassroomGuard classroom display — \(.*\), issued .*/\1/p' "$file" | tr -d '\r')
line_no=0
# Files edited on Windows end lines with CR LF and may start with a byte order mark.
while IFS= read -r line || [ -n "$line" ]; do
  line_no=$((line_no + 1))
  line=${line%$'\r'}
  [ "$line_no" -eq 1 ] && line=${line#$'\xef\xbb\xbf'}
  case "$line" in ''|'#'*) continue ;; esac
  key=${line%%=*} value=${line#*=}
  [ "$key" != "$line" ] || { problems+=("Line $line_no is not KEY=VALUE."); continue; }
  case "$key" in
    CONSOLE) console=$value ;;
    CREDENTIAL) credential=$value ;;
    PIN) pin=$value ;;
    *) problems+=("Line $line_no: unknown setting '$key' (only CONSOLE, CREDENTIAL and PIN).") ;;
  esac
done <"$file"

console=${console%/}
if [ -z "$console" ]; then
  problems+=("CONSOLE is missing: the address of ClassroomGuard, such as https://192.168.1.2:8443.")
elif ! [[ "$console" =~ ^https://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:([0-9]{1,5}))?$ ]] ||
     { [ -n "${BASH_REMATCH[4]:-}" ] && [ "${BASH_REMATCH[4]}" -gt 65535 ]; }; then
  problems+=("CONSOLE '$console' is not an https:// address of ClassroomGuard (such as https://192.168.1.2:8443, no path).")
fi
if [ -z "$credential" ]; then
  problems+=("CREDENTIAL is missing.")
elif [[ "$credential" =~ [[:space:][:cntrl:]] ]]; then
  problems+=("CREDENTIAL contains spaces or invisible characters: it was changed after it was issued.")
fi
if [ -z "$pin" ]; then
  problems+=("PIN is missing: the fingerprint of ClassroomGuard's certificate.")
elif ! [[ "$pin" =~ ^[A-Za-z0-9+/]{43}=$ ]] || [ "$(printf '%s' "$pin" | base64 -d 2>/dev/null | wc -c)" -ne 32 ]; then
  problems+=("PIN '$pin' is not a certificate fingerprint (base64 of 32 bytes, 44 characters ending in '=').")
fi
[ "${#problems[@]}" -eq 0 ] || fail 65

printf '%s\n' "$console" >"$outdir/console"
printf '%s\n' "$credential" >"$outdir/credential"
printf '%s\n' "$pin" >"$outdir/pin"
printf '%s\n' "$room" >"$outdir/room"
echo "classroomguard-kiosk.conf: display for ${room:-an unnamed room} at $console"
