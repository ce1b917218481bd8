# tests/tests.mk - in-guest suites and the harness scripts (included by Makefile).
#
# A suite is one program emitting TAP; it lands in $(G)/tests/suites/NN-name
# and run-suites runs them in name order. Shell suites are tests/guest/NN-*.sh;
# C suites are declared below with guest_suite.

SUITES_SH := $(wildcard tests/guest/[0-9]*.sh)
GUEST_FILES += $(patsubst tests/guest/%.sh,$(G)/tests/suites/%,$(SUITES_SH))
GUEST_FILES += $(G)/tests/tap.sh $(G)/bin/run-suites $(G)/bin/run-suites-offshare

$(G)/tests/suites/%: tests/guest/%.sh
	@install -D -m 755 $< $@
$(G)/tests/tap.sh: tests/tap.sh
	@install -D -m 644 $< $@
$(G)/bin/run-suites: tests/run-suites
	@install -D -m 755 $< $@
$(G)/bin/run-suites-offshare: tests/run-suites-offshare
	@install -D -m 755 $< $@

GUEST_TEST_DEPS := tests/tap.h tests/guest/vclock_test.h tests/guest/vclock_clocks.h include/vclock_abi.h

# $(call guest_suite,NN-name,source stem in tests/guest,extra objects/flags)
define guest_suite
GUEST_FILES += $(G)/tests/suites/$(1)
$(G)/tests/suites/$(1): tests/guest/$(2).c $(GUEST_TEST_DEPS) $(filter %.a,$(3))
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -o $$@ $$< $(3)
endef

$(eval $(call guest_suite,01-hpet,hpet_probe))
$(eval $(call guest_suite,21-kmod-mapping,kmod_mapping))
$(eval $(call guest_suite,22-kmod-pat,kmod_pat))
$(eval $(call guest_suite,24-kmod-timens,kmod_timens,-I$(TOP)/vdso))
$(eval $(call guest_suite,19-kmod-trace,kmod_trace))
$(eval $(call guest_suite,29-kmod-lifecycle,kmod_lifecycle))

# Host-side tests of the harness itself (shell, TAP).
UNIT_TESTS += $(B)/unit/summarize_test $(B)/unit/vm_run_test $(B)/unit/install_test $(B)/unit/report_test \
	      $(B)/unit/readme_commands_test $(B)/unit/readme_messages_test
$(B)/unit/%_test: tests/unit/%_test.sh
	@install -D -m 755 $< $@

# The kernel's checkpatch.pl and timers selftests, from Debian's linux-source
# package (third-party tools, run, never copied; kept by make clean).
KSRC := $(B)/kernel-source
$(KSRC)/package:
	vm/kernel-source $(KSRC)
UNIT_TESTS += $(B)/unit/checkpatch_test
$(B)/unit/checkpatch_test: $(KSRC)/package
KSELFTEST_TIMERS := inconsistency-check nanosleep clocksource-switch
GUEST_FILES += $(patsubst %,$(G)/oracles/timers/%,$(KSELFTEST_TIMERS))
$(G)/oracles/timers/%: $(KSRC)/package
	@mkdir -p $(@D)
	$(CC) -O2 -w -o $@ $(KSRC)/linux/tools/testing/selftests/timers/$*.c -lrt
$(eval $(call guest_suite,23-kmod-timekeeper,kmod_timekeeper,-I$(TOP)/vdso $(LIBVCLOCK_A) -lpthread))
$(eval $(call guest_suite,30-abuse-input,abuse_input))
$(eval $(call guest_suite,31-abuse-fuzz,abuse_fuzz))
$(eval $(call guest_suite,32-abuse-churn,abuse_churn,-I$(TOP)/vdso $(LIBVCLOCK_A) -lpthread))
$(eval $(call guest_suite,33-abuse-cycles,abuse_cycles))
$(eval $(call guest_suite,34-abuse-unprivileged,abuse_unprivileged,-I$(TOP)/vdso $(LIBVCLOCK_A)))

# The demo's guest half (vm/demo boots it).
GUEST_FILES += $(G)/bin/vclock-demo
$(G)/bin/vclock-demo: vm/demo-guest
	@install -D -m 755 $< $@

# Issue 13's regression suites, each named after the defect it guards.
$(eval $(call guest_suite,25-kmod-param-race,kmod_param_race))
$(eval $(call guest_suite,26-kmod-load-params,kmod_load_params))
$(eval $(call guest_suite,35-abuse-pfn-leak,abuse_pfn_leak))
$(eval $(call guest_suite,36-abuse-timens-views,abuse_timens_views))
$(eval $(call guest_suite,27-kmod-clock-step,kmod_clock_step,-I$(TOP)/vdso $(LIBVCLOCK_A) -lpthread))
$(eval $(call guest_suite,28-kmod-resume,kmod_resume,-I$(TOP)/vdso $(LIBVCLOCK_A) -lpthread))
$(eval $(call guest_suite,20-kmod-cs-switch,kmod_cs_switch,-I$(TOP)/vdso $(LIBVCLOCK_A) -lpthread))

# Issue 17: the hpet_page policy (Linux v4.6 patch 6/6).
$(eval $(call guest_suite,37-kmod-hpet-page,kmod_hpet_page))
$(eval $(call guest_suite,38-kmod-proc-file,kmod_proc_file))
