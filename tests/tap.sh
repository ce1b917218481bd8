# SPDX-License-Identifier: GPL-2.0
# tap.sh - TAP 13 helpers for the in-guest shell suites (busybox sh).
# Source it, call ok/not_ok/check/skip, end with tap_done.
_tap_n=0 _tap_fail=0 _tap_skip=0
echo "TAP version 13"

ok()      { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $*"; }
not_ok()  { _tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1)); echo "not ok $_tap_n $*"; }
skip()    { _tap_n=$((_tap_n + 1)); _tap_skip=$((_tap_skip + 1)); echo "ok $_tap_n $2 # SKIP $1"; }
diag()    { echo "$*" | sed 's/^/# /'; }

# check NAME CMD [ARGS...]: ok if CMD exits 0; on failure its output is shown.
check() {
	_name=$1; shift
	if _out=$("$@" 2>&1); then ok "$_name"; else not_ok "$_name"; diag "$_out"; fi
}

tap_done() {
	echo "1..$_tap_n"
	echo "# Totals: pass:$((_tap_n - _tap_fail - _tap_skip)) fail:$_tap_fail skip:$_tap_skip"
	[ $_tap_fail -eq 0 ]
}
