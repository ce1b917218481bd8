#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check_dmesg_test: vm/check-dmesg fails a guest log that holds any report
# of the kernel's bug finders (one line of each, as the kernel prints it),
# or a taint other than O and E, and passes a clean one. Boots nothing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clean='[    1.000000] vclock: HPET at 0x00000000fed00000: period 10000000 fs (100000 kHz), 3 timers, 64-bit counter'
echo "$clean" >"$tmp/dmesg"
echo 12288 >"$tmp/tainted"	# O and E
"$top/vm/check-dmesg" "$tmp/dmesg" "$tmp/tainted" 2>/dev/null &&
	ok "a clean log, tainted O and E only: passes" || not_ok "a clean log fails"
echo 4 >"$tmp/tainted2"	# S: an out-of-spec system
"$top/vm/check-dmesg" "$tmp/dmesg" "$tmp/tainted2" 2>/dev/null &&
	not_ok "taint S passes" || ok "a taint other than O and E fails"

while IFS='|' read -r finder line; do
	{ echo "$clean"; echo "$line"; } >"$tmp/dmesg"
	out=$("$top/vm/check-dmesg" "$tmp/dmesg" "$tmp/tainted" 2>&1) &&
		not_ok "$finder: passes" ||
		{ echo "$out" | grep -qF -- "dmesg: $line" && ok "$finder: fails, and names the line" ||
			not_ok "$finder: fails without naming the line"; }
done <<'LINES'
KASAN|[   12.345678] BUG: KASAN: slab-use-after-free in vclock_fault+0x1c/0x90 [vclock]
KFENCE|[   12.345678] BUG: KFENCE: out-of-bounds read in vclock_ioctl+0x3a/0x200 [vclock]
KCSAN|[   12.345678] BUG: KCSAN: data-race in vclock_update / vclock_gtod_notify
UBSAN|[   12.345678] UBSAN: shift-out-of-bounds in kmod/vclock_tk.c:301:23
lockdep, circular|[   12.345678] WARNING: possible circular locking dependency detected
lockdep, inconsistent|[   12.345678] WARNING: inconsistent lock state
atomic sleep|[   12.345678] BUG: sleeping function called from invalid context at mm/slab.h:1
scheduling while atomic|[   12.345678] BUG: scheduling while atomic: insmod/77/0x00000002
kmemleak|unreferenced object 0xffff888003a1b400 (size 64):
kmemleak, summary|[   20.000000] kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
ODEBUG|[   12.345678] ODEBUG: free active (active state 0) object: 00000000a1b2c3d4 object type: hrtimer hint: vclock_timer_fn+0x0/0x90 [vclock]
soft lockup|[  246.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 246s! [sh:131]
hung task|[  240.000000] INFO: task vclock-check:301 blocked for more than 120 seconds.
RCU stall|[  100.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
RCU self-detected stall|[  100.000000] rcu: INFO: rcu_sched self-detected stall on CPU
oops|[   12.345678] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI
bad page map|[   12.345678] BUG: Bad page map in process vclock-check  pte:8000000000000025 pmd:01234067
LINES
tap_done
