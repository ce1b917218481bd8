#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 45-ticker: vclock-ticker's progress file and fd, its clean stop on SIGTERM
# and SIGINT, --count and --duration, --no-map (no mapping, the system call,
# module loaded all the same), and its verdict: exit 1 when the clock it
# reads went backwards (CLOCK_REALTIME set back with date), 0 for
# CLOCK_MONOTONIC over the same step.
. /opt/vclock/tests/tap.sh
[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }
out=/tmp/ticker.progress

wait_running() {
	_i=0
	while ! grep -q running=1 "$1" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
}
val() { sed -n "s/^$1=//p" "$2"; }

vclock-ticker -w $out -i 1ms >/tmp/ticker.stdout 2>&1 &
pid=$!
wait_running $out
[ "$(val pid $out)" = $pid ] && [ "$(val state $out)" = mapped ] && [ "$(val mode $out)" = hpet ] &&
	[ "$(val strategy $out)" = fault ] && [ "$(val clock $out)" = CLOCK_MONOTONIC ] &&
	ok "progress: pid, state mapped, mode hpet, strategy fault, CLOCK_MONOTONIC" ||
	{ not_ok "progress record"; diag "$(cat $out)"; }
c1=$(val count $out); sleep 1; c2=$(val count $out)
[ -n "$c1" ] && [ "$c2" -gt "$c1" ] && ok "count advances ($c1 -> $c2)" || not_ok "count advances ($c1 -> $c2)"
ls -l /proc/$pid/fd 2>/dev/null | grep -q /dev/vclock && not_ok "no device fd held" || ok "no device fd held"
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 0 ] && [ "$(val running $out)" = 0 ] && [ "$(val violations $out)" = 0 ] &&
	ok "SIGTERM: exit 0, running=0, violations=0" || { not_ok "SIGTERM: exit $rc"; diag "$(cat $out)"; }
grep -q 'vclock-ticker: [0-9]* reads, 0 backwards' /tmp/ticker.stdout && ok "summary line on exit" ||
	not_ok "summary line: $(cat /tmp/ticker.stdout)"

vclock-ticker -w $out -i 1ms >/dev/null 2>&1 &
pid=$!
wait_running $out
kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 0 ] && ok "SIGINT: exit 0" || not_ok "SIGINT: exit $rc"

vclock-ticker -n 500 -i 0 -s split -w $out >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(val count $out)" = 500 ] && [ "$(val strategy $out)" = split ] &&
	ok "--count 500 -s split: exit 0, count=500" || { not_ok "--count 500: exit $rc"; diag "$(cat $out)"; }
start=$(date +%s)
vclock-ticker -d 1 -w $out >/dev/null 2>&1; rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 0 ] && [ $took -le 4 ] && ok "--duration 1: exit 0 after ${took}s" || not_ok "--duration 1: exit $rc after ${took}s"
rm -f /tmp/ticker.fd
vclock-ticker -n 50 -i 0 --fd 3 3>/tmp/ticker.fd >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q '^running=0$' /tmp/ticker.fd && grep -q '^count=50$' /tmp/ticker.fd &&
	ok "--fd 3: records written to the fd" || { not_ok "--fd 3: exit $rc"; diag "$(cat /tmp/ticker.fd)"; }

# --no-map: the same loop with the module loaded but no mapping at all.
vclock-ticker --no-map -w $out -i 1ms >/dev/null 2>&1 &
pid=$!
wait_running $out
[ "$(val reader $out)" = syscall ] && [ "$(val state $out)" = unmapped ] &&
	[ "$(val strategy $out)" = none ] &&
	ok "--no-map progress: reader syscall, state unmapped, strategy none" ||
	{ not_ok "--no-map progress record"; diag "$(cat $out)"; }
grep -q /dev/vclock /proc/$pid/maps && not_ok "--no-map: no /dev/vclock line in /proc/PID/maps" ||
	ok "--no-map: no /dev/vclock line in /proc/PID/maps"
c1=$(val count $out); sleep 0.5; c2=$(val count $out)
[ -n "$c1" ] && [ "$c2" -gt "$c1" ] && ok "--no-map: count advances ($c1 -> $c2)" ||
	not_ok "--no-map: count advances ($c1 -> $c2)"
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 0 ] && [ "$(val violations $out)" = 0 ] && ok "--no-map: SIGTERM, exit 0, violations=0" ||
	{ not_ok "--no-map: SIGTERM, exit $rc"; diag "$(cat $out)"; }

# The verdict: REALTIME set back 30 s must be seen; MONOTONIC must not care.
vclock-ticker --clock realtime -i 1ms -w $out.real >/dev/null 2>&1 &
rpid=$!
vclock-ticker --clock monotonic -i 1ms -w $out.mono >/dev/null 2>&1 &
mpid=$!
wait_running $out.real; wait_running $out.mono
sleep 0.5
now=$(date +%s)
date -s @$((now - 30)) >/dev/null
sleep 1
kill -TERM $rpid $mpid
wait $rpid; rrc=$?
wait $mpid; mrc=$?
date -s @$(( $(date +%s) + 30 )) >/dev/null
back=$(val max_backwards_ns $out.real)
[ $rrc -eq 1 ] && [ "$(val violations $out.real)" -ge 1 ] && [ "${back:-0}" -gt 20000000000 ] &&
	ok "REALTIME set back 30 s: exit 1, $(val violations $out.real) violation(s), max $back ns" ||
	{ not_ok "REALTIME set back: exit $rrc"; diag "$(cat $out.real)"; }
[ $mrc -eq 0 ] && [ "$(val violations $out.mono)" = 0 ] &&
	ok "MONOTONIC over the same step: exit 0, no violation" || { not_ok "MONOTONIC: exit $mrc"; diag "$(cat $out.mono)"; }
tap_done
