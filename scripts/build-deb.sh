#!/bin/sh
#
# Build the Debian package in a scratch copy of the tree (the checkout
# stays clean) and leave the .deb in OUTDIR (default build/deb).
#
# Usage: build-deb.sh [OUTDIR]
set -eu

out=${1:-build/deb}
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cf-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

sh "$top/scripts/snapshot.sh" "$tmp/src"
if ! (cd "$tmp/src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
then
	tail -n 40 "$tmp/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (last 40 lines above)" >&2
	exit 1
fi
mkdir -p "$out"
cp "$tmp"/*.deb "$out"/
for f in "$tmp"/*.deb; do
	echo "$out/$(basename "$f")"
done
