#!/usr/bin/env bash
# readme_commands_test: every command in the code blocks of README.md and
# criu-tests/README.md and criu-plugin/README.md, checked against the tree on the host:
#   make [TARGET]... [VAR=...]   each target is a rule of the Makefiles and
#                                 named by 'make help'; each VAR is one the
#                                 Makefiles or vm/ scripts use
#   vm/run OPTS -- CMD            each option is one 'vm/run --help' lists;
#                                 a program CMD names that the guest has
#                                 (/opt/vclock/bin: build/guest/bin) exists
#   sudo ..., dkms ...            the real-hardware steps: install_test runs
#                                 them (staged); here their files must exist
# and the two that can run on the host without a guest or root changes run:
# 'make help' and 'vm/run --help'. The guest-side commands are run by the
# suites themselves (make check).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tap.sh"
cd "$top" || exit 1

# The command lines of the code blocks (a line whose first word is make,
# vm/run or sudo), without trailing comments.
commands() {
	awk '/^```/ { f = !f; next } f' "$@" | sed 's/[[:space:]]#.*$//' |
		sed 's/[[:space:]]*$//' | grep -E '^(make|vm/run|sudo)( |$)'
}

help=$(make --no-print-directory help 2>&1); rc=$?
[ $rc -eq 0 ] && ok "make help runs" || { not_ok "make help (exit $rc)"; diag "$help"; }
vmhelp=$(vm/run --help 2>&1); rc=$?
[ $rc -eq 0 ] && ok "vm/run --help runs" || { not_ok "vm/run --help (exit $rc)"; diag "$vmhelp"; }
targets=$(cat Makefile $(find . -path ./build -prune -o -name "*.mk" -print) 2>/dev/null | sed -n 's/^\([a-z][a-z0-9-]*\)\( [a-z][a-z0-9 -]*\)*:.*/\1\2/p' | tr ' ' '\n')
targets="$targets $(sed -n 's/^\.PHONY:\(.*\)/\1/p' Makefile)"

# check_line LINE: 0 if the command fits the tree; why not on stdout.
check_line() {
	local line=$1 bad= w v o prog
	set -f
	# shellcheck disable=SC2086
	set -- $line
	set +f
	case $1 in
	make)
		shift
		for w in "$@"; do
			case $w in
			-C) ;;
			kmod) [ -f kmod/Makefile ] || bad="$bad kmod/Makefile" ;;
			*=*) v=${w%%=*}
			     grep -qw -- "$v" Makefile kmod/Makefile vm/* 2>/dev/null || bad="$bad $v (unused variable)" ;;
			-*) bad="$bad $w (option)" ;;
			*) echo "$targets" | grep -qx -- "$w" || bad="$bad $w (no such target)"
			   echo "$help" | grep -qE "make $w( |$)" || bad="$bad $w (not in make help)" ;;
			esac
		done ;;
	vm/run)
		shift
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			case $1 in
			--*) o=${1%%=*}
			     echo "$vmhelp" | grep -qE -- "^  $o( |\\[|$)" || bad="$bad $o (no such option)" ;;
			esac
			shift
		done
		[ "${1:-}" = -- ] && shift
		prog=${1:-}
		case $prog in
		''|/*|sh) ;;
		*) [ -e "build/guest/bin/$prog" ] || command -v "$prog" >/dev/null ||
			bad="$bad $prog (no such program)" ;;
		esac ;;
	sudo)
		shift
		case $1 in
		make) grep -q '^install:' Makefile || bad="$bad (no install target)" ;;
		mkdir|cp) grep -q 'PACKAGE_VERSION="1.0"' dkms.conf && echo "$line" | grep -q 'vclock-1.0' ||
			bad="$bad (not dkms.conf's name and version)" ;;
		dkms) grep -q 'dkms build' tests/unit/install_test.sh || bad="$bad (install_test does not run it)" ;;
		*) bad="$bad (a sudo command this test does not know)" ;;
		esac ;;
	*) bad="$bad (not a command this test knows)" ;;
	esac
	echo "$bad"
	[ -z "$bad" ]
}

# The checker itself must fail on wrong commands.
for wrong in 'make no-such-target' 'make check NO_SUCH_VARIABLE=1' 'vm/run --no-such-option -- uname -r' \
	     'vm/run --load -- no-such-program' 'sudo rm -rf /'; do
	check_line "$wrong" >/dev/null && not_ok "a wrong command is caught: '$wrong'" ||
		ok "a wrong command is caught: '$wrong'"
done

n=0
while IFS= read -r line; do
	n=$((n + 1))
	why=$(check_line "$line") && ok "README: '$line'" || not_ok "README: '$line':$why"
done < <(commands README.md criu-tests/README.md criu-plugin/README.md)
[ $n -ge 15 ] && ok "found $n commands in the READMEs' code blocks" || not_ok "found only $n commands"
tap_done
