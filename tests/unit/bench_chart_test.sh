#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_chart_test: vm/bench-chart on what a user may hand it. A missing or
# broken file is an error that says what to give it (exit 1, no traceback);
# one boot's vclock-bench -o output is charted like make bench's combined
# file. Boots nothing; needs gnuplot (vm/setup-host installs gnuplot-nox).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
chart=$top/vm/bench-chart
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# refused NAME FILE: exit 1, a "cannot read"/"not a" line, no traceback, no png
refused() {
	local err rc
	err=$("$chart" "$2" "$tmp/out.png" 2>&1); rc=$?
	if [ $rc -eq 1 ] && echo "$err" | grep -q "^vm/bench-chart: " && ! echo "$err" | grep -q Traceback &&
	   [ ! -e "$tmp/out.png" ]; then
		ok "$1: exit 1, '$err'"
	else
		not_ok "$1: exit $rc"
		diag "$err"
	fi
}

refused "a missing file" "$tmp/none.json"
echo 'not json' >"$tmp/garbage.json"
refused "a file that is not JSON" "$tmp/garbage.json"
echo '[1, 2]' >"$tmp/list.json"
refused "JSON that is not an object" "$tmp/list.json"

# One boot's output: two methods measured, the rest absent.
cat >"$tmp/one.json" <<'JSON'
{"schema": {"name": "vclock-bench", "version": 1}, "clocksource": "tsc",
 "methods": {"glibc": {"available": true, "median_ns": 40, "p10_ns": 35, "p90_ns": 50},
             "syscall": {"available": true, "median_ns": 400, "p10_ns": 380, "p90_ns": 450}}}
JSON
err=$("$chart" "$tmp/one.json" "$tmp/one.png" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/one.png" ] && [ "$(head -c 4 "$tmp/one.png" | tail -c 3)" = PNG ] &&
	ok "one boot's vclock-bench -o output: a PNG chart" ||
	{ not_ok "one boot's vclock-bench -o output (exit $rc)"; diag "$err"; }
tap_done
