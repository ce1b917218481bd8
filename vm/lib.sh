# SPDX-License-Identifier: GPL-2.0
# vm/lib.sh - shared helpers for the vm/ scripts (sourced, not executed).
# shellcheck shell=bash

VCLOCK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "vclock: $*" >&2; exit 1; }

# The default (6.1) guest kernel: the one Debian 12's linux-image-amd64
# metapackage depends on, with its headers under /usr/src/linux-headers-<ver>;
# another kernel installed next to it (6.12, say) never takes its place.
# KVER= overrides.
select_kver() {
	local v
	if [ -n "${KVER:-}" ]; then echo "$KVER"; return 0; fi
	v=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		grep -o 'linux-image-[^ ,]*' | head -n 1 | sed 's/^linux-image-//; s/-unsigned$//')
	[ -n "$v" ] && [ -f "/boot/vmlinuz-$v" ] && [ -d "/usr/src/linux-headers-$v" ] || return 1
	echo "$v"
}

# The Debian mirror the machine's apt configuration names (deb822 or
# one-line format): the first source of Debian's main archive.
debian_mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$u" ] && { echo "$u"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i; exit } else break } }' "$f")
		[ -n "$u" ] && { echo "$u"; return 0; }
	done
	return 1
}

# The console lines that say why a guest died or hung: from the first
# oops, panic, lockup or stall report on (60 lines), else the last 40.
console_report() { # CONSOLELOG
	local first
	first=$(grep -n -m 1 -E 'Oops|BUG:|Kernel panic|soft lockup|hung_task|blocked for more than|rcu.*stall|WARNING:|NMI received' "$1" | cut -d: -f1)
	if [ -n "$first" ]; then sed -n "$first,$((first + 59))p" "$1"
	else tail -n 40 "$1"; fi
}
