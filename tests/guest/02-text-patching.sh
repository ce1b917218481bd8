#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 02-text-patching: the kernel patches its own text while both vCPUs run
# through the patched code, and the guest survives it. Static keys behind
# the sched_switch/sched_wakeup tracepoints, the module's trace events and
# the schedstats switch are flipped on and off in a loop (each flip is an
# int3-based text_poke_bp on x86), while two loads keep both vCPUs in the
# patched paths: context switches, reads of CLOCK_PROCESS_CPUTIME_ID
# (posix_cpu_clock_get -> task_sched_runtime -> update_rq_clock ->
# sched_clock_cpu) and reads of the vclock page. Under multi-threaded TCG
# (QEMU 7.2 and 11.1, vm/qemu) this crashed 6.12 within seconds ("Oops:
# int3") and left 6.1 looping on a stale int3; a crash leaves this suite
# without a plan, a hang is caught by run-suites' time limit.
#
# TEXT_POKE_SECONDS (default 20) is how long to flip; make soak and the
# ten-minute proof pass more.
. /opt/vclock/tests/tap.sh
[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }
secs=${TEXT_POKE_SECONDS:-20}
tr=/sys/kernel/tracing
[ -d $tr/events ] || mount -t tracefs tracefs $tr 2>/dev/null
[ -d $tr/events/sched ] || { echo "Bail out! no tracefs sched events at $tr"; exit 1; }

keys="$tr/events/sched/sched_switch/enable $tr/events/sched/sched_wakeup/enable $tr/events/vclock/enable"
[ -w /proc/sys/kernel/sched_schedstats ] && keys="$keys /proc/sys/kernel/sched_schedstats"
for k in $keys; do
	[ -w "$k" ] || { echo "Bail out! cannot write $k"; exit 1; }
done
echo 0 >$tr/tracing_on	# the events' static keys flip; the buffer stays quiet

# Load 1: short-lived processes reading the CPU-time clocks (fork, exec,
# context switches, the scheduler's clock). Load 2: a reader of the page.
loop=/opt/vclock/tests/helpers/vclock-clockloop
prog=/tmp/text-poke.load
: >$prog
(
	while [ ! -e /tmp/text-poke.stop ]; do
		$loop 2 2000 >/dev/null || echo fail >>$prog
		$loop 3 2000 >/dev/null || echo fail >>$prog
		echo r >>$prog
	done
) &
load1=$!
vclock-ticker -i 0 -w /tmp/text-poke.ticker >/dev/null 2>&1 &
load2=$!
sleep 1

rounds=0
end=$(( $(cut -d. -f1 /proc/uptime) + secs ))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	for k in $keys; do echo 1 >"$k"; done
	for k in $keys; do echo 0 >"$k"; done
	rounds=$((rounds + 1))
done
c1=$(sed -n 's/^count=//p' /tmp/text-poke.ticker)
r1=$(grep -cx r $prog)
sleep 1
c2=$(sed -n 's/^count=//p' /tmp/text-poke.ticker)
r2=$(grep -cx r $prog)
touch /tmp/text-poke.stop
kill -TERM $load2
wait $load2
trc=$?
wait $load1
rm -f /tmp/text-poke.stop

diag "$rounds on/off rounds of $(echo $keys | wc -w) static keys in ${secs}s"
[ $rounds -gt 0 ] && ok "static keys flipped on and off ($rounds rounds)" || not_ok "static keys flipped (0 rounds)"
[ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -gt "$c1" ] &&
	ok "the page reader still runs after the flips ($c1 -> $c2 reads)" ||
	not_ok "the page reader still runs after the flips (count $c1 -> $c2)"
[ "$r2" -gt "$r1" ] && [ "$r1" -gt 0 ] &&
	ok "the CPU-clock load still runs after the flips ($r1 -> $r2 rounds)" ||
	not_ok "the CPU-clock load still runs after the flips ($r1 -> $r2 rounds)"
[ $trc -eq 0 ] && ok "the page reader saw no clock go backwards (exit 0)" ||
	not_ok "the page reader exit status $trc (1: a clock went backwards)"
grep -qx fail $prog && not_ok "CPU-clock reads never went backwards" || ok "CPU-clock reads never went backwards"
tap_done
