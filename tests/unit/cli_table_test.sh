#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# cli_table_test: every tool against the table of doc/cli.md, which this
# test reads (so the two cannot drift apart):
#   - --help exits 0 and lists exactly the options the table gives the tool;
#   - an option of the table that the tool does not take is refused (exit 2),
#     and so are --no-such-option, -Z, an option without its argument and a
#     bad TIME;
#   - the exit codes the tool's --help uses are the table's, and the cases
#     that can happen on a host without the module exit with a code the
#     table documents for the tool.
# Installed as build/unit/cli_table_test; finds the tools in build/bin.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tap.sh"
bin=$here/../bin
doc=$top/doc/cli.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The table as lines "ROW<TAB>TOOL<TAB>CELL" for every non-empty cell, and
# the tools (its header) in $tmp/tools.
awk -F'|' -v tools="$tmp/tools" '
	function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
	/^\| option \/ exit status \|/ {
		for (i = 3; i < NF; i++) { tool[i] = trim($i); print tool[i] >tools }
		n = NF; intable = 1; next
	}
	intable && /^\|---/ { next }
	intable && !/^\|/ { intable = 0 }
	intable {
		row = trim($2); gsub(/`/, "", row)
		for (i = 3; i < n; i++) if (trim($i) != "") print row "\t" tool[i] "\t" trim($i)
	}' "$doc" >"$tmp/cells"
[ -s "$tmp/cells" ] && [ "$(wc -l <"$tmp/tools")" -ge 6 ] && ok "doc/cli.md has the table: $(tr '\n' ' ' <"$tmp/tools")" ||
	{ not_ok "doc/cli.md has the table"; tap_done; exit; }
tools=$(cat "$tmp/tools")
# The option rows: "-c, --clock CLOCK" or "--fd N".
cut -f1 "$tmp/cells" | grep -E '^-' | sort -u >"$tmp/options"

# has TOOL ROW: the table gives TOOL that option or exit code.
has() { awk -F'\t' -v r="$2" -v t="$1" '$1 == r && $2 == t { f = 1 } END { exit !f }' "$tmp/cells"; }
# long ROW: its long name (--clock); arg ROW: its argument's name, if any.
long() { echo "$1" | grep -oE -- '--[a-z][a-z-]*' | head -n 1; }
arg() { echo "$1" | sed -nE 's/.*--[a-z-]+ ([A-Z]+)$/\1/p'; }
short() { echo "$1" | sed -nE 's/^(-[a-zA-Z]), .*/\1/p'; }

for t in $tools; do
	if [ ! -x "$bin/$t" ]; then
		not_ok "$t is built ($bin/$t)"
		continue
	fi
	help=$("$bin/$t" --help 2>&1); rc=$?
	[ $rc -eq 0 ] && ok "$t --help exits 0" || { not_ok "$t --help exits 0 (exit $rc)"; diag "$help"; }

	# The help's option lines: "  -c, --clock CLOCK ..." or "      --fd N ...".
	echo "$help" | grep -oE '^  (-[a-zA-Z], |    )--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u >"$tmp/help-long"
	missing= extra= refused_bad=
	while read -r row; do
		l=$(long "$row") s=$(short "$row") a=$(arg "$row")
		if has "$t" "$row"; then
			if [ -n "$s" ]; then
				echo "$help" | grep -qE -- "^  $s, $l( |$)" || missing="$missing $s,$l"
			else
				echo "$help" | grep -qE -- "^      $l( |$)" || missing="$missing $l"
			fi
			# Given without its argument: a usage error.
			if [ -n "$a" ]; then
				"$bin/$t" "$l" >/dev/null 2>&1; rc=$?
				[ $rc -eq 2 ] || refused_bad="$refused_bad $l(no argument: exit $rc)"
			fi
		else
			# Not the tool's: refused as a usage error, whatever it means elsewhere.
			"$bin/$t" "$l" ${a:+x} >/dev/null 2>&1; rc=$?
			[ $rc -eq 2 ] || refused_bad="$refused_bad $l(exit $rc)"
		fi
	done <"$tmp/options"
	while read -r l; do
		grep -qE -- "(^|, )$l( [A-Z]+)?$" "$tmp/options" && has "$t" "$(grep -E -- "(^|, )$l( [A-Z]+)?$" "$tmp/options")" ||
			extra="$extra $l"
	done <"$tmp/help-long"
	[ -z "$missing" ] && ok "$t --help lists every option the table gives it" ||
		not_ok "$t --help lacks:$missing"
	[ -z "$extra" ] && ok "$t --help lists no option the table does not give it" ||
		not_ok "$t --help has options not in doc/cli.md:$extra"
	[ -z "$refused_bad" ] && ok "$t: options not its own, or without their argument, exit 2" ||
		not_ok "$t: not refused with exit 2:$refused_bad"

	out=$("$bin/$t" --no-such-option 2>&1); rc=$?
	[ $rc -eq 2 ] && echo "$out" | grep -q "Try '$t --help'" && ok "$t --no-such-option: exit 2, points to --help" ||
		{ not_ok "$t --no-such-option: exit $rc"; diag "$out"; }
	"$bin/$t" -Z >/dev/null 2>&1; rc=$?
	[ $rc -eq 2 ] && ok "$t -Z: exit 2" || not_ok "$t -Z: exit $rc"
	if has "$t" "-d, --duration TIME"; then
		bad=
		for v in 1x -1 abc 5days ""; do
			"$bin/$t" -d "$v" >/dev/null 2>&1; rc=$?
			[ $rc -eq 2 ] || bad="$bad '$v'(exit $rc)"
		done
		[ -z "$bad" ] && ok "$t -d refuses bad TIMEs (1x -1 abc 5days '')" || not_ok "$t -d accepted:$bad"
	fi
	"$bin/$t" --version >/dev/null 2>&1; rc=$?
	[ $rc -eq 0 ] && ok "$t --version exits 0" || not_ok "$t --version: exit $rc"

	# The codes --help's table uses are the documented ones.
	want= got=
	for code in 0 1 2 3 4; do
		row=$(cut -f1 "$tmp/cells" | grep -m 1 "^exit $code ")
		[ -n "$row" ] && has "$t" "$row" && want="$want $code"
		echo "$help" | grep -qE "^  $code  .*\(not used by $t\)$" || got="$got $code"
	done
	[ "$want" = "$got" ] && ok "$t: the exit codes of --help are the table's ($want)" ||
		not_ok "$t: --help uses exit codes$got, doc/cli.md$want"
done

# Cases a host without the module can give: TOOL CODE ARGS...; the code must
# be the tool's in the table and the one the tool exits with.
run_case() {
	local t=$1 code=$2 row; shift 2
	row=$(cut -f1 "$tmp/cells" | grep -m 1 "^exit $code ")
	if ! has "$t" "$row"; then
		not_ok "$t $*: exit $code is not documented for $t"
		return
	fi
	out=$("$bin/$t" "$@" 2>&1); rc=$?
	[ $rc -eq "$code" ] && ok "$t $*: exit $code ($row)" || { not_ok "$t $*: exit $rc, want $code"; diag "$out"; }
}
run_case vclock-check 1 --lib "$here/../tests/libvclock-broken.so" -d 100ms -q
run_case vclock-ticker 0 --no-map -n 10 -i 0
run_case vclock-ticker 4 --no-map -n 10 -i 0 -w "$tmp/no/such/dir/progress"
run_case vclock-bench 1 --criu "$tmp/no-such-samples"
if [ -e /dev/vclock ]; then
	skip "/dev/vclock exists here" "exit 3 without the module"
else
	run_case vclock-check 3 -d 100ms -q
	run_case vclock-maps 3 --strategy fault self
	run_case vclock-ticker 3 -n 10
	run_case vclock-bench 3 -r 1 -d 1ms
	run_case vclock-report 3
fi
tap_done
