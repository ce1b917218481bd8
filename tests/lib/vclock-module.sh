# SPDX-License-Identifier: GPL-2.0
# vclock-module.sh - for in-guest shell suites that unload the module to
# test the fallback path (busybox sh; sourced). Other suites run in the same
# boot: put the module back as it was found, with the parameters vm/run
# --load gave it (vm/init keeps them in /vm/load).
VCLOCK_KO=/opt/vclock/kmod/vclock.ko

vclock_loaded() { [ -d /sys/module/vclock ]; }

# vclock_unload: rmmod, retrying while the last users go away.
vclock_unload() {
	_i=0
	while [ $_i -lt 50 ]; do
		rmmod vclock 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# vclock_reload: insmod as vm/run did, and wait for the device node.
vclock_reload() {
	vclock_loaded && return 0
	insmod "$VCLOCK_KO" $(cat /vm/load 2>/dev/null) || return 1
	_i=0
	while [ ! -e /dev/vclock ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -e /dev/vclock ]
}

# vclock_holders: "PID (command)" of every process mapping or holding
# /dev/vclock or /proc/vclock open, comma-separated (why rmmod refused).
vclock_holders() {
	_h=
	for _p in /proc/[0-9]*; do
		if grep -qE '/(dev|proc)/vclock' $_p/maps 2>/dev/null ||
		   ls -l $_p/fd 2>/dev/null | grep -qE '/(dev|proc)/vclock'; then
			_h="$_h${_h:+, }${_p#/proc/} ($(tr '\0' ' ' <$_p/cmdline | cut -c1-60))"
		fi
	done
	echo "${_h:-none found}"
}

# kernel_at_least MAJOR MINOR: the running kernel is MAJOR.MINOR or later.
kernel_at_least() {
	_v=$(uname -r)
	_ma=${_v%%.*} _mi=${_v#*.}
	_mi=${_mi%%[!0-9]*}
	[ "$_ma" -gt "$1" ] || { [ "$_ma" -eq "$1" ] && [ "$_mi" -ge "$2" ]; }
}

# vclock_offered NAME: the loaded module offers strategy NAME.
vclock_offered() {
	grep '^strategies:' /sys/kernel/debug/vclock/status | tr ' ' '\n' | grep -qx "$1"
}

# unoffered_case NAME: for a strategy the module does not offer, assert that
# this kernel is the reason (mixed needs vmf_insert_mixed_prot(), which
# v6.4 removed) and that mapping it is refused. Not a skip: what the kernel
# no longer allows is tested as unavailable.
unoffered_case() {
	case $1 in
	mixed)
		if kernel_at_least 6 4; then
			ok "$1: not offered on $(uname -r) (vmf_insert_mixed_prot() is gone since 6.4)"
		else
			not_ok "$1: not offered, but $(uname -r) still has vmf_insert_mixed_prot()"
		fi ;;
	*) not_ok "$1: not offered by the module on $(uname -r)" ;;
	esac
	_out=$(vclock-maps --strategy "$1" self 2>&1)
	_rc=$?
	if [ $_rc -ne 0 ] && echo "$_out" | grep -q 'does not offer this strategy'; then
		ok "$1: vclock-maps --strategy $1 self refuses it (exit $_rc: $(echo "$_out" | head -n 1))"
	else
		not_ok "$1: vclock-maps --strategy $1 self refuses it (exit $_rc)"
		diag "$_out"
	fi
}
