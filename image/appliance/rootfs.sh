# shellcheck shell=bash
# A Debian 12 root file system in a folder, for the appliance and kiosk images. Sourced, never run.
#
#   rootfs_bootstrap ROOT CACHE PACKAGE...  debootstrap (minbase) from Debian's mirror, then PACKAGE... with apt in the
#                                           chroot, recommends left out. Every .deb downloaded is kept in CACHE, so the
#                                           next build downloads only what changed.
#   rootfs_scrub ROOT                       removes what must be made on each machine, not in the image: machine-id,
#                                           random seed, host keys and snakeoil certificates, the build host's
#                                           resolv.conf, apt's lists and caches, logs.
#   rootfs_chroot ROOT CMD...               runs CMD in ROOT with no service started by a package script

ROOTFS_MIRROR=${CG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOTFS_SUITE=bookworm

rootfs_chroot() {
  local root=$1
  shift
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 chroot "$root" "$@"
}

rootfs_bootstrap() {
  local root=$1 cache=$2
  shift 2
  mkdir -p "$cache"
  # --cache-dir keeps debootstrap's own downloads; minbase: apt, dpkg and the essential packages, nothing else.
  debootstrap --variant=minbase --cache-dir="$(realpath "$cache")" "$ROOTFS_SUITE" "$root" "$ROOTFS_MIRROR" \
    >"$root.debootstrap.log" 2>&1 || {
    echo "error: debootstrap of Debian 12 from $ROOTFS_MIRROR failed; its log ends:" >&2
    tail -n 20 "$root.debootstrap.log" >&2
    [ -f "$root/debootstrap/debootstrap.log" ] && tail -n 20 "$root/debootstrap/debootstrap.log" >&2
    return 75
  }
  rm -f "$root.debootstrap.log"
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb http://security.debian.org/debian-security %s-security main\n' \
    "$ROOTFS_MIRROR" "$ROOTFS_SUITE" "$ROOTFS_MIRROR" "$ROOTFS_SUITE" "$ROOTFS_SUITE" >"$root/etc/apt/sources.list"
  # During the build only Debian's mirror is reachable: the image's first apt run (by a technician) reads all three.
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$ROOTFS_MIRROR" "$ROOTFS_SUITE" "$ROOTFS_MIRROR" "$ROOTFS_SUITE" \
    >"$root/etc/apt/sources.list.build"
  # No package may start a service in the chroot (influxdb's would, on the build host's kernel).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # apt downloads into the chroot's own archive folder: seeded from CACHE, and what is new goes back to CACHE.
  find "$cache" -maxdepth 1 -name '*.deb' -exec cp -n -t "$root/var/cache/apt/archives/" {} +
  local apt_opts=(-o Dir::Etc::SourceList=/etc/apt/sources.list.build -o Dir::Etc::SourceParts=/dev/null -y -q
    --no-install-recommends)
  if ! { rootfs_chroot "$root" apt-get "${apt_opts[@]}" update &&
    rootfs_chroot "$root" apt-get "${apt_opts[@]}" install "$@"; } >"$root.apt.log" 2>&1; then
    echo "error: apt-get in the image could not install: $*; its log ends:" >&2
    tail -n 25 "$root.apt.log" >&2
    return 75
  fi
  rm -f "$root.apt.log" "$root/etc/apt/sources.list.build"
  find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n -t "$cache/" {} +
  rm -f "$root/usr/sbin/policy-rc.d"
}

rootfs_scrub() {
  local root=$1
  rootfs_chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old
  # systemd makes a machine-id at the first boot when the file is empty (an empty file, not none: the root is
  # read-write, so it is written once there). Nothing else may identify the machine or hold a key.
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id" "$root/var/lib/systemd/random-seed" "$root/var/lib/systemd/credential.secret"
  rm -f "$root"/etc/ssh/ssh_host_* "$root/etc/ssl/private/ssl-cert-snakeoil.key" "$root/etc/ssl/certs/ssl-cert-snakeoil.pem"
  : >"$root/etc/resolv.conf"
  rm -rf "$root"/tmp/* "$root"/var/tmp/* "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/var/log/journal/*
  rm -f "$root"/root/.bash_history
}
