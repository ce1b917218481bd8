# SPDX-License-Identifier: GPL-2.0
# tests/guest/guest.mk - the in-guest suites (included by the top Makefile).
#
# A suite is one program emitting TAP, named by its run number: run-suites
# runs $(G)/tests/suites/NN-name in name order. tests/guest/NN-name.sh is
# installed as it is, tests/guest/NN-name.c is built by one pattern rule
# with the test library ($(TEST_LIB)) and the extra libraries
# SUITE_LIBS_NN-name lists below.

GUEST_SUITES := $(patsubst tests/guest/%,$(G)/tests/suites/%,\
		$(basename $(wildcard tests/guest/[0-9]*.sh tests/guest/[0-9]*.c)))
GUEST_FILES += $(GUEST_SUITES)

# Extra libraries: libvclock for the suites that read through the library.
SUITE_LIBS_18-kmod-gup          := $(call us_objs,report_gup report_common)
SUITE_LIBS_39-kmod-copy         := $(call us_objs,report_common)
SUITE_LIBS_20-kmod-cs-switch    := $(LIBVCLOCK_A) -lpthread
SUITE_LIBS_23-kmod-timekeeper   := $(LIBVCLOCK_A) -lpthread
SUITE_LIBS_27-kmod-clock-step   := $(LIBVCLOCK_A) -lpthread
SUITE_LIBS_28-kmod-resume       := $(LIBVCLOCK_A) -lpthread
SUITE_LIBS_32-abuse-churn       := $(LIBVCLOCK_A) -lpthread
SUITE_LIBS_34-abuse-unprivileged := $(LIBVCLOCK_A)
SUITE_LIBS_40-vdso-abi          := -ldl
SUITE_LIBS_41-reader            := $(LIBVCLOCK_A) -lpthread
SUITE_LIBS_46-getcpu            := $(LIBVCLOCK_A) -lpthread -ldl

$(G)/tests/suites/%: tests/guest/%.sh
	@install -D -m 755 $< $@
$(G)/tests/suites/%: tests/guest/%.c $(TEST_HDRS) $(VDSO_HDRS) $(TEST_LIB) $(LIBVCLOCK_A)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LIB) $(SUITE_LIBS_$*)

# 18-kmod-gup probes with vclock-report's code (userspace/report_gup.c);
# 39-kmod-copy reads page counts with it.
$(G)/tests/suites/18-kmod-gup: $(call us_objs,report_gup report_common)
$(G)/tests/suites/39-kmod-copy: $(call us_objs,report_common)

# 46-getcpu also runs on the host, against the library's sources under
# ASan/UBSan (libvclock.so is what it looks __vdso_getcpu up in).
$(B)/unit/getcpu: tests/guest/46-getcpu.c $(TEST_HDRS) $(VDSO_HDRS) $(VDSO_SRCS) $(TEST_LIB_SAN) \
		$(LIBVCLOCK_SO)
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(UNIT_CFLAGS) -o $@ $< $(VDSO_SRCS) $(TEST_LIB_SAN) -lpthread -ldl
UNIT_TESTS += $(B)/unit/getcpu

# The kernel's timers selftests, built for the guest as third-party oracles
# of the library (49-kselftest-timers), with their own flags: not our code.
# Only with KSRC_TOOLS=1 (the goals that run the suites, top Makefile).
KSELFTEST_TIMERS := inconsistency-check
ifeq ($(KSRC_TOOLS),1)
GUEST_FILES += $(patsubst %,$(G)/oracles/timers/%,$(KSELFTEST_TIMERS))
endif
$(G)/oracles/timers/%: $(KSRC)/package
	@mkdir -p $(@D)
	$(call say,CC)$(CC) -O2 -w -o $@ $(KSRC)/linux/tools/testing/selftests/timers/$*.c -lrt
