#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 43-check: vclock-check in the guest, module loaded: libvclock (linked in,
# each strategy; and libvclock.so through --lib) passes with the library
# mapped, the kernel's own vDSO passes as the control, NONE mode is refused
# (exit 3) unless --allow-fallback, then passes through the fallback; without
# the module it is refused too, with the guest's insmod as the advice; --json
# carries the cases, the library state and the guest's provenance; and a
# deliberately broken library fails.
. /opt/vclock/tests/tap.sh
. /opt/vclock/tests/lib/vclock-module.sh
[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }
broken=/opt/vclock/tests/helpers/libvclock-broken.so

# vc NAME ARGS...: vclock-check must exit 0 and report at least 30 cases.
vc() {
	_name=$1; shift
	_out=$(vclock-check "$@" 2>&1); _rc=$?
	_pass=$(echo "$_out" | grep -c '^PASS')
	if [ $_rc -eq 0 ] && [ "$_pass" -ge 30 ]; then
		ok "$_name ($(echo "$_out" | tail -n 1))"
	else
		not_ok "$_name (exit $_rc, $_pass passed)"
		diag "$(echo "$_out" | grep -v '^PASS')"
	fi
}

vc "libvclock, fault, 2 pinned threads, 3 s" -d 3 -t 2 --expect mapped
for s in remap split mixed; do
	if vclock_offered $s; then
		vc "libvclock, $s, 1 s" -s $s -d 1 -t 2 --no-abi --expect mapped
	else
		unoffered_case $s
	fi
done
vc "libvclock.so via --lib, 2 s" --lib /opt/vclock/lib/libvclock.so -d 2 -t 2 --expect mapped
vc "the kernel's vDSO via --lib vdso (control), 2 s" --lib vdso -d 2 -t 2

if echo none >/sys/module/vclock/parameters/clock_mode; then
	out=$(vclock-check -d 1 --no-abi 2>&1); rc=$?
	[ $rc -eq 3 ] && echo "$out" | grep -q 'counter mode is none, so every reading is a system call' &&
		ok "NONE mode without --allow-fallback: exit 3, says why" ||
		{ not_ok "NONE mode without --allow-fallback (exit $rc)"; diag "$out"; }
	vc "libvclock in NONE mode (syscall fallback) with --allow-fallback, 1 s" -d 1 --no-abi --expect mapped --allow-fallback
	echo auto >/sys/module/vclock/parameters/clock_mode
else
	not_ok "clock_mode=none accepted"
fi
[ "$(cat /sys/module/vclock/parameters/clock_mode)" = hpet ] && ok "mode back to hpet" ||
	not_ok "mode back to hpet ($(cat /sys/module/vclock/parameters/clock_mode))"

# --json: cases, library state, provenance of the guest.
js=$(vclock-check --json -d 0.5 --no-abi 2>&1); rc=$?
[ $rc -eq 0 ] && ok "--json exits 0" || { not_ok "--json exit $rc"; diag "$js"; }
for want in '"verdict":"pass"' '"failed":0' '"state":"mapped"' '"from_mapping":true' '"clock_mode":"hpet"' \
	    '"module":"1.0"' '"guest":true' '"accel":"(tcg|kvm)"' '"qemu":"QEMU emulator version [^"]+"' \
	    '"commit":"[0-9a-f]{7,}' '"criu":"[0-9.]+"' '"date":"20[0-9-]{8}T' \
	    '"cases":\[ *\{"ok":true' '^\{"schema":\{"name":"vclock-check","version":1\},"tool":\{"name":"vclock-check"' \
	    '"kernel_cmdline":"[^"]*rdinit=/init' '"module_params":\{[^}]*"clock_mode":"hpet"[^}]*"update_us":"[0-9]+"'; do
	echo "$js" | tr -d '\n' | grep -qE "$want" && ok "--json has /$want/" || { not_ok "--json has /$want/"; diag "$js"; }
done
echo "$js" | grep -qF "\"kernel\":\"$(uname -r)\"" && ok "--json has \"kernel\":\"$(uname -r)\"" ||
	{ not_ok "--json has \"kernel\":\"$(uname -r)\""; diag "$js"; }

# Without the module: refused, and inside the guest the advice is insmod.
if vclock_unload; then
	out=$(vclock-check -d 0.5 2>&1); rc=$?
	[ $rc -eq 3 ] && echo "$out" | grep -q "not found — the module is not loaded: insmod /opt/vclock/kmod/vclock.ko" &&
		ok "no module: exit 3, says insmod /opt/vclock/kmod/vclock.ko" || { not_ok "no module: exit $rc"; diag "$out"; }
	echo "$out" | grep -q 'make demo' && not_ok "no module: no host advice in the guest" ||
		ok "no module: no host advice in the guest"
	vc "no module, --allow-fallback: the fallback passes, 1 s" -d 1 --no-abi --expect fallback
	vclock_reload && ok "module reloaded" || not_ok "module reloaded"
else
	not_ok "unload the module (holders: $(vclock_holders))"
fi

out=$(vclock-check --lib $broken -d 0.5 2>&1); rc=$?
[ $rc -eq 1 ] && ok "a broken library fails vclock-check (exit 1)" || not_ok "broken library: exit $rc"
for want in 'FAIL clock_gettime\(CLOCK_MONOTONIC=1\).* outside' 'FAIL clock_gettime\(CLOCK_TAI=11\).* outside' 'FAIL clock_getres\(CLOCK_MONOTONIC=1\)' \
	    'FAIL gettimeofday time zone' 'FAIL clock_gettime\(invalid id 12\)'; do
	echo "$out" | grep -qE "$want" && ok "broken library caught: /$want/" ||
		{ not_ok "broken library caught: /$want/"; diag "$out"; }
done
tap_done
