#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The harness itself, in the guest: run-suites fails a suite that leaves a
# process behind using /dev/vclock (regression check for the suite-34 holder
# fixed in b451f9c), names it, and blames no later suite for it; a suite's
# summary line counts skipped cases apart from passed ones.
. /opt/vclock/tests/tap.sh

work=$(mktemp -d)
mkdir -p "$work/suites"
cat >"$work/suites/1-leaks" <<'S'
#!/bin/sh
echo 1..1
echo "ok 1 opens the device in a process it does not wait for"
(exec 3</dev/vclock; exec sleep 60) &
S
cat >"$work/suites/2-clean" <<'S'
#!/bin/sh
echo 1..1
echo "ok 1 nothing left behind"
S
cat >"$work/suites/3-skips" <<'S'
#!/bin/sh
echo 1..2
echo "ok 1 runs"
echo "ok 2 needs what this boot lacks # SKIP not here"
S
chmod +x "$work/suites/"*

SUITES_DIR=$work/suites TAP_DIR=$work/tap run-suites >"$work/out" 2>&1
rc=$?
pids=$(ls -l /proc/[0-9]*/fd 2>/dev/null | awk '
	/^\/proc\/[0-9]+\/fd:$/ { split($0, a, "/"); pid = a[3] }
	/ -> \/dev\/vclock$/ { print pid }')
sed 's/^/# /' "$work/out"

[ $rc -ne 0 ] && ok "run-suites exits non-zero when a suite leaves a user of /dev/vclock ($rc)" ||
	not_ok "run-suites exits non-zero when a suite leaves a user of /dev/vclock ($rc)"
grep -q '^Bail out! 1-leaks left processes using /dev/vclock: [0-9]* (sleep)$' "$work/tap/1-leaks.tap" &&
	ok "the leaking suite gets a bail-out line naming the process" ||
	not_ok "the leaking suite gets a bail-out line naming the process"
! grep -q '^Bail out!' "$work/tap/2-clean.tap" &&
	ok "the next suite is not blamed for it" || not_ok "the next suite is not blamed for it"
grep -q '^# suite 3-skips: exit 0, [0-9]*s, 1 ok, 0 not ok, 1 skipped$' "$work/out" &&
	ok "a skipped case is counted as skipped, not as ok" ||
	not_ok "a skipped case is counted as skipped, not as ok: $(grep '^# suite 3-skips:' "$work/out")"
# vm/init's open_console: a console node that cannot be opened (ENODEV, as
# /dev/hvc0 is for a moment at boot) is retried, then left for the serial
# console; init survives it (a plain failed exec ended it, and the guest).
eval "$(sed -n '/^open_console() {/,/^}/p' /init)"
mknod "$work/nodev" c 229 63 2>/dev/null
got=$( (open_console "$work/nodev" 3; echo "$con") 2>/dev/null)
[ "$got" = /dev/console ] && ok "init's open_console falls back to /dev/console for a node it cannot open" ||
	not_ok "init's open_console for an unopenable node gave '$got'"
got=$( (open_console /dev/null 3; echo "$con $(readlink /proc/self/fd/9)") 2>/dev/null)
[ "$got" = "/dev/null /dev/null" ] && ok "init's open_console opens a node it can open at once, on fd 9" ||
	not_ok "init's open_console /dev/null gave '$got'"
[ -n "$pids" ] && kill $pids 2>/dev/null
sleep 0.3
[ -z "$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep ' -> /dev/vclock$')" ] &&
	ok "the leftover is gone after this suite kills it" ||
	not_ok "the leftover is gone after this suite kills it"
rm -rf "$work"
tap_done
