#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# libvclock-elf: what binutils say about build/lib/libvclock.so and
# libvclock.a: built like a vDSO (no NEEDED, no undefined symbols, no
# relocations against symbols, both hash styles), exporting exactly the
# x86-64 vDSO names under LINUX_2.6 (the four clocks, __vdso_getcpu and its
# weak alias getcpu) and the vclock_* API under VCLOCK_1, and
# no divide instruction in the clock functions. Installed as build/unit/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tap.sh"
so=$here/../lib/libvclock.so
ar=$here/../lib/libvclock.a

if [ ! -f "$so" ] || ! command -v readelf >/dev/null; then
	not_ok "libvclock.so and readelf present ($so)"
	tap_done
	exit 1
fi

dyn=$(readelf -dW "$so")
needed=$(echo "$dyn" | grep -c '(NEEDED)')
[ "$needed" -eq 0 ] && ok "no NEEDED entries" || { not_ok "no NEEDED entries ($needed)"; diag "$dyn"; }
echo "$dyn" | grep -q 'Library soname: \[libvclock.so\]' && ok "soname libvclock.so" ||
	not_ok "soname libvclock.so"
echo "$dyn" | grep -q '(HASH)' && echo "$dyn" | grep -q '(GNU_HASH)' &&
	ok "both DT_HASH and DT_GNU_HASH (--hash-style=both)" || not_ok "both hash styles"
echo "$dyn" | grep -q 'TEXTREL' && not_ok "no text relocations" || ok "no text relocations"

syms=$(readelf --dyn-syms -W "$so")
undef=$(echo "$syms" | awk '$7 == "UND" && $8 != ""')
[ -z "$undef" ] && ok "no undefined dynamic symbols" ||
	{ not_ok "no undefined dynamic symbols"; diag "$undef"; }

relocs=$(readelf -rW "$so" | awk '/R_X86_64_/ && $3 != "R_X86_64_RELATIVE"')
[ -z "$relocs" ] && ok "no relocations against symbols (only RELATIVE, if any)" ||
	{ not_ok "no relocations against symbols"; diag "$relocs"; }

# Defined GLOBAL functions with their versions, e.g. __vdso_time@@LINUX_2.6
exports=$(echo "$syms" | awk '$4 == "FUNC" && ($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" { print $8 }' | sort)
want=$(printf '%s\n' __vdso_clock_getres@@LINUX_2.6 __vdso_clock_gettime@@LINUX_2.6 \
	__vdso_gettimeofday@@LINUX_2.6 __vdso_time@@LINUX_2.6 __vdso_getcpu@@LINUX_2.6 getcpu@@LINUX_2.6 \
	vclock_clock_getres@@VCLOCK_1 vclock_clock_gettime@@VCLOCK_1 vclock_clock_mode@@VCLOCK_1 \
	vclock_data_page@@VCLOCK_1 vclock_gettimeofday@@VCLOCK_1 vclock_init@@VCLOCK_1 \
	vclock_set_strategy@@VCLOCK_1 vclock_status@@VCLOCK_1 vclock_time@@VCLOCK_1 | sort)
if [ "$exports" = "$want" ]; then
	ok "exports exactly the 6 vDSO names (4 clocks, __vdso_getcpu, getcpu) under LINUX_2.6 and 9 vclock_* names under VCLOCK_1"
else
	not_ok "exports exactly the vDSO names and the vclock_* API"
	diag "$(diff <(echo "$want") <(echo "$exports"))"
fi
others=$(echo "$syms" | awk '$1 ~ /^[0-9]+:$/ && $5 != "LOCAL" && $7 != "UND" && $4 != "FUNC" && !($4 == "OBJECT" && $7 == "ABS")')
[ -z "$others" ] && ok "no exported data (only the version definition symbols)" ||
	{ not_ok "no exported data"; diag "$others"; }
readelf -VW "$so" | grep -q 'Name: LINUX_2.6' && ok "version node LINUX_2.6 defined" ||
	not_ok "version node LINUX_2.6 defined"

for f in __vdso_clock_gettime __vdso_gettimeofday __vdso_time __vdso_clock_getres; do
	a=$(echo "$syms" | awk -v f="$f@@LINUX_2.6" '$8 == f { print $2 }')
	b=$(echo "$syms" | awk -v f="vclock_${f#__vdso_}@@VCLOCK_1" '$8 == f { print $2 }')
	[ -n "$a" ] && [ "$a" = "$b" ] && ok "$f is vclock_${f#__vdso_} (0x$a)" ||
		not_ok "$f is vclock_${f#__vdso_} ($a vs $b)"
done

# getcpu is the kernel's weak alias of __vdso_getcpu (vdso.lds), in the .so only.
a=$(echo "$syms" | awk '$8 == "__vdso_getcpu@@LINUX_2.6" { print $2 }')
b=$(echo "$syms" | awk '$8 == "getcpu@@LINUX_2.6" && $5 == "WEAK" { print $2 }')
[ -n "$a" ] && [ "$a" = "$b" ] && ok "getcpu is a weak alias of __vdso_getcpu (0x$a)" ||
	not_ok "getcpu is a weak alias of __vdso_getcpu ($a vs $b)"
if [ -f "$ar" ]; then
	nm --defined-only "$ar" 2>/dev/null | grep -qE ' [TtWw] getcpu$' &&
		not_ok "libvclock.a does not define getcpu (it would interpose libc's)" ||
		ok "libvclock.a does not define getcpu (it would interpose libc's)"
fi

stack=$(readelf -lW "$so" | awk '$1 == "GNU_STACK" { print $7 }')
[ "$stack" = "RW" ] && ok "non-executable stack" || not_ok "non-executable stack ($stack)"

# No divide on the clock paths (the ns -> s carry is a subtraction loop).
for f in __vdso_clock_gettime __vdso_gettimeofday __vdso_time __vdso_clock_getres __vdso_getcpu; do
	dis=$(objdump -d --no-show-raw-insn "$so" | awk -v f="<$f>:" '$2 == f { p = 1; next } p && /^$/ { p = 0 } p')
	[ -n "$dis" ] || { not_ok "$f disassembled"; continue; }
	divs=$(echo "$dis" | grep -cE '\s(i?div[bwlq]?)\s')
	[ "$divs" -eq 0 ] && ok "$f: no divide instruction" || not_ok "$f: $divs divide instructions"
done

# The archive: PIC objects whose undefined symbols the archive itself defines.
if [ -f "$ar" ]; then
	und=$(nm -u "$ar" 2>/dev/null | awk 'NF == 2 { print $2 }' | sort -u)
	def=$(nm --defined-only "$ar" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
	missing=$(comm -23 <(echo "$und") <(echo "$def") | grep -v '^$')
	[ -z "$missing" ] && ok "libvclock.a needs nothing from outside (no libc)" ||
		{ not_ok "libvclock.a needs nothing from outside"; diag "$missing"; }
	# absolute relocations in code or read-only data (debug sections may have
	# them; so may .data.rel*, the PIC home of an initialised pointer, which
	# the link turns into the RELATIVE relocations the .so checks above allow)
	rel=$(readelf -rW "$ar" 2>/dev/null | awk '/^Relocation section/ { s = $3 }
		s !~ /debug/ && s !~ /^.\.rela\.data\.rel/ && / R_X86_64_(32|32S|64) / { n++ }
		END { print n + 0 }')
	[ "$rel" -eq 0 ] && ok "libvclock.a objects are position-independent" ||
		not_ok "libvclock.a objects are position-independent ($rel absolute relocations)"
else
	not_ok "libvclock.a present"
fi
tap_done
