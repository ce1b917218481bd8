#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm_run_options_test: vm/run checks every option before it starts
# anything. Each bad command line exits 2, says what is wrong and points to
# --help, and leaves no work directory behind (vm/run makes one just before
# it builds the initrd and starts QEMU). Boots nothing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
run=$top/vm/run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work"
: >"$tmp/file"

# refused NAME REGEX [ENV=VAL ...] -- ARGS...: vm/run ARGS exits 2 at once,
# its stderr matches REGEX and says Try 'vm/run --help', nothing started.
refused() {
	local name=$1 re=$2 envs=() err rc
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	err=$(env TMPDIR="$tmp/work" "${envs[@]}" timeout 20 "$run" "$@" 2>&1 >/dev/null); rc=$?
	if [ $rc -eq 2 ] && echo "$err" | grep -qE -- "$re" && echo "$err" | grep -qF "Try 'vm/run --help'." &&
	   [ -z "$(ls "$tmp/work")" ]; then
		ok "$name: exit 2, '$(echo "$err" | head -n 1)'"
	else
		not_ok "$name: exit $rc (want 2), work dir: $(ls "$tmp/work" | tr '\n' ' ')"
		diag "$err"
		rm -rf "${tmp:?}/work/"*
	fi
}

refused "--timeout abc" "--timeout takes a whole number of seconds above 0, not 'abc'" -- --timeout abc -- true
refused "--timeout=abc" "--timeout takes a whole number of seconds above 0, not 'abc'" -- --timeout=abc -- true
refused "--timeout 0" "not '0'" -- --timeout 0 -- true
refused "--timeout -5" "--timeout needs a value|not '-5'" -- --timeout -5 -- true
refused "--timeout 1.5" "not '1.5'" -- --timeout 1.5 -- true
refused "--timeout= (empty)" "not ''" -- --timeout= -- true
refused "--timeout 9999999" "more than 999999 seconds" -- --timeout 9999999 -- true
refused "--timeout without its value, before --" "--timeout needs a value" -- --timeout -- true
refused "--gen without its value, last" "--gen needs a value" -- --gen
refused "--gen nosuch" "unknown generation 'nosuch' .*known: 6.1" -- --gen nosuch -- true
refused "VCLOCK_GEN=nosuch" "unknown generation 'nosuch'" VCLOCK_GEN=nosuch -- -- true
refused "--add of a missing file" "--add: no such file '$tmp/missing'" -- --add "$tmp/missing:/root/x" -- true
refused "--add without its value" "--add needs a value" -- --add -- true
refused "--out of a regular file" "--out: '$tmp/file' is not a directory" -- --out "$tmp/file" -- true
refused "--cpu= (empty)" "--cpu needs a model" -- --cpu= -- true
refused "--machine without its value" "--machine needs a value" -- --machine
refused "an unknown option" "unknown option '--bogus'" -- --bogus -- true
refused "a single-dash option" "unknown option '-x'" -- -x -- true
refused "no command" "no command given" -- --load
refused "nothing at all" "no command given" --

help=$("$run" --help 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$help" | grep -q "2 on a bad option or argument (nothing started)" &&
	ok "vm/run --help: exit 0, documents exit 2 for a bad option" || { not_ok "vm/run --help (exit $rc)"; diag "$help"; }
tap_done
