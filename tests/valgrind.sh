#!/bin/sh
# make valgrind: the unit tests, then the end-to-end suite with the
# handler under valgrind (lib.py puts CF_WRAP before the binary and
# fails a test on exit status 99 or on anything valgrind prints).
#   sh tests/valgrind.sh build/cloudflare build/tests/test_*
# VALGRIND_ONLY=a_core,b_token,... runs only the end-to-end tests whose
# names hold one of those (run.py --only); VALGRIND_ONLY=ci is CI's
# subset below: the whole suite takes over 20 minutes under valgrind on
# two cores, the subset about a quarter of that.
#
# Errors are invalid accesses, uses of uninitialised memory, and
# definite or indirect leaks.  "Still reachable" (libcurl's, OpenSSL's
# and libpsl's one-time allocations) and "possibly lost" are not.
bin=${1:?binary}
shift

# CI's subset (VALGRIND_ONLY=ci, make valgrind-ci): the core areas whole,
# and in every other area the tests that walk its main paths and its
# error paths (bad replies, partial failures), where a leak would hide.
if [ "$VALGRIND_ONLY" = ci ]; then
	VALGRIND_ONLY="a_core.,b_token.,c_access.,d_zone.,e_dns."
	VALGRIND_ONLY="$VALGRIND_ONLY,account.test_admin_token"
	VALGRIND_ONLY="$VALGRIND_ONLY,budget.test_bulk_purge_with_room_is_counted"
	VALGRIND_ONLY="$VALGRIND_ONLY,cacherule.test_add_second_then_edit_first"
	VALGRIND_ONLY="$VALGRIND_ONLY,concurrency.test_killed_saves_lose_nothing"
	VALGRIND_ONLY="$VALGRIND_ONLY,dnsio.test_connect_copies_panel_dns"
	VALGRIND_ONLY="$VALGRIND_ONLY,dnsio.test_import_counts"
	VALGRIND_ONLY="$VALGRIND_ONLY,faults.test_badjson"
	VALGRIND_ONLY="$VALGRIND_ONLY,faults.test_huge_reply_cut_at_the_cap"
	VALGRIND_ONLY="$VALGRIND_ONLY,faults.test_truncate_every_time"
	VALGRIND_ONLY="$VALGRIND_ONLY,faults.test_badutf8_becomes_replacement"
	VALGRIND_ONLY="$VALGRIND_ONLY,firewall.test_create_ipv6_sends_ip6"
	VALGRIND_ONLY="$VALGRIND_ONLY,firewall.test_delete_partial_failure"
	VALGRIND_ONLY="$VALGRIND_ONLY,matrix.test_foreign_ids_stay_in_own_zone"
	VALGRIND_ONLY="$VALGRIND_ONLY,pagerule.test_create_several_actions"
	VALGRIND_ONLY="$VALGRIND_ONLY,purge.test_urls_in_batches_of_30"
	VALGRIND_ONLY="$VALGRIND_ONLY,stats.test_stub_russian"
	VALGRIND_ONLY="$VALGRIND_ONLY,zsettings.test_save_two_changes_one_patch"
fi
VG="valgrind --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--track-fds=no -q"
status=0
out=$(mktemp "${TMPDIR:-/tmp}/vgunit.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT INT TERM

t0=$(date +%s)
for unit in "$@"; do
	$VG "$unit" >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] || grep -q '^==[0-9]*== ' "$out"; then
		cat "$out"
		echo "!! $unit under valgrind: exit status $rc"
		status=1
	else
		echo "ok      $unit (valgrind)"
	fi
done
echo "valgrind: unit tests in $(($(date +%s) - t0)) s"

t0=$(date +%s)
if [ -n "$VALGRIND_ONLY" ]; then
	CF_WRAP="$VG" python3 tests/e2e/run.py --binary "$bin" \
	    --only "$VALGRIND_ONLY" || status=1
else
	CF_WRAP="$VG" python3 tests/e2e/run.py --binary "$bin" || status=1
fi
echo "valgrind: end-to-end tests in $(($(date +%s) - t0)) s"
exit $status
