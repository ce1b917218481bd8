#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the tree generation (vm/gen, KTREE=DIR) on fake kernel trees:
# the errors it must give before anything boots (no KTREE, no bzImage,
# another architecture, options of vm/kconfig/required missing, each named),
# and, on a fake tree whose Makefile answers kernelrelease and
# modules_install, the env it writes (KVER, provenance with git describe),
# its caching and its re-preparing when the bzImage changes. Nothing boots;
# build/gen is not touched (VCLOCK_GEN_BASE).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
gen=$top/vm/gen
required=$top/vm/kconfig/required
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VCLOCK_GEN_BASE=$tmp/gen

# A fake x86_64 tree: .config with every required option (the modular ones
# as =m, which is enough), a bzImage, a Makefile for kernelrelease and
# modules_install.
fake_tree() { # DIR
	mkdir -p "$1/arch/x86/boot"
	{
		echo "# Linux/x86 6.99.0 Kernel Configuration"
		echo "CONFIG_X86_64=y"
		grep '^CONFIG_' "$required" | sed 's/^\(CONFIG_[A-Z_]*DIAG\)=y$/\1=m/; s/^CONFIG_TUN=y$/CONFIG_TUN=m/'
	} >"$1/.config"
	echo "fake bzImage" >"$1/arch/x86/boot/bzImage"
	printf 'kernelrelease:\n\t@echo 6.99.0-fake\nmodules_install:\n\t@mkdir -p $(INSTALL_MOD_PATH)/lib/modules/6.99.0-fake/kernel\n\t@touch $(INSTALL_MOD_PATH)/lib/modules/6.99.0-fake/modules.dep\n' >"$1/Makefile"
	echo "kernel/fake.ko" >"$1/modules.order"
}

# expect_error NAME PATTERN CMD...: CMD fails and its stderr matches PATTERN.
expect_error() {
	local name=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -qE -- "$pat"; then ok "$name"
	else not_ok "$name (exit $rc)"; diag "$out"; fi
}

expect_error "no KTREE: says the generation needs KTREE=DIR" 'generation tree needs KTREE=DIR' \
	env -u KTREE "$gen" prepare tree
expect_error "KTREE that does not exist" "KTREE=$tmp/nowhere: no such directory" \
	env KTREE="$tmp/nowhere" "$gen" prepare tree

fake_tree "$tmp/nobz"
rm "$tmp/nobz/arch/x86/boot/bzImage"
expect_error "a tree without bzImage is refused" "has no arch/x86/boot/bzImage" \
	env KTREE="$tmp/nobz" "$gen" prepare tree

mkdir -p "$tmp/arm64/arch/arm64/boot"
printf '# Linux/arm64 6.12.0 Kernel Configuration\nCONFIG_ARM64=y\nCONFIG_64BIT=y\n' >"$tmp/arm64/.config"
: >"$tmp/arm64/arch/arm64/boot/Image"
expect_error "an arm64 tree: another architecture, named" 'built for another architecture: arm64 .*not x86_64' \
	env KTREE="$tmp/arm64" "$gen" prepare tree

fake_tree "$tmp/x86_32"
sed -i '/^CONFIG_X86_64=y$/d; /^CONFIG_64BIT=y$/d' "$tmp/x86_32/.config"
echo "CONFIG_X86_32=y" >>"$tmp/x86_32/.config"
expect_error "a 32-bit x86 tree (it has a bzImage): another architecture" \
	'another architecture: 32-bit x86 \(CONFIG_X86_64 is not set\)' env KTREE="$tmp/x86_32" "$gen" prepare tree

fake_tree "$tmp/few"
sed -i '/^CONFIG_TIME_NS=/d; s/^CONFIG_NF_TABLES=.*/# CONFIG_NF_TABLES is not set/' "$tmp/few/.config"
expect_error "missing options are listed by name" \
	'lacks 2 option\(s\) the suites need: CONFIG_TIME_NS CONFIG_NF_TABLES \(the list: vm/kconfig/required\)' \
	env KTREE="$tmp/few" "$gen" prepare tree
[ ! -e "$tmp/gen/tree/env" ] && ok "no env is written for a refused tree" || not_ok "no env is written for a refused tree"

# A tree that passes: a git tree, so provenance has git describe --dirty.
fake_tree "$tmp/good"
git -C "$tmp/good" init -q && git -C "$tmp/good" add -A &&
	git -C "$tmp/good" -c user.name=t -c user.email=t@t commit -qm fake && git -C "$tmp/good" -c user.name=t -c user.email=t@t tag -a -m v6.99-fake v6.99-fake
out=$(KTREE=$tmp/good "$gen" prepare tree 2>&1)
rc=$?
envf=$tmp/gen/tree/env
if [ $rc -eq 0 ] && [ -f "$envf" ]; then ok "a complete tree is prepared"
else not_ok "a complete tree is prepared (exit $rc)"; diag "$out"; fi
v() { (set +u; . "$envf"; eval "echo \"\${$1:-}\""); }
[ "$(v KVER)" = 6.99.0-fake ] && ok "KVER is the tree's kernelrelease" || not_ok "KVER is the tree's kernelrelease ($(v KVER))"
[ "$(v KDIR)" = "$tmp/good" ] && [ "$(v GEN)" = tree ] && ok "the module builds against the tree (KDIR=DIR)" ||
	not_ok "KDIR=$(v KDIR) GEN=$(v GEN)"
cmp -s "$(v KERNEL)" "$tmp/good/arch/x86/boot/bzImage" && ok "KERNEL is the tree's bzImage" || not_ok "KERNEL is the tree's bzImage"
[ -d "$tmp/gen/tree/root/lib/modules/6.99.0-fake" ] && [ "$(v MODROOT)" = "$tmp/gen/tree/root" ] &&
	ok "modules_install staged the modules under build/gen/tree/root" || not_ok "modules staged ($(v MODROOT))"
case $(v PROVENANCE) in
*"git v6.99-fake"*) ok "provenance has git describe: $(v PROVENANCE)" ;;
*) not_ok "provenance has git describe ($(v PROVENANCE))" ;;
esac
echo "changed" >>"$tmp/good/.config"
case $(KTREE=$tmp/good "$gen" prepare tree 2>&1; v PROVENANCE) in
*"git v6.99-fake-dirty"*) ok "git describe --dirty: a changed tree is dirty" ;;
*) not_ok "git describe --dirty ($(v PROVENANCE))" ;;
esac
[ "$("$gen" label tree)" = "tree (6.99.0-fake)" ] && ok "the generation is shown with its kernel release" ||
	not_ok "label: $("$gen" label tree)"

out=$(KTREE=$tmp/good "$gen" prepare tree 2>&1)
[ -z "$out" ] && ok "prepared again with nothing changed: cached, silent" || { not_ok "cached"; diag "$out"; }
out=$(env -u KTREE "$gen" prepare tree 2>&1)
[ $? -eq 0 ] && [ -z "$out" ] && ok "without KTREE, the prepared tree is kept" || { not_ok "without KTREE"; diag "$out"; }
KTREE=$tmp/good "$gen" fresh tree >/dev/null 2>&1 && ok "vm/gen fresh: same tree" || not_ok "vm/gen fresh: same tree"

sleep 1.1
echo "rebuilt bzImage" >"$tmp/good/arch/x86/boot/bzImage"
expect_error "vm/gen fresh (what vm/run asks): a rebuilt bzImage needs make again" \
	"KTREE=$tmp/good \(or its bzImage\) differs: run 'make GEN=tree KTREE=" env KTREE="$tmp/good" "$gen" fresh tree
out=$(KTREE=$tmp/good "$gen" prepare tree 2>&1)
grep -q 'linux 6.99.0-fake from' <<<"$out" && cmp -s "$(v KERNEL)" "$tmp/good/arch/x86/boot/bzImage" &&
	ok "a rebuilt bzImage: the env is prepared again, with the new image" || { not_ok "re-prepared on a new bzImage"; diag "$out"; }

fake_tree "$tmp/other"
expect_error "vm/gen fresh: another KTREE than the prepared one" "prepared from $tmp/good" \
	env KTREE="$tmp/other" "$gen" fresh tree
out=$(KTREE=$tmp/other "$gen" prepare tree 2>&1)
[ "$(v TREE_DIR)" = "$tmp/other" ] && grep -q 'not a git tree' <<<"$(v PROVENANCE)" &&
	ok "another KTREE: prepared again from it (not a git tree)" || { not_ok "another KTREE"; diag "$out"; }

# The list of generations CI runs does not change; tree and src are opt-in.
[ "$("$gen" list)" = "6.1 6.12 newest" ] && ok "vm/gen list stays 6.1 6.12 newest" || not_ok "vm/gen list: $("$gen" list)"
case " $("$gen" known) " in *" tree src patched debug "*) ok "vm/gen known has tree, src, patched and debug" ;; *) not_ok "vm/gen known" ;; esac
tap_done
