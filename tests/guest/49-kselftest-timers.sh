#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 49-kselftest-timers: the kernel's own timers selftests as third-party
# oracles of the library. They are built from Debian's linux-source package
# (vm/kernel-source), not kept in this tree. inconsistency-check reads one
# clock in a tight loop and fails on any reading below the one before; here
# it runs through vclock-preload.so (its clock_gettime is the library's)
# while the clocksource is switched as fast as the kernel switches, as the
# kernel's clocksource-switch does in its asynchronous phase (whose own run,
# 60 s per clock, is too long for make check). Per counter mode the page
# offers; the kernel's own vDSO is the control. The TSC mode exists in the
# TSC boot only (tests/check runs this suite there too).
. /opt/vclock/tests/tap.sh
. /opt/vclock/tests/lib/vclock-module.sh
dir=/opt/vclock/oracles/timers
pre=/opt/vclock/lib/vclock-preload.so
cs=/sys/devices/system/clocksource/clocksource0
param=/sys/module/vclock/parameters/clock_mode
secs=2
[ -n "${VCLOCK_LONG:-}" ] && secs=10

[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }
[ -x $dir/inconsistency-check ] || { echo "Bail out! $dir/inconsistency-check missing: make check builds it (or make KSRC_TOOLS=1)"; exit 1; }
orig=$(cat $cs/current_clocksource)
avail=$(cat $cs/available_clocksource)

switcher() {
	while :; do
		for c in $avail; do echo "$c" >$cs/current_clocksource; done
	done
}

# consistent TITLE CLOCKID [env...]: inconsistency-check -c CLOCKID.
consistent() {
	_title=$1 _id=$2
	shift 2
	if env "$@" $dir/inconsistency-check -c "$_id" -t $secs >/tmp/ic.out 2>&1; then
		ok "$_title: inconsistency-check -c $_id -t $secs passed"
	else
		diag "$(grep -v '^[0-9]*:[0-9]*$' /tmp/ic.out | tail -n 8)"
		not_ok "$_title: inconsistency-check -c $_id -t $secs passed"
	fi
}

# Through the preload the program must map the device, else the checks
# below would test the kernel's vDSO, not the library (no switcher: its
# stop_machine() calls stall the guest and the poll with it).
preload_maps() {
	env LD_PRELOAD=$pre $dir/inconsistency-check -c 1 -t 3 >/dev/null 2>&1 &
	_pid=$! _mapped=no
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.1
		grep -q ' /dev/vclock$' /proc/$_pid/maps 2>/dev/null && { _mapped=yes; break; }
	done
	wait $_pid
	[ $_mapped = yes ]
}

start_switcher() { switcher & sw=$!; }
stop_switcher() {
	kill $sw
	wait $sw 2>/dev/null
	echo "$orig" >$cs/current_clocksource
}

diag "clocksources: $avail; each check ${secs}s while they are switched"
start_switcher
consistent "kernel vDSO (control), CLOCK_MONOTONIC" 1
consistent "kernel vDSO (control), CLOCK_BOOTTIME" 7
stop_switcher
for mode in hpet tsc; do
	# Asked for on the boot's clocksource: TSC mode needs the kernel on it.
	if ! echo $mode >$param 2>/dev/null; then
		skip "clock_mode $mode not offered in this boot" "$mode: the kernel's inconsistency-check through vclock-preload.so"
		continue
	fi
	check "$mode: inconsistency-check through vclock-preload.so maps /dev/vclock" preload_maps
	start_switcher
	for c in 0:REALTIME 1:MONOTONIC 4:MONOTONIC_RAW 5:REALTIME_COARSE 6:MONOTONIC_COARSE 7:BOOTTIME 11:TAI; do
		consistent "$mode: CLOCK_${c#*:} through vclock-preload.so" "${c%%:*}" LD_PRELOAD=$pre
	done
	stop_switcher
done
echo auto >$param
tap_done
