#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of vm/run: one-threaded TCG by default, exit status, --add, the
# guest kernel, a hung guest killed at its timeout with no qemu left behind
# and its NMI backtrace shown, a guest that panics, and run-suites' time
# limit with its hang report.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
run=$top/vm/run
kver=$("$top/vm/kernel-version")

out=$("$run" -- uname -r 2>&1)
[ "$out" = "$kver" ] && ok "vm/run -- uname -r prints $kver" || { not_ok "vm/run -- uname -r prints $kver"; diag "$out"; }

# One-threaded TCG unless asked: multi-threaded, a vCPU runs stale
# translations of kernel text the other just patched (vm/qemu).
t=$(env -u VCLOCK_TCG_THREAD "$top/vm/qemu" threads) m=$(VCLOCK_TCG_THREAD=multi "$top/vm/qemu" threads)
[ "$t" = single ] && [ "$m" = multi ] &&
	ok "guests run one-threaded TCG by default, multi-threaded when VCLOCK_TCG_THREAD=multi" ||
	not_ok "TCG threading: default '$t' (want single), VCLOCK_TCG_THREAD=multi gives '$m'"

"$run" -- sh -c 'exit 7' >/dev/null 2>&1
rc=$?
[ $rc -eq 7 ] && ok "exit status of the command comes back (7)" || not_ok "exit status of the command comes back (got $rc)"

f=$(mktemp); echo "added $$" >"$f"
out=$("$run" --add "$f:/root/added.txt" -- cat /root/added.txt 2>&1)
[ "$out" = "added $$" ] && ok "--add puts a host file into the guest" || { not_ok "--add puts a host file into the guest"; diag "$out"; }
rm -f "$f"

# --interactive: CMD reads vm/run's standard input (here a pipe, as a
# terminal would type it); without it, CMD's input is empty.
out=$(printf 'echo typed-$((6 * 7))\nexit 3\n' | "$run" --interactive -- sh 2>&1)
rc=$?
[ $rc -eq 3 ] && echo "$out" | grep -q 'typed-42' && ok "--interactive: sh reads the input (typed-42, exit 3)" ||
	{ not_ok "--interactive: sh reads the input (exit $rc)"; diag "$out"; }
out=$(echo 'echo not-read' | "$run" -- sh 2>&1)
rc=$?
[ $rc -eq 0 ] && ! echo "$out" | grep -q 'not-read' && ok "without --interactive the command's input is empty" ||
	{ not_ok "without --interactive the command's input is empty (exit $rc)"; diag "$out"; }

# Its own TMPDIR, so that only this runner's qemu (its work directory is on
# the command line) is looked for, not another guest running on the host.
tmp=$(mktemp -d)
start=$(date +%s)
TMPDIR=$tmp "$run" --timeout 10 -- sleep 100 >/dev/null 2>"$tmp/hung.err"
rc=$? took=$(( $(date +%s) - start ))
[ $rc -eq 124 ] && [ $took -lt 25 ] && ok "a hung guest is killed at its timeout (exit 124 after ${took}s)" ||
	not_ok "a hung guest is killed at its timeout (exit $rc after ${took}s)"
pgrep -f "qemu-system-x86_64.*$tmp/vclock-run" >/dev/null && not_ok "no qemu outlives the runner" ||
	ok "no qemu outlives the runner"
grep -q 'NMI received' "$tmp/hung.err" && grep -q 'Kernel panic - not syncing: NMI' "$tmp/hung.err" &&
	grep -q 'Call Trace' "$tmp/hung.err" &&
	ok "a hung guest gets an NMI first: its panic and backtrace are in vm/run's report" ||
	{ not_ok "a hung guest's NMI backtrace in vm/run's report"; diag "$(cat "$tmp/hung.err")"; }

# A guest that dies: exit 126, and the report shows the panic, not a tail.
"$run" -- sh -c 'echo c >/proc/sysrq-trigger' >/dev/null 2>"$tmp/died.err"
rc=$?
[ $rc -eq 126 ] && grep -q 'without reporting a status' "$tmp/died.err" &&
	grep -q 'Kernel panic - not syncing' "$tmp/died.err" && grep -q 'sysrq' "$tmp/died.err" &&
	ok "a guest that panics: exit 126, its panic lines in vm/run's report" ||
	{ not_ok "a guest that panics: exit $rc, report"; diag "$(cat "$tmp/died.err")"; }

# run-suites' time limit: a suite that hangs is reported and killed, the
# next one runs.
mkdir -p "$tmp/suites" "$tmp/out"
printf '#!/bin/sh\necho "TAP version 13"\nsleep 1000 &\nwait\n' >"$tmp/suites/01-hang"
printf '#!/bin/sh\necho "TAP version 13"\necho "ok 1 after"\necho "1..1"\n' >"$tmp/suites/02-after"
chmod +x "$tmp/suites/"*
"$run" --add "$tmp/suites:/root/suites" --out "$tmp/out" -- \
	env SUITES_DIR=/root/suites SUITE_TIMEOUT=5 run-suites >/dev/null 2>&1
hang=$tmp/out/tap/01-hang.tap
grep -q '^Bail out! 01-hang: still running after 5s, killed' "$hang" &&
	grep -q '^# process [0-9]* (sleep): S (sleeping)' "$hang" && grep -q '^#  *.*nanosleep' "$hang" &&
	grep -qi 'show blocked state' "$hang" && grep -qi 'backtrace of all active CPUs' "$hang" &&
	ok "run-suites: a hung suite is killed with its processes' kernel stacks, blocked tasks, CPU backtraces" ||
	{ not_ok "run-suites: a hung suite's report"; diag "$(cat "$hang" 2>&1)"; }
grep -q '^ok 1 after' "$tmp/out/tap/02-after.tap" 2>/dev/null && ok "run-suites: the next suite runs" ||
	not_ok "run-suites: the next suite runs"
rm -rf "$tmp"
tap_done
