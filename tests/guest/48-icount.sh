#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 48-icount: vclock-icount in the guest, against a static page and against
# the real module. The budgets are asserted on the static page (--fake: the
# same library, a file laid out as the module's pages, whose mode the tool
# sets): nothing changes it while a call is stepped, so every call gets
# through and the count is exact. Against the module the kernel's tick
# rewrites the page every 4 ms (its coarse clocks), and a stepped call
# (0.1-0.4 ms an instruction under TCG) gets through only between two
# ticks, so some calls may not be counted: each one that is must equal the
# static page's count, and at least one per mode must get through. The tool
# holds update_us at 100 ms while it counts against the module and puts it
# back, and clock_mode, which it switches, as it found it (none here): after
# the run, after an error (a --lib that does not load, exit 3), and when
# SIGTERM or SIGINT stops it while it counts. TSC mode where the boot offers it (make check's TSC boot runs this
# suite; the default boot has no TSC mode and says so).
. /opt/vclock/tests/tap.sh
[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }
upd=/sys/module/vclock/parameters/update_us
param=/sys/module/vclock/parameters/clock_mode
before=$(cat $upd)
if echo tsc >$param 2>/dev/null; then tsc=1; else tsc=0; fi
echo auto >$param

fake=$(timeout 600 vclock-icount --fake 2>&1); frc=$?
echo none >$param
out=$(timeout 600 vclock-icount 2>&1); rc=$?
[ $frc -eq 0 ] && ok "vclock-icount --fake exits 0" || { not_ok "vclock-icount --fake exit $frc"; diag "$fake"; }
# Against the module a count may be one carry over its budget (counted
# below): exit 1 there is judged by the comparison with the static page.
[ $rc -eq 0 ] || [ $rc -eq 1 ] && ok "vclock-icount against the module ran (exit $rc)" ||
	{ not_ok "vclock-icount exit $rc"; diag "$out"; }
echo "$out" | grep -q "^the module's update interval held at 100000 us while counting (was $before us)" &&
	ok "it held update_us at 100 ms while counting (was $before)" || { not_ok "it says it held update_us"; diag "$out"; }
[ "$(cat $upd)" = "$before" ] && ok "update_us is back at $before" || not_ok "update_us is $(cat $upd), was $before"
[ "$(cat $param)" = none ] && ok "clock_mode is none again, as it was found" ||
	not_ok "clock_mode is $(cat $param), was none"

# The error and the signals: update_us and clock_mode (none) put back.
ierr=$(vclock-icount --lib /nonexistent/libvclock.so 2>&1); irc=$?
[ $irc -eq 3 ] && ok "--lib that does not load: exit 3" || { not_ok "--lib that does not load: exit $irc"; diag "$ierr"; }
[ "$(cat $upd)" = "$before" ] && [ "$(cat $param)" = none ] &&
	ok "after that error: update_us $before, clock_mode none" || not_ok "after the error: update_us $(cat $upd), clock_mode $(cat $param)"
for sig in TERM INT; do
	echo none >$param
	vclock-icount >/dev/null 2>&1 &
	ipid=$!
	held=0
	for i in $(seq 300); do
		[ "$(cat $upd)" = 100000 ] && [ "$(cat $param)" != none ] && { held=1; break; }
		sleep 0.1
	done
	kill -$sig $ipid; wait $ipid; irc=$?
	[ $held = 1 ] && ok "SIG$sig: it had held update_us and switched clock_mode" ||
		not_ok "SIG$sig: it had not held update_us ($(cat $upd)) and switched clock_mode ($(cat $param))"
	[ $irc -gt 128 ] && ok "SIG$sig: it died of it (exit $irc)" || not_ok "SIG$sig: exit $irc"
	[ "$(cat $upd)" = "$before" ] && [ "$(cat $param)" = none ] && ok "after SIG$sig: update_us $before, clock_mode none" ||
		not_ok "after SIG$sig: update_us $(cat $upd), clock_mode $(cat $param)"
done
echo auto >$param

# rows OUTPUT MODE: its libvclock rows of MODE ("... MODE COUNT BUDGET"; a
# call may contain a blank).
rows() { echo "$1" | awk -v m="$2" '$1 == "libvclock" && $(NF - 2) == m'; }

# counted MODE: on the static page every libvclock call of MODE is counted
# within its budget; against the module each count that got through equals
# the static page's, or exceeds it by one pass of the reader's nanosecond
# carry (vclock_read.h: the base plus the delta crossed a second, which
# depends on when the page was read; CARRY instructions, seen on newest as
# TAI 37 against 30 and BOOTTIME 46 against 39), and at least one did.
CARRY=7
counted() {
	_rows=$(rows "$fake" "$1")
	_n=$(echo "$_rows" | grep -c .)
	_bad=$(echo "$_rows" | awk '$(NF - 1) == "-" || $(NF - 1) > $NF')
	if [ "$_n" -eq 11 ] && [ -z "$_bad" ]; then
		ok "$1 mode, static page: all 11 libvclock calls counted within their budgets"
	else
		not_ok "$1 mode, static page: $_n rows, over budget or not counted:"; diag "$_bad"
	fi
	_mod=$(rows "$out" "$1")
	_got=$(echo "$_mod" | awk '$(NF - 1) != "-"' | grep -c .)
	_diff=$( { echo "$_rows" | sed 's/^/F /'; echo "$_mod" | sed 's/^/M /'; } | awk -v carry=$CARRY '
		{ call = $3; for (i = 4; i <= NF - 3; i++) call = call " " $i }
		$1 == "F" { f[call] = $(NF - 1); next }
		$(NF - 1) != "-" && $(NF - 1) != f[call] && $(NF - 1) != f[call] + carry {
			print call ": module " $(NF - 1) ", static page " f[call] }')
	if [ "$_got" -ge 1 ] && [ -z "$_diff" ]; then
		ok "$1 mode, module: the $_got of 11 calls that got through between ticks count as on the static page (or one carry, $CARRY, more)"
	else
		not_ok "$1 mode, module: $_got of 11 calls got through, counts that differ from the static page:"
		diag "$_diff"; diag "$out"
	fi
}
counted hpet
if [ "$tsc" = 1 ]; then
	counted tsc
	echo "$fake" | awk '$1 == "reference" && $(NF - 1) == "tsc" && $NF != "-"' | grep -q . &&
		ok "tsc mode: the reference reader counted" || { not_ok "tsc mode: the reference reader counted"; diag "$fake"; }
else
	skip "this boot offers no TSC mode (the TSC boot runs this suite too)" "tsc mode, static page: all 11 libvclock calls counted"
	skip "this boot offers no TSC mode" "tsc mode, module: the calls that got through count as on the static page"
	skip "this boot offers no TSC mode" "tsc mode: the reference reader counted"
fi
# uid 1000 cannot hold the updates: it says so.
err=$(/opt/vclock/tests/helpers/vclock-as-user 1000 vclock-icount -j 2>&1 >/dev/null | head -n 2)
echo "$err" | grep -q "update interval stays as it is ($upd: Permission denied)" &&
	ok "uid 1000: says the update interval stays as it is" || { not_ok "uid 1000: says the update interval stays"; diag "$err"; }
tap_done
