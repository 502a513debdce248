#!/bin/sh
#
# Refuse to install over a different Cloudflare module.
#
# ispmanager has a Cloudflare module of its own.  Any module that uses our
# file names (addon/cloudflare, etc/xml/ispmgr_mod_cloudflare.xml) or our
# panel functions (cloudflare.*) would be silently overwritten or broken
# by an install.  This script finds such files and stops first.
#
# One script, three callers:
#   make install            sh scripts/check-conflict.sh PREFIX
#   Debian preinst          install|upgrade [VERSION]  (debian/*.preinst links here)
#   RPM pre-install         1|2                        (the spec's pre -f)
#
# A file is ours when our package owns it (dpkg-query -S, rpm -qf), or,
# for a source install, when it carries our marker: the XML the line
# "cf-plugin-marker: ispmanager-cloudflare", the handler the User-Agent
# "ispmanager-cloudflare/" compiled into it (src/cfapi.c).
#
# Exit 0 when nothing foreign is there, 1 with a message when something is.
# CF_FORCE_INSTALL=1 turns the refusal into a warning.

set -u

PKG=ispmanager-cloudflare
XMLMARK='cf-plugin-marker: ispmanager-cloudflare'
BINMARK='ispmanager-cloudflare/'

case "${1:-}" in
abort-upgrade|abort-install)
	exit 0 ;;
install|upgrade|1|2|'')
	prefix=/usr/local/mgr5 ;;
*)
	prefix=$1 ;;
esac

found=''

note() {
	found="$found
  $1"
}

# owner PATH: sets o to the packages owning PATH, space separated
# (dpkg: names, rpm: name-version-release.arch), or to nothing.
# No percent signs in this file: rpm expands macros in the pre-install
# script it reads from here.
owner() {
	o=''
	if command -v dpkg-query >/dev/null 2>&1 &&
	    o=$(dpkg-query -S "$1" 2>/dev/null); then
		o=$(echo "$o" | grep -v '^diversion' | sed -n '1{s/: .*//;s/:[a-z0-9_-]*//g;s/,/ /g;p;}')
	fi
	if [ -z "$o" ] && command -v rpm >/dev/null 2>&1; then
		o=$(rpm -qf "$1" 2>/dev/null) || o=''
		o=$(echo $o)
	fi
}

# ours: whether the package list in o holds this plugin's package.
ours() {
	for w in $o; do
		case "$w" in
		"$PKG"|"$PKG"-[0-9]*) return 0 ;;
		esac
	done
	return 1
}

# check PATH MARKER
check() {
	[ -e "$1" ] || [ -L "$1" ] || return 0
	owner "$1"
	ours && return 0
	if [ -n "$o" ]; then
		note "$1 (it belongs to the package $o)"
		return 0
	fi
	if [ -f "$1" ] && grep -a -q -F "$2" "$1" 2>/dev/null; then
		return 0
	fi
	note "$1 (not installed by this plugin)"
}

check "$prefix/addon/cloudflare" "$BINMARK"
check "$prefix/etc/xml/ispmgr_mod_cloudflare.xml" "$XMLMARK"

# Another description file declaring our handler or our functions.
for f in "$prefix"/etc/xml/ispmgr_mod_*.xml; do
	[ -f "$f" ] || continue
	[ "$f" = "$prefix/etc/xml/ispmgr_mod_cloudflare.xml" ] && continue
	if grep -q -E '<handler[^>]*name="cloudflare"|<func[^>]*name="cloudflare\.' \
	    "$f" 2>/dev/null; then
		note "$f (it declares the panel functions cloudflare.* that this plugin declares too)"
	fi
done

[ -z "$found" ] && exit 0

if [ "${CF_FORCE_INSTALL:-}" = 1 ]; then
	echo "$PKG: warning: installing over another Cloudflare module," \
	    "as CF_FORCE_INSTALL=1 asks:$found" >&2
	exit 0
fi

cat >&2 <<MSG
$PKG: another Cloudflare module is installed on this server:$found

Installing this plugin would overwrite its files or clash with its panel
functions, so nothing was installed and nothing was changed.

To proceed, remove the other module first, the way it was installed: the
package named above with your package manager (apt remove / dnf remove),
or ispmanager's own module in the panel (Modules, Cloudflare). Then install
this plugin again. If the files above are left-overs of nothing you use,
move them aside, or install with CF_FORCE_INSTALL=1 to overwrite them.
MSG
exit 1
