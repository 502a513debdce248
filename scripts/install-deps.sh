#!/bin/sh
# Installs what building and testing the plugin needs on Debian 12
# (bookworm) or Ubuntu. Run as root. Safe to run again.
set -eu
PKGS="build-essential pkg-config libcurl4-openssl-dev libcjson-dev
libxml2-dev libpsl-dev publicsuffix libcmocka-dev python3 valgrind clang
libclang-rt-14-dev debhelper dpkg-dev rpm libxml2-utils groff-base"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
fi
# Node.js runs Prism for the contract tests and the SDK in the benchmark.
command -v node >/dev/null 2>&1 || {
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
}
echo "dependencies: ok"
