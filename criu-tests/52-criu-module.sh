#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 52-criu-module: the plugin is what makes CRIU work, and it refuses what
# cannot work:
#   - negative control: the same dump with an empty plugin directory fails
#     with CRIU's "Can't handle non-regular mapping", the task runs on
#     unharmed, and the dump with the plugin then succeeds;
#   - restore with the module unloaded fails cleanly (the plugin's message,
#     no task left, no kernel complaint); after insmod the same images
#     restore;
#   - restore when the images say another layout version is refused with
#     the plugin's message;
#   - restore after rmmod + insmod (new data pages, maybe a new minor):
#     works, and the restored reader gets the right time from the new page.
# The module is left loaded as vm/run loaded it.
. /opt/vclock/tests/tap.sh
. /opt/vclock/tests/lib/criu-lib.sh
. /opt/vclock/tests/lib/vclock-module.sh
cr_suite_start || exit 1
bad0=$(cr_dmesg_bad)
# The module cannot be unloaded while anyone else maps it or holds it open
# ($users, from cr_suite_start).
held=${users:+module held by pid $(echo "$users" | head -n 1 | cut -d' ' -f1) from an earlier suite: cannot rmmod}
record=vclock-plugin.txt
devnum() { cat /sys/class/misc/vclock/dev 2>/dev/null || echo none; }

# refused WHAT LOGLINE SAYS GONE: the restore of CR_CASE's images fails (WHAT),
# CRIU's restore log has the plugin's LOGLINE (SAYS), no task is left (GONE).
refused() {
	if cr_restore; then not_ok "$CR_CASE: $1"; else ok "$CR_CASE: $1"; fi
	msg=$(grep -m1 "$2" "$CR_DIR/img/restore.log")
	diag "$CR_CASE: ${msg:-no such line}"
	[ -n "$msg" ] && ok "$CR_CASE: $3" || { not_ok "$CR_CASE: $3"; cr_log_tail restore.log; }
	[ ! -d "/proc/$CR_PID" ] && ok "$CR_CASE: $4" || not_ok "$CR_CASE: $4"
}

# ---- negative control -----------------------------------------------------------
cr_prepare no-plugin
mkdir -p "$CR_DIR/empty-plugins"
if cr_start vclock-cr-raw --ready "$CR_READY" --strategy fault --touch all; then
	CR_LIBDIR=$CR_DIR/empty-plugins
	if cr_dump; then
		not_ok "no-plugin: dump without the plugin fails"
	else
		ok "no-plugin: dump without the plugin fails (exit $?)"
	fi
	CR_LIBDIR=$CR_PLUGINS
	msg=$(grep -m1 "Can't handle non-regular mapping" "$CR_DIR/img/dump.log")
	diag "no-plugin: ${msg:-no such line}"
	[ -n "$msg" ] && ok "no-plugin: CRIU says it cannot handle the device mapping" ||
		{ not_ok "no-plugin: CRIU says it cannot handle the device mapping"; cr_log_tail dump.log; }
	c=$(cr_check_now) && ok "no-plugin: the task runs on and still reads its mapping" ||
		not_ok "no-plugin: the task runs on and still reads its mapping"
	diag "no-plugin: $c"
	cr_roundtrip kill && cr_finish
else
	not_ok "no-plugin: vclock-cr-raw started"
fi
cr_counts_back

# ---- restore with the module absent, then present ---------------------------------
cr_prepare module-absent
if [ -n "$held" ]; then
	skip "$held" "module-absent: restore without the module fails cleanly"
elif cr_start vclock-cr-raw --ready "$CR_READY" --strategy fault --touch all; then
	before=$(cr_vmas "$CR_PID")
	if cr_dump; then
		ok "module-absent: dump"
		cr_reap
		vclock_unload && ok "module-absent: rmmod vclock after the dump" ||
			not_ok "module-absent: rmmod vclock after the dump"
		refused "restore without the module fails" 'vclock plugin: module not loaded on restore' \
			"the plugin says why: insmod vclock.ko first" "no task $CR_PID left behind"
		[ "$(cr_dmesg_bad)" = "$bad0" ] && ok "module-absent: no kernel complaint" ||
			not_ok "module-absent: kernel complained: $(dmesg | tail -n 5)"
		vclock_reload && ok "module-absent: insmod vclock again" || not_ok "module-absent: insmod vclock again"
		if cr_restore; then
			ok "module-absent: the same images restore once the module is back, ${CR_RESTORE_MS} ms"
			cr_plugin_restored
			[ "$(cr_vmas "$CR_PID")" = "$before" ] &&
				ok "module-absent: same vclock line in /proc/PID/maps" ||
				not_ok "module-absent: same vclock line in /proc/PID/maps"
			cr_finish
		else
			not_ok "module-absent: the same images restore once the module is back"
			cr_log_tail restore.log
		fi
	else
		not_ok "module-absent: dump"
		cr_log_tail dump.log
		kill -9 "$CR_PID"; cr_reap
	fi
else
	not_ok "module-absent: vclock-cr-raw started"
fi
vclock_reload
cr_counts_back

# ---- a record from another layout version is refused ---------------------------------
cr_prepare layout-mismatch
if cr_start vclock-cr-raw --ready "$CR_READY" --strategy fault --touch all; then
	if cr_dump; then
		cr_reap
		diag "layout-mismatch: the plugin's record: $(tr '\n' ';' <"$CR_DIR/img/$record")"
		cp "$CR_DIR/img/$record" "$CR_DIR/record.orig"
		sed -i 's/^layout_version .*/layout_version 999/' "$CR_DIR/img/$record"
		refused "restore of images from layout version 999 is refused" \
			'vclock plugin: layout version' "the plugin says why" "no task left behind"
		cp "$CR_DIR/record.orig" "$CR_DIR/img/$record"
		if cr_restore; then
			ok "layout-mismatch: with the true record the same images restore"
			cr_plugin_restored
			cr_finish
		else
			not_ok "layout-mismatch: with the true record the same images restore"
			cr_log_tail restore.log
		fi
	else
		not_ok "layout-mismatch: dump"
		cr_log_tail dump.log
		kill -9 "$CR_PID"; cr_reap
	fi
else
	not_ok "layout-mismatch: vclock-cr-raw started"
fi
cr_counts_back

# ---- restore after rmmod + insmod: new data pages --------------------------------------
cr_prepare module-reload
if [ -n "$held" ]; then
	skip "$held" "module-reload: restore after rmmod + insmod"
elif cr_start vclock-cr-lib --ready "$CR_READY" --strategy fault; then
	before=$(cr_vmas "$CR_PID") dev0=$(devnum)
	cr_diag_lines "module-reload: maps before (device $dev0)" "$(cr_vmas_full "$CR_PID")"
	if cr_dump; then
		ok "module-reload: dump, ${CR_DUMP_MS} ms"
		cr_reap
		vclock_unload && vclock_reload && ok "module-reload: rmmod + insmod vclock" ||
			not_ok "module-reload: rmmod + insmod vclock"
		if cr_restore; then
			ok "module-reload: restore onto the reloaded module, ${CR_RESTORE_MS} ms"
			cr_plugin_restored
			cr_diag_lines "module-reload: maps after (device $(devnum))" "$(cr_vmas_full "$CR_PID")"
			[ "$(cr_vmas "$CR_PID")" = "$before" ] &&
				ok "module-reload: same vclock line in /proc/PID/maps (start end perms offset path)" ||
				not_ok "module-reload: same vclock line in /proc/PID/maps"
			cr_report
			cr_finish
		else
			not_ok "module-reload: restore onto the reloaded module"
			cr_log_tail restore.log
		fi
	else
		not_ok "module-reload: dump"
		cr_log_tail dump.log
		kill -9 "$CR_PID"; cr_reap
	fi
else
	not_ok "module-reload: vclock-cr-lib started"
fi
cr_counts_back

vclock_reload
[ "$(cr_dmesg_bad)" = "$bad0" ] && ok "no kernel warning, bug or oops during the suite" ||
	not_ok "kernel complained during the suite: $(dmesg | grep -E 'WARNING:|BUG:|Oops' | head -n 3)"
diag "suite time $(( ($(cr_ms) - suite_t0) / 1000 )) s"
tap_done
