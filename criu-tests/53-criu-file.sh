#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 53-criu-file: stock CRIU with no plugin (-L an empty directory) dumps and
# restores processes that map the regular file /proc/vclock (VCLOCK_DEVICE=
# /proc/vclock for the case programs and the library):
#   - /proc/vclock is a regular file of the mapping's size;
#   - every offered strategy (fault with nothing / the data page / the HPET
#     page touched, remap, split, mixed), each with a dump that kills the
#     task and one with --leave-running: CRIU records the VMA as a shared
#     mapping of the regular file (no plugin loaded), and after the restore
#     the same VMA(s) at the same address with the same offset and VmFlags,
#     the data and HPET pages live, the PTE cache modes right, the clock
#     never backwards (the case programs' own TAP);
#   - a task that holds the file open: CRIU restores the descriptor as the
#     regular file, reopened by path, so the strategy an ioctl set on it is
#     gone (it is the default, fault, again) while the mapping keeps its own;
#   - the reader library on each strategy (the page's clocks never go
#     backwards across the restore), with reader threads, and in the time
#     namespace CRIU restores into;
#   - the hpet_page policy across a restore: dumped under one policy and
#     restored under the other (HPET never used since load), remap's HPET
#     PTE is what the policy at restore gives (always: made at mmap;
#     if-used: left out), not what the dumped process had;
#   - refused, with CRIU's exact message: a MAP_PRIVATE mapping of the
#     file; a restore with the module unloaded (then, after insmod, the
#     same images restore);
#   - vclock-maps and vclock-check through the library on /proc/vclock;
#     vclock-maps shows such a process's mappings and page tables.
# After each case the module's counts of open files and live VMAs are back
# to what they were (no leak). The module is left loaded as vm/run did.
. /opt/vclock/tests/tap.sh
. /opt/vclock/tests/lib/vclock-module.sh
. /opt/vclock/tests/lib/criu-lib.sh
cr_require || exit 1
export VCLOCK_DEVICE=/proc/vclock
CR_STOCK=1
CR_LIBDIR=$CR_WORK/no-plugins
rm -rf "$CR_LIBDIR"
mkdir -p "$CR_LIBDIR"
suite_t0=$(cr_ms)
CR_BASE_COUNTS=$(cr_counts)
users=$(cr_vclock_users)
[ -z "$users" ] || cr_diag_lines "left by earlier suites, using the module" "$users"
diag "criu $(criu --version 2>/dev/null | sed -n 's/^Version: //p'), plugin directory $CR_LIBDIR (empty)"

t=$(stat -c '%F %s %a' /proc/vclock 2>/dev/null)
[ "$t" = "regular file 16384 444" ] && ok "/proc/vclock: regular file, 16384 bytes (4 pages), mode 444" ||
	not_ok "/proc/vclock: regular file, 16384 bytes, mode 444 (got '$t')"

# The tools through the library: it maps /proc/vclock (VCLOCK_DEVICE), and
# vclock-maps shows and queries that mapping.
out=$(vclock-maps --strategy fault self 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q ' /proc/vclock$' &&
	echo "$out" | grep -qE '^ +[0-9]+ +[0-9a-f]+ +hpet +yes' &&
	ok "vclock-maps --strategy fault self: libvclock mapped /proc/vclock, the HPET page present" ||
	{ not_ok "vclock-maps --strategy fault self: libvclock mapped /proc/vclock (exit $rc)"; diag "$out"; }
out=$(vclock-check -d 1 -q 2>&1); rc=$?
[ $rc -eq 0 ] && ok "vclock-check -d 1 through /proc/vclock passes" ||
	{ not_ok "vclock-check -d 1 through /proc/vclock: exit $rc"; diag "$out"; }

# stock_checks: what CRIU's own log says about the dump just made: no plugin
# was loaded, and the VMA was dumped as a mapping of the regular file.
stock_checks() {
	_log=$CR_DIR/img/dump.log
	grep -q 'vclock plugin' "$_log" &&
		not_ok "$CR_CASE: no plugin in the dump (the log names the vclock plugin)" ||
		ok "$CR_CASE: no plugin in the dump"
	grep -q 'Dumping path for -3 fd via self [0-9]* \[/proc/vclock\]' "$_log" &&
		ok "$CR_CASE: CRIU recorded the mapping as the regular file /proc/vclock" ||
		{ not_ok "$CR_CASE: CRIU recorded the mapping as the regular file /proc/vclock"
		  cr_log_tail dump.log; }
}

# stock_case PROG NAME MODE ARGS...: PROG ARGS through one round trip.
stock_case() {
	_prog=$1 _name=$2 _mode=$3
	shift 3
	cr_prepare "$_name"
	if cr_start "$_prog" --ready "$CR_READY" "$@"; then
		cr_roundtrip "$_mode" && { stock_checks; cr_finish; }
	else
		not_ok "$_name: $_prog $* started"
	fi
	cr_counts_back
}

for mode in kill leave-running; do
	for touch in none data hpet; do
		stock_case vclock-cr-raw "fault-touch-$touch-$mode" $mode --strategy fault --touch $touch
	done
	for s in remap split mixed; do
		if vclock_offered $s; then
			stock_case vclock-cr-raw "$s-$mode" $mode --strategy $s --touch all
		else
			unoffered_case $s
		fi
	done
done

# Held open: the descriptor comes back as /proc/vclock, reopened by path.
stock_case vclock-cr-raw keep-fd-remap kill --strategy remap --touch all --keep-fd \
	--kept-strategy fault
stock_case vclock-cr-raw keep-fd-split leave-running --strategy split --touch data --keep-fd \
	--kept-strategy fault

for s in fault remap split mixed; do
	if vclock_offered $s; then
		stock_case vclock-cr-lib "lib-$s" kill --strategy $s
	else
		unoffered_case $s
	fi
done
stock_case vclock-cr-lib lib-threads kill --strategy fault --threads 4
stock_case vclock-cr-lib timens kill --strategy fault --timens-check

# ---- refused: a MAP_PRIVATE mapping ---------------------------------------------
# A private mapping of the file is io/pf but not VMA_FILE_SHARED, so CRIU's
# parse_vma_vmflags() marks it VMA_UNSUPP and vma_list_add() stops the dump
# with "Unsupported mapping found START-END" (%016 PRIx64 each).
pad16() { _p=$1; while [ ${#_p} -lt 16 ]; do _p=0$_p; done; echo "$_p"; }
cr_prepare private-refused
if cr_start vclock-cr-raw --ready "$CR_READY" --strategy fault --touch all --private; then
	range=$(awk '$6 == "/proc/vclock" { print $1; exit }' "/proc/$CR_PID/maps")
	want="Unsupported mapping found $(pad16 "${range%-*}")-$(pad16 "${range#*-}")"
	cr_diag_lines "$CR_CASE: maps" "$(cr_vmas_full "$CR_PID")"
	if cr_dump; then
		not_ok "$CR_CASE: stock CRIU refuses to dump a MAP_PRIVATE mapping of /proc/vclock"
	else
		ok "$CR_CASE: stock CRIU refuses to dump a MAP_PRIVATE mapping of /proc/vclock"
	fi
	cr_log_says dump.log "$want" "CRIU says '$want'"
	c=$(cr_check_now) && ok "$CR_CASE: the task runs on and still reads its mapping" ||
		not_ok "$CR_CASE: the task runs on and still reads its mapping"
	diag "$CR_CASE: $c"
	cr_finish
else
	not_ok "$CR_CASE: vclock-cr-raw --private started"
fi
cr_counts_back

# ---- refused: restore with the module unloaded ----------------------------------
# Nothing checks the module before CRIU reopens the path: open_path()
# (files-reg.c) fails with "Can't open file proc/vclock on restore" (errno
# ENOENT), the restore stops, no task is left. After insmod the same images
# restore (the mapping's state is all in its offset).
cr_prepare module-absent
held=$(cr_vclock_users)
if [ -n "$held" ]; then
	not_ok "$CR_CASE: nobody else uses the module (held by $held)"
elif cr_start vclock-cr-raw --ready "$CR_READY" --strategy fault --touch all; then
	before=$(cr_vmas "$CR_PID")
	if cr_dump; then
		ok "$CR_CASE: dump"
		cr_reap
		if vclock_unload; then
			cr_restore && not_ok "$CR_CASE: restore without the module fails" ||
				ok "$CR_CASE: restore without the module fails"
			cr_log_says restore.log \
				"Can't open file proc/vclock on restore: No such file or directory" \
				"CRIU says it cannot open proc/vclock (ENOENT)"
			[ ! -d "/proc/$CR_PID" ] && ok "$CR_CASE: no task left behind" ||
				not_ok "$CR_CASE: no task left behind (pid $CR_PID exists)"
		else
			not_ok "$CR_CASE: rmmod (held by $(vclock_holders))"
		fi
		vclock_reload || not_ok "$CR_CASE: insmod again"
		CR_BASE_COUNTS=$(cr_counts)
		if cr_restore; then
			ok "$CR_CASE: after insmod the same images restore"
			[ "$(cr_vmas "$CR_PID")" = "$before" ] &&
				ok "$CR_CASE: same vclock line after the restore" ||
				not_ok "$CR_CASE: same vclock line after the restore"
			cr_finish
		else
			not_ok "$CR_CASE: after insmod the same images restore"
			cr_log_tail restore.log
		fi
	else
		not_ok "$CR_CASE: dump"
		cr_log_tail dump.log
		kill -9 "$CR_PID" 2>/dev/null
		cr_reap
	fi
else
	not_ok "$CR_CASE: vclock-cr-raw started"
fi
cr_counts_back

# ---- the hpet_page policy across a restore ------------------------------------
# hpet_pte PID: "yes"/"no", the HPET page's PTE in PID as vclock-maps shows it.
hpet_pte() { vclock-maps "$1" 2>/dev/null | awk '$3 == "hpet" { print $4; exit }'; }

# reload_with POLICY: the module with hpet_page=POLICY clock_mode=none (the
# HPET never used since load).
reload_with() {
	vclock_unload && insmod "$VCLOCK_KO" hpet_page=$1 clock_mode=none && return 0
	not_ok "$CR_CASE: reload with hpet_page=$1 clock_mode=none (held by $(vclock_holders))"
	return 1
}

# policy_case AT_DUMP WANT_BEFORE AT_RESTORE WANT_AFTER: a remap reader that
# touches only the data page, dumped under hpet_page=AT_DUMP and restored
# under AT_RESTORE (a reload between): the HPET PTE is WANT_BEFORE before the
# dump and WANT_AFTER after the restore, i.e. what the policy in force at
# restore gives remap's mmap, whatever the dumped process had.
policy_case() {
	cr_prepare "policy-$1-to-$3"
	reload_with "$1" || return
	if ! cr_start vclock-cr-raw --ready "$CR_READY" --strategy remap --touch data; then
		not_ok "$CR_CASE: vclock-cr-raw started"
		return
	fi
	_b=$(hpet_pte "$CR_PID")
	[ "$_b" = "$2" ] && ok "$CR_CASE: remap's HPET PTE under $1 before the dump: $_b (vclock-maps)" ||
		not_ok "$CR_CASE: remap's HPET PTE under $1 before the dump: '$_b', want $2"
	_before=$(cr_vmas "$CR_PID")
	if ! cr_dump; then
		not_ok "$CR_CASE: criu dump exit $?"
		cr_log_tail dump.log
		kill -9 "$CR_PID" 2>/dev/null
		cr_reap
		return
	fi
	stock_checks
	cr_reap
	reload_with "$3" || return
	if ! cr_restore; then
		not_ok "$CR_CASE: criu restore -d under hpet_page=$3"
		cr_log_tail restore.log
		return
	fi
	_after=$(cr_vmas "$CR_PID")
	[ -n "$_after" ] && [ "$_after" = "$_before" ] &&
		ok "$CR_CASE: restored under hpet_page=$3, same vclock line" ||
		not_ok "$CR_CASE: restored under hpet_page=$3, same vclock line ('$_before' -> '$_after')"
	_a=$(hpet_pte "$CR_PID")
	[ "$_a" = "$4" ] && ok "$CR_CASE: remap's HPET PTE under $3 after the restore: $_a" ||
		not_ok "$CR_CASE: remap's HPET PTE under $3 after the restore: '$_a', want $4"
	# Its final check would read the HPET page (SIGBUS under if-used).
	kill -9 "$CR_PID" 2>/dev/null
	cr_reap
}

# counts are per module load: no cr_counts_back across the reloads.
policy_case always yes if-used no
policy_case if-used no always yes
vclock_unload && vclock_reload && ok "module reloaded as vm/run loaded it" ||
	not_ok "module reloaded as vm/run loaded it (held by $(vclock_holders))"

diag "suite time $(( ($(cr_ms) - suite_t0) / 1000 )) s"
tap_done
