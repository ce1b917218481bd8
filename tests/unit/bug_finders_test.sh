#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bug_finders_test: on a kernel with the bug finders on (GEN=debug:
# vm/kconfig/debug.config), each detector catches its bug and vm/run fails
# the run for it. tests/kmod-bugs/vclock_bugs.ko commits one bug per boot
# (use after free, out of bounds, lock inversion, sleep under a spinlock, a
# leak); each boot must end with vm/run's 127 (a bad dmesg) and the
# detector's own words among the lines it names. On a generation without
# KASAN every case skips. Boots the guest five times: whoever runs it holds
# the guest (make check does).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
gen=${VCLOCK_GEN:-6.1}
. "$top/build/gen/$gen/env" 2>/dev/null || { echo "Bail out! generation $gen is not prepared"; exit 1; }

bugs=(uaf oob lock sleep leak)
declare -A words=(
	[uaf]='BUG: KASAN: slab-use-after-free in bug_uaf'
	[oob]='BUG: KASAN: slab-out-of-bounds in bug_oob'
	[lock]='possible circular locking dependency'
	[sleep]='BUG: sleeping function called from invalid context'
	[leak]='unreferenced object'
)
if ! grep -qx 'CONFIG_KASAN=y' "$KDIR/.config" 2>/dev/null; then
	for b in "${bugs[@]}"; do
		skip "generation $gen has no KASAN (GEN=debug has the bug finders)" "$b caught"
	done
	tap_done
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$top/tests/kmod-bugs/Kbuild" "$top/tests/kmod-bugs/vclock_bugs.c" "$tmp/"
if ! out=$(make -s -C "$KDIR" M="$tmp" W=1 KCFLAGS=-Werror modules 2>&1) || [ ! -f "$tmp/vclock_bugs.ko" ]; then
	diag "$out"
	echo "Bail out! tests/kmod-bugs/vclock_bugs.ko does not build against $KDIR"
	exit 1
fi

for b in "${bugs[@]}"; do
	out=$("$top/vm/run" --gen "$gen" --add "$tmp/vclock_bugs.ko:/root/vclock_bugs.ko" --timeout 300 -- \
		insmod /root/vclock_bugs.ko bug="$b" 2>&1)
	rc=$?
	if [ $rc -eq 127 ] && echo "$out" | grep -q "dmesg: .*${words[$b]}"; then
		ok "$b caught: vm/run 127, '$(echo "$out" | grep -m1 "dmesg: .*${words[$b]}" | sed 's/.*dmesg: *//')'"
	else
		not_ok "$b caught (vm/run exit $rc, want 127 and '${words[$b]}')"
		diag "$(echo "$out" | tail -n 15)"
	fi
done
tap_done
