#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 50-criu-mapping: CRIU dumps and restores processes that map /dev/vclock,
# with the vclock plugin (-L /opt/vclock/criu), and the mapping comes back
# as the same VMA(s) at the same place and keeps working:
#   - fault strategy with nothing / the data page / the HPET page touched
#     before the dump, then remap, split and mixed, each with a dump that
#     kills the task and one with --leave-running;
#   - a task that keeps the device open (the plugin restores the open file
#     and its strategy);
#   - the reader library on each strategy, with 4 reader threads, and a
#     parent and forked child that both hold the mapping;
#   - timens: after the restore, CRIU has put the task into a time namespace
#     whose offsets hide the downtime from its CLOCK_MONOTONIC/BOOTTIME; the
#     page's MONOTONIC and BOOTTIME must agree with the task's clock_gettime;
#   - an unmodified libc program under vclock-preload.so;
#   - the vclock-ticker workload;
#   - plain 'criu dump' / 'criu restore' with the plugin installed in CRIU's
#     default plugin directory instead of -L.
# After each case the module's counts of open files and live VMAs are back
# to what they were (no leak).
. /opt/vclock/tests/tap.sh
. /opt/vclock/tests/lib/vclock-module.sh
. /opt/vclock/tests/lib/criu-lib.sh
cr_suite_start || exit 1
strategies=$(sed -n 's/^strategies: //p' $CR_STATUS)
diag "module strategies: $strategies; counts (open files, live VMAs) at start: $CR_BASE_COUNTS"

offered() { vclock_offered "$1"; }

# prog_case PROGRAM NAME MODE ARGS...: PROGRAM --ready FILE ARGS through one
# round trip; raw_case and lib_case for the two case programs.
prog_case() {
	_prog=$1 _name=$2 _mode=$3
	shift 3
	cr_prepare "$_name"
	if cr_start "$_prog" --ready "$CR_READY" "$@"; then
		cr_roundtrip "$_mode" && cr_finish
	else
		not_ok "$_name: $_prog $* started"
	fi
	cr_counts_back
}
raw_case() { prog_case vclock-cr-raw "$@"; }
lib_case() { prog_case vclock-cr-lib "$@"; }

for mode in kill leave-running; do
	for touch in none data hpet; do
		raw_case "fault-touch-$touch-$mode" $mode --strategy fault --touch $touch
	done
	for s in remap split mixed; do
		if offered $s; then
			raw_case "$s-$mode" $mode --strategy $s --touch all
		else
			unoffered_case $s
		fi
	done
done

raw_case keep-fd-remap kill --strategy remap --touch all --keep-fd
raw_case keep-fd-fault leave-running --strategy fault --touch data --keep-fd

for s in fault remap split mixed; do
	if offered $s; then
		lib_case "lib-$s" kill --strategy $s
	else
		unoffered_case $s
	fi
done
lib_case lib-threads kill --strategy fault --threads 4

# CRIU restores into a time namespace that hides the downtime from the
# task's CLOCK_MONOTONIC and CLOCK_BOOTTIME: the restored task maps the
# device in that namespace, so it gets the namespace's view of the page.
lib_case timens kill --strategy fault --timens-check

# Parent and forked child: both tasks' lines, both verified by the program.
cr_prepare fork
if cr_start vclock-cr-fork --ready "$CR_READY" --strategy fault; then
	child=$(sed -n 's/^child=//p' "$CR_READY")
	CR_TREE="$CR_PID $child"
	child_before=$(cr_vmas "$child")
	cr_roundtrip kill && {
		cr_same_vmas "$child" "$child_before" \
			"fork: child $child has the same vclock line after the restore"
		cr_finish
	}
else
	not_ok "fork: vclock-cr-fork started"
fi
cr_counts_back

# clock_gettime system calls PID makes in about a second (strace -c).
syscalls_of() {
	timeout 1 strace -qq -c -e trace=clock_gettime -p "$1" 2>&1 >/dev/null |
		awk '$NF == "clock_gettime" { n += $4 } END { print n + 0 }'
}

# An unmodified program under the LD_PRELOAD shim: the shim maps the device
# on the first clock call; afterwards the program's clock_gettime makes no
# system call, before and after the restore. The control (no shim) shows
# that strace does count the calls the program makes.
preload=/opt/vclock/lib/vclock-preload.so
cr_prepare preload
if [ ! -f $preload ]; then
	skip "no $preload in this build" "preload: unmodified program under vclock-preload.so"
elif cr_start env LD_PRELOAD=$preload vclock-cr-clockloop "$CR_READY" 2; then
	sleep 0.3
	before=$(syscalls_of "$CR_PID")
	[ "$(cr_vma_count "$CR_PID")" -eq 1 ] && [ "$before" -le 2 ] &&
		ok "preload: the shim mapped /dev/vclock; $before clock_gettime syscalls in 1 s before the dump" ||
		not_ok "preload: the shim mapped /dev/vclock ($(cr_vma_count "$CR_PID") VMA), $before clock_gettime syscalls in 1 s before the dump"
	if cr_roundtrip kill; then
		after=$(syscalls_of "$CR_PID")
		[ "$after" -le 2 ] &&
			ok "preload: after the restore the reads are still served by the page ($after syscalls in 1 s)" ||
			not_ok "preload: after the restore the reads are still served by the page ($after syscalls in 1 s)"
		cr_finish
	fi
	cr_prepare preload-control
	if cr_start vclock-cr-clockloop "$CR_READY" 2; then
		control=$(syscalls_of "$CR_PID")
		[ "$control" -ge 10 ] && ok "preload-control: without the shim the same program makes $control clock_gettime syscalls in 1 s" ||
			not_ok "preload-control: without the shim the same program makes $control clock_gettime syscalls in 1 s"
		cr_finish
	fi
else
	not_ok "preload: vclock-cr-clockloop started"
fi
cr_counts_back

# The ticker (the demo workload): progress goes on after the restore, and on
# SIGTERM it reports that time never went backwards.
ticker_value() { sed -n "s/^$1=//p" "$CR_DIR/progress"; }
_ticker_more() { [ "$(ticker_value count)" -gt "$count_after" ]; }
_ticker_stopped() { [ "$(ticker_value running)" = 0 ] && _cr_pid_gone; }
cr_prepare ticker
CR_READY=$CR_DIR/progress
if cr_start vclock-ticker --strategy fault --interval 2ms --progress "$CR_DIR/progress"; then
	if cr_roundtrip kill; then
		count_after=$(ticker_value count)
		cr_wait_for _ticker_more && ok "ticker: counts on after the restore ($count_after -> $(ticker_value count))" ||
			not_ok "ticker: counts on after the restore (stuck at $count_after)"
		kill -TERM "$CR_PID"
		cr_wait_for _ticker_stopped
		[ "$(ticker_value running)" = 0 ] && [ "$(ticker_value violations)" = 0 ] &&
			[ "$(ticker_value state)" = mapped ] &&
			ok "ticker: stopped cleanly, library state $(ticker_value state), $(ticker_value violations) backwards steps in $(ticker_value count) reads" ||
			not_ok "ticker: stopped cleanly with no backwards step: $(tr '\n' ' ' <"$CR_DIR/progress")"
	fi
else
	not_ok "ticker: vclock-ticker started"
fi
cr_counts_back

# Installed into CRIU's default plugin directory, no -L: plain criu works.
cp $CR_PLUGINS/vclock_plugin.so /usr/lib/criu/vclock_plugin.so
CR_LIBDIR=
raw_case installed kill --strategy fault --touch all
grep -q 'vclock plugin: claimed' "$CR_DIR/img/dump.log" &&
	ok "installed: plain 'criu dump' loaded the plugin from /usr/lib/criu" ||
	not_ok "installed: plain 'criu dump' loaded the plugin from /usr/lib/criu"
rm -f /usr/lib/criu/vclock_plugin.so
CR_LIBDIR=$CR_PLUGINS

diag "suite time $(( ($(cr_ms) - suite_t0) / 1000 )) s"
tap_done
