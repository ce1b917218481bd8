#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vclock-report-criu: CRIU's outcome for a reader of each strategy the module
# offers, as "fact<TAB>value" lines for vm/report (make report): the dump's
# and the restore's exit status and the vclock VMAs before and after.
. /opt/vclock/tests/tap.sh >/dev/null	# its functions; not its TAP header
. /opt/vclock/tests/lib/vclock-module.sh
. /opt/vclock/tests/lib/criu-lib.sh
cr_require >&2 || exit 1
ver=$(criu --version | awk '/^Version:/ { print $2 }')
printf 'criu version\t%s\n' "$ver"
for s in fault remap split mixed; do
	if ! vclock_offered $s; then
		printf 'criu %s\tnot offered\n' $s
		continue
	fi
	cr_prepare report-$s
	if ! cr_start vclock-cr-raw --ready "$CR_READY" --strategy $s --touch all >&2; then
		printf 'criu %s\treader did not start\n' $s
		continue
	fi
	before=$(cr_vma_count "$CR_PID")
	cr_dump
	drc=$?
	[ $drc -eq 0 ] || kill -9 "$CR_PID" 2>/dev/null
	cr_reap
	rrc=-
	after=-
	if [ $drc -eq 0 ]; then
		cr_restore
		rrc=$?
		after=$(cr_vma_count "$CR_PID")
		kill -9 "$CR_PID" 2>/dev/null
		cr_reap
	fi
	printf 'criu %s\tdump %s, restore %s, VMAs %s -> %s\n' $s $drc $rrc "$before" "$after"
done
