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
