#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# icount-budgets: the instruction budgets of libvclock's fast path (the README's
# "Instructions per call"),
# counted exactly by vclock-icount --fake --check (ptrace single-stepping, a
# fake /dev/vclock in a private mount namespace) on the built libvclock.so
# and vclock-preload.so, which it finds by itself in build/lib beside its
# build/bin, as a user running it on the host gets them. Counts are
# deterministic: this is not a timed test.
# Installed as build/unit/icount-budgets; prints vclock-icount's TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../bin/vclock-icount" --fake --check
