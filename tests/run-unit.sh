#!/bin/sh
# Run every cmocka unit test binary given, show its output, and sum up.
# Exit status is non-zero when any test failed or any binary crashed.
#   sh tests/run-unit.sh build/tests/test_*

passed=0
failed=0
status=0
out=$(mktemp "${TMPDIR:-/tmp}/unit.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT INT TERM

for bin in "$@"; do
	echo "== $bin"
	"$bin" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$out" |
	    tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" |
	    tail -n 1)
	[ -n "$p" ] || p=0
	[ -n "$f" ] || f=0
	# A binary that died before its summary counts as one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!! $bin exited with status $rc before reporting a failure"
		f=1
	fi
	[ "$f" -eq 0 ] || status=1
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
exit $status
