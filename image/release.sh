#!/usr/bin/env bash
# Builds one release of ClassroomGuard into a folder, the unit that set-up installs, the appliance image carries and
# an upgrade swaps in:
#   OUT/console  OUT/dnsfilter  OUT/sniffer   the three services, published (Release, framework-dependent)
#   OUT/image/                                set-up, backup, restore, upgrade and first-boot scripts, systemd units
#   OUT/lists/ut1/                            the UT1 seed lists (CC BY-SA), when ../shared/data/ut1 is there
#   OUT/dotnet/                               with --runtime: the .NET runtime they run on, copied from the SDK that
#                                             built them (the appliance has no SDK and downloads nothing from outside
#                                             Debian)
#   OUT/VERSION                               one line: the release's version
#
# Usage: image/release.sh OUT [--version V] [--runtime]
#   The version defaults to CG_VERSION, else <UTC date>.<time>-<git commit>. OUT must not exist yet.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=image/lib.sh
source "$repo/image/lib.sh"

out="" version=${CG_VERSION:-} with_runtime=0
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=${2:?--version needs a value}; shift 2 ;;
    --runtime) with_runtime=1; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 64 ;;
    *) [ -z "$out" ] || { echo "error: one output folder only ($out, $1)" >&2; exit 64; }; out=$1; shift ;;
  esac
done
[ -n "$out" ] || { echo "error: no output folder given (image/release.sh OUT)" >&2; exit 64; }
[ -e "$out" ] && { echo "error: $out already exists: a release folder is written once" >&2; exit 73; }
if [ -z "$version" ]; then
  commit=$(git -C "$repo" rev-parse --short=10 HEAD 2>/dev/null || echo nogit)
  git -C "$repo" diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
  version="$(date -u +%Y.%m.%d.%H%M%S)-$commit"
fi
case "$version" in
  *[!A-Za-z0-9._+-]*|"") echo "error: version '$version' may hold only letters, digits and . _ + -" >&2; exit 64 ;;
esac
dotnet_bin=$(find_dotnet) || { echo "error: the .NET 10 SDK (dotnet) is needed to build a release" >&2; exit 69; }

mkdir -p "$out.partial"
trap 'rm -rf "$out.partial"' EXIT
for svc in console dnsfilter sniffer; do
  project=$(ls "$repo/$svc"/*.csproj)
  "$dotnet_bin" publish "$project" -c Release -o "$out.partial/$svc" --nologo -v quiet >"$out.partial/build-$svc.log" 2>&1 || {
    echo "error: building $svc failed; its log ends:" >&2
    tail -n 30 "$out.partial/build-$svc.log" >&2
    exit 1
  }
  rm -f "$out.partial/build-$svc.log"
done
mkdir -p "$out.partial/image"
# The scripts and units, not build outputs or images.
tar -C "$repo/image" --exclude=./out -cf - . | tar -C "$out.partial/image" -xf -
if [ -d "$repo/../shared/data/ut1" ]; then
  mkdir -p "$out.partial/lists"
  cp -a "$repo/../shared/data/ut1" "$out.partial/lists/ut1"
fi
if [ "$with_runtime" -eq 1 ]; then
  root=$(dirname "$(readlink -f "$dotnet_bin")")
  runtime=$(ls "$root/shared/Microsoft.NETCore.App" | grep '^10\.' | sort -V | tail -n 1)
  aspnet=$(ls "$root/shared/Microsoft.AspNetCore.App" | grep '^10\.' | sort -V | tail -n 1)
  [ -n "$runtime" ] && [ -n "$aspnet" ] || { echo "error: no .NET 10 runtime under $root/shared" >&2; exit 69; }
  mkdir -p "$out.partial/dotnet/shared/Microsoft.NETCore.App" "$out.partial/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$root/dotnet" "$root/host" "$out.partial/dotnet/"
  cp -a "$root"/LICENSE.txt "$root"/ThirdPartyNotices.txt "$out.partial/dotnet/" 2>/dev/null || true
  cp -a "$root/shared/Microsoft.NETCore.App/$runtime" "$out.partial/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$root/shared/Microsoft.AspNetCore.App/$aspnet" "$out.partial/dotnet/shared/Microsoft.AspNetCore.App/"
fi
echo "$version" >"$out.partial/VERSION"
mv "$out.partial" "$out"
trap - EXIT
echo "$version"
