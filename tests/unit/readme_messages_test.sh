#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# readme_messages_test: every message the README's Troubleshooting section
# quotes (- *"message"*: ...) is what a tool really prints. Each quoted
# message has a trigger below that makes the tool print it; the message,
# read as a pattern ("…" any text, X a word, N a number), must be in the
# output. A quoted message without a trigger fails: add one. Triggers that
# would change the tree run on a copy of vm/ in a temporary directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/tree
mkdir -p "$tree" "$tmp/bin"
cp -a "$top/vm" "$tree/vm"
# a dpkg-query that knows no package: no 6.1 kernel to select
printf '#!/bin/sh\nexit 1\n' >"$tmp/bin/dpkg-query"
chmod +x "$tmp/bin/dpkg-query"

# trigger MESSAGE: run what prints MESSAGE; its stdout and stderr.
trigger() {
	case $1 in
	'no 6.1 guest kernel')
		PATH=$tmp/bin:$PATH KVER= "$tree/vm/gen" prepare 6.1 ;;
	'generation X is not built')
		"$tree/vm/run" --gen 6.12 -- true ;;
	'guest did not finish within Ns')
		"$top/vm/run" --timeout 5 -- sleep 100 ;;
	'cannot read /boot/vmlinuz-…')
		mkdir -p "$tree/build/gen/6.1"
		sed 's|^KERNEL=.*|KERNEL=/boot/vmlinuz-vclock-test-absent|' "$top/build/gen/6.1/env" \
			>"$tree/build/gen/6.1/env"
		: >"$tree/build/gen/6.1/initramfs.cpio.gz"
		"$tree/vm/run" --gen 6.1 -- true ;;
	*) return 99 ;;
	esac
}

# MESSAGE as an extended regular expression
pattern() {
	printf '%s' "$1" | sed -e 's/[][\.^$*+?(){}|/]/\\&/g' -e 's/…/.*/g' \
		-e 's/\bX\b/[^ ]+/g' -e 's/\bN\([a-z]\)/[0-9]+\1/g'
}

msgs=$(sed -n '/^## Troubleshooting/,/^## /p' "$top/README.md" | sed -n 's/^- \*"\([^"]*\)"\*.*/\1/p')
[ -n "$msgs" ] && ok "the Troubleshooting section quotes $(echo "$msgs" | wc -l) messages" ||
	not_ok "the Troubleshooting section quotes messages"
while IFS= read -r m; do
	[ -n "$m" ] || continue
	out=$(trigger "$m" 2>&1 </dev/null)
	if [ $? -eq 99 ]; then
		not_ok "\"$m\": no trigger in this test (add one)"
		continue
	fi
	if echo "$out" | grep -qE "$(pattern "$m")"; then
		ok "\"$m\" is printed: $(echo "$out" | grep -E "$(pattern "$m")" | head -n 1)"
	else
		not_ok "\"$m\" is printed"
		diag "pattern: $(pattern "$m")"
		diag "$out"
	fi
done <<<"$msgs"
tap_done
