#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CRIU works in this guest at all: 'criu check', then a dump and restore of a
# trivial counting loop that must keep counting afterwards.
. /opt/vclock/tests/tap.sh

check "criu check" criu check

img=/tmp/criu-basic
rm -rf $img; mkdir -p $img
# The count is renamed into place: a dump that stops the loop between the
# truncation and the write of a plain '>' left an empty file to read.
setsid sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/criu-basic.new; mv /tmp/criu-basic.new /tmp/criu-basic.cnt; sleep 0.05; done' \
	</dev/null >/dev/null 2>&1 &
pid=$!
sleep 1

if criu dump -t $pid -D $img -o dump.log -v4 >/dev/null 2>&1; then
	ok "dump of a sleep loop"
else
	not_ok "dump of a sleep loop"; diag "$(tail -n 15 $img/dump.log)"
fi
wait $pid 2>/dev/null
before=$(cat /tmp/criu-basic.cnt)

if criu restore -d -D $img -o restore.log -v4 >/dev/null 2>&1; then
	ok "restore -d of the sleep loop"
else
	not_ok "restore -d of the sleep loop"; diag "$(tail -n 15 $img/restore.log)"
fi
sleep 1
after=$(cat /tmp/criu-basic.cnt)
[ -n "$before" ] && [ "$after" -gt "$before" ] && ok "restored loop keeps running ($before -> $after)" ||
	not_ok "restored loop keeps running ($before -> $after)"
kill -0 $pid 2>/dev/null && ok "restored with the same pid $pid" || not_ok "restored with the same pid $pid"
kill $pid 2>/dev/null
tap_done
