#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of make report's parts on the current generation ($VCLOCK_GEN):
# vm/report boots it, vclock-report and vclock-report-criu answer every
# fact, and report.md / report.json hold them with their provenance. What
# a kernel does is not asserted here (a difference is the finding), only
# what holds on every supported kernel: the data page WB, the HPET page UC-,
# a fault-strategy reader through a CRIU round trip as one VMA.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
gen=${VCLOCK_GEN:-6.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

REPORT_OUT=$tmp REPORT_NO_BUILD=1 GENS=$gen "$top/vm/report" >"$tmp/log" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "vm/report on $gen exits 0" || { not_ok "vm/report on $gen exits 0 (exit $rc)"; diag "$(tail -n 20 "$tmp/log")"; }
tsv=$tmp/report-$gen.tsv
val() { awk -F '\t' -v k="$1" '$1 == k { print $2 }' "$tsv" 2>/dev/null; }

[ "$(val kernel)" = "$("$top/vm/kernel-version" "$gen")" ] && ok "kernel fact: $(val kernel)" ||
	not_ok "kernel fact: '$(val kernel)'"
[ "$(val 'cache fault data')" = "WB -> WB" ] && [ "$(val 'cache fault hpet')" = "UC- -> UC-" ] &&
	ok "fault: data page WB -> WB, HPET page UC- -> UC-" ||
	not_ok "fault: data '$(val 'cache fault data')', hpet '$(val 'cache fault hpet')'"
bad=$(awk -F '\t' '$1 ~ /^cache / && $2 !~ /^(WB|UC|UC-|WC) -> (WB|UC|UC-|WC|WT|WP|not present)$/ && $2 != "not offered"' "$tsv")
n=$(grep -c '^cache ' "$tsv")
[ -z "$bad" ] && [ "$n" -eq 20 ] && ok "all 20 cache facts (4 strategies x 5 page kinds) are 'requested -> effective' or 'not offered'" ||
	{ not_ok "cache facts: $n, malformed:"; diag "$bad"; }
# Seed 003's GUP rows (userspace/report_gup.c): 6 paths x 4 strategies, each
# "not offered", "no O_DIRECT filesystem ..." or the three page kinds' outcomes.
res='(ok|ok-differs|short [0-9]+|E[A-Z0-9]+)'
cnt='\((map[-+][0-9]+|map\?),(ref[-+][0-9]+|ref\?)\)'
bad=$(awk -F '\t' -v re="^(on [^:]+: )?data $res$cnt, lab $res$cnt, hpet ($res|-)\$" \
	'$1 ~ /^gup / && $2 !~ re && $2 != "not offered" && $2 !~ /^no O_DIRECT filesystem/' "$tsv")
n=$(grep -c '^gup ' "$tsv")
[ -z "$bad" ] && [ "$n" -eq 24 ] && ok "all 24 gup facts (6 paths x 4 strategies) have the documented shape" ||
	{ not_ok "gup facts: $n, malformed:"; diag "$bad"; }
for v in '[vvar]' '[vdso]'; do
	val "vma $v" | grep -q ' kB, rd ' && ok "vma $v: $(val "vma $v")" || not_ok "vma $v: '$(val "vma $v")'"
done
[ -n "$(val 'pagemap data page')" ] && ok "pagemap: $(val 'pagemap data page')" || not_ok "pagemap fact missing"
val 'hpet load / data load' | grep -Eq '^[0-9]+x \(' && ok "HPET cost: $(val 'hpet load / data load')" ||
	not_ok "HPET cost: '$(val 'hpet load / data load')'"
[ "$(val 'criu fault')" = "dump 0, restore 0, VMAs 1 -> 1" ] && ok "criu fault: $(val 'criu fault')" ||
	not_ok "criu fault: '$(val 'criu fault')'"
. "$top/build/gen/$gen/env"
[ "$(val 'criu version')" = "$CRIU_VERSION" ] && ok "criu version $CRIU_VERSION" || not_ok "criu version '$(val 'criu version')'"

rows=$(grep -c '^| ' "$tmp/report.md")
[ "$rows" -eq $(( $(grep -c . "$tsv") + 1 )) ] && grep -q "^| fact | $gen |$" "$tmp/report.md" &&
	ok "report.md: one row per fact ($rows with the header)" || not_ok "report.md: $rows rows"
grep -q '"provenance": {"commit": ' "$tmp/report.json" && grep -q "\"$gen\": {\"kernel\": \"$KVER\", \"criu\": \"$CRIU_VERSION\", \"accel\": \"" "$tmp/report.json" &&
	grep -q '"qemu": "QEMU emulator version' "$tmp/report.json" && grep -q '"date": "20' "$tmp/report.json" &&
	ok "report.json: provenance (commit, QEMU, date, kernel, CRIU, accelerator)" || not_ok "report.json provenance"
[ "$(grep -c '^    "' "$tmp/report.json")" -eq "$(grep -c . "$tsv")" ] &&
	ok "report.json: every fact" || not_ok "report.json: $(grep -c '^    "' "$tmp/report.json") facts of $(grep -c . "$tsv")"
if command -v python3 >/dev/null; then
	python3 -m json.tool "$tmp/report.json" >/dev/null 2>&1 && ok "report.json parses" || not_ok "report.json parses"
	python3 "$top/tests/unit/json_schema_check.py" "$top/doc/schema/vclock-report.schema.json" "$tmp/report.json" \
		2>"$tmp/schema.err" && ok "report.json: valid against doc/schema/vclock-report.schema.json (the envelope: schema, tool, provenance)" ||
		{ not_ok "report.json: valid against doc/schema/vclock-report.schema.json"; diag "$(cat "$tmp/schema.err")"; }
fi
tap_done
