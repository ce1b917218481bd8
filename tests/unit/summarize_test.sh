#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of tests/summarize: synthetic TAP streams in, the verdict out.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# case NAME EXPECTED-SUMMARY EXPECTED-EXIT TAP-TEXT...
case_() {
	local name=$1 want=$2 want_rc=$3 got rc
	shift 3
	rm -rf "$d/r"; mkdir -p "$d/r"
	printf '%s\n' "$@" >"$d/r/t.tap"
	got=$("$top/tests/summarize" "$d/r" 2>/dev/null); rc=$?
	[ "$got" = "$want" ] && [ $rc -eq "$want_rc" ] && ok "$name" ||
		{ not_ok "$name"; diag "got '$got' (exit $rc), want '$want' (exit $want_rc)"; }
}

case_ "all pass" "2 passed, 0 failed, 0 skipped" 0 "TAP version 13" "ok 1 a" "ok 2 b" "1..2" "# exit 0"
case_ "one failure" "1 passed, 1 failed, 0 skipped" 1 "ok 1 a" "not ok 2 b" "1..2" "# exit 1"
case_ "skip counts apart" "1 passed, 0 failed, 1 skipped" 0 "ok 1 a" "ok 2 b # SKIP no x" "1..2" "# exit 0"
case_ "a TODO directive does not excuse a failure" "1 passed, 1 failed, 0 skipped" 1 "ok 1 a" "not ok 2 b # TODO later" "1..2" "# exit 0"
case_ "bail out fails" "1 passed, 1 failed, 0 skipped" 1 "ok 1 a" "Bail out! broken" "# exit 1"
case_ "missing plan fails" "1 passed, 1 failed, 0 skipped" 1 "ok 1 a" "# exit 139"
case_ "short of plan fails" "1 passed, 1 failed, 0 skipped" 1 "ok 1 a" "1..3" "# exit 0"
case_ "non-zero exit without not ok fails" "1 passed, 1 failed, 0 skipped" 1 "ok 1 a" "1..1" "# exit 2"
case_ "nothing at all fails" "0 passed, 1 failed, 0 skipped" 1 "# exit 0"
tap_done
