#!/bin/sh
# vclock-criu-bench [-n ROUNDS] [-o FILE.json]: what a /dev/vclock mapping
# costs CRIU, for 'make bench' (vm/bench runs it in both boots).
#
# A round checkpoints and restores vclock-ticker twice: once reading the
# time through the mapping (--strategy fault; the data and HPET pages are
# touched before the dump), once as the same program with --no-map (no
# mapping, it reads through the system call). Both go through the same
# criu-lib.sh path: criu dump -L <plugin dir> (the dump ends the process),
# criu restore -d; the times are the wall time of each criu command on the
# monotonic clock. A round trip only counts if the restored ticker has the
# same vclock line(s) in /proc/PID/maps as before (none without the
# mapping), counts on, and stops on SIGTERM with no backwards step. The
# order alternates (with first in odd rounds, without first in even ones),
# one uncounted warm-up round comes first.
#
# Prints the median, p10 and p90 per case and, in vclock-bench's format
# (vm/bench collects lines starting with PASS, FAIL or INFO):
#   INFO criu dump with mapping / without: R.RR
#   INFO criu restore with mapping / without: R.RR
#   INFO criu dump+restore with / without, per round: median R.RR, p10 R.RR, p90 R.RR (N rounds)
#   PASS criu dump+restore with mapping / without: R.RR (target <= 1.10)
# The verdict is on the ratio of the medians of dump+restore per round trip,
# as vclock-bench's; the per-round line gives the spread of the ratio of the
# two round trips of one round (neighbours in time: what drift and other
# guests on the host do to one ratio). In the guest these are TCG emulation
# times: compare the ratios.
#
# -o writes the figures (and the samples) as JSON. Exit status: 0 measured
# (PASS or FAIL of the target alike) or skipped because CRIU cannot
# checkpoint the plain ticker here, 1 a round trip failed, 2 usage.
. /opt/vclock/tests/lib/criu-lib.sh
diag() { echo "$*" | sed 's/^/# /'; }

rounds=${VCLOCK_CRIU_BENCH_ROUNDS:-11}
json=
target=1.10
usage() {
	echo "usage: vclock-criu-bench [-n ROUNDS] [-o FILE.json]"
	echo "CRIU dump and restore times of vclock-ticker with and without its"
	echo "/dev/vclock mapping, ROUNDS interleaved rounds (default 11, or"
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
failed=0

# skip WHY: CRIU is unusable here; say so, write that into the JSON, exit 0.
skip() {
	echo "INFO criu dump+restore skipped: $1"
	[ -n "$json" ] && printf '{"available": false, "why": "%s"}\n' \
		"$(echo "$1" | tr -d '"\\' | tr '\n\t' '  ' | sed 's/ *$//')" >"$json"
	exit 0
}

msg=$(cr_require) || skip "${msg#Bail out! }"
rm -rf "$work"
mkdir -p "$work"
: >"$work/with.dat"
: >"$work/without.dat"
: >"$work/paired.dat"

value() { sed -n "s/^$1=//p" "$CR_DIR/progress" 2>/dev/null; }
_counts_on() { [ "$(value count)" -gt "$count0" ] 2>/dev/null; }
_stopped() { [ "$(value running)" = 0 ] && _cr_pid_gone; }

# round_trip with|without: start a ticker, dump it, restore it, check it and
# stop it. 0 and "DUMP_US RESTORE_US IMAGE_KIB" in $sample if it all worked,
# else 1 and the reason in $why.
round_trip() {
	cr_prepare "bench-$1"
	CR_READY=$CR_DIR/progress
	if [ "$1" = with ]; then
		set -- "$1" --strategy fault
	else
		set -- "$1" --no-map
	fi
	why='' sample=''
	if ! cr_start vclock-ticker "$2" ${3:+"$3"} --interval-us 2000 --out "$CR_DIR/progress"; then
		why="the ticker did not start: $(tail -n 3 "$CR_LOG" | tr '\n' ' ')"
		return 1
	fi
	count0=$(value count)
	cr_wait_for _counts_on || { why="the ticker does not count"; _rt_kill; return 1; }
	before=$(cr_vmas "$CR_PID")
	if [ "$1" = with ] && [ -z "$before" ]; then
		why="no /dev/vclock line in /proc/$CR_PID/maps"; _rt_kill; return 1
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

# one ROUND with|without: a round trip, its sample appended to KIND.dat.
one() {
	if round_trip "$2"; then
		[ "$1" -gt 0 ] && echo "$sample" >>"$work/$2.dat"
		set -- "$1" "$2" $sample
		diag "$(printf 'round %2d %-7s dump %7.1f ms  restore %7.1f ms  image %s KiB' \
			"$1" "$2" "$(ms "$3")" "$(ms "$4")" "$5")"
		return 0
	fi
	diag "round $1 $2: $why"
	return 1
}
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

echo "criu dump + restore -d of vclock-ticker (--interval-us 2000) with its /dev/vclock"
echo "mapping (--strategy fault) and without (--no-map): $rounds rounds after a warm-up"
echo "round (round 0, not counted), order alternating; TCG emulation times"
# The warm-up: if CRIU cannot checkpoint the plain ticker, it is unusable
# here, and there is nothing to compare with.
one 0 without || skip "criu cannot checkpoint and restore the ticker without the mapping here: $why"
one 0 with || failed=$((failed + 1))
# pair: both round trips of this round worked; their ratio of dump+restore
# (the last lines of with.dat and without.dat) goes to paired.dat.
pair() {
	{ tail -n 1 "$work/with.dat"; tail -n 1 "$work/without.dat"; } |
		awk '{ t[NR] = $1 + $2 } END { printf "%.4f\n", t[1] / t[2] }' >>"$work/paired.dat"
}
r=1
while [ $r -le "$rounds" ]; do
	n=0
	if [ $((r % 2)) -eq 1 ]; then
		one $r with && n=$((n + 1))
		one $r without && n=$((n + 1))
	else
		one $r without && n=$((n + 1))
		one $r with && n=$((n + 1))
	fi
	[ $n -eq 2 ] && pair
	failed=$((failed + 2 - n))
	r=$((r + 1))
done

# stats FILE COLUMN [DIV [DECIMALS]]: "N MEDIAN P10 P90" of the column
# divided by DIV (default 1000: microseconds to ms) with DECIMALS (default
# 1), ranks as vclock-bench's: sorted[n/2], sorted[n/10], sorted[n-1-n/10].
stats() {
	cut -d' ' -f"$2" "$1" | sort -n | awk -v div="${3:-1000}" -v dec="${4:-1}" '
		{ v[n++] = $1 }
		END {
			if (!n) { print "0 - - -"; exit }
			f = "%." dec "f"
			printf "%d " f " " f " " f "\n", n, v[int(n / 2)] / div, v[int(n / 10)] / div,
				v[n - 1 - int(n / 10)] / div
		}'
}
# The per-round-trip total, dump + restore, as a third file.
for k in with without; do
	awk '{ print $1 + $2 }' "$work/$k.dat" >"$work/$k.total"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "-"; else printf "%.2f\n", a / b }'; }

echo
printf '%-16s %5s  %-23s  %-23s  %-23s  %s\n' "" "" "dump ms" "restore ms" "dump+restore ms" "image"
printf '%-16s %5s  %7s %7s %7s  %7s %7s %7s  %7s %7s %7s  %s\n' case rounds median p10 p90 \
	median p10 p90 median p10 p90 KiB
for k in with without; do
	set -- $(stats "$work/$k.dat" 1) $(stats "$work/$k.dat" 2) $(stats "$work/$k.total" 1) \
		$(stats "$work/$k.dat" 3 1 0)
	printf '%-16s %5s  %7s %7s %7s  %7s %7s %7s  %7s %7s %7s  %s\n' "$k mapping" "$1" \
		"$2" "$3" "$4" "$6" "$7" "$8" "${10}" "${11}" "${12}" "${14}"
done
median() { stats "$@" | cut -d' ' -f2; }
r_dump=$(ratio "$(median "$work/with.dat" 1)" "$(median "$work/without.dat" 1)")
r_restore=$(ratio "$(median "$work/with.dat" 2)" "$(median "$work/without.dat" 2)")
r_total=$(ratio "$(median "$work/with.total" 1)" "$(median "$work/without.total" 1)")
set -- $(stats "$work/paired.dat" 1 1 2)
paired_n=$1 paired_median=$2 paired_p10=$3 paired_p90=$4
verdict=INFO
if [ "$r_total" != - ]; then
	verdict=$(awk -v r="$r_total" -v t="$target" 'BEGIN { print ((r <= t) ? "PASS" : "FAIL") }')
fi
echo
echo "INFO criu dump with mapping / without: $r_dump"
echo "INFO criu restore with mapping / without: $r_restore"
echo "INFO criu dump+restore with / without, per round: median $paired_median, p10 $paired_p10, p90 $paired_p90 ($paired_n rounds)"
echo "$verdict criu dump+restore with mapping / without: $r_total (target <= $target)"
[ $failed -eq 0 ] || echo "FAIL criu round trips: $failed of $((2 * rounds + 2)) failed (see the # round lines)"

jnum() { [ "$1" = - ] && echo null || echo "$1"; }
# jstats FILE COLUMN [DIV]: stats as {"median": .., "p10": .., "p90": ..}.
jstats() {
	set -- $(stats "$@")
	printf '{"median": %s, "p10": %s, "p90": %s}' "$(jnum "$2")" "$(jnum "$3")" "$(jnum "$4")"
}
# case_json KIND: the case's figures as a JSON object.
case_json() {
	printf '{"ok_round_trips": %s' "$(grep -c . "$work/$1.dat")"
	printf ', "dump_ms": %s' "$(jstats "$work/$1.dat" 1)"
	printf ', "restore_ms": %s' "$(jstats "$work/$1.dat" 2)"
	printf ', "dump_restore_ms": %s' "$(jstats "$work/$1.total" 1)"
	printf ', "image_kib": %s' "$(jstats "$work/$1.dat" 3 1 0)"
	printf ', "samples_dump_ms": [%s]' "$(awk '{ printf "%s%.1f", (NR > 1 ? ", " : ""), $1 / 1000 }' "$work/$1.dat")"
	printf ', "samples_restore_ms": [%s]}' "$(awk '{ printf "%s%.1f", (NR > 1 ? ", " : ""), $2 / 1000 }' "$work/$1.dat")"
}
if [ -n "$json" ]; then
	{
		printf '{\n  "available": true, "rounds": %s, "warmup_rounds": 1, "order": "alternating",\n' "$rounds"
		printf '  "workload": "vclock-ticker --interval-us 2000; with: --strategy fault, without: --no-map",\n'
		printf '  "failed_round_trips": %s,\n' "$failed"
		printf '  "with_mapping": %s,\n' "$(case_json with)"
		printf '  "without_mapping": %s,\n' "$(case_json without)"
		printf '  "ratios": {"dump": %s, "restore": %s,\n' "$(jnum "$r_dump")" "$(jnum "$r_restore")"
		printf '    "dump+restore": {"ratio": %s, "verdict": "%s", "target": "<= %s"},\n' \
			"$(jnum "$r_total")" "$verdict" "$target"
		printf '    "dump+restore_per_round": {"rounds": %s, "median": %s, "p10": %s, "p90": %s}}\n}\n' \
			"$paired_n" "$(jnum "$paired_median")" "$(jnum "$paired_p10")" "$(jnum "$paired_p90")"
	} >"$json"
fi
[ $failed -eq 0 ]
