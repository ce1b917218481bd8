#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check_generations_test: how tests/check-generations shares the machine
# (JOBS). Its plan (CHECK_PLAN=1: jobs and each slot's CPUs, nothing built
# or booted) under fixed CPU sets: serial on 2 CPUs unless JOBS says more,
# at most one job per generation, slots that share no CPU; a bad JOBS is a
# usage error. Boots nothing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
cg=$top/tests/check-generations

# plan CPUS [ENV=VAL ...]: the plan under taskset -c CPUS
plan() {
	local cpus=$1
	shift
	env CHECK_PLAN=1 "$@" taskset -c "$cpus" "$cg" 2>&1
}

if [ "$(nproc)" -lt 2 ]; then
	skip "this machine has $(nproc) CPU" "the plan needs 2 CPUs to pin to"
	tap_done
	exit 0
fi

out=$(plan 0,1 GENS="6.1 6.12 newest")
[ "$(echo "$out" | head -n 1)" = "jobs 1, 2 CPUs each" ] &&
	ok "2 CPUs, no JOBS: one generation at a time, with both CPUs" ||
	not_ok "2 CPUs, no JOBS: '$out'"

out=$(plan 0,1 GENS="6.1 6.12 newest" JOBS=2)
if [ "$(echo "$out" | head -n 1)" = "jobs 2, 1 CPUs each" ] &&
   [ "$(echo "$out" | sed -n 's/^slot 0: CPUs //p')" = 0 ] &&
   [ "$(echo "$out" | sed -n 's/^slot 1: CPUs //p')" = 1 ]; then
	ok "JOBS=2 on CPUs 0,1: two slots, CPU 0 and CPU 1"
else
	not_ok "JOBS=2 on CPUs 0,1: '$out'"
fi

out=$(plan 0,1 GENS="6.1 6.12" JOBS=9)
echo "$out" | head -n 1 | grep -qx "jobs 2, 1 CPUs each" &&
	ok "JOBS=9 with two generations: two jobs" || not_ok "JOBS=9, two generations: '$out'"

out=$(plan 1 GENS="6.1 6.12" JOBS=2)
echo "$out" | head -n 1 | grep -qx "jobs 1, 1 CPUs each" && echo "$out" | grep -qx "slot 0: CPUs 1" &&
	ok "JOBS=2 on one CPU: one job, on that CPU" || not_ok "JOBS=2 on CPU 1 only: '$out'"

for bad in 0 abc -1; do
	err=$(JOBS=$bad "$cg" 2>&1); rc=$?
	[ $rc -eq 2 ] && echo "$err" | grep -q "JOBS=$bad: not a positive number" &&
		ok "JOBS=$bad: exit 2, '$err'" || not_ok "JOBS=$bad: exit $rc, '$err'"
done
tap_done
