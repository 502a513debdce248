#!/bin/sh
#
# Copy the source tree, as it is in the working tree (committed or not,
# without build/ and what .gitignore ignores), into DEST, so packages
# can be built and checked without leaving anything in the checkout.
#
# Usage: snapshot.sh DEST
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
dest=$1
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

list=$(mktemp "${TMPDIR:-/tmp}/cf-files.XXXXXX")
trap 'rm -f "$list"' EXIT

cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked and untracked files, minus those deleted in the tree.
	git ls-files --cached --others --exclude-standard | sort -u |
	    while IFS= read -r f; do
		if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\n' "$f"; fi
	    done >"$list"
	tar --no-recursion -cf "$dest.tar" -T "$list"
else
	tar --exclude=./build --exclude=./.git -cf "$dest.tar" .
fi
tar -xf "$dest.tar" -C "$dest"
rm -f "$dest.tar"
