#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tools-host: the built tools on the host, where /dev/vclock does not exist:
# CLI conventions (--help, --version, bad options, the one exit status
# table of cli_common.h in every --help and in the README, the codes each
# error case gives, the error that says what to do), vclock-check refusing
# to pass without the mapping (and passing with --allow-fallback), against
# the real vDSO, libvclock.so and a deliberately broken library, the ticker
# and the preload shim in fallback. Installed as build/unit/tools-host;
# finds the rest in build/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tap.sh"
bin=$here/../bin
lib=$here/../lib
helpers=$here/../tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_exit NAME CODE CMD...: ok if CMD exits CODE; its output on failure.
expect_exit() {
	_name=$1 _want=$2; shift 2
	_out=$("$@" 2>&1); _rc=$?
	if [ "$_rc" -eq "$_want" ]; then ok "$_name"; else not_ok "$_name (exit $_rc, want $_want)"; diag "$_out"; fi
}
# expect_output NAME REGEX CMD...: ok if CMD's stdout+stderr matches REGEX.
expect_output() {
	_name=$1 _re=$2; shift 2
	_out=$("$@" 2>&1)
	if echo "$_out" | grep -qE -- "$_re"; then ok "$_name"; else not_ok "$_name"; diag "$_out"; fi
}

# The one table (cli_common.h): code, common meaning; every --help prints
# all five lines (cli_table_test checks the tools against doc/cli.md).
table='0 success
1 failure
2 usage error
3 unavailable
4 output not written'
for t in vclock-check vclock-maps vclock-ticker vclock-bench vclock-icount vclock-report; do
	expect_exit "$t --help exits 0" 0 "$bin/$t" --help
	expect_output "$t --help prints the common exit status table" '^Exit status \(the same table for every vclock tool\):$' "$bin/$t" --help
	echo "$table" | while read -r code meaning; do
		"$bin/$t" --help | grep -qE "^  $code  $meaning(:| \(not used by $t\))" || echo "$code $meaning"
	done >"$tmp/missing"
	[ ! -s "$tmp/missing" ] && ok "$t --help: codes 0-4 with the table's meanings" ||
		{ not_ok "$t --help: codes 0-4 with the table's meanings"; diag "missing: $(cat "$tmp/missing")"; }
	expect_output "$t --version names vclock and the ABI" "^$t \\(vclock\\) [0-9.]+ - ABI version 2" "$bin/$t" --version
	expect_exit "$t --no-such-option exits 2" 2 "$bin/$t" --no-such-option
	expect_output "$t bad option points to --help" "Try '$t --help'" "$bin/$t" --no-such-option
done
expect_exit "vclock-report with an argument exits 2" 2 "$bin/vclock-report" extra
expect_exit "vclock-check --json --tap exits 2" 2 "$bin/vclock-check" --json --tap
expect_exit "vclock-check -d x exits 2" 2 "$bin/vclock-check" -d x
expect_exit "vclock-check -t 0 exits 2" 2 "$bin/vclock-check" -t 0
expect_exit "vclock-check -s bogus exits 2" 2 "$bin/vclock-check" -s bogus
expect_exit "VCLOCK_DEVICE=/tmp/x vclock-check exits 2" 2 env VCLOCK_DEVICE=/tmp/x "$bin/vclock-check"
expect_output "VCLOCK_DEVICE=/tmp/x vclock-check: says which values work" \
	'VCLOCK_DEVICE=/tmp/x names neither /dev/vclock nor /proc/vclock' env VCLOCK_DEVICE=/tmp/x "$bin/vclock-check"
expect_exit "VCLOCK_DEVICE=/tmp/x vclock-maps self exits 2" 2 env VCLOCK_DEVICE=/tmp/x "$bin/vclock-maps" self
expect_exit "VCLOCK_DEVICE=/proc/vclock vclock-check exits 3 (no module here)" 3 \
	env VCLOCK_DEVICE=/proc/vclock "$bin/vclock-check"
for t in vclock-bench vclock-report; do
	expect_exit "VCLOCK_DEVICE=/tmp/x $t exits 2" 2 env VCLOCK_DEVICE=/tmp/x "$bin/$t"
	expect_exit "VCLOCK_DEVICE=/proc/vclock $t exits 3 (no module here)" 3 \
		env VCLOCK_DEVICE=/proc/vclock "$bin/$t"
	expect_output "VCLOCK_DEVICE=/proc/vclock $t names the file it opened" \
		'/proc/vclock not found' env VCLOCK_DEVICE=/proc/vclock "$bin/$t"
done
expect_exit "vclock-ticker --clock nope exits 2" 2 "$bin/vclock-ticker" --clock nope
expect_exit "vclock-ticker --clock 12 (unreadable) exits 2" 2 "$bin/vclock-ticker" --allow-fallback --clock 12
expect_exit "vclock-ticker --no-map --strategy exits 2" 2 "$bin/vclock-ticker" --no-map --strategy fault -n 1
expect_exit "vclock-maps with no pid exits 2" 2 "$bin/vclock-maps"
expect_exit "vclock-maps abc exits 2" 2 "$bin/vclock-maps" abc
expect_exit "vclock-maps --strategy on another pid exits 2" 2 "$bin/vclock-maps" --strategy fault 1

if [ -e /dev/vclock ]; then
	skip "/dev/vclock exists here" "fallback behaviour of the tools"
	tap_done
	exit
fi

msg="/dev/vclock not found — the module is not loaded: on this machine 'sudo make install && sudo modprobe vclock'"
expect_exit "vclock-ticker without the module exits 3" 3 "$bin/vclock-ticker" -n 10
expect_output "vclock-ticker says what to do" "^vclock-ticker: $msg" "$bin/vclock-ticker" -n 10
expect_exit "vclock-maps --strategy fault self without the module exits 3" 3 "$bin/vclock-maps" --strategy fault self
expect_output "vclock-maps --strategy says what to do" "$msg" "$bin/vclock-maps" --strategy fault self
expect_exit "vclock-maps self without a mapping exits 3" 3 "$bin/vclock-maps" self
expect_output "vclock-maps says the process has no mapping" 'has no /dev/vclock or /proc/vclock mapping' "$bin/vclock-maps" self
"$bin/vclock-ticker" -n 10 2>&1 | grep -q insmod && not_ok "... and not the guest's insmod outside the guest" ||
	ok "... and not the guest's insmod outside the guest"
expect_exit "vclock-report without the module exits 3" 3 "$bin/vclock-report"
expect_output "vclock-report says what to do" "^vclock-report: $msg" "$bin/vclock-report"
expect_exit "vclock-maps of a missing pid exits 1" 1 "$bin/vclock-maps" 2147483646
expect_output "vclock-maps names the missing pid" 'no process 2147483646' "$bin/vclock-maps" 2147483646

out=$tmp/progress
expect_exit "vclock-ticker --allow-fallback -n 300 exits 0" 0 "$bin/vclock-ticker" --allow-fallback -n 300 -i 0 -w "$out"
grep -qx 'count=300' "$out" && grep -qx 'running=0' "$out" && grep -qx 'state=fallback' "$out" &&
	grep -qx 'violations=0' "$out" && ok "progress file: count=300 running=0 state=fallback violations=0" ||
	{ not_ok "progress file content"; diag "$(cat "$out" 2>&1)"; }
[ ! -e "$out.tmp" ] && ok "no temporary progress file left" || not_ok "no temporary progress file left"
expect_exit "vclock-ticker --no-map -n 300 exits 0 without the module" 0 "$bin/vclock-ticker" --no-map -n 300 -i 0 -w "$out"
grep -qx 'count=300' "$out" && grep -qx 'reader=syscall' "$out" && grep -qx 'state=unmapped' "$out" &&
	grep -qx 'strategy=none' "$out" && ok "--no-map progress: count=300 reader=syscall state=unmapped strategy=none" ||
	{ not_ok "--no-map progress file content"; diag "$(cat "$out" 2>&1)"; }

"$bin/vclock-ticker" --allow-fallback -i 1ms -w "$out" >"$tmp/ticker.out" 2>&1 &
tpid=$!
for _ in $(seq 50); do grep -q running=1 "$out" 2>/dev/null && break; sleep 0.1; done
c1=$(sed -n 's/^count=//p' "$out" 2>/dev/null); sleep 0.5
c2=$(sed -n 's/^count=//p' "$out" 2>/dev/null)
[ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -gt "$c1" ] && ok "progress file rewritten while running ($c1 -> $c2)" ||
	not_ok "progress file rewritten while running ($c1 -> $c2)"
kill -TERM $tpid; wait $tpid; rc=$?
[ $rc -eq 0 ] && grep -qx running=0 "$out" && ok "SIGTERM: exit 0, final record running=0" ||
	{ not_ok "SIGTERM: exit 0, final record (exit $rc)"; diag "$(cat "$out" "$tmp/ticker.out")"; }

expect_exit "vclock-check --lib vdso (the kernel's, the control) passes" 0 "$bin/vclock-check" --lib vdso -d 1 -t 2 -q
# Without the mapping libvclock's clocks are the syscalls: no pass by accident.
out=$("$bin/vclock-check" -d 1 2>"$tmp/check.err"); rc=$?
[ $rc -eq 3 ] && ok "vclock-check without the module fails by default (exit 3)" ||
	{ not_ok "vclock-check without the module fails by default (exit $rc, want 3)"; diag "$out"; }
grep -q "^vclock-check: libvclock is not serving from /dev/vclock (state fallback: $msg" "$tmp/check.err" &&
	grep -q 'pass --allow-fallback to check the fallback path' "$tmp/check.err" &&
	ok "... saying the library is not serving from the mapping, and what to do" ||
	{ not_ok "... saying the library is not serving from the mapping"; diag "$(cat "$tmp/check.err")"; }
echo "$out" | grep -qE '^(PASS|FAIL)|passed' && { not_ok "... and runs no case"; diag "$out"; } || ok "... and runs no case"
expect_exit "vclock-check --lib libvclock.so without the module fails by default (exit 3)" 3 "$bin/vclock-check" --lib "$lib/libvclock.so" -d 1 -q
expect_exit "vclock-check --allow-fallback (built-in libvclock) passes" 0 "$bin/vclock-check" -d 1 -t 2 -q --allow-fallback
expect_exit "vclock-check built-in libvclock, --expect fallback passes" 0 "$bin/vclock-check" -d 1 -t 2 -q --expect fallback
expect_exit "vclock-check --lib libvclock.so in fallback passes" 0 "$bin/vclock-check" --lib "$lib/libvclock.so" -d 1 -q --expect fallback
expect_exit "vclock-check --expect mapped fails without the module (exit 3)" 3 "$bin/vclock-check" -d 0 --no-abi -q --expect mapped
expect_exit "vclock-check --lib of a missing file exits 3" 3 "$bin/vclock-check" --lib "$tmp/none.so"
expect_exit "vclock-check --lib of a library without the vDSO names exits 3" 3 "$bin/vclock-check" --lib "$lib/vclock-preload.so"
broken=$("$bin/vclock-check" --lib "$helpers/libvclock-broken.so" -d 0.3 --tap 2>&1); rc=$?
[ $rc -eq 1 ] && ok "vclock-check fails a broken library (exit 1)" || not_ok "vclock-check fails a broken library (exit $rc)"
for want in 'not ok .* clock_gettime\(CLOCK_MONOTONIC=1\).* outside' \
	    'not ok .* clock_gettime\(CLOCK_TAI=11\).* 0 unnormalised, [1-9][0-9]* outside' \
	    'not ok .* clock_gettime\(CLOCK_BOOTTIME=7\).* unnormalised' \
	    'not ok .* clock_gettime\(invalid id 12\)' \
	    'not ok .* clock_getres\(CLOCK_MONOTONIC=1\)' \
	    'not ok .* time zone' \
	    'not ok .* ABI clock_gettime\(CLOCK_PROCESS_CPUTIME_ID, p\) with p = NULL'; do
	echo "$broken" | grep -qE "$want" && ok "broken library caught: /$want/" ||
		{ not_ok "broken library caught: /$want/"; diag "$broken"; }
done
echo "$broken" | grep -qE '^ok .* clock_gettime\(CLOCK_REALTIME=0\)' &&
	ok "... and its correct clocks pass" || not_ok "... and its correct clocks pass"

# The preload shim without the module: libc's answers and conventions.
pre=$lib/vclock-preload.so
loop=$helpers/vclock-clockloop
expect_exit "preload: libc semantics hold (errno, EINVAL, NULL tz)" 0 env LD_PRELOAD="$pre" "$loop" semantics
expect_exit "preload: monotonic loop" 0 env LD_PRELOAD="$pre" "$loop" 1 2000
expect_exit "preload: gettimeofday loop" 0 env LD_PRELOAD="$pre" "$loop" gettimeofday 2000
expect_exit "preload: time loop" 0 env LD_PRELOAD="$pre" "$loop" time 2000
expect_output "preload: no vclock VMA without the module" '^vmas=0$' env LD_PRELOAD="$pre" "$loop" vmas
expect_output "preload: a bad VCLOCK_STRATEGY is reported" 'VCLOCK_STRATEGY=bogus is not one of' \
	env LD_PRELOAD="$pre" VCLOCK_STRATEGY=bogus "$loop" 1 10
if command -v strace >/dev/null; then
	# glibc reads CLOCK_MONOTONIC in the vDSO here; the shim without the module
	# must make the syscall instead and give the same answers.
	n=$(env LD_PRELOAD="$pre" strace -f -qq -c -e trace=clock_gettime "$loop" 1 500 2>&1 >/dev/null |
	    awk '$NF == "clock_gettime" { print $4 }')
	[ "${n:-0}" -ge 500 ] && ok "preload without the module: clock_gettime via the syscall ($n calls)" ||
		not_ok "preload without the module: clock_gettime via the syscall (${n:-0} calls)"
fi
tap_done
