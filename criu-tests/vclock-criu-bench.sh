#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vclock-criu-bench [-n ROUNDS] [-o FILE.json]: what a vclock mapping costs
# CRIU, through each of the module's two files, for 'make bench' (vm/bench
# runs it in both boots).
#
# A round checkpoints and restores vclock-ticker three times:
#   with     reading the time through /dev/vclock (--strategy fault; the
#            data and HPET pages touched before the dump), criu -L the
#            project's plugin directory, which claims the mapping;
#   file     the same through the regular file /proc/vclock
#            (VCLOCK_DEVICE), criu -L an empty directory: stock CRIU with
#            no plugin, which records and re-mmaps the file;
#   without  the same program with --no-map (no mapping, it reads through
#            the system call): the control.
# All go through the same criu-lib.sh path: criu dump (the dump ends the
# process), criu restore -d; the times are the wall time of each criu
# command on the monotonic clock. A round trip only counts if the restored
# ticker has the same vclock line(s) in /proc/PID/maps as before (none
# without the mapping), counts on, and stops on SIGTERM with no backwards
# step; the file case's dump must not have loaded the plugin. The order
# rotates (round r starts with case r mod 3), one uncounted warm-up round
# comes first.
#
# This script only makes the criu calls: it writes one line per round trip
# to a samples file, and vclock-bench --criu (userspace/bench_criu.c) does
# the statistics and the verdicts with vclock-bench's own percentiles. It
# prints the median, p10 and p90 per case and, for "with mapping / without",
# "file mapping / without" and "file mapping / with mapping" (vm/bench
# collects lines starting with PASS, FAIL or INFO):
#   INFO criu dump CASES: R.RR
#   INFO criu restore CASES: R.RR
#   INFO criu image size CASES: R.RR
#   INFO criu dump+restore CASES, per round: median R.RR, p10 R.RR, p90 R.RR (N rounds)
#   PASS criu dump+restore CASES: R.RR (target <= 1.10)
# (the last an INFO for file / with, which has no target). The verdict is on
# the ratio of the medians of dump+restore per round trip, as vclock-bench's;
# the per-round line gives the spread of the ratio of two round trips of one
# round (neighbours in time: what drift and other guests on the host do to
# one ratio). In the guest these are TCG emulation times: compare the ratios.
#
# -o writes the figures (and the samples, with provenance) as JSON
# (doc/schema/vclock-criu-bench.schema.json). Exit status: 0 measured (PASS
# or FAIL of the target alike) or skipped because CRIU cannot checkpoint the
# plain ticker here, 1 a round trip failed, 2 usage.
. /opt/vclock/tests/lib/criu-lib.sh
diag() { echo "$*" | sed 's/^/# /'; }

rounds=${VCLOCK_CRIU_BENCH_ROUNDS:-11}
json=
usage() {
	echo "usage: vclock-criu-bench [-n ROUNDS] [-o FILE.json]"
	echo "CRIU dump and restore times of vclock-ticker with its /dev/vclock mapping"
	echo "(the plugin), with its /proc/vclock mapping (stock CRIU, no plugin) and"
	echo "without a mapping, ROUNDS interleaved rounds (default 11, or"
	echo "\$VCLOCK_CRIU_BENCH_ROUNDS) after one warm-up round."
}
while getopts n:o:h opt; do
	case $opt in
	n) rounds=$OPTARG ;;
	o) json=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $rounds in '' | *[!0-9]*) usage >&2; exit 2 ;; esac
[ "$rounds" -ge 1 ] || { usage >&2; exit 2; }

work=$CR_WORK/bench
no_plugins=$work/no-plugins

samples=$work/samples
# report: the statistics and verdicts of $samples (vclock-bench --criu).
report() { vclock-bench --criu "$samples" ${json:+-o "$json"}; }
# skip WHY: CRIU is unusable here; say so (and in the JSON), exit 0.
skip() {
	echo "skip $(echo "$1" | tr '\n\t' '  ' | sed 's/ *$//')" >"$samples"
	report
	exit
}

rm -rf "$work"
mkdir -p "$work" "$no_plugins"
msg=$(cr_require) || skip "${msg#Bail out! }"
echo "rounds $rounds" >"$samples"

value() { sed -n "s/^$1=//p" "$CR_DIR/progress" 2>/dev/null; }
_counts_on() { [ "$(value count)" -gt "$count0" ] 2>/dev/null; }
_stopped() { [ "$(value running)" = 0 ] && _cr_pid_gone; }

# round_trip with|file|without: start a ticker, dump it, restore it, check
# it and stop it. 0 and "DUMP_US RESTORE_US IMAGE_KIB" in $sample if it all
# worked, else 1 and the reason in $why.
round_trip() {
	cr_prepare "bench-$1"
	CR_READY=$CR_DIR/progress
	unset VCLOCK_DEVICE
	CR_LIBDIR=$CR_PLUGINS
	case $1 in
	with) set -- "$1" --strategy fault ;;
	file)
		export VCLOCK_DEVICE=/proc/vclock
		CR_LIBDIR=$no_plugins
		set -- "$1" --strategy fault
		;;
	without) set -- "$1" --no-map ;;
	esac
	why='' sample=''
	if ! cr_start vclock-ticker "$2" ${3:+"$3"} --interval 2ms --progress "$CR_DIR/progress"; then
		why="the ticker did not start: $(tail -n 3 "$CR_LOG" | tr '\n' ' ')"
		return 1
	fi
	count0=$(value count)
	cr_wait_for _counts_on || { why="the ticker does not count"; _rt_kill; return 1; }
	before=$(cr_vmas "$CR_PID")
	if [ "$1" != without ] && [ -z "$before" ]; then
		why="no $(cr_path) line in /proc/$CR_PID/maps"; _rt_kill; return 1
	elif [ "$1" = without ] && [ -n "$before" ]; then
		why="--no-map and still a /dev/vclock line in /proc/$CR_PID/maps"; _rt_kill; return 1
	fi
	cr_dump
	rc=$?
	if [ $rc -ne 0 ]; then
		why="criu dump exit $rc$(_rt_log dump.log)"
		_rt_kill
		return 1
	fi
	cr_reap
	if [ "$1" = file ] && grep -q 'vclock plugin' "$CR_DIR/img/dump.log"; then
		why="stock CRIU was meant, and the dump loaded the vclock plugin"
		return 1
	fi
	cr_restore
	rc=$?
	if [ $rc -ne 0 ]; then
		why="criu restore -d exit $rc$(_rt_log restore.log)"
		return 1
	fi
	after=$(cr_vmas "$CR_PID")
	count0=$(value count)
	if [ "$after" != "$before" ]; then
		why="restored with other vclock lines in /proc/$CR_PID/maps: '$after', before '$before'"
		_rt_kill
		return 1
	fi
	if ! cr_wait_for _counts_on; then
		why="the restored ticker does not count on (stuck at $count0)"
		_rt_kill
		return 1
	fi
	kill -TERM "$CR_PID"
	if ! cr_wait_for _stopped || [ "$(value violations)" != 0 ]; then
		why="the restored ticker did not stop cleanly: $(tr '\n' ' ' <"$CR_DIR/progress")"
		_rt_kill
		return 1
	fi
	sample="$CR_DUMP_US $CR_RESTORE_US $CR_IMG_KB"
}
# _rt_log LOG: ": " and the last errors of CRIU's LOG, if it has any.
_rt_log() {
	_e=$(grep -E 'Error|vclock plugin' "$CR_DIR/img/$1" 2>/dev/null | tail -n 3 | tr '\n' ' ')
	[ -n "$_e" ] && echo ": ${_e% }"
}
_rt_kill() {
	kill -9 "$CR_PID" 2>/dev/null
	cr_reap
}

# one ROUND with|file|without: a round trip, its sample line in $samples.
one() {
	if round_trip "$2"; then
		echo "$1 $2 $sample" >>"$samples"
		set -- "$1" "$2" $sample
		diag "$(printf 'round %2d %-7s dump %7.1f ms  restore %7.1f ms  image %s KiB' \
			"$1" "$2" "$(ms "$3")" "$(ms "$4")" "$5")"
		return 0
	fi
	echo "$1 $2 fail" >>"$samples"
	diag "round $1 $2: $why"
	return 1
}
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

echo "criu dump + restore -d of vclock-ticker (--interval 2ms) with its /dev/vclock"
echo "mapping and the plugin (with), with its /proc/vclock mapping and no plugin (file),"
echo "both --strategy fault, and without a mapping (--no-map): $rounds rounds after a"
echo "warm-up round (round 0, not counted), order rotating; TCG emulation times"
# The warm-up: if CRIU cannot checkpoint the plain ticker, it is unusable
# here, and there is nothing to compare with.
one 0 without || skip "criu cannot checkpoint and restore the ticker without the mapping here: $why"
one 0 with
one 0 file
r=1
while [ $r -le "$rounds" ]; do
	case $((r % 3)) in
	1) order="with file without" ;;
	2) order="file without with" ;;
	0) order="without with file" ;;
	esac
	for c in $order; do
		one $r $c
	done
	r=$((r + 1))
done
report
