# SPDX-License-Identifier: GPL-2.0
# tests/tests.mk - the test harness: the TAP helpers for shell tests and the
# in-guest runners (included by the top Makefile). The test programs are
# built by tests/guest/guest.mk, criu-tests/criu.mk and tests/unit/unit.mk.

GUEST_FILES += $(G)/tests/tap.sh $(G)/bin/run-suites $(G)/bin/run-suites-offshare

$(G)/tests/tap.sh: tests/tap.sh
	@install -D -m 644 $< $@
$(G)/bin/run-suites: tests/run-suites
	@install -D -m 755 $< $@
$(G)/bin/run-suites-offshare: tests/run-suites-offshare
	@install -D -m 755 $< $@
