# vm/lib.sh - shared helpers for the vm/ scripts (sourced, not executed).
# shellcheck shell=bash

VCLOCK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "vclock: $*" >&2; exit 1; }

# The guest kernel: the newest /boot/vmlinuz-* that has matching headers under
# /usr/src/linux-headers-<ver>. KVER= and KDIR= override.
select_kver() {
	local v best=
	if [ -n "${KVER:-}" ]; then echo "$KVER"; return 0; fi
	for v in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V); do
		[ -d "/usr/src/linux-headers-$v" ] && best=$v
	done
	[ -n "$best" ] || return 1
	echo "$best"
}
