# SPDX-License-Identifier: GPL-2.0
# criu-lib.sh - checkpoint/restore helpers for the CRIU suites (busybox sh;
# source /opt/vclock/tests/tap.sh first). One case at a time:
#
#   cr_prepare NAME              fresh work directory, CR_READY, CR_LOG
#   cr_start CMD [ARGS...]       start CMD as a session leader, wait for CR_READY
#                                (CR_PID; set CR_TREE to all pids if it forks)
#   cr_roundtrip kill|leave-running
#                                dump, (check the original,) restore -d, compare
#                                the vclock lines of /proc/PID/maps, report times
#   cr_finish                    SIGUSR1, wait for the program's report, relay it
#   cr_counts_back NAME          the module's open files and VMAs are back to
#                                what they were when the suite started
#
# The case programs (vclock-cr-*) print TAP themselves; cr_relay turns their
# lines into this suite's, prefixed with the case's name.
CR_PLUGINS=/opt/vclock/criu		# holds vclock_plugin.so and nothing else
CR_LIBDIR=$CR_PLUGINS			# what -L gets; empty: no -L at all
CR_WORK=/tmp/criu-vclock
CR_STATUS=/sys/kernel/debug/vclock/status
CR_TIMEOUT_DS=300			# waits, in tenths of a second
# The file the cases map: the device, or the regular file /proc/vclock when
# the suite exports VCLOCK_DEVICE=/proc/vclock (read at each call).
cr_path() { echo "${VCLOCK_DEVICE:-/dev/vclock}"; }

# cr_us: microseconds of the monotonic clock, from the "now at N nsecs" line
# of /proc/timer_list (root only), else from /proc/uptime (10 ms steps);
# busybox's date has no %N. cr_ms: the same in milliseconds.
if [ -r /proc/timer_list ]; then
	cr_us() { awk '/^now at / { print substr($3, 1, length($3) - 3); exit }' /proc/timer_list; }
else
	cr_us() { awk '{ printf "%d0000\n", $1 * 100 + 0.5 }' /proc/uptime; }
fi
cr_ms() { echo $(($(cr_us) / 1000)); }

# cr_require: what every CRIU suite needs, or a Bail out line.
cr_require() {
	[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing: load the module (vm/run --load)"; return 1; }
	command -v criu >/dev/null || { echo "Bail out! criu not in the guest image"; return 1; }
	[ -f $CR_PLUGINS/vclock_plugin.so ] || { echo "Bail out! no $CR_PLUGINS/vclock_plugin.so"; return 1; }
	[ -r $CR_STATUS ] || { echo "Bail out! cannot read $CR_STATUS (debugfs)"; return 1; }
	mkdir -p $CR_WORK
}

# cr_wait_for CMD...: poll CMD every 0.1 s until it succeeds (CR_TIMEOUT_DS).
cr_wait_for() {
	_w=0
	until "$@"; do
		[ $_w -ge $CR_TIMEOUT_DS ] && return 1
		sleep 0.1
		_w=$((_w + 1))
	done
}

cr_prepare() {
	CR_CASE=$1
	CR_DIR=$CR_WORK/$1
	rm -rf "$CR_DIR"
	mkdir -p "$CR_DIR/img"
	CR_LOG=$CR_DIR/prog.log CR_READY=$CR_DIR/ready
	CR_PID= CR_CHILD= CR_TREE= CR_DUMP_MS=- CR_RESTORE_MS=- CR_IMG_KB=-
	CR_DUMP_US=- CR_RESTORE_US=-
	: >"$CR_LOG"
}

_cr_has_pid() { [ -f "$CR_READY" ] && grep -q '^pid=' "$CR_READY"; }
_cr_child_gone() { ! kill -0 "$CR_CHILD" 2>/dev/null; }

# cr_start CMD [ARGS...]: a session leader outside our session, stdin from
# /dev/null, output appended to CR_LOG (CRIU does not check the size of an
# O_APPEND log), none of our other descriptors (fd 9 is the guest's console,
# a device CRIU cannot dump).
cr_start() {
	setsid "$@" </dev/null >>"$CR_LOG" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	CR_CHILD=$!
	if ! cr_wait_for _cr_has_pid; then
		diag "$CR_CASE: $1 did not get ready; its output:"
		diag "$(tail -n 20 "$CR_LOG")"
		kill -9 "$CR_CHILD" 2>/dev/null
		wait "$CR_CHILD" 2>/dev/null
		CR_CHILD=
		return 1
	fi
	CR_PID=$(sed -n 's/^pid=//p' "$CR_READY")
}

# The vclock lines of PID's maps: cr_vmas without dev and inode (what must
# not change), cr_vmas_full as the kernel prints them.
cr_vmas() { awk -v p="$(cr_path)" '$6 == p { print $1, $2, $3, $6 }' "/proc/$1/maps" 2>/dev/null; }
cr_vmas_full() { grep " $(cr_path)\$" "/proc/$1/maps" 2>/dev/null | tr -s ' '; }
cr_vma_count() { cr_vmas "$1" | grep -c .; }

# cr_dump [CRIU ARGS...]: dump CR_PID into a fresh CR_DIR/img.
cr_dump() {
	rm -rf "$CR_DIR/img"
	mkdir -p "$CR_DIR/img"
	_t0=$(cr_us)
	criu dump -t "$CR_PID" -D "$CR_DIR/img" -o dump.log -v4 ${CR_LIBDIR:+-L "$CR_LIBDIR"} \
		"$@" >/dev/null 2>&1
	_rc=$?
	CR_DUMP_US=$(($(cr_us) - _t0))
	CR_DUMP_MS=$((CR_DUMP_US / 1000))
	CR_IMG_KB=$(du -sk "$CR_DIR/img" | cut -f1)
	return $_rc
}

# cr_restore [CRIU ARGS...]: restore -d from CR_DIR/img.
cr_restore() {
	_t0=$(cr_us)
	criu restore -d -D "$CR_DIR/img" -o restore.log -v4 ${CR_LIBDIR:+-L "$CR_LIBDIR"} \
		"$@" >/dev/null 2>&1
	_rc=$?
	CR_RESTORE_US=$(($(cr_us) - _t0))
	CR_RESTORE_MS=$((CR_RESTORE_US / 1000))
	return $_rc
}

_cr_pid_gone() { [ ! -d "/proc/$CR_PID" ]; }

# cr_reap: after the task was killed, make its pid free again. Our own child
# we wait for; a restored task is init's child, and init reaps it.
cr_reap() {
	if [ -n "$CR_CHILD" ]; then
		wait "$CR_CHILD" 2>/dev/null
		CR_CHILD=
	fi
	cr_wait_for _cr_pid_gone
}

# cr_plugin_restored: the plugin kept the offset of every vclock VMA of the
# tasks in CR_TREE (one "restoring the ... mapping" line each in restore.log).
cr_plugin_restored() {
	_n=$(grep -c 'vclock plugin: restoring the .* mapping' "$CR_DIR/img/restore.log")
	_want=0
	for _p in ${CR_TREE:-$CR_PID}; do _want=$((_want + $(cr_vma_count "$_p"))); done
	[ "$_n" -eq "$_want" ] && [ "$_want" -gt 0 ] &&
		ok "$CR_CASE: the plugin kept the offset of all $_want vclock VMA(s)" ||
		{ not_ok "$CR_CASE: the plugin kept the offset of $_n of $_want vclock VMA(s)"
		  cr_log_tail restore.log; }
}

# cr_log_says LOG TEXT WHAT: CR_DIR/img/LOG has a line with the fixed string
# TEXT (shown as a diag line); ok/not ok "CR_CASE: WHAT".
cr_log_says() {
	_msg=$(grep -m1 -F "$2" "$CR_DIR/img/$1")
	diag "$CR_CASE: ${_msg:-no line '$2' in $1}"
	[ -n "$_msg" ] && ok "$CR_CASE: $3" || { not_ok "$CR_CASE: $3"; cr_log_tail "$1"; }
}

cr_log_tail() { diag "$(grep -E 'Error|vclock plugin' "$CR_DIR/img/$1" | tail -n "${2:-8}")"; }

_cr_checks() { grep -c '^# check ' "$CR_LOG"; }
_cr_new_check() { [ "$(_cr_checks)" -gt "$_cr_nchecks" ]; }

# cr_check_now: SIGUSR2, wait for the program's next "# check N:" line,
# print it; 0 if it says ok.
cr_check_now() {
	_cr_nchecks=$(_cr_checks)
	kill -USR2 "$CR_PID" 2>/dev/null || { echo "process $CR_PID is gone"; return 1; }
	cr_wait_for _cr_new_check || { echo "no check line within $((CR_TIMEOUT_DS / 10)) s"; return 1; }
	_line=$(grep '^# check ' "$CR_LOG" | tail -n 1)
	echo "${_line#\# }"
	case $_line in "# check "*": ok "*) return 0 ;; esac
	return 1
}

# cr_diag_lines LABEL TEXT: one "# LABEL: line" per line of TEXT.
cr_diag_lines() {
	[ -n "$2" ] || { echo "# $1: (none)"; return; }
	echo "$2" | while IFS= read -r _dl; do echo "# $1: $_dl"; done
}

cr_report() {
	diag "$CR_CASE: dump ${CR_DUMP_MS} ms, restore ${CR_RESTORE_MS} ms, image ${CR_IMG_KB} KiB"
}

# cr_roundtrip MODE: one checkpoint and restore of CR_PID. MODE kill: the
# dump kills the task; leave-running: the task runs on after the dump (it
# must still read its mapping), then is killed before the restore.
cr_roundtrip() {
	_before=$(cr_vmas "$CR_PID")
	cr_diag_lines "$CR_CASE: maps before" "$(cr_vmas_full "$CR_PID")"
	if [ "$1" = leave-running ]; then
		cr_dump --leave-running
	else
		cr_dump
	fi
	_rc=$?
	if [ $_rc -ne 0 ]; then
		not_ok "$CR_CASE: criu dump ($1) exit $_rc"
		cr_log_tail dump.log
		kill -9 "$CR_PID" 2>/dev/null
		cr_reap
		return 1
	fi
	ok "$CR_CASE: criu dump ($1), ${CR_DUMP_MS} ms"
	if [ "$1" = leave-running ]; then
		_c=$(cr_check_now) && ok "$CR_CASE: the original still reads its mapping after the dump" ||
			not_ok "$CR_CASE: the original still reads its mapping after the dump"
		diag "$CR_CASE: $_c"
		kill -9 "$CR_PID"
	fi
	cr_reap
	if ! cr_restore; then
		not_ok "$CR_CASE: criu restore -d"
		cr_log_tail restore.log
		return 1
	fi
	ok "$CR_CASE: criu restore -d, ${CR_RESTORE_MS} ms"
	[ -n "$CR_STOCK" ] || cr_plugin_restored	# CR_STOCK: no plugin on purpose
	cr_same_vmas "$CR_PID" "$_before" \
		"$CR_CASE: same vclock line(s) in /proc/$CR_PID/maps (start end perms offset path)"
	cr_report
}

# cr_same_vmas PID BEFORE WHAT: PID's vclock lines (cr_vmas) are BEFORE again
# after a restore; one TAP line WHAT, the lines as a diagnostic.
cr_same_vmas() {
	_now=$(cr_vmas "$1")
	cr_diag_lines "$CR_CASE: maps of $1 after" "$(cr_vmas_full "$1")"
	[ -n "$_now" ] && [ "$_now" = "$2" ] && ok "$3" || not_ok "$3 ('$2' -> '$_now')"
}

_cr_finished() { grep -q '^# Totals' "$CR_LOG" && _cr_pid_gone; }

# cr_relay: the program's TAP lines as this suite's, named after the case.
cr_relay() {
	while IFS= read -r _l; do
		case $_l in
		"ok "*"# SKIP"*) _d=${_l#ok }; _d=${_d#* }; skip "${_d##*# SKIP }" "$CR_CASE: ${_d%% # SKIP*}" ;;
		"ok "*) _d=${_l#ok }; ok "$CR_CASE: ${_d#* }" ;;
		"not ok "*) _d=${_l#not ok }; not_ok "$CR_CASE: ${_d#* }" ;;
		"Bail out!"*) not_ok "$CR_CASE: $_l" ;;
		"1.."*|"TAP version"*|"# Totals"*) ;;
		"# "*) echo "# $CR_CASE: ${_l#\# }" ;;
		*) echo "# $CR_CASE: $_l" ;;
		esac
	done <"$CR_LOG"
}

# cr_finish: ask the program to verify and report, then relay its report.
cr_finish() {
	kill -USR1 "$CR_PID" 2>/dev/null
	if ! cr_wait_for _cr_finished; then
		kill -9 "$CR_PID" 2>/dev/null
		cr_relay
		not_ok "$CR_CASE: the program finished its report"
		cr_reap
		return 1
	fi
	[ -n "$CR_CHILD" ] && wait "$CR_CHILD" 2>/dev/null
	CR_CHILD=
	cr_relay
}

# cr_counts: "OPEN_FILES LIVE_VMAS" from the module's status file.
cr_counts() {
	awk '/^open_files:/ { of = $2 }
	     /^live_vmas:/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); n += kv[2] } }
	     END { print of + 0, n + 0 }' $CR_STATUS
}

# cr_counts_back: the module's open files and VMAs are back to CR_BASE_COUNTS
# (set by the suite before its first case).
cr_counts_back() {
	_want=$CR_BASE_COUNTS
	_cb() { [ "$(cr_counts)" = "$_want" ]; }
	cr_wait_for _cb
	_now=$(cr_counts)
	[ "$_now" = "$_want" ] &&
		ok "$CR_CASE: module's open files and live VMAs back to $_want" ||
		not_ok "$CR_CASE: module's open files and live VMAs are '$_now', want '$_want'"
}

# cr_vclock_users: "PID (COMM)" of every process that maps /dev/vclock or
# /proc/vclock or holds it open, but this shell.
cr_vclock_users() {
	for _d in /proc/[0-9]*; do
		_p=${_d#/proc/}
		[ "$_p" = $$ ] && continue
		if grep -qE ' /(dev|proc)/vclock$' "$_d/maps" 2>/dev/null ||
		   ls -l "$_d/fd" 2>/dev/null | grep -qE ' -> /(dev|proc)/vclock$'; then
			echo "$_p ($(cat "$_d/comm" 2>/dev/null): $(tr '\0' ' ' <"$_d/cmdline" 2>/dev/null))"
		fi
	done
}

# cr_suite_start: how every CRIU suite begins: cr_require (or return 1),
# suite_t0, CR_BASE_COUNTS for cr_counts_back, and in $users (and a
# diagnostic) the processes earlier suites left using /dev/vclock.
cr_suite_start() {
	cr_require || return 1
	suite_t0=$(cr_ms)
	CR_BASE_COUNTS=$(cr_counts)
	users=$(cr_vclock_users)
	[ -z "$users" ] || cr_diag_lines "left by earlier suites, using /dev/vclock" "$users"
}

# cr_dmesg_bad: kernel complaints in the log so far.
cr_dmesg_bad() {
	dmesg | grep -cE 'WARNING:|BUG:|Oops|Call Trace|general protection|Bad page|bad pte|UBSAN|refcount_t'
}
