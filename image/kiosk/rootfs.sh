# shellcheck shell=bash
# The kiosk image's root filesystem. Sourced by image/kiosk/build-kiosk.sh, never run.

# What a classroom display runs, and why each is there (no recommends: each one is chosen).
KIOSK_PACKAGES=(
  linux-image-amd64 initramfs-tools systemd-sysv udev kmod
  dbus                  # Chromium asks the system bus about power and network state
  seatd                 # hands cage the screen and input devices (logind would need polkit to let cage activate its session)
  systemd-resolved      # the DNS servers DHCP names, when CONSOLE is a host name
  cage                  # Debian's Wayland kiosk compositor: one full-screen application, nothing else
  xwayland              # Debian's cage 0.1.4 refuses to start without it (Chromium itself runs on Wayland)
  chromium              # the room page
  fonts-liberation fonts-dejavu-core
  libgl1-mesa-dri libegl1 # mesa's software renderer, for PCs (and VMs) without a GPU driver
  curl                  # the session's "is the console there, with the pinned key?" check
  qemu-guest-agent      # starts only when a VM host gives it its virtio port; the image tests use it
  iproute2 procps       # ip and ps for a technician at the console
)
KIOSK_SUITE=bookworm

# kiosk_chroot ROOTFS CMD... — runs CMD in ROOTFS with /proc, /sys and /dev there, undone afterwards.
kiosk_chroot() {
  local root=$1; shift
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  local rc=0
  LC_ALL=C DEBIAN_FRONTEND=noninteractive chroot "$root" "$@" || rc=$?
  umount "$root/dev/pts" "$root/dev" "$root/sys" "$root/proc"
  return "$rc"
}

# kiosk_rootfs ROOTFS CACHE MIRROR VERSION — a fresh Debian 12 with the kiosk set up in ROOTFS.
kiosk_rootfs() {
  local root=$1 cache=$2 mirror=$3 version=$4 files
  files="$(dirname "${BASH_SOURCE[0]}")/files"
  rm -rf "$root"
  mkdir -p "$root"
  debootstrap --variant=minbase --cache-dir="$cache" "$KIOSK_SUITE" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 || {
    echo "error: debootstrap of Debian $KIOSK_SUITE from $mirror failed; its log ends:" >&2
    tail -n 20 "$root.debootstrap.log" >&2; return 1; }
  # Security updates too: Chromium is updated there, not in the release.
  cat >"$root/etc/apt/sources.list" <<LIST
deb $mirror $KIOSK_SUITE main
deb $mirror $KIOSK_SUITE-updates main
deb ${mirror%/debian}/debian-security $KIOSK_SUITE-security main
LIST
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
  find "$cache" -maxdepth 1 -name '*.deb' -exec cp -n -l {} "$root/var/cache/apt/archives/" \;
  # The initramfs is made once at the end, not by the kernel's install and again by each package that triggers it.
  chroot "$root" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
  ln -s /bin/true "$root/usr/sbin/update-initramfs"
  kiosk_chroot "$root" sh -c "apt-get -q update && apt-get -q -y install --no-install-recommends ${KIOSK_PACKAGES[*]} &&
    rm /usr/sbin/update-initramfs && dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs &&
    update-initramfs -c -k all" \
    >"$root.apt.log" 2>&1 || {
    echo "error: installing the kiosk's packages failed; the log ends:" >&2; tail -n 20 "$root.apt.log" >&2; return 1; }
  find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n -l {} "$cache/" \;
  kiosk_install_files "$root" "$files" "$version"
  kiosk_chroot "$root" sh -c "$(kiosk_chroot_setup)" >>"$root.apt.log" 2>&1 || {
    echo "error: setting up the kiosk in its root filesystem failed; the log ends:" >&2; tail -n 20 "$root.apt.log" >&2; return 1; }
  rm -f "$root/usr/sbin/policy-rc.d"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/*
  # Made on first boot, per display: never baked into every copy of the image.
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id" "$root"/etc/ssh/ssh_host_* "$root/var/lib/systemd/random-seed"
}

# kiosk_install_files ROOTFS FILES VERSION — our scripts, units and settings into the root filesystem.
kiosk_install_files() {
  local root=$1 files=$2 version=$3 lib=$1/usr/lib/classroomguard-kiosk
  install -d "$lib" "$root/boot/efi" "$root/etc/systemd/network"
  install -m 755 "$files/kiosk-config.sh" "$files/session.sh" "$lib/"
  install -m 644 "$files/pages.sh" "$lib/"
  install -m 644 "$files"/classroomguard-kiosk*.service "$root/etc/systemd/system/"
  install -m 644 "$files/wired.network" "$root/etc/systemd/network/20-wired.network"
  echo "$version" >"$lib/VERSION"
  echo classroom-display >"$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tclassroom-display\n' >"$root/etc/hosts"
  # The boot partition, read-only: the display's configuration is read from it, nothing writes it.
  printf 'LABEL=cgroot\t/\text4\terrors=remount-ro\t0 1\nLABEL=CGBOOT\t/boot/efi\tvfat\tro,nofail,nodev,nosuid,noexec,umask=0077,x-systemd.device-timeout=90s\t0 0\n' \
    >"$root/etc/fstab"
}

# kiosk_chroot_setup — the shell commands run inside the root filesystem.
kiosk_chroot_setup() {
  cat <<'SETUP'
set -e
# The display's user: no password (locked), no login shell. Group video: seatd's socket (seatd -g video), which hands
# cage the screen and input devices.
useradd --system --user-group --groups video,render --home-dir /var/lib/classroomguard-kiosk --no-create-home --shell /usr/sbin/nologin kiosk
passwd -l root >/dev/null
systemctl enable systemd-networkd systemd-resolved seatd classroomguard-kiosk-config classroomguard-kiosk
systemctl set-default graphical.target
# tty1, the screen at boot, belongs to the kiosk: no login prompt there (the root account is locked anyway).
systemctl mask getty@tty1.service
ln -sf /run/systemd/resolve/stub-resolv.conf /etc/resolv.conf
SETUP
}
