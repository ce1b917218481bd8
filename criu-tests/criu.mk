# SPDX-License-Identifier: GPL-2.0
# criu-tests/criu.mk - the checkpoint/restore case programs, the in-guest
# CRIU suites 50-52 and the guest scripts built on their shell library
# (included by the top Makefile; the plugin is criu-plugin/'s).
#
#   $(B)/criu/bin/vclock-cr-*  -> $(G)/bin                    (case programs)
#   criu-tests/5*.sh           -> $(G)/tests/suites/5*-criu-* (runners, TAP)
#   criu-tests/criu-lib.sh     -> $(G)/tests/lib/criu-lib.sh
#   criu-tests/vclock-criu-demo.sh -> $(G)/bin/vclock-criu-demo ('make demo')
#   criu-tests/vclock-criu-bench.sh -> $(G)/bin/vclock-criu-bench ('make bench')
#   criu-tests/vclock-report-criu.sh -> $(G)/bin/vclock-report-criu ('make report')
#
#   make criu-check-long  boot the guest and run the cycle suite with 50
#                         dump/restore cycles instead of 5

CRIU_LONG_CYCLES ?= 50

# ---- case programs ------------------------------------------------------------
CR_CASE_CFLAGS := $(TEST_CFLAGS) -I$(TOP)/criu-tests/cases
CR_CASE_DEPS   := criu-tests/cases/cr_common.c criu-tests/cases/cr_common.h $(TEST_HDRS) $(TEST_LIB)

$(B)/criu/bin/vclock-cr-raw: criu-tests/cases/cr_raw.c $(CR_CASE_DEPS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CR_CASE_CFLAGS) -o $@ $< criu-tests/cases/cr_common.c $(TEST_LIB)
# The programs that read the time through the reader library.
CR_LIB_SRCS := criu-tests/cases/cr_common.c criu-tests/cases/cr_pagetime.c
CR_LIB_DEPS := $(CR_CASE_DEPS) criu-tests/cases/cr_pagetime.c criu-tests/cases/cr_pagetime.h \
	       $(LIBVCLOCK_A) $(VDSO_HDRS)
$(B)/criu/bin/vclock-cr-lib: criu-tests/cases/cr_lib.c $(CR_LIB_DEPS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CR_CASE_CFLAGS) -o $@ $< $(CR_LIB_SRCS) $(TEST_LIB) $(LIBVCLOCK_A) -lpthread
$(B)/criu/bin/vclock-cr-fork: criu-tests/cases/cr_fork.c $(CR_LIB_DEPS)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CR_CASE_CFLAGS) -o $@ $< $(CR_LIB_SRCS) $(TEST_LIB) $(LIBVCLOCK_A)
# An ordinary libc program: no vclock header, no reader library (from the
# test library it takes only tap.h and the ready file).
$(B)/criu/bin/vclock-cr-clockloop: criu-tests/cases/cr_clockloop.c $(TEST_HDRS) $(TEST_LIB)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -I$(TOP)/tests -I$(TOP)/tests/lib -o $@ $< $(TEST_LIB)

CR_CASE_PROGS := vclock-cr-raw vclock-cr-lib vclock-cr-fork vclock-cr-clockloop
CR_GUEST_BINS := $(patsubst %,$(G)/bin/%,$(CR_CASE_PROGS))
$(CR_GUEST_BINS): $(G)/bin/%: $(B)/criu/bin/%
	@install -D -m 755 $< $@

# ---- guest suites ---------------------------------------------------------------
CR_SUITES_SH := $(wildcard criu-tests/5[0-9]-criu-*.sh)
CR_SUITES    := $(patsubst criu-tests/%.sh,$(G)/tests/suites/%,$(CR_SUITES_SH))
$(CR_SUITES): $(G)/tests/suites/%: criu-tests/%.sh
	@install -D -m 755 $< $@
$(G)/tests/lib/criu-lib.sh: criu-tests/criu-lib.sh
	@install -D -m 644 $< $@
# The CRIU round trip of the ticker for 'make demo'.
$(G)/bin/vclock-criu-demo: criu-tests/vclock-criu-demo.sh
	@install -D -m 755 $< $@
# Dump and restore times with and without the mapping for 'make bench'.
$(G)/bin/vclock-criu-bench: criu-tests/vclock-criu-bench.sh
	@install -D -m 755 $< $@

# CRIU's outcome per strategy for 'make report'.
$(G)/bin/vclock-report-criu: criu-tests/vclock-report-criu.sh
	@install -D -m 755 $< $@

GUEST_FILES += $(CR_GUEST_BINS) $(CR_SUITES) $(G)/bin/vclock-report-criu \
	       $(G)/tests/lib/criu-lib.sh $(G)/bin/vclock-criu-demo $(G)/bin/vclock-criu-bench

# ---- targets for people ------------------------------------------------------------
.PHONY: criu-check-long

criu-check-long: all
	@rm -rf $(B)/criu-long
	@$(TOP)/vm/run --load --timeout 3000 --out $(B)/criu-long -- sh -c \
		'VCLOCK_CRIU_CYCLES=$(CRIU_LONG_CYCLES) SUITE_TIMEOUT=2700 run-suites 51-criu-cycles' \
		>/dev/null; rc=$$?; cat $(B)/criu-long/tap/51-criu-cycles.tap 2>/dev/null; \
		echo "criu-check-long: exit $$rc (TAP and guest dmesg in $(B)/criu-long)"; exit $$rc
