#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 42-preload: LD_PRELOAD=vclock-preload.so makes an unmodified libc program
# stop making clock system calls for the clocks the page serves, shown by
# counting them with strace -c with and without the shim; unserved clocks
# still go to the kernel; libc's errno conventions hold; VCLOCK_STRATEGY
# picks the mapping; without the module the shim is silently glibc.
. /opt/vclock/tests/tap.sh
. /opt/vclock/tests/lib/vclock-module.sh
pre=/opt/vclock/lib/vclock-preload.so
loop=/opt/vclock/tests/helpers/vclock-clockloop
N=1000

[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }

# calls SYSCALLS CMD...: how many of the (comma-separated) SYSCALLS CMD made,
# counted by strace -c; "fail" if CMD failed.
calls() {
	_sc=$1; shift
	_out=$(strace -f -qq -c -e trace="$_sc" "$@" 2>&1 >/dev/null) || { echo fail; return; }
	echo "$_out" | awk -v s="$_sc" 'BEGIN { split(s, l, ","); for (i in l) want[l[i]] = 1 }
		($NF in want) { n += $4 } END { print n + 0 }'
}

# clock id, name: served clocks must drop to (almost) no syscalls. The shim's
# first use itself makes one clock_gettime (the retry clock), so allow 2.
for c in 0:REALTIME 1:MONOTONIC 7:BOOTTIME 11:TAI 4:MONOTONIC_RAW 5:REALTIME_COARSE 6:MONOTONIC_COARSE; do
	id=${c%%:*} name=${c#*:}
	base=$(calls clock_gettime $loop $id $N)
	with=$(calls clock_gettime env LD_PRELOAD=$pre $loop $id $N)
	diag "CLOCK_$name: $base clock_gettime syscalls from glibc, $with with the shim"
	if [ "$with" != fail ] && [ "$with" -le 2 ]; then
		ok "CLOCK_$name: $N reads through the shim, $with clock_gettime syscalls"
	else
		not_ok "CLOCK_$name: $N reads through the shim, $with clock_gettime syscalls (glibc: $base)"
	fi
	case $name in
	*COARSE) ;;	# glibc's vDSO serves the coarse clocks without a counter anyway
	*) [ "$base" != fail ] && [ "$base" -ge $N ] &&
		ok "CLOCK_$name: glibc alone makes $base syscalls (HPET: no vDSO fast path)" ||
		not_ok "CLOCK_$name: glibc alone makes $base syscalls, expected >= $N" ;;
	esac
done

base=$(calls gettimeofday $loop gettimeofday $N)
with=$(calls gettimeofday env LD_PRELOAD=$pre $loop gettimeofday $N)
[ "$base" -ge $N ] && [ "$with" = 0 ] &&
	ok "gettimeofday: glibc $base syscalls, with the shim $with" ||
	not_ok "gettimeofday: glibc $base syscalls, with the shim $with"
with=$(calls clock_getres env LD_PRELOAD=$pre $loop getres 1 $N)
[ "$with" = 0 ] && ok "clock_getres(MONOTONIC): no syscalls with the shim" ||
	not_ok "clock_getres(MONOTONIC): $with syscalls with the shim"
with=$(calls time,clock_gettime env LD_PRELOAD=$pre $loop time $N)
[ "$with" -le 2 ] && ok "time: no time syscalls with the shim ($with clock calls)" ||
	not_ok "time: $with syscalls with the shim"

# Unserved: every call still reaches the kernel.
with=$(calls clock_gettime env LD_PRELOAD=$pre $loop 2 $N)
[ "$with" -ge $N ] && ok "CLOCK_PROCESS_CPUTIME_ID: all $with calls still reach the kernel" ||
	not_ok "CLOCK_PROCESS_CPUTIME_ID: $with syscalls for $N calls"

check "libc semantics through the shim (errno, EINVAL, NULL tz, time)" env LD_PRELOAD=$pre $loop semantics
out=$(env LD_PRELOAD=$pre $loop vmas)
[ "$out" = vmas=1 ] && ok "the shim maps one VMA by default ($out)" || not_ok "default mapping: $out"
out=$(env LD_PRELOAD=$pre VCLOCK_STRATEGY=split $loop vmas)
[ "$out" = vmas=2 ] && ok "VCLOCK_STRATEGY=split: two VMAs ($out)" || not_ok "VCLOCK_STRATEGY=split: $out"
out=$(env LD_PRELOAD=$pre VCLOCK_STRATEGY=remap $loop vmas)
[ "$out" = vmas=1 ] && ok "VCLOCK_STRATEGY=remap: one VMA ($out)" || not_ok "VCLOCK_STRATEGY=remap: $out"
out=$(env LD_PRELOAD=$pre VCLOCK_STRATEGY=bogus $loop vmas 2>&1)
echo "$out" | grep -q 'VCLOCK_STRATEGY=bogus is not one of' && echo "$out" | grep -q '^vmas=1$' &&
	ok "VCLOCK_STRATEGY=bogus: warned, fault used" || { not_ok "VCLOCK_STRATEGY=bogus"; diag "$out"; }

# Without the module: the shim is glibc.
if vclock_unload; then
	ok "module unloaded"
	check "no module: libc semantics through the shim" env LD_PRELOAD=$pre $loop semantics
	check "no module: monotonic loop through the shim" env LD_PRELOAD=$pre $loop 1 $N
	out=$(env LD_PRELOAD=$pre $loop vmas 2>&1)
	[ "$out" = vmas=0 ] && ok "no module: nothing mapped, nothing printed ($out)" ||
		not_ok "no module: $out"
	with=$(calls clock_gettime env LD_PRELOAD=$pre $loop 1 $N)
	[ "$with" -ge $N ] && ok "no module: reads go to the kernel ($with syscalls)" ||
		not_ok "no module: $with syscalls for $N reads"
else
	# Another suite left a process holding the device: say who, test nothing.
	skip "rmmod refused: /dev/vclock held by $(vclock_holders)" "no module: the shim is glibc"
fi
vclock_reload && ok "module loaded again" || not_ok "module loaded again"
tap_done
