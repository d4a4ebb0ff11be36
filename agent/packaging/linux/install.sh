#!/bin/sh
# install.sh — installs the ClassroomGuard agent from this tarball on a Linux device without dpkg (on Debian and
# Ubuntu, install the .deb instead). Copies the files under root/ into DESTDIR (default /), then says how to enrol.
#   sudo ./install.sh                 DESTDIR=/some/root ./install.sh (staging; tests)
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
dest="${DESTDIR:-}"
if [ -z "$dest" ] && [ "$(id -u)" -ne 0 ]; then
  echo "error: run it as root (sudo ./install.sh)" >&2
  exit 64
fi
(cd "$here/root" && find . -type d) | while read -r dir; do
  mkdir -p "$dest/$dir"
done
(cd "$here/root" && find . ! -type d) | while read -r file; do
  cp -p "$here/root/$file" "$dest/$file"
done
echo "Installed into ${dest:-/}. Now enrol this device:"
echo "  sudo ${dest}/usr/sbin/classroomguard-agent-enrol --console https://<appliance>:8443 --token <room token> --pin <pin>"
