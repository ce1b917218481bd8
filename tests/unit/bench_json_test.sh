#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_json_test: the JSON the guest-only tools write, against doc/schema/
# (tests/unit/json_schema_check.py), from one boot of the current generation
# ($VCLOCK_GEN): vclock-bench -o as root (with --mapping-costs) and --json as uid 1000;
# vclock-maps --json of a ticker per strategy as root (pfns shown), and of
# its own mapping (--strategy NAME self) as uid 1000 (pfns hidden), so that
# every page object of the page table is validated; vclock-criu-bench -n 1
# -o (statistics by vclock-bench --criu, the guest's provenance). Each document is also checked to fail validation once a member
# is renamed (the provenance, a method's samples, a page's pat_index), so the
# validator is known to look at that part.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
gen=${VCLOCK_GEN:-6.1}
schema=$top/doc/schema
validate=$top/tests/unit/json_schema_check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

guest='as=/opt/vclock/tests/helpers/vclock-as-user
vclock-bench -r 3 -d 5ms --mapping-costs -o /out/bench-root.json >/out/bench-root.txt 2>&1; echo $? >/out/bench-root.rc
$as 1000 vclock-bench -r 3 -d 5 -j >/out/bench-user.json 2>/out/bench-user.err; echo $? >/out/bench-user.rc
# ticker STRATEGY: a ticker reading through the mapping; its pid
ticker() {
	f=/tmp/ticker.$1; rm -f $f
	vclock-ticker -s $1 -i 2ms -w $f >/dev/null 2>&1 &
	p=$!; i=0
	while ! grep -q running=1 $f 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	echo $p
}
for s in fault remap split; do
	p=$(ticker $s); vclock-maps --json $p >/out/maps-$s.json 2>/out/maps-$s.err; echo $? >/out/maps-$s.rc; kill $p
	$as 1000 vclock-maps --json --strategy $s self >/out/maps-user-$s.json 2>/out/maps-user-$s.err; echo $? >/out/maps-user-$s.rc
done
vclock-criu-bench -n 1 -o /out/criu-bench.json >/out/criu-bench.txt 2>&1; echo $? >/out/criu-bench.rc
wait'
"$top/vm/run" --gen "$gen" --load --out "$tmp" -- sh -c "$guest" >"$tmp/log" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "the guest run on $gen exits 0" || { not_ok "the guest run on $gen exits 0 (exit $rc)"; diag "$(tail -n 20 "$tmp/log")"; }

# valid NAME SCHEMA FILE MEMBER: FILE is valid; invalid once "MEMBER": is renamed.
valid() {
	if python3 "$validate" "$schema/$2" "$3" 2>"$tmp/err"; then ok "$1: valid against $2"
	else not_ok "$1: valid against $2"; diag "$(cat "$tmp/err")"; diag "$(head -c 1500 "$3" 2>/dev/null)"; fi
	if grep -q "\"$4\":" "$3" 2>/dev/null; then
		sed "s/\"$4\":/\"$4_x\":/" "$3" >"$tmp/broken.json"
		python3 "$validate" "$schema/$2" "$tmp/broken.json" 2>/dev/null && not_ok "$1: rejected with \"$4\" renamed" ||
			ok "$1: rejected with \"$4\" renamed"
	else
		not_ok "$1: has \"$4\""
	fi
}
rc_is() { [ "$(cat "$tmp/$2.rc" 2>/dev/null)" = "$3" ] && ok "$1: exit $3" || not_ok "$1: exit $(cat "$tmp/$2.rc" 2>/dev/null) (want $3)"; }

rc_is "vclock-bench -o as root" bench-root 0
valid "vclock-bench -o as root" vclock-bench.schema.json "$tmp/bench-root.json" samples_ns
valid "vclock-bench -o as root (provenance)" vclock-bench.schema.json "$tmp/bench-root.json" provenance
n=$(grep -o '"samples_ns": \[[^]]*\]' "$tmp/bench-root.json" 2>/dev/null | head -n 1 | tr -cd , | wc -c)
[ "$n" = 2 ] && ok "vclock-bench: a method's samples_ns has the 3 repetitions" || not_ok "vclock-bench: samples_ns has $((n + 1)) values, want 3"
grep -q '"strategies": {' "$tmp/bench-root.json" && ok "vclock-bench --mapping-costs: strategies in the JSON" || not_ok "vclock-bench --mapping-costs: strategies in the JSON"
rc_is "vclock-bench --json as uid 1000" bench-user 0
valid "vclock-bench --json as uid 1000" vclock-bench.schema.json "$tmp/bench-user.json" provenance
for s in fault remap split; do
	rc_is "vclock-maps --json, $s, root" maps-$s 0
	grep -q '"pfn":"0x' "$tmp/maps-$s.json" && ok "vclock-maps --json, $s, root: pfns shown" || not_ok "vclock-maps --json, $s, root: pfns shown"
	valid "vclock-maps --json, $s, root" vclock-maps.schema.json "$tmp/maps-$s.json" pat_index
	rc_is "vclock-maps --json, $s, uid 1000" maps-user-$s 0
	grep -q '"pfn":"hidden"' "$tmp/maps-user-$s.json" && ok "vclock-maps --json, $s, uid 1000: pfns hidden" ||
		not_ok "vclock-maps --json, $s, uid 1000: pfns hidden"
	valid "vclock-maps --json, $s, uid 1000" vclock-maps.schema.json "$tmp/maps-user-$s.json" pat_index
done
rc_is "vclock-criu-bench -n 1 -o" criu-bench 0
valid "vclock-criu-bench -n 1 -o" vclock-criu-bench.schema.json "$tmp/criu-bench.json" provenance
grep -q '"guest":true' "$tmp/criu-bench.json" &&
	grep -q '"with_mapping": {"ok_round_trips": 1' "$tmp/criu-bench.json" &&
	grep -q '"file_mapping": {"ok_round_trips": 1' "$tmp/criu-bench.json" &&
	grep -q '"without_mapping": {"ok_round_trips": 1' "$tmp/criu-bench.json" &&
	ok "vclock-criu-bench JSON: the guest's provenance, one round trip per case (with, file, without)" ||
	{ not_ok "vclock-criu-bench JSON: the guest's provenance, one round trip per case (with, file, without)"; diag "$(cat "$tmp/criu-bench.txt" "$tmp/criu-bench.json")"; }
tap_done
