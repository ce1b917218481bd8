#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vclock-criu-demo [STRATEGY]: a CRIU round trip of vclock-ticker for 'make
# demo': start the ticker (reading the time through libvclock, default
# strategy fault), show its /proc/PID/maps vclock line, dump it with CRIU
# and the vclock plugin (the dump ends the process), restore it, show the
# line again and that the ticker counts on, then stop it.
# Exit status 0 if the round trip worked and time never went backwards.
. /opt/vclock/tests/lib/criu-lib.sh
diag() { echo "$*" | sed 's/^/  /'; }
strategy=${1:-fault}
value() { sed -n "s/^$1=//p" "$CR_DIR/progress"; }
_stopped() { [ "$(value running)" = 0 ] && _cr_pid_gone; }

msg=$(cr_require) || { echo "vclock-criu-demo: ${msg#Bail out! }"; exit 1; }
cr_prepare demo
CR_READY=$CR_DIR/progress
cr_start vclock-ticker --strategy "$strategy" --interval 2ms --progress "$CR_DIR/progress" || exit 1
sleep 0.5
before=$(cr_vmas_full "$CR_PID")
echo "vclock-ticker (pid $CR_PID) has read the time $(value count) times; its mapping:"
echo "$before" | sed '1s/^/  before: /; 2,$s/^/          /'
if ! cr_dump; then
	echo "criu dump failed:"; cr_log_tail dump.log
	kill "$CR_PID"
	exit 1
fi
cr_reap
echo "criu dump -t $CR_PID -L $CR_PLUGINS: ${CR_DUMP_MS} ms, image ${CR_IMG_KB} KiB; the process is gone"
grep -h 'vclock plugin' "$CR_DIR/img/dump.log" | sed 's/^([0-9. ]*) *\([0-9]*: \)\{0,1\}/  /'
if ! cr_restore; then
	echo "criu restore failed:"; cr_log_tail restore.log
	exit 1
fi
echo "criu restore -d -L $CR_PLUGINS: ${CR_RESTORE_MS} ms"
grep -h 'vclock plugin' "$CR_DIR/img/restore.log" | sed 's/^([0-9. ]*) *\([0-9]*: \)\{0,1\}/  /'
after=$(cr_vmas_full "$CR_PID")
echo "$after" | sed '1s/^/  after:  /; 2,$s/^/          /'
n=$(value count)
sleep 0.5
echo "the restored ticker counts on: $n -> $(value count) reads"
kill -TERM "$CR_PID"
cr_wait_for _stopped
echo "stopped: $(value violations) backwards steps, library state $(value state), strategy $(value strategy)"
[ -n "$after" ] && [ "$after" = "$before" ] && [ "$(value count)" -gt "$n" ] &&
	[ "$(value violations)" = 0 ]
