#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# json_schema_test: the tools' JSON on the host against doc/schema/ (with
# tests/unit/json_schema_check.py): vclock-check --json unavailable (no
# module), passing (--allow-fallback, the kernel's vDSO) and failing (a
# broken library); vclock-maps --json of a process mapping a stand-in
# /dev/vclock (a regular file on a tmpfs over /dev in a private mount
# namespace; root only); vclock-icount --fake -o (where a private mount
# namespace is allowed). Each document is also checked to fail validation
# once broken, so the validator is known to look. Every document begins
# with the envelope: schema, tool, provenance.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/tap.sh"
bin=$top/build/bin
schema=$top/doc/schema
validate=$top/tests/unit/json_schema_check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null; then
	not_ok "python3 is installed (vm/setup-host installs it)"
	tap_done
	exit
fi

# valid NAME SCHEMA FILE: FILE is valid; and invalid once a member is renamed.
valid() {
	if "$validate" "$schema/$2" "$3" 2>"$tmp/err"; then ok "$1: valid against $2"
	else not_ok "$1: valid against $2"; diag "$(cat "$tmp/err")"; diag "$(head -c 2000 "$3")"; fi
	sed 's/"provenance":/"provenanc":/' "$3" >"$tmp/broken.json"
	"$validate" "$schema/$2" "$tmp/broken.json" 2>/dev/null && not_ok "$1: a broken copy is rejected" ||
		ok "$1: a broken copy is rejected"
}

"$bin/vclock-check" --json -d 0.2 >"$tmp/c1.json" 2>/dev/null; rc=$?
[ $rc -eq 3 ] && grep -q '"verdict":"unavailable"' "$tmp/c1.json" && ok "vclock-check --json, no module: exit 3, verdict unavailable" ||
	not_ok "vclock-check --json, no module: exit $rc"
valid "vclock-check --json, no module" vclock-check.schema.json "$tmp/c1.json"
"$bin/vclock-check" --json -d 0.3 --allow-fallback >"$tmp/c2.json"; rc=$?
[ $rc -eq 0 ] && grep -q '"verdict":"pass"' "$tmp/c2.json" && ok "vclock-check --json --allow-fallback: exit 0, verdict pass" ||
	not_ok "vclock-check --json --allow-fallback: exit $rc"
valid "vclock-check --json --allow-fallback" vclock-check.schema.json "$tmp/c2.json"
"$bin/vclock-check" --json -d 0.3 --lib vdso >"$tmp/c3.json"
valid "vclock-check --json --lib vdso" vclock-check.schema.json "$tmp/c3.json"
"$bin/vclock-check" --json -d 0.3 --lib "$top/build/tests/libvclock-broken.so" >"$tmp/c4.json"; rc=$?
[ $rc -eq 1 ] && grep -q '"verdict":"fail"' "$tmp/c4.json" && ok "vclock-check --json, broken library: exit 1, verdict fail" ||
	not_ok "vclock-check --json, broken library: exit $rc"
valid "vclock-check --json, broken library" vclock-check.schema.json "$tmp/c4.json"
grep -q "\"commit\":\"$(git -C "$top" rev-parse --short=7 HEAD 2>/dev/null)" "$tmp/c2.json" &&
	ok "provenance names this tree's commit" || { not_ok "provenance names this tree's commit"; diag "$(head -n 1 "$tmp/c2.json")"; }
grep -q '^{"schema":{"name":"vclock-check","version":1},"tool":{"name":"vclock-check","version":"[0-9.]*"},"provenance":{' "$tmp/c2.json" &&
	ok "vclock-check --json begins with the envelope (schema, tool, provenance)" ||
	{ not_ok "vclock-check --json begins with the envelope"; diag "$(head -c 300 "$tmp/c2.json")"; }
grep -q '"kernel_cmdline":' "$tmp/c2.json" && grep -q '"module_params":null' "$tmp/c2.json" && ! grep -q '"facts":' "$tmp/c2.json" &&
	ok "provenance: the kernel command line, module_params null without the module, no facts path" ||
	not_ok "provenance: kernel_cmdline, module_params, no facts path"

# vclock-icount on the fake device (it skips where no private mount namespace is allowed).
"$bin/vclock-icount" --fake --lib "$top/build/lib/libvclock.so" --preload "$top/build/lib/vclock-preload.so" \
	-o "$tmp/i1.json" >/dev/null 2>"$tmp/i1.err"; rc=$?
if [ $rc -eq 3 ] && grep -q 'no fake device' "$tmp/i1.err"; then
	skip "no private mount namespace here" "vclock-icount --fake -o: valid against vclock-icount.schema.json"
else
	[ $rc -eq 0 ] && ok "vclock-icount --fake -o: exit 0" || { not_ok "vclock-icount --fake -o: exit $rc"; diag "$(cat "$tmp/i1.err")"; }
	valid "vclock-icount --fake -o" vclock-icount.schema.json "$tmp/i1.json"
fi

if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	skip "needs root and unshare (a private mount namespace)" "vclock-maps --json of a stand-in /dev/vclock"
	tap_done
	exit
fi
# A regular file as /dev/vclock: maps shows its VMA, the page-table ioctl
# fails (exit 3), and the JSON says so in page_table_error.
unshare -m --propagation private sh -c '
	mount -t tmpfs none /dev || exit 90
	head -c 12288 /dev/zero >/dev/vclock 2>/dev/null || dd if=/dev/zero of=/dev/vclock bs=4096 count=3 2>/dev/null
	: >"$2/holder.out"
	"$1" /dev/vclock 3 >"$2/holder.out" & h=$!
	i=0; while ! grep -q ready "$2/holder.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	"$3" --json $h >"$2/m1.json" 2>"$2/m1.err"; echo $? >"$2/m1.rc"
	kill $h' sh "$top/build/tests/map_holder" "$tmp" "$bin/vclock-maps"
[ "$(cat "$tmp/m1.rc" 2>/dev/null)" = 3 ] && grep -q '"page_table_error":"VCLOCK_IOC_QUERY failed' "$tmp/m1.json" &&
	grep -q '"path":"/dev/vclock"' "$tmp/m1.json" && ok "vclock-maps --json, stand-in device: exit 3, its VMA, page_table_error" ||
	{ not_ok "vclock-maps --json, stand-in device (exit $(cat "$tmp/m1.rc" 2>/dev/null))"; diag "$(cat "$tmp/m1.err" "$tmp/m1.json" 2>&1)"; }
valid "vclock-maps --json, stand-in device" vclock-maps.schema.json "$tmp/m1.json"
tap_done
