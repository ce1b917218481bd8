#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test: the kernel's own scripts/checkpatch.pl --strict on every file of
# kmod/ (fetched by vm/kernel-source from Debian's linux-source package). Two
# kinds of report are expected and allowed, nothing else:
#   - vclock_compat.h comparing LINUX_VERSION_CODE: that is its job, and
#     the one place the module does it;
#   - vclock_trace.h's TRACE_EVENT() layout (TP_PROTO( ... on lines of their
#     own, aligned as the kernel's include/trace/events/ headers are).
# The project's kernel patches (kernel-patches/*.patch) as patches, with
# --strict and nothing allowed but the missing Signed-off-by (the project
# signs no one's name). A file is one case; its reports are printed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
cp=$top/build/kernel-source/linux/scripts/checkpatch.pl
[ -f "$cp" ] || { echo "Bail out! no checkpatch.pl: run vm/kernel-source $top/build/kernel-source"; exit 1; }

diag "checkpatch from $(cat "$top/build/kernel-source/package")"

# verdict NAME REPORTS: one case, its reports printed when there are any
verdict() {
	local out
	out=$(echo "$2" | sed '/^$/d')
	if [ -z "$out" ]; then
		ok "$1: checkpatch --strict clean"
	else
		diag "$out"
		not_ok "$1: checkpatch --strict clean ($(echo "$out" | wc -l) reports)"
	fi
}

for f in "$top"/kmod/*.c "$top"/kmod/*.h; do
	name=kmod/${f##*/}
	# kbuild's own output of an in-tree 'make -C kmod', not the project's
	case $name in *.mod.c) continue ;; esac
	out=$(cd "$top" && perl "$cp" --strict --no-tree --terse --show-types -f "$name" 2>&1 |
		grep -v '^total:')
	case $name in
	kmod/vclock_compat.h)
		out=$(echo "$out" | grep -v -e 'LINUX_VERSION_CODE' -e 'CONSTANT_COMPARISON') ;;
	kmod/vclock_trace.h)
		out=$(echo "$out" | grep -v -e 'OPEN_ENDED_LINE' -e 'PARENTHESIS_ALIGNMENT') ;;
	esac
	verdict "$name" "$out"
done
for f in "$top"/kernel-patches/*.patch; do
	[ -f "$f" ] || continue
	name=kernel-patches/${f##*/}
	# Run outside the git tree: run inside it, checkpatch reported
	# TRAILING_WHITESPACE on every blank context line of the tracked patch,
	# which the same file anywhere else passes.
	verdict "$name" "$(cd / && perl "$cp" --strict --no-tree --no-signoff --terse --show-types \
		"$f" 2>&1 | grep -v '^total:' | sed "s|^$f|$name|")"
done
tap_done
