#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 47-bench: vclock-bench runs what it can and says what it cannot. As root
# (the module in HPET mode) it measures libvclock in HPET mode with its
# ratio lines. As uid 1000 it cannot switch the counter mode: it must say
# that this is the cause (not "no HPET mapping" or "HPET mode unavailable"),
# measure the current mode's methods (vclock-hpet, the floor, hpet-raw) with
# their ratios, and mark vclock-tsc as needing root. With the module in mode
# none, uid 1000 measures nothing of libvclock: exit 3, no empty success.
# Through /proc/vclock (VCLOCK_DEVICE) vclock-bench measures libvclock and
# the strategies' costs, and vclock-report reads the module through the file.
# As root it switches clock_mode and puts it back as it found it (here
# none, the mode the demo's hpet_page=if-used case loads with): after a
# run, after an error (an unwritable -o, exit 4), and when SIGINT or
# SIGTERM stops it in the middle.
# Short runs: this checks what is measured and said, not the numbers.
. /opt/vclock/tests/tap.sh
[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }
as_user=/opt/vclock/tests/helpers/vclock-as-user
param=/sys/module/vclock/parameters/clock_mode
bench="vclock-bench -r 3 -d 5ms"
[ "$(cat $param)" = hpet ] || echo "Bail out! the module is in $(cat $param) mode, this suite expects hpet"

# row OUT METHOD: the table row of METHOD.
row() { echo "$1" | grep "^$2 "; }
# measured OUT METHOD: its median is a number of ns.
measured() { row "$1" "$2" | grep -qE "^$2 +[0-9]+\.[0-9] ns"; }
# expect NAME COND...: ok if the shell condition holds, else the output.
expect() {
	_name=$1; shift
	if "$@"; then ok "$_name"; else not_ok "$_name"; diag "$out"; diag "stderr: $err"; fi
}

run() { out=$("$@" 2>/tmp/bench.err); rc=$?; err=$(cat /tmp/bench.err); }

# --- root ---
run $bench
expect "root: exit 0" [ $rc -eq 0 ]
expect "root: vclock-hpet measured" measured "$out" vclock-hpet
expect "root: the floor measured" measured "$out" floor
expect "root: counter mode set per method" eval 'echo "$out" | grep -q "^counter mode: set per method (root)"'
expect "root: a vclock-hpet / floor ratio line" eval 'echo "$out" | grep -qE "^(PASS|FAIL|UNDECIDED|INFO) vclock-hpet / floor "'
expect "root: mode back to hpet" [ "$(cat $param)" = hpet ]

# --- uid 1000, HPET mode ---
run $as_user 1000 $bench
expect "uid 1000: exit 0 (the current mode was measured)" [ $rc -eq 0 ]
expect "uid 1000: stderr says switching the mode needs root" \
	eval 'echo "$err" | grep -q "not root: switching the module.s counter mode ($param) needs root"'
expect "uid 1000: stderr names the current mode, hpet" eval 'echo "$err" | grep -q "current mode, hpet, are measured"'
expect "uid 1000: the table says the mode is fixed" eval 'echo "$out" | grep -q "^counter mode: hpet as found (not root: cannot switch)"'
for m in vclock-hpet floor floor-call hpet-raw preload glibc syscall; do
	expect "uid 1000: $m measured" measured "$out" $m
done
expect "uid 1000: vclock-tsc not measured, because switching needs root" \
	eval 'row "$out" vclock-tsc | grep -q "(the module is in hpet mode; switching to TSC mode needs root)"'
expect "uid 1000: no false cause (no HPET mapping / HPET mode unavailable)" \
	eval '! echo "$out$err" | grep -qE "no HPET mapping|HPET mode unavailable"'
expect "uid 1000: ratio lines of the HPET methods" \
	eval 'echo "$out" | grep -qE "^(PASS|FAIL|UNDECIDED|INFO) vclock-hpet / floor " && echo "$out" | grep -qE "^INFO syscall / vclock-hpet "'
expect "uid 1000: no empty ratio section" eval '! echo "$out" | grep -q "^none: no ratio"'
expect "uid 1000: the mode is untouched (hpet)" [ "$(cat $param)" = hpet ]
run $as_user 1000 $bench -j
expect "uid 1000 --json: exit 0" [ $rc -eq 0 ]
expect "uid 1000 --json: counter_mode not switchable, hpet at start" \
	eval 'echo "$out" | grep -qF "\"counter_mode\": {\"switchable\": false, \"at_start\": \"hpet\"}"'
expect "uid 1000 --json: vclock-hpet available" eval 'echo "$out" | grep -qF "\"vclock-hpet\": {\"available\": true"'

# --- root, through the regular file /proc/vclock ---
run env VCLOCK_DEVICE=/proc/vclock $bench --mapping-costs
expect "/proc/vclock: exit 0" [ $rc -eq 0 ]
expect "/proc/vclock: vclock-hpet measured" measured "$out" vclock-hpet
for s in fault remap split; do
	expect "/proc/vclock: strategy $s costs measured" \
		eval 'echo "$out" | grep -qE "^$s +[0-9]+ ns"'
done
run env VCLOCK_DEVICE=/proc/vclock vclock-report
expect "/proc/vclock: vclock-report exit 0" [ $rc -eq 0 ]
expect "/proc/vclock: vclock-report names the kernel" eval 'echo "$out" | grep -q "^kernel	$(uname -r)$"'

# --- uid 1000, mode none: nothing of libvclock to measure ---
if echo none >$param; then
	run $as_user 1000 $bench
	expect "uid 1000, mode none: exit 3" [ $rc -eq 3 ]
	expect "uid 1000, mode none: says nothing of libvclock was measured" \
		eval 'echo "$err" | grep -q "nothing of libvclock was measured: vclock-hpet: the module is in none mode; switching to HPET mode needs root"'
	expect "uid 1000, mode none: the ratio section says why it is empty" eval 'echo "$out" | grep -q "^none: no ratio has both of its methods measured"'
	echo auto >$param
else
	not_ok "clock_mode=none accepted"
fi

# --- root: clock_mode put back as found (none) ---
# switched_then SIG: start a long run, wait until it has switched the mode
# away from none, stop it with SIG; $switched, $rc.
switched_then() {
	vclock-bench -r 101 -d 1s >/dev/null 2>/tmp/bench.err &
	_pid=$!
	switched=0
	for _i in $(seq 150); do
		[ "$(cat $param)" != none ] && { switched=1; break; }
		sleep 0.1
	done
	kill -"$1" $_pid; wait $_pid; rc=$?
	err=$(cat /tmp/bench.err)
	out=
}
if echo none >$param; then
	run $bench
	expect "root, mode none: exit 0" [ $rc -eq 0 ]
	expect "root, mode none: vclock-hpet measured (it switched the mode itself)" measured "$out" vclock-hpet
	expect "root, mode none: clock_mode is none again after the run" [ "$(cat $param)" = none ]
	run $bench -o /nonexistent/bench.json
	expect "root, mode none, -o unwritable: exit 4" [ $rc -eq 4 ]
	expect "root, mode none: clock_mode is none again after the error" [ "$(cat $param)" = none ]
	switched_then INT
	expect "root, mode none, SIGINT: it had switched the mode" [ $switched = 1 ]
	expect "root, mode none, SIGINT: it died of it (exit $rc)" [ $rc -eq 130 ]
	expect "root, mode none: clock_mode is none again after SIGINT" [ "$(cat $param)" = none ]
	echo none >$param
	switched_then TERM
	expect "root, mode none, SIGTERM: it had switched the mode" [ $switched = 1 ]
	expect "root, mode none, SIGTERM: it died of it (exit $rc)" [ $rc -eq 143 ]
	expect "root, mode none: clock_mode is none again after SIGTERM" [ "$(cat $param)" = none ]
	echo auto >$param
else
	not_ok "clock_mode=none accepted"
fi
expect "mode back to hpet" [ "$(cat $param)" = hpet ]
tap_done
