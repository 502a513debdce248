#!/bin/sh
# Run each libFuzzer harness for SECONDS on a scratch copy of its seed
# corpus (tests/fuzz/corpus/NAME is never written to), FUZZ_JOBS at a
# time, and report per harness the executions and whether it found
# anything.  Exits non-zero on any finding (crash, leak, timeout, OOM).
#   sh tests/fuzz/run.sh SECONDS build/fuzz/fuzz_a build/fuzz/fuzz_b ...
# A finding's input is kept in build/fuzz/artifacts/; replay it with
#   build/fuzz/fuzz_NAME build/fuzz/artifacts/NAME-crash-...
secs=${1:?seconds}
shift
jobs=${FUZZ_JOBS:-1}
here=$(dirname "$0")
art=build/fuzz/artifacts
mkdir -p "$art" || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/cffuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

# Names the request harness should try: functions, then parameters.
grep -o '"[a-z_.0-9]*"' src/functab.c | sort -u |
    sed -e '/^"cloudflare\./!s/"$/="/' >"$work/fuzz_request.dict"
printf '"AUTH_USER="\n"AUTH_LEVEL="\n"sok=ok"\n"\\x00"\n' \
    >>"$work/fuzz_request.dict"

one() {
	bin=$1
	name=$(basename "$bin")
	mkdir -p "$work/$name/corpus"
	if [ -d "$here/corpus/$name" ]; then
		cp "$here/corpus/$name"/* "$work/$name/corpus/" 2>/dev/null
	fi
	dict=
	for d in "$here/$name.dict" "$work/$name.dict"; do
		[ -f "$d" ] && dict="-dict=$d"
	done
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$art/$name-" $dict \
	    "$work/$name/corpus" >"$work/$name/log" 2>&1
	echo $? >"$work/$name/rc"
}

i=0
for bin in "$@"; do
	one "$bin" &
	i=$((i + 1))
	if [ "$i" -ge "$jobs" ]; then
		wait
		i=0
	fi
done
wait

status=0
total=0
for bin in "$@"; do
	name=$(basename "$bin")
	rc=$(cat "$work/$name/rc" 2>/dev/null || echo 2)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$work/$name/log" | tail -n 1)
	[ -n "$execs" ] || execs=0
	total=$((total + execs))
	if [ "$rc" -eq 0 ]; then
		printf '%-14s %10s executions in %s s, no finding\n' "$name" \
		    "$execs" "$secs"
	else
		status=1
		printf '%-14s %10s executions, FINDING (exit %s):\n' "$name" \
		    "$execs" "$rc"
		grep -a -E 'ERROR:|runtime error|SUMMARY|Test unit written|==[0-9]+==' \
		    "$work/$name/log" | head -n 20 | sed 's/^/    /'
		tail -n 40 "$work/$name/log" >"$art/$name.log"
		echo "    (last lines of its log: $art/$name.log)"
	fi
done
echo "fuzz: $total executions in all"
exit $status
