#!/bin/sh
#
# The packages and the source install.
#
#   - the .deb builds (in a scratch copy of the tree: the checkout stays
#     clean) and holds exactly the installed files of DESIGN.md, with
#     their modes, and no log; its Depends names the runtime libraries
#     by their Debian names; its maintainer scripts create the log,
#     reload the panel, keep the tokens on remove and delete them on purge;
#   - the conflict check finds a different Cloudflare module and stops
#     `make install` before it copies anything;
#   - `make install` / `make uninstall` into a scratch PREFIX;
#   - the RPM spec parses, names the same files with the same modes, and,
#     where rpmbuild works, builds from a tarball of the tree.
#
# Usage: sh tests/packaging.sh      (make packaging-check)
# Prints PASS/FAIL/SKIP lines and ends with "N passed, N failed".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cf-pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

npass=0
nfail=0

pass() { npass=$((npass + 1)); echo "PASS $*"; }
fail() { nfail=$((nfail + 1)); echo "FAIL $*"; }
skip() { echo "SKIP $*"; }

# t DESCRIPTION COMMAND...: PASS when the command succeeds; else FAIL
# with its output.
t() {
	desc=$1
	shift
	if "$@" >"$tmp/t.out" 2>&1; then
		pass "$desc"
	else
		fail "$desc"
		sed -n '1,30s/^/    /p' "$tmp/t.out"
	fi
}

# The installed files (DESIGN.md, "Installed files"), plus the Modules
# entry: mode, owner, path below /.
MGR=usr/local/mgr5
cat >"$tmp/expected" <<EOF
-rwxr-x--- root/root $MGR/addon/cloudflare
drwx------ root/root $MGR/etc/cloudflare
-rw-r--r-- root/root $MGR/etc/plugins/ispmgr/cloudflare.xml
-rw-r--r-- root/root $MGR/etc/xml/ispmgr_mod_cloudflare.xml
EOF

# --- versions ------------------------------------------------------------

ver=$(sed -n 's/^#define CF_VERSION[[:space:]]*"\(.*\)"/\1/p' "$top/include/cf.h")
debver=$(sed -n '1s/^ispmanager-cloudflare (\([^)-]*\)-[^)]*).*/\1/p' \
    "$top/debian/changelog")
rpmver=$(sed -n 's/^Version:[[:space:]]*//p' "$top/rpm/ispmanager-cloudflare.spec")
same_versions() {
	echo "cf.h $ver, debian/changelog $debver, spec $rpmver"
	[ -n "$ver" ] && [ "$ver" = "$debver" ] && [ "$ver" = "$rpmver" ]
}
t "one version everywhere ($ver)" same_versions

# DESIGN.md, where the shared notes are at hand: every file it lists is
# in our table.
design=$top/../shared/DESIGN.md
if [ -f "$design" ]; then
	design_listed() {
		sed -n 's/^| `\$PREFIX\/\([^`]*\)` |.*/\1/p' "$design" |
		    sed 's:/$::' >"$tmp/design"
		[ -s "$tmp/design" ] || { echo "no file table in $design"; return 1; }
		while read -r f; do
			# The log is created (make install, postinst, %post),
			# never shipped: an upgrade must not touch it.
			[ "$f" = var/cloudflare.log ] && continue
			grep -q " $MGR/$f\$" "$tmp/expected" ||
			    { echo "DESIGN.md lists $f, the test does not"; return 1; }
		done <"$tmp/design"
	}
	t "the test's file table covers DESIGN.md's" design_listed
else
	skip "DESIGN.md not at $design: file table not cross-checked"
fi

# --- the conflict check ----------------------------------------------------

cc=$top/scripts/check-conflict.sh
p=$tmp/prefix
mkdir -p "$p/addon" "$p/etc/xml"
conflict() {	# conflict EXPECTED-EXIT ARGS...: runs the check, compares
	want=$1
	shift
	sh "$cc" "$@" >"$tmp/cc.out" 2>&1
	got=$?
	cat "$tmp/cc.out"
	[ "$got" -eq "$want" ] || { echo "exit $got, want $want"; return 1; }
}
t "conflict check: an empty prefix is fine" conflict 0 "$p"
cp "$top/xml/ispmgr_mod_cloudflare.xml" "$p/etc/xml/"
printf '\177ELF...ispmanager-cloudflare/1.0.0...' >"$p/addon/cloudflare"
t "conflict check: our own files (marker, User-Agent) are fine" conflict 0 "$p"
printf '#!/bin/sh\necho other module\n' >"$p/addon/cloudflare"
names_path() {
	conflict 1 "$p" && grep -q "$p/addon/cloudflare" "$tmp/cc.out" &&
	    grep -q 'remove the other module first' "$tmp/cc.out"
}
t "conflict check: a foreign handler stops it, naming the file and the way out" \
    names_path
t "conflict check: CF_FORCE_INSTALL=1 overrides, with a warning" \
    env CF_FORCE_INSTALL=1 sh -c "sh '$cc' '$p' 2>&1 | grep -q warning"
t "conflict check: as a preinst, abort-upgrade never fails" conflict 0 abort-upgrade
# Ownership, through stand-ins for dpkg-query and rpm.
mkdir -p "$tmp/bin"
fakeowner() {	# fakeowner DPKG-ANSWER RPM-ANSWER (empty: not owned)
	printf '#!/bin/sh\n[ -n "%s" ] || exit 1\necho "%s: $2"\n' "$1" "$1" \
	    >"$tmp/bin/dpkg-query"
	printf '#!/bin/sh\n[ -n "%s" ] || { echo "file $2 is not owned by any package"; exit 1; }\necho "%s"\n' \
	    "$2" "$2" >"$tmp/bin/rpm"
	chmod 755 "$tmp/bin/dpkg-query" "$tmp/bin/rpm"
}
fakeowner "ispmanager-cloudflare" ""
t "conflict check: files dpkg says are ours are fine, marker or not" \
    env PATH="$tmp/bin:$PATH" sh "$cc" "$p"
fakeowner "" "ispmanager-cloudflare-1.0.0-1.el9.x86_64"
t "conflict check: files rpm says are ours are fine, marker or not" \
    env PATH="$tmp/bin:$PATH" sh "$cc" "$p"
fakeowner "isp-cloudflare-module:amd64" ""
other_pkg() {
	env PATH="$tmp/bin:$PATH" sh "$cc" "$p" >"$tmp/cc.out" 2>&1
	rc=$?
	cat "$tmp/cc.out"
	[ "$rc" -eq 1 ] && grep -q 'belongs to the package isp-cloudflare-module)' "$tmp/cc.out"
}
t "conflict check: a file of another package stops it, naming the package" other_pkg
rm -f "$p/addon/cloudflare"
echo '<mgrdata><handler name="cloudflare" type="xml"/></mgrdata>' \
    >"$p/etc/xml/ispmgr_mod_cloudflare.xml"
t "conflict check: a foreign ispmgr_mod_cloudflare.xml stops it" conflict 1 "$p"
cp "$top/xml/ispmgr_mod_cloudflare.xml" "$p/etc/xml/"
echo '<mgrdata><handler name="cf.php" type="cgi"><func name="cloudflare.zone"/></handler></mgrdata>' \
    >"$p/etc/xml/ispmgr_mod_cf.xml"
t "conflict check: another XML declaring cloudflare.* functions stops it" \
    conflict 1 "$p"
rm -rf "$p"

# --- make install / uninstall ---------------------------------------------

src=$tmp/src
sh "$top/scripts/snapshot.sh" "$src"
t "the tree builds (make)" make -C "$src" -s
p=$tmp/mgr
mkdir -p "$p/sbin" "$p/var/.xmlcache"
printf '#!/bin/sh\necho "$*" >>"%s/mgrctl.calls"\n' "$p" >"$p/sbin/mgrctl"
chmod 755 "$p/sbin/mgrctl"
t "make install PREFIX=scratch" make -C "$src" -s install PREFIX="$p"
modes_of_tree() {	# the table, from the scratch prefix
	for f in addon/cloudflare etc/cloudflare etc/plugins/ispmgr/cloudflare.xml \
	    etc/xml/ispmgr_mod_cloudflare.xml; do
		echo "$(stat -c '%A %U/%G' "$p/$f") $MGR/$f"
	done >"$tmp/got"
	diff "$tmp/expected" "$tmp/got"
}
t "make install: the files and modes of DESIGN.md" modes_of_tree
t "make install: the log, 0600" sh -c "[ \"\$(stat -c %a '$p/var/cloudflare.log')\" = 600 ]"
t "make install: the panel reloaded (xmlcache cleared, mgrctl -m ispmgr exit)" \
    sh -c "[ ! -e '$p/var/.xmlcache' ] && grep -qx -- '-m ispmgr exit' '$p/mgrctl.calls'"
echo '{"token":"x"}' >"$p/etc/cloudflare/global.json"
t "make uninstall" make -C "$src" -s uninstall PREFIX="$p"
uninstalled() {
	for f in addon/cloudflare etc/plugins/ispmgr/cloudflare.xml \
	    etc/xml/ispmgr_mod_cloudflare.xml; do
		[ ! -e "$p/$f" ] || { echo "left $f"; return 1; }
	done
	[ -f "$p/etc/cloudflare/global.json" ] || { echo "tokens removed"; return 1; }
}
t "make uninstall: the files gone, the tokens kept" uninstalled
p=$tmp/other
mkdir -p "$p/addon"
printf '#!/bin/sh\necho other\n' >"$p/addon/cloudflare"
refused() {
	! make -C "$src" -s install PREFIX="$p" &&
	    grep -q 'echo other' "$p/addon/cloudflare" &&
	    [ ! -e "$p/etc/xml/ispmgr_mod_cloudflare.xml" ]
}
t "make install over a foreign module stops before copying anything" refused

# --- the .deb --------------------------------------------------------------

if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
	skip "dpkg-buildpackage not installed: the .deb is not checked"
else
	arch=$(dpkg --print-architecture)
	deb=$tmp/deb/ispmanager-cloudflare_${ver}-1_${arch}.deb
	t "dpkg-buildpackage -us -uc -b builds $(basename "$deb")" \
	    sh -c "sh '$top/scripts/build-deb.sh' '$tmp/deb' && [ -f '$deb' ]"
fi
if [ -f "${deb:-/nonexistent}" ]; then
	dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\.\//, "", p);
	    sub(/\/$/, "", p); if (p != "") print $1, $2, p }' >"$tmp/deblist"
	deb_files() {
		# Our files with their modes, then nothing else but the
		# directories above them and the package's own docs.
		grep -F -f "$tmp/expected" -x "$tmp/deblist" | sort >"$tmp/got"
		sort "$tmp/expected" | diff - "$tmp/got" || return 1
		grep -v -F -x -f "$tmp/expected" "$tmp/deblist" |
		    while read -r mode own path; do
			case "$mode $path" in
			"drwxr-xr-x usr"|"drwxr-xr-x usr/local"|"drwxr-xr-x usr/share"|\
			"drwxr-xr-x usr/share/doc"|"drwxr-xr-x usr/share/doc/ispmanager-cloudflare"|\
			"-rw-r--r-- usr/share/doc/ispmanager-cloudflare/copyright"|\
			"-rw-r--r-- usr/share/doc/ispmanager-cloudflare/changelog.Debian.gz")
				;;
			"drwxr-xr-x $MGR"|"drwxr-xr-x $MGR/addon"|"drwxr-xr-x $MGR/etc"|\
			"drwxr-xr-x $MGR/etc/xml"|"drwxr-xr-x $MGR/etc/plugins"|\
			"drwxr-xr-x $MGR/etc/plugins/ispmgr")
				;;
			*)
				echo "unexpected in the .deb: $mode $own $path"
				return 1 ;;
			esac
			[ "$own" = root/root ] || { echo "$path is $own"; return 1; }
		    done
	}
	t "the .deb: exactly the files of DESIGN.md, their modes, no log" deb_files
	dpkg-deb -f "$deb" Depends >"$tmp/depends"
	depends() {
		cat "$tmp/depends"
		for lib in libcurl4 libcjson1 libxml2 libpsl5; do
			tr ',' '\n' <"$tmp/depends" | grep -q "^ *$lib\( \|$\)" ||
			    { echo "no $lib"; return 1; }
		done
	}
	t "the .deb: Depends names libcurl4, libcjson1, libxml2, libpsl5" depends

	dpkg-deb -e "$deb" "$tmp/ctl"
	t "the .deb: preinst is scripts/check-conflict.sh" \
	    cmp "$tmp/ctl/preinst" "$top/scripts/check-conflict.sh"

	# The maintainer scripts, pointed at a scratch tree instead of
	# /usr/local/mgr5.
	p=$tmp/maint
	mkdir -p "$p/sbin" "$p/var/.xmlcache" "$p/etc/cloudflare"
	printf '#!/bin/sh\necho "$*" >>"%s/mgrctl.calls"\n' "$p" >"$p/sbin/mgrctl"
	chmod 755 "$p/sbin/mgrctl"
	for s in postinst postrm; do
		sed "s|^MGR=/usr/local/mgr5\$|MGR=$p|" "$tmp/ctl/$s" >"$tmp/$s"
	done
	postinst() {
		grep -q "^MGR=$p\$" "$tmp/postinst" || { echo "no MGR= line"; return 1; }
		sh "$tmp/postinst" configure || return 1
		[ "$(stat -c %a "$p/var/cloudflare.log")" = 600 ] ||
		    { echo "log not 0600"; return 1; }
		[ ! -e "$p/var/.xmlcache" ] || { echo "xmlcache kept"; return 1; }
		grep -qx -- '-m ispmgr exit' "$p/mgrctl.calls"
	}
	t "the .deb: postinst creates the log 0600 and reloads the panel" postinst
	echo kept >"$p/var/cloudflare.log"
	t "the .deb: postinst keeps an existing log" \
	    sh -c "sh '$tmp/postinst' configure && grep -q kept '$p/var/cloudflare.log'"
	no_panel() {
		rm -f "$p/sbin/mgrctl"
		sh "$tmp/postinst" configure
	}
	t "the .deb: postinst succeeds without the panel" no_panel
	echo '{"token":"x"}' >"$p/etc/cloudflare/global.json"
	remove() {
		sh "$tmp/postrm" remove 2>"$tmp/msg" || return 1
		cat "$tmp/msg"
		[ -f "$p/etc/cloudflare/global.json" ] && grep -q kept "$tmp/msg"
	}
	t "the .deb: remove keeps the tokens and says so" remove
	purge() {
		sh "$tmp/postrm" purge 2>"$tmp/msg" || return 1
		cat "$tmp/msg"
		[ ! -e "$p/etc/cloudflare" ] && [ ! -e "$p/var/cloudflare.log" ] &&
		    grep -q 'deleted the saved API tokens' "$tmp/msg"
	}
	t "the .deb: purge deletes the tokens and the log, and says so" purge
fi

# --- the RPM spec ----------------------------------------------------------

spec=$top/rpm/ispmanager-cloudflare.spec
if ! command -v rpmspec >/dev/null 2>&1; then
	skip "rpmspec not installed: the spec is not checked"
else
	t "the spec parses (rpmspec -P)" sh -c "rpmspec -P '$spec' >'$tmp/spec'"
	spec_files() {
		# %attr(MODE,root,root) PATH lines of %files, as ls modes.
		sed -n '/^%files/,/^%changelog/p' "$tmp/spec" |
		    sed -n 's/^\(%dir \)\{0,1\}%attr(\([0-7]*\),\([a-z]*\),\([a-z]*\)) \/\(.*\)/\1\2 \3\/\4 \5/p' |
		    while read -r a b c; do
			case "$a" in
			%dir) kind=d; set -- $b $c; a=$1; b=$2; c=$3 ;;
			*) kind=- ;;
			esac
			echo "$kind$(perm "$a") $b ${c%/}"
		    done | sort >"$tmp/got"
		sort "$tmp/expected" | diff - "$tmp/got"
	}
	perm() {	# 0750 -> rwxr-x---
		echo "$1" | sed 's/^0*\(...\)$/\1/' | sed \
		    -e 's/0/---/g' -e 's/1/--x/g' -e 's/2/-w-/g' -e 's/3/-wx/g' \
		    -e 's/4/r--/g' -e 's/5/r-x/g' -e 's/6/rw-/g' -e 's/7/rwx/g'
	}
	t "the spec: the same files and modes, the tokens directory as %dir" spec_files
	t "the spec: the XML is not %config (an upgrade replaces it)" \
	    sh -c "! grep -n '%config' '$tmp/spec'"
	t "the spec: %pre runs scripts/check-conflict.sh" \
	    sh -c "grep -q '^%pre -f scripts/check-conflict.sh' '$tmp/spec' && [ -f '$cc' ]"
	t "the spec: %post reloads the panel" \
	    sh -c "sed -n '/^%post\$/,/^%postun/p' '$tmp/spec' | grep -q 'mgrctl -m ispmgr exit'"
	t "the spec: BuildRequires the four libraries by pkg-config name" \
	    sh -c "for m in libcurl libcjson libxml-2.0 libpsl; do grep -q \"^BuildRequires: *pkgconfig(\$m)\" '$tmp/spec' || exit 1; done"
fi

if ! command -v rpmbuild >/dev/null 2>&1; then
	skip "rpmbuild not installed: the RPM is not built"
else
	r=$tmp/rpm
	mkdir -p "$r/SOURCES"
	cp -R "$src" "$tmp/ispmanager-cloudflare-$ver"
	rm -rf "$tmp/ispmanager-cloudflare-$ver/build"
	tar -C "$tmp" -czf "$r/SOURCES/ispmanager-cloudflare-$ver.tar.gz" \
	    "ispmanager-cloudflare-$ver"
	# On a system without an rpm database (Debian) the BuildRequires
	# cannot be checked, and there is no find-debuginfo.
	nodeps=
	rpm -q glibc >/dev/null 2>&1 || nodeps=--nodeps
	rpmbuild_ok() {
		rpmbuild -bb $nodeps --define "_topdir $r" \
		    --define 'debug_package %{nil}' "$spec" >"$tmp/rpmbuild.log" 2>&1 ||
		    { tail -n 30 "$tmp/rpmbuild.log"; return 1; }
	}
	t "rpmbuild -bb builds from a tarball of the tree${nodeps:+ ($nodeps)}" rpmbuild_ok
	rpmfile=$(ls "$r"/RPMS/*/ispmanager-cloudflare-"$ver"-*.rpm 2>/dev/null | head -n 1)
	if [ -n "$rpmfile" ]; then
		rpm_files() {
			rpm -qlvp "$rpmfile" | awk '{ p = $9; sub(/^\//, "", p);
			    print $1, $3 "/" $4, p }' |
			    grep -v -e ' usr/lib/\.build-id' -e ' usr/share/licenses/' |
			    sort >"$tmp/got"
			sort "$tmp/expected" | diff - "$tmp/got"
		}
		t "the RPM: exactly the files of DESIGN.md, their modes" rpm_files
		rpm_requires() {
			rpm -qp --requires "$rpmfile" >"$tmp/req"
			for lib in libcurl.so.4 libcjson.so.1 libxml2.so.2 libpsl.so.5; do
				grep -q "^$lib" "$tmp/req" || { echo "no $lib"; return 1; }
			done
		}
		t "the RPM: requires libcurl, libcjson, libxml2, libpsl" rpm_requires
		t "the RPM: %pre is scripts/check-conflict.sh" \
		    sh -c "rpm -qp --qf '%{PREIN}' '$rpmfile' | cmp - '$cc'"
	fi
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
