#!/usr/bin/env bash
# Builds the ClassroomGuard appliance image: Debian 12 with ClassroomGuard installed, ready to boot on a PC (UEFI) or
# in a virtual machine. Debian packages from Debian's mirror and our own release are all that go in.
#
# Usage: sudo image/build.sh [--kiosk] [--out DIR] [--version V] [--size 8G] [--release DIR]
#   --kiosk        build the classroom display image instead (image/kiosk/build-kiosk.sh; the other options pass on)
#   --out DIR      output folder (default: CG_IMAGE_OUT, else image/out/)
#   --version V    the release's version (default: image/release.sh's, <UTC date>.<time>-<git commit>)
#   --size SIZE    disk size, e.g. 8G (default 8G; the root file system grows to a bigger disk at first boot)
#   --release DIR  put this release folder (image/release.sh --runtime) in the image instead of building one
# Writes DIR/classroomguard-<version>.raw (write it to a PC's disk), .qcow2 (virtual machines) and
# -upgrade.tar (the release, for image/upgrade.sh). Downloaded .debs are kept in DIR/.cache/debs for the next build.
# Needs root (debootstrap and chroot), the .NET 10 SDK (unless --release) and Debian's debootstrap, e2fsprogs,
# dosfstools, mtools, fdisk, grub-efi-amd64-bin and qemu-utils (installed when missing).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=image/packages.sh
source "$repo/image/packages.sh"
# shellcheck source=image/lib.sh
source "$repo/image/lib.sh"
# shellcheck source=image/disk.sh
source "$repo/image/disk.sh"
# shellcheck source=image/appliance/rootfs.sh
source "$repo/image/appliance/rootfs.sh"

for arg in "$@"; do
  if [ "$arg" = --kiosk ]; then
    kiosk=$repo/image/kiosk/build-kiosk.sh
    [ -f "$kiosk" ] || { echo "error: the kiosk image builder ($kiosk) is not in this source tree yet" >&2; exit 69; }
    args=()
    for a in "$@"; do [ "$a" = --kiosk ] || args+=("$a"); done
    exec bash "$kiosk" "${args[@]}"
  fi
done

out=${CG_IMAGE_OUT:-$repo/image/out} version="" size=8G release_in=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --version) version=${2:?--version needs a value}; shift 2 ;;
    --size) size=${2:?--size needs a size, e.g. 8G}; shift 2 ;;
    --release) release_in=${2:?--release needs a release folder}; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
disk_bytes "$size" >/dev/null || { echo "error: --size $size is not a size (e.g. 8G or 4096M)" >&2; exit 64; }
if [ -n "$release_in" ]; then
  [ -f "$release_in/VERSION" ] && [ -x "$release_in/dotnet/dotnet" ] ||
    { echo "error: $release_in is not a release with its runtime (image/release.sh OUT --runtime makes one)" >&2; exit 65; }
fi
[ "$(id -u)" -eq 0 ] || { echo "error: building an image needs root (debootstrap, chroot): sudo $0 $*" >&2; exit 77; }

started=$(date +%s)
say() { printf '==> %s (%ss)\n' "$*" "$(($(date +%s) - started))"; }

# The build host's tools (Debian packages), installed when missing like set-up does.
install_packages debootstrap e2fsprogs dosfstools mtools fdisk grub-efi-amd64-bin qemu-utils ||
  { echo "error: the image tools are missing and could not be installed" >&2; exit 69; }
missing_tools=$(disk_tools_missing)
[ -z "$missing_tools" ] || { echo "error: missing tools: $missing_tools" >&2; exit 69; }

mkdir -p "$out" || { echo "error: cannot create the output folder $out" >&2; exit 73; }
out=$(realpath "$out")
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. The release: the three services, the scripts and units, the seed lists and the .NET runtime.
if [ -n "$release_in" ]; then
  say "Using the release $release_in"
  cp -a "$release_in" "$work/release"
  [ -z "$version" ] || echo "$version" >"$work/release/VERSION"
else
  say "Building the release (image/release.sh --runtime)"
  bash "$repo/image/release.sh" "$work/release" --runtime ${version:+--version "$version"} >/dev/null
fi
version=$(cat "$work/release/VERSION")

# 2. Debian 12. No SSH server: the appliance is managed through its HTTPS console and its own screen; an SSH server
#    would be one more listening service, password or key to manage, for a technician who does not need it.
say "Debian 12 root file system (debootstrap; .debs cached in $out/.cache/debs)"
root=$work/root
rootfs_bootstrap "$root" "$out/.cache/debs" \
  linux-image-amd64 initramfs-tools systemd-sysv udev iproute2 openssl curl ca-certificates sqlite3 influxdb \
  libpcap0.8 qemu-guest-agent bind9-dnsutils gnupg cloud-guest-utils fdisk e2fsprogs util-linux zstd dosfstools \
  "${APPLIANCE_PACKAGES[@]}"

# 3. This appliance: name, network, accounts, ClassroomGuard and its units.
say "Installing ClassroomGuard $version"
echo classroomguard >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tclassroomguard\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
# The ESP at /boot/efi, root only: first boot reads a technician's classroomguard-appliance.conf there.
cat >"$root/etc/fstab" <<'FSTAB'
# <file system> <mount point> <type> <options> <dump> <pass>
LABEL=cgroot    /             ext4   errors=remount-ro 0 1
LABEL=CGBOOT    /boot/efi     vfat   umask=0077,nofail,x-systemd.device-timeout=10s 0 2
FSTAB
mkdir -p "$root/boot/efi"
# Root has no password in the image (locked); first boot sets one made on the machine and shows it on its screen.
rootfs_chroot "$root" usermod -p '!' root
rootfs_chroot "$root" useradd --system --home-dir /var/lib/classroomguard --shell /usr/sbin/nologin classroomguard
install -m 0644 "$repo/image/appliance/80-classroomguard-lan.network" "$root/etc/systemd/network/"
install -m 0644 "$repo/image/appliance/classroomguard.tmpfiles" "$root/usr/lib/tmpfiles.d/classroomguard.conf"
# agetty prints /run/issue (the banner, on tmpfs) only when /etc/issue does not exist.
rm -f "$root/etc/issue"
systemctl --root="$root" enable systemd-networkd.service serial-getty@ttyS0.service >/dev/null 2>&1
# "Online" is one port with an address: the mirror port never gets one, and a network without IPv6 never finishes it.
mkdir -p "$root/etc/systemd/system/systemd-networkd-wait-online.service.d"
printf '[Service]\nExecStart=\nExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30\n' \
  >"$root/etc/systemd/system/systemd-networkd-wait-online.service.d/10-classroomguard.conf"
# Debian's influxdb unit listens on every interface without authentication: set-up runs its own, loopback only.
systemctl --root="$root" disable influxdb.service >/dev/null 2>&1 || true
# (and stays off if systemd applies presets at the first boot, the machine-id being empty)
mkdir -p "$root/etc/systemd/system-preset"
printf 'disable influxdb.service\n' >"$root/etc/systemd/system-preset/10-classroomguard.preset"

opt=/opt/classroomguard
install -d -m 0755 "$root$opt/releases"
cp -a "$work/release" "$root$opt/releases/$version"
chown -R root:root "$root$opt/releases/$version"
ln -sfn "releases/$version" "$root$opt/current"
# The services' units, templated as set-up's install_unit does, enabled. Each starts once its settings exist: on the
# first boot set-up writes them and starts the services itself.
for unit in "$root$opt/current/image/systemd/"*.service; do
  name=$(basename "$unit" .service)
  render_unit "$unit" /etc/classroomguard "$opt/current" classroomguard "$opt/current/dotnet/dotnet" \
    >"$root/etc/systemd/system/$name.service"
  case "$name" in
    classroomguard-influxdb) settings=influxdb.conf ;;
    classroomguard-console) settings=appliance.json ;;
    classroomguard-dnsfilter) settings=dns.json ;;
    classroomguard-sniffer) settings=sniffer.json ;;
    *) settings=appliance.json ;;
  esac
  mkdir -p "$root/etc/systemd/system/$name.service.d"
  printf '# Written by image/build.sh: not before first boot has made the settings.\n[Unit]\nConditionPathExists=/etc/classroomguard/%s\n' \
    "$settings" >"$root/etc/systemd/system/$name.service.d/10-appliance.conf"
  systemctl --root="$root" enable "$name.service" >/dev/null 2>&1
done
for unit in classroomguard-firstboot classroomguard-banner; do
  install -m 0644 "$root$opt/current/image/appliance/$unit.service" "$root/etc/systemd/system/"
  systemctl --root="$root" enable "$unit.service" >/dev/null 2>&1
done
ln -sfn "$opt/current/image/appliance/classroomguard-mirror" "$root/usr/local/sbin/classroomguard-mirror"

# 4. Nothing machine-specific or secret stays in the image; then the disk.
[ -e "$root/initrd.img" ] || rootfs_chroot "$root" update-initramfs -c -k all >/dev/null
rootfs_scrub "$root"
say "Assembling the disk ($size)"
name=classroomguard-$version
disk_build_image "$root" "$out/$name.raw" "$size"
disk_to_qcow2 "$out/$name.raw" "$out/$name.qcow2"
tar -C "$work/release" --transform "s,^\\.,releases/$version," -cf "$out/$name-upgrade.tar" .

say "Done"
for f in "$out/$name.raw" "$out/$name.qcow2" "$out/$name-upgrade.tar"; do
  printf '  %s  (%s on disk)\n' "$f" "$(du -h "$f" | cut -f1)"
done
