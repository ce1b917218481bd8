# tests/tests.mk - in-guest suites and the harness scripts (included by Makefile).
#
# A suite is one program emitting TAP; it lands in $(G)/tests/suites/NN-name
# and run-suites runs them in name order. Shell suites are tests/guest/NN-*.sh.

SUITES_SH := $(wildcard tests/guest/[0-9]*.sh)
GUEST_FILES += $(patsubst tests/guest/%.sh,$(G)/tests/suites/%,$(SUITES_SH))
GUEST_FILES += $(G)/tests/suites/01-hpet $(G)/tests/tap.sh $(G)/bin/run-suites

$(G)/tests/suites/%: tests/guest/%.sh
	@install -D -m 755 $< $@
$(G)/tests/tap.sh: tests/tap.sh
	@install -D -m 644 $< $@
$(G)/bin/run-suites: tests/run-suites
	@install -D -m 755 $< $@

$(G)/tests/suites/01-hpet: tests/guest/hpet_probe.c tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
