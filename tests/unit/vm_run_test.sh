#!/usr/bin/env bash
# Host test of vm/run: exit status, --add, the guest kernel, and a hung guest
# killed at its timeout with no qemu left behind.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
run=$top/vm/run
kver=$("$top/vm/kernel-version")

out=$("$run" -- uname -r 2>&1)
[ "$out" = "$kver" ] && ok "vm/run -- uname -r prints $kver" || { not_ok "vm/run -- uname -r prints $kver"; diag "$out"; }

"$run" -- sh -c 'exit 7' >/dev/null 2>&1
rc=$?
[ $rc -eq 7 ] && ok "exit status of the command comes back (7)" || not_ok "exit status of the command comes back (got $rc)"

f=$(mktemp); echo "added $$" >"$f"
out=$("$run" --add "$f:/root/added.txt" -- cat /root/added.txt 2>&1)
[ "$out" = "added $$" ] && ok "--add puts a host file into the guest" || { not_ok "--add puts a host file into the guest"; diag "$out"; }
rm -f "$f"

# Its own TMPDIR, so that only this runner's qemu (its work directory is on
# the command line) is looked for, not another guest running on the host.
tmp=$(mktemp -d)
start=$(date +%s)
TMPDIR=$tmp "$run" --timeout 10 -- sleep 100 >/dev/null 2>&1
rc=$? took=$(( $(date +%s) - start ))
[ $rc -eq 124 ] && [ $took -lt 25 ] && ok "a hung guest is killed at its timeout (exit 124 after ${took}s)" ||
	not_ok "a hung guest is killed at its timeout (exit $rc after ${took}s)"
pgrep -f "qemu-system-x86_64.*$tmp/vclock-run" >/dev/null && not_ok "no qemu outlives the runner" ||
	ok "no qemu outlives the runner"
rm -rf "$tmp"
tap_done
