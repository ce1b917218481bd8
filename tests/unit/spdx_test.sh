#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# spdx_test: every source file of the tree (C, headers, shell, Python, the
# Makefiles and make fragments, Kbuild, linker version scripts, dkms.conf)
# says its licence in an SPDX-License-Identifier line among its first two
# lines (after a #! line), as the kernel's files do; LICENSE is there.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
cd "$top" || exit 1

# The tree's files: git's list in a checkout, else every file but build/.
files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard
	else
		find . -path ./build -prune -o -path ./.git -prune -o -path ./out -prune -o -type f -print |
			sed 's|^\./||'
	fi
}

# is_source FILE: a file that must carry the line.
is_source() {
	case $1 in
	build/*|out/*) return 1 ;;
	*.c|*.h|*.sh|*.py|*.mk|*.map|Makefile|*/Makefile|Kbuild|*/Kbuild|dkms.conf) return 0 ;;
	esac
	[ -f "$1" ] && [ "$(head -c 2 "$1")" = '#!' ]
}

[ -f LICENSE ] && grep -q "GNU GENERAL PUBLIC LICENSE" LICENSE && grep -q "Version 2, June 1991" LICENSE &&
	ok "LICENSE holds the GPL version 2" || not_ok "LICENSE holds the GPL version 2"

n=0
missing=
while IFS= read -r f; do
	[ -f "$f" ] && is_source "$f" || continue
	n=$((n + 1))
	head -n 2 "$f" | grep -qE 'SPDX-License-Identifier: (GPL-2\.0|GPL-2\.0 WITH Linux-syscall-note)( \*/)?$' ||
		missing="$missing $f"
done < <(files)
[ $n -ge 150 ] && ok "$n source files found" || not_ok "only $n source files found"
[ -z "$missing" ] && ok "every source file has an SPDX-License-Identifier line" ||
	{ not_ok "source files without an SPDX-License-Identifier line in their first two lines"; diag "$missing"; }

# The check itself catches a file without the line.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\necho hello\n' >"$tmp/x.sh"
head -n 2 "$tmp/x.sh" | grep -q 'SPDX-License-Identifier' && not_ok "a file without the line is caught" ||
	ok "a file without the line is caught"
tap_done
