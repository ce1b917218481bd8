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
# /dev/vclock open, comma-separated (why rmmod refused).
vclock_holders() {
	_h=
	for _p in /proc/[0-9]*; do
		if grep -q /dev/vclock $_p/maps 2>/dev/null ||
		   ls -l $_p/fd 2>/dev/null | grep -q /dev/vclock; then
			_h="$_h${_h:+, }${_p#/proc/} ($(tr '\0' ' ' <$_p/cmdline | cut -c1-60))"
		fi
	done
	echo "${_h:-none found}"
}
