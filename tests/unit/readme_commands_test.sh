#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# readme_commands_test: every command shown in README.md, doc/*.md,
# criu-tests/README.md and criu-plugin/README.md is checked or run.
#
# Commands are the lines of code blocks fenced with ```sh (one command a
# line; a trailing "# ..." is a comment). A line of another code block that
# starts like a command (make, vm/, sudo, gcc) fails: mark its block ```sh.
#   make [TARGET]... [VAR=...]   checked: each target is a rule of the
#                                 Makefiles and named by 'make help'; each
#                                 VAR is one the Makefiles, vm/ scripts or
#                                 tests/check* (make passes it on) use
#   gcc ...                       run on the host, in the top directory
#   vm/run OPTS -- CMD            checked (each option one 'vm/run --help'
#                                 lists, CMD a program the guest has), then
#                                 run: it boots the guest, and fails if CMD
#                                 fails; one --gen not built is skipped;
#                                 README_TEST_GUEST=0 skips every boot
#   vm/SCRIPT ...                 checked: an executable script of vm/
#   sudo ..., dkms ...            the real-hardware steps: install_test runs
#                                 them (staged); here their files must exist
# and 'make help' and 'vm/run --help' run. Whoever runs this test holds the
# guest (make check does; by hand: flock /work/guest.lock ...).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tap.sh"
cd "$top" || exit 1
docs="README.md $(ls doc/*.md 2>/dev/null | tr '\n' ' ') criu-tests/README.md criu-plugin/README.md"

# The lines of the ```sh blocks of FILE..., as "FILE<TAB>LINE", without
# comments; with 'other', the lines of the other blocks instead.
blocks() {
	local which=$1
	shift
	awk -v which="$which" '
		/^```/ { if (!f) { f = 1; sh = ($0 ~ /^```sh[[:space:]]*$/) } else f = 0; next }
		f && ((which == "sh") == sh) && $0 !~ /^[[:space:]]*(#.*)?$/ { print FILENAME "\t" $0 }' "$@" |
		sed -e 's/[[:space:]]#.*$//' -e 's/[[:space:]]*$//'
}

help=$(make --no-print-directory help 2>&1); rc=$?
[ $rc -eq 0 ] && ok "make help runs" || { not_ok "make help (exit $rc)"; diag "$help"; }
vmhelp=$(vm/run --help 2>&1); rc=$?
[ $rc -eq 0 ] && ok "vm/run --help runs" || { not_ok "vm/run --help (exit $rc)"; diag "$vmhelp"; }
targets=$(cat Makefile $(find . -path ./build -prune -o -name "*.mk" -print) 2>/dev/null | sed -n 's/^\([a-z][a-z0-9-]*\)\( [a-z][a-z0-9 -]*\)*:.*/\1\2/p' | tr ' ' '\n')
targets="$targets $(sed -n 's/^\.PHONY:\(.*\)/\1/p' Makefile)"

# words LINE: its words, one a line, with the shell's quoting (no expansion).
words() { printf '%s\n' "$1" | xargs -n 1 printf '%s\n' 2>/dev/null; }

# check_line LINE: 0 if the command fits the tree; why not on stdout.
check_line() {
	local line=$1 bad= w v o prog
	local -a a
	mapfile -t a < <(words "$line")
	set -- "${a[@]}"
	[ $# -gt 0 ] || { echo " (unbalanced quotes)"; return 1; }
	case $1 in
	make)
		shift
		for w in "$@"; do
			case $w in
			-C) ;;
			kmod) [ -f kmod/Makefile ] || bad="$bad kmod/Makefile" ;;
			*=*) v=${w%%=*}
			     grep -qw -- "$v" Makefile kmod/Makefile vm/* tests/check tests/check-generations 2>/dev/null || bad="$bad $v (unused variable)" ;;
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
		[ "$prog" = env ] && { shift; while [ "${1:-}" != "${1#*=}" ]; do shift; done; prog=${1:-}; }
		case $prog in
		'') bad="$bad (no command)" ;;
		/root/*) echo "$line" | grep -q -- "--add [^ ]*/${prog#/root/}\\b" || bad="$bad $prog (not --add-ed)" ;;
		/opt/vclock/*) [ -e "build/guest/${prog#/opt/vclock/}" ] || bad="$bad $prog (not in the guest)" ;;
		/*|sh) ;;
		*) [ -e "build/guest/bin/$prog" ] || command -v "$prog" >/dev/null ||
			bad="$bad $prog (no such program)" ;;
		esac ;;
	vm/*) [ -x "$1" ] || bad="$bad $1 (no such script)" ;;
	gcc) ;;
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

# run_line FILE LINE: run what can run here (gcc on the host, vm/run in the
# guest); TAP for it.
run_line() {
	local f=$1 line=$2 out rc gen
	case $line in
	gcc\ *)
		out=$(bash -c "$line" 2>&1 </dev/null); rc=$?
		[ $rc -eq 0 ] && ok "$f: runs: '$line'" || { not_ok "$f: runs: '$line' (exit $rc)"; diag "$out"; } ;;
	vm/run\ *)
		if [ "${README_TEST_GUEST:-1}" = 0 ]; then
			skip "README_TEST_GUEST=0" "$f: runs: '$line'"
			return
		fi
		gen=$(echo "$line" | sed -n 's/.*--gen[ =]\([^ ]*\).*/\1/p')
		if [ -n "$gen" ] && [ ! -f "build/gen/$gen/initramfs.cpio.gz" ]; then
			skip "generation $gen is not built (make GEN=$gen)" "$f: runs: '$line'"
			return
		fi
		# an --interactive shell reads 'exit' (the guest never sees an EOF)
		out=$(printf 'exit\n' | bash -c "$line" 2>&1); rc=$?
		[ $rc -eq 0 ] && ok "$f: runs in the guest: '$line'" ||
			{ not_ok "$f: runs in the guest: '$line' (exit $rc)"; diag "$(echo "$out" | tail -n 20)"; } ;;
	esac
}

# The checker itself must fail on wrong commands.
for wrong in 'make no-such-target' 'make check NO_SUCH_VARIABLE=1' 'vm/run --no-such-option -- uname -r' \
	     'vm/run --load -- no-such-program' 'vm/run --load -- /root/not-added' 'sudo rm -rf /' \
	     'vm/no-such-script' 'ls -l'; do
	check_line "$wrong" >/dev/null && not_ok "a wrong command is caught: '$wrong'" ||
		ok "a wrong command is caught: '$wrong'"
done
check_line 'make bench GENS="6.1 6.12 newest"' >/dev/null && ok "quoted words stay one word" ||
	not_ok "quoted words stay one word"

# shellcheck disable=SC2086
others=$(blocks other $docs | grep -E $'\t((make|sudo|gcc)( |$)|vm/[a-z])')
[ -z "$others" ] && ok "no command outside a \`\`\`sh block" ||
	{ not_ok "commands outside a \`\`\`sh block (mark the block sh)"; diag "$others"; }

n=0
declare -A seen
while IFS=$'\t' read -r f line; do
	n=$((n + 1))
	if ! why=$(check_line "$line"); then
		not_ok "$f: '$line':$why"
		continue
	fi
	ok "$f: '$line'"
	[ -n "${seen[$line]:-}" ] && continue
	seen[$line]=1
	run_line "$f" "$line"
done < <(blocks sh $docs)
[ $n -ge 30 ] && ok "found $n commands in the documents' code blocks" || not_ok "found only $n commands"
tap_done
