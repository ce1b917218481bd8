# criu-tests/criu-tests.mk - the CRIU plugin for /dev/vclock, the
# checkpoint/restore case programs and the in-guest CRIU suites 50-52
# (included by the top Makefile after vdso/vdso.mk, whose LIBVCLOCK_A and
# VDSO_HDRS it uses).
#
#   $(B)/criu/vclock_plugin.so -> $(G)/criu/vclock_plugin.so  (a directory of
#                                 its own: CRIU loads every *.so in -L DIR)
#   $(B)/criu/bin/vclock-cr-*  -> $(G)/bin                    (case programs)
#   criu-tests/guest/5*.sh     -> $(G)/tests/suites/5*-criu-* (runners, TAP)
#   criu-tests/guest/criu-lib.sh -> $(G)/tests/lib/criu-lib.sh
#   criu-tests/guest/vclock-criu-demo.sh -> $(G)/bin/vclock-criu-demo ('make demo')
#   criu-tests/guest/vclock-criu-bench.sh -> $(G)/bin/vclock-criu-bench ('make bench')
#
#   make criu-install     install the plugin into CRIU's plugin directory
#                         ($(DESTDIR)$(CRIU_PLUGIN_DIR), default /usr/lib/criu)
#   make criu-check-long  boot the guest and run the cycle suite with 50
#                         dump/restore cycles instead of 5

CRIU_PLUGIN_DIR ?= /usr/lib/criu
CRIU_LONG_CYCLES ?= 50

CRIU_PLUGIN_SRCS := $(wildcard criu-tests/plugin/*.c)
CRIU_PLUGIN_HDRS := $(wildcard criu-tests/plugin/*.h) include/vclock_abi.h
CRIU_PLUGIN_SO   := $(B)/criu/vclock_plugin.so

$(CRIU_PLUGIN_SO): $(CRIU_PLUGIN_SRCS) $(CRIU_PLUGIN_HDRS) criu-tests/plugin/vclock_plugin.map
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared \
		-Wl,--version-script=$(TOP)/criu-tests/plugin/vclock_plugin.map \
		-o $@ $(CRIU_PLUGIN_SRCS)

# The guest's plugin is built against the generation's own criu-plugin.h.
$(GK)/criu/vclock_plugin.so: $(CRIU_PLUGIN_SRCS) $(CRIU_PLUGIN_HDRS) criu-tests/plugin/vclock_plugin.map \
		$(CRIU_HEADER)
	@mkdir -p $(@D) $(GDIR)/criu-include/criu
	@cp $(CRIU_HEADER) $(GDIR)/criu-include/criu/criu-plugin.h
	$(CC) $(CFLAGS) -isystem $(GDIR)/criu-include -fPIC -shared \
		-Wl,--version-script=$(TOP)/criu-tests/plugin/vclock_plugin.map \
		-o $@ $(CRIU_PLUGIN_SRCS)
GEN_FILES += $(GK)/criu/vclock_plugin.so

# ---- case programs ------------------------------------------------------------
CR_CASE_CFLAGS := $(CFLAGS) -I$(TOP)/criu-tests/cases -I$(TOP)/tests -I$(TOP)/tests/guest \
		  -I$(TOP)/vdso
CR_CASE_DEPS   := criu-tests/cases/cr_common.c criu-tests/cases/cr_common.h \
		  tests/tap.h tests/guest/vclock_test.h include/vclock_abi.h

$(B)/criu/bin/vclock-cr-raw: criu-tests/cases/cr_raw.c $(CR_CASE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CR_CASE_CFLAGS) -o $@ $< criu-tests/cases/cr_common.c
# The programs that read the time through the reader library.
CR_LIB_SRCS := criu-tests/cases/cr_common.c criu-tests/cases/cr_pagetime.c
CR_LIB_DEPS := $(CR_CASE_DEPS) criu-tests/cases/cr_pagetime.c criu-tests/cases/cr_pagetime.h \
	       $(LIBVCLOCK_A) $(VDSO_HDRS)
$(B)/criu/bin/vclock-cr-lib: criu-tests/cases/cr_lib.c $(CR_LIB_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CR_CASE_CFLAGS) -o $@ $< $(CR_LIB_SRCS) $(LIBVCLOCK_A) -lpthread
$(B)/criu/bin/vclock-cr-fork: criu-tests/cases/cr_fork.c $(CR_LIB_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CR_CASE_CFLAGS) -o $@ $< $(CR_LIB_SRCS) $(LIBVCLOCK_A)
# An ordinary libc program: no vclock header, no library.
$(B)/criu/bin/vclock-cr-clockloop: criu-tests/cases/cr_clockloop.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

CR_CASE_PROGS := vclock-cr-raw vclock-cr-lib vclock-cr-fork vclock-cr-clockloop
CR_GUEST_BINS := $(patsubst %,$(G)/bin/%,$(CR_CASE_PROGS))
$(CR_GUEST_BINS): $(G)/bin/%: $(B)/criu/bin/%
	@install -D -m 755 $< $@

# ---- guest suites ---------------------------------------------------------------
CR_SUITES_SH := $(wildcard criu-tests/guest/5[0-9]-criu-*.sh)
CR_SUITES    := $(patsubst criu-tests/guest/%.sh,$(G)/tests/suites/%,$(CR_SUITES_SH))
$(CR_SUITES): $(G)/tests/suites/%: criu-tests/guest/%.sh
	@install -D -m 755 $< $@
$(G)/tests/lib/criu-lib.sh: criu-tests/guest/criu-lib.sh
	@install -D -m 644 $< $@
# The CRIU round trip of the ticker for 'make demo'.
$(G)/bin/vclock-criu-demo: criu-tests/guest/vclock-criu-demo.sh
	@install -D -m 755 $< $@
# Dump and restore times with and without the mapping for 'make bench'.
$(G)/bin/vclock-criu-bench: criu-tests/guest/vclock-criu-bench.sh
	@install -D -m 755 $< $@

# CRIU's outcome per strategy for 'make report'.
$(G)/bin/vclock-report-criu: criu-tests/guest/vclock-report-criu.sh
	@install -D -m 755 $< $@

GUEST_FILES += $(CR_GUEST_BINS) $(CR_SUITES) $(G)/bin/vclock-report-criu \
	       $(G)/tests/lib/criu-lib.sh $(G)/bin/vclock-criu-demo $(G)/bin/vclock-criu-bench

# ---- host unit test of the plugin (loads the .so as CRIU would) ------------------
$(B)/unit/criu-plugin: criu-tests/unit/plugin_test.c criu-tests/plugin/record.c \
		criu-tests/plugin/device.c $(CRIU_PLUGIN_HDRS) $(CRIU_PLUGIN_SO) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANITIZE) -I$(TOP)/tests -I$(TOP)/criu-tests/plugin -rdynamic \
		-DVCP_PLUGIN_SO='"$(CRIU_PLUGIN_SO)"' -o $@ $< criu-tests/plugin/record.c \
		criu-tests/plugin/device.c -ldl
UNIT_TESTS += $(B)/unit/criu-plugin

# ---- targets for people ------------------------------------------------------------
.PHONY: criu-install criu-check-long
criu-install: $(CRIU_PLUGIN_SO)
	install -D -m 644 $(CRIU_PLUGIN_SO) $(DESTDIR)$(CRIU_PLUGIN_DIR)/vclock_plugin.so

criu-check-long: all
	@rm -rf $(B)/criu-long
	@$(TOP)/vm/run --load --timeout 3000 --out $(B)/criu-long -- sh -c \
		'VCLOCK_CRIU_CYCLES=$(CRIU_LONG_CYCLES) SUITE_TIMEOUT=2700 run-suites 51-criu-cycles' \
		>/dev/null; rc=$$?; cat $(B)/criu-long/tap/51-criu-cycles.tap 2>/dev/null; \
		echo "criu-check-long: exit $$rc (TAP and guest dmesg in $(B)/criu-long)"; exit $$rc
