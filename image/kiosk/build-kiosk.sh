#!/usr/bin/env bash
# Builds the classroom display ("kiosk") image: Debian 12 that boots into Chromium, full screen under cage, on the
# room page of one ClassroomGuard appliance, signed in with that room's display credential.
#   OUT/classroomguard-kiosk-<version>.raw     GPT disk: ESP (CGBOOT, GRUB, classroomguard-kiosk.conf) + root (cgroot)
#   OUT/classroomguard-kiosk-<version>.qcow2   the same for virtual machines
# Debian's packages come from Debian's mirror; the .debs are kept in OUT/.cache/debs so the next build is quick.
#
# Usage: image/build.sh --kiosk [--out DIR] [--version V] [--size 4G] [--kiosk-config FILE]
#    or: image/kiosk/build-kiosk.sh [same options]
#   --out DIR            output folder (default CG_IMAGE_OUT, else image/out)
#   --version V          the image's version (default CG_VERSION, else <UTC date>.<time>-<git commit>)
#   --size N             disk size for sfdisk/truncate (default 4G; the root grows no further than this)
#   --kiosk-config FILE  bakes this classroomguard-kiosk.conf onto the boot partition (else the display asks for one)
#   --mirror URL         Debian mirror (default http://deb.debian.org/debian)
# Must run as root (debootstrap, chroot).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

out=${CG_IMAGE_OUT:-$repo/image/out} version=${CG_VERSION:-} size=4G config="" mirror=http://deb.debian.org/debian
while [ $# -gt 0 ]; do
  case "$1" in
    --kiosk) shift ;; # build.sh may pass its own options through unchanged
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --version) version=${2:?--version needs a value}; shift 2 ;;
    --size) size=${2:?--size needs a value such as 4G}; shift 2 ;;
    --kiosk-config) config=${2:?--kiosk-config needs a file}; shift 2 ;;
    --mirror) mirror=${2:?--mirror needs a URL}; shift 2 ;;
    --release) echo "error: --release is for the appliance image; a classroom display carries no ClassroomGuard release" >&2; exit 64 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "error: building an image needs root (debootstrap and chroot); run it with sudo" >&2; exit 77; }
[ -f "$repo/image/disk.sh" ] || { echo "error: image/disk.sh (the disk assembly, shared with the appliance image) is missing" >&2; exit 69; }
# shellcheck source=image/disk.sh
source "$repo/image/disk.sh"
missing="$(disk_tools_missing)$(command -v debootstrap >/dev/null || echo debootstrap)"
[ -z "$missing" ] || {
  echo "error: missing: $missing; install the image build packages (TEST_PACKAGES in image/packages.sh)" >&2; exit 69; }
if [ -n "$config" ]; then
  [ -r "$config" ] || { echo "error: the kiosk configuration $config cannot be read" >&2; exit 66; }
  # The same check the display makes at boot, so a bad file fails the build instead of a classroom.
  check=$(mktemp -d)
  rc=0
  "$here/files/kiosk-config.sh" "$config" "$check" >/dev/null || rc=$?
  rm -rf "$check"
  [ "$rc" -eq 0 ] || { echo "error: $config is not a valid classroomguard-kiosk.conf (above: what is wrong)" >&2; exit 65; }
fi
if [ -z "$version" ]; then
  version="$(date -u +%Y.%m.%d.%H%M%S)-$(git -C "$repo" rev-parse --short=10 HEAD 2>/dev/null || echo nogit)"
fi
case "$version" in
  *[!A-Za-z0-9._+-]*|"") echo "error: version '$version' may hold only letters, digits and . _ + -" >&2; exit 64 ;;
esac

mkdir -p "$out/.cache/debs" "$out/.work" || { echo "error: cannot create $out" >&2; exit 73; }
out=$(cd "$out" && pwd)
rootfs="$out/.work/kiosk-rootfs"
started=$(date +%s)
# shellcheck source=image/kiosk/rootfs.sh
source "$here/rootfs.sh"
kiosk_rootfs "$rootfs" "$out/.cache/debs" "$mirror" "$version"
echo "kiosk: root filesystem ready after $(( $(date +%s) - started )) s"

image="$out/classroomguard-kiosk-$version.raw"
disk_build_image "$rootfs" "$image" "$size"
if [ -n "$config" ]; then
  disk_write_esp_file "$image" classroomguard-kiosk.conf "$config"
fi
disk_to_qcow2 "$image" "${image%.raw}.qcow2"
echo "kiosk: $image and ${image%.raw}.qcow2 built in $(( $(date +%s) - started )) s"
