#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 44-maps: vclock-maps against /proc/PID/maps, field by field, for a ticker
# mapped with each strategy; its decoding of the offset, its page table
# (present, kind, cache modes), VmFlags, --json, and its errors.
. /opt/vclock/tests/tap.sh
. /opt/vclock/tests/lib/vclock-module.sh
[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }

# start_ticker STRATEGY: a ticker in the background; sets $tpid, $tout.
start_ticker() {
	tout=/tmp/maps-ticker.$1
	rm -f $tout
	vclock-ticker -s $1 -i 2ms -w $tout >/dev/null 2>&1 &
	tpid=$!
	_i=0
	while ! grep -q running=1 $tout 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
}

# expected page rows "kind present requested effective" per strategy, sorted
# (split shows its two VMAs in address order, the HPET one may come first)
expect_pages() {
	case $1 in
	remap) echo "data yes WB WB|hpet yes UC- UC-|lab yes WB WB|tk yes WB WB" ;;
	*) echo "data yes WB WB|hpet yes UC- UC-|lab no WB -|tk no WB -" ;;
	esac
}

for s in fault remap split mixed; do
	vclock_offered $s || { unoffered_case $s; continue; }
	start_ticker $s
	if ! grep -q running=1 $tout 2>/dev/null; then
		not_ok "$s: ticker started"; kill $tpid 2>/dev/null; continue
	fi
	maps=$(grep ' /dev/vclock$' /proc/$tpid/maps)
	vm=$(vclock-maps $tpid 2>&1); rc=$?
	[ $rc -eq 0 ] && ok "$s: vclock-maps $tpid exits 0" || { not_ok "$s: vclock-maps exit $rc"; diag "$vm"; }
	nmaps=$(echo "$maps" | grep -c .)
	vlines=$(echo "$vm" | grep '^vma .* /dev/vclock$')
	nvm=$(echo "$vlines" | grep -c .)
	want=1; [ $s = split ] && want=2
	[ "$nmaps" -eq $want ] && [ "$nvm" -eq "$nmaps" ] &&
		ok "$s: $nvm VMA(s) shown, $nmaps in /proc/$tpid/maps" ||
		{ not_ok "$s: $nvm VMA(s) shown, $nmaps in maps, want $want"; diag "$maps"; diag "$vm"; }
	i=1
	while [ $i -le "$nmaps" ]; do
		m=$(echo "$maps" | sed -n ${i}p)
		v=$(echo "$vlines" | sed -n ${i}p | sed 's/^vma //')
		f=1
		for field in range perms offset dev inode path; do
			a=$(echo "$m" | awk -v f=$f '{ print $f }')
			b=$(echo "$v" | awk -v f=$f '{ print $f }')
			[ -n "$a" ] && [ "$a" = "$b" ] && ok "$s VMA $i: $field $b" ||
				not_ok "$s VMA $i: $field: vclock-maps '$b', maps '$a'"
			f=$((f + 1))
		done
		i=$((i + 1))
	done
	echo "$vm" | grep -q "strategy $s, lab wb, first page data" &&
		ok "$s: offset decoded as strategy $s, lab wb" || { not_ok "$s: offset decoded"; diag "$vm"; }
	flags=$(echo "$vm" | grep -m1 'VmFlags:')
	pfn=pf; [ $s = mixed ] && pfn=mm
	miss=
	for fl in rd mr io de dd $pfn; do
		echo "$flags" | grep -qE "VmFlags:.* $fl( |\$|.*\()" || miss="$miss $fl"
	done
	echo "$flags" | grep -qE 'VmFlags:.* (wr|mw|ex|me)( |\()' && miss="$miss (writable/executable)"
	[ -z "$miss" ] && ok "$s: VmFlags$(echo "$flags" | sed 's/.*VmFlags://; s/ (.*//')" ||
		{ not_ok "$s: VmFlags lack$miss"; diag "$flags"; }
	echo "$flags" | grep -q 'pure PFN range\|mixed map' && echo "$flags" | grep -q 'memory-mapped I/O' &&
		ok "$s: VmFlags in words" || not_ok "$s: VmFlags in words: $flags"

	rows=$(echo "$vm" | awk '$1 ~ /^[0-9]+$/ && NF >= 8 { print $3, $4, $6, $7 }')
	got=$(echo "$rows" | sort | tr '\n' '|' | sed 's/|$//')
	[ "$got" = "$(expect_pages $s)" ] && ok "$s: pages $got" ||
		{ not_ok "$s: pages '$got', want '$(expect_pages $s)'"; diag "$vm"; }

	js=$(vclock-maps --json $tpid 2>&1); rc=$?
	jstarts=$(echo "$js" | grep '"path":"/dev/vclock"' | sed 's/.*"start":"0x\([0-9a-f]*\)".*/\1/' | tr '\n' ' ')
	mstarts=$(echo "$maps" | sed 's/-.*//' | tr '\n' ' ')
	[ $rc -eq 0 ] && [ "$jstarts" = "$mstarts" ] && ok "$s: --json VMA starts $jstarts" ||
		{ not_ok "$s: --json starts '$jstarts', maps '$mstarts'"; diag "$js"; }
	jpages=$(echo "$js" | grep -c '"index":')
	echo "$js" | grep -q "\"strategy\":\"$s\"" && [ "$jpages" -eq 4 ] &&
		ok "$s: --json has strategy $s and 4 page objects" || { not_ok "$s: --json content"; diag "$js"; }
	echo "$js" | grep -q '"contrast":\[' && echo "$js" | grep -q '"path":"\[vvar' &&
		echo "$js" | grep -q '"path":"\[vdso\]"' && ok "$s: --json lists [vvar] and [vdso]" ||
		not_ok "$s: --json lists [vvar] and [vdso]"
	# an unmapped page (the lab page before a touch, except remap) is null, not "0"/"-"
	if [ $s = remap ]; then
		echo "$js" | grep '"index":' | grep -q '"present":false' && not_ok "$s: --json: every page present" ||
			ok "$s: --json: every page present"
	else
		echo "$js" | grep '"kind":"lab"' | grep -q '"present":false,"requested":"WB","pfn":null,"pte":null,"effective":null,"pat_index":null' &&
			! echo "$js" | grep -qE '"pfn":"0x0"|"pfn":"0"|"effective":"-"' &&
			ok "$s: --json: the unmapped lab page has pfn, pte, effective, pat_index null" ||
			{ not_ok "$s: --json: unmapped page is null"; diag "$js"; }
	fi
	echo "$js" | tr -d '\n' | grep -qE '"provenance":\{"commit":"[0-9a-f]{7,}[^}]*"module":"1\.0"[^}]*"qemu":"QEMU[^}]*"accel":"(tcg|kvm)"[^}]*"guest":true' &&
		ok "$s: --json provenance: commit, module 1.0, QEMU, accelerator, in the guest" ||
		{ not_ok "$s: --json provenance"; diag "$(echo "$js" | head -n 1)"; }

	kill -TERM $tpid; wait $tpid; rc=$?
	[ $rc -eq 0 ] && ok "$s: ticker stopped cleanly" || not_ok "$s: ticker exit $rc"
done

vm=$(vclock-maps self 2>&1); rc=$?
[ $rc -eq 3 ] && echo "$vm" | grep -q 'has no /dev/vclock or /proc/vclock mapping' &&
	ok "vclock-maps self without a mapping: exit 3, says so" || { not_ok "vclock-maps self: exit $rc"; diag "$vm"; }
vm=$(vclock-maps --strategy split self 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(echo "$vm" | grep -c '^vma .*/dev/vclock$')" -eq 2 ] &&
	ok "vclock-maps --strategy split self: two VMAs of its own" || { not_ok "vclock-maps --strategy split self: exit $rc"; diag "$vm"; }
echo "$vm" | grep -q '\[vvar' && echo "$vm" | grep -q '\[vdso\]' &&
	ok "text output shows [vvar] and [vdso] for contrast" || not_ok "contrast lines"
# v6.13 split the kernel's own [vvar]: the clock pages (pvclock, hvclock,
# the time namespace page) moved into a [vvar_vclock] VMA of their own.
nv=$(echo "$vm" | grep -c '\[vvar_vclock\]')
if kernel_at_least 6 13; then
	[ "$nv" -ge 1 ] && ok "$(uname -r) (>= 6.13): the kernel's own vvar is [vvar] + [vvar_vclock], and vclock-maps shows both" ||
		{ not_ok "$(uname -r) (>= 6.13): [vvar_vclock] shown"; diag "$vm"; }
else
	[ "$nv" -eq 0 ] && grep -q '\[vvar\]$' /proc/self/maps && ok "$(uname -r) (< 6.13): one [vvar], no [vvar_vclock]" ||
		{ not_ok "$(uname -r) (< 6.13): one [vvar], no [vvar_vclock]"; diag "$vm"; }
fi
vm=$(vclock-maps 999999 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$vm" | grep -q 'no process 999999' && ok "missing pid: exit 1, says so" ||
	{ not_ok "missing pid: exit $rc"; diag "$vm"; }

start_ticker fault
vm=$(su user -c "/opt/vclock/bin/vclock-maps $tpid" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$vm" | grep -qi 'permission' && ok "another user's process: exit 1, permission named" ||
	{ not_ok "another user's process: exit $rc"; diag "$vm"; }
kill -TERM $tpid; wait $tpid
tap_done
