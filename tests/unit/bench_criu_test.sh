#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_criu_test: vclock-bench --criu SAMPLES, the statistics and verdicts
# of the CRIU benchmark (vclock-criu-bench only makes the criu calls), on
# made-up samples whose answers are known: medians, p10/p90 by vclock-bench's
# ranks (sorted[n/2], [n/10], [n-1-n/10]), the ratio of the dump+restore
# medians against <= 1.10 for each mapping (with: /dev/vclock and the
# plugin; file: /proc/vclock, stock CRIU) against the control, file against
# with (no target), image sizes, the per-round ratio only of rounds where
# both round trips worked, the warm-up not counted but its failure counted,
# samples with no file case, exit 1 on a failed round trip, a skip, a bad
# line; and the JSON against doc/schema/vclock-criu-bench.schema.json.
# A verdict is PASS or FAIL only when the per-round p10..p90 lies wholly on
# one side of the target (bench_verdict), else UNDECIDED.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
bench=$top/build/bin/vclock-bench
schema=$top/doc/schema/vclock-criu-bench.schema.json
validate=$top/tests/unit/json_schema_check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME: vclock-bench --criu $tmp/NAME.s -o $tmp/NAME.json; $out, $rc
run() { out=$("$bench" --criu "$tmp/$1.s" -o "$tmp/$1.json" 2>&1); rc=$?; }
has() {
	if echo "$out" | grep -qF -- "$2"; then ok "$1: '$2'"; else not_ok "$1: '$2'"; diag "$out"; fi
}
json_has() {
	if tr -d '\n' <"$tmp/$1.json" | grep -qF -- "$2"; then ok "$1 JSON: '$2'"; else not_ok "$1 JSON: '$2'"; diag "$(cat "$tmp/$1.json")"; fi
}
valid() {
	python3 "$validate" "$schema" "$tmp/$1.json" 2>"$tmp/err" && ok "$1 JSON valid against the schema" ||
		{ not_ok "$1 JSON valid against the schema"; diag "$(cat "$tmp/err")"; }
}

# 5 rounds, with: dump+restore 1100 1200 1300 1400 1500 ms; file: 1010 1020
# 1030 1040 1050 ms; without: 1000 each but round 3 (900). Round 0 (warm-up)
# 9999 ms must not count.
{
	echo "rounds 5"
	echo "0 without 9999000 0 100"; echo "0 with 9999000 0 100"; echo "0 file 9999000 0 100"
	for r in 1 2 3 4 5; do
		echo "$r with $(( (1000 + 100 * r) * 1000 - 300000 )) 300000 $((190 + r))"
		echo "$r file $(( (1000 + 10 * r) * 1000 - 300000 )) 300000 $((100 + r))"
		[ $r = 3 ] && echo "$r without 600000 300000 180" || echo "$r without 700000 300000 180"
	done
} >"$tmp/pass.s"
run pass
[ $rc -eq 0 ] && ok "pass: exit 0" || not_ok "pass: exit $rc"
# n = 5: p10 is the smallest (5/10 = 0), p90 the largest
has pass "with mapping         5   1000.0   800.0  1200.0    300.0   300.0   300.0   1300.0  1100.0  1500.0  193"
has pass "without mapping      5    700.0   600.0   700.0    300.0   300.0   300.0   1000.0   900.0  1000.0  180"
has pass "INFO criu dump with mapping / without: 1.43"
has pass "INFO criu restore with mapping / without: 1.00"
# per round: 1.1 1.2 1.444 1.4 1.5 -> sorted 1.1 1.2 1.4 1.444 1.5: median 1.40, p10 1.10, p90 1.50
has pass "INFO criu image size with mapping / without: 1.07"
has pass "INFO criu dump+restore with mapping / without, per round: median 1.40, p10 1.10, p90 1.50 (5 rounds)"
# 1.10 is p10: the target inside the spread, no verdict
has pass "UNDECIDED criu dump+restore with mapping / without: 1.30 (target <= 1.10)"
has pass "file mapping         5    730.0   710.0   750.0    300.0   300.0   300.0   1030.0  1010.0  1050.0  103"
# per round 1.01 1.02 1.144 1.04 1.05: median 1.04, p10 1.01, p90 1.14
has pass "INFO criu dump+restore file mapping / without, per round: median 1.04, p10 1.01, p90 1.14 (5 rounds)"
has pass "UNDECIDED criu dump+restore file mapping / without: 1.03 (target <= 1.10)"
# file / with: 730/1000, 103/193, 1030/1300; per round .918 .85 .792 .743 .70
has pass "INFO criu dump file mapping / with mapping: 0.73"
has pass "INFO criu image size file mapping / with mapping: 0.53"
has pass "INFO criu dump+restore file mapping / with mapping, per round: median 0.79, p10 0.70, p90 0.92 (5 rounds)"
has pass "INFO criu dump+restore file mapping / with mapping: 0.79"
echo "$out" | grep -q "FAIL criu round trips" && not_ok "pass: no failed round trips line" || ok "pass: no failed round trips line"
valid pass
json_has pass '"samples_dump_ms": [800.0, 900.0, 1000.0, 1100.0, 1200.0]'
json_has pass '"dump+restore": {"ratio": 1.300, "verdict": "UNDECIDED", "target": "<= 1.10"}'
json_has pass '"file_ratios": {"of": "file mapping / without", "dump": 1.043, "restore": 1.000, "image": 0.572,    "dump+restore": {"ratio": 1.030, "verdict": "UNDECIDED", "target": "<= 1.10"}'
json_has pass '"file_vs_plugin": {"of": "file mapping / with mapping", "dump": 0.730, "restore": 1.000, "image": 0.534,    "dump+restore": {"ratio": 0.792, "verdict": "INFO"}'
json_has pass '{  "schema":{"name":"vclock-criu-bench","version":1},"tool":{"name":"vclock-bench","version":"'
json_has pass '"provenance":{"commit":'

# 5 rounds whose spread decides: with 1.25-1.35 x without (FAIL), file
# 1.01-1.05 x without (PASS).
{
	echo "rounds 5"
	for r in 1 2 3 4 5; do
		echo "$r with $(( (1225 + 25 * r) * 1000 )) 0 190"
		echo "$r file $(( (1000 + 10 * r) * 1000 )) 0 100"
		echo "$r without 1000000 0 180"
	done
} >"$tmp/decided.s"
run decided
[ $rc -eq 0 ] && ok "decided: exit 0" || not_ok "decided: exit $rc"
has decided "per round: median 1.30, p10 1.25, p90 1.35 (5 rounds)"
has decided "FAIL criu dump+restore with mapping / without: 1.30 (target <= 1.10)"
has decided "PASS criu dump+restore file mapping / without: 1.03 (target <= 1.10)"
valid decided

# Within target, a failed round trip (round 2 with) and a failed warm-up.
{
	echo "rounds 3"
	echo "0 without 1000000 0 100"; echo "0 with fail"
	echo "1 with 1000000 50000 190"; echo "1 without 1000000 0 188"
	echo "2 without 1000000 0 188"; echo "2 with fail"
	echo "3 with 1000000 0 190"; echo "3 without 1000000 0 188"
} >"$tmp/failed.s"
run failed
[ $rc -eq 1 ] && ok "a failed round trip: exit 1" || not_ok "a failed round trip: exit $rc"
# two rounds are too few for a spread
has failed "UNDECIDED criu dump+restore with mapping / without: 1.05 (target <= 1.10)"
has failed "FAIL criu round trips: 2 of 8 failed (see the # round lines)"
has failed "per round: median 1.05, p10 1.00, p90 1.05 (2 rounds)"
has failed "file mapping         0  (no round trip worked)"
has failed "INFO criu dump+restore file mapping / without: - (no verdict: a case has no round trip)"
valid failed
json_has failed '"failed_round_trips": 2'

echo "skip criu cannot checkpoint and restore the ticker without the mapping here: no ptrace" >"$tmp/skip.s"
run skip
[ $rc -eq 0 ] && ok "skip: exit 0" || not_ok "skip: exit $rc"
has skip "INFO criu dump+restore skipped: criu cannot checkpoint"
valid skip
json_has skip '"available": false, "why": "criu cannot checkpoint'

printf 'rounds 2\n1 sideways 1 2 3\n' >"$tmp/bad.s"
run bad
[ $rc -eq 1 ] && ok "a bad line: exit 1" || not_ok "a bad line: exit $rc"
has bad "bad.s:2: not a CRIU sample line: '1 sideways 1 2 3'"
out=$("$bench" --criu "$tmp/absent.s" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "cannot read the CRIU samples" && ok "absent samples: exit 1, says so" ||
	{ not_ok "absent samples: exit $rc"; diag "$out"; }
sed 's/"provenance":/"provenanc":/' "$tmp/pass.json" >"$tmp/broken.json"
python3 "$validate" "$schema" "$tmp/broken.json" 2>/dev/null && not_ok "a broken copy is rejected" || ok "a broken copy is rejected"
tap_done
