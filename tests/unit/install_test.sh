#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the real-hardware paths, against the headers of the current
# generation ($VCLOCK_GEN, default 6.1; build only, nothing is loaded):
#   - make install DESTDIR=x and make -C kmod install INSTALL_MOD_PATH=x stage
#     exactly the module, its depmod files and the plugin into x, name the
#     kernel they install for, and leave the host's /lib/modules alone;
#   - make install for a kernel without headers installs nothing;
#   - the README's DKMS steps (dkms.conf at the top of the tree) build the
#     module with 'dkms build -k <ver>', in a private DKMS tree.
# For a generation with its own root (newest), both run in that root, whose
# toolchain its headers need.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
gen=${VCLOCK_GEN:-6.1}
. "$top/build/gen/$gen/env" || { echo "Bail out! generation $gen is not prepared"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The sources as a user would have them, without build products.
src=$tmp/src/vclock-1.0
mkdir -p "$src"
cp -r "$top/dkms.conf" "$top/kmod" "$top/include" "$src/"
rm -f "$src"/kmod/*.o "$src"/kmod/*.ko "$src"/kmod/*.mod* "$src"/kmod/.*.cmd \
	"$src"/kmod/Module.symvers "$src"/kmod/modules.order

if [ -n "$BUILD_ROOT" ]; then
	inner=/vclock-install-test
	rm -rf "${BUILD_ROOT:?}$inner"
	mkdir -p "$BUILD_ROOT$inner"
	cp -r "$tmp/src" "$BUILD_ROOT$inner/"
	run() { unshare --fork --pid --mount --propagation private --mount-proc="$BUILD_ROOT/proc" \
		chroot "$BUILD_ROOT" "$@"; }
	base=$inner outside=$BUILD_ROOT
else
	run() { "$@"; }
	base=$tmp outside=
fi

host_before=$(ls -l --time-style=full-iso "/lib/modules/$KVER/extra" 2>/dev/null)

# modules_install into a staging tree, depmod on that tree only.
out=$(run make -C "$base/src/vclock-1.0/kmod" KVER="$KVER" KDIR="$KDIR" \
	INSTALL_MOD_PATH="$base/stage" install 2>&1)
rc=$?
# The kernel's configuration may compress it (6.12 and later: vclock.ko.xz).
ko_name() { sed -E 's/vclock\.ko\.(xz|zst|gz)/vclock.ko/g'; }
files=$(cd "$outside$base/stage" 2>/dev/null && find . -type f | sort | tr '\n' ' ' | ko_name)
[ $rc -eq 0 ] && echo "$files" | grep -qF "./lib/modules/$KVER/extra/vclock.ko " && echo "$files" | grep -qF "lib/modules/$KVER/modules.dep " &&
	[ "$(echo "$files" | tr ' ' '\n' | grep -vF "./lib/modules/$KVER/" | grep -c .)" -eq 0 ] &&
	ok "make -C kmod install INSTALL_MOD_PATH=x: vclock.ko and depmod's files under x/lib/modules/$KVER only" ||
	{ not_ok "make -C kmod install INSTALL_MOD_PATH=x (exit $rc)"; diag "$files"; diag "$(echo "$out" | tail -n 5)"; }
ko_name <"$outside$base/stage/lib/modules/$KVER/modules.dep" 2>/dev/null | grep -q '^extra/vclock\.ko:' &&
	ok "depmod ran on the staged tree (modules.dep lists extra/vclock.ko)" ||
	not_ok "depmod ran on the staged tree (modules.dep lists extra/vclock.ko)"
echo "$out" | grep -q "installing vclock.ko for linux $KVER" &&
	ok "install says which kernel it installs for ($KVER)" ||
	not_ok "install says which kernel it installs for ($KVER)"

# DESTDIR stages the module and the plugin (the top Makefile's install), in a
# copy of the tracked tree: an install builds in kmod/.
if [ -z "$BUILD_ROOT" ]; then
	mkdir -p "$tmp/tree"
	git -C "$top" ls-files | (cd "$top" && cpio -pdm --quiet "$tmp/tree")
	out=$(make -C "$tmp/tree" --no-print-directory install DESTDIR="$tmp/dest" INSTALL_KVER="$KVER" \
		INSTALL_KDIR="$KDIR" 2>&1)
	rc=$?
	files=$(cd "$tmp/dest" 2>/dev/null && find . -type f | grep -vF "./lib/modules/$KVER/modules." |
		sort | tr '\n' ' ' | ko_name)
	[ $rc -eq 0 ] && [ "$files" = "./lib/modules/$KVER/extra/vclock.ko ./usr/lib/criu/vclock_plugin.so " ] &&
		ok "make install DESTDIR=x: exactly the module and the CRIU plugin under x" ||
		{ not_ok "make install DESTDIR=x (exit $rc): $files"; diag "$(echo "$out" | tail -n 5)"; }
	# A kernel without headers: the install fails before it stages anything.
	out=$(make -C "$tmp/tree" --no-print-directory install DESTDIR="$tmp/nohdr" INSTALL_KVER=0.0-none \
		INSTALL_KDIR="$tmp/no-such-headers" 2>&1)
	rc=$?
	files=$(cd "$tmp/nohdr" 2>/dev/null && find . -type f | tr '\n' ' ')
	[ $rc -ne 0 ] && [ -z "$files" ] && echo "$out" | grep -q "no kernel headers at $tmp/no-such-headers" &&
		ok "make install for a kernel without headers fails and installs nothing (not even the plugin)" ||
		{ not_ok "make install without headers (exit $rc) staged: $files"; diag "$(echo "$out" | tail -n 5)"; }
else
	skip "the host's toolchain cannot build for $KVER; the module half ran in its root above" \
		"make install DESTDIR=x"
fi

[ "$(ls -l --time-style=full-iso "/lib/modules/$KVER/extra" 2>/dev/null)" = "$host_before" ] &&
	ok "the host's /lib/modules/$KVER is untouched" ||
	not_ok "the host's /lib/modules/$KVER is untouched"

# The README's DKMS steps, in a private DKMS tree.
mkdir -p "$outside$base/dkms" "$outside$base/inst"
if run sh -c 'command -v dkms' >/dev/null 2>&1; then
	out=$(run dkms build vclock/1.0 -k "$KVER" --kernelsourcedir "$KDIR" --dkmstree "$base/dkms" \
		--sourcetree "$base/src" --installtree "$base/inst" 2>&1)
	rc=$?
	ko=$(find "$outside$base/dkms/vclock/1.0/$KVER" -name 'vclock.ko*' 2>/dev/null | head -n 1)
	[ $rc -eq 0 ] && [ -n "$ko" ] &&
		ok "dkms build vclock/1.0 -k $KVER builds vclock.ko" ||
		{ not_ok "dkms build vclock/1.0 -k $KVER (exit $rc)"; diag "$(echo "$out" | tail -n 8)"; }
else
	not_ok "dkms is installed (vm/setup-host installs it; a generation root from before needs 'make distclean')"
fi
[ -n "$BUILD_ROOT" ] && rm -rf "${BUILD_ROOT:?}$inner"
tap_done
