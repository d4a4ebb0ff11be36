#!/usr/bin/env bash
# agent/packaging/build.sh — builds what a school's IT installs on pupil devices (docs/agent.md, "Deploying"):
#   classroomguard-agent_<version>_amd64.deb            Debian/Ubuntu (dpkg -i / apt install ./…deb)
#   classroomguard-agent-<version>-linux-x64.tar.gz     other Linux distributions (install.sh inside)
#   classroomguard-agent-<version>-win-x64.zip          Windows: ClassroomGuard.Agent.exe + INSTALL-windows.txt (untested)
# Each is a self-contained single-file publish: pupil devices need no .NET runtime (see docs/agent.md for why).
#
# Usage: agent/packaging/build.sh [--out DIR] [--version V] [--targets "linux-x64 win-x64"]
# Environment: COMPRESS=xz|gzip (the .deb's compression; default xz, smallest; gzip is much faster).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/artifacts/agent"
version="0.1.0"
targets="linux-x64 win-x64"
compress="${COMPRESS:-xz}"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    *) echo "usage: $0 [--out DIR] [--version V] [--targets \"linux-x64 win-x64\"]" >&2; exit 64 ;;
  esac
done
[[ "$version" =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || { echo "error: --version '$version' is not a Debian version" >&2; exit 64; }
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is needed to build the agent" >&2; exit 1; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d /tmp/cg-agent-pkg.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# publish RID DIR [MSBUILD-PROPERTY…] — self-contained single file; its own artifacts path so the developer's bin/obj
# are untouched.
publish() {
  echo "publishing the agent for $1…" >&2
  dotnet publish "$repo/agent/ClassroomGuard.Agent.csproj" -c Release -r "$1" --self-contained true \
    -p:PublishSingleFile=true -p:DebugType=none -p:Version="${version%%[-+~]*}" "${@:3}" \
    --artifacts-path "$work/artifacts-$1" -o "$2" -nologo -v q >"$work/publish-$1.log" 2>&1 ||
    { cat "$work/publish-$1.log" >&2; echo "error: dotnet publish for $1 failed" >&2; exit 1; }
  rm -f "$2"/*.xml "$2"/*.pdb "$2"/aspnetcorev2_inprocess.dll # docs, symbols, and IIS's module (no IIS here)
}

for target in $targets; do
  case "$target" in
    linux-x64)
      root="$work/linux/root"
      publish linux-x64 "$root/opt/classroomguard-agent"
      install -D -m 0755 "$here/linux/classroomguard-agent-enrol" "$root/usr/sbin/classroomguard-agent-enrol"
      install -D -m 0755 "$here/linux/session" "$root/usr/lib/classroomguard-agent/session"
      install -D -m 0644 "$here/linux/classroomguard-agent.desktop" "$root/etc/xdg/autostart/classroomguard-agent.desktop"
      install -D -m 0644 "$repo/docs/agent.md" "$root/usr/share/doc/classroomguard-agent/agent.md"
      chmod 0755 "$root/opt/classroomguard-agent/ClassroomGuard.Agent"

      # .deb: the tree plus control files; owned by root whoever builds it.
      deb="$work/deb"
      cp -a "$root" "$deb"
      mkdir -p "$deb/DEBIAN"
      cat >"$deb/DEBIAN/control" <<CONTROL
Package: classroomguard-agent
Version: $version
Architecture: amd64
Maintainer: ClassroomGuard <root@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$deb" | cut -f1)
Depends: libc6 (>= 2.27), libgcc-s1, libstdc++6, libssl3 | libssl1.1, libx11-6
Section: admin
Priority: optional
Description: ClassroomGuard pupil agent
 Runs in each pupil's X session and lets the school's ClassroomGuard console
 blank this screen. Enrol the device once with classroomguard-agent-enrol.
CONTROL
      echo "/etc/xdg/autostart/classroomguard-agent.desktop" >"$deb/DEBIAN/conffiles"
      install -m 0755 "$here/linux/postrm" "$deb/DEBIAN/postrm"
      dpkg-deb --root-owner-group -Z"$compress" --build "$deb" "$out/classroomguard-agent_${version}_amd64.deb" >/dev/null

      # Tarball: the same tree under root/, with install.sh.
      tarball="$work/classroomguard-agent-$version-linux-x64"
      mkdir -p "$tarball"
      cp -a "$root" "$tarball/root"
      install -m 0755 "$here/linux/install.sh" "$tarball/install.sh"
      tar -C "$work" --owner=0 --group=0 -czf "$out/classroomguard-agent-$version-linux-x64.tar.gz" "$(basename "$tarball")"
      ;;
    win-x64)
      win="$work/classroomguard-agent-$version-win-x64"
      # WinExe: the GUI subsystem, so no console window opens in the pupil's session (closing it would stop the agent).
      publish win-x64 "$win" -p:OutputType=WinExe
      cp "$here/windows/INSTALL-windows.txt" "$win/"
      (cd "$work" && python3 -m zipfile -c "$out/classroomguard-agent-$version-win-x64.zip" "$(basename "$win")")
      ;;
    *) echo "error: unknown target '$target' (linux-x64, win-x64)" >&2; exit 64 ;;
  esac
done
ls -l "$out" >&2
