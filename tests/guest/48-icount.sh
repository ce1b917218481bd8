#!/bin/sh
# 48-icount: vclock-icount against the real module in the guest. Every
# libvclock call of the HPET mode counts within its budget; in TSC mode too
# where the boot offers it (the TSC boot of make check runs this suite;
# the default boot has no TSC mode and says so). A stepped instruction takes
# about a millisecond under TCG, longer than the module's 4 ms update, so
# the tool holds update_us at 100 ms while it counts: the counts must come out
# (before, every TSC-mode call retried past the step limit) and update_us
# must be back afterwards.
. /opt/vclock/tests/tap.sh
[ -e /dev/vclock ] || { echo "Bail out! /dev/vclock missing — load the module (vm/run --load)"; exit 1; }
upd=/sys/module/vclock/parameters/update_us
param=/sys/module/vclock/parameters/clock_mode
before=$(cat $upd)
if echo tsc >$param 2>/dev/null; then tsc=1; else tsc=0; fi
echo auto >$param

out=$(timeout 600 vclock-icount 2>&1); rc=$?
[ $rc -eq 0 ] && ok "vclock-icount exits 0 (every count within its budget)" || { not_ok "vclock-icount exit $rc"; diag "$out"; }
echo "$out" | grep -q "^the module's update interval held at 100000 us while counting (was $before us)" &&
	ok "it held update_us at 100 ms while counting (was $before)" || { not_ok "it says it held update_us"; diag "$out"; }
[ "$(cat $upd)" = "$before" ] && ok "update_us is back at $before" || not_ok "update_us is $(cat $upd), was $before"
[ "$(cat $param)" = hpet ] || [ "$tsc" = 1 ] && ok "clock_mode is back to auto ($(cat $param))" ||
	not_ok "clock_mode is $(cat $param)"

# counted MODE: the libvclock rows of MODE ("... MODE COUNT BUDGET"; a call
# may contain a blank), each counted and within its budget
counted() {
	_rows=$(echo "$out" | awk -v m="$1" '$1 == "libvclock" && $(NF - 2) == m')
	_n=$(echo "$_rows" | grep -c .)
	_bad=$(echo "$_rows" | awk '$(NF - 1) == "-" || $(NF - 1) > $NF')
	if [ "$_n" -eq 11 ] && [ -z "$_bad" ]; then
		ok "$1 mode: all 11 libvclock calls counted within their budgets"
	else
		not_ok "$1 mode: $_n rows, over budget or not counted:"; diag "$_bad"
	fi
}
counted hpet
if [ "$tsc" = 1 ]; then
	counted tsc
	echo "$out" | awk '$1 == "reference" && $(NF - 1) == "tsc" && $NF != "-"' | grep -q . &&
		ok "tsc mode: the reference reader counted" || { not_ok "tsc mode: the reference reader counted"; diag "$out"; }
else
	skip "this boot offers no TSC mode (the TSC boot runs this suite too)" "tsc mode: all 11 libvclock calls counted"
	skip "this boot offers no TSC mode" "tsc mode: the reference reader counted"
fi
# uid 1000 cannot hold the updates: it says so.
err=$(/opt/vclock/tests/helpers/vclock-as-user 1000 vclock-icount -j 2>&1 >/dev/null | head -n 2)
echo "$err" | grep -q "update interval stays as it is ($upd: Permission denied)" &&
	ok "uid 1000: says the update interval stays as it is" || { not_ok "uid 1000: says the update interval stays"; diag "$err"; }
tap_done
