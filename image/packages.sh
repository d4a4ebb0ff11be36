# shellcheck shell=bash
# The Debian 12 packages ClassroomGuard needs, in one place, sourced by image/setup.sh and tests/run.sh
# (which installs TEST_PACKAGES itself, so the README's test command works on a fresh machine).
# Add a package here (in the right list) when a component starts to need it.

# What the appliance runs with.
APPLIANCE_PACKAGES=(
  influxdb      # time series (influxd 1.6.7), started loopback-only by set-up
  libpcap0.8    # packet capture for the sniffer
  sqlite3       # the state database's CLI, for technicians' troubleshooting
  openssl       # the console's self-signed certificate at set-up
  curl          # health checks in set-up
  bind9-dnsutils  # dig: set-up's DNS readiness check, and technicians' troubleshooting
  ca-certificates
  iproute2      # ip: set-up checks the sniffer's mirror interface and brings it up
  chromium      # headless, prints the reports to PDF (issue #14; Reports:ChromiumPath)
  fonts-liberation # the reports' text in those PDFs (Chromium only recommends it)
  gnupg         # backup.sh and restore.sh: the secrets encrypted with the technician's passphrase
)

# What the test suite needs on top: the real servers and tools the tests drive.
TEST_PACKAGES=(
  "${APPLIANCE_PACKAGES[@]}"
  influxdb-client  # the influx CLI, for inspecting test databases by hand
  jq
  poppler-utils    # console tests: pdftotext and pdfinfo read the printed reports (issue #14)
  python3-aiosmtpd # console tests: a real SMTP server on a loopback port for the alert e-mails (issue #13)
  unbound          # DNS filter tests: local upstream on a loopback port (local-data only, never the Internet)
  knot-dnsutils    # DNS filter tests: kdig as a second real client
  dnsperf          # DNS benchmark (bench/dns.sh, issue #3)
  # Sniffer tests: real traffic in network namespaces, tshark as the oracle (tests must run as root).
  iproute2         # ip netns, veth pairs
  ethtool          # segmentation offload off on the test veths (wire-sized TCP segments)
  libcap2-bin      # setcap: the sniffer's file-capability test (iputils-ping only recommends it)
  procps           # kill: SIGINT to captures and the sniffer (absent from minimal images)
  tcpdump          # writes the captures; its -r rate is the benchmark's baseline
  tshark           # the oracle (answer "no" to wireshark-common's setuid question; non-interactive installs do)
  dnsmasq-base     # DNS and DHCP server in the server namespace (binary only: no system service on port 53)
  isc-dhcp-client  # dhclient: a real DHCP exchange with a host name
  iputils-ping     # live-capture traffic
  python3          # a plain HTTP server for the Host-header oracle
  tcpreplay        # live replay benchmark (bench/sniffer.sh)
  time             # /usr/bin/time: CPU seconds of each contender in bench/sniffer.sh
  bc               # arithmetic in bench/sniffer.sh
  xvfb             # agent tests: a real X server for the screen blank (issue #5)
  xfonts-base      # agent tests: Xvfb's fixed/cursor fonts; without them the blank's message draws nothing (xvfb only recommends them)
  x11-utils        # agent tests: xwininfo (our window mapped, full screen, override-redirect, stacking)
  x11-apps         # agent tests: xwd (screenshot) and xeyes (a window that tries to cover the blank)
  imagemagick      # agent tests: convert xwd to PNG and raw RGB for the pixel check
  libx11-6         # agent: the X11 blanker P/Invokes libX11.so.6
  # Browser tests (issue #5): Playwright's bundled driver (node, copied into the test output by the NuGet package)
  # drives Debian's Chromium; no browser is downloaded.
  chromium         # /usr/bin/chromium, headless
  fonts-liberation # readable text in the console screenshots (Chromium only recommends it)
  # Image tests (issue #15): image/build.sh makes the appliance and kiosk images with Debian's tools, and the tests
  # boot them under qemu (UEFI) and check the systemd units offline.
  debootstrap      # the root filesystems, from Debian's mirror
  e2fsprogs        # mkfs.ext4 -d: the root partition from a folder, no loop device or mount
  dosfstools       # mkfs.vfat: the EFI system partition
  mtools           # mcopy: files onto the EFI system partition without mounting it
  fdisk            # sfdisk: the GPT partition table of the image file
  grub-efi-amd64-bin # grub-mkstandalone -O x86_64-efi: the boot loader
  qemu-utils       # qemu-img: qcow2 images and test overlays
  qemu-system-x86  # boots the images in the tests
  ovmf             # UEFI firmware for qemu
  qemu-guest-agent # image tests: the guest agent client's own tests talk to a real qemu-ga on a unix socket
  systemd          # systemd-analyze security --offline: the units' exposure
)

# install_packages PKG... — installs what is missing, quietly; fails loudly naming apt's error.
install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    echo "       run: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  # Debian's influxdb package starts its own influxd on all interfaces where systemd runs;
  # policy-rc.d stops any package from starting services during this install (set-up starts
  # ours, loopback-only, itself).
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && created_policy=1
  fi
  # apt and debconf talk on stderr even when all is well ("debconf: delaying package configuration, since
  # apt-utils is not installed"): everything goes to a log, shown only when the install fails. Another apt
  # run holding the dpkg lock is waited for, not failed on.
  local rc=0 apt_log
  apt_log=$(mktemp /tmp/classroomguard-apt.XXXXXX)
  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"; } \
    >"$apt_log" 2>&1 || rc=$?
  [ "$created_policy" -eq 1 ] && rm -f "$policy"
  if [ "$rc" -ne 0 ]; then
    echo "error: apt-get could not install: ${missing[*]} (exit $rc); its last lines:" >&2
    tail -n 25 "$apt_log" >&2
    rm -f "$apt_log"
    return "$rc"
  fi
  rm -f "$apt_log"
}
